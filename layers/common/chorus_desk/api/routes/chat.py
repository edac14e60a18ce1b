"""The live chat over HTTP: every action of the WebSocket API has its REST counterpart, with the same rules, for a
client that cannot keep a socket (it reads the new messages with its cursor, ``after``).

The user's side goes by their assistant conversation (``/assistant/conversations/{id}/chat…`` signed in, and
``/public/assistant/conversations/{id}/chat…`` for an anonymous visitor, whose key is the conversation's id);
the agent's side by the chat's id (``/chat/sessions/{id}…``), and their queues (``/chat/queues``,
``/chat/availability``)."""

from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from chorus_desk import bootstrap
from chorus_desk.actors import SignedInUser
from chorus_desk.chats import ChatMessage, ChatSession
from chorus_desk.observability import tracer
from chorus_desk.ports import Ports, Pusher
from chorus_desk.settings import ChatSettings, PublicChatSettings, load_settings
from chorus_desk.usecases import chat
from chorus_desk.usecases.public import Limits, check_rate

from ..http import counted_source, documented, signed_in
from ..schemas.assistant import SatisfactionView
from ..schemas.chat import (
    CHAT_ID,
    AvailabilityRequest,
    ChatFeedbackRequest,
    ChatMessageRequest,
    ChatMessageView,
    ChatReadView,
    ChatView,
    EndChatRequest,
    HandOverRequest,
    QueuesView,
    SentView,
    StartChatRequest,
    TranscriptRequest,
)
from ..websocket import context_of

router = Router()  # type: ignore[no-untyped-call]  # signed-in users and agents (ChatFunction)
public_router = Router()  # type: ignore[no-untyped-call]  # anonymous visitors (PublicChatFunction)

User = Annotated[SignedInUser, Depends(signed_in)]
Wired = Annotated[Ports, Depends(bootstrap.ports)]
Pushing = Annotated[Pusher, Depends(bootstrap.pusher)]
Settings = Annotated[ChatSettings, Depends(bootstrap.chat_settings)]
ConversationId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{16,64}$", description="Identifiant de la conversation.")]
ChatId = Annotated[str, Path(pattern=CHAT_ID, description="Identifiant de la discussion.")]
After = Annotated[int, Query(ge=0, le=99_999_999, description="Les messages après ce numéro (0 : tous).")]

_READ = "La discussion, la conversation qui l'a précédée et ses messages après le curseur."
_STATE = "La discussion telle qu'elle est maintenant."


def _ctx(ports: Ports, pusher: Pusher, settings: ChatSettings) -> chat.Context:
    return context_of(ports, pusher, settings)


def _read(read: chat.Read, ctx: chat.Context) -> ChatReadView:
    return ChatReadView.of(read, ctx.now, ctx.rules.waiting)


def _state(session: ChatSession, ctx: chat.Context) -> ChatView:
    return ChatView.of(session, ctx.now, ctx.rules.waiting)


def _sent(sent: tuple[ChatSession, ChatMessage], ctx: chat.Context) -> SentView:
    return SentView(chat=_state(sent[0], ctx), message=ChatMessageView.of(sent[1]))


# --------------------------------------------------------------------------------------- the user's side
_MINE = documented(200, ChatReadView, _READ, 400, 401, 404)
_MINE_STATE = documented(200, ChatView, _STATE, 400, 401, 404, 409)


@router.post(
    "/assistant/conversations/<conversation_id>/chat",
    summary="Échanger en ligne avec un agent (rejoindre la file d'attente)",
    tags=["Échange en ligne"],
    responses=documented(200, ChatReadView, _READ, 400, 401, 404, 409, 410),
)
@tracer.capture_method
def start_chat(
    conversation_id: ConversationId, body: StartChatRequest, user: User, ports: Wired, pusher: Pushing, s: Settings
) -> ChatReadView:
    ctx = _ctx(ports, pusher, s)
    return _read(chat.start(ctx, chat.Requester(user, conversation_id), body.siret, body.ticket), ctx)


