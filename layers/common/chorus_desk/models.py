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


class HistoryEntry(_Model):
    seq: int
    at: datetime
    actor: Person
    side: Side
    action: Action
    from_status: Status | None = None
    to_status: Status
    comment: str | None = None


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
    recipient: Recipient | None = None
    assignee: Person | None = None
    history: tuple[HistoryEntry, ...] = ()
