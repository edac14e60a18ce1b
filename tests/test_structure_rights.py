"""Who may go through « Activer / inactiver ma structure », checked before anything happens: through the real
handler of the structures function and through the assistant, on in-memory ports and on DynamoDB (moto).

A user who does not belong to a structure gets the answer of a SIRET Chorus Pro does not know — the same
status and the same bytes, naming no structure; a simple member is told a manager is needed; the manager of
a private structure that the procedure is for public structures; a takeover is checked (given when Sirene
says open, another structure, known to the user — else the one answer of an unknown one —, active, public,
managed by them) before any confirmation: on the inactivation request itself, on ``GET
/structures/{siret}?takeover_siret=…`` as the user types it, and at the assistant's takeover step. For each
refusal nothing happens: no write through the operations, the reference data or the mail journal (on moto:
no record at all on the table's stream but the assistant's own conversation, so nothing for the mail
function), no execution started, and Sirene is not even asked for a structure that is not the caller's.

What the machine does when the world changes after the confirmation: tests/test_inactivation_machine.py."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from unittest import mock

import pytest

from chorus_desk import messages
from chorus_desk.models import Membership, OrgKind, OrgRef, Role
from chorus_desk.ports import Establishment, Ports
from chorus_desk.usecases import assistant
from local_stack.template import handler_of
from tests import fixtures
from tests.mail_support import MailDesk, open_desk
from tests.structures_data import (
    ATELIERS,
    BAD_CHECKSUM,
    CH_VIENNE,
    DUPONT,
    INACTIVE,
    NOT_IN_CHORUS,
    SAINT_LEGER,
    seed_takeover,
)
from tests.support import Api, RecordedStarts
from tests.test_assistant import Chat, procedure

SENDER = os.environ["MAIL_SENDER"]
COMMUNE = fixtures.STRUCTURES[SAINT_LEGER].designation
ROUTES = ["show_structure", "activate_structure", "inactivate_structure"]


# ----------------------------------------------------------------------------------------------- the world
class Watched:
    """A port whose every call but the reads (``load_…``) is recorded by name, the real adapter answering;
    with ``reads``, the reads are recorded instead, with their first argument."""

    def __init__(self, inner: Any, name: str, calls: list[str], reads: bool = False) -> None:
        self._inner, self._name, self._calls, self._reads = inner, name, calls, reads

    def __getattr__(self, attribute: str) -> Any:
        found = getattr(self._inner, attribute)
        if attribute.startswith("load") is not self._reads or not callable(found):
            return found

        def recorded(*args: Any, **kwargs: Any) -> Any:
            self._calls.append(f"{self._name}.{attribute}" + (f"({args[0]})" if self._reads and args else ""))
            return found(*args, **kwargs)

        return recorded


@dataclass
class World:
    """The desk (real handlers) with the Ateliers municipaux that Claire manages; the writes made through the
    operations, the reference data and the mail journal; on moto, the table's stream and the mail function."""

    api: Api
    writes: list[str]
    reads: list[str]  # of the directory: which structures were read
    mail: MailDesk | None

    @property
    def ports(self) -> Ports:
        return self.api.ports

    def assert_nothing_happened(self) -> None:
        """No lock, operation, structure change or mail journal entry; no execution; on moto, no record on the
        stream but the assistant's conversation, so nothing for the mail function."""
        assert self.writes == []
        assert isinstance(self.api.workflow, RecordedStarts)
        assert self.api.workflow.started == []
        if self.mail is not None:
            records = self.mail.records()
            written = {r["dynamodb"]["Keys"]["PK"]["S"].split("#")[0] for r in records}
            assert written <= {"CONVERSATION"}, written
            assert self.mail.handed(records) == []

    def manager_starts(self) -> None:
        """Claire, manager of the commune and of the Ateliers, starts its inactivation at once: nothing was
        locked by what came before."""
        reply = self.api.call(
            "inactivate_structure", "claire", siret=SAINT_LEGER, body={"confirm": True, "takeover_siret": ATELIERS}
        )
        assert reply.status == 202, reply.body


