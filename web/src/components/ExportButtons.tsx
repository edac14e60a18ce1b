// « Exporter les résultats » (seed 003) of a tab or a search: CSV and XLSX buttons taking the list's query (the
// parameters of GET /tickets or GET /tickets/search, without the page's), a progress note while the file is made,
// then the file downloaded under its name: a small CSV straight from the answer, anything else through the
// storage's link the browser follows. The API's refusal is shown as it comes.
//   <ExportButtons query={{ side: "EMITTER", tab: "ONGOING", sort: "NUMBER", order: "DESC" }} />
import { useState } from "preact/hooks";
import { downloadExport, type ListQuery } from "../api/download";
import type { Problem } from "../api/problem";
import { dashMessages as t } from "../screens/dashboard/messages";
import { ProblemAlert } from "./ProblemAlert";
import "./ExportButtons.css";

type Format = "CSV" | "XLSX";

export interface ExportButtonsProps {
  /** The list shown: its side, and its tab or its search criteria (undefined or empty ones are left out). */
  query: ListQuery;
  id?: string;
}

/** The query without its empty values (an empty criterion is no criterion). */
function cleaned(query: ListQuery): ListQuery {
  const entries = Object.entries(query as Record<string, unknown>).filter(([, value]) => value !== undefined && value !== null && value !== "");
  return Object.fromEntries(entries) as ListQuery;
}

export function ExportButtons({ query, id = "exporter" }: ExportButtonsProps) {
  const [busy, setBusy] = useState<Format | null>(null);
  const [note, setNote] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);

  const run = async (format: Format) => {
    if (busy !== null) return;
    setBusy(format);
    setProblem(null);
    setNote(t.exportPreparing(format));
    const result = await downloadExport({ ...cleaned(query), format });
    setBusy(null);
    if (result.ok) {
      setNote(t.exportDone(result.name, result.rows));
    } else {
      setNote("");
      setProblem(result.problem);
    }
  };

  const button = (format: Format, label: string, title: string) => (
    <button
      type="button"
      class="fr-btn fr-btn--secondary fr-btn--sm fr-icon-download-line fr-btn--icon-left"
      id={`${id}-${format.toLowerCase()}`}
      title={title}
      disabled={busy !== null}
      aria-describedby={`${id}-etat`}
      onClick={() => void run(format)}
    >
      {label}
    </button>
  );

  return (
    <div class="portal-export" id={id} role="group" aria-labelledby={`${id}-titre`}>
      <p class="fr-text--sm fr-text--bold fr-mb-1v" id={`${id}-titre`}>
        {t.exportTitle}
      </p>
      <ul class="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm fr-btns-group--icon-left">
        <li>{button("CSV", t.exportCsv, t.exportCsvTitle)}</li>
        <li>{button("XLSX", t.exportXlsx, t.exportXlsxTitle)}</li>
      </ul>
      <p class={`fr-text--xs fr-mb-0 portal-export__state${busy ? " portal-export__state--busy" : ""}`} id={`${id}-etat`} role="status">
        {note}
      </p>
      <ProblemAlert problem={problem} class="fr-mt-1w" />
    </div>
  );
}
