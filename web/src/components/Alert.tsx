// The DSFR alert (fr-alert): a title, a text, optional content; role="alert" when it reports what just failed.
import type { ComponentChildren } from "preact";

export type Severity = "error" | "success" | "info" | "warning";

export interface AlertProps {
  severity: Severity;
  title: string;
  children?: ComponentChildren;
  small?: boolean;
  /** Announced at once by screen readers (an error or a success that just happened). */
  live?: boolean;
  id?: string;
  class?: string;
}

export function Alert({ severity, title, children, small, live, id, class: extra }: AlertProps) {
  const classes = ["fr-alert", `fr-alert--${severity}`, small ? "fr-alert--sm" : "", extra ?? ""].filter(Boolean);
  return (
    <div class={classes.join(" ")} id={id} role={live ? (severity === "error" ? "alert" : "status") : undefined}>
      {small ? <p>{title}</p> : <h3 class="fr-alert__title">{title}</h3>}
      {children}
    </div>
  );
}