@pytest.fixture(params=["api", "aws_api"], ids=["memory", "dynamodb"])
def world(request: pytest.FixtureRequest, template: dict[str, Any]) -> Iterator[World]:
    api: Api = request.getfixturevalue(request.param)
    seed_takeover(api.ports)
    writes: list[str] = []
    reads: list[str] = []
    api.ports = dataclasses.replace(
        api.ports,
        operations=Watched(api.ports.operations, "operations", writes),
        reference=Watched(api.ports.reference, "reference", writes),
        mail_journal=Watched(api.ports.mail_journal, "mail_journal", writes),
        directory=Watched(api.ports.directory, "directory", reads, reads=True),
    )
    if request.param == "api":
        yield World(api, writes, reads, None)
        return
    for mail in open_desk(template, SENDER):  # the seeded world's records read already
        yield World(api, writes, reads, mail)


def manages(world: World, siret: str, role: Role = Role.SECONDARY_MANAGER, who: str = "claire") -> None:
    """Make ``who`` a member of ``siret`` with ``role`` (the reference data, as the directory's import would)."""
    membership = Membership(
        org=OrgRef(kind=OrgKind.STRUCTURE, id=siret), org_name=fixtures.STRUCTURES[siret].designation, role=role
    )
    world.api.ports.reference.put_reference_data(memberships=[(fixtures.USER_IDS[who], membership)])
    world.writes.clear()
    if world.mail is not None:
        world.mail.records()


def raw(api: Api, route: str, user: str, **arguments: Any) -> tuple[int, str]:
    """The status and the body exactly as the handler answered them (the bytes, not parsed)."""
    real = handler_of(api.template, api.routes[route].function)
    answered: dict[str, Any] = {}

    def invoke(event: dict[str, Any], context: Any) -> dict[str, Any]:
        result: dict[str, Any] = real(event, context)
        answered.update(result)
        return {**result, "body": None}

    with mock.patch("tests.support.handler_of", return_value=invoke):
        api.call(route, user, **arguments)
    return int(answered["statusCode"]), str(answered["body"])


def asked(route: str, siret: str, **takeover: Any) -> dict[str, Any]:
    """The arguments of ``Api.call`` for ``route`` on ``siret``: a confirmed body for the two actions, with
    ``takeover`` for the inactivation."""
    if route == "show_structure":
        return {"siret": siret}
    return {"siret": siret, "body": {"confirm": True, **(takeover if route == "inactivate_structure" else {})}}


# --------------------------------------------------------------------------------------- not a member
@pytest.mark.parametrize("route", ROUTES)
def test_a_stranger_gets_the_answer_of_an_unknown_siret_byte_for_byte_and_nothing_happens(
    world: World, route: str
) -> None:
    """Victor manages the hospital, not the commune; Marie manages a supplier. Neither learns that the
    commune's SIRET exists, nor its name; Sirene is not asked."""
    answers = {
        "victor, the commune": raw(world.api, route, "victor", **asked(route, SAINT_LEGER, takeover_siret=ATELIERS)),
        "victor, unknown": raw(world.api, route, "victor", **asked(route, NOT_IN_CHORUS, takeover_siret=ATELIERS)),
        "marie, the commune": raw(world.api, route, "marie", **asked(route, SAINT_LEGER)),
        "claire, unknown": raw(world.api, route, "claire", **asked(route, NOT_IN_CHORUS)),
    }

    assert len(set(answers.values())) == 1, answers
    reply = world.api.call(route, "victor", **asked(route, SAINT_LEGER))
    assert (reply.status, reply.body["code"], reply.body["message"]) == (
        404,
        "STRUCTURE_INCONNUE",
        messages.STRUCTURE_NOT_YOURS,
    )
    for name in (COMMUNE, "Saint-Léger", "Ateliers", SAINT_LEGER):
        assert name not in answers["victor, the commune"][1]
    read = [r for r in world.reads if r.startswith("directory.load_structure")]
    assert read == [], read  # a structure that is not the caller's is not even read: nothing to tell apart
    assert world.api.registry.lookups == []
    world.assert_nothing_happened()
    world.manager_starts()


