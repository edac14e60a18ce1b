"""The local stack's Step Functions: every state machine of template.yaml created in moto from its
``DefinitionUri`` file with its ``DefinitionSubstitutions`` resolved, executed by moto's interpreter, and its
Lambda tasks running the project's real handlers in-process.

moto runs an execution only when its Step Functions are told to (``MOTO_CONFIG``: ``execute_state_machine``),
and answers a Lambda invocation without running any code when it has no Docker (``use_docker: False``: its
"simple" backend echoes the payload). ``route_invocations`` replaces that backend's ``invoke``: an invocation
of a function a ``LambdaRouter`` knows runs the function's handler, loaded from the template as the gateway
loads the API's, with the function's environment; a raised exception becomes the function error the Lambda
runtime reports (``x-amz-function-error: Unhandled``, a body ``{"errorType": <the exception's class name>,
"errorMessage": <its message>, ...}``), which the state machine's ``Retry`` and ``Catch`` match by name as on
AWS. The same driver serves the local stack (moto server, ``make dev``) and the tests (``mock_aws``).

What is kept of AWS: the definition as deployed (substitutions resolved, a dangling ``${...}`` refused at
start), the state machine's name and type, the execution's history as moto's interpreter records it, Lambda's
synchronous invocation and its error shape, one invocation at a time per function (the gateway's lock, when
given), the function's timeout in its context. Not reproduced: the function's own timeout killing it (the
task's ``TimeoutSeconds`` is moto's to enforce), Lambda's service errors and throttling, the 256 KB state
limit (the tests measure the state instead), execution history retention, IAM (the roles exist, nothing checks
them), logging and tracing configurations.
"""

from __future__ import annotations

import io
import json
import os
import re
import threading
import time
import traceback
import uuid
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from local_stack.template import (
    ROOT,
    STATE_MACHINE_TYPES,
    Resolver,
    function_environment,
    function_limits,
    handler_of,
    resources_of_type,
)

if TYPE_CHECKING:
    from moto.core.config import DefaultConfig

Log = Callable[[str], None]
Handler = Callable[[dict[str, Any], Any], Any]

FUNCTION_TYPE = "AWS::Serverless::Function"
# What moto must be told for executions to run and for Lambda to answer without Docker (POST /moto-api/config
# on a server, ``mock_aws(config=...)`` in-process).
MOTO_CONFIG: DefaultConfig = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")
LOCAL_PREFIX = "chorus-desk-local"
_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": ["lambda.amazonaws.com", "states.amazonaws.com"]},
            "Action": "sts:AssumeRole",
        }
    ],
}


class DefinitionError(ValueError):
    """A state machine's definition cannot be built as CloudFormation would (a placeholder without a value)."""


