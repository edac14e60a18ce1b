"""``Satisfaction`` in memory."""

from __future__ import annotations

from datetime import date

from chorus_desk.adapters.memory.store import MemoryStore
from chorus_desk.models import FeedbackReason, Rating


class MemorySatisfaction:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def record(self, day: date, rating: Rating, reason: FeedbackReason | None) -> None:
        with self._store.lock:
            counts = self._store.ratings.setdefault(day, {})
            for key in (rating.value, *((reason.value,) if reason else ())):
                counts[key] = counts.get(key, 0) + 1

    def read(self, first: date, last: date) -> dict[date, dict[str, int]]:
        with self._store.lock:
            return {d: dict(c) for d, c in sorted(self._store.ratings.items()) if first <= d <= last}
