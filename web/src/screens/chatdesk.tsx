// The agents' console of the live chat (« Discussions en direct », #/discussions; docs/chat.md): « Disponible » /
// « Absent », the agent's queues with each waiting chat (who, which structure, the topic, the waiting time counting,
// what the user told the assistant), « Prendre en charge », then each taken chat: its messages in a live log
// (aria-live: a screen reader hears the user's new message), the text area and « Envoyer », « Transférer à un
// collègue » (the queue's available colleagues), « Terminer » (closed, or turned into a ticket: its number a link).
// Everything goes through the one chat client (api/chat.ts): a socket, reconnected and read again after a drop.
// The API's refusals (a chat another agent took first…) are shown as they come.
import { useEffect, useRef, useState } from "preact/hooks";
import { capabilities, type Account } from "../account";
import {
  mergeMessages,
  openChat,
  type ChatClient,
  type ChatLink,
  type ChatMessageView,
  type ChatView,
  type ContextLineView,
  type PersonView,
  type QueueView,
  type WaitingView,
} from "../api/chat";
import type { Problem } from "../api/problem";
import { Alert } from "../components/Alert";
import { Modal } from "../components/Modal";
import { fieldError, ProblemAlert } from "../components/ProblemAlert";
import { RadioGroup } from "../components/RadioGroup";
import { Segmented } from "../components/Segmented";
import { chatdeskMessages as t } from "./chatdesk/messages";
import { ChatPanel, formatTime, Transcript, WaitingItem } from "./chatdesk/parts";
import "./chatdesk/chatdesk.css";

interface MyChat {
  chat: ChatView;
  context: ContextLineView[];
  messages: ChatMessageView[];
  draft: string;
  problem: Problem | null;
  /** Shown first with the focus on its heading (taken, or handed to the agent). */
  focus: boolean;
}

interface Notice {
  text: string;
  ticket: number | null;
}

type Dialog =
  | { kind: "none" }
  | { kind: "transcript"; who: string; lines: ContextLineView[] }
  | { kind: "handover"; chat: ChatView }
  | { kind: "end"; chat: ChatView };

