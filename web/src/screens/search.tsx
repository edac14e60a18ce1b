// « Rechercher des tickets » (seed 003 « Rechercher une sollicitation », seed 001's search in the tabs): the
// criteria of seed 003 (number, words, category and sub-category, object number, period, emitter structure,
// recipient structure by name, recipient and emitter service, « Créé par » by name, status, assigned to me),
// optionally within a tab; « Rechercher » and « Réinitialiser les filtres ». At least one criterion: the API says
// so in its own words, shown as it comes (as every refusal, beside the field it names). The results show seed
// 003's columns with each row's actions (view, PDF, delete a draft) and « Exporter les résultats » (CSV, XLSX of
// every row). The URL keeps the criteria, the page, the sort and the rows per page. GET /catalogue once (the categories), GET /tickets/search once per page shown.
import type { TargetedSubmitEvent } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { capabilities, useAccount, type Membership } from "../account";
import { call } from "../api/client";
import type { Problem } from "../api/problem";
import type { components } from "../api/schema";
import { Button } from "../components/Button";
import { InputGroup } from "../components/InputGroup";
import { fieldError, ProblemAlert } from "../components/ProblemAlert";
import { Segmented } from "../components/Segmented";
import { searchColumns } from "./lists/columns";
import { listMessages as t } from "./lists/messages";
import { Results, type Load } from "./lists/Results";
import {
  hasCriterion,
  hashQuery,
  NO_CRITERIA,
  parseSearchView,
  searchQuery,
  searchViewHash,
  SIDE_STATUSES,
  TABS,
  tabViewHash,
  type Criteria,
  type Paging,
  type SearchView,
  type Side,
  type Tab,
} from "./lists/url";
import { sidesOf, useUrlView } from "./lists/view";
import "./lists/lists.css";

type Catalogue = components["schemas"]["CatalogueView"];

/** The fields the form shows beside their inputs (the API's messages for them go there). */
const PLACED = [
  "number",
  "words",
  "category",
  "subcategory",
  "object_number",
  "created_from",
  "created_to",
  "emitter",
  "recipient_name",
  "recipient_service",
  "emitter_service",
  "created_by_name",
  "status",
  "assigned_to_me",
  "tab",
];

/** The criteria that make sense on both sides (kept when the side changes). */
function forSide(criteria: Criteria, side: Side): Criteria {
  return {
    ...NO_CRITERIA,
    number: criteria.number,
    words: criteria.words,
    category: criteria.category,
    subcategory: criteria.subcategory,
    object_number: criteria.object_number,
    created_from: criteria.created_from,
    created_to: criteria.created_to,
    recipient_name: criteria.recipient_name,
    created_by_name: criteria.created_by_name,
    status: (SIDE_STATUSES[side] as readonly string[]).includes(criteria.status) ? criteria.status : "",
    tab: (TABS[side] as readonly string[]).includes(criteria.tab) ? criteria.tab : "",
  };
}

export function SearchScreen() {
  const accountState = useAccount();
  if (accountState.status !== "ready") return null;
  const can = capabilities(accountState.account);
  return <Search emitters={can.emitters} recipients={can.recipients} />;
}

interface SelectProps {
  id: string;
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: readonly { value: string; label: string }[];
  error: string | undefined;
  hint?: string;
  /** Said while the options are on their way (the select's hint, marked as loading for the screen). */
  loading?: string;
  disabled?: boolean;
}

