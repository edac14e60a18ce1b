"""``Directory`` on DynamoDB: a user's profile and memberships (``USER#<sub>``), a structure and its services
(``STRUCTURE#<siret>``), a team (``TEAM#<id>``), an organisation's members through GSI1, and the structures'
search index (``DIR#…`` entries, ``chorus_desk.directory``). The items a structure is written as are built here
for ``reference``, which writes them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chorus_desk import directory
from chorus_desk.adapters.dynamodb.keys import (
    MEMBER_PREFIX,
    PROFILE_SK,
    SERVICE_PREFIX,
    USER_PREFIX,
    members_pk,
    service_sk,
    structure_pk,
    team_pk,
    user_pk,
)
from chorus_desk.adapters.dynamodb.table import Table, from_item, to_item
from chorus_desk.directory import Entry
from chorus_desk.models import Membership, OrgRef, Service, Structure, Team, UserProfile


def structure_of(rows: list[dict[str, Any]]) -> Structure | None:
    """A structure from its partition's items: the profile and its services, sorted by code."""
    head = next((r for r in rows if r["SK"] == PROFILE_SK), None)
    if head is None:
        return None
    services = [Service.model_validate(r) for r in rows if r["SK"].startswith(SERVICE_PREFIX)]
    return Structure.model_validate({**head, "services": sorted(services, key=lambda s: s.code)})


class DynamoDirectory:
    """``Directory``: ``USER#<sub>`` holds a profile and memberships, ``STRUCTURE#<siret>`` a structure and
    its services, ``TEAM#<id>`` a team; GSI1 ``MEMBERS#<org>`` lists an organisation's members."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def load_user(self, user_id: str) -> tuple[UserProfile | None, list[Membership]]:
        """A user's profile and memberships, in one Query on the user's partition."""
        rows = self._table.partition(user_pk(user_id))
        profile = next((UserProfile.model_validate(r) for r in rows if r["SK"] == PROFILE_SK), None)
        memberships = [Membership.model_validate(r) for r in rows if r["SK"].startswith(MEMBER_PREFIX)]
        return profile, memberships

    def list_members(self, org: OrgRef) -> list[tuple[UserProfile, Membership]]:
        """Members of an organisation with their profiles: one Query on GSI1, then BatchGetItem by 100."""
        rows = self._table.query(
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues={":pk": {"S": members_pk(org)}},
        )
        memberships = [(str(r["GSI1SK"]).removeprefix(USER_PREFIX), Membership.model_validate(r)) for r in rows]
        profiles: dict[str, UserProfile] = {}
        ids = [user_id for user_id, _ in memberships]
        for start in range(0, len(ids), 100):
            keys = [to_item({"PK": user_pk(i), "SK": PROFILE_SK}) for i in ids[start : start + 100]]
            pending: dict[str, Any] = {self._table.name: {"Keys": keys}}
            while pending:
                result = self._table.call("batch_get_item", RequestItems=pending)
                for raw in result.get("Responses", {}).get(self._table.name, []):
                    profile = UserProfile.model_validate(from_item(raw))
                    profiles[profile.id] = profile
                pending = result.get("UnprocessedKeys") or {}
        return [(profiles[i], m) for i, m in memberships if i in profiles]

    def load_structure(self, siret: str) -> Structure | None:
        """A structure with its services, in one Query on the structure's partition."""
        return structure_of(self._table.partition(structure_pk(siret)))

    def load_team(self, team_id: str) -> Team | None:
        item = self._table.get({"PK": team_pk(team_id), "SK": PROFILE_SK})
        return Team.model_validate(item) if item else None

    def read_index(self, partition: str, prefix: str, after: str | None, limit: int) -> tuple[list[Entry], bool]:
        """One Query (``begins_with`` on the sort key, ``Limit``): DynamoDB answers with ``LastEvaluatedKey`` when
        it stopped at the limit (or at 1 MB), even if nothing is left."""
        request: dict[str, Any] = {
            "TableName": self._table.name,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            "ExpressionAttributeValues": to_item({":pk": partition, ":prefix": prefix}),
            "Limit": limit,
        }
        if after is not None:
            request["ExclusiveStartKey"] = to_item({"PK": partition, "SK": after})
        page = self._table.call("query", **request)
        entries = [_entry(from_item(raw)) for raw in page.get("Items", [])]
        return entries, "LastEvaluatedKey" in page


def entry_item(entry: Entry) -> dict[str, Any]:
    """A directory entry as its item: ``DIR#<kind>#<bucket>`` / ``<term>#<siret>``."""
    body = entry.model_dump(mode="json", exclude={"partition", "key"}, exclude_none=True)
    return {"PK": entry.partition, "SK": entry.key, "entity": "DIRECTORY", **body}


def _entry(item: Mapping[str, Any]) -> Entry:
    return Entry.model_validate({**item, "partition": item["PK"], "key": item["SK"]})


def structure_items(s: Structure) -> list[dict[str, Any]]:
    """A structure's profile (with the digest of its directory entries), its services and its entries."""
    head = s.model_dump(mode="json", exclude={"services"}, exclude_none=True)
    profile = {"PK": structure_pk(s.siret), "SK": PROFILE_SK, "entity": "STRUCTURE", **head}
    items = [{**profile, "dir_hash": directory.digest(s)}]
    items += [
        {"PK": structure_pk(s.siret), "SK": service_sk(svc.code), "entity": "SERVICE", **svc.model_dump()}
        for svc in s.services
    ]
    return items + [entry_item(e) for e in directory.entries_of(s)]
