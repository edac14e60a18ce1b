"""The brakes of the public routes on DynamoDB: ``Captchas``, ``RateLimits`` and ``InvitationResends``, small
items the table's TTL expires (``expires_at``)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from chorus_desk.adapters.dynamodb.keys import captcha_key, invitation_resend_key, rate_key
from chorus_desk.adapters.dynamodb.table import Table, epoch, to_item
from chorus_desk.models import Challenge


class DynamoCaptchas:
    """``Captchas``: ``CAPTCHA#<id>`` / ``CHALLENGE``, with ``expires_at`` for the table's TTL."""

    def __init__(self, table: Table) -> None:
        self._table = table

    @staticmethod
    def _key(challenge_id: str) -> dict[str, Any]:
        return to_item(captcha_key(challenge_id))

    def put_challenge(self, challenge: Challenge) -> None:
        item = {
            **captcha_key(challenge.id),
            "entity": "CAPTCHA",
            **challenge.model_dump(mode="json"),
            "expires_at": epoch(challenge.expires_at),
        }
        self._table.call("put_item", TableName=self._table.name, Item=to_item(item))

    def load_challenge(self, challenge_id: str) -> Challenge | None:
        item = self._table.get(captcha_key(challenge_id), consistent=True)
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
            ExpressionAttributeValues=to_item({":one": 1, ":max": max_failures}),
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
            ExpressionAttributeValues=to_item({":max": max_failures}),
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
            Key=to_item(rate_key(key)),
            UpdateExpression="ADD hits :one SET expires_at = if_not_exists(expires_at, :expires)",
            ExpressionAttributeValues=to_item({":one": 1, ":expires": epoch(expires_at)}),
            ReturnValues="UPDATED_NEW",
        )
        return int(result["Attributes"]["hits"]["N"])

    def count(self, key: str) -> int:
        item = self._table.get(rate_key(key), consistent=True)
        return int(item.get("hits", 0)) if item else 0

    def give_back(self, key: str) -> None:
        self._table.conditional(
            "update_item",
            Key=to_item(rate_key(key)),
            UpdateExpression="ADD hits :minus_one",
            ConditionExpression="hits > :zero",
            ExpressionAttributeValues=to_item({":minus_one": -1, ":zero": 0}),
        )


class DynamoInvitationResends:
    """``InvitationResends``: ``INVITATION#<pseudonym>`` / ``DAY#<yyyy-mm-dd>``, claimed by one conditional
    UpdateItem (``claimed`` set only where it is not), given back by removing ``claimed``; ``expires_at`` for
    the table's TTL."""

    def __init__(self, table: Table) -> None:
        self._table = table

    @staticmethod
    def _key(pseudonym: str, day: date) -> dict[str, Any]:
        return to_item(invitation_resend_key(pseudonym, day))

    def claim(self, pseudonym: str, day: date, expires_at: datetime) -> bool:
        result = self._table.conditional(
            "update_item",
            Key=self._key(pseudonym, day),
            UpdateExpression="SET entity = :entity, claimed = :true, expires_at = :expires",
            ConditionExpression="attribute_not_exists(claimed)",
            ExpressionAttributeValues=to_item(
                {":entity": "INVITATION_RESEND", ":true": True, ":expires": epoch(expires_at)}
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
