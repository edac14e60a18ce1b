"""The authorization matrix, generated from the route list: every operation of docs/openapi.json, each under
the guard that protects it, tried by every kind of caller that must be refused.

The callers (tests/fixtures.py):
- nobody: no identity at all (what API Gateway's authorizer lets through only on the public routes);
- an anonymous visitor on a signed-in route: the same request with no claims;
- a user of an unrelated structure: Nora (Boulangerie Martin), who shares nothing with Menuiserie Dupont,
  the Commune de Saint-Léger or the support;
- a simple member where a manager is needed: Hugo, a simple user of the Commune de Saint-Léger;
- the recipient of another ticket: Inès (DDFiP du Rhône), recipient of tickets about TIC refunds, before a
  ticket Menuiserie Dupont sent to the support;
- another anonymous visitor, on a public conversation that is not theirs.

Forged and expired tokens are API Gateway's to refuse (the Cognito authorizer): tests/e2e/test_tokens_over_http.py
sends them to every signed-in route of the local stack, whose gateway checks tokens as API Gateway does.

A route added to the template or the OpenAPI document without a row in ``GUARDS`` fails
``test_every_operation_has_a_row``: the matrix grows with the API.
"""

from __future__ import annotations

import json
import re
from enum import Enum
from typing import Any

import pytest

from local_stack.template import api_routes, load_template
from tests import fixtures
from tests.structures_data import ATELIERS, seed_takeover
from tests.support import ROOT, Api, RecordedStarts, Reply, sample_event, snake

METHODS = {"get", "post", "put", "patch", "delete"}
OPENAPI = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
OPERATIONS = {(m.upper(), p) for p, ops in OPENAPI["paths"].items() for m in ops if m in METHODS}
ROUTES = {(r.method.upper(), r.path): r for r in api_routes(load_template())}
NAMES = {snake(r.name): r for r in ROUTES.values()}


class Guard(Enum):
    """What decides who may call a route."""

    TICKET = "a ticket: its emitter structure's members, its recipient's members once submitted"
    STRUCTURE = "a structure's procedure: its managers"
    OPERATION = "an operation: the user who started it"
    CONVERSATION = "an assistant conversation: the user who started it"
    OWN = "the caller's own organisations only (lists, dashboard, exports, profile, a new conversation)"
    DIRECTORY = "any signed-in user, the same answer for all: the public directory (public structures, active)"
    SUPPORT = "the technical support only"
    PUBLIC = "anyone (no authorizer): the catalogue, the non-connected form, the public assistant"
    PUBLIC_CONVERSATION = "anyone holding the public conversation's id"
    CHAT = "a live chat: the agents of its queue (the support's, or a business service's for its own tickets)"
    AGENT = "an agent's own queues: the members of a team or of a public structure"


