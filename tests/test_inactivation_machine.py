"""The inactivation state machine (statemachines/inactivate_structure.asl.json) executed by moto's Step
Functions interpreter, created from template.yaml as the local stack creates it (local_stack/workflows.py),
its Lambda tasks running the real handler of the structure tasks function in-process, on DynamoDB (moto).
Every execution is started through the real API (POST /structures/{siret}/inactivation, the Step Functions
adapter) and followed through GET /operations/{id}.

Every path through the machine: closed in Sirene; open, with the move to the takeover structure; every
refusal, as a guard — the API refuses the same things before anything starts (tests/test_structure_rights.py),
so here the world changes between the confirmation and the machine's checks (a task held at a ``Gate``), or
the execution is started without the API's checks; Sirene down; a storage fault between two batches, retried
and resumed, or past the retries and finished by a second start; a second start while one runs; and the size
of the machine's state with a few hundred items. moto's Retry waits are recorded, not slept (``waits``), so
the suite takes seconds."""

from __future__ import annotations

import dataclasses
import json
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from unittest import mock

import boto3
import pytest
from moto import mock_aws
from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl

from chorus_desk import bootstrap, messages
from chorus_desk.adapters.dynamodb import dynamodb_ports
from chorus_desk.adapters.local_registry import DEMO_ESTABLISHMENTS, LocalRegistry
from chorus_desk.adapters.stepfunctions import StepFunctionsWorkflow
from chorus_desk.errors import OperationRunning, StorageUnavailable
from chorus_desk.models import Membership, ObjectType, OrgKind, OrgRef, PaymentRequest, PaymentState, Role
from chorus_desk.ports import Establishment, Ports
from chorus_desk.usecases import structures
from local_stack import workflows
from local_stack.aws import serialize_dynamodb_writes
from local_stack.template import Resolver, table_definition
from tests import fixtures
from tests.structures_data import (
    ATELIERS,
    ATELIERS_STRUCTURE,
    CH_VIENNE,
    DUPONT,
    NOT_IN_CHORUS,
    RECEIVED_PAYMENTS,
    SAINT_LEGER,
    assert_dashboards_match_a_recount,
    payments_of,
    received_counts,
    received_ticket,
    received_tickets,
    recipient_of,
    reroutes,
    seed_takeover,
)
from tests.support import Api, CallLog, RecordedStarts

MACHINE = "InactivationStateMachine"
TASKS = "StructureTasksFunction"
MOVED = ("OPEN", "IN_PROGRESS", "AWAITING_INFO", "RESOLVED")  # the received tickets that move; CLOSED stays


# ----------------------------------------------------------------------------------------- the world
class Waits:
    """moto's Retry: the waits it asks for, recorded instead of slept."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.asked.append(seconds)


class Faults:
    """Makes moving an item fail: once ``after`` items moved, the next ``times`` moves raise
    ``StorageUnavailable``, before the item's write or (``written``) after it. Counts each item's writes."""

    def __init__(self, after: int = 0, times: int = 0, written: bool = False) -> None:
        self.after, self.times, self.written = after, times, written
        self.failures = 0
        self.moved: Counter[str] = Counter()
        self._lock = threading.Lock()

    def off(self) -> None:
        with self._lock:
            self.times = self.failures

    def move(self, key: str, write: Callable[[], Any]) -> Any:
        with self._lock:
            failing = sum(self.moved.values()) >= self.after and self.failures < self.times
            if failing and not self.written:
                self.failures += 1
                raise StorageUnavailable(messages.STORAGE_UNAVAILABLE)
        result = write()
        with self._lock:
            if result is not False:  # a redirect that found the request moved already answers False
                self.moved[key] += 1
            if failing:
                self.failures += 1
                raise StorageUnavailable(messages.STORAGE_UNAVAILABLE)
        return result


def faulty(ports: Ports, faults: Faults) -> Ports:
    """The ports the tasks get: the moves of payment requests and tickets go through ``faults``."""

    class Payments:
        def __getattr__(self, name: str) -> Any:
            return getattr(ports.payments, name)

        def redirect(self, payment: PaymentRequest, to_siret: str) -> bool:
            return bool(faults.move(f"payment {payment.number}", lambda: ports.payments.redirect(payment, to_siret)))

    class Tickets:
        def __getattr__(self, name: str) -> Any:
            return getattr(ports.tickets, name)

        def save_ticket(self, ticket: Any, *args: Any, **kwargs: Any) -> None:
            faults.move(f"ticket {ticket.number}", lambda: ports.tickets.save_ticket(ticket, *args, **kwargs))

    return dataclasses.replace(ports, payments=Payments(), tickets=Tickets())


class Gate:
    """A task of the machine held before it runs (``reached``) until the test opens it, having changed the
    world meanwhile: what happens between the user's confirmation and the machine's checks."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.opened = threading.Event()

    def hold(self, step: Callable[..., Any]) -> Callable[..., Any]:
        def held(*args: Any, **kwargs: Any) -> Any:
            self.reached.set()
            assert self.opened.wait(30), "the test never opened the gate"
            return step(*args, **kwargs)

        return held

    def open(self) -> None:
        self.opened.set()


