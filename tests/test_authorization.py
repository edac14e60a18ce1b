"""Who may see a ticket: its emitter structure's members and its recipient's members; nobody else, on
any ticket route of template.yaml (new routes are covered as soon as they are declared)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chorus_desk.models import Membership, OrgKind, OrgRef, Role
from local_stack.template import api_routes, load_template
from tests.support import TEST_IDS, Api, sample_event, snake

TICKET_ROUTES = [snake(r.name) for r in api_routes(load_template()) if "{number}" in r.path]


def valid_body(route: str) -> Any:
    body = sample_event(route)["body"]
    return json.loads(body) if body else None


@pytest.mark.parametrize("status", ["DRAFT", "OPEN", "AWAITING_INFO", "RESOLVED"])
@pytest.mark.parametrize("route", TICKET_ROUTES)
def test_another_structures_user_gets_404_on_every_ticket_route(api: Api, route: str, status: str) -> None:
    number = api.ticket_in(status)
    before = api.call("get_ticket", "marie", number).body

    reply = api.call(route, "nora", number, body=valid_body(route))

    assert reply.status == 404, reply.body
    assert reply.body == {"code": "INTROUVABLE", "message": f"Le ticket n° {number} est introuvable.", "errors": []}
    assert api.call("get_ticket", "marie", number).body == before


@pytest.mark.parametrize("route", TICKET_ROUTES)
def test_an_unknown_ticket_answers_exactly_like_a_hidden_one(api: Api, route: str) -> None:
    reply = api.call(route, "nora", 424242, body=valid_body(route))
    assert reply.status == 404
    assert reply.body["message"] == "Le ticket n° 424242 est introuvable."


@pytest.mark.parametrize("route", TICKET_ROUTES)
def test_the_recipient_does_not_see_drafts(api: Api, route: str) -> None:
    number = api.ticket_in("DRAFT")
    assert api.call(route, "sophie", number, body=valid_body(route)).status == 404


def test_every_member_of_the_emitter_structure_sees_its_tickets_whatever_their_role(api: Api) -> None:
    number = api.ticket_in("OPEN", emitter="julie")
    for user in ("marie", "paul", "julie"):
        reply = api.call("get_ticket", user, number)
        assert reply.status == 200
        assert reply.body["sides"] == ["EMITTER"]


def test_a_member_of_another_structure_of_the_same_user_does_not_widen_access(api: Api) -> None:
    # Paul belongs to Menuiserie Dupont and Les Loges du Grel; Hugo to a public structure only.
    number = api.ticket_in("OPEN")
    assert api.call("get_ticket", "hugo", number).status == 404
    assert api.call("get_ticket", "claire", number).status == 404


def test_support_agents_see_the_tickets_sent_to_the_support(api: Api) -> None:
    number = api.ticket_in("OPEN")
    for user in ("sophie", "lucas"):
        reply = api.call("get_ticket", user, number)
        assert reply.status == 200
        assert reply.body["sides"] == ["RECIPIENT"]


@pytest.mark.parametrize("route", [snake(r.name) for r in api_routes(load_template()) if r.authorized])
def test_every_route_refuses_a_request_without_identity(api: Api, route: str) -> None:
    reply = api.call(route, None, 1 if "{number}" in api.routes[route].path else None)
    assert reply.status == 401


def test_a_user_on_both_sides_acts_as_both(api: Api) -> None:
    """A support agent who is also a member of the emitter structure sees both sides' actions."""
    api.ports.reference.put_reference_data(
        memberships=[
            (
                TEST_IDS["lucas"],
                Membership(
                    org=OrgRef(kind=OrgKind.STRUCTURE, id="53453679200011"),
                    org_name="Menuiserie Dupont",
                    role=Role.USER,
                ),
            )
        ]
    )
    draft = api.create("lucas", submit=False).body
    submitted = api.call("submit_draft", "lucas", draft["number"]).body
    assert submitted["sides"] == ["EMITTER", "RECIPIENT"]
    assert {a["code"] for a in submitted["allowed_actions"]} == {
        "TAKE_IN_CHARGE",
        "ASSIGN",
        "REQUEST_INFORMATION",
        "ANSWER",
        "CLOSE",
        "ADD_ATTACHMENT",  # as the recipient, while the ticket is open
    }
