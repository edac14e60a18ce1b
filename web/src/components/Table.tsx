// The DSFR table (fr-table, the 1.12+ markup): a caption, column headers (scope="col"), rows; it scrolls inside
// its own wrapper on a small screen, never the page.
import type { ComponentChildren } from "preact";

export interface Column<Row> {
  key: string;
  label: string;
  cell: (row: Row) => ComponentChildren;
  /** The row's header cell (th scope="row"), e.g. the ticket's number. */
  rowHeader?: boolean;
  /** Text that wraps (the DSFR's cells do not by default). */
  multiline?: boolean;
}

export interface TableProps<Row> {
  caption: string;
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string | number;
  captionHidden?: boolean;
  id?: string;
  /** A table with nothing focusable in it (no link, no button): its scrolling area takes the focus itself, so
   *  that the keyboard can scroll it on a small screen (axe: scrollable-region-focusable). */
  keyboardScroll?: boolean;
}

export function Table<Row>({ caption, columns, rows, rowKey, captionHidden, id, keyboardScroll }: TableProps<Row>) {
  return (
    <div class="fr-table portal-table" id={id}>
      <div class="fr-table__wrapper">
        <div class="fr-table__container">
          <div
            class="fr-table__content"
            tabIndex={keyboardScroll ? 0 : undefined}
            role={keyboardScroll ? "region" : undefined}
            aria-label={keyboardScroll ? caption : undefined}
          >
            <table>
              <caption class={captionHidden ? "fr-sr-only" : undefined}>{caption}</caption>
              <thead>
                <tr>
                  {columns.map((c) => (
                    <th key={c.key} scope="col">
                      {c.label}
                    </th>
                  ))}
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
