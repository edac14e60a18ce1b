// A page of tickets as the lists show them (the columns of seed 001: number, short description, category,
// sub-category, status, opened on), each number a link to the ticket (a draft: to its form).
import type { components } from "../api/schema";
import { messages } from "../messages";
import { href } from "../router";
import { StatusBadge } from "./Badge";
import { Table, type Column } from "./Table";

export type TicketRow = components["schemas"]["TicketRowView"];

const dateFormat = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeZone: "Europe/Paris" });

export function formatDate(iso: string): string {
  return dateFormat.format(new Date(iso));
}

const COLUMNS: readonly Column<TicketRow>[] = [
  {
    key: "number",
    label: messages.columns.number,
    rowHeader: true,
    cell: (t) => (
      <a
        class="fr-link"
        href={href(t.status.code === "DRAFT" ? { name: "draft", number: t.number } : { name: "detail", number: t.number })}
      >
        <span class="fr-sr-only">{messages.ticketLink(t.number).replace(String(t.number), "")}</span>
        {t.number}
      </a>
    ),
  },
  { key: "title", multiline: true, label: messages.columns.title, cell: (t) => t.title ?? messages.untitled },
  { key: "category", multiline: true, label: messages.columns.category, cell: (t) => t.category?.label ?? messages.notSet },
  { key: "subcategory", multiline: true, label: messages.columns.subcategory, cell: (t) => t.subcategory?.label ?? messages.notSet },
  { key: "status", label: messages.columns.status, cell: (t) => <StatusBadge status={t.status} small /> },
  { key: "opened", label: messages.columns.openedAt, cell: (t) => formatDate(t.opened_at) },
];

export interface TicketTableProps {
  caption: string;
  rows: readonly TicketRow[];
  id?: string;
  /** The caption read by screen readers only (a visible heading already names the list). */
  captionHidden?: boolean;
}

export function TicketTable({ caption, rows, id, captionHidden }: TicketTableProps) {
  return <Table caption={caption} columns={COLUMNS} rows={rows} rowKey={(t) => t.number} id={id} captionHidden={captionHidden} />;
}
