// What the lists keep in the URL (the hash route's query: « #/tickets?cote=emis&onglet=actions&page=2… »), so
// that a reload or a shared link shows the same list: the side, the tab, the page, the rows per page, the sort,
// the structure filter, « Assigné à moi », and the search's criteria. Words in French (the address is read by
// people); the API's codes where a value is a code (a category, a status, a SIRET). A value the portal does not
// know is dropped (the default is used), never sent to the API.
import type { components, operations } from "../../api/schema";

export type Side = components["schemas"]["ListSide"];
export type Tab = components["schemas"]["Tab"];
export type Sort = components["schemas"]["Sort"];
export type Direction = components["schemas"]["Direction"];
export type Status = components["schemas"]["Status"];
export type TicketPage = components["schemas"]["TicketPageView"];
export type TicketRow = components["schemas"]["TicketRowView"];
/** The search's query parameters, as the contract names them (a criterion it lacks fails the type check). */
export type SearchParams = operations["search_tickets_tickets_search_get"]["parameters"]["query"];
export type SearchCriteria = Omit<SearchParams, "side" | "sort" | "order" | "size" | "cursor" | "page">;

export const PAGE_SIZES = [10, 25, 50, 100] as const;
export type PageSize = (typeof PAGE_SIZES)[number];
export const DEFAULT_SIZE: PageSize = 25;

/** The tabs of each side (the API's TAB_STATUSES: « Brouillons » are the emitter's only). */
export const TABS: Record<Side, readonly Tab[]> = {
  EMITTER: ["ACTION", "ONGOING", "CLOSED", "DRAFTS"],
  RECIPIENT: ["ACTION", "ONGOING", "CLOSED"],
};

/** The statuses a side's lists hold (a recipient never sees a draft). */
export const SIDE_STATUSES: Record<Side, readonly Status[]> = {
  EMITTER: ["DRAFT", "OPEN", "IN_PROGRESS", "AWAITING_INFO", "RESOLVED", "CLOSED"],
  RECIPIENT: ["OPEN", "IN_PROGRESS", "AWAITING_INFO", "RESOLVED", "CLOSED"],
};

const SIDE_WORDS: Record<Side, string> = { EMITTER: "emis", RECIPIENT: "recus" };
const TAB_WORDS: Record<Tab, string> = { ACTION: "actions", ONGOING: "en-cours", CLOSED: "clotures", DRAFTS: "brouillons" };
const SORT_WORDS: Record<Sort, string> = {
  NUMBER: "numero",
  TITLE: "description",
  CATEGORY: "categorie",
  SUBCATEGORY: "sous-categorie",
  STATUS: "statut",
  OPENED: "ouvert-le",
  CREATED: "saisie-le",
};
const ORDER_WORDS: Record<Direction, string> = { ASC: "croissant", DESC: "decroissant" };

function reverse<K extends string>(words: Record<K, string>): Map<string, K> {
  return new Map(Object.entries(words).map(([code, word]) => [word as string, code as K]));
}
const SIDES = reverse(SIDE_WORDS);
const TAB_CODES = reverse(TAB_WORDS);
const SORTS = reverse(SORT_WORDS);
const ORDERS = reverse(ORDER_WORDS);
const STATUSES = new Set<string>(SIDE_STATUSES.EMITTER);

export interface Paging {
  page: number;
  size: PageSize;
  /** null: the API's default (NUMBER for a tab; for a search, its criterion's column). */
  sort: Sort | null;
  order: Direction | null;
}

export interface TabView extends Paging {
  side: Side;
  tab: Tab;
  /** « Filtre Structure »: one of the user's organisations on that side (SIRET or team id), or all. */
  structure: string | null;
  assigned: boolean;
}

/** The search's criteria, as the form holds them (empty text: not a criterion). */
export interface Criteria {
  number: string;
  words: string;
  category: string;
  subcategory: string;
  object_number: string;
  created_from: string;
  created_to: string;
  emitter: string;
  /** A recipient organisation's id: not a field of the form, carried by the dashboard's links (one of the
   *  user's teams or structures, as the API's search takes it). */
  recipient: string;
  recipient_name: string;
  recipient_service: string;
  emitter_service: string;
  created_by_name: string;
  status: string;
  assigned_to_me: boolean;
  /** Search within a tab (its statuses), or every tab. */
  tab: string;
}

export interface SearchView extends Paging {
  side: Side;
  criteria: Criteria;
  /** Whether the URL holds a search (a criterion at least): its results are shown. */
  asked: boolean;
}

export const NO_CRITERIA: Criteria = {
  number: "",
  words: "",
  category: "",
  subcategory: "",
  object_number: "",
  created_from: "",
  created_to: "",
  emitter: "",
  recipient: "",
  recipient_name: "",
  recipient_service: "",
  emitter_service: "",
  created_by_name: "",
  status: "",
  assigned_to_me: false,
  tab: "",
};

/** Each text criterion's word in the URL. */
const CRITERIA_WORDS: Record<Exclude<keyof Criteria, "assigned_to_me" | "tab">, string> = {
  number: "numero",
  words: "mots",
  category: "categorie",
  subcategory: "sous-categorie",
  object_number: "objet",
  created_from: "du",
  created_to: "au",
  emitter: "emetteur",
  recipient: "destinataire-id",
  recipient_name: "destinataire",
  recipient_service: "service-destinataire",
  emitter_service: "service-emetteur",
  created_by_name: "cree-par",
  status: "statut",
};
const TEXT_CRITERIA = Object.keys(CRITERIA_WORDS) as (keyof typeof CRITERIA_WORDS)[];