@dataclass
class Machine:
    """The desk on moto with the inactivation state machine created from the template."""

    api: Api
    sfn: Any
    arn: str
    router: workflows.LambdaRouter
    waits: Waits
    monkeypatch: pytest.MonkeyPatch
    faults: Faults = field(default_factory=Faults)
    registry: LocalRegistry = field(default_factory=LocalRegistry)
    tickets: list[int] = field(default_factory=list)

    @property
    def ports(self) -> Ports:
        return self.api.ports

    def start(self, user: str = "claire", siret: str = SAINT_LEGER, takeover: str | None = ATELIERS) -> str:
        body: dict[str, Any] = {"confirm": True, **({"takeover_siret": takeover} if takeover else {})}
        reply = self.api.call("inactivate_structure", user, siret=siret, body=body)
        assert reply.status == 202, reply.body
        return str(reply.body["id"])

    def start_unchecked(self, user: str, siret: str = SAINT_LEGER, takeover: str | None = ATELIERS) -> str:
        """An execution started without the API's checks (the operation, its lock and the execution, as the
        API makes them once its checks passed): what the machine refuses on its own."""
        requester = fixtures.user(self.ports, user)
        return structures.begin_inactivation(self.ports, self.api.workflow, requester, siret, takeover).id

    def pause(self, task: str) -> Gate:
        """The machine's ``task`` (``check_requester``, ``check_takeover``) waits at a gate until the test opens it."""
        gate = Gate()
        self.monkeypatch.setattr(structures, task, gate.hold(getattr(structures, task)))
        return gate

    def execution(self, operation_id: str) -> str:
        return f"{self.arn.replace(':stateMachine:', ':execution:')}:{operation_id}"

    def finish(self, operation_id: str, user: str = "claire") -> tuple[dict[str, Any], dict[str, Any]]:
        """The execution once it ended (describe_execution), and the operation as its requester sees it."""
        described = workflows.wait_for(self.sfn, self.execution(operation_id), timeout=60)
        assert described["status"] != "RUNNING", "the execution did not end"
        reply = self.api.call("get_operation", user, operation_id=operation_id)
        assert reply.status == 200, reply.body
        return described, reply.body

    def run(self, user: str = "claire", siret: str = SAINT_LEGER, takeover: str | None = ATELIERS) -> Any:
        return self.finish(self.start(user, siret, takeover), user)

    def history(self, operation_id: str) -> list[dict[str, Any]]:
        return list(workflows.history(self.sfn, self.execution(operation_id)))

    def task_errors(self, operation_id: str) -> list[str]:
        return [e["taskFailedEventDetails"]["error"] for e in self.history(operation_id) if e["type"] == "TaskFailed"]

    def tasks(self, name: str) -> list[Any]:
        """The events the router handed the tasks function for one task, in order."""
        return [i for i in self.router.invocations if isinstance(i.event, dict) and i.event.get("task") == name]