@router.get(
    "/assistant/conversations/<conversation_id>/chat",
    summary="Lire la discussion (les messages après un numéro)",
    tags=["Échange en ligne"],
    responses=_MINE,
)
@tracer.capture_method
def read_chat(
    conversation_id: ConversationId, user: User, ports: Wired, pusher: Pushing, s: Settings, after: After = 0
) -> ChatReadView:
    ctx = _ctx(ports, pusher, s)
    return _read(chat.read_mine(ctx, chat.Requester(user, conversation_id), after), ctx)


@router.post(
    "/assistant/conversations/<conversation_id>/chat/messages",
    summary="Écrire à l'agent",
    tags=["Échange en ligne"],
    responses=documented(200, SentView, "Le message enregistré (son numéro).", 400, 401, 404, 409),
)
@tracer.capture_method
def send_chat_message(
    conversation_id: ConversationId, body: ChatMessageRequest, user: User, ports: Wired, pusher: Pushing, s: Settings
) -> SentView:
    ctx = _ctx(ports, pusher, s)
    return _sent(chat.send_mine(ctx, chat.Requester(user, conversation_id), body.text), ctx)


@router.post(
    "/assistant/conversations/<conversation_id>/chat/end",
    summary="Quitter la discussion (ou la file d'attente)",
    tags=["Échange en ligne"],
    responses=_MINE_STATE,
)
@tracer.capture_method
def leave_chat(conversation_id: ConversationId, user: User, ports: Wired, pusher: Pushing, s: Settings) -> ChatView:
    ctx = _ctx(ports, pusher, s)
    return _state(chat.end_mine(ctx, chat.Requester(user, conversation_id)), ctx)


@router.post(
    "/assistant/conversations/<conversation_id>/chat/feedback",
    summary="Donner son avis sur l'échange (une fois, à la fin)",
    tags=["Échange en ligne"],
    responses=_MINE_STATE,
)
@tracer.capture_method
def rate_chat(
    conversation_id: ConversationId, body: ChatFeedbackRequest, user: User, ports: Wired, pusher: Pushing, s: Settings
) -> ChatView:
    ctx = _ctx(ports, pusher, s)
    requester = chat.Requester(user, conversation_id)
    return _state(chat.rate_mine(ctx, requester, body.rating, body.reason, body.comment), ctx)


@router.post(
    "/assistant/conversations/<conversation_id>/chat/transcript",
    summary="Recevoir la transcription par courriel (à l'adresse du compte)",
    tags=["Échange en ligne"],
    responses=_MINE_STATE,
)
@tracer.capture_method
def mail_chat_transcript(
    conversation_id: ConversationId, body: TranscriptRequest, user: User, ports: Wired, pusher: Pushing, s: Settings
) -> ChatView:
    ctx = _ctx(ports, pusher, s)
    return _state(chat.mail_transcript(ctx, chat.Requester(user, conversation_id), body.email), ctx)


# --------------------------------------------------------------------------------------- the agent's side
_AGENT = documented(200, ChatView, _STATE, 400, 401, 404, 409)


@router.get(
    "/chat/queues",
    summary="Mes files : ma disponibilité et les discussions en attente",
    tags=["Échange en ligne"],
    responses=documented(200, QueuesView, "Les files de l'agent, leurs discussions en attente.", 401, 403),
)
@tracer.capture_method
def list_chat_queues(user: User, ports: Wired, pusher: Pushing, s: Settings) -> QueuesView:
    ctx = _ctx(ports, pusher, s)
    return QueuesView.of(chat.queues(ctx, chat.Agent(user)), ctx.now, ctx.rules.waiting)


@router.post(
    "/chat/availability",
    summary="Se déclarer disponible ou absent",
    tags=["Échange en ligne"],
    responses=documented(200, QueuesView, "Les files de l'agent, sa disponibilité.", 400, 401, 403),
)
@tracer.capture_method
def set_chat_availability(
    body: AvailabilityRequest, user: User, ports: Wired, pusher: Pushing, s: Settings
) -> QueuesView:
    ctx = _ctx(ports, pusher, s)
    return QueuesView.of(chat.set_availability(ctx, chat.Agent(user), body.available), ctx.now, ctx.rules.waiting)


