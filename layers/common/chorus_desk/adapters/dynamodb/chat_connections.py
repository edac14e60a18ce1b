"""The DynamoDB adapter of the live chat's sockets (``ChatConnections``): ``CONN#<connection id>`` /
``CONNECTION``, as $connect recorded it, and what it follows (docs/chat.md « Storage »)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from chorus_desk.adapters.dynamodb.chat import _Update
from chorus_desk.adapters.dynamodb.keys import CONNECTION_PREFIX, connection_key
from chorus_desk.adapters.dynamodb.table import Table
from chorus_desk.adapters.dynamodb.table import epoch as _epoch
from chorus_desk.adapters.dynamodb.table import from_item as _from_item
from chorus_desk.adapters.dynamodb.table import to_item as _to_item
from chorus_desk.chats import Connection


class DynamoChatConnections:
    """``ChatConnections``: ``CONN#<connection id>`` / ``CONNECTION``."""

    def __init__(self, table: Table) -> None:
        self._table = table

    @staticmethod
    def _key(connection_id: str) -> dict[str, Any]:
        return _to_item(connection_key(connection_id))

    def open(self, connection: Connection) -> None:
        dumped = connection.model_dump(mode="json", exclude_none=True, exclude={"id", "chats", "queues", "expires_at"})
        item = {
            **connection_key(connection.id),
            "entity": "CHAT_CONNECTION",
            **dumped,
            "expires_at": _epoch(connection.expires_at),
        }
        self._table.call("put_item", TableName=self._table.name, Item=_to_item(item))

    def load(self, connection_id: str) -> Connection | None:
        item = self._table.get(connection_key(connection_id), consistent=True)
        return _connection(item) if item else None

    def join(self, connection_id: str, chat_id: str | None = None, queue: str | None = None) -> None:
        update = _Update()
        if chat_id:
            update.add("chats", {chat_id})
        if queue:
            update.add("queues", {queue})
        if not any(update.clauses.values()):
            return
        request = update.request(connection_key(connection_id), "attribute_exists(PK)")
        self._table.conditional("update_item", **request)

    def close(self, connection_id: str) -> Connection | None:
        result = self._table.call(
            "delete_item", TableName=self._table.name, Key=self._key(connection_id), ReturnValues="ALL_OLD"
        )
        old = result.get("Attributes")
        return _connection(_from_item(old)) if old else None


def _connection(item: Mapping[str, Any]) -> Connection:
    values = {k: v for k, v in item.items() if k not in {"PK", "SK", "entity", "expires_at"}}
    return Connection.model_validate(
        {
            **values,
            "id": str(item["PK"]).removeprefix(CONNECTION_PREFIX),
            "chats": frozenset(item.get("chats") or ()),
            "queues": frozenset(item.get("queues") or ()),
            "expires_at": datetime.fromtimestamp(int(item["expires_at"]), tz=UTC),
        }
    )
