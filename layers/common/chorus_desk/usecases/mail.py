"""The mails of a ticket's life and of a structure procedure's outcome, sent by the consumer of the table's
stream: at least once, de-duplicated by the mail journal (a crash between SES's acceptance and the
journal's mark is the one way a mail goes twice).

Which history events are mailed (the guides): the confirmation with the number on submission (both modes),
the recipient's information request, the recipient's answer, and the closure; always to the ticket's
contact e-mail. Which operations: an inactivation that has ended (done, refused or failed), to the e-mail
of the user who asked for it. The mail journal makes a replayed or retried record a no-op once its mail
went out: the mail is claimed (with a lease, so that a crashed sender does not block it for ever), sent,
then marked sent; a failed send gives the claim back and fails the record, so that the stream retries it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chorus_desk import catalogue, messages, pseudonyms
from chorus_desk.chats import Author, ChatMessage, ChatSession
from chorus_desk.errors import MailUnavailable
from chorus_desk.lifecycle import Action, Status
from chorus_desk.models import HistoryEntry, Operation, OperationState, OutgoingMail, Ticket, utc_now
from chorus_desk.observability import logger, mask_email, metrics
from chorus_desk.ports import Claim, Mailer, Ports, SigningKey
from chorus_desk.usecases.public import Limits, Slot, slots, status_link_token

LEASE = timedelta(minutes=2)  # longer than the mail function's timeout: a live sender is never overtaken


class MailKind(StrEnum):
    CONFIRMATION = "CONFIRMATION"
    INFORMATION_REQUEST = "INFORMATION_REQUEST"
    ANSWER = "ANSWER"
    CLOSURE = "CLOSURE"
    OPERATION_OUTCOME = "OPERATION_OUTCOME"  # an inactivation of a structure has ended
    CHAT_TRANSCRIPT = "CHAT_TRANSCRIPT"  # a live chat's transcript, asked at its end


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
    """Where a non-connected ticket's status page is, and how long a link stays valid.

    The token is the link's fragment (``<page>#<token>``): a browser never sends a fragment to a server, so
    the token is in no access log, CDN log or trace; the page reads it and sends it in the body of
    ``POST /public/status``."""

    key: SigningKey
    page_url: str
    lifetime: timedelta

    def url(self, number: int) -> str:
        return f"{self.page_url}#{status_link_token(self.key, number, self.lifetime)}"


def _paris(moment: datetime) -> datetime:
    try:
        return moment.astimezone(ZoneInfo("Europe/Paris"))
    except ZoneInfoNotFoundError:  # no time-zone database: UTC, said so in the mail
        return moment


def _date_time(moment: datetime) -> tuple[str, str]:
    """A moment as the mails show it: its date and its time in Paris (or in UTC, said so, without a database)."""
    at = _paris(moment)
    return at.strftime("%d/%m/%Y"), at.strftime("%H:%M") + ("" if at.utcoffset() else " UTC")


def mail_values(ticket: Ticket, entry: HistoryEntry, links: StatusLinks) -> dict[str, Any]:
    """What the templates show: French labels and texts, never codes. A non-connected ticket's mails go to an
    address no one verified, from the desk's official sender: they carry nothing its visitor typed (no title,
    no description), so the form cannot be used to mail someone else a text of one's choosing; the
    catalogue's labels only, never a code as typed."""
    content, anonymous = ticket.content, ticket.anonymous
    category, subcategory = catalogue.labels(content.category, content.subcategory)
    date, time = _date_time(entry.at)
    return {
        "number": ticket.number,
        "title": "" if anonymous else content.title or "",
        "description": "" if anonymous else content.description or "",
        "category": category or ("" if anonymous else content.category or ""),
        "subcategory": subcategory or ("" if anonymous else content.subcategory or ""),
        "status": messages.STATUS_LABELS[entry.to_status.value],
        "recipient": ticket.recipient.name if ticket.recipient else "",
        "emitter": ticket.emitter.designation if ticket.emitter else "",
        "text": entry.comment or "",
        "date": date,
        "time": time,
        "anonymous": ticket.anonymous,
        "status_url": links.url(ticket.number) if ticket.anonymous else None,
    }


class Outcome(StrEnum):
    SENT = "SENT"
    ALREADY_SENT = "ALREADY_SENT"
    NOT_MAILED = "NOT_MAILED"
    CAPPED = "CAPPED"  # not sent: its recipient had the day's share of the non-connected form's confirmations


MAIL_PURPOSE = "mail"  # the purpose of the recipients' pseudonyms (chorus_desk.pseudonyms)
RECIPIENT_ACTION = "mail-recipient"  # the counter's action: RATE#mail-recipient#<pseudonym>#D<yyyymmdd>


