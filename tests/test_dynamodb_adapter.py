"""What only the DynamoDB adapters do: retried transactions recognised by their token, and the number of
requests each read costs (one Query, never a Scan: the ``aws`` fixture fails any test that used one)."""

from __future__ import annotations

import copy
import os
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from chorus_desk.adapters.dynamodb import dynamodb_ports
from chorus_desk.adapters.dynamodb.keys import DELETED_SK, TICKET_SK, ticket_pk
from chorus_desk.adapters.dynamodb.tickets import LAST_WRITE
from chorus_desk.errors import ConcurrentModification
from chorus_desk.lifecycle import Action, Side, Status
from chorus_desk.models import HistoryEntry, ObjectType, OrgKind, OrgRef, Ticket, TicketContent
from chorus_desk.ports import Ports
from tests.fixtures import DUPONT, STRUCTURES, USER_IDS
from tests.support import CallLog
from tests.test_ports_contract import T0, make_entry, make_ticket, person

READS = {"Query", "GetItem", "BatchGetItem"}
WRITES = {"UpdateItem", "TransactWriteItems", "BatchWriteItem"}


class ReplayingClient:
    """The real client, except that a TransactWriteItems is sent twice with the same arguments and the
    second reply (or error) is the one returned: botocore's retry after a lost reply (read timeout).

    ``first_token``, if given, makes the first send another writer's transaction: the same items, but
    its own ``ClientRequestToken`` and recorded write token. ``second_token`` changes only the
    ``ClientRequestToken`` of the second send."""

    def __init__(self, client: Any, first_token: str | None = None, second_token: str | None = None) -> None:
        self.client = client
        self.first_token = first_token
        self.second_token = second_token
        self.sends: list[tuple[dict[str, Any], dict[str, Any]]] = []  # (first, second) kwargs per call
        self.outcomes: list[tuple[str, str]] = []  # ("OK" or the error code) of each send, per call

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def transact_write_items(self, **kwargs: Any) -> Any:
        first = retokened(kwargs, self.first_token) if self.first_token else copy.deepcopy(kwargs)
        second = copy.deepcopy(kwargs)
        if self.second_token:
            second["ClientRequestToken"] = self.second_token
        self.sends.append((first, second))
        first_outcome = outcome(self.client.transact_write_items, first)[0]  # its reply is lost
        second_outcome, reply, error = outcome(self.client.transact_write_items, second)
        self.outcomes.append((first_outcome, second_outcome))
        if error is not None:
            raise error
        return reply


def outcome(send: Any, kwargs: dict[str, Any]) -> tuple[str, Any, ClientError | None]:
    try:
        return "OK", send(**kwargs), None
    except ClientError as exc:
        return str(exc.response["Error"]["Code"]), None, exc


def retokened(kwargs: dict[str, Any], token: str) -> dict[str, Any]:
    """The same transaction sent by someone else: another request token, recorded on the ticket item."""
    other = copy.deepcopy(kwargs)
    other["ClientRequestToken"] = token
    for item in other["TransactItems"]:
        put = item.get("Put", {}).get("Item", {})
        if LAST_WRITE in put:
            put[LAST_WRITE] = {"S": token}
    return other


def replaying(aws: CallLog, **tokens: str) -> tuple[Ports, ReplayingClient]:
    client = ReplayingClient(aws.client, **tokens)
    return dynamodb_ports(os.environ["TABLE_NAME"], client), client


def partition(aws: CallLog, number: int) -> dict[str, dict[str, Any]]:
    """The raw items of a ticket's partition, by sort key."""
    reply = aws.client.query(
        TableName=os.environ["TABLE_NAME"],
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": ticket_pk(number)}},
        ConsistentRead=True,
    )
    return {item["SK"]["S"]: item for item in reply["Items"]}


def assert_token_replayed(client: ReplayingClient, aws: CallLog, number: int | None = None) -> str:
    """One TransactWriteItems per adapter call, sent twice with one token of at most 36 characters; the
    ticket item (if still there) records it. Returns the token."""
    assert len(client.sends) == 1
    first, second = client.sends[0]
    token = first["ClientRequestToken"]
    assert isinstance(token, str)
    assert 0 < len(token) <= 36
    assert second == first
    assert aws.operations.count("TransactWriteItems") == 2  # both sends reached the table
    # moto does not honour ClientRequestToken (DynamoDB would answer the re-send with the first success):
    # the re-send fails on its condition, and the adapter must recognise its own write on the item.
    assert client.outcomes == [("OK", "TransactionCanceledException")]
    if number is not None:
        assert partition(aws, number)[TICKET_SK][LAST_WRITE] == {"S": token}
    return token


