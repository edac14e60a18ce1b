"""Use cases of the public (non-connected) side: a captcha challenge, a ticket filed by an anonymous
requester, the read-only view behind a signed status link, and the abuse limits of these routes.

A non-connected ticket is checked like a connected one (the pair, the mandatory fields, the routing), with
the captcha last: a visitor who mistyped a field keeps a challenge that still works, and nothing is stored
(no number is taken) until everything, the captcha included, is right.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from chorus_desk import captcha, catalogue, lifecycle, links, messages, routing
from chorus_desk.actors import AnonymousRequester
from chorus_desk.errors import FieldError, InvalidInput, NotFound, TooManyRequests
from chorus_desk.lifecycle import Action, Side, Status
from chorus_desk.models import Challenge, Ticket, TicketContent, utc_now
from chorus_desk.observability import logger, mask_email, metrics
from chorus_desk.ports import CaptchaArtist, Ports, SigningKey
from chorus_desk.usecases.tickets import history_entry, missing_fields


# ------------------------------------------------------------------------------------- abuse limits
@dataclass(frozen=True)
class Limits:
    per_hour: int
    per_day: int


def check_rate(ports: Ports, action: str, source: str, limits: Limits, now: datetime | None = None) -> None:
    """Count this request of ``source`` (the caller's IP address, kept only as a hash) for ``action`` in the
    current hour and day; over either limit, ``TooManyRequests`` with the seconds until that window ends."""
    now = now or utc_now()
    who = hashlib.sha256(source.encode()).hexdigest()[:32]
    hour = now.replace(minute=0, second=0, microsecond=0)
    day = hour.replace(hour=0)
    hour_end, day_end = hour + timedelta(hours=1), day + timedelta(days=1)
    hourly = ports.rate_limits.hit(f"{action}#{who}#H{hour:%Y%m%d%H}", hour_end)
    daily = ports.rate_limits.hit(f"{action}#{who}#D{day:%Y%m%d}", day_end)
    waits = [
        end - now
        for count, limit, end in ((hourly, limits.per_hour, hour_end), (daily, limits.per_day, day_end))
        if count > limit
    ]
    if waits:
        retry_after = max(1, math.ceil(max(waits).total_seconds()))
        logger.warning("public limit reached", action=action, source=who[:8], retry_after=retry_after)
        metrics.add_metric(name="PublicLimitReached", unit="Count", value=1)
        raise TooManyRequests(
            messages.TOO_MANY_PUBLIC_REQUESTS.format(minutes=math.ceil(retry_after / 60)), retry_after
        )


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
