"""Users, structures, teams and memberships: who acts for which organisation, with which role."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chorus_desk import messages
from chorus_desk.errors import NotAuthenticated
from chorus_desk.models import Caller, OrgKind
from chorus_desk.observability import logger
from chorus_desk.repository import get_repository
from chorus_desk.schemas import AccountView, MembershipView, ServiceView


@dataclass(frozen=True)
class Identity:
    """Who is calling, as the Cognito authorizer vouches for it (IdToken claims); nothing else is trusted."""

    user_id: str
    email: str | None
    name: str | None


def identity_from_claims(claims: Mapping[str, Any] | None) -> Identity:
    claims = claims or {}
    sub = claims.get("sub")
    if not sub or not isinstance(sub, str):
        raise NotAuthenticated(messages.NOT_AUTHENTICATED)
    email = claims.get("email")
    name = claims.get("name")
    return Identity(
        user_id=sub, email=email if isinstance(email, str) else None, name=name if isinstance(name, str) else None
    )


def load_caller(identity: Identity) -> Caller:
    """The caller with their memberships, read fresh for every request (one Query)."""
    logger.append_keys(user_id=identity.user_id)  # pseudonymous; e-mails are never logged in clear
    profile, memberships = get_repository().load_user(identity.user_id)
    return Caller(
        id=identity.user_id,
        email=profile.email if profile else identity.email,
        name=profile.name if profile else (identity.name or identity.email or identity.user_id),
        memberships=tuple(memberships),
    )


def describe_account(identity: Identity) -> AccountView:
    """The caller's profile and the organisations they act for, with each structure's services."""
    caller = load_caller(identity)
    repo = get_repository()
    views: list[MembershipView] = []
    for m in sorted(caller.memberships, key=lambda m: (m.org.kind.value, m.org_name)):
        structure = repo.load_structure(m.org.id) if m.org.kind is OrgKind.STRUCTURE else None
        views.append(
            MembershipView(
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
        )
    return AccountView(id=caller.id, email=caller.email, name=caller.name, organisations=views)
