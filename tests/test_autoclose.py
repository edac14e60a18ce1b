"""Automatic closing (issue 19, point 8): a ticket « Résolu » whose emitter takes no action for N days is closed
by the system caller, found through the resolved tickets' index (one Query per page, never a Scan), closed with a
write conditioned on the version read, once; the closure mail follows; anonymous tickets too.

The rules run on both adapters (memory, and DynamoDB on moto); the index, the paging and the IAM of the
function's real handler on DynamoDB; the mail through the table's stream and the template's filter."""

from __future__ import annotations

import json
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import boto3
import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from chorus_desk import bootstrap, closing, messages
from chorus_desk.commands import ActOnTicket
from chorus_desk.lifecycle import Action, Side, Status
from chorus_desk.listing import PARIS
from chorus_desk.models import Ticket
from chorus_desk.ports import Ports
from chorus_desk.usecases import autoclose, tickets
from local_stack import schedules
from local_stack.gateway import LambdaContext
from local_stack.local_routes import CaptchaAnswers, LocalRoutes
from local_stack.template import handler_of
from tests import fixtures
from tests.mail_support import MailDesk, open_desk
from tests.support import Api, CallLog

DAYS = 15
T0 = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)  # when the tests' tickets are answered (« Résolu »)
AUTO_CLOSER = "system:autoclose"


# ------------------------------------------------------------------------------------------- helpers
@pytest.fixture(params=["memory", "dynamo"])
def ports(request: pytest.FixtureRequest) -> Ports:
    """The tests' world in memory, then in DynamoDB (moto): the same rules on both adapters."""
    chosen: Ports = request.getfixturevalue(request.param)
    return chosen


@contextmanager
def clock(at: datetime) -> Iterator[None]:
    """The ticket use cases' clock stands at ``at`` (creation, answer, refusal: their history and dates)."""
    with mock.patch("chorus_desk.usecases.tickets.utc_now", return_value=at):
        yield


def act(ports: Ports, alias: str, number: int, action: Action, text: str | None = None) -> Ticket:
    return tickets.act(ports, fixtures.user(ports, alias), ActOnTicket(number, action, text)).ticket


def resolved_ticket(ports: Ports, at: datetime = T0) -> int:
    """A ticket of Menuiserie Dupont (Marie) to the support, answered by Lucas at ``at``."""
    with clock(at - timedelta(hours=2)):
        number = fixtures.new_ticket(ports)
    with clock(at):
        act(ports, "lucas", number, Action.ANSWER, "Voici la solution.")
    return number


def load(ports: Ports, number: int) -> Ticket:
    ticket = ports.tickets.load_ticket(number)
    assert ticket is not None
    return ticket


def run(ports: Ports, now: datetime, page_size: int = 100) -> autoclose.Run:
    return autoclose.close_resolved(ports, now, DAYS, page_size)


# ---------------------------------------------------------------------------------------- the rule
def test_a_ticket_resolved_n_days_ago_is_closed_by_the_system_with_a_history_entry(ports: Ports) -> None:
    number = resolved_ticket(ports)
    before = load(ports, number)

    done = run(ports, T0 + timedelta(days=DAYS))

    assert (done.found, done.closed, done.skipped) == (1, 1, 0)
    after = load(ports, number)
    assert after.status is Status.CLOSED
    assert after.version == before.version + 1
    assert after.closed_at is not None and after.closed_at == after.updated_at
    assert after.history[:-1] == before.history
    entry = after.history[-1]
    assert entry.action is Action.AUTO_CLOSE and entry.action.label == "Clôture automatique"
    assert (entry.actor.id, entry.actor.name) == (AUTO_CLOSER, messages.SYSTEM_ACTOR_NAMES["autoclose"])
    assert (entry.side, entry.from_status, entry.to_status) == (Side.EMITTER, Status.RESOLVED, Status.CLOSED)
    assert entry.seq == before.history[-1].seq + 1
    assert entry.comment == messages.AUTO_CLOSED_COMMENT.format(
        date=T0.astimezone(PARIS).strftime("%d/%m/%Y"), days=DAYS
    )
    assert "20/11/2026" in entry.comment and "15 jours" in entry.comment


def test_a_ticket_resolved_less_than_n_days_ago_is_untouched(ports: Ports) -> None:
    number = resolved_ticket(ports)
    before = load(ports, number)

    done = run(ports, T0 + timedelta(days=DAYS) - timedelta(microseconds=1))

    assert (done.found, done.closed) == (0, 0)
    assert load(ports, number) == before
    assert run(ports, T0 + timedelta(days=DAYS)).closed == 1  # the first moment it is due


