"""The commands the use cases take: plain values, with nothing of HTTP in them."""

from __future__ import annotations

from dataclasses import dataclass, field

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
