// Routing by the URL's fragment (#/tickets/12): the URL keeps the screen (a reload or a shared link opens the
// same one), the static host serves one index.html, and no portal address can clash with an API path.
// One exception: the status page the mails link to is <portal>/suivi#<token> (StatusPageUrl): its fragment is
// the token, so that page is chosen by its path.
import { useEffect, useState } from "preact/hooks";

export type Route =
  | { name: "home" }
  | { name: "signIn"; back: string | null }
  | { name: "create" }
  | { name: "draft"; number: number }
  | { name: "detail"; number: number }
  | { name: "lists" }
  | { name: "search" }
  | { name: "contact" }
  | { name: "status"; token: string }
  | { name: "accessibility" }
  | { name: "notFound" };

/** Screens anyone may open without signing in. */
export const PUBLIC_ROUTES: ReadonlySet<Route["name"]> = new Set(["signIn", "contact", "status", "accessibility", "notFound"]);

const STATUS_PATH = /\/suivi\/?$/;

export function parse(pathname: string, hash: string): Route {
  if (STATUS_PATH.test(pathname)) return { name: "status", token: hash.replace(/^#/, "") };
  const [path = "", query = ""] = hash.replace(/^#/, "").split("?", 2);
  const parts = path.split("/").filter(Boolean);
  const number = (text: string | undefined) => (text && /^[1-9][0-9]{0,11}$/.test(text) ? Number(text) : null);
  switch (parts[0]) {
    case undefined:
      return { name: "home" };
    case "connexion":
      return parts.length === 1 ? { name: "signIn", back: new URLSearchParams(query).get("retour") } : { name: "notFound" };
    case "contact":
      return parts.length === 1 ? { name: "contact" } : { name: "notFound" };
    case "accessibilite":
      return parts.length === 1 ? { name: "accessibility" } : { name: "notFound" };
    case "tickets": {
      if (parts.length === 1) return { name: "lists" };
      if (parts.length === 2 && parts[1] === "nouveau") return { name: "create" };
      if (parts.length === 2 && parts[1] === "recherche") return { name: "search" };
      const n = number(parts[1]);
      if (n !== null && parts.length === 2) return { name: "detail", number: n };
      if (n !== null && parts.length === 3 && parts[2] === "modifier") return { name: "draft", number: n };
      return { name: "notFound" };
    }
    default:
      return { name: "notFound" };
  }
}

/** The address of a screen (a fragment, except the status page). */
export function href(route: Route): string {
  switch (route.name) {
    case "home":
      return "#/";
    case "signIn":
      return route.back ? `#/connexion?retour=${encodeURIComponent(route.back)}` : "#/connexion";
    case "create":
      return "#/tickets/nouveau";
    case "draft":
      return `#/tickets/${route.number}/modifier`;
    case "detail":
      return `#/tickets/${route.number}`;
    case "lists":
      return "#/tickets";
    case "search":
      return "#/tickets/recherche";
    case "contact":
      return "#/contact";
    case "status":
      return `/suivi#${route.token}`;
    case "accessibility":
      return "#/accessibilite";
    case "notFound":
      return "#/introuvable";
  }
}

export function currentRoute(): Route {
  return parse(window.location.pathname, window.location.hash);
}

/** The fragment of the current screen, to come back to it after signing in (never the sign-in itself). */
export function currentBack(): string | null {
  const hash = window.location.hash.replace(/^#/, "");
  return hash && !hash.startsWith("/connexion") ? hash : null;
}

export function navigate(route: Route | string, replace = false): void {
  const target = typeof route === "string" ? `#${route.replace(/^#/, "")}` : href(route);
  if (target.startsWith("/")) {
    window.location.assign(target);
  } else if (replace) {
    window.history.replaceState(null, "", target);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else {
    window.location.hash = target;
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    window.addEventListener("hashchange", update);
    window.addEventListener("popstate", update);
    return () => {
      window.removeEventListener("hashchange", update);
      window.removeEventListener("popstate", update);
    };
  }, []);
  return route;
}
