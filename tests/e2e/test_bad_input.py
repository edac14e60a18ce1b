"""Bad input over real HTTP, through the local gateway and its Cognito authorizer: what the API answers to
a request that is not what it expects, and that such a request changes nothing.

Whatever the request, the answer is never a 5xx: it is JSON (`Content-Type: application/json`) with a
`code`, a French `message` and a list of `errors`, and the ticket it was about (or the one it would have
created) is exactly as before.

- A body that is not UTF-8: 400 DONNEES_INVALIDES, on every route that takes a body.
- A body that is not JSON (`text/plain`, XML, JSON Merge Patch, multipart): 415
  TYPE_DE_CONTENU_NON_PRIS_EN_CHARGE. JSON is JSON whatever the case of its media type and its
  parameters (`APPLICATION/JSON`, `application/json; charset=utf-8`).
- JSON nested 10,000 levels deep: 400, not a RecursionError.
- A top level that is not an object (array, string, number, null): 400.
- `submit` is `true` or `false`: neither "yes", "true", 1, 0 nor null (the field has a default, false;
  an explicit null is not that default, it is invalid).
- A ticket number in a path has one spelling, canonical digits: `0001`, `+1`, `%201`, `1.0`, `1_0`, `0`,
  `-1`, eleven digits are 400, so no other spelling ever reaches a ticket.

(tests/test_bad_input.py sends the same families straight to the handlers.)
"""

from __future__ import annotations

import json
import signal
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.e2e.stack import Stack, start_stack

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

INVALID = "DONNEES_INVALIDES"
UNSUPPORTED_TYPE = "TYPE_DE_CONTENU_NON_PRIS_EN_CHARGE"

DRAFT = {
    "category": "FACTURES_EMISES",
    "subcategory": "ERREUR_ELEMENTS_FACTURATION",
    "emitter_siret": "53453679200011",
    "title": "Numéro d'engagement erroné",
}
# Routed to the Chorus Pro technical support, where sophie is the head.
SUBMITTED = {**DRAFT, "description": "La facture FAC-2026-118 porte un mauvais numéro.", "submit": True}


@dataclass(frozen=True)
class Route:
    """A route that takes a body, who calls it and on a ticket in which status (None: it creates one)."""

    name: str
    method: str
    path: str
    user: str
    status: str | None
    body: dict[str, Any]  # a body of the right shape, for the tests where only the media type varies
    body_required: bool

    def url(self, number: int | None) -> str:
        return self.path.format(n=number)


ROUTES = [
    Route("create", "POST", "/tickets", "marie", None, DRAFT, body_required=True),
    Route("edit-draft", "PATCH", "/tickets/{n}", "marie", "DRAFT", {"title": "Autre titre"}, body_required=True),
    Route("take-in-charge", "POST", "/tickets/{n}/take-in-charge", "sophie", "OPEN", {}, body_required=False),
    Route("assign", "POST", "/tickets/{n}/assign", "sophie", "OPEN", {"assignee_id": "lucas"}, body_required=True),
    Route(
        "request-information",
        "POST",
        "/tickets/{n}/information-requests",
        "sophie",
        "OPEN",
        {"question": "Quel numéro d'engagement attendiez-vous ?"},
        body_required=True,
    ),
    Route(
        "provide-information",
        "POST",
        "/tickets/{n}/information",
        "marie",
        "AWAITING_INFO",
        {"text": "Le numéro EJ 1300042."},
        body_required=True,
    ),
    Route("answer", "POST", "/tickets/{n}/answer", "sophie", "OPEN", {"text": "Corrigé."}, body_required=True),
    Route("accept", "POST", "/tickets/{n}/accept", "marie", "RESOLVED", {}, body_required=False),
    Route(
        "refuse",
        "POST",
        "/tickets/{n}/refuse",
        "marie",
        "RESOLVED",
        {"reason": "Toujours rejetée."},
        body_required=True,
    ),
    Route(
        "close", "POST", "/tickets/{n}/close", "marie", "OPEN", {"comment": "Réglé entre-temps."}, body_required=False
    ),
]
BY_NAME = {route.name: route for route in ROUTES}


def routes(*names: str) -> list[Any]:
    return [pytest.param(BY_NAME[name], id=name) for name in names]


ALL_ROUTES = [pytest.param(route, id=route.name) for route in ROUTES]
REQUIRED_BODY_ROUTES = [pytest.param(route, id=route.name) for route in ROUTES if route.body_required]


