"""``Operations`` in memory: an operation on a structure and the structure's lock."""

from __future__ import annotations

from chorus_desk.adapters.memory.store import MemoryStore
from chorus_desk.models import Operation


class MemoryOperations:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def begin(self, operation: Operation, lock_seconds: int) -> bool:
        with self._store.lock:
            held = self._store.locks.get(operation.siret)
            if held is not None and (operation.started_at - held[1]).total_seconds() < lock_seconds:
                return False
            self._store.locks[operation.siret] = (operation.id, operation.started_at)
            self._store.operations[operation.id] = operation
            return True

    def load_operation(self, operation_id: str) -> Operation | None:
        with self._store.lock:
            return self._store.operations.get(operation_id)

    def count_moved(self, operation_id: str, payments: int, tickets: int) -> None:
        with self._store.lock:
            stored = self._store.operations[operation_id]
            self._store.operations[operation_id] = stored.model_copy(
                update={
                    "moved_payments": stored.moved_payments + payments,
                    "moved_tickets": stored.moved_tickets + tickets,
                }
            )

    def finish(self, operation: Operation) -> None:
        with self._store.lock:
            stored = self._store.operations.get(operation.id)
            moved = {"moved_payments": stored.moved_payments, "moved_tickets": stored.moved_tickets} if stored else {}
            self._store.operations[operation.id] = operation.model_copy(update=moved)
            held = self._store.locks.get(operation.siret)
            if held is not None and held[0] == operation.id:
                del self._store.locks[operation.siret]
