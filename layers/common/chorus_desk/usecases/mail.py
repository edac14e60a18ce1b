"""The mails of a ticket's life, sent by the consumer of the table's stream, each exactly once.

Which history events are mailed (the guides): the confirmation with the number on submission (both modes),
the recipient's information request, the recipient's answer, and the closure; always to the ticket's
contact e-mail. The mail journal makes a replayed or retried event a no-op once its mail went out: the
event is claimed (with a lease, so that a crashed sender does not block it for ever), sent, then marked
sent; a failed send gives the claim back and fails the record, so that the stream retries it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chorus_desk import catalogue, messages
from chorus_desk.errors import MailUnavailable
from chorus_desk.lifecycle import Action, Status
from chorus_desk.models import HistoryEntry, OutgoingMail, Ticket, utc_now
from chorus_desk.observability import logger, mask_email, metrics
from chorus_desk.ports import Claim, Mailer, Ports, SigningKey
from chorus_desk.usecases.public import status_link_token

LEASE = timedelta(minutes=2)  # longer than the mail function's timeout: a live sender is never overtaken


class MailKind(StrEnum):
    CONFIRMATION = "CONFIRMATION"
    INFORMATION_REQUEST = "INFORMATION_REQUEST"
    ANSWER = "ANSWER"
    CLOSURE = "CLOSURE"


def kind_of(entry: HistoryEntry) -> MailKind | None:
    """The mail a history event calls for, if any."""
    if entry.action in (Action.CREATE_AND_SUBMIT, Action.SUBMIT):
        return MailKind.CONFIRMATION
    if entry.action is Action.REQUEST_INFORMATION:
        return MailKind.INFORMATION_REQUEST
    if entry.action is Action.ANSWER:
        return MailKind.ANSWER
    if entry.to_status is Status.CLOSED:
        return MailKind.CLOSURE
    return None


class Composer(Protocol):
    """Renders a mail's bodies (plain text, HTML) from its kind and its values (template files)."""

    def compose(self, kind: MailKind, values: Mapping[str, Any]) -> tuple[str, str]: ...


@dataclass(frozen=True)
class StatusLinks:
    """Where a non-connected ticket's status page is, and how long a link stays valid."""

    key: SigningKey
    page_url: str
    lifetime: timedelta

    def url(self, number: int) -> str:
        return f"{self.page_url}{status_link_token(self.key, number, self.lifetime)}"


def _paris(moment: datetime) -> datetime:
    try:
        return moment.astimezone(ZoneInfo("Europe/Paris"))
    except ZoneInfoNotFoundError:  # no time-zone database: UTC, said so in the mail
        return moment


def mail_values(ticket: Ticket, entry: HistoryEntry, links: StatusLinks) -> dict[str, Any]:
    """What the templates show: French labels and texts, never codes."""
    category, subcategory = catalogue.labels(ticket.content.category, ticket.content.subcategory)
    at = _paris(entry.at)
    return {
        "number": ticket.number,
        "title": ticket.content.title or "",
        "description": ticket.content.description or "",
        "category": category or ticket.content.category or "",
        "subcategory": subcategory or ticket.content.subcategory or "",
        "status": messages.STATUS_LABELS[entry.to_status.value],
        "recipient": ticket.recipient.name if ticket.recipient else "",
        "emitter": ticket.emitter.designation if ticket.emitter else "",
        "text": entry.comment or "",
        "date": at.strftime("%d/%m/%Y"),
        "time": at.strftime("%H:%M") + ("" if at.utcoffset() else " UTC"),
        "anonymous": ticket.anonymous,
        "status_url": links.url(ticket.number) if ticket.anonymous else None,
    }


class Outcome(StrEnum):
    SENT = "SENT"
    ALREADY_SENT = "ALREADY_SENT"
    NOT_MAILED = "NOT_MAILED"


def mail_key(number: int, seq: int) -> str:
    return f"{number}#{seq}"


def deliver_event(
    ports: Ports, mailer: Mailer, composer: Composer, links: StatusLinks, number: int, seq: int
) -> Outcome:
    """Send the mail of history event ``seq`` of ticket ``number``, once. ``MailUnavailable`` (SES down,
    or another consumer holds the claim) means: not sent, try again later."""
    ticket = ports.tickets.load_ticket(number)
    entry = next((e for e in ticket.history if e.seq == seq), None) if ticket else None
    kind = kind_of(entry) if entry else None
    if ticket is None or entry is None or kind is None or not ticket.content.contact_email:
        return Outcome.NOT_MAILED
    key = mail_key(number, seq)
    now = utc_now()
    claim = ports.mail_journal.claim(key, now, now + LEASE)
    if claim is Claim.SENT:
        logger.info("mail already sent", ticket_number=number, seq=seq, kind=kind.value)
        return Outcome.ALREADY_SENT
    if claim is Claim.BUSY:
        raise MailUnavailable(messages.MAIL_UNAVAILABLE)
    values = mail_values(ticket, entry, links)
    text, html = composer.compose(kind, values)
    mail = OutgoingMail(
        to=ticket.content.contact_email,
        subject=messages.MAIL_SUBJECTS[kind.value].format(number=number),
        text=text,
        html=html,
        key=key,
    )
    try:
        message_id = mailer.send(mail)
    except MailUnavailable:
        ports.mail_journal.release(key)
        metrics.add_metric(name="MailDeferred", unit="Count", value=1)
        logger.warning("mail not sent, will be retried", ticket_number=number, seq=seq, kind=kind.value)
        raise
    ports.mail_journal.mark_sent(key, message_id, utc_now())
    metrics.add_metric(name=f"Mail{kind.value.title().replace('_', '')}", unit="Count", value=1)
    logger.info("mail sent", ticket_number=number, seq=seq, kind=kind.value, to=mask_email(mail.to))
    return Outcome.SENT
