// Sign-in with the user pool (SRP: the password never leaves the browser). The portal checks that both fields
// are filled; Cognito's refusal is said in French (auth/session.ts), in an alert announced at once.
import { useRef, useState } from "preact/hooks";
import type { TargetedSubmitEvent } from "preact";
import { Alert } from "../components/Alert";
import { Button } from "../components/Button";
import { InputGroup } from "../components/InputGroup";
import { PasswordInput } from "../components/PasswordInput";
import { messages } from "../messages";
import type { Session, SignInOutcome } from "../auth/session";

export interface SignInProps {
  session: Session;
  /** Why the user is here: their session ended, they signed out (null: they came to sign in). */
  notice: string | null;
}

export function SignInScreen({ session, notice }: SignInProps) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [errors, setErrors] = useState<{ email?: string; password?: string; code?: string }>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [totp, setTotp] = useState<((code: string) => Promise<SignInOutcome>) | null>(null);
  const failureRef = useRef<HTMLDivElement>(null);

  const settle = (outcome: SignInOutcome) => {
    setBusy(false);
    if (outcome.kind === "failed") {
      setFailure(outcome.message);
      setPassword("");
      requestAnimationFrame(() => failureRef.current?.focus());
    } else if (outcome.kind === "totp") {
      setFailure(null);
      setTotp(() => outcome.submit);
    }
  };

  const submit = async (event: TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    if (totp) {
      if (!/^\d{6}$/.test(code.trim())) {
        setErrors({ code: messages.requiredTotp });
        return;
      }
      setErrors({});
      setBusy(true);
      settle(await totp(code));
      return;
    }
    const missing = {
      ...(email.trim() ? {} : { email: messages.requiredEmail }),
      ...(password ? {} : { password: messages.requiredPassword }),
    };
    setErrors(missing);
    if (Object.keys(missing).length > 0) {
      setFailure(null);
      return;
    }
    setBusy(true);
    setFailure(null);
    settle(await session.signIn(email, password));
  };

  return (
    <div class="fr-grid-row fr-grid-row--center">
      <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
        <h1>{messages.signInTitle}</h1>
        {notice && failure === null && (
          <Alert severity="info" title={notice} small live class="fr-mb-3w" />
        )}
        <div ref={failureRef} tabIndex={-1}>
          {failure && <Alert severity="error" title={failure} small live class="fr-mb-3w" id="echec-connexion" />}
        </div>
        <p>{messages.signInIntro}</p>
        <form onSubmit={(e) => void submit(e)} noValidate id="formulaire-connexion">
          <fieldset class="fr-fieldset" aria-labelledby="legende-connexion">
            <legend class="fr-fieldset__legend" id="legende-connexion">
              {totp ? messages.totpLegend : messages.signInLegend}
            </legend>
            {totp ? (
              <div class="fr-fieldset__element">
                <InputGroup
                  label={messages.totpCode}
                  hint={messages.totpHint}
                  name="code"
                  value={code}
                  onInput={setCode}
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={6}
                  required
                  error={errors.code}
                  id="code-totp"
                />
              </div>
            ) : (
              <>
                <div class="fr-fieldset__element">
                  <InputGroup
                    label={messages.email}
                    hint={messages.emailHint}
                    name="email"
                    type="email"
                    autoComplete="username"
                    value={email}
                    onInput={setEmail}
                    required
                    error={errors.email}
                    id="adresse-electronique"
                  />
                </div>
                <div class="fr-fieldset__element">
                  <PasswordInput label={messages.password} value={password} onInput={setPassword} error={errors.password} />
                </div>
              </>
            )}
            <div class="fr-fieldset__element">
              <Button type="submit" disabled={busy} id="bouton-se-connecter">
                {totp ? messages.validate : messages.signIn}
              </Button>
            </div>
          </fieldset>
        </form>
        <hr class="fr-mt-4w" />
        <p>
          <a class="fr-link" href="#/contact">
            {messages.contactSupport}
          </a>
        </p>
      </div>
    </div>
  );
}
