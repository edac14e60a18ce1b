// « Tableau de bord » (seed 003): for each of the user's structures and teams, the tickets per status on the
// emitter's side and on the recipient's, and those assigned to the user; a structure's name opens its detail per
// service (« Non renseigné » for the tickets without one) with « Tableau de bord » to come back. Each count is a
// link to the list of what it counts (the lists screen, #/tickets?<the search the API gives with the count>).
// A simple bar chart in CSS helps reading each table; it is hidden from screen readers, which read the same
// figures in the table (docs/decisions.md: why not @gouvfr/dsfr-chart). GET /dashboard is read once per screen.
// A structure's page offers the export (CSV, XLSX) of all its emitted, or received, tickets (a search by SIRET).
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { capabilities, useAccount } from "../account";
import { call } from "../api/client";
import type { ListQuery } from "../api/download";
import type { Problem } from "../api/problem";
import type { components } from "../api/schema";
import { ExportButtons } from "../components/ExportButtons";
import { ProblemAlert } from "../components/ProblemAlert";
import { messages } from "../messages";
import { href } from "../router";
import { dashMessages as t } from "./dashboard/messages";
import { DEFAULT_SIZE, NO_CRITERIA, searchViewHash } from "./lists/url";
import "./dashboard/dashboard.css";

type Board = components["schemas"]["OrganisationBoardView"];
type Count = components["schemas"]["CountView"];
type SideCounts = components["schemas"]["SideCountsView"];

type State = { status: "loading" } | { status: "ready"; boards: Board[] } | { status: "failed"; problem: Problem };

/** The search screen's address of the search the API gives with a count (/tickets/search?side=…&status=…),
 *  in the search screen's own words (its URL keeps the list: lists/url.ts). */
export function listHref(link: string): string {
  const api = new URLSearchParams(link.includes("?") ? link.slice(link.indexOf("?") + 1) : "");
  const side = api.get("side") === "RECIPIENT" ? "RECIPIENT" : "EMITTER";
  const criteria = {
    ...NO_CRITERIA,
    status: api.get("status") ?? "",
    emitter: api.get("emitter") ?? "",
    recipient: api.get("recipient") ?? "",
    emitter_service: api.get("emitter_service") ?? "",
    recipient_service: api.get("recipient_service") ?? "",
    assigned_to_me: api.get("assigned_to_me") === "true",
  };
  return searchViewHash({ side, criteria, asked: true, page: 1, size: DEFAULT_SIZE, sort: null, order: null });
}

const organisationName = (board: Board) =>
  board.organisation.kind === "STRUCTURE" ? `${board.organisation.id} - ${board.organisation.name}` : board.organisation.name;

interface Line {
  key: string;
  header: ComponentChildren;
  /** Who the line counts, in words (each count's link names it for a screen reader). */
  who: string;
  counts: readonly Count[];
}

const sum = (counts: readonly Count[]) => counts.reduce((total, c) => total + c.count, 0);

/** The width class of a bar: a twentieth of the largest (classes, not inline style: the CSP). */
function barClass(count: number, largest: number): string {
  const step = largest === 0 ? 0 : Math.max(count > 0 ? 1 : 0, Math.round((count / largest) * 20));
  return `portal-bar__fill portal-bar__fill--w${step}`;
}

/** Bars per status of the lines' sums: a visual aid only (aria-hidden), the table holds the same figures. */
function StatusChart({ id, side, lines }: { id: string; side: string; lines: readonly Line[] }) {
  const first = lines[0];
  if (!first) return null;
  const totals = first.counts.map((c, i) => ({ status: c.status, count: lines.reduce((n, l) => n + (l.counts[i]?.count ?? 0), 0) }));
  const largest = Math.max(0, ...totals.map((x) => x.count));
  return (
    <figure class="fr-mb-3w portal-chart" id={`${id}-graphique`}>
      <figcaption class="fr-text--sm fr-mb-1w">
        {t.chartTitle(side)} <span class="fr-sr-only">{t.chartNote}</span>
      </figcaption>
      <div class="portal-chart__bars" aria-hidden="true">
        {totals.map((x) => (
          <div class="portal-bar" key={x.status.code} data-status={x.status.code}>
            <span class="portal-bar__label">{x.status.label}</span>
            <span class="portal-bar__track">
              <span class={`${barClass(x.count, largest)} portal-bar__fill--${x.status.code.toLowerCase()}`} />
            </span>
            <span class="portal-bar__value">{x.count}</span>
          </div>
        ))}
      </div>
    </figure>
  );
}

