"""« Activer / inactiver ma structure » through the real handler of the structures function (HTTP routes, on
in-memory and on DynamoDB ports): the structure shown before confirming, its activation and every refusal of
it, the start of an inactivation (202 and an operation, one at a time per structure), and who may follow an
operation. The inactivation itself runs in the state machine: tests/test_inactivation_machine.py."""

from __future__ import annotations

from typing import Any

import pytest

from chorus_desk import messages
from chorus_desk.errors import StorageUnavailable
from chorus_desk.ports import Establishment, Ports
from tests import fixtures
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

BACKENDS = ["api", "aws_api"]
REGIE_OPEN = Establishment(INACTIVE, "REGIE DES EAUX DU PILAT", True, None, "LE BOURG, 42410 PELUSSIN")


@pytest.fixture(params=BACKENDS)
def desk(request: pytest.FixtureRequest) -> Api:
    api: Api = request.getfixturevalue(request.param)
    seed_takeover(api.ports)
    return api


def active(ports: Ports, siret: str) -> bool:
    structure = ports.directory.load_structure(siret)
    assert structure is not None
    return structure.active


def start(api: Api, user: str, siret: str = SAINT_LEGER, **body: Any) -> Any:
    return api.call("inactivate_structure", user, siret=siret, body={"confirm": True, **body})


# --------------------------------------------------------------------------------------------- showing
def test_a_manager_sees_the_structure_in_chorus_pro_and_in_sirene(desk: Api) -> None:
    reply = desk.call("show_structure", "claire", siret=SAINT_LEGER)

    assert reply.status == 200, reply.body
    assert reply.body == {
        "siret": SAINT_LEGER,
        "designation": "Commune de Saint-Léger",
        "public": True,
        "active": True,
        "state": "Active",
        "role": {"code": "PRINCIPAL_MANAGER", "label": "Gestionnaire principal"},
        "registry": {
            "name": "COMMUNE DE SAINT LEGER",
            "open": True,
            "state": "Ouvert",
            "closed_on": None,
            "address": "1 PLACE DE LA MAIRIE, 69870 SAINT LEGER",
        },
        "takeover": None,  # none asked for (?takeover_siret=…: tests/test_structure_rights.py)
    }
    closed = desk.call("show_structure", "claire", siret=INACTIVE).body
    assert (closed["state"], closed["registry"]["state"], closed["registry"]["closed_on"]) == (
        "Inactive",
        "Fermé",
        "2024-12-31",
    )
    assert closed["role"]["label"] == "Gestionnaire secondaire"


@pytest.mark.parametrize(
    ("user", "siret", "status", "code"),
    [
        ("hugo", SAINT_LEGER, 403, "GESTIONNAIRE_REQUIS"),  # a simple user of the structure
        ("victor", SAINT_LEGER, 404, "STRUCTURE_INCONNUE"),  # a manager of another one: as if unknown
        ("claire", NOT_IN_CHORUS, 404, "STRUCTURE_INCONNUE"),
        ("marie", DUPONT, 403, "STRUCTURE_PRIVEE"),  # the manager of a private structure
        ("claire", BAD_CHECKSUM, 400, "DONNEES_INVALIDES"),
        ("claire", "2176900150001", 400, "DONNEES_INVALIDES"),  # 13 digits
    ],
)
def test_showing_a_structure_is_for_its_managers_only(api: Api, user: str, siret: str, status: int, code: str) -> None:
    reply = api.call("show_structure", user, siret=siret)

    assert (reply.status, reply.body["code"]) == (status, code), reply.body


def test_sirene_down_while_showing_is_a_503_in_french(api: Api) -> None:
    api.registry.available = False

    reply = api.call("show_structure", "claire", siret=SAINT_LEGER)

    assert (reply.status, reply.body["code"], reply.body["message"]) == (
        503,
        "SIRENE_INDISPONIBLE",
        messages.REGISTRY_UNAVAILABLE,
    )


# ------------------------------------------------------------------------------------------ activation
def test_a_manager_activates_an_inactive_structure_open_in_sirene_once_shown(desk: Api) -> None:
    desk.registry.put(REGIE_OPEN)
    shown = desk.call("show_structure", "claire", siret=INACTIVE).body
    assert (shown["designation"], shown["siret"], shown["state"], shown["registry"]["state"]) == (
        "Ancienne régie des eaux",
        INACTIVE,
        "Inactive",
        "Ouvert",
    )

    reply = desk.call("activate_structure", "claire", siret=INACTIVE, body={"confirm": True})

    assert reply.status == 200, reply.body
    assert (reply.body["active"], reply.body["state"], reply.body["registry"]["state"]) == (True, "Active", "Ouvert")
    assert active(desk.ports, INACTIVE)
    # The structure now receives tickets like any active public structure.
    again = desk.call("show_structure", "claire", siret=INACTIVE).body
    assert again["state"] == "Active"


