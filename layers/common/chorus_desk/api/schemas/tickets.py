"""Tickets: the request bodies of the ticket routes and the ticket as the API shows it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field, StrictBool
from pydantic.config import JsonDict

from chorus_desk.commands import ContentChanges
from chorus_desk.lifecycle import Side, allowed_actions
from chorus_desk.models import Attachment, AttachmentState, OrgKind, Role, Text, TicketContent, UserProfile
from chorus_desk.usecases.tickets import TicketSeen

from .common import CodeLabel, PersonView, Request, ServiceView, View

# OpenAPI descriptions of the ticket's fields (the field list itself is ``TicketContent``'s).
FIELD_DOCS: dict[str, str] = {
    "category": "Code de catégorie (voir le catalogue).",
    "subcategory": "Code de sous-catégorie.",
    "emitter_siret": "SIRET de la structure émettrice, parmi celles de l'utilisateur.",
    "emitter_service": "Code d'un service de la structure émettrice.",
    "contact_email": "Adresse de contact ; par défaut celle de la structure émettrice.",
    "contact_phone": "Téléphone de contact.",
    "title": "Titre / résumé.",
    "description": "Description longue du problème.",
    "object_type": "Type d'objet concerné (sous-catégories portant sur une demande de paiement) ; renseigné "
    "par le serveur s'il est omis, quand la sous-catégorie n'admet qu'un type.",
    "object_number": "Numéro de la demande de paiement (facture, demande, mémoire) concernée.",
    "recipient_is_state_service": "« Le destinataire est-il un service de l'État ? » (question pour une entité "
    "publique).",
    "recipient_siret": "SIRET de la structure publique destinataire.",
    "recipient_service": "Code d'un service de la structure destinataire (facultatif).",
}


# A text the rules require may not be blank: stated in the contract as "at least one visible character".
NOT_BLANK: JsonDict = {"pattern": r"\S"}


def _document_fields(schema: dict[str, Any]) -> None:
    for name, text in FIELD_DOCS.items():
        schema["properties"][name]["description"] = text


class TicketFields(TicketContent):
    """The fields of a ticket its emitter writes. All are optional in a draft; submission needs those the
    catalogue marks required."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_document_fields)

    def changes(self) -> ContentChanges:
        """The fields this request sets, as the use cases take them (a plain ``TicketContent``)."""
        given = self.model_fields_set & TicketContent.model_fields.keys()
        content = TicketContent.model_construct(
            given, **{name: getattr(self, name) for name in TicketContent.model_fields}
        )
        return ContentChanges(content, frozenset(given))


class CreateTicketRequest(TicketFields):
    submit: StrictBool = Field(
        False,
        description="true : « Soumettre » (tous les champs obligatoires sont contrôlés) ; "
        "false : « Enregistrer et quitter » (brouillon).",
    )


class UpdateDraftRequest(TicketFields):
    """Fields present replace the draft's values; a field sent as null is cleared; absent fields are kept."""


class TakeInChargeRequest(Request):
    assignee_id: Text = Field(
        None, max_length=128, description="Agent du destinataire à qui le ticket est assigné ; par défaut, soi-même."
    )
    comment: Text = Field(None, max_length=5000)


class AssignRequest(Request):
    assignee_id: str = Field(
        max_length=128, description="Identifiant de l'agent du destinataire.", json_schema_extra=NOT_BLANK
    )
    comment: Text = Field(None, max_length=5000)


class RequestInformationRequest(Request):
    question: str = Field(max_length=5000, description="La question posée à l'émetteur.", json_schema_extra=NOT_BLANK)


class ProvideInformationRequest(Request):
    text: str = Field(max_length=5000, description="Le complément d'information demandé.", json_schema_extra=NOT_BLANK)


class AnswerRequest(Request):
    text: str = Field(max_length=10000, description="La réponse du destinataire.", json_schema_extra=NOT_BLANK)


class CommentRequest(Request):
    comment: Text = Field(None, max_length=5000)


class RefuseSolutionRequest(Request):
    reason: str = Field(
        max_length=5000, description="Pourquoi la solution ne convient pas.", json_schema_extra=NOT_BLANK
    )


class CloseRequest(Request):
    comment: Text = Field(None, max_length=5000, description="Obligatoire si le ticket n'a pas encore reçu de réponse.")


# ------------------------------------------------------------------------------------------ responses
class EmitterView(View):
    siret: str | None
    designation: str | None
    service: ServiceView | None
    contact_email: str | None
    contact_phone: str | None


class RecipientView(View):
    kind: OrgKind
    id: str = Field(description="SIRET de la structure destinataire, ou identifiant de l'équipe (SUPPORT…).")
    name: str
    service: ServiceView | None
    is_state_service: bool | None = Field(
        description="Réponse de l'émetteur : le destinataire est un service de l'État."
    )


class ObjectView(View):
    type: CodeLabel | None
    number: str | None


class RequestedRecipientView(View):
    """What the emitter filled in the « Destinataire » block (question pour une entité publique)."""

    is_state_service: bool | None
    siret: str | None
    service: str | None


class HistoryEntryView(View):
    seq: int
    at: datetime
    actor: PersonView
    side: Side
    action: CodeLabel
    from_status: CodeLabel | None
    to_status: CodeLabel
    comment: str | None
    assignee: PersonView | None