/** The DSFR table of counts: a line per structure (or service), a column per status, each count a link. */
function CountsTable({ id, caption, firstColumn, lines }: { id: string; caption: string; firstColumn: string; lines: readonly Line[] }) {
  const statuses = lines[0]?.counts.map((c) => c.status) ?? [];
  return (
    <div class="fr-table portal-table portal-counts" id={id}>
      <div class="fr-table__wrapper">
        <div class="fr-table__container">
          <div class="fr-table__content">
            <table>
              <caption class="fr-sr-only">{caption}</caption>
              <thead>
                <tr>
                  <th scope="col">{firstColumn}</th>
                  {statuses.map((s) => (
                    <th scope="col" key={s.code} class="portal-counts__number">
                      {s.label}
                    </th>
                  ))}
                  <th scope="col" class="portal-counts__number">
                    {t.total}
                  </th>
                </tr>
              </thead>
              <tbody>
                {lines.map((line) => (
                  <tr key={line.key} data-row-key={line.key}>
                    <th scope="row">{line.header}</th>
                    {line.counts.map((c) => (
                      <td key={c.status.code} class="portal-counts__number" data-status={c.status.code}>
                        <a class="fr-link" href={listHref(c.link)} data-link={c.link}>
                          {c.count}
                          <span class="fr-sr-only"> {t.countLink(c.count, c.status.label, line.who)}</span>
                        </a>
                      </td>
                    ))}
                    <td class="portal-counts__number portal-counts__total">{sum(line.counts)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      </div>
    </div>
  );
}

function SideSection(props: {
  id: string;
  title: string;
  side: string;
  caption: string;
  firstColumn: string;
  lines: readonly Line[];
  exported?: ListQuery;
}) {
  if (props.lines.length === 0) return null;
  return (
    <section class="fr-mt-6w" aria-labelledby={`${props.id}-titre`} id={props.id}>
      <h2 id={`${props.id}-titre`} class="fr-h3">
        {props.title}
      </h2>
      <StatusChart id={props.id} side={props.side} lines={props.lines} />
      <CountsTable id={`${props.id}-table`} caption={props.caption} firstColumn={props.firstColumn} lines={props.lines} />
      {props.exported && <ExportButtons query={props.exported} id={`${props.id}-exporter`} />}
    </section>
  );
}

function useDashboard(): State {
  const [state, setState] = useState<State>({ status: "loading" });
  useEffect(() => {
    let live = true;
    void call((api) => api.GET("/dashboard")).then((result) => {
      if (live) setState(result.ok ? { status: "ready", boards: result.data.organisations } : { status: "failed", problem: result.problem });
    });
    return () => {
      live = false;
    };
  }, []);
  return state;
}

/** Whether an organisation receives tickets: a team, a public structure (GET /me says which), or one that has
 *  some (a structure that was public). A private company receives none: no line for it. */
function receiving(recipients: ReadonlySet<string>): (board: Board) => boolean {
  return (board) => recipients.has(board.organisation.id) || sum(board.received.counts) > 0;
}

function MainBoard({ boards, receives }: { boards: Board[]; receives: (board: Board) => boolean }) {
  const nameLink = (board: Board) => (
    <a class="fr-link" href={href({ name: "dashboard", org: board.organisation.id })} title={t.detailOf(organisationName(board))}>
      {organisationName(board)}
    </a>
  );
  const emitted: Line[] = boards
    .filter((b): b is Board & { emitted: SideCounts } => b.emitted !== null)
    .map((b) => ({ key: b.organisation.id, header: nameLink(b), who: organisationName(b), counts: b.emitted.counts }));
  const received: Line[] = boards
    .filter(receives)
    .map((b) => ({ key: b.organisation.id, header: nameLink(b), who: organisationName(b), counts: b.received.counts }));
  const assigned: Line[] = boards
    .filter(receives)
    .map((b) => ({ key: b.organisation.id, header: organisationName(b), who: organisationName(b), counts: b.assigned_to_me }));
  return (
    <>
      <SideSection id="emis" title={t.emittedTitle} side={t.emittedSide} caption={t.emittedTitle} firstColumn={t.emitterColumn} lines={emitted} />
      <SideSection id="recus" title={t.receivedTitle} side={t.receivedSide} caption={t.receivedTitle} firstColumn={t.recipientColumn} lines={received} />
      <SideSection id="assignes" title={t.assignedTitle} side={t.assignedTitle} caption={t.assignedTitle} firstColumn={t.organisationColumn} lines={assigned} />
    </>
  );
}

function OrganisationBoard({ board, receives }: { board: Board; receives: (board: Board) => boolean }) {
  const name = organisationName(board);
  const lines = (side: SideCounts): Line[] =>
    side.services.map((s) => ({ key: s.service?.code ?? "", header: s.label, who: `${name}, ${s.label}`, counts: s.counts }));
  return (
    <>
      {board.emitted && (
        <SideSection
          id="emis"
          title={t.emittedTitle}
          side={t.emittedSide}
          caption={`${t.emittedTitle} – ${name}`}
          firstColumn={t.emitterService}
          lines={lines(board.emitted)}
          exported={{ side: "EMITTER", emitter: board.organisation.id }}
        />
      )}
      {receives(board) && (
        <SideSection
          id="recus"
          title={t.receivedTitle}
          side={t.receivedSide}
          caption={`${t.receivedTitle} – ${name}`}
          firstColumn={t.recipientService}
          lines={lines(board.received)}
          exported={{ side: "RECIPIENT", recipient: board.organisation.id }}
        />
      )}
    </>
  );
}

export function DashboardScreen({ org }: { org: string | null }) {
  const state = useDashboard();
  const account = useAccount();
  const recipients = new Set(account.status === "ready" ? capabilities(account.account).recipients.map((o) => o.id) : []);
  const receives = receiving(recipients);
  const board = state.status === "ready" && org !== null ? state.boards.find((b) => b.organisation.id === org) : undefined;
  return (
    <>
      {org !== null && (
        <p class="fr-mb-2w">
          <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href({ name: "dashboard", org: null })} id="retour-tableau">
            {t.backToBoard}
          </a>
        </p>
      )}
      <h1>{board ? t.boardOf(organisationName(board)) : t.dashboard}</h1>
      {org === null && <p class="fr-text--lead">{t.dashboardIntro}</p>}
      {state.status === "loading" && (
        <p class="portal-loading" role="status">
          {messages.loading}
        </p>
      )}
      {state.status === "failed" && <ProblemAlert problem={state.problem} />}
      {state.status === "ready" && state.boards.length === 0 && <p>{t.noOrganisation}</p>}
      {state.status === "ready" && org === null && <MainBoard boards={state.boards} receives={receives} />}
      {state.status === "ready" && org !== null && (board ? <OrganisationBoard board={board} receives={receives} /> : <p>{t.unknownOrganisation}</p>)}
    </>
  );
}
