"""The DynamoDB adapters of the live chat's ports, in the desk's one table (docs/chat.md « Storage »):

- ``CHAT#<id>`` / ``SESSION``: the session, with the sockets that follow it (a map, changed key by key so that no
  write of the session loses one), and while it waits the keys of two sparse indexes: GSI1 ``CHATQUEUE#<queue>``
  (its queue, longest waiting first) and, until it is offered the ticket, GSI2 ``CHATWAIT`` (the reminder's);
- ``CHAT#<id>`` / ``MSG#<seq>``: its messages, each written in one transaction with the session's ``last_seq``
  (conditioned on the number read): numbers follow the order of the writes, with no gap;
- ``CHAT#<id>`` / ``TRANSCRIPT``: the transcript asked by mail (its insertion reaches the mail function through
  the table's stream);
- ``CONN#<connection id>`` / ``CONNECTION``: a socket, as $connect recorded it, and what it follows;
- ``CHATDESK#<queue>`` / ``AGENT#<user id>``: an agent's seat at a queue;
- ``CHATSATISFACTION#<yyyy-mm>`` / ``<yyyy-mm-dd>``: the chats' ratings, counted with ``ADD``.

Every item carries ``expires_at`` for the table's TTL; a session's own expiry is ``until`` (the reader checks it:
DynamoDB deletes expired items within days). No Scan: each read is a GetItem or a Query on a key.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from chorus_desk import messages
from chorus_desk.adapters.dynamodb.keys import (
    SESSION_SK,
    TRANSCRIPT_SK,
    WAIT_PARTITION,
    chat_pk,
    message_sk,
    queue_pk,
    seat_pk,
)
from chorus_desk.adapters.dynamodb.table import APPLIED, Table, counter_update
from chorus_desk.adapters.dynamodb.table import epoch as _epoch
from chorus_desk.adapters.dynamodb.table import from_item as _from_item
from chorus_desk.adapters.dynamodb.table import to_item as _to_item
from chorus_desk.chats import ChatMessage, ChatSession, ChatState, Seat
from chorus_desk.errors import ConcurrentModification
from chorus_desk.models import Feedback

GRACE = timedelta(days=1)  # the TTL deletes an item this long after its own expiry (the reader checks expiry)
_INDEX_KEYS = ("GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK")
_NOT_STORED = {"id", "connections", "expires_at"}  # the key, the sockets (their own map), the expiry (``until``)


def _stamp(moment: datetime) -> str:
    """A moment as a sort key: fixed width, UTC, so that text order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def index_keys(session: ChatSession) -> dict[str, str]:
    """The sparse index keys of a session: in its queue while it waits; in the reminder's until offered."""
    if session.state is not ChatState.WAITING:
        return {}
    order = f"{_stamp(session.waiting_since)}#{session.id}"
    keys = {"GSI1PK": queue_pk(session.queue), "GSI1SK": order}
    if not session.offered:
        keys |= {"GSI2PK": WAIT_PARTITION, "GSI2SK": order}
    return keys


def _values(session: ChatSession) -> dict[str, Any]:
    """The session's stored attributes (JSON values), its expiry as ``until``."""
    dumped = session.model_dump(mode="json")
    values = {k: v for k, v in dumped.items() if k not in _NOT_STORED}
    values["until"] = dumped["expires_at"]
    return values


def session_item(session: ChatSession) -> dict[str, Any]:
    return {
        "PK": chat_pk(session.id),
        "SK": SESSION_SK,
        "entity": "CHAT",
        **{k: v for k, v in _values(session).items() if v is not None},
        "connections": {},
        **index_keys(session),
        "expires_at": _epoch(session.expires_at + GRACE),
    }


def message_item(chat_id: str, message: ChatMessage, expires: datetime) -> dict[str, Any]:
    return {
        "PK": chat_pk(chat_id),
        "SK": message_sk(message.seq),
        "entity": "CHAT_MESSAGE",
        **message.model_dump(mode="json", exclude_none=True),
        "expires_at": _epoch(expires + GRACE),
    }