def test_a_second_run_closes_nothing(ports: Ports) -> None:
    number = resolved_ticket(ports)
    now = T0 + timedelta(days=DAYS + 3)
    assert run(ports, now).closed == 1
    closed = load(ports, number)

    again = run(ports, now)

    assert (again.found, again.closed, again.skipped) == (0, 0, 0)
    assert load(ports, number) == closed
    assert [e.action for e in closed.history].count(Action.AUTO_CLOSE) == 1


def test_only_resolved_tickets_are_closed(ports: Ports) -> None:
    """Open, taken in charge, awaiting information, closed by their emitter: none waits for the automatic closing."""
    with clock(T0):
        opened = fixtures.new_ticket(ports)
        taken = fixtures.new_ticket(ports)
        act(ports, "lucas", taken, Action.TAKE_IN_CHARGE)
        asked = fixtures.new_ticket(ports)
        act(ports, "lucas", asked, Action.REQUEST_INFORMATION, "Quel numéro ?")
        accepted = fixtures.new_ticket(ports)
        act(ports, "lucas", accepted, Action.ANSWER, "Voici.")
        act(ports, "marie", accepted, Action.ACCEPT_SOLUTION)
        draft = fixtures.new_ticket(ports, submit=False)
    states = {n: load(ports, n) for n in (opened, taken, asked, accepted, draft)}

    done = run(ports, T0 + timedelta(days=DAYS * 10))

    assert (done.found, done.closed) == (0, 0)
    assert {n: load(ports, n) for n in states} == states


def test_the_emitters_refusal_stops_the_clock_and_the_next_answer_starts_it_again(ports: Ports) -> None:
    number = resolved_ticket(ports)
    with clock(T0 + timedelta(days=3)):
        act(ports, "marie", number, Action.REFUSE_SOLUTION, "Toujours rejetée.")
    assert run(ports, T0 + timedelta(days=DAYS)).found == 0  # « Ouvert » again: not waiting for its emitter
    second = T0 + timedelta(days=5)
    with clock(second):
        act(ports, "lucas", number, Action.ANSWER, "Corrigé côté flux.")
    assert load(ports, number).resolved_at == second

    assert run(ports, second + timedelta(days=DAYS) - timedelta(seconds=1)).found == 0
    assert run(ports, second + timedelta(days=DAYS)).closed == 1


def test_a_ticket_acted_on_between_the_read_and_the_write_is_skipped(ports: Ports) -> None:
    """Marie accepts the solution while the job closes the ticket: the job's write, conditioned on the version it
    read, loses; her acceptance stands, and the ticket has no automatic closing."""
    number = resolved_ticket(ports)
    store = ports.tickets
    accepted: list[Ticket] = []

    class Overtaken:
        def __getattr__(self, name: str) -> Any:
            return getattr(store, name)

        def save_ticket(self, *args: Any, **kwargs: Any) -> None:
            if not accepted:
                accepted.append(act(ports, "marie", number, Action.ACCEPT_SOLUTION))
            store.save_ticket(*args, **kwargs)

    racing = mock.Mock(wraps=ports)
    racing.tickets = Overtaken()

    done = autoclose.close_resolved(racing, T0 + timedelta(days=DAYS), DAYS)

    assert (done.found, done.closed, done.skipped) == (1, 0, 1)
    final = load(ports, number)
    assert final == accepted[0]
    assert final.history[-1].action is Action.ACCEPT_SOLUTION
    assert Action.AUTO_CLOSE not in [e.action for e in final.history]


def test_a_ticket_the_index_still_lists_but_no_longer_due_is_skipped(ports: Ports) -> None:
    """The index may lag behind the table: the job reads the ticket again and leaves one refused meanwhile."""
    number = resolved_ticket(ports)
    found = ports.tickets.resolved_before(T0, 10)
    with clock(T0 + timedelta(days=1)):
        act(ports, "marie", number, Action.REFUSE_SOLUTION, "Non.")
    lagging = mock.Mock(wraps=ports.tickets)
    lagging.resolved_before.side_effect = [found, ([], None)]
    stale = mock.Mock(wraps=ports)
    stale.tickets = lagging

    done = autoclose.close_resolved(stale, T0 + timedelta(days=DAYS), DAYS)

    assert (done.found, done.closed, done.skipped) == (1, 0, 1)
    assert load(ports, number).status is Status.OPEN


def test_the_index_lists_a_ticket_only_while_it_is_resolved_oldest_first(ports: Ports) -> None:
    first = resolved_ticket(ports, T0)
    second = resolved_ticket(ports, T0 - timedelta(hours=1))  # answered earlier: listed first
    third = resolved_ticket(ports, T0 + timedelta(days=2))
    assert ports.tickets.resolved_before(T0, 10) == ([second, first], None)
    with clock(T0 + timedelta(days=3)):
        act(ports, "marie", first, Action.REFUSE_SOLUTION, "Non.")
    assert ports.tickets.resolved_before(T0 + timedelta(days=3), 10) == ([second, third], None)
    assert closing.resolved_since(load(ports, first)) is None


