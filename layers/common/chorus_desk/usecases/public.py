"""Use cases of the public (non-connected) side: a captcha challenge, a ticket filed by an anonymous
requester, the read-only view behind a signed status link, and the abuse limits of these routes.

A non-connected ticket is checked like a connected one (the pair, the mandatory fields, the routing), with
the captcha last: a visitor who mistyped a field keeps a challenge that still works, and nothing is stored
(no number is taken) until everything, the captcha included, is right.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from chorus_desk import captcha, catalogue, lifecycle, links, messages, pseudonyms, routing
from chorus_desk.actors import AnonymousRequester
from chorus_desk.errors import DeskError, FieldError, InvalidInput, NotFound, TooManyRequests
from chorus_desk.lifecycle import Action, Side, Status
from chorus_desk.listing import PARIS
from chorus_desk.models import Challenge, Ticket, TicketContent, utc_now
from chorus_desk.observability import logger, mask_email, metrics
from chorus_desk.ports import CaptchaArtist, Ports, SigningKey
from chorus_desk.usecases.tickets import history_entry, missing_fields

# ------------------------------------------------------------------------------------- abuse limits
RATE_PURPOSE = "rate"  # the purpose of the callers' pseudonyms (chorus_desk.pseudonyms)
TICKET, ATTEMPT, CAPTCHA = "ticket", "attempt", "captcha"  # what the non-connected form counts per address
# The stable names of the limits (the 429's ``limit``): what is counted, then the window.
LIMIT_CODES = {
    TICKET: "TICKETS",
    ATTEMPT: "ESSAIS",
    CAPTCHA: "CODES",
    "assistant-conversation": "CONVERSATIONS",
    "assistant-message": "MESSAGES",
}
WINDOW_CODES = {"H": "HEURE", "D": "JOUR"}
_FORM_ACTIONS = frozenset({TICKET, ATTEMPT, CAPTCHA})  # a 429 of these suggests signing in instead


@dataclass(frozen=True)
class Limits:
    per_hour: int
    per_day: int


@dataclass(frozen=True)
class Slot:
    """The counter of one address for one action in one window (a clock hour or a UTC day)."""

    action: str
    window: str  # "H" or "D"
    key: str
    allowed: int
    ends: datetime


def rate_source(key: bytes, address: str) -> str:
    """The caller's address as the counters know it: its keyed pseudonym under the template's PseudonymSecret,
    never the address nor an unkeyed hash of it."""
    return pseudonyms.pseudonym(key, RATE_PURPOSE, address)


def slots(action: str, who: str, limits: Limits, now: datetime) -> tuple[Slot, Slot]:
    """The hour's and the day's counters of ``who`` for ``action`` at ``now``."""
    hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    day = hour.replace(hour=0)
    return (
        Slot(action, "H", f"{action}#{who}#H{hour:%Y%m%d%H}", limits.per_hour, hour + timedelta(hours=1)),
        Slot(action, "D", f"{action}#{who}#D{day:%Y%m%d}", limits.per_day, day + timedelta(days=1)),
    )


def _when(moment: datetime, now: datetime) -> str:
    at, today = moment.astimezone(PARIS), now.astimezone(PARIS)
    time = f"{at:%H} h {at:%M}"
    if at.date() == today.date():
        return messages.PUBLIC_LIMIT_SAME_DAY.format(time=time)
    return messages.PUBLIC_LIMIT_OTHER_DAY.format(date=f"{at:%d/%m/%Y}", time=time)


def limit_reached(full: list[Slot], now: datetime) -> TooManyRequests:
    """The 429 for the full slots: the one that frees last (the visitor can do nothing before it), named."""
    slot = max(full, key=lambda s: s.ends)
    retry_after = max(1, math.ceil((slot.ends - now).total_seconds()))
    limit = f"{LIMIT_CODES.get(slot.action, slot.action.upper())}_PAR_{WINDOW_CODES[slot.window]}"
    what = messages.PUBLIC_LIMIT_WHAT.get(slot.action, "{allowed} " + slot.action).format(allowed=slot.allowed)
    message = messages.TOO_MANY_PUBLIC_REQUESTS.format(
        what=what, window=messages.PUBLIC_LIMIT_WINDOWS[slot.window], when=_when(slot.ends, now)
    )
    if slot.action in _FORM_ACTIONS:
        message += messages.PUBLIC_LIMIT_SIGN_IN
    logger.warning("public limit reached", limit=limit, retry_after=retry_after)
    metrics.add_metric(name="PublicLimitReached", unit="Count", value=1)
    return TooManyRequests(message, retry_after, limit, slot.allowed, slot.ends)


def give_back(ports: Ports, taken: tuple[Slot, ...]) -> None:
    """Take back hits that turned out not to count; a store failing then is logged, not raised (the request's
    own answer matters more than one count)."""
    for slot in taken:
        try:
            ports.rate_limits.give_back(slot.key)
        except DeskError:
            logger.warning("rate counter not given back", action=slot.action, window=slot.window)


def take(ports: Ports, action: str, who: str, limits: Limits, now: datetime | None = None) -> tuple[Slot, ...]:
    """Count one ``action`` of ``who`` (a pseudonym: ``rate_source``) in the current hour and day. Over either
    limit, both hits are given back (a refused request uses none of the budget) and ``TooManyRequests`` names
    the limit and when it frees. Returns the slots taken, for ``give_back`` if the action does not happen."""
    now = now or utc_now()
    taken = slots(action, who, limits, now)
    full = [slot for slot in taken if ports.rate_limits.hit(slot.key, slot.ends) > slot.allowed]
    if full:
        give_back(ports, taken)
        raise limit_reached(full, now)
    return taken


def check_rate(ports: Ports, action: str, who: str, limits: Limits, now: datetime | None = None) -> None:
    """``take``, for an action that happens once the request is let through (a captcha drawn, a message)."""
    take(ports, action, who, limits, now)


def refuse_if_used_up(ports: Ports, action: str, who: str, limits: Limits, now: datetime) -> None:
    """429 if ``who`` already used the hour's or the day's budget of ``action``, counting nothing."""
    full = [slot for slot in slots(action, who, limits, now) if ports.rate_limits.count(slot.key) >= slot.allowed]
    if full:
        raise limit_reached(full, now)


def count_refusal(ports: Ports, who: str, attempts: Limits, now: datetime) -> None:
    """One refused attempt of ``who``, counted in the hour and the day (the next request sees the budget)."""
    for slot in slots(ATTEMPT, who, attempts, now):
        ports.rate_limits.hit(slot.key, slot.ends)


# ------------------------------------------------------------------------------------------ captcha
@dataclass(frozen=True)
class IssuedChallenge:
    id: str
    image_png: bytes
    audio_wav: bytes
    expires_at: datetime


def new_challenge(ports: Ports, artist: CaptchaArtist, lifetime: timedelta) -> IssuedChallenge:
    """A fresh challenge: its answer drawn (image and sound) and stored only as a salted hash."""
    answer, salt = captcha.new_answer(), secrets.token_hex(8)
    image, audio = artist.draw(answer)
    challenge = Challenge(
        id=secrets.token_urlsafe(18),
        answer_hash=captcha.answer_hash(answer, salt),
        salt=salt,
        expires_at=utc_now() + lifetime,
    )
    ports.captchas.put_challenge(challenge)
    metrics.add_metric(name="CaptchaIssued", unit="Count", value=1)
    return IssuedChallenge(challenge.id, image, audio, challenge.expires_at)


def solve_challenge(ports: Ports, challenge_id: str, answer: str) -> None:
    """Use the challenge up if ``answer`` is right; else count the failure (three kill it). Unknown,
    expired, used-up or killed: the same refusal, asking for a new challenge."""
    expired = InvalidInput([FieldError("captcha_id", messages.CAPTCHA_EXPIRED)])
    challenge = ports.captchas.load_challenge(challenge_id)
    if challenge is None or challenge.expires_at <= utc_now() or challenge.failures >= captcha.MAX_FAILURES:
        raise expired
    if not captcha.matches(answer, challenge.salt, challenge.answer_hash):
        failures = ports.captchas.record_failure(challenge_id, captcha.MAX_FAILURES)
        metrics.add_metric(name="CaptchaFailed", unit="Count", value=1)
        if failures is None:
            raise expired
        if failures >= captcha.MAX_FAILURES:
            raise InvalidInput([FieldError("captcha_answer", messages.CAPTCHA_TOO_MANY_FAILURES)])
        raise InvalidInput([FieldError("captcha_answer", messages.CAPTCHA_WRONG)])
    if not ports.captchas.consume_challenge(challenge_id, captcha.MAX_FAILURES):
        raise expired  # another request used it first


# ------------------------------------------------------------------------------- non-connected ticket
@dataclass(frozen=True)
class CreateAnonymousTicket:
    content: TicketContent
    captcha_id: str | None
    captcha_answer: str | None


def anonymous_content_errors(content: TicketContent) -> list[FieldError]:
    """The non-connected form's checks: its required fields, a known pair, offered in that mode."""
    errors = missing_fields(content, anonymous=True)
    pair_errors = catalogue.validate_pair(content.category, content.subcategory)
    errors += [e for e in pair_errors if all(e.field != known.field for known in errors)]
    pair = catalogue.find(content.category, content.subcategory)
    if pair is not None and not pair.offered_in(catalogue.Mode.ANONYMOUS):
        errors.append(FieldError("subcategory", messages.PAIR_NOT_OFFERED_ANONYMOUSLY.format(subcategory=pair.label)))
    return errors


