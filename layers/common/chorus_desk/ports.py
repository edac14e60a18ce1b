"""The ports: what the use cases need from the outside world, as small ``typing.Protocol`` classes.

Adapters implement them: ``adapters.dynamodb`` (AWS, the only place that imports boto3) and
``adapters.memory`` (in process, for fast tests). ``tests/test_ports_contract.py`` runs the same
assertions against both. Use cases receive a ``Ports`` bundle built once per cold start
(``bootstrap``); they never look an adapter up by themselves.

The non-connected form added captchas, rate limits, the mail journal (table-backed, in ``Ports``), the
mailer (SES) and the signing key (Secrets Manager), given to the use cases that need them. The issues
after this one add theirs here: file storage (S3), workflow start (Step Functions), company registry
(INSEE Sirene).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Protocol

from chorus_desk.listing import Counts, ListQuery, Page, RowKind
from chorus_desk.models import (
    Challenge,
    HistoryEntry,
    Membership,
    ObjectType,
    OrgRef,
    OutgoingMail,
    PaymentRequest,
    Structure,
    Team,
    Ticket,
    UserProfile,
)


class TicketStore(Protocol):
    """Tickets and their history. Every write is conditional: a lost race raises ``ConcurrentModification``
    and changes nothing; a write retried after a lost reply is recognised and reported as done."""

    def next_ticket_number(self) -> int:
        """A new number: unique and increasing (gaps allowed)."""
        ...

    def load_ticket(self, number: int) -> Ticket | None:
        """The ticket with its whole history, or ``None``."""
        ...

    def insert_ticket(self, ticket: Ticket, entry: HistoryEntry) -> None:
        """Store a new ticket and its first history entry together."""
        ...

    def save_ticket(
        self, ticket: Ticket, expected_version: int, entry: HistoryEntry | None, previous: Ticket | None = None
    ) -> None:
        """Replace the ticket if its stored version is still ``expected_version``, with its new entry.

        ``previous`` is the ticket as read (at ``expected_version``): its list rows and dashboard counts are
        replaced by the new ones in the same write. Without it, the adapter reads the stored ticket first."""
        ...

    def delete_ticket(self, ticket: Ticket) -> None:
        """Delete the ticket and its history if it is still the version that was read."""
        ...


class TicketLists(Protocol):
    """The lists, searches and dashboard counts of the following screens (``chorus_desk.listing``): rows
    and counters written with the tickets, read by key and index only."""

    def page(self, query: ListQuery) -> Page:
        """One page of rows of ``query.partitions`` in the query's order, after ``query.after``."""
        ...

    def counts(self, kind: RowKind, owner: str) -> Counts:
        """The dashboard counters of one follower (``listing.counts_partition``)."""
        ...


class Directory(Protocol):
    """Users, their memberships, structures and teams (reference data, read-only for the use cases)."""

    def load_user(self, user_id: str) -> tuple[UserProfile | None, list[Membership]]: ...

    def list_members(self, org: OrgRef) -> list[tuple[UserProfile, Membership]]: ...

    def load_structure(self, siret: str) -> Structure | None: ...

    def load_team(self, team_id: str) -> Team | None: ...


class PaymentRequests(Protocol):
    """The payment requests of Chorus Pro a ticket can be about (reference data)."""

    def load_payment_request(
        self, emitter_siret: str, object_type: ObjectType, number: str
    ) -> PaymentRequest | None: ...


class ReferenceData(Protocol):
    """Writes reference data (seeding a stack, administration)."""

    def put_reference_data(
        self,
        *,
        structures: Iterable[Structure] = (),
        teams: Iterable[Team] = (),
        users: Iterable[UserProfile] = (),
        memberships: Iterable[tuple[str, Membership]] = (),
        payment_requests: Iterable[PaymentRequest] = (),
    ) -> None: ...

    def import_tickets(self, tickets: Iterable[Ticket]) -> None:
        """Load whole tickets (history, list rows, counters) in bulk: seeding a stack, benchmarks. Not for
        tickets that already exist."""
        ...


