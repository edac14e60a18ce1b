"""``MailJournal`` on DynamoDB: which mails were sent (and, under another prefix, which lifecycle events were
published), claimed with a lease so that one sender sends each once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chorus_desk.adapters.dynamodb.keys import journal_key
from chorus_desk.adapters.dynamodb.table import Table, epoch, to_item
from chorus_desk.ports import Claim

MAIL_RECORD_DAYS = 30  # how long a sent mail's record is kept (replays older than that are impossible anyway)


class DynamoMailJournal:
    """``MailJournal``: ``MAIL#<key>`` / ``MAIL``: ``SENDING`` with a lease, then ``SENT`` with the message id.
    The lifecycle events' journal is the same record under its own prefix (``PUBLISHED#<event id>`` /
    ``PUBLISHED``): the id EventBridge gave the event in place of the message id."""

    def __init__(self, table: Table, prefix: str = "MAIL") -> None:
        self._table = table
        self._prefix = prefix

    def _plain_key(self, key: str) -> dict[str, str]:
        return journal_key(self._prefix, key)

    def _key(self, key: str) -> dict[str, Any]:
        return to_item(self._plain_key(key))

    def claim(self, key: str, now: datetime, lease_until: datetime) -> Claim:
        item = {
            **self._plain_key(key),
            "entity": self._prefix,
            "state": "SENDING",
            "lease_until": epoch(lease_until),
            "expires_at": epoch(now) + MAIL_RECORD_DAYS * 86400,
        }
        claimed = self._table.conditional(
            "put_item",
            Item=to_item(item),
            ConditionExpression="attribute_not_exists(PK) OR (#state = :sending AND lease_until < :now)",
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues=to_item({":sending": "SENDING", ":now": epoch(now)}),
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
            ExpressionAttributeValues=to_item({":sent": "SENT", ":id": message_id, ":at": now.isoformat()}),
        )

    def release(self, key: str) -> None:
        self._table.conditional(
            "delete_item",
            Key=self._key(key),
            ConditionExpression="#state = :sending",
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues=to_item({":sending": "SENDING"}),
        )
