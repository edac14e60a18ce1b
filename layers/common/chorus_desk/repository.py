"""Data access: the only module that talks to DynamoDB.

One table holds tickets, their history, the ticket counter and the reference data (users, memberships,
structures, services, teams). The key design and the access patterns are documented in
docs/decisions.md; every read here is a GetItem or a Query, never a Scan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from chorus_desk import messages
from chorus_desk.errors import ConcurrentModification, StorageUnavailable
from chorus_desk.models import (
    HistoryEntry,
    Membership,
    ObjectType,
    PaymentRequest,
    Service,
    Structure,
    Team,
    Ticket,
    UserProfile,
)
from chorus_desk.settings import get_settings

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

TICKET_SK = "TICKET"
PROFILE_SK = "PROFILE"
COUNTER_KEY = {"PK": "COUNTER#TICKET", "SK": "COUNTER"}


def ticket_pk(number: int) -> str:
    return f"TICKET#{number}"


def event_sk(seq: int) -> str:
    return f"EVENT#{seq:06d}"


def payment_key(emitter_siret: str, object_type: ObjectType, number: str) -> dict[str, str]:
    """A payment request is identified by its emitter, its type and the emitter's number."""
    return {"PK": f"PAYMENTS#{emitter_siret}", "SK": f"{object_type.value}#{number}"}


def _sortable_number(number: int) -> str:
    return f"TICKET#{number:010d}"


def ticket_index_keys(ticket: Ticket) -> dict[str, str]:
    """Secondary-index keys of a ticket: GSI1 lists the emitter side, GSI2 the recipient side."""
    keys: dict[str, str] = {}
    if ticket.emitter.siret:
        keys["GSI1PK"] = f"EMITTER#{ticket.emitter.siret}"
    else:  # a draft with no structure yet belongs to its creator only
        keys["GSI1PK"] = f"CREATOR#{ticket.created_by.id}"
    keys["GSI1SK"] = _sortable_number(ticket.number)
    if ticket.recipient:
        keys["GSI2PK"] = f"RECIPIENT#{ticket.recipient.org.key}"
        keys["GSI2SK"] = _sortable_number(ticket.number)
    return keys


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


