"""Requests and responses of the assistant: a message in, the assistant's answer and choices out."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from chorus_desk.models import Conversation, FeedbackReason, Rating
from chorus_desk.usecases.assistant import Reply

from .common import CodeLabel, Request, View


class MessageRequest(Request):
    choice: str | None = Field(None, min_length=1, max_length=64, description="L'identifiant d'un choix proposé.")
    text: str | None = Field(None, max_length=2000, description="Un texte libre (question, SIRET, e-mail).")


class FeedbackRequest(Request):
    rating: Rating = Field(description="UP (pouce en haut) ou DOWN (pouce en bas).")
    reason: FeedbackReason | None = Field(
        None, description="Avec DOWN : NOT_UNDERSTOOD, IMPRECISE, COMPLICATED, OTHER."
    )
    comment: str | None = Field(None, max_length=2000, description="Avec DOWN : obligatoire.")


class ChoiceView(View):
    id: str
    label: str


class LinkView(View):
    label: str
    url: str


class ReplyView(View):
    text: str
    choices: list[ChoiceView]
    accepts_text: bool = Field(description="Le client propose un champ de saisie libre.")
    feedback: bool = Field(description="Le client propose les pouces (avis sur la réponse).")
    operation_id: str | None = Field(description="L'opération suivie (inactivation), le cas échéant.")
    links: list[LinkView] = Field(
        description="« Pour aller plus loin » : les pages de la communauté Chorus Pro de la réponse donnée."
    )

    @classmethod
    def of(cls, reply: Reply) -> ReplyView:
        return cls(
            text=reply.text,
            choices=[ChoiceView(id=c.id, label=c.label) for c in reply.choices],
            accepts_text=reply.accepts_text,
            feedback=reply.feedback,
            operation_id=reply.operation_id,
            links=[LinkView(label=link.label, url=link.url) for link in reply.links],
        )


class TurnView(View):
    by: str
    text: str
    at: datetime


class ConversationView(View):
    id: str
    expires_at: datetime
    reply: ReplyView
    transcript: list[TurnView]

    @classmethod
    def of(cls, conversation: Conversation, reply: Reply) -> ConversationView:
        return cls(
            id=conversation.id,
            expires_at=conversation.expires_at,
            reply=ReplyView.of(reply),
            transcript=[TurnView(by=t.by.value, text=t.text, at=t.at) for t in conversation.transcript],
        )


class DaySatisfactionView(View):
    day: date
    up: int
    down: int
    reasons: list[tuple[CodeLabel, int]]


class SatisfactionView(View):
    days: list[DaySatisfactionView]
    up: int
    down: int

    @classmethod
    def of(cls, counts: dict[date, dict[str, int]]) -> SatisfactionView:
        days = [
            DaySatisfactionView(
                day=day,
                up=c.get("UP", 0),
                down=c.get("DOWN", 0),
                reasons=[(CodeLabel(code=r.value, label=r.label), c.get(r.value, 0)) for r in FeedbackReason],
            )
            for day, c in sorted(counts.items())
        ]
        return cls(days=days, up=sum(d.up for d in days), down=sum(d.down for d in days))
