"""The inactivation's move (``usecases.structures.move_batch``) with a stale index, as DynamoDB's global
secondary indexes may answer (they are eventually consistent) and moto never does: an index page that still
lists items an earlier batch moved, or that misses an item that arrived just before. The Query is answered
from a copy of the table taken earlier (``StaleIndex``), through the real DynamoDB client of the tasks, during
the batches a test chooses; the state machine, its tasks and the API are the real ones
(tests/test_inactivation_machine.py's world). Every item must move exactly once: one write each, one REROUTE
entry per ticket, the totals and the dashboards exact."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from unittest import mock

import boto3
import pytest
from moto import mock_aws
from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl

from chorus_desk import bootstrap, messages
from chorus_desk.adapters.dynamodb import dynamodb_ports
from chorus_desk.adapters.stepfunctions import StepFunctionsWorkflow
from local_stack import workflows
from local_stack.aws import serialize_dynamodb_writes
from local_stack.template import Resolver, table_definition
from tests import fixtures
from tests.structures_data import (
    ATELIERS,
    RECEIVED_PAYMENTS,
    SAINT_LEGER,
    assert_dashboards_match_a_recount,
    payments_of,
    received_ticket,
    received_tickets,
    recipient_of,
    reroutes,
    seed_takeover,
)
from tests.support import Api
from tests.test_inactivation_machine import MACHINE, MOVED, TASKS, Machine, Waits, _task_outputs, faulty

TABLE = os.environ["TABLE_NAME"]
STALE = f"{TABLE}-as-it-was"


class StaleIndex:
    """Index reads as they would have answered at ``freeze()``: during the move batches in ``batches``, a Query
    on an index of the table is sent to a copy of the table taken then (the same indexes, the items of that
    moment). Each move batch starts with its Query of the payment requests addressed to the structure
    (``PAYMENTS_TO#``): that is how batches are counted (a batch the machine retries counts again)."""

    def __init__(self, client: Any, look: Any) -> None:
        self.look = look
        self.batches: set[int] = set()
        self.batch = 0
        self.served = 0  # index pages answered from the copy
        client.meta.events.register("before-parameter-build.dynamodb.Query", self._route)

    def freeze(self) -> None:
        """The copy: every item of the table, now (a test's own look, not a request path)."""
        for page in self.look.get_paginator("scan").paginate(TableName=TABLE, ConsistentRead=True):
            for start in range(0, len(page["Items"]), 25):
                chunk = page["Items"][start : start + 25]
                self.look.batch_write_item(RequestItems={STALE: [{"PutRequest": {"Item": i}} for i in chunk]})

    def _route(self, params: dict[str, Any], **_: Any) -> None:
        if params.get("TableName") != TABLE or "IndexName" not in params:
            return
        partition = str(params.get("ExpressionAttributeValues", {}).get(":pk", {}).get("S", ""))
        if partition.startswith("PAYMENTS_TO#"):
            self.batch += 1
        if self.batch in self.batches:
            params["TableName"] = STALE
            self.served += 1


@dataclass
class World:
    machine: Machine
    index: StaleIndex


@pytest.fixture
def world(template: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int], World]]:
    """``world(batch_size)``: the desk on moto with the inactivation state machine of template.yaml, its tasks
    routed in-process on DynamoDB ports whose client reads the index through ``StaleIndex``; each item's
    writes counted (``machine.faults.moved``); moto's Retry waits recorded, not slept."""
    serialize_dynamodb_writes()
    with mock_aws(config=workflows.MOTO_CONFIG):
        client = boto3.client("dynamodb")
        client.create_table(**table_definition(template, "DeskTable", TABLE))
        client.create_table(**table_definition(template, "DeskTable", STALE))
        index = StaleIndex(client, boto3.client("dynamodb"))
        ports = dynamodb_ports(TABLE, client)
        fixtures.seed(ports)
        seed_takeover(ports)
        waits = Waits()
        stops: list[Callable[[], None]] = []

        def make(batch_size: int) -> World:
            resolver = Resolver(
                template,
                parameters={"Stage": "test", "CompanyRegistry": "LOCAL", "MoveBatchSize": str(batch_size)},
                names={"DeskTable": TABLE},
            )
            functions = workflows.create_functions(template, resolver, boto3.client)
            assert list(functions) == [TASKS]
            machines = workflows.create_state_machines(template, resolver, boto3.client)

            def environment(variables: Mapping[str, str]) -> None:
                for name, value in variables.items():
                    monkeypatch.setenv(name, value)

            router = workflows.LambdaRouter(template, resolver, apply_environment=environment)
            router.route(*functions)
            stops.append(workflows.route_invocations(router))
            sfn = boto3.client("stepfunctions")
            api = Api(template, ports)
            api.workflow = StepFunctionsWorkflow(machines[MACHINE], sfn)
            machine = Machine(api, sfn, machines[MACHINE], router, waits, monkeypatch)
            api.registry = machine.registry
            monkeypatch.setattr(bootstrap, "ports", lambda: faulty(ports, machine.faults))
            monkeypatch.setattr(bootstrap, "registry", lambda: machine.registry)
            stops.append(api.close)
            return World(machine, index)

        with mock.patch.object(retrier_decl, "time", waits):
            yield make
        for stop in stops:
            stop()


