// The columns of the lists: the tabs show seed 001's six (number, short description, category, sub-category,
// status, opened on), each sortable, with the emitter on the recipient's side; the search's results show seed
// 003's (reference, category, sub-category, object number, created by, entered on, status). Both end with seed 003's
// actions of a row (view, PDF, delete a draft). The rows' labels are the API's.
import type { ComponentChildren } from "preact";
import { StatusBadge } from "../../components/Badge";
import type { Column as TableColumn } from "../../components/Table";
import { formatDate } from "../../components/TicketTable";
import { messages } from "../../messages";
import { href } from "../../router";
import { listMessages as t } from "./messages";
import type { Side, Sort, TicketRow } from "./url";

export type Column = TableColumn<TicketRow, Sort>;

/** The row's buttons the list provides: the PDF (its « Options de téléchargement » dialog) and « Supprimer » for a
 *  draft (its confirmation dialog). */
export interface RowButtons {
  pdf: (row: TicketRow) => ComponentChildren;
  remove: (row: TicketRow) => ComponentChildren;
}

const numberLink = (row: TicketRow) => (
  <a
    class="fr-link"
    href={href(row.status.code === "DRAFT" ? { name: "draft", number: row.number } : { name: "detail", number: row.number })}
  >
    <span class="fr-sr-only">{messages.ticketLink(row.number).replace(String(row.number), "")}</span>
    {row.number}
  </a>
);

const number: Column = { key: "number", label: t.columns.number, rowHeader: true, sort: "NUMBER", cell: numberLink };
const title: Column = { key: "title", label: t.columns.title, multiline: true, sort: "TITLE", cell: (r) => r.title ?? messages.untitled };
const category: Column = {
  key: "category",
  label: t.columns.category,
  multiline: true,
  sort: "CATEGORY",
  cell: (r) => r.category?.label ?? messages.notSet,
};
const subcategory: Column = {
  key: "subcategory",
  label: t.columns.subcategory,
  multiline: true,
  sort: "SUBCATEGORY",
  cell: (r) => r.subcategory?.label ?? messages.notSet,
};
const status: Column = { key: "status", label: t.columns.status, sort: "STATUS", cell: (r) => <StatusBadge status={r.status} small /> };
const opened: Column = { key: "opened", label: t.columns.openedAt, sort: "OPENED", cell: (r) => formatDate(r.opened_at) };
const emitter: Column = {
  key: "emitter",
  label: t.columns.emitter,
  multiline: true,
  cell: (r) =>
    r.emitter?.name ? (
      <>
        {r.emitter.name}
        {r.emitter.service && <span class="fr-hint-text">{r.emitter.service.name}</span>}
      </>
    ) : (
      messages.notSet
    ),
};

/** Seed 003's actions of a row: view the ticket, download it as a PDF, delete it when it is a draft. */
function actions(buttons: RowButtons): Column {
  return {
    key: "actions",
    label: t.columns.actions,
    cell: (r) => (
      <div class="portal-row-actions">
        <a
          class="fr-btn fr-btn--tertiary-no-outline fr-btn--sm fr-icon-eye-line"
          href={href({ name: "detail", number: r.number })}
          title={t.viewTicket(r.number)}
        >
          {t.viewTicket(r.number)}
        </a>
        {buttons.pdf(r)}
        {r.status.code === "DRAFT" && buttons.remove(r)}
      </div>
    ),
  };
}

/** The tab's columns (seed 001), the emitter's on the recipient side, then each row's actions (seed 003). */
export function tabColumns(side: Side, buttons: RowButtons): Column[] {
  return [
    number,
    title,
    category,
    subcategory,
    status,
    opened,
    ...(side === "RECIPIENT" ? [emitter] : []),
    actions(buttons),
  ];
}

/** The search's results (seed 003: « Référence », …, « Statut sollicitation », « Actions »). */
export function searchColumns(buttons: RowButtons): Column[] {
  return [
    { ...number, key: "reference", label: t.columns.reference },
    category,
    subcategory,
    { key: "object", label: t.columns.objectNumber, cell: (r) => r.object?.number ?? messages.notSet },
    { key: "created-by", label: t.columns.createdBy, multiline: true, cell: (r) => r.created_by.name },
    { key: "created", label: t.columns.createdAt, sort: "CREATED", cell: (r) => formatDate(r.created_at) },
    status,
    actions(buttons),
  ];
}
