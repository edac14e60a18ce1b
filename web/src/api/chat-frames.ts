// The live chat's frames, as docs/asyncapi.yaml defines them (written by hand: no AsyncAPI generator for
// TypeScript is in the portal's tool chain). The views inside the frames (ChatView, ChatMessageView, QueueView…)
// are the REST contract's own types (schema.d.ts, generated from docs/openapi.json): the same models serve both.
//
// Kept in step with the contract twice over:
// - FRAME_FIELDS below lists each frame's fields; `tsc` refuses it if it differs from the types (FieldsProof);
// - tests/test_chat_frames_contract.py compares FRAME_FIELDS with docs/asyncapi.yaml's messages, and the views'
//   fields in docs/asyncapi.yaml with docs/openapi.json's.
import type { components } from "./schema";

type Schemas = components["schemas"];
export type ChatView = Schemas["ChatView"];
export type ChatMessageView = Schemas["ChatMessageView"];
export type ContextLineView = Schemas["ContextLineView"];
export type QueueView = Schemas["QueueView"];
export type WaitingView = Schemas["WaitingView"];
export type PersonView = Schemas["PersonView"];
export type Outcome = Schemas["Outcome"];
export type Rating = Schemas["Rating"];
export type FeedbackReason = Schemas["FeedbackReason"];

// ------------------------------------------------------------------ what a client sends (one JSON object)
export interface StartFrame {
  action: "start";
  conversation_id?: string | null;
  siret?: string | null;
  ticket?: number | null;
}
export interface ReadFrame {
  action: "read";
  conversation_id?: string | null;
  chat_id?: string | null;
  after?: number;
}
export interface SendFrame {
  action: "send";
  conversation_id?: string | null;
  chat_id?: string | null;
  text: string;
}
export interface EndFrame {
  action: "end";
  conversation_id?: string | null;
  chat_id?: string | null;
  outcome?: Outcome;
}
export interface FeedbackFrame {
  action: "feedback";
  conversation_id?: string | null;
  rating: Rating;
  reason?: FeedbackReason | null;
  comment?: string | null;
}
export interface TranscriptFrame {
  action: "transcript";
  conversation_id?: string | null;
  email?: string | null;
}
export interface AvailabilityFrame {
  action: "availability";
  available?: boolean | null;
}
export interface QueueFrame {
  action: "queue";
}
export interface TakeFrame {
  action: "take";
  chat_id: string;
}
export interface HandOverFrame {
  action: "handover";
  chat_id: string;
  agent: string;
}

// ------------------------------------------------------------------ what the server answers or pushes
export interface ChatFrame {
  type: "chat";
  chat: ChatView;
  context: ContextLineView[];
  messages: ChatMessageView[];
  more: boolean;
}
export interface StateFrame {
  type: "state";
  chat: ChatView;
}
export interface MessageFrame {
  type: "message";
  chat_id: string;
  message: ChatMessageView;
}
export interface SentFrame {
  type: "sent";
  chat: ChatView;
  message: ChatMessageView;
}
export interface QueuesFrame {
  type: "queues";
  queues: QueueView[];
}
export interface QueueChangedFrame {
  type: "queue_changed";
  queue: string;
  name: string;
}
export interface ErrorDetail {
  field: string;
  message: string;
}
export interface ErrorFrame {
  type: "error";
  action: string | null;
  code: string;
  message: string;
  errors?: ErrorDetail[];
}

/** Each frame a client sends, by its `action` (the asyncapi message's name). */
export interface ActionFrames {
  start: StartFrame;
  read: ReadFrame;
  send: SendFrame;
  end: EndFrame;
  feedback: FeedbackFrame;
  transcript: TranscriptFrame;
  availability: AvailabilityFrame;
  queue: QueueFrame;
  take: TakeFrame;
  handover: HandOverFrame;
}
/** Each frame the server sends, by its `type` (the asyncapi message's name). */
export interface ServerFrames {
  chat: ChatFrame;
  state: StateFrame;
  message: MessageFrame;
  sent: SentFrame;
  queues: QueuesFrame;
  queue_changed: QueueChangedFrame;
  error: ErrorFrame;
}
export type ClientFrame = ActionFrames[keyof ActionFrames];
export type ServerFrame = ServerFrames[keyof ServerFrames];
export type Action = keyof ActionFrames;
export type ServerFrameType = keyof ServerFrames;

/** The reply each action gets (docs/asyncapi.yaml's operations), an error frame otherwise. */
export const REPLY_OF = {
  start: "chat",
  read: "chat",
  send: "sent",
  end: "state",
  feedback: "state",
  transcript: "state",
  availability: "queues",
  queue: "queues",
  take: "chat",
  handover: "state",
} as const satisfies { [A in Action]: ServerFrameType };
export type ReplyOf<A extends Action> = ServerFrames[(typeof REPLY_OF)[A]];

// Every frame's fields, each marked required (true) or not, read by tests/test_chat_frames_contract.py.
// frames:begin
export const FRAME_FIELDS = {
  start: { action: true, conversation_id: false, siret: false, ticket: false },
  read: { action: true, conversation_id: false, chat_id: false, after: false },
  send: { action: true, conversation_id: false, chat_id: false, text: true },
  end: { action: true, conversation_id: false, chat_id: false, outcome: false },
  feedback: { action: true, conversation_id: false, rating: true, reason: false, comment: false },
  transcript: { action: true, conversation_id: false, email: false },
  availability: { action: true, available: false },
  queue: { action: true },
  take: { action: true, chat_id: true },
  handover: { action: true, chat_id: true, agent: true },
  chat: { type: false, chat: true, context: true, messages: true, more: true },
  state: { type: false, chat: true },
  message: { type: false, chat_id: true, message: true },
  sent: { type: false, chat: true, message: true },
  queues: { type: false, queues: true },
  queue_changed: { type: false, queue: true, name: true },
  error: { type: false, action: true, code: true, message: true, errors: false },
} as const;
// frames:end

// The proof that FRAME_FIELDS names each type's fields, no more, no less: a mismatch makes a `true` below fail.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type AllFrames = ActionFrames & ServerFrames;
type FieldsProof = { [K in keyof AllFrames]: Same<keyof (typeof FRAME_FIELDS)[K], keyof AllFrames[K]> };
export const fieldsProof: FieldsProof = {
  start: true,
  read: true,
  send: true,
  end: true,
  feedback: true,
  transcript: true,
  availability: true,
  queue: true,
  take: true,
  handover: true,
  chat: true,
  state: true,
  message: true,
  sent: true,
  queues: true,
  queue_changed: true,
  error: true,
};
// And that FRAME_FIELDS has no frame the types lack.
export const framesProof: Same<keyof typeof FRAME_FIELDS, keyof AllFrames> = true;
