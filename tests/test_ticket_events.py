"""The tickets' lifecycle events, end to end on moto: the real API handlers write tickets and their history, the
table's stream (through the template's filter) hands the new history items to the real EventsFunction, which
puts them on the desk's bus (moto's PutEvents, hooked as the local stack hooks it, so the tests read the events
EventBridge would deliver). Each history event is published once, its detail valid against its JSON Schema in
docs/events/, with ids and codes only."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import jsonschema  # type: ignore[import-untyped]
import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from chorus_desk.actors import SystemActor
from chorus_desk.adapters.dynamodb.mail_journal import DynamoMailJournal
from chorus_desk.adapters.dynamodb.table import Table
from chorus_desk.lifecycle import Action, Side
from chorus_desk.models import Recipient, utc_now
from chorus_desk.ports import Claim, Ports
from chorus_desk.usecases import autoclose
from chorus_desk.usecases.ticket_events import DETAIL_TYPES, LEASE, NO_HISTORY_EVENT, SOURCE
from chorus_desk.usecases.tickets import history_entry
from local_stack import events
from local_stack.gateway import LambdaContext
from local_stack.local_routes import CaptchaAnswers, LocalRoutes, render_events
from local_stack.streams import matches
from local_stack.template import Resolver, handler_of
from tests.fixtures import EMAILS, NAMES, STRUCTURES, USER_IDS
from tests.mail_support import StreamReader, fresh_adapters, retry_batch, sequence_numbers
from tests.support import ROOT, Api

FUNCTION = "EventsFunction"
BUS = os.environ["DESK_BUS_NAME"]
SCHEMAS = ROOT / "docs" / "events"
PDF = b"%PDF-1.7\n" + b"x" * 200
QUESTION = "Quel est le numéro d'engagement juridique attendu ?"
INFORMATION = "L'engagement est le 1300042, échéance au 30 juin."
ANSWER = "Le flux a été rejoué : la facture est de nouveau visible."
REFUSAL = "La facture n'apparaît toujours pas chez le destinataire."


def schema_path(detail_type: str) -> Path:
    return SCHEMAS / f"{detail_type.lower().replace(' ', '-')}.v1.schema.json"


# ------------------------------------------------------------------------------------------ fixtures
@dataclass
class EventsDesk:
    """The table's stream, the template's filter, the real EventsFunction, and what reached the bus."""

    template: dict[str, Any]
    stream: StreamReader
    published: list[dict[str, Any]] = field(default_factory=list)  # the events EventBridge accepted, in order
    invocations: int = 0

    def handed(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Of ``records``, those the template's filter lets through to the function."""
        props = self.template["Resources"][FUNCTION]["Properties"]["Events"]["TicketHistory"]["Properties"]
        patterns = [json.loads(f["Pattern"]) for f in props["FilterCriteria"]["Filters"]]
        return [r for r in records if any(matches(p, r) for p in patterns)]

    def invoke(self, records: list[dict[str, Any]]) -> list[str]:
        """One invocation, as Lambda makes it; the sequence numbers it reported failed."""
        self.invocations += 1
        context = LambdaContext.of(self.template, FUNCTION, f"events-{self.invocations}")
        result = handler_of(self.template, FUNCTION)({"Records": records}, context)
        return [item["itemIdentifier"] for item in result["batchItemFailures"]]

    def deliver(self) -> list[dict[str, Any]]:
        """The new records, filtered, in batches of the template's size, each retried from its first failure
        until none fails (as Lambda does); the events published meanwhile."""
        before = len(self.published)
        batch_size = self.template["Resources"][FUNCTION]["Properties"]["Events"]["TicketHistory"]["Properties"][
            "BatchSize"
        ]
        handed = self.handed(self.stream.read())
        for start in range(0, len(handed), batch_size):
            batch = handed[start : start + batch_size]
            for _ in range(3):
                failed = self.invoke(batch)
                if not failed:
                    break
                batch = retry_batch(batch, failed)
            assert not failed, failed
        return self.published[before:]


