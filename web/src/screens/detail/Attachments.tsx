// « Pièces jointes »: the files of both sides (who added them, when, their state: checked and available, or
// refused with the API's reason), each downloadable through the API's short-lived link, removable by its side
// while that side may still add files. When the user may add files (« Ajouter un fichier » among the allowed
// actions): choose or drop files; each is announced to the API, posted straight to the storage with the form the
// API gives (a progress bar), then followed until the desk's check settles it (the ticket read again, a little
// less often each time).
import type { Ref } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { call, newIdempotencyKey } from "../../api/client";
import type { Problem } from "../../api/problem";
import type { components } from "../../api/schema";
import { postToStorage } from "../../api/upload";
import { Alert } from "../../components/Alert";
import { Badge, type BadgeSeverity } from "../../components/Badge";
import { FileUpload, UploadRow } from "../../components/FileUpload";
import { Modal } from "../../components/Modal";
import { ProblemAlert } from "../../components/ProblemAlert";
import { Table, type Column } from "../../components/Table";
import type { Ticket } from "./Actions";
import { formatDateTime, formatSize } from "./format";
import { detailMessages as t } from "./messages";

type Attachment = components["schemas"]["AttachmentView"];

const STATE_SEVERITY: Record<string, BadgeSeverity | undefined> = {
  PENDING: "new",
  SCANNING: "info",
  AVAILABLE: "success",
  REFUSED: "error",
};
const SETTLED = new Set(["AVAILABLE", "REFUSED"]);

/** The check's pace: first look soon, then less often; give up waiting after about two minutes. */
const FIRST_POLL_MS = 600;
const MAX_POLL_MS = 5000;
const POLL_BUDGET_MS = 120_000;

type Phase =
  | { kind: "asking" }
  | { kind: "sending"; percent: number }
  | { kind: "checking"; since: number }
  | { kind: "slow" }
  | { kind: "refused"; problem: Problem }
  | { kind: "failed"; message: string };

interface LocalUpload {
  local: string;
  name: string;
  size: number;
  attachmentId: string | null;
  phase: Phase;
}

export interface AttachmentsProps {
  ticket: Ticket;
  /** Read the ticket again (the check's outcome); the screen shows the fresh ticket. */
  refresh: () => Promise<Ticket | null>;
  /** A removal went through: the ticket without the file. */
  onTicket: (ticket: Ticket) => void;
  inputRef: Ref<HTMLInputElement>;
}

let uploadCounter = 0;