def moves(machine: Machine) -> list[tuple[int, int, bool]]:
    """What each move batch that succeeded reported: (payments moved, tickets moved, done)."""
    outputs = [json.loads(e["taskSucceededEventDetails"]["output"])["Payload"] for e in _task_outputs(machine)]
    return [(o["payments"], o["tickets"], o["done"]) for o in outputs]


def assert_each_moved_once(machine: Machine, tickets: Mapping[str, int]) -> None:
    """Every payment request and every ticket the commune received (closed ones stay) is the Ateliers' now,
    each written once, each ticket with one REROUTE entry; the dashboards equal a recount."""
    assert set(payments_of(machine.ports).values()) == {ATELIERS}
    moved = {name: n for name, n in tickets.items() if name != "CLOSED"}
    for name, number in tickets.items():
        expected = (SAINT_LEGER, 0) if name == "CLOSED" else (ATELIERS, 1)
        assert (recipient_of(machine.ports, number), len(reroutes(machine.ports, number))) == expected, name
    expected_writes = {f"payment {p.number}" for p in RECEIVED_PAYMENTS} | {f"ticket {n}" for n in moved.values()}
    assert machine.faults.moved == Counter(dict.fromkeys(expected_writes, 1))
    assert_dashboards_match_a_recount(machine.api, list(tickets.values()))


def test_a_stale_page_that_still_lists_moved_items_moves_nothing_twice(world: Callable[[int], World]) -> None:
    built = world(2)
    machine, index = built.machine, built.index
    tickets = received_tickets(machine.api)
    index.freeze()  # the index as it is before anything moves
    index.batches = {2, 3}  # the second and third batches read it so: the first batch's items still listed

    described, operation = machine.run()

    assert described["status"] == "SUCCEEDED", described
    assert index.served >= 2
    batches = moves(machine)
    assert batches[0] == (2, 0, False)
    assert batches[1:3] == [(0, 0, False)] * 2  # found again, written no more, and the loop went on
    assert_each_moved_once(machine, tickets)
    assert (operation["moved_payments"], operation["moved_tickets"]) == (len(RECEIVED_PAYMENTS), len(MOVED))
    assert operation["message"] == messages.INACTIVATION_DONE.format(siret=SAINT_LEGER, payments=3, tickets=4)


def test_a_stale_page_that_misses_a_new_ticket_does_not_end_the_move(world: Callable[[int], World]) -> None:
    """The index has not seen a ticket that arrived just before: the batch finds fewer items than it asked for,
    which alone would end the move and leave that ticket with an inactive structure. The counters, written
    with the tickets and read strongly consistent, say one is still there: the move goes on and takes it."""
    built = world(10)
    machine, index = built.machine, built.index
    tickets = received_tickets(machine.api)
    index.freeze()
    tickets["NEW"] = received_ticket(machine.api, "OPEN", number="FAC-2026-0102")  # after the copy: unseen
    index.batches = {1}

    described, operation = machine.run()

    assert described["status"] == "SUCCEEDED", described
    assert index.served >= 1
    assert moves(machine) == [(3, 4, False), (0, 1, True)]  # the first batch did not say done
    assert_each_moved_once(machine, tickets)
    assert (operation["moved_payments"], operation["moved_tickets"]) == (3, 5)


def test_an_index_still_behind_on_the_next_batch_is_retried_by_the_machine(world: Callable[[int], World]) -> None:
    """The next batch reads the stale index again: it finds only items already moved, moves nothing, and the
    counters still say a ticket is there. The task fails as a storage fault, which the machine retries after a
    pause; the retried batch reads the index caught up and moves the ticket."""
    built = world(10)
    machine, index = built.machine, built.index
    tickets = received_tickets(machine.api)
    index.freeze()
    tickets["NEW"] = received_ticket(machine.api, "OPEN", number="FAC-2026-0102")
    index.batches = {1, 2}

    operation_id = machine.start()
    described, operation = machine.finish(operation_id)

    assert described["status"] == "SUCCEEDED", described
    assert machine.task_errors(operation_id) == ["StorageUnavailable"]
    assert len(machine.waits.asked) == 1
    assert moves(machine) == [(3, 4, False), (0, 1, True)]
    assert_each_moved_once(machine, tickets)
    assert (operation["moved_payments"], operation["moved_tickets"]) == (3, 5)
