// The portal's entry: the DSFR's styles and scripts, the settings (/config.json), the API client with the
// session's tokens, then the shell.
import "./styles.css";
import { startDsfr } from "./dsfr";
import { render } from "preact";
import { configureApi } from "./api/client";
import { loadConfig } from "./api/config";
import { App } from "./app";
import { Session } from "./auth/session";

async function start(root: HTMLElement): Promise<void> {
  startDsfr();
  let session: Session;
  try {
    const config = await loadConfig();
    session = new Session(config);
    configureApi(config.apiBase, session);
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
  await session.restore();
}

const root = document.getElementById("app");
if (root) void start(root);
