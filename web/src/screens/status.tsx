// The status page of a non-connected ticket, opened by the mailed link <portal>/suivi#<token>. The token is this
// address's fragment, which no server receives: the page sends it in the body of POST /public/status (never in a
// URL), once per token, and shows what the API answers: the status, the general information, what the support
// asked or answered, the history. The public route is read-only (docs/decisions.md, « An anonymous requester
// cannot act on their ticket »): the page says how to answer instead (a new ticket quoting the number), as the
// mails do. A link malformed, forged or expired gets the API's one message.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { call } from "../api/client";
import type { Problem } from "../api/problem";
import type { components } from "../api/schema";
import { Alert, type Severity } from "../components/Alert";
import { StatusBadge } from "../components/Badge";
import { ProblemAlert } from "../components/ProblemAlert";
import { Table, type Column } from "../components/Table";
import { messages } from "../messages";
import { formatDateTime } from "./public/format";
import { publicMessages as t } from "./public/messages";
import "./public/public.css";

type TicketStatus = components["schemas"]["TicketStatusView"];
type Entry = components["schemas"]["StatusEntryView"];

type State = { status: "loading" } | { status: "ready"; ticket: TicketStatus } | { status: "failed"; problem: Problem };

/** The token as the mail wrote it (a mail client may have percent-encoded the fragment). */
function tokenOf(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}

const HISTORY: readonly Column<Entry>[] = [
  { key: "date", label: t.historyColumns.date, rowHeader: true, cell: (e) => formatDateTime(e.at) },
  { key: "step", label: t.historyColumns.step, multiline: true, cell: (e) => e.action.label },
  { key: "by", label: t.historyColumns.by, multiline: true, cell: (e) => e.by },
  { key: "status", label: t.historyColumns.status, cell: (e) => <StatusBadge status={e.status} small /> },
  {
    key: "text",
    label: t.historyColumns.text,
    multiline: true,
    cell: (e) => (e.text ? <span class="portal-public-text">{e.text}</span> : t.notSet),
  },
];

function Fact({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="fr-col-12 fr-col-md-6">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The last step of that kind that carries a text (the question asked, the answer given). */
function lastText(ticket: TicketStatus, action: string): Entry | null {
  return [...ticket.history].reverse().find((e) => e.action.code === action && e.text) ?? null;
}

/** What the status means for the visitor, and what to do: the support's question or answer quoted. */
function Where({ ticket }: { ticket: TicketStatus }) {
  const contact = (
    <p>
      <a class="fr-link fr-icon-arrow-right-line fr-link--icon-right" href="#/contact">
        {t.statusNewTicket}
      </a>
    </p>
  );
  let severity: Severity = "info";
  let title: string = t.openTitle;
  let body: ComponentChildren = <p>{t.open}</p>;
  const quoted = (entry: Entry | null) => entry && <p class="portal-public-text fr-mb-2w">{entry.text}</p>;
  switch (ticket.status.code) {
    case "AWAITING_INFO":
      severity = "warning";
      title = t.awaitingTitle;
      body = (
        <>
          {quoted(lastText(ticket, "REQUEST_INFORMATION"))}
          <p>{t.awaitingHow(ticket.number)}</p>
          {contact}
        </>
      );
      break;
    case "RESOLVED":
      severity = "success";
      title = t.resolvedTitle;
      body = (
        <>
          {quoted(lastText(ticket, "ANSWER"))}
          <p>{t.resolvedHow(ticket.number)}</p>
          {contact}
        </>
      );
      break;
    case "CLOSED":
      title = t.closedTitle;
      body = (
        <>
          <p>{t.closedHow(ticket.number)}</p>
          {contact}
        </>
      );
      break;
  }
  return (
    <Alert severity={severity} title={title} id="situation" class="fr-mb-4w">
      {body}
    </Alert>
  );
}

function Ticket({ ticket }: { ticket: TicketStatus }) {
  const exchanges = ticket.history.filter((e) => e.text);
  return (
    <>
      <h1>{t.statusTitle(ticket.number)}</h1>
      <p>{t.statusIntro}</p>
      <Where ticket={ticket} />
      <section aria-labelledby="informations-titre" id="informations">
        <h2 id="informations-titre" class="fr-h4">
          {t.general}
        </h2>
        <dl class="portal-public-facts fr-grid-row fr-grid-row--gutters">
          <Fact label={t.status}>
            <StatusBadge status={ticket.status} />
          </Fact>
          <Fact label={t.createdAt}>{formatDateTime(ticket.created_at)}</Fact>
          <Fact label={t.category}>{ticket.category?.label ?? t.notSet}</Fact>
          <Fact label={t.subcategory}>{ticket.subcategory?.label ?? t.notSet}</Fact>
          <Fact label={t.title}>{ticket.title ?? t.notSet}</Fact>
          <Fact label={t.recipient}>{ticket.recipient ?? t.notSet}</Fact>
        </dl>
      </section>
      <section aria-labelledby="echanges-titre" id="echanges" class="fr-mt-4w">
        <h2 id="echanges-titre" class="fr-h4">
          {t.exchanges}
        </h2>
        {exchanges.length === 0 ? (
          <p>{t.exchangesNone}</p>
        ) : (
          exchanges.map((e, i) => (
            <article class="portal-public-exchange fr-mb-3w" key={i}>
              <h3 class="fr-text--md fr-mb-1w">{t.exchangeHeading(e.action.label, e.by, formatDateTime(e.at))}</h3>
              <p class="portal-public-text">{e.text}</p>
            </article>
          ))
        )}
      </section>
      <section aria-labelledby="historique-titre" id="historique" class="fr-mt-4w">
        <h2 id="historique-titre" class="fr-h4">
          {t.history}
        </h2>
        <Table
          caption={t.history}
          captionHidden
          columns={HISTORY}
          rows={ticket.history}
          rowKey={(e) => ticket.history.indexOf(e)}
          id="historique-table"
        />
      </section>
      <p class="fr-text--sm fr-mt-2w">{t.readOnly}</p>
    </>
  );
}

export function StatusScreen({ token }: { token: string }) {
  const [state, setState] = useState<State>({ status: "loading" });

  useEffect(() => {
    let live = true;
    setState({ status: "loading" });
    // The token in the body only: no URL, access log or trace holds it.
    void call((api) => api.POST("/public/status", { body: { token: tokenOf(token) } })).then((result) => {
      if (live) setState(result.ok ? { status: "ready", ticket: result.data } : { status: "failed", problem: result.problem });
    });
    return () => {
      live = false;
    };
  }, [token]);

  if (state.status === "ready") return <Ticket ticket={state.ticket} />;
  return (
    <>
      <h1>{messages.screens.status}</h1>
      {state.status === "loading" ? (
        <p class="portal-loading" role="status">
          {t.statusLoading}
        </p>
      ) : (
        <>
          <ProblemAlert problem={state.problem} />
          <p>{t.statusLinkHelp}</p>
          <p>
            <a class="fr-link fr-icon-arrow-right-line fr-link--icon-right" href="#/contact">
              {t.statusNewTicket}
            </a>
          </p>
        </>
      )}
    </>
  );
}