def open_ticket(number: int) -> tuple[Ticket, HistoryEntry]:
    return make_ticket(number, status=Status.OPEN, assignee=None), make_entry(1)


def taken_in_charge(stored: Ticket) -> tuple[Ticket, HistoryEntry]:
    entry = make_entry(
        2, Action.TAKE_IN_CHARGE, Status.IN_PROGRESS, from_status=Status.OPEN, actor="hugo", side=Side.RECIPIENT
    )
    changed = stored.model_copy(
        update={"version": 2, "status": Status.IN_PROGRESS, "assignee": person("hugo"), "updated_at": entry.at}
    )
    return changed, entry


# ------------------------------------------------------------------------------ a retry never lies
def test_a_replayed_insert_is_reported_done(aws: CallLog, dynamo: Ports) -> None:
    ports, client = replaying(aws)
    ticket, entry = open_ticket(dynamo.tickets.next_ticket_number())

    ports.tickets.insert_ticket(ticket, entry)  # no ConcurrentModification

    assert_token_replayed(client, aws, ticket.number)
    assert sorted(partition(aws, ticket.number)) == ["EVENT#000001", "TICKET"]
    assert dynamo.tickets.load_ticket(ticket.number) == ticket.model_copy(update={"history": (entry,)})


def test_a_replayed_save_is_reported_done(aws: CallLog, dynamo: Ports) -> None:
    ticket, first_entry = open_ticket(dynamo.tickets.next_ticket_number())
    dynamo.tickets.insert_ticket(ticket, first_entry)
    changed, entry = taken_in_charge(ticket)
    ports, client = replaying(aws)
    aws.operations.clear()

    ports.tickets.save_ticket(changed, expected_version=1, entry=entry)

    assert_token_replayed(client, aws, ticket.number)
    assert sorted(partition(aws, ticket.number)) == ["EVENT#000001", "EVENT#000002", "TICKET"]
    assert dynamo.tickets.load_ticket(ticket.number) == changed.model_copy(update={"history": (first_entry, entry)})


def test_a_replayed_draft_edit_is_reported_done(aws: CallLog, dynamo: Ports) -> None:
    number = dynamo.tickets.next_ticket_number()
    draft = Ticket(
        number=number, status=Status.DRAFT, version=1, created_at=T0, updated_at=T0, created_by=person("julie")
    )
    entry = make_entry(1, Action.CREATE_DRAFT, Status.DRAFT, actor="julie")
    dynamo.tickets.insert_ticket(draft, entry)
    edited = draft.model_copy(update={"version": 2, "content": TicketContent(title="Complété", emitter_siret=DUPONT)})
    ports, client = replaying(aws)
    aws.operations.clear()

    ports.tickets.save_ticket(edited, expected_version=1, entry=None)

    assert_token_replayed(client, aws, number)
    assert dynamo.tickets.load_ticket(number) == edited.model_copy(update={"history": (entry,)})


def test_a_replayed_delete_is_reported_done(aws: CallLog, dynamo: Ports) -> None:
    ticket, entry = open_ticket(dynamo.tickets.next_ticket_number())
    dynamo.tickets.insert_ticket(ticket, entry)
    stored = dynamo.tickets.load_ticket(ticket.number)
    assert stored is not None
    ports, client = replaying(aws)
    aws.operations.clear()

    ports.tickets.delete_ticket(stored)

    assert_token_replayed(client, aws)
    # Only the delete's tombstone is left (expiring by TTL), carrying this call's token.
    assert sorted(partition(aws, ticket.number)) == [DELETED_SK]
    assert dynamo.tickets.load_ticket(ticket.number) is None


def test_another_request_token_on_the_resend_still_finds_its_own_write(aws: CallLog, dynamo: Ports) -> None:
    """Only the ClientRequestToken of the re-send differs: the attempt that applied was still this call's, and
    the ticket item says so (its recorded token), so the adapter rightly reports it done."""
    ports, client = replaying(aws, second_token=str(uuid.uuid4()))
    ticket, entry = open_ticket(dynamo.tickets.next_ticket_number())

    ports.tickets.insert_ticket(ticket, entry)

    first, second = client.sends[0]
    assert first["ClientRequestToken"] != second["ClientRequestToken"]
    assert partition(aws, ticket.number)[TICKET_SK][LAST_WRITE] == {"S": first["ClientRequestToken"]}


def test_the_guard_is_real_an_insert_applied_by_another_transaction_conflicts(aws: CallLog, dynamo: Ports) -> None:
    """The write that applied carried another token (another request made the same insert): a conflict."""
    other = str(uuid.uuid4())
    ports, client = replaying(aws, first_token=other)
    ticket, entry = open_ticket(dynamo.tickets.next_ticket_number())

    with pytest.raises(ConcurrentModification):
        ports.tickets.insert_ticket(ticket, entry)

    first, second = client.sends[0]
    assert first["ClientRequestToken"] == other != second["ClientRequestToken"]
    assert client.outcomes == [("OK", "TransactionCanceledException")]
    assert partition(aws, ticket.number)[TICKET_SK][LAST_WRITE] == {"S": other}


