"""The mail that tells the requester of a structure's inactivation how it ended, end to end on moto: the
operation is started, counts its moved items and records its outcome through the real use cases (the state
machine's steps), which write the operation item; the table's stream hands its records, through the
template's filters, to the real mail function, which sends the outcome once through SES v2, in French.

What the tests read is what SES received (the raw MIME, parsed back)."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import pytest
from markupsafe import escape

from chorus_desk import messages
from chorus_desk.models import Operation, OperationState, utc_now
from chorus_desk.ports import Claim, Ports
from chorus_desk.usecases import structures
from chorus_desk.usecases.mail import FINISHED, LEASE, operation_mail_key
from chorus_desk.usecases.structures import Step
from local_stack import aws
from local_stack.streams import matches, stream_sources
from local_stack.template import Resolver
from tests import fixtures
from tests.fixtures import CH_VIENNE, EMAILS, INACTIVE, SAINT_LEGER, STRUCTURES, USER_IDS
from tests.mail_support import (
    Delivery,
    MailDesk,
    SentMail,
    event_filters,
    only_mail,
    open_desk,
    retry_batch,
    sent_mails,
    sequence_numbers,
    ses_outage,
    verify_sender,
)

SENDER = os.environ["MAIL_SENDER"]
REQUESTER = "claire"  # principal manager of the Commune de Saint-Léger
TO = EMAILS[REQUESTER]
MOVED_PAYMENTS, MOVED_TICKETS = 3, 2
MARKUP = "Régie <b>Nord</b> & <script>alert(1)</script>"


# ------------------------------------------------------------------------------------------ fixtures
@pytest.fixture
def desk(dynamo: Ports, template: dict[str, Any]) -> Iterator[MailDesk]:
    """The mail desk on the seeded world (its stream records already read: they are no operation's)."""
    yield from open_desk(template, SENDER)


class NoWorkflow:
    """The state machine, not started: the tests play its steps themselves."""

    def start(self, operation_id: str, payload: dict[str, str | None]) -> None:
        pass


# ------------------------------------------------------------------------------------------- helpers
@dataclass(frozen=True)
class Run:
    """An inactivation under way, as the state machine's steps see it."""

    ports: Ports
    step: Step

    @property
    def operation(self) -> Operation:
        operation = self.ports.operations.load_operation(self.step.operation_id)
        assert operation is not None
        return operation

    def moved(self, payments: int, tickets: int) -> None:
        """What a batch of the move step writes on the operation while it runs."""
        self.ports.operations.count_moved(self.step.operation_id, payments, tickets)

    def ends(self, state: OperationState, error: str | None = None, message: str | None = None) -> None:
        """The machine's last step: the outcome recorded (a refusal or failure as the machine's Catch gives it)."""
        failure = None
        if error is not None:
            failure = {"Error": error, "Cause": json.dumps({"errorType": error, "errorMessage": message})}
        structures.record_outcome(self.ports, self.step, state.value, failure)


def start(ports: Ports, siret: str = SAINT_LEGER, takeover: str | None = CH_VIENNE) -> Run:
    """An inactivation started by the requester once the API's checks passed (the checks and the machine
    itself left out: the outcome is what the test records)."""
    operation = structures.begin_inactivation(ports, NoWorkflow(), fixtures.user(ports, REQUESTER), siret, takeover)
    step = Step(operation.id, siret, takeover, USER_IDS[REQUESTER])
    return Run(ports, step)


# Each outcome: the named error and French cause the machine records (none when done), what the mail says.
REFUSAL = messages.TAKEOVER_NOT_MANAGED.format(name=STRUCTURES[CH_VIENNE].designation)
OUTCOMES: dict[OperationState, tuple[str | None, str | None, str]] = {
    OperationState.SUCCEEDED: (
        None,
        None,
        messages.INACTIVATION_DONE.format(siret=SAINT_LEGER, payments=MOVED_PAYMENTS, tickets=MOVED_TICKETS),
    ),
    OperationState.REFUSED: ("TakeoverNotManaged", REFUSAL, REFUSAL),
    OperationState.FAILED: ("States.Timeout", None, messages.OPERATION_FAILED),
}


def subject(state: OperationState, siret: str = SAINT_LEGER) -> str:
    return messages.OPERATION_MAIL_SUBJECT.format(name=STRUCTURES[siret].designation, siret=siret, state=state.label)


def assert_in_both(mail: SentMail, *texts: str) -> None:
    """Each text in the plain-text part as it is, and escaped in the HTML part."""
    for text in texts:
        assert text in mail.text, text
        assert str(escape(text)) in mail.html, text


def paris(moment: datetime) -> str:
    """A moment as the mail shows it: « 26/11/2026 à 00:30 » (Europe/Paris)."""
    local = moment.astimezone(ZoneInfo("Europe/Paris"))
    return f"{local:%d/%m/%Y} à {local:%H:%M}"


def operation_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if r["dynamodb"].get("NewImage", {}).get("entity", {}).get("S") == "OPERATION"]