@pytest.fixture
def build(template: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Machine]]:
    """``build(batch_size=2)``: a fresh moto account with the table, the tests' world, the takeover structure,
    and the state machine of template.yaml with ``MoveBatchSize`` substituted; the tasks' real handler
    routed in-process. Fails the test if anything used a Scan."""
    serialize_dynamodb_writes()  # the tasks and the test's calls meet in moto, from two threads
    with mock_aws(config=workflows.MOTO_CONFIG):
        client = boto3.client("dynamodb")
        client.create_table(**table_definition(template, "DeskTable", os.environ["TABLE_NAME"]))
        log = CallLog(client=client)
        client.meta.events.register("before-call.dynamodb.*", log.record)
        ports = dynamodb_ports(os.environ["TABLE_NAME"], client)
        fixtures.seed(ports)
        seed_takeover(ports)
        waits = Waits()
        stops: list[Callable[[], None]] = []

        def make(batch_size: int = 2) -> Machine:
            resolver = Resolver(
                template,
                parameters={"Stage": "test", "CompanyRegistry": "LOCAL", "MoveBatchSize": str(batch_size)},
                names={"DeskTable": os.environ["TABLE_NAME"]},
            )
            functions = workflows.create_functions(template, resolver, boto3.client)
            assert list(functions) == [TASKS]
            machines = workflows.create_state_machines(template, resolver, boto3.client)

            def environment(variables: Mapping[str, str]) -> None:  # the function's, until the test ends
                for name, value in variables.items():
                    monkeypatch.setenv(name, value)

            router = workflows.LambdaRouter(template, resolver, apply_environment=environment)
            router.route(*functions)
            stops.append(workflows.route_invocations(router))
            sfn = boto3.client("stepfunctions")
            api = Api(template, ports)
            api.workflow = StepFunctionsWorkflow(machines[MACHINE], sfn)
            machine = Machine(api, sfn, machines[MACHINE], router, waits, monkeypatch)
            api.registry = machine.registry
            # The tasks' handler builds its ports and registry through bootstrap: these ones.
            monkeypatch.setattr(bootstrap, "ports", lambda: faulty(ports, machine.faults))
            monkeypatch.setattr(bootstrap, "registry", lambda: machine.registry)
            stops.append(api.close)
            return machine

        with mock.patch.object(retrier_decl, "time", waits):
            yield make
        for stop in stops:
            stop()
    assert "Scan" not in log.operations, "a step of the inactivation used a DynamoDB Scan"


def assert_untouched(machine: Machine, active: bool = True) -> None:
    """Nothing moved, the commune still active (unless the test made it inactive itself)."""
    assert set(payments_of(machine.ports).values()) == {SAINT_LEGER}
    for number in machine.tickets:
        assert (recipient_of(machine.ports, number), reroutes(machine.ports, number)) == (SAINT_LEGER, [])
    structure = machine.ports.directory.load_structure(SAINT_LEGER)
    assert structure is not None
    assert structure.active is active
    assert machine.faults.moved == Counter()
    assert_dashboards_match_a_recount(machine.api, machine.tickets)


def assert_lock_released(machine: Machine, siret: str = SAINT_LEGER) -> None:
    """The structure's lock was released: another operation may begin (recorded, not run)."""
    requester = fixtures.user(machine.ports, "claire")
    try:
        structures.begin_inactivation(machine.ports, RecordedStarts(), requester, siret, None)
    except OperationRunning as held:  # pragma: no cover - the failure this checks
        raise AssertionError(f"the lock of {siret} is still held") from held


def assert_moved_once(machine: Machine, tickets: dict[str, int]) -> None:
    """Everything the commune received is the Ateliers' now, each item written once; closed tickets stay."""
    assert set(payments_of(machine.ports).values()) == {ATELIERS}
    for status, number in tickets.items():
        expected = (SAINT_LEGER, 0) if status == "CLOSED" else (ATELIERS, 1)
        assert (recipient_of(machine.ports, number), len(reroutes(machine.ports, number))) == expected, status
    expected_keys = {f"payment {p.number}" for p in RECEIVED_PAYMENTS} | {f"ticket {tickets[s]}" for s in MOVED}
    assert machine.faults.moved == Counter(dict.fromkeys(expected_keys, 1))
    assert_dashboards_match_a_recount(machine.api, list(tickets.values()))


