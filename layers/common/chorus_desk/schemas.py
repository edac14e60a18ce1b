"""The HTTP contract: request and response models of the API (documented in docs/openapi.json)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from chorus_desk import catalogue, messages
from chorus_desk.lifecycle import Action, Side, Status, allowed_actions
from chorus_desk.models import ObjectType, OrgKind, Person, Role, Service, Ticket
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
    object_type: ObjectType | None = Field(
        None, description="Type d'objet concerné (sous-catégories portant sur une demande de paiement)."
    )
    object_number: OptionalText = Field(
        None, max_length=64, description="Numéro de la demande de paiement (facture, demande, mémoire) concernée."
    )
    recipient_is_state_service: bool | None = Field(
        None, description="« Le destinataire est-il un service de l'État ? » (question pour une entité publique)."
    )
    recipient_siret: Siret = Field(None, description="SIRET de la structure publique destinataire.")
    recipient_service: OptionalText = Field(
        None, max_length=64, description="Code d'un service de la structure destinataire (facultatif)."
    )


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


class AssignRequest(_Request):
    assignee_id: str | None = Field(..., max_length=128, description="Identifiant de l'agent du destinataire.")
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
    id: str = Field(description="SIRET de la structure destinataire, ou identifiant de l'équipe (SUPPORT…).")
    name: str
    service: ServiceView | None
    is_state_service: bool | None = Field(
        description="Réponse de l'émetteur : le destinataire est un service de l'État."
    )


class ObjectView(BaseModel):
    type: CodeLabel | None
    number: str | None


class RequestedRecipientView(BaseModel):
    """What the emitter filled in the « Destinataire » block (question pour une entité publique)."""

    is_state_service: bool | None
    siret: str | None
    service: str | None


class HistoryEntryView(BaseModel):
    seq: int
    at: datetime
    actor: PersonView
    side: Side
    action: CodeLabel
    from_status: CodeLabel | None
    to_status: CodeLabel
    comment: str | None
    assignee: PersonView | None


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
    object: ObjectView | None = Field(description="Type d'objet et numéro de la demande de paiement concernée.")
    requested_recipient: RequestedRecipientView | None = Field(
        description="Destinataire saisi par l'émetteur (question pour une entité publique)."
    )
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
            created_by=_person(ticket.created_by),
            object=_object(ticket),
            requested_recipient=_requested_recipient(ticket),
            recipient=RecipientView(
                kind=ticket.recipient.org.kind,
                id=ticket.recipient.org.id,
                name=ticket.recipient.name,
                service=_service(ticket.recipient.service),
                is_state_service=ticket.recipient.is_state_service,
            )
            if ticket.recipient
            else None,
            assignee=_person(ticket.assignee) if ticket.assignee else None,
            history=[
                HistoryEntryView(
                    seq=e.seq,
                    at=e.at,
                    actor=_person(e.actor),
                    side=e.side,
                    action=_action(e.action),
                    from_status=_status(e.from_status) if e.from_status else None,
                    to_status=_status(e.to_status),
                    comment=e.comment,
                    assignee=_person(e.assignee) if e.assignee else None,
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


def _person(person: Person) -> PersonView:
    return PersonView(id=person.id, name=person.name)


def _object(ticket: Ticket) -> ObjectView | None:
    if ticket.object_type is None and ticket.object_number is None:
        return None
    kind = ticket.object_type
    return ObjectView(
        type=CodeLabel(code=kind.value, label=kind.label) if kind else None,
        number=ticket.object_number,
    )


def _requested_recipient(ticket: Ticket) -> RequestedRecipientView | None:
    values = (ticket.recipient_is_state_service, ticket.recipient_siret, ticket.recipient_service)
    if all(v is None for v in values):
        return None
    return RequestedRecipientView(
        is_state_service=ticket.recipient_is_state_service,
        siret=ticket.recipient_siret,
        service=ticket.recipient_service,
    )


def _service(service: Service | None) -> ServiceView | None:
    return ServiceView(code=service.code, name=service.name) if service else None


class FieldView(BaseModel):
    name: str = Field(description="Nom du champ dans le corps de POST /tickets.")
    label: str
    required: bool = Field(description="Obligatoire pour soumettre (un brouillon peut rester incomplet).")


class SubCategoryView(BaseModel):
    code: str
    label: str
    former_label: str | None = Field(description="Libellé de la même sous-catégorie dans l'ancien guide.")
    routing: CodeLabel = Field(description="Règle d'acheminement.")
    needs_recipient: bool = Field(description="L'émetteur doit désigner le destinataire (objet ou SIRET).")
    object_type: CodeLabel | None = Field(description="Type d'objet attendu, pour les demandes sur un objet.")
    recipient: CodeLabel | None = Field(description="Destinataire fixe (support technique, bureau désigné).")
    fields: list[FieldView]


class CategoryView(BaseModel):
    code: str
    label: str
    subcategories: list[SubCategoryView]


class CatalogueView(BaseModel):
    mode: catalogue.Mode
    categories: list[CategoryView]
    object_types: list[CodeLabel] = Field(description="Les types d'objet (demandes de paiement).")

    @classmethod
    def of(cls, mode: catalogue.Mode) -> CatalogueView:
        return cls(
            mode=mode,
            categories=[
                CategoryView(code=c.code, label=c.label, subcategories=[_subcategory(s, mode) for s in subs])
                for c, subs in catalogue.offered(mode)
            ],
            object_types=[CodeLabel(code=t.value, label=t.label) for t in ObjectType],
        )


def _subcategory(sub: catalogue.SubCategory, mode: catalogue.Mode) -> SubCategoryView:
    return SubCategoryView(
        code=sub.code,
        label=sub.label,
        former_label=sub.former_label,
        routing=CodeLabel(code=sub.routing.value, label=sub.routing.label),
        needs_recipient=sub.needs_recipient,
        object_type=CodeLabel(code=sub.object_type.value, label=sub.object_type.label) if sub.object_type else None,
        recipient=CodeLabel(code=sub.team, label=catalogue.TEAM_NAMES[sub.team]) if sub.team else None,
        fields=[FieldView(name=f.name, label=f.label, required=f.required) for f in sub.fields(mode)],
    )


class AgentView(BaseModel):
    id: str = Field(description="À donner comme assignee_id.")
    name: str
    role: Role
    role_label: str


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
