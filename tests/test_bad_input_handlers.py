"""Bad input through the real handlers: a French 400 or 415, never a 500, and nothing stored or changed.

(tests/e2e/test_bad_input.py sends the same families over real HTTP through the local gateway.)"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import Api

BODY_ROUTES = [
    "create_ticket",
    "update_draft",
    "take_in_charge",
    "assign_ticket",
    "request_information",
    "provide_information",
    "answer",
    "accept_solution",
    "refuse_solution",
    "close_ticket",
]


def snapshot(api: Api) -> tuple[int, Any]:
    """A draft and an open ticket of Marie's, and how everything looks (to compare after a refusal)."""
    draft = api.ticket_in("DRAFT")
    api.ticket_in("OPEN")
    return draft, [api.call("get_ticket", "marie", n).body for n in (draft, draft + 1)]


def assert_unchanged(api: Api, state: Any) -> None:
    draft, before = state
    assert [api.call("get_ticket", "marie", n).body for n in (draft, draft + 1)] == before
    assert api.call("get_ticket", "marie", draft + 2).status == 404, "no ticket was created"


def call(api: Api, route: str, number: int, **kwargs: Any) -> Any:
    return api.call(
        route, "marie" if route != "answer" else "lucas", number if route != "create_ticket" else None, **kwargs
    )


@pytest.mark.parametrize("route", BODY_ROUTES)
def test_a_body_that_is_not_utf8_is_a_400(api: Api, route: str) -> None:
    state = snapshot(api)
    number = state[0] if route == "update_draft" else state[0] + 1
    reply = call(api, route, number, binary_body=b'{"title": "\xff\xfe"}')
    assert reply.status == 400, reply.body
    assert reply.body["errors"] == [{"field": "body", "message": "Le corps de la requête doit être encodé en UTF-8."}]
    assert_unchanged(api, state)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[" * 5000 + "]" * 5000, "imbriqué trop profondément"),
        ('{"a":' * 5000 + "1" + "}" * 5000, "imbriqué trop profondément"),
        ('[{"title": "x"}]', "doit être un objet JSON"),
        ('"texte"', "doit être un objet JSON"),
        ("42", "doit être un objet JSON"),
        ("null", "doit être un objet JSON"),
        ('{"title": ', "doit être un objet JSON valide"),
    ],
    ids=["deep-array", "deep-object", "array", "string", "number", "null", "truncated"],
)
@pytest.mark.parametrize("route", ["create_ticket", "close_ticket", "update_draft"])
def test_a_body_that_is_not_one_json_object_is_a_400_on_body(api: Api, route: str, body: str, message: str) -> None:
    state = snapshot(api)
    number = state[0] if route == "update_draft" else state[0] + 1
    reply = call(api, route, number, raw_body=body)
    assert reply.status == 400, reply.body
    assert reply.body["errors"][0]["field"] == "body"
    assert message in reply.body["errors"][0]["message"]
    assert_unchanged(api, state)


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/xml",
        "application/merge-patch+json",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ],
)
@pytest.mark.parametrize("route", ["create_ticket", "close_ticket"])
def test_another_content_type_is_a_415(api: Api, route: str, content_type: str) -> None:
    state = snapshot(api)
    reply = call(api, route, state[0] + 1, body={"comment": "x"}, headers={"Content-Type": content_type})
    assert reply.status == 415, reply.body
    assert reply.body["code"] == "TYPE_DE_CONTENU_NON_PRIS_EN_CHARGE"
    assert content_type in reply.body["message"]
    assert_unchanged(api, state)


@pytest.mark.parametrize("content_type", ["APPLICATION/JSON", "Application/Json; charset=UTF-8", "application/json"])
def test_json_is_json_whatever_the_case_of_its_media_type(api: Api, content_type: str) -> None:
    number = api.ticket_in("OPEN")
    reply = api.call("close_ticket", "marie", number, body={"comment": "x"}, headers={"Content-Type": content_type})
    assert reply.status == 200, reply.body
    assert reply.body["status"]["code"] == "CLOSED"


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, None, "false"])
def test_submit_is_a_boolean_and_nothing_else(api: Api, value: Any) -> None:
    state = snapshot(api)
    reply = api.create("marie", submit=value)
    assert reply.status == 400, reply.body
    assert reply.body["errors"] == [{"field": "submit", "message": "Le champ « soumettre » doit valoir true ou false."}]
    assert_unchanged(api, state)


@pytest.mark.parametrize("spelling", ["0{n}", "+{n}", " {n}", "{n}.0", "{n}_0", "0", "-1", "99999999999", "1e1"])
def test_a_ticket_number_is_spelled_one_way_only(api: Api, spelling: str) -> None:
    number = api.ticket_in("OPEN")
    reply = api.call("get_ticket", "marie", spelling.format(n=number))
    assert reply.status == 400, reply.body
    assert reply.body["errors"][0]["field"] == "number"
    assert api.call("get_ticket", "marie", str(number)).status == 200