# --------------------------------------------------------------------------------- paging and DynamoDB
def test_many_tickets_are_found_through_the_index_one_query_per_page(dynamo: Ports, aws: CallLog) -> None:
    due = [resolved_ticket(dynamo, T0 + timedelta(minutes=i)) for i in range(7)]
    recent = [resolved_ticket(dynamo, T0 + timedelta(days=2, minutes=i)) for i in range(2)]
    index_queries: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        if "IndexName" in params:
            index_queries.append(params)

    aws.client.meta.events.register("provide-client-params.dynamodb.Query", record)
    aws.operations.clear()

    done = run(dynamo, T0 + timedelta(days=DAYS, hours=1), page_size=3)

    assert (done.found, done.closed, done.skipped, done.complete) == (7, 7, 0, True)
    assert len(index_queries) == done.pages
    assert 3 <= done.pages <= 4  # 7 tickets by 3 (DynamoDB may answer a last, empty page)
    assert {q["IndexName"] for q in index_queries} == {"GSI2"}
    assert all(q["Limit"] == 3 for q in index_queries)
    assert "Scan" not in aws.operations
    assert [load(dynamo, n).status for n in due] == [Status.CLOSED] * 7
    assert [load(dynamo, n).status for n in recent] == [Status.RESOLVED] * 2


def test_a_run_out_of_time_stops_between_pages_and_the_next_run_goes_on(memory: Ports) -> None:
    numbers = [resolved_ticket(memory, T0 + timedelta(minutes=i)) for i in range(5)]
    now = T0 + timedelta(days=DAYS, hours=1)

    first = autoclose.close_resolved(memory, now, DAYS, 2, time_left=lambda: autoclose.RESERVE_SECONDS - 1)
    assert (first.closed, first.pages, first.complete) == (2, 1, False)
    second = autoclose.close_resolved(memory, now, DAYS, 2)
    assert (second.closed, second.complete) == (3, True)
    assert [load(memory, n).status for n in numbers] == [Status.CLOSED] * 5


