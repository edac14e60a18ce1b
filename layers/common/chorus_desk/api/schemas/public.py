"""The public routes (no sign-in): a captcha challenge, a non-connected ticket, the status behind a signed link."""

from __future__ import annotations

import base64
from datetime import datetime

from pydantic import Field

from chorus_desk import messages
from chorus_desk.lifecycle import Action, Side
from chorus_desk.models import Email, Text, Ticket, TicketContent
from chorus_desk.usecases.public import IssuedChallenge

from .common import CodeLabel, Request, View
from .tickets import FIELD_DOCS


class ChallengeView(View):
    id: str = Field(description="Identifiant du défi, à renvoyer avec la réponse.")
    image: str = Field(description="L'image à recopier, en data URI PNG (data:image/png;base64,…).")
    audio: str = Field(description="La version sonore des mêmes caractères, en data URI WAV (data:audio/wav;base64,…).")
    expires_at: datetime = Field(description="Au-delà, le défi ne vaut plus : en demander un autre.")

    @classmethod
    def of(cls, issued: IssuedChallenge) -> ChallengeView:
        return cls(
            id=issued.id,
            image="data:image/png;base64," + base64.b64encode(issued.image_png).decode(),
            audio="data:audio/wav;base64," + base64.b64encode(issued.audio_wav).decode(),
            expires_at=issued.expires_at,
        )


class AnonymousTicketRequest(Request):
    """« Saisir un ticket en mode non connecté »: the fields of the non-connected form (those of
    ``TicketContent`` that the form asks for) and the captcha."""

    category: Text = Field(None, max_length=64, description=FIELD_DOCS["category"])
    subcategory: Text = Field(None, max_length=64, description=FIELD_DOCS["subcategory"])
    contact_email: Email = Field(
        None, max_length=254, description="Adresse où seront envoyés la confirmation, les questions et la réponse."
    )
    title: Text = Field(None, max_length=150, description=FIELD_DOCS["title"])
    description: Text = Field(None, max_length=10000, description=FIELD_DOCS["description"])
    captcha_id: Text = Field(
        None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="L'identifiant du défi (POST /public/captcha)."
    )
    captcha_answer: Text = Field(
        None, max_length=32, description="Les caractères de l'image (ou du son), sans tenir compte de la casse."
    )

    def content(self) -> TicketContent:
        return TicketContent.model_validate(self.model_dump(include=set(TicketContent.model_fields)))


class StatusLinkRequest(Request):
    """What the status page sends: the token it read from its own address's fragment (``#<token>``), which
    never reaches a server otherwise. In a body, the token is in no URL, access log or trace."""

    token: str | None = Field(None, description="Le jeton du lien de suivi reçu par courriel (la partie après « # »).")


class AnonymousTicketCreated(View):
    number: int = Field(description="Le numéro du ticket, à noter : il figure aussi dans le courriel de confirmation.")
    status: CodeLabel
    recipient: str = Field(description="Qui traitera le ticket.")
    message: str = Field(description="Le message à afficher au visiteur.")

    @classmethod
    def of(cls, ticket: Ticket) -> AnonymousTicketCreated:
        assert ticket.recipient is not None
        assert ticket.content.contact_email is not None
        return cls(
            number=ticket.number,
            status=CodeLabel.of_status(ticket.status),
            recipient=ticket.recipient.name,
            message=messages.ANONYMOUS_TICKET_CREATED.format(number=ticket.number, email=ticket.content.contact_email),
        )


# What the requester sees of each step: statuses and the texts addressed to them, not the recipient's
# internal notes (taking in charge, assignment) nor the names of its agents.
_PRIVATE_COMMENTS = {Action.TAKE_IN_CHARGE, Action.ASSIGN}


class StatusEntryView(View):
    at: datetime
    action: CodeLabel
    status: CodeLabel
    by: str = Field(description="« Vous », ou l'organisation destinataire.")
    text: str | None = Field(description="La question, la réponse ou le commentaire de cette étape.")


class TicketStatusView(View):
    number: int
    title: str | None
    category: CodeLabel | None
    subcategory: CodeLabel | None
    status: CodeLabel
    created_at: datetime
    recipient: str | None
    history: list[StatusEntryView]

    @classmethod
    def of(cls, ticket: Ticket) -> TicketStatusView:
        content = ticket.content
        category, subcategory = CodeLabel.of_pair(content)
        recipient = ticket.recipient.name if ticket.recipient else None
        return cls(
            number=ticket.number,
            title=content.title,
            category=category,
            subcategory=subcategory,
            status=CodeLabel.of_status(ticket.status),
            created_at=ticket.created_at,
            recipient=recipient,
            history=[
                StatusEntryView(
                    at=e.at,
                    action=CodeLabel.of_action(e.action),
                    status=CodeLabel.of_status(e.to_status),
                    by=messages.ANONYMOUS_SIDE_NAME if e.side is Side.EMITTER else (recipient or ""),
                    text=None if e.action in _PRIVATE_COMMENTS else e.comment,
                )
                for e in ticket.history
            ],
        )