GUARDS: dict[str, Guard] = {
    "create_ticket": Guard.OWN,
    "get_ticket": Guard.TICKET,
    "list_tab": Guard.OWN,
    "search_tickets": Guard.OWN,
    "get_dashboard": Guard.OWN,
    "update_draft": Guard.TICKET,
    "delete_draft": Guard.TICKET,
    "submit_draft": Guard.TICKET,
    "take_in_charge": Guard.TICKET,
    "list_agents": Guard.TICKET,
    "assign_ticket": Guard.TICKET,
    "request_information": Guard.TICKET,
    "provide_information": Guard.TICKET,
    "answer": Guard.TICKET,
    "accept_solution": Guard.TICKET,
    "refuse_solution": Guard.TICKET,
    "close_ticket": Guard.TICKET,
    "request_upload": Guard.TICKET,
    "download_attachment": Guard.TICKET,
    "remove_attachment": Guard.TICKET,
    "export_tickets": Guard.OWN,
    "ticket_pdf": Guard.TICKET,
    "get_account": Guard.OWN,
    "get_catalogue": Guard.PUBLIC,
    "new_captcha": Guard.PUBLIC,
    "create_anonymous_ticket": Guard.PUBLIC,
    "ticket_status": Guard.PUBLIC,
    "search_structures": Guard.DIRECTORY,
    "show_structure": Guard.STRUCTURE,
    "activate_structure": Guard.STRUCTURE,
    "inactivate_structure": Guard.STRUCTURE,
    "get_operation": Guard.OPERATION,
    "start_conversation": Guard.OWN,
    "get_conversation": Guard.CONVERSATION,
    "send_message": Guard.CONVERSATION,
    "give_feedback": Guard.CONVERSATION,
    "get_satisfaction": Guard.SUPPORT,
    "start_public_conversation": Guard.PUBLIC,
    "get_public_conversation": Guard.PUBLIC_CONVERSATION,
    "send_public_message": Guard.PUBLIC_CONVERSATION,
    "give_public_feedback": Guard.PUBLIC_CONVERSATION,
    # The live chat (tests/test_chat_api.py): the user's side by their conversation, the agents' by the chat's queue.
    "start_chat": Guard.CONVERSATION,
    "read_chat": Guard.CONVERSATION,
    "send_chat_message": Guard.CONVERSATION,
    "leave_chat": Guard.CONVERSATION,
    "rate_chat": Guard.CONVERSATION,
    "mail_chat_transcript": Guard.CONVERSATION,
    "list_chat_queues": Guard.AGENT,
    "set_chat_availability": Guard.AGENT,
    "read_agent_chat": Guard.CHAT,
    "take_chat": Guard.CHAT,
    "send_agent_message": Guard.CHAT,
    "hand_over_chat": Guard.CHAT,
    "end_chat": Guard.CHAT,
    "get_chat_satisfaction": Guard.SUPPORT,
    "start_public_chat": Guard.PUBLIC_CONVERSATION,
    "read_public_chat": Guard.PUBLIC_CONVERSATION,
    "send_public_chat_message": Guard.PUBLIC_CONVERSATION,
    "leave_public_chat": Guard.PUBLIC_CONVERSATION,
    "rate_public_chat": Guard.PUBLIC_CONVERSATION,
    "mail_public_chat_transcript": Guard.PUBLIC_CONVERSATION,
}


def routes(*guards: Guard) -> list[str]:
    return sorted(name for name, guard in GUARDS.items() if guard in guards and name in NAMES)


SIGNED_IN = sorted(name for name, route in NAMES.items() if route.authorized)

# What an unrelated user must never read: the other structures' names, their people, their tickets' texts (the
# desk's own teams, the support and the justice-fee office, are named as the recipients of her own tickets).
UNRELATED = "nora"
FOREIGN_NAMES = sorted(
    {s.designation for siret, s in fixtures.STRUCTURES.items() if siret != fixtures.MARTIN}
    | {name for alias, name in fixtures.NAMES.items() if alias != UNRELATED}
)
SECRET_TITLE = "Facture FAC-2026-0101 bloquée au rejet pour motif TVA"


def valid_body(route: str) -> Any:
    body = sample_event(route)["body"]
    parsed = json.loads(body) if body else None
    if route == "inactivate_structure":  # a takeover Claire manages (tests/structures_data.py)
        parsed = {**(parsed or {}), "takeover_siret": ATELIERS}
    return parsed


def without(text: Any, *values: str) -> str:
    """A reply's body as text, each of ``values`` replaced by a placeholder (to compare two refusals that name
    what was asked, and only that)."""
    dumped = text if isinstance(text, str) else json.dumps(text, ensure_ascii=False, sort_keys=True)
    for value in values:
        dumped = dumped.replace(value, "<asked>")
    return dumped


def leaked(reply: Reply | Any, names: list[str]) -> list[str]:
    body = reply.body if isinstance(reply, Reply) else reply
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else without(body)
    text += json.dumps(getattr(reply, "headers", {}), ensure_ascii=False)
    return [name for name in names if name in text]


def started(api: Api) -> list[Any]:
    """The state machine runs the API asked for (the ``Api`` records them, runs none)."""
    assert isinstance(api.workflow, RecordedStarts)
    return list(api.workflow.started)


def snapshot(api: Api, number: int) -> Any:
    return api.call("get_ticket", "marie", number).body