# --------------------------------------------------------------------------------------- the two cases
def test_case_1_closed_in_sirene_the_structure_is_inactivated_and_nothing_moves(build: Callable[..., Machine]) -> None:
    machine = build()
    machine.tickets = [received_ticket(machine.api, status) for status in ("IN_PROGRESS", "CLOSED")]
    machine.registry.put(
        Establishment(SAINT_LEGER, "COMMUNE DE SAINT LEGER", False, date(2026, 6, 30), "1 PLACE DE LA MAIRIE")
    )

    described, operation = machine.run(takeover=None)

    assert described["status"] == "SUCCEEDED"
    assert operation["state"] == {"code": "SUCCEEDED", "label": "Terminée"}
    assert operation["message"] == messages.INACTIVATION_DONE.format(siret=SAINT_LEGER, payments=0, tickets=0)
    assert (operation["moved_payments"], operation["moved_tickets"], operation["error"]) == (0, 0, None)
    assert operation["finished_at"] is not None
    structure = machine.ports.directory.load_structure(SAINT_LEGER)
    assert structure is not None
    assert not structure.active
    assert set(payments_of(machine.ports).values()) == {SAINT_LEGER}
    assert all(reroutes(machine.ports, n) == [] for n in machine.tickets)
    assert machine.tasks("check_takeover") == machine.tasks("move_batch") == []  # the closed branch
    assert machine.api.call("show_structure", "claire", siret=SAINT_LEGER).body["state"] == "Inactive"
    again = machine.api.call("inactivate_structure", "claire", siret=SAINT_LEGER, body={"confirm": True})
    assert (again.status, again.body["code"]) == (409, "STRUCTURE_DEJA_INACTIVE")  # refused before any lock
    assert len(machine.sfn.list_executions(stateMachineArn=machine.arn)["executions"]) == 1
    assert_lock_released(machine)


def test_case_2_open_in_sirene_what_it_received_moves_to_the_takeover_then_it_is_inactivated(
    build: Callable[..., Machine],
) -> None:
    machine = build(batch_size=2)
    tickets = received_tickets(machine.api)
    before = received_counts(machine.api, "claire", SAINT_LEGER)[0]
    assert before == dict.fromkeys(("OPEN", "IN_PROGRESS", "AWAITING_INFO", "RESOLVED", "CLOSED"), 1)
    hugo_before = machine.api.call("get_dashboard", "hugo").body["organisations"][0]["assigned_to_me"]
    assert {c["status"]["code"]: c["count"] for c in hugo_before}["IN_PROGRESS"] == 1

    described, operation = machine.run(takeover=ATELIERS)

    assert described["status"] == "SUCCEEDED", described
    assert operation["state"]["code"] == "SUCCEEDED"
    assert operation["message"] == messages.INACTIVATION_DONE.format(siret=SAINT_LEGER, payments=3, tickets=4)
    assert (operation["moved_payments"], operation["moved_tickets"]) == (3, 4)
    assert_moved_once(machine, tickets)
    # Payment requests: addressed to the takeover, without the commune's services.
    for p in RECEIVED_PAYMENTS:
        stored = machine.ports.payments.load_payment_request(p.emitter_siret, p.object_type, p.number)
        assert stored is not None
        assert (stored.recipient_siret, stored.recipient_service) == (ATELIERS, None)
    # Tickets: a REROUTE entry by the system caller, status kept, the old structure's agent unassigned.
    for status in MOVED:
        ticket = machine.ports.tickets.load_ticket(tickets[status])
        assert ticket is not None
        (entry,) = reroutes(machine.ports, ticket.number)
        assert entry == ticket.history[-1]
        assert (entry.actor.id, entry.actor.name) == ("system:structures", messages.SYSTEM_ACTOR_NAMES["structures"])
        assert (entry.side.value, entry.from_status, entry.to_status) == ("RECIPIENT", ticket.status, ticket.status)
        assert entry.comment == messages.REROUTED_COMMENT.format(
            old="Commune de Saint-Léger", new="Ateliers municipaux de Saint-Léger"
        )
        assert ticket.status.value == status
        assert ticket.assignee is None
        assert ticket.recipient is not None
        assert (ticket.recipient.name, ticket.recipient.service) == ("Ateliers municipaux de Saint-Léger", None)
        seen = machine.api.call("get_ticket", "claire", ticket.number).body
        assert seen["recipient"]["id"] == ATELIERS
        assert seen["history"][-1]["action"]["code"] == "REROUTE"
    closed = machine.ports.tickets.load_ticket(tickets["CLOSED"])
    assert closed is not None
    assert closed.recipient is not None
    assert closed.recipient.service is not None  # left exactly as it was
    # The counts moved with the tickets.
    assert received_counts(machine.api, "claire", SAINT_LEGER)[0] == {"CLOSED": 1}
    assert received_counts(machine.api, "claire", ATELIERS)[0] == dict.fromkeys(MOVED, 1)
    hugo_after = machine.api.call("get_dashboard", "hugo").body["organisations"][0]["assigned_to_me"]
    assert all(c["count"] == 0 for c in hugo_after)
    structure = machine.ports.directory.load_structure(SAINT_LEGER)
    assert structure is not None
    assert not structure.active
    # Batches of two: payments first, then tickets; the last batch found less than it asked for.
    moves = [json.loads(e["taskSucceededEventDetails"]["output"])["Payload"] for e in _task_outputs(machine)]
    assert [(m["payments"], m["tickets"], m["done"]) for m in moves] == [
        (2, 0, False),
        (1, 1, False),
        (0, 2, False),
        (0, 1, True),
    ]


