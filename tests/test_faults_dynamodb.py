"""What moto never answers, injected into the DynamoDB client the adapters use (tests/faults_support.py):

- ``TransactionConflict``: real DynamoDB cancels a transaction that meets another one on an item (the
  dashboard's counters are shared by all of an organisation's tickets); moto runs its writes one at a time and
  never does. The adapter builds such a transaction again and retries it: under 50 concurrent changes, each
  write's first attempt cancelled, every change lands or loses its race as it would without conflicts, and the
  dashboard's counters equal a recount of the tickets.
- Throttling (``ProvisionedThroughputExceededException``, ``ThrottlingException``, a transaction cancelled
  with ``ThrottlingError``): the client retries what it may (its attempts counted, its pauses recorded), then
  the handler answers a French 503 with ``Retry-After``, and nothing is half written.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

import boto3
import botocore.endpoint
import pytest
from botocore.config import Config
from moto import mock_aws

from chorus_desk import listing, messages
from chorus_desk.adapters.dynamodb import dynamodb_ports
from chorus_desk.adapters.dynamodb.table import THROTTLED_RETRY_AFTER
from chorus_desk.adapters.dynamodb.table import client as adapter_client
from chorus_desk.commands import ActOnTicket
from chorus_desk.errors import ConcurrentModification, StorageUnavailable, TransitionNotAllowed
from chorus_desk.lifecycle import Action, Status
from chorus_desk.ports import Ports
from chorus_desk.usecases import tickets
from local_stack.aws import serialize_dynamodb_writes
from local_stack.template import table_definition
from tests import fixtures
from tests.faults_support import AwsError, Faults, Pauses, cancelled, throttling, throughput_exceeded
from tests.support import Api

TABLE = os.environ["TABLE_NAME"]


def items(client: Any) -> list[dict[str, Any]]:
    """The whole table, sorted by key (a test's own look through a client of its own, not a request path)."""
    pages = client.get_paginator("scan").paginate(TableName=TABLE, ConsistentRead=True)
    found = [item for page in pages for item in page["Items"]]
    return sorted(found, key=lambda i: (i["PK"]["S"], i["SK"]["S"]))


def new_ticket(ports: Ports, alias: str = "marie") -> int:
    """A ticket of Menuiserie Dupont sent to the support (Lucas and Sophie answer it)."""
    return fixtures.new_ticket(ports, alias, category="FACTURES_RECUES", subcategory="AUTRE", title="Paiement")


# ------------------------------------------------------------------------------------------ throttling
@dataclass
class World:
    api: Api
    faults: Faults
    pauses: Pauses
    look: Any  # a client of the test's own, outside the faults

    @property
    def ports(self) -> Ports:
        return self.api.ports


@pytest.fixture
def world(template: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """The real handlers on DynamoDB ports (moto) whose client is the adapter's own (its retries as deployed),
    with faults injected at will; the client's backoff pauses recorded, not slept."""
    pauses = Pauses()
    monkeypatch.setattr(botocore.endpoint, "time", pauses)
    with mock_aws():
        client = adapter_client()
        client.create_table(**table_definition(template, "DeskTable", TABLE))
        faults = Faults(client)
        ports = dynamodb_ports(TABLE, client)
        fixtures.seed(ports)
        api = Api(template, ports)
        yield World(api, faults, pauses, boto3.client("dynamodb"))
        api.close()
    assert "Scan" not in faults.sent, "a request path used a DynamoDB Scan"


def throttled_answer(reply: Any) -> None:
    """The French 503 of a throttled store, with the delay in its header and its text."""
    assert reply.status == 503, reply.body
    assert reply.body["code"] == StorageUnavailable.code
    assert reply.body["message"] == messages.STORAGE_THROTTLED.format(seconds=THROTTLED_RETRY_AFTER)
    assert reply.headers["Retry-After"] == str(THROTTLED_RETRY_AFTER)


def test_a_throttled_write_is_retried_by_the_client_and_goes_through(world: World) -> None:
    number = new_ticket(world.ports)
    world.faults.fail("TransactWriteItems", throughput_exceeded, times=world.faults.total_attempts - 1)
    world.faults.sent.clear()

    reply = world.api.call("answer", "lucas", number, body={"text": "Le virement part ce soir."})

    assert reply.status == 200, reply.body
    assert reply.body["status"]["code"] == "RESOLVED"
    assert world.faults.sent["TransactWriteItems"] == world.faults.total_attempts  # the last one went through
    assert len(world.pauses.asked) == world.faults.total_attempts - 1  # a pause before each retry
    ticket = world.ports.tickets.load_ticket(number)
    assert ticket is not None
    assert [e.action for e in ticket.history] == [Action.CREATE_AND_SUBMIT, Action.ANSWER]


def test_a_write_throttled_past_the_retries_is_a_french_503_with_retry_after_and_nothing_written(
    world: World,
) -> None:
    number = new_ticket(world.ports)
    before = items(world.look)
    world.faults.fail("TransactWriteItems", throughput_exceeded)
    world.faults.sent.clear()

    reply = world.api.call("answer", "lucas", number, body={"text": "Le virement part ce soir."})

    throttled_answer(reply)
    assert world.faults.sent["TransactWriteItems"] == world.faults.total_attempts  # retried, then given up
    assert world.faults.injected["TransactWriteItems"] == world.faults.total_attempts
    assert items(world.look) == before  # no status, no history entry, no list row, no counter changed
    world.faults.clear()
    assert world.api.call("answer", "lucas", number, body={"text": "Le virement part ce soir."}).status == 200


def test_a_throttled_read_is_a_french_503_with_retry_after(world: World) -> None:
    number = new_ticket(world.ports)
    world.faults.fail("Query", throttling)
    world.faults.sent.clear()

    reply = world.api.call("get_ticket", "marie", number)

    throttled_answer(reply)
    assert world.faults.sent["Query"] == world.faults.total_attempts


def test_a_transaction_cancelled_for_throttling_is_a_503_with_retry_after_and_nothing_written(
    world: World,
) -> None:
    """DynamoDB reports a throttled transaction in its cancellation reasons; the client does not retry a
    cancellation, and the adapter must not take it for a conflict on the ticket (409) or a lost race."""
    number = new_ticket(world.ports)
    before = items(world.look)

    def throttled_transaction(name: str, body: dict[str, Any]) -> AwsError | None:
        if name != "TransactWriteItems":
            return None
        return cancelled(body["TransactItems"], lambda item: "ThrottlingError" if "Update" in item else None)

    world.faults.add(throttled_transaction)
    world.faults.sent.clear()

    reply = world.api.call("close_ticket", "marie", number, body={"comment": "Réglé."})

    throttled_answer(reply)
    assert world.faults.sent["TransactWriteItems"] == 1
    assert items(world.look) == before


def test_a_creation_throttled_past_the_retries_leaves_no_ticket_only_a_number_skipped(world: World) -> None:
    new_ticket(world.ports)
    before = items(world.look)
    world.faults.fail("TransactWriteItems", throughput_exceeded)

    reply = world.api.create("marie", title="Paiement")

    throttled_answer(reply)
    after = items(world.look)
    counter = {"PK": {"S": "COUNTER#TICKET"}, "SK": {"S": "COUNTER"}}

    def without_counter(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [i for i in found if {"PK": i["PK"], "SK": i["SK"]} != counter]

    assert without_counter(after) == without_counter(before)  # no ticket, history, list row nor count
    (old,) = [i for i in before if {"PK": i["PK"], "SK": i["SK"]} == counter]
    (new,) = [i for i in after if {"PK": i["PK"], "SK": i["SK"]} == counter]
    assert int(new["value"]["N"]) == int(old["value"]["N"]) + 1  # the number taken is never given again


def test_a_write_applied_whose_client_heard_in_progress_then_met_its_own_write_is_done(world: World) -> None:
    """The first send of a transaction applies, but the client never learns it: its reply is lost and each
    retry with the same token finds it still in progress (``TransactionInProgressException``, which the client
    retries). The adapter then tries with a new token, meets its own write (the condition fails) and must
    recognise it: the answer is the ticket answered, not a conflict."""
    number = new_ticket(world.ports)
    tokens: list[str] = []
    attempts = world.faults.total_attempts

    def lost_reply(name: str, body: dict[str, Any]) -> AwsError | None:
        if name != "TransactWriteItems":
            return None
        tokens.append(body["ClientRequestToken"])
        if len(tokens) > attempts:
            return None
        message = "Transaction request with the given client token is in progress."
        return AwsError(400, "TransactionInProgressException", message, applied=len(tokens) == 1)

    world.faults.add(lost_reply)

    reply = world.api.call("answer", "lucas", number, body={"text": "Le virement part ce soir."})

    assert reply.status == 200, reply.body
    assert len(tokens) == attempts + 1
    assert len(set(tokens[:attempts])) == 1 and tokens[-1] != tokens[0]  # the client's retries, then a new token
    ticket = world.ports.tickets.load_ticket(number)
    assert ticket is not None
    assert [e.action for e in ticket.history] == [Action.CREATE_AND_SUBMIT, Action.ANSWER]


# ------------------------------------------------------------------------------------------- conflicts
THREADS = 24


class FirstAttemptConflicts:
    """Every transaction a thread sends after one that went through is cancelled with ``TransactionConflict``
    on its counter updates (the items two writes of one organisation share), as DynamoDB cancels one of two
    transactions that meet: each write's first attempt conflicts, the adapter's next attempt goes through to
    moto (and applies, or meets its own condition)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def __call__(self, operation: str, body: dict[str, Any]) -> AwsError | None:
        if operation != "TransactWriteItems":
            return None
        if getattr(self._local, "conflicted", False):
            self._local.conflicted = False
            return None
        self._local.conflicted = True
        return cancelled(body["TransactItems"], lambda item: "TransactionConflict" if "Update" in item else None)


@pytest.fixture
def threaded(template: dict[str, Any]) -> Iterator[tuple[Ports, Faults, Any]]:
    """DynamoDB ports on moto for many threads (as many Lambda environments), its writes isolated from each
    other as DynamoDB's are, through a client with the adapter's retries and faults injected; a client of the
    test's own to read the table."""
    serialize_dynamodb_writes()
    with mock_aws():
        # A longer read timeout than the adapter's: moto under 24 threads is far slower than DynamoDB.
        config = Config(retries={"max_attempts": 3, "mode": "standard"}, read_timeout=60)
        client = boto3.client("dynamodb", config=config)
        client.create_table(**table_definition(template, "DeskTable", TABLE))
        ports = dynamodb_ports(TABLE, client)
        fixtures.seed(ports)
        yield ports, Faults(client), boto3.client("dynamodb")


def stored_counters(look: Any) -> dict[tuple[str, str], dict[str, int]]:
    """Every dashboard counter item of the table, its non-zero numbers per status."""
    found: dict[tuple[str, str], dict[str, int]] = {}
    for item in items(look):
        if item["PK"]["S"].startswith("COUNTS#"):
            numbers = {k: int(v["N"]) for k, v in item.items() if k in Status.__members__ and int(v["N"])}
            if numbers:
                found[(item["PK"]["S"], item["SK"]["S"])] = numbers
    return found


def recount(ports: Ports, numbers: range) -> dict[tuple[str, str], dict[str, int]]:
    """The same counters, from the tickets themselves (the rows each one has now)."""
    totals: dict[tuple[str, str], Counter[str]] = {}
    for number in numbers:
        ticket = ports.tickets.load_ticket(number)
        if ticket is None:
            continue
        for key, deltas in listing.counter_deltas(None, ticket).items():
            totals.setdefault(key, Counter()).update(deltas)
    return {key: {s: n for s, n in counts.items() if n} for key, counts in totals.items() if any(counts.values())}


def outcome_of(action: Callable[[], Any]) -> str:
    try:
        action()
    except ConcurrentModification:
        return "lost-race"
    except TransitionNotAllowed:
        return "lost-status"
    except StorageUnavailable:
        return "unavailable"
    return "won"


def test_fifty_concurrent_changes_with_conflicts_are_retried_and_the_dashboard_equals_a_recount(
    threaded: tuple[Ports, Faults, Any],
) -> None:
    ports, faults, look = threaded
    existing = [new_ticket(ports) for _ in range(20)]
    contested, followed = existing[:10], existing[10:]

    def doing(alias: str, number: int, action: Action, text: str | None = None) -> Callable[[], Any]:
        return partial(tickets.act, ports, fixtures.user(ports, alias), ActOnTicket(number, action, text))

    changes: list[Callable[[], Any]] = [partial(new_ticket, ports, ("marie", "paul")[i % 2]) for i in range(10)]
    for number in contested:  # exclusive: exactly one of the two lands
        changes.append(doing("lucas", number, Action.ANSWER, "Le virement part ce soir."))
        changes.append(doing("sophie", number, Action.REQUEST_INFORMATION, "Quel numéro de facture ?"))
    for number in followed:  # may follow each other: taken in charge, then closed (or closed first)
        changes.append(doing("lucas", number, Action.TAKE_IN_CHARGE))
        changes.append(doing("marie", number, Action.CLOSE, "Réglé entre-temps."))
    assert len(changes) == 50
    faults.add(FirstAttemptConflicts())
    faults.sent.clear()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = list(pool.map(outcome_of, changes))

    assert outcomes[:10] == ["won"] * 10  # every creation landed
    assert "unavailable" not in outcomes  # no conflict reached a caller
    for i in range(10):
        assert sorted(outcomes[10 + 2 * i : 12 + 2 * i]) in (["lost-race", "won"], ["lost-status", "won"])
    won = outcomes.count("won")
    # Each write met one conflict first, then went to the table: twice as many sends as conflicts.
    assert faults.injected["TransactWriteItems"] >= won
    assert faults.sent["TransactWriteItems"] == 2 * faults.injected["TransactWriteItems"]
    faults.clear()
    last = max(existing) + 10
    for number in range(1, last + 1):
        ticket = ports.tickets.load_ticket(number)
        assert ticket is not None
        assert ticket.version == len(ticket.history)  # every applied change in the history, none lost
        for before, after in zip(ticket.history, ticket.history[1:], strict=False):
            assert after.from_status is before.to_status
    assert stored_counters(look) == recount(ports, range(1, last + 1))