class AttachmentView(View):
    id: str
    name: str = Field(description="Le nom du fichier tel qu'il a été déposé.")
    content_type: str
    size: int = Field(description="Taille en octets (annoncée, puis celle du fichier reçu).")
    side: Side = Field(description="Qui l'a ajouté : l'émetteur ou le destinataire.")
    added_by: PersonView
    added_at: datetime
    step: CodeLabel = Field(description="Le statut du ticket quand le fichier a été ajouté.")
    state: CodeLabel = Field(description="SCANNING (analyse en cours), AVAILABLE ou REFUSED (avec la raison).")
    refusal: str | None

    @classmethod
    def of(cls, attachment: Attachment) -> AttachmentView:
        return cls(
            id=attachment.id,
            name=attachment.name,
            content_type=attachment.content_type,
            size=attachment.size if attachment.size is not None else attachment.declared_size,
            side=attachment.side,
            added_by=PersonView(id=attachment.added_by.id, name=attachment.added_by.name),
            added_at=attachment.added_at,
            step=CodeLabel.of_status(attachment.step),
            state=CodeLabel(code=attachment.state.value, label=attachment.state.label),
            refusal=attachment.refusal,
        )


class TicketDetail(View):
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
    anonymous: bool = Field(description="Saisi en mode non connecté : l'émetteur est joint par courriel seulement.")
    object: ObjectView | None = Field(description="Type d'objet et numéro de la demande de paiement concernée.")
    requested_recipient: RequestedRecipientView | None = Field(
        description="Destinataire saisi par l'émetteur (question pour une entité publique)."
    )
    recipient: RecipientView | None = Field(
        description="Organisation destinataire, renseignée par le serveur : sur un brouillon, dès que "
        "l'acheminement est connu (couple d'une équipe, numéro de l'objet, SIRET du destinataire), calculée à "
        "chaque enregistrement, sans rendre le brouillon visible au destinataire ; calculée de nouveau à la "
        "soumission."
    )
    assignee: PersonView | None = Field(description="« Assigné à » : l'agent du destinataire en charge.")
    attachments: list[AttachmentView] = Field(
        description="Les pièces jointes des deux parties, une fois le fichier reçu et contrôlé."
    )
    history: list[HistoryEntryView]
    sides: list[Side] = Field(description="À quel titre l'appelant voit ce ticket : émetteur et/ou destinataire.")
    allowed_actions: list[CodeLabel] = Field(description="Les actions que l'appelant peut faire maintenant.")

    @classmethod
    def of(cls, seen: TicketSeen) -> TicketDetail:
        ticket, content = seen.ticket, seen.ticket.content
        category, subcategory = CodeLabel.of_pair(content)
        emitter = ticket.emitter
        return cls(
            number=ticket.number,
            status=CodeLabel.of_status(ticket.status),
            version=ticket.version,
            created_at=ticket.created_at,
            updated_at=ticket.updated_at,
            submitted_at=ticket.submitted_at,
            closed_at=ticket.closed_at,
            anonymous=ticket.anonymous,
            category=category,
            subcategory=subcategory,
            title=content.title,
            description=content.description,
            emitter=EmitterView(
                siret=content.emitter_siret,
                designation=emitter.designation if emitter else None,
                service=ServiceView.of(emitter.service if emitter else None),
                contact_email=content.contact_email,
                contact_phone=content.contact_phone,
            ),
            created_by=PersonView(id=ticket.created_by.id, name=ticket.created_by.name),
            object=_object(content),
            requested_recipient=_requested_recipient(content),
            recipient=RecipientView(
                kind=ticket.recipient.org.kind,
                id=ticket.recipient.org.id,
                name=ticket.recipient.name,
                service=ServiceView.of(ticket.recipient.service),
                is_state_service=ticket.recipient.is_state_service,
            )
            if ticket.recipient
            else None,
            assignee=PersonView.of(ticket.assignee),
            attachments=[AttachmentView.of(a) for a in ticket.attachments if a.state is not AttachmentState.PENDING],
            history=[
                HistoryEntryView(
                    seq=e.seq,
                    at=e.at,
                    actor=PersonView(id=e.actor.id, name=e.actor.name),
                    side=e.side,
                    action=CodeLabel.of_action(e.action),
                    from_status=CodeLabel.of_status(e.from_status) if e.from_status else None,
                    to_status=CodeLabel.of_status(e.to_status),
                    comment=e.comment,
                    assignee=PersonView.of(e.assignee),
                )
                for e in ticket.history
            ],
            sides=sorted(seen.sides, key=lambda s: s.value),
            allowed_actions=[CodeLabel.of_action(a) for a in allowed_actions(seen.sides, ticket.status)],
        )


def _object(content: TicketContent) -> ObjectView | None:
    if content.object_type is None and content.object_number is None:
        return None
    kind = content.object_type
    return ObjectView(type=CodeLabel(code=kind.value, label=kind.label) if kind else None, number=content.object_number)


def _requested_recipient(content: TicketContent) -> RequestedRecipientView | None:
    values = (content.recipient_is_state_service, content.recipient_siret, content.recipient_service)
    if all(v is None for v in values):
        return None
    return RequestedRecipientView(
        is_state_service=content.recipient_is_state_service,
        siret=content.recipient_siret,
        service=content.recipient_service,
    )


class AgentView(View):
    id: str = Field(description="À donner comme assignee_id.")
    name: str
    role: Role
    role_label: str

    @classmethod
    def of(cls, profile: UserProfile, role: Role) -> AgentView:
        return cls(id=profile.id, name=profile.name, role=role, role_label=role.label)
