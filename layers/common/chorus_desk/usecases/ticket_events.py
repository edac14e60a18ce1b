"""The lifecycle events of tickets: every history event of a ticket, read from the table's stream, published
once on the desk's bus (``DeskBus``) for integrators (docs/events/README.md).

An event carries ids and codes only (schema version "1", docs/events/*.schema.json): the ticket's number, the
entry's sequence, the action and statuses, the actor's kind and side, the category codes and the emitter's
and recipient's keys (SIRET, team id) as the entry left the ticket (the history item holds them:
``adapters.dynamodb.tickets.event_item``). Never a name, an e-mail, a title, a comment or a user's id.

Once: an event's id is its history item's key (``ticket-<number>-<seq>``); the journal (``PUBLISHED#<id>``)
is claimed, conditioned on its absence or on a lapsed lease, before the event is put, and marked published
with EventBridge's id after. A replayed or retried record whose event was published is a no-op; a record
whose claim is held by a live consumer, or whose entry EventBridge refused, fails (its claim given back) and
the stream retries it. The one way an event goes twice: the function stops between EventBridge's acceptance
and the journal's mark (a single call's window); the copy carries the same ``event_id``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chorus_desk import catalogue
from chorus_desk.errors import StorageUnavailable
from chorus_desk.lifecycle import Action
from chorus_desk.models import utc_now
from chorus_desk.observability import logger, metrics
from chorus_desk.ports import Claim, EventPublisher, MailJournal

SOURCE = "chorus-desk.tickets"
VERSION = "1"
LEASE = timedelta(minutes=2)  # longer than the function's timeout: a live publisher is never overtaken
MAX_ENTRIES = 10  # PutEvents takes at most 10 entries per call

# The detail-type of each history action (one per action: an integrator matches the ones it wants). A ticket
# created and submitted at once is « Ticket Submitted » (action CREATE_AND_SUBMIT), as a draft's submission is:
# both reach the recipient. The desk's automatic closing (AUTO_CLOSE, by the system) has its own, as it has its own
# action: a silence is not the emitter's decision; a rule on ``to_status: CLOSED`` receives every closing alike.
# Editing or deleting a draft writes no history event, so publishes nothing.
DETAIL_TYPES: dict[Action, str] = {
    Action.CREATE_DRAFT: "Ticket Created",
    Action.CREATE_AND_SUBMIT: "Ticket Submitted",
    Action.SUBMIT: "Ticket Submitted",
    Action.TAKE_IN_CHARGE: "Ticket Taken In Charge",
    Action.ASSIGN: "Ticket Assigned",
    Action.REQUEST_INFORMATION: "Ticket Information Requested",
    Action.PROVIDE_INFORMATION: "Ticket Information Provided",
    Action.ANSWER: "Ticket Answered",
    Action.ACCEPT_SOLUTION: "Ticket Solution Accepted",
    Action.REFUSE_SOLUTION: "Ticket Solution Refused",
    Action.CLOSE: "Ticket Closed",
    Action.ADD_ATTACHMENT: "Ticket File Added",
    Action.REFUSE_ATTACHMENT: "Ticket File Refused",
    Action.REMOVE_ATTACHMENT: "Ticket File Removed",
    Action.REROUTE: "Ticket Rerouted",
    Action.AUTO_CLOSE: "Ticket Closed Automatically",
}
NO_HISTORY_EVENT = frozenset({Action.EDIT_DRAFT, Action.DELETE_DRAFT})


class NotAnEvent(ValueError):
    """A history item this version cannot describe (an action with no detail-type): the record fails."""


def event_id(number: int, seq: int) -> str:
    return f"ticket-{number}-{seq}"


def actor_kind(actor_id: str) -> str:
    """Who acted, as a kind: the system, a non-connected requester, or a signed-in user (``actors``)."""
    if actor_id.startswith("system:"):
        return "SYSTEM"
    if actor_id.startswith("anonymous:"):
        return "ANONYMOUS"
    return "USER"


def describe(item: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The detail-type and detail of a history item (as the stream's new image holds it, deserialized)."""
    try:
        action = Action(str(item["action"]))
    except ValueError:
        raise NotAnEvent(f"unknown action {item.get('action')!r}") from None
    if action not in DETAIL_TYPES:
        raise NotAnEvent(f"no detail-type for {action.value}")
    number, seq = int(item["number"]), int(item["seq"])
    codes = item.get("ticket_codes") or {}
    # Codes the catalogue knows only (a code no longer in it, or anything not a code, is published as null).
    category, subcategory = codes.get("category"), codes.get("subcategory")
    known_category = category is not None and not catalogue.validate_pair(str(category), None)
    known_pair = catalogue.find(category, subcategory) is not None
    detail = {
        "version": VERSION,
        "event_id": event_id(number, seq),
        "ticket": number,
        "seq": seq,
        "at": str(item["at"]),
        "action": action.value,
        "from_status": item.get("from_status"),
        "to_status": str(item["to_status"]),
        "side": str(item["side"]),
        "actor_kind": actor_kind(str(item["actor"]["id"])),
        "category": category if known_category else None,
        "subcategory": subcategory if known_pair else None,
        "emitter": codes.get("emitter"),
        "recipient": codes.get("recipient"),
        "anonymous": bool(codes.get("anonymous", False)),
    }
    return DETAIL_TYPES[action], detail


