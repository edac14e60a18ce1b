"""The live chat's values: a chat session between a user (or an anonymous visitor) and an agent, its messages,
the sockets that follow it, the agents' seats at a queue, and the support's office hours.

A chat is started from an assistant conversation (« Contacter un agent ») and waits in a queue: the technical
support's (``TEAM#SUPPORT``), or the business service a ticket was sent to, for a chat about that ticket (the
queue is the recipient organisation's key). An agent of the queue takes it (one wins), talks, may hand it to a
colleague of the same queue, and ends it (closed, or turned into a ticket). Messages are numbered in the order
they were stored (``seq``, 1, 2, …, no gap): a reader that has seen up to ``n`` misses nothing by asking for
what follows ``n``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from chorus_desk import messages
from chorus_desk.catalogue import SUPPORT_TEAM_ID
from chorus_desk.listing import PARIS
from chorus_desk.models import Feedback, OrgKind, Person, Turn, org_key

SUPPORT_QUEUE = org_key(OrgKind.TEAM, SUPPORT_TEAM_ID)  # « Contacter un agent » from the assistant


class ChatState(StrEnum):
    WAITING = "WAITING"  # in its queue, no agent yet
    ACTIVE = "ACTIVE"  # an agent talks with the user
    ENDED = "ENDED"

    @property
    def label(self) -> str:
        return messages.CHAT_STATE_LABELS[self.value]


class Author(StrEnum):
    """Who wrote a chat message: the user (or visitor), the agent, or the desk itself (joined, left, ended)."""

    REQUESTER = "REQUESTER"
    AGENT = "AGENT"
    SYSTEM = "SYSTEM"


class Outcome(StrEnum):
    """How an agent ends a chat: closed, or turned into a ticket (the transcript as its description)."""

    CLOSE = "CLOSE"
    TICKET = "TICKET"


class _Value(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class ChatMessage(_Value):
    seq: int = Field(ge=1)
    by: Author
    name: str | None = None  # the agent's name on their lines (the user's lines: the requester's)
    text: str
    at: datetime


class ChatSession(_Value):
    """One live chat. ``version`` changes with every change of state (taken, handed over, back in the queue,
    ended, offered the ticket); ``last_seq`` with every message. ``connections``: the sockets that follow the
    chat (connection id → ``REQUESTER`` or ``AGENT``), each pushed every new message."""

    id: str
    conversation_id: str
    queue: str  # the organisation key whose agents answer (``SUPPORT_QUEUE``, or a ticket's recipient)
    queue_name: str
    state: ChatState
    requester: Person | None = None  # None: an anonymous visitor (holder of the conversation id)
    structure_siret: str | None = None  # the requester's structure the chat is about, if one
    structure_name: str | None = None
    ticket: int | None = None  # a chat about one of the requester's tickets (its recipient's queue)
    category: str  # the pair of the ticket an agent may turn the chat into (``faq.handover_pair``)
    subcategory: str
    context: tuple[Turn, ...] = ()  # the assistant conversation so far (its latest lines)
    agent: Person | None = None
    created_at: datetime
    waiting_since: datetime  # its place in the queue (kept when an agent leaves: it goes back first)
    taken_at: datetime | None = None
    ended_at: datetime | None = None
    ended_by: Author | None = None
    offered: bool = False  # told it may file a ticket instead (after the waiting time)
    filed: int | None = None  # the ticket the agent turned it into
    feedback: Feedback | None = None
    transcript_to: bool = False  # the transcript was asked by mail (once per chat)
    last_seq: int = 0
    version: int = 1
    connections: dict[str, str] = Field(default_factory=dict)
    expires_at: datetime

    def waiting_for(self, now: datetime) -> timedelta:
        """How long it waited for an agent: until taken, or until left while waiting, or until now."""
        until = now if self.state is ChatState.WAITING else self.taken_at or self.ended_at or now
        return max(timedelta(0), until - self.waiting_since)


class ConnectionKind(StrEnum):
    USER = "USER"  # a signed-in user (requester or agent), by the IdToken checked at connect
    VISITOR = "VISITOR"  # an anonymous visitor, by the id of their assistant conversation


class Connection(_Value):
    """A socket of the WebSocket API, as $connect recorded it. Nothing is trusted from a frame that the
    connection does not say: a visitor's frames reach their conversation's chat only."""

    id: str
    kind: ConnectionKind
    user_id: str | None = None
    conversation_id: str | None = None
    connected_at: datetime
    chats: frozenset[str] = frozenset()  # the chats it follows (left on $disconnect)
    queues: frozenset[str] = frozenset()  # the queues whose news it gets (an available agent's socket)
    expires_at: datetime


class Seat(_Value):
    """An agent at a queue: available (until ``until``: a declaration lapses) or away, and the sockets that get
    the queue's news while available."""

    queue: str
    agent: Person
    available: bool
    until: datetime
    connections: frozenset[str] = frozenset()

    def is_available(self, now: datetime) -> bool:
        return self.available and self.until > now


# ------------------------------------------------------------------------------------------ office hours
_HOURS = re.compile(r"^([1-7])(?:-([1-7]))? ([0-2][0-9]):([0-5][0-9])-([0-2][0-9]):([0-5][0-9])$")
_DAY_NAMES = messages.CHAT_DAY_NAMES  # ISO weekday (1 = Monday) → French name


@dataclass(frozen=True)
class OfficeHours:
    """When agents answer: ISO weekdays ``first`` to ``last`` (1 = Monday), from ``opens`` to ``closes``, Paris
    time (the template's ``ChatOfficeHours``, « 1-5 09:00-18:00 »; ``24:00`` closes at midnight). Public
    holidays are not known here: an agent who is not there is not available, and the chat says so."""

    first: int
    last: int
    opens: time
    closes: time | None  # None: midnight (24:00)

    @classmethod
    def parse(cls, text: str) -> OfficeHours:
        found = _HOURS.match(text.strip())
        if not found:
            raise ValueError(f"office hours {text!r}: expected 'd-d HH:MM-HH:MM' (ISO weekdays, Paris time)")
        first, last = int(found.group(1)), int(found.group(2) or found.group(1))
        start = (int(found.group(3)), int(found.group(4)))
        end = (int(found.group(5)), int(found.group(6)))
        if first > last or start >= end or start[0] > 23 or end > (24, 0):
            raise ValueError(f"office hours {text!r}: the days or the hours are in the wrong order")
        closes = None if end == (24, 0) else time(*end)
        return cls(first, last, time(*start), closes)

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(PARIS)
        if not self.first <= local.isoweekday() <= self.last:
            return False
        now = local.time()
        return self.opens <= now and (self.closes is None or now < self.closes)

    def describe(self) -> str:
        """« du lundi au vendredi, de 9 h à 18 h »."""
        days = (
            messages.CHAT_ONE_DAY.format(day=_DAY_NAMES[self.first])
            if self.first == self.last
            else messages.CHAT_DAYS.format(first=_DAY_NAMES[self.first], last=_DAY_NAMES[self.last])
        )
        closes = "24 h" if self.closes is None else _hour(self.closes)
        return messages.CHAT_HOURS.format(days=days, opens=_hour(self.opens), closes=closes)


def _hour(moment: time) -> str:
    return f"{moment.hour} h" if moment.minute == 0 else f"{moment.hour} h {moment.minute:02d}"
