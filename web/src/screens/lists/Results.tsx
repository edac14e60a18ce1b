// One list of tickets as a tab or a search shows it: the total (« 300 tickets », « Au moins 1000 tickets » when the
// API's count stopped at its limit), the rows per page, the sortable table, the DSFR pagination and « Aller à la
// page ». Each page is asked once: « Page suivante » follows the API's next_cursor, any other page is asked by its
// number (page=k). « Exporter les résultats » (CSV, XLSX) exports the whole list, every page. Each row's « Télécharger
// … au format PDF » opens « Options de téléchargement » (the ticket's PDF, or a ZIP with its files). A draft's
// « Supprimer » opens a confirmation dialog; the deletion carries an Idempotency-Key (one per intent), then the page
// is read again. The API's refusals are shown as they come.
import type { ComponentChildren, TargetedSubmitEvent } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { call, type Result } from "../../api/client";
import type { ListQuery } from "../../api/download";
import { fingerprint, Intents } from "../../api/intents";
import type { Problem } from "../../api/problem";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { ExportButtons } from "../../components/ExportButtons";
import { InputGroup } from "../../components/InputGroup";
import { Modal } from "../../components/Modal";
import { Pagination } from "../../components/Pagination";
import { ProblemAlert } from "../../components/ProblemAlert";
import { Table } from "../../components/Table";
import { messages } from "../../messages";
import { dashMessages } from "../dashboard/messages";
import { PdfOptions } from "../detail/PdfDialog";
import type { Column, RowButtons } from "./columns";
import { listMessages as t } from "./messages";
import { PAGE_SIZES, type Direction, type PageSize, type Paging, type Sort, type TicketPage, type TicketRow } from "./url";

export type Load = (at: { page: number } | { cursor: string }) => Promise<Result<TicketPage>>;

export interface ResultsProps {
  /** The list without its page (side, tab or criteria, sort, size…); null: nothing to show yet. */
  listKey: string | null;
  paging: Paging;
  load: Load;
  columns: (buttons: RowButtons) => Column[];
  /** The list as GET /tickets/export takes it (its side, and its tab or its criteria): « Exporter les résultats ». */
  exported: ListQuery;
  /** What the rows are (the table's caption starts with it). */
  what: string;
  empty: string;
  onPaging: (change: Partial<Paging>) => void;
  hrefOfPage: (page: number) => string;
  idPrefix: string;
  /** Filters shown beside « Lignes par page ». */
  toolbar?: ComponentChildren;
  /** The list's refusal goes to the screen (e.g. beside the search's fields) instead of here. */
  onProblem?: (problem: Problem | null) => void;
  /** Called once a page is shown after the screen asked for a new list (e.g. the results of a search). */
  onShown?: () => void;
}

type State =
  | { status: "idle" }
  | { status: "loading"; data: TicketPage | null }
  | { status: "ready"; data: TicketPage; shown: string }
  | { status: "failed"; problem: Problem };

const DELETE_MODAL = "modale-supprimer-brouillon";
const PDF_MODAL = "dialogue-pdf";

