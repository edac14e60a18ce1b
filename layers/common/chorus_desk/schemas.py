"""The HTTP contract: request and response models of the API (documented in docs/openapi.json)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from chorus_desk import catalogue, messages
from chorus_desk.lifecycle import Action, Side, Status, allowed_actions
from chorus_desk.models import OrgKind, Role, Service, Ticket
from chorus_desk.siret import is_valid_siret

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
_PHONE = re.compile(r"^\+?[0-9][0-9 .()-]{4,18}[0-9]$")


def _blank_to_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value.strip() if isinstance(value, str) else value


def _check_siret(value: str | None) -> str | None:
    if value is not None and not is_valid_siret(value):
        raise ValueError(messages.SIRET_INVALID.format(value=value))
    return value


def _check_email(value: str | None) -> str | None:
    if value is not None and not _EMAIL.match(value):
        raise ValueError(messages.EMAIL_INVALID.format(value=value))
    return value


def _check_phone(value: str | None) -> str | None:
    if value is not None and not _PHONE.match(value):
        raise ValueError(messages.PHONE_INVALID.format(value=value))
    return value


OptionalText = Annotated[str | None, BeforeValidator(_blank_to_none)]
Siret = Annotated[str | None, BeforeValidator(_blank_to_none), AfterValidator(_check_siret)]
Email = Annotated[str | None, BeforeValidator(_blank_to_none), AfterValidator(_check_email)]
Phone = Annotated[str | None, BeforeValidator(_blank_to_none), AfterValidator(_check_phone)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ------------------------------------------------------------------------------------------- requests
class TicketFields(_Request):
    """The fields of a ticket its emitter writes. All are optional in a draft; submission needs them all."""

    category: OptionalText = Field(None, max_length=64, description="Code de catégorie (voir le catalogue).")
    subcategory: OptionalText = Field(None, max_length=64, description="Code de sous-catégorie.")
    emitter_siret: Siret = Field(None, description="SIRET de la structure émettrice, parmi celles de l'utilisateur.")
    emitter_service: OptionalText = Field(
        None, max_length=64, description="Code d'un service de la structure émettrice."
    )
    contact_email: Email = Field(
        None, max_length=254, description="Adresse de contact ; par défaut celle de la structure émettrice."
    )
    contact_phone: Phone = Field(None, max_length=20, description="Téléphone de contact.")
    title: OptionalText = Field(None, max_length=150, description="Titre / résumé.")
    description: OptionalText = Field(None, max_length=10000, description="Description longue du problème.")


class CreateTicketRequest(TicketFields):
    submit: bool = Field(
        False,
        description="true : « Soumettre » (tous les champs obligatoires sont contrôlés) ; "
        "false : « Enregistrer et quitter » (brouillon).",
    )


class UpdateDraftRequest(TicketFields):
    """Fields present replace the draft's values; a field sent as null is cleared; absent fields are kept."""


class TakeInChargeRequest(_Request):
    assignee_id: OptionalText = Field(
        None, max_length=128, description="Agent du destinataire à qui le ticket est assigné ; par défaut, soi-même."
    )
    comment: OptionalText = Field(None, max_length=5000)


class RequestInformationRequest(_Request):
    question: str | None = Field(..., max_length=5000, description="La question posée à l'émetteur.")


class ProvideInformationRequest(_Request):
    text: str | None = Field(..., max_length=5000, description="Le complément d'information demandé.")


class AnswerRequest(_Request):
    text: str | None = Field(..., max_length=10000, description="La réponse du destinataire.")


class CommentRequest(_Request):
    comment: OptionalText = Field(None, max_length=5000)


class RefuseSolutionRequest(_Request):
    reason: str | None = Field(..., max_length=5000, description="Pourquoi la solution ne convient pas.")


class CloseRequest(_Request):
    comment: OptionalText = Field(
        None, max_length=5000, description="Obligatoire si le ticket n'a pas encore reçu de réponse."
    )


# ------------------------------------------------------------------------------------------ responses
class CodeLabel(BaseModel):
    code: str
    label: str


class PersonView(BaseModel):
    id: str
    name: str


class ServiceView(BaseModel):
    code: str
    name: str


class EmitterView(BaseModel):
    siret: str | None
    designation: str | None
    service: ServiceView | None
    contact_email: str | None
    contact_phone: str | None


