"""Retried requests never duplicate (issue 18, point 9): the ``Idempotency-Key`` header of every route that writes
a ticket, through the real handlers, on in-memory ports and on DynamoDB (moto) with the records in the desk's
table.

The same request sent again with the same key gets the first answer (status, body, headers) and nothing is done
twice; another request with the key is refused (422); while the first runs, 409; a key expires after 24 hours;
a key belongs to its caller and its route; a malformed key is a 400 before anything is read or written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType, SimpleNamespace
from typing import Any
from unittest import mock

import boto3
import pytest
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord
from werkzeug.test import Client

from chorus_desk import messages
from chorus_desk.adapters import idempotency as idempotency_adapter
from chorus_desk.adapters.idempotency import MemoryIdempotencyRecords
from chorus_desk.api.http import CORS_HEADERS
from chorus_desk.api.routes import attachments as attachment_routes
from chorus_desk.api.routes import following as following_routes
from chorus_desk.api.routes import tickets as ticket_routes
from chorus_desk.errors import StorageUnavailable
from chorus_desk.ports import Ports
from local_stack.gateway import CognitoVerifier, Gateway
from local_stack.openapi import build_document
from local_stack.template import ROOT, Resolver, load_handler_module, resources_of_type
from tests import support
from tests.fixtures import USER_IDS
from tests.mail_support import MailDesk, fresh_adapters, verify_sender
from tests.support import DROP, Api, CallLog, Reply, sample_event

KEY = "5b0e6f1c-2d7a-4c43-9a51-8f3e2b1d0c97"
OTHER_KEY = "retry_2026-12-07_0001"
HEADER = "Idempotency-Key"
SENDER = os.environ["MAIL_SENDER"]
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}

REUSED = {"code": "CLE_IDEMPOTENCE_REUTILISEE", "message": messages.IDEMPOTENCY_KEY_REUSED, "errors": []}
IN_PROGRESS = {"code": "DEMANDE_EN_COURS", "message": messages.REQUEST_IN_PROGRESS, "errors": []}
BAD_KEY = {
    "code": "DONNEES_INVALIDES",
    "message": messages.INVALID_INPUT,
    "errors": [{"field": HEADER, "message": messages.IDEMPOTENCY_KEY_INVALID}],
}


def keyed(key: str = KEY) -> dict[str, str]:
    return {HEADER: key}


def creation(**changes: Any) -> dict[str, Any]:
    """The sample event's body of POST /tickets (a submitted ticket of Menuiserie Dupont), ``changes`` applied."""
    body = {**json.loads(sample_event("create_ticket")["body"]), **changes}
    return {k: v for k, v in body.items() if v is not DROP}


def create(api: Api, user: str = "marie", key: str | None = KEY, **changes: Any) -> Reply:
    return api.call("create_ticket", user, body=creation(**changes), headers=None if key is None else keyed(key))


def detail(api: Api, number: int, user: str = "marie") -> dict[str, Any]:
    reply = api.call("get_ticket", user, number)
    assert reply.status == 200, reply.body
    body: dict[str, Any] = reply.body
    return body


def next_number_is(api: Api, expected: int) -> None:
    """The next ticket gets ``expected``: no number was taken in between (no ticket created on the side)."""
    reply = create(api, key=None)
    assert reply.status == 201, reply.body
    assert reply.body["number"] == expected


@pytest.fixture(params=["memory", "dynamodb"])
def desk_api(request: pytest.FixtureRequest) -> Api:
    """The real handlers on in-memory ports, then on the DynamoDB and S3 adapters (moto)."""
    api: Api = request.getfixturevalue("api" if request.param == "memory" else "aws_api")
    return api


