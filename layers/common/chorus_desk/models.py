"""Pydantic models of the domain: organisations, users, memberships, payment requests, tickets and their
history. ``TicketContent`` is the one list of the fields an emitter writes on a ticket: the HTTP request
models, the draft logic, the catalogue's forms and the submission checks all derive from it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum, StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool

from chorus_desk import messages
from chorus_desk.lifecycle import Action, Side, Status
from chorus_desk.siret import is_valid_siret


def utc_now() -> datetime:
    return datetime.now(UTC)


class _Model(BaseModel):
    # Built on first use, not at import: a function builds only the models its requests use (cold start).
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class Role(StrEnum):
    PRINCIPAL_MANAGER = "PRINCIPAL_MANAGER"
    SECONDARY_MANAGER = "SECONDARY_MANAGER"
    USER = "USER"

    @property
    def label(self) -> str:
        return messages.ROLE_LABELS[self.value]


class OrgKind(StrEnum):
    """A structure is identified by its SIRET; a team (the Chorus Pro technical support) by a short id."""

    STRUCTURE = "STRUCTURE"
    TEAM = "TEAM"


def org_key(kind: OrgKind, id_: str) -> str:
    """An organisation's key (``OrgRef.key``), also for a constant, without building the model at import."""
    return f"{kind.value}#{id_}"


class OrgRef(_Model):
    kind: OrgKind
    id: str

    @property
    def key(self) -> str:
        return org_key(self.kind, self.id)


class Service(_Model):
    code: str
    name: str


class Structure(_Model):
    siret: str
    designation: str
    public: bool
    active: bool = True
    email: str | None = None
    services: tuple[Service, ...] = ()
    # Its address in the directory (« Rechercher » a recipient by postcode or town): optional reference data.
    postcode: str | None = None
    town: str | None = None

    @property
    def ref(self) -> OrgRef:
        return OrgRef(kind=OrgKind.STRUCTURE, id=self.siret)

    def service(self, code: str) -> Service | None:
        return next((s for s in self.services if s.code == code), None)


class Team(_Model):
    id: str
    name: str
    email: str | None = None

    @property
    def ref(self) -> OrgRef:
        return OrgRef(kind=OrgKind.TEAM, id=self.id)


class UserProfile(_Model):
    id: str  # the Cognito "sub": immutable, never reused
    email: str
    name: str


class Membership(_Model):
    org: OrgRef
    org_name: str
    role: Role


class Person(_Model):
    """Someone as shown on a ticket (creator, assignee, author of a history entry)."""

    id: str
    name: str


class ObjectType(StrEnum):
    """The payment requests a ticket can be about (« Type d'objet concerné »)."""

    INVOICE = "FACTURE"
    TIC_REFUND = "DEMANDE_REMBOURSEMENT_TIC"
    JUSTICE_MEMO = "MEMOIRE_FRAIS_JUSTICE"

    @property
    def label(self) -> str:
        return messages.OBJECT_TYPE_LABELS[self.value]

    @property
    def the(self) -> str:
        """The type with its article, for sentences: « la facture », « le mémoire de frais de justice »."""
        return messages.OBJECT_TYPE_PHRASES[self.value]


class PaymentState(StrEnum):
    DRAFT = "BROUILLON"
    SENT = "ENVOYEE"
    SUSPENDED = "SUSPENDUE"
    REJECTED = "REJETEE"
    PAID = "MISE_EN_PAIEMENT"


class PaymentRequest(_Model):
    """A payment request of Chorus Pro (invoice, TIC refund request, justice-fee memo): reference data.

    Its number is the emitter's: it identifies the request together with the emitter and the type. The
    recipient is a public structure and optionally one of its services; a draft may have none yet.
    """

    object_type: ObjectType
    number: str
    state: PaymentState
    emitter_siret: str
    recipient_siret: str | None = None
    recipient_service: str | None = None


# ------------------------------------------------------------------------------ the ticket's content
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
_PHONE = re.compile(r"^\+?[0-9][0-9 .()-]{4,18}[0-9]$")


def _blank_to_none(value: object) -> object:
    if isinstance(value, str):
        return value.strip() or None
    return value


def _check(pattern: re.Pattern[str] | None, message: str) -> Any:
    def check(value: str | None) -> str | None:
        if value is not None and not (pattern.match(value) if pattern else is_valid_siret(value)):
            raise ValueError(message.format(value=value))
        return value

    return check