@pytest.fixture
def desk(aws_api: Api, template: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[EventsDesk]:
    from moto.events.models import EventsBackend

    monkeypatch.setattr(EventsBackend, "put_events", EventsBackend.__dict__["put_events"])
    monkeypatch.setattr(events, "_bus_listeners", [])
    boto3.client("events").create_event_bus(Name=BUS)
    fresh_adapters()
    found = EventsDesk(template, StreamReader(os.environ["TABLE_NAME"]))
    found.stream.read()  # the seeded world's records
    stop = events.listen_to_put_events(lambda event, bus: found.published.append({"bus": bus, **event}))
    yield found
    stop()
    fresh_adapters()


def ok(reply: Any, status: int = 200) -> dict[str, Any]:
    assert reply.status == status, reply.body
    return dict(reply.body)


def reroute(ports: Ports, number: int, siret: str) -> None:
    """The inactivation's re-routing of a ticket (usecases.structures._reroute's write): a REROUTE entry by the
    system caller, the new recipient, through the real adapter."""
    ticket = ports.tickets.load_ticket(number)
    assert ticket is not None
    takeover = STRUCTURES[siret]
    system = SystemActor(name="structures").person
    entry = history_entry(ticket, system, Side.RECIPIENT, Action.REROUTE, ticket.status, "Ticket transféré")
    update = {
        "recipient": Recipient(org=takeover.ref, name=takeover.designation),
        "version": ticket.version + 1,
        "history": (*ticket.history, entry),
    }
    ports.tickets.save_ticket(ticket.model_copy(update=update), ticket.version, entry, previous=ticket)


def whole_life(api: Api) -> tuple[list[int], dict[int, list[str]]]:
    """Tickets through every history action of the lifecycle, through the real handlers; each ticket's
    history action codes as the API shows them."""
    draft = ok(api.create("marie", submit=False), 201)["number"]
    assert api.attach("marie", draft, "facture.pdf", PDF).outcome == "accepted"  # ADD_ATTACHMENT
    assert api.attach("marie", draft, "faux.pdf", b"MZ" + b"\x00" * 100).outcome == "refused"  # REFUSE_ATTACHMENT
    kept = next(
        a for a in ok(api.call("get_ticket", "marie", draft))["attachments"] if a["state"]["code"] == "AVAILABLE"
    )
    ok(api.call("remove_attachment", "marie", draft, attachment_id=kept["id"]))  # REMOVE_ATTACHMENT
    ok(api.call("submit_draft", "marie", draft, body={}))  # SUBMIT
    ok(api.call("take_in_charge", "lucas", draft, body={}))
    ok(api.call("assign_ticket", "sophie", draft, body={"assignee_id": USER_IDS["lucas"], "comment": "Pour toi."}))
    ok(api.call("request_information", "lucas", draft, body={"question": QUESTION}))
    ok(api.call("provide_information", "marie", draft, body={"text": INFORMATION}))
    ok(api.call("answer", "lucas", draft, body={"text": ANSWER}))
    ok(api.call("refuse_solution", "marie", draft, body={"reason": REFUSAL}))
    ok(api.call("answer", "lucas", draft, body={"text": ANSWER}))
    ok(api.call("accept_solution", "marie", draft, body={}))
    closed = api.ticket_in("IN_PROGRESS")  # CREATE_AND_SUBMIT, TAKE_IN_CHARGE
    ok(api.call("close_ticket", "marie", closed, body={"comment": "Réglé entre-temps, merci."}))
    rerouted = api.ticket_in("OPEN")
    reroute(api.ports, rerouted, next(s for s, st in STRUCTURES.items() if st.public and st.active))
    silent = api.ticket_in("RESOLVED")  # the emitter never answers: the desk's automatic closing (AUTO_CLOSE)
    assert autoclose.close_one(api.ports, silent, utc_now(), 15) is autoclose.Outcome.CLOSED
    numbers = [draft, closed, rerouted, silent]
    histories = {n: [e["action"]["code"] for e in ok(api.call("get_ticket", "marie", n))["history"]] for n in numbers}
    return numbers, histories


# ------------------------------------------------------------------------------------------ the events
def test_every_history_action_of_the_lifecycle_is_published_once_schema_valid(aws_api: Api, desk: EventsDesk) -> None:
    numbers, histories = whole_life(aws_api)
    published = desk.deliver()

    expected = [(n, seq, code) for n in numbers for seq, code in enumerate(histories[n], start=1)]
    got = sorted((e["detail"]["ticket"], e["detail"]["seq"], e["detail"]["action"]) for e in published)
    assert got == sorted(expected)  # each history event once, nothing else
    covered = {code for _, _, code in expected}
    assert covered == {a.value for a in DETAIL_TYPES}, {a.value for a in DETAIL_TYPES} - covered
    for event in published:
        detail = event["detail"]
        assert (event["bus"], event["source"]) == (BUS, SOURCE)
        assert event["detail-type"] == DETAIL_TYPES[Action(detail["action"])]
        schema = json.loads(schema_path(event["detail-type"]).read_text(encoding="utf-8"))
        jsonschema.validate(detail, schema, format_checker=jsonschema.FormatChecker())
        assert detail["event_id"] == f"ticket-{detail['ticket']}-{detail['seq']}"
    by_key = {(e["detail"]["ticket"], e["detail"]["seq"]): e["detail"] for e in published}
    draft, _closed, rerouted, silent = numbers
    created = by_key[(draft, 1)]
    assert (created["action"], created["from_status"], created["to_status"]) == ("CREATE_DRAFT", None, "DRAFT")
    assert (created["actor_kind"], created["emitter"]) == ("USER", "STRUCTURE#53453679200011")
    assert (created["category"], created["subcategory"]) == ("FACTURES_EMISES", "MANDAT_DE_FACTURATION")
    refused = next(d for d in by_key.values() if d["action"] == "REFUSE_ATTACHMENT")
    assert (refused["actor_kind"], refused["side"]) == ("SYSTEM", "EMITTER")
    ticket = aws_api.ports.tickets.load_ticket(rerouted)
    assert ticket is not None and ticket.recipient is not None
    moved = next(d for d in by_key.values() if d["action"] == "REROUTE")
    assert moved["recipient"] == ticket.recipient.org.key  # the recipient as the re-routing left it
    first = by_key[(rerouted, 1)]
    assert first["recipient"] != moved["recipient"]  # and the first event keeps the one of its moment
    auto_closed = by_key[(silent, len(histories[silent]))]
    assert (auto_closed["action"], auto_closed["from_status"], auto_closed["to_status"]) == (
        "AUTO_CLOSE",
        "RESOLVED",
        "CLOSED",
    )
    assert (auto_closed["actor_kind"], auto_closed["side"]) == ("SYSTEM", "EMITTER")


def test_nothing_personal_is_in_an_event(aws_api: Api, desk: EventsDesk) -> None:
    whole_life(aws_api)
    anonymous = ok(aws_api.create_anonymous(), 201)["number"]
    published = desk.deliver()
    assert any(e["detail"]["ticket"] == anonymous and e["detail"]["actor_kind"] == "ANONYMOUS" for e in published)
    text = json.dumps([e["detail"] for e in published], ensure_ascii=False)
    create_fields = json.loads(json.loads((ROOT / "events" / "create_ticket.json").read_text())["body"])
    anonymous_fields = json.loads(json.loads((ROOT / "events" / "create_anonymous_ticket.json").read_text())["body"])
    personal = [
        *EMAILS.values(),
        *NAMES.values(),
        *USER_IDS.values(),
        create_fields["title"],
        create_fields["description"],
        create_fields["contact_phone"],
        anonymous_fields["contact_email"],
        anonymous_fields["title"],
        anonymous_fields["description"],
        QUESTION,
        INFORMATION,
        ANSWER,
        REFUSAL,
        "facture.pdf",
        "faux.pdf",
        "Pour toi.",
    ]
    assert [p for p in personal if p and p in text] == []
    for structure in STRUCTURES.values():
        assert structure.designation not in text


# ------------------------------------------------------------------------------------ once, and retries
def test_a_replayed_batch_publishes_nothing_new(aws_api: Api, desk: EventsDesk) -> None:
    aws_api.ticket_in("CLOSED")
    records = desk.handed(desk.stream.read())
    assert len(records) == 3
    assert desk.invoke(records) == []
    assert len(desk.published) == 3
    assert desk.invoke(records) == []  # Lambda hands the same batch again (a retry, a duplicate delivery)
    assert desk.invoke(records[1:]) == []
    assert len(desk.published) == 3


def test_a_refused_entry_fails_its_record_and_the_retry_publishes_it_once(
    aws_api: Api, desk: EventsDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.events.models import EventsBackend

    aws_api.ticket_in("CLOSED")
    records = desk.handed(desk.stream.read())
    assert len(records) == 3
    real = EventsBackend.put_events
    refuse = {"times": 1}

    def refusing_the_second(backend: Any, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if refuse["times"] and len(entries) > 1:  # EventBridge answers 200 with one entry refused
            refuse["times"] -= 1
            answers = real(backend, [entries[0], *entries[2:]])
            return [answers[0], {"ErrorCode": "InternalFailure", "ErrorMessage": "try again"}, *answers[1:]]
        return real(backend, entries)

    monkeypatch.setattr(EventsBackend, "put_events", refusing_the_second)
    failed = desk.invoke(records)
    assert failed == sequence_numbers(records[1:2])
    assert [e["detail"]["seq"] for e in desk.published] == [1, 3]
    assert desk.invoke(retry_batch(records, failed)) == []  # from the failed record on: the third is a no-op
    assert sorted(e["detail"]["seq"] for e in desk.published) == [1, 2, 3]


def test_a_failed_call_fails_every_record_and_nothing_is_marked(aws_api: Api, desk: EventsDesk) -> None:
    aws_api.ticket_in("IN_PROGRESS")
    records = desk.handed(desk.stream.read())
    client = boto3.client("events")
    client.delete_event_bus(Name=BUS)  # EventBridge answers the whole call with an error
    assert desk.invoke(records) == sequence_numbers(records)
    assert desk.published == []
    client.create_event_bus(Name=BUS)
    assert desk.invoke(records) == []  # the claims were given back: published at the next attempt
    assert sorted(e["detail"]["seq"] for e in desk.published) == [1, 2]


def test_an_event_another_consumer_is_publishing_fails_until_its_lease_lapses(aws_api: Api, desk: EventsDesk) -> None:
    number = aws_api.ticket_in("OPEN")
    records = desk.handed(desk.stream.read())
    journal = DynamoMailJournal(Table(boto3.client("dynamodb"), os.environ["TABLE_NAME"]), prefix="PUBLISHED")
    now = utc_now()
    assert journal.claim(f"ticket-{number}-1", now, now + LEASE) is Claim.CLAIMED  # a live consumer holds it
    assert desk.invoke(records) == sequence_numbers(records)
    assert desk.published == []
    journal.release(f"ticket-{number}-1")  # it gave up
    assert desk.invoke(records) == []
    assert [e["detail"]["event_id"] for e in desk.published] == [f"ticket-{number}-1"]


# ------------------------------------------------------------------------------------------- the model
def test_every_action_with_a_history_event_has_a_detail_type_and_a_schema() -> None:
    assert set(DETAIL_TYPES) | NO_HISTORY_EVENT == set(Action)
    assert not set(DETAIL_TYPES) & NO_HISTORY_EVENT
    names = {schema_path(t).name for t in DETAIL_TYPES.values()}
    assert names == {p.name for p in SCHEMAS.glob("*.schema.json")}
    for detail_type, actions in _actions_by_type().items():
        schema = json.loads(schema_path(detail_type).read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        assert sorted(schema["properties"]["action"]["enum"]) == sorted(actions)
        assert schema["additionalProperties"] is False
    readme = (SCHEMAS / "README.md").read_text(encoding="utf-8")
    assert all(f"`{t}`" in readme for t in DETAIL_TYPES.values())


def _actions_by_type() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for action, detail_type in DETAIL_TYPES.items():
        found.setdefault(detail_type, []).append(action.value)
    return found


# ----------------------------------------------------------------------------------------- the template
def test_the_consumer_reads_new_history_items_and_puts_on_the_desk_bus_only(template: dict[str, Any]) -> None:
    function = template["Resources"][FUNCTION]["Properties"]
    props = function["Events"]["TicketHistory"]["Properties"]
    assert props["Stream"] == {"Fn::GetAtt": ["DeskTable", "StreamArn"]}
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["BatchSize"] <= 10  # one PutEvents call per batch
    assert props["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": ["EventsDeadLetterQueue", "Arn"]}
    (pattern,) = [json.loads(f["Pattern"]) for f in props["FilterCriteria"]["Filters"]]
    assert pattern == {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"entity": {"S": ["EVENT"]}}}}
    policies = function["Policies"]
    assert {"EventBridgePutEventsPolicy": {"EventBusName": {"Ref": "DeskBus"}}} in policies
    (statement,) = policies[0]["Statement"]
    assert statement["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": "PUBLISHED#*"}}
    assert function["Environment"]["Variables"]["DESK_BUS_NAME"] == {"Ref": "DeskBus"}


def test_the_example_rule_sends_the_tickets_that_close_to_a_queue_only_it_may_fill(template: dict[str, Any]) -> None:
    rule = template["Resources"]["ClosedTicketsRule"]["Properties"]
    assert rule["EventBusName"] == {"Ref": "DeskBus"}

    def event(detail_type: str, to_status: str) -> dict[str, Any]:
        return {"source": SOURCE, "detail-type": detail_type, "detail": {"version": "1", "to_status": to_status}}

    closing, answered = event("Ticket Solution Accepted", "CLOSED"), event("Ticket Answered", "RESOLVED")
    assert matches(rule["EventPattern"], closing) and not matches(rule["EventPattern"], answered)
    assert matches(rule["EventPattern"], event(DETAIL_TYPES[Action.AUTO_CLOSE], "CLOSED"))  # a silence closes too
    (target,) = rule["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": ["ClosedTicketsQueue", "Arn"]}
    allow, _deny = template["Resources"]["ClosedTicketsQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert allow["Condition"] == {"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": ["ClosedTicketsRule", "Arn"]}}}


# ------------------------------------------------------------------------------------------ local stack
def test_the_local_stack_runs_the_consumer_and_lists_the_events_it_put(
    aws_api: Api, desk: EventsDesk, template: dict[str, Any]
) -> None:
    from local_stack.streams import stream_sources

    resolver = Resolver(template, attributes={"DeskTable.StreamArn": desk.stream.arn})
    assert {s.function for s in stream_sources(template, resolver)} == {"MailFunction", FUNCTION}
    lock = threading.Lock()
    bus = events.EventBus(
        [],
        handler_of=lambda f: handler_of(template, f),
        lock_of=lambda _f: lock,
        context_of=lambda f: LambdaContext.of(template, f),
        kept=2,
    )
    stop = events.listen_to_put_events(bus.put)
    try:
        number = aws_api.ticket_in("IN_PROGRESS")
        desk.deliver()
    finally:
        stop()
    routes = LocalRoutes(CaptchaAnswers(), list, events=bus.recent)
    request = Request(EnvironBuilder(path="/_local/events", method="GET").get_environ())
    reply = routes(request)
    assert reply is not None and reply.status_code == 200
    listed = json.loads(reply.get_data(as_text=True))
    assert [(e["bus"], e["detail-type"], e["detail"]["ticket"]) for e in listed] == [
        (BUS, "Ticket Submitted", number),
        (BUS, "Ticket Taken In Charge", number),
    ]
    shown = render_events(listed, last=1)
    assert f"ticket {number} #2  TAKE_IN_CHARGE  OPEN → IN_PROGRESS" in shown
    assert "Ticket Taken In Charge" in shown and "Ticket Submitted" not in shown
