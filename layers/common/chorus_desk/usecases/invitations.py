"""An account's invitation (its activation link) sent again: asked by anyone through the assistant, done by a
private function.

``ask_resend`` is the asking side (the assistants, the public one open to anyone): it never reaches Cognito, so
neither its answer nor its time can tell whether an account exists, waits for activation or is active. It
counts the request under the address's keyed pseudonym (``pseudonyms.pseudonym(key, "invitation", email)``,
never the address) for the current day in Paris: the first request of the day, whoever makes it and from
whatever conversation or address, claims the day (one conditional write: of two at once, one wins) and is
handed over (``InvitationRequests``); the others are dropped silently. The assistant answers the same in every
case.

``resend`` is the doing side (``InvitationsFunction``, the only one with Cognito rights): it sends the
invitation again if an account waits for activation at that address, and does nothing otherwise.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import Enum

from chorus_desk import pseudonyms
from chorus_desk.errors import DeskError
from chorus_desk.listing import PARIS
from chorus_desk.models import _EMAIL
from chorus_desk.observability import logger, metrics
from chorus_desk.ports import InvitationRequests, Invitations, Ports, SigningKey

PURPOSE = "invitation"  # the pseudonyms' purpose: unrelated to the same address's other pseudonyms
KEPT_DAYS = 2  # a day's claim is kept until the end of the next day (then the table's TTL removes it)


def resend_day(now: datetime) -> date:
    """The day a request counts for: the support's calendar day (Paris)."""
    return now.astimezone(PARIS).date()


def ask_resend(ports: Ports, requests: InvitationRequests, key: SigningKey, email: str, now: datetime) -> bool:
    """Hand the request over if it is the address's first of the day; ``True`` if it was handed over. A request
    that cannot be handed over gives the day back and raises (503): the visitor may ask again."""
    pseudonym = pseudonyms.pseudonym(key.key(), PURPOSE, email)
    day = resend_day(now)
    expires_at = datetime.combine(day + timedelta(days=KEPT_DAYS), time(0), PARIS)
    if not ports.invitation_resends.claim(pseudonym, day, expires_at):
        metrics.add_metric(name="ActivationLinkAlreadyAskedToday", unit="Count", value=1)
        return False
    try:
        requests.request_resend(email)
    except DeskError:
        ports.invitation_resends.release(pseudonym, day)
        raise
    metrics.add_metric(name="ActivationLinkRequested", unit="Count", value=1)
    return True


class Outcome(Enum):
    RESENT = "resent"
    NOT_WAITING = "not waiting"  # no account at that address, or one already active (or disabled)
    IGNORED = "ignored"  # not a request this function understands: nothing to retry


def resend(invitations: Invitations, email: object) -> Outcome:
    """The private function's part: the invitation sent again if an account waits at ``email``. An outage of
    Cognito raises (``StorageUnavailable``): the event is retried, then kept in the failure queue."""
    if not isinstance(email, str) or len(email) > 254 or not _EMAIL.match(email):
        logger.warning("resend request without a valid address")
        return Outcome.IGNORED
    outcome = Outcome.RESENT if invitations.resend(email) else Outcome.NOT_WAITING
    name = "InvitationResent" if outcome is Outcome.RESENT else "InvitationNotWaiting"
    metrics.add_metric(name=name, unit="Count", value=1)
    return outcome