export function ChatDeskScreen({ account }: { account: Account }) {
  const agent = capabilities(account).canReceive;
  const [link, setLink] = useState<ChatLink>("connecting");
  const [queues, setQueues] = useState<{ list: QueueView[]; at: number } | null>(null);
  const [mine, setMine] = useState<MyChat[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog>({ kind: "none" });
  const [colleague, setColleague] = useState("");
  const [outcome, setOutcome] = useState<"CLOSE" | "TICKET">("CLOSE");
  const [dialogProblem, setDialogProblem] = useState<Problem | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [client, setClient] = useState<ChatClient | null>(null);
  const problemRef = useRef<HTMLDivElement>(null);
  const wasAvailable = useRef(false);
  const opened = useRef(false);
  const mineRef = useRef<MyChat[]>([]);
  mineRef.current = mine;
  const me = account.id;

  const available = queues?.list.some((q) => q.available) ?? false;
  wasAvailable.current = available;

  // One client for the screen's life: closed when the agent leaves the screen.
  useEffect(() => {
    if (!agent) return;
    const chat = openChat({ kind: "agent" });
    if (chat === null) return;
    setClient(chat);
    const readQueues = () =>
      void chat.request<"queue">({ action: "queue" }).then((r) => r.ok && setQueues({ list: r.data.queues, at: Date.now() }));
    const offs = [
      chat.onLink((state) => {
        setLink(state);
        if (state !== "open") return;
        if (opened.current && wasAvailable.current) {
          // A new socket: seated again at the queues, so that their news reach it.
          void chat
            .request<"availability">({ action: "availability", available: true })
            .then((r) => r.ok && setQueues({ list: r.data.queues, at: Date.now() }));
        } else readQueues();
        opened.current = true;
      }),
      chat.on("queue_changed", readQueues),
      chat.onMessage((chatId, message) =>
        setMine((list) =>
          list.map((m) => (m.chat.id === chatId ? { ...m, messages: mergeMessages(m.messages, [message]) } : m)),
        ),
      ),
      chat.on("chat", (frame) =>
        setMine((list) => list.map((m) => (m.chat.id === frame.chat.id ? { ...m, chat: frame.chat, context: frame.context } : m))),
      ),
      chat.on("state", (frame) => {
        const view = frame.chat;
        const mineNow = view.state.code !== "WAITING" && view.agent?.id === me;
        const held = mineRef.current.some((m) => m.chat.id === view.id);
        if (!held) {
          if (!mineNow || view.state.code !== "ACTIVE") return;
          // Handed to this agent by a colleague: read it whole, and follow it.
          setMine((list) => [...list, { chat: view, context: [], messages: [], draft: "", problem: null, focus: false }]);
          setNotice({ text: t.handedToYou(view.requester), ticket: null });
          void chat.follow({ chat_id: view.id });
          return;
        }
        if (view.state.code !== "ENDED" && !mineNow) {
          chat.unfollow({ chat_id: view.id }); // handed over, or back in its queue
          setMine((list) => list.filter((m) => m.chat.id !== view.id));
          return;
        }
        setMine((list) => list.map((m) => (m.chat.id === view.id ? { ...m, chat: view } : m)));
      }),
    ];
    return () => {
      for (const off of offs) off();
      chat.close();
    };
  }, [agent, me]);

  // The waiting times count by the second; the availability's end is read again when it comes.
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const until = queues?.list.find((q) => q.available)?.available_until ?? null;
  useEffect(() => {
    if (until === null || client === null) return;
    const left = new Date(until).getTime() - Date.now();
    const timer = setTimeout(
      () => void client.request<"queue">({ action: "queue" }).then((r) => r.ok && setQueues({ list: r.data.queues, at: Date.now() })),
      Math.max(0, left) + 500,
    );
    return () => clearTimeout(timer);
  }, [until, client]);

  const refused = (found: Problem) => {
    setProblem(found);
    setNotice(null);
    requestAnimationFrame(() => problemRef.current?.focus());
  };

  if (!agent) {
    return (
      <>
        <h1>{t.title}</h1>
        <Alert severity="info" title={t.notAgent} small />
      </>
    );
  }
  if (client === null) {
    return (
      <>
        <h1>{t.title}</h1>
        <Alert severity="info" title={t.notOffered} small />
      </>
    );
  }

  const setAvailability = async (wanted: boolean) => {
    setBusy("availability");
    const result = await client.request<"availability">({ action: "availability", available: wanted });
    setBusy(null);
    if (result.ok) {
      setProblem(null);
      setQueues({ list: result.data.queues, at: Date.now() });
    } else refused(result.problem);
  };

  const take = async (waiting: WaitingView) => {
    setBusy(waiting.chat.id);
    const result = await client.request<"take">({ action: "take", chat_id: waiting.chat.id });
    setBusy(null);
    if (!result.ok) {
      refused(result.problem);
      const again = await client.request<"queue">({ action: "queue" });
      if (again.ok) setQueues({ list: again.data.queues, at: Date.now() });
      return;
    }
    const frame = result.data;
    setProblem(null);
    setNotice(null);
    setMine((list) => [
      ...list.filter((m) => m.chat.id !== frame.chat.id),
      { chat: frame.chat, context: frame.context, messages: mergeMessages([], frame.messages), draft: "", problem: null, focus: true },
    ]);
    client.adopt(frame);
    setQueues((current) =>
      current && {
        ...current,
        list: current.list.map((q) => ({ ...q, waiting: q.waiting.filter((w) => w.chat.id !== frame.chat.id) })),
      },
    );
  };

  const update = (chatId: string, change: Partial<MyChat>) =>
    setMine((list) => list.map((m) => (m.chat.id === chatId ? { ...m, ...change } : m)));

  const send = async (held: MyChat) => {
    const text = held.draft.trim();
    if (text === "") {
      update(held.chat.id, { problem: { status: 0, code: "VIDE", message: t.emptyMessage, fields: { text: t.emptyMessage } } });
      document.getElementById(`message-${held.chat.id}`)?.focus();
      return;
    }
    setBusy(held.chat.id);
    const result = await client.send({ chat_id: held.chat.id }, text);
    setBusy(null);
    if (result.ok) update(held.chat.id, { draft: "", problem: null });
    else {
      update(held.chat.id, { problem: result.problem });
      if (!result.problem.fields.text) refused(result.problem);
      else document.getElementById(`message-${held.chat.id}`)?.focus();
    }
  };

  const colleaguesOf = (chat: ChatView): PersonView[] =>
    queues?.list.find((q) => q.queue === chat.queue)?.agents.filter((p) => p.id !== me) ?? [];

  const openHandover = async (chat: ChatView) => {
    const fresh = await client.request<"queue">({ action: "queue" });
    if (fresh.ok) setQueues({ list: fresh.data.queues, at: Date.now() });
    const found = fresh.ok ? (fresh.data.queues.find((q) => q.queue === chat.queue)?.agents.filter((p) => p.id !== me) ?? []) : colleaguesOf(chat);
    setColleague(found[0]?.id ?? "");
    setDialogProblem(null);
    setDialog({ kind: "handover", chat });
  };

  const handOver = async (chat: ChatView) => {
    if (colleague === "") return;
    setBusy(chat.id);
    const result = await client.request<"handover">({ action: "handover", chat_id: chat.id, agent: colleague });
    setBusy(null);
    if (!result.ok) {
      setDialogProblem(result.problem);
      return;
    }
    const to = result.data.chat.agent?.name ?? "";
    client.unfollow({ chat_id: chat.id });
    setMine((list) => list.filter((m) => m.chat.id !== chat.id));
    setDialog({ kind: "none" });
    setProblem(null);
    setNotice({ text: t.handedOver(chat.requester, to), ticket: null });
  };

  const end = async (chat: ChatView) => {
    setBusy(chat.id);
    const result = await client.request<"end">({ action: "end", chat_id: chat.id, outcome });
    setBusy(null);
    if (!result.ok) {
      setDialogProblem(result.problem);
      return;
    }
    const view = result.data.chat;
    update(chat.id, { chat: view });
    setDialog({ kind: "none" });
    setProblem(null);
    setNotice({ text: view.filed !== null ? t.filed(view.filed) : t.ended(chat.requester), ticket: view.filed });
  };

  const dismiss = (chat: ChatView) => {
    client.unfollow({ chat_id: chat.id });
    setMine((list) => list.filter((m) => m.chat.id !== chat.id));
  };

  const elapsed = queues ? Math.max(0, Math.round((now - queues.at) / 1000)) : 0;
  const handoverChat = dialog.kind === "handover" ? dialog.chat : null;
  const endChat = dialog.kind === "end" ? dialog.chat : null;
  const colleagues = handoverChat ? colleaguesOf(handoverChat) : [];

  return (
    <>
      <h1>{t.title}</h1>
      <p class="fr-text--lead">{t.intro}</p>
      {link === "retrying" && (
        <Alert severity="warning" title={t.linkLost} class="fr-mb-3w">
          <p>{t.linkLostText}</p>
        </Alert>
      )}
      <div ref={problemRef} tabIndex={-1} class="chatdesk-focus">
        <ProblemAlert problem={problem} />
      </div>
      {notice && (
        <Alert severity="success" title={notice.text} live small class="fr-mb-3w">
          {notice.ticket !== null && (
            <p>
              <a class="fr-link" href={`#/tickets/${notice.ticket}`}>
                {t.openTicket(notice.ticket)}
              </a>
            </p>
          )}
        </Alert>
      )}
      <div class="chatdesk-availability fr-mb-4w">
        <Segmented
          legend={t.availabilityLegend}
          name="disponibilite"
          inline
          options={[
            { key: "oui", label: t.available },
            { key: "non", label: t.away },
          ]}
          value={available ? "oui" : "non"}
          onChange={(key) => void setAvailability(key === "oui")}
        />
        <p class="fr-mt-1w fr-mb-0" role="status">
          {queues === null ? "" : available && until ? t.availableUntil(formatTime(until)) : t.awayText}
        </p>
      </div>
      <div class="fr-grid-row fr-grid-row--gutters">
        <section class="fr-col-12 fr-col-lg-5" aria-labelledby="files-titre">
          <h2 id="files-titre">{t.queuesTitle}</h2>
          {queues?.list.map((queue) => (
            <div key={queue.queue} class="fr-mb-3w">
              <h3 class="fr-h5 fr-mb-1w">{t.queueTitle(queue.name)}</h3>
              <p class="fr-text--sm fr-mb-2w">{t.waitingCount(queue.waiting.length)}</p>
              {queue.waiting.length > 0 && (
                <ul class="chatdesk-list">
                  {queue.waiting.map((waiting) => (
                    <WaitingItem
                      key={waiting.chat.id}
                      waiting={waiting}
                      elapsed={elapsed}
                      busy={busy !== null}
                      onTake={() => void take(waiting)}
                      onTranscript={() => setDialog({ kind: "transcript", who: waiting.chat.requester, lines: waiting.context })}
                    />
                  ))}
                </ul>
              )}
            </div>
          ))}
        </section>
        <section class="fr-col-12 fr-col-lg-7" aria-labelledby="mes-titre">
          <h2 id="mes-titre">{t.myChatsTitle}</h2>
          {mine.length === 0 && <p>{t.noChat}</p>}
          {mine.map((held) => (
            <ChatPanel
              key={held.chat.id}
              chat={held.chat}
              messages={held.messages}
              draft={held.draft}
              error={fieldError(held.problem, "text")}
              busy={busy === held.chat.id}
              focusOnMount={held.focus}
              onDraft={(text) => update(held.chat.id, { draft: text })}
              onSend={() => void send(held)}
              onTranscript={() => setDialog({ kind: "transcript", who: held.chat.requester, lines: held.context })}
              onHandover={() => void openHandover(held.chat)}
              onEnd={() => {
                setOutcome("CLOSE");
                setDialogProblem(null);
                setDialog({ kind: "end", chat: held.chat });
              }}
              onDismiss={() => dismiss(held.chat)}
            />
          ))}
        </section>
      </div>
      <Modal
        id="modale-transcription"
        title={dialog.kind === "transcript" ? t.transcriptTitle(dialog.who) : t.transcriptButton}
        open={dialog.kind === "transcript"}
        onClose={() => setDialog({ kind: "none" })}
        size="lg"
      >
        {dialog.kind === "transcript" && <Transcript lines={dialog.lines} />}
      </Modal>
      <Modal
        id="modale-transfert"
        title={t.handoverTitle}
        open={handoverChat !== null}
        onClose={() => setDialog({ kind: "none" })}
        footer={
          <>
            {colleagues.length > 0 && (
              <button type="button" class="fr-btn" disabled={busy !== null} onClick={() => handoverChat && void handOver(handoverChat)}>
                {t.handoverConfirm}
              </button>
            )}
            <button type="button" class="fr-btn fr-btn--secondary" onClick={() => setDialog({ kind: "none" })}>
              {t.cancel}
            </button>
          </>
        }
      >
        <ProblemAlert problem={dialogProblem} placed={colleagues.length > 0 ? ["agent"] : []} />
        {colleagues.length === 0 ? (
          <p>{t.handoverNone}</p>
        ) : (
          <RadioGroup
            legend={t.handoverLegend}
            name="agent"
            value={colleague}
            options={colleagues.map((p) => ({ value: p.id, label: p.name }))}
            onChange={setColleague}
            error={fieldError(dialogProblem, "agent")}
          />
        )}
      </Modal>
      <Modal
        id="modale-fin"
        title={t.endTitle}
        open={endChat !== null}
        onClose={() => setDialog({ kind: "none" })}
        footer={
          <>
            <button type="button" class="fr-btn" disabled={busy !== null} onClick={() => endChat && void end(endChat)}>
              {t.endConfirm}
            </button>
            <button type="button" class="fr-btn fr-btn--secondary" onClick={() => setDialog({ kind: "none" })}>
              {t.cancel}
            </button>
          </>
        }
      >
        <ProblemAlert problem={dialogProblem} placed={["outcome"]} />
        <RadioGroup
          legend={t.endLegend}
          name="outcome"
          value={outcome}
          options={[
            { value: "CLOSE", label: t.endClose, hint: t.endCloseHint },
            { value: "TICKET", label: t.endTicket, hint: t.endTicketHint },
          ]}
          onChange={(value) => setOutcome(value === "TICKET" ? "TICKET" : "CLOSE")}
          error={fieldError(dialogProblem, "outcome")}
        />
      </Modal>
    </>
  );
}
