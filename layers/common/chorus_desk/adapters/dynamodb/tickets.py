"""``TicketStore`` on DynamoDB: a ticket and its history share the partition ``TICKET#<n>``; each write moves
the ticket's list rows and dashboard counters (``listing``) in the same transaction.

Every TransactWriteItems carries a ``ClientRequestToken`` and the ticket item records it (``write_token``): a
transaction that botocore re-sends after a lost reply is the same transaction to DynamoDB, and if its condition
then fails because the first attempt did apply, the adapter sees its own token on the item and reports success
instead of a false conflict.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from chorus_desk import closing, listing, messages
from chorus_desk.adapters.dynamodb.keys import (
    COUNTER_KEY,
    DELETED_SK,
    EVENT_PREFIX,
    TICKET_SK,
    event_sk,
    row_key,
    ticket_index_keys,
    ticket_pk,
)
from chorus_desk.adapters.dynamodb.table import APPLIED, CONDITION, Table, counter_update, from_item, to_item
from chorus_desk.errors import ConcurrentModification, StorageUnavailable
from chorus_desk.models import HistoryEntry, Ticket

TOMBSTONE_SECONDS = 24 * 3600
LAST_WRITE = "write_token"
CONFLICT_ATTEMPTS = 10  # a transaction that met another on a shared counter is tried again, with backoff


def event_item(ticket: Ticket, entry: HistoryEntry) -> dict[str, Any]:
    """A history event's item: the entry, and the codes of its ticket as the entry left it (``ticket``:
    category, sub-category, emitter and recipient keys, anonymous or not), which the lifecycle events publish
    from the table's stream without reading the ticket (chorus_desk.usecases.ticket_events)."""
    content = ticket.content
    codes = {
        "category": content.category,
        "subcategory": content.subcategory,
        "emitter": f"STRUCTURE#{content.emitter_siret}" if content.emitter_siret else None,
        "recipient": ticket.recipient.org.key if ticket.recipient else None,
        "anonymous": ticket.anonymous,
    }
    body = entry.model_dump(mode="json", exclude_none=True)
    return {
        "PK": ticket_pk(ticket.number),
        "SK": event_sk(entry.seq),
        "entity": "EVENT",
        "number": ticket.number,
        **body,
        "ticket_codes": {k: v for k, v in codes.items() if v is not None},
    }


