// The DSFR file upload (fr-upload-group) inside a drop zone: files chosen with the button (the keyboard's way) or
// dropped on the zone; then, for each file being sent, its name, a progress bar (a native <progress>, coloured with
// the DSFR's tokens) and where it stands.
import type { ComponentChildren, Ref } from "preact";
import { useState } from "preact/hooks";
import "./FileUpload.css";

export interface FileUploadProps {
  id: string;
  label: string;
  hint: string;
  onFiles: (files: File[]) => void;
  disabled?: boolean;
  inputRef?: Ref<HTMLInputElement>;
}

export function FileUpload({ id, label, hint, onFiles, disabled, inputRef }: FileUploadProps) {
  const [over, setOver] = useState(false);
  const hintId = `${id}-aide`;
  return (
    <div
      class={`portal-dropzone${over ? " portal-dropzone--over" : ""}`}
      onDragOver={(e) => {
        if (disabled || !e.dataTransfer?.types.includes("Files")) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        setOver(false);
        if (disabled) return;
        e.preventDefault();
        const files = Array.from(e.dataTransfer?.files ?? []);
        if (files.length > 0) onFiles(files);
      }}
    >
      <div class="fr-upload-group">
        <label class="fr-label" for={id}>
          {label}
          <span class="fr-hint-text" id={hintId}>
            {hint}
          </span>
        </label>
        <input
          class="fr-upload"
          type="file"
          id={id}
          name="fichiers"
          multiple
          disabled={disabled}
          ref={inputRef}
          aria-describedby={hintId}
          onChange={(e) => {
            const files = Array.from(e.currentTarget.files ?? []);
            e.currentTarget.value = "";
            if (files.length > 0) onFiles(files);
          }}
        />
      </div>
    </div>
  );
}

export interface UploadRowProps {
  id: string;
  name: string;
  detail: string;
  /** 0 to 100, or null when there is no bar to show (checking, failed). */
  percent: number | null;
  /** The bar's accessible name, e.g. « Envoi de « facture.pdf » ». */
  progressLabel: string;
  /** Where the file stands, announced politely when it changes (not at each percent: the bar says those). */
  status: string;
  children?: ComponentChildren;
}

/** One file being sent: its name and size, the bar, where it stands (announced politely), what went wrong. */
export function UploadRow({ id, name, detail, percent, progressLabel, status, children }: UploadRowProps) {
  return (
    <li class="portal-upload" id={id}>
      <p class="fr-mb-1v">
        <span class="fr-text--bold">{name}</span> <span class="fr-hint-text portal-inline">{detail}</span>
      </p>
      {percent !== null && (
        <div class="portal-progress-line">
          <progress class="portal-progress" id={`${id}-barre`} max={100} value={percent} aria-label={progressLabel}>
            {percent} %
          </progress>
          <span class="fr-text--sm fr-mb-0" aria-hidden="true">
            {percent} %
          </span>
        </div>
      )}
      <p class="fr-text--sm fr-mb-0" id={`${id}-etat`} role="status">
        {status}
      </p>
      {children}
    </li>
  );
}
