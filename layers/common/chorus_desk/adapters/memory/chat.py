"""In-process twins of the live chat's ports (``ChatSessions``, ``ChatConnections``, ``Pusher``): the same
conditions as the DynamoDB adapters (a session changes only if it is still as read; one rating, one transcript per
chat), under one lock. ``tests/test_chat_contract.py`` holds both to the same assertions."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime
from typing import Any

from chorus_desk import messages
from chorus_desk.chats import ChatMessage, ChatSession, ChatState, Seat
from chorus_desk.errors import ConcurrentModification, ConnectionGone
from chorus_desk.models import Feedback


class MemoryChats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[str, ChatSession] = {}
        self._messages: dict[str, dict[int, ChatMessage]] = {}
        self._seats: dict[str, dict[str, Seat]] = {}
        self._ratings: dict[date, dict[str, int]] = {}
        self._transcripts: dict[str, str] = {}

    def create(self, session: ChatSession, first: ChatMessage) -> None:
        with self._lock:
            if session.id in self._sessions:
                raise ConcurrentModification(messages.CHAT_BUSY)
            self._sessions[session.id] = session.model_copy(update={"connections": {}})
            self._messages[session.id] = {first.seq: first}

    def load(self, chat_id: str) -> ChatSession | None:
        with self._lock:
            return self._sessions.get(chat_id)

    def read(self, chat_id: str, after: int, limit: int) -> tuple[ChatSession | None, list[ChatMessage]]:
        with self._lock:
            found = sorted((m for seq, m in self._messages.get(chat_id, {}).items() if seq > after), key=_seq)
            return self._sessions.get(chat_id), found[:limit]

    def save(self, before: ChatSession, after: ChatSession, message: ChatMessage | None = None) -> None:
        with self._lock:
            stored = self._sessions.get(before.id)
            if stored is None or (stored.version, stored.last_seq) != (before.version, before.last_seq):
                raise ConcurrentModification(messages.CHAT_BUSY)
            if message is not None and message.seq in self._messages[before.id]:
                raise ConcurrentModification(messages.CHAT_BUSY)
            changes = {
                name: getattr(after, name)
                for name in ChatSession.model_fields
                if name != "connections" and getattr(before, name) != getattr(after, name)
            }
            self._sessions[before.id] = stored.model_copy(update=changes)
            if message is not None:
                self._messages[before.id][message.seq] = message

    def _update(self, chat_id: str, **changes: Any) -> None:
        stored = self._sessions.get(chat_id)
        if stored is not None:
            self._sessions[chat_id] = stored.model_copy(update=changes)

    def follow(self, chat_id: str, connection_id: str, role: str) -> None:
        with self._lock:
            stored = self._sessions.get(chat_id)
            if stored is not None:  # a new version, as the DynamoDB adapter's (ChatSessions.follow)
                self._update(
                    chat_id, connections={**stored.connections, connection_id: role}, version=stored.version + 1
                )

    def unfollow(self, chat_id: str, connection_id: str) -> None:
        with self._lock:
            stored = self._sessions.get(chat_id)
            if stored is not None:
                kept = {c: r for c, r in stored.connections.items() if c != connection_id}
                self._update(chat_id, connections=kept)

    def waiting(self, queue: str, limit: int) -> list[ChatSession]:
        with self._lock:
            found = [s for s in self._sessions.values() if s.queue == queue and s.state is ChatState.WAITING]
        return sorted(found, key=lambda s: (s.waiting_since, s.id))[:limit]

    def overdue(self, before: datetime, limit: int) -> list[ChatSession]:
        with self._lock:
            found = [
                s
                for s in self._sessions.values()
                if s.state is ChatState.WAITING and not s.offered and s.waiting_since < before
            ]
        return sorted(found, key=lambda s: (s.waiting_since, s.id))[:limit]

    def seats(self, queue: str) -> list[Seat]:
        with self._lock:
            return sorted(self._seats.get(queue, {}).values(), key=lambda s: s.agent.id)

    def sit(self, seat: Seat, connection_id: str | None = None) -> None:
        with self._lock:
            seats = self._seats.setdefault(seat.queue, {})
            kept = seats[seat.agent.id].connections if seat.agent.id in seats and seat.available else frozenset()
            added = {connection_id} if seat.available and connection_id else set()
            seats[seat.agent.id] = seat.model_copy(update={"connections": frozenset(kept | added)})

    def leave_seat(self, queue: str, agent_id: str, connection_id: str) -> None:
        with self._lock:
            seat = self._seats.get(queue, {}).get(agent_id)
            if seat is not None:
                self._seats[queue][agent_id] = seat.model_copy(
                    update={"connections": seat.connections - {connection_id}}
                )

    def rate(self, session: ChatSession, feedback: Feedback, day: date) -> bool:
        with self._lock:
            stored = self._sessions.get(session.id)
            if stored is None or stored.feedback is not None:
                return False
            self._update(session.id, feedback=feedback)
            counts = self._ratings.setdefault(day, {})
            for key in (feedback.rating.value, *((feedback.reason.value,) if feedback.reason else ())):
                counts[key] = counts.get(key, 0) + 1
            return True

    def ratings(self, first: date, last: date) -> dict[date, dict[str, int]]:
        with self._lock:
            return {day: dict(counts) for day, counts in self._ratings.items() if first <= day <= last}

    def ask_transcript(self, session: ChatSession, to: str, at: datetime) -> bool:  # noqa: ARG002 (DynamoDB's TTL)
        with self._lock:
            stored = self._sessions.get(session.id)
            if stored is None or stored.transcript_to:
                return False
            self._update(session.id, transcript_to=True)
            self._transcripts[session.id] = to
            return True

    def transcript_address(self, chat_id: str) -> str | None:
        with self._lock:
            return self._transcripts.get(chat_id)


def _seq(message: ChatMessage) -> int:
    return message.seq


class MemoryPusher:
    """The ``Pusher`` twin: the frames each open socket was pushed (``sent``), decoded; a socket not ``open`` is
    gone (``ConnectionGone``), as API Gateway answers 410 for a closed one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.open: set[str] = set()
        self.sent: dict[str, list[Any]] = {}

    def connect(self, connection_id: str) -> None:
        with self._lock:
            self.open.add(connection_id)
            self.sent.setdefault(connection_id, [])

    def drop(self, connection_id: str) -> None:
        with self._lock:
            self.open.discard(connection_id)

    def push(self, connection_id: str, data: bytes) -> None:
        with self._lock:
            if connection_id not in self.open:
                raise ConnectionGone(connection_id)
            self.sent[connection_id].append(json.loads(data))

    def frames(self, connection_id: str, kind: str | None = None) -> list[Any]:
        with self._lock:
            return [f for f in self.sent.get(connection_id, []) if kind is None or f.get("type") == kind]
