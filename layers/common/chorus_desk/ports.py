"""The ports: what the use cases need from the outside world, as small ``typing.Protocol`` classes.

Adapters implement them: ``adapters.dynamodb`` (AWS; the adapters package is the only place that imports
boto3) and ``adapters.memory`` (in process, for fast tests), both one module per port.
``tests/test_ports_contract.py`` runs the same assertions against both. Use cases receive a ``Ports`` bundle
built once per cold start (``bootstrap``); they never look an adapter up by themselves.

The non-connected form added captchas, rate limits, the mail journal (table-backed, in ``Ports``), the
mailer (SES) and the signing key (Secrets Manager), given to the use cases that need them. The issues
after this one add theirs here: file storage (S3), workflow start (Step Functions), company registry
(INSEE Sirene).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Protocol

from chorus_desk.actors import Identity
from chorus_desk.chats import ChatMessage, ChatSession, Connection, Seat
from chorus_desk.directory import Entry
from chorus_desk.listing import Counts, ListQuery, Page, RowKind, Tally
from chorus_desk.models import (
    Challenge,
    Conversation,
    Feedback,
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

if TYPE_CHECKING:  # Powertools' idempotency package imports boto3: only its type is needed here
    from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer


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

    def resolved_before(self, limit: datetime, size: int, after: str | None = None) -> tuple[list[int], str | None]:
        """The numbers of up to ``size`` tickets « Résolu » since ``limit`` or before (``chorus_desk.closing``),
        oldest resolution first, after the cursor ``after``; and the cursor of the next page (``None``: no more).
        One indexed read per page, never a Scan; the index may lag a moment behind the tickets."""
        ...


class Operations(Protocol):
    """The structure procedures' runs (``Operation``) and the lock that allows one per structure at a time."""

    def begin(self, operation: Operation, lock_seconds: int) -> bool:
        """Store the operation and take the structure's lock, together; ``False`` (nothing stored) while
        another operation holds it (a lock older than ``lock_seconds`` is taken over)."""
        ...

    def load_operation(self, operation_id: str) -> Operation | None: ...

    def count_moved(self, operation_id: str, payments: int, tickets: int) -> None:
        """Add what one batch moved to the operation's totals."""
        ...

    def finish(self, operation: Operation) -> None:
        """Record the outcome and release the structure's lock (if this operation still holds it)."""
        ...


class Conversations(Protocol):
    """The assistant's conversations. A save is conditioned on the version that was read (two messages sent
    at once cannot both apply); expiry is the reader's business (``expires_at``)."""

    def load_conversation(self, conversation_id: str) -> Conversation | None: ...

    def save_conversation(self, conversation: Conversation, expected_version: int | None) -> None:
        """Store ``conversation`` if the stored one is still at ``expected_version`` (``None``: a new one);
        else ``ConcurrentModification``."""
        ...


class Satisfaction(Protocol):
    """The assistant's ratings, counted per day and per reason (the support team reads them)."""

    def record(self, day: date, rating: Rating, reason: FeedbackReason | None) -> None: ...

    def read(self, first: date, last: date) -> dict[date, dict[str, int]]:
        """Per day in [first, last] that has ratings: ``UP``, ``DOWN`` and each reason's count."""
        ...