/** A DSFR select whose first option is « all » (an empty criterion), its error beside it. */
function CriterionSelect(props: SelectProps) {
  const hint = props.loading ?? props.hint;
  const described = [hint ? `${props.id}-aide` : "", props.error ? `${props.id}-erreur` : ""].filter(Boolean).join(" ");
  return (
    <div class={`fr-select-group${props.error ? " fr-select-group--error" : ""}${props.disabled ? " fr-select-group--disabled" : ""}`}>
      <label class="fr-label" for={props.id}>
        {props.label}
        {hint && (
          <span
            class={`fr-hint-text${props.loading ? " portal-loading" : ""}`}
            id={`${props.id}-aide`}
            role={props.loading ? "status" : undefined}
          >
            {hint}
          </span>
        )}
      </label>
      <select
        class={`fr-select${props.error ? " fr-select--error" : ""}`}
        id={props.id}
        name={props.name}
        value={props.value}
        disabled={props.disabled}
        aria-describedby={described || undefined}
        aria-invalid={props.error ? true : undefined}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {props.error && (
        <p class="fr-error-text" id={`${props.id}-erreur`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/** The services of the user's organisations on one side, « Non renseigné » first (the API's « - »). */
function serviceOptions(orgs: readonly Membership[], any: string) {
  const several = orgs.length > 1;
  return [
    { value: "", label: any },
    { value: "-", label: t.search.noService },
    ...orgs.flatMap((o) =>
      o.services.map((s) => ({ value: s.code, label: several ? t.search.serviceOf(s.name, o.name) : s.name })),
    ),
  ].filter((option, i, all) => all.findIndex((other) => other.value === option.value) === i);
}

function Search({ emitters, recipients }: { emitters: Membership[]; recipients: Membership[] }) {
  const sides = sidesOf(emitters, recipients);
  const [view, go] = useUrlView<SearchView>("/tickets/recherche", () => parseSearchView(hashQuery(), sides), searchViewHash);
  const [form, setForm] = useState<Criteria>(view.criteria);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [catalogue, setCatalogue] = useState<Catalogue | null>(null);
  const [catalogueProblem, setCatalogueProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const problemRef = useRef<HTMLDivElement>(null);
  const resultsHeading = useRef<HTMLHeadingElement>(null);
  const focusResults = useRef(false);

  // The form shows the criteria of the URL (a reload, Back, a shared link).
  useEffect(() => {
    setForm(view.criteria);
  }, [view.criteria]);

  useEffect(() => {
    let live = true;
    void call((api) => api.GET("/catalogue")).then((result) => {
      if (!live) return;
      if (result.ok) setCatalogue(result.data);
      else setCatalogueProblem(result.problem);
    });
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    if (problem !== null) problemRef.current?.focus();
  }, [problem]);

  if (sides.length === 0) {
    return (
      <>
        <h1>{t.search.heading}</h1>
        <p>{t.search.intro}</p>
      </>
    );
  }

  const { side } = view;
  const set = (name: keyof Criteria) => (value: string) => setForm((f) => ({ ...f, [name]: value }));
  const error = (field: string) => fieldError(problem, field);
  const category = catalogue?.categories.find((c) => c.code === form.category) ?? null;

  const onSubmit = async (event: TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setProblem(null);
    if (!hasCriterion(form)) {
      // No criterion: the API says what it needs, in its words (nothing is searched, the URL stays).
      setBusy(true);
      const result = await call((api) =>
        api.GET("/tickets/search", { params: { query: { side, size: view.size, ...(form.tab ? { tab: form.tab as Tab } : {}) } } }),
      );
      setBusy(false);
      if (!result.ok) setProblem(result.problem);
      return;
    }
    focusResults.current = true;
    go({ ...view, criteria: { ...form }, asked: true, page: 1 });
  };

  const onReset = () => {
    setProblem(null);
    setForm({ ...NO_CRITERIA });
    go({ ...view, criteria: { ...NO_CRITERIA }, asked: false, page: 1, sort: null, order: null });
  };

  const query = searchQuery(view.criteria);
  const listKey = view.asked ? JSON.stringify([side, query, view.sort, view.order, view.size]) : null;
  // The search's own parameters (a page's aside): what GET /tickets/export takes to give every row.
  const listQuery = {
    side,
    ...(view.sort ? { sort: view.sort } : {}),
    ...(view.order ? { order: view.order } : {}),
    ...query,
  };
  const load: Load = (at) =>
    call((api) =>
      api.GET("/tickets/search", {
        params: {
          query: { ...listQuery, size: view.size, ...at },
        },
      }),
    );

  const own = side === "EMITTER" ? emitters : recipients;
  const statuses = SIDE_STATUSES[side];

  return (
    <>
      <div class="portal-section-head">
        <h1>{t.search.heading}</h1>
        <a
          class="fr-link fr-icon-arrow-left-line fr-link--icon-left"
          href={tabViewHash({ side, tab: "ACTION", structure: null, assigned: false, page: 1, size: view.size, sort: null, order: null })}
        >
          {t.backToTabs}
        </a>
      </div>
      <p>{t.search.intro}</p>
      {sides.length > 1 && (
        <div class="fr-mb-3w portal-side">
          <Segmented
            legend={t.sideLegend}
            name="cote-recherche"
            options={sides.map((s) => ({ key: s, label: t.sides[s] }))}
            value={side}
            onChange={(s) => {
              const criteria = forSide(form, s);
              setProblem(null);
              go({ ...view, side: s, criteria, asked: hasCriterion(criteria), page: 1 });
            }}
          />
        </div>
      )}
      <div tabIndex={-1} ref={problemRef} class="portal-focus-target">
        <ProblemAlert problem={problem} placed={PLACED} />
        <ProblemAlert problem={catalogueProblem} />
      </div>
      <form role="search" aria-labelledby="criteres-titre" class="portal-search-form" onSubmit={(e) => void onSubmit(e)} noValidate>
        <h2 id="criteres-titre" class="fr-h5">
          {t.search.criteria} – {t.sides[side]}
        </h2>
        <div class="fr-grid-row fr-grid-row--gutters">
          <div class="fr-col-12 fr-col-md-6">
            <InputGroup
              id="critere-numero"
              name="number"
              label={t.search.number}
              value={form.number}
              onInput={set("number")}
              inputMode="numeric"
              error={error("number")}
            />
          </div>
          <div class="fr-col-12 fr-col-md-6">
            <InputGroup
              id="critere-mots"
              name="words"
              label={t.search.words}
              hint={t.search.wordsHint}
              value={form.words}
              onInput={set("words")}
              maxLength={150}
              error={error("words")}
            />
          </div>
          <div class="fr-col-12 fr-col-md-6">
            <CriterionSelect
              id="critere-categorie"
              name="category"
              label={t.search.category}
              value={form.category}
              onChange={(value) => setForm((f) => ({ ...f, category: value, subcategory: "" }))}
              loading={catalogue === null && catalogueProblem === null ? t.search.categoriesLoading : undefined}
              options={[
                { value: "", label: t.search.anyCategory },
                ...(catalogue?.categories ?? []).map((c) => ({ value: c.code, label: c.label })),
              ]}
              error={error("category")}
            />
          </div>
          <div class="fr-col-12 fr-col-md-6">
            <CriterionSelect
              id="critere-sous-categorie"
              name="subcategory"
              label={t.search.subcategory}
              hint={category === null ? t.search.subcategoryHint : undefined}
              value={form.subcategory}
              onChange={set("subcategory")}
              disabled={category === null}
              options={[
                { value: "", label: t.search.anySubcategory },
                ...(category?.subcategories ?? []).map((s) => ({ value: s.code, label: s.label })),
              ]}
              error={error("subcategory")}
            />
          </div>
          <div class="fr-col-12 fr-col-md-6">
            <InputGroup
              id="critere-objet"
              name="object_number"
              label={t.search.objectNumber}
              hint={t.search.objectNumberHint}
              value={form.object_number}
              onInput={set("object_number")}
              maxLength={64}
              error={error("object_number")}
            />
          </div>
          <div class="fr-col-12 fr-col-md-6">
            <CriterionSelect
              id="critere-statut"
              name="status"
              label={t.search.status}
              value={form.status}
              onChange={set("status")}
              options={[
                { value: "", label: t.search.anyStatus },
                ...statuses.map((s) => ({ value: s, label: t.statuses[s] })),
              ]}
              error={error("status")}
            />
          </div>
          <div class="fr-col-12">
            <fieldset class="fr-fieldset portal-period" aria-labelledby="critere-periode-legende">
              <legend class="fr-fieldset__legend fr-fieldset__legend--regular" id="critere-periode-legende">
                {t.search.period}
                <span class="fr-hint-text">{t.search.periodHint}</span>
              </legend>
              <div class="fr-fieldset__element fr-fieldset__element--inline">
                <InputGroup
                  id="critere-du"
                  name="created_from"
                  type="date"
                  label={t.search.from}
                  value={form.created_from}
                  onInput={set("created_from")}
                  error={error("created_from")}
                />
              </div>
              <div class="fr-fieldset__element fr-fieldset__element--inline">
                <InputGroup
                  id="critere-au"
                  name="created_to"
                  type="date"
                  label={t.search.to}
                  value={form.created_to}
                  onInput={set("created_to")}
                  error={error("created_to")}
                />
              </div>
            </fieldset>
          </div>
          <div class="fr-col-12 fr-col-md-6">
            {side === "EMITTER" ? (
              <CriterionSelect
                id="critere-emetteur"
                name="emitter"
                label={t.search.emitter}
                value={form.emitter}
                onChange={set("emitter")}
                options={[
                  { value: "", label: t.search.emitterOwn },
                  ...emitters.map((o) => ({ value: o.id, label: `${o.id} – ${o.name}` })),
                ]}
                error={error("emitter")}
              />
            ) : (
              <InputGroup
                id="critere-emetteur"
                name="emitter"
                label={t.search.emitterSiret}
                hint={t.search.emitterSiretHint}
                value={form.emitter}
                onInput={set("emitter")}
                inputMode="numeric"
                maxLength={14}
                error={error("emitter")}
              />
            )}
          </div>
          <div class="fr-col-12 fr-col-md-6">
            {side === "EMITTER" ? (
              <CriterionSelect
                id="critere-service-emetteur"
                name="emitter_service"
                label={t.search.emitterService}
                value={form.emitter_service}
                onChange={set("emitter_service")}
                options={serviceOptions(own, t.search.anyService)}
                error={error("emitter_service")}
              />
            ) : (
              <InputGroup
                id="critere-service-emetteur"
                name="emitter_service"
                label={t.search.emitterService}
                hint={t.search.serviceCodeHint}
                value={form.emitter_service}
                onInput={set("emitter_service")}
                maxLength={64}
                error={error("emitter_service")}
              />
            )}
          </div>
          <div class="fr-col-12 fr-col-md-6">
            <InputGroup
              id="critere-destinataire"
              name="recipient_name"
              label={t.search.recipientName}
              hint={t.search.recipientNameHint}
              value={form.recipient_name}
              onInput={set("recipient_name")}
              maxLength={150}
              error={error("recipient_name")}
            />
          </div>
          <div class="fr-col-12 fr-col-md-6">
            {side === "RECIPIENT" ? (
              <CriterionSelect
                id="critere-service-destinataire"
                name="recipient_service"
                label={t.search.recipientService}
                value={form.recipient_service}
                onChange={set("recipient_service")}
                options={serviceOptions(own, t.search.anyService)}
                error={error("recipient_service")}
              />
            ) : (
              <InputGroup
                id="critere-service-destinataire"
                name="recipient_service"
                label={t.search.recipientService}
                hint={t.search.serviceCodeHint}
                value={form.recipient_service}
                onInput={set("recipient_service")}
                maxLength={64}
                error={error("recipient_service")}
              />
            )}
          </div>
          <div class="fr-col-12 fr-col-md-6">
            <InputGroup
              id="critere-cree-par"
              name="created_by_name"
              label={t.search.createdBy}
              hint={t.search.createdByHint}
              value={form.created_by_name}
              onInput={set("created_by_name")}
              maxLength={150}
              error={error("created_by_name")}
            />
          </div>
          <div class="fr-col-12 fr-col-md-6">
            <CriterionSelect
              id="critere-onglet"
              name="tab"
              label={t.search.tab}
              value={form.tab}
              onChange={set("tab")}
              options={[{ value: "", label: t.search.allTabs }, ...TABS[side].map((tab) => ({ value: tab, label: t.tabs[tab] }))]}
              error={error("tab")}
            />
          </div>
          {side === "RECIPIENT" && (
            <div class="fr-col-12">
              <div class={`fr-checkbox-group${error("assigned_to_me") ? " fr-checkbox-group--error" : ""}`}>
                <input
                  type="checkbox"
                  id="critere-assigne"
                  name="assigned_to_me"
                  checked={form.assigned_to_me}
                  aria-describedby={error("assigned_to_me") ? "critere-assigne-erreur" : undefined}
                  onChange={(e) => {
                    const checked = e.currentTarget.checked;
                    setForm((f) => ({ ...f, assigned_to_me: checked }));
                  }}
                />
                <label class="fr-label" for="critere-assigne">
                  {t.search.assignedToMe}
                </label>
                {error("assigned_to_me") && (
                  <p class="fr-error-text" id="critere-assigne-erreur">
                    {error("assigned_to_me")}
                  </p>
                )}
              </div>
            </div>
          )}
        </div>
        <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left fr-mt-3w">
          <li>
            <Button type="submit" icon="fr-icon-search-line" id="bouton-rechercher" disabled={busy}>
              {t.search.submit}
            </Button>
          </li>
          <li>
            <Button kind="secondary" icon="fr-icon-refresh-line" id="bouton-reinitialiser" onClick={onReset}>
              {t.search.reset}
            </Button>
          </li>
        </ul>
      </form>
      {view.asked && (
        <section class="fr-mt-5w" aria-labelledby="resultats-titre">
          <h2 id="resultats-titre" tabIndex={-1} ref={resultsHeading} class="portal-focus-target">
            {t.search.results}
          </h2>
          <Results
            listKey={listKey}
            paging={view}
            load={load}
            columns={searchColumns}
            exported={listQuery}
            what={t.search.resultsCaption}
            empty={t.search.none}
            onPaging={(next: Partial<Paging>) => go({ ...view, ...next })}
            hrefOfPage={(page) => searchViewHash({ ...view, page })}
            idPrefix="recherche"
            onProblem={setProblem}
            onShown={() => {
              if (focusResults.current) {
                focusResults.current = false;
                resultsHeading.current?.focus();
              }
            }}
          />
        </section>
      )}
    </>
  );
}
