// The screens, each in its own chunk, loaded when it is first shown: the first paint needs the shell only (its
// script and styles.css), and a screen's code and styles come with it. main.tsx starts loading the screen the
// address names (and the sign-in when no session is kept) while the settings and the session are read, so the
// screen is usually there when its data is. Each screen is loaded once; the components' DSFR styles the screens
// use (screen-styles.css) come with the first one, before the screen's own sheet in the cascade.
import type { ComponentType, JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { Alert } from "./components/Alert";
import { Button } from "./components/Button";
import { messages } from "./messages";
import type { Route } from "./router";

let styles: Promise<unknown> | null = null;

let shown: () => void = () => undefined;
/** Resolved once the first screen is painted (its effects run after the frame: Preact's useEffect). */
export const firstScreenShown = new Promise<void>((resolve) => (shown = resolve));

/** The DSFR components' styles of the screens (forms, tables, badges…), one sheet fetched once. */
function screenStyles(): Promise<unknown> {
  styles ??= import("./screen-styles.css");
  return styles;
}

export interface LazyScreen<P> {
  (props: P): JSX.Element;
  /** Start loading the screen (its chunk, its styles); the same promise for every caller. */
  preload(): Promise<ComponentType<P>>;
}

function lazyScreen<P extends object>(load: () => Promise<ComponentType<P>>): LazyScreen<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;

  function preload(): Promise<ComponentType<P>> {
    // The shared sheet first, so that its <link> precedes the screen's own sheet (the screen's rules win).
    pending ??= Promise.all([screenStyles(), load()]).then(([, screen]) => (loaded = screen));
    return pending;
  }

  function Lazy(props: P) {
    const [state, setState] = useState<"loading" | "ready" | "failed">(loaded ? "ready" : "loading");
    useEffect(() => {
      if (state !== "loading") return;
      let live = true;
      preload().then(
        () => live && setState("ready"),
        () => live && setState("failed"),
      );
      return () => {
        live = false;
      };
    }, [state]);
    useEffect(() => {
      if (state !== "loading") shown();
    }, [state]);
    if (loaded !== null) {
      const Screen = loaded;
      return <Screen {...props} />;
    }
    if (state === "failed") {
      // The browser keeps a module that failed to load as failed until the page is loaded again: a reload it is.
      return (
        <Alert severity="error" title={messages.screenUnavailable} live>
          <p>{messages.screenUnavailableText}</p>
          <Button kind="secondary" class="fr-mt-2w" onClick={() => window.location.reload()}>
            {messages.screenReload}
          </Button>
        </Alert>
      );
    }
    return (
      <p class="portal-loading" role="status">
        {messages.loading}
      </p>
    );
  }

  return Object.assign(Lazy, { preload });
}

export const HomeScreen = lazyScreen(() => import("./screens/home").then((m) => m.HomeScreen));
export const SignInScreen = lazyScreen(() => import("./screens/signin").then((m) => m.SignInScreen));
export const CreateScreen = lazyScreen(() => import("./screens/create").then((m) => m.CreateScreen));
export const DetailScreen = lazyScreen(() => import("./screens/detail").then((m) => m.DetailScreen));
export const ListsScreen = lazyScreen(() => import("./screens/lists").then((m) => m.ListsScreen));
export const ContactScreen = lazyScreen(() => import("./screens/contact").then((m) => m.ContactScreen));
export const StatusScreen = lazyScreen(() => import("./screens/status").then((m) => m.StatusScreen));
export const AccessibilityScreen = lazyScreen(() => import("./screens/accessibility").then((m) => m.AccessibilityScreen));
export const SearchScreen = lazyScreen(() => import("./screens/search").then((m) => m.SearchScreen));
export const DashboardScreen = lazyScreen(() => import("./screens/dashboard").then((m) => m.DashboardScreen));
export const SatisfactionScreen = lazyScreen(() => import("./screens/satisfaction").then((m) => m.SatisfactionScreen));
export const StructuresScreen = lazyScreen(() => import("./screens/structures").then((m) => m.StructuresScreen));
export const StructureScreen = lazyScreen(() => import("./screens/structures").then((m) => m.StructureScreen));
export const ChatDeskScreen = lazyScreen(() => import("./screens/chatdesk").then((m) => m.ChatDeskScreen));
export const NotFoundScreen = lazyScreen(() => import("./screens/notfound").then((m) => m.NotFoundScreen));

const BY_ROUTE: Record<Route["name"], { preload(): Promise<unknown> }> = {
  home: HomeScreen,
  signIn: SignInScreen,
  create: CreateScreen,
  draft: CreateScreen,
  detail: DetailScreen,
  lists: ListsScreen,
  search: SearchScreen,
  dashboard: DashboardScreen,
  satisfaction: SatisfactionScreen,
  structures: StructuresScreen,
  structure: StructureScreen,
  chatdesk: ChatDeskScreen,
  contact: ContactScreen,
  status: StatusScreen,
  accessibility: AccessibilityScreen,
  notFound: NotFoundScreen,
};

/** At start, before the settings and the session are read: load the screen the address names, and the sign-in
 * too when this tab keeps no session (it is then what a screen that needs one shows). A failure is shown by the
 * screen itself when it renders. */
export function preloadScreens(route: Route, sessionKept: boolean): void {
  const wanted = new Set([BY_ROUTE[route.name], ...(sessionKept ? [] : [SignInScreen])]);
  for (const screen of wanted) screen.preload().catch(() => undefined);
}
