// Dates as French users read them: « 07/12/2026 à 09:34 », Paris time (the API gives ISO 8601 in UTC).
const dateTime = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "short", timeZone: "Europe/Paris" });

export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso)).replace(/\s+/, " à ");
}
