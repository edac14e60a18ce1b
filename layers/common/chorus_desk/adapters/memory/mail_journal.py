"""``MailJournal`` in memory: which mails were claimed and sent."""

from __future__ import annotations

from datetime import datetime

from chorus_desk.adapters.memory.store import MemoryStore
from chorus_desk.ports import Claim


class MemoryMailJournal:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def claim(self, key: str, now: datetime, lease_until: datetime) -> Claim:
        with self._store.lock:
            state, lease = self._store.mail_records.get(key, (None, None))
            if state == "SENT":
                return Claim.SENT
            if state == "SENDING" and lease is not None and lease >= int(now.timestamp()):
                return Claim.BUSY
            self._store.mail_records[key] = ("SENDING", int(lease_until.timestamp()))
            return Claim.CLAIMED

    def mark_sent(self, key: str, message_id: str, now: datetime) -> None:
        with self._store.lock:
            self._store.mail_records[key] = ("SENT", None)
            self._store.sent_mails[key] = (message_id, now)

    def release(self, key: str) -> None:
        with self._store.lock:
            if self._store.mail_records.get(key, (None, None))[0] == "SENDING":
                del self._store.mail_records[key]