class RecipientView(BaseModel):
    kind: OrgKind
    id: str
    name: str
    service: ServiceView | None


class HistoryEntryView(BaseModel):
    seq: int
    at: datetime
    actor: PersonView
    side: Side
    action: CodeLabel
    from_status: CodeLabel | None
    to_status: CodeLabel
    comment: str | None


class TicketDetail(BaseModel):
    number: int
    status: CodeLabel
    version: int
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    closed_at: datetime | None
    category: CodeLabel | None
    subcategory: CodeLabel | None
    title: str | None
    description: str | None
    emitter: EmitterView
    created_by: PersonView
    recipient: RecipientView | None = Field(description="Organisation destinataire (connue à la soumission).")
    assignee: PersonView | None = Field(description="« Assigné à » : l'agent du destinataire en charge.")
    history: list[HistoryEntryView]
    sides: list[Side] = Field(description="À quel titre l'appelant voit ce ticket : émetteur et/ou destinataire.")
    allowed_actions: list[CodeLabel] = Field(description="Les actions que l'appelant peut faire maintenant.")

    @classmethod
    def of(cls, ticket: Ticket, sides: frozenset[Side]) -> TicketDetail:
        category_label, subcategory_label = catalogue.labels(ticket.category, ticket.subcategory)
        return cls(
            number=ticket.number,
            status=_status(ticket.status),
            version=ticket.version,
            created_at=ticket.created_at,
            updated_at=ticket.updated_at,
            submitted_at=ticket.submitted_at,
            closed_at=ticket.closed_at,
            category=CodeLabel(code=ticket.category, label=category_label or ticket.category)
            if ticket.category
            else None,
            subcategory=CodeLabel(code=ticket.subcategory, label=subcategory_label or ticket.subcategory)
            if ticket.subcategory
            else None,
            title=ticket.title,
            description=ticket.description,
            emitter=EmitterView(
                siret=ticket.emitter.siret,
                designation=ticket.emitter.designation,
                service=_service(ticket.emitter.service),
                contact_email=ticket.emitter.contact_email,
                contact_phone=ticket.emitter.contact_phone,
            ),
            created_by=PersonView(id=ticket.created_by.id, name=ticket.created_by.name),
            recipient=RecipientView(
                kind=ticket.recipient.org.kind,
                id=ticket.recipient.org.id,
                name=ticket.recipient.name,
                service=_service(ticket.recipient.service),
            )
            if ticket.recipient
            else None,
            assignee=PersonView(id=ticket.assignee.id, name=ticket.assignee.name) if ticket.assignee else None,
            history=[
                HistoryEntryView(
                    seq=e.seq,
                    at=e.at,
                    actor=PersonView(id=e.actor.id, name=e.actor.name),
                    side=e.side,
                    action=_action(e.action),
                    from_status=_status(e.from_status) if e.from_status else None,
                    to_status=_status(e.to_status),
                    comment=e.comment,
                )
                for e in ticket.history
            ],
            sides=sorted(sides, key=lambda s: s.value),
            allowed_actions=[_action(a) for a in allowed_actions(sides, ticket.status)],
        )


def _status(status: Status) -> CodeLabel:
    return CodeLabel(code=status.value, label=status.label)


def _action(action: Action) -> CodeLabel:
    return CodeLabel(code=action.value, label=action.label)


def _service(service: Service | None) -> ServiceView | None:
    return ServiceView(code=service.code, name=service.name) if service else None


class MembershipView(BaseModel):
    kind: OrgKind
    id: str = Field(description="SIRET d'une structure, ou identifiant d'une équipe (SUPPORT).")
    name: str
    role: Role
    role_label: str
    public: bool | None
    active: bool | None
    email: str | None
    services: list[ServiceView]


class AccountView(BaseModel):
    id: str
    email: str | None
    name: str
    organisations: list[MembershipView]


class ErrorDetail(BaseModel):
    field: str
    message: str


class ErrorResponse(BaseModel):
    code: str = Field(description="Code stable de l'erreur (INTROUVABLE, DONNEES_INVALIDES, TRANSITION_INTERDITE…).")
    message: str = Field(description="Message en français, à montrer tel quel.")
    errors: list[ErrorDetail] = Field(default_factory=list, description="Champs manquants ou invalides.")