class Captchas(Protocol):
    """Captcha challenges. Expiry is the reader's business (``expires_at``): nothing is assumed deleted on
    time (DynamoDB's TTL deletes within days, moto never)."""

    def put_challenge(self, challenge: Challenge) -> None: ...

    def load_challenge(self, challenge_id: str) -> Challenge | None: ...

    def record_failure(self, challenge_id: str, max_failures: int) -> int | None:
        """Count one wrong answer, atomically; the new count, or ``None`` if the challenge is gone or
        already had ``max_failures`` (it is then deleted)."""
        ...

    def consume_challenge(self, challenge_id: str, max_failures: int) -> bool:
        """Delete the challenge if it is still there with fewer than ``max_failures`` failures: ``True``
        for exactly one of any number of concurrent callers."""
        ...


class RateLimits(Protocol):
    """Counters of requests per key and time window (the public routes' abuse limits)."""

    def hit(self, key: str, expires_at: datetime) -> int:
        """Add one to the counter ``key`` (created if needed, kept until ``expires_at``); its new value."""
        ...


class Claim(Enum):
    CLAIMED = "CLAIMED"  # this caller sends the mail now
    SENT = "SENT"  # it went out already: nothing to do
    BUSY = "BUSY"  # another consumer is sending it (its lease runs): try again later


class MailJournal(Protocol):
    """Which history events had their mail sent: the idempotency record of the mail consumer."""

    def claim(self, key: str, now: datetime, lease_until: datetime) -> Claim:
        """Take the right to send the mail of ``key`` until ``lease_until`` (a crashed sender's lease lapses)."""
        ...

    def mark_sent(self, key: str, message_id: str, now: datetime) -> None: ...

    def release(self, key: str) -> None:
        """Give a claim back after a failed send, so that a retry may claim it at once."""
        ...


class Mailer(Protocol):
    """Sends one mail; returns the provider's message id, or raises ``MailUnavailable``."""

    def send(self, mail: OutgoingMail) -> str: ...


class SigningKey(Protocol):
    """The secret that signs the non-connected status links (read once per execution environment)."""

    def key(self) -> bytes: ...


@dataclass(frozen=True)
class UploadForm:
    """A presigned S3 POST: the form the client sends, with the file last, to ``url``."""

    url: str
    fields: dict[str, str]
    expires_at: datetime


class FileStorage(Protocol):
    """Where attachments are kept (S3): presigned forms and links, and what the check reads and moves."""

    def upload_form(self, key: str, content_type: str, size: int, expires_at: datetime) -> UploadForm:
        """A POST form fixing the key, the content type and the size (S3 refuses any other length)."""
        ...

    def size_of(self, key: str) -> int | None:
        """The stored object's size, or ``None`` if there is no such object."""
        ...

    def first_bytes(self, key: str, count: int) -> bytes: ...

    def move(self, source: str, target: str) -> None:
        """Put the object at ``target`` and remove ``source``."""
        ...

    def delete(self, keys: Iterable[str]) -> None: ...

    def delete_prefix(self, prefix: str) -> None:
        """Delete every object under ``prefix`` (a deleted draft's uploads and files)."""
        ...

    def download_link(self, key: str, disposition: str, content_type: str, expires_at: datetime) -> str: ...


class CaptchaArtist(Protocol):
    """Draws a captcha answer: a PNG image and a WAV recording of it (a heavy library: the public function's)."""

    def draw(self, text: str) -> tuple[bytes, bytes]: ...


@dataclass(frozen=True)
class Ports:
    """Everything a use case may reach, built once per execution environment."""

    tickets: TicketStore
    lists: TicketLists
    directory: Directory
    payments: PaymentRequests
    reference: ReferenceData
    captchas: Captchas
    rate_limits: RateLimits
    mail_journal: MailJournal
