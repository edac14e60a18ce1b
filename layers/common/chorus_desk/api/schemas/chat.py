"""The live chat's requests and answers: the REST bodies, and the WebSocket API's frames (what a client sends,
with its ``action``, and what it is sent, with its ``type``). docs/asyncapi.yaml is written from these models
(``python -m local_stack asyncapi``) and tests/test_chat_asyncapi.py holds it to them."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import Field, StrictBool

from chorus_desk import catalogue, messages
from chorus_desk.chats import Author, ChatMessage, ChatSession, Outcome, Seat
from chorus_desk.models import FeedbackReason, Rating, Turn
from chorus_desk.usecases.chat import Queue, Read, ticket_offered

from .common import CodeLabel, PersonView, Request, View

CONVERSATION_ID = r"^[A-Za-z0-9_-]{16,64}$"  # as the assistant's routes take it
CHAT_ID = r"^[A-Za-z0-9_-]{16,64}$"
USER_ID = r"^[A-Za-z0-9_-]{1,64}$"
SIRET = r"^[0-9]{14}$"
ConversationId = Annotated[str, Field(pattern=CONVERSATION_ID, description="Identifiant de la conversation.")]
ChatId = Annotated[str, Field(pattern=CHAT_ID, description="Identifiant de la discussion.")]
Text = Annotated[str, Field(min_length=1, max_length=2000, description="Le message (2 000 caractères au plus).")]


# ------------------------------------------------------------------------------------------------ REST bodies
class StartChatRequest(Request):
    siret: str | None = Field(
        None, pattern=SIRET, description="La structure de l'utilisateur dont il s'agit (s'il en a plusieurs)."
    )
    ticket: int | None = Field(
        None, ge=1, le=9_999_999_999, description="Une sollicitation envoyée : la discussion va à son destinataire."
    )


class ChatMessageRequest(Request):
    text: Text


class EndChatRequest(Request):
    outcome: Outcome = Field(
        Outcome.CLOSE,
        description="CLOSE (fermer) ou TICKET (transformer en sollicitation, la transcription en description).",
    )


class HandOverRequest(Request):
    agent: str = Field(pattern=USER_ID, description="L'identifiant d'un collègue disponible de la même file.")


class AvailabilityRequest(Request):
    available: StrictBool = Field(description="true : disponible ; false : absent.")


class ChatFeedbackRequest(Request):
    rating: Rating = Field(description="UP (pouce en haut) ou DOWN (pouce en bas).")
    reason: FeedbackReason | None = Field(
        None, description="Avec DOWN : NOT_UNDERSTOOD, IMPRECISE, COMPLICATED, OTHER."
    )
    comment: str | None = Field(None, max_length=2000, description="Avec DOWN : obligatoire.")


class TranscriptRequest(Request):
    email: str | None = Field(
        None, max_length=254, description="Sans compte : l'adresse où l'envoyer (avec un compte : celle du compte)."
    )


# ------------------------------------------------------------------------------------------------ views
class ChatMessageView(View):
    seq: int = Field(description="Numéro d'ordre dans la discussion (1, 2, … sans trou) : le curseur de lecture.")
    by: Author
    name: str | None = Field(description="Le nom de l'auteur (agent, utilisateur connecté).")
    text: str
    at: datetime

    @classmethod
    def of(cls, message: ChatMessage) -> ChatMessageView:
        return cls(seq=message.seq, by=message.by, name=message.name, text=message.text, at=message.at)


class ContextLineView(View):
    by: str = Field(description="USER, ASSISTANT ou AGENT.")
    name: str | None
    text: str
    at: datetime

    @classmethod
    def of(cls, turn: Turn) -> ContextLineView:
        return cls(by=turn.by.value, name=turn.name, text=turn.text, at=turn.at)


class StructureRefView(View):
    siret: str
    name: str


class ChatView(View):
    id: str
    state: CodeLabel = Field(description="WAITING (en attente d'un agent), ACTIVE (en cours), ENDED (terminée).")
    queue: str = Field(description="La file : TEAM#SUPPORT, ou l'organisation destinataire d'une sollicitation.")
    queue_name: str
    requester: str = Field(description="Le nom de l'utilisateur, ou « Visiteur sans compte ».")
    structure: StructureRefView | None
    ticket: int | None = Field(description="La sollicitation dont il s'agit, le cas échéant.")
    category: CodeLabel
    subcategory: CodeLabel
    agent: PersonView | None
    waiting_since: datetime
    waiting_seconds: int = Field(description="Le temps d'attente (jusqu'à la prise en charge).")
    ticket_offered: bool = Field(description="L'attente a dépassé le délai : déposer une sollicitation est proposé.")
    ended_at: datetime | None
    ended_by: Author | None
    filed: int | None = Field(description="La sollicitation créée à partir de la discussion, le cas échéant.")
    feedback_given: bool
    transcript_asked: bool
    last_seq: int = Field(description="Le numéro du dernier message.")

    @classmethod
    def of(cls, session: ChatSession, now: datetime, waiting: timedelta) -> ChatView:
        labels = catalogue.labels(session.category, session.subcategory)
        structure = (
            StructureRefView(siret=session.structure_siret, name=session.structure_name or session.structure_siret)
            if session.structure_siret
            else None
        )
        return cls(
            id=session.id,
            state=CodeLabel(code=session.state.value, label=session.state.label),
            queue=session.queue,
            queue_name=session.queue_name,
            requester=session.requester.name if session.requester else messages.CHAT_VISITOR,
            structure=structure,
            ticket=session.ticket,
            category=CodeLabel(code=session.category, label=labels[0] or session.category),
            subcategory=CodeLabel(code=session.subcategory, label=labels[1] or session.subcategory),
            agent=PersonView.of(session.agent),
            waiting_since=session.waiting_since,
            waiting_seconds=int(session.waiting_for(now).total_seconds()),
            ticket_offered=ticket_offered(session, now, waiting),
            ended_at=session.ended_at,
            ended_by=session.ended_by,
            filed=session.filed,
            feedback_given=session.feedback is not None,
            transcript_asked=session.transcript_to,
            last_seq=session.last_seq,
        )


class ChatReadView(View):
    chat: ChatView
    context: list[ContextLineView] = Field(description="La conversation avec l'assistant avant la discussion.")
    messages: list[ChatMessageView] = Field(description="Les messages après le curseur « after », dans l'ordre.")
    more: bool = Field(description="D'autres messages suivent : relire avec after = le dernier numéro reçu.")

    @classmethod
    def of(cls, read: Read, now: datetime, waiting: timedelta) -> ChatReadView:
        return cls(
            chat=ChatView.of(read.session, now, waiting),
            context=[ContextLineView.of(t) for t in read.session.context],
            messages=[ChatMessageView.of(m) for m in read.messages],
            more=read.more,
        )


class SentView(View):
    chat: ChatView
    message: ChatMessageView


class WaitingView(View):
    chat: ChatView
    context: list[ContextLineView] = Field(description="Ce que l'utilisateur a dit à l'assistant avant.")


class QueueView(View):
    queue: str
    name: str
    available: bool = Field(description="L'agent est disponible dans cette file.")
    available_until: datetime | None
    waiting: list[WaitingView] = Field(description="Les discussions en attente, la plus ancienne d'abord.")
    agents: list[PersonView] = Field(description="Les agents disponibles de la file (à qui confier une discussion).")

    @classmethod
    def of(cls, queue: Queue, now: datetime, waiting: timedelta) -> QueueView:
        seat: Seat | None = queue.seat
        available = seat is not None and seat.is_available(now)
        return cls(
            queue=queue.key,
            name=queue.name,
            available=available,
            available_until=seat.until if seat is not None and available else None,
            waiting=[
                WaitingView(chat=ChatView.of(s, now, waiting), context=[ContextLineView.of(t) for t in s.context])
                for s in queue.waiting
            ],
            agents=[PersonView(id=a.id, name=a.name) for a in queue.agents],
        )


class QueuesView(View):
    queues: list[QueueView]

    @classmethod
    def of(cls, queues: list[Queue], now: datetime, waiting: timedelta) -> QueuesView:
        return cls(queues=[QueueView.of(q, now, waiting) for q in queues])


# --------------------------------------------------------------------------------- WebSocket: client → API
class StartFrame(Request):
    """Open the conversation's chat (or rejoin the one under way)."""

    action: Literal["start"]
    conversation_id: str | None = Field(
        None, pattern=CONVERSATION_ID, description="Connecté : obligatoire. Sans compte : la conversation du socket."
    )
    siret: str | None = Field(None, pattern=SIRET)
    ticket: int | None = Field(None, ge=1, le=9_999_999_999)