class DynamoTickets:
    """``TicketStore``: a ticket and its history share the partition ``TICKET#<n>``."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def next_ticket_number(self) -> int:
        """Atomic counter: numbers are unique, increasing and short, as Chorus Pro shows them."""
        result = self._table.call(
            "update_item",
            TableName=self._table.name,
            Key=to_item(COUNTER_KEY),
            UpdateExpression="ADD #n :one",
            ExpressionAttributeNames={"#n": "value"},
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW",
        )
        return int(result["Attributes"]["value"]["N"])

    def load_ticket(self, number: int) -> Ticket | None:
        """The ticket and its whole history, in one Query on the ticket's partition."""
        rows = self._table.partition(ticket_pk(number))
        head = next((r for r in rows if r["SK"] == TICKET_SK), None)
        if head is None:
            return None
        history = sorted((r for r in rows if r["SK"].startswith(EVENT_PREFIX)), key=lambda r: int(r["seq"]))
        return Ticket.model_validate({**head, "history": history})

    def _ticket_put(self, ticket: Ticket, token: str, condition: str, values: dict[str, Any] | None = None) -> Any:
        body = ticket.model_dump(mode="json", exclude={"history"}, exclude_none=True)
        item = {"PK": ticket_pk(ticket.number), "SK": TICKET_SK, "entity": "TICKET", **body, LAST_WRITE: token}
        put: dict[str, Any] = {
            "TableName": self._table.name,
            "Item": to_item({**item, **ticket_index_keys(ticket)}),
            "ConditionExpression": condition,
        }
        if values:
            put["ExpressionAttributeValues"] = to_item(values)
        return {"Put": put}

    def _event_put(self, ticket: Ticket, entry: HistoryEntry) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self._table.name,
                "Item": to_item(event_item(ticket, entry)),
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        }

    def _list_items(self, before: Ticket | None, after: Ticket | None) -> list[dict[str, Any]]:
        """The list rows and dashboard counters that follow a ticket from ``before`` to ``after``."""
        ticket = after or before
        assert ticket is not None
        items: list[dict[str, Any]] = []
        rows = listing.rows_of(after)
        for kind in listing.rows_of(before):
            if kind not in rows:
                items.append({"Delete": {"TableName": self._table.name, "Key": to_item(row_key(ticket.number, kind))}})
        for kind, row in rows.items():
            item = {**row_key(ticket.number, kind), "entity": "ROW", **row.to_item()}
            items.append({"Put": {"TableName": self._table.name, "Item": to_item(item)}})
        for (pk, sk), deltas in listing.counter_deltas(before, after).items():
            items.append({"Update": {"TableName": self._table.name, **counter_update(pk, sk, deltas)}})
        return items

    def _write(
        self,
        number: int,
        build: Callable[[str], list[dict[str, Any]]],
        token: str | None,
        marker: str = TICKET_SK,
    ) -> None:
        """Run a ticket's transaction; a failed condition is a conflict unless our own write is already there
        (the ticket item, or the tombstone of a delete, carries one of our tokens). A transaction that met
        another one on a shared item (a counter) is built again with a new token and retried after a short
        pause: an earlier attempt may have applied all the same (its reply lost, its re-sends told "in
        progress"), so every token this call used is ours."""
        token = token or str(uuid.uuid4())
        ours = {token}
        for attempt in range(CONFLICT_ATTEMPTS):
            outcome = self._table.transact(build(token), token)
            if outcome == APPLIED:
                return
            if outcome == CONDITION:
                break
            time.sleep(random.uniform(0, min(0.025 * 2**attempt, 1.0)))  # noqa: S311 (a jitter, not a secret)
            token = str(uuid.uuid4())
            ours.add(token)
        else:
            raise StorageUnavailable(messages.STORAGE_UNAVAILABLE)
        stored = self._table.get({"PK": ticket_pk(number), "SK": marker}, consistent=True)
        if stored is not None and stored.get(LAST_WRITE) in ours:
            return  # an attempt of this call applied (a re-sent or retried transaction): done, not a conflict
        raise ConcurrentModification(messages.CONCURRENT_MODIFICATION.format(number=number))

    def insert_ticket(self, ticket: Ticket, entry: HistoryEntry, token: str | None = None) -> None:
        def build(token: str) -> list[dict[str, Any]]:
            return [
                self._ticket_put(ticket, token, "attribute_not_exists(PK)"),
                self._event_put(ticket, entry),
                *self._list_items(None, ticket),
            ]

        self._write(ticket.number, build, token)

    def save_ticket(
        self,
        ticket: Ticket,
        expected_version: int,
        entry: HistoryEntry | None,
        previous: Ticket | None = None,
        token: str | None = None,
    ) -> None:
        """The condition on the version (and so on the status read with it) makes two concurrent actions on
        one ticket mutually exclusive: exactly one wins, the other gets ``ConcurrentModification``. The rows
        and counters move from ``previous`` (the version read) to ``ticket`` in the same transaction."""
        if previous is None or previous.version != expected_version:
            previous = self.load_ticket(ticket.number)
            if previous is None or previous.version != expected_version:
                raise ConcurrentModification(messages.CONCURRENT_MODIFICATION.format(number=ticket.number))

        def build(token: str) -> list[dict[str, Any]]:
            items = [self._ticket_put(ticket, token, "version = :expected", {":expected": expected_version})]
            if entry is not None:
                items.append(self._event_put(ticket, entry))
            return items + self._list_items(previous, ticket)

        self._write(ticket.number, build, token)

    def resolved_before(self, limit: datetime, size: int, after: str | None = None) -> tuple[list[int], str | None]:
        """One page of the tickets « Résolu » at or before ``limit``, oldest resolution first: one Query on GSI2's
        ``AUTOCLOSE`` partition (eventually consistent: the caller reads each ticket again before acting)."""
        query: dict[str, Any] = {
            "TableName": self._table.name,
            "IndexName": "GSI2",
            "KeyConditionExpression": "GSI2PK = :pk AND GSI2SK <= :limit",
            "ExpressionAttributeValues": to_item({":pk": closing.PARTITION, ":limit": closing.upper_bound(limit)}),
            "ProjectionExpression": "PK, SK, GSI2PK, GSI2SK, #n",
            "ExpressionAttributeNames": {"#n": "number"},
            "Limit": size,
        }
        if after is not None:
            number = int(after.rsplit("#", 1)[1])
            start = {"PK": ticket_pk(number), "SK": TICKET_SK, "GSI2PK": closing.PARTITION, "GSI2SK": after}
            query["ExclusiveStartKey"] = to_item(start)
        page = self._table.call("query", **query)
        items = [from_item(i) for i in page.get("Items", [])]
        last = page.get("LastEvaluatedKey")
        return [int(i["number"]) for i in items], (str(from_item(last)["GSI2SK"]) if last else None)

    def delete_ticket(self, ticket: Ticket, token: str | None = None) -> None:
        key = {"PK": ticket_pk(ticket.number), "SK": TICKET_SK}

        def build(token: str) -> list[dict[str, Any]]:
            items: list[dict[str, Any]] = [
                {
                    "Delete": {
                        "TableName": self._table.name,
                        "Key": to_item(key),
                        "ConditionExpression": "version = :expected",
                        "ExpressionAttributeValues": to_item({":expected": ticket.version}),
                    }
                }
            ]
            items += [
                {"Delete": {"TableName": self._table.name, "Key": to_item({"PK": key["PK"], "SK": event_sk(e.seq)})}}
                for e in ticket.history
            ]
            tombstone = {
                "PK": key["PK"],
                "SK": DELETED_SK,
                LAST_WRITE: token,
                "expires_at": int(time.time()) + TOMBSTONE_SECONDS,
            }
            items.append({"Put": {"TableName": self._table.name, "Item": to_item(tombstone)}})
            return items + self._list_items(ticket, None)

        self._write(ticket.number, build, token, marker=DELETED_SK)