@pytest.mark.parametrize(
    ("user", "siret", "body", "status", "code", "message"),
    [
        ("hugo", INACTIVE, {"confirm": True}, 404, "STRUCTURE_INCONNUE", messages.STRUCTURE_NOT_YOURS),  # not his
        ("hugo", SAINT_LEGER, {"confirm": True}, 403, "GESTIONNAIRE_REQUIS", None),
        ("claire", NOT_IN_CHORUS, {"confirm": True}, 404, "STRUCTURE_INCONNUE", None),
        ("claire", BAD_CHECKSUM, {"confirm": True}, 400, "DONNEES_INVALIDES", None),
        (
            "claire",
            SAINT_LEGER,
            {"confirm": True},
            409,
            "STRUCTURE_DEJA_ACTIVE",
            messages.STRUCTURE_ALREADY_ACTIVE.format(name="Commune de Saint-Léger"),
        ),
        (
            "claire",
            INACTIVE,
            {"confirm": True},
            409,
            "ETABLISSEMENT_FERME",
            messages.STRUCTURE_CLOSED_IN_REGISTRY.format(siret=INACTIVE),
        ),
        ("claire", INACTIVE, {}, 400, "DONNEES_INVALIDES", None),  # not confirmed
        ("claire", INACTIVE, {"confirm": False}, 400, "DONNEES_INVALIDES", None),
        ("claire", INACTIVE, {"confirm": "true"}, 400, "DONNEES_INVALIDES", None),
        ("claire", INACTIVE, None, 400, "DONNEES_INVALIDES", None),
    ],
)
def test_activation_refusals_change_nothing(
    desk: Api, user: str, siret: str, body: Any, status: int, code: str, message: str | None
) -> None:
    if code != "ETABLISSEMENT_FERME":
        desk.registry.put(REGIE_OPEN)
    before = {s: desk.ports.directory.load_structure(s) for s in (SAINT_LEGER, INACTIVE)}

    reply = desk.call("activate_structure", user, siret=siret, body=body)

    assert (reply.status, reply.body["code"]) == (status, code), reply.body
    if message is not None:
        assert reply.body["message"] == message
    assert {s: desk.ports.directory.load_structure(s) for s in before} == before


def test_activation_while_sirene_is_down_is_a_503_and_changes_nothing(api: Api) -> None:
    api.registry.available = False

    reply = api.call("activate_structure", "claire", siret=INACTIVE, body={"confirm": True})

    assert (reply.status, reply.body["code"]) == (503, "SIRENE_INDISPONIBLE")
    assert not active(api.ports, INACTIVE)


def test_two_managers_activating_at_once_activate_it_once(api: Api) -> None:
    """The second one read the structure inactive, but the write is conditioned on it: 409, not a second
    activation."""
    api.registry.put(REGIE_OPEN)
    assert api.ports.reference.set_structure_active(INACTIVE, True)  # another manager, between read and write
    assert not api.ports.reference.set_structure_active(INACTIVE, True)

    reply = api.call("activate_structure", "claire", siret=INACTIVE, body={"confirm": True})

    assert (reply.status, reply.body["code"]) == (409, "STRUCTURE_DEJA_ACTIVE")


# ------------------------------------------------------------------------------- starting inactivation
def test_starting_an_inactivation_answers_at_once_with_the_operation_to_follow(desk: Api) -> None:
    reply = start(desk, "claire", takeover_siret=ATELIERS)

    assert reply.status == 202, reply.body
    operation = reply.body
    assert reply.headers["Location"] == f"/operations/{operation['id']}"
    assert operation["id"].startswith(f"inactivation-{SAINT_LEGER}-")
    assert (operation["state"], operation["siret"], operation["takeover_siret"]) == (
        {"code": "RUNNING", "label": "En cours"},
        SAINT_LEGER,
        ATELIERS,
    )
    assert (operation["moved_payments"], operation["moved_tickets"], operation["message"]) == (0, 0, None)
    assert operation["requester"] == {"id": fixtures.USER_IDS["claire"], "name": "Claire Petit"}
    # The state machine got the operation to run, named after it; the structure is untouched until it runs.
    assert isinstance(desk.workflow, RecordedStarts)
    assert desk.workflow.started == [
        (
            operation["id"],
            {
                "operation_id": operation["id"],
                "siret": SAINT_LEGER,
                "takeover_siret": ATELIERS,
                "requester_id": fixtures.USER_IDS["claire"],
            },
        )
    ]
    assert active(desk.ports, SAINT_LEGER)
    followed = desk.call("get_operation", "claire", operation_id=operation["id"])
    assert (followed.status, followed.body) == (200, operation)


