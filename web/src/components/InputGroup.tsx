// The DSFR input group (fr-input-group): label, hint, the input or textarea, and the error message beside it,
// tied to the input with aria-describedby (and aria-invalid) so that a screen reader reads it with the field.
import { useId } from "preact/hooks";

export interface InputGroupProps {
  label: string;
  hint?: string;
  error?: string | undefined;
  /** The field's name in the API (its errors are keyed by it). */
  name: string;
  value: string;
  onInput: (value: string) => void;
  type?: "text" | "email" | "number" | "date" | "search" | "tel";
  multiline?: boolean;
  required?: boolean;
  autoComplete?: string;
  inputMode?: "numeric" | "decimal" | "email" | "tel" | "text" | "search" | "url";
  maxLength?: number;
  id?: string;
  disabled?: boolean;
}

export function InputGroup(props: InputGroupProps) {
  const generated = useId();
  const id = props.id ?? `champ-${generated}`;
  const hintId = `${id}-aide`;
  const errorId = `${id}-erreur`;
  const describedBy = [props.hint ? hintId : "", props.error ? errorId : ""].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    name: props.name,
    value: props.value,
    required: props.required,
    disabled: props.disabled,
    maxLength: props.maxLength,
    "aria-describedby": describedBy,
    "aria-invalid": props.error ? (true as const) : undefined,
  };
  return (
    <div class={`fr-input-group${props.error ? " fr-input-group--error" : ""}${props.disabled ? " fr-input-group--disabled" : ""}`}>
      <label class="fr-label" for={id}>
        {props.label}
        {props.required && " *"}
        {props.hint && <span class="fr-hint-text" id={hintId}>{props.hint}</span>}
      </label>
      {props.multiline ? (
        <textarea
          class={`fr-input${props.error ? " fr-input--error" : ""}`}
          {...common}
          onInput={(e) => props.onInput(e.currentTarget.value)}
        />
      ) : (
        <input
          class={`fr-input${props.error ? " fr-input--error" : ""}`}
          // Preact's input types are a union per `type`; these all take the same attributes.
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
          type={(props.type ?? "text") as "text"}
          autoComplete={props.autoComplete}
          inputMode={props.inputMode}
          {...common}
          onInput={(e) => props.onInput(e.currentTarget.value)}
        />
      )}
      {props.error && (
        <p class="fr-error-text" id={errorId}>
          {props.error}
        </p>
      )}
    </div>
  );
}
