// The shell: skip links, header (service name, navigation, sign-in / sign-out), the current screen, footer.
// It reads GET /me once per sign-in and hands the account to the screens; a screen that needs a signed-in user
// shows the sign-in instead (then comes back to it).
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { AccountContext, capabilities, type AccountState } from "./account";
import { call } from "./api/client";
import { AssistantLauncher } from "./assistant/Launcher";
import type { Session, SessionState } from "./auth/session";
import { FlashBanner, flashBanner } from "./components/Flash";
import { Footer } from "./components/Footer";
import { Header, type NavItem } from "./components/Header";
import { ProblemAlert } from "./components/ProblemAlert";
import { SkipLinks } from "./components/SkipLinks";
import { messages } from "./messages";
import { currentBack, navigate, PUBLIC_ROUTES, useRoute, type Route } from "./router";
// Each screen in its own chunk, loaded when first shown (lazy.tsx).
import {
  AccessibilityScreen,
  ChatDeskScreen,
  ContactScreen,
  CreateScreen,
  DashboardScreen,
  DetailScreen,
  HomeScreen,
  ListsScreen,
  NotFoundScreen,
  SatisfactionScreen,
  SearchScreen,
  SignInScreen,
  StatusScreen,
  StructureScreen,
  StructuresScreen,
} from "./lazy";
import { chatOffered } from "./api/chat";
import { chatdeskMessages } from "./screens/chatdesk/messages";
import { dashMessages } from "./screens/dashboard/messages";
import { isSupport } from "./screens/satisfaction";
import { structuresMessages } from "./screens/structures/messages";

function useSession(session: Session): SessionState {
  const [state, setState] = useState(session.snapshot);
  useEffect(() => {
    const unsubscribe = session.subscribe(setState);
    setState(session.snapshot); // what changed between the first render and this subscription
    return unsubscribe;
  }, [session]);
  return state;
}

function titleOf(route: Route, needsSignIn: boolean): string {
  if (needsSignIn) return messages.signIn;
  switch (route.name) {
    case "home":
      return messages.home;
    case "signIn":
      return messages.signIn;
    case "create":
      return messages.screens.create;
    case "draft":
      return `${messages.screens.draft} n° ${route.number}`;
    case "detail":
      return `${messages.screens.detail} n° ${route.number}`;
    case "lists":
      return messages.screens.lists;
    case "dashboard":
      return dashMessages.dashboard;
    case "satisfaction":
      return dashMessages.satisfaction;
    case "structures":
      return structuresMessages.listTitle;
    case "structure":
      return structuresMessages.pageTitle(route.siret);
    case "search":
      return messages.screens.search;
    case "chatdesk":
      return chatdeskMessages.title;
    case "contact":
      return messages.screens.contact;
    case "status":
      return messages.screens.status;
    case "accessibility":
      return "Déclaration d'accessibilité";
    case "notFound":
      return messages.notFoundTitle;
  }
}

function Screen({ route, account }: { route: Route; account: AccountState }) {
  switch (route.name) {
    case "contact":
      return <ContactScreen />;
    case "status":
      return <StatusScreen token={route.token} />;
    case "accessibility":
      return <AccessibilityScreen />;
    case "notFound":
      return <NotFoundScreen />;
    default:
      break;
  }
  if (account.status === "failed") return <ProblemAlert problem={account.problem} />;
  if (account.status !== "ready") {
    return (
      <p class="portal-loading" role="status">
        {messages.loading}
      </p>
    );
  }
  switch (route.name) {
    case "home":
    case "signIn":
      return <HomeScreen account={account.account} />;
    case "create":
      return <CreateScreen number={null} />;
    case "draft":
      return <CreateScreen number={route.number} />;
    case "detail":
      return <DetailScreen number={route.number} />;
    case "lists":
      return <ListsScreen />;
    case "dashboard":
      return <DashboardScreen org={route.org} />;
    case "satisfaction":
      return <SatisfactionScreen account={account.account} />;
    case "structures":
      return <StructuresScreen account={account.account} />;
    case "structure":
      return <StructureScreen siret={route.siret} operation={route.operation} />;
    case "search":
      return <SearchScreen />;
    case "chatdesk":
      return <ChatDeskScreen account={account.account} />;
  }
}

