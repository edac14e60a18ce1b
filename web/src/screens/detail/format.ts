// Dates and sizes as French users read them: « 07/12/2026 à 09:34 » (Paris time), « 12 ko », « 1,5 Mo ».
const dateTime = new Intl.DateTimeFormat("fr-FR", {
  dateStyle: "short",
  timeStyle: "short",
  timeZone: "Europe/Paris",
});
const dateOnly = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeZone: "Europe/Paris" });

export function formatDateTime(iso: string): string {
  // « 07/12/2026 09:34 » → « 07/12/2026 à 09:34 »
  return dateTime.format(new Date(iso)).replace(/\s+/, " à ");
}

export function formatDay(iso: string): string {
  return dateOnly.format(new Date(iso));
}

/** Powers of 1024, as the API words its limits (« 10 Mo »). */
export function formatSize(bytes: number): string {
  const units: [string, number][] = [
    ["Go", 1024 ** 3],
    ["Mo", 1024 ** 2],
    ["ko", 1024],
  ];
  for (const [unit, scale] of units) {
    if (bytes >= scale) {
      const value = Math.round((bytes / scale) * 10) / 10;
      return `${Number.isInteger(value) ? value.toFixed(0) : value.toFixed(1).replace(".", ",")} ${unit}`;
    }
  }
  return bytes < 2 ? `${bytes} octet` : `${bytes} octets`;
}