/** The query of the current hash route (« #/tickets?… » → its parameters). */
export function hashQuery(): URLSearchParams {
  const hash = window.location.hash.replace(/^#/, "");
  const at = hash.indexOf("?");
  return new URLSearchParams(at < 0 ? "" : hash.slice(at + 1));
}

function paging(query: URLSearchParams): Paging {
  const page = Number(query.get("page"));
  const size = Number(query.get("lignes"));
  return {
    page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
    size: (PAGE_SIZES as readonly number[]).includes(size) ? (size as PageSize) : DEFAULT_SIZE,
    sort: SORTS.get(query.get("tri") ?? "") ?? null,
    order: ORDERS.get(query.get("ordre") ?? "") ?? null,
  };
}

function pagingParams(view: Paging, params: URLSearchParams): void {
  if (view.sort !== null) params.set("tri", SORT_WORDS[view.sort]);
  if (view.order !== null) params.set("ordre", ORDER_WORDS[view.order]);
  params.set("lignes", String(view.size));
  params.set("page", String(view.page));
}

function sideOf(query: URLSearchParams, sides: readonly Side[]): Side {
  const asked = SIDES.get(query.get("cote") ?? "");
  return asked !== undefined && sides.includes(asked) ? asked : (sides[0] ?? "EMITTER");
}

/** The tab screen's view from the URL; `sides`: what /me allows, the first one by default. */
export function parseTabView(query: URLSearchParams, sides: readonly Side[], organisations: (side: Side) => readonly string[]): TabView {
  const side = sideOf(query, sides);
  const tab = TAB_CODES.get(query.get("onglet") ?? "");
  const structure = query.get("structure");
  return {
    side,
    tab: tab !== undefined && TABS[side].includes(tab) ? tab : "ACTION",
    structure: structure !== null && organisations(side).includes(structure) ? structure : null,
    assigned: side === "RECIPIENT" && query.get("assigne") === "oui",
    ...paging(query),
  };
}

export function tabViewHash(view: TabView): string {
  const params = new URLSearchParams({ cote: SIDE_WORDS[view.side], onglet: TAB_WORDS[view.tab] });
  if (view.structure !== null) params.set("structure", view.structure);
  if (view.assigned) params.set("assigne", "oui");
  pagingParams(view, params);
  return `#/tickets?${params.toString()}`;
}

export function parseSearchView(query: URLSearchParams, sides: readonly Side[]): SearchView {
  const side = sideOf(query, sides);
  const criteria: Criteria = { ...NO_CRITERIA };
  for (const name of TEXT_CRITERIA) criteria[name] = (query.get(CRITERIA_WORDS[name]) ?? "").slice(0, 150);
  if (criteria.status !== "" && !(STATUSES.has(criteria.status) && SIDE_STATUSES[side].includes(criteria.status as Status))) {
    criteria.status = "";
  }
  const tab = TAB_CODES.get(query.get("onglet") ?? "");
  criteria.tab = tab !== undefined && TABS[side].includes(tab) ? tab : "";
  criteria.assigned_to_me = side === "RECIPIENT" && query.get("assigne") === "oui";
  return { side, criteria, asked: hasCriterion(criteria), ...paging(query) };
}

export function searchViewHash(view: SearchView): string {
  const params = new URLSearchParams({ cote: SIDE_WORDS[view.side] });
  for (const name of TEXT_CRITERIA) {
    const value = view.criteria[name].trim();
    if (value !== "") params.set(CRITERIA_WORDS[name], value);
  }
  if (view.criteria.tab !== "") params.set("onglet", TAB_WORDS[view.criteria.tab as Tab]);
  if (view.criteria.assigned_to_me) params.set("assigne", "oui");
  if (hasCriterion(view.criteria)) pagingParams(view, params);
  return `#/tickets/recherche?${params.toString()}`;
}

/** Whether the criteria hold one at least (the tab alone is not one: the API says so). */
export function hasCriterion(criteria: Criteria): boolean {
  return criteria.assigned_to_me || TEXT_CRITERIA.some((name) => criteria[name].trim() !== "");
}

/** The search's criteria for the API: those given (trimmed), nothing else. */
export function searchQuery(criteria: Criteria): SearchCriteria {
  const query: SearchCriteria = {};
  for (const name of TEXT_CRITERIA) {
    const value = criteria[name].trim();
    if (value === "") continue;
    if (name === "number") {
      // Sent as typed when it is not a whole number: the API says, in its words, what is wrong with it.
      query.number = (/^[0-9]{1,10}$/.test(value) ? Number(value) : value) as number;
    } else if (name === "status") {
      query.status = value as Status;
    } else {
      query[name] = value;
    }
  }
  if (criteria.tab !== "") query.tab = criteria.tab as Tab;
  if (criteria.assigned_to_me) query.assigned_to_me = true;
  return query;
}

/** Move to another view of the list: a new entry in the history (Back returns to the previous list), no event
 *  (the shell would move the focus to the top of the page: the list keeps it where the user acts). */
export function pushView(hash: string, replace = false): void {
  if (window.location.hash === hash) return;
  if (replace) window.history.replaceState(null, "", hash);
  else window.history.pushState(null, "", hash);
}
