"""The ports: what the use cases need from the outside world, as small ``typing.Protocol`` classes.

Adapters implement them: ``adapters.dynamodb`` (AWS, the only place that imports boto3) and
``adapters.memory`` (in process, for fast tests). ``tests/test_ports_contract.py`` runs the same
assertions against both. Use cases receive a ``Ports`` bundle built once per cold start
(``bootstrap``); they never look an adapter up by themselves.

The issues after this one add their ports here: file storage (S3), mail (SES), workflow start (Step
Functions), company registry (INSEE Sirene).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from chorus_desk.models import (
    HistoryEntry,
    Membership,
    ObjectType,
    OrgRef,
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

    def save_ticket(self, ticket: Ticket, expected_version: int, entry: HistoryEntry | None) -> None:
        """Replace the ticket if its stored version is still ``expected_version``, with its new entry."""
        ...

    def delete_ticket(self, ticket: Ticket) -> None:
        """Delete the ticket and its history if it is still the version that was read."""
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


@dataclass(frozen=True)
class Ports:
    """Everything a use case may reach, built once per execution environment."""

    tickets: TicketStore
    directory: Directory
    payments: PaymentRequests
    reference: ReferenceData
