"""The live chat's test helpers: a desk (the chat's use cases on some ports, a recording pusher, a clock the test
moves), conversations to start chats from, sockets, and the rules the tests run with (open every day, every hour,
unless a test says otherwise)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from chorus_desk.adapters.memory_chat import MemoryPusher
from chorus_desk.api.schemas.chat import JsonFrames
from chorus_desk.chats import SUPPORT_QUEUE, Connection, ConnectionKind, OfficeHours
from chorus_desk.models import Conversation, Speaker, Turn
from chorus_desk.ports import Ports, Pusher
from chorus_desk.usecases import chat
from chorus_desk.usecases.assistant import CONTACT_AGENT
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