class ReadFrame(Request):
    """Read a chat after a cursor; the socket then follows it (the user by their conversation, an agent by the
    chat's id)."""

    action: Literal["read"]
    conversation_id: str | None = Field(None, pattern=CONVERSATION_ID)
    chat_id: str | None = Field(None, pattern=CHAT_ID)
    after: int = Field(0, ge=0)


class SendFrame(Request):
    action: Literal["send"]
    conversation_id: str | None = Field(None, pattern=CONVERSATION_ID)
    chat_id: str | None = Field(None, pattern=CHAT_ID)
    text: Text


class EndFrame(Request):
    action: Literal["end"]
    conversation_id: str | None = Field(None, pattern=CONVERSATION_ID)
    chat_id: str | None = Field(None, pattern=CHAT_ID)
    outcome: Outcome = Outcome.CLOSE


class FeedbackFrame(Request):
    action: Literal["feedback"]
    conversation_id: str | None = Field(None, pattern=CONVERSATION_ID)
    rating: Rating
    reason: FeedbackReason | None = None
    comment: str | None = Field(None, max_length=2000)


class TranscriptFrame(Request):
    action: Literal["transcript"]
    conversation_id: str | None = Field(None, pattern=CONVERSATION_ID)
    email: str | None = Field(None, max_length=254)


