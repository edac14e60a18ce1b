"""The assistant's structure procedure with the real inactivation state machine: moto's Step Functions
interpreter running statemachines/inactivate_structure.asl.json as template.yaml creates it, its tasks the
real handler of the structure tasks function, on DynamoDB (moto) — the ``build`` fixture of
tests/test_inactivation_machine.py. The conversation starts the execution through the Step Functions adapter
(« Je confirme »), follows it (« Où en est l'opération ? ») and tells its outcome: both cases of the guide, a
takeover the machine refuses then another one accepted, a requester the machine refuses, Sirene down."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import tests.test_inactivation_machine as machine_tests
from chorus_desk import messages
from chorus_desk.models import Membership, OrgKind, OrgRef, Role
from chorus_desk.ports import Establishment
from chorus_desk.usecases import assistant
from local_stack import workflows
from tests.fixtures import USER_IDS
from tests.structures_data import ATELIERS, INACTIVE, SAINT_LEGER
from tests.test_assistant import Chat, procedure
from tests.test_inactivation_machine import Machine

build = machine_tests.build  # the fixture: the desk on moto with the state machine of template.yaml


def confirmed(machine: Machine, chat: Chat) -> str:
    """« Je confirme » at the last confirmation: the execution starts; returns the operation's id once it ended."""
    chat.choose("CONFIRM")
    assert chat.step == assistant.FOLLOW
    operation_id = str(chat.reply["operation_id"])  # « en cours », or its outcome already: moto runs it in a thread
    described = workflows.wait_for(machine.sfn, machine.execution(operation_id), timeout=60)
    assert described["status"] != "RUNNING"
    return operation_id


def active(machine: Machine, siret: str) -> bool:
    structure = machine.ports.directory.load_structure(siret)
    assert structure is not None
    return structure.active


def test_case_1_closed_in_sirene(build: Callable[..., Machine]) -> None:
    machine = build()
    machine.registry.put(Establishment(SAINT_LEGER, "COMMUNE DE SAINT LEGER", False, date(2026, 6, 30), "MAIRIE"))
    chat = procedure(machine.api, "claire", "INACTIVATE")
    chat.say(SAINT_LEGER)
    assert "Sirene : Fermé" in chat.text
    operation_id = confirmed(machine, chat)  # confirming the structure confirms the action
    chat.choose("REFRESH")
    assert chat.text == messages.INACTIVATION_DONE.format(siret=SAINT_LEGER, payments=0, tickets=0)
    assert chat.reply["operation_id"] == operation_id
    assert chat.reply["feedback"] is True
    assert chat.step == assistant.DONE
    assert not active(machine, SAINT_LEGER)
    assert machine.tasks("check_takeover") == []


def test_case_2_open_in_sirene_with_a_takeover(build: Callable[..., Machine]) -> None:
    machine = build(batch_size=2)
    chat = procedure(machine.api, "claire", "INACTIVATE")
    chat.say(SAINT_LEGER)
    chat.choose("CONFIRM")
    assert chat.text == messages.ASSISTANT_TAKEOVER_EXISTS
    chat.choose("YES")
    chat.say(ATELIERS)
    assert "Ateliers municipaux de Saint-Léger" in chat.text
    assert ATELIERS in chat.text
    operation_id = confirmed(machine, chat)
    reply = chat.get()["reply"]  # read again without a message: the outcome
    assert reply["text"] == messages.INACTIVATION_DONE.format(siret=SAINT_LEGER, payments=3, tickets=0)
    chat.choose("REFRESH")  # the button shown while it ran
    assert chat.step == assistant.DONE
    assert not active(machine, SAINT_LEGER)
    operation = machine.api.call("get_operation", "claire", operation_id=operation_id).body
    assert (operation["takeover_siret"], operation["moved_payments"]) == (ATELIERS, 3)
    rated = chat.rate(rating="UP")
    assert rated.status == 200


def test_a_takeover_refused_by_the_machine_then_another_one(build: Callable[..., Machine]) -> None:
    machine = build()
    chat = procedure(machine.api, "claire", "INACTIVATE")
    chat.say(SAINT_LEGER)
    chat.choose("CONFIRM")
    chat.choose("YES")
    chat.say(INACTIVE)  # claire manages it, but it is inactive: the machine's check_takeover refuses it
    confirmed(machine, chat)
    assert machine.task_errors(chat.stored.data["operation_id"]) == ["TakeoverInactive"]
    chat.choose("REFRESH")
    refused = messages.TAKEOVER_INACTIVE.format(name="Ancienne régie des eaux")
    assert chat.text == f"{refused}\n\n{messages.ASSISTANT_ASK_TAKEOVER}"
    assert chat.step == assistant.ASK_TAKEOVER_SIRET
    assert active(machine, SAINT_LEGER)
    chat.say(ATELIERS)
    confirmed(machine, chat)  # the lock of the refused one was released: a second execution runs
    chat.choose("REFRESH")
    assert chat.text == messages.INACTIVATION_DONE.format(siret=SAINT_LEGER, payments=3, tickets=0)
    assert not active(machine, SAINT_LEGER)


def test_a_requester_the_machine_refuses(build: Callable[..., Machine]) -> None:
    """Demoted to a simple user between the confirmation and the machine's first step."""
    machine = build()
    machine.registry.put(Establishment(SAINT_LEGER, "COMMUNE DE SAINT LEGER", False, date(2026, 6, 30), "MAIRIE"))
    chat = procedure(machine.api, "claire", "INACTIVATE")
    chat.say(SAINT_LEGER)
    demoted = Membership(org=OrgRef(kind=OrgKind.STRUCTURE, id=SAINT_LEGER), org_name="Commune", role=Role.USER)
    machine.ports.reference.put_reference_data(memberships=[(USER_IDS["claire"], demoted)])
    confirmed(machine, chat)
    chat.choose("REFRESH")
    assert chat.text == messages.NOT_A_MANAGER.format(name="Commune de Saint-Léger")
    assert chat.choices == ["CONTINUE", "AGENT"]
    assert active(machine, SAINT_LEGER)


def test_sirene_down_is_told_and_nothing_changed(build: Callable[..., Machine]) -> None:
    machine = build()
    chat = procedure(machine.api, "claire", "INACTIVATE")
    chat.say(SAINT_LEGER)
    chat.choose("CONFIRM")
    chat.choose("YES")
    chat.say(ATELIERS)
    machine.registry.available = False  # after the SIRET was shown: down for the machine's look-up
    confirmed(machine, chat)
    chat.choose("REFRESH")
    assert chat.text == messages.REGISTRY_UNAVAILABLE
    assert chat.choices == ["CONTINUE", "AGENT"]  # an agent, or try again later
    assert active(machine, SAINT_LEGER)