class ChatSessions(Protocol):
    """The live chats (``chorus_desk.chats``): sessions, their messages, the queues, the agents' seats, the chats'
    ratings and transcript requests. A session changes only if it is still as it was read (``version`` and
    ``last_seq``): of two agents taking one chat one wins, and two messages never get one number. Expiry is the
    reader's business (``expires_at``)."""

    def create(self, session: ChatSession, first: ChatMessage) -> None:
        """Store a new session with its first message (``first.seq == session.last_seq``)."""
        ...

    def load(self, chat_id: str) -> ChatSession | None:
        """The session as last written (a strongly consistent read)."""
        ...

    def read(self, chat_id: str, after: int, limit: int) -> tuple[ChatSession | None, list[ChatMessage]]:
        """The session and up to ``limit`` of its messages numbered after ``after``, in order (one read)."""
        ...

    def save(self, before: ChatSession, after: ChatSession, message: ChatMessage | None = None) -> None:
        """Write what changed from ``before`` to ``after`` (never ``connections``), with ``message`` if given
        (numbered ``after.last_seq``), if the stored session is still at ``before``'s version and last message;
        else ``ConcurrentModification`` and nothing is written."""
        ...

    def follow(self, chat_id: str, connection_id: str, role: str) -> None:
        """Let a socket follow the chat: it is pushed every new message (``role``: who is behind it). The session
        gets a new version, so a change read before the follow fails at its write (``ConcurrentModification``)
        and is read again with the new socket among those it pushes to."""
        ...

    def unfollow(self, chat_id: str, connection_id: str) -> None: ...

    def waiting(self, queue: str, limit: int) -> list[ChatSession]:
        """The chats waiting in ``queue``, longest waiting first (read by index, never scanned)."""
        ...

    def overdue(self, before: datetime, limit: int) -> list[ChatSession]:
        """Chats of every queue waiting since before ``before`` and not yet offered the ticket (by index)."""
        ...

    def seats(self, queue: str) -> list[Seat]:
        """The agents who declared themselves at ``queue`` (available or not)."""
        ...

    def sit(self, seat: Seat, connection_id: str | None = None) -> None:
        """Declare ``seat`` (available until ``seat.until``, or away); an available seat adds ``connection_id``
        to the sockets told of the queue's news, an away one is told nothing any more."""
        ...

    def leave_seat(self, queue: str, agent_id: str, connection_id: str) -> None:
        """Stop telling that socket of the queue's news (it closed)."""
        ...

    def rate(self, session: ChatSession, feedback: Feedback, day: date) -> bool:
        """Record the chat's one rating and count it for ``day`` (counted apart from the assistant's); ``False``
        if the chat was rated already (nothing counted)."""
        ...

    def ratings(self, first: date, last: date) -> dict[date, dict[str, int]]:
        """Per day in [first, last] that has ratings: ``UP``, ``DOWN`` and each reason's count."""
        ...

    def ask_transcript(self, session: ChatSession, to: str, at: datetime) -> bool:
        """Ask for the chat's transcript by mail to ``to``, once per chat (``False`` if asked already). The mail
        function sends it (the table's stream)."""
        ...

    def transcript_address(self, chat_id: str) -> str | None:
        """Where the chat's transcript was asked to go (the mail function reads it)."""
        ...


class ChatConnections(Protocol):
    """The sockets of the WebSocket API, as $connect recorded them, and what each follows."""

    def open(self, connection: Connection) -> None: ...

    def load(self, connection_id: str) -> Connection | None: ...

    def join(self, connection_id: str, chat_id: str | None = None, queue: str | None = None) -> None:
        """Note that the socket follows a chat, or a queue's news (left when it closes)."""
        ...

    def close(self, connection_id: str) -> Connection | None:
        """Forget the socket; what it was (``None`` if it was forgotten already)."""
        ...


class Pusher(Protocol):
    """Sends one frame to one socket (API Gateway's management API, PostToConnection): ``ConnectionGone`` when
    the socket is closed (410), ``PushFailed`` for any other failure."""

    def push(self, connection_id: str, data: bytes) -> None: ...


class ChatFrames(Protocol):
    """What a socket is pushed, as bytes (the WebSocket API's frames, ``api/schemas/chat.py``)."""

    def message(self, session: ChatSession, message: ChatMessage) -> bytes: ...

    def state(self, session: ChatSession, now: datetime) -> bytes: ...

    def queue(self, queue: str, name: str) -> bytes: ...


class TokenVerifier(Protocol):
    """Checks an IdToken as API Gateway's Cognito authorizer does (signature, issuer, audience, expiry, use):
    the $connect of a signed-in user's socket. ``NotAuthenticated`` when it is not valid."""

    def verify(self, token: str) -> Identity: ...


class Invitations(Protocol):
    """The identity provider's account invitations (Cognito): sends the activation link again."""

    def resend(self, email: str) -> bool:
        """``True`` if an account waiting for activation had its invitation sent again; ``False`` for an
        unknown or already active address (the assistant answers the same either way)."""
        ...


class InvitationRequests(Protocol):
    """Hands a request to send an account's invitation again to the one function allowed to (the private
    ``InvitationsFunction``, through the desk's event bus). The asking function never calls Cognito: its
    answer and its time cannot depend on whether an account waits at the address."""

    def request_resend(self, email: str) -> None:
        """Queue the request (``StorageUnavailable`` if it could not be handed over)."""
        ...