@router.get(
    "/chat/sessions/<chat_id>",
    summary="Lire une discussion de ses files (les messages après un numéro)",
    tags=["Échange en ligne"],
    responses=documented(200, ChatReadView, _READ, 400, 401, 404),
)
@tracer.capture_method
def read_agent_chat(
    chat_id: ChatId, user: User, ports: Wired, pusher: Pushing, s: Settings, after: After = 0
) -> ChatReadView:
    ctx = _ctx(ports, pusher, s)
    return _read(chat.read_as_agent(ctx, chat.Agent(user), chat_id, after), ctx)


@router.post(
    "/chat/sessions/<chat_id>/take",
    summary="Prendre une discussion en attente",
    tags=["Échange en ligne"],
    responses=_AGENT,
)
@tracer.capture_method
def take_chat(chat_id: ChatId, user: User, ports: Wired, pusher: Pushing, s: Settings) -> ChatView:
    ctx = _ctx(ports, pusher, s)
    return _state(chat.take(ctx, chat.Agent(user), chat_id), ctx)


@router.post(
    "/chat/sessions/<chat_id>/messages",
    summary="Écrire à l'utilisateur",
    tags=["Échange en ligne"],
    responses=documented(200, SentView, "Le message enregistré (son numéro).", 400, 401, 404, 409),
)
@tracer.capture_method
def send_agent_message(
    chat_id: ChatId, body: ChatMessageRequest, user: User, ports: Wired, pusher: Pushing, s: Settings
) -> SentView:
    ctx = _ctx(ports, pusher, s)
    return _sent(chat.send_as_agent(ctx, chat.Agent(user), chat_id, body.text), ctx)


@router.post(
    "/chat/sessions/<chat_id>/handover",
    summary="Confier la discussion à un collègue disponible de la même file",
    tags=["Échange en ligne"],
    responses=_AGENT,
)
@tracer.capture_method
def hand_over_chat(
    chat_id: ChatId, body: HandOverRequest, user: User, ports: Wired, pusher: Pushing, s: Settings
) -> ChatView:
    ctx = _ctx(ports, pusher, s)
    return _state(chat.hand_over(ctx, chat.Agent(user), chat_id, body.agent), ctx)


@router.post(
    "/chat/sessions/<chat_id>/end",
    summary="Mettre fin à la discussion : la fermer, ou en faire une sollicitation",
    tags=["Échange en ligne"],
    responses=_AGENT,
)
@tracer.capture_method
def end_chat(chat_id: ChatId, body: EndChatRequest, user: User, ports: Wired, pusher: Pushing, s: Settings) -> ChatView:
    ctx = _ctx(ports, pusher, s)
    return _state(chat.end_as_agent(ctx, chat.Agent(user), chat_id, body.outcome), ctx)


@router.get(
    "/chat/satisfaction",
    summary="Satisfaction des échanges en ligne : avis par jour et par raison (support Chorus Pro)",
    tags=["Échange en ligne"],
    responses=documented(200, SatisfactionView, "Les avis de la période.", 400, 401, 403),
)
@tracer.capture_method
def get_chat_satisfaction(
    user: User,
    ports: Wired,
    pusher: Pushing,
    s: Settings,
    first: Annotated[date, Query(alias="from", description="Premier jour (AAAA-MM-JJ).")],
    last: Annotated[date, Query(alias="to", description="Dernier jour (AAAA-MM-JJ).")],
) -> SatisfactionView:
    return SatisfactionView.of(chat.satisfaction(_ctx(ports, pusher, s), user, first, last))


# ----------------------------------------------------------------------------------------- anonymous
@lru_cache(maxsize=1)
def public_settings() -> PublicChatSettings:
    return load_settings(PublicChatSettings)


def limited(action: str, per_hour: str, per_day: str) -> Callable[..., None]:
    """The anonymous caller's address counted against the public chat's limits (429 with Retry-After past them)."""

    def check(
        ports: Annotated[Ports, Depends(bootstrap.ports)],
        who: Annotated[str, Depends(counted_source)],
        settings: Annotated[PublicChatSettings, Depends(public_settings)],
    ) -> None:
        check_rate(ports, action, who, Limits(per_hour=getattr(settings, per_hour), per_day=getattr(settings, per_day)))

    return check