def _task_outputs(machine: Machine) -> list[dict[str, Any]]:
    (operation,) = {str(i.event["operation_id"]) for i in machine.tasks("move_batch")}
    events = machine.history(operation)
    scheduled = {e["id"] for e in events if e["type"] == "TaskScheduled" and '"task": "move_batch"' in str(e)}
    return [e for e in events if e["type"] == "TaskSucceeded" and e["previousEventId"] - 1 in scheduled]


# ------------------------------------------------------------------------------------------- refusals
def _membership(siret: str, role: Role) -> list[tuple[str, Membership]]:
    org = OrgRef(kind=OrgKind.STRUCTURE, id=siret)
    return [(fixtures.USER_IDS["claire"], Membership(org=org, org_name=siret, role=role))]


CLOSED = Establishment(SAINT_LEGER, "COMMUNE DE SAINT LEGER", False, date(2026, 6, 30), "1 PLACE DE LA MAIRIE")
OPEN = Establishment(SAINT_LEGER, "COMMUNE DE SAINT LEGER", True, None, "1 PLACE DE LA MAIRIE")
COMMUNE = fixtures.STRUCTURES[SAINT_LEGER]

# What changes between the confirmation (the API's checks passed: 202) and the machine's checks; the named
# error and French cause the machine then refuses with. ``closed``: Sirene said closed at the confirmation.
CHANGES: dict[str, tuple[Callable[[Machine], object], bool, str, str]] = {
    "requester-demoted": (
        lambda m: m.ports.reference.put_reference_data(memberships=_membership(SAINT_LEGER, Role.USER)),
        False,
        "RequesterNotManager",
        messages.NOT_A_MANAGER.format(name=COMMUNE.designation),
    ),
    "structure-inactivated-meanwhile": (
        lambda m: m.ports.reference.set_structure_active(SAINT_LEGER, False),
        False,
        "StructureAlreadyInactive",
        messages.STRUCTURE_ALREADY_INACTIVE.format(name=COMMUNE.designation),
    ),
    "structure-made-private": (
        lambda m: m.ports.reference.put_reference_data(structures=[COMMUNE.model_copy(update={"public": False})]),
        False,
        "StructureNotPublic",
        messages.STRUCTURE_NOT_PUBLIC.format(name=COMMUNE.designation),
    ),
    "sirene-says-open-again-and-no-takeover": (
        lambda m: m.registry.put(OPEN),
        True,
        "TakeoverRequired",
        messages.TAKEOVER_REQUIRED,
    ),
    "takeover-inactivated": (
        lambda m: m.ports.reference.set_structure_active(ATELIERS, False),
        False,
        "TakeoverInactive",
        messages.TAKEOVER_INACTIVE.format(name=ATELIERS_STRUCTURE.designation),
    ),
    "takeover-made-private": (
        lambda m: m.ports.reference.put_reference_data(
            structures=[ATELIERS_STRUCTURE.model_copy(update={"public": False})]
        ),
        False,
        "TakeoverPrivate",
        messages.TAKEOVER_PRIVATE.format(name=ATELIERS_STRUCTURE.designation),
    ),
    "takeover-manager-demoted": (
        lambda m: m.ports.reference.put_reference_data(memberships=_membership(ATELIERS, Role.USER)),
        False,
        "TakeoverNotManaged",
        messages.TAKEOVER_NOT_MANAGED.format(name=ATELIERS_STRUCTURE.designation),
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_what_changed_after_the_confirmation_is_refused_by_the_machine_and_nothing_changes(
    build: Callable[..., Machine], change: str
) -> None:
    """The API checked everything and answered 202; the machine's first step is held while the world changes;
    then the machine's own checks refuse, by name, with the French cause, and nothing moves."""
    apply, closed, error, message = CHANGES[change]
    machine = build()
    machine.tickets = [received_ticket(machine.api, status) for status in ("OPEN", "IN_PROGRESS")]
    if closed:
        machine.registry.put(CLOSED)
    gate = machine.pause("check_requester")

    operation_id = machine.start(takeover=None if closed else ATELIERS)  # 202: every check passed
    assert gate.reached.wait(30)
    apply(machine)
    gate.open()
    described, operation = machine.finish(operation_id)

    assert (described["status"], described["error"], described["cause"]) == ("FAILED", error, message)
    assert (operation["state"]["code"], operation["state"]["label"]) == ("REFUSED", "Refusée")
    assert (operation["error"], operation["message"]) == (error, message)
    assert (operation["moved_payments"], operation["moved_tickets"]) == (0, 0)
    assert machine.tasks("move_batch") == machine.tasks("inactivate") == []
    assert_untouched(machine, active=change != "structure-inactivated-meanwhile")
    assert_lock_released(machine)


@pytest.mark.parametrize(
    ("user", "takeover", "error", "message"),
    [
        ("victor", ATELIERS, "StructureUnknown", messages.STRUCTURE_NOT_YOURS),  # not his: named nowhere
        ("claire", NOT_IN_CHORUS, "TakeoverUnknown", messages.TAKEOVER_NOT_YOURS),
        ("claire", CH_VIENNE, "TakeoverUnknown", messages.TAKEOVER_NOT_YOURS),  # not hers: as if unknown
        ("claire", SAINT_LEGER, "TakeoverSameStructure", messages.TAKEOVER_SAME),
        ("claire", None, "TakeoverRequired", messages.TAKEOVER_REQUIRED),
    ],
)
def test_the_machine_refuses_on_its_own_what_the_api_would_have_refused(
    build: Callable[..., Machine], user: str, takeover: str | None, error: str, message: str
) -> None:
    """Started without the API's checks: the machine is a guard of its own, whatever starts it."""
    machine = build()
    machine.tickets = [received_ticket(machine.api, status) for status in ("OPEN", "IN_PROGRESS")]

    described, operation = machine.finish(machine.start_unchecked(user, SAINT_LEGER, takeover), user)

    assert (described["status"], described["error"], described["cause"]) == ("FAILED", error, message)
    assert (operation["state"]["code"], operation["error"], operation["message"]) == ("REFUSED", error, message)
    assert machine.tasks("move_batch") == machine.tasks("inactivate") == []
    assert_untouched(machine)
    assert_lock_released(machine)


def test_a_structure_sirene_does_not_know_is_refused_by_name(build: Callable[..., Machine]) -> None:
    """Sirene knew it at the confirmation (the API's registry), no longer when the machine asks."""
    machine = build()
    machine.registry = LocalRegistry([e for e in DEMO_ESTABLISHMENTS if e.siret != SAINT_LEGER])

    described, operation = machine.run()

    assert (described["status"], described["error"]) == ("FAILED", "UnknownEstablishment")
    assert operation["state"]["code"] == "REFUSED"
    assert operation["message"] == messages.ESTABLISHMENT_UNKNOWN.format(siret=SAINT_LEGER)
    assert_untouched(machine)


# ------------------------------------------------------------------------------------------- failures
def test_sirene_down_is_retried_by_the_machine_then_fails_cleanly_with_nothing_moved(
    build: Callable[..., Machine],
) -> None:
    machine = build()
    machine.tickets = [received_ticket(machine.api, status) for status in ("IN_PROGRESS", "CLOSED")]
    machine.api.registry = LocalRegistry()  # Sirene answered the API's check, then went down for the machine
    machine.registry.available = False

    operation_id = machine.start()
    described, operation = machine.finish(operation_id)

    retry = _retrier(machine, "LookUpSirene", "RegistryUnavailable")
    assert machine.registry.lookups == [SAINT_LEGER] * (1 + retry["MaxAttempts"])  # retried by the machine
    assert machine.task_errors(operation_id) == ["RegistryUnavailable"] * (1 + retry["MaxAttempts"])
    assert len(machine.waits.asked) == retry["MaxAttempts"]
    assert (described["status"], described["error"], described["cause"]) == (
        "FAILED",
        "RegistryUnavailable",
        messages.REGISTRY_UNAVAILABLE,
    )
    assert (operation["state"]["code"], operation["state"]["label"], operation["message"]) == (
        "FAILED",
        "Échouée",
        messages.REGISTRY_UNAVAILABLE,
    )
    assert_untouched(machine)
    machine.registry.available = True
    assert machine.run()[0]["status"] == "SUCCEEDED"  # the lock was released: a new start goes through


def _retrier(machine: Machine, state: str, error: str) -> dict[str, Any]:
    definition = json.loads(machine.sfn.describe_state_machine(stateMachineArn=machine.arn)["definition"])
    (retrier,) = [r for r in definition["States"][state]["Retry"] if error in r["ErrorEquals"]]
    return dict(retrier)


@pytest.mark.parametrize("written", [False, True], ids=["before-the-write", "after-the-write"])
def test_a_fault_between_two_batches_is_retried_and_the_move_resumes_each_item_moved_once(
    build: Callable[..., Machine], written: bool
) -> None:
    """After the first batch and one item of the second, one move fails (before its write, or after it as a
    Lambda that timed out once its write was done): the task is retried and the move goes on."""
    machine = build(batch_size=2)
    tickets = received_tickets(machine.api)
    machine.faults = Faults(after=3, times=1, written=written)

    operation_id = machine.start()
    described, operation = machine.finish(operation_id)

    assert described["status"] == "SUCCEEDED", described
    assert machine.task_errors(operation_id) == ["StorageUnavailable"]
    assert machine.faults.failures == 1
    assert_moved_once(machine, tickets)
    # The totals count what each batch saw moved: exact, except an item whose write succeeded when its task
    # failed (its batch never learnt it moved, and the retried batch does not meet it again).
    lost = 1 if written else 0
    assert (operation["moved_payments"], operation["moved_tickets"]) == (3, 4 - lost)
    assert operation["message"] == messages.INACTIVATION_DONE.format(siret=SAINT_LEGER, payments=3, tickets=4 - lost)


def test_a_fault_past_the_retries_fails_with_nothing_half_done_and_a_second_start_finishes(
    build: Callable[..., Machine],
) -> None:
    machine = build(batch_size=2)
    tickets = received_tickets(machine.api)
    retry = _retrier(machine, "MoveBatch", "StorageUnavailable")
    machine.faults = Faults(after=3, times=1 + retry["MaxAttempts"])

    first = machine.start()
    described, operation = machine.finish(first)

    assert machine.task_errors(first) == ["StorageUnavailable"] * (1 + retry["MaxAttempts"])
    assert (described["status"], described["error"], described["cause"]) == (
        "FAILED",
        "StorageUnavailable",
        messages.OPERATION_FAILED,
    )
    assert (operation["state"]["code"], operation["message"]) == ("FAILED", messages.OPERATION_FAILED)
    # Nothing half-done: each item is wholly the commune's or wholly the Ateliers' (moved once, with its entry).
    payments = payments_of(machine.ports)
    moved_payments = [n for n, to in payments.items() if to == ATELIERS]
    assert set(payments.values()) <= {SAINT_LEGER, ATELIERS}
    moved_tickets = []
    for status, number in tickets.items():
        state = (recipient_of(machine.ports, number), len(reroutes(machine.ports, number)))
        assert state in {(SAINT_LEGER, 0), (ATELIERS, 1)}, (status, state)
        if state[0] == ATELIERS:
            moved_tickets.append(number)
    assert len(moved_payments) + len(moved_tickets) == 3
    assert set(machine.faults.moved.values()) == {1}
    assert (operation["moved_payments"], operation["moved_tickets"]) == (len(moved_payments), len(moved_tickets))
    assert_dashboards_match_a_recount(machine.api, list(tickets.values()))
    structure = machine.ports.directory.load_structure(SAINT_LEGER)
    assert structure is not None
    assert structure.active

    machine.faults.off()  # INSEE and DynamoDB are back: the requester starts again
    described, operation = machine.run()

    assert described["status"] == "SUCCEEDED", described
    assert (operation["moved_payments"], operation["moved_tickets"]) == (
        3 - len(moved_payments),
        4 - len(moved_tickets),
    )
    assert_moved_once(machine, tickets)
    structure = machine.ports.directory.load_structure(SAINT_LEGER)
    assert structure is not None
    assert not structure.active


# ------------------------------------------------------------------------------------------- concurrency
class GatedRegistry(LocalRegistry):
    """Sirene answers once ``gate`` is set: the execution waits in LookUpSirene meanwhile."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.asked = threading.Event()

    def lookup(self, siret: str) -> Establishment:
        self.asked.set()
        assert self.gate.wait(30), "the test never opened the gate"
        return super().lookup(siret)


def test_a_second_start_while_the_first_runs_is_refused_with_409(build: Callable[..., Machine]) -> None:
    machine = build()
    registry = GatedRegistry()
    machine.registry = registry  # the machine's Sirene (the API's answers at once)

    first = machine.start()
    assert registry.asked.wait(30)
    body = {"confirm": True, "takeover_siret": ATELIERS}
    second = machine.api.call("inactivate_structure", "claire", siret=SAINT_LEGER, body=body)
    running = machine.api.call("get_operation", "claire", operation_id=first)
    registry.gate.set()
    described, _ = machine.finish(first)

    assert (second.status, second.body["code"]) == (409, "OPERATION_EN_COURS")
    assert running.body["state"]["code"] == "RUNNING"
    assert described["status"] == "SUCCEEDED"
    assert machine.api.call("get_operation", "hugo", operation_id=first).status == 404
    executions = machine.sfn.list_executions(stateMachineArn=machine.arn)["executions"]
    assert [e["name"] for e in executions] == [first]


# ------------------------------------------------------------------------------------------- big ones
def test_the_machines_state_stays_small_however_many_items_move(build: Callable[..., Machine]) -> None:
    """200 more payment requests and two tickets, in batches of 40: every event of the history (the state
    between steps, each task's input and output) stays under 2 KB, the same in the last batch as in the
    first, and each invocation moves at most a batch. So 10,000 requests take 100 invocations of the default
    batch (100), each well within the function's timeout, far from the 256 KB state and the 25,000 events
    of a Standard execution's history."""
    machine = build(batch_size=40)
    tickets = {status: received_ticket(machine.api, status) for status in ("OPEN", "CLOSED")}
    many = [
        PaymentRequest(
            object_type=ObjectType.INVOICE,
            number=f"FAC-2026-{i:04d}",
            state=PaymentState.SENT,
            emitter_siret=DUPONT,
            recipient_siret=SAINT_LEGER,
            recipient_service="FINANCES",
        )
        for i in range(1000, 1200)
    ]
    machine.ports.reference.put_reference_data(payment_requests=many)  # after the tickets: moto copies the
    # whole table in every transaction

    operation_id = machine.start()
    described, operation = machine.finish(operation_id)

    assert described["status"] == "SUCCEEDED", described
    assert (operation["moved_payments"], operation["moved_tickets"]) == (203, 1)
    events = machine.history(operation_id)
    sizes = [len(json.dumps(e, default=str)) for e in events]
    assert max(sizes) < 2_000, max(sizes)
    assert len(described.get("output") or "") < 1_000
    entered = [
        len(e["stateEnteredEventDetails"]["input"])
        for e in events
        if e["type"] == "TaskStateEntered" and e["stateEnteredEventDetails"]["name"] == "MoveBatch"
    ]
    assert len(entered) == 6  # 204 items, 40 a batch: the sixth finds 4 and ends the loop
    assert max(entered[1:]) - min(entered[1:]) < 16  # the state does not grow with the items moved
    moved = [json.loads(e["taskSucceededEventDetails"]["output"])["Payload"] for e in _task_outputs(machine)]
    assert [m["payments"] + m["tickets"] for m in moved] == [40, 40, 40, 40, 40, 4]
    # History events per batch, and what 10,000 requests at the default batch size would need.
    starts = [i for i, e in enumerate(events) if e["type"] == "TaskStateEntered" and "MoveBatch" in str(e)]
    per_batch = starts[2] - starts[1]
    assert len(events) + per_batch * (10_000 // 100 - len(starts)) < 25_000
    assert len(machine.faults.moved) == 204
    assert machine.faults.moved.most_common(1)[0][1] == 1
    assert (recipient_of(machine.ports, tickets["OPEN"]), recipient_of(machine.ports, tickets["CLOSED"])) == (
        ATELIERS,
        SAINT_LEGER,
    )
    assert_dashboards_match_a_recount(machine.api, list(tickets.values()))