export function App({ session }: { session: Session }) {
  const state = useSession(session);
  const route = useRoute();
  const [account, setAccount] = useState<AccountState>({ status: "none" });
  const signedInAs = state.status === "signedIn" ? state.email : null;
  const mainRef = useRef<HTMLElement>(null);
  const firstScreen = useRef(true);

  // GET /me once per signed-in user (a refreshed token is the same user: not read again).
  useEffect(() => {
    if (signedInAs === null) {
      setAccount({ status: "none" });
      return;
    }
    let live = true;
    setAccount({ status: "loading" });
    void call((api) => api.GET("/me")).then((result) => {
      if (live) setAccount(result.ok ? { status: "ready", account: result.data } : { status: "failed", problem: result.problem });
    });
    return () => {
      live = false;
    };
  }, [signedInAs]);

  // Signed in on the sign-in screen: go where the user was going.
  useEffect(() => {
    if (state.status === "signedIn" && route.name === "signIn") navigate(route.back ?? "/", true);
  }, [state.status, route]);

  const needsSignIn = state.status === "signedOut" && !PUBLIC_ROUTES.has(route.name);
  const title = titleOf(route, needsSignIn);

  // Each new screen: its title in the tab, the focus at the top of the content (a screen reader starts there).
  useEffect(() => {
    document.title = messages.pageTitle(title);
    if (firstScreen.current) {
      firstScreen.current = false;
      return;
    }
    // A confirmation at the top of the new screen (components/Flash.tsx) is read first.
    (flashBanner() ?? mainRef.current)?.focus();
  }, [title, route]);

  const can = account.status === "ready" ? capabilities(account.account) : null;
  const nav: NavItem[] = [
    { label: messages.homeLink, href: "#/", current: route.name === "home" },
    ...(state.status === "signedIn"
      ? [
          ...(can?.canEmit ? [{ label: messages.createTicket, href: "#/tickets/nouveau", current: route.name === "create" }] : []),
          { label: messages.myTickets, href: "#/tickets", current: route.name === "lists" || route.name === "search" },
          { label: dashMessages.dashboard, href: "#/tableau-de-bord", current: route.name === "dashboard" },
          ...(account.status === "ready" && isSupport(account.account)
            ? [{ label: dashMessages.satisfaction, href: "#/satisfaction", current: route.name === "satisfaction" }]
            : []),
          // The agents: the members of a team or of a public structure answer the chats of their queues.
          ...(can?.canReceive && chatOffered()
            ? [{ label: chatdeskMessages.title, href: "#/discussions", current: route.name === "chatdesk" }]
            : []),
          ...(can?.managesPublicStructure
            ? [{ label: messages.myStructures, href: "#/structures", current: route.name === "structures" || route.name === "structure" }]
            : []),
        ]
      : [{ label: messages.contactSupport, href: "#/contact", current: route.name === "contact" }]),
  ];
  const userName = state.status === "signedIn" ? (account.status === "ready" ? account.account.name : state.email) : null;
  const back = currentBack();
  const assistantOwner = useMemo(() => ({ signedIn: signedInAs !== null, who: signedInAs ?? "" }), [signedInAs]);

  return (
    <AccountContext.Provider value={account}>
      <SkipLinks />
      <Header
        nav={nav}
        userName={userName}
        signInHref={`#/connexion${back ? `?retour=${encodeURIComponent(back)}` : ""}`}
        onSignOut={() => {
          void session.signOut().then(() => navigate("/connexion"));
        }}
      />
      <main id="contenu" class="fr-container fr-py-5w portal-main" role="main" tabIndex={-1} ref={mainRef}>
        <FlashBanner />
        {state.status === "starting" ? (
          <p class="portal-loading" role="status">
            {messages.loading}
          </p>
        ) : state.status === "signedOut" && (needsSignIn || route.name === "signIn") ? (
          <SignInScreen session={session} notice={state.notice} />
        ) : (
          <Screen route={route} account={account} />
        )}
      </main>
      <Footer />
      {state.status !== "starting" && <AssistantLauncher owner={assistantOwner} />}
    </AccountContext.Provider>
  );
}