@dataclass(frozen=True)
class RecipientCap:
    """The non-connected form's confirmations one recipient address may receive per (UTC) day: anyone can type
    anyone's address in the form, so the desk's sender must not become a way to flood it. Counted under a keyed
    pseudonym of the address (the template's PseudonymSecret), never the address."""

    key: SigningKey
    per_day: int

    def slot(self, to: str, now: datetime) -> Slot:
        who = pseudonyms.pseudonym(self.key.key(), MAIL_PURPOSE, to)
        return slots(RECIPIENT_ACTION, who, Limits(per_hour=self.per_day, per_day=self.per_day), now)[1]


def mail_key(number: int, seq: int) -> str:
    return f"{number}#{seq}"


def operation_mail_key(operation_id: str) -> str:
    return f"OPERATION#{operation_id}"


def _send_once(
    ports: Ports,
    mailer: Mailer,
    composer: Composer,
    kind: MailKind,
    values: Mapping[str, Any],
    *,
    to: str,
    subject: str,
    key: str,
    capped: Slot | None = None,
    **about: Any,
) -> Outcome:
    """Send a mail once per journal ``key``: claim the key, render, send, mark sent; a mail already sent is
    not sent again, one another consumer is sending or SES refused raises ``MailUnavailable`` (the claim
    given back). With ``capped`` (the recipient's counter of the day), the mail counts in it once claimed, and
    past its limit is not sent (``CAPPED``, logged without the address, the claim and the count given back: a
    replay decides again). ``about`` names the mail in the logs."""
    now = utc_now()
    claim = ports.mail_journal.claim(key, now, now + LEASE)
    if claim is Claim.SENT:
        logger.info("mail already sent", kind=kind.value, **about)
        return Outcome.ALREADY_SENT
    if claim is Claim.BUSY:
        raise MailUnavailable(messages.MAIL_UNAVAILABLE)
    if capped is not None and ports.rate_limits.hit(capped.key, capped.ends) > capped.allowed:
        ports.rate_limits.give_back(capped.key)
        ports.mail_journal.release(key)
        metrics.add_metric(name="MailCapped", unit="Count", value=1)
        logger.warning(
            "mail not sent: its recipient's daily cap is reached", kind=kind.value, cap=capped.allowed, **about
        )
        return Outcome.CAPPED
    text, html = composer.compose(kind, values)
    mail = OutgoingMail(to=to, subject=subject, text=text, html=html, key=key)
    try:
        message_id = mailer.send(mail)
    except MailUnavailable:
        ports.mail_journal.release(key)
        if capped is not None:
            ports.rate_limits.give_back(capped.key)  # not sent: the retry counts it
        metrics.add_metric(name="MailDeferred", unit="Count", value=1)
        logger.warning("mail not sent, will be retried", kind=kind.value, **about)
        raise
    ports.mail_journal.mark_sent(key, message_id, utc_now())
    metrics.add_metric(name=f"Mail{kind.value.title().replace('_', '')}", unit="Count", value=1)
    logger.info("mail sent", kind=kind.value, to=mask_email(to), **about)
    return Outcome.SENT


def deliver_event(
    ports: Ports,
    mailer: Mailer,
    composer: Composer,
    links: StatusLinks,
    number: int,
    seq: int,
    cap: RecipientCap,
) -> Outcome:
    """Send the mail of history event ``seq`` of ticket ``number``, once. ``MailUnavailable`` (SES down,
    or another consumer holds the claim) means: not sent, try again later. A non-connected ticket's
    confirmation counts against its recipient's daily ``cap`` (the other mails follow an agent's action)."""
    ticket = ports.tickets.load_ticket(number)
    entry = next((e for e in ticket.history if e.seq == seq), None) if ticket else None
    kind = kind_of(entry) if entry else None
    to = ticket.content.contact_email if ticket else None
    if ticket is None or entry is None or kind is None or not to:
        return Outcome.NOT_MAILED
    capped = cap.slot(to, utc_now()) if ticket.anonymous and kind is MailKind.CONFIRMATION else None
    return _send_once(
        ports,
        mailer,
        composer,
        kind,
        mail_values(ticket, entry, links),
        to=to,
        subject=messages.MAIL_SUBJECTS[kind.value].format(number=number),
        key=mail_key(number, seq),
        capped=capped,
        ticket_number=number,
        seq=seq,
    )


FINISHED = frozenset({OperationState.SUCCEEDED, OperationState.REFUSED, OperationState.FAILED})


