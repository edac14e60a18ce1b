// The DSFR radio buttons (fr-fieldset of fr-radio-group): a legend, one radio per option (with an optional hint),
// the error beside them in the fieldset's messages group, read with the legend (aria-labelledby) and with each
// radio (aria-describedby). The arrows move between the options, as the browser does for radios.
import type { ComponentChildren } from "preact";
import { useId } from "preact/hooks";

export interface RadioOption {
  value: string;
  label: string;
  hint?: string;
}

export interface RadioGroupProps {
  legend: ComponentChildren;
  /** The field's name in the API (its errors are keyed by it). */
  name: string;
  value: string;
  options: readonly RadioOption[];
  onChange: (value: string) => void;
  hint?: string;
  error?: string | undefined;
  required?: boolean;
  inline?: boolean;
  id?: string;
  /** The legend as a regular label (not bold), as the DSFR's form fields. */
  regular?: boolean;
}

export function RadioGroup(props: RadioGroupProps) {
  const generated = useId();
  const id = props.id ?? `radios-${generated}`;
  const legendId = `${id}-legende`;
  const messagesId = `${id}-messages`;
  const errorId = `${id}-erreur`;
  return (
    <fieldset
      class={`fr-fieldset${props.error ? " fr-fieldset--error" : ""}`}
      id={id}
      aria-labelledby={`${legendId} ${messagesId}`}
      role={props.error ? "group" : undefined}
    >
      <legend class={`fr-fieldset__legend${props.regular === false ? "" : " fr-fieldset__legend--regular"}`} id={legendId}>
        {props.legend}
        {props.required && " *"}
        {props.hint && <span class="fr-hint-text">{props.hint}</span>}
      </legend>
      {props.options.map((option, i) => {
        const inputId = `${id}-${i}`;
        return (
          <div class={`fr-fieldset__element${props.inline ? " fr-fieldset__element--inline" : ""}`} key={option.value}>
            <div class="fr-radio-group">
              <input
                type="radio"
                id={inputId}
                name={props.name}
                value={option.value}
                checked={props.value === option.value}
                required={props.required}
                aria-describedby={props.error ? errorId : undefined}
                aria-invalid={props.error ? true : undefined}
                onChange={() => props.onChange(option.value)}
              />
              <label class="fr-label" for={inputId}>
                {option.label}
                {option.hint && <span class="fr-hint-text">{option.hint}</span>}
              </label>
            </div>
          </div>
        );
      })}
      <div class="fr-messages-group" id={messagesId} aria-live="polite">
        {props.error && (
          <p class="fr-message fr-message--error" id={errorId}>
            {props.error}
          </p>
        )}
      </div>
    </fieldset>
  );
}
