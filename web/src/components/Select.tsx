// The DSFR select (fr-select-group): label, hint, a placeholder option, the error beside it (aria-describedby).
import { useId } from "preact/hooks";

export interface Option {
  value: string;
  label: string;
}

export interface SelectProps {
  label: string;
  name: string;
  value: string;
  options: readonly Option[];
  onChange: (value: string) => void;
  placeholder?: string;
  hint?: string;
  error?: string | undefined;
  required?: boolean;
  disabled?: boolean;
  id?: string;
}

export function Select(props: SelectProps) {
  const generated = useId();
  const id = props.id ?? `liste-${generated}`;
  const hintId = `${id}-aide`;
  const errorId = `${id}-erreur`;
  const describedBy = [props.hint ? hintId : "", props.error ? errorId : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class={`fr-select-group${props.error ? " fr-select-group--error" : ""}${props.disabled ? " fr-select-group--disabled" : ""}`}>
      <label class="fr-label" for={id}>
        {props.label}
        {props.required && " *"}
        {props.hint && <span class="fr-hint-text" id={hintId}>{props.hint}</span>}
      </label>
      <select
        class={`fr-select${props.error ? " fr-select--error" : ""}`}
        id={id}
        name={props.name}
        value={props.value}
        required={props.required}
        disabled={props.disabled}
        aria-describedby={describedBy}
        aria-invalid={props.error ? true : undefined}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        <option value="" disabled={props.required} hidden={props.required}>
          {props.placeholder ?? "Sélectionner une option"}
        </option>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {props.error && (
        <p class="fr-error-text" id={errorId}>
          {props.error}
        </p>
      )}
    </div>
  );
}
