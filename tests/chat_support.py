"""The live chat's test helpers: a desk (the chat's use cases on some ports, a recording pusher, a clock the test
moves), conversations to start chats from, sockets, and the rules the tests run with (open every day, every hour,
unless a test says otherwise)."""

from __future__ import annotations

import base64
import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from chorus_desk.adapters.apigateway import ApiGatewayPusher
from chorus_desk.adapters.memory.chat import MemoryPusher
from chorus_desk.api.schemas.chat import JsonFrames
from chorus_desk.api.websocket import Wiring
from chorus_desk.chats import SUPPORT_QUEUE, Connection, ConnectionKind, OfficeHours
from chorus_desk.models import Conversation, Speaker, Turn
from chorus_desk.ports import Ports, Pusher
from chorus_desk.settings import ChatSettings, load_settings
from chorus_desk.usecases import chat
from chorus_desk.usecases.assistant import CONTACT_AGENT
from local_stack.gateway import LambdaContext
from local_stack.template import load_handler_module
from tests import fixtures

ALWAYS = OfficeHours.parse("1-7 00:00-24:00")
WEEKDAYS = OfficeHours.parse("1-5 09:00-18:00")
RULES = chat.Rules(hours=ALWAYS, waiting=timedelta(minutes=5), availability=timedelta(hours=2))
MONDAY_10 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # 10:00 in Paris, a Monday
SATURDAY_10 = datetime(2026, 12, 12, 9, 0, tzinfo=UTC)
ASSISTANT_NAME = "ClaudIA"
SAID_TO_ASSISTANT = "Ma facture FAC-2026-0101 est bloquée, je voudrais parler à quelqu'un."


@dataclass
class Desk:
    """The chat's use cases on ``ports``, pushing through ``pusher`` (a ``MemoryPusher`` unless given), at the
    moment ``now`` (which the test moves)."""

    ports: Ports
    pusher: Pusher = field(default_factory=MemoryPusher)
    rules: chat.Rules = RULES
    now: datetime = MONDAY_10

    @property
    def sockets(self) -> MemoryPusher:
        assert isinstance(self.pusher, MemoryPusher)
        return self.pusher

    def ctx(self) -> chat.Context:
        return chat.Context(
            self.ports, self.pusher, JsonFrames(self.rules.waiting), self.rules, ASSISTANT_NAME, now=self.now
        )

    def later(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    # ------------------------------------------------------------------------------------------------ actors
    def conversation(self, alias: str | None, **memory: str) -> str:
        """An assistant conversation of ``alias`` (None: an anonymous visitor) at « Contacter un agent »."""
        conversation = Conversation(
            id=secrets.token_urlsafe(16),
            owner=fixtures.USER_IDS[alias] if alias else None,
            step=CONTACT_AGENT,
            memory=dict(memory),
            transcript=(
                Turn(by=Speaker.ASSISTANT, text="Bonjour, je suis ClaudIA.", at=self.now - timedelta(minutes=2)),
                Turn(by=Speaker.USER, text=SAID_TO_ASSISTANT, at=self.now - timedelta(minutes=1)),
            ),
            created_at=self.now - timedelta(minutes=2),
            updated_at=self.now - timedelta(minutes=1),
            expires_at=self.now + timedelta(minutes=29),
        )
        self.ports.conversations.save_conversation(conversation, None)
        return conversation.id

    def requester(self, alias: str | None, conversation_id: str, socket: str | None = None) -> chat.Requester:
        user = fixtures.user(self.ports, alias) if alias else None
        return chat.Requester(user, conversation_id, socket)

    def agent(self, alias: str, socket: str | None = None) -> chat.Agent:
        return chat.Agent(fixtures.user(self.ports, alias), socket)

    def socket(self, alias: str | None = None, conversation_id: str | None = None) -> str:
        """A socket as $connect records it (a user's, or a visitor's by their conversation), open to pushes."""
        connection_id = secrets.token_urlsafe(8)
        self.ports.chat_connections.open(
            Connection(
                id=connection_id,
                kind=ConnectionKind.USER if alias else ConnectionKind.VISITOR,
                user_id=fixtures.USER_IDS[alias] if alias else None,
                conversation_id=conversation_id,
                connected_at=self.now,
                expires_at=self.now + chat.CONNECTION_LIFETIME,
            )
        )
        if isinstance(self.pusher, MemoryPusher):
            self.pusher.connect(connection_id)
        return connection_id

    def available(self, alias: str, socket: str | None = None) -> chat.Agent:
        agent = self.agent(alias, socket)
        chat.set_availability(self.ctx(), agent, True)
        return agent

    def started(self, alias: str | None = "marie", socket: str | None = None) -> tuple[chat.Requester, chat.Read]:
        """A chat of ``alias`` (sophie available at the support), waiting."""
        if not any(s.is_available(self.now) for s in self.ports.chats.seats(SUPPORT_QUEUE)):
            self.available("sophie")
        requester = self.requester(alias, self.conversation(alias), socket)
        return requester, chat.start(self.ctx(), requester)


class Gone:
    """Makes the adapter's client answer 410 GoneException for the sockets in ``closed`` (API Gateway's answer
    for a socket that is no more), and lets the other calls through to moto."""

    def __init__(self, pusher: ApiGatewayPusher) -> None:
        self.closed: set[str] = set()
        self.answered: list[str] = []
        pusher.client.meta.events.register("before-call.apigatewaymanagementapi.PostToConnection", self)

    def __call__(self, params: dict[str, Any], **_: Any) -> tuple[Any, dict[str, Any]] | None:
        connection_id = params["url_path"].rsplit("/", 1)[-1]
        if connection_id not in self.closed:
            return None
        self.answered.append(connection_id)
        response = type("Response", (), {"status_code": 410, "headers": {}, "content": b""})()
        error = {"Code": "GoneException", "Message": f"Connection {connection_id} is gone."}
        return response, {"Error": error, "ResponseMetadata": {"HTTPStatusCode": 410}}


# ------------------------------------------------------------------------ the WebSocket API's handlers
POOL = "eu-west-3_testpool"
ISSUER = f"https://cognito-idp.eu-west-3.amazonaws.com/{POOL}"
CLIENT = "chat-test-client"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
JWKS = {"keys": [{**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key())), "kid": "k1", "alg": "RS256"}]}


