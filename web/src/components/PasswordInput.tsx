// The DSFR password field (fr-password): the input, « Afficher » (the DSFR's JS shows the text), and the error
// message beside it with aria-describedby.
import { useId } from "preact/hooks";
import { messages } from "../messages";

export interface PasswordInputProps {
  label: string;
  value: string;
  onInput: (value: string) => void;
  error?: string | undefined;
  autoComplete?: "current-password" | "new-password";
  name?: string;
}

export function PasswordInput(props: PasswordInputProps) {
  const id = `mot-de-passe-${useId()}`;
  const errorId = `${id}-erreur`;
  return (
    <div class={`fr-password${props.error ? " fr-password--error" : ""}`}>
      <label class="fr-label" for={id}>
        {props.label} *
      </label>
      <div class="fr-input-wrap">
        <input
          class={`fr-password__input fr-input${props.error ? " fr-input--error" : ""}`}
          type="password"
          id={id}
          name={props.name ?? "password"}
          autoComplete={props.autoComplete ?? "current-password"}
          required
          value={props.value}
          aria-describedby={props.error ? errorId : undefined}
          aria-invalid={props.error ? true : undefined}
          onInput={(e) => props.onInput(e.currentTarget.value)}
        />
      </div>
      {props.error && (
        <p class="fr-error-text" id={errorId}>
          {props.error}
        </p>
      )}
      <div class="fr-password__checkbox fr-checkbox-group fr-checkbox-group--sm">
        <input aria-label={`${messages.showPassword} le mot de passe`} id={`${id}-afficher`} type="checkbox" />
        <label class="fr-password__checkbox fr-label" for={`${id}-afficher`}>
          {messages.showPassword}
        </label>
      </div>
    </div>
  );
}
