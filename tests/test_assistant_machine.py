"""The assistant's structure procedure with the real inactivation state machine: moto's Step Functions
interpreter running statemachines/inactivate_structure.asl.json as template.yaml creates it, its tasks the
real handler of the structure tasks function, on DynamoDB (moto) — the ``build`` fixture of
tests/test_inactivation_machine.py. The conversation starts the execution through the Step Functions adapter
(« Je confirme »), follows it (« Où en est l'opération ? ») and tells its outcome: both cases of the guide, a
takeover the machine refuses (it changed after the confirmation) then given again and accepted, a requester
the machine refuses (demoted after the confirmation), Sirene down."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import tests.test_inactivation_machine as machine_tests
from chorus_desk import messages
from chorus_desk.adapters.local_registry import LocalRegistry
from chorus_desk.models import Membership, OrgKind, OrgRef, Role
from chorus_desk.ports import Establishment
from chorus_desk.usecases import assistant
from local_stack import workflows
from tests.fixtures import USER_IDS
from tests.structures_data import ATELIERS, SAINT_LEGER
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
    """The Ateliers are inactivated after the confirmation, before the machine checks them: refused by the
    machine, asked again; active again, given once more, accepted."""
    machine = build()
    gate = machine.pause("check_takeover")
    chat = procedure(machine.api, "claire", "INACTIVATE")
    chat.say(SAINT_LEGER)
    chat.choose("CONFIRM")
    chat.choose("YES")
    chat.say(ATELIERS)  # checked at once: accepted
    assert chat.step == assistant.CONFIRM_ACTION
    chat.choose("CONFIRM")
    assert gate.reached.wait(30)
    machine.ports.reference.set_structure_active(ATELIERS, False)
    gate.open()
    operation_id = str(chat.reply["operation_id"])
    assert workflows.wait_for(machine.sfn, machine.execution(operation_id), timeout=60)["status"] == "FAILED"
    assert machine.task_errors(operation_id) == ["TakeoverInactive"]
    chat.choose("REFRESH")
    refused = messages.TAKEOVER_INACTIVE.format(name="Ateliers municipaux de Saint-Léger")
    assert chat.text == f"{refused}\n\n{messages.ASSISTANT_ASK_TAKEOVER}"
    assert chat.step == assistant.ASK_TAKEOVER_SIRET
    assert active(machine, SAINT_LEGER)
    machine.ports.reference.set_structure_active(ATELIERS, True)
    chat.say(ATELIERS)
    confirmed(machine, chat)  # the lock of the refused one was released: a second execution runs
    chat.choose("REFRESH")
    assert chat.text == messages.INACTIVATION_DONE.format(siret=SAINT_LEGER, payments=3, tickets=0)
    assert not active(machine, SAINT_LEGER)


def test_a_requester_the_machine_refuses(build: Callable[..., Machine]) -> None:
    """Demoted to a simple user between the confirmation and the machine's first step."""
    machine = build()
    machine.registry.put(Establishment(SAINT_LEGER, "COMMUNE DE SAINT LEGER", False, date(2026, 6, 30), "MAIRIE"))
    gate = machine.pause("check_requester")
    chat = procedure(machine.api, "claire", "INACTIVATE")
    chat.say(SAINT_LEGER)
    chat.choose("CONFIRM")  # closed in Sirene: confirming the structure starts it
    assert gate.reached.wait(30)
    demoted = Membership(org=OrgRef(kind=OrgKind.STRUCTURE, id=SAINT_LEGER), org_name="Commune", role=Role.USER)
    machine.ports.reference.put_reference_data(memberships=[(USER_IDS["claire"], demoted)])
    gate.open()
    operation_id = str(chat.reply["operation_id"])
    assert workflows.wait_for(machine.sfn, machine.execution(operation_id), timeout=60)["status"] == "FAILED"
    chat.choose("REFRESH")
    assert chat.text == messages.NOT_A_MANAGER.format(name="Commune de Saint-Léger")
    assert chat.choices == ["CONTINUE", "AGENT"]
    assert active(machine, SAINT_LEGER)


def test_a_requester_demoted_before_confirming_is_refused_at_once(build: Callable[..., Machine]) -> None:
    """Demoted between the structure shown and the confirmation: the confirmation is refused, nothing runs."""
    machine = build()
    machine.registry.put(Establishment(SAINT_LEGER, "COMMUNE DE SAINT LEGER", False, date(2026, 6, 30), "MAIRIE"))
    chat = procedure(machine.api, "claire", "INACTIVATE")
    chat.say(SAINT_LEGER)
    demoted = Membership(org=OrgRef(kind=OrgKind.STRUCTURE, id=SAINT_LEGER), org_name="Commune", role=Role.USER)
    machine.ports.reference.put_reference_data(memberships=[(USER_IDS["claire"], demoted)])
    chat.choose("CONFIRM")
    assert chat.text.startswith(messages.NOT_A_MANAGER.format(name="Commune de Saint-Léger"))
    assert chat.step == assistant.CONFIRM_STRUCTURE
    assert machine.sfn.list_executions(stateMachineArn=machine.arn)["executions"] == []
    assert active(machine, SAINT_LEGER)


def test_sirene_down_at_the_confirmation_is_told_at_once_and_nothing_starts(build: Callable[..., Machine]) -> None:
    machine = build()
    chat = procedure(machine.api, "claire", "INACTIVATE")
    chat.say(SAINT_LEGER)
    chat.choose("CONFIRM")
    chat.choose("YES")
    chat.say(ATELIERS)
    machine.registry.available = False  # after the SIRET was shown: down when the confirmation is checked
    chat.choose("CONFIRM")
    assert chat.text.startswith(messages.REGISTRY_UNAVAILABLE)
    assert chat.step == assistant.CONFIRM_ACTION  # confirm again later, or go back
    assert machine.sfn.list_executions(stateMachineArn=machine.arn)["executions"] == []
    assert active(machine, SAINT_LEGER)


def test_sirene_down_for_the_machine_is_told_and_nothing_changed(build: Callable[..., Machine]) -> None:
    machine = build()
    machine.api.registry = LocalRegistry()  # Sirene answers the confirmation's check, then goes down
    chat = procedure(machine.api, "claire", "INACTIVATE")
    chat.say(SAINT_LEGER)
    chat.choose("CONFIRM")
    chat.choose("YES")
    chat.say(ATELIERS)
    machine.registry.available = False  # down for the machine's look-up
    confirmed(machine, chat)
    chat.choose("REFRESH")
    assert chat.text == messages.REGISTRY_UNAVAILABLE
    assert chat.choices == ["CONTINUE", "AGENT"]  # an agent, or try again later
    assert active(machine, SAINT_LEGER)