def JWKS_OF(_url: str) -> dict[str, Any]:
    return JWKS


def id_token(alias: str, key: Any = KEY, **changes: Any) -> str:
    now = int(time.time())
    claims = {
        "sub": fixtures.USER_IDS[alias],
        "email": fixtures.EMAILS[alias],
        "name": fixtures.NAMES[alias],
        "token_use": "id",
        "aud": CLIENT,
        "iss": ISSUER,
        "iat": now,
        "exp": now + 3600,
        **changes,
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})


class Socket:
    """One socket of the WebSocket API, as API Gateway hands its events to the template's functions."""

    def __init__(self, stack: Stack, query: dict[str, str] | None) -> None:
        self.stack = stack
        self.id = secrets.token_urlsafe(12)
        self.query = query

    def event(self, route_key: str, kind: str, body: str | None = None, binary: bool = False) -> dict[str, Any]:
        return {
            "requestContext": {
                "routeKey": route_key,
                "eventType": kind,
                "connectionId": self.id,
                "requestId": secrets.token_hex(8),
                "stage": "test",
                "apiId": "chatapi123",
                "domainName": "chatapi123.execute-api.eu-west-3.amazonaws.com",
                "connectedAt": int(time.time() * 1000),
                "identity": {"sourceIp": "203.0.113.7"},
            },
            "queryStringParameters": self.query if kind == "CONNECT" else None,
            "body": body,
            "isBase64Encoded": binary,
        }

    def connect(self) -> dict[str, Any]:
        return self.stack.invoke("ChatConnectFunction", self.event("$connect", "CONNECT"))

    def send(self, frame: Any = None, raw: str | bytes | None = None) -> dict[str, Any]:
        """A frame as API Gateway routes it ($request.body.action, else $default); the answer frame."""
        if isinstance(raw, bytes):
            event = self.event("$default", "MESSAGE", base64.b64encode(raw).decode(), binary=True)
        else:
            text = raw if raw is not None else json.dumps(frame, ensure_ascii=False)
            action = frame.get("action") if isinstance(frame, dict) else None
            event = self.event(action if action in self.stack.actions else "$default", "MESSAGE", text)
        result = self.stack.invoke("ChatSocketFunction", event)
        assert result["statusCode"] == 200, result  # a refused frame keeps its socket
        answer: dict[str, Any] = json.loads(result["body"])
        return answer

    def close(self) -> None:
        assert self.stack.invoke("ChatSocketFunction", self.event("$disconnect", "DISCONNECT"))["statusCode"] == 200


class Stack:
    """The template's chat functions on DynamoDB (moto), their clock the tests' desk's."""

    def __init__(self, template: dict[str, Any], desk: Desk, mfa: bool = False) -> None:
        self.template = template
        self.desk = desk
        self.connect_module = load_handler_module(template, "ChatConnectFunction")
        self.socket_module = load_handler_module(template, "ChatSocketFunction")
        self.timer_module = load_handler_module(template, "ChatTimerFunction")
        self.actions = {"start", "read", "send", "end", "feedback", "transcript", "availability", "queue", "take"}
        self.actions.add("handover")
        tokens = self.connect_module.tokens().CognitoTokens(
            ISSUER, CLIENT, "https://keys.invalid", fetch=lambda _: JWKS
        )
        handler = self.connect_module.handler
        self.saved = (
            handler.ports,
            handler.verifier,
            handler.agents_need_mfa,
            handler.clock,
            self.socket_module.handler.wiring,
        )
        handler.ports, handler.verifier, handler.agents_need_mfa = (lambda: desk.ports), (lambda: tokens), mfa
        handler.clock = lambda: desk.now
        settings = load_settings(ChatSettings)
        self.socket_module.handler.wiring = Wiring(
            ports=lambda: desk.ports, pusher=lambda: desk.pusher, settings=lambda: settings, clock=lambda: desk.now
        )

    def restore(self) -> None:
        handler = self.connect_module.handler
        handler.ports, handler.verifier, handler.agents_need_mfa, handler.clock, self.socket_module.handler.wiring = (
            self.saved
        )

    def invoke(self, function: str, event: dict[str, Any]) -> dict[str, Any]:
        module = {"ChatConnectFunction": self.connect_module, "ChatSocketFunction": self.socket_module}[function]
        result: dict[str, Any] = module.lambda_handler(event, LambdaContext.of(self.template, function))
        return result

    def socket(self, alias: str | None = None, conversation_id: str | None = None, **query: str) -> Socket:
        if alias is not None:
            query.setdefault("token", id_token(alias))
        if conversation_id is not None:
            query.setdefault("conversation", conversation_id)
        socket = Socket(self, query)
        if isinstance(self.desk.pusher, MemoryPusher):
            self.desk.pusher.connect(socket.id)
        return socket
