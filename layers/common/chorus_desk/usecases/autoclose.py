"""The automatic closing: a ticket « Résolu » whose emitter took no action for N days is closed by the desk
itself (the system caller « Chorus Pro (clôture automatique) »), with a history entry that says why; the
closure mail follows from the table's stream like any other closure.

The job finds the tickets through the resolved tickets' index (``TicketStore.resolved_before``: one indexed
read per page, never a Scan), reads each one again (the index lags a moment behind the table) and closes it
with a write conditioned on the version it read: a ticket its emitter or the recipient acted on meanwhile is
skipped, and a run retried or run twice closes nothing twice (a closed ticket leaves the index, and is no longer
due when read again). Anonymous tickets are closed the same way: their emitter can never accept a solution.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from chorus_desk import closing, lifecycle, messages
from chorus_desk.actors import SystemActor
from chorus_desk.errors import ConcurrentModification
from chorus_desk.lifecycle import Action, Status
from chorus_desk.listing import PARIS
from chorus_desk.observability import logger, metrics
from chorus_desk.ports import Ports
from chorus_desk.usecases.tickets import history_entry

SYSTEM = SystemActor(name="autoclose")
RESERVE_SECONDS = 20.0  # a run stops reading new pages when less time is left: the next run goes on


class Outcome(StrEnum):
    CLOSED = "CLOSED"
    SKIPPED = "SKIPPED"  # no longer due when read again (acted on, index behind), or changed while closing


@dataclass(frozen=True)
class Run:
    """What one run did: the tickets it found, closed and skipped, the pages it read, and whether it read the
    index to its end (``False``: out of time, the next run goes on)."""

    limit: datetime
    found: int = 0
    closed: int = 0
    skipped: int = 0
    pages: int = 0
    complete: bool = True

    def summary(self) -> dict[str, Any]:
        return {**asdict(self), "limit": self.limit.isoformat()}


def close_resolved(
    ports: Ports,
    now: datetime,
    days: int,
    page_size: int = 100,
    time_left: Callable[[], float] | None = None,
) -> Run:
    """Close every ticket « Résolu » since ``days`` days or more at ``now``, page after page."""
    limit = closing.cutoff(now, days)
    counts = {Outcome.CLOSED: 0, Outcome.SKIPPED: 0}
    found = pages = 0
    after: str | None = None
    complete = True
    while True:
        numbers, after = ports.tickets.resolved_before(limit, page_size, after)
        pages += 1
        found += len(numbers)
        for number in numbers:
            counts[close_one(ports, number, limit, days)] += 1
        if after is None:
            break
        if time_left is not None and time_left() < RESERVE_SECONDS:
            complete = False
            break
    run = Run(limit, found, counts[Outcome.CLOSED], counts[Outcome.SKIPPED], pages, complete)
    metrics.add_metric(name="TicketAutoClosed", unit="Count", value=run.closed)
    logger.info("automatic closing run", **run.summary())
    return run


def close_one(ports: Ports, number: int, limit: datetime, days: int) -> Outcome:
    """Close ticket ``number`` if, read now, it is still « Résolu » since ``limit`` or before; written with a
    condition on the version read, so that any action taken meanwhile wins and the ticket is skipped."""
    ticket = ports.tickets.load_ticket(number)
    if ticket is None or not closing.is_due(ticket, limit):
        logger.info("ticket not closed automatically: no longer due", ticket_number=number)
        return Outcome.SKIPPED
    transition = lifecycle.SYSTEM_TRANSITIONS[Action.AUTO_CLOSE]
    assert ticket.status in transition.sources
    assert transition.target is Status.CLOSED
    since = closing.resolved_since(ticket)
    assert since is not None
    comment = messages.AUTO_CLOSED_COMMENT.format(date=since.astimezone(PARIS).strftime("%d/%m/%Y"), days=days)
    entry = history_entry(ticket, SYSTEM.person, transition.side, Action.AUTO_CLOSE, transition.target, comment)
    updated = ticket.model_copy(
        update={
            "status": transition.target,
            "version": ticket.version + 1,
            "updated_at": entry.at,
            "closed_at": entry.at,
            "history": (*ticket.history, entry),
        }
    )
    try:
        ports.tickets.save_ticket(updated, ticket.version, entry, previous=ticket)
    except ConcurrentModification:
        logger.info("ticket not closed automatically: changed meanwhile", ticket_number=number)
        return Outcome.SKIPPED
    logger.info("ticket closed automatically", ticket_number=number, action=Action.AUTO_CLOSE.value)
    return Outcome.CLOSED