# --------------------------------------------------------------------------------------------- the stack


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: Any  # parsed JSON, else the text


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack without demo tickets, then marie's drafts n° 1 to 10: every loose spelling of a ticket
    number in these tests (`0001`, `1_0`, …) would reach a ticket of hers if the API accepted it."""
    started = start_stack(tmp_path_factory.mktemp("bad-input"), "--no-demo-tickets")
    try:
        numbers = [create(started, "marie", DRAFT)["number"] for _ in range(10)]
        assert numbers == list(range(1, 11)), numbers
        yield started
    finally:
        if started.process.poll() is None:
            started.process.send_signal(signal.SIGINT)
            try:
                started.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                started.process.kill()


def send(
    stack: Stack, method: str, path: str, user: str, body: bytes | None = None, content_type: str = "application/json"
) -> Reply:
    """Exactly these bytes, with this Content-Type (urllib would otherwise send a form's)."""
    request = urllib.request.Request(stack.url + path, data=body, method=method)
    request.add_header("Authorization", stack.token(user))
    if body is not None:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            status, raw, kind = reply.status, reply.read(), reply.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        status, raw, kind = error.code, error.read(), error.headers.get("Content-Type", "")
    try:
        payload: Any = json.loads(raw) if raw else None
    except ValueError:
        payload = raw.decode(errors="replace")
    return Reply(status, kind, payload)


def create(stack: Stack, user: str, body: dict[str, Any]) -> dict[str, Any]:
    status, ticket, _ = stack.http("POST", "/tickets", user, body)
    assert status == 201, ticket
    return dict(ticket)


def ticket_in(stack: Stack, status: str) -> int:
    """A new ticket of marie's in `status`, through the API as its users would get it there."""
    if status == "DRAFT":
        return int(create(stack, "marie", DRAFT)["number"])
    ticket = create(stack, "marie", SUBMITTED)
    number = int(ticket["number"])
    assert ticket["status"]["code"] == "OPEN", ticket
    if status == "AWAITING_INFO":
        step = stack.http("POST", f"/tickets/{number}/information-requests", "sophie", {"question": "Quel EJ ?"})
    elif status == "RESOLVED":
        step = stack.http("POST", f"/tickets/{number}/answer", "sophie", {"text": "Corrigé."})
    else:
        assert status == "OPEN"
        return number
    assert step[0] == 200 and step[1]["status"]["code"] == status, step[1]
    return number


def seen_by_marie(stack: Stack, number: int) -> Any:
    status, ticket, _ = stack.http("GET", f"/tickets/{number}", "marie")
    return ticket if status == 200 else status


@dataclass(frozen=True)
class Before:
    """What the API shows before a bad request: the ticket the route acts on (or, for a creation, a
    ticket created just before), and that the next number is free."""

    number: int
    ticket: Any

    def unchanged(self, stack: Stack) -> None:
        assert seen_by_marie(stack, self.number) == self.ticket, f"ticket n° {self.number} changed"
        assert seen_by_marie(stack, self.number + 1) == 404, "a ticket was created"


def before(stack: Stack, route: Route) -> Before:
    number = ticket_in(stack, route.status or "DRAFT")
    return Before(number, seen_by_marie(stack, number))


def call(
    stack: Stack, route: Route, state: Before, body: bytes | None, content_type: str = "application/json"
) -> Reply:
    return send(stack, route.method, route.url(state.number), route.user, body, content_type)


# ------------------------------------------------------------------------------------------- expectations


FRENCH_MARKERS = (" le ", " la ", " les ", " de ", " du ", " des ", " un ", " une ", " doit ", " est ", "é", "è", "à")
ENGLISH_MARKERS = ("the ", "unsupported", "error", "internal", "request", "must ", "expected", "missing")


def assert_french(text: Any) -> None:
    assert isinstance(text, str) and text.strip(), f"no message: {text!r}"
    lowered = f" {text.lower()} "
    assert any(marker in lowered for marker in FRENCH_MARKERS), f"not French: {text!r}"
    assert not any(marker in lowered for marker in ENGLISH_MARKERS), f"English: {text!r}"


def assert_refused(reply: Reply, status: int, code: str) -> None:
    """`status`, JSON, `code`, a French message and, for a 400, the French reasons field by field."""
    assert reply.status < 500, f"server error {reply.status}: {reply.body}"
    assert reply.status == status, f"{reply.status} instead of {status}: {reply.body}"
    assert reply.content_type.split(";")[0].strip() == "application/json", reply.content_type
    assert isinstance(reply.body, dict), reply.body
    assert reply.body.get("code") == code, reply.body
    assert_french(reply.body.get("message"))
    errors = reply.body.get("errors")
    assert isinstance(errors, list), reply.body
    if status == 400:
        assert errors, "a 400 says which field is wrong"
    for error in errors:
        assert_french(error.get("message"))


# ------------------------------------------------------------------------------------------------- bodies


@pytest.mark.parametrize("route", ALL_ROUTES)
def test_a_body_that_is_not_utf8_is_a_400(stack: Stack, route: Route) -> None:
    state = before(stack, route)
    reply = call(stack, route, state, b'{"title": "\xff\xfe"}')
    assert_refused(reply, 400, INVALID)
    state.unchanged(stack)


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/xml",
        "application/merge-patch+json",
        "multipart/form-data; boundary=x",
    ],
    ids=["text", "xml", "merge-patch", "multipart"],
)
@pytest.mark.parametrize("route", routes("create", "edit-draft", "take-in-charge", "close"))
def test_a_body_that_is_not_json_is_a_415(stack: Stack, route: Route, content_type: str) -> None:
    state = before(stack, route)
    reply = call(stack, route, state, json.dumps(route.body).encode(), content_type)
    assert_refused(reply, 415, UNSUPPORTED_TYPE)
    state.unchanged(stack)


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "APPLICATION/JSON", "application/json; charset=utf-8", "Application/Json; charset=UTF-8"],
    ids=["canonical", "upper-case", "charset", "mixed-case-charset"],
)
@pytest.mark.parametrize("route", routes("create", "close"))
def test_json_is_json_whatever_the_case_and_parameters_of_its_media_type(
    stack: Stack, route: Route, content_type: str
) -> None:
    state = before(stack, route)
    reply = call(stack, route, state, json.dumps(route.body).encode(), content_type)
    assert reply.status not in (415, 500), reply.body
    assert 200 <= reply.status < 300, reply.body
    if route.name == "create":
        assert reply.body["status"]["code"] == "DRAFT"
    else:
        assert seen_by_marie(stack, state.number)["status"]["code"] == "CLOSED"


