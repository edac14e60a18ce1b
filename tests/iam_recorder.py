"""Records every AWS call a function's handler makes, for the IAM check (tests/test_iam.py, docs/decisions.md
« IAM proved against the code »).

Installed as a pytest plugin (tests/conftest.py) and active only when ``IAM_CALLS_DIR`` names a folder: it
wraps ``BaseClient._make_api_call`` and botocore's presigners (a presigned URL or POST form is a call the
browser makes later with the role's credentials). A call belongs to the function whose handler module
(``_desk_function_<LogicalId>``, as ``local_stack.template.load_handler_module`` names it) is the nearest on
the calling stack; a call made by moto itself on the way (its Step Functions interpreter invoking a Lambda),
by a test or by a fixture belongs to no function and is not recorded.

Each process appends to its own ``calls-<pid>.jsonl``: each distinct call once (what IAM evaluates: the
operation, the resources and the keys or prefixes its conditions read, and the outcome), with the first test
that made it, and a line with the names the functions were given (the environment variables the template
sets with a ``Ref``), so the check resolves the roles with the names the calls used. The local stack the
end-to-end tests start records too: ``python -m tests.iam_recorder local_stack serve ...`` installs the
recorder, then runs the module.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import runpy
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from types import FrameType
from typing import Any

ENVIRONMENT_VARIABLE = "IAM_CALLS_DIR"
HANDLER_MODULE = "_desk_function_"
_EQUALITY = re.compile(r"(#?[A-Za-z0-9_]+)\s*=\s*(:[A-Za-z0-9_]+)")
_MISSING = {"NoSuchKey", "404", "NotFound"}


def name_references(template: dict[str, Any]) -> dict[str, str]:
    """Environment variable → what the template gives it with a plain ``Ref`` (a resource or a parameter): the
    names of the resources the functions' calls use."""
    found = {}
    functions = [s for s in template["Resources"].values() if s["Type"] == "AWS::Serverless::Function"]
    for variables in [
        template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {}),
        *(f["Properties"].get("Environment", {}).get("Variables", {}) for f in functions),
    ]:
        for variable, value in variables.items():
            if isinstance(value, dict) and set(value) == {"Ref"}:
                found[variable] = value["Ref"]
    return found


@lru_cache(maxsize=1)
def name_variables() -> tuple[str, ...]:
    from local_stack.template import load_template

    return tuple(sorted(name_references(load_template())))


def calling_function(frame: FrameType | None) -> str | None:
    """The logical id of the function whose handler made the call, or None (moto's own calls, a test's)."""
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.startswith(HANDLER_MODULE):
            return str(module[len(HANDLER_MODULE) :])
        if module == "moto" or module.startswith("moto."):
            return None
        frame = frame.f_back
    return None


# ------------------------------------------------------------------------------------ what IAM reads of a call
def _value(attribute: Any) -> str:
    """A DynamoDB key attribute's value as text (``{"S": "TICKET#1"}`` → ``TICKET#1``)."""
    if isinstance(attribute, dict) and len(attribute) == 1:
        return str(next(iter(attribute.values())))
    return str(attribute)


def _item_keys(item: Any) -> dict[str, str]:
    """The key-looking attributes of an item or key (the check knows which one is the partition key)."""
    if not isinstance(item, dict):
        return {}
    return {name: _value(value) for name, value in item.items() if name.endswith(("PK", "SK"))}


def _key_condition(params: dict[str, Any]) -> dict[str, str]:
    """The equalities of a Query's key condition, attribute names resolved: the partition key is one of them."""
    names = params.get("ExpressionAttributeNames") or {}
    values = params.get("ExpressionAttributeValues") or {}
    found = {}
    for name, placeholder in _EQUALITY.findall(params.get("KeyConditionExpression") or ""):
        if placeholder in values:
            found[names.get(name, name)] = _value(values[placeholder])
    return found