export function Attachments({ ticket, refresh, onTicket, inputRef }: AttachmentsProps) {
  const number = ticket.number;
  const canAdd = ticket.allowed_actions.some((a) => a.code === "ADD_ATTACHMENT");
  const [uploads, setUploads] = useState<LocalUpload[]>([]);
  const [announce, setAnnounce] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [removing, setRemoving] = useState<Attachment | null>(null);
  const [removeProblem, setRemoveProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [polls, setPolls] = useState(0);
  const removeKey = useRef<string | null>(null);

  const update = (local: string, change: Partial<LocalUpload>) =>
    setUploads((all) => all.map((u) => (u.local === local ? { ...u, ...change } : u)));

  const send = async (file: File) => {
    uploadCounter += 1;
    const local = `envoi-${uploadCounter}`;
    setUploads((all) => [...all, { local, name: file.name, size: file.size, attachmentId: null, phase: { kind: "asking" } }]);
    const asked = await call((api) =>
      api.POST("/tickets/{number}/attachments", {
        params: { path: { number: String(number) }, header: { "Idempotency-Key": newIdempotencyKey() } },
        body: { name: file.name, content_type: file.type || "application/octet-stream", size: file.size },
      }),
    );
    if (!asked.ok) {
      update(local, { phase: { kind: "refused", problem: asked.problem } });
      return;
    }
    const attachmentId = asked.data.attachment.id;
    update(local, { attachmentId, phase: { kind: "sending", percent: 0 } });
    const outcome = await postToStorage(asked.data.upload, file, (fraction) =>
      update(local, { phase: { kind: "sending", percent: Math.round(fraction * 100) } }),
    ).done;
    if (!outcome.ok) {
      update(local, { phase: { kind: "failed", message: t.storageFailed(outcome.status) } });
      return;
    }
    update(local, { phase: { kind: "checking", since: Date.now() } });
    setPolls(0);
  };

  // A file the check has settled (or that the ticket now lists while the malware scan runs) leaves the list of
  // files being sent: the table shows it, and the outcome is announced.
  useEffect(() => {
    const listed = new Map(ticket.attachments.map((a) => [a.id, a]));
    const arrived = uploads.filter((u) => u.phase.kind === "checking" && u.attachmentId !== null && listed.has(u.attachmentId));
    if (arrived.length === 0) return;
    const said = arrived.map((u) => {
      const a = listed.get(u.attachmentId ?? "") as Attachment;
      return `« ${a.name} » : ${a.state.label}${a.refusal ? ` (${a.refusal})` : ""}.`;
    });
    setAnnounce(said.join(" "));
    const gone = new Set(arrived.map((u) => u.local));
    setUploads((all) => all.filter((u) => !gone.has(u.local)));
  }, [ticket, uploads]);

  // Read the ticket again while a file waits for its check (or its scan), less often each time.
  const waiting =
    uploads.some((u) => u.phase.kind === "checking") || ticket.attachments.some((a) => !SETTLED.has(a.state.code));
  useEffect(() => {
    if (!waiting) return;
    const delay = Math.min(FIRST_POLL_MS * 1.5 ** polls, MAX_POLL_MS);
    const timer = window.setTimeout(() => {
      const now = Date.now();
      setUploads((all) =>
        all.map((u) => (u.phase.kind === "checking" && now - u.phase.since > POLL_BUDGET_MS ? { ...u, phase: { kind: "slow" } } : u)),
      );
      void refresh().then(() => setPolls((p) => p + 1));
    }, delay);
    return () => window.clearTimeout(timer);
  }, [waiting, polls, refresh]);

  const download = async (attachment: Attachment) => {
    setProblem(null);
    const link = await call((api) =>
      api.GET("/tickets/{number}/attachments/{attachment_id}", {
        params: { path: { number: String(number), attachment_id: attachment.id } },
      }),
    );
    if (link.ok) window.location.assign(link.data.url);
    else setProblem(link.problem);
  };

  const remove = async () => {
    if (removing === null || busy) return;
    removeKey.current ??= newIdempotencyKey();
    setBusy(true);
    const result = await call((api) =>
      api.DELETE("/tickets/{number}/attachments/{attachment_id}", {
        params: { path: { number: String(number), attachment_id: removing.id }, header: { "Idempotency-Key": removeKey.current ?? "" } },
      }),
    );
    setBusy(false);
    if (result.ok) {
      setAnnounce(t.removed(removing.name));
      setRemoving(null);
      onTicket(result.data);
    } else {
      setRemoveProblem(result.problem);
    }
  };

  const removable = (a: Attachment) => canAdd && ticket.sides.includes(a.side);
  const columns: Column<Attachment>[] = [
    { key: "name", label: t.attachmentColumns.name, rowHeader: true, multiline: true, cell: (a) => a.name },
    { key: "size", label: t.attachmentColumns.size, cell: (a) => formatSize(a.size) },
    {
      key: "by",
      label: t.attachmentColumns.addedBy,
      multiline: true,
      cell: (a) => `${a.added_by.name} (${t.sides[a.side] ?? a.side})`,
    },
    { key: "at", label: t.attachmentColumns.addedAt, cell: (a) => formatDateTime(a.added_at) },
    {
      key: "state",
      label: t.attachmentColumns.state,
      multiline: true,
      cell: (a) => (
        <>
          <Badge label={a.state.label} severity={STATE_SEVERITY[a.state.code]} small />
          {a.refusal && <p class="fr-text--sm fr-mb-0 fr-mt-1v portal-refusal">{t.refusedBecause(a.refusal)}</p>}
        </>
      ),
    },
    {
      key: "actions",
      label: t.attachmentColumns.actions,
      cell: (a) => (
        <ul class="fr-btns-group fr-btns-group--sm fr-btns-group--inline fr-btns-group--icon-left portal-row-actions">
          {a.state.code === "AVAILABLE" && (
            <li>
              <button
                type="button"
                class="fr-btn fr-btn--sm fr-btn--tertiary fr-icon-download-line fr-btn--icon-left"
                title={t.downloadNamed(a.name)}
                onClick={() => void download(a)}
              >
                {t.download}
                <span class="fr-sr-only"> « {a.name} »</span>
              </button>
            </li>
          )}
          {removable(a) && (
            <li>
              <button
                type="button"
                class="fr-btn fr-btn--sm fr-btn--tertiary fr-icon-delete-bin-line fr-btn--icon-left"
                title={t.removeNamed(a.name)}
                aria-controls="dialogue-suppression-fichier"
                data-fr-opened="false"
                onClick={() => {
                  removeKey.current = null;
                  setRemoveProblem(null);
                  setRemoving(a);
                }}
              >
                {t.remove}
                <span class="fr-sr-only"> « {a.name} »</span>
              </button>
            </li>
          )}
        </ul>
      ),
    },
  ];

  const files = ticket.attachments;
  return (
    <section class="fr-mt-6w" aria-labelledby="pieces-jointes-titre" id="pieces-jointes">
      <h2 id="pieces-jointes-titre">{t.attachments}</h2>
      <ProblemAlert problem={problem} />
      <p id="pieces-jointes-total">{files.length === 0 ? t.attachmentsNone : t.attachmentsTotal(files.length)}</p>
      {files.length > 0 && (
        <Table caption={t.attachmentsCaption(number)} captionHidden columns={columns} rows={files} rowKey={(a) => a.id} id="pieces-jointes-table" />
      )}
      <p class="fr-sr-only" role="status" id="pieces-jointes-annonce">
        {announce}
      </p>
      {canAdd && (
        <FileUpload
          id="ajout-fichiers"
          label={t.uploadLabel}
          hint={t.uploadHint}
          inputRef={inputRef}
          onFiles={(chosen) => {
            setAnnounce("");
            for (const file of chosen) void send(file);
          }}
        />
      )}
      {uploads.length > 0 && (
        <>
          <h3 class="fr-h6 fr-mt-3w fr-mb-0" id="envois-titre">
            {t.uploads}
          </h3>
          <ul class="portal-uploads" aria-labelledby="envois-titre" id="envois">
            {uploads.map((u) => (
              <UploadRow
                key={u.local}
                id={u.local}
                name={u.name}
                detail={formatSize(u.size)}
                percent={u.phase.kind === "sending" ? u.phase.percent : null}
                progressLabel={t.uploadProgress(u.name)}
                status={statusOf(u.phase)}
              >
                {u.phase.kind === "refused" && <ProblemAlert problem={u.phase.problem} class="fr-mt-1w" />}
                {u.phase.kind === "failed" && <Alert severity="error" small title={u.phase.message} class="fr-mt-1w" />}
                {(u.phase.kind === "refused" || u.phase.kind === "failed" || u.phase.kind === "slow") && (
                  <button
                    type="button"
                    class="fr-btn fr-btn--sm fr-btn--tertiary-no-outline fr-mt-1w"
                    onClick={() => setUploads((all) => all.filter((x) => x.local !== u.local))}
                  >
                    {t.dismiss}
                    <span class="fr-sr-only"> « {u.name} »</span>
                  </button>
                )}
              </UploadRow>
            ))}
          </ul>
        </>
      )}
      <Modal
        id="dialogue-suppression-fichier"
        title={t.removeTitle}
        open={removing !== null}
        onClose={() => setRemoving(null)}
        footer={
          <>
            <button class="fr-btn" type="button" disabled={busy} onClick={() => void remove()}>
              {busy ? t.sending : t.remove}
            </button>
            <button class="fr-btn fr-btn--secondary" type="button" onClick={() => setRemoving(null)}>
              {t.cancel}
            </button>
          </>
        }
      >
        <ProblemAlert problem={removeProblem} />
        {removing && <p>{t.removeConfirm(removing.name)}</p>}
      </Modal>
    </section>
  );
}

function statusOf(phase: Phase): string {
  switch (phase.kind) {
    case "asking":
      return t.uploadStates.asking;
    case "sending":
      return t.uploadStates.sending;
    case "checking":
      return t.uploadStates.checking;
    case "slow":
      return t.uploadStates.slow;
    case "refused":
      return t.uploadStates.refused;
    case "failed":
      return t.uploadStates.failed;
  }
}
