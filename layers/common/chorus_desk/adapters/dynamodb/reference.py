"""``ReferenceData`` on DynamoDB: writes the directory (users, memberships, structures and their search
entries, teams) and the payment requests, 25 items per batch; activates and inactivates a structure; imports
structures and tickets in bulk."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from chorus_desk import directory, listing, messages
from chorus_desk.adapters.dynamodb.directory import entry_item, structure_items, structure_of
from chorus_desk.adapters.dynamodb.keys import (
    COUNTER_KEY,
    PROFILE_SK,
    SERVICE_PREFIX,
    TICKET_SK,
    member_sk,
    members_pk,
    payment_key,
    payments_to_pk,
    payments_to_sk,
    row_key,
    service_sk,
    structure_pk,
    team_pk,
    ticket_index_keys,
    ticket_pk,
    user_pk,
)
from chorus_desk.adapters.dynamodb.table import APPLIED, Table, counter_update, to_item
from chorus_desk.adapters.dynamodb.tickets import event_item
from chorus_desk.errors import ConcurrentModification
from chorus_desk.models import Membership, PaymentRequest, Structure, Team, Ticket, UserProfile

ACTIVATION_ATTEMPTS = 3  # an activation that met a change of the structure reads it again


class DynamoReference:
    """``ReferenceData``: writes the directory and the payment requests, 25 items per batch."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def put_reference_data(
        self,
        *,
        structures: Iterable[Structure] = (),
        teams: Iterable[Team] = (),
        users: Iterable[UserProfile] = (),
        memberships: Iterable[tuple[str, Membership]] = (),
        payment_requests: Iterable[PaymentRequest] = (),
    ) -> None:
        items: list[dict[str, Any]] = []
        for p in payment_requests:
            item = {**payment_key(p.emitter_siret, p.object_type, p.number), "entity": "PAYMENT_REQUEST"}
            if p.recipient_siret:  # the recipient's side, for the takeover of an inactivated structure
                item["GSI1PK"] = payments_to_pk(p.recipient_siret)
                item["GSI1SK"] = payments_to_sk(p)
            items.append({**item, **p.model_dump(mode="json", exclude_none=True)})
        stale: list[dict[str, str]] = []
        for s in structures:  # a structure put again is the structure as given: services and entries it lost go
            kept = {service_sk(svc.code) for svc in s.services}
            rows = self._table.partition(structure_pk(s.siret))
            stale += [
                {"PK": r["PK"], "SK": r["SK"]}
                for r in rows
                if r["SK"].startswith(SERVICE_PREFIX) and r["SK"] not in kept
            ]
            old = structure_of(rows)
            if old is not None:
                new_keys = {(e.partition, e.key) for e in directory.entries_of(s)}
                stale += [
                    {"PK": e.partition, "SK": e.key}
                    for e in directory.entries_of(old)
                    if (e.partition, e.key) not in new_keys
                ]
            items += structure_items(s)
        for t in teams:
            items.append({"PK": team_pk(t.id), "SK": PROFILE_SK, "entity": "TEAM", **t.model_dump(exclude_none=True)})
        for u in users:
            items.append({"PK": user_pk(u.id), "SK": PROFILE_SK, "entity": "USER", **u.model_dump(mode="json")})
        for user_id, m in memberships:
            items.append(
                {
                    "PK": user_pk(user_id),
                    "SK": member_sk(m.org),
                    "entity": "MEMBERSHIP",
                    "GSI1PK": members_pk(m.org),
                    "GSI1SK": user_pk(user_id),
                    **m.model_dump(mode="json"),
                }
            )
        self._table.batch_write(items, deletes=stale)

    def set_structure_active(self, siret: str, active: bool) -> bool:
        """The profile's ``active`` and the structure's directory entries in one transaction, conditioned on the
        state read and on the digest of the entries written (a designation, address or services replaced
        meanwhile: read again). Entries an inactivation removes are those of the structure as it is."""
        for _ in range(ACTIVATION_ATTEMPTS):
            structure = structure_of(self._table.partition(structure_pk(siret)))
            if structure is None or structure.active == active:
                return False
            entries = directory.entries_of(structure.model_copy(update={"active": True}))
            values = {":to": active, ":from": not active, ":digest": directory.digest(structure)}
            condition = "active = :from AND (attribute_not_exists(dir_hash) OR dir_hash = :digest)"
            items: list[dict[str, Any]] = [
                {
                    "Update": {
                        "TableName": self._table.name,
                        "Key": to_item({"PK": structure_pk(siret), "SK": PROFILE_SK}),
                        "UpdateExpression": "SET active = :to",
                        "ConditionExpression": condition,
                        "ExpressionAttributeValues": to_item(values),
                    }
                }
            ]
            if active:
                items += [{"Put": {"TableName": self._table.name, "Item": to_item(entry_item(e))}} for e in entries]
            else:
                items += [
                    {"Delete": {"TableName": self._table.name, "Key": to_item({"PK": e.partition, "SK": e.key})}}
                    for e in entries
                ]
            if self._table.transact(items, str(uuid.uuid4())) == APPLIED:
                return True
        current = structure_of(self._table.partition(structure_pk(siret)))
        if current is None or current.active == active:
            return False
        raise ConcurrentModification(messages.STRUCTURE_CHANGED.format(name=current.designation))

    def import_structures(self, structures: Iterable[Structure]) -> None:
        """Profiles, services and directory entries by batches of 25 puts, nothing read."""
        items: list[dict[str, Any]] = []
        for s in structures:
            items += structure_items(s)
        self._table.batch_write(items)

    def import_tickets(self, tickets: Iterable[Ticket]) -> None:
        """Tickets, their history and list rows by batches of 25 puts; the counters added up in memory and
        written once each (``ADD``). Moto copies the whole table for each transaction: batches keep loading
        50,000 tickets practical."""
        items: list[dict[str, Any]] = []
        totals: dict[tuple[str, str], dict[str, int]] = {}
        highest = 0
        for ticket in tickets:
            highest = max(highest, ticket.number)
            body = ticket.model_dump(mode="json", exclude={"history"}, exclude_none=True)
            items.append(
                {
                    "PK": ticket_pk(ticket.number),
                    "SK": TICKET_SK,
                    "entity": "TICKET",
                    **body,
                    **ticket_index_keys(ticket),
                }
            )
            items += [event_item(ticket, entry) for entry in ticket.history]
            for kind, row in listing.rows_of(ticket).items():
                items.append({**row_key(ticket.number, kind), "entity": "ROW", **row.to_item()})
            for key, deltas in listing.counter_deltas(None, ticket).items():
                tally = totals.setdefault(key, {})
                for status, delta in deltas.items():
                    tally[status] = tally.get(status, 0) + delta
        self._table.batch_write(items)
        for (pk, sk), deltas in totals.items():
            self._table.call("update_item", TableName=self._table.name, **counter_update(pk, sk, deltas))
        if highest:  # the next number taken after an import follows the imported ones
            self._table.conditional(
                "update_item",
                Key=to_item(COUNTER_KEY),
                UpdateExpression="SET #n = :top",
                ConditionExpression="attribute_not_exists(#n) OR #n < :top",
                ExpressionAttributeNames={"#n": "value"},
                ExpressionAttributeValues=to_item({":top": highest}),
            )
