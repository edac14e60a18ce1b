"""The commands the use cases take: plain values, with nothing of HTTP in them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from chorus_desk.lifecycle import Action
from chorus_desk.models import TicketContent


@dataclass(frozen=True)
class ContentChanges:
    """Fields an emitter writes: ``given`` names those the request sets (a given ``None`` clears the
    field); the others keep their current value."""

    content: TicketContent = field(default_factory=TicketContent)
    given: frozenset[str] = frozenset()

    @classmethod
    def of(cls, content: TicketContent) -> ContentChanges:
        return cls(content, frozenset(content.model_fields_set))

    def values(self) -> dict[str, object]:
        return {name: getattr(self.content, name) for name in self.given if name in TicketContent.model_fields}


@dataclass(frozen=True)
class CreateTicket:
    """« Enregistrer et quitter » (``submit=False``: a draft) or « Soumettre » (sent to its recipient)."""

    changes: ContentChanges
    submit: bool = False


@dataclass(frozen=True)
class UpdateDraft:
    number: int
    changes: ContentChanges


@dataclass(frozen=True)
class ActOnTicket:
    """An action of the transition table on an existing ticket, with its text and, for assignments, the
    agent (``None``: the actor themself)."""

    number: int
    action: Action
    text: str | None = None
    assignee_id: str | None = None


@dataclass(frozen=True)
class Ordering:
    """How a list is sorted and paged: a column, a direction, a page size and the cursor of the last page."""

    sort: str | None = None  # a ``listing.Sort``; ``None``: the list's default
    direction: str | None = None
    size: int = 25
    cursor: str | None = None
    page: int | None = None  # jump to this page (1 = the first) instead of following a cursor


@dataclass(frozen=True)
class ListTab:
    """A tab of « Sollicitations émises » / « Sollicitations reçues » (``listing.Tab``)."""

    side: str
    tab: str
    ordering: Ordering = Ordering()
    assigned_to_me: bool = False
    structure: str | None = None  # one of the caller's organisations (a SIRET, or a team's id): its tickets only


@dataclass(frozen=True)
class SearchTickets:
    """« Rechercher »: at least one criterion; the dates are French calendar days."""

    side: str
    ordering: Ordering = Ordering()
    number: int | None = None
    words: str | None = None
    category: str | None = None
    subcategory: str | None = None
    object_number: str | None = None
    created_from: date | None = None  # « Période de saisie »: the creation date
    created_to: date | None = None
    emitter: str | None = None  # the emitter structure's SIRET
    recipient: str | None = None  # the recipient structure's SIRET, or a team's id
    recipient_name: str | None = None  # words starting the recipient organisation's name
    recipient_service: str | None = None  # a service code, or ``-`` for « Non renseigné »
    emitter_service: str | None = None
    created_by: str | None = None  # a user id
    created_by_name: str | None = None  # words starting the creator's name
    status: str | None = None
    assigned_to_me: bool = False
    tab: str | None = None  # the search within a tab (its statuses): not a criterion by itself

    CRITERIA: ClassVar[tuple[str, ...]] = (
        "number",
        "words",
        "category",
        "subcategory",
        "object_number",
        "created_from",
        "created_to",
        "emitter",
        "recipient",
        "recipient_name",
        "recipient_service",
        "emitter_service",
        "created_by",
        "created_by_name",
        "status",
        "assigned_to_me",
    )

    def has_criterion(self) -> bool:
        return any(getattr(self, name) not in (None, False, "") for name in self.CRITERIA)
