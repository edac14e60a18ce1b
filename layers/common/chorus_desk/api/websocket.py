"""The WebSocket API's handlers (API Gateway, protocol WEBSOCKET, route selection ``$request.body.action``).

- ``ConnectHandler`` ($connect): a signed-in user's socket by their IdToken (``?token=``, checked as the REST
  API's authorizer checks it), or an anonymous visitor's by their conversation's id (``?conversation=``);
  anything else is refused before the socket opens. The socket is recorded (``CONN#``).
- ``SocketHandler`` ($disconnect, $default and the chat's actions): a frame is at most ``max_frame_bytes``
  long, UTF-8, one JSON object with a known ``action`` and the fields of its model (``api/schemas/chat.py``);
  else a French error frame answers it, the socket stays open and nothing is stored. Who is behind a frame is what
  $connect recorded of the socket, never what the frame says: a visitor's frames reach their conversation's chat
  only.

Every answer is one frame, sent back on the socket (the routes' two-way responses); what others must see is
pushed to their sockets by the use cases (``usecases/chat.py``).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http import HTTPStatus
from typing import Any

from pydantic import ValidationError

from chorus_desk import bootstrap, messages
from chorus_desk.actors import Identity, SignedInUser
from chorus_desk.api.http import MAX_JSON_DEPTH, STATUS_OF, _depth, _field_message
from chorus_desk.api.schemas.chat import (
    CLIENT_FRAMES,
    AvailabilityFrame,
    ChatFrame,
    ChatMessageView,
    ChatReadView,
    ChatView,
    EndFrame,
    ErrorDetailView,
    ErrorFrame,
    FeedbackFrame,
    HandOverFrame,
    JsonFrames,
    QueueFrame,
    QueuesFrame,
    QueuesView,
    ReadFrame,
    SendFrame,
    SentFrame,
    StartFrame,
    StateFrame,
    TakeFrame,
    TranscriptFrame,
    dumps,
)
from chorus_desk.api.schemas.common import Request, View
from chorus_desk.chats import ChatSession, Connection, ConnectionKind, Outcome
from chorus_desk.errors import DeskError, FieldError, Forbidden, InvalidInput, NotAuthenticated, NotFound
from chorus_desk.models import utc_now
from chorus_desk.observability import failure, logger
from chorus_desk.ports import Ports, Pusher, TokenVerifier
from chorus_desk.settings import ChatSettings
from chorus_desk.usecases import chat
from chorus_desk.usecases.account import signed_in_user


def context_of(ports: Ports, pusher: Pusher, settings: ChatSettings, now: datetime | None = None) -> chat.Context:
    """The chat's use cases' context from a function's settings (its rules, its frames)."""
    rules = chat.Rules(settings.hours, settings.waiting, settings.availability)
    return chat.Context(ports, pusher, JsonFrames(settings.waiting), rules, settings.assistant_name, now or utc_now())


@dataclass
class Wiring:
    """Where the handlers get their ports, pusher, settings and clock (tests and the local stack replace them)."""

    ports: Callable[[], Ports] = bootstrap.ports
    pusher: Callable[[], Pusher] = bootstrap.pusher
    settings: Callable[[], ChatSettings] = bootstrap.chat_settings
    clock: Callable[[], datetime] = field(default=utc_now)

    def context(self) -> chat.Context:
        return context_of(self.ports(), self.pusher(), self.settings(), self.clock())


def _known(action: str | None) -> str | None:
    return action if action in CLIENT_FRAMES else None


def _error(action: str | None, exc: DeskError) -> ErrorFrame:
    details = [ErrorDetailView(field=e.field, message=e.message) for e in getattr(exc, "errors", [])]
    return ErrorFrame(action=action, code=exc.code, message=exc.message, errors=details)