@pytest.mark.parametrize("route", ROUTES)
def test_a_simple_member_is_told_a_manager_is_needed_and_nothing_happens(world: World, route: str) -> None:
    reply = world.api.call(route, "hugo", **asked(route, SAINT_LEGER, takeover_siret=ATELIERS))

    assert (reply.status, reply.body["code"], reply.body["message"]) == (
        403,
        "GESTIONNAIRE_REQUIS",
        messages.NOT_A_MANAGER.format(name=COMMUNE),  # he knows his structure
    )
    assert world.api.registry.lookups == []
    world.assert_nothing_happened()
    world.manager_starts()


@pytest.mark.parametrize("route", ROUTES)
def test_a_private_structure_is_refused_to_its_own_manager_and_nothing_happens(world: World, route: str) -> None:
    """Marie manages the Menuiserie Dupont, a supplier: the procedure is for public structures (seed 004)."""
    reply = world.api.call(route, "marie", **asked(route, DUPONT))

    assert (reply.status, reply.body["code"], reply.body["message"]) == (
        403,
        "STRUCTURE_PRIVEE",
        messages.STRUCTURE_NOT_PUBLIC.format(name="Menuiserie Dupont"),
    )
    assert world.api.registry.lookups == []
    world.assert_nothing_happened()


def test_an_operation_is_its_requesters_only_with_one_answer_for_everyone_else(world: World) -> None:
    world.manager_starts()
    assert isinstance(world.api.workflow, RecordedStarts)
    ((operation_id, _),) = world.api.workflow.started

    answers = {
        "a stranger": raw(world.api, "get_operation", "victor", operation_id=operation_id),
        "a simple member": raw(world.api, "get_operation", "hugo", operation_id=operation_id),
        "unknown": raw(world.api, "get_operation", "claire", operation_id=f"inactivation-{SAINT_LEGER}-000000000000"),
    }

    assert len(set(answers.values())) == 1, answers
    assert answers["a stranger"][0] == 404
    assert COMMUNE not in answers["a stranger"][1]
    assert world.api.call("get_operation", "claire", operation_id=operation_id).status == 200


# ------------------------------------------------------------------------------- the takeover, checked first
NOT_HERS = messages.TAKEOVER_NOT_YOURS
# name: (Claire's membership set up first, the takeover SIRET, the French refusal on takeover_siret)
TAKEOVERS: dict[str, tuple[tuple[str, Role] | None, str | None, str]] = {
    "none-while-open-in-sirene": (None, None, messages.TAKEOVER_REQUIRED),
    "the-same-structure": (None, SAINT_LEGER, messages.TAKEOVER_SAME),
    "unknown": (None, NOT_IN_CHORUS, NOT_HERS),
    "not-hers": (None, CH_VIENNE, NOT_HERS),  # the hospital: as if unknown, named nowhere
    "a-supplier-not-hers": (None, DUPONT, NOT_HERS),
    "hers-inactive": (None, INACTIVE, messages.TAKEOVER_INACTIVE.format(name="Ancienne régie des eaux")),
    "hers-private": (
        (DUPONT, Role.SECONDARY_MANAGER),
        DUPONT,
        messages.TAKEOVER_PRIVATE.format(name="Menuiserie Dupont"),
    ),
    "a-simple-member-of-it": (
        (CH_VIENNE, Role.USER),
        CH_VIENNE,
        messages.TAKEOVER_NOT_MANAGED.format(name="Centre hospitalier de Vienne"),
    ),
}


@pytest.mark.parametrize("case", list(TAKEOVERS))
def test_a_takeover_refused_is_refused_with_the_request_before_anything_starts(world: World, case: str) -> None:
    membership, takeover, said = TAKEOVERS[case]
    if membership is not None:
        manages(world, *membership)
    body = {"confirm": True, **({"takeover_siret": takeover} if takeover else {})}

    reply = world.api.call("inactivate_structure", "claire", siret=SAINT_LEGER, body=body)

    assert (reply.status, reply.body["code"], reply.body["message"]) == (400, "REPRISE_REFUSEE", said), reply.body
    assert reply.body["errors"] == [{"field": "takeover_siret", "message": said}]
    world.assert_nothing_happened()
    world.manager_starts()


