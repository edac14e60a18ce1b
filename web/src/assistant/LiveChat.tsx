// The live chat's user side, inside the assistant's panel (issue 23, point 7): « Échanger en ligne avec un agent »
// joins the queue (POST …/chat, which gives back the chat under way if there is one), then the one chat client
// (api/chat.ts) follows it: the messages of both sides in a log announced to screen readers, the waiting state
// with the queue's French message, the agent's name once connected, « Terminer la discussion »; at the end the
// thumbs of seed 004 (the four reasons, the comment) and « Recevoir la transcription par courriel ». What the
// desk says (joined, waiting, offered the ticket, ended) is its own SYSTEM messages, shown as they come.
import { useEffect, useRef, useState } from "preact/hooks";
import { useAccount } from "../account";
import { mergeMessages, openChat, type ChatClient, type ChatMessageView, type ChatView } from "../api/chat";
import { call, type Result } from "../api/client";
import type { Problem } from "../api/problem";
import type { components } from "../api/schema";
import { Button } from "../components/Button";
import { InputGroup } from "../components/InputGroup";
import { fieldError, ProblemAlert } from "../components/ProblemAlert";
import { RadioGroup } from "../components/RadioGroup";
import { Select } from "../components/Select";
import type { Owner, Reason } from "./conversation";
import { assistantMessages as m } from "./messages";

type ChatRead = components["schemas"]["ChatReadView"];

function path(owner: Owner, id: string) {
  return { params: { path: { conversation_id: id } } };
}

function join(owner: Owner, id: string, siret: string | null): Promise<Result<ChatRead>> {
  const body = siret ? { siret } : {};
  return owner.signedIn
    ? call((api) => api.POST("/assistant/conversations/{conversation_id}/chat", { ...path(owner, id), body }))
    : call((api) => api.POST("/public/assistant/conversations/{conversation_id}/chat", { ...path(owner, id), body }));
}

/** The chat of the conversation, if one was opened (404 otherwise). */
export function currentChat(owner: Owner, id: string): Promise<Result<ChatRead>> {
  return owner.signedIn
    ? call((api) => api.GET("/assistant/conversations/{conversation_id}/chat", path(owner, id)))
    : call((api) => api.GET("/public/assistant/conversations/{conversation_id}/chat", path(owner, id)));
}

function end(owner: Owner, id: string): Promise<Result<ChatView>> {
  return owner.signedIn
    ? call((api) => api.POST("/assistant/conversations/{conversation_id}/chat/end", path(owner, id)))
    : call((api) => api.POST("/public/assistant/conversations/{conversation_id}/chat/end", path(owner, id)));
}

function rateChat(
  owner: Owner,
  id: string,
  body: { rating: "UP" | "DOWN"; reason?: Reason | null; comment?: string | null },
): Promise<Result<ChatView>> {
  return owner.signedIn
    ? call((api) => api.POST("/assistant/conversations/{conversation_id}/chat/feedback", { ...path(owner, id), body }))
    : call((api) => api.POST("/public/assistant/conversations/{conversation_id}/chat/feedback", { ...path(owner, id), body }));
}

function transcript(owner: Owner, id: string, email: string): Promise<Result<ChatView>> {
  return owner.signedIn
    ? call((api) => api.POST("/assistant/conversations/{conversation_id}/chat/transcript", { ...path(owner, id), body: {} }))
    : call((api) =>
        api.POST("/public/assistant/conversations/{conversation_id}/chat/transcript", { ...path(owner, id), body: { email } }),
      );
}

export interface LiveChatProps {
  owner: Owner;
  conversationId: string;
  /** Back to the assistant (left, or ended and done with). */
  done: () => void;
}

