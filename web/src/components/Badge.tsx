// The DSFR badge (fr-badge), and the status badge of a ticket: the API's label, a colour per status.
import type { components } from "../api/schema";

export type BadgeSeverity = "success" | "error" | "info" | "warning" | "new";

export function Badge({ label, severity, small }: { label: string; severity?: BadgeSeverity; small?: boolean }) {
  const classes = ["fr-badge", severity ? `fr-badge--${severity}` : "", small ? "fr-badge--sm" : ""].filter(Boolean);
  return <p class={classes.join(" ")}>{label}</p>;
}

type Status = components["schemas"]["Status"];

const STATUS_SEVERITY: Record<Status, BadgeSeverity | undefined> = {
  DRAFT: undefined,
  OPEN: "new",
  IN_PROGRESS: "info",
  AWAITING_INFO: "warning",
  RESOLVED: "success",
  CLOSED: undefined,
};

/** A ticket's status as the API names it (`{code, label}`), coloured by its code. */
export function StatusBadge({ status, small }: { status: { code: string; label: string }; small?: boolean }) {
  return <Badge label={status.label} severity={STATUS_SEVERITY[status.code as Status]} small={small} />;
}
