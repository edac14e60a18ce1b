// THE live chat client of the portal: one WebSocket to the chat API (docs/chat.md, docs/asyncapi.yaml), its frames
// typed in chat-frames.ts. eslint forbids WebSocket outside src/api/.
//
//   configureChat(config.chatUrl, session)          once, in main.tsx (no chatUrl: no live chat offered)
//   const chat = openChat({ kind: "agent" })        or { kind: "user", conversation } / { kind: "visitor", conversation }
//   chat.onMessage((chatId, message) => …)          each message of a followed chat, once, whatever brought it
//   chat.on("state" | "queue_changed" | …, frame => …)
//   const result = await chat.request({ action: "take", chat_id })   → { ok, data: ChatFrame } or { ok: false, problem }
//   await chat.send(target, "Bonjour")              over the socket, or over REST when the socket is not open
//   chat.close()
//
// What it guarantees: a socket that drops is opened again with a growing delay (0.5 s, 1 s, 2 s… up to 15 s); once
// open again, each followed chat is read again after the last message number it holds in a row, so nothing is
// missed; a message number already delivered is never delivered twice. While the socket is not open, sending goes
// through the REST counterpart and the followed chats are read over REST every few seconds.
import { call, type TokenSource } from "./client";
import {
  REPLY_OF,
  type Action,
  type ActionFrames,
  type ChatFrame,
  type ChatMessageView,
  type ErrorFrame,
  type ReplyOf,
  type SentFrame,
  type ServerFrame,
  type ServerFrames,
  type ServerFrameType,
} from "./chat-frames";
import { networkProblem, type Problem } from "./problem";
import type { Result } from "./client";

export type * from "./chat-frames";

/** Who opens the socket: an agent or a signed-in user (their IdToken), a visitor (their conversation's id). */
export type ChatAuth =
  | { kind: "agent" }
  | { kind: "user"; conversation: string }
  | { kind: "visitor"; conversation: string };

/** A chat a socket follows: an agent by the chat's id, a user or visitor by their conversation. */
export type ChatTarget = { chat_id: string } | { conversation_id: string };

/** connecting: the first attempt; open; retrying: dropped or refused, another attempt is scheduled; closed: by close(). */
export type ChatLink = "connecting" | "open" | "retrying" | "closed";

export interface ChatOptions {
  /** The delays between attempts, in ms (the last one repeats). */
  backoff?: readonly number[];
  /** How long a request waits for its reply, in ms. */
  replyTimeout?: number;
  /** How often the followed chats are read over REST while the socket is not open, in ms. */
  pollEvery?: number;
  /** The WebSocket constructor (tests). */
  socket?: (url: string) => WebSocket;
}

const BACKOFF = [500, 1000, 2000, 4000, 8000, 15000] as const;

let settings: { url: string; tokens: TokenSource } | null = null;

/** Called once at start with /config.json's chatUrl (null or absent: the live chat is not offered). */
export function configureChat(url: string | null | undefined, tokens: TokenSource): void {
  settings = url ? { url: url.replace(/\/+$/, ""), tokens } : null;
}

/** Whether the portal's settings name a chat socket (older config.json files do not). */
export function chatOffered(): boolean {
  return settings !== null;
}

/** A new chat client, connecting at once (null when the settings name no chat socket). */
export function openChat(auth: ChatAuth, options: ChatOptions = {}): ChatClient | null {
  if (settings === null) return null;
  const client = new ChatClient(settings.url, settings.tokens, auth, options);
  client.connect();
  return client;
}

/** The problem an error frame tells, shown like the API's (ProblemAlert): its French message as it comes. */
export function problemOfFrame(frame: ErrorFrame): Problem {
  const fields: Record<string, string> = {};
  for (const detail of frame.errors ?? []) fields[detail.field] ??= detail.message;
  return { status: 0, code: frame.code, message: frame.message, fields };
}

