// « Télécharger détail » (seed 003): the ticket's PDF, after the « Options de téléchargement » dialog asks
// « Souhaitez-vous inclure les pièces jointes à votre téléchargement ? Oui / Non » (DSFR modal, radios): Oui gives
// a ZIP of the PDF and the available files, Non the PDF alone. The file is made by the API and downloaded by the
// browser from the storage's short-lived link; the API's refusal is shown in the dialog as it comes.
import type { TargetedSubmitEvent } from "preact";
import { useState } from "preact/hooks";
import { downloadPdf } from "../../api/download";
import type { Problem } from "../../api/problem";
import { Modal } from "../../components/Modal";
import { ProblemAlert } from "../../components/ProblemAlert";
import { RadioGroup } from "../../components/RadioGroup";
import { dashMessages as t } from "../dashboard/messages";
import "../../components/ExportButtons.css";

const DIALOG = "dialogue-pdf";

export function PdfDialog({ number }: { number: number }) {
  const [open, setOpen] = useState(false);
  const [withFiles, setWithFiles] = useState("non");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [note, setNote] = useState("");

  const submit = async (event: TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setProblem(null);
    const result = await downloadPdf(number, withFiles === "oui");
    setBusy(false);
    if (result.ok) {
      setNote(t.exportDone(result.name, null));
      setOpen(false);
    } else {
      setProblem(result.problem);
    }
  };

  return (
    <div class="fr-mt-2w" id="telecharger-detail">
      <button
        type="button"
        class="fr-btn fr-btn--tertiary fr-btn--sm fr-icon-download-line fr-btn--icon-left"
        aria-controls={DIALOG}
        data-fr-opened="false"
        title={t.pdfButtonTitle(number)}
        onClick={() => {
          setProblem(null);
          setNote("");
          setOpen(true);
        }}
      >
        {t.pdfButton}
      </button>
      <p class="fr-text--xs fr-mb-0 portal-export__state" role="status" id="telecharger-detail-etat">
        {note}
      </p>
      <Modal
        id={DIALOG}
        title={t.pdfDialogTitle}
        open={open}
        onClose={() => {
          if (open) setOpen(false);
        }}
        footer={
          <>
            <button class="fr-btn" type="submit" form={`${DIALOG}-formulaire`} disabled={busy}>
              {t.download}
            </button>
            <button class="fr-btn fr-btn--secondary" type="button" onClick={() => setOpen(false)}>
              {t.cancel}
            </button>
          </>
        }
      >
        <form id={`${DIALOG}-formulaire`} noValidate onSubmit={(e) => void submit(e)}>
          <ProblemAlert problem={problem} />
          <RadioGroup
            id={`${DIALOG}-pieces`}
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
    </div>
  );
}
