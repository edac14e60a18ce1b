"""In-process adapters of the ports: the same behaviour as the DynamoDB ones (conditional writes, one
winner per race, no number taken twice), kept in dictionaries under one lock. For fast tests and tools;
``tests/test_ports_contract.py`` holds both implementations to the same assertions."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from chorus_desk import messages
from chorus_desk.errors import ConcurrentModification
from chorus_desk.models import (
    HistoryEntry,
    Membership,
    ObjectType,
    OrgRef,
    PaymentRequest,
    Structure,
    Team,
    Ticket,
    UserProfile,
)
from chorus_desk.ports import Ports


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


class MemoryTickets:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def next_ticket_number(self) -> int:
        with self._store.lock:
            self._store.counter += 1
            return self._store.counter

    def load_ticket(self, number: int) -> Ticket | None:
        with self._store.lock:
            return self._store.tickets.get(number)

    def insert_ticket(self, ticket: Ticket, entry: HistoryEntry) -> None:
        with self._store.lock:
            if ticket.number in self._store.tickets:
                raise ConcurrentModification(messages.CONCURRENT_MODIFICATION.format(number=ticket.number))
            self._store.tickets[ticket.number] = ticket.model_copy(update={"history": (entry,)})

    def save_ticket(self, ticket: Ticket, expected_version: int, entry: HistoryEntry | None) -> None:
        with self._store.lock:
            stored = self._store.tickets.get(ticket.number)
            if stored is None or stored.version != expected_version:
                raise ConcurrentModification(messages.CONCURRENT_MODIFICATION.format(number=ticket.number))
            if entry is not None and any(e.seq == entry.seq for e in stored.history):
                raise ConcurrentModification(messages.CONCURRENT_MODIFICATION.format(number=ticket.number))
            history = (*stored.history, entry) if entry is not None else stored.history
            self._store.tickets[ticket.number] = ticket.model_copy(update={"history": history})

    def delete_ticket(self, ticket: Ticket) -> None:
        with self._store.lock:
            stored = self._store.tickets.get(ticket.number)
            if stored is None or stored.version != ticket.version:
                raise ConcurrentModification(messages.CONCURRENT_MODIFICATION.format(number=ticket.number))
            del self._store.tickets[ticket.number]


class MemoryDirectory:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def load_user(self, user_id: str) -> tuple[UserProfile | None, list[Membership]]:
        with self._store.lock:
            memberships = sorted(self._store.memberships.get(user_id, {}).items())
            return self._store.users.get(user_id), [m for _, m in memberships]

    def list_members(self, org: OrgRef) -> list[tuple[UserProfile, Membership]]:
        with self._store.lock:
            found = []
            for user_id, by_org in sorted(self._store.memberships.items()):
                membership = by_org.get(org.key)
                if membership is not None and user_id in self._store.users:
                    found.append((self._store.users[user_id], membership))
            return found

    def load_structure(self, siret: str) -> Structure | None:
        with self._store.lock:
            structure = self._store.structures.get(siret)
        if structure is None:
            return None
        return structure.model_copy(update={"services": tuple(sorted(structure.services, key=lambda s: s.code))})

    def load_team(self, team_id: str) -> Team | None:
        with self._store.lock:
            return self._store.teams.get(team_id)


class MemoryPayments:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def load_payment_request(self, emitter_siret: str, object_type: ObjectType, number: str) -> PaymentRequest | None:
        with self._store.lock:
            return self._store.payments.get((emitter_siret, object_type, number))


class MemoryReference:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def put_reference_data(
        self,
        *,
        structures: Iterable[Structure] = (),
        teams: Iterable[Team] = (),
        users: Iterable[UserProfile] = (),
        memberships: Iterable[tuple[str, Membership]] = (),
        payment_requests: Iterable[PaymentRequest] = (),
    ) -> None:
        with self._store.lock:
            self._store.structures.update({s.siret: s for s in structures})
            self._store.teams.update({t.id: t for t in teams})
            self._store.users.update({u.id: u for u in users})
            for user_id, m in memberships:
                self._store.memberships.setdefault(user_id, {})[m.org.key] = m
            self._store.payments.update({(p.emitter_siret, p.object_type, p.number): p for p in payment_requests})


def memory_ports(store: MemoryStore | None = None) -> Ports:
    store = store or MemoryStore()
    return Ports(
        tickets=MemoryTickets(store),
        directory=MemoryDirectory(store),
        payments=MemoryPayments(store),
        reference=MemoryReference(store),
    )