def test_the_guard_is_real_a_save_applied_by_another_transaction_conflicts(aws: CallLog, dynamo: Ports) -> None:
    ticket, first_entry = open_ticket(dynamo.tickets.next_ticket_number())
    dynamo.tickets.insert_ticket(ticket, first_entry)
    changed, entry = taken_in_charge(ticket)
    ports, _ = replaying(aws, first_token=str(uuid.uuid4()))

    with pytest.raises(ConcurrentModification):
        ports.tickets.save_ticket(changed, expected_version=1, entry=entry)


def test_the_guard_is_real_a_delete_applied_by_another_transaction_conflicts(aws: CallLog, dynamo: Ports) -> None:
    """Another request deleted the draft first: this delete lost the race. The tombstone carries the other
    request's token, so the adapter reports the conflict."""
    ticket, entry = open_ticket(dynamo.tickets.next_ticket_number())
    dynamo.tickets.insert_ticket(ticket, entry)
    stored = dynamo.tickets.load_ticket(ticket.number)
    assert stored is not None
    ports, _ = replaying(aws, first_token=str(uuid.uuid4()))

    with pytest.raises(ConcurrentModification):
        ports.tickets.delete_ticket(stored)


def test_a_genuine_conflict_is_still_reported_through_a_replaying_client(aws: CallLog, dynamo: Ports) -> None:
    """Both sends fail (stale version): no write of this call is on the item, so it is a conflict."""
    ticket, first_entry = open_ticket(dynamo.tickets.next_ticket_number())
    dynamo.tickets.insert_ticket(ticket, first_entry)
    changed, entry = taken_in_charge(ticket)
    dynamo.tickets.save_ticket(changed, expected_version=1, entry=entry)
    ports, _ = replaying(aws)

    with pytest.raises(ConcurrentModification):
        ports.tickets.save_ticket(changed.model_copy(update={"version": 3}), expected_version=1, entry=None)

    assert dynamo.tickets.load_ticket(ticket.number) == changed.model_copy(update={"history": (first_entry, entry)})


# ---------------------------------------------------------------------------------------- reads
def test_load_ticket_is_one_query(aws: CallLog, dynamo: Ports) -> None:
    ticket, first_entry = open_ticket(dynamo.tickets.next_ticket_number())
    dynamo.tickets.insert_ticket(ticket, first_entry)
    changed, entry = taken_in_charge(ticket)
    dynamo.tickets.save_ticket(changed, expected_version=1, entry=entry)
    aws.operations.clear()

    loaded = dynamo.tickets.load_ticket(ticket.number)

    assert loaded is not None
    assert len(loaded.history) == 2
    assert aws.operations == ["Query"]


def test_load_user_is_one_query(aws: CallLog, dynamo: Ports) -> None:
    profile, memberships = dynamo.directory.load_user(USER_IDS["paul"])

    assert profile is not None
    assert len(memberships) == 2
    assert aws.operations == ["Query"]


def test_list_members_is_one_query_and_one_batch_get(aws: CallLog, dynamo: Ports) -> None:
    found = dynamo.directory.list_members(OrgRef(kind=OrgKind.STRUCTURE, id=DUPONT))

    assert len(found) == 3
    assert aws.operations == ["Query", "BatchGetItem"]


def test_no_port_method_scans(aws: CallLog, dynamo: Ports) -> None:
    """Every method of every port, and the requests they make: never a Scan."""
    ticket, entry = open_ticket(dynamo.tickets.next_ticket_number())
    dynamo.tickets.insert_ticket(ticket, entry)
    changed, second = taken_in_charge(ticket)
    dynamo.tickets.save_ticket(changed, expected_version=1, entry=second)
    stored = dynamo.tickets.load_ticket(ticket.number)
    assert stored is not None
    dynamo.tickets.delete_ticket(stored)
    dynamo.tickets.load_ticket(987654)
    dynamo.directory.load_user(USER_IDS["marie"])
    dynamo.directory.list_members(OrgRef(kind=OrgKind.STRUCTURE, id=DUPONT))
    dynamo.directory.load_structure(DUPONT)
    dynamo.directory.load_team("SUPPORT")
    dynamo.payments.load_payment_request(DUPONT, ObjectType.INVOICE, "FAC-2026-0101")
    dynamo.reference.put_reference_data(structures=[STRUCTURES[DUPONT]])

    assert "Scan" not in aws.operations
    assert set(aws.operations) <= READS | WRITES