def _session(item: Mapping[str, Any]) -> ChatSession:
    values = {k: v for k, v in item.items() if k not in {"PK", "SK", "entity", "expires_at", "until", *_INDEX_KEYS}}
    chat_id = str(item["PK"]).removeprefix("CHAT#")
    return ChatSession.model_validate({**values, "id": chat_id, "expires_at": item["until"]})


def _message(item: Mapping[str, Any]) -> ChatMessage:
    return ChatMessage.model_validate({k: v for k, v in item.items() if k not in {"PK", "SK", "entity", "expires_at"}})


class _Update:
    """An UpdateExpression built attribute by attribute (SET, REMOVE, ADD, DELETE), its names and values."""

    def __init__(self) -> None:
        self.clauses: dict[str, list[str]] = {"SET": [], "REMOVE": [], "ADD": [], "DELETE": []}
        self.names: dict[str, str] = {}
        self.values: dict[str, Any] = {}

    def _name(self, attribute: str) -> str:
        placeholder = f"#a{len(self.names)}"
        self.names[placeholder] = attribute
        return placeholder

    def _value(self, value: Any) -> str:
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = value
        return placeholder

    def set(self, attribute: str, value: Any) -> None:
        if value is None:
            self.clauses["REMOVE"].append(self._name(attribute))
        else:
            self.clauses["SET"].append(f"{self._name(attribute)} = {self._value(value)}")

    def remove(self, attribute: str) -> None:
        self.clauses["REMOVE"].append(self._name(attribute))

    def add(self, attribute: str, value: Any, clause: str = "ADD") -> None:
        self.clauses[clause].append(f"{self._name(attribute)} {self._value(value)}")

    def condition_value(self, value: Any) -> str:
        return self._value(value)

    def request(self, key: Mapping[str, str], condition: str | None = None) -> dict[str, Any]:
        expression = " ".join(f"{clause} {', '.join(parts)}" for clause, parts in self.clauses.items() if parts)
        request: dict[str, Any] = {"Key": _to_item(key), "UpdateExpression": expression}
        if self.names:
            request["ExpressionAttributeNames"] = self.names
        if self.values:
            request["ExpressionAttributeValues"] = {k: _serialize(v) for k, v in self.values.items()}
        if condition:
            request["ConditionExpression"] = condition
        return request


def _token() -> str:
    """A transaction's ClientRequestToken: botocore re-sends a call whose reply was lost with the same token, and
    DynamoDB applies it once; each write attempt has its own (two writers never share one)."""
    return uuid.uuid4().hex


def _serialize(value: Any) -> Any:
    from chorus_desk.adapters.dynamodb.table import _serializer

    return _serializer.serialize(value)