@pytest.mark.parametrize("case", [c for c in TAKEOVERS if TAKEOVERS[c][1] is not None])
def test_a_takeover_is_checked_as_the_user_types_it_before_confirming(world: World, case: str) -> None:
    """``GET /structures/{siret}?takeover_siret=…``: the same refusal as the inactivation would give."""
    membership, takeover, said = TAKEOVERS[case]
    if membership is not None:
        manages(world, *membership)

    reply = world.api.call("show_structure", "claire", siret=SAINT_LEGER, query={"takeover_siret": takeover})

    assert (reply.status, reply.body["code"], reply.body["errors"]) == (
        400,
        "REPRISE_REFUSEE",
        [{"field": "takeover_siret", "message": said}],
    )
    world.assert_nothing_happened()


@pytest.mark.parametrize("route", ["inactivate_structure", "show_structure"])
def test_an_unknown_takeover_and_one_not_hers_get_the_same_bytes(world: World, route: str) -> None:
    def answer(takeover: str) -> tuple[int, str]:
        if route == "show_structure":
            return raw(world.api, route, "claire", siret=SAINT_LEGER, query={"takeover_siret": takeover})
        body = {"confirm": True, "takeover_siret": takeover}
        return raw(world.api, route, "claire", siret=SAINT_LEGER, body=body)

    unknown, hospital, supplier = answer(NOT_IN_CHORUS), answer(CH_VIENNE), answer(DUPONT)

    assert unknown == hospital == supplier
    assert unknown[0] == 400
    for name in ("Centre hospitalier", "Vienne", "Menuiserie", CH_VIENNE, DUPONT, NOT_IN_CHORUS):
        assert name not in unknown[1]
    world.assert_nothing_happened()


def test_a_takeover_accepted_is_shown_before_confirming(world: World) -> None:
    reply = world.api.call("show_structure", "claire", siret=SAINT_LEGER, query={"takeover_siret": ATELIERS})

    assert reply.status == 200, reply.body
    assert (reply.body["designation"], reply.body["registry"]["state"]) == (COMMUNE, "Ouvert")
    assert reply.body["takeover"] == {
        "siret": ATELIERS,
        "designation": "Ateliers municipaux de Saint-Léger",
        "state": "Active",
    }
    world.assert_nothing_happened()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"takeover_siret": BAD_CHECKSUM}, "takeover_siret"),
        ({"takeover_siret": "2176900150002"}, "takeover_siret"),  # 13 digits
        ({"takeover_siret": "la mairie"}, "takeover_siret"),
        ({"takeover": ATELIERS}, "takeover"),  # a misspelt parameter is refused, not ignored
    ],
)
def test_a_malformed_takeover_check_is_a_400_in_french(world: World, query: dict[str, str], field: str) -> None:
    reply = world.api.call("show_structure", "claire", siret=SAINT_LEGER, query=query)

    assert (reply.status, reply.body["code"]) == (400, "DONNEES_INVALIDES"), reply.body
    assert [e["field"] for e in reply.body["errors"]] == [field]
    assert all(e["message"] for e in reply.body["errors"])
    world.assert_nothing_happened()


def test_sirene_down_when_the_request_is_checked_is_a_503_and_nothing_starts(world: World) -> None:
    world.api.registry.available = False

    reply = world.api.call(
        "inactivate_structure", "claire", siret=SAINT_LEGER, body={"confirm": True, "takeover_siret": ATELIERS}
    )

    assert (reply.status, reply.body["code"], reply.body["message"]) == (
        503,
        "SIRENE_INDISPONIBLE",
        messages.REGISTRY_UNAVAILABLE,
    )
    world.assert_nothing_happened()
    world.api.registry.available = True
    world.manager_starts()


def test_a_structure_closed_in_sirene_needs_no_takeover_but_one_given_is_checked(world: World) -> None:
    world.api.registry.put(Establishment(SAINT_LEGER, "COMMUNE DE SAINT LEGER", False, None, None))

    refused = world.api.call(
        "inactivate_structure", "claire", siret=SAINT_LEGER, body={"confirm": True, "takeover_siret": CH_VIENNE}
    )
    assert (refused.status, refused.body["message"]) == (400, NOT_HERS)
    world.assert_nothing_happened()

    started = world.api.call("inactivate_structure", "claire", siret=SAINT_LEGER, body={"confirm": True})
    assert started.status == 202, started.body


