"""Pydantic models of the domain: organisations, users, memberships, tickets and their history."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from chorus_desk.lifecycle import Action, Side, Status


def utc_now() -> datetime:
    return datetime.now(UTC)


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Role(StrEnum):
    PRINCIPAL_MANAGER = "PRINCIPAL_MANAGER"
    SECONDARY_MANAGER = "SECONDARY_MANAGER"
    USER = "USER"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.PRINCIPAL_MANAGER: "Gestionnaire principal",
    Role.SECONDARY_MANAGER: "Gestionnaire secondaire",
    Role.USER: "Utilisateur simple",
}


class OrgKind(StrEnum):
    """A structure is identified by its SIRET; a team (the Chorus Pro technical support) by a short id."""

    STRUCTURE = "STRUCTURE"
    TEAM = "TEAM"


class OrgRef(_Model):
    kind: OrgKind
    id: str

    @property
    def key(self) -> str:
        return f"{self.kind.value}#{self.id}"


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


class Caller(_Model):
    """The authenticated user of one request, with the organisations they act for."""

    id: str
    email: str | None
    name: str
    memberships: tuple[Membership, ...] = ()

    def membership(self, org: OrgRef) -> Membership | None:
        return next((m for m in self.memberships if m.org == org), None)

    def belongs_to(self, org: OrgRef | None) -> bool:
        return org is not None and self.membership(org) is not None


class Person(_Model):
    """A user as shown on a ticket (creator, assignee, author of a history entry)."""

    id: str
    name: str


class Emitter(_Model):
    siret: str | None = None
    designation: str | None = None
    service: Service | None = None
    contact_email: str | None = None
    contact_phone: str | None = None


class Recipient(_Model):
    org: OrgRef
    name: str
    service: Service | None = None
    is_state_service: bool | None = None  # as the emitter declared it ("Question pour une entité publique")


class ObjectType(StrEnum):
    """The payment requests a ticket can be about (« Type d'objet concerné »)."""

    INVOICE = "FACTURE"
    TIC_REFUND = "DEMANDE_REMBOURSEMENT_TIC"
    JUSTICE_MEMO = "MEMOIRE_FRAIS_JUSTICE"

    @property
    def label(self) -> str:
        return OBJECT_TYPE_LABELS[self]

    @property
    def the(self) -> str:
        """The type with its article, for sentences: « la facture », « le mémoire de frais de justice »."""
        return OBJECT_TYPE_PHRASES[self]


OBJECT_TYPE_LABELS: dict[ObjectType, str] = {
    ObjectType.INVOICE: "Facture",
    ObjectType.TIC_REFUND: "Demande de remboursement",
    ObjectType.JUSTICE_MEMO: "Mémoire de frais de justice",
}


OBJECT_TYPE_PHRASES: dict[ObjectType, str] = {
    ObjectType.INVOICE: "la facture",
    ObjectType.TIC_REFUND: "la demande de remboursement",
    ObjectType.JUSTICE_MEMO: "le mémoire de frais de justice",
}


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


class Ticket(_Model):
    number: int
    status: Status
    version: int = Field(ge=1)
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None = None
    closed_at: datetime | None = None
    created_by: Person
    category: str | None = None
    subcategory: str | None = None
    title: str | None = None
    description: str | None = None
    emitter: Emitter = Emitter()
    # What the emitter filled in for routing: the object of the ticket, or the public structure asked.
    object_type: ObjectType | None = None
    object_number: str | None = None
    recipient_siret: str | None = None
    recipient_service: str | None = None
    recipient_is_state_service: bool | None = None
    # Where the ticket was routed, set on submission from the rule of its category pair.
    recipient: Recipient | None = None
    assignee: Person | None = None
    history: tuple[HistoryEntry, ...] = ()