Text = Annotated[str | None, BeforeValidator(_blank_to_none)]
Siret = Annotated[str | None, BeforeValidator(_blank_to_none), AfterValidator(_check(None, messages.SIRET_INVALID))]
Email = Annotated[str | None, BeforeValidator(_blank_to_none), AfterValidator(_check(_EMAIL, messages.EMAIL_INVALID))]
Phone = Annotated[str | None, BeforeValidator(_blank_to_none), AfterValidator(_check(_PHONE, messages.PHONE_INVALID))]


class Need(Enum):
    REQUIRED = "required"
    OPTIONAL = "optional"


@dataclass(frozen=True)
class Form:
    """Where a field of ``TicketContent`` appears: in the connected form, the non-connected one, and
    whether it must be filled in to submit. Routing fields (``routing=True``) appear only for the pairs
    whose rule uses them (``catalogue``)."""

    connected: Need | None = None
    anonymous: Need | None = None
    routing: bool = False


_REQ, _OPT = Need.REQUIRED, Need.OPTIONAL


class TicketContent(_Model):
    """What the emitter writes on a ticket. Every field may be missing in a draft; submission needs those
    the form marks required. The contact e-mail defaults to the emitter structure's."""

    category: Annotated[Text, Form(_REQ, _REQ)] = Field(None, max_length=64)
    subcategory: Annotated[Text, Form(_REQ, _REQ)] = Field(None, max_length=64)
    emitter_siret: Annotated[Siret, Form(_REQ)] = None
    emitter_service: Annotated[Text, Form(_OPT)] = Field(None, max_length=64)
    contact_email: Annotated[Email, Form(_OPT, _REQ)] = Field(None, max_length=254)
    contact_phone: Annotated[Phone, Form(_OPT)] = Field(None, max_length=20)
    title: Annotated[Text, Form(_REQ, _REQ)] = Field(None, max_length=150)
    description: Annotated[Text, Form(_REQ, _REQ)] = Field(None, max_length=10000)
    object_type: Annotated[ObjectType | None, Form(routing=True)] = None
    object_number: Annotated[Text, Form(routing=True)] = Field(None, max_length=64)
    recipient_is_state_service: Annotated[StrictBool | None, Form(routing=True)] = None
    recipient_siret: Annotated[Siret, Form(routing=True)] = None
    recipient_service: Annotated[Text, Form(routing=True)] = Field(None, max_length=64)


def content_forms() -> dict[str, Form]:
    """Each field of ``TicketContent`` with its place in the forms, in the order of the model."""
    forms: dict[str, Form] = {}
    for name, info in TicketContent.model_fields.items():
        forms[name] = next(m for m in info.metadata if isinstance(m, Form))
    return forms


# ------------------------------------------------------------------------------------------ tickets
class Emitter(_Model):
    """The emitter structure as it was resolved when the ticket was written: its name and service."""

    siret: str
    designation: str
    service: Service | None = None


class Recipient(_Model):
    org: OrgRef
    name: str
    service: Service | None = None
    is_state_service: bool | None = None  # as the emitter declared it ("Question pour une entité publique")


class HistoryEntry(_Model):
    seq: int
    at: datetime
    actor: Person
    side: Side
    action: Action
    from_status: Status | None = None
    to_status: Status
    comment: str | None = None
    assignee: Person | None = None  # taking in charge, assigning: the agent the ticket was given to


class AttachmentState(StrEnum):
    PENDING = "PENDING"  # an upload form was handed out; the file is not checked yet (not shown)
    SCANNING = "SCANNING"  # checked, waiting for the malware scan (when it is on)
    AVAILABLE = "AVAILABLE"
    REFUSED = "REFUSED"  # the stored object failed the check or the scan: deleted, the reason kept

    @property
    def label(self) -> str:
        return messages.ATTACHMENT_STATE_LABELS[self.value]


class Attachment(_Model):
    """A file of a ticket. Its object key is random (``upload_key`` until checked, then ``file_key``)."""

    id: str
    name: str
    content_type: str
    declared_size: int
    size: int | None = None  # as stored, once checked
    side: Side
    step: Status  # the ticket's status when the file was added
    added_by: Person
    added_at: datetime
    state: AttachmentState = AttachmentState.PENDING
    refusal: str | None = None

    def upload_key(self, number: int) -> str:
        return f"uploads/{number}/{self.id}"

    def file_key(self, number: int) -> str:
        return f"files/{number}/{self.id}"


