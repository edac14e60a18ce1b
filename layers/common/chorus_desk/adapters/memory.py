"""In-process adapters of the ports: the same behaviour as the DynamoDB ones (conditional writes, one
winner per race, no number taken twice), kept in dictionaries under one lock. For fast tests and tools;
``tests/test_ports_contract.py`` holds both implementations to the same assertions."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable
from datetime import date, datetime

from chorus_desk import closing, directory, listing, messages
from chorus_desk.adapters.idempotency import MemoryIdempotencyRecords
from chorus_desk.adapters.memory_chat import MemoryChatConnections, MemoryChats
from chorus_desk.directory import Entry
from chorus_desk.errors import ConcurrentModification, MailUnavailable
from chorus_desk.listing import Counts, ListQuery, Page, Row, RowKind
from chorus_desk.models import (
    Challenge,
    Conversation,
    FeedbackReason,
    HistoryEntry,
    Membership,
    ObjectType,
    Operation,
    OrgRef,
    OutgoingMail,
    PaymentRequest,
    Rating,
    Structure,
    Team,
    Ticket,
    UserProfile,
)
from chorus_desk.ports import Claim, Ports, UploadForm


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
        self.tallies: dict[tuple[str, str], dict[str, int]] = {}  # dashboard counters, by the same deltas
        self.operations: dict[str, Operation] = {}
        self.conversations: dict[str, Conversation] = {}
        self.ratings: dict[date, dict[str, int]] = {}
        self.locks: dict[str, tuple[str, datetime]] = {}  # structure → operation holding it, since
        self.chats = MemoryChats()  # the live chat's (adapters/memory_chat.py)
        self.chat_connections = MemoryChatConnections()

    def relist(self, before: Ticket | None, after: Ticket | None) -> None:
        """Replace a ticket's rows and move its counts (the caller holds the lock)."""
        number = (after or before).number  # type: ignore[union-attr]
        for kind in RowKind:
            self.rows.pop((number, kind), None)
        for kind, row in listing.rows_of(after).items():
            self.rows[(number, kind)] = row
        for key, deltas in listing.counter_deltas(before, after).items():
            tally = self.tallies.setdefault(key, {})
            for status, delta in deltas.items():
                tally[status] = tally.get(status, 0) + delta


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


