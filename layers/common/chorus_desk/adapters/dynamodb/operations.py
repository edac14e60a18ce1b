"""``Operations`` on DynamoDB: an operation on a structure and the structure's lock, taken together."""

from __future__ import annotations

import uuid

from chorus_desk.adapters.dynamodb.keys import lock_key, operation_key
from chorus_desk.adapters.dynamodb.table import APPLIED, Table, epoch, to_item
from chorus_desk.models import Operation


class DynamoOperations:
    """``Operations``: ``OPERATION#<id>`` / ``OPERATION``, and the structure's lock ``LOCK#STRUCTURE#<siret>``
    / ``LOCK`` (which operation holds it, since when), put together in one transaction."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def begin(self, operation: Operation, lock_seconds: int) -> bool:
        since = epoch(operation.started_at)
        body = operation.model_dump(mode="json", exclude_none=True)
        items = [
            {
                "Put": {
                    "TableName": self._table.name,
                    "Item": to_item({**operation_key(operation.id), "entity": "OPERATION", **body}),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
            {
                "Put": {
                    "TableName": self._table.name,
                    "Item": to_item(
                        {
                            **lock_key(operation.siret),
                            "operation_id": operation.id,
                            "since": since,
                            "expires_at": since + lock_seconds,
                        }
                    ),
                    "ConditionExpression": "attribute_not_exists(PK) OR since < :stale",
                    "ExpressionAttributeValues": to_item({":stale": since - lock_seconds}),
                }
            },
        ]
        return self._table.transact(items, str(uuid.uuid4())) == APPLIED

    def load_operation(self, operation_id: str) -> Operation | None:
        item = self._table.get(operation_key(operation_id), consistent=True)
        return Operation.model_validate(item) if item else None

    def count_moved(self, operation_id: str, payments: int, tickets: int) -> None:
        self._table.call(
            "update_item",
            TableName=self._table.name,
            Key=to_item(operation_key(operation_id)),
            UpdateExpression="ADD moved_payments :p, moved_tickets :t",
            ExpressionAttributeValues=to_item({":p": payments, ":t": tickets}),
        )

    def finish(self, operation: Operation) -> None:
        outcome = operation.model_dump(mode="json", include={"state", "finished_at", "error", "message"})
        outcome = {k: v for k, v in outcome.items() if v is not None}
        names = {f"#a{i}": k for i, k in enumerate(outcome)}
        self._table.call(
            "update_item",
            TableName=self._table.name,
            Key=to_item(operation_key(operation.id)),
            UpdateExpression="SET " + ", ".join(f"#a{i} = :a{i}" for i in range(len(outcome))),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=to_item({f":a{i}": v for i, v in enumerate(outcome.values())}),
        )
        self._table.conditional(  # released only by the operation that holds it
            "delete_item",
            Key=to_item(lock_key(operation.siret)),
            ConditionExpression="operation_id = :id",
            ExpressionAttributeValues=to_item({":id": operation.id}),
        )