def state_of(record: dict[str, Any]) -> str:
    return str(record["dynamodb"]["NewImage"]["state"]["S"])


# ------------------------------------------------------------------------------ each outcome, its mail
@pytest.mark.parametrize("state", sorted(FINISHED))
def test_a_finished_inactivation_mails_its_outcome_to_the_requester_once(
    dynamo: Ports, desk: MailDesk, state: OperationState
) -> None:
    error, cause, outcome = OUTCOMES[state]
    run = start(dynamo)
    run.moved(MOVED_PAYMENTS, MOVED_TICKETS)
    assert desk.deliver() == Delivery([], [])  # running: nothing yet

    run.ends(state, error, cause)

    mail = only_mail(desk.deliver())
    operation = run.operation
    assert (operation.state, operation.message) == (state, outcome)
    assert mail.to == TO
    assert SENDER in mail.sender
    assert mail.subject == subject(state)
    assert mail.content_types == ("text/plain", "text/html")
    assert mail.charsets == ("utf-8", "utf-8")
    assert "<p>" not in mail.text and "<p>" in mail.html
    assert_in_both(
        mail,
        "Bonjour,",
        messages.OPERATION_MAIL_HEADINGS[state.value].format(name=STRUCTURES[SAINT_LEGER].designation),
        STRUCTURES[SAINT_LEGER].designation,
        f"SIRET {SAINT_LEGER}",
        f"SIRET {CH_VIENNE}",
        STRUCTURES[CH_VIENNE].designation,
        state.label,
        outcome,
        operation.id,
        paris(operation.started_at),
    )
    assert operation.finished_at is not None
    assert paris(operation.finished_at) in mail.text
    assert f"Demandes de paiement transférées : {MOVED_PAYMENTS}" in mail.text
    assert f"Tickets transférés : {MOVED_TICKETS}" in mail.text
    assert f"<td>{MOVED_PAYMENTS}</td>" in mail.html and f"<td>{MOVED_TICKETS}</td>" in mail.html


def test_an_inactivation_without_takeover_says_nothing_moved(dynamo: Ports, desk: MailDesk) -> None:
    """Closed in Sirene: no takeover structure, nothing moved, no line about either."""
    run = start(dynamo, SAINT_LEGER, takeover=None)
    run.ends(OperationState.SUCCEEDED)

    mail = only_mail(desk.deliver())

    assert mail.subject == subject(OperationState.SUCCEEDED)
    assert_in_both(mail, messages.INACTIVATION_DONE.format(siret=SAINT_LEGER, payments=0, tickets=0))
    assert "reprenante" not in mail.text + mail.html
    assert "\nDemandes de paiement transférées" not in mail.text and "Tickets transférés<" not in mail.html


def test_the_dates_are_those_of_paris(dynamo: Ports, desk: MailDesk) -> None:
    """Started at 23:30 UTC on a winter evening, finished at 22:05 UTC in summer: the mail says the next day
    at 00:30 (UTC+1) and 00:05 the day after (UTC+2)."""
    started, finished = datetime(2026, 11, 25, 23, 30, tzinfo=UTC), datetime(2027, 7, 1, 22, 5, tzinfo=UTC)
    requester = fixtures.user(dynamo, REQUESTER).person
    operation = Operation(id="inactivation-dates", siret=INACTIVE, requester=requester, started_at=started)
    assert dynamo.operations.begin(operation, structures.LOCK_SECONDS)
    dynamo.operations.finish(
        operation.model_copy(
            update={"state": OperationState.FAILED, "finished_at": finished, "message": messages.OPERATION_FAILED}
        )
    )

    mail = only_mail(desk.deliver())

    assert_in_both(mail, "26/11/2026 à 00:30", "02/07/2027 à 00:05", STRUCTURES[INACTIVE].designation)
    assert mail.subject == subject(OperationState.FAILED, INACTIVE)