class MemoryLists:
    """``TicketLists`` over the same rows and counters the DynamoDB adapter keeps, sorted in memory."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def page(self, query: ListQuery) -> Page:
        wanted = set(query.partitions)
        with self._store.lock:
            rows = [r for r in self._store.rows.values() if r.partition in wanted]
        if query.number is not None:
            rows = [r for r in rows if r.number == query.number]
        candidates: list[tuple[str, Row]] = []
        for row in rows:
            bounds = query.bounds(row.partition)
            value = row.sort_value(query.attribute)
            if bounds is None or (bounds[0] is not None and value < bounds[0]):
                continue
            if (bounds[1] is not None and value > bounds[1]) or not query.keeps(row.partition, value):
                continue
            candidates.append((query.ordered(row.partition, value), row))
        ordered = [pair for pair in listing.merge_order(candidates, query.direction) if query.filters.matches(pair[1])]
        chosen = ordered[: query.size]
        after = chosen[-1][0] if len(ordered) > query.size else None
        return Page(rows=tuple(r for _, r in chosen), after=after, items_read=len(candidates))

    def counts(self, kind: RowKind, owner: str, consistent: bool = False) -> Counts:  # noqa: ARG002 (always)
        pk = listing.counts_partition(kind, owner)
        with self._store.lock:
            items = [(sk, dict(v)) for (p, sk), v in self._store.tallies.items() if p == pk]
        return listing.counts_from_items(items)


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

    def read_index(self, partition: str, prefix: str, after: str | None, limit: int) -> tuple[list[Entry], bool]:
        """The entries the stored structures have in the index (``directory.entries_of``), read as the Query
        reads them: in key order, after ``after``, up to ``limit``; ``True`` when the limit was reached."""
        with self._store.lock:
            structures = list(self._store.structures.values())
        found = sorted(
            (e for s in structures for e in directory.entries_of(s) if e.partition == partition),
            key=lambda e: e.key,
        )
        found = [e for e in found if e.key.startswith(prefix) and (after is None or e.key > after)]
        read = found[:limit]
        return read, len(read) == limit


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


class MemoryConversations:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def load_conversation(self, conversation_id: str) -> Conversation | None:
        with self._store.lock:
            return self._store.conversations.get(conversation_id)

    def save_conversation(self, conversation: Conversation, expected_version: int | None) -> None:
        with self._store.lock:
            stored = self._store.conversations.get(conversation.id)
            if (stored.version if stored else None) != expected_version:
                raise ConcurrentModification(messages.CONVERSATION_CHANGED)
            self._store.conversations[conversation.id] = conversation


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


class MemoryInvitations:
    """Accounts waiting for activation, by e-mail; ``resent`` lists the invitations sent again."""

    def __init__(self, pending: Iterable[str] = ()) -> None:
        self.pending = {e.casefold() for e in pending}
        self.resent: list[str] = []

    def resend(self, email: str) -> bool:
        if email.casefold() not in self.pending:
            return False
        self.resent.append(email)
        return True


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


class MemoryInvitationRequests:
    """The requests handed to the invitations function, in order (``requested``): what it would be sent."""

    def __init__(self) -> None:
        self.requested: list[str] = []

    def request_resend(self, email: str) -> None:
        self.requested.append(email)


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


class MemoryMailer:
    """A mailer that keeps what it sends in ``sent``; ``available = False`` makes it fail as SES would."""

    def __init__(self) -> None:
        self.sent: list[OutgoingMail] = []
        self.available = True

    def send(self, mail: OutgoingMail) -> str:
        if not self.available:
            raise MailUnavailable(messages.MAIL_UNAVAILABLE)
        self.sent.append(mail)
        return str(uuid.uuid4())


class MemoryFiles:
    """``FileStorage`` in a dict. ``put`` is the client's upload through the form (nothing is enforced, as
    with moto); ``read`` and ``keys`` show what is stored."""

    def __init__(self) -> None:
        self._objects: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def upload_form(self, key: str, content_type: str, size: int, expires_at: datetime) -> UploadForm:
        fields = {"key": key, "Content-Type": content_type, "content-length-range": f"{size},{size}"}
        return UploadForm("memory://attachments", fields, expires_at)

    def put(self, key: str, data: bytes) -> None:
        with self._lock:
            self._objects[key] = data

    def read(self, key: str) -> bytes | None:
        with self._lock:
            return self._objects.get(key)

    def keys(self) -> list[str]:
        with self._lock:
            return sorted(self._objects)

    def size_of(self, key: str) -> int | None:
        data = self.read(key)
        return None if data is None else len(data)

    def first_bytes(self, key: str, count: int) -> bytes:
        return (self.read(key) or b"")[:count]

    def move(self, source: str, target: str) -> None:
        with self._lock:
            self._objects[target] = self._objects.pop(source)

    def delete(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                self._objects.pop(key, None)

    def delete_prefix(self, prefix: str) -> None:
        self.delete([k for k in self.keys() if k.startswith(prefix)])

    def download_link(self, key: str, disposition: str, content_type: str, expires_at: datetime) -> str:
        expires = int(expires_at.timestamp())
        return f"memory://attachments/{key}?disposition={disposition}&type={content_type}&expires={expires}"

    def write(self, key: str, data: bytes, content_type: str, disposition: str) -> None:  # noqa: ARG002
        self.put(key, data)  # the type and the disposition are S3 metadata: not kept in memory


class FixedSigningKey:
    """The ``SigningKey`` twin: a fixed current key and, to play a rotation, the other keys still accepted."""

    def __init__(self, secret: bytes = b"memory-signing-key-for-tests-only", others: tuple[bytes, ...] = ()) -> None:
        self._secret = secret
        self._others = others

    def key(self) -> bytes:
        return self._secret

    def keys(self) -> tuple[bytes, ...]:
        return (self._secret, *(k for k in dict.fromkeys(self._others) if k != self._secret))


def memory_ports(store: MemoryStore | None = None) -> Ports:
    store = store or MemoryStore()
    return Ports(
        tickets=MemoryTickets(store),
        lists=MemoryLists(store),
        operations=MemoryOperations(store),
        conversations=MemoryConversations(store),
        satisfaction=MemorySatisfaction(store),
        chats=store.chats,
        chat_connections=store.chat_connections,
        directory=MemoryDirectory(store),
        payments=MemoryPayments(store),
        reference=MemoryReference(store),
        captchas=MemoryCaptchas(store),
        rate_limits=MemoryRateLimits(store),
        invitation_resends=MemoryInvitationResends(store),
        mail_journal=MemoryMailJournal(store),
        idempotency=MemoryIdempotencyRecords(),
    )
