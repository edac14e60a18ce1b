// The DSFR table (fr-table, the 1.12+ markup): a caption, column headers (scope="col"), rows; it scrolls inside
// its own wrapper on a small screen, never the page.
// With `sorting`, the columns that have the API's sort are sortable (a header cell fr-cell--sort holding its title
// and a fr-btn--sort button): the sorted column's header says aria-sort="ascending" or "descending" (read by screen
// readers with the header), its button shows the direction (fr-btn--sort-asc / -desc) and is named by what a click
// does (« Trier par « Statut », ordre décroissant »). A click on another column sorts it in ascending order; on the
// sorted one, it reverses the order. The sort itself is the API's: the screen asks for it.
import type { ComponentChildren } from "preact";

export type Direction = "ASC" | "DESC";

export interface Column<Row, S extends string = never> {
  key: string;
  label: string;
  cell: (row: Row) => ComponentChildren;
  /** The row's header cell (th scope="row"), e.g. the ticket's number. */
  rowHeader?: boolean;
  /** Text that wraps (the DSFR's cells do not by default). */
  multiline?: boolean;
  /** The API's sort of this column, if it sorts (with the table's `sorting`). */
  sort?: S;
}

export interface Sorting<S extends string> {
  sort: S | null;
  order: Direction;
  onSort: (sort: S, order: Direction) => void;
  sortLabel: (column: string, ascending: boolean) => string;
}

export interface TableProps<Row, S extends string = never> {
  caption: string;
  columns: readonly Column<Row, S>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string | number;
  captionHidden?: boolean;
  id?: string;
  /** A table with nothing focusable in it (no link, no button): its scrolling area takes the focus itself, so
   *  that the keyboard can scroll it on a small screen (axe: scrollable-region-focusable). */
  keyboardScroll?: boolean;
  /** Sortable columns: the sort shown and what a header's button asks for. */
  sorting?: Sorting<S>;
  /** A new page is on its way: the rows shown are the previous ones. */
  busy?: boolean;
}

function header<Row, S extends string>(c: Column<Row, S>, sorting: Sorting<S> | undefined, id: string | undefined) {
  if (sorting === undefined || c.sort === undefined) {
    return (
      <th key={c.key} scope="col">
        {c.label}
      </th>
    );
  }
  const { sort, order } = sorting;
  const columnSort = c.sort;
  const sorted = columnSort === sort;
  // What a click does: reverse the sorted column, sort another one in ascending order.
  const next: Direction = sorted && order === "ASC" ? "DESC" : "ASC";
  return (
    <th key={c.key} scope="col" aria-sort={sorted ? (order === "ASC" ? "ascending" : "descending") : undefined}>
      <div class="fr-cell--sort">
        <span class="fr-cell__title">{c.label}</span>
        <button
          type="button"
          class={`fr-btn--sort fr-btn fr-btn--sm${sorted ? (order === "ASC" ? " fr-btn--sort-asc" : " fr-btn--sort-desc") : ""}`}
          id={id ? `${id}-tri-${c.key}` : undefined}
          title={sorting.sortLabel(c.label, next === "ASC")}
          onClick={() => sorting.onSort(columnSort, next)}
        >
          {sorting.sortLabel(c.label, next === "ASC")}
        </button>
      </div>
    </th>
  );
}

export function Table<Row, S extends string = never>(props: TableProps<Row, S>) {
  const { caption, columns, rows, rowKey, captionHidden, id, keyboardScroll, sorting } = props;
  return (
    <div class={`fr-table portal-table${sorting ? " portal-sortable" : ""}`} id={id}>
      <div class="fr-table__wrapper">
        <div class="fr-table__container">
          <div
            class="fr-table__content"
            tabIndex={keyboardScroll ? 0 : undefined}
            role={keyboardScroll ? "region" : undefined}
            aria-label={keyboardScroll ? caption : undefined}
          >
            <table aria-busy={props.busy ? "true" : undefined}>
              <caption class={captionHidden ? "fr-sr-only" : undefined}>{caption}</caption>
              <thead>
                <tr>{columns.map((c) => header(c, sorting, id))}</tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={rowKey(row)} data-row-key={rowKey(row)}>
                    {columns.map((c) =>
                      c.rowHeader ? (
                        <th key={c.key} scope="row">
                          {c.cell(row)}
                        </th>
                      ) : (
                        <td key={c.key} class={c.multiline ? "fr-cell--multiline" : undefined}>
                          {c.cell(row)}
                        </td>
                      ),
                    )}
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