def _dynamodb(operation: str, params: dict[str, Any]) -> dict[str, Any]:
    if operation in {"GetItem", "DeleteItem", "UpdateItem"}:
        return {"table": params.get("TableName"), "keys": [_item_keys(params.get("Key"))]}
    if operation == "PutItem":
        return {"table": params.get("TableName"), "keys": [_item_keys(params.get("Item"))]}
    if operation in {"Query", "Scan"}:
        found = {"table": params.get("TableName"), "keys": [_key_condition(params)] if operation == "Query" else []}
        if params.get("IndexName"):
            found["index"] = params["IndexName"]
        return found
    if operation in {"TransactWriteItems", "TransactGetItems"}:
        items = []
        for entry in params.get("TransactItems", []):
            ((kind, request),) = entry.items()
            items.append(
                {
                    "kind": kind,
                    "table": request.get("TableName"),
                    "keys": [_item_keys(request.get("Key") or request.get("Item"))],
                }
            )
        return {"items": items}
    if operation == "BatchWriteItem":
        return {
            "tables": {
                table: [
                    _item_keys((r.get("PutRequest") or {}).get("Item") or (r.get("DeleteRequest") or {}).get("Key"))
                    for r in requests
                ]
                for table, requests in (params.get("RequestItems") or {}).items()
            }
        }
    if operation == "BatchGetItem":
        return {
            "tables": {
                table: [_item_keys(k) for k in request.get("Keys", [])]
                for table, request in (params.get("RequestItems") or {}).items()
            }
        }
    return {"table": params.get("TableName")}