def create_anonymous_ticket(ports: Ports, requester: AnonymousRequester, command: CreateAnonymousTicket) -> Ticket:
    """« Soumettre » in non-connected mode: the ticket goes OPEN to its recipient, or nothing is stored."""
    transition = lifecycle.authorize(Action.CREATE_AND_SUBMIT, frozenset({Side.EMITTER}), None)
    content = command.content.model_copy(update={"contact_email": requester.contact_email or None})
    errors = anonymous_content_errors(content)
    if not command.captcha_id:
        errors.append(FieldError("captcha_id", messages.CAPTCHA_ID_REQUIRED))
    if not command.captcha_answer:
        errors.append(FieldError("captcha_answer", messages.CAPTCHA_ANSWER_REQUIRED))
    now = utc_now()
    ticket = Ticket(
        number=1,  # placeholder: a number is taken only once everything is right
        status=Status.DRAFT,
        version=1,
        created_at=now,
        updated_at=now,
        created_by=requester.person,
        anonymous=True,
        content=content,
    )
    found = None if errors else routing.route(ports, ticket, submitting=True)
    errors += found.errors if found else []
    if errors or found is None or found.recipient is None:
        raise InvalidInput(errors)
    assert transition.target is not None
    assert command.captcha_id  # else in errors above
    assert command.captcha_answer
    solve_challenge(ports, command.captcha_id, command.captcha_answer)
    ticket = ticket.model_copy(
        update={
            "number": ports.tickets.next_ticket_number(),
            "status": transition.target,
            "recipient": found.recipient,
            "submitted_at": now,
        }
    )
    entry = history_entry(ticket, requester.person, Side.EMITTER, Action.CREATE_AND_SUBMIT, transition.target, None)
    ports.tickets.insert_ticket(ticket, entry)
    logger.info(
        "ticket action applied",
        action=Action.CREATE_AND_SUBMIT.value,
        ticket_number=ticket.number,
        mode="anonymous",
        contact=mask_email(requester.contact_email),
    )
    metrics.add_metric(name="TicketCreatedAnonymously", unit="Count", value=1)
    return ticket.model_copy(update={"history": (entry,)})


