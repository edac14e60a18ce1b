"""`make bench`: what a request costs, reported as counts and ratios (never asserted on time).

1. DynamoDB calls per route, through the real handlers (moto in-process).
2. Read cost as the table grows: items DynamoDB examines to serve one ticket detail, with 10 and with
   300 tickets of other structures in the table (the ratio should be 1.0: every read is a Query on a key).
   (moto copies the table in every transaction: filling it is slow, the figure would be the same at any size.)
3. Cold start: import time and peak memory of each handler module in a fresh interpreter (median of 5).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections import Counter
from typing import Any

import boto3
from moto import mock_aws

import tests.conftest  # noqa: F401  # the tests' environment: dummy credentials, table name, Powertools quiet
from chorus_desk import tickets
from chorus_desk.observability import metrics
from chorus_desk.repository import get_repository
from chorus_desk.schemas import CreateTicketRequest
from local_stack import demo
from local_stack.template import ROOT, api_routes, load_template, resources_of_type, table_definition
from tests.support import TEST_IDS, Api, CallLog, sample_event, snake

ROUTE_STATUS = {  # the status a ticket must be in for the route's sample event to succeed
    "get_ticket": "OPEN",
    "update_draft": "DRAFT",
    "delete_draft": "DRAFT",
    "submit_draft": "DRAFT",
    "take_in_charge": "OPEN",
    "request_information": "OPEN",
    "provide_information": "AWAITING_INFO",
    "answer": "OPEN",
    "accept_solution": "RESOLVED",
    "refuse_solution": "RESOLVED",
    "close_ticket": "OPEN",
    "assign_ticket": "IN_PROGRESS",
    "list_agents": "OPEN",
}
ROUTE_USER = {
    "take_in_charge": "sophie",
    "request_information": "sophie",
    "answer": "sophie",
    "assign_ticket": "sophie",
    "list_agents": "sophie",
    "get_catalogue": None,
}
# Creation for each routing rule (the sample event is a technical-support pair).
ROUTED_CREATIONS: dict[str, dict[str, Any]] = {
    "about an invoice": {
        "subcategory": "REJET_FACTURE",
        "emitter_service": None,
        "object_type": "FACTURE",
        "object_number": "FAC-2026-0101",
    },
    "to a public entity": {
        "subcategory": "QUESTION_ENTITE_PUBLIQUE",
        "recipient_is_state_service": False,
        "recipient_siret": "21350002800013",
    },
}


class Examined:
    """Sums the items DynamoDB examined (ScannedCount of Queries, one per GetItem hit)."""

    def __init__(self) -> None:
        self.items = 0

    def __call__(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name == "Query":
            self.items += int(parsed.get("ScannedCount", 0))
        elif model.name == "GetItem" and "Item" in parsed:
            self.items += 1


def fresh_table(template: dict[str, Any]) -> CallLog:
    boto3.client("dynamodb").create_table(**table_definition(template, "DeskTable", os.environ["TABLE_NAME"]))
    get_repository.cache_clear()
    log = CallLog()
    get_repository()._client.meta.events.register("before-call.dynamodb.*", log.record)
    demo.seed_directory(get_repository(), TEST_IDS)
    log.operations.clear()
    return log


def calls_per_route(template: dict[str, Any]) -> list[tuple[str, str, Counter[str], int]]:
    rows = []
    for route in api_routes(template):
        name = snake(route.name)
        with mock_aws():
            log = fresh_table(template)
            api = Api(template)
            number = api.ticket_in(ROUTE_STATUS[name]) if name in ROUTE_STATUS else None
            log.operations.clear()
            body = sample_event(name)["body"]
            user = ROUTE_USER.get(name, "marie")
            reply = api.call(name, user, number, body=json.loads(body) if body else None)
            rows.append((f"{route.method} {route.path}", name, log.counts(), reply.status))
    for label, fields in ROUTED_CREATIONS.items():
        with mock_aws():
            log = fresh_table(template)
            reply = Api(template).create("marie", **fields)
            rows.append((f"POST /tickets ({label})", "create_ticket", log.counts(), reply.status))
    return rows


def read_cost(template: dict[str, Any], others: int) -> int:
    with mock_aws():
        fresh_table(template)
        for i in range(others):  # tickets of another structure, with some history
            request = CreateTicketRequest(
                submit=True,
                category="FACTURES_RECUES",
                subcategory="AUTRE",
                emitter_siret="80123456800013",
                title=f"Autre {i}",
                description="…",
            )
            tickets.create_ticket(demo.identity("nora", TEST_IDS), request)
            metrics.clear_metrics()  # no handler flushes them here
        mine = Api(template).ticket_in("RESOLVED")
        examined = Examined()
        get_repository()._client.meta.events.register("after-call.dynamodb.*", examined)
        Api(template).call("get_ticket", "marie", mine)
        return examined.items


COLD_IMPORT = """
import os, sys, time, json
from local_stack.template import load_template, load_handler_module, use_layers
template = load_template(); use_layers(template)
started = time.perf_counter()
load_handler_module(template, sys.argv[1])
elapsed = (time.perf_counter() - started) * 1000
peak_kb = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"ms": elapsed, "rss_mb": peak_kb / 1024}))
"""


def cold_start(function: str, runs: int = 5) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    samples = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", COLD_IMPORT, function],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        for _ in range(runs)
    ]
    return statistics.median(s["ms"] for s in samples), statistics.median(s["rss_mb"] for s in samples)


def main() -> None:
    template = load_template()
    print("## DynamoDB calls per request (real handlers, moto)\n")
    print("| route | status | Query | GetItem | BatchGetItem | UpdateItem | TransactWriteItems | total calls |")
    print("|---|---|---|---|---|---|---|---|")
    for label, _, counts, status in calls_per_route(template):
        total = sum(counts.values())
        print(
            f"| {label} | {status} | {counts['Query']} | {counts['GetItem']} | {counts['BatchGetItem']} "
            f"| {counts['UpdateItem']} | {counts['TransactWriteItems']} | {total} |"
        )
    cold = {f: cold_start(f) for f in resources_of_type(template, "AWS::Serverless::Function")}
    small, large = read_cost(template, 10), read_cost(template, 300)
    print("\n## Read cost versus table size\n")
    print("| tickets of other structures | items examined for one ticket detail |")
    print("|---|---|")
    print(f"| 10 | {small} |\n| 300 | {large} |")
    print(f"\nratio 300 / 10: {large / small:.2f} (1.00 = the cost does not grow with others' tickets)")
    print("\n## Cold start: handler import in a fresh interpreter (median of 5)\n")
    print("| function | import ms | peak RSS MB |")
    print("|---|---|---|")
    for function, (ms, rss) in cold.items():
        print(f"| {function} | {ms:.0f} | {rss:.0f} |")
    print(f"\n(Python {sys.version.split()[0]} on this machine; Lambda's arm64 figures differ, the ratios hold.)")


if __name__ == "__main__":
    main()