def test_a_second_start_for_the_same_structure_while_one_runs_is_refused(desk: Api) -> None:
    first = start(desk, "claire", takeover_siret=ATELIERS)
    assert first.status == 202

    second = start(desk, "claire", takeover_siret=ATELIERS)
    simple_user = start(desk, "hugo", takeover_siret=ATELIERS)

    assert (second.status, second.body["code"], second.body["message"]) == (
        409,
        "OPERATION_EN_COURS",
        messages.OPERATION_RUNNING.format(siret=SAINT_LEGER),
    )
    assert (simple_user.status, simple_user.body["code"]) == (403, "GESTIONNAIRE_REQUIS")  # refused before the lock
    assert isinstance(desk.workflow, RecordedStarts)
    assert len(desk.workflow.started) == 1
    # Another structure is not locked by it (the hospital, closed in Sirene here: no takeover needed).
    desk.registry.put(Establishment(CH_VIENNE, "CENTRE HOSPITALIER DE VIENNE", False, None, None))
    assert start(desk, "victor", siret=CH_VIENNE).status == 202


def test_an_operation_is_followed_by_its_requester_only(desk: Api) -> None:
    operation = start(desk, "claire", takeover_siret=ATELIERS).body["id"]

    by_other = desk.call("get_operation", "hugo", operation_id=operation)
    unknown = desk.call("get_operation", "claire", operation_id=f"inactivation-{SAINT_LEGER}-000000000000")

    assert (by_other.status, by_other.body) == (unknown.status, unknown.body)
    assert (by_other.status, by_other.body["message"]) == (404, messages.OPERATION_NOT_FOUND)
    assert desk.call("get_operation", "claire", operation_id="x" * 81).status == 400


@pytest.mark.parametrize(
    ("siret", "body", "status", "field"),
    [
        (SAINT_LEGER, {"takeover_siret": ATELIERS}, 400, "confirm"),  # not confirmed
        (SAINT_LEGER, {"confirm": False, "takeover_siret": ATELIERS}, 400, "confirm"),
        (SAINT_LEGER, {"confirm": True, "takeover_siret": "21769001500028"}, 400, "takeover_siret"),
        (SAINT_LEGER, {"confirm": True, "takeover_siret": 21769001500029}, 400, "takeover_siret"),
        (SAINT_LEGER, {"confirm": True, "unknown": 1}, 400, "unknown"),
        (BAD_CHECKSUM, {"confirm": True}, 400, "siret"),
        (NOT_IN_CHORUS, {"confirm": True}, 404, None),
    ],
)
def test_a_start_refused_by_the_api_starts_nothing_and_locks_nothing(
    desk: Api, siret: str, body: dict[str, Any], status: int, field: str | None
) -> None:
    reply = desk.call("inactivate_structure", "claire", siret=siret, body=body)

    assert reply.status == status, reply.body
    if field is not None:
        assert field in {e["field"].split(".")[0] for e in reply.body["errors"]}, reply.body
    assert isinstance(desk.workflow, RecordedStarts)
    assert desk.workflow.started == []
    assert start(desk, "claire", takeover_siret=ATELIERS).status == 202  # the structure was not locked


def test_a_start_step_functions_refuses_is_a_503_and_releases_the_structure(desk: Api) -> None:
    class Down:
        def start(self, operation_id: str, payload: dict[str, str | None]) -> None:  # noqa: ARG002
            raise StorageUnavailable(messages.OPERATION_NOT_STARTED)

    desk.workflow = Down()

    reply = start(desk, "claire", takeover_siret=ATELIERS)

    assert (reply.status, reply.body["message"]) == (503, messages.OPERATION_NOT_STARTED)
    desk.workflow = RecordedStarts()
    assert start(desk, "claire", takeover_siret=ATELIERS).status == 202