def test_a_structure_already_inactive_is_refused_before_anything_starts(world: World) -> None:
    reply = world.api.call("inactivate_structure", "claire", siret=INACTIVE, body={"confirm": True})

    assert (reply.status, reply.body["code"], reply.body["message"]) == (
        409,
        "STRUCTURE_DEJA_INACTIVE",
        messages.STRUCTURE_ALREADY_INACTIVE.format(name="Ancienne régie des eaux"),
    )
    world.assert_nothing_happened()


# ------------------------------------------------------------------------------------------ the assistant
@pytest.mark.parametrize("action", ["ACTIVATE", "INACTIVATE"])
def test_the_assistant_answers_a_stranger_as_an_unknown_siret_and_nothing_happens(world: World, action: str) -> None:
    replies = []
    for user, siret in (("victor", SAINT_LEGER), ("victor", NOT_IN_CHORUS), ("marie", SAINT_LEGER)):
        chat = procedure(world.api, user, action)
        chat.say(siret)
        assert chat.step == assistant.ASK_SIRET  # asked again at once
        replies.append(chat.reply)

    assert replies[0] == replies[1] == replies[2]
    assert replies[0]["text"] == f"{messages.STRUCTURE_NOT_YOURS}\n\n{messages.ASSISTANT_ASK_SIRET[action]}"
    assert COMMUNE not in str(replies[0])
    assert [r for r in world.reads if r.startswith("directory.load_structure")] == []
    assert world.api.registry.lookups == []
    world.assert_nothing_happened()


@pytest.mark.parametrize("action", ["ACTIVATE", "INACTIVATE"])
@pytest.mark.parametrize(
    ("user", "siret", "said"),
    [
        ("hugo", SAINT_LEGER, messages.NOT_A_MANAGER.format(name=COMMUNE)),
        ("marie", DUPONT, messages.STRUCTURE_NOT_PUBLIC.format(name="Menuiserie Dupont")),
    ],
    ids=["simple-member", "private"],
)
def test_the_assistant_refuses_a_member_who_may_not_at_the_siret_and_nothing_happens(
    world: World, action: str, user: str, siret: str, said: str
) -> None:
    chat = procedure(world.api, user, action)
    chat.say(siret)

    assert chat.text == f"{said}\n\n{messages.ASSISTANT_ASK_SIRET[action]}"
    assert chat.step == assistant.ASK_SIRET
    assert world.api.registry.lookups == []
    world.assert_nothing_happened()


def _at_takeover_question(world: World) -> Chat:
    chat = procedure(world.api, "claire", "INACTIVATE")
    chat.say(SAINT_LEGER)
    chat.choose("CONFIRM")
    chat.choose("YES")
    assert chat.step == assistant.ASK_TAKEOVER_SIRET
    return chat


@pytest.mark.parametrize("case", [c for c in TAKEOVERS if TAKEOVERS[c][1] is not None])
def test_the_assistant_checks_the_takeover_at_once_and_asks_again(world: World, case: str) -> None:
    membership, takeover, said = TAKEOVERS[case]
    if membership is not None:
        manages(world, *membership)
    chat = _at_takeover_question(world)
    assert takeover is not None

    chat.say(takeover)

    assert chat.text == f"{said}\n\n{messages.ASSISTANT_ASK_TAKEOVER}"
    assert chat.step == assistant.ASK_TAKEOVER_SIRET  # another one may be typed at once
    world.assert_nothing_happened()
    chat.say(ATELIERS)  # then an accepted one: on to the confirmation
    assert chat.step == assistant.CONFIRM_ACTION
    assert "Ateliers municipaux de Saint-Léger" in chat.text
    world.assert_nothing_happened()  # nothing before « Je confirme »
    chat.choose("CONFIRM")
    assert isinstance(world.api.workflow, RecordedStarts)
    assert [p["takeover_siret"] for _, p in world.api.workflow.started] == [ATELIERS]


def test_the_assistant_answers_an_unknown_takeover_and_one_not_hers_alike(world: World) -> None:
    said = []
    for takeover in (NOT_IN_CHORUS, CH_VIENNE, DUPONT):
        chat = _at_takeover_question(world)
        chat.say(takeover)
        said.append(chat.reply)

    assert said[0] == said[1] == said[2]
    assert "Vienne" not in str(said[0]) and "Menuiserie" not in str(said[0])
    world.assert_nothing_happened()
