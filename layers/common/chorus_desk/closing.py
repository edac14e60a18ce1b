"""The automatic closing's clock: which tickets wait for it, since when, and in which order a job finds them.

A ticket « Résolu » waits for its emitter (accept, refuse or close). Every action its emitter can take on a
resolved ticket takes it out of « Résolu » (``lifecycle``: accept and close end it, a refusal sends it back to
the recipient; no file can be added in that status), so "no action of its emitter for N days" is "still
« Résolu » N days after it last became so" (``Ticket.resolved_at``, set by the recipient's answer). The desk's
own re-routing of a resolved ticket (an inactivated recipient) keeps the status and so keeps the clock.

Pure code shared by both adapters of ``TicketStore.resolved_before`` and by ``usecases.autoclose``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chorus_desk.lifecycle import Action, Status
from chorus_desk.models import Ticket

PARTITION = "AUTOCLOSE"  # the index partition that lists the resolved tickets (adapters.dynamodb.keys: GSI2)
DEFAULT_DAYS = 15


def resolved_since(ticket: Ticket) -> datetime | None:
    """When a resolved ticket became « Résolu » for the last time; ``None`` for any other status. A ticket stored
    before ``resolved_at`` existed falls back on its last answer in the history, then on its last update."""
    if ticket.status is not Status.RESOLVED:
        return None
    if ticket.resolved_at is not None:
        return ticket.resolved_at
    answers = [e.at for e in ticket.history if e.action is Action.ANSWER]
    return answers[-1] if answers else ticket.updated_at


def sort_value(at: datetime, number: int) -> str:
    """The index sort key: the resolution moment (UTC, µs: string order is time order), then the number."""
    return f"{at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{number:010d}"


def index_value(ticket: Ticket) -> str | None:
    """The ticket's sort value in the resolved tickets' index while it is « Résolu », else ``None`` (not listed)."""
    since = resolved_since(ticket)
    return sort_value(since, ticket.number) if since is not None else None


def cutoff(now: datetime, days: int) -> datetime:
    """Tickets resolved at or before this moment are due: ``days`` whole days (of 24 hours) before ``now``."""
    return now - timedelta(days=days)


def upper_bound(limit: datetime) -> str:
    """The greatest sort value of a ticket resolved at or before ``limit`` (every number sorts below it)."""
    return sort_value(limit, 0)[:-10] + "9" * 10


def is_due(ticket: Ticket, limit: datetime) -> bool:
    since = resolved_since(ticket)
    return since is not None and since <= limit
