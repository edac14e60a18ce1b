// The technical support's view of the assistant's ratings (issue 23, point 8): for a period (the last 30 days by
// default, at most a year: the API's French message otherwise, beside its field), the thumbs up and down per day
// and the thumbs down per reason, as DSFR tables, with bars in CSS for the reasons (the same figures in the table).
// The route is offered to the support's members only (GET /me); the API refuses anyone else as well.
import type { TargetedSubmitEvent } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Account } from "../account";
import { call } from "../api/client";
import type { Problem } from "../api/problem";
import type { components } from "../api/schema";
import { InputGroup } from "../components/InputGroup";
import { fieldError, ProblemAlert } from "../components/ProblemAlert";
import { messages } from "../messages";
import { dashMessages as t } from "./dashboard/messages";
import "./dashboard/dashboard.css";

type CodeLabel = components["schemas"]["CodeLabel"];
/** The API's answer as its pairs are typed in the operation (a list of [reason, count]). */
interface Answer {
  days: { day: string; up: number; down: number; reasons: readonly (readonly unknown[])[] }[];
  up: number;
  down: number;
}
interface Day {
  day: string;
  up: number;
  down: number;
  reasons: { reason: CodeLabel; count: number }[];
}
interface Satisfaction {
  days: Day[];
  up: number;
  down: number;
}

const isCodeLabel = (value: unknown): value is CodeLabel =>
  typeof value === "object" && value !== null && typeof (value as CodeLabel).code === "string" && typeof (value as CodeLabel).label === "string";

/** The days with their [reason, count] pairs as objects. */
function normalised(answer: Answer): Satisfaction {
  return {
    up: answer.up,
    down: answer.down,
    days: answer.days.map((d) => ({
      day: d.day,
      up: d.up,
      down: d.down,
      reasons: d.reasons.flatMap(([reason, count]) => (isCodeLabel(reason) && typeof count === "number" ? [{ reason, count }] : [])),
    })),
  };
}
type State = { status: "loading" } | { status: "ready"; data: Satisfaction; from: string; to: string } | { status: "failed"; problem: Problem };

/** The technical support's team (catalogue.SUPPORT_TEAM_ID). */
export const SUPPORT_TEAM_ID = "SUPPORT";

export function isSupport(account: Account): boolean {
  return account.organisations.some((o) => o.kind === "TEAM" && o.id === SUPPORT_TEAM_ID);
}

/** A day (AAAA-MM-JJ) of Paris, `offset` days from today. */
function parisDay(offset = 0): string {
  const day = new Date(Date.now() + offset * 86_400_000);
  return new Intl.DateTimeFormat("fr-CA", { timeZone: "Europe/Paris", year: "numeric", month: "2-digit", day: "2-digit" }).format(day);
}

/** « 2026-12-07 » → « 07/12/2026 ». */
export function frenchDay(iso: string): string {
  const [y, m, d] = iso.split("-");
  return `${d}/${m}/${y}`;
}

function barClass(count: number, largest: number): string {
  const step = largest === 0 ? 0 : Math.max(count > 0 ? 1 : 0, Math.round((count / largest) * 20));
  return `portal-bar__fill portal-bar__fill--w${step}`;
}

