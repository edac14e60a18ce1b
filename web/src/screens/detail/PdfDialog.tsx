// « Télécharger détail » (seed 003): the ticket's PDF, after the « Options de téléchargement » dialog asks
// « Souhaitez-vous inclure les pièces jointes à votre téléchargement ? Oui / Non » (DSFR modal, radios): Oui gives
// a ZIP of the PDF and the available files, Non the PDF alone. The file is made by the API and downloaded by the
// browser from the storage's short-lived link; the API's refusal is shown in the dialog as it comes.
// PdfOptions is the dialog alone, for a screen that opens it for one ticket among several (a list's rows).
import type { TargetedSubmitEvent } from "preact";
import { useEffect, useState } from "preact/hooks";
import { downloadPdf } from "../../api/download";
import type { Problem } from "../../api/problem";
import { Modal } from "../../components/Modal";
import { ProblemAlert } from "../../components/ProblemAlert";
import { RadioGroup } from "../../components/RadioGroup";
import { dashMessages as t } from "../dashboard/messages";
import "../../components/ExportButtons.css";

const DIALOG = "dialogue-pdf";

export interface PdfOptionsProps {
  /** The dialog's id: its openers name it in aria-controls. */
  id: string;
  /** The ticket to download; null: the dialog is closed. */
  number: number | null;
  onClose: () => void;
  /** The file downloaded: what to say (« Fichier « … » téléchargé. »). */
  onDone: (said: string) => void;
}

/** « Options de téléchargement » for one ticket: Oui / Non (Non first chosen), « Télécharger », « Annuler ». */
export function PdfOptions({ id, number, onClose, onDone }: PdfOptionsProps) {
  const [withFiles, setWithFiles] = useState("non");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);

  // Each opening starts afresh: « Non », no refusal.
  useEffect(() => {
    if (number === null) return;
    setWithFiles("non");
    setProblem(null);
  }, [number]);

  const submit = async (event: TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy || number === null) return;
    setBusy(true);
    setProblem(null);
    const result = await downloadPdf(number, withFiles === "oui");
    setBusy(false);
    if (result.ok) onDone(t.exportDone(result.name, null));
    else setProblem(result.problem);
  };

  return (
    <Modal
      id={id}
      title={t.pdfDialogTitle}
      open={number !== null}
      onClose={() => {
        if (number !== null) onClose();
      }}
      footer={
        <>
          <button class="fr-btn" type="submit" form={`${id}-formulaire`} disabled={busy}>
            {t.download}
          </button>
          <button class="fr-btn fr-btn--secondary" type="button" onClick={onClose}>
            {t.cancel}
          </button>
        </>
      }
    >
      <form id={`${id}-formulaire`} noValidate onSubmit={(e) => void submit(e)}>
        <ProblemAlert problem={problem} />
        {number !== null && <p class="fr-text--sm">{t.pdfOf(number)}</p>}
        <RadioGroup
          id={`${id}-pieces`}
          legend={t.pdfQuestion}
          hint={t.pdfQuestionHint}
          name="attachments"
          value={withFiles}
          inline
          options={[
            { value: "oui", label: t.yes },
            { value: "non", label: t.no },
          ]}
          onChange={setWithFiles}
        />
        <p class={`fr-text--sm fr-mb-0 portal-export__state${busy ? " portal-export__state--busy" : ""}`} role="status">
          {busy ? t.pdfPreparing : ""}
        </p>
      </form>
    </Modal>
  );
}

/** The detail's « Télécharger détail » button and its dialog. */
export function PdfDialog({ number }: { number: number }) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState("");

  return (
    <div class="fr-mt-2w" id="telecharger-detail">
      <button
        type="button"
        class="fr-btn fr-btn--tertiary fr-btn--sm fr-icon-download-line fr-btn--icon-left"
        aria-controls={DIALOG}
        data-fr-opened="false"
        title={t.pdfButtonTitle(number)}
        onClick={() => {
          setNote("");
          setOpen(true);
        }}
      >
        {t.pdfButton}
      </button>
      <p class="fr-text--xs fr-mb-0 portal-export__state" role="status" id="telecharger-detail-etat">
        {note}
      </p>
      <PdfOptions
        id={DIALOG}
        number={open ? number : null}
        onClose={() => setOpen(false)}
        onDone={(said) => {
          setNote(said);
          setOpen(false);
        }}
      />
    </div>
  );
}
