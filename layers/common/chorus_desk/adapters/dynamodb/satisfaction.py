"""``Satisfaction`` on DynamoDB: the assistant's ratings, counted per day in a month's partition."""

from __future__ import annotations

from datetime import date, timedelta

from chorus_desk.adapters.dynamodb.keys import satisfaction_pk
from chorus_desk.adapters.dynamodb.table import Table, counter_update, to_item
from chorus_desk.models import FeedbackReason, Rating


class DynamoSatisfaction:
    """``Satisfaction``: ``SATISFACTION#<yyyy-mm>`` / ``<yyyy-mm-dd>``, counters added with ``ADD``."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def record(self, day: date, rating: Rating, reason: FeedbackReason | None) -> None:
        keys = [rating.value, *((reason.value,) if reason else ())]
        self._table.call(
            "update_item",
            TableName=self._table.name,
            **counter_update(satisfaction_pk(day), day.isoformat(), dict.fromkeys(keys, 1)),
        )

    def read(self, first: date, last: date) -> dict[date, dict[str, int]]:
        found: dict[date, dict[str, int]] = {}
        month = first.replace(day=1)
        while month <= last:
            items = self._table.query(
                KeyConditionExpression="PK = :pk AND SK BETWEEN :first AND :last",
                ExpressionAttributeValues=to_item(
                    {":pk": satisfaction_pk(month), ":first": first.isoformat(), ":last": last.isoformat()}
                ),
            )
            for item in items:
                found[date.fromisoformat(item["SK"])] = {k: int(v) for k, v in item.items() if k not in {"PK", "SK"}}
            month = (month + timedelta(days=32)).replace(day=1)
        return found