StartLimit = Annotated[None, Depends(limited("chat-start", "starts_per_hour", "starts_per_day"))]
MessageLimit = Annotated[None, Depends(limited("chat-message", "messages_per_hour", "messages_per_day"))]
_PUBLIC = documented(200, ChatView, _STATE, 400, 404, 409, 429)


@public_router.post(
    "/public/assistant/conversations/<conversation_id>/chat",
    summary="Échanger en ligne avec un agent sans compte (rejoindre la file d'attente)",
    tags=["Échange en ligne"],
    responses=documented(200, ChatReadView, _READ, 400, 404, 409, 410, 429),
)
@tracer.capture_method
def start_public_chat(
    conversation_id: ConversationId,
    body: StartChatRequest,
    ports: Wired,
    pusher: Pushing,
    s: Settings,
    _limited: StartLimit,
) -> ChatReadView:
    ctx = _ctx(ports, pusher, s)
    return _read(chat.start(ctx, chat.Requester(None, conversation_id), body.siret, body.ticket), ctx)


@public_router.get(
    "/public/assistant/conversations/<conversation_id>/chat",
    summary="Lire la discussion sans compte (les messages après un numéro)",
    tags=["Échange en ligne"],
    responses=documented(200, ChatReadView, _READ, 400, 404),
)
@tracer.capture_method
def read_public_chat(
    conversation_id: ConversationId, ports: Wired, pusher: Pushing, s: Settings, after: After = 0
) -> ChatReadView:
    ctx = _ctx(ports, pusher, s)
    return _read(chat.read_mine(ctx, chat.Requester(None, conversation_id), after), ctx)


@public_router.post(
    "/public/assistant/conversations/<conversation_id>/chat/messages",
    summary="Écrire à l'agent sans compte",
    tags=["Échange en ligne"],
    responses=documented(200, SentView, "Le message enregistré (son numéro).", 400, 404, 409, 429),
)
@tracer.capture_method
def send_public_chat_message(
    conversation_id: ConversationId,
    body: ChatMessageRequest,
    ports: Wired,
    pusher: Pushing,
    s: Settings,
    _limited: MessageLimit,
) -> SentView:
    ctx = _ctx(ports, pusher, s)
    return _sent(chat.send_mine(ctx, chat.Requester(None, conversation_id), body.text), ctx)


@public_router.post(
    "/public/assistant/conversations/<conversation_id>/chat/end",
    summary="Quitter la discussion sans compte",
    tags=["Échange en ligne"],
    responses=_PUBLIC,
)
@tracer.capture_method
def leave_public_chat(
    conversation_id: ConversationId, ports: Wired, pusher: Pushing, s: Settings, _limited: MessageLimit
) -> ChatView:
    ctx = _ctx(ports, pusher, s)
    return _state(chat.end_mine(ctx, chat.Requester(None, conversation_id)), ctx)


@public_router.post(
    "/public/assistant/conversations/<conversation_id>/chat/feedback",
    summary="Donner son avis sur l'échange sans compte (une fois, à la fin)",
    tags=["Échange en ligne"],
    responses=_PUBLIC,
)
@tracer.capture_method
def rate_public_chat(
    conversation_id: ConversationId,
    body: ChatFeedbackRequest,
    ports: Wired,
    pusher: Pushing,
    s: Settings,
    _limited: MessageLimit,
) -> ChatView:
    ctx = _ctx(ports, pusher, s)
    requester = chat.Requester(None, conversation_id)
    return _state(chat.rate_mine(ctx, requester, body.rating, body.reason, body.comment), ctx)


@public_router.post(
    "/public/assistant/conversations/<conversation_id>/chat/transcript",
    summary="Recevoir la transcription par courriel, sans compte (à l'adresse indiquée)",
    tags=["Échange en ligne"],
    responses=_PUBLIC,
)
@tracer.capture_method
def mail_public_chat_transcript(
    conversation_id: ConversationId,
    body: TranscriptRequest,
    ports: Wired,
    pusher: Pushing,
    s: Settings,
    _limited: MessageLimit,
) -> ChatView:
    ctx = _ctx(ports, pusher, s)
    return _state(chat.mail_transcript(ctx, chat.Requester(None, conversation_id), body.email), ctx)
