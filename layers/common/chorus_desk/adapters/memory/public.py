"""The brakes of the public routes in memory: ``Captchas``, ``RateLimits`` and ``InvitationResends``."""

from __future__ import annotations

from datetime import date, datetime

from chorus_desk.adapters.memory.store import MemoryStore
from chorus_desk.models import Challenge


class MemoryCaptchas:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def put_challenge(self, challenge: Challenge) -> None:
        with self._store.lock:
            self._store.challenges[challenge.id] = challenge

    def load_challenge(self, challenge_id: str) -> Challenge | None:
        with self._store.lock:
            return self._store.challenges.get(challenge_id)

    def record_failure(self, challenge_id: str, max_failures: int) -> int | None:
        with self._store.lock:
            challenge = self._store.challenges.get(challenge_id)
            if challenge is None or challenge.failures >= max_failures:
                return None
            failures = challenge.failures + 1
            if failures >= max_failures:
                del self._store.challenges[challenge_id]
            else:
                self._store.challenges[challenge_id] = challenge.model_copy(update={"failures": failures})
            return failures

    def consume_challenge(self, challenge_id: str, max_failures: int) -> bool:
        with self._store.lock:
            challenge = self._store.challenges.get(challenge_id)
            if challenge is None or challenge.failures >= max_failures:
                return False
            del self._store.challenges[challenge_id]
            return True


class MemoryRateLimits:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def hit(self, key: str, expires_at: datetime) -> int:
        with self._store.lock:
            hits, kept_until = self._store.counters.get(key, (0, expires_at))
            self._store.counters[key] = (hits + 1, kept_until)
            return hits + 1

    def count(self, key: str) -> int:
        with self._store.lock:
            return self._store.counters.get(key, (0, None))[0]

    def give_back(self, key: str) -> None:
        with self._store.lock:
            if key in self._store.counters:
                hits, kept_until = self._store.counters[key]
                self._store.counters[key] = (max(0, hits - 1), kept_until)


class MemoryInvitationResends:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def claim(self, pseudonym: str, day: date, expires_at: datetime) -> bool:
        with self._store.lock:
            if (pseudonym, day) in self._store.resend_claims:
                return False
            self._store.resend_claims[(pseudonym, day)] = expires_at
            return True

    def release(self, pseudonym: str, day: date) -> None:
        with self._store.lock:
            self._store.resend_claims.pop((pseudonym, day), None)
