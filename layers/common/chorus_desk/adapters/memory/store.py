"""The data of one in-memory "table", kept under one lock: the twin of ``dynamodb.table`` (and of its key
layout: the lists' rows and their sorted indexes, the dashboard counters)."""

from __future__ import annotations

import bisect
import threading
from datetime import date, datetime

from chorus_desk import listing
from chorus_desk.adapters.memory.chat import MemoryChats
from chorus_desk.adapters.memory.chat_connections import MemoryChatConnections
from chorus_desk.listing import Row, RowKind
from chorus_desk.models import (
    Challenge,
    Conversation,
    Membership,
    ObjectType,
    Operation,
    PaymentRequest,
    Structure,
    Team,
    Ticket,
    UserProfile,
)


class MemoryStore:
    """The data of one in-memory "table". Models are frozen, so stored values are never aliased mutably."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counter = 0
        self.tickets: dict[int, Ticket] = {}
        self.users: dict[str, UserProfile] = {}
        self.memberships: dict[str, dict[str, Membership]] = {}  # user id → org key → membership
        self.structures: dict[str, Structure] = {}
        self.teams: dict[str, Team] = {}
        self.payments: dict[tuple[str, ObjectType, str], PaymentRequest] = {}
        self.challenges: dict[str, Challenge] = {}
        self.counters: dict[str, tuple[int, datetime]] = {}  # key → hits, kept until
        self.resend_claims: dict[tuple[str, date], datetime] = {}  # (pseudonym, day) → kept until
        self.mail_records: dict[str, tuple[str, int | None]] = {}  # key → state, lease end (epoch seconds)
        self.sent_mails: dict[str, tuple[str, datetime]] = {}  # key → message id, sent at
        self.rows: dict[tuple[int, RowKind], Row] = {}  # the lists' rows, as the DynamoDB adapter keeps them
        # The lists' indexes: per row partition and sort attribute, the rows' sort values in order (each value
        # ends with the ticket's number, so it is unique in its partition), kept sorted on every write as
        # DynamoDB keeps its five sparse indexes: a page reads from its place in them, never the whole table.
        self.indexes: dict[tuple[str, str], list[tuple[str, int]]] = {}
        self.entries: dict[tuple[int, RowKind], list[tuple[str, str, str]]] = {}  # a row's (partition, attr, value)
        self.tallies: dict[str, dict[str, dict[str, int]]] = {}  # dashboard counters: pk → sk → status → count
        self.operations: dict[str, Operation] = {}
        self.conversations: dict[str, Conversation] = {}
        self.ratings: dict[date, dict[str, int]] = {}
        self.locks: dict[str, tuple[str, datetime]] = {}  # structure → operation holding it, since
        self.chats = MemoryChats()  # the live chat's (adapters/memory/chat.py)
        self.chat_connections = MemoryChatConnections()

    def relist(self, before: Ticket | None, after: Ticket | None) -> None:
        """Replace a ticket's rows and move its counts (the caller holds the lock)."""
        number = (after or before).number  # type: ignore[union-attr]
        for kind in RowKind:
            self.rows.pop((number, kind), None)
            for partition, attribute, value in self.entries.pop((number, kind), []):
                entries = self.indexes.get((partition, attribute), [])
                at = bisect.bisect_left(entries, (value, number))
                if at < len(entries) and entries[at] == (value, number):
                    del entries[at]
        for kind, row in listing.rows_of(after).items():
            self.rows[(number, kind)] = row
            partition = row.partition
            placed = [(partition, attribute, row.sort_value(attribute)) for attribute in listing.INDEX_OF]
            for _, attribute, value in placed:
                bisect.insort(self.indexes.setdefault((partition, attribute), []), (value, number))
            self.entries[(number, kind)] = placed
        for (pk, sk), deltas in listing.counter_deltas(before, after).items():
            tally = self.tallies.setdefault(pk, {}).setdefault(sk, {})
            for status, delta in deltas.items():
                tally[status] = tally.get(status, 0) + delta