def entry_of(bus: str, detail_type: str, detail: Mapping[str, Any]) -> dict[str, str]:
    """The PutEvents entry of an event; ``Resources`` is left empty (an ARN would name nothing integrators own)."""
    return {
        "EventBusName": bus,
        "Source": SOURCE,
        "DetailType": detail_type,
        "Detail": json.dumps(detail, separators=(",", ":"), sort_keys=True),
    }


@dataclass(frozen=True)
class Record:
    """A stream record: its id for ``batchItemFailures`` (the sequence number) and its history item, if any."""

    id: str
    item: Mapping[str, Any] | None


@dataclass
class _Claimed:
    record: Record
    key: str
    entry: dict[str, str]


def publish(
    records: Sequence[Record],
    publisher: EventPublisher,
    journal: MailJournal,
    bus: str,
    now: datetime | None = None,
) -> list[str]:
    """Publish the history events of ``records`` once each; returns the ids of the records that failed (the
    stream retries from the first of them; those after it come again and find their events published)."""
    now = now or utc_now()
    failed: list[str] = []
    claimed: list[_Claimed] = []
    for record in records:
        if record.item is None:
            continue  # not a history event: the template's filter keeps these out
        try:
            detail_type, detail = describe(record.item)
        except (NotAnEvent, KeyError, TypeError, ValueError) as error:
            logger.error("history event not describable", error=str(error), record=record.id)
            metrics.add_metric(name="TicketEventUndescribable", unit="Count", value=1)
            failed.append(record.id)
            continue
        key = detail["event_id"]
        claim = journal.claim(key, now, now + LEASE)
        if claim is Claim.SENT:
            metrics.add_metric(name="TicketEventAlreadyPublished", unit="Count", value=1)
            continue
        if claim is Claim.BUSY:
            logger.info("ticket event being published elsewhere", event_id=key)
            failed.append(record.id)
            continue
        claimed.append(_Claimed(record, key, entry_of(bus, detail_type, detail)))
    for start in range(0, len(claimed), MAX_ENTRIES):
        failed += _put(claimed[start : start + MAX_ENTRIES], publisher, journal, now)
    order = {r.id: i for i, r in enumerate(records)}
    return sorted(set(failed), key=order.__getitem__)


def _put(batch: list[_Claimed], publisher: EventPublisher, journal: MailJournal, now: datetime) -> list[str]:
    try:
        ids = publisher.publish([c.entry for c in batch])
    except StorageUnavailable:
        ids = [None] * len(batch)
    failed = []
    for claimed, published in zip(batch, ids, strict=True):
        if published is None:
            journal.release(claimed.key)
            failed.append(claimed.record.id)
            continue
        journal.mark_sent(claimed.key, published, now)
        logger.info("ticket event published", event_id=claimed.key, detail_type=claimed.entry["DetailType"])
    if failed:
        metrics.add_metric(name="TicketEventNotPublished", unit="Count", value=len(failed))
    metrics.add_metric(name="TicketEventPublished", unit="Count", value=len(batch) - len(failed))
    return failed
