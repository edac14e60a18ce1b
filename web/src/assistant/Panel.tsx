// The assistant's panel (seed 004): a non-modal dialog in the DSFR's modal markup, fixed at the bottom right of
// every page, with the conversation as a log (role="log", announced politely), the offered choices as DSFR
// buttons, free text with « Envoyer », the « Pour aller plus loin » pages opening in a new window, the thumbs and
// the DSFR modal of a thumbs down (seed 004's four reasons and the mandatory comment, « Annuler » / « Envoyer »).
// Everything the assistant says is the API's; the panel only shows it and sends back what the user chooses.
// It stays mounted once opened: the conversation survives the navigation between screens, and its id is kept
// in the tab for a reload (conversation.ts). Escape closes it and the focus goes back to the launcher.
import type { ComponentChildren } from "preact";
import { chatOffered } from "../api/chat";
import { useEffect, useRef, useState } from "preact/hooks";
import type { Problem } from "../api/problem";
import { Button } from "../components/Button";
import { InputGroup } from "../components/InputGroup";
import { Modal } from "../components/Modal";
import { fieldError, ProblemAlert } from "../components/ProblemAlert";
import { RadioGroup } from "../components/RadioGroup";
import {
  assistantName,
  filed,
  keep,
  keptId,
  operationState,
  rate,
  read,
  say,
  start,
  type Conversation,
  type Owner,
  type Reason,
  type Turn,
} from "./conversation";
import { currentChat, LiveChat } from "./LiveChat";
import { assistantMessages as m } from "./messages";
import "./assistant.css";

export interface PanelProps {
  owner: Owner;
  open: boolean;
  onClose: () => void;
}

const URL_IN_TEXT = /([^:;\n]+?) \((https?:\/\/[^\s)]+)\)|(https?:\/\/[^\s)]+)/g;

/** One paragraph of the API's text, its addresses as links opening in a new window (« label (url) » named). */
function linked(paragraph: string): ComponentChildren[] {
  const parts: ComponentChildren[] = [];
  let last = 0;
  for (const match of paragraph.matchAll(URL_IN_TEXT)) {
    const label = (match[1] ?? "").trim() || (match[3] ?? "");
    const url = match[2] ?? match[3] ?? "";
    const at = match.index + (match[1] ? match[0].indexOf(match[1].trimStart()) : 0);
    parts.push(paragraph.slice(last, at));
    parts.push(
      <a class="fr-link" href={url} target="_blank" rel="noopener" title={m.newWindow(label)} key={at}>
        {label}
      </a>,
    );
    last = match.index + match[0].length;
  }
  parts.push(paragraph.slice(last));
  return parts;
}

function Said({ text }: { text: string }) {
  return (
    <>
      {text.split(/\n{2,}/).map((paragraph, i) => (
        <p class="portal-assistant__text" key={i}>
          {linked(paragraph)}
        </p>
      ))}
    </>
  );
}

function speaker(turn: Turn, name: string): string {
  if (turn.by === "USER") return m.you;
  if (turn.by === "ASSISTANT") return name;
  return m.agent;
}

