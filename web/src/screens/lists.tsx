// « Mes tickets » (seed 001 « Consulter les tickets émis », seed 003 « Synthèse »): the tabs « Actions requises »,
// « Tous (sauf clôturés) », « Clôturés » and « Brouillons » of the tickets the user's structures emitted, and the
// first three of the tickets their structures and teams received (the sides GET /me allows), with « Assigné à
// moi », the structure filter, the rows per page, the sort on the six columns, the total and the pages. The URL
// keeps all of it (screens/lists/url.ts): a reload or a shared link shows the same list. « Exporter les résultats »
// exports the tab as shown (side, tab, sort, structure, « Assigné à moi »); each row offers view, PDF and, for a
// draft, deletion. GET /tickets once per page shown; GET /me is the shell's.
import { capabilities, useAccount, type Membership } from "../account";
import { call } from "../api/client";
import { Button } from "../components/Button";
import { Segmented } from "../components/Segmented";
import { Tabs } from "../components/Tabs";
import { messages } from "../messages";
import { tabColumns } from "./lists/columns";
import { listMessages as t } from "./lists/messages";
import { Results, type Load } from "./lists/Results";
import { sidesOf, useUrlView } from "./lists/view";
import {
  hashQuery,
  parseTabView,
  searchViewHash,
  NO_CRITERIA,
  TABS,
  tabViewHash,
  type Paging,
  type Side,
  type TabView,
} from "./lists/url";
import "./lists/lists.css";

export function ListsScreen() {
  const accountState = useAccount();
  if (accountState.status !== "ready") return null; // the shell shows the screen once /me is read
  return <Lists emitters={capabilities(accountState.account).emitters} recipients={capabilities(accountState.account).recipients} />;
}

function Lists({ emitters, recipients }: { emitters: Membership[]; recipients: Membership[] }) {
  const sides = sidesOf(emitters, recipients);
  const organisations = (side: Side) => (side === "EMITTER" ? emitters : recipients);
  const [view, go] = useUrlView<TabView>(
    "/tickets",
    () => parseTabView(hashQuery(), sides, (side) => organisations(side).map((o) => o.id)),
    tabViewHash,
  );

  if (sides.length === 0) {
    return (
      <>
        <h1>{t.heading}</h1>
        <p>{messages.noStructure}</p>
      </>
    );
  }

  const { side, tab } = view;
  const orgs = organisations(side);
  const change = (next: Partial<TabView>) => go({ ...view, ...next });
  const listKey = JSON.stringify([side, tab, view.sort, view.order, view.size, view.structure, view.assigned]);
  // The list's own parameters (a page's aside): what GET /tickets/export takes to give every row.
  const listQuery = {
    side,
    tab,
    ...(view.sort ? { sort: view.sort } : {}),
    ...(view.order ? { order: view.order } : {}),
    ...(view.structure ? { structure: view.structure } : {}),
    ...(view.assigned ? { assigned_to_me: true } : {}),
  };
  const load: Load = (at) =>
    call((api) =>
      api.GET("/tickets", {
        params: {
          query: { ...listQuery, size: view.size, ...at },
        },
      }),
    );

  const toolbar = (
    <>
      {orgs.length > 1 && (
        <div class="fr-select-group portal-structure-filter">
          <label class="fr-label" for="filtre-structure">
            {t.structureFilter}
          </label>
          <select
            class="fr-select"
            id="filtre-structure"
            value={view.structure ?? ""}
            onChange={(e) => change({ structure: e.currentTarget.value || null, page: 1 })}
          >
            <option value="">{t.allStructures}</option>
            {orgs.map((o) => (
              <option key={o.id} value={o.id}>
                {o.kind === "STRUCTURE" ? `${o.id} – ${o.name}` : o.name}
              </option>
            ))}
          </select>
        </div>
      )}
      {side === "RECIPIENT" && (
        <div class="fr-checkbox-group portal-assigned">
          <input
            type="checkbox"
            id="assigne-a-moi"
            checked={view.assigned}
            aria-describedby="assigne-a-moi-aide"
            onChange={(e) => change({ assigned: e.currentTarget.checked, page: 1 })}
          />
          <label class="fr-label" for="assigne-a-moi">
            {t.assignedToMe}
            <span class="fr-hint-text" id="assigne-a-moi-aide">
              {t.assignedHint}
            </span>
          </label>
        </div>
      )}
    </>
  );

  const searchHref = searchViewHash({ side, criteria: NO_CRITERIA, asked: false, page: 1, size: view.size, sort: null, order: null });

  return (
    <>
      <div class="portal-section-head">
        <h1>{t.heading}</h1>
        <Button href={searchHref} kind="secondary" icon="fr-icon-search-line" id="lien-recherche">
          {t.searchLink}
        </Button>
      </div>
      <p>{t.intro}</p>
      {sides.length > 1 && (
        <div class="fr-mb-3w portal-side">
          <Segmented
            legend={t.sideLegend}
            name="cote"
            options={sides.map((s) => ({ key: s, label: t.sides[s] }))}
            value={side}
            onChange={(s) => go({ ...view, side: s, tab: "ACTION", structure: null, assigned: false, page: 1 })}
          />
        </div>
      )}
      {sides.length === 1 && <h2 class="fr-h4">{t.sides[side]}</h2>}
      <Tabs
        label={t.tabsLabel(side)}
        idPrefix="onglet"
        tabs={TABS[side].map((key) => ({ key, label: t.tabs[key] }))}
        selected={tab}
        onSelect={(key) => change({ tab: key, page: 1 })}
      >
        <p class="fr-text--sm portal-muted">{t.tabHints[side][tab]}</p>
        <Results
          listKey={listKey}
          paging={view}
          load={load}
          columns={(buttons) => tabColumns(side, buttons)}
          exported={listQuery}
          what={`${t.sides[side]} – ${t.tabs[tab]}`}
          empty={t.empty[side][tab]}
          onPaging={(next: Partial<Paging>) => change(next)}
          hrefOfPage={(page) => tabViewHash({ ...view, page })}
          idPrefix="liste"
          toolbar={toolbar}
        />
      </Tabs>
    </>
  );
}
