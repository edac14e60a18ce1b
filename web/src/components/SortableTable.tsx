// The DSFR table with sortable columns (fr-table, a header cell fr-cell--sort holding its title and a
// fr-btn--sort button): the sorted column's header says aria-sort="ascending" or "descending" (read by screen
// readers with the header), its button shows the direction (fr-btn--sort-asc / -desc) and is named by what a
// click does (« Trier par « Statut », ordre décroissant »). A click on another column sorts it in ascending
// order; on the sorted one, it reverses the order. The sort itself is the API's: the screen asks for it.
import type { ComponentChildren } from "preact";

export type Direction = "ASC" | "DESC";

export interface SortableColumn<Row, S extends string> {
  key: string;
  label: string;
  cell: (row: Row) => ComponentChildren;
  /** The API's sort of this column, if it sorts. */
  sort?: S;
  rowHeader?: boolean;
  multiline?: boolean;
}

export interface SortableTableProps<Row, S extends string> {
  caption: string;
  columns: readonly SortableColumn<Row, S>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string | number;
  sort: S | null;
  order: Direction;
  onSort: (sort: S, order: Direction) => void;
  sortLabel: (column: string, ascending: boolean) => string;
  id?: string;
  /** A new page is on its way: the rows shown are the previous ones. */
  busy?: boolean;
}

export function SortableTable<Row, S extends string>(props: SortableTableProps<Row, S>) {
  const { columns, rows, rowKey, sort, order } = props;
  return (
    <div class="fr-table portal-table portal-sortable" id={props.id}>
      <div class="fr-table__wrapper">
        <div class="fr-table__container">
          <div class="fr-table__content">
            <table aria-busy={props.busy ? "true" : undefined}>
              <caption class="fr-sr-only">{props.caption}</caption>
              <thead>
                <tr>
                  {columns.map((c) => {
                    const sorted = c.sort !== undefined && c.sort === sort;
                    if (c.sort === undefined) {
                      return (
                        <th key={c.key} scope="col">
                          {c.label}
                        </th>
                      );
                    }
                    const columnSort = c.sort;
                    // What a click does: reverse the sorted column, sort another one in ascending order.
                    const next: Direction = sorted && order === "ASC" ? "DESC" : "ASC";
                    return (
                      <th key={c.key} scope="col" aria-sort={sorted ? (order === "ASC" ? "ascending" : "descending") : undefined}>
                        <div class="fr-cell--sort">
                          <span class="fr-cell__title">{c.label}</span>
                          <button
                            type="button"
                            class={`fr-btn--sort fr-btn fr-btn--sm${sorted ? (order === "ASC" ? " fr-btn--sort-asc" : " fr-btn--sort-desc") : ""}`}
                            id={props.id ? `${props.id}-tri-${c.key}` : undefined}
                            title={props.sortLabel(c.label, next === "ASC")}
                            onClick={() => props.onSort(columnSort, next)}
                          >
                            {props.sortLabel(c.label, next === "ASC")}
                          </button>
                        </div>
                      </th>
                    );
                  })}
                </tr>
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