@contextmanager
def later(delta: dt.timedelta) -> Iterator[None]:
    """The clocks of Powertools' idempotency (record expiry, in-progress deadline, the conditional put's ``:now``)
    and of the in-memory records moved by ``delta``."""

    class Moved(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Moved:
            real = dt.datetime.now(tz) + delta
            return cls.fromtimestamp(real.timestamp(), tz)

    clock = SimpleNamespace(datetime=Moved, timedelta=dt.timedelta)
    modules = [
        "aws_lambda_powertools.utilities.idempotency.base",
        "aws_lambda_powertools.utilities.idempotency.persistence.base",
        "aws_lambda_powertools.utilities.idempotency.persistence.datarecord",
        "aws_lambda_powertools.utilities.idempotency.persistence.dynamodb",
        idempotency_adapter.__name__,
    ]
    patches = [mock.patch(f"{name}.dt", clock) for name in modules]
    for patch in patches:
        patch.start()
    try:
        yield
    finally:
        for patch in reversed(patches):
            patch.stop()


# ------------------------------------------------------------------------------------ one ticket, once
def test_a_hundred_identical_retries_give_one_ticket_and_the_same_answer(desk_api: Api) -> None:
    replies = [create(desk_api) for _ in range(100)]

    first = replies[0]
    assert first.status == 201, first.body
    assert all(reply == first for reply in replies)  # status, body and headers, byte for byte
    number = first.body["number"]
    assert first.headers["Location"] == f"/tickets/{number}"
    ticket = detail(desk_api, number)
    assert [e["action"]["code"] for e in ticket["history"]] == ["CREATE_AND_SUBMIT"]
    assert ticket["version"] == first.body["version"]
    next_number_is(desk_api, number + 1)


def test_without_the_header_each_request_is_a_new_one(desk_api: Api) -> None:
    first, second = create(desk_api, key=None), create(desk_api, key=None)

    assert (first.status, second.status) == (201, 201)
    assert second.body["number"] == first.body["number"] + 1


def test_the_same_key_with_another_body_is_refused_in_french_and_nothing_is_stored(desk_api: Api) -> None:
    first = create(desk_api)
    assert first.status == 201, first.body

    other = create(desk_api, title="Un autre sujet")

    assert (other.status, other.body) == (422, REUSED)
    assert create(desk_api) == first  # the key still answers its own request
    next_number_is(desk_api, first.body["number"] + 1)


def test_a_key_belongs_to_its_caller(desk_api: Api) -> None:
    """Two users of the same structure, the same key, the same body: two tickets, each his own answer."""
    marie, paul = create(desk_api, "marie"), create(desk_api, "paul")

    assert (marie.status, paul.status) == (201, 201)
    assert paul.body["number"] == marie.body["number"] + 1
    assert marie.body["created_by"]["name"] == "Marie Dupont"
    assert paul.body["created_by"]["name"] == "Paul Girard"
    assert create(desk_api, "marie") == marie
    assert create(desk_api, "paul") == paul


def test_a_key_belongs_to_its_route(api: Api) -> None:
    """The key of a creation, sent with an answer to another ticket: a request of its own, done."""
    created = create(api)
    number = created.body["number"]

    answered = api.call("answer", "lucas", number, body={"text": "Voici la solution."}, headers=keyed())
    also = api.call("answer", "marie", number, body={"text": "Pas moi."}, headers=keyed())

    assert answered.status == 200, answered.body
    assert answered.body["status"]["code"] == "RESOLVED"
    assert also.status == 403  # marie's key on another route: her request is judged, not replayed nor refused 422


def test_the_same_key_on_another_ticket_is_refused_and_leaves_it_untouched(desk_api: Api) -> None:
    first, second = desk_api.ticket_in("OPEN"), desk_api.ticket_in("OPEN")
    text = {"text": "Voici la solution."}
    answered = desk_api.call("answer", "lucas", first, body=text, headers=keyed())
    assert answered.status == 200, answered.body

    other = desk_api.call("answer", "lucas", second, body=text, headers=keyed())

    assert (other.status, other.body) == (422, REUSED)
    assert detail(desk_api, second)["status"]["code"] == "OPEN"


# ------------------------------------------------------------------------------------------- expiry
def test_a_key_expires_after_24_hours(desk_api: Api) -> None:
    first = create(desk_api)
    number = first.body["number"]

    with later(dt.timedelta(hours=23, minutes=59)):
        assert create(desk_api) == first
    with later(dt.timedelta(hours=24, seconds=5)):
        again = create(desk_api)

    assert again.status == 201, again.body
    assert again.body["number"] == number + 1  # a new request, done
    assert create(desk_api) == again  # and now the key answers it


def test_the_record_carries_the_tables_ttl_attribute_24_hours_ahead(
    aws_api: Api, aws: CallLog, template: dict[str, Any]
) -> None:
    """On DynamoDB: one item under IDEMPOTENCY#, its expiry in the TTL attribute of template.yaml; no key,
    no caller in clear in its keys."""
    captured: list[dict[str, Any]] = []
    aws.client.meta.events.register(
        "provide-client-params.dynamodb.PutItem", lambda params, **_: captured.append(params)
    )
    before = int(dt.datetime.now(dt.UTC).timestamp())

    create(aws_api)

    (item,) = [p["Item"] for p in captured if p["Item"]["PK"]["S"].startswith("IDEMPOTENCY#")]
    stored = aws.client.get_item(TableName=os.environ["TABLE_NAME"], Key={"PK": item["PK"], "SK": item["SK"]})["Item"]
    assert stored["status"]["S"] == "COMPLETED"
    assert before + 24 * 3600 <= int(stored["expires_at"]["N"]) <= before + 24 * 3600 + 60
    assert len(item["PK"]["S"]) == len("IDEMPOTENCY#") + 64
    keys = json.dumps([stored["PK"], stored["SK"]])
    assert KEY not in keys and USER_IDS["marie"] not in keys
    ttl = template["Resources"]["DeskTable"]["Properties"]["TimeToLiveSpecification"]
    assert ttl == {"AttributeName": "expires_at", "Enabled": True}


# ------------------------------------------------------------------------------------ bad header
@pytest.mark.parametrize("value", ["", "un espace", "clé", "a/b", "x" * 129, "Idempotency:1"])
def test_a_malformed_key_is_a_french_400_and_nothing_is_stored(aws_api: Api, aws: CallLog, value: str) -> None:
    aws.operations.clear()
    reply = create(aws_api, key=value)

    assert (reply.status, reply.body) == (400, BAD_KEY)
    assert not WRITES & set(aws.operations), aws.operations
    next_number_is(aws_api, 1)


def test_a_malformed_key_is_refused_on_every_route_that_takes_one(api: Api) -> None:
    number = api.ticket_in("OPEN")
    anonymous = api.call("create_anonymous_ticket", None, body={}, headers=keyed("pas une clé"))
    answer = api.call("answer", "lucas", number, body={"text": "Voici."}, headers=keyed("x" * 200))

    assert (anonymous.status, anonymous.body) == (400, BAD_KEY)
    assert (answer.status, answer.body) == (400, BAD_KEY)
    assert detail(api, number)["status"]["code"] == "OPEN"


def test_a_key_of_128_characters_of_the_alphabet_is_accepted(api: Api) -> None:
    key = ("Az09_-" * 22)[:128]
    assert create(api, key=key).status == 201
    assert create(api, key=key).body["number"] == 1


# ------------------------------------------------------------------------------------ every action
# route → (status the ticket is brought to, who acts, body): each writes the ticket once
ACTIONS: dict[str, tuple[str, str, dict[str, Any] | None]] = {
    "update_draft": ("DRAFT", "marie", {"title": "Titre corrigé"}),
    "submit_draft": ("DRAFT", "marie", None),
    "take_in_charge": ("OPEN", "lucas", {}),
    "assign_ticket": ("OPEN", "sophie", {"assignee_id": USER_IDS["lucas"]}),
    "request_information": ("OPEN", "lucas", {"question": "Quelle facture ?"}),
    "provide_information": ("AWAITING_INFO", "marie", {"text": "La facture FAC-1."}),
    "answer": ("OPEN", "lucas", {"text": "Voici la réponse."}),
    "accept_solution": ("RESOLVED", "marie", {}),
    "refuse_solution": ("RESOLVED", "marie", {"reason": "Ça ne marche pas."}),
    "close_ticket": ("OPEN", "marie", {"comment": "Plus d'actualité."}),
    "request_upload": ("DRAFT", "marie", {"name": "facture.pdf", "content_type": "application/pdf", "size": 2048}),
}


@pytest.mark.parametrize("route", sorted(ACTIONS))
def test_every_ticket_action_retried_is_done_once_and_answered_the_same(api: Api, route: str) -> None:
    status, user, body = ACTIONS[route]
    number = api.ticket_in(status)
    before = detail(api, number)

    replies = [api.call(route, user, number, body=body, headers=keyed()) for _ in range(3)]

    assert replies[0].status in {200, 201}, replies[0].body
    assert replies[1] == replies[0] and replies[2] == replies[0]
    after = detail(api, number)
    assert after["version"] == before["version"] + 1
    assert len(after["history"]) - len(before["history"]) <= 1
    other = dict(body or {}, **({"title": "Encore un autre"} if route == "update_draft" else {"extra": 1}))
    refused = api.call(route, user, number, body=other, headers=keyed())
    assert refused.status in {400, 422}  # another request under the key: refused, never replayed nor redone
    assert detail(api, number)["version"] == after["version"]


def test_a_draft_deleted_once_answers_its_retries_the_same(api: Api) -> None:
    number = api.ticket_in("DRAFT")

    replies = [api.call("delete_draft", "marie", number, headers=keyed()) for _ in range(3)]

    assert [r.status for r in replies] == [204, 204, 204]
    assert replies[1] == replies[0]
    assert api.call("get_ticket", "marie", number).status == 404
    assert api.call("delete_draft", "marie", number).status == 404  # without the key: the draft is gone


def test_an_attachment_removed_once_answers_its_retries_the_same(api: Api) -> None:
    number = api.ticket_in("DRAFT")
    attached = api.attach("marie", number, "note.txt", b"Bonjour, voici la note.\n")
    assert attached.outcome == "accepted", attached.outcome
    version = detail(api, number)["version"]

    replies = [
        api.call("remove_attachment", "marie", number, attachment_id=attached.id, headers=keyed()) for _ in range(3)
    ]

    assert replies[0].status == 200, replies[0].body
    assert replies[1] == replies[0] and replies[2] == replies[0]
    assert detail(api, number)["version"] == version + 1


def test_a_retry_after_a_later_action_gets_its_own_answer_and_redoes_nothing(desk_api: Api) -> None:
    number = desk_api.ticket_in("OPEN")
    answered = desk_api.call("answer", "lucas", number, body={"text": "Voici la solution."}, headers=keyed())
    refused = desk_api.call("refuse_solution", "marie", number, body={"reason": "Toujours en erreur."})
    assert (answered.status, refused.status) == (200, 200)

    retried = desk_api.call("answer", "lucas", number, body={"text": "Voici la solution."}, headers=keyed())

    assert retried == answered
    ticket = detail(desk_api, number)
    assert ticket["status"]["code"] == "OPEN"
    assert [e["action"]["code"] for e in ticket["history"]].count("ANSWER") == 1


def test_a_refused_request_is_not_kept_the_same_key_may_be_sent_again(desk_api: Api) -> None:
    number = desk_api.ticket_in("DRAFT")
    early = desk_api.call("answer", "lucas", number, body={"text": "Trop tôt."}, headers=keyed())
    assert early.status in {404, 409}, early.body  # not the recipient's yet: refused, nothing kept
    submitted = desk_api.call("submit_draft", "marie", number)
    assert submitted.status == 200, submitted.body

    answered = desk_api.call("answer", "lucas", number, body={"text": "Trop tôt."}, headers=keyed())

    assert answered.status == 200, answered.body
    assert answered.body["status"]["code"] == "RESOLVED"


# ---------------------------------------------------------------------------------- non-connected form
def test_a_hundred_retries_of_the_anonymous_form_give_one_ticket_and_spare_the_limit(api: Api) -> None:
    captcha = api.captcha()
    fields = {**json.loads(sample_event("create_anonymous_ticket")["body"]), "captcha_id": captcha[0]}
    fields["captcha_answer"] = captcha[1]

    replies = [api.call("create_anonymous_ticket", None, body=fields, headers=keyed()) for _ in range(100)]

    assert replies[0].status == 201, replies[0].body
    assert all(reply == replies[0] for reply in replies)
    number = replies[0].body["number"]
    limit = api.public_settings().tickets_per_hour
    for _ in range(limit - 1):  # the retries counted for nothing: the address still has its hour's tickets
        assert api.create_anonymous().status == 201
    assert api.create_anonymous().status == 429
    next_number_is(api, number + limit)


def test_two_visitors_with_the_same_key_never_see_each_others_answer(api: Api) -> None:
    first = api.create_anonymous()
    assert first.status == 201
    mine = api.call("create_anonymous_ticket", None, body=_anonymous_body(api), headers=keyed())
    theirs = api.call("create_anonymous_ticket", None, body=_anonymous_body(api, title="Autre"), headers=keyed())

    assert mine.status == 201, mine.body
    assert (theirs.status, theirs.body) == (422, REUSED)  # the refusal, word for word: nothing of the first


def _anonymous_body(api: Api, **changes: Any) -> dict[str, Any]:
    captcha_id, answer = api.captcha()
    fields = json.loads(sample_event("create_anonymous_ticket")["body"])
    return {**fields, "captcha_id": captcha_id, "captcha_answer": answer, **changes}


# --------------------------------------------------------------------------------------------- mails
@pytest.fixture
def mail_desk(aws_api: Api, template: dict[str, Any]) -> Iterator[MailDesk]:
    """The table's stream, the template's filter and the real mail handler (SES on moto), the seeded world's
    records already read."""
    for name in ("SIGNING_SECRET_NAME", "PSEUDONYM_SECRET_NAME"):  # links signed; recipients counted (pseudonyms)
        boto3.client("secretsmanager").create_secret(Name=os.environ[name], SecretString="k" * 64)
    verify_sender(SENDER)
    fresh_adapters()
    desk = MailDesk(template, os.environ["TABLE_NAME"])
    desk.records()
    yield desk
    fresh_adapters()


def history_inserts(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        r
        for r in records
        if r["eventName"] == "INSERT" and r["dynamodb"]["NewImage"].get("entity", {}).get("S") == "EVENT"
    ]


def test_a_hundred_retries_write_one_history_event_and_send_one_mail(aws_api: Api, mail_desk: MailDesk) -> None:
    for _ in range(100):
        assert create(aws_api).status == 201

    records = mail_desk.records()
    delivery = mail_desk.invoke(mail_desk.handed(records))

    assert len(history_inserts(records)) == 1
    assert delivery.failed == []
    assert [m.subject for m in delivery.mails] == [messages.MAIL_SUBJECTS["CONFIRMATION"].format(number=1)]


def test_a_hundred_retries_of_an_answer_send_one_mail(aws_api: Api, mail_desk: MailDesk) -> None:
    number = aws_api.ticket_in("OPEN")
    mail_desk.deliver()

    replies = [
        aws_api.call("answer", "lucas", number, body={"text": "Voici la solution."}, headers=keyed())
        for _ in range(100)
    ]

    assert all(r == replies[0] for r in replies) and replies[0].status == 200
    delivery = mail_desk.deliver()
    assert delivery.failed == []
    assert len(delivery.mails) == 1


def test_a_hundred_retries_of_the_anonymous_form_send_one_mail(aws_api: Api, mail_desk: MailDesk) -> None:
    body = _anonymous_body(aws_api)

    replies = [aws_api.call("create_anonymous_ticket", None, body=body, headers=keyed()) for _ in range(100)]

    assert replies[0].status == 201, replies[0].body
    assert all(r == replies[0] for r in replies)
    delivery = mail_desk.deliver()
    assert delivery.failed == []
    assert len(delivery.mails) == 1


# ------------------------------------------------------------------------------------- in progress
def second_environment(template: dict[str, Any], function: str) -> ModuleType:
    """The function's handler module imported again: another Lambda execution environment (its own resolver),
    behind the same ports."""
    props = template["Resources"][function]["Properties"]
    module_name = props["Handler"].rpartition(".")[0]
    source = ROOT / props["CodeUri"] / f"{module_name.replace('.', '/')}.py"
    # Named as the first (never put in sys.modules): the IAM recorder credits its calls to the same function.
    spec = importlib.util.spec_from_file_location(f"_desk_function_{function}", source)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def other_environment(template: dict[str, Any]) -> Iterator[Callable[[Api], ModuleType]]:
    first = load_handler_module(template, "TicketsFunction")
    routers = (ticket_routes.router, attachment_routes.router, following_routes.router)

    def make(api: Api) -> ModuleType:
        module = second_environment(template, "TicketsFunction")
        module.app.dependency_overrides.update(first.app.dependency_overrides)  # the Api's ports and storage
        return module

    yield make
    for router in routers:  # including them in the second resolver pointed them at it
        router.api_resolver = first.app


class Held:
    """The ticket store, where the next insertion waits until ``release`` (a slow request, still running)."""

    def __init__(self, ports: Ports) -> None:
        self._store = ports.tickets
        self.entered, self.release = threading.Event(), threading.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def insert_ticket(self, *args: Any, **kwargs: Any) -> None:
        self.entered.set()
        assert self.release.wait(10)
        self._store.insert_ticket(*args, **kwargs)


def test_the_same_key_while_the_first_request_runs_is_a_french_409(
    desk_api: Api, template: dict[str, Any], other_environment: Callable[[Api], ModuleType]
) -> None:
    second = other_environment(desk_api)
    held = Held(desk_api.ports)
    original = desk_api.ports
    desk_api.ports = dataclasses.replace(original, tickets=held)
    outcome: list[Reply] = []
    first = threading.Thread(target=lambda: outcome.append(create(desk_api)))
    first.start()
    try:
        assert held.entered.wait(10)
        with mock.patch.object(support, "handler_of", return_value=second.lambda_handler):
            duplicate = create(desk_api)  # the same request, in another execution environment
            twin = create(desk_api, title="Un autre sujet")
    finally:
        held.release.set()
        first.join(10)
    desk_api.ports = original

    assert (duplicate.status, duplicate.body) == (409, IN_PROGRESS)
    assert (twin.status, twin.body) == (422, REUSED)
    (done,) = outcome
    assert done.status == 201, done.body
    assert create(desk_api) == done
    next_number_is(desk_api, done.body["number"] + 1)


class Killed(BaseException):
    """Lambda stopping an invocation (its timeout): nothing of the handler runs after it, no cleanup."""


class Dying:
    """The ticket store, where the next insertion never returns: the invocation is killed before it writes."""

    def __init__(self, ports: Ports) -> None:
        self._store = ports.tickets

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def insert_ticket(self, *_: Any, **__: Any) -> None:
        raise Killed


def test_the_key_of_a_request_whose_lambda_died_is_free_again_at_its_deadline(
    desk_api: Api, template: dict[str, Any]
) -> None:
    original = desk_api.ports
    desk_api.ports = dataclasses.replace(original, tickets=Dying(original))
    with pytest.raises(Killed):
        create(desk_api)
    desk_api.ports = original
    timeout = (
        template["Resources"]["TicketsFunction"]["Properties"].get("Timeout")
        or template["Globals"]["Function"]["Timeout"]
    )

    blocked = create(desk_api)
    assert (blocked.status, blocked.body) == (409, IN_PROGRESS)  # as far as the desk knows, it is still running
    with later(dt.timedelta(seconds=timeout + 1)):  # past the invocation's deadline: it is not
        retried = create(desk_api)

    assert retried.status == 201, retried.body
    assert create(desk_api) == retried
    assert detail(desk_api, retried.body["number"])["history"][0]["action"]["code"] == "CREATE_AND_SUBMIT"


class Failing(MemoryIdempotencyRecords):
    """The records' store failing on one kind of write (a storage outage), as the adapter reports it."""

    def __init__(self, failing: str) -> None:
        super().__init__()
        self.failing = failing

    def _put_record(self, data_record: DataRecord) -> None:
        if self.failing == "put":
            raise StorageUnavailable(messages.STORAGE_UNAVAILABLE)
        super()._put_record(data_record)

    def _update_record(self, data_record: DataRecord) -> None:
        if self.failing == "update":
            raise StorageUnavailable(messages.STORAGE_UNAVAILABLE)
        super()._update_record(data_record)


def test_when_the_records_cannot_be_written_the_request_is_refused_in_french_and_nothing_is_done(api: Api) -> None:
    api.ports = dataclasses.replace(api.ports, idempotency=Failing("put"))

    reply = create(api)

    assert reply.status == 503
    assert (reply.body["code"], reply.body["message"]) == ("SERVICE_INDISPONIBLE", messages.STORAGE_UNAVAILABLE)
    next_number_is(api, 1)


def test_a_request_done_whose_record_cannot_be_completed_still_gets_its_answer(api: Api) -> None:
    """The ticket is created: the client gets its 201 (a 503 would invite a retry); the key stays « in progress »
    until the invocation's deadline."""
    api.ports = dataclasses.replace(api.ports, idempotency=Failing("update"))

    reply = create(api)

    assert reply.status == 201, reply.body
    assert detail(api, reply.body["number"])["number"] == reply.body["number"]
    retried = create(api)
    assert (retried.status, retried.body) == (409, IN_PROGRESS)


# ------------------------------------------------------------------------------------ documentation
def idempotent_operations(document: dict[str, Any]) -> set[str]:
    return {
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if any(p["in"] == "header" and p["name"].lower() == HEADER.lower() for p in operation.get("parameters", []))
    }


def test_every_route_that_writes_a_ticket_documents_the_header_and_its_answers(template: dict[str, Any]) -> None:
    document = build_document(template)
    writes = {
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"post", "patch", "delete"} and (path.startswith("/tickets") or path == "/public/tickets")
    }

    assert idempotent_operations(document) == writes
    assert len(writes) == 15
    for name in writes:
        method, path = name.split(" ")
        operation = document["paths"][path][method.lower()]
        assert {"409", "422"} <= set(operation["responses"]), name
        assert operation["responses"]["422"]["description"] == messages.ERROR_DESCRIPTIONS[422]
        (parameter,) = [p for p in operation["parameters"] if p["in"] == "header"]
        assert parameter["required"] is False
        assert parameter["name"] == HEADER
        assert (parameter["schema"]["type"], parameter["schema"]["pattern"]) == ("string", "^[A-Za-z0-9_-]{1,128}$")


def test_browsers_may_send_the_header(template: dict[str, Any]) -> None:
    """The API's CORS (template.yaml, the functions' CORS_HEADERS) and the local stack's preflight allow it."""
    ((_, spec),) = resources_of_type(template, "AWS::Serverless::Api").items()
    assert HEADER in spec["Properties"]["Cors"]["AllowHeaders"].strip("'").split(",")
    assert HEADER in CORS_HEADERS
    verifier = CognitoVerifier({"keys": []}, "https://cognito-idp.eu-west-3.amazonaws.com/none", "none")
    gateway = Gateway(template, Resolver(template).resolve(spec["Properties"]), verifier, {}, "dev", access_log=False)

    preflight = Client(gateway).options("/tickets/1/answer", headers={"Origin": "http://localhost:3000"})

    assert preflight.status_code == 204
    assert HEADER in preflight.headers["Access-Control-Allow-Headers"].split(",")
