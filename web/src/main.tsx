// The portal's entry: the shell's styles, the settings (/config.json, preloaded by index.html), the API client with
// the session's tokens, then the shell. The screen the address names is fetched meanwhile (lazy.tsx), and the
// fonts and the DSFR's JavaScript once that screen is painted with its data: none of them holds a paint back.
import "./styles.css";
import { render } from "preact";
import { configureChat } from "./api/chat";
import { configureApi } from "./api/client";
import { loadConfig } from "./api/config";
import { App } from "./app";
import { Session } from "./auth/session";
import { startDsfr } from "./dsfr";
import { preloadScreens } from "./lazy";
import { currentRoute } from "./router";
import { pageSettled } from "./settled";

/** Whether this tab keeps a signed-in session (the keys amazon-cognito-identity-js writes, auth/session.ts), known
 * before the settings are: if not, the sign-in is what a screen that needs one shows first. */
function sessionKept(): boolean {
  try {
    for (let index = 0; index < window.sessionStorage.length; index += 1) {
      const key = window.sessionStorage.key(index);
      if (key?.startsWith("CognitoIdentityServiceProvider.") && key.endsWith(".LastAuthUser")) return true;
    }
  } catch {
    // storage refused (a browser's setting): no session can be kept
  }
  return false;
}

async function start(root: HTMLElement): Promise<void> {
  preloadScreens(currentRoute(), sessionKept());
  let session: Session;
  try {
    const config = await loadConfig();
    session = new Session(config);
    configureApi(config.apiBase, session);
    configureChat(config.chatUrl, session);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    render(
      <main class="fr-container fr-py-5w" id="contenu">
        <div class="fr-alert fr-alert--error" role="alert">
          <h1 class="fr-alert__title">{message}</h1>
        </div>
      </main>,
      root,
    );
    return;
  }
  render(<App session={session} />, root);
  // What the page needs once a screen is there, not to paint it: the fonts (until they arrive, text is set in the
  // DSFR's fallback font) and the DSFR's JavaScript (the menu on small screens, the dialogs). Fetched once the first
  // screen is painted with its data (settled.ts), 5 s after the shell at the latest, so that on a slow network they
  // never compete with the screen's code and data. Without them the page still reads; the menu and the dialogs
  // wait for a reload.
  void Promise.race([pageSettled(), new Promise((resolve) => setTimeout(resolve, 5000))]).then(() => {
    import("./fonts.css").catch(() => undefined);
    startDsfr().catch(() => undefined);
  });
  await session.restore();
}

const root = document.getElementById("app");
if (root) void start(root);