class AvailabilityFrame(Request):
    """Say « disponible » or « absent » (``available``), or read one's queues (no ``available``)."""

    action: Literal["availability"]
    available: StrictBool | None = None


class QueueFrame(Request):
    action: Literal["queue"]


class TakeFrame(Request):
    action: Literal["take"]
    chat_id: ChatId


class HandOverFrame(Request):
    action: Literal["handover"]
    chat_id: ChatId
    agent: str = Field(pattern=USER_ID)


CLIENT_FRAMES: dict[str, type[Request]] = {
    "start": StartFrame,
    "read": ReadFrame,
    "send": SendFrame,
    "end": EndFrame,
    "feedback": FeedbackFrame,
    "transcript": TranscriptFrame,
    "availability": AvailabilityFrame,
    "queue": QueueFrame,
    "take": TakeFrame,
    "handover": HandOverFrame,
}


# --------------------------------------------------------------------------------- WebSocket: API → client
class ChatFrame(ChatReadView):
    """The answer to start and read: the chat, what came before it, its messages after the cursor."""

    type: Literal["chat"] = "chat"


class StateFrame(View):
    """Pushed when a chat changes: taken, handed over, back in its queue, offered the ticket, ended (and the
    answer to take, handover, end, feedback, transcript)."""

    type: Literal["state"] = "state"
    chat: ChatView


class MessageFrame(View):
    """Pushed for each new message of a chat the socket follows."""

    type: Literal["message"] = "message"
    chat_id: str
    message: ChatMessageView


class SentFrame(SentView):
    """The answer to send: the message as stored (its number)."""

    type: Literal["sent"] = "sent"


class QueuesFrame(QueuesView):
    """The answer to queue and availability: the agent's queues and their waiting chats."""

    type: Literal["queues"] = "queues"


class QueueChangedFrame(View):
    """Pushed to the available agents of a queue when a chat comes in, is taken or comes back: read it again."""

    type: Literal["queue_changed"] = "queue_changed"
    queue: str
    name: str


class ErrorDetailView(View):
    field: str
    message: str


class ErrorFrame(View):
    """A refusal, in French; the socket stays open and nothing was stored."""

    type: Literal["error"] = "error"
    action: str | None = Field(description="L'action refusée, si elle a pu être lue.")
    code: str
    message: str
    errors: list[ErrorDetailView] = Field(default_factory=list)


SERVER_FRAMES: tuple[type[View], ...] = (
    ChatFrame,
    StateFrame,
    MessageFrame,
    SentFrame,
    QueuesFrame,
    QueueChangedFrame,
    ErrorFrame,
)


def dumps(frame: View) -> bytes:
    return json.dumps(frame.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class JsonFrames:
    """``ChatFrames``: what the use cases push, as the frames above."""

    def __init__(self, waiting: timedelta) -> None:
        self._waiting = waiting

    def message(self, session: ChatSession, message: ChatMessage) -> bytes:
        return dumps(MessageFrame(chat_id=session.id, message=ChatMessageView.of(message)))

    def state(self, session: ChatSession, now: datetime) -> bytes:
        return dumps(StateFrame(chat=ChatView.of(session, now, self._waiting)))

    def queue(self, queue: str, name: str) -> bytes:
        return dumps(QueueChangedFrame(queue=queue, name=name))
