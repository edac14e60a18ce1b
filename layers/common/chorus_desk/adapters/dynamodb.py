"""The DynamoDB adapters of the ports: one table holds tickets, their history, the ticket counter and the
reference data (users, memberships, structures, services, teams, payment requests).

The key design and the access patterns are documented in docs/decisions.md; every read here is a
GetItem or a Query, never a Scan. Every TransactWriteItems carries a ``ClientRequestToken`` and the
ticket item records it (``write_token``): a transaction that botocore re-sends after a lost reply is the
same transaction to DynamoDB, and if its condition then fails because the first attempt did apply, the
adapter sees its own token on the item and reports success instead of a false conflict.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from chorus_desk import closing, directory, listing, messages
from chorus_desk.adapters.idempotency import DynamoIdempotencyRecords
from chorus_desk.directory import Entry
from chorus_desk.errors import ConcurrentModification, StorageUnavailable
from chorus_desk.listing import ListQuery, Page, Row
from chorus_desk.models import (
    Challenge,
    Conversation,
    FeedbackReason,
    HistoryEntry,
    Membership,
    ObjectType,
    Operation,
    OrgRef,
    PaymentRequest,
    Rating,
    Service,
    Structure,
    Team,
    Ticket,
    UserProfile,
)
from chorus_desk.ports import Claim, Ports

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

TICKET_SK = "TICKET"
DELETED_SK = "DELETED"  # a deleted ticket's tombstone: which transaction deleted it (expires after a day)
TOMBSTONE_SECONDS = 24 * 3600
PROFILE_SK = "PROFILE"
COUNTER_KEY = {"PK": "COUNTER#TICKET", "SK": "COUNTER"}
LAST_WRITE = "write_token"


def ticket_pk(number: int) -> str:
    return f"TICKET#{number}"


def event_sk(seq: int) -> str:
    return f"EVENT#{seq:06d}"


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


def payment_key(emitter_siret: str, object_type: ObjectType, number: str) -> dict[str, str]:
    """A payment request is identified by its emitter, its type and the emitter's number."""
    return {"PK": f"PAYMENTS#{emitter_siret}", "SK": f"{object_type.value}#{number}"}


def _sortable_number(number: int) -> str:
    return f"TICKET#{number:010d}"


def ticket_index_keys(ticket: Ticket) -> dict[str, str]:
    """Secondary-index keys of a ticket: GSI1 lists the emitter side; GSI2 lists the resolved tickets, oldest
    resolution first, for the automatic closing (``chorus_desk.closing``): a sparse key the ticket item has only
    while it is « Résolu ». Every write puts the whole item, so the key goes in the same transaction as the
    status change that takes the ticket out of « Résolu »."""
    keys: dict[str, str] = {}
    if ticket.content.emitter_siret:
        keys["GSI1PK"] = f"EMITTER#{ticket.content.emitter_siret}"
    else:  # a draft with no structure yet belongs to its creator only
        keys["GSI1PK"] = f"CREATOR#{ticket.created_by.id}"
    keys["GSI1SK"] = _sortable_number(ticket.number)
    waiting = closing.index_value(ticket)
    if waiting is not None:
        keys["GSI2PK"] = closing.PARTITION
        keys["GSI2SK"] = waiting
    return keys


def row_key(number: int, kind: listing.RowKind) -> dict[str, str]:
    """A ticket's list row for one follower (``listing``): ``ROWS#<n>`` / ``E`` | ``R`` | ``A``."""
    return {"PK": f"ROWS#{number}", "SK": kind.value}


def counter_update(pk: str, sk: str, deltas: Mapping[str, int]) -> dict[str, Any]:
    """An ``UpdateItem`` (or transaction ``Update``) adding ``deltas`` to a dashboard counter item, per status."""
    return {
        "Key": _to_item({"PK": pk, "SK": sk}),
        "UpdateExpression": "ADD " + ", ".join(f"#s{i} :v{i}" for i in range(len(deltas))),
        "ExpressionAttributeNames": {f"#s{i}": status for i, status in enumerate(deltas)},
        "ExpressionAttributeValues": _to_item({f":v{i}": delta for i, delta in enumerate(deltas.values())}),
    }


def _to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _serializer.serialize(v) for k, v in values.items() if v is not None}


def _from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _deserializer.deserialize(v) for k, v in item.items()}


def _is_condition_failure(exc: ClientError) -> bool:
    error = exc.response.get("Error", {})
    if error.get("Code") == "ConditionalCheckFailedException":
        return True
    if error.get("Code") == "TransactionCanceledException":
        reasons = exc.response.get("CancellationReasons") or []
        return any(r.get("Code") == "ConditionalCheckFailed" for r in reasons) or "ConditionalCheckFailed" in str(
            error.get("Message", "")
        )
    return False


APPLIED, CONDITION, CONFLICT = "APPLIED", "CONDITION", "CONFLICT"
CONFLICT_ATTEMPTS = 10  # a transaction that met another on a shared counter is tried again, with backoff
# DynamoDB's answers to too many requests: botocore retries the first ones itself (the client's retries, with
# backoff); a transaction cancelled for it carries the cause in its reasons. Past the retries the request is
# answered 503 with Retry-After.
THROTTLED_CODES = frozenset({"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"})
THROTTLED_REASONS = frozenset({"ThrottlingError", "ProvisionedThroughputExceeded"})
THROTTLED_RETRY_AFTER = 5  # seconds: DynamoDB adapts its capacity within seconds to minutes


def _is_conflict(exc: ClientError) -> bool:
    error = exc.response.get("Error", {})
    if error.get("Code") in {"TransactionConflictException", "TransactionInProgressException"}:
        return True
    reasons = exc.response.get("CancellationReasons") or []
    return any(r.get("Code") == "TransactionConflict" for r in reasons) or "TransactionConflict" in str(
        error.get("Message", "")
    )