def _s3(operation: str, params: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {"bucket": params.get("Bucket")}
    if "Key" in params:
        found["key"] = params["Key"]
    if "Prefix" in params:
        found["prefix"] = params["Prefix"]
    source = params.get("CopySource")
    if isinstance(source, dict):
        found["source"] = f"{source.get('Bucket')}/{source.get('Key')}"
    elif isinstance(source, str):
        found["source"] = source.lstrip("/")
    if operation == "DeleteObjects":
        found["keys"] = [o.get("Key") for o in (params.get("Delete") or {}).get("Objects", [])]
    return found


# The parameters IAM evaluates for the other services the functions call (their resources, their conditions).
_PARAMETERS = {
    "sesv2": ("FromEmailAddress", "ConfigurationSetName"),
    "ses": ("Source", "ConfigurationSetName"),
    "secretsmanager": ("SecretId",),
    "ssm": ("Name",),
    "stepfunctions": ("stateMachineArn", "name"),
    "cognito-idp": ("UserPoolId",),
    "sqs": ("QueueUrl",),
    "apigatewaymanagementapi": ("ConnectionId",),
}


def described(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """What the check needs of one call: the service's resources and condition values (nothing else: no item
    body, no mail, no secret ever reaches the record)."""
    if service == "dynamodb":
        return _dynamodb(operation, params)
    if service == "s3":
        return _s3(operation, params)
    if service == "events" and operation == "PutEvents":  # each entry names its bus (none: the default bus)
        return {"buses": sorted({str(e.get("EventBusName") or "default") for e in params.get("Entries") or []})}
    return {name: params[name] for name in _PARAMETERS.get(service, ()) if name in params}


# ------------------------------------------------------------------------------------------------ the record
class Recorder:
    """Distinct calls, each written once: to ``sink`` (a JSONL file) and kept in ``calls`` (tests in process)."""

    def __init__(self, sink: Path | None = None) -> None:
        self.sink = sink
        self.calls: list[dict[str, Any]] = []
        self._seen: set[str] = set()
        self._names_seen: set[str] = set()
        self._lock = threading.Lock()

    def names(self) -> tuple[str, dict[str, str]]:
        values = {v: os.environ[v] for v in name_variables() if v in os.environ}
        text = json.dumps(values, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12], values

    def add(
        self, function: str, service: str, operation: str, region: str | None, call: dict[str, Any], outcome: str
    ) -> None:
        names_id, names = self.names()
        record = {
            "function": function,
            "service": service,
            "operation": operation,
            "region": region,
            "call": call,
            "outcome": outcome,
            "names": names_id,
        }
        signature = json.dumps(record, sort_keys=True, default=str)
        with self._lock:
            if signature in self._seen:
                return
            self._seen.add(signature)
            lines = []
            if names_id not in self._names_seen:
                self._names_seen.add(names_id)
                lines.append({"names": names_id, "values": names})
            record["test"] = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]
            self.calls.append(record)
            if self.sink is not None:
                with self.sink.open("a", encoding="utf-8") as out:
                    for line in [*lines, record]:
                        out.write(json.dumps(line, default=str) + "\n")


_active: list[Recorder] = []


def _outcome(error: BaseException | None) -> str:
    if error is None:
        return "ok"
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code") or type(error).__name__)
    return type(error).__name__


def _record(client: Any, operation: str, params: dict[str, Any], outcome: str, frame: FrameType | None) -> None:
    if not _active:
        return
    function = calling_function(frame)
    if function is None:
        return
    service = client.meta.service_model.service_name
    call = described(service, operation, params)
    if service == "apigatewaymanagementapi":  # the API and stage are the client's endpoint, not a parameter
        call["endpoint"] = client.meta.endpoint_url
    for recorder in _active:
        recorder.add(function, service, operation, client.meta.region_name, call, outcome)


_installed: list[Callable[[], None]] = []


def install() -> None:
    """Wrap botocore's API call and presigners (once per process)."""
    if _installed:
        return
    from botocore import client as botocore_client
    from botocore import signers

    original_call = botocore_client.BaseClient._make_api_call

    def _make_api_call(self: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
        if not _active:
            return original_call(self, operation_name, api_params)
        frame = sys._getframe(1)
        try:
            result = original_call(self, operation_name, api_params)
        except Exception as error:
            _record(self, operation_name, api_params, _outcome(error), frame)
            raise
        _record(self, operation_name, api_params, "ok", frame)
        return result

    original_url = signers.generate_presigned_url
    original_post = signers.generate_presigned_post

    def generate_presigned_url(self: Any, ClientMethod: str, Params: Any = None, *args: Any, **kwargs: Any) -> Any:
        url = original_url(self, ClientMethod, Params, *args, **kwargs)
        operation = self._PY_TO_OP_NAME.get(ClientMethod, ClientMethod)
        _record(self, operation, dict(Params or {}), "presigned", sys._getframe(1))
        return url

    def generate_presigned_post(self: Any, Bucket: str, Key: str, *args: Any, **kwargs: Any) -> Any:
        post = original_post(self, Bucket, Key, *args, **kwargs)
        _record(self, "PutObject", {"Bucket": Bucket, "Key": Key}, "presigned", sys._getframe(1))
        return post

    botocore_client.BaseClient._make_api_call = _make_api_call
    signers.generate_presigned_url = generate_presigned_url
    signers.generate_presigned_post = generate_presigned_post

    def uninstall() -> None:
        botocore_client.BaseClient._make_api_call = original_call
        signers.generate_presigned_url = original_url
        signers.generate_presigned_post = original_post

    _installed.append(uninstall)


@contextmanager
def recording() -> Iterator[Recorder]:
    """Record the calls made meanwhile in this process (kept in memory: ``recorder.calls``)."""
    install()
    recorder = Recorder()
    _active.append(recorder)
    try:
        yield recorder
    finally:
        _active.remove(recorder)


def start_from_environment() -> Recorder | None:
    """Record to ``$IAM_CALLS_DIR/calls-<pid>.jsonl`` if the variable is set."""
    folder = os.environ.get(ENVIRONMENT_VARIABLE)
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    install()
    recorder = Recorder(path / f"calls-{os.getpid()}.jsonl")
    _active.append(recorder)
    return recorder


def pytest_configure(config: Any) -> None:
    """Wrap botocore before any client exists (a client's presigners are fixed when it is made); record to
    ``$IAM_CALLS_DIR`` if set. Not recording costs one function call per AWS call."""
    install()
    start_from_environment()


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """The IAM check (marker ``iam``) reads what a whole run recorded: it runs only when asked for by name
    (``pytest -m iam``, the Makefile's second step), never inside the run that records."""
    if "iam" in (config.getoption("markexpr") or ""):
        return
    dropped = [item for item in items if item.get_closest_marker("iam")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not item.get_closest_marker("iam")]


def stack_command(*arguments: str) -> list[str]:
    """The command that runs ``python -m <arguments>``, recording its calls when ``IAM_CALLS_DIR`` is set."""
    if os.environ.get(ENVIRONMENT_VARIABLE):
        return [sys.executable, "-m", "tests.iam_recorder", *arguments]
    return [sys.executable, "-m", *arguments]


if __name__ == "__main__":  # python -m tests.iam_recorder <module> <arguments...>
    start_from_environment()
    module, *rest = sys.argv[1:]
    sys.argv = [module, *rest]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