class DynamoChats:
    """``ChatSessions`` on the desk's table."""

    def __init__(self, table: Table) -> None:
        self._table = table

    # ---------------------------------------------------------------------------------------- sessions
    def create(self, session: ChatSession, first: ChatMessage) -> None:
        items = [
            {
                "Put": {
                    "TableName": self._table.name,
                    "Item": _to_item(session_item(session)),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
            {
                "Put": {
                    "TableName": self._table.name,
                    "Item": _to_item(message_item(session.id, first, session.expires_at)),
                }
            },
        ]
        if self._table.transact(items, _token()) != APPLIED:
            raise ConcurrentModification(messages.CHAT_BUSY)

    def load(self, chat_id: str) -> ChatSession | None:
        item = self._table.get({"PK": chat_pk(chat_id), "SK": SESSION_SK}, consistent=True)
        return _session(item) if item else None

    def read(self, chat_id: str, after: int, limit: int) -> tuple[ChatSession | None, list[ChatMessage]]:
        """One Query from the first message after ``after`` to the session (``MSG#…`` sort before ``SESSION``);
        a second read of the session only when more than ``limit`` messages follow."""
        page = self._table.call(
            "query",
            TableName=self._table.name,
            KeyConditionExpression="PK = :pk AND SK BETWEEN :first AND :session",
            ExpressionAttributeValues=_to_item(
                {":pk": chat_pk(chat_id), ":first": message_sk(after + 1), ":session": SESSION_SK}
            ),
            ConsistentRead=True,
            Limit=limit + 1,
        )
        items = [_from_item(i) for i in page.get("Items", [])]
        found = [_message(i) for i in items if str(i["SK"]).startswith("MSG#")][:limit]
        session = next((_session(i) for i in items if i["SK"] == SESSION_SK), None)
        if session is None and len(found) == limit:
            session = self.load(chat_id)
        return session, found

    def save(self, before: ChatSession, after: ChatSession, message: ChatMessage | None = None) -> None:
        update = _Update()
        old, new = _values(before), _values(after)
        for name, value in new.items():
            if old.get(name) != value:
                update.set(name, value)
        if before.expires_at != after.expires_at:
            update.set("expires_at", _epoch(after.expires_at + GRACE))
        old_keys, new_keys = index_keys(before), index_keys(after)
        for name in _INDEX_KEYS:
            if old_keys.get(name) != new_keys.get(name):
                update.set(name, new_keys.get(name))
        version, seq = update.condition_value(before.version), update.condition_value(before.last_seq)
        condition = f"version = {version} AND last_seq = {seq}"
        if not any(update.clauses.values()):
            return
        request = update.request({"PK": chat_pk(before.id), "SK": SESSION_SK}, condition)
        if message is None:
            if self._table.conditional("update_item", **request) is None:
                raise ConcurrentModification(messages.CHAT_BUSY)
            return
        items = [
            {"Update": {"TableName": self._table.name, **request}},
            {
                "Put": {
                    "TableName": self._table.name,
                    "Item": _to_item(message_item(before.id, message, after.expires_at)),
                    "ConditionExpression": "attribute_not_exists(SK)",
                }
            },
        ]
        if self._table.transact(items, _token()) != APPLIED:
            raise ConcurrentModification(messages.CHAT_BUSY)

    def follow(self, chat_id: str, connection_id: str, role: str) -> None:
        # A new version: a change read before this follow is refused at its write and read again, so that it
        # pushes to this socket too (ChatSessions.follow).
        self._table.conditional(
            "update_item",
            Key=_to_item({"PK": chat_pk(chat_id), "SK": SESSION_SK}),
            UpdateExpression="SET connections.#c = :role, version = version + :one",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeNames={"#c": connection_id},
            ExpressionAttributeValues=_to_item({":role": role, ":one": 1}),
        )

    def unfollow(self, chat_id: str, connection_id: str) -> None:
        self._table.conditional(
            "update_item",
            Key=_to_item({"PK": chat_pk(chat_id), "SK": SESSION_SK}),
            UpdateExpression="REMOVE connections.#c",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeNames={"#c": connection_id},
        )

    # ---------------------------------------------------------------------------------------- the queues
    def waiting(self, queue: str, limit: int) -> list[ChatSession]:
        page = self._table.call(
            "query",
            TableName=self._table.name,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues=_to_item({":pk": queue_pk(queue)}),
            Limit=limit,
        )
        return [_session(_from_item(i)) for i in page.get("Items", [])]

    def overdue(self, before: datetime, limit: int) -> list[ChatSession]:
        page = self._table.call(
            "query",
            TableName=self._table.name,
            IndexName="GSI2",
            KeyConditionExpression="GSI2PK = :pk AND GSI2SK < :before",
            ExpressionAttributeValues=_to_item({":pk": WAIT_PARTITION, ":before": _stamp(before)}),
            Limit=limit,
        )
        return [_session(_from_item(i)) for i in page.get("Items", [])]

    def seats(self, queue: str) -> list[Seat]:
        items = self._table.query(
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues=_to_item({":pk": seat_pk(queue)}),
            ConsistentRead=True,
        )
        return [
            Seat(
                queue=queue,
                agent={"id": i["agent_id"], "name": i["name"]},
                available=bool(i["available"]),
                until=datetime.fromisoformat(str(i["until"])),
                connections=frozenset(i.get("connections") or ()),
            )
            for i in items
        ]

    def sit(self, seat: Seat, connection_id: str | None = None) -> None:
        update = _Update()
        update.set("entity", "CHAT_SEAT")
        update.set("agent_id", seat.agent.id)
        update.set("name", seat.agent.name)
        update.set("available", seat.available)
        update.set("until", seat.until.astimezone(UTC).isoformat())
        update.set("expires_at", _epoch(seat.until + GRACE))
        if not seat.available:
            update.remove("connections")  # away: told nothing any more
        elif connection_id:
            update.add("connections", {connection_id})
        request = update.request({"PK": seat_pk(seat.queue), "SK": f"AGENT#{seat.agent.id}"})
        self._table.call("update_item", TableName=self._table.name, **request)

    def leave_seat(self, queue: str, agent_id: str, connection_id: str) -> None:
        self._table.conditional(
            "update_item",
            Key=_to_item({"PK": seat_pk(queue), "SK": f"AGENT#{agent_id}"}),
            UpdateExpression="DELETE connections :gone",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeValues=_to_item({":gone": {connection_id}}),
        )

    # --------------------------------------------------------------------------------- rating, transcript
    def rate(self, session: ChatSession, feedback: Feedback, day: date) -> bool:
        keys = [feedback.rating.value, *((feedback.reason.value,) if feedback.reason else ())]
        counters = counter_update(f"CHATSATISFACTION#{day:%Y-%m}", day.isoformat(), dict.fromkeys(keys, 1))
        items = [
            {
                "Update": {
                    "TableName": self._table.name,
                    "Key": _to_item({"PK": chat_pk(session.id), "SK": SESSION_SK}),
                    "UpdateExpression": "SET feedback = :feedback",
                    "ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(feedback)",
                    "ExpressionAttributeValues": _to_item({":feedback": feedback.model_dump(mode="json")}),
                }
            },
            {"Update": {"TableName": self._table.name, **counters}},
        ]
        return self._table.transact(items, _token()) == APPLIED

    def ratings(self, first: date, last: date) -> dict[date, dict[str, int]]:
        found: dict[date, dict[str, int]] = {}
        month = first.replace(day=1)
        while month <= last:
            items = self._table.query(
                KeyConditionExpression="PK = :pk AND SK BETWEEN :first AND :last",
                ExpressionAttributeValues=_to_item(
                    {":pk": f"CHATSATISFACTION#{month:%Y-%m}", ":first": first.isoformat(), ":last": last.isoformat()}
                ),
            )
            for item in items:
                found[date.fromisoformat(item["SK"])] = {k: int(v) for k, v in item.items() if k not in {"PK", "SK"}}
            month = (month + timedelta(days=32)).replace(day=1)
        return found

    def ask_transcript(self, session: ChatSession, to: str, at: datetime) -> bool:
        request = {
            "PK": chat_pk(session.id),
            "SK": TRANSCRIPT_SK,
            "entity": "CHAT_TRANSCRIPT",
            "chat_id": session.id,
            "to": to,
            "at": at.astimezone(UTC).isoformat(),
            "expires_at": _epoch(at + GRACE),
        }
        items = [
            {
                "Update": {
                    "TableName": self._table.name,
                    "Key": _to_item({"PK": chat_pk(session.id), "SK": SESSION_SK}),
                    "UpdateExpression": "SET transcript_to = :true",
                    "ConditionExpression": "attribute_exists(PK) AND transcript_to = :false",
                    "ExpressionAttributeValues": _to_item({":true": True, ":false": False}),
                }
            },
            {
                "Put": {
                    "TableName": self._table.name,
                    "Item": _to_item(request),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
        ]
        return self._table.transact(items, _token()) == APPLIED

    def transcript_address(self, chat_id: str) -> str | None:
        item = self._table.get({"PK": chat_pk(chat_id), "SK": TRANSCRIPT_SK}, consistent=True)
        return str(item["to"]) if item else None
