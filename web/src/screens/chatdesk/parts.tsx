// The parts of the agents' console: a waiting chat of a queue, a taken chat (its messages in a live log, the text
// area, « Transférer à un collègue », « Terminer »), the assistant's transcript, and the durations and times shown.
import type { ComponentChildren, TargetedSubmitEvent } from "preact";
import { useEffect, useRef } from "preact/hooks";
import type { ChatMessageView, ChatView, ContextLineView, WaitingView } from "../../api/chat";
import { Alert } from "../../components/Alert";
import { Badge, type BadgeSeverity } from "../../components/Badge";
import { InputGroup } from "../../components/InputGroup";
import { chatdeskMessages as t } from "./messages";

const clock = new Intl.DateTimeFormat("fr-FR", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Paris" });

/** « 14:05 », Paris time. */
export function formatTime(iso: string): string {
  return clock.format(new Date(iso));
}

/** « 45 s », « 2 min 05 s », « 1 h 03 min ». */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return t.seconds(s);
  if (s < 3600) return t.minutes(Math.floor(s / 60), s % 60);
  return t.hours(Math.floor(s / 3600), Math.floor((s % 3600) / 60));
}

const STATE_SEVERITY: Record<string, BadgeSeverity | undefined> = { WAITING: "new", ACTIVE: "info", ENDED: undefined };

export function ChatStateBadge({ chat }: { chat: ChatView }) {
  return <Badge label={chat.state.label} severity={STATE_SEVERITY[chat.state.code]} small />;
}

function topic(chat: ChatView): string {
  return chat.subcategory.label ? `${chat.category.label} – ${chat.subcategory.label}` : chat.category.label;
}

function structureOf(chat: ChatView): string | null {
  return chat.structure ? `${chat.structure.name} (${chat.structure.siret})` : null;
}

/** What a chat is about: the structure, the assistant's topic, the ticket; then what the caller adds. */
function ChatFacts({ chat, children }: { chat: ChatView; children?: ComponentChildren }) {
  const structure = structureOf(chat);
  return (
    <ul class="chatdesk-facts fr-raw-list fr-text--sm fr-mb-2w">
      {structure && (
        <li>
          {t.structure} : {structure}
        </li>
      )}
      <li>
        {t.topic} : {topic(chat)}
      </li>
      {chat.ticket !== null && <li>{t.aboutTicket(chat.ticket)}</li>}
      {children}
    </ul>
  );
}

export interface WaitingItemProps {
  waiting: WaitingView;
  /** Seconds since the queue was read (the waiting time keeps counting from the API's figure). */
  elapsed: number;
  busy: boolean;
  onTranscript: () => void;
  onTake: () => void;
}

export function WaitingItem({ waiting, elapsed, busy, onTranscript, onTake }: WaitingItemProps) {
  const chat = waiting.chat;
  const headingId = `attente-${chat.id}`;
  return (
    <li class="chatdesk-item" aria-labelledby={headingId}>
      <h4 class="fr-h6 fr-mb-1w" id={headingId}>
        {chat.requester}
      </h4>
      <ChatFacts chat={chat}>
        <li class="chatdesk-wait">{t.waitingFor(formatDuration(chat.waiting_seconds + elapsed))}</li>
      </ChatFacts>
      <ul class="fr-btns-group fr-btns-group--sm fr-btns-group--inline-sm">
        <li>
          <button type="button" class="fr-btn fr-btn--sm" disabled={busy} onClick={onTake} aria-label={t.takeOf(chat.requester)}>
            {t.take}
          </button>
        </li>
        <li>
          <button
            type="button"
            class="fr-btn fr-btn--sm fr-btn--tertiary"
            onClick={onTranscript}
            aria-label={t.transcriptButtonOf(chat.requester)}
          >
            {t.transcriptButton}
          </button>
        </li>
      </ul>
    </li>
  );
}

export function Transcript({ lines }: { lines: readonly ContextLineView[] }) {
  if (lines.length === 0) return <p>{t.transcriptEmpty}</p>;
  return (
    <ol class="chatdesk-log__list fr-raw-list">
      {lines.map((line, index) => (
        <li key={index} class={`chatdesk-msg chatdesk-msg--${line.by.toLowerCase()}`}>
          <p class="chatdesk-msg__meta fr-text--xs fr-mb-0">
            <strong>{line.name ?? (line.by === "ASSISTANT" ? t.assistantName : "")}</strong>{" "}
            <time dateTime={line.at}>{formatTime(line.at)}</time>
          </p>
          <p class="chatdesk-msg__text fr-mb-0">{line.text}</p>
        </li>
      ))}
    </ol>
  );
}