@pytest.mark.parametrize(
    "body",
    ["[" * 10_000 + "]" * 10_000, '{"a": ' * 10_000 + "1" + "}" * 10_000],
    ids=["arrays", "objects"],
)
@pytest.mark.parametrize("route", routes("create", "edit-draft", "close"))
def test_json_nested_ten_thousand_levels_deep_is_a_400(stack: Stack, route: Route, body: str) -> None:
    state = before(stack, route)
    reply = call(stack, route, state, body.encode())
    assert_refused(reply, 400, INVALID)
    state.unchanged(stack)


@pytest.mark.parametrize(
    ("route", "body"),
    [
        pytest.param(BY_NAME["create"], [{"title": "x"}], id="create"),
        pytest.param(BY_NAME["close"], [{"comment": "x"}], id="close"),
    ],
)
def test_a_json_array_is_not_an_object(stack: Stack, route: Route, body: list[dict[str, str]]) -> None:
    """A list of one request that would be accepted alone: nothing is created, nothing is closed."""
    state = before(stack, route)
    reply = call(stack, route, state, json.dumps(body).encode())
    assert_refused(reply, 400, INVALID)
    state.unchanged(stack)


@pytest.mark.parametrize("body", ['"texte"', "42", "null"], ids=["string", "number", "null"])
@pytest.mark.parametrize("route", REQUIRED_BODY_ROUTES)
def test_a_required_body_is_a_json_object(stack: Stack, route: Route, body: str) -> None:
    state = before(stack, route)
    reply = call(stack, route, state, body.encode())
    assert_refused(reply, 400, INVALID)
    state.unchanged(stack)


@pytest.mark.parametrize(
    "submit",
    ["yes", "true", "false", 1, 0, None],
    ids=["yes", "string-true", "string-false", "one", "zero", "null"],
)
def test_submit_is_true_or_false_and_nothing_else(stack: Stack, submit: Any) -> None:
    route = BY_NAME["create"]
    state = before(stack, route)
    reply = call(stack, route, state, json.dumps({**SUBMITTED, "submit": submit}).encode())
    assert_refused(reply, 400, INVALID)
    assert any(error.get("field") == "submit" for error in reply.body["errors"]), reply.body
    state.unchanged(stack)


# -------------------------------------------------------------------------------------------- the path


def test_the_canonical_spelling_reaches_the_ticket(stack: Stack) -> None:
    reply = send(stack, "GET", "/tickets/1", "marie")
    assert reply.status == 200, reply.body
    assert reply.body["number"] == 1
    assert send(stack, "GET", "/tickets/10", "marie").status == 200  # what `1_0` would reach


@pytest.mark.parametrize(
    "spelling",
    ["1_0", "%201", "+1", "0001", "1.0", "0", "-1", "99999999999", "1e0", "%EF%BC%91"],
    ids=["underscore", "leading-space", "plus", "leading-zeros", "decimal", "zero", "negative", "eleven-digits",
         "exponent", "full-width-digit"],
)  # fmt: skip
def test_a_ticket_number_has_one_spelling(stack: Stack, spelling: str) -> None:
    reply = send(stack, "GET", f"/tickets/{spelling}", "marie")
    assert_refused(reply, 400, INVALID)
    assert "status" not in reply.body and "number" not in reply.body, "it reached a ticket"