def test_markup_in_the_outcome_arrives_as_text(dynamo: Ports, desk: MailDesk) -> None:
    cause = messages.TAKEOVER_PRIVATE.format(name=MARKUP)
    run = start(dynamo)
    run.ends(OperationState.REFUSED, "TakeoverPrivate", cause)

    mail = only_mail(desk.deliver())

    assert_in_both(mail, cause)
    assert "Régie &lt;b&gt;Nord&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;" in mail.html
    assert "<b>" not in mail.html and "<script>" not in mail.html
    assert f"\n{cause}\n" in mail.text  # plain text is not HTML: the message as written


# ---------------------------------------------------------------------- which records are mailed, which not
def test_only_the_finishing_update_of_an_operation_is_handed_and_mailed(
    dynamo: Ports, desk: MailDesk, template: dict[str, Any]
) -> None:
    """Through an operation's life (its insert and its lock's, the moved counts while it runs, the outcome,
    the lock's removal, the journal's items), the template's filters hand the function the finishing update
    only — in the test's matcher and in the local stack's — and the function, given every record unfiltered,
    sends the one mail."""
    run = start(dynamo)
    started = desk.records()
    assert [(r["eventName"], state_of(r)) for r in operation_records(started)] == [("INSERT", "RUNNING")]
    run.moved(MOVED_PAYMENTS, 0)
    run.moved(0, MOVED_TICKETS)
    running = desk.records()
    assert [(r["eventName"], state_of(r)) for r in operation_records(running)] == [("MODIFY", "RUNNING")] * 2
    for records in (started, running):
        assert desk.handed(records) == []
        assert local_stack_hands(template, records) == []
        assert desk.invoke(records) == Delivery([], [])  # unfiltered: the function decides by itself too

    run.ends(OperationState.SUCCEEDED)
    finished = desk.records()
    (outcome,) = operation_records(finished)
    assert (outcome["eventName"], state_of(outcome)) == ("MODIFY", "SUCCEEDED")
    assert {r["eventName"] for r in finished} == {"MODIFY", "REMOVE"}  # the outcome, the lock's removal
    assert desk.handed(finished) == [outcome]
    assert local_stack_hands(template, finished) == [outcome]
    assert only_mail(desk.invoke(finished)).subject == subject(OperationState.SUCCEEDED)

    journal = desk.records()  # the mail's journal items: no mail
    assert journal and desk.handed(journal) == [] and local_stack_hands(template, journal) == []
    assert desk.invoke(journal) == Delivery([], [])


