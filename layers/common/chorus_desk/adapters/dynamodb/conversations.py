"""``Conversations`` on DynamoDB: the assistant's conversations, one item each."""

from __future__ import annotations

from typing import Any

from chorus_desk import messages
from chorus_desk.adapters.dynamodb.keys import conversation_key
from chorus_desk.adapters.dynamodb.table import Table, epoch, to_item
from chorus_desk.errors import ConcurrentModification
from chorus_desk.models import Conversation


class DynamoConversations:
    """``Conversations``: ``CONVERSATION#<id>`` / ``CONVERSATION``, the whole conversation in one item
    (transcripts are short). The conversation's own expiry is ``idle_until``; ``expires_at`` is the table's
    TTL attribute: the expiry plus a day. An anonymous visitor's conversation has no ``owner`` attribute."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def load_conversation(self, conversation_id: str) -> Conversation | None:
        item = self._table.get(conversation_key(conversation_id), consistent=True)
        if item is None:
            return None
        values = {k: v for k, v in item.items() if k not in {"PK", "SK", "entity", "expires_at", "idle_until"}}
        return Conversation.model_validate({"owner": None, **values, "expires_at": item["idle_until"]})

    def save_conversation(self, conversation: Conversation, expected_version: int | None) -> None:
        dumped = conversation.model_dump(mode="json", exclude_none=True)
        item = {
            **conversation_key(conversation.id),
            "entity": "CONVERSATION",
            **dumped,
            "idle_until": dumped["expires_at"],
            "expires_at": epoch(conversation.expires_at) + 24 * 3600,
        }
        if expected_version is None:
            condition, values = "attribute_not_exists(PK)", None
        else:
            condition, values = "version = :expected", to_item({":expected": expected_version})
        request: dict[str, Any] = {"Item": to_item(item), "ConditionExpression": condition}
        if values:
            request["ExpressionAttributeValues"] = values
        if self._table.conditional("put_item", **request) is None:
            raise ConcurrentModification(messages.CONVERSATION_CHANGED)