# ------------------------------------------------------------------------------------------ the route list
def test_every_operation_has_a_row() -> None:
    """The OpenAPI document and template.yaml name the same operations, and each has its guard here."""
    assert set(ROUTES) == OPERATIONS, "docs/openapi.json and template.yaml disagree: run make openapi"
    missing = sorted(set(NAMES) - set(GUARDS))
    assert not missing, f"routes without a row in the authorization matrix: {missing}"
    assert not sorted(set(GUARDS) - set(NAMES)), "rows for routes that no longer exist"
    for name, route in NAMES.items():
        public = GUARDS[name] in {Guard.PUBLIC, Guard.PUBLIC_CONVERSATION}
        assert route.authorized is not public, f"{name}: its guard says {GUARDS[name].name}, the template disagrees"


# --------------------------------------------------------------------------------- nobody, an anonymous one
@pytest.mark.parametrize("route", SIGNED_IN)
def test_nobody_and_an_anonymous_visitor_get_401_on_every_signed_in_route(api: Api, route: str) -> None:
    number = api.ticket_in("OPEN")
    before = snapshot(api, number)
    arguments: dict[str, Any] = {
        "number": number if "{number}" in NAMES[route].path else None,
        "siret": fixtures.SAINT_LEGER if "{siret}" in NAMES[route].path else None,
        "attachment_id": "a" * 22 if "{attachment_id}" in NAMES[route].path else None,
        "conversation_id": "c" * 22 if "{conversation_id}" in NAMES[route].path else None,
        "operation_id": "inactivation-x" if "{operation_id}" in NAMES[route].path else None,
        "chat_id": "h" * 22 if "{chat_id}" in NAMES[route].path else None,
    }
    no_headers: dict[str, str] = {}
    for headers in (no_headers, {"Authorization": ""}):  # no claims at all; an empty header (a visitor's browser)
        reply = api.call(route, None, body=valid_body(route), headers=headers, **arguments)
        assert reply.status == 401, (route, reply.body)
        assert reply.body["code"] == "NON_AUTHENTIFIE"
    assert snapshot(api, number) == before
    assert not started(api)


# ------------------------------------------------------------------------------------------------ tickets
FILE = b"%PDF-1.7\n" + b"0" * 200
STEPS: dict[str, list[tuple[str, str, dict[str, Any]]]] = {
    "OPEN": [("submit_draft", "marie", {})],
    "RESOLVED": [("submit_draft", "marie", {}), ("answer", "lucas", {"text": "Voici la solution."})],
}


def _ticket_with_a_file(api: Api, status: str) -> tuple[int, str]:
    """A ticket of Menuiserie Dupont to the support, with a file added while it was a draft, in ``status``."""
    number = api.ticket_in("DRAFT")
    attached = api.attach("marie", number, "relevé.pdf", FILE)
    for route, user, body in STEPS.get(status, []):
        assert api.call(route, user, number, body=body).status == 200
    return number, attached.id


def _ticket_arguments(api: Api, route: str, status: str) -> dict[str, Any]:
    if "{attachment_id}" in NAMES[route].path:
        number, attachment_id = _ticket_with_a_file(api, status)
        return {"number": number, "body": valid_body(route), "attachment_id": attachment_id}
    arguments: dict[str, Any] = {"number": api.ticket_in(status), "body": valid_body(route)}
    if route == "ticket_pdf":
        arguments["query"] = {}
    return arguments


def _call(api: Api, route: str, user: str, **arguments: Any) -> Reply:
    if route in {"ticket_pdf", "export_tickets"}:
        return api.call_raw(route, user, **arguments)
    return api.call(route, user, **arguments)