function authorOf(message: ChatMessageView, chat: ChatView): string {
  if (message.by === "SYSTEM") return t.system;
  if (message.by === "REQUESTER") return message.name ?? chat.requester;
  return message.name ?? t.agent;
}

export interface ChatPanelProps {
  chat: ChatView;
  messages: readonly ChatMessageView[];
  draft: string;
  error: string | undefined;
  busy: boolean;
  focusOnMount: boolean;
  onDraft: (text: string) => void;
  onSend: () => void;
  onTranscript: () => void;
  onHandover: () => void;
  onEnd: () => void;
  onDismiss: () => void;
  onTakeAgain: () => void;
}

export function ChatPanel(props: ChatPanelProps) {
  const { chat } = props;
  const headingRef = useRef<HTMLHeadingElement>(null);
  const logRef = useRef<HTMLDivElement>(null);
  const ended = chat.state.code === "ENDED";
  const waiting = chat.state.code === "WAITING";
  const headingId = `discussion-${chat.id}`;

  useEffect(() => {
    // Taken (or taken again once back in the queue): the focus on the chat's heading.
    if (props.focusOnMount && chat.state.code === "ACTIVE") headingRef.current?.focus();
  }, [props.focusOnMount, chat.state.code]);
  useEffect(() => {
    // The newest message in view (the log scrolls; the page does not).
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [props.messages.length]);

  const submit = (event: TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    props.onSend();
  };

  return (
    <article class="chatdesk-chat fr-mb-4w" aria-labelledby={headingId}>
      <div class="chatdesk-chat__head">
        <h3 class="fr-h5 fr-mb-1w" id={headingId} tabIndex={-1} ref={headingRef}>
          {t.chatWith(chat.requester)}
        </h3>
        <ChatStateBadge chat={chat} />
      </div>
      <ChatFacts chat={chat} />
      <button type="button" class="fr-btn fr-btn--sm fr-btn--tertiary fr-mb-2w" onClick={props.onTranscript}>
        {t.transcriptButton}
      </button>
      <div
        class="chatdesk-log"
        role="log"
        aria-live="polite"
        aria-label={t.logLabel(chat.requester)}
        tabIndex={0}
        ref={logRef}
      >
        <ol class="chatdesk-log__list fr-raw-list">
          {props.messages.map((message) => (
            <li key={message.seq} data-seq={message.seq} class={`chatdesk-msg chatdesk-msg--${message.by.toLowerCase()}`}>
              <p class="chatdesk-msg__meta fr-text--xs fr-mb-0">
                <strong>{authorOf(message, chat)}</strong> <time dateTime={message.at}>{formatTime(message.at)}</time>
              </p>
              <p class="chatdesk-msg__text fr-mb-0">{message.text}</p>
            </li>
          ))}
        </ol>
      </div>
      {waiting ? (
        <div class="fr-mt-2w">
          <Alert severity="warning" title={t.backInQueue} small>
            <p>{t.backInQueueText}</p>
          </Alert>
          <button type="button" class="fr-btn fr-mt-2w" onClick={props.onTakeAgain} disabled={props.busy}>
            {t.takeAgain}
          </button>
        </div>
      ) : ended ? (
        <div class="fr-mt-2w">
          <p>{chat.ended_by === "REQUESTER" ? t.endedByUser : t.chatEnded}</p>
          {chat.filed !== null && (
            <p>
              <a class="fr-link" href={`#/tickets/${chat.filed}`}>
                {t.openTicket(chat.filed)}
              </a>
            </p>
          )}
          <button type="button" class="fr-btn fr-btn--secondary fr-btn--sm" onClick={props.onDismiss}>
            {t.dismiss}
          </button>
        </div>
      ) : (
        <>
          <form class="fr-mt-2w" onSubmit={submit} noValidate>
            <InputGroup
              label={t.messageLabel}
              hint={t.messageHint}
              name="text"
              id={`message-${chat.id}`}
              value={props.draft}
              onInput={props.onDraft}
              error={props.error}
              multiline
              maxLength={2000}
            />
            <button type="submit" class="fr-btn" disabled={props.busy}>
              {t.send}
            </button>
          </form>
          <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--sm fr-mt-3w">
            <li>
              <button type="button" class="fr-btn fr-btn--secondary fr-btn--sm" onClick={props.onHandover} disabled={props.busy}>
                {t.handover}
              </button>
            </li>
            <li>
              <button type="button" class="fr-btn fr-btn--secondary fr-btn--sm" onClick={props.onEnd} disabled={props.busy}>
                {t.end}
              </button>
            </li>
          </ul>
        </>
      )}
    </article>
  );
}
