// The DSFR segmented control (fr-segmented: radios in a fieldset with its legend), to choose one view among a
// few (« Tickets émis » / « Tickets reçus »). Radios: the arrows move the choice, as the browser does.
import { useId } from "preact/hooks";

export interface SegmentedProps<K extends string> {
  legend: string;
  name: string;
  options: readonly { key: K; label: string }[];
  value: K;
  onChange: (key: K) => void;
  /** The legend shown beside the choices (fr-segmented__legend--inline). */
  inline?: boolean;
}

export function Segmented<K extends string>({ legend, name, options, value, onChange, inline }: SegmentedProps<K>) {
  const id = useId();
  return (
    <fieldset class="fr-segmented">
      <legend class={`fr-segmented__legend${inline ? " fr-segmented__legend--inline" : ""}`}>{legend}</legend>
      <div class="fr-segmented__elements">
        {options.map((option) => (
          <div class="fr-segmented__element" key={option.key}>
            <input
              value={option.key}
              checked={option.key === value}
              type="radio"
              id={`${name}-${id}-${option.key}`}
              name={name}
              onChange={() => onChange(option.key)}
            />
            <label class="fr-label" for={`${name}-${id}-${option.key}`}>
              {option.label}
            </label>
          </div>
        ))}
      </div>
    </fieldset>
  );
}