def test_the_scheduled_function_closes_due_tickets_at_the_schedules_moment(
    dynamo: Ports, template: dict[str, Any]
) -> None:
    """The real handler, as EventBridge Scheduler invokes it (the moment it was due in its input), on DynamoDB:
    its calls are the ones the IAM check holds against its role (make pytest)."""
    due = resolved_ticket(dynamo, T0)
    recent = resolved_ticket(dynamo, T0 + timedelta(days=2))
    handler = handler_of(template, "AutoCloseFunction")
    event = {"scheduled_time": (T0 + timedelta(days=DAYS, hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")}

    with mock.patch.object(bootstrap, "ports", return_value=dynamo):
        summary = handler(event, LambdaContext.of(template, "AutoCloseFunction"))
        again = handler(event, LambdaContext.of(template, "AutoCloseFunction"))

    assert (summary["found"], summary["closed"], summary["complete"]) == (1, 1, True)
    assert summary["limit"] == (T0 + timedelta(hours=1)).isoformat()
    assert (again["found"], again["closed"]) == (0, 0)
    assert load(dynamo, due).status is Status.CLOSED
    assert load(dynamo, recent).status is Status.RESOLVED


def test_the_function_refuses_a_scheduled_time_without_its_zone(template: dict[str, Any], memory: Ports) -> None:
    handler = handler_of(template, "AutoCloseFunction")
    with mock.patch.object(bootstrap, "ports", return_value=memory), pytest.raises(ValueError, match="time zone"):
        handler({"scheduled_time": "2026-12-07T03:00:00"}, LambdaContext.of(template, "AutoCloseFunction"))


def test_the_template_runs_the_function_daily_with_its_days_parameter(template: dict[str, Any]) -> None:
    parameter = template["Parameters"]["AutoCloseDays"]
    assert (parameter["Type"], parameter["Default"]) == ("Number", closing.DEFAULT_DAYS) == ("Number", DAYS)
    props = template["Resources"]["AutoCloseFunction"]["Properties"]
    assert props["Environment"]["Variables"]["AUTO_CLOSE_DAYS"] == {"Ref": "AutoCloseDays"}
    (event,) = props["Events"].values()
    assert event["Type"] == "ScheduleV2"
    assert event["Properties"]["ScheduleExpression"].startswith("cron(")
    assert "<aws.scheduler.scheduled-time>" in event["Properties"]["Input"]
    assert "Events" not in props or all(e["Type"] != "Api" for e in props["Events"].values())  # no route


# ---------------------------------------------------------------------------- anonymous tickets, mail
@pytest.fixture
def desk(aws_api: Api, template: dict[str, Any]) -> Iterator[MailDesk]:
    for name in ("SIGNING_SECRET_NAME", "PSEUDONYM_SECRET_NAME"):
        boto3.client("secretsmanager").create_secret(Name=os.environ[name], SecretString=secrets.token_urlsafe(48))
    yield from open_desk(template, os.environ["MAIL_SENDER"])


def test_an_anonymous_ticket_is_closed_too_and_its_requester_gets_the_closure_mail(
    aws_api: Api, desk: MailDesk
) -> None:
    reply = aws_api.create_anonymous()
    assert reply.status == 201, reply.body
    number = int(reply.body["number"])
    answered = aws_api.call("answer", "lucas", number, body={"text": "Voici la solution."})
    assert answered.status == 200, answered.body
    desk.deliver()  # the confirmation and the answer
    ticket = load(aws_api.ports, number)
    assert ticket.anonymous and ticket.resolved_at is not None

    done = run(aws_api.ports, ticket.resolved_at + timedelta(days=DAYS))

    assert done.closed == 1
    delivery = desk.deliver()
    assert delivery.failed == []
    (mail,) = delivery.mails
    assert mail.to == ticket.content.contact_email
    assert mail.subject == messages.MAIL_SUBJECTS["CLOSURE"].format(number=number)
    assert "clôturé automatiquement" in mail.text and f"{DAYS} jours" in mail.text
    assert desk.deliver().mails == []  # the closure is mailed once


def test_the_closure_mail_of_a_connected_ticket_says_why(aws_api: Api, desk: MailDesk) -> None:
    number = aws_api.ticket_in("RESOLVED")
    desk.deliver()
    ticket = load(aws_api.ports, number)
    assert ticket.resolved_at is not None

    run(aws_api.ports, ticket.resolved_at + timedelta(days=DAYS))

    (mail,) = desk.deliver().mails
    assert mail.subject == messages.MAIL_SUBJECTS["CLOSURE"].format(number=number)
    assert ticket.history[-1].action is Action.ANSWER
    closed = load(aws_api.ports, number)
    assert closed.history[-1].comment is not None and closed.history[-1].comment in mail.text
    seen = aws_api.call("get_ticket", "marie", number).body
    assert seen["status"]["code"] == "CLOSED"
    assert seen["history"][-1]["action"] == {"code": "AUTO_CLOSE", "label": "Clôture automatique"}
    assert seen["history"][-1]["actor"]["id"] == AUTO_CLOSER
    assert seen["allowed_actions"] == []


# ------------------------------------------------------------------------------- the local stack's tick
def test_the_local_stack_runs_the_schedule_on_demand_at_a_simulated_moment(
    dynamo: Ports, template: dict[str, Any]
) -> None:
    """`make tick DAYS=…` / `NOW=…`: POST /_local/tick runs the template's schedule, the real handler in-process,
    with the input Scheduler would give it at that moment."""
    number = resolved_ticket(dynamo, T0)
    locks: dict[str, threading.Lock] = {}

    def run_schedules(now: str | None, days: str | None) -> list[dict[str, Any]]:
        return schedules.tick(
            template,
            schedules.moment_of(now, days, clock=lambda: T0),
            handler_of=lambda function: handler_of(template, function),
            lock_of=lambda function: locks.setdefault(function, threading.Lock()),
            context_of=lambda function: LambdaContext.of(template, function),
        )

    routes = LocalRoutes(CaptchaAnswers(), list, tick=run_schedules)

    def tick(**query: str) -> tuple[int, Any]:
        environ = EnvironBuilder(path="/_local/tick", method="POST", query_string=query).get_environ()
        reply = routes(Request(environ))
        assert reply is not None
        return reply.status_code, json.loads(reply.get_data(as_text=True))

    with mock.patch.object(bootstrap, "ports", return_value=dynamo):
        status, ran = tick(days="14.9")
        assert status == 200
        assert [(r["function"], r["result"]["closed"]) for r in ran] == [("AutoCloseFunction", 0)]
        assert load(dynamo, number).status is Status.RESOLVED
        status, ran = tick(now=(T0 + timedelta(days=DAYS)).isoformat())
        assert (status, ran[0]["result"]["closed"]) == (200, 1)
        assert load(dynamo, number).status is Status.CLOSED
        assert tick(days="15")[1][0]["result"]["closed"] == 0  # nothing twice
        for name, value in (("now", "demain"), ("now", "2027-01-15T03:00:00"), ("days", "quinze")):
            status, body = tick(**{name: value})
            assert status == 400, (name, value)
            assert f"{name}={value!r}" in body["message"]