class Ticket(_Model):
    number: int
    status: Status
    version: int = Field(ge=1)
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None = None
    # The last time the ticket became « Résolu » (the recipient's answer): the automatic closing counts from it.
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    created_by: Person
    # Filed through the non-connected form: no emitter structure, followed by mail and a signed link only.
    anonymous: bool = False
    content: TicketContent = Field(default_factory=TicketContent)  # built on first use, not at import
    emitter: Emitter | None = None
    # Where the ticket was routed, set on submission from the rule of its category pair.
    recipient: Recipient | None = None
    assignee: Person | None = None
    attachments: tuple[Attachment, ...] = ()
    history: tuple[HistoryEntry, ...] = ()


# ------------------------------------------------------------------------- non-connected mode, mail
class Challenge(_Model):
    """A captcha challenge: its answer is kept only as a salted hash, it expires, and dies after three
    wrong answers (``failures``) or one right one (deleted)."""

    id: str
    answer_hash: str
    salt: str
    expires_at: datetime
    failures: int = 0


class OutgoingMail(_Model):
    """A mail ready to leave: one recipient, a subject, a plain-text and an HTML body (both French)."""

    to: str
    subject: str
    text: str
    html: str
    key: str  # the history event it announces (ticket number and sequence): sent once per key


# ----------------------------------------------------------------------------- structure procedures
class OperationState(StrEnum):
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    REFUSED = "REFUSED"  # a refusal of the procedure (not a manager, takeover not acceptable…)
    FAILED = "FAILED"  # Sirene or storage unavailable past the retries: nothing half-done, start again

    @property
    def label(self) -> str:
        return messages.OPERATION_STATE_LABELS[self.value]


class Operation(_Model):
    """One run of « Inactiver ma structure »: who asked, for which structure and takeover, how it went.

    Its id names the state machine's execution; while it runs, a lock item keeps a second one for the same
    structure from starting."""

    id: str
    siret: str
    takeover_siret: str | None = None
    requester: Person
    state: OperationState = OperationState.RUNNING
    started_at: datetime
    finished_at: datetime | None = None
    error: str | None = None  # the named error of a refusal or failure (the exception's class name)
    message: str | None = None  # the French outcome
    moved_payments: int = 0
    moved_tickets: int = 0


# ------------------------------------------------------------------------------------- the assistant
class Speaker(StrEnum):
    USER = "USER"
    ASSISTANT = "ASSISTANT"
    AGENT = "AGENT"  # an agent's line of a live chat, joined to the conversation when the chat ends


class Turn(_Model):
    """One line of a conversation's transcript (an agent's line carries the agent's name)."""

    by: Speaker
    text: str
    at: datetime
    name: str | None = None


class Rating(StrEnum):
    UP = "UP"
    DOWN = "DOWN"


class FeedbackReason(StrEnum):
    """The four reasons of a thumbs down, as the assistant guide lists them."""

    NOT_UNDERSTOOD = "NOT_UNDERSTOOD"
    IMPRECISE = "IMPRECISE"
    COMPLICATED = "COMPLICATED"
    OTHER = "OTHER"

    @property
    def label(self) -> str:
        return messages.FEEDBACK_REASON_LABELS[self.value]


class Feedback(_Model):
    rating: Rating
    reason: FeedbackReason | None = None
    comment: str | None = None
    at: datetime


class Conversation(_Model):
    """A conversation with the assistant: where it stands (``step``, what it gathered in ``data``, the steps
    it came through for « Retour »), what it is about across steps (``memory``: the last topic, the structure
    named, the questions asked and not answered yet), its transcript and its feedback. It expires after a while
    without a message (``expires_at``, checked on every read). ``owner`` is the signed-in user's id, or ``None``
    for an anonymous visitor (who holds the id, a 128-bit random value, as the only key)."""

    id: str
    owner: str | None
    step: str
    data: dict[str, str] = Field(default_factory=dict)
    memory: dict[str, str] = Field(default_factory=dict)
    trail: tuple[str, ...] = ()
    transcript: tuple[Turn, ...] = ()
    feedback: tuple[Feedback, ...] = ()
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    version: int = 1
