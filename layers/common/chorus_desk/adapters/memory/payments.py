"""``PaymentRequests`` in memory."""

from __future__ import annotations

from chorus_desk.adapters.memory.store import MemoryStore
from chorus_desk.models import ObjectType, PaymentRequest


class MemoryPayments:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def load_payment_request(self, emitter_siret: str, object_type: ObjectType, number: str) -> PaymentRequest | None:
        with self._store.lock:
            return self._store.payments.get((emitter_siret, object_type, number))

    def received_by(self, siret: str, limit: int) -> list[PaymentRequest]:
        with self._store.lock:
            found = [p for p in self._store.payments.values() if p.recipient_siret == siret]
        return sorted(found, key=lambda p: (p.object_type.value, p.emitter_siret, p.number))[:limit]

    def redirect(self, payment: PaymentRequest, to_siret: str) -> bool:
        key = (payment.emitter_siret, payment.object_type, payment.number)
        with self._store.lock:
            stored = self._store.payments.get(key)
            if stored is None or stored.recipient_siret != payment.recipient_siret:
                return False
            self._store.payments[key] = stored.model_copy(
                update={"recipient_siret": to_siret, "recipient_service": None}
            )
            return True
