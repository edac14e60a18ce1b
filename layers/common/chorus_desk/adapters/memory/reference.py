"""``ReferenceData`` in memory: the directory and the payment requests put, structures activated, imports."""

from __future__ import annotations

from collections.abc import Iterable

from chorus_desk.adapters.memory.store import MemoryStore
from chorus_desk.models import Membership, PaymentRequest, Structure, Team, Ticket, UserProfile


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

    def set_structure_active(self, siret: str, active: bool) -> bool:
        with self._store.lock:
            stored = self._store.structures.get(siret)
            if stored is None or stored.active == active:
                return False
            self._store.structures[siret] = stored.model_copy(update={"active": active})
            return True

    def import_structures(self, structures: Iterable[Structure]) -> None:
        self.put_reference_data(structures=structures)

    def import_tickets(self, tickets: Iterable[Ticket]) -> None:
        with self._store.lock:
            for ticket in tickets:
                self._store.tickets[ticket.number] = ticket
                self._store.counter = max(self._store.counter, ticket.number)
                self._store.relist(None, ticket)
