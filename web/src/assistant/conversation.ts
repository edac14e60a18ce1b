// The assistant's conversation through the one API client: the signed-in routes (/assistant/…) or, for a
// visitor without an account, the public ones (/public/assistant/…), which have the same shapes. The
// conversation's id is kept in the tab (sessionStorage) with who it belongs to, so that it survives a navigation
// and a reload, and is never reused by someone else signing in the same tab.
import { call, type Result } from "../api/client";
import type { components } from "../api/schema";

export type Conversation = components["schemas"]["ConversationView"];
export type Reply = components["schemas"]["ReplyView"];
export type Turn = components["schemas"]["TurnView"];
export type Reason = components["schemas"]["FeedbackReason"];

/** Whose conversation: a signed-in user's (their address) or a visitor's (""). */
export interface Owner {
  signedIn: boolean;
  who: string;
}

const KEY = "portal.assistant";

interface Kept {
  who: string;
  id: string;
  open: boolean;
}

function kept(): Kept | null {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? "null");
    if (typeof value !== "object" || value === null) return null;
    const v = value as Record<string, unknown>;
    return typeof v.who === "string" && typeof v.id === "string" ? { who: v.who, id: v.id, open: v.open === true } : null;
  } catch {
    return null;
  }
}

/** The conversation this owner had in this tab, if any. */
export function keptId(owner: Owner): string | null {
  const k = kept();
  return k !== null && k.who === owner.who ? k.id : null;
}

/** Whether the panel was open when the page was left (reopened after a reload). */
export function keptOpen(owner: Owner): boolean {
  const k = kept();
  return k !== null && k.who === owner.who && k.open;
}

export function keep(owner: Owner, id: string, open: boolean): void {
  sessionStorage.setItem(KEY, JSON.stringify({ who: owner.who, id, open }));
}

export function forget(): void {
  sessionStorage.removeItem(KEY);
}

export function start(owner: Owner): Promise<Result<Conversation>> {
  return owner.signedIn
    ? call((api) => api.POST("/assistant/conversations"))
    : call((api) => api.POST("/public/assistant/conversations"));
}

export function read(owner: Owner, id: string): Promise<Result<Conversation>> {
  const params = { path: { conversation_id: id } };
  return owner.signedIn
    ? call((api) => api.GET("/assistant/conversations/{conversation_id}", { params }))
    : call((api) => api.GET("/public/assistant/conversations/{conversation_id}", { params }));
}

export function say(owner: Owner, id: string, body: { choice: string } | { text: string }): Promise<Result<Conversation>> {
  const params = { path: { conversation_id: id } };
  return owner.signedIn
    ? call((api) => api.POST("/assistant/conversations/{conversation_id}/messages", { params, body }))
    : call((api) => api.POST("/public/assistant/conversations/{conversation_id}/messages", { params, body }));
}

export function rate(
  owner: Owner,
  id: string,
  body: { rating: "UP" } | { rating: "DOWN"; reason: Reason | null; comment: string },
): Promise<Result<Conversation>> {
  const params = { path: { conversation_id: id } };
  return owner.signedIn
    ? call((api) => api.POST("/assistant/conversations/{conversation_id}/feedback", { params, body }))
    : call((api) => api.POST("/public/assistant/conversations/{conversation_id}/feedback", { params, body }));
}

/** The state of an operation the procedure started (signed in only): RUNNING until it has an outcome. */
export async function operationState(id: string): Promise<string | null> {
  const result = await call((api) => api.GET("/operations/{operation_id}", { params: { path: { operation_id: id } } }));
  return result.ok ? result.data.state.code : null;
}

/** The assistant's name as its welcome gives it (« Bonjour, je suis ClaudIA, … »), or null. */
export function assistantName(conversation: Conversation): string | null {
  const first = conversation.transcript.find((t) => t.by === "ASSISTANT");
  const match = first ? /je suis ([^,.]{1,40})[,.]/.exec(first.text) : null;
  return match?.[1]?.trim() ?? null;
}

/** A ticket the assistant filed or drafted in its answer (« brouillon n° 12 », « sollicitation n° 12 »). */
export function filed(text: string): { number: string; draft: boolean } | null {
  const draft = /brouillon n° ?(\d{1,12})/.exec(text);
  if (draft?.[1]) return { number: draft[1], draft: true };
  const sent = /sollicitation n° ?(\d{1,12})/.exec(text);
  return sent?.[1] ? { number: sent[1], draft: false } : null;
}