class InvitationResends(Protocol):
    """The invitations sent again, one per address and day at most, counted under the address's keyed
    pseudonym (``chorus_desk.pseudonyms``), never under the address."""

    def claim(self, pseudonym: str, day: date, expires_at: datetime) -> bool:
        """``True`` for the first claim of ``pseudonym`` on ``day``, ``False`` once it is claimed: one
        conditional write, so of two claims at once exactly one wins."""
        ...

    def release(self, pseudonym: str, day: date) -> None:
        """Give the day's claim back (its request could not be handed over: the address may ask again)."""
        ...


class Workflow(Protocol):
    """Starts a structure procedure's state machine (Step Functions), named after the operation."""

    def start(self, operation_id: str, payload: dict[str, str | None]) -> None: ...


class TicketLists(Protocol):
    """The lists, searches and dashboard counts of the following screens (``chorus_desk.listing``): rows
    and counters written with the tickets, read by key and index only."""

    def page(self, query: ListQuery) -> Page:
        """One page of rows of ``query.partitions`` in the query's order, after ``query.after``."""
        ...

    def count(self, query: ListQuery) -> Tally:
        """How many rows of ``query`` (its partitions, key range and filters; ``after`` ignored) there are,
        counted within ``query.budget`` rows evaluated (``Tally.exact`` false past it)."""
        ...

    def counts(self, kind: RowKind, owner: str, consistent: bool = False) -> Counts:
        """The dashboard counters of one follower (``listing.counts_partition``); ``consistent``: read after
        every write that preceded it (the counters are written with the tickets, never lag behind them)."""
        ...


class Directory(Protocol):
    """Users, their memberships, structures and teams (reference data, read-only for the use cases)."""

    def load_user(self, user_id: str) -> tuple[UserProfile | None, list[Membership]]: ...

    def list_members(self, org: OrgRef) -> list[tuple[UserProfile, Membership]]: ...

    def load_structure(self, siret: str) -> Structure | None: ...

    def load_team(self, team_id: str) -> Team | None: ...

    def read_index(self, partition: str, prefix: str, after: str | None, limit: int) -> tuple[list[Entry], bool]:
        """One Query on the public directory's index (``chorus_desk.directory``): up to ``limit`` entries of
        ``partition`` whose key begins with ``prefix``, after the key ``after``, in key order; and whether the
        Query stopped with entries left."""
        ...


class PaymentRequests(Protocol):
    """The payment requests of Chorus Pro a ticket can be about (reference data)."""

    def load_payment_request(
        self, emitter_siret: str, object_type: ObjectType, number: str
    ) -> PaymentRequest | None: ...

    def received_by(self, siret: str, limit: int) -> list[PaymentRequest]:
        """Up to ``limit`` payment requests addressed to the structure (read by its index, never scanned)."""
        ...

    def redirect(self, payment: PaymentRequest, to_siret: str) -> bool:
        """Address the request to ``to_siret`` (no service) if it is still addressed to its current
        recipient; ``False`` if it was not (moved already, or changed)."""
        ...


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

    def set_structure_active(self, siret: str, active: bool) -> bool:
        """Activate or inactivate the structure if it is in the other state; ``False`` if it was not. Its entries
        in the public directory's index are written or removed in the same transaction."""
        ...

    def import_structures(self, structures: Iterable[Structure]) -> None:
        """Load structures with their services and directory entries in bulk, reading nothing: seeding a stack,
        benchmarks. Not for structures that already exist (``put_reference_data`` replaces those)."""
        ...

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

    def count(self, key: str) -> int:
        """The counter's value (0 if it was never hit)."""
        ...

    def give_back(self, key: str) -> None:
        """Take one off the counter ``key`` (a hit that turned out not to count); never below 0."""
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


class EventPublisher(Protocol):
    """Puts at most ten entries on the desk's bus in one call (the tickets' lifecycle events): for each, the id
    the bus gave it, or ``None`` when it refused that entry; ``StorageUnavailable`` when the call failed."""

    def publish(self, entries: Sequence[Mapping[str, str]]) -> list[str | None]: ...


class Mailer(Protocol):
    """Sends one mail; returns the provider's message id, or raises ``MailUnavailable``."""

    def send(self, mail: OutgoingMail) -> str: ...


