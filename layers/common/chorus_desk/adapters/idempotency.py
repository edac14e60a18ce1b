"""Where the answers of retried requests are kept (the ``Idempotency-Key`` header, ``api.idempotency``): Powertools'
idempotency persistence on the desk's table, and its in-memory twin.

One item per key, in its own partition: ``IDEMPOTENCY#<sha256>`` / ``REQUEST``. The hash covers the caller's
scope, the route and the key the client chose, so neither the key nor who sent it appears in the table's
keys, and the writes spread over as many partitions as there are keys (Powertools' composite layout would put
every record of a function under one partition key: a hot partition). ``expires_at`` is the table's TTL
attribute: DynamoDB deletes a record some time after it expired, and until then Powertools treats it as
absent (its conditional put replaces an expired record; a read checks the expiry).

The in-memory twin keeps the same rules (a record is replaced only when absent, expired, or in progress past
its Lambda's deadline; the payload is checked against the record found) so that the tests of the API on
in-memory ports see the same answers as on DynamoDB.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyItemAlreadyExistsError,
    IdempotencyItemNotFoundError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import STATUS_CONSTANTS, DataRecord
from aws_lambda_powertools.utilities.idempotency.persistence.dynamodb import DynamoDBPersistenceLayer

KEY_PREFIX = "IDEMPOTENCY"  # Powertools names a record ``<prefix>#<hash>``: that is the item's PK
RECORD_SK = "REQUEST"
EXPIRY_ATTRIBUTE = "expires_at"  # the table's TTL attribute (template.yaml, DeskTable)


class DynamoIdempotencyRecords(DynamoDBPersistenceLayer):
    """Powertools' DynamoDB persistence layer on the desk's table (PK / SK), the hashed key as partition key."""

    def __init__(self, client: Any, table_name: str) -> None:
        super().__init__(
            table_name=table_name,
            key_attr="PK",
            expiry_attr=EXPIRY_ATTRIBUTE,
            data_attr="answer",
            validation_key_attr="fingerprint",
            boto3_client=client,
        )

    def _get_key(self, idempotency_key: str) -> dict[str, Any]:
        return {"PK": {"S": idempotency_key}, "SK": {"S": RECORD_SK}}


def _copy(record: DataRecord) -> DataRecord:
    return DataRecord(
        idempotency_key=record.idempotency_key,
        status=record.status,
        expiry_timestamp=record.expiry_timestamp,
        in_progress_expiry_timestamp=record.in_progress_expiry_timestamp,
        response_data=record.response_data,
        payload_hash=record.payload_hash,
    )


class MemoryIdempotencyRecords(BasePersistenceLayer):
    """The same records in a dictionary, under a lock; the conditions of the DynamoDB layer's writes."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._lock = threading.Lock()
        self._records: dict[str, DataRecord] = {}

    @staticmethod
    def _replaceable(record: DataRecord) -> bool:
        """What the DynamoDB layer's conditional put lets a new request replace: an expired record, or one still
        in progress after the deadline of the Lambda that wrote it."""
        if record.is_expired:
            return True
        now_ms = int(dt.datetime.now().timestamp() * 1000)
        deadline = record.in_progress_expiry_timestamp
        return record.status == STATUS_CONSTANTS["INPROGRESS"] and deadline is not None and deadline < now_ms

    def _get_record(self, idempotency_key: str) -> DataRecord:
        with self._lock:
            record = self._records.get(idempotency_key)
        if record is None:
            raise IdempotencyItemNotFoundError
        return _copy(record)

    def _put_record(self, data_record: DataRecord) -> None:
        with self._lock:
            current = self._records.get(data_record.idempotency_key)
            if current is not None and not self._replaceable(current):
                found = _copy(current)
                self._validate_payload(data_payload=data_record, stored_data_record=found)
                raise IdempotencyItemAlreadyExistsError(old_data_record=found)
            self._records[data_record.idempotency_key] = _copy(data_record)

    def _update_record(self, data_record: DataRecord) -> None:
        with self._lock:
            self._records[data_record.idempotency_key] = _copy(data_record)

    def _delete_record(self, data_record: DataRecord) -> None:
        with self._lock:
            self._records.pop(data_record.idempotency_key, None)
