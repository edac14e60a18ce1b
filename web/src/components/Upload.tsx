// The DSFR file input (fr-upload-group): label, hint (sizes and formats), the error beside it (aria-describedby).
import { useId } from "preact/hooks";

export interface UploadProps {
  label: string;
  hint: string;
  onFiles: (files: File[]) => void;
  error?: string | undefined;
  multiple?: boolean;
  accept?: string;
  disabled?: boolean;
  name?: string;
}

export function Upload(props: UploadProps) {
  const id = `fichier-${useId()}`;
  const hintId = `${id}-aide`;
  const errorId = `${id}-erreur`;
  return (
    <div class={`fr-upload-group${props.error ? " fr-upload-group--error" : ""}`}>
      <label class="fr-label" for={id}>
        {props.label}
        <span class="fr-hint-text" id={hintId}>
          {props.hint}
        </span>
      </label>
      <input
        class="fr-upload"
        type="file"
        id={id}
        name={props.name ?? "fichiers"}
        multiple={props.multiple}
        accept={props.accept}
        disabled={props.disabled}
        aria-describedby={[hintId, props.error ? errorId : ""].filter(Boolean).join(" ")}
        aria-invalid={props.error ? true : undefined}
        onChange={(e) => {
          props.onFiles(Array.from(e.currentTarget.files ?? []));
          e.currentTarget.value = "";
        }}
      />
      {props.error && (
        <p class="fr-error-text" id={errorId}>
          {props.error}
        </p>
      )}
    </div>
  );
}
