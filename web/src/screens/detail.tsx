// The detail of a ticket (seed 003 « Détail de la sollicitation », seed 001 « Consulter les tickets émis »), for
// either side: its status and number, the actions the API allows the user now, every block (dates, category,
// object, emitter, recipient, assignee, description), the questions and answers, the history, and the files of
// both sides. GET /tickets/{number} once; after an action the page shows the ticket the API answered with (no
// reload). A ticket that does not exist and a ticket of another structure give the same page: the API answers both
// with the same 404, and the portal shows that answer as it comes.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { call } from "../api/client";
import type { Problem } from "../api/problem";
import { Alert } from "../components/Alert";
import { StatusBadge } from "../components/Badge";
import { History } from "../components/History";
import { ProblemAlert } from "../components/ProblemAlert";
import { Actions, type Ticket } from "./detail/Actions";
import { PdfDialog } from "./detail/PdfDialog";
import { Attachments } from "./detail/Attachments";
import { Blocks, Exchanges } from "./detail/Blocks";
import { formatDateTime } from "./detail/format";
import { detailMessages as t } from "./detail/messages";
import "./detail/detail.css";

type State =
  | { status: "loading" }
  | { status: "ready"; ticket: Ticket }
  | { status: "deleted" }
  | { status: "missing"; problem: Problem }
  | { status: "failed"; problem: Problem };

export function DetailScreen({ number }: { number: number }) {
  const [state, setState] = useState<State>({ status: "loading" });
  const [done, setDone] = useState<string | null>(null);
  const doneRef = useRef<HTMLDivElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let live = true;
    setState({ status: "loading" });
    setDone(null);
    void call((api) => api.GET("/tickets/{number}", { params: { path: { number: String(number) } } })).then((result) => {
      if (!live) return;
      if (result.ok) setState({ status: "ready", ticket: result.data });
      else setState({ status: result.problem.status === 404 ? "missing" : "failed", problem: result.problem });
    });
    return () => {
      live = false;
    };
  }, [number]);

  /** The ticket as the API gives it now (an older answer never replaces a newer one). */
  const show = useCallback((fresh: Ticket) => {
    setState((current) =>
      current.status === "ready" && current.ticket.number === fresh.number && current.ticket.version > fresh.version
        ? current
        : { status: "ready", ticket: fresh },
    );
  }, []);

  const refresh = useCallback(async () => {
    const result = await call((api) => api.GET("/tickets/{number}", { params: { path: { number: String(number) } } }));
    if (result.ok) {
      show(result.data);
      return result.data;
    }
    return null;
  }, [number, show]);

  // Once the dialog is gone, the focus goes to what the action did (its button may be gone with it).
  useEffect(() => {
    if (done !== null) requestAnimationFrame(() => doneRef.current?.focus());
  }, [done]);

  if (state.status === "loading") {
    return (
      <p class="portal-loading" role="status">
        {t.heading(number)} – …
      </p>
    );
  }
  if (state.status === "missing") {
    return (
      <div id="ticket-introuvable">
        <h1>{t.notFoundTitle}</h1>
        <p class="fr-text--lead">{state.problem.message}</p>
        <p>{t.notFoundHelp}</p>
        <p>
          <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="#/">
            {t.backHome}
          </a>
        </p>
      </div>
    );
  }
  if (state.status === "failed") {
    return (
      <>
        <h1>{t.heading(number)}</h1>
        <ProblemAlert problem={state.problem} />
      </>
    );
  }
  if (state.status === "deleted") {
    return (
      <>
        <h1>{t.heading(number)}</h1>
        <div ref={doneRef} tabIndex={-1}>
          <Alert severity="success" title={t.deleted(number)} live small class="fr-mb-3w" id="action-reussie" />
        </div>
        <p>
          <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="#/">
            {t.backHome}
          </a>
        </p>
      </>
    );
  }

  const { ticket } = state;
  return (
    <article aria-labelledby="ticket-titre">
      <div class="portal-ticket-head">
        <h1 id="ticket-titre" class="fr-mb-1w">
          {t.heading(ticket.number)}
        </h1>
        <StatusBadge status={ticket.status} />
      </div>
      {ticket.title && <p class="fr-text--lead fr-mb-1w">{ticket.title}</p>}
      <p class="fr-text--sm portal-muted">{t.openedOn(formatDateTime(ticket.created_at))}</p>
      <div ref={doneRef} tabIndex={-1} class="portal-focus-target">
        {done && <Alert severity="success" title={done} live small class="fr-mb-2w" id="action-reussie" />}
      </div>
      <Actions
        ticket={ticket}
        onDone={(action, after) => {
          if (after === null) {
            setState({ status: "deleted" });
            setDone(t.deleted(number));
            return;
          }
          show(after);
          setDone(t.done(action.label, after.status.label));
        }}
        onAddFile={() => {
          fileInput.current?.scrollIntoView({ block: "center" });
          fileInput.current?.focus();
        }}
      />
      <PdfDialog number={ticket.number} />
      <Blocks ticket={ticket} />
      <Exchanges ticket={ticket} />
      <section class="fr-mt-6w" aria-labelledby="historique-titre" id="historique">
        <h2 id="historique-titre">{t.history}</h2>
        <History entries={ticket.history} caption={t.historyCaption(ticket.number)} captionHidden id="historique-table" />
      </section>
      <Attachments ticket={ticket} refresh={refresh} onTicket={show} inputRef={fileInput} />
    </article>
  );
}
