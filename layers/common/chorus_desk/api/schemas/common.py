"""Models shared by every resource: code / label pairs, people, services, and the error shape."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from chorus_desk import catalogue
from chorus_desk.lifecycle import Action, Status
from chorus_desk.models import Person, Service, TicketContent


class Request(BaseModel):
    """Base of request bodies: unknown fields are refused, nothing is coerced across types."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built on first use (cold start)


class View(BaseModel):
    """Base of response bodies."""

    model_config = ConfigDict(defer_build=True)


class CodeLabel(View):
    code: str
    label: str

    @classmethod
    def of_status(cls, status: Status) -> CodeLabel:
        return cls(code=status.value, label=status.label)

    @classmethod
    def of_action(cls, action: Action) -> CodeLabel:
        return cls(code=action.value, label=action.label)

    @classmethod
    def of_pair(cls, content: TicketContent) -> tuple[CodeLabel | None, CodeLabel | None]:
        """A ticket's category and sub-category with their catalogue labels (the code when it has none)."""
        labels = catalogue.labels(content.category, content.subcategory)
        codes = (content.category, content.subcategory)
        return (
            cls(code=codes[0], label=labels[0] or codes[0]) if codes[0] else None,
            cls(code=codes[1], label=labels[1] or codes[1]) if codes[1] else None,
        )


class PersonView(View):
    id: str
    name: str

    @classmethod
    def of(cls, person: Person | None) -> PersonView | None:
        return cls(id=person.id, name=person.name) if person else None


class ServiceView(View):
    code: str
    name: str

    @classmethod
    def of(cls, service: Service | None) -> ServiceView | None:
        return cls(code=service.code, name=service.name) if service else None


class ErrorDetail(View):
    field: str
    message: str


class ErrorResponse(View):
    code: str = Field(description="Code stable de l'erreur (INTROUVABLE, DONNEES_INVALIDES, TRANSITION_INTERDITE…).")
    message: str = Field(description="Message en français, à montrer tel quel.")
    errors: list[ErrorDetail] = Field(default_factory=list, description="Champs manquants ou invalides.")


class LimitReachedResponse(ErrorResponse):
    """A 429 of the desk's own limits (per address): which limit, its size, and from when to try again."""

    limit: str = Field(
        description="La limite atteinte : ce qui est compté puis la période (TICKETS_PAR_HEURE, ESSAIS_PAR_JOUR, "
        "CODES_PAR_HEURE, CONVERSATIONS_PAR_JOUR, MESSAGES_PAR_HEURE…)."
    )
    allowed: int = Field(description="Ce que la limite permet par période depuis une même adresse.")
    retry_at: datetime = Field(description="À partir de quand réessayer (ISO 8601, UTC) : la fin de la période.")