@pytest.mark.parametrize("status", ["DRAFT", "OPEN", "RESOLVED"])
@pytest.mark.parametrize("route", routes(Guard.TICKET))
@pytest.mark.parametrize("caller", ["nora", "ines"])
def test_a_stranger_and_another_tickets_recipient_get_the_unknown_tickets_answer(
    api: Api, route: str, caller: str, status: str
) -> None:
    """Nora (an unrelated structure) and Inès (recipient of other tickets) get, on every ticket route, exactly
    what a ticket that does not exist gets; the ticket is unchanged and nothing of it is named."""
    arguments = _ticket_arguments(api, route, status)
    number = arguments["number"]
    before = snapshot(api, number)

    reply = _call(api, route, caller, **arguments)
    unknown = _call(api, route, caller, **{**arguments, "number": 999_999})

    assert reply.status == unknown.status == 404, (reply.status, reply.body)
    assert without(reply.body, str(number)) == without(unknown.body, "999999")
    assert snapshot(api, number) == before
    assert not leaked(reply, FOREIGN_NAMES)


# --------------------------------------------------------------------------------------------- structures
@pytest.mark.parametrize("route", routes(Guard.STRUCTURE))
def test_a_stranger_gets_the_unknown_structures_answer_and_nothing_starts(api: Api, route: str) -> None:
    """Nora asks about the Commune de Saint-Léger, then about a SIRET nobody knows: the same answer, which
    names neither; no lock, no operation, no run, no mail."""
    body = valid_body(route)
    reply = api.call(route, UNRELATED, siret=fixtures.SAINT_LEGER, body=body)
    unknown_siret = "21769001500029"  # a valid SIRET (Luhn) of no structure
    unknown = api.call(route, UNRELATED, siret=unknown_siret, body=body)

    assert reply.status == unknown.status, (reply.body, unknown.body)
    assert reply.status in {403, 404}
    assert without(reply.body, fixtures.SAINT_LEGER) == without(unknown.body, unknown_siret)
    assert not leaked(reply, FOREIGN_NAMES)
    assert not started(api)
    # The real manager may go through the procedure at once: nothing was locked.
    if route == "inactivate_structure":
        seed_takeover(api.ports)
        assert api.call(route, "claire", siret=fixtures.SAINT_LEGER, body=body).status == 202


@pytest.mark.parametrize("route", routes(Guard.STRUCTURE))
def test_a_simple_member_is_refused_where_a_manager_is_needed_and_nothing_starts(api: Api, route: str) -> None:
    reply = api.call(route, "hugo", siret=fixtures.SAINT_LEGER, body=valid_body(route))
    assert reply.status == 403, reply.body
    assert not started(api)
    if route == "inactivate_structure":
        seed_takeover(api.ports)
        assert api.call(route, "claire", siret=fixtures.SAINT_LEGER, body=valid_body(route)).status == 202


# ------------------------------------------------------------------------------------ the public directory
DIRECTORY_QUERIES = (
    {"name": "saint"},
    {"town": "vienne"},
    {"siret": "213"},
    {"postcode": "69"},
    {"name": "menuiserie"},
)


@pytest.mark.parametrize("route", routes(Guard.DIRECTORY))
def test_the_directory_answers_an_unrelated_user_as_anyone_and_names_only_public_active_structures(
    api: Api, route: str
) -> None:
    """Nora (a bakery, unrelated to every structure found) reads exactly what Claire (a member of the commune) and
    Sophie (the support) read; nothing private or inactive is named, nor any person."""
    _world_with_foreign_tickets(api)
    listed = {s.designation for s in fixtures.STRUCTURES.values() if s.public and s.active}
    hidden = sorted({s.designation for s in fixtures.STRUCTURES.values()} - listed) + sorted(fixtures.NAMES.values())
    for query in DIRECTORY_QUERIES:
        replies = [api.call(route, caller, query=query) for caller in (UNRELATED, "claire", "sophie")]
        assert all(r.status == 200 for r in replies), [r.body for r in replies]
        assert replies[0].body == replies[1].body == replies[2].body, query
        assert not leaked(replies[0], [*hidden, SECRET_TITLE]), query
    assert api.call(route, UNRELATED, query={"name": "saint leger"}).body["structures"], "the commune is found"