def file_anonymous_ticket(
    ports: Ports,
    requester: AnonymousRequester,
    command: CreateAnonymousTicket,
    who: str,
    tickets: Limits,
    attempts: Limits,
) -> Ticket:
    """``create_anonymous_ticket`` within the caller's limits, tickets filed and refused attempts counted apart:
    a caller who used up the refused attempts is told to wait before anything is looked at; a ticket's place in
    the hour and the day is taken (429 if there is none) and given back unless the ticket is filed; a refusal
    (a field, the captcha) costs an attempt instead, from the larger budget."""
    now = utc_now()
    refuse_if_used_up(ports, ATTEMPT, who, attempts, now)
    taken = take(ports, TICKET, who, tickets, now)
    try:
        return create_anonymous_ticket(ports, requester, command)
    except InvalidInput:
        give_back(ports, taken)
        count_refusal(ports, who, attempts, now)
        raise
    except BaseException:
        give_back(ports, taken)  # nothing filed (the store failed): the place is the visitor's again
        raise


# ---------------------------------------------------------------------------------- status link
def status_link_token(key: SigningKey, number: int, lifetime: timedelta) -> str:
    return links.sign(key.key(), number, utc_now() + lifetime)


def ticket_behind_link(ports: Ports, key: SigningKey, token: str | None) -> Ticket:
    """The non-connected ticket a valid link was signed for (under the current key or one a rotation still
    accepts); anything else, no token included, is the same 404."""
    not_found = NotFound(messages.STATUS_LINK_NOT_FOUND)
    number = links.verify(key.keys(), token, utc_now()) if token else None
    if number is None:
        raise not_found
    ticket = ports.tickets.load_ticket(number)
    if ticket is None or not ticket.anonymous:
        raise not_found
    return ticket