/** The messages of a list and the new ones, each number once, in order (for screens keeping a chat's messages). */
export function mergeMessages(list: readonly ChatMessageView[], added: readonly ChatMessageView[]): ChatMessageView[] {
  const bySeq = new Map<number, ChatMessageView>();
  for (const message of [...list, ...added]) bySeq.set(message.seq, message);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

interface Pending {
  action: Action;
  expect: ServerFrameType;
  chatId: string | null;
  resolve: (frame: ServerFrame | null) => void;
  timer: ReturnType<typeof setTimeout>;
}

interface Followed {
  target: ChatTarget;
  /** The chat's id once known (a user follows by conversation). */
  chatId: string | null;
  /** The numbers delivered; `upTo`: every number up to it is delivered. */
  seen: Set<number>;
  upTo: number;
}

type Listener<T> = (frame: T) => void;

function keyOf(target: ChatTarget): string {
  return "chat_id" in target ? `chat:${target.chat_id}` : `conversation:${target.conversation_id}`;
}

export class ChatClient {
  private socket: WebSocket | null = null;
  private link: ChatLink = "connecting";
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private pending: Pending | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly followed = new Map<string, Followed>();
  private readonly listeners = new Map<ServerFrameType, Set<Listener<never>>>();
  private readonly messageListeners = new Set<(chatId: string, message: ChatMessageView) => void>();
  private readonly linkListeners = new Set<(link: ChatLink) => void>();
  private readonly backoff: readonly number[];
  private readonly replyTimeout: number;
  private readonly pollEvery: number;
  private readonly makeSocket: (url: string) => WebSocket;

  constructor(
    private readonly url: string,
    private readonly tokens: TokenSource,
    readonly auth: ChatAuth,
    options: ChatOptions = {},
  ) {
    this.backoff = options.backoff ?? BACKOFF;
    this.replyTimeout = options.replyTimeout ?? 15000;
    this.pollEvery = options.pollEvery ?? 3000;
    this.makeSocket = options.socket ?? ((address) => new WebSocket(address));
  }

  get status(): ChatLink {
    return this.link;
  }

  onLink(listener: (link: ChatLink) => void): () => void {
    this.linkListeners.add(listener);
    return () => this.linkListeners.delete(listener);
  }

  /** Every frame of a type the server sends (replies included). */
  on<T extends ServerFrameType>(type: T, listener: Listener<ServerFrames[T]>): () => void {
    let set = this.listeners.get(type);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Each message of a followed chat, once per number, whatever brought it (push, read, reply, REST). */
  onMessage(listener: (chatId: string, message: ChatMessageView) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  // ------------------------------------------------------------------------------------------ the socket
  connect(): void {
    if (this.link === "closed") return;
    void this.open();
  }

  private async open(): Promise<void> {
    let address: string;
    if (this.auth.kind === "visitor") {
      address = `${this.url}/?conversation=${encodeURIComponent(this.auth.conversation)}`;
    } else {
      const token = await this.tokens.idToken();
      if (token === null) {
        this.retry();
        return;
      }
      address = `${this.url}/?token=${encodeURIComponent(token)}`;
    }
    if (this.link === "closed") return;
    let socket: WebSocket;
    try {
      socket = this.makeSocket(address);
    } catch {
      this.retry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.setLink("open");
      this.stopPolling();
      void this.catchUp();
    };
    socket.onmessage = (event: MessageEvent) => {
      if (this.socket !== socket || typeof event.data !== "string") return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(event.data) as ServerFrame;
      } catch {
        return;
      }
      this.receive(frame);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.failPending();
      this.retry();
    };
  }

  private retry(): void {
    if (this.link === "closed") return;
    this.setLink("retrying");
    this.startPolling();
    const base = this.backoff[Math.min(this.attempt, this.backoff.length - 1)] ?? 1000;
    this.attempt += 1;
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.open(), delay);
  }

  /** Close for good (leaving the screen): no reconnection, no polling. */
  close(): void {
    this.setLink("closed");
    clearTimeout(this.retryTimer);
    this.stopPolling();
    this.failPending();
    const socket = this.socket;
    this.socket = null;
    socket?.close();
  }

  private setLink(link: ChatLink): void {
    if (this.link === link) return;
    this.link = link;
    for (const listener of this.linkListeners) listener(link);
  }

  // ------------------------------------------------------------------------------------------ frames in
  private receive(frame: ServerFrame): void {
    const pending = this.pending;
    if (pending !== null && this.answers(pending, frame)) {
      this.pending = null;
      clearTimeout(pending.timer);
      pending.resolve(frame);
    }
    if (frame.type === "message") this.deliver(frame.chat_id, [frame.message]);
    else if (frame.type === "chat") this.delivered(frame);
    else if (frame.type === "sent") this.deliver(frame.chat.id, [frame.message]);
    const listeners = this.listeners.get(frame.type);
    if (listeners) for (const listener of listeners) (listener as Listener<ServerFrame>)(frame);
  }

  private answers(pending: Pending, frame: ServerFrame): boolean {
    if (frame.type === "error") return frame.action === null || frame.action === pending.action;
    if (frame.type !== pending.expect) return false;
    if (frame.type === "state" && pending.chatId !== null) return frame.chat.id === pending.chatId;
    return true;
  }

  /** A chat frame's messages: its followed target learns the chat's id, then they are delivered. */
  private delivered(frame: ChatFrame): void {
    for (const followed of this.followed.values()) {
      if (followed.chatId === null && "conversation_id" in followed.target) followed.chatId = frame.chat.id;
    }
    this.deliver(frame.chat.id, frame.messages);
    const followed = this.followedChat(frame.chat.id);
    if (frame.more && followed) void this.read(followed);
  }

  private followedChat(chatId: string): Followed | undefined {
    for (const followed of this.followed.values()) if (followed.chatId === chatId) return followed;
    return undefined;
  }

  private deliver(chatId: string, messages: readonly ChatMessageView[]): void {
    const followed = this.followedChat(chatId);
    let gap = false;
    for (const message of [...messages].sort((a, b) => a.seq - b.seq)) {
      if (followed) {
        if (message.seq <= followed.upTo || followed.seen.has(message.seq)) continue;
        followed.seen.add(message.seq);
        while (followed.seen.has(followed.upTo + 1)) {
          followed.seen.delete(followed.upTo + 1);
          followed.upTo += 1;
        }
        gap ||= followed.seen.size > 0;
      }
      for (const listener of this.messageListeners) listener(chatId, message);
    }
    if (gap && followed) void this.read(followed); // a number was skipped: read what follows the last one in a row
  }

  // ------------------------------------------------------------------------------------------ frames out
  /**
   * Send one action and wait for its reply (or the French error frame). One request at a time, in order; the
   * socket must open within the reply's time (else the network problem, or use send/follow which fall back to
   * REST).
   */
  request<A extends Action>(frame: ActionFrames[A]): Promise<Result<ReplyOf<A>>> {
    const run = async (): Promise<Result<ReplyOf<A>>> => {
      // A socket still opening (the screen just shown, or a reconnection under way) is waited for, within the
      // reply's time: a click made before it opened is not refused as a network problem.
      if (!(await this.opened(this.replyTimeout))) return { ok: false, problem: networkProblem() };
      const socket = this.socket;
      if (socket === null || this.link !== "open") return { ok: false, problem: networkProblem() };
      const action = frame.action as A;
      const chatId = "chat_id" in frame && typeof frame.chat_id === "string" ? frame.chat_id : null;
      const reply = await new Promise<ServerFrame | null>((resolve) => {
        const timer = setTimeout(() => {
          this.pending = null;
          resolve(null);
        }, this.replyTimeout);
        this.pending = { action, expect: REPLY_OF[action], chatId, resolve, timer };
        socket.send(JSON.stringify(frame));
      });
      if (reply === null) return { ok: false, problem: networkProblem() };
      if (reply.type === "error") return { ok: false, problem: problemOfFrame(reply) };
      return { ok: true, data: reply as ReplyOf<A> };
    };
    const result = this.queue.then(run, run);
    this.queue = result;
    return result;
  }

  /** Whether the socket is open, waiting up to ``within`` ms while it is opening or reconnecting. */
  private opened(within: number): Promise<boolean> {
    if (this.link === "open") return Promise.resolve(true);
    if (this.link === "closed") return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        stop();
        resolve(false);
      }, within);
      const stop = this.onLink((link) => {
        if (link === "open" || link === "closed") {
          clearTimeout(timer);
          stop();
          resolve(link === "open");
        }
      });
    });
  }

  private failPending(): void {
    const pending = this.pending;
    this.pending = null;
    if (pending) {
      clearTimeout(pending.timer);
      pending.resolve(null);
    }
  }

  /**
   * Follow a chat from a message number (0: all of it): read it (the socket then pushes what follows), and read it
   * again after each reconnection from the last number held in a row. Its messages reach onMessage.
   */
  async follow(target: ChatTarget, after = 0, chatId: string | null = null): Promise<Result<ChatFrame>> {
    const key = keyOf(target);
    let followed = this.followed.get(key);
    if (followed === undefined) {
      followed = {
        target,
        chatId: "chat_id" in target ? target.chat_id : chatId,
        seen: new Set(),
        upTo: after,
      };
      this.followed.set(key, followed);
    }
    return this.read(followed);
  }

  /** Stop following a chat (it ended, or the agent handed it over). */
  unfollow(target: ChatTarget): void {
    this.followed.delete(keyOf(target));
  }

  /** What the client holds of a followed chat: every number up to this one was delivered. */
  cursor(target: ChatTarget): number | null {
    return this.followed.get(keyOf(target))?.upTo ?? null;
  }

  /**
   * Mark the messages a reply brought (a take's chat frame) as delivered to a chat now followed from them.
   * take answers with the whole chat: follow it with adopt() instead of reading it a second time.
   */
  adopt(frame: ChatFrame): void {
    const key = keyOf({ chat_id: frame.chat.id });
    if (!this.followed.has(key)) {
      this.followed.set(key, { target: { chat_id: frame.chat.id }, chatId: frame.chat.id, seen: new Set(), upTo: 0 });
    }
    this.deliver(frame.chat.id, frame.messages);
  }

  private async read(followed: Followed): Promise<Result<ChatFrame>> {
    const after = followed.upTo;
    if (this.link === "open") {
      return this.request<"read">({ action: "read", ...followed.target, after });
    }
    return this.readOverRest(followed, after);
  }

  private async catchUp(): Promise<void> {
    for (const followed of [...this.followed.values()]) await this.read(followed);
  }

  /** Send a message: over the socket, or over REST when the socket is not open (then the reply is the same). */
  async send(target: ChatTarget, text: string): Promise<Result<SentFrame>> {
    if (this.link === "open") {
      const sent = await this.request<"send">({ action: "send", ...target, text });
      if (sent.ok || sent.problem.code !== "RESEAU") return sent;
    }
    const answer = await call((api) => {
      const body = { text };
      if ("chat_id" in target) {
        return api.POST("/chat/sessions/{chat_id}/messages", { params: { path: { chat_id: target.chat_id } }, body });
      }
      const path = { conversation_id: target.conversation_id };
      return this.auth.kind === "visitor"
        ? api.POST("/public/assistant/conversations/{conversation_id}/chat/messages", { params: { path }, body })
        : api.POST("/assistant/conversations/{conversation_id}/chat/messages", { params: { path }, body });
    });
    if (!answer.ok) return answer;
    const frame: SentFrame = { type: "sent", chat: answer.data.chat, message: answer.data.message };
    this.receive(frame);
    return { ok: true, data: frame };
  }

  private async readOverRest(followed: Followed, after: number): Promise<Result<ChatFrame>> {
    const target = followed.target;
    const answer = await call((api) => {
      if ("chat_id" in target) {
        return api.GET("/chat/sessions/{chat_id}", {
          params: { path: { chat_id: target.chat_id }, query: { after } },
        });
      }
      const params = { path: { conversation_id: target.conversation_id }, query: { after } };
      return this.auth.kind === "visitor"
        ? api.GET("/public/assistant/conversations/{conversation_id}/chat", { params })
        : api.GET("/assistant/conversations/{conversation_id}/chat", { params });
    });
    if (!answer.ok) return answer;
    const frame: ChatFrame = { type: "chat", ...answer.data };
    this.receive(frame);
    return { ok: true, data: frame };
  }

  private startPolling(): void {
    if (this.pollTimer !== undefined || this.pollEvery <= 0) return;
    this.pollTimer = setInterval(() => {
      if (this.link === "open" || this.link === "closed") return;
      for (const followed of this.followed.values()) void this.readOverRest(followed, followed.upTo);
    }, this.pollEvery);
  }

  private stopPolling(): void {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }
}