export function Results(props: ResultsProps) {
  const { listKey, paging, idPrefix } = props;
  const [state, setState] = useState<State>(() => (listKey === null ? { status: "idle" } : { status: "loading", data: null }));
  const [reload, setReload] = useState(0);
  // The last page shown, and where the next one starts (the API's cursor).
  const last = useRef<{ key: string; page: number; next: string | null; reload: number } | null>(null);
  const focusSummary = useRef(false);
  const summary = useRef<HTMLParagraphElement>(null);
  const [jump, setJump] = useState("");
  const [jumpError, setJumpError] = useState<string | undefined>(undefined);
  // Deleting a draft
  const [target, setTarget] = useState<TicketRow | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [deleteProblem, setDeleteProblem] = useState<Problem | null>(null);
  const [deleted, setDeleted] = useState<number | null>(null);
  const deletedRef = useRef<HTMLDivElement>(null);
  const focusDeleted = useRef(false);
  const intents = useRef(new Intents()).current;
  // A row's PDF
  const [pdfOf, setPdfOf] = useState<number | null>(null);
  const [pdfNote, setPdfNote] = useState("");

  useEffect(() => {
    if (listKey === null) {
      setState({ status: "idle" });
      last.current = null;
      return;
    }
    let live = true;
    const previous = last.current;
    const at =
      previous !== null && previous.key === listKey && previous.reload === reload && previous.page + 1 === paging.page && previous.next
        ? { cursor: previous.next }
        : { page: paging.page };
    setState((current) => ({ status: "loading", data: current.status === "ready" || current.status === "loading" ? current.data : null }));
    void props.load(at).then((result) => {
      if (!live) return;
      if (result.ok) {
        last.current = { key: listKey, page: result.data.page ?? paging.page, next: result.data.next_cursor, reload };
        setState({ status: "ready", data: result.data, shown: `${listKey}|${paging.page}|${reload}` });
        props.onProblem?.(null);
      } else {
        last.current = null;
        setState({ status: "failed", problem: result.problem });
        props.onProblem?.(result.problem);
      }
    });
    return () => {
      live = false;
    };
    // `load` is the screen's closure over the same list: listKey names it (a new closure is not a new list).
  }, [listKey, paging.page, reload]);

  // After a page or a deletion, the focus goes where a keyboard or screen reader user continues.
  useEffect(() => {
    if (state.status !== "ready") return;
    if (focusDeleted.current) {
      focusDeleted.current = false;
      deletedRef.current?.focus();
    } else if (focusSummary.current) {
      focusSummary.current = false;
      summary.current?.focus();
    }
    props.onShown?.();
  }, [state]);

  useEffect(() => {
    setJump("");
    setJumpError(undefined);
  }, [listKey, paging.page]);

  // A deletion's confirmation, and a file's, belong to the list they were made in.
  useEffect(() => {
    setDeleted(null);
    setPdfNote("");
  }, [listKey]);

  if (state.status === "idle") return null;
  if (state.status === "failed" && props.onProblem) return null;

  const data = state.status === "failed" ? null : state.data;
  const loading = state.status === "loading";
  const page = data?.page ?? paging.page;
  const pages = data === null ? null : data.total_exact ? Math.max(1, Math.ceil(data.total / data.size)) : null;
  const sort = (loading ? paging.sort : null) ?? (data?.sort.code as Sort | undefined) ?? paging.sort;
  const order: Direction = (loading ? paging.order : null) ?? (data?.order as Direction | undefined) ?? paging.order ?? "DESC";
  const sortLabel = sort ? t.sortLabels[sort] : t.sortLabels.NUMBER;
  const first = (page - 1) * paging.size + 1;

  const go = (target: number) => {
    focusSummary.current = true;
    props.onPaging({ page: target });
  };

  const onJump = (event: TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const n = Number(jump.trim());
    if (!/^[0-9]+$/.test(jump.trim()) || n < 1 || (pages !== null && n > pages)) {
      setJumpError(t.jumpInvalid(pages));
      return;
    }
    setJumpError(undefined);
    if (n === page) {
      summary.current?.focus();
      return;
    }
    go(n);
  };

  const deleteButton = (row: TicketRow) => (
    <button
      type="button"
      class="fr-btn fr-btn--tertiary-no-outline fr-btn--sm fr-icon-delete-bin-line"
      aria-controls={DELETE_MODAL}
      data-fr-opened="false"
      title={t.deleteDraftOf(row.number)}
      onClick={() => {
        setDeleteProblem(null);
        setTarget(row);
      }}
    >
      {t.deleteDraftOf(row.number)}
    </button>
  );

  const pdfButton = (row: TicketRow) => (
    <button
      type="button"
      class="fr-btn fr-btn--tertiary-no-outline fr-btn--sm fr-icon-file-pdf-line"
      aria-controls={PDF_MODAL}
      data-fr-opened="false"
      title={dashMessages.pdfOfRow(row.number)}
      onClick={() => {
        setPdfNote("");
        setPdfOf(row.number);
      }}
    >
      {dashMessages.pdfOfRow(row.number)}
    </button>
  );

  const confirmDelete = async () => {
    if (target === null || deleting) return;
    const n = target.number;
    setDeleting(true);
    const result = await intents.send(fingerprint("DELETE", `/tickets/${n}`), (key) =>
      call((api) =>
        api.DELETE("/tickets/{number}", { params: { path: { number: String(n) }, header: { "Idempotency-Key": key } } }),
      ),
    );
    setDeleting(false);
    if (!result.ok) {
      setDeleteProblem(result.problem);
      return;
    }
    setTarget(null);
    setDeleted(n);
    focusDeleted.current = true;
    // The page loses a row: read it again (the previous one if it was the last row of the last page).
    if (data !== null && data.items.length === 1 && page > 1) props.onPaging({ page: page - 1 });
    else setReload((r) => r + 1);
  };

  const rows = data?.items ?? [];

  return (
    <div
      class="portal-results"
      id={`${idPrefix}-resultats`}
      // What the page shows is the list asked for (not the previous one while the next is on its way).
      data-pret={state.status === "ready" && state.shown === `${listKey}|${paging.page}|${reload}` ? "true" : "false"}
    >
      {deleted !== null && (
        <div tabIndex={-1} ref={deletedRef} class="portal-focus-target">
          <Alert severity="success" title={t.deleted(deleted)} live small class="fr-mb-3w" />
        </div>
      )}
      {state.status === "failed" && (
        <>
          <ProblemAlert problem={state.problem} />
          {paging.page > 1 && (
            <p>
              <a class="fr-link" href={props.hrefOfPage(1)} onClick={(e) => (e.preventDefault(), go(1))}>
                {t.firstPage}
              </a>
            </p>
          )}
        </>
      )}
      {props.toolbar && <div class="portal-list-toolbar">{props.toolbar}</div>}
      {data !== null && data.total > 0 && <ExportButtons key={listKey} query={props.exported} id={`${idPrefix}-exporter`} />}
      <p class="fr-text--xs fr-mb-0" role="status" id={`${idPrefix}-pdf-etat`}>
        {pdfNote}
      </p>
      <div class="portal-list-head">
        <p class="portal-list-summary" id={`${idPrefix}-resume`} tabIndex={-1} ref={summary} role="status">
          {data !== null && (
            <>
              <strong>{t.total(data.total, data.total_exact)}</strong>
              {data.total > 0 && rows.length > 0 && (
                <>
                  {" – "}
                  {t.pageOf(page, pages)}
                  {", "}
                  {t.rowsShown(first, first + rows.length - 1)}
                </>
              )}
            </>
          )}
        </p>
        <div class="fr-select-group portal-size">
          <label class="fr-label" for={`${idPrefix}-lignes`}>
            {t.rowsPerPage}
          </label>
          <select
            class="fr-select"
            id={`${idPrefix}-lignes`}
            value={String(paging.size)}
            onChange={(e) => props.onPaging({ size: Number(e.currentTarget.value) as PageSize, page: 1 })}
          >
            {PAGE_SIZES.map((size) => (
              <option key={size} value={String(size)}>
                {size}
              </option>
            ))}
          </select>
        </div>
      </div>
      {loading && (
        <p class="portal-loading" role="status">
          {messages.loading}
        </p>
      )}
      {data !== null && !data.total_exact && <p class="fr-text--sm portal-muted">{t.inexactHint}</p>}
      {data !== null && rows.length === 0 && (
        <p id={`${idPrefix}-vide`}>
          {data.total === 0 && data.total_exact ? (
            props.empty
          ) : (
            <>
              {t.emptyPage}{" "}
              <a class="fr-link" href={props.hrefOfPage(1)} onClick={(e) => (e.preventDefault(), go(1))}>
                {t.firstPage}
              </a>
            </>
          )}
        </p>
      )}
      {rows.length > 0 && (
        <Table
          id={`${idPrefix}-table`}
          caption={t.caption(props.what, page, pages, sortLabel, order === "ASC")}
          captionHidden
          columns={props.columns({ pdf: pdfButton, remove: deleteButton })}
          rows={rows}
          rowKey={(r) => r.number}
          sorting={{ sort, order, sortLabel: t.sortBy, onSort: (s, o) => props.onPaging({ sort: s, order: o, page: 1 }) }}
          busy={loading}
        />
      )}
      {data?.partial && <p class="fr-text--sm portal-muted">{t.partial}</p>}
      {data !== null && (rows.length > 0 || page > 1) && (
        <div class="portal-list-pages">
          <Pagination
            page={page}
            pages={pages}
            hasNext={data.next_cursor !== null}
            href={props.hrefOfPage}
            onGo={go}
            labels={{ nav: t.pagination, first: t.firstPage, previous: t.previousPage, next: t.nextPage, last: t.lastPage, page: t.pageLink }}
          />
          {(pages === null || pages > 1) && (
            <form class="portal-jump" onSubmit={onJump} noValidate>
              <InputGroup
                id={`${idPrefix}-aller`}
                name="page"
                label={t.jumpLabel}
                hint={t.jumpHint(pages)}
                value={jump}
                onInput={setJump}
                inputMode="numeric"
                error={jumpError}
              />
              <Button type="submit" kind="secondary">
                {t.jumpButton}
              </Button>
            </form>
          )}
        </div>
      )}
      <PdfOptions
        id={PDF_MODAL}
        number={pdfOf}
        onClose={() => setPdfOf(null)}
        onDone={(said) => {
          setPdfNote(said);
          setPdfOf(null);
        }}
      />
      <Modal
        id={DELETE_MODAL}
        title={t.deleteTitle}
        open={target !== null}
        onClose={() => {
          setTarget(null);
          setDeleteProblem(null);
        }}
        footer={
          <>
            <button class="fr-btn" type="button" id={`${DELETE_MODAL}-confirmer`} disabled={deleting} onClick={() => void confirmDelete()}>
              {deleting ? t.busy : t.deleteConfirm}
            </button>
            <button class="fr-btn fr-btn--secondary" type="button" onClick={() => setTarget(null)}>
              {t.cancel}
            </button>
          </>
        }
      >
        <ProblemAlert problem={deleteProblem} />
        {target !== null && <p>{t.deleteText(target.number, target.title)}</p>}
      </Modal>
    </div>
  );
}