class Repository:
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    # ----------------------------------------------------------------- low level
    def _call(self, operation: str, **kwargs: Any) -> Any:
        try:
            return getattr(self._client, operation)(**kwargs)
        except (ClientError, BotoCoreError) as exc:
            raise StorageUnavailable(messages.STORAGE_UNAVAILABLE) from exc

    def _query(self, **kwargs: Any) -> list[dict[str, Any]]:
        """Every item of a Query, page after page."""
        items: list[dict[str, Any]] = []
        while True:
            page = self._call("query", TableName=self._table, **kwargs)
            items.extend(_from_item(i) for i in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _query_partition(self, pk: str) -> list[dict[str, Any]]:
        return self._query(
            KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": {"S": pk}}, ConsistentRead=True
        )

    def _transact(self, items: list[dict[str, Any]], number: int) -> None:
        try:
            self._client.transact_write_items(TransactItems=items)
        except ClientError as exc:
            if _is_condition_failure(exc):
                raise ConcurrentModification(messages.CONCURRENT_MODIFICATION.format(number=number)) from exc
            raise StorageUnavailable(messages.STORAGE_UNAVAILABLE) from exc
        except BotoCoreError as exc:
            raise StorageUnavailable(messages.STORAGE_UNAVAILABLE) from exc

    # ----------------------------------------------------------------- tickets
    def next_ticket_number(self) -> int:
        """Atomic counter: numbers are unique, increasing and short, as Chorus Pro shows them."""
        result = self._call(
            "update_item",
            TableName=self._table,
            Key=_to_item(COUNTER_KEY),
            UpdateExpression="ADD #n :one",
            ExpressionAttributeNames={"#n": "value"},
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW",
        )
        return int(result["Attributes"]["value"]["N"])

    def load_ticket(self, number: int) -> Ticket | None:
        """The ticket and its whole history, in one Query on the ticket's partition."""
        rows = self._query_partition(ticket_pk(number))
        head = next((r for r in rows if r["SK"] == TICKET_SK), None)
        if head is None:
            return None
        history = sorted((r for r in rows if r["SK"].startswith("EVENT#")), key=lambda r: int(r["seq"]))
        return Ticket.model_validate({**head, "history": history})

    def _ticket_put(self, ticket: Ticket, condition: str, values: dict[str, Any] | None = None) -> dict[str, Any]:
        body = ticket.model_dump(mode="json", exclude={"history"}, exclude_none=True)
        put: dict[str, Any] = {
            "TableName": self._table,
            "Item": _to_item(
                {
                    "PK": ticket_pk(ticket.number),
                    "SK": TICKET_SK,
                    "entity": "TICKET",
                    **body,
                    **ticket_index_keys(ticket),
                }
            ),
            "ConditionExpression": condition,
        }
        if values:
            put["ExpressionAttributeValues"] = _to_item(values)
        return {"Put": put}

    def _event_put(self, number: int, entry: HistoryEntry) -> dict[str, Any]:
        body = entry.model_dump(mode="json", exclude_none=True)
        return {
            "Put": {
                "TableName": self._table,
                "Item": _to_item(
                    {"PK": ticket_pk(number), "SK": event_sk(entry.seq), "entity": "EVENT", "number": number, **body}
                ),
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        }

    def insert_ticket(self, ticket: Ticket, entry: HistoryEntry) -> None:
        """Store a new ticket and its first history entry together."""
        self._transact(
            [self._ticket_put(ticket, "attribute_not_exists(PK)"), self._event_put(ticket.number, entry)],
            ticket.number,
        )

    def save_ticket(self, ticket: Ticket, expected_version: int, entry: HistoryEntry | None) -> None:
        """Replace the ticket if nobody changed it since ``expected_version``, with its new history entry.

        The condition on the version (and so on the status read with it) makes two concurrent actions on
        one ticket mutually exclusive: exactly one wins, the other gets ``ConcurrentModification``.
        """
        items = [self._ticket_put(ticket, "version = :expected", {":expected": expected_version})]
        if entry is not None:
            items.append(self._event_put(ticket.number, entry))
        self._transact(items, ticket.number)

    def delete_ticket(self, ticket: Ticket) -> None:
        """Delete a ticket and its history, if it is still the version that was read."""
        items: list[dict[str, Any]] = [
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": _to_item({"PK": ticket_pk(ticket.number), "SK": TICKET_SK}),
                    "ConditionExpression": "version = :expected",
                    "ExpressionAttributeValues": _to_item({":expected": ticket.version}),
                }
            }
        ]
        items += [
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": _to_item({"PK": ticket_pk(ticket.number), "SK": event_sk(e.seq)}),
                }
            }
            for e in ticket.history
        ]
        self._transact(items, ticket.number)

    # ----------------------------------------------------------------- directory
    def load_user(self, user_id: str) -> tuple[UserProfile | None, list[Membership]]:
        """A user's profile and memberships, in one Query on the user's partition."""
        rows = self._query_partition(f"USER#{user_id}")
        profile = next((UserProfile.model_validate(r) for r in rows if r["SK"] == PROFILE_SK), None)
        memberships = [Membership.model_validate(r) for r in rows if r["SK"].startswith("MEMBER#")]
        return profile, memberships

    def list_members(self, org_key: str) -> list[tuple[UserProfile, Membership]]:
        """Members of an organisation with their profiles: one Query on GSI1, then BatchGetItem by 100."""
        rows = self._query(
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues={":pk": {"S": f"MEMBERS#{org_key}"}},
        )
        memberships = [(str(r["GSI1SK"]).removeprefix("USER#"), Membership.model_validate(r)) for r in rows]
        profiles: dict[str, UserProfile] = {}
        ids = [user_id for user_id, _ in memberships]
        for start in range(0, len(ids), 100):
            keys = [_to_item({"PK": f"USER#{i}", "SK": PROFILE_SK}) for i in ids[start : start + 100]]
            pending: dict[str, Any] = {self._table: {"Keys": keys}}
            while pending:
                result = self._call("batch_get_item", RequestItems=pending)
                for raw in result.get("Responses", {}).get(self._table, []):
                    profile = UserProfile.model_validate(_from_item(raw))
                    profiles[profile.id] = profile
                pending = result.get("UnprocessedKeys") or {}
        return [(profiles[i], m) for i, m in memberships if i in profiles]

    def load_structure(self, siret: str) -> Structure | None:
        """A structure with its services, in one Query on the structure's partition."""
        rows = self._query_partition(f"STRUCTURE#{siret}")
        head = next((r for r in rows if r["SK"] == PROFILE_SK), None)
        if head is None:
            return None
        services = [Service.model_validate(r) for r in rows if r["SK"].startswith("SERVICE#")]
        return Structure.model_validate({**head, "services": sorted(services, key=lambda s: s.code)})

    def load_team(self, team_id: str) -> Team | None:
        result = self._call(
            "get_item", TableName=self._table, Key=_to_item({"PK": f"TEAM#{team_id}", "SK": PROFILE_SK})
        )
        return Team.model_validate(_from_item(result["Item"])) if "Item" in result else None

    def load_payment_request(self, emitter_siret: str, object_type: ObjectType, number: str) -> PaymentRequest | None:
        """One payment request of an emitter, by type and number (GetItem): absent, of another type or of
        another emitter all read as "no such request"."""
        result = self._call(
            "get_item",
            TableName=self._table,
            Key=_to_item(payment_key(emitter_siret, object_type, number)),
            ConsistentRead=True,
        )
        return PaymentRequest.model_validate(_from_item(result["Item"])) if "Item" in result else None

    def put_reference_data(
        self,
        *,
        structures: Iterable[Structure] = (),
        teams: Iterable[Team] = (),
        users: Iterable[UserProfile] = (),
        memberships: Iterable[tuple[str, Membership]] = (),
        payment_requests: Iterable[PaymentRequest] = (),
    ) -> None:
        """Write reference data (seeding, administration), 25 items per batch."""
        items: list[dict[str, Any]] = []
        for p in payment_requests:
            item = {**payment_key(p.emitter_siret, p.object_type, p.number), "entity": "PAYMENT_REQUEST"}
            if p.recipient_siret:  # the recipient's side, for the takeover of an inactivated structure
                item["GSI1PK"] = f"PAYMENTS_TO#STRUCTURE#{p.recipient_siret}"
                item["GSI1SK"] = f"{p.object_type.value}#{p.emitter_siret}#{p.number}"
            items.append({**item, **p.model_dump(mode="json", exclude_none=True)})
        for s in structures:
            head = s.model_dump(mode="json", exclude={"services"}, exclude_none=True)
            items.append({"PK": f"STRUCTURE#{s.siret}", "SK": PROFILE_SK, "entity": "STRUCTURE", **head})
            items += [
                {
                    "PK": f"STRUCTURE#{s.siret}",
                    "SK": f"SERVICE#{svc.code}",
                    "entity": "SERVICE",
                    **svc.model_dump(mode="json"),
                }
                for svc in s.services
            ]
        for t in teams:
            items.append(
                {
                    "PK": f"TEAM#{t.id}",
                    "SK": PROFILE_SK,
                    "entity": "TEAM",
                    **t.model_dump(mode="json", exclude_none=True),
                }
            )
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
        for start in range(0, len(items), 25):
            requests = [{"PutRequest": {"Item": _to_item(i)}} for i in items[start : start + 25]]
            pending: dict[str, Any] = {self._table: requests}
            while pending:
                result = self._call("batch_write_item", RequestItems=pending)
                pending = result.get("UnprocessedItems") or {}


@lru_cache(maxsize=1)
def get_repository() -> Repository:
    """One client per execution environment, created at cold start (endpoint from AWS_ENDPOINT_URL if set)."""
    config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=2, read_timeout=5)
    return Repository(boto3.client("dynamodb", config=config), get_settings().table_name)
