"""The state machines of template.yaml as written: every ``${...}`` of a definition has its
``DefinitionSubstitutions`` value and every substitution is used; every Task retries named errors, catches,
and has a timeout within its function's; every error the machine names is an exception of ``errors.py`` (or
one of Step Functions' / Lambda's own); every refusal a step raises is caught by name and ends in a Fail
state with an error and a cause; every task the machine asks for is one the tasks function knows. Whether
it runs: tests/test_inactivation_machine.py."""

from __future__ import annotations

import ast
import inspect
import json
from typing import Any

import pytest

from chorus_desk import errors
from chorus_desk.usecases import structures
from local_stack import workflows
from local_stack.template import ROOT, Resolver, function_limits, load_handler_module, load_template

TEMPLATE = load_template()
MACHINES = sorted(workflows.state_machines(TEMPLATE))
INACTIVATION = "InactivationStateMachine"
# Errors Step Functions and Lambda name themselves (the States.* family, the Lambda service's exceptions).
AWS_ERRORS = ("States.", "Lambda.")


def definition(machine: str) -> dict[str, Any]:
    """The definition as deployed: substitutions resolved with the template's defaults."""
    rendered: dict[str, Any] = json.loads(workflows.render_definition(TEMPLATE, machine, Resolver(TEMPLATE)))
    return rendered


