"""The signed-in user: who they are and which organisations they act for."""

from __future__ import annotations

from dataclasses import dataclass

from chorus_desk.actors import Identity, SignedInUser
from chorus_desk.models import Membership, OrgKind, Structure
from chorus_desk.observability import logger
from chorus_desk.ports import Ports


def signed_in_user(ports: Ports, identity: Identity) -> SignedInUser:
    """The caller with their memberships, read fresh for every request (one Query)."""
    logger.append_keys(user_id=identity.user_id)  # pseudonymous; e-mails are never logged in clear
    profile, memberships = ports.directory.load_user(identity.user_id)
    return SignedInUser(
        id=identity.user_id,
        email=profile.email if profile else identity.email,
        name=profile.name if profile else (identity.name or identity.email or identity.user_id),
        memberships=tuple(memberships),
    )


@dataclass(frozen=True)
class Affiliation:
    """One organisation the user acts for, with the structure's details when it is a structure."""

    membership: Membership
    structure: Structure | None


def describe_account(ports: Ports, user: SignedInUser) -> list[Affiliation]:
    """The organisations the user acts for (teams first, then structures, by name), each structure with
    its services."""
    return [
        Affiliation(m, ports.directory.load_structure(m.org.id) if m.org.kind is OrgKind.STRUCTURE else None)
        for m in sorted(user.memberships, key=lambda m: (m.org.kind.value, m.org_name))
    ]