# ------------------------------------------------------------------------------------------------- $connect
class ConnectHandler:
    """$connect: ``?token=<IdToken>`` (a signed-in user, an agent) or ``?conversation=<id>`` (a visitor)."""

    def __init__(
        self,
        ports: Callable[[], Ports],
        verifier: Callable[[], TokenVerifier],
        mfa: bool = False,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.ports = ports
        self.verifier = verifier
        self.agents_need_mfa = mfa
        self.clock = clock

    def __call__(self, event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        request = event.get("requestContext") or {}
        connection_id = str(request.get("connectionId") or "")
        query = event.get("queryStringParameters") or {}
        try:
            if not connection_id:
                raise NotAuthenticated(messages.CHAT_CONNECT_REFUSED)
            ports, now = self.ports(), self.clock()
            if query.get("token"):
                chat.connect_user(ports, now, self.verifier(), connection_id, query["token"], self.agents_need_mfa)
            else:
                chat.connect_visitor(ports, now, connection_id, query.get("conversation"))
        except DeskError as exc:
            status = next((STATUS_OF[k] for k in type(exc).__mro__ if k in STATUS_OF), HTTPStatus.FORBIDDEN)
            logger.info("chat socket refused", error_code=exc.code, http_status=status.value)
            return {"statusCode": status.value, "body": dumps(_error("$connect", exc)).decode("utf-8")}
        return {"statusCode": 200}


# ------------------------------------------------------------------------------- $disconnect, frames
class SocketHandler:
    """$disconnect, $default and the chat's actions."""

    def __init__(self, wiring: Wiring | None = None) -> None:
        self.wiring = wiring or Wiring()

    def __call__(self, event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        request = event.get("requestContext") or {}
        connection_id = str(request.get("connectionId") or "")
        if request.get("eventType") == "DISCONNECT":
            chat.disconnect(self.wiring.context(), connection_id)
            return {"statusCode": 200}
        return {"statusCode": 200, "body": self.frame(event, connection_id).decode("utf-8")}

    def frame(self, event: dict[str, Any], connection_id: str) -> bytes:
        """The answer to one frame: its result, or a French error frame (nothing stored)."""
        action: str | None = None
        try:
            parsed = self._parse(event)
            named = parsed.get("action")
            action = named if isinstance(named, str) else None
            model = CLIENT_FRAMES.get(action or "")
            if model is None:
                shown = (action or "")[:40]
                text = messages.CHAT_FRAME_UNKNOWN_ACTION.format(action=shown, actions=", ".join(CLIENT_FRAMES))
                raise InvalidInput([FieldError("action", text)], text)
            try:
                frame = model.model_validate(parsed)
            except ValidationError as exc:
                raise InvalidInput([_field_message({**e, "loc": ("body", *e["loc"])}) for e in exc.errors()]) from exc
            ctx = self.wiring.context()
            connection = ctx.ports.chat_connections.load(connection_id)
            if connection is None or connection.expires_at <= ctx.now:
                raise NotAuthenticated(messages.CHAT_CONNECT_REFUSED)
            return dumps(self._dispatch(ctx, connection, frame))
        except DeskError as exc:  # logged by code, the action only if it is one (a frame's text is the user's)
            logger.info("chat frame refused", action=_known(action), error_code=exc.code)
            return dumps(_error(action, exc))
        except Exception as exc:  # the socket stays; the error is logged by type and place, not by message
            logger.error("unexpected error on a chat frame", action=_known(action), **failure(exc))
            return dumps(ErrorFrame(action=action, code="ERREUR_INTERNE", message=messages.INTERNAL_ERROR))

    def _parse(self, event: dict[str, Any]) -> dict[str, Any]:
        body = event.get("body") or ""
        raw = base64.b64decode(body) if event.get("isBase64Encoded") else str(body).encode("utf-8", "surrogatepass")
        limit = self.wiring.settings().max_frame_bytes
        if len(raw) > limit:
            text = messages.CHAT_FRAME_TOO_LARGE.format(max=limit)
            raise InvalidInput([FieldError("body", text)], text)
        try:
            decoded = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput(
                [FieldError("body", messages.CHAT_FRAME_NOT_UTF8)], messages.CHAT_FRAME_NOT_UTF8
            ) from None
        if _depth(decoded) > MAX_JSON_DEPTH:
            raise InvalidInput([FieldError("body", messages.BODY_TOO_DEEP.format(depth=MAX_JSON_DEPTH))])
        try:
            parsed = json.loads(decoded)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            raise InvalidInput([FieldError("body", messages.CHAT_FRAME_NOT_JSON)], messages.CHAT_FRAME_NOT_JSON)
        return parsed

    # ------------------------------------------------------------------------------------------ who asks
    @staticmethod
    def _user(ctx: chat.Context, connection: Connection) -> SignedInUser:
        assert connection.user_id is not None  # a USER socket was recorded with its user
        return signed_in_user(ctx.ports, Identity(user_id=connection.user_id, email=None, name=None))

    def _requester(self, ctx: chat.Context, connection: Connection, conversation_id: str | None) -> chat.Requester:
        """The user's side: a visitor's socket reaches its own conversation only; a user names theirs."""
        if connection.kind is ConnectionKind.VISITOR:
            if conversation_id not in (None, connection.conversation_id):
                raise NotFound(messages.CONVERSATION_NOT_FOUND)
            assert connection.conversation_id is not None
            return chat.Requester(None, connection.conversation_id, connection.id)
        if not conversation_id:
            raise InvalidInput([FieldError("conversation_id", messages.CHAT_CONVERSATION_REQUIRED)])
        return chat.Requester(self._user(ctx, connection), conversation_id, connection.id)

    def _agent(self, ctx: chat.Context, connection: Connection, unknown: DeskError) -> chat.Agent:
        if connection.kind is not ConnectionKind.USER:
            raise unknown
        return chat.Agent(self._user(ctx, connection), connection.id)

    # ------------------------------------------------------------------------------------------ actions
    def _dispatch(self, ctx: chat.Context, connection: Connection, frame: Request) -> View:
        waiting = ctx.rules.waiting
        unknown_chat = NotFound(messages.CHAT_NOT_FOUND)

        def state(session: ChatSession) -> StateFrame:
            return StateFrame(chat=ChatView.of(session, ctx.now, waiting))

        def read_frame(read: chat.Read) -> ChatFrame:
            return ChatFrame(**ChatReadView.of(read, ctx.now, waiting).model_dump())

        def queues_frame(queues: list[chat.Queue]) -> QueuesFrame:
            return QueuesFrame(**QueuesView.of(queues, ctx.now, waiting).model_dump())

        match frame:
            case StartFrame():
                requester = self._requester(ctx, connection, frame.conversation_id)
                return read_frame(chat.start(ctx, requester, frame.siret, frame.ticket))
            case ReadFrame(chat_id=str(chat_id)):
                agent = self._agent(ctx, connection, unknown_chat)
                return read_frame(chat.read_as_agent(ctx, agent, chat_id, frame.after))
            case ReadFrame():
                return read_frame(
                    chat.read_mine(ctx, self._requester(ctx, connection, frame.conversation_id), frame.after)
                )
            case SendFrame(chat_id=str(chat_id)):
                agent = self._agent(ctx, connection, unknown_chat)
                session, message = chat.send_as_agent(ctx, agent, chat_id, frame.text)
                return SentFrame(chat=ChatView.of(session, ctx.now, waiting), message=ChatMessageView.of(message))
            case SendFrame():
                requester = self._requester(ctx, connection, frame.conversation_id)
                session, message = chat.send_mine(ctx, requester, frame.text)
                return SentFrame(chat=ChatView.of(session, ctx.now, waiting), message=ChatMessageView.of(message))
            case EndFrame(chat_id=str(chat_id)):
                agent = self._agent(ctx, connection, unknown_chat)
                return state(chat.end_as_agent(ctx, agent, chat_id, frame.outcome))
            case EndFrame():
                if frame.outcome is not Outcome.CLOSE:
                    raise InvalidInput([FieldError("outcome", messages.CHAT_OUTCOME_AGENTS_ONLY)])
                return state(chat.end_mine(ctx, self._requester(ctx, connection, frame.conversation_id)))
            case FeedbackFrame():
                requester = self._requester(ctx, connection, frame.conversation_id)
                return state(chat.rate_mine(ctx, requester, frame.rating, frame.reason, frame.comment))
            case TranscriptFrame():
                requester = self._requester(ctx, connection, frame.conversation_id)
                return state(chat.mail_transcript(ctx, requester, frame.email))
            case AvailabilityFrame():
                agent = self._agent(ctx, connection, Forbidden(messages.CHAT_AGENTS_ONLY))
                if frame.available is None:
                    return queues_frame(chat.queues(ctx, agent))
                return queues_frame(chat.set_availability(ctx, agent, frame.available))
            case QueueFrame():
                agent = self._agent(ctx, connection, Forbidden(messages.CHAT_AGENTS_ONLY))
                return queues_frame(chat.queues(ctx, agent))
            case TakeFrame():  # taken: the chat as the agent reads it, what the user said before and since
                agent = self._agent(ctx, connection, unknown_chat)
                chat.take(ctx, agent, frame.chat_id)
                return read_frame(chat.read_as_agent(ctx, agent, frame.chat_id, 0))
            case HandOverFrame():
                agent = self._agent(ctx, connection, unknown_chat)
                return state(chat.hand_over(ctx, agent, frame.chat_id, frame.agent))
        raise InvalidInput([FieldError("action", messages.CHAT_FRAME_NOT_JSON)])  # every model has its case above
