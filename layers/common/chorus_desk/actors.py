"""Who a use case acts for: a signed-in user with their memberships, an anonymous requester (the
non-connected form) known by a contact e-mail, or the system itself (a state machine, a scheduled job),
named for the history. Use cases take one of these, never an HTTP request."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from chorus_desk import messages
from chorus_desk.models import Membership, OrgKind, OrgRef, Person


@dataclass(frozen=True)
class Identity:
    """Who is calling, as the identity provider vouches for it (IdToken claims); nothing else is trusted.
    ``second_factor``: the sign-in that issued the token used a second factor (``mfa`` in its ``amr`` claim)."""

    user_id: str
    email: str | None
    name: str | None
    second_factor: bool = False


class _Actor(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)  # built on first use (cold start)


class SignedInUser(_Actor):
    """An authenticated user, with the organisations they act for (read fresh for every request)."""

    id: str
    email: str | None
    name: str
    memberships: tuple[Membership, ...] = ()

    def membership(self, org: OrgRef) -> Membership | None:
        return next((m for m in self.memberships if m.org == org), None)

    def belongs_to(self, org: OrgRef | None) -> bool:
        return org is not None and self.membership(org) is not None

    @property
    def structures(self) -> tuple[Membership, ...]:
        return tuple(m for m in self.memberships if m.org.kind is OrgKind.STRUCTURE)

    @property
    def person(self) -> Person:
        return Person(id=self.id, name=self.name)


class AnonymousRequester(_Actor):
    """A visitor who cannot log in and files a ticket with a contact e-mail (non-connected mode)."""

    contact_email: str

    @property
    def person(self) -> Person:
        return Person(id=f"anonymous:{self.contact_email}", name=self.contact_email)


class SystemActor(_Actor):
    """The desk acting by itself; ``name`` is a key of ``messages.SYSTEM_ACTOR_NAMES`` (shown in histories)."""

    name: str = "desk"

    @property
    def person(self) -> Person:
        return Person(id=f"system:{self.name}", name=messages.SYSTEM_ACTOR_NAMES[self.name])


Actor = SignedInUser | AnonymousRequester | SystemActor