function Tables({ data, from, to }: { data: Satisfaction; from: string; to: string }) {
  // Every reason met in the period, in the order the API first gives them.
  const reasons = new Map<string, { label: string; count: number }>();
  for (const day of data.days) {
    for (const { reason, count } of day.reasons) {
      const known = reasons.get(reason.code);
      reasons.set(reason.code, { label: reason.label, count: (known?.count ?? 0) + count });
    }
  }
  const perReason = [...reasons.entries()];
  const largest = Math.max(0, ...perReason.map(([, r]) => r.count));
  const downs = perReason.reduce((n, [, r]) => n + r.count, 0);
  const period = [frenchDay(from), frenchDay(to)] as const;
  return (
    <>
      <ul class="portal-figures fr-mt-4w" id="satisfaction-totaux">
        <li>
          <span class="portal-figures__value" id="total-positifs">
            {data.up}
          </span>{" "}
          {t.up}
        </li>
        <li>
          <span class="portal-figures__value" id="total-negatifs">
            {data.down}
          </span>{" "}
          {t.down}
        </li>
      </ul>
      {data.days.length === 0 ? (
        <p id="satisfaction-vide">{t.noFeedback}</p>
      ) : (
        <>
          <section class="fr-mt-4w" aria-labelledby="par-raison-titre" id="par-raison">
            <h2 id="par-raison-titre" class="fr-h4">
              {t.perReason}
            </h2>
            {perReason.length > 0 && (
              <div class="portal-chart__bars fr-mb-2w portal-chart" aria-hidden="true">
                {perReason.map(([code, r]) => (
                  <div class="portal-bar" key={code}>
                    <span class="portal-bar__label">{r.label}</span>
                    <span class="portal-bar__track">
                      <span class={barClass(r.count, largest)} />
                    </span>
                    <span class="portal-bar__value">{r.count}</span>
                  </div>
                ))}
              </div>
            )}
            <div class="fr-table portal-table portal-counts" id="par-raison-table">
              <div class="fr-table__wrapper">
                <div class="fr-table__container">
                  <div class="fr-table__content" tabIndex={0} role="region" aria-label={t.perReasonCaption(...period)}>
                    <table>
                      <caption class="fr-sr-only">{t.perReasonCaption(...period)}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t.reason}</th>
                          <th scope="col" class="portal-counts__number">
                            {t.count}
                          </th>
                          <th scope="col" class="portal-counts__number">
                            {t.share}
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {perReason.map(([code, r]) => (
                          <tr key={code} data-row-key={code}>
                            <th scope="row">{r.label}</th>
                            <td class="portal-counts__number">{r.count}</td>
                            <td class="portal-counts__number">{downs === 0 ? "–" : `${Math.round((r.count / downs) * 100)} %`}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                </div>
              </div>
            </div>
          </section>
          <section class="fr-mt-4w" aria-labelledby="par-jour-titre" id="par-jour">
            <h2 id="par-jour-titre" class="fr-h4">
              {t.perDay}
            </h2>
            <div class="fr-table portal-table portal-counts" id="par-jour-table">
              <div class="fr-table__wrapper">
                <div class="fr-table__container">
                  <div class="fr-table__content" tabIndex={0} role="region" aria-label={t.perDayCaption(...period)}>
                    <table>
                      <caption class="fr-sr-only">{t.perDayCaption(...period)}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t.day}</th>
                          <th scope="col" class="portal-counts__number">
                            {t.up}
                          </th>
                          <th scope="col" class="portal-counts__number">
                            {t.down}
                          </th>
                          {perReason.map(([code, r]) => (
                            <th scope="col" key={code} class="portal-counts__number">
                              {r.label}
                            </th>
                          ))}
                        </tr>
                      </thead>
                      <tbody>
                        {data.days.map((day) => (
                          <tr key={day.day} data-row-key={day.day}>
                            <th scope="row">{frenchDay(day.day)}</th>
                            <td class="portal-counts__number">{day.up}</td>
                            <td class="portal-counts__number">{day.down}</td>
                            {perReason.map(([code]) => (
                              <td key={code} class="portal-counts__number">
                                {day.reasons.find((r) => r.reason.code === code)?.count ?? 0}
                              </td>
                            ))}
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                </div>
              </div>
            </div>
          </section>
        </>
      )}
    </>
  );
}

export function SatisfactionScreen({ account }: { account: Account }) {
  const support = isSupport(account);
  const [from, setFrom] = useState(() => parisDay(-29));
  const [to, setTo] = useState(() => parisDay());
  const [asked, setAsked] = useState<{ from: string; to: string }>({ from, to });
  const [state, setState] = useState<State>({ status: "loading" });

  useEffect(() => {
    if (!support) return;
    let live = true;
    setState({ status: "loading" });
    void call((api) => api.GET("/assistant/satisfaction", { params: { query: asked } })).then((result) => {
      if (!live) return;
      setState(result.ok ? { status: "ready", data: normalised(result.data), ...asked } : { status: "failed", problem: result.problem });
    });
    return () => {
      live = false;
    };
  }, [asked, support]);

  if (!support) {
    return (
      <>
        <h1>{t.satisfaction}</h1>
        <p id="reserve-support">{t.supportOnly}</p>
      </>
    );
  }

  const problem = state.status === "failed" ? state.problem : null;
  const submit = (event: TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setAsked({ from, to });
  };
  return (
    <>
      <h1>{t.satisfaction}</h1>
      <p class="fr-text--lead">{t.satisfactionIntro}</p>
      <form noValidate onSubmit={submit} id="periode" class="portal-period">
        <fieldset class="fr-fieldset" aria-labelledby="periode-legende">
          <legend class="fr-fieldset__legend" id="periode-legende">
            {t.periodLegend}
          </legend>
          <div class="fr-fieldset__element fr-fieldset__element--inline">
            <InputGroup id="periode-du" label={t.from} name="from" type="date" required value={from} onInput={setFrom} error={fieldError(problem, "from")} />
          </div>
          <div class="fr-fieldset__element fr-fieldset__element--inline">
            <InputGroup id="periode-au" label={t.to} name="to" type="date" required value={to} onInput={setTo} error={fieldError(problem, "to")} />
          </div>
          <div class="fr-fieldset__element fr-fieldset__element--inline portal-period__submit">
            <button class="fr-btn" type="submit">
              {t.show}
            </button>
          </div>
        </fieldset>
      </form>
      <ProblemAlert problem={problem} placed={["from", "to"]} />
      {state.status === "loading" && (
        <p class="portal-loading" role="status">
          {messages.loading}
        </p>
      )}
      {state.status === "ready" && <Tables data={state.data} from={state.from} to={state.to} />}
    </>
  );
}