# ------------------------------------------------------------------------------------ the definitions
def state_machines(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The template's state machines (SAM's and plain CloudFormation's), by logical id."""
    return {
        name: spec
        for kind in STATE_MACHINE_TYPES
        for name, spec in resources_of_type(template, kind).items()
        if "DefinitionUri" in spec.get("Properties", {}) or "Definition" in spec.get("Properties", {})
    }


def definition_source(template: dict[str, Any], logical_id: str) -> str:
    """The definition as written: the ``DefinitionUri`` file (a local path), or the inline ``Definition``."""
    props = template["Resources"][logical_id]["Properties"]
    if "DefinitionUri" in props:
        uri = props["DefinitionUri"]
        if not isinstance(uri, str):
            raise DefinitionError(f"{logical_id}: DefinitionUri must be a local file here, not {uri!r}")
        return (ROOT / uri).read_text(encoding="utf-8")
    return json.dumps(props["Definition"])


def placeholders(text: str) -> set[str]:
    """The ``${name}`` placeholders of a definition."""
    return set(PLACEHOLDER.findall(text))


def render_definition(template: dict[str, Any], logical_id: str, resolver: Resolver) -> str:
    """The definition CloudFormation hands Step Functions: every ``${name}`` replaced with its resolved
    ``DefinitionSubstitutions`` value; a placeholder without one is a ``DefinitionError``."""
    text = definition_source(template, logical_id)
    given = template["Resources"][logical_id]["Properties"].get("DefinitionSubstitutions", {})
    values = {name: str(resolver.resolve(value)) for name, value in given.items()}
    dangling = sorted(placeholders(text) - set(values))
    if dangling:
        raise DefinitionError(f"{logical_id}: no DefinitionSubstitutions for {', '.join(dangling)}")
    rendered = PLACEHOLDER.sub(lambda m: values[m.group(1)], text)
    json.loads(rendered)  # a substitution must leave valid JSON
    return rendered


def referenced_functions(template: dict[str, Any]) -> list[str]:
    """The functions the state machines' substitutions name (``!GetAtt F.Arn``, ``!Ref F``, ``${F.Arn}``)."""
    functions = set(resources_of_type(template, FUNCTION_TYPE))
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if "Fn::GetAtt" in value:
                target = value["Fn::GetAtt"]
                found.add(str(target[0] if isinstance(target, list) else str(target).split(".", 1)[0]))
            if "Ref" in value:
                found.add(str(value["Ref"]))
            if "Fn::Sub" in value:
                text = value["Fn::Sub"][0] if isinstance(value["Fn::Sub"], list) else value["Fn::Sub"]
                found.update(name.split(".", 1)[0] for name in PLACEHOLDER.findall(str(text)))
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    for spec in state_machines(template).values():
        walk(spec["Properties"].get("DefinitionSubstitutions", {}))
    return sorted(found & functions)


# ---------------------------------------------------------------------------------- creating them
def _dummy_zip() -> bytes:
    """The code moto keeps for a function: never run (the router runs the real handler)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def lambda_handler(event, context):\n    return event\n")
    return buffer.getvalue()


def _role(iam: Any, name: str) -> str:
    try:
        return str(iam.get_role(RoleName=name)["Role"]["Arn"])
    except iam.exceptions.NoSuchEntityException:
        return str(iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(_TRUST))["Role"]["Arn"])


def create_functions(
    template: dict[str, Any], resolver: Resolver, client: Callable[[str], Any], functions: list[str] | None = None
) -> dict[str, str]:
    """A moto Lambda function (dummy code) for each function a state machine invokes (or ``functions``), so
    that ``!GetAtt F.Arn`` and ``!Ref F`` resolve to a function moto knows. Returns their ARNs by logical id."""
    lambda_client, iam = client("lambda"), client("iam")
    role = _role(iam, f"{LOCAL_PREFIX}-functions")
    globals_ = template.get("Globals", {}).get("Function", {})
    arns = {}
    for logical_id in referenced_functions(template) if functions is None else functions:
        props = template["Resources"][logical_id]["Properties"]
        memory, timeout = function_limits(template, logical_id)
        name = resolver.names.get(logical_id) or f"{LOCAL_PREFIX}-{logical_id}"
        created = lambda_client.create_function(
            FunctionName=name,
            Runtime=str(props.get("Runtime", globals_.get("Runtime", "python3.13"))),
            Role=role,
            Handler=str(props["Handler"]),
            Code={"ZipFile": _dummy_zip()},
            Timeout=timeout,
            MemorySize=memory,
        )
        resolver.names[logical_id] = name
        resolver.attributes[f"{logical_id}.Arn"] = arns[logical_id] = str(created["FunctionArn"])
    return arns


def create_state_machines(template: dict[str, Any], resolver: Resolver, client: Callable[[str], Any]) -> dict[str, str]:
    """Every state machine of the template in moto, named and typed as declared, its definition rendered
    (``render_definition``); ``!Ref`` of one gives its ARN from then on. Returns the ARNs by logical id."""
    sfn = client("stepfunctions")
    role = _role(client("iam"), f"{LOCAL_PREFIX}-state-machines")
    arns = {}
    for logical_id, spec in state_machines(template).items():
        props = spec["Properties"]
        name = str(resolver.resolve(props.get("Name") or f"{LOCAL_PREFIX}-{logical_id}"))
        created = sfn.create_state_machine(
            name=name,
            definition=render_definition(template, logical_id, resolver),
            roleArn=role,
            type=str(props.get("Type", "STANDARD")),
        )
        resolver.names[logical_id] = arns[logical_id] = str(created["stateMachineArn"])
        resolver.attributes[f"{logical_id}.Name"] = name
    return arns


# --------------------------------------------------------------------------- routing the invocations
@dataclass
class Invocation:
    """One invocation the router ran: for the console, and for the tests to look at."""

    function: str
    event: Any
    error: str | None  # the function error's type, None if the handler returned
    milliseconds: float


@dataclass
class LambdaRouter:
    """Runs the real handler of the template's functions it routes, as the Lambda runtime would.

    ``handler_of`` loads a function's handler (default: from its CodeUri, as the gateway does), once its
    environment from the template (resolved with ``resolver``) went through ``apply_environment`` (default:
    this process's ``os.environ``); ``lock_of`` gives the lock that keeps one invocation of a function at a
    time (the local stack's gateway's), ``context_of`` its Lambda context."""

    template: dict[str, Any]
    resolver: Resolver
    handler_of: Callable[[str], Handler] | None = None
    lock_of: Callable[[str], threading.Lock] | None = None
    context_of: Callable[[str], Any] | None = None
    apply_environment: Callable[[Mapping[str, str]], None] = os.environ.update
    log: Log | None = None
    invocations: list[Invocation] = field(default_factory=list)
    _names: dict[str, str] = field(default_factory=dict)  # function name in moto → logical id
    _handlers: dict[str, Handler] = field(default_factory=dict)
    _locks: dict[str, threading.Lock] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)

    def route(self, *logical_ids: str) -> None:
        """Route the invocations of these functions (their moto names are ``resolver.names``)."""
        for logical_id in logical_ids:
            self._names[self.resolver.names.get(logical_id, logical_id)] = logical_id

    def routes(self, function_name: str) -> str | None:
        """The logical id behind a function's name in moto, None if this router does not run it."""
        return self._names.get(function_name)

    def handler(self, logical_id: str) -> Handler:
        with self._guard:
            if logical_id not in self._handlers:
                self.apply_environment(function_environment(self.template, logical_id, self.resolver))
                load = self.handler_of or (lambda function: handler_of(self.template, function))
                self._handlers[logical_id] = load(logical_id)
                self._locks.setdefault(logical_id, threading.Lock())
            return self._handlers[logical_id]

    def invoke(self, logical_id: str, body: bytes | str | None) -> tuple[bytes, str | None]:
        """Run the handler with the payload; returns the response payload and the function error (None, or
        ``Unhandled`` with the runtime's error document as payload)."""
        handler = self.handler(logical_id)
        event = json.loads(body or "{}")
        context = self._context(logical_id)
        lock = self.lock_of(logical_id) if self.lock_of is not None else self._locks[logical_id]
        started = time.perf_counter()
        error: BaseException | None = None
        try:
            with lock:
                result = handler(event, context)
        except Exception as raised:  # what the runtime reports as the function's error
            error = raised
        elapsed = (time.perf_counter() - started) * 1000
        self.invocations.append(Invocation(logical_id, event, type(error).__name__ if error else None, elapsed))
        if self.log is not None:
            outcome = f"error ({type(error).__name__}: {error})" if error else "ok"
            self.log(f"{'LAMBDA':<6} {f'{logical_id} ({_summary(event)})':<40} {outcome} {elapsed:6.1f} ms")
        if error is None:
            return json.dumps(result).encode("utf-8"), None
        document = {
            "errorMessage": str(error),
            "errorType": type(error).__name__,
            "requestId": getattr(context, "aws_request_id", ""),
            "stackTrace": traceback.format_list(traceback.extract_tb(error.__traceback__)),
        }
        return json.dumps(document).encode("utf-8"), "Unhandled"

    def _context(self, logical_id: str) -> Any:
        if self.context_of is not None:
            return self.context_of(logical_id)
        from local_stack.gateway import LambdaContext

        return LambdaContext.of(self.template, logical_id, str(uuid.uuid4()))


def _summary(event: Any) -> str:
    """What an invocation is about, for the console: the task a state machine asks for, if it names one."""
    if isinstance(event, dict) and isinstance(event.get("task"), str):
        return str(event["task"])
    return "invoke"


_routers: list[LambdaRouter] = []
_routers_lock = threading.Lock()


def route_invocations(router: LambdaRouter) -> Callable[[], None]:
    """Have moto's Lambda (the simple backend: ``use_docker`` off) run ``router``'s handlers for the functions
    it routes; other functions keep moto's answer. Returns what stops it."""
    from moto.awslambda_simple.models import LambdaSimpleBackend

    with _routers_lock:
        if not getattr(LambdaSimpleBackend.invoke, "_local_stack", False):
            original = LambdaSimpleBackend.invoke

            def invoke(
                self: Any, function_name: str, qualifier: str | None, body: Any, headers: Any, response_headers: Any
            ) -> Any:
                name = self.get_function(function_name, qualifier).function_name  # unknown: moto's 404
                router = next((r for r in list(_routers) if r.routes(name)), None)
                if router is None:
                    return original(self, function_name, qualifier, body, headers, response_headers)
                logical_id = str(router.routes(name))
                kind = (headers or {}).get("X-Amz-Invocation-Type", "RequestResponse")
                if kind == "DryRun":
                    return b""
                if kind == "Event":  # asynchronous: accepted at once, run in the background
                    threading.Thread(target=router.invoke, args=(logical_id, body), daemon=True).start()
                    return b""
                payload, function_error = router.invoke(logical_id, body)
                if function_error is not None:
                    response_headers["x-amz-function-error"] = function_error
                return payload

            invoke._local_stack = True  # type: ignore[attr-defined]
            invoke._original = original  # type: ignore[attr-defined]
            LambdaSimpleBackend.invoke = invoke  # type: ignore[method-assign]
        _routers.append(router)

    def stop() -> None:
        with _routers_lock:
            if router in _routers:
                _routers.remove(router)

    return stop


# --------------------------------------------------------------------------------------- all together
@dataclass
class Workflows:
    """The state machines created in moto, the functions their tasks invoke, and the router running them."""

    state_machines: dict[str, str]  # logical id → ARN
    functions: dict[str, str]  # logical id → ARN
    router: LambdaRouter
    stop: Callable[[], None]


def start_workflows(
    template: dict[str, Any],
    resolver: Resolver,
    client: Callable[[str], Any],
    router: LambdaRouter | None = None,
) -> Workflows:
    """Create the functions the state machines invoke and the state machines (moto must already run with
    ``MOTO_CONFIG``), and route those functions' invocations to their real handlers."""
    functions = create_functions(template, resolver, client)
    machines = create_state_machines(template, resolver, client)
    router = router or LambdaRouter(template, resolver)
    router.route(*functions)
    return Workflows(machines, functions, router, route_invocations(router))


def wait_for(client: Any, execution_arn: str, timeout: float = 60, interval: float = 0.05) -> dict[str, Any]:
    """``describe_execution`` once the execution is no longer RUNNING (moto runs it in a thread)."""
    deadline = time.monotonic() + timeout
    while True:
        described: dict[str, Any] = client.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING" or time.monotonic() > deadline:
            return described
        time.sleep(interval)


def history(client: Any, execution_arn: str) -> Iterator[dict[str, Any]]:
    """Every event of an execution's history, oldest first."""
    pages = client.get_paginator("get_execution_history").paginate(executionArn=execution_arn)
    for page in pages:
        yield from page["events"]


def definition_path(template: dict[str, Any], logical_id: str) -> Path:
    return ROOT / str(template["Resources"][logical_id]["Properties"]["DefinitionUri"])
