// The DSFR button (fr-btn): primary, secondary or tertiary, an optional icon, a link when it has an href.
import type { ComponentChildren, TargetedMouseEvent } from "preact";

export interface ButtonProps {
  children: ComponentChildren;
  kind?: "primary" | "secondary" | "tertiary" | "tertiary-no-outline";
  icon?: string;
  iconRight?: boolean;
  size?: "sm" | "lg";
  href?: string;
  type?: "button" | "submit" | "reset";
  onClick?: (event: TargetedMouseEvent<HTMLElement>) => void;
  disabled?: boolean;
  id?: string;
  title?: string;
  "aria-controls"?: string;
  "data-fr-opened"?: "false";
  class?: string;
}

export function Button(props: ButtonProps) {
  const classes = [
    "fr-btn",
    props.kind && props.kind !== "primary" ? `fr-btn--${props.kind}` : "",
    props.size ? `fr-btn--${props.size}` : "",
    props.icon ? `${props.icon} fr-btn--icon-${props.iconRight ? "right" : "left"}` : "",
    props.class ?? "",
  ]
    .filter(Boolean)
    .join(" ");
  if (props.href !== undefined) {
    return (
      <a class={classes} href={props.href} id={props.id} title={props.title} onClick={props.onClick}>
        {props.children}
      </a>
    );
  }
  return (
    <button
      class={classes}
      type={props.type ?? "button"}
      onClick={props.onClick}
      disabled={props.disabled}
      id={props.id}
      title={props.title}
      aria-controls={props["aria-controls"]}
      data-fr-opened={props["data-fr-opened"]}
    >
      {props.children}
    </button>
  );
}

/** The DSFR group of buttons (fr-btns-group), inline from medium screens, stacked on small ones. */
export function ButtonsGroup({ children, right }: { children: ComponentChildren; right?: boolean }) {
  return (
    <ul class={`fr-btns-group fr-btns-group--inline-md${right ? " fr-btns-group--right" : ""}`}>
      {(Array.isArray(children) ? children : [children]).filter(Boolean).map((child, i) => (
        <li key={i}>{child}</li>
      ))}
    </ul>
  );
}
