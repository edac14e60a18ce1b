"""The local stack's Step Functions driver (local_stack/workflows.py) on its own: moto's Lambda invoke answered
by a routed handler as the Lambda runtime would (payload, function error, asynchronous and dry-run
invocations), the functions it does not route left to moto, and the resources' names and ARNs as the template
resolver gives them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chorus_desk import messages
from chorus_desk.errors import TakeoverRequired
from local_stack import workflows
from local_stack.template import Resolver, function_environment

TASKS = "StructureTasksFunction"


class Recorder:
    def __init__(self) -> None:
        self.events: list[Any] = []

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        self.events.append(event)
        if event.get("task") == "refuse":
            raise TakeoverRequired(messages.TAKEOVER_REQUIRED)
        return {"seen": event, "function": context.function_name}


@pytest.fixture
def routed(template: dict[str, Any]) -> Iterator[tuple[Any, Recorder, Resolver]]:
    with mock_aws(config=workflows.MOTO_CONFIG):
        resolver = Resolver(template, parameters={"Stage": "test"})
        workflows.create_functions(template, resolver, boto3.client)
        recorder = Recorder()
        environments: list[dict[str, str]] = []
        router = workflows.LambdaRouter(
            template,
            resolver,
            handler_of=lambda _function: recorder,
            apply_environment=lambda variables: environments.append(dict(variables)),
        )
        router.route(TASKS)
        stop = workflows.route_invocations(router)
        try:
            yield boto3.client("lambda"), recorder, resolver
        finally:
            stop()
        if recorder.events:  # the handler was loaded with the function's own environment, from the template
            assert environments == [function_environment(template, TASKS, resolver)]
            assert (environments[0]["TABLE_NAME"], environments[0]["MOVE_BATCH_SIZE"]) == ("DeskTable", "100")


def test_a_routed_function_runs_its_handler_and_answers_its_result(routed: tuple[Any, Recorder, Resolver]) -> None:
    client, recorder, resolver = routed

    reply = client.invoke(FunctionName=resolver.attributes[f"{TASKS}.Arn"], Payload=json.dumps({"task": "x"}))

    assert "FunctionError" not in reply
    assert json.loads(reply["Payload"].read()) == {"seen": {"task": "x"}, "function": TASKS}
    assert recorder.events == [{"task": "x"}]


def test_a_raised_exception_is_the_runtimes_function_error(routed: tuple[Any, Recorder, Resolver]) -> None:
    client, _, resolver = routed

    reply = client.invoke(FunctionName=resolver.names[TASKS], Payload=json.dumps({"task": "refuse"}))

    assert reply["FunctionError"] == "Unhandled"
    error = json.loads(reply["Payload"].read())
    assert (error["errorType"], error["errorMessage"]) == ("TakeoverRequired", messages.TAKEOVER_REQUIRED)
    assert error["requestId"]
    assert any("Recorder.__call__" in line or "in __call__" in line for line in error["stackTrace"])


def test_event_and_dry_run_invocations_answer_at_once(routed: tuple[Any, Recorder, Resolver]) -> None:
    client, recorder, resolver = routed

    dry = client.invoke(FunctionName=resolver.names[TASKS], InvocationType="DryRun", Payload=b"{}")
    assert dry["StatusCode"] == 204
    assert recorder.events == []
    accepted = client.invoke(FunctionName=resolver.names[TASKS], InvocationType="Event", Payload=b'{"task": "a"}')
    assert accepted["StatusCode"] == 202


def test_a_function_nobody_routes_keeps_motos_answer(routed: tuple[Any, Recorder, Resolver]) -> None:
    client, recorder, _ = routed
    role = boto3.client("iam").get_role(RoleName="chorus-desk-local-functions")["Role"]["Arn"]
    client.create_function(
        FunctionName="other",
        Runtime="python3.13",
        Role=role,
        Handler="app.lambda_handler",
        Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},
    )

    reply = client.invoke(FunctionName="other", Payload=b'{"a": 1}')

    assert json.loads(reply["Payload"].read()) == {"a": 1}  # moto's simple backend echoes
    assert recorder.events == []


def test_the_resolver_gives_a_state_machines_arn_before_and_after_it_exists(template: dict[str, Any]) -> None:
    resolver = Resolver(template, parameters={"Stage": "test"})
    expected = "arn:aws:states:eu-west-3:123456789012:stateMachine:chorus-desk-test-inactivate-structure"
    assert resolver.ref("InactivationStateMachine") == expected
    with mock_aws(config=workflows.MOTO_CONFIG):
        workflows.create_functions(template, resolver, boto3.client)
        arns = workflows.create_state_machines(template, resolver, boto3.client)
        assert arns == {"InactivationStateMachine": expected}
        assert resolver.ref("InactivationStateMachine") == expected
        definition = boto3.client("stepfunctions").describe_state_machine(stateMachineArn=expected)["definition"]
        assert resolver.attributes[f"{TASKS}.Arn"] in definition
        assert '"batch_size": "100"' in definition
