"""The table wrapper: one DynamoDB table through one client, AWS errors turned into domain errors, the
serializer, the client's timeouts and retries, and the transactions' outcomes.

Every TransactWriteItems carries a ``ClientRequestToken``: a transaction that botocore re-sends after a lost
reply is the same transaction to DynamoDB (the ticket adapter records the token on the item, see
``tickets.DynamoTickets._write``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chorus_desk import messages
from chorus_desk.adapters.boto import BotoCoreError, ClientError, Config, TypeDeserializer, TypeSerializer
from chorus_desk.adapters.boto import client as boto_client
from chorus_desk.errors import StorageUnavailable

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _serializer.serialize(v) for k, v in values.items() if v is not None}


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _deserializer.deserialize(v) for k, v in item.items()}


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def counter_update(pk: str, sk: str, deltas: Mapping[str, int]) -> dict[str, Any]:
    """An ``UpdateItem`` (or transaction ``Update``) adding ``deltas`` to a dashboard counter item, per status."""
    return {
        "Key": to_item({"PK": pk, "SK": sk}),
        "UpdateExpression": "ADD " + ", ".join(f"#s{i} :v{i}" for i in range(len(deltas))),
        "ExpressionAttributeNames": {f"#s{i}": status for i, status in enumerate(deltas)},
        "ExpressionAttributeValues": to_item({f":v{i}": delta for i, delta in enumerate(deltas.values())}),
    }


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
            items.extend(from_item(i) for i in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def partition(self, pk: str) -> list[dict[str, Any]]:
        return self.query(
            KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": {"S": pk}}, ConsistentRead=True
        )

    def get(self, key: Mapping[str, str], consistent: bool = False) -> dict[str, Any] | None:
        result = self.call("get_item", TableName=self.name, Key=to_item(key), ConsistentRead=consistent)
        return from_item(result["Item"]) if "Item" in result else None

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
        operations = [{"PutRequest": {"Item": to_item(i)}} for i in items]
        operations += [{"DeleteRequest": {"Key": to_item(k)}} for k in deletes or []]
        for start in range(0, len(operations), 25):
            requests = operations[start : start + 25]
            pending: dict[str, Any] = {self.name: requests}
            while pending:
                result = self.call("batch_write_item", RequestItems=pending)
                pending = result.get("UnprocessedItems") or {}


def client(service: str = "dynamodb") -> Any:
    """A client with short timeouts and bounded retries (endpoint from AWS_ENDPOINT_URL if set)."""
    config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=2, read_timeout=5)
    return boto_client(service, config=config)
