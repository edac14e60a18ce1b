// A ticket's history as seed 003 shows it: date, user, old status, new status, comment (and the action, which says
// what happened when the status stays, e.g. an assignment or a file added). Oldest first, as the API gives it.
import type { components } from "../api/schema";
import { detailMessages as t } from "../screens/detail/messages";
import { formatDateTime } from "../screens/detail/format";
import { StatusBadge } from "./Badge";
import { Table, type Column } from "./Table";

export type HistoryEntry = components["schemas"]["HistoryEntryView"];

const COLUMNS: readonly Column<HistoryEntry>[] = [
  { key: "date", label: t.historyColumns.date, rowHeader: true, cell: (e) => formatDateTime(e.at) },
  {
    key: "user",
    label: t.historyColumns.user,
    multiline: true,
    cell: (e) => `${e.actor.name} (${t.sides[e.side] ?? e.side})`,
  },
  { key: "action", label: t.historyColumns.action, multiline: true, cell: (e) => e.action.label },
  {
    key: "from",
    label: t.historyColumns.from,
    cell: (e) => (e.from_status ? <StatusBadge status={e.from_status} small /> : t.notSet),
  },
  { key: "to", label: t.historyColumns.to, cell: (e) => <StatusBadge status={e.to_status} small /> },
  {
    key: "comment",
    label: t.historyColumns.comment,
    multiline: true,
    cell: (e) => (
      <>
        {e.comment && <span class="portal-prewrap">{e.comment}</span>}
        {e.comment && e.assignee && <br />}
        {e.assignee && t.assignedTo(e.assignee.name)}
      </>
    ),
  },
];

export interface HistoryProps {
  entries: readonly HistoryEntry[];
  caption: string;
  /** The caption read by screen readers only (a visible heading already names the table). */
  captionHidden?: boolean;
  id?: string;
}

export function History({ entries, caption, captionHidden, id }: HistoryProps) {
  return (
    <Table
      caption={caption}
      captionHidden={captionHidden}
      columns={COLUMNS}
      rows={entries}
      rowKey={(e) => e.seq}
      id={id}
      keyboardScroll
    />
  );
}
