"""The signed-in user: who they are and which organisations they act for."""

from __future__ import annotations

from dataclasses import dataclass

from chorus_desk import messages
from chorus_desk.actors import Identity, SignedInUser
from chorus_desk.catalogue import SUPPORT_TEAM_ID
from chorus_desk.errors import SecondFactorRequired
from chorus_desk.models import Membership, OrgKind, OrgRef, Structure
from chorus_desk.observability import logger
from chorus_desk.ports import Ports

SUPPORT = OrgRef(kind=OrgKind.TEAM, id=SUPPORT_TEAM_ID)


def signed_in_user(ports: Ports, identity: Identity, *, agents_need_mfa: bool = False) -> SignedInUser:
    """The caller with their memberships, read fresh for every request (one Query). With ``agents_need_mfa``,
    an agent of the technical support (who reads every organisation's tickets) whose sign-in used no second
    factor is refused before anything else: ``SecondFactorRequired``."""
    logger.append_keys(user_id=identity.user_id)  # pseudonymous; e-mails are never logged in clear
    profile, memberships = ports.directory.load_user(identity.user_id)
    if agents_need_mfa and not identity.second_factor and any(m.org == SUPPORT for m in memberships):
        logger.info("support agent without a second factor refused")
        raise SecondFactorRequired(messages.SECOND_FACTOR_REQUIRED)
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
