// What a screen not built yet shows: that it is coming, in French, and a way back. Never fake data.
import { Alert } from "../components/Alert";
import { messages } from "../messages";

export function Coming({ screen }: { screen: string }) {
  return (
    <>
      <h1>{screen}</h1>
      <Alert severity="info" title={messages.comingTitle}>
        <p>{messages.comingText(screen)}</p>
      </Alert>
      <p class="fr-mt-3w">
        <a class="fr-link fr-icon-arrow-right-line fr-link--icon-right" href="#/">
          {messages.backHome}
        </a>
      </p>
    </>
  );
}