def _is_throttled(exc: ClientError) -> bool:
    if exc.response.get("Error", {}).get("Code") in THROTTLED_CODES:
        return True
    reasons = exc.response.get("CancellationReasons") or []
    return any(r.get("Code") in THROTTLED_REASONS for r in reasons)


def _unavailable(exc: ClientError | BotoCoreError) -> StorageUnavailable:
    """The domain error of a call that failed past the client's retries: a throttled store says when to retry."""
    if isinstance(exc, ClientError) and _is_throttled(exc):
        message = messages.STORAGE_THROTTLED.format(seconds=THROTTLED_RETRY_AFTER)
        return StorageUnavailable(message, retry_after=THROTTLED_RETRY_AFTER)
    return StorageUnavailable(messages.STORAGE_UNAVAILABLE)


class Table:
    """One DynamoDB table through one client: calls with AWS errors turned into domain errors."""

    def __init__(self, client: Any, name: str) -> None:
        self.client = client
        self.name = name

    def call(self, operation: str, **kwargs: Any) -> Any:
        try:
            return getattr(self.client, operation)(**kwargs)
        except (ClientError, BotoCoreError) as exc:
            raise _unavailable(exc) from exc

    def query(self, **kwargs: Any) -> list[dict[str, Any]]:
        """Every item of a Query, page after page."""
        items: list[dict[str, Any]] = []
        while True:
            page = self.call("query", TableName=self.name, **kwargs)
            items.extend(_from_item(i) for i in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def partition(self, pk: str) -> list[dict[str, Any]]:
        return self.query(
            KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": {"S": pk}}, ConsistentRead=True
        )

    def get(self, key: Mapping[str, str], consistent: bool = False) -> dict[str, Any] | None:
        result = self.call("get_item", TableName=self.name, Key=_to_item(key), ConsistentRead=consistent)
        return _from_item(result["Item"]) if "Item" in result else None

    def conditional(self, operation: str, **kwargs: Any) -> Any | None:
        """A write with a ConditionExpression: its result, or ``None`` when the condition failed."""
        try:
            return getattr(self.client, operation)(TableName=self.name, **kwargs)
        except ClientError as exc:
            if _is_condition_failure(exc):
                return None
            raise _unavailable(exc) from exc
        except BotoCoreError as exc:
            raise _unavailable(exc) from exc

    def transact(self, items: list[dict[str, Any]], token: str) -> str:
        """Run a transaction: ``APPLIED``; ``CONDITION`` when a condition failed; ``CONFLICT`` when another
        transaction held one of its items (the dashboard counters are shared). Nothing applied unless
        ``APPLIED``."""
        try:
            self.client.transact_write_items(TransactItems=items, ClientRequestToken=token)
        except ClientError as exc:
            if _is_condition_failure(exc):
                return CONDITION
            if _is_conflict(exc):
                return CONFLICT
            raise _unavailable(exc) from exc
        except BotoCoreError as exc:
            raise _unavailable(exc) from exc
        return APPLIED

    def batch_write(self, items: list[dict[str, Any]], deletes: list[dict[str, str]] | None = None) -> None:
        """Put ``items`` and delete the ``deletes`` keys, 25 requests per batch, unprocessed ones again."""
        operations = [{"PutRequest": {"Item": _to_item(i)}} for i in items]
        operations += [{"DeleteRequest": {"Key": _to_item(k)}} for k in deletes or []]
        for start in range(0, len(operations), 25):
            requests = operations[start : start + 25]
            pending: dict[str, Any] = {self.name: requests}
            while pending:
                result = self.call("batch_write_item", RequestItems=pending)
                pending = result.get("UnprocessedItems") or {}


class DynamoTickets:
    """``TicketStore``: a ticket and its history share the partition ``TICKET#<n>``."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def next_ticket_number(self) -> int:
        """Atomic counter: numbers are unique, increasing and short, as Chorus Pro shows them."""
        result = self._table.call(
            "update_item",
            TableName=self._table.name,
            Key=_to_item(COUNTER_KEY),
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
        history = sorted((r for r in rows if r["SK"].startswith("EVENT#")), key=lambda r: int(r["seq"]))
        return Ticket.model_validate({**head, "history": history})

    def _ticket_put(self, ticket: Ticket, token: str, condition: str, values: dict[str, Any] | None = None) -> Any:
        body = ticket.model_dump(mode="json", exclude={"history"}, exclude_none=True)
        item = {"PK": ticket_pk(ticket.number), "SK": TICKET_SK, "entity": "TICKET", **body, LAST_WRITE: token}
        put: dict[str, Any] = {
            "TableName": self._table.name,
            "Item": _to_item({**item, **ticket_index_keys(ticket)}),
            "ConditionExpression": condition,
        }
        if values:
            put["ExpressionAttributeValues"] = _to_item(values)
        return {"Put": put}

    def _event_put(self, ticket: Ticket, entry: HistoryEntry) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self._table.name,
                "Item": _to_item(event_item(ticket, entry)),
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
                items.append({"Delete": {"TableName": self._table.name, "Key": _to_item(row_key(ticket.number, kind))}})
        for kind, row in rows.items():
            item = {**row_key(ticket.number, kind), "entity": "ROW", **row.to_item()}
            items.append({"Put": {"TableName": self._table.name, "Item": _to_item(item)}})
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
            "ExpressionAttributeValues": _to_item({":pk": closing.PARTITION, ":limit": closing.upper_bound(limit)}),
            "ProjectionExpression": "PK, SK, GSI2PK, GSI2SK, #n",
            "ExpressionAttributeNames": {"#n": "number"},
            "Limit": size,
        }
        if after is not None:
            number = int(after.rsplit("#", 1)[1])
            start = {"PK": ticket_pk(number), "SK": TICKET_SK, "GSI2PK": closing.PARTITION, "GSI2SK": after}
            query["ExclusiveStartKey"] = _to_item(start)
        page = self._table.call("query", **query)
        items = [_from_item(i) for i in page.get("Items", [])]
        last = page.get("LastEvaluatedKey")
        return [int(i["number"]) for i in items], (str(_from_item(last)["GSI2SK"]) if last else None)

    def delete_ticket(self, ticket: Ticket, token: str | None = None) -> None:
        key = {"PK": ticket_pk(ticket.number), "SK": TICKET_SK}

        def build(token: str) -> list[dict[str, Any]]:
            items: list[dict[str, Any]] = [
                {
                    "Delete": {
                        "TableName": self._table.name,
                        "Key": _to_item(key),
                        "ConditionExpression": "version = :expected",
                        "ExpressionAttributeValues": _to_item({":expected": ticket.version}),
                    }
                }
            ]
            items += [
                {"Delete": {"TableName": self._table.name, "Key": _to_item({"PK": key["PK"], "SK": event_sk(e.seq)})}}
                for e in ticket.history
            ]
            tombstone = {
                "PK": key["PK"],
                "SK": DELETED_SK,
                LAST_WRITE: token,
                "expires_at": int(time.time()) + TOMBSTONE_SECONDS,
            }
            items.append({"Put": {"TableName": self._table.name, "Item": _to_item(tombstone)}})
            return items + self._list_items(ticket, None)

        self._write(ticket.number, build, token, marker=DELETED_SK)


class _Stream:
    """One partition of a page, read lazily in index order: its rows that pass the filters, buffered."""

    def __init__(self, lists: DynamoLists, query: ListQuery, partition: str, bounds: tuple[str | None, str | None]):
        self.lists, self.query, self.partition = lists, query, partition
        self.buffer: list[tuple[str, Row]] = []
        self.start: dict[str, Any] | None = None
        self.done = False
        self.frontier: str | None = None  # the last value evaluated (ordered), filtered out or not
        low, high = bounds
        attribute = query.attribute
        names = {"#pk": "LPK"}
        if low is not None or high is not None:
            names["#sk"] = attribute
        values: dict[str, Any] = {":pk": partition}
        condition = "#pk = :pk"
        if low is not None and high is not None:
            condition += " AND #sk BETWEEN :low AND :high"
            values |= {":low": low, ":high": high}
        elif low is not None:
            condition += " AND #sk >= :low"
            values[":low"] = low
        elif high is not None:
            condition += " AND #sk <= :high"
            values[":high"] = high
        expression, filter_names, filter_values = _filter_expression(query.filters)
        self.request: dict[str, Any] = {
            "IndexName": listing.INDEX_OF[attribute],
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names | filter_names,
            "ExpressionAttributeValues": _to_item(values | filter_values),
            "ScanIndexForward": query.direction is listing.Direction.ASC,
        }
        if expression:
            self.request["FilterExpression"] = expression

    def fetch(self, limit: int) -> int:
        """Read up to ``limit`` more rows; how many were evaluated."""
        request = dict(self.request, Limit=limit)
        if self.start:
            request["ExclusiveStartKey"] = self.start
        page = self.lists.table.call("query", TableName=self.lists.table.name, **request)
        attribute = self.query.attribute
        for raw in page.get("Items", []):
            item = _from_item(raw)
            if self.query.keeps(self.partition, item[attribute]):
                self.buffer.append((self.query.ordered(self.partition, item[attribute]), Row.from_item(item)))
        self.start = page.get("LastEvaluatedKey")
        if self.start:
            self.frontier = self.query.ordered(self.partition, _from_item(self.start)[attribute])
        else:
            self.done = True
        return int(page.get("ScannedCount", len(page.get("Items", []))))


def _filter_expression(filters: listing.Filters) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The criteria the index keys do not answer, as a FilterExpression (same rules as ``Filters.matches``)."""
    clauses: list[str] = []
    names: dict[str, str] = {}
    values: dict[str, Any] = {}

    def equal(attribute: str, value: str | None) -> None:
        if value is not None:
            i = len(values)
            names[f"#f{i}"], values[f":f{i}"] = attribute, value
            clauses.append(f"#f{i} = :f{i}")

    equal("category", filters.category)
    equal("subcategory", filters.subcategory)
    equal("object_key", filters.object_key)
    equal("emitter_siret", filters.emitter_siret)
    equal("recipient_org", filters.recipient_org)
    if filters.recipient_service is not None:
        equal("recipient_service_key", filters.recipient_service)
    if filters.emitter_service is not None:
        equal("emitter_service_key", filters.emitter_service)
    if filters.created_by is not None:
        equal("created_by_id", filters.created_by)
    for bound, operator in ((filters.opened_from, ">="), (filters.opened_to, "<=")):
        if bound is not None:
            i = len(values)
            names[f"#f{i}"], values[f":f{i}"] = "opened", bound
            clauses.append(f"#f{i} {operator} :f{i}")
    for word in filters.words:
        i = len(values)
        names[f"#f{i}"], values[f":f{i}"] = "words", f" {word}"
        clauses.append(f"contains(#f{i}, :f{i})")
    return " AND ".join(clauses), names, values


class DynamoLists:
    """``TicketLists``: rows ``ROWS#<n>`` / ``E|R|A`` found through five sparse indexes keyed on the row's
    partition (``LPK``) and one sort value each; counters ``COUNTS#<kind>#<owner>`` / ``ALL`` and
    ``SERVICE#<code>``. A page merges its partitions (several statuses, several organisations) in order,
    reading each a little ahead; filters cost the rows they evaluate, up to ``query.budget`` per request."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def page(self, query: ListQuery) -> Page:
        if query.number is not None:
            return self._by_number(query)
        streams = []
        for partition in dict.fromkeys(query.partitions):
            bounds = query.bounds(partition)
            if bounds is not None:
                streams.append(_Stream(self, query, partition, bounds))
        ascending = query.direction is listing.Direction.ASC
        # One row more than a page from each partition: enough when nothing is filtered; a filtered partition
        # is read on, chunk after chunk, until it yields its next row or the budget runs out.
        chunk = max(1, min(query.size + 1, query.budget // max(1, len(streams))))
        read = sum(stream.fetch(chunk) for stream in streams)  # every partition gets a first look

        def beyond(value: str, frontier: str | None) -> bool:
            return frontier is None or (value > frontier if ascending else value < frontier)

        chosen: list[tuple[str, Row]] = []
        while True:
            for stream in streams:
                while not stream.buffer and not stream.done and read < query.budget:
                    read += stream.fetch(min(chunk, query.budget - read))
            blocked = [s for s in streams if not s.buffer and not s.done]
            ready = [s for s in streams if s.buffer]
            if not ready:
                break
            best = (min if ascending else max)(ready, key=lambda s: s.buffer[0][0])
            if any(beyond(best.buffer[0][0], s.frontier) for s in blocked):
                break  # a partition not read that far could still hold an earlier row
            if len(chosen) == query.size:
                return Page(rows=tuple(r for _, r in chosen), after=chosen[-1][0], items_read=read)
            chosen.append(best.buffer.pop(0))
        rows = tuple(r for _, r in chosen)
        if not blocked:
            return Page(rows=rows, after=None, items_read=read)
        # The budget ran out: every row up to the nearest frontier was returned or filtered out.
        frontiers = [s.frontier for s in blocked if s.frontier is not None]
        resume = (min if ascending else max)(frontiers) if frontiers else (chosen[-1][0] if chosen else query.after)
        return Page(rows=rows, after=resume, items_read=read)

    def _by_number(self, query: ListQuery) -> Page:
        """A search by number: the ticket's rows by key (at most three), kept if one is in the partitions, in
        the query's key range (a period or category the range answers) and passes the filters."""
        rows = []
        for kind in listing.RowKind:
            item = self.table.get(row_key(query.number or 0, kind))
            if item is not None:
                rows.append(Row.from_item(item))
        kept = [
            r
            for r in rows
            if r.partition in query.partitions
            and query.holds(r.partition, r.sort_value(query.attribute))
            and query.filters.matches(r)
        ]
        return Page(rows=tuple(kept[:1]), after=None, items_read=len(rows))

    def counts(self, kind: listing.RowKind, owner: str, consistent: bool = False) -> listing.Counts:
        pk = listing.counts_partition(kind, owner)
        items = self.table.query(
            KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": {"S": pk}}, ConsistentRead=consistent
        )
        return listing.counts_from_items(
            (item["SK"], {k: int(v) for k, v in item.items() if k not in {"PK", "SK"}}) for item in items
        )


def _structure_of(rows: list[dict[str, Any]]) -> Structure | None:
    """A structure from its partition's items: the profile and its services, sorted by code."""
    head = next((r for r in rows if r["SK"] == PROFILE_SK), None)
    if head is None:
        return None
    services = [Service.model_validate(r) for r in rows if r["SK"].startswith("SERVICE#")]
    return Structure.model_validate({**head, "services": sorted(services, key=lambda s: s.code)})


class DynamoDirectory:
    """``Directory``: ``USER#<sub>`` holds a profile and memberships, ``STRUCTURE#<siret>`` a structure and
    its services, ``TEAM#<id>`` a team; GSI1 ``MEMBERS#<org>`` lists an organisation's members."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def load_user(self, user_id: str) -> tuple[UserProfile | None, list[Membership]]:
        """A user's profile and memberships, in one Query on the user's partition."""
        rows = self._table.partition(f"USER#{user_id}")
        profile = next((UserProfile.model_validate(r) for r in rows if r["SK"] == PROFILE_SK), None)
        memberships = [Membership.model_validate(r) for r in rows if r["SK"].startswith("MEMBER#")]
        return profile, memberships

    def list_members(self, org: OrgRef) -> list[tuple[UserProfile, Membership]]:
        """Members of an organisation with their profiles: one Query on GSI1, then BatchGetItem by 100."""
        rows = self._table.query(
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues={":pk": {"S": f"MEMBERS#{org.key}"}},
        )
        memberships = [(str(r["GSI1SK"]).removeprefix("USER#"), Membership.model_validate(r)) for r in rows]
        profiles: dict[str, UserProfile] = {}
        ids = [user_id for user_id, _ in memberships]
        for start in range(0, len(ids), 100):
            keys = [_to_item({"PK": f"USER#{i}", "SK": PROFILE_SK}) for i in ids[start : start + 100]]
            pending: dict[str, Any] = {self._table.name: {"Keys": keys}}
            while pending:
                result = self._table.call("batch_get_item", RequestItems=pending)
                for raw in result.get("Responses", {}).get(self._table.name, []):
                    profile = UserProfile.model_validate(_from_item(raw))
                    profiles[profile.id] = profile
                pending = result.get("UnprocessedKeys") or {}
        return [(profiles[i], m) for i, m in memberships if i in profiles]

    def load_structure(self, siret: str) -> Structure | None:
        """A structure with its services, in one Query on the structure's partition."""
        return _structure_of(self._table.partition(f"STRUCTURE#{siret}"))

    def load_team(self, team_id: str) -> Team | None:
        item = self._table.get({"PK": f"TEAM#{team_id}", "SK": PROFILE_SK})
        return Team.model_validate(item) if item else None

    def read_index(self, partition: str, prefix: str, after: str | None, limit: int) -> tuple[list[Entry], bool]:
        """One Query (``begins_with`` on the sort key, ``Limit``): DynamoDB answers with ``LastEvaluatedKey`` when
        it stopped at the limit (or at 1 MB), even if nothing is left."""
        request: dict[str, Any] = {
            "TableName": self._table.name,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            "ExpressionAttributeValues": _to_item({":pk": partition, ":prefix": prefix}),
            "Limit": limit,
        }
        if after is not None:
            request["ExclusiveStartKey"] = _to_item({"PK": partition, "SK": after})
        page = self._table.call("query", **request)
        entries = [_entry(_from_item(raw)) for raw in page.get("Items", [])]
        return entries, "LastEvaluatedKey" in page


class DynamoPayments:
    """``PaymentRequests``: ``PAYMENTS#<emitter>`` / ``<TYPE>#<number>``."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def load_payment_request(self, emitter_siret: str, object_type: ObjectType, number: str) -> PaymentRequest | None:
        """One payment request of an emitter, by type and number (GetItem): absent, of another type or of
        another emitter all read as "no such request"."""
        item = self._table.get(payment_key(emitter_siret, object_type, number), consistent=True)
        return PaymentRequest.model_validate(item) if item else None

    def received_by(self, siret: str, limit: int) -> list[PaymentRequest]:
        """The first ``limit`` requests addressed to the structure: one page of GSI1 ``PAYMENTS_TO#``. A
        moved request leaves that partition, so calling again after moving a batch gives the next one."""
        page = self._table.call(
            "query",
            TableName=self._table.name,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues=_to_item({":pk": f"PAYMENTS_TO#STRUCTURE#{siret}"}),
            Limit=limit,
        )
        return [PaymentRequest.model_validate(_from_item(i)) for i in page.get("Items", [])]

    def redirect(self, payment: PaymentRequest, to_siret: str) -> bool:
        result = self._table.conditional(
            "update_item",
            Key=_to_item(payment_key(payment.emitter_siret, payment.object_type, payment.number)),
            UpdateExpression="SET recipient_siret = :to, GSI1PK = :pk REMOVE recipient_service",
            ConditionExpression="recipient_siret = :from",
            ExpressionAttributeValues=_to_item(
                {":to": to_siret, ":pk": f"PAYMENTS_TO#STRUCTURE#{to_siret}", ":from": payment.recipient_siret}
            ),
        )
        return result is not None


class DynamoOperations:
    """``Operations``: ``OPERATION#<id>`` / ``OPERATION``, and the structure's lock ``LOCK#STRUCTURE#<siret>``
    / ``LOCK`` (which operation holds it, since when), put together in one transaction."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def begin(self, operation: Operation, lock_seconds: int) -> bool:
        since = _epoch(operation.started_at)
        body = operation.model_dump(mode="json", exclude_none=True)
        items = [
            {
                "Put": {
                    "TableName": self._table.name,
                    "Item": _to_item(
                        {"PK": f"OPERATION#{operation.id}", "SK": "OPERATION", "entity": "OPERATION", **body}
                    ),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
            {
                "Put": {
                    "TableName": self._table.name,
                    "Item": _to_item(
                        {
                            **_lock_key(operation.siret),
                            "operation_id": operation.id,
                            "since": since,
                            "expires_at": since + lock_seconds,
                        }
                    ),
                    "ConditionExpression": "attribute_not_exists(PK) OR since < :stale",
                    "ExpressionAttributeValues": _to_item({":stale": since - lock_seconds}),
                }
            },
        ]
        return self._table.transact(items, str(uuid.uuid4())) == APPLIED

    def load_operation(self, operation_id: str) -> Operation | None:
        item = self._table.get({"PK": f"OPERATION#{operation_id}", "SK": "OPERATION"}, consistent=True)
        return Operation.model_validate(item) if item else None

    def count_moved(self, operation_id: str, payments: int, tickets: int) -> None:
        self._table.call(
            "update_item",
            TableName=self._table.name,
            Key=_to_item({"PK": f"OPERATION#{operation_id}", "SK": "OPERATION"}),
            UpdateExpression="ADD moved_payments :p, moved_tickets :t",
            ExpressionAttributeValues=_to_item({":p": payments, ":t": tickets}),
        )

    def finish(self, operation: Operation) -> None:
        outcome = operation.model_dump(mode="json", include={"state", "finished_at", "error", "message"})
        outcome = {k: v for k, v in outcome.items() if v is not None}
        names = {f"#a{i}": k for i, k in enumerate(outcome)}
        self._table.call(
            "update_item",
            TableName=self._table.name,
            Key=_to_item({"PK": f"OPERATION#{operation.id}", "SK": "OPERATION"}),
            UpdateExpression="SET " + ", ".join(f"#a{i} = :a{i}" for i in range(len(outcome))),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=_to_item({f":a{i}": v for i, v in enumerate(outcome.values())}),
        )
        self._table.conditional(  # released only by the operation that holds it
            "delete_item",
            Key=_to_item(_lock_key(operation.siret)),
            ConditionExpression="operation_id = :id",
            ExpressionAttributeValues=_to_item({":id": operation.id}),
        )


class DynamoConversations:
    """``Conversations``: ``CONVERSATION#<id>`` / ``CONVERSATION``, the whole conversation in one item
    (transcripts are short). The conversation's own expiry is ``idle_until``; ``expires_at`` is the table's
    TTL attribute: the expiry plus a day. An anonymous visitor's conversation has no ``owner`` attribute."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def load_conversation(self, conversation_id: str) -> Conversation | None:
        item = self._table.get({"PK": f"CONVERSATION#{conversation_id}", "SK": "CONVERSATION"}, consistent=True)
        if item is None:
            return None
        values = {k: v for k, v in item.items() if k not in {"PK", "SK", "entity", "expires_at", "idle_until"}}
        return Conversation.model_validate({"owner": None, **values, "expires_at": item["idle_until"]})

    def save_conversation(self, conversation: Conversation, expected_version: int | None) -> None:
        dumped = conversation.model_dump(mode="json", exclude_none=True)
        item = {
            "PK": f"CONVERSATION#{conversation.id}",
            "SK": "CONVERSATION",
            "entity": "CONVERSATION",
            **dumped,
            "idle_until": dumped["expires_at"],
            "expires_at": _epoch(conversation.expires_at) + 24 * 3600,
        }
        if expected_version is None:
            condition, values = "attribute_not_exists(PK)", None
        else:
            condition, values = "version = :expected", _to_item({":expected": expected_version})
        request: dict[str, Any] = {"Item": _to_item(item), "ConditionExpression": condition}
        if values:
            request["ExpressionAttributeValues"] = values
        if self._table.conditional("put_item", **request) is None:
            raise ConcurrentModification(messages.CONVERSATION_CHANGED)


class DynamoSatisfaction:
    """``Satisfaction``: ``SATISFACTION#<yyyy-mm>`` / ``<yyyy-mm-dd>``, counters added with ``ADD``."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def record(self, day: date, rating: Rating, reason: FeedbackReason | None) -> None:
        keys = [rating.value, *((reason.value,) if reason else ())]
        self._table.call(
            "update_item",
            TableName=self._table.name,
            **counter_update(f"SATISFACTION#{day:%Y-%m}", day.isoformat(), dict.fromkeys(keys, 1)),
        )

    def read(self, first: date, last: date) -> dict[date, dict[str, int]]:
        found: dict[date, dict[str, int]] = {}
        month = first.replace(day=1)
        while month <= last:
            items = self._table.query(
                KeyConditionExpression="PK = :pk AND SK BETWEEN :first AND :last",
                ExpressionAttributeValues=_to_item(
                    {":pk": f"SATISFACTION#{month:%Y-%m}", ":first": first.isoformat(), ":last": last.isoformat()}
                ),
            )
            for item in items:
                found[date.fromisoformat(item["SK"])] = {k: int(v) for k, v in item.items() if k not in {"PK", "SK"}}
            month = (month + timedelta(days=32)).replace(day=1)
        return found


def _lock_key(siret: str) -> dict[str, str]:
    return {"PK": f"LOCK#STRUCTURE#{siret}", "SK": "LOCK"}


def _entry_item(entry: Entry) -> dict[str, Any]:
    """A directory entry as its item: ``DIR#<kind>#<bucket>`` / ``<term>#<siret>``."""
    body = entry.model_dump(mode="json", exclude={"partition", "key"}, exclude_none=True)
    return {"PK": entry.partition, "SK": entry.key, "entity": "DIRECTORY", **body}


def _entry(item: Mapping[str, Any]) -> Entry:
    return Entry.model_validate({**item, "partition": item["PK"], "key": item["SK"]})


def _structure_items(s: Structure) -> list[dict[str, Any]]:
    """A structure's profile (with the digest of its directory entries), its services and its entries."""
    head = s.model_dump(mode="json", exclude={"services"}, exclude_none=True)
    profile = {"PK": f"STRUCTURE#{s.siret}", "SK": PROFILE_SK, "entity": "STRUCTURE", **head}
    items = [{**profile, "dir_hash": directory.digest(s)}]
    items += [
        {"PK": f"STRUCTURE#{s.siret}", "SK": f"SERVICE#{svc.code}", "entity": "SERVICE", **svc.model_dump()}
        for svc in s.services
    ]
    return items + [_entry_item(e) for e in directory.entries_of(s)]


ACTIVATION_ATTEMPTS = 3  # an activation that met a change of the structure reads it again


class DynamoReference:
    """``ReferenceData``: writes the directory and the payment requests, 25 items per batch."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def put_reference_data(
        self,
        *,
        structures: Iterable[Structure] = (),
        teams: Iterable[Team] = (),
        users: Iterable[UserProfile] = (),
        memberships: Iterable[tuple[str, Membership]] = (),
        payment_requests: Iterable[PaymentRequest] = (),
    ) -> None:
        items: list[dict[str, Any]] = []
        for p in payment_requests:
            item = {**payment_key(p.emitter_siret, p.object_type, p.number), "entity": "PAYMENT_REQUEST"}
            if p.recipient_siret:  # the recipient's side, for the takeover of an inactivated structure
                item["GSI1PK"] = f"PAYMENTS_TO#STRUCTURE#{p.recipient_siret}"
                item["GSI1SK"] = f"{p.object_type.value}#{p.emitter_siret}#{p.number}"
            items.append({**item, **p.model_dump(mode="json", exclude_none=True)})
        stale: list[dict[str, str]] = []
        for s in structures:  # a structure put again is the structure as given: services and entries it lost go
            kept = {f"SERVICE#{svc.code}" for svc in s.services}
            rows = self._table.partition(f"STRUCTURE#{s.siret}")
            stale += [
                {"PK": r["PK"], "SK": r["SK"]} for r in rows if r["SK"].startswith("SERVICE#") and r["SK"] not in kept
            ]
            old = _structure_of(rows)
            if old is not None:
                new_keys = {(e.partition, e.key) for e in directory.entries_of(s)}
                stale += [
                    {"PK": e.partition, "SK": e.key}
                    for e in directory.entries_of(old)
                    if (e.partition, e.key) not in new_keys
                ]
            items += _structure_items(s)
        for t in teams:
            items.append({"PK": f"TEAM#{t.id}", "SK": PROFILE_SK, "entity": "TEAM", **t.model_dump(exclude_none=True)})
        for u in users:
            items.append({"PK": f"USER#{u.id}", "SK": PROFILE_SK, "entity": "USER", **u.model_dump(mode="json")})
        for user_id, m in memberships:
            items.append(
                {
                    "PK": f"USER#{user_id}",
                    "SK": f"MEMBER#{m.org.key}",
                    "entity": "MEMBERSHIP",
                    "GSI1PK": f"MEMBERS#{m.org.key}",
                    "GSI1SK": f"USER#{user_id}",
                    **m.model_dump(mode="json"),
                }
            )
        self._table.batch_write(items, deletes=stale)

    def set_structure_active(self, siret: str, active: bool) -> bool:
        """The profile's ``active`` and the structure's directory entries in one transaction, conditioned on the
        state read and on the digest of the entries written (a designation, address or services replaced
        meanwhile: read again). Entries an inactivation removes are those of the structure as it is."""
        for _ in range(ACTIVATION_ATTEMPTS):
            structure = _structure_of(self._table.partition(f"STRUCTURE#{siret}"))
            if structure is None or structure.active == active:
                return False
            entries = directory.entries_of(structure.model_copy(update={"active": True}))
            values = {":to": active, ":from": not active, ":digest": directory.digest(structure)}
            condition = "active = :from AND (attribute_not_exists(dir_hash) OR dir_hash = :digest)"
            items: list[dict[str, Any]] = [
                {
                    "Update": {
                        "TableName": self._table.name,
                        "Key": _to_item({"PK": f"STRUCTURE#{siret}", "SK": PROFILE_SK}),
                        "UpdateExpression": "SET active = :to",
                        "ConditionExpression": condition,
                        "ExpressionAttributeValues": _to_item(values),
                    }
                }
            ]
            if active:
                items += [{"Put": {"TableName": self._table.name, "Item": _to_item(_entry_item(e))}} for e in entries]
            else:
                items += [
                    {"Delete": {"TableName": self._table.name, "Key": _to_item({"PK": e.partition, "SK": e.key})}}
                    for e in entries
                ]
            if self._table.transact(items, str(uuid.uuid4())) == APPLIED:
                return True
        current = _structure_of(self._table.partition(f"STRUCTURE#{siret}"))
        if current is None or current.active == active:
            return False
        raise ConcurrentModification(messages.STRUCTURE_CHANGED.format(name=current.designation))

    def import_structures(self, structures: Iterable[Structure]) -> None:
        """Profiles, services and directory entries by batches of 25 puts, nothing read."""
        items: list[dict[str, Any]] = []
        for s in structures:
            items += _structure_items(s)
        self._table.batch_write(items)

    def import_tickets(self, tickets: Iterable[Ticket]) -> None:
        """Tickets, their history and list rows by batches of 25 puts; the counters added up in memory and
        written once each (``ADD``). Moto copies the whole table for each transaction: batches keep loading
        50,000 tickets practical."""
        items: list[dict[str, Any]] = []
        totals: dict[tuple[str, str], dict[str, int]] = {}
        highest = 0
        for ticket in tickets:
            highest = max(highest, ticket.number)
            body = ticket.model_dump(mode="json", exclude={"history"}, exclude_none=True)
            items.append(
                {
                    "PK": ticket_pk(ticket.number),
                    "SK": TICKET_SK,
                    "entity": "TICKET",
                    **body,
                    **ticket_index_keys(ticket),
                }
            )
            items += [event_item(ticket, entry) for entry in ticket.history]
            for kind, row in listing.rows_of(ticket).items():
                items.append({**row_key(ticket.number, kind), "entity": "ROW", **row.to_item()})
            for key, deltas in listing.counter_deltas(None, ticket).items():
                tally = totals.setdefault(key, {})
                for status, delta in deltas.items():
                    tally[status] = tally.get(status, 0) + delta
        self._table.batch_write(items)
        for (pk, sk), deltas in totals.items():
            self._table.call("update_item", TableName=self._table.name, **counter_update(pk, sk, deltas))
        if highest:  # the next number taken after an import follows the imported ones
            self._table.conditional(
                "update_item",
                Key=_to_item(COUNTER_KEY),
                UpdateExpression="SET #n = :top",
                ConditionExpression="attribute_not_exists(#n) OR #n < :top",
                ExpressionAttributeNames={"#n": "value"},
                ExpressionAttributeValues=_to_item({":top": highest}),
            )


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


class DynamoCaptchas:
    """``Captchas``: ``CAPTCHA#<id>`` / ``CHALLENGE``, with ``expires_at`` for the table's TTL."""

    def __init__(self, table: Table) -> None:
        self._table = table

    @staticmethod
    def _key(challenge_id: str) -> dict[str, Any]:
        return _to_item({"PK": f"CAPTCHA#{challenge_id}", "SK": "CHALLENGE"})

    def put_challenge(self, challenge: Challenge) -> None:
        item = {
            "PK": f"CAPTCHA#{challenge.id}",
            "SK": "CHALLENGE",
            "entity": "CAPTCHA",
            **challenge.model_dump(mode="json"),
            "expires_at": _epoch(challenge.expires_at),
        }
        self._table.call("put_item", TableName=self._table.name, Item=_to_item(item))

    def load_challenge(self, challenge_id: str) -> Challenge | None:
        item = self._table.get({"PK": f"CAPTCHA#{challenge_id}", "SK": "CHALLENGE"}, consistent=True)
        if item is None:
            return None
        expires = datetime.fromtimestamp(int(item["expires_at"]), tz=UTC)
        return Challenge.model_validate({**item, "expires_at": expires})

    def record_failure(self, challenge_id: str, max_failures: int) -> int | None:
        result = self._table.conditional(
            "update_item",
            Key=self._key(challenge_id),
            UpdateExpression="ADD failures :one",
            ConditionExpression="attribute_exists(PK) AND failures < :max",
            ExpressionAttributeValues=_to_item({":one": 1, ":max": max_failures}),
            ReturnValues="UPDATED_NEW",
        )
        if result is None:
            return None
        failures = int(result["Attributes"]["failures"]["N"])
        if failures >= max_failures:
            self._table.call("delete_item", TableName=self._table.name, Key=self._key(challenge_id))
        return failures

    def consume_challenge(self, challenge_id: str, max_failures: int) -> bool:
        result = self._table.conditional(
            "delete_item",
            Key=self._key(challenge_id),
            ConditionExpression="attribute_exists(PK) AND failures < :max",
            ExpressionAttributeValues=_to_item({":max": max_failures}),
        )
        return result is not None


class DynamoRateLimits:
    """``RateLimits``: ``RATE#<key>`` / ``COUNTER``, one atomic ADD per hit (and per hit given back, never
    below 0), expired by the table's TTL."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def hit(self, key: str, expires_at: datetime) -> int:
        result = self._table.call(
            "update_item",
            TableName=self._table.name,
            Key=_to_item({"PK": f"RATE#{key}", "SK": "COUNTER"}),
            UpdateExpression="ADD hits :one SET expires_at = if_not_exists(expires_at, :expires)",
            ExpressionAttributeValues=_to_item({":one": 1, ":expires": _epoch(expires_at)}),
            ReturnValues="UPDATED_NEW",
        )
        return int(result["Attributes"]["hits"]["N"])

    def count(self, key: str) -> int:
        item = self._table.get({"PK": f"RATE#{key}", "SK": "COUNTER"}, consistent=True)
        return int(item.get("hits", 0)) if item else 0

    def give_back(self, key: str) -> None:
        self._table.conditional(
            "update_item",
            Key=_to_item({"PK": f"RATE#{key}", "SK": "COUNTER"}),
            UpdateExpression="ADD hits :minus_one",
            ConditionExpression="hits > :zero",
            ExpressionAttributeValues=_to_item({":minus_one": -1, ":zero": 0}),
        )


class DynamoInvitationResends:
    """``InvitationResends``: ``INVITATION#<pseudonym>`` / ``DAY#<yyyy-mm-dd>``, claimed by one conditional
    UpdateItem (``claimed`` set only where it is not), given back by removing ``claimed``; ``expires_at`` for
    the table's TTL."""

    def __init__(self, table: Table) -> None:
        self._table = table

    @staticmethod
    def _key(pseudonym: str, day: date) -> dict[str, Any]:
        return _to_item({"PK": f"INVITATION#{pseudonym}", "SK": f"DAY#{day.isoformat()}"})

    def claim(self, pseudonym: str, day: date, expires_at: datetime) -> bool:
        result = self._table.conditional(
            "update_item",
            Key=self._key(pseudonym, day),
            UpdateExpression="SET entity = :entity, claimed = :true, expires_at = :expires",
            ConditionExpression="attribute_not_exists(claimed)",
            ExpressionAttributeValues=_to_item(
                {":entity": "INVITATION_RESEND", ":true": True, ":expires": _epoch(expires_at)}
            ),
        )
        return result is not None

    def release(self, pseudonym: str, day: date) -> None:
        self._table.conditional(
            "update_item",
            Key=self._key(pseudonym, day),
            UpdateExpression="REMOVE claimed",
            ConditionExpression="attribute_exists(claimed)",
        )


MAIL_RECORD_DAYS = 30  # how long a sent mail's record is kept (replays older than that are impossible anyway)


class DynamoMailJournal:
    """``MailJournal``: ``MAIL#<key>`` / ``MAIL``: ``SENDING`` with a lease, then ``SENT`` with the message id.
    The lifecycle events' journal is the same record under its own prefix (``PUBLISHED#<event id>`` /
    ``PUBLISHED``): the id EventBridge gave the event in place of the message id."""

    def __init__(self, table: Table, prefix: str = "MAIL") -> None:
        self._table = table
        self._prefix = prefix

    def _plain_key(self, key: str) -> dict[str, str]:
        return {"PK": f"{self._prefix}#{key}", "SK": self._prefix}

    def _key(self, key: str) -> dict[str, Any]:
        return _to_item(self._plain_key(key))

    def claim(self, key: str, now: datetime, lease_until: datetime) -> Claim:
        item = {
            **self._plain_key(key),
            "entity": self._prefix,
            "state": "SENDING",
            "lease_until": _epoch(lease_until),
            "expires_at": _epoch(now) + MAIL_RECORD_DAYS * 86400,
        }
        claimed = self._table.conditional(
            "put_item",
            Item=_to_item(item),
            ConditionExpression="attribute_not_exists(PK) OR (#state = :sending AND lease_until < :now)",
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues=_to_item({":sending": "SENDING", ":now": _epoch(now)}),
        )
        if claimed is not None:
            return Claim.CLAIMED
        stored = self._table.get(self._plain_key(key), consistent=True)
        return Claim.SENT if stored is not None and stored.get("state") == "SENT" else Claim.BUSY

    def mark_sent(self, key: str, message_id: str, now: datetime) -> None:
        self._table.call(
            "update_item",
            TableName=self._table.name,
            Key=self._key(key),
            UpdateExpression="SET #state = :sent, message_id = :id, sent_at = :at REMOVE lease_until",
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues=_to_item({":sent": "SENT", ":id": message_id, ":at": now.isoformat()}),
        )

    def release(self, key: str) -> None:
        self._table.conditional(
            "delete_item",
            Key=self._key(key),
            ConditionExpression="#state = :sending",
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues=_to_item({":sending": "SENDING"}),
        )


def client(service: str = "dynamodb") -> Any:
    """A client with short timeouts and bounded retries (endpoint from AWS_ENDPOINT_URL if set)."""
    config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=2, read_timeout=5)
    return boto3.client(service, config=config)


def dynamodb_ports(table_name: str, dynamodb_client: Any | None = None) -> Ports:
    from chorus_desk.adapters.dynamodb_chat import DynamoChatConnections, DynamoChats  # it builds on this module

    table = Table(dynamodb_client or client(), table_name)
    return Ports(
        tickets=DynamoTickets(table),
        lists=DynamoLists(table),
        operations=DynamoOperations(table),
        conversations=DynamoConversations(table),
        satisfaction=DynamoSatisfaction(table),
        chats=DynamoChats(table),
        chat_connections=DynamoChatConnections(table),
        directory=DynamoDirectory(table),
        payments=DynamoPayments(table),
        reference=DynamoReference(table),
        captchas=DynamoCaptchas(table),
        rate_limits=DynamoRateLimits(table),
        invitation_resends=DynamoInvitationResends(table),
        mail_journal=DynamoMailJournal(table),
        idempotency=DynamoIdempotencyRecords(table.client, table_name),
    )
