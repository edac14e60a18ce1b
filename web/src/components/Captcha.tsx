// The captcha of the non-connected form (POST /public/captcha): the image to copy, « Écouter » (the same characters
// spelt in a WAV, played by an <audio> element: the CSP's media-src allows data:) and « Nouvelle image » (a new
// challenge, image and sound), then the field for the answer. The API checks the answer with the ticket, so the
// messages about it come back with the form's and are shown here: the challenge's (expired, used) on the group,
// the answer's beside its field.
import { useCallback, useEffect, useId, useRef, useState } from "preact/hooks";
import { call } from "../api/client";
import type { Problem } from "../api/problem";
import type { components } from "../api/schema";
import { publicMessages as t } from "../screens/public/messages";
import { InputGroup } from "./InputGroup";
import { ProblemAlert } from "./ProblemAlert";

export type Challenge = components["schemas"]["ChallengeView"];

export type CaptchaState =
  | { status: "loading" }
  | { status: "ready"; challenge: Challenge }
  | { status: "failed"; problem: Problem };

/** One challenge at a time: asked when the form opens, and again on « Nouvelle image » or for another ticket. */
export function useCaptcha(): { state: CaptchaState; renew: () => Promise<boolean> } {
  const [state, setState] = useState<CaptchaState>({ status: "loading" });
  const live = useRef(true);
  const renew = useCallback(async () => {
    const result = await call((api) => api.POST("/public/captcha"));
    if (!live.current) return false;
    setState(result.ok ? { status: "ready", challenge: result.data } : { status: "failed", problem: result.problem });
    return result.ok;
  }, []);
  useEffect(() => {
    live.current = true;
    void renew();
    return () => {
      live.current = false;
    };
  }, [renew]);
  return { state, renew };
}

export interface CaptchaProps {
  state: CaptchaState;
  renew: () => Promise<boolean>;
  answer: string;
  onAnswer: (value: string) => void;
  /** The API's message about the challenge itself (captcha_id: expired, used, unknown). */
  challengeError?: string | undefined;
  /** The API's message about the answer (captcha_answer: missing, wrong, too many failures). */
  answerError?: string | undefined;
  required?: boolean;
  /** A new challenge is shown (« Nouvelle image »): what was said about the previous one no longer holds. */
  onRenewed?: () => void;
}

export function Captcha(props: CaptchaProps) {
  const { state, renew, answer, onAnswer, challengeError, answerError, required, onRenewed } = props;
  const id = `captcha-${useId()}`;
  const audio = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const [audioFailed, setAudioFailed] = useState(false);
  const [renewing, setRenewing] = useState(false);
  const [announce, setAnnounce] = useState("");
  const challenge = state.status === "ready" ? state.challenge : null;

  // A new challenge: the previous sound stops, and its failure is forgotten.
  useEffect(() => {
    setPlaying(false);
    setAudioFailed(false);
  }, [challenge?.id]);

  const listen = () => {
    const player = audio.current;
    if (player === null) return;
    if (playing) {
      player.pause();
      player.currentTime = 0;
      return;
    }
    setAudioFailed(false);
    player.currentTime = 0;
    player.play().catch(() => {
      setPlaying(false);
      setAudioFailed(true);
    });
  };

  const another = async () => {
    if (renewing) return;
    audio.current?.pause();
    setRenewing(true);
    setAnnounce("");
    const renewed = await renew();
    setRenewing(false);
    onAnswer("");
    if (renewed) {
      setAnnounce(t.newImageReady);
      onRenewed?.();
    }
  };

  const messagesId = `${id}-messages`;
  return (
    <fieldset
      class={`fr-fieldset${challengeError ? " fr-fieldset--error" : ""}`}
      id="verification"
      aria-labelledby={`${id}-legende${challengeError ? ` ${messagesId}` : ""}`}
    >
      <legend class="fr-fieldset__legend" id={`${id}-legende`}>
        {t.captchaLegend}
        <span class="fr-hint-text">{t.captchaHint}</span>
      </legend>
      <div class="fr-fieldset__element">
        <div class="portal-captcha">
          {challenge ? (
            <img class="portal-captcha__image" src={challenge.image} alt={t.captchaImage} width={200} height={70} />
          ) : (
            <p class="portal-captcha__placeholder fr-mb-0">
              {state.status === "loading" ? <span class="portal-loading">{t.captchaLoading}</span> : "—"}
            </p>
          )}
          <ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm fr-btns-group--icon-left">
            <li>
              <button
                type="button"
                class={`fr-btn fr-btn--secondary ${playing ? "fr-icon-stop-circle-line" : "fr-icon-volume-up-line"}`}
                title={playing ? undefined : t.listenTitle}
                disabled={challenge === null}
                onClick={listen}
                id="captcha-ecouter"
              >
                {playing ? t.stopListening : t.listen}
              </button>
            </li>
            <li>
              <button
                type="button"
                class="fr-btn fr-btn--tertiary fr-icon-refresh-line"
                title={t.newImageTitle}
                disabled={renewing}
                onClick={() => void another()}
                id="captcha-nouvelle-image"
              >
                {t.newImage}
              </button>
            </li>
          </ul>
          {challenge && (
            <audio
              ref={audio}
              src={challenge.audio}
              preload="auto"
              onPlay={() => setPlaying(true)}
              onPause={() => setPlaying(false)}
              onEnded={() => setPlaying(false)}
              onError={() => {
                setPlaying(false);
                setAudioFailed(true);
              }}
            />
          )}
        </div>
        <p class="fr-sr-only" role="status">
          {announce}
        </p>
        {audioFailed && <p class="fr-message fr-message--info fr-mt-2w">{t.audioFailed}</p>}
        {state.status === "failed" && <ProblemAlert problem={state.problem} class="fr-mt-2w" />}
      </div>
      <div class="fr-fieldset__element">
        <InputGroup
          label={t.captchaAnswer}
          hint={t.captchaAnswerHint}
          name="captcha_answer"
          value={answer}
          onInput={onAnswer}
          autoComplete="off"
          maxLength={32}
          required={required}
          error={answerError}
          id="captcha-reponse"
        />
      </div>
      {challengeError && (
        <div class="fr-messages-group" id={messagesId} aria-live="polite">
          <p class="fr-message fr-message--error">{challengeError}</p>
        </div>
      )}
    </fieldset>
  );
}