def states(machine: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = definition(machine)["States"]
    return found


def tasks(machine: str) -> dict[str, dict[str, Any]]:
    return {name: state for name, state in states(machine).items() if state["Type"] == "Task"}


def desk_error(name: str) -> type[errors.DeskError] | None:
    found = getattr(errors, name, None)
    return found if isinstance(found, type) and issubclass(found, errors.DeskError) else None


def test_there_is_the_inactivation_machine_and_it_is_standard() -> None:
    assert INACTIVATION in MACHINES
    props = TEMPLATE["Resources"][INACTIVATION]["Properties"]
    assert props["Type"] == "STANDARD"  # a year of history, beyond 5 minutes, exactly-once steps (decisions.md)
    assert props["DefinitionUri"] == "statemachines/inactivate_structure.asl.json"


@pytest.mark.parametrize("machine", MACHINES)
def test_every_placeholder_is_substituted_and_every_substitution_used(machine: str) -> None:
    written = workflows.definition_source(TEMPLATE, machine)
    given = set(TEMPLATE["Resources"][machine]["Properties"].get("DefinitionSubstitutions", {}))

    assert workflows.placeholders(written) == given
    rendered = workflows.render_definition(TEMPLATE, machine, Resolver(TEMPLATE))
    assert "${" not in rendered
    json.loads(rendered)


def test_a_dangling_placeholder_is_refused_before_anything_is_created(monkeypatch: pytest.MonkeyPatch) -> None:
    text = workflows.definition_source(TEMPLATE, INACTIVATION).replace("${MoveBatchSize}", "${BatchSize}")
    monkeypatch.setattr(workflows, "definition_source", lambda _template, _machine: text)

    with pytest.raises(workflows.DefinitionError, match="BatchSize"):
        workflows.render_definition(TEMPLATE, INACTIVATION, Resolver(TEMPLATE))


@pytest.mark.parametrize("machine", MACHINES)
def test_every_next_names_a_state_and_every_state_is_reachable(machine: str) -> None:
    found = states(machine)
    targets = {definition(machine)["StartAt"]}
    for state in found.values():
        targets.update(t for t in [state.get("Next"), state.get("Default")] if t)
        targets.update(c["Next"] for c in state.get("Choices", []))
        targets.update(c["Next"] for c in state.get("Catch", []))
    assert targets == set(found)


@pytest.mark.parametrize("machine", MACHINES)
def test_every_task_retries_named_errors_catches_and_has_a_timeout_within_its_functions(machine: str) -> None:
    for name, task in tasks(machine).items():
        retried = [e for r in task.get("Retry", []) for e in r["ErrorEquals"]]
        assert retried, name
        assert "States.ALL" not in retried, name  # named errors only: a refusal is never retried
        for retrier in task["Retry"]:
            assert retrier["MaxAttempts"] >= 1 and retrier["IntervalSeconds"] >= 1, (name, retrier)
        caught = [e for c in task.get("Catch", []) for e in c["ErrorEquals"]]
        assert caught, name
        assert task["Catch"][-1]["ErrorEquals"] == ["States.ALL"], name  # nothing escapes uncaught
        timeout = task.get("TimeoutSeconds")
        assert isinstance(timeout, int) and timeout > 0, name
        assert task["Resource"] == "arn:aws:states:::lambda:invoke", name
        function = _function_of(machine, name)
        assert timeout <= function_limits(TEMPLATE, function)[1], (name, function)


def _function_of(machine: str, state: str) -> str:
    """The function a task invokes: the one its FunctionName's substitution names (``!GetAtt F.Arn``)."""
    written = json.loads(workflows.definition_source(TEMPLATE, machine))
    (key,) = workflows.placeholders(written["States"][state]["Parameters"]["FunctionName"])
    value = TEMPLATE["Resources"][machine]["Properties"]["DefinitionSubstitutions"][key]
    return str(value["Fn::GetAtt"][0])


@pytest.mark.parametrize("machine", MACHINES)
def test_the_machine_may_invoke_the_functions_its_tasks_invoke(machine: str) -> None:
    policies = TEMPLATE["Resources"][machine]["Properties"]["Policies"]
    allowed = {p["LambdaInvokePolicy"]["FunctionName"]["Ref"] for p in policies if "LambdaInvokePolicy" in p}
    assert {_function_of(machine, name) for name in tasks(machine)} <= allowed


@pytest.mark.parametrize("machine", MACHINES)
def test_every_error_the_machine_names_is_aws_or_an_exception_of_errors_py(machine: str) -> None:
    for name, state in states(machine).items():
        for handler in [*state.get("Retry", []), *state.get("Catch", [])]:
            for error in handler["ErrorEquals"]:
                assert error.startswith(AWS_ERRORS) or desk_error(error) is not None, (name, error)


@pytest.mark.parametrize("machine", MACHINES)
def test_fail_states_carry_an_error_and_a_cause(machine: str) -> None:
    fails = {name: s for name, s in states(machine).items() if s["Type"] == "Fail"}
    assert fails
    for name, state in fails.items():
        assert {"Error", "ErrorPath"} & set(state), name
        assert {"Cause", "CausePath"} & set(state), name


def test_the_fail_states_paths_read_what_the_recording_step_returns() -> None:
    """Refused and Failed take their error and cause from the outcome the recording task returned."""
    found = states(INACTIVATION)
    for fail in ("Refused", "Failed"):
        assert (found[fail]["ErrorPath"], found[fail]["CausePath"]) == ("$.record.value.error", "$.record.value.cause")
    recorders = {
        n: s for n, s in found.items() if s.get("Parameters", {}).get("Payload", {}).get("task") == "record_outcome"
    }
    assert {s["Next"] for s in recorders.values()} == {"Inactivated", "Refused", "Failed"}
    assert all(
        s["ResultPath"] == "$.record" and s["ResultSelector"] == {"value.$": "$.Payload"} for s in recorders.values()
    )
    returned = inspect.getsource(structures.record_outcome)
    assert 'return {"error": error or "", "cause": message}' in returned


def _raised_by(function: Any) -> set[str]:
    """The exception classes a function raises by name (``raise Name(...)``)."""
    tree = ast.parse(inspect.getsource(function))
    return {
        node.exc.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and isinstance(node.exc.func, ast.Name)
    }


STEPS = {
    "check_requester": (structures.check_requester, structures._managed),
    "look_up_sirene": (structures.look_up_registry,),
    "check_takeover": (structures.check_takeover, structures._takeover),
    "move_batch": (structures.move_batch, structures._reroute, structures._structure),
    "inactivate": (structures.inactivate, structures._structure),
}
REGISTRY_ERRORS = {"look_up_sirene": {"UnknownEstablishment", "RegistryUnavailable"}}  # the adapters' (ports.py)


@pytest.mark.parametrize("task", sorted(STEPS))
def test_every_error_a_step_raises_is_caught_by_name_or_retried(task: str) -> None:
    """A refusal a step raises is in its state's named Catch (→ RecordRefusal → Refused); a transient one is
    in its Retry; each is an exception of errors.py."""
    raised = set().union(*(_raised_by(f) for f in STEPS[task])) | REGISTRY_ERRORS.get(task, set())
    (state,) = [s for s in tasks(INACTIVATION).values() if s["Parameters"]["Payload"]["task"] == task]
    refusals = {e for c in state["Catch"] if c["Next"] == "RecordRefusal" for e in c["ErrorEquals"]}
    retried = {e for r in state["Retry"] for e in r["ErrorEquals"]}
    for error in raised:
        assert desk_error(error) is not None, error
        assert error in refusals | retried, (task, error)


def test_every_task_the_machine_asks_for_is_one_the_tasks_function_runs() -> None:
    asked = {s["Parameters"]["Payload"]["task"] for s in tasks(INACTIVATION).values()}
    known = set(load_handler_module(TEMPLATE, "StructureTasksFunction").TASKS)
    assert asked == known
    assert {e for e in asked if e != "record_outcome"} == set(STEPS)


def test_every_task_has_a_sample_event_for_sam_local_invoke_shaped_as_the_machine_sends_it() -> None:
    """events/structure_tasks/*.json: `sam local invoke StructureTasksFunction -e …`, one per task, with the
    keys the machine's Payload gives that task (the values: the demo structures of docs/walkthrough.md)."""
    folder = ROOT / "events" / "structure_tasks"
    samples = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.json")}
    payloads = [s["Parameters"]["Payload"] for s in tasks(INACTIVATION).values()]
    for name, event in samples.items():
        shapes = [p for p in payloads if p["task"] == event["task"]]
        assert shapes, name
        keys = {k.removesuffix(".$") for k in shapes[0]}
        assert set(event) == keys | ({"failure"} if "failure" in event else set()), name
        structures.Step.of(event)
    assert {e["task"] for e in samples.values()} == {p["task"] for p in payloads}