export function Panel({ owner, open, onClose }: PanelProps) {
  const [conversation, setConversation] = useState<Conversation | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [text, setText] = useState("");
  const [textProblem, setTextProblem] = useState<Problem | null>(null);
  const [feedbackOpen, setFeedbackOpen] = useState(false);
  const [reason, setReason] = useState<Reason | "">("");
  const [comment, setComment] = useState("");
  const [feedbackProblem, setFeedbackProblem] = useState<Problem | null>(null);
  const [chatAsked, setChatAsked] = useState(false);
  const [note, setNote] = useState("");
  const panelRef = useRef<HTMLDivElement>(null);
  const lastRef = useRef<HTMLDivElement>(null);
  const logRef = useRef<HTMLDivElement>(null);
  const focusLast = useRef(false);

  const name = (conversation && assistantName(conversation)) ?? m.defaultName;

  // Opened: the conversation kept in this tab (read again), or a new one; the focus into the panel.
  useEffect(() => {
    if (!open) return;
    panelRef.current?.querySelector<HTMLElement>("#assistant-titre")?.focus();
    if (conversation !== null) return;
    const run = { live: true };
    const alive = () => run.live;
    void (async () => {
      setBusy(true);
      const id = keptId(owner);
      let result = id === null ? null : await read(owner, id);
      const lost = result !== null && !result.ok && (result.problem.status === 404 || result.problem.status === 410);
      if (result === null || lost) result = await start(owner);
      if (!run.live) return;
      setBusy(false);
      if (!result.ok) {
        setProblem(result.problem);
        return;
      }
      setConversation(result.data);
      setNote(lost ? m.expired : "");
      keep(owner, result.data.id, true);
      // A chat with an agent under way in this conversation (a reload): the panel goes back to it.
      if (id === result.data.id && chatOffered()) {
        const chat = await currentChat(owner, id);
        if (alive() && chat.ok && chat.data.chat.state.code !== "ENDED") setChatAsked(true);
      }
    })();
    return () => {
      run.live = false;
    };
  }, [open]);

  useEffect(() => {
    if (conversation) keep(owner, conversation.id, open);
  }, [open, conversation, owner]);

  // The log shows its last lines; after a choice the focus goes to what the assistant answered.
  useEffect(() => {
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
    if (focusLast.current) {
      focusLast.current = false;
      lastRef.current?.focus();
    }
  }, [conversation]);

  // An inactivation under way: its state is read until it has an outcome, which the assistant then gives.
  const reply = conversation?.reply;
  const following = reply?.operation_id && reply.choices.some((c) => c.id === "REFRESH") ? reply.operation_id : null;
  useEffect(() => {
    if (following === null || conversation === null) return;
    let live = true;
    let wait = 500;
    let timer = 0;
    const poll = async () => {
      const state = await operationState(following);
      if (!live) return;
      if (state !== null && state !== "RUNNING") {
        void send({ choice: "REFRESH" }, false);
        return;
      }
      wait = Math.min(wait * 1.5, 3000);
      timer = window.setTimeout(() => void poll(), wait);
    };
    timer = window.setTimeout(() => void poll(), wait);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [following]);

  async function send(body: { choice: string } | { text: string }, moveFocus: boolean): Promise<boolean> {
    if (conversation === null || busy) return false;
    setBusy(true);
    setProblem(null);
    setTextProblem(null);
    const result = await say(owner, conversation.id, body);
    setBusy(false);
    if (result.ok) {
      focusLast.current = moveFocus;
      setConversation(result.data);
      return true;
    }
    if ("text" in body && result.problem.fields.text) setTextProblem(result.problem);
    else setProblem(result.problem);
    return false;
  }

  function choose(id: string) {
    if (id === "LIVE_CHAT" && chatOffered()) {
      setChatAsked(true);
      return;
    }
    void send({ choice: id }, true);
  }

  /** The chat left or done with: the conversation read again (the chat's lines joined its transcript). */
  async function backFromChat(id: string) {
    setChatAsked(false);
    const result = await read(owner, id);
    if (result.ok) {
      focusLast.current = true;
      setConversation(result.data);
    } else setProblem(result.problem);
  }

  async function submitText(event: Event) {
    event.preventDefault();
    if (await send({ text }, false)) setText("");
  }

  async function thumbUp() {
    if (conversation === null) return;
    setBusy(true);
    const result = await rate(owner, conversation.id, { rating: "UP" });
    setBusy(false);
    if (result.ok) {
      focusLast.current = true;
      setConversation(result.data);
    } else setProblem(result.problem);
  }

  async function sendFeedback() {
    if (conversation === null) return;
    setBusy(true);
    const result = await rate(owner, conversation.id, { rating: "DOWN", reason: reason === "" ? null : reason, comment });
    setBusy(false);
    if (!result.ok) {
      setFeedbackProblem(result.problem);
      return;
    }
    setFeedbackOpen(false);
    setReason("");
    setComment("");
    setFeedbackProblem(null);
    setConversation(result.data);
    // The modal gives the focus back to the thumb, which is gone: it goes to the assistant's answer instead.
    window.setTimeout(() => lastRef.current?.focus(), 400);
  }

  function keydown(event: KeyboardEvent) {
    if (event.key === "Escape") {
      event.stopPropagation();
      onClose();
    }
  }

  const transcript = conversation?.transcript ?? [];
  const lastTurn = transcript[transcript.length - 1];
  // What the assistant says now, when the transcript does not end with it (a reply re-read, thanks for a rating).
  const trailing = reply && !(lastTurn && lastTurn.by === "ASSISTANT" && lastTurn.text.endsWith(reply.text)) ? reply.text : null;
  const current = trailing ?? (lastTurn?.by === "ASSISTANT" ? lastTurn.text : "");
  const ticket = owner.signedIn ? filed(current) : null;
  const lastIndex = trailing === null ? transcript.length - 1 : transcript.length;

  return (
    <>
      <div
        ref={panelRef}
        id="assistant"
        class="portal-assistant"
        role="dialog"
        aria-modal="false"
        aria-labelledby="assistant-titre"
        hidden={!open}
        onKeyDown={keydown}
      >
        <div class="portal-assistant__header">
          <h2 id="assistant-titre" class="fr-h6 fr-mb-0 portal-assistant__title" tabIndex={-1}>
            <span class="fr-icon-chat-3-line fr-mr-1w" aria-hidden="true" />
            {m.panelTitle(name)}
          </h2>
          <button class="fr-btn--close fr-btn" type="button" title={m.close} aria-controls="assistant" onClick={onClose}>
            {m.close}
          </button>
        </div>
        <div class={`portal-assistant__body${chatAsked ? " portal-assistant__body--chat" : ""}`}>
          {note && <p class="fr-text--sm fr-mb-1w">{note}</p>}
          <div
            ref={logRef}
            class="portal-assistant__log"
            role="log"
            aria-live="polite"
            aria-label={m.log}
            tabIndex={0}
            id="assistant-journal"
          >
            {transcript.map((turn, i) => (
              <div
                key={i}
                class={`portal-assistant__turn portal-assistant__turn--${turn.by.toLowerCase()}`}
                ref={i === lastIndex ? lastRef : undefined}
                tabIndex={i === lastIndex ? -1 : undefined}
              >
                <p class="portal-assistant__who">{speaker(turn, name)}</p>
                <Said text={turn.text} />
              </div>
            ))}
            {trailing !== null && (
              <div class="portal-assistant__turn portal-assistant__turn--assistant" ref={lastRef} tabIndex={-1}>
                <p class="portal-assistant__who">{name}</p>
                <Said text={trailing} />
              </div>
            )}
          </div>
          <p class="fr-sr-only" role="status">
            {busy ? (conversation ? m.thinking : m.starting) : following ? m.operationRunning : ""}
          </p>
          {busy && conversation === null && <p class="fr-text--sm">{m.starting}</p>}
          <ProblemAlert problem={problem} class="fr-mt-1w fr-alert--sm" />
          {chatAsked && conversation ? (
            <LiveChat owner={owner} conversationId={conversation.id} done={() => void backFromChat(conversation.id)} />
          ) : (
            reply && (
              <div class="portal-assistant__actions">
                {ticket && (
                  <p class="fr-mb-1w">
                    <a class="fr-link fr-icon-arrow-right-line fr-link--icon-right" href={`#/tickets/${ticket.number}${ticket.draft ? "/modifier" : ""}`}>
                      {ticket.draft ? m.draftLink(ticket.number) : m.ticketLink(ticket.number)}
                    </a>
                  </p>
                )}
                {reply.links.length > 0 && trailing !== null && !reply.links.some((l) => reply.text.includes(l.url)) && (
                  <div class="fr-mb-1w">
                    <p class="fr-text--sm fr-mb-0">{m.further}</p>
                    <ul class="fr-text--sm">
                      {reply.links.map((link) => (
                        <li key={link.url}>
                          <a class="fr-link" href={link.url} target="_blank" rel="noopener" title={m.newWindow(link.label)}>
                            {link.label}
                          </a>
                        </li>
                      ))}
                    </ul>
                  </div>
                )}
                {reply.choices.length > 0 && (
                  <ul class="fr-btns-group fr-btns-group--sm fr-btns-group--inline portal-assistant__choices" aria-label={m.choicesLabel}>
                    {reply.choices.map((choice) => (
                      <li key={choice.id}>
                        <Button kind={choice.id === "CANCEL" || choice.id === "BACK" ? "tertiary" : "secondary"} size="sm" disabled={busy} onClick={() => choose(choice.id)}>
                          {choice.label}
                        </Button>
                      </li>
                    ))}
                  </ul>
                )}
                {reply.feedback && (
                  <div class="portal-assistant__thumbs" role="group" aria-labelledby="assistant-avis">
                    <p id="assistant-avis" class="fr-text--sm fr-mb-0">
                      {m.helpful}
                    </p>
                    <button class="fr-btn fr-btn--tertiary fr-btn--sm fr-icon-thumb-up-line" type="button" title={m.thumbUp} disabled={busy} onClick={() => void thumbUp()}>
                      {m.thumbUp}
                    </button>
                    <button
                      class="fr-btn fr-btn--tertiary fr-btn--sm fr-icon-thumb-down-line"
                      type="button"
                      title={m.thumbDown}
                      disabled={busy}
                      aria-controls="assistant-avis-negatif"
                      data-fr-opened="false"
                      id="assistant-pouce-bas"
                      onClick={() => {
                        setFeedbackProblem(null);
                        setFeedbackOpen(true);
                      }}
                    >
                      {m.thumbDown}
                    </button>
                  </div>
                )}
                {reply.accepts_text && (
                  <form class="portal-assistant__form" onSubmit={(e) => void submitText(e)} noValidate>
                    <InputGroup
                      id="assistant-message"
                      name="text"
                      label={m.yourMessage}
                      hint={m.yourMessageHint}
                      value={text}
                      onInput={setText}
                      maxLength={2000}
                      autoComplete="off"
                      error={fieldError(textProblem, "text")}
                    />
                    <Button type="submit" icon="fr-icon-send-plane-line" iconRight disabled={busy}>
                      {m.send}
                    </Button>
                  </form>
                )}
              </div>
            )
          )}
        </div>
      </div>
      <Modal
        id="assistant-avis-negatif"
        title={m.feedbackTitle}
        open={feedbackOpen}
        onClose={() => setFeedbackOpen(false)}
        footer={
          <>
            <Button onClick={() => void sendFeedback()} disabled={busy}>
              {m.send}
            </Button>
            <Button kind="secondary" onClick={() => setFeedbackOpen(false)}>
              {m.cancel}
            </Button>
          </>
        }
      >
        <ProblemAlert problem={feedbackProblem} placed={["reason", "comment"]} />
        <RadioGroup
          legend={m.feedbackLegend}
          name="reason"
          value={reason}
          options={m.reasons}
          onChange={(value) => setReason(value as Reason)}
          error={fieldError(feedbackProblem, "reason")}
          regular={false}
          id="assistant-raison"
        />
        <InputGroup
          id="assistant-commentaire"
          name="comment"
          label={m.comment}
          value={comment}
          onInput={setComment}
          multiline
          required
          maxLength={2000}
          error={fieldError(feedbackProblem, "comment")}
        />
      </Modal>
    </>
  );
}
