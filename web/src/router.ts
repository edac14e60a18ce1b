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
  | { name: "dashboard"; org: string | null }
  | { name: "satisfaction" }
  | { name: "structures" }
  | { name: "structure"; siret: string; operation: string | null }
  | { name: "search" }
  | { name: "chatdesk" }
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
    case "tableau-de-bord":
      if (parts.length === 1) return { name: "dashboard", org: null };
      return parts.length === 2 && /^[A-Za-z0-9_-]{1,64}$/.test(parts[1] ?? "") ? { name: "dashboard", org: parts[1] ?? null } : { name: "notFound" };
    case "satisfaction":
      return parts.length === 1 ? { name: "satisfaction" } : { name: "notFound" };
    case "discussions":
      return parts.length === 1 ? { name: "chatdesk" } : { name: "notFound" };
    case "tickets": {
      if (parts.length === 1) return { name: "lists" };
      if (parts.length === 2 && parts[1] === "nouveau") return { name: "create" };
      if (parts.length === 2 && parts[1] === "recherche") return { name: "search" };
      const n = number(parts[1]);
      if (n !== null && parts.length === 2) return { name: "detail", number: n };
      if (n !== null && parts.length === 3 && parts[2] === "modifier") return { name: "draft", number: n };
      return { name: "notFound" };
    }
    case "structures": {
      if (parts.length === 1) return { name: "structures" };
      const operation = new URLSearchParams(query).get("operation");
      if (parts.length === 2 && /^[0-9]{14}$/.test(parts[1] ?? "")) {
        return { name: "structure", siret: parts[1] ?? "", operation: operation && /^[A-Za-z0-9-]{1,80}$/.test(operation) ? operation : null };
      }
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
    case "dashboard":
      return route.org === null ? "#/tableau-de-bord" : `#/tableau-de-bord/${encodeURIComponent(route.org)}`;
    case "satisfaction":
      return "#/satisfaction";
    case "structures":
      return "#/structures";
    case "structure":
      return `#/structures/${route.siret}${route.operation ? `?operation=${encodeURIComponent(route.operation)}` : ""}`;
    case "search":
      return "#/tickets/recherche";
    case "chatdesk":
      return "#/discussions";
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
  const { pathname, hash } = window.location;
  // A portal link followed on the status page (« #/… »: a token never starts with « / ») leaves it: back to the
  // portal's own address, so that the status page's path never holds another screen.
  if (STATUS_PATH.test(pathname) && hash.startsWith("#/")) {
    const portal = pathname.replace(STATUS_PATH, "/");
    window.history.replaceState(null, "", portal + hash);
    return parse(portal, hash);
  }
  return parse(pathname, hash);
}

/** The fragment of the current screen, to come back to it after signing in (never the sign-in itself). */
export function currentBack(): string | null {
  if (STATUS_PATH.test(window.location.pathname)) return null; // its fragment is a token: never copied into a URL
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