# --------------------------------------------------------------------------------- operations, conversations
@pytest.mark.parametrize("caller", ["nora", "hugo"])
def test_an_operation_is_its_requesters_only(api: Api, caller: str) -> None:
    seed_takeover(api.ports)
    started = api.call(
        "inactivate_structure", "claire", siret=fixtures.SAINT_LEGER, body=valid_body("inactivate_structure")
    )
    assert started.status == 202, started.body
    operation_id = started.body["id"]
    reply = api.call("get_operation", caller, operation_id=operation_id)
    unknown = api.call("get_operation", caller, operation_id=operation_id[:-4] + "0000")
    assert reply.status == unknown.status == 404
    assert without(reply.body, operation_id) == without(unknown.body, operation_id[:-4] + "0000")
    assert api.call("get_operation", "claire", operation_id=operation_id).status == 200


@pytest.mark.parametrize("route", routes(Guard.CONVERSATION))
def test_a_conversation_is_its_users_only(api: Api, route: str) -> None:
    started = api.call("start_conversation", "marie")
    conversation_id = started.body["id"]
    before = api.call("get_conversation", "marie", conversation_id=conversation_id).body
    reply = api.call(route, UNRELATED, conversation_id=conversation_id, body=valid_body(route))
    unknown = api.call(route, UNRELATED, conversation_id="Zz" + conversation_id[2:], body=valid_body(route))
    assert reply.status == unknown.status == 404, reply.body
    assert reply.body == unknown.body
    assert api.call("get_conversation", "marie", conversation_id=conversation_id).body == before


@pytest.mark.parametrize("route", routes(Guard.PUBLIC_CONVERSATION))
def test_a_public_conversation_is_its_visitors_only_by_its_id(api: Api, route: str) -> None:
    """Another visitor who does not hold the id gets what an unknown id gets; the id is not guessable."""
    started = api.call("start_public_conversation", None)
    conversation_id = started.body["id"]
    assert len(conversation_id) >= 22  # 128 bits, URL-safe
    before = api.call("get_public_conversation", None, conversation_id=conversation_id).body
    guessed = "Zz" + conversation_id[2:]
    reply = api.call(route, None, conversation_id=guessed, body=valid_body(route))
    assert reply.status == 404, reply.body
    assert api.call("get_public_conversation", None, conversation_id=conversation_id).body == before


# ------------------------------------------------------------------------------------------------ live chats
def _support_chat(api: Api) -> str:
    """A chat of Marie's waiting in the support's queue (Sophie available)."""
    assert api.call("set_chat_availability", "sophie", body={"available": True}).status == 200
    conversation_id = api.call("start_conversation", "marie").body["id"]
    started = api.call("start_chat", "marie", conversation_id=conversation_id, body={})
    assert started.status == 200, started.body
    return str(started.body["chat"]["id"])


@pytest.mark.parametrize("route", routes(Guard.CHAT))
@pytest.mark.parametrize("caller", ["nora", "ines", "claire"])
def test_a_chat_is_its_queues_agents_only_and_others_get_the_unknown_chats_answer(
    api: Api, route: str, caller: str
) -> None:
    """Nora (a company), Inès (a business service) and Claire (a public structure's manager) get, on every agent
    route, what a chat that does not exist gets; the chat is unchanged and nothing of it is named."""
    chat_id = _support_chat(api)
    before = api.ports.chats.load(chat_id)
    reply = api.call(route, caller, chat_id=chat_id, body=valid_body(route))
    unknown = api.call(route, caller, chat_id="Zz" + chat_id[2:], body=valid_body(route))
    assert reply.status == unknown.status == 404, reply.body
    assert without(reply.body, chat_id) == without(unknown.body, "Zz" + chat_id[2:])
    assert api.ports.chats.load(chat_id) == before
    assert not leaked(reply, FOREIGN_NAMES)


@pytest.mark.parametrize("route", routes(Guard.AGENT))
@pytest.mark.parametrize("caller", ["nora", "marie"])
def test_a_user_who_answers_no_queue_is_refused_the_agents_routes(api: Api, route: str, caller: str) -> None:
    reply = api.call(route, caller, body=valid_body(route))
    assert (reply.status, reply.body["code"]) == (403, "ACTION_INTERDITE")
    assert api.ports.chats.seats("TEAM#SUPPORT") == []
    assert api.call(route, "lucas", body=valid_body(route)).status == 200


