"""Real races: many threads against a moto server, as many Lambda environments would hit DynamoDB.

Each thread calls the ticket service directly (one Powertools resolver serves one request at a time,
like one Lambda environment); the conditional writes must let exactly one conflicting action win."""

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

from chorus_desk import tickets
from chorus_desk.errors import ConcurrentModification, TransitionNotAllowed
from chorus_desk.repository import get_repository
from chorus_desk.schemas import CreateTicketRequest
from local_stack import demo
from local_stack.aws import free_port, serialize_dynamodb_writes
from local_stack.template import table_definition
from tests.support import TEST_IDS

pytestmark = pytest.mark.enable_socket
THREADS = 24


@pytest.fixture
def server(template: dict[str, Any]) -> Iterator[None]:
    serialize_dynamodb_writes()  # moto's rollback is not isolated; DynamoDB's transactions are
    port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{port}"
    try:
        boto3.client("dynamodb").create_table(**table_definition(template, "DeskTable", os.environ["TABLE_NAME"]))
        get_repository.cache_clear()
        demo.seed_directory(get_repository(), TEST_IDS)
        yield
    finally:
        get_repository.cache_clear()
        del os.environ["AWS_ENDPOINT_URL"]
        urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/moto-api/reset", method="POST"))
        moto.stop()


def who(alias: str) -> Any:
    return demo.identity(alias, TEST_IDS)


def new_ticket() -> int:
    request = CreateTicketRequest(
        submit=True,
        category="FACTURES_RECUES",
        subcategory="AUTRE",
        emitter_siret="53453679200011",
        title="Course",
        description="Qui gagne ?",
    )
    return tickets.create_ticket(who("marie"), request).number


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


def test_mutually_exclusive_actions_exactly_one_wins(server: None) -> None:
    """From Ouvert, an answer (→ Résolu) and an information request (→ En attente) exclude each other."""
    number = new_ticket()
    actions: list[Callable[[], Any]] = []
    for i in range(THREADS // 2):
        actions.append(partial(tickets.answer, who("lucas"), number, f"Réponse {i}"))
        actions.append(partial(tickets.request_information, who("sophie"), number, f"Question {i}"))

    outcome = race(actions)

    assert outcome["won"] == 1, outcome
    assert outcome["lost-race"] + outcome["lost-status"] == THREADS - 1
    ticket = get_repository().load_ticket(number)
    assert ticket is not None
    assert len(ticket.history) == 2  # the creation and the one winner
    assert ticket.version == 2
    assert ticket.status is ticket.history[-1].to_status


def test_a_mixed_race_never_loses_an_update(server: None) -> None:
    """Answers, closings and information requests at once: some may follow each other legitimately
    (an answer, then a closing); every applied one is in the history, chained status to status."""
    number = new_ticket()
    actions: list[Callable[[], Any]] = []
    for i in range(THREADS // 3):
        actions.append(partial(tickets.answer, who("lucas"), number, f"Réponse {i}"))
        actions.append(partial(tickets.close, who("marie"), number, f"Fermeture {i}"))
        actions.append(partial(tickets.request_information, who("sophie"), number, f"Question {i}"))

    outcome = race(actions)

    ticket = get_repository().load_ticket(number)
    assert ticket is not None
    assert len(ticket.history) == 1 + outcome["won"]
    assert ticket.version == 1 + outcome["won"]
    for before, after in zip(ticket.history, ticket.history[1:], strict=False):
        assert after.from_status is before.to_status
    assert ticket.status is ticket.history[-1].to_status


def test_concurrent_creations_get_distinct_increasing_numbers(server: None) -> None:
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        numbers = list(pool.map(lambda _: new_ticket(), range(THREADS)))
    assert sorted(numbers) == list(range(1, THREADS + 1))