export function LiveChat({ owner, conversationId, done }: LiveChatProps) {
  const account = useAccount();
  const [chat, setChat] = useState<ChatView | null>(null);
  const [messages, setMessages] = useState<ChatMessageView[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [text, setText] = useState("");
  const [sendProblem, setSendProblem] = useState<Problem | null>(null);
  const [siret, setSiret] = useState("");
  const [rating, setRating] = useState<"UP" | "DOWN" | null>(null);
  const [reason, setReason] = useState<Reason | "">("");
  const [comment, setComment] = useState("");
  const [rateProblem, setRateProblem] = useState<Problem | null>(null);
  const [email, setEmail] = useState("");
  const [mailProblem, setMailProblem] = useState<Problem | null>(null);
  const [said, setSaid] = useState("");
  const client = useRef<ChatClient | null>(null);
  const logRef = useRef<HTMLDivElement>(null);
  const headRef = useRef<HTMLParagraphElement>(null);
  const target = { conversation_id: conversationId };

  function adopt(read: ChatRead) {
    setChat(read.chat);
    setMessages((list) => mergeMessages(list, read.messages));
  }

  async function start(chosen: string | null) {
    setBusy(true);
    setProblem(null);
    const joined = await join(owner, conversationId, chosen);
    setBusy(false);
    if (!joined.ok) {
      setProblem(joined.problem);
      return;
    }
    adopt(joined.data);
    const opened = openChat(owner.signedIn ? { kind: "user", conversation: conversationId } : { kind: "visitor", conversation: conversationId });
    if (opened === null) return;
    client.current = opened;
    opened.onMessage((_, message) => setMessages((list) => mergeMessages(list, [message])));
    opened.on("state", (frame) => setChat(frame.chat));
    opened.on("chat", (frame) => setChat(frame.chat));
    opened.on("sent", (frame) => setChat(frame.chat));
    void opened.follow(target, joined.data.chat.last_seq, joined.data.chat.id);
    headRef.current?.focus();
  }

  useEffect(() => {
    void start(null);
    return () => client.current?.close();
  }, []);

  useEffect(() => {
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [messages]);

  async function sendText(event: Event) {
    event.preventDefault();
    const socket = client.current;
    setSendProblem(null);
    setBusy(true);
    const result = socket
      ? await socket.send(target, text)
      : await (owner.signedIn
          ? call((api) => api.POST("/assistant/conversations/{conversation_id}/chat/messages", { ...path(owner, conversationId), body: { text } }))
          : call((api) =>
              api.POST("/public/assistant/conversations/{conversation_id}/chat/messages", { ...path(owner, conversationId), body: { text } }),
            ));
    setBusy(false);
    if (result.ok) {
      setChat(result.data.chat);
      setMessages((list) => mergeMessages(list, [result.data.message]));
      setText("");
    } else setSendProblem(result.problem);
  }

  async function leave() {
    setBusy(true);
    const result = await end(owner, conversationId);
    setBusy(false);
    if (!result.ok) {
      setProblem(result.problem);
      return;
    }
    setChat(result.data);
    // Left while waiting: back to « Contacter un agent », which offers the hand-over ticket.
    if (result.data.agent === null) done();
  }

  async function sendRating(value: "UP" | "DOWN") {
    setBusy(true);
    const body = value === "UP" ? { rating: value } : { rating: value, reason: reason === "" ? null : reason, comment };
    const result = await rateChat(owner, conversationId, body);
    setBusy(false);
    if (!result.ok) {
      setRateProblem(result.problem);
      return;
    }
    setRateProblem(null);
    setChat(result.data);
    setSaid(m.chatThanks);
  }

  async function askTranscript(event: Event) {
    event.preventDefault();
    setBusy(true);
    const result = await transcript(owner, conversationId, email);
    setBusy(false);
    if (!result.ok) {
      setMailProblem(result.problem);
      return;
    }
    setMailProblem(null);
    setChat(result.data);
    setSaid(owner.signedIn ? m.transcriptSent : m.transcriptSentTo(email));
  }

  const state = chat?.state.code ?? null;
  const structures =
    account.status === "ready" ? account.account.organisations.filter((o) => o.kind === "STRUCTURE").map((o) => ({ value: o.id, label: `${o.name} (SIRET ${o.id})` })) : [];
  const head =
    chat === null
      ? m.chatJoining
      : state === "WAITING"
        ? m.chatWaiting(chat.state.label, chat.queue_name)
        : state === "ACTIVE" && chat.agent
          ? m.chatWith(chat.agent.name)
          : chat.state.label;

  return (
    <section class="portal-assistant__chat" aria-labelledby="discussion-titre">
      <h3 id="discussion-titre" class="fr-h6 fr-mb-1w">
        {m.chatTitle}
      </h3>
      <p class="fr-badge fr-badge--sm fr-badge--info fr-mb-1w" id="discussion-etat" ref={headRef} tabIndex={-1} role="status">
        {head}
      </p>
      <ProblemAlert problem={problem} placed={["siret"]} class="fr-mb-1w fr-alert--sm" />
      {problem?.fields.siret && structures.length > 0 && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void start(siret || null);
          }}
        >
          <Select label={m.chatStructure} name="siret" value={siret} options={structures} onChange={setSiret} error={fieldError(problem, "siret")} id="discussion-structure" />
          <Button type="submit" size="sm" disabled={busy}>
            {m.chatJoin}
          </Button>
        </form>
      )}
      {chat && (
        <div ref={logRef} class="portal-assistant__log portal-assistant__log--chat" role="log" aria-live="polite" aria-label={m.chatLog} tabIndex={0} id="discussion-journal">
          {messages.map((message) => (
            <div key={message.seq} class={`portal-assistant__turn portal-assistant__turn--${message.by === "REQUESTER" ? "user" : message.by === "AGENT" ? "agent" : "system"}`}>
              <p class="portal-assistant__who">{message.by === "REQUESTER" ? m.you : message.by === "AGENT" ? (message.name ?? m.agent) : m.desk}</p>
              <p class="portal-assistant__text">{message.text}</p>
            </div>
          ))}
        </div>
      )}
      {chat && state !== "ENDED" && (
        <>
          {chat.ticket_offered && state === "WAITING" && (
            <p class="fr-text--sm">
              <Button kind="secondary" size="sm" onClick={() => void leave()} disabled={busy}>
                {m.chatLeaveForTicket}
              </Button>
            </p>
          )}
          <form class="portal-assistant__form" onSubmit={(e) => void sendText(e)} noValidate>
            <InputGroup id="discussion-message" name="text" label={m.chatMessage} value={text} onInput={setText} maxLength={2000} autoComplete="off" error={fieldError(sendProblem, "text") ?? sendProblem?.message} />
            <div class="portal-assistant__buttons">
              <Button type="submit" icon="fr-icon-send-plane-line" iconRight disabled={busy}>
                {m.send}
              </Button>
              <Button kind="secondary" onClick={() => void leave()} disabled={busy}>
                {state === "WAITING" ? m.chatLeaveQueue : m.chatEnd}
              </Button>
            </div>
          </form>
        </>
      )}
      {chat && state === "ENDED" && (
        <div class="portal-assistant__end">
          {!chat.feedback_given && (
            <fieldset class="fr-fieldset" aria-labelledby="discussion-avis">
              <legend id="discussion-avis" class="fr-fieldset__legend fr-text--sm">
                {m.chatHelpful}
              </legend>
              <div class="portal-assistant__thumbs">
                <button class="fr-btn fr-btn--tertiary fr-btn--sm fr-icon-thumb-up-line" type="button" title={m.chatThumbUp} disabled={busy} onClick={() => void sendRating("UP")}>
                  {m.chatThumbUp}
                </button>
                <button
                  class="fr-btn fr-btn--tertiary fr-btn--sm fr-icon-thumb-down-line"
                  type="button"
                  title={m.chatThumbDown}
                  aria-expanded={rating === "DOWN"}
                  disabled={busy}
                  onClick={() => setRating("DOWN")}
                >
                  {m.chatThumbDown}
                </button>
              </div>
              {rating === "DOWN" && (
                <div class="fr-mt-1w">
                  <ProblemAlert problem={rateProblem} placed={["reason", "comment"]} class="fr-mb-1w fr-alert--sm" />
                  <RadioGroup legend={m.feedbackLegend} name="reason" value={reason} options={m.reasons} onChange={(v) => setReason(v as Reason)} error={fieldError(rateProblem, "reason")} id="discussion-raison" />
                  <InputGroup id="discussion-commentaire" name="comment" label={m.comment} value={comment} onInput={setComment} multiline required maxLength={2000} error={fieldError(rateProblem, "comment")} />
                  <Button size="sm" onClick={() => void sendRating("DOWN")} disabled={busy}>
                    {m.send}
                  </Button>
                </div>
              )}
            </fieldset>
          )}
          {!chat.transcript_asked && (
            <form class="portal-assistant__form fr-mt-1w" onSubmit={(e) => void askTranscript(e)} noValidate>
              <ProblemAlert problem={mailProblem} placed={["email"]} class="fr-mb-1w fr-alert--sm" />
              {!owner.signedIn && (
                <InputGroup id="discussion-courriel" name="email" type="email" label={m.chatEmail} hint={m.chatEmailHint} value={email} onInput={setEmail} autoComplete="email" error={fieldError(mailProblem, "email")} />
              )}
              <Button type="submit" kind="secondary" size="sm" icon="fr-icon-mail-line" disabled={busy}>
                {m.chatTranscript}
              </Button>
            </form>
          )}
          <p class="fr-text--sm fr-mt-1w" role="status">
            {said}
          </p>
          <Button kind="tertiary" size="sm" onClick={done}>
            {m.chatBack}
          </Button>
        </div>
      )}
    </section>
  );
}
