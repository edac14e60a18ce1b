"""Real races: many threads against a moto server, as many Lambda environments would hit DynamoDB.

Each thread calls the ticket use cases directly on DynamoDB ports (one Powertools resolver serves one
request at a time, like one Lambda environment); the conditional writes must let exactly one conflicting
action win."""

from __future__ import annotations

import os
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from chorus_desk.actors import SignedInUser
from chorus_desk.adapters.dynamodb import dynamodb_ports
from chorus_desk.commands import ActOnTicket
from chorus_desk.errors import ConcurrentModification, TransitionNotAllowed
from chorus_desk.lifecycle import Action
from chorus_desk.ports import Ports
from chorus_desk.usecases import tickets
from local_stack.aws import free_port, serialize_dynamodb_writes
from local_stack.template import table_definition
from tests import fixtures

pytestmark = pytest.mark.enable_socket
THREADS = 24


@pytest.fixture
def server(template: dict[str, Any]) -> Iterator[Ports]:
    serialize_dynamodb_writes()  # moto's rollback is not isolated; DynamoDB's transactions are
    port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{port}"
    try:
        boto3.client("dynamodb").create_table(**table_definition(template, "DeskTable", os.environ["TABLE_NAME"]))
        ports = dynamodb_ports(os.environ["TABLE_NAME"])
        fixtures.seed(ports)
        yield ports
    finally:
        del os.environ["AWS_ENDPOINT_URL"]
        urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/moto-api/reset", method="POST"))
        moto.stop()


def who(ports: Ports, alias: str) -> SignedInUser:
    return fixtures.user(ports, alias)


def new_ticket(ports: Ports) -> int:
    return fixtures.new_ticket(ports, category="FACTURES_RECUES", subcategory="AUTRE", title="Course")


def doing(ports: Ports, alias: str, number: int, action: Action, text: str) -> Callable[[], Any]:
    return partial(tickets.act, ports, who(ports, alias), ActOnTicket(number, action, text))


def race(actions: list[Callable[[], Any]]) -> Counter[str]:
    def attempt(action: Callable[[], Any]) -> str:
        try:
            action()
        except ConcurrentModification:
            return "lost-race"
        except TransitionNotAllowed:
            return "lost-status"
        return "won"

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return Counter(pool.map(attempt, actions))


def test_mutually_exclusive_actions_exactly_one_wins(server: Ports) -> None:
    """From Ouvert, an answer (→ Résolu) and an information request (→ En attente) exclude each other."""
    number = new_ticket(server)
    actions: list[Callable[[], Any]] = []
    for i in range(THREADS // 2):
        actions.append(doing(server, "lucas", number, Action.ANSWER, f"Réponse {i}"))
        actions.append(doing(server, "sophie", number, Action.REQUEST_INFORMATION, f"Question {i}"))

    outcome = race(actions)

    assert outcome["won"] == 1, outcome
    assert outcome["lost-race"] + outcome["lost-status"] == THREADS - 1
    ticket = server.tickets.load_ticket(number)
    assert ticket is not None
    assert len(ticket.history) == 2  # the creation and the one winner
    assert ticket.version == 2
    assert ticket.status is ticket.history[-1].to_status


def test_a_mixed_race_never_loses_an_update(server: Ports) -> None:
    """Answers, closings and information requests at once: some may follow each other legitimately
    (an answer, then a closing); every applied one is in the history, chained status to status."""
    number = new_ticket(server)
    actions: list[Callable[[], Any]] = []
    for i in range(THREADS // 3):
        actions.append(doing(server, "lucas", number, Action.ANSWER, f"Réponse {i}"))
        actions.append(doing(server, "marie", number, Action.CLOSE, f"Fermeture {i}"))
        actions.append(doing(server, "sophie", number, Action.REQUEST_INFORMATION, f"Question {i}"))

    outcome = race(actions)

    ticket = server.tickets.load_ticket(number)
    assert ticket is not None
    assert len(ticket.history) == 1 + outcome["won"]
    assert ticket.version == 1 + outcome["won"]
    for before, after in zip(ticket.history, ticket.history[1:], strict=False):
        assert after.from_status is before.to_status
    assert ticket.status is ticket.history[-1].to_status


def test_concurrent_creations_get_distinct_numbers(server: Ports) -> None:
    """Unique, not dense (docs/decisions.md): a counter's ``ADD`` that botocore sends again after a read timeout may
    have counted the first time, which leaves a gap (CI's run met 4 on a loaded machine), never a duplicate."""
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        numbers = list(pool.map(lambda _: new_ticket(server), range(THREADS)))
    assert len(set(numbers)) == THREADS, sorted(numbers)
    assert min(numbers) >= 1
    for number in numbers:
        ticket = server.tickets.load_ticket(number)
        assert ticket is not None
        assert ticket.number == number