# --------------------------------------------------------------------------------------------- support only
@pytest.mark.parametrize("route", routes(Guard.SUPPORT))
@pytest.mark.parametrize("caller", ["nora", "claire", "ines"])
def test_the_supports_figures_are_the_supports_only(api: Api, route: str, caller: str) -> None:
    assert api.call(route, caller).status == 403
    assert api.call(route, "sophie").status == 200


# ------------------------------------------------------------------------- the caller's own data, only theirs
def _world_with_foreign_tickets(api: Api) -> list[int]:
    """Tickets of Menuiserie Dupont (to the support and to the Commune de Saint-Léger) in several statuses,
    one titled with a text nobody else may read."""
    numbers = [api.ticket_in(status) for status in ("DRAFT", "OPEN", "RESOLVED", "CLOSED")]
    reply = api.create("marie", title=SECRET_TITLE)
    assert reply.status == 201, reply.body
    return [*numbers, int(reply.body["number"])]


RECIPIENT_TABS = ("ACTION", "ONGOING", "CLOSED")
OWN_QUERIES: dict[str, list[dict[str, str] | None]] = {
    "list_tab": [
        *(
            {"side": side, "tab": tab}
            for side, tabs in (
                ("EMITTER", ("ACTION", "ONGOING", "CLOSED", "DRAFTS")),
                ("RECIPIENT", ("ACTION", "ONGOING", "CLOSED")),
            )
            for tab in tabs
        ),
        {"side": "EMITTER", "tab": "ONGOING", "page": "2", "size": "10"},
    ],
    "search_tickets": [
        {"side": side, **criterion}
        for side in ("EMITTER", "RECIPIENT")
        for criterion in (
            {"status": "OPEN"},
            {"words": "facture", "status": "RESOLVED"},
            {"number": "1"},
            {"tab": "ONGOING", "words": "facture"},
            {"created_by_name": "Marie Dupont"},
            {"recipient_name": "saint leger"},
        )
    ],
    "export_tickets": [
        {"format": "CSV", "side": "EMITTER", "tab": "ONGOING"},
        {"format": "CSV", "side": "RECIPIENT", "tab": "ONGOING"},
    ],
    "get_dashboard": [None],
    "get_account": [None],
    "start_conversation": [None],
    "create_ticket": [None],
}


@pytest.mark.parametrize("route", routes(Guard.OWN))
def test_an_unrelated_user_reads_nothing_of_other_organisations(api: Api, route: str) -> None:
    """Nora's lists, searches, exports, dashboard and profile, in a world full of other structures' tickets,
    name none of them and hold none of their numbers or texts."""
    numbers = _world_with_foreign_tickets(api)
    assert route in OWN_QUERIES, f"{route}: say which requests of this route the matrix makes"
    for query in OWN_QUERIES[route]:
        body = valid_body(route)
        if route == "create_ticket":  # a ticket of her own structure
            body = {k: v for k, v in body.items() if k != "emitter_service"} | {"emitter_siret": fixtures.MARTIN}
        arguments: dict[str, Any] = {"body": body}
        if query is not None:
            arguments["query"] = query
        reply = _call(api, route, UNRELATED, **arguments)
        assert reply.status in {200, 201}, (route, query, reply.body)  # each request is one Nora may make
        assert not leaked(reply, [*FOREIGN_NAMES, SECRET_TITLE]), (route, query)
        text = reply.body.decode("utf-8", "replace") if isinstance(reply.body, bytes) else without(reply.body)
        if route in {"list_tab", "search_tickets", "export_tickets"}:
            listed = {int(n) for n in re.findall(r'"number": (\d+)', text)} | {
                int(n) for n in re.findall(r"^(\d+);", text, flags=re.MULTILINE)
            }
            assert not listed & set(numbers), (route, query, listed & set(numbers))
            if isinstance(reply.body, dict) and "total" in reply.body:  # nothing of others counted either
                assert reply.body["total"] == len(listed), (route, query, reply.body["total"])