class SigningKey(Protocol):
    """A secret key of the desk (the status links' signatures, the pseudonyms), read once per execution
    environment, rotated without breaking what it already signed."""

    def key(self) -> bytes:
        """The key that signs now."""
        ...

    def keys(self) -> tuple[bytes, ...]:
        """Every key a valid signature may have been made with: the current one first, then, during a rotation,
        the one announced to sign next and the one that signed before."""
        ...


@dataclass(frozen=True)
class Establishment:
    """An establishment as the company registry (INSEE Sirene) knows it today."""

    siret: str
    name: str  # the legal unit's name (company, or first name and surname), else the establishment's sign
    open: bool  # etatAdministratifEtablissement of its current period: A (open) or F (closed)
    closed_on: date | None = None  # a closed one: the day its closed period began
    address: str | None = None  # one line: street, postcode and town


class CompanyRegistry(Protocol):
    """The company registry (INSEE Sirene): what it says of one establishment today."""

    def lookup(self, siret: str) -> Establishment:
        """The establishment, or ``UnknownEstablishment`` when the registry has none with this SIRET, or
        ``RegistryUnavailable`` when it could not be asked (down, too slow, refusing the key, garbled answer)."""
        ...


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

    def read(self, key: str) -> bytes | None:
        """The whole object, or ``None`` if there is no such object (the files a ticket's archive packs)."""
        ...

    def write(self, key: str, data: bytes, content_type: str, disposition: str) -> None:
        """Write an object (an export) with the type and the ``Content-Disposition`` it downloads with."""
        ...


# ----------------------------------------------------------------------------- documents of the exports
# What the exports hand their writer: plain values that the writer lays out and never interprets (a text
# that looks like a formula or like markup is written as that text).
Cell = str | int | datetime | None  # a spreadsheet cell: a text, a number, a date (naive, local time), nothing


@dataclass(frozen=True)
class Fields:
    """Label / value lines (« SIRET : 53453679200011 »)."""

    lines: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Paragraph:
    """A text as it was written (line breaks kept), under an optional heading (who wrote it, when)."""

    text: str
    heading: str | None = None


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    widths: tuple[int, ...]  # relative widths of the columns
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Fields | Paragraph | Table, ...]


@dataclass(frozen=True)
class PrintedDocument:
    """A document to print: a title, the lines under it, its sections, and the footer of every page (its
    ``{page}`` and ``{pages}`` replaced by the page's number and the number of pages)."""

    title: str
    subtitle: tuple[str, ...]
    sections: tuple[Section, ...]
    footer: str
    author: str


class DocumentWriter(Protocol):
    """Writes the binary documents of the exports (heavy libraries: the exports function provides it,
    ``bootstrap.document_writer`` is overridden there)."""

    def spreadsheet(
        self, sheet: str, headers: tuple[str, ...], widths: tuple[int, ...], rows: Iterable[tuple[Cell, ...]]
    ) -> bytes:
        """An XLSX workbook of one sheet: the header row bold, frozen and filtered; a text is always written
        as a text (never a formula), a date as a date shown dd/mm/yyyy; ``widths`` in characters."""
        ...

    def pdf(self, document: PrintedDocument) -> bytes:
        """The document as a PDF whose fonts cover French (accents, ligatures, « », €), embedded."""
        ...


class CaptchaArtist(Protocol):
    """Draws a captcha answer: a PNG image and a WAV recording of it (a heavy library: the public function's)."""

    def draw(self, text: str) -> tuple[bytes, bytes]: ...


@dataclass(frozen=True)
class Ports:
    """Everything a use case may reach, built once per execution environment."""

    tickets: TicketStore
    lists: TicketLists
    operations: Operations
    conversations: Conversations
    satisfaction: Satisfaction
    chats: ChatSessions
    chat_connections: ChatConnections
    directory: Directory
    payments: PaymentRequests
    reference: ReferenceData
    captchas: Captchas
    rate_limits: RateLimits
    invitation_resends: InvitationResends
    mail_journal: MailJournal
    # The answers of retried requests (Idempotency-Key, api/idempotency.py): a Powertools idempotency persistence
    # layer on the same table (adapters/idempotency.py), or its in-memory twin.
    idempotency: BasePersistenceLayer
