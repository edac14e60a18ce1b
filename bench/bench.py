"""`make bench`: what a request costs, reported as counts and ratios (never asserted on time).

1. DynamoDB calls per route, through the real handlers (moto in-process).
2. Read cost as the table grows: items DynamoDB examines to serve one ticket detail, with 10 and with
   300 tickets of other structures in the table (the ratio should be 1.0: every read is a Query on a key).
   (moto copies the table in every transaction: filling it is slow, the figure would be the same at any size.)
3. Cold start: each function's import and first request's build-up against a bare boto3 client (bench/coldstart.py).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import timedelta
from typing import Any

import boto3
from moto import mock_aws

import tests.conftest  # noqa: F401  # the tests' environment: dummy credentials, table name, Powertools quiet
from bench import coldstart
from chorus_desk import links
from chorus_desk.actors import SystemActor
from chorus_desk.adapters.dynamodb import dynamodb_ports
from chorus_desk.adapters.memory.files import MemoryFiles
from chorus_desk.adapters.memory.mailer import MemoryMailer
from chorus_desk.adapters.memory.signing import FixedSigningKey
from chorus_desk.commands import ContentChanges, CreateTicket
from chorus_desk.models import TicketContent, utc_now
from chorus_desk.observability import metrics
from chorus_desk.ports import Ports
from chorus_desk.usecases import tickets
from chorus_desk.usecases.attachments import check_upload
from chorus_desk.usecases.mail import RecipientCap, StatusLinks, deliver_event
from local_stack.template import api_routes, load_handler_module, load_template, table_definition
from tests import fixtures
from tests.support import Api, CallLog, sample_event, snake

CHAT_FUNCTIONS = {"ChatApiFunction", "PublicChatFunction"}  # the live chat's REST routes (bench/chat.py)
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
    "request_upload": "DRAFT",
    "download_attachment": "DRAFT",
    "remove_attachment": "DRAFT",
}
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40  # a 10 ko file for the attachment routes
ROUTE_USER = {
    "new_captcha": None,
    "create_anonymous_ticket": None,
    "ticket_status": None,
    "take_in_charge": "sophie",
    "request_information": "sophie",
    "answer": "sophie",
    "assign_ticket": "sophie",
    "list_agents": "sophie",
    "get_catalogue": None,
    "get_satisfaction": "sophie",
    "start_public_conversation": None,
    "get_public_conversation": None,
    "send_public_message": None,
    "give_public_feedback": None,
}
ROUTE_CONVERSATION = {  # the route that starts the conversation the route's sample event is about
    "get_conversation": "start_conversation",
    "send_message": "start_conversation",
    "give_feedback": "start_conversation",
    "get_public_conversation": "start_public_conversation",
    "send_public_message": "start_public_conversation",
    "give_public_feedback": "start_public_conversation",
}
# The assistant's costliest messages: (user, the messages that lead there, the message measured).
SIRET_SHOWN = "21769001500011"  # the commune of Saint-Léger, which claire manages
ASSISTANT_MESSAGES: dict[str, tuple[str, list[dict[str, str]], dict[str, str]]] = {
    "a SIRET shown": (
        "claire",
        [{"choice": "TOPIC:STRUCTURE_PROCEDURE"}, {"choice": "PUBLIC"}, {"choice": "INACTIVATE"}],
        {"text": SIRET_SHOWN},
    ),
    "an inactivation started": (
        "claire",
        [
            {"choice": "TOPIC:STRUCTURE_PROCEDURE"},
            {"choice": "PUBLIC"},
            {"choice": "INACTIVATE"},
            {"text": SIRET_SHOWN},
            {"choice": "CONFIRM"},
            {"choice": "YES"},
            {"text": "13000004500018"},
        ],
        {"choice": "CONFIRM"},
    ),
    "a ticket sent to an agent": ("marie", [{"text": "je veux parler a un conseiller"}], {"choice": "SEND_TICKET"}),
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


def fresh_table(template: dict[str, Any]) -> tuple[Ports, CallLog]:
    """The table of template.yaml in moto, the tests' world in it, and the log of the ports' calls."""
    client = boto3.client("dynamodb")
    client.create_table(**table_definition(template, "DeskTable", os.environ["TABLE_NAME"]))
    log = CallLog(client=client)
    client.meta.events.register("before-call.dynamodb.*", log.record)
    ports = dynamodb_ports(os.environ["TABLE_NAME"], client)
    fixtures.seed(ports)
    log.operations.clear()
    return ports, log


def calls_per_route(template: dict[str, Any]) -> list[tuple[str, str, Counter[str], int]]:
    rows = []
    for route in api_routes(template):
        if route.function in CHAT_FUNCTIONS:
            continue  # a chat needs an agent at the desk first: bench/chat.py counts its calls
        name = snake(route.name)
        with mock_aws():
            ports, log = fresh_table(template)
            api = Api(template, ports)
            number = api.ticket_in(ROUTE_STATUS[name]) if name in ROUTE_STATUS else None
            body = sample_event(name)["body"]
            fields = json.loads(body) if body else None
            attachment_id = None
            if name in ("download_attachment", "remove_attachment"):  # a file already received and checked
                attachment_id = api.attach("marie", number or 0, "facture.pdf", PDF).id
            if name == "create_anonymous_ticket":  # a challenge first, answered right
                fields = {**(fields or {}), **dict(zip(("captcha_id", "captcha_answer"), api.captcha(), strict=True))}
            if name == "ticket_status":  # the link a non-connected ticket's mail carries
                created = api.create_anonymous()
                token = links.sign(api.signing_key.key(), created.body["number"], utc_now() + timedelta(days=90))
                fields = {"token": token}  # in the body: the status page sends its link's fragment
            user = ROUTE_USER.get(name, "marie")
            conversation_id = None
            if name in ROUTE_CONVERSATION:  # a conversation of the user's, started first
                conversation_id = api.call(ROUTE_CONVERSATION[name], user, body=None).body["id"]
            log.operations.clear()
            reply = api.call_raw(  # an export answers CSV, not JSON
                name,
                user,
                number=number,
                body=fields,
                attachment_id=attachment_id,
                conversation_id=conversation_id,
            )
            api.close()
            rows.append((f"{route.method} {route.path}", name, log.counts(), reply.status))
    for label, (user, before, measured) in ASSISTANT_MESSAGES.items():
        with mock_aws():
            ports, log = fresh_table(template)
            api = Api(template, ports)
            conversation_id = api.call("start_conversation", user, body=None).body["id"]
            for message in before:
                assert api.call("send_message", user, conversation_id=conversation_id, body=message).status == 200
            log.operations.clear()
            reply = api.call("send_message", user, conversation_id=conversation_id, body=measured)
            api.close()
            path = "POST /assistant/conversations/{conversation_id}/messages"
            rows.append((f"{path} ({label})", "send_message", log.counts(), reply.status))
    for label, fields in ROUTED_CREATIONS.items():
        with mock_aws():
            ports, log = fresh_table(template)
            reply = Api(template, ports).create("marie", **fields)
            rows.append((f"POST /tickets ({label})", "create_ticket", log.counts(), reply.status))
    return rows


def mail_cost(template: dict[str, Any]) -> list[tuple[str, Counter[str], int]]:
    """What the mail consumer does for one stream record: the DynamoDB calls and the mails sent, first
    delivery and a replay of the same record (the journal makes it a no-op)."""
    rows = []
    with mock_aws():
        ports, log = fresh_table(template)
        api = Api(template, ports)
        number = api.ticket_in("OPEN")
        mailer = MemoryMailer()
        status_links = StatusLinks(FixedSigningKey(), "https://support.example.fr/suivi/", timedelta(days=90))
        composer = load_handler_module(template, "MailFunction").composer
        for label in ("first delivery", "replay"):
            log.operations.clear()
            before = len(mailer.sent)
            deliver_event(ports, mailer, composer, status_links, number, 1, RecipientCap(FixedSigningKey(), 10))
            rows.append((label, log.counts(), len(mailer.sent) - before))
        api.close()
    return rows


class CountedFiles:
    """A FileStorage that counts the calls made to it (each is one S3 request but the presigning ones)."""

    def __init__(self) -> None:
        self.store = MemoryFiles()
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.store, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return method(*args, **kwargs)

        return counted


def check_cost(template: dict[str, Any]) -> list[tuple[str, Counter[str], Counter[str]]]:
    """What the attachments function does for one stored upload: DynamoDB calls and storage calls."""
    rows = []
    for label, data in (("accepted", PDF), ("refused (bytes of another type)", b"GIF89a" + PDF)):
        with mock_aws():
            ports, log = fresh_table(template)
            api = Api(template, ports)
            number = api.ticket_in("DRAFT")
            reply = api.request_upload("marie", number, "facture.pdf", len(data))
            key = f"uploads/{number}/{reply.body['attachment']['id']}"
            files = CountedFiles()
            files.store.put(key, data)
            log.operations.clear()
            check_upload(ports, files, SystemActor(), key, scanning=False)
            rows.append((label, log.counts(), files.calls))
            api.close()
    return rows


def read_cost(template: dict[str, Any], others: int) -> int:
    with mock_aws():
        ports, log = fresh_table(template)
        nora = fixtures.user(ports, "nora")
        for i in range(others):  # tickets of another structure, with some history
            content = TicketContent(
                category="FACTURES_RECUES",
                subcategory="AUTRE",
                emitter_siret=fixtures.MARTIN,
                title=f"Autre {i}",
                description="…",
            )
            tickets.create_ticket(ports, nora, CreateTicket(ContentChanges.of(content), submit=True))
            metrics.clear_metrics()  # no handler flushes them here
        api = Api(template, ports)
        mine = api.ticket_in("RESOLVED")
        examined = Examined()
        log.client.meta.events.register("after-call.dynamodb.*", examined)
        api.call("get_ticket", "marie", mine)
        return examined.items


def main() -> None:
    template = load_template()
    print("## DynamoDB calls per request (real handlers, moto)\n")
    print(
        "| route | status | Query | GetItem | BatchGetItem | PutItem | UpdateItem | DeleteItem "
        "| TransactWriteItems | total calls |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, _, counts, status in calls_per_route(template):
        total = sum(counts.values())
        print(
            f"| {label} | {status} | {counts['Query']} | {counts['GetItem']} | {counts['BatchGetItem']} "
            f"| {counts['PutItem']} | {counts['UpdateItem']} | {counts['DeleteItem']} | {counts['TransactWriteItems']} "
            f"| {total} |"
        )
    print("\n## The mail of one history event (stream consumer)\n")
    print("| delivery | Query | GetItem | PutItem | UpdateItem | DeleteItem | mails sent |")
    print("|---|---|---|---|---|---|---|")
    for label, counts, sent in mail_cost(template):
        print(
            f"| {label} | {counts['Query']} | {counts['GetItem']} | {counts['PutItem']} | {counts['UpdateItem']} "
            f"| {counts['DeleteItem']} | {sent} |"
        )
    print("\n## The check of one upload (attachments function, on S3's event)\n")
    print("| upload | DynamoDB calls | storage calls (S3 requests) |")
    print("|---|---|---|")
    for label, dynamo, storage in check_cost(template):
        print(f"| {label} | {dict(sorted(dynamo.items()))} | {dict(sorted(storage.items()))} |")
    small, large = read_cost(template, 10), read_cost(template, 300)
    print("\n## Read cost versus table size\n")
    print("| tickets of other structures | items examined for one ticket detail |")
    print("|---|---|")
    print(f"| 10 | {small} |\n| 300 | {large} |")
    print(f"\nratio 300 / 10: {large / small:.2f} (1.00 = the cost does not grow with others' tickets)")
    print()
    coldstart.main([])


if __name__ == "__main__":
    main()