def operation_values(operation: Operation, name: str, takeover_name: str) -> dict[str, Any]:
    """What the outcome's templates show: the structure, the takeover and what moved, the French state and
    outcome, the dates in Paris."""
    assert operation.finished_at is not None  # deliver_operation mails finished operations only
    started_date, started_time = _date_time(operation.started_at)
    finished_date, finished_time = _date_time(operation.finished_at)
    return {
        "operation_id": operation.id,
        "heading": messages.OPERATION_MAIL_HEADINGS[operation.state.value].format(name=name),
        "requester": operation.requester.name,
        "siret": operation.siret,
        "designation": name,
        "takeover_siret": operation.takeover_siret or "",
        "takeover_designation": takeover_name,
        "state": operation.state.value,
        "state_label": operation.state.label,
        "message": operation.message or "",
        "moved_payments": operation.moved_payments,
        "moved_tickets": operation.moved_tickets,
        "started_date": started_date,
        "started_time": started_time,
        "date": finished_date,
        "time": finished_time,
    }


def deliver_operation(ports: Ports, mailer: Mailer, composer: Composer, operation_id: str) -> Outcome:
    """Send the mail that tells the requester how operation ``operation_id`` ended, once (journal key
    ``OPERATION#<id>``). Nothing while it runs. ``MailUnavailable``: not sent, try again later."""
    operation = ports.operations.load_operation(operation_id)
    if operation is None or operation.state not in FINISHED or operation.finished_at is None:
        return Outcome.NOT_MAILED
    profile, _ = ports.directory.load_user(operation.requester.id)
    if profile is None or not profile.email:
        logger.warning("operation's requester has no e-mail: no mail", operation_id=operation_id)
        return Outcome.NOT_MAILED
    structure = ports.directory.load_structure(operation.siret)
    name = structure.designation if structure else operation.siret
    takeover = ports.directory.load_structure(operation.takeover_siret) if operation.takeover_siret else None
    return _send_once(
        ports,
        mailer,
        composer,
        MailKind.OPERATION_OUTCOME,
        operation_values(operation, name, takeover.designation if takeover else ""),
        to=profile.email,
        subject=messages.OPERATION_MAIL_SUBJECT.format(name=name, siret=operation.siret, state=operation.state.label),
        key=operation_mail_key(operation.id),
        operation_id=operation.id,
        state=operation.state.value,
    )


# ------------------------------------------------------------------------------------------ a live chat's transcript
def chat_transcript_key(chat_id: str) -> str:
    return f"CHAT#{chat_id}"


def chat_transcript_values(session: ChatSession, found: list[ChatMessage], assistant_name: str) -> dict[str, Any]:
    """The lines of the transcript (the assistant's before the chat, then the chat's), dated in Paris. A visitor's
    transcript goes to an address no one verified: their own lines are not repeated in it (the desk's sender never
    mails someone a text of a stranger's choosing), only that they wrote."""
    anonymous = session.requester is None
    user = session.requester.name if session.requester else messages.CHAT_VISITOR
    names = {
        "USER": user,
        "ASSISTANT": assistant_name,
        Author.REQUESTER.value: user,
        Author.SYSTEM.value: messages.CHAT_TRANSCRIPT_SPEAKER_DESK,
    }
    lines = []
    for by, name, text, at in [
        *((t.by.value, t.name, t.text, t.at) for t in session.context),
        *((m.by.value, m.name if m.by is Author.AGENT else None, m.text, m.at) for m in found),
    ]:
        date, time = _date_time(at)
        hidden = anonymous and by in {"USER", Author.REQUESTER.value}
        lines.append(
            {
                "date": date,
                "time": time,
                "who": name or names.get(by, by),
                "text": messages.CHAT_TRANSCRIPT_HIDDEN if hidden else text,
            }
        )
    date, time = _date_time(session.created_at)
    return {
        "chat_id": session.id,
        "date": date,
        "time": time,
        "queue": session.queue_name,
        "agent": session.agent.name if session.agent else "",
        "requester": user,
        "anonymous": anonymous,
        "lines": lines,
        "filed": session.filed or "",
    }


def deliver_chat_transcript(
    ports: Ports, mailer: Mailer, composer: Composer, chat_id: str, assistant_name: str, cap: RecipientCap
) -> Outcome:
    """Send a chat's transcript to the address it was asked for, once (journal key ``CHAT#<id>``); a visitor's
    counts against its recipient's daily ``cap``, as the non-connected form's confirmations do."""
    to = ports.chats.transcript_address(chat_id)
    found: list[ChatMessage] = []
    session = None
    while True:
        session, page = ports.chats.read(chat_id, found[-1].seq if found else 0, 200)
        found.extend(page)
        if len(page) < 200:
            break
    if not to or session is None:
        return Outcome.NOT_MAILED
    values = chat_transcript_values(session, found, assistant_name)
    return _send_once(
        ports,
        mailer,
        composer,
        MailKind.CHAT_TRANSCRIPT,
        values,
        to=to,
        subject=messages.CHAT_TRANSCRIPT_SUBJECT.format(date=values["date"]),
        key=chat_transcript_key(chat_id),
        capped=cap.slot(to, utc_now()) if session.requester is None else None,
        chat_id=chat_id,
    )
