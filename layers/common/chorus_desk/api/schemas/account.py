"""The signed-in user's account: profile, and the organisations they act for with their role."""

from __future__ import annotations

from pydantic import Field

from chorus_desk.actors import SignedInUser
from chorus_desk.models import OrgKind, Role
from chorus_desk.usecases.account import Affiliation

from .common import ServiceView, View


class MembershipView(View):
    kind: OrgKind
    id: str = Field(description="SIRET d'une structure, ou identifiant d'une équipe (SUPPORT).")
    name: str
    role: Role
    role_label: str
    public: bool | None
    active: bool | None
    email: str | None
    services: list[ServiceView]

    @classmethod
    def of(cls, affiliation: Affiliation) -> MembershipView:
        m, structure = affiliation.membership, affiliation.structure
        return cls(
            kind=m.org.kind,
            id=m.org.id,
            name=structure.designation if structure else m.org_name,
            role=m.role,
            role_label=m.role.label,
            public=structure.public if structure else None,
            active=structure.active if structure else None,
            email=structure.email if structure else None,
            services=[ServiceView(code=s.code, name=s.name) for s in structure.services] if structure else [],
        )


class AccountView(View):
    id: str
    email: str | None
    name: str
    organisations: list[MembershipView]

    @classmethod
    def of(cls, user: SignedInUser, affiliations: list[Affiliation]) -> AccountView:
        return cls(
            id=user.id, email=user.email, name=user.name, organisations=[MembershipView.of(a) for a in affiliations]
        )
