"""``TicketStore`` in memory: one winner per race on a ticket, numbers never taken twice."""

from __future__ import annotations

from datetime import datetime

from chorus_desk import closing, messages
from chorus_desk.adapters.memory.store import MemoryStore
from chorus_desk.errors import ConcurrentModification
from chorus_desk.models import HistoryEntry, Ticket


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
            self._store.relist(None, ticket)

    def save_ticket(
        self,
        ticket: Ticket,
        expected_version: int,
        entry: HistoryEntry | None,
        previous: Ticket | None = None,  # noqa: ARG002 (the stored ticket is at hand: its rows move from it)
    ) -> None:
        with self._store.lock:
            stored = self._store.tickets.get(ticket.number)
            if stored is None or stored.version != expected_version:
                raise ConcurrentModification(messages.CONCURRENT_MODIFICATION.format(number=ticket.number))
            if entry is not None and any(e.seq == entry.seq for e in stored.history):
                raise ConcurrentModification(messages.CONCURRENT_MODIFICATION.format(number=ticket.number))
            history = (*stored.history, entry) if entry is not None else stored.history
            self._store.tickets[ticket.number] = ticket.model_copy(update={"history": history})
            self._store.relist(stored, ticket)

    def resolved_before(self, limit: datetime, size: int, after: str | None = None) -> tuple[list[int], str | None]:
        with self._store.lock:
            values = [closing.index_value(t) for t in self._store.tickets.values()]
        bound = closing.upper_bound(limit)
        waiting = sorted(v for v in values if v is not None and v <= bound and (after is None or v > after))
        page = waiting[:size]
        return [int(v.rsplit("#", 1)[1]) for v in page], (page[-1] if len(waiting) > size else None)

    def delete_ticket(self, ticket: Ticket) -> None:
        with self._store.lock:
            stored = self._store.tickets.get(ticket.number)
            if stored is None or stored.version != ticket.version:
                raise ConcurrentModification(messages.CONCURRENT_MODIFICATION.format(number=ticket.number))
            del self._store.tickets[ticket.number]
            self._store.relist(stored, None)