def local_stack_hands(template: dict[str, Any], records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records the local stack's event source mapping of MailFunction lets through (its own matcher)."""
    arn = "arn:aws:dynamodb:eu-west-3:123456789012:table/chorus-desk-local/stream/2026-11-25T00:00:00.000"
    resolver = Resolver(
        template, parameters={"Stage": "dev"}, names=dict(aws.LOCAL_NAMES), attributes={"DeskTable.StreamArn": arn}
    )
    (source,) = (s for s in stream_sources(template, resolver) if s.function == "MailFunction")
    return [r for r in records if source.accepts(r)]


def operation_image(state: str, entity: str = "OPERATION") -> dict[str, Any]:
    return {
        "PK": {"S": "OPERATION#inactivation-x"},
        "SK": {"S": "OPERATION"},
        "entity": {"S": entity},
        "id": {"S": "inactivation-x"},
        "state": {"S": state},
    }


@pytest.mark.parametrize(
    ("event_name", "image", "handed"),
    [
        ("MODIFY", operation_image("SUCCEEDED"), True),
        ("MODIFY", operation_image("REFUSED"), True),
        ("MODIFY", operation_image("FAILED"), True),
        ("MODIFY", operation_image("RUNNING"), False),
        ("INSERT", operation_image("RUNNING"), False),
        ("INSERT", operation_image("SUCCEEDED"), False),  # an operation is inserted running: no such record
        ("MODIFY", operation_image("SUCCEEDED", entity="LOCK"), False),
        ("MODIFY", {k: v for k, v in operation_image("SUCCEEDED").items() if k != "state"}, False),
        ("REMOVE", None, False),
    ],
)
def test_the_template_filter_for_operations(
    template: dict[str, Any], event_name: str, image: dict[str, Any] | None, handed: bool
) -> None:
    """The operation pattern is the template's second one, next to the history events'; both matchers (the
    tests' and the local stack's, which applies the template's filters) agree on each record."""
    patterns = event_filters(template, "MailFunction")
    assert len(patterns) == 3  # the third: a live chat's transcript asked (tests/test_chat_transcript.py)
    assert patterns[1]["eventName"] == ["MODIFY"]
    image_pattern = patterns[1]["dynamodb"]["NewImage"]
    assert set(patterns[1]) == {"eventName", "dynamodb"} and set(image_pattern) == {"entity", "state"}
    assert image_pattern["entity"] == {"S": ["OPERATION"]}
    assert sorted(image_pattern["state"]["S"]) == sorted(FINISHED)  # chorus_desk.usecases.mail's finished states
    assert set(OperationState) - FINISHED == {OperationState.RUNNING}
    record: dict[str, Any] = {"eventName": event_name, "eventSource": "aws:dynamodb", "dynamodb": {}}
    if image is not None:
        record["dynamodb"]["NewImage"] = image
    assert any(matches(p, record) for p in patterns) is handed
    assert (local_stack_hands(template, [record]) == [record]) is handed


# ------------------------------------------------------------------------------------------- exactly once
def test_a_replayed_outcome_sends_nothing_more(dynamo: Ports, desk: MailDesk) -> None:
    run = start(dynamo)
    run.ends(OperationState.SUCCEEDED)
    batch = desk.handed(desk.records())

    assert only_mail(desk.invoke(batch)).to == TO
    assert desk.invoke(batch) == Delivery([], [])  # the same batch again (a retry after a timeout)
    assert desk.invoke(batch + batch) == Delivery([], [])
    now = utc_now()
    claim = dynamo.mail_journal.claim(operation_mail_key(run.step.operation_id), now, now + LEASE)
    assert claim is Claim.SENT  # the journal keeps the operation's key as sent
    assert len(sent_mails()) == 1


def test_when_ses_fails_the_outcome_is_mailed_once_it_recovers(dynamo: Ports, desk: MailDesk) -> None:
    ses_outage(SENDER)
    run = start(dynamo)
    run.moved(MOVED_PAYMENTS, MOVED_TICKETS)
    run.ends(OperationState.SUCCEEDED)
    batch = desk.handed(desk.records())
    assert len(batch) == 1
    assert run.operation.state is OperationState.SUCCEEDED  # the outcome does not wait for the mail

    during = desk.invoke(batch)
    assert during == Delivery(sequence_numbers(batch), [])  # the record fails: Lambda retries it
    still_down = desk.invoke(retry_batch(batch, during.failed))
    assert still_down == Delivery(sequence_numbers(batch), [])  # the claim was given back, not held
    assert sent_mails() == []

    verify_sender(SENDER)  # SES recovers
    after = desk.invoke(retry_batch(batch, during.failed))

    assert only_mail(after).subject == subject(OperationState.SUCCEEDED)
    assert desk.invoke(batch) == Delivery([], [])
    assert len(sent_mails()) == 1


def test_a_batch_with_a_ticket_event_and_an_operation_mails_both(dynamo: Ports, desk: MailDesk) -> None:
    """The function dispatches on the record's entity: a ticket's confirmation to its contact, an operation's
    outcome to its requester, in one batch."""
    boto3.client("secretsmanager").create_secret(
        Name=os.environ["SIGNING_SECRET_NAME"], SecretString=secrets.token_urlsafe(48)
    )
    contact = "compta@menuiserie-dupont.example"
    number = fixtures.new_ticket(dynamo, contact_email=contact)
    run = start(dynamo)
    run.ends(OperationState.SUCCEEDED)

    delivery = desk.deliver()

    assert delivery.failed == []
    assert [(m.to, m.subject) for m in delivery.mails] == [
        (contact, messages.MAIL_SUBJECTS["CONFIRMATION"].format(number=number)),
        (TO, subject(OperationState.SUCCEEDED)),
    ]
