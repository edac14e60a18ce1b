// « Accueil portail de support » (seed 001): « Créer un ticket », my drafts, the tickets I emitted and the ones
// my organisations received (the first page of each list route; the full tabs are the « Mes tickets » screen).
// GET /me is the shell's (read once); each list is read once, the three at the same time.
import { useEffect, useState } from "preact/hooks";
import { capabilities, type Account } from "../account";
import { call } from "../api/client";
import type { Problem } from "../api/problem";
import { Button } from "../components/Button";
import { ProblemAlert } from "../components/ProblemAlert";
import { TicketTable, type TicketRow } from "../components/TicketTable";
import { messages } from "../messages";

/** Rows shown per list on the home (the list routes' smallest page). */
export const HOME_ROWS = 10;

type ListState = { status: "loading" } | { status: "ready"; rows: TicketRow[] } | { status: "failed"; problem: Problem };

type Side = "EMITTER" | "RECIPIENT";
type Tab = "DRAFTS" | "ONGOING";

function useTicketList(side: Side, tab: Tab, wanted: boolean): ListState {
  const [state, setState] = useState<ListState>({ status: "loading" });
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    void call((api) => api.GET("/tickets", { params: { query: { side, tab, size: HOME_ROWS } } })).then((result) => {
      if (!live) return;
      setState(result.ok ? { status: "ready", rows: result.data.items } : { status: "failed", problem: result.problem });
    });
    return () => {
      live = false;
    };
  }, [side, tab, wanted]);
  return state;
}

function ListSection(props: { id: string; title: string; none: string; state: ListState; allLabel: string; allHref: string }) {
  const { state } = props;
  return (
    <section class="fr-mt-6w" aria-labelledby={`${props.id}-titre`} id={props.id}>
      <div class="portal-section-head">
        <h2 id={`${props.id}-titre`}>{props.title}</h2>
        <a class="fr-link fr-icon-arrow-right-line fr-link--icon-right" href={props.allHref}>
          {props.allLabel}
        </a>
      </div>
      {state.status === "loading" && (
        <p class="portal-loading" role="status">
          {messages.loading}
        </p>
      )}
      {state.status === "failed" && <ProblemAlert problem={state.problem} />}
      {state.status === "ready" &&
        (state.rows.length === 0 ? (
          <p>{props.none}</p>
        ) : (
          <TicketTable caption={`${props.title} – ${messages.firstRows(state.rows.length)}`} rows={state.rows} id={`${props.id}-table`} captionHidden />
        ))}
    </section>
  );
}

export function HomeScreen({ account }: { account: Account }) {
  const can = capabilities(account);
  const drafts = useTicketList("EMITTER", "DRAFTS", can.canEmit);
  const emitted = useTicketList("EMITTER", "ONGOING", can.canEmit);
  const received = useTicketList("RECIPIENT", "ONGOING", can.canReceive);
  return (
    <>
      <h1>{messages.home}</h1>
      <p class="fr-text--lead">{can.canEmit ? messages.homeIntro : messages.homeIntroRecipient}</p>
      <p class="fr-text--sm" id="organisations">
        {messages.yourOrganisations} :{" "}
        {account.organisations.map((o) => `${o.name} (${o.role_label})`).join(" ; ") || messages.notSet}
      </p>
      {!can.canEmit && !can.canReceive && <p>{messages.noStructure}</p>}
      {can.canEmit && (
        <Button href="#/tickets/nouveau" icon="fr-icon-add-line" size="lg" id="creer-ticket">
          {messages.createTicket}
        </Button>
      )}
      {can.canEmit && (
        <ListSection id="brouillons" title={messages.drafts} none={messages.draftsNone} state={drafts} allLabel={messages.seeAllEmitted} allHref="#/tickets?cote=emis&onglet=en-cours" />
      )}
      {can.canEmit && (
        <ListSection id="emis" title={messages.emitted} none={messages.emittedNone} state={emitted} allLabel={messages.seeAllEmitted} allHref="#/tickets?cote=emis&onglet=en-cours" />
      )}
      {can.canReceive && (
        <ListSection id="recus" title={messages.received} none={messages.receivedNone} state={received} allLabel={messages.seeAllReceived} allHref="#/tickets?cote=recus&onglet=en-cours" />
      )}
    </>
  );
}
