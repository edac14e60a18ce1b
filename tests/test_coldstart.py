"""What a function loads at cold start with production's settings, and what SnapStart's priming hook builds.

Each check of what is loaded runs in a fresh interpreter with exactly the environment Lambda gives the function
(``bench.coldstart.lambda_environment``: template.yaml's variables, so tracing as production deploys it)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import types
from collections.abc import Callable
from typing import Any

import pytest

from bench.coldstart import BASELINE, FLOOR, cold_import, lambda_environment
from chorus_desk import bootstrap
from local_stack.template import ROOT, load_template, resources_of_type, use_layers

TEMPLATE = load_template()
FUNCTIONS = sorted(resources_of_type(TEMPLATE, "AWS::Serverless::Function"))
API_FUNCTIONS = sorted(
    f
    for f, spec in resources_of_type(TEMPLATE, "AWS::Serverless::Function").items()
    if any(e.get("Type") == "Api" for e in spec["Properties"].get("Events", {}).values())
)

CHILD = """
import json, sys
from local_stack.template import load_handler_module, load_template, use_layers
template = load_template()
use_layers(template)
handler = load_handler_module(template, sys.argv[1])
from chorus_desk import bootstrap
app = getattr(handler, "app", None)
routes = (app._static_routes + app._dynamic_routes) if app is not None else []
from pydantic import BaseModel
def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)
built = sorted({c.__name__ for c in subclasses(BaseModel) if c.__dict__.get("__pydantic_complete__")
                and c.__module__.startswith("chorus_desk.models")})
unbuilt = sum(route._dependant is None for route in routes)  # Powertools builds a route's models on first call
bootstrap.prime_as_registered()
names = ("asyncio", "aws_xray_sdk.core", "aws_lambda_powertools.event_handler.appsync")
loaded = {name: name in sys.modules for name in names}
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, AppSyncResolver
from aws_lambda_powertools.event_handler.api_gateway import APIGatewayRestResolver as Defined
left = sum(r._dependant is None for r in routes)
print(json.dumps({"built": built, "routes": len(routes), "unbuilt": unbuilt, "left": left,
                  "loaded": loaded, "same": APIGatewayRestResolver is Defined, "appsync": AppSyncResolver.__name__}))
"""


def started(function: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, function],
        cwd=ROOT,
        env=lambda_environment(TEMPLATE, function),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


@pytest.mark.parametrize("function", ["TicketsFunction", "CatalogueFunction", "ChatApiFunction"])
def test_a_function_starts_and_primes_without_asyncio_nor_the_xray_sdk(function: str) -> None:
    result = started(function)
    assert result["loaded"] == {
        "asyncio": False,
        "aws_xray_sdk.core": False,
        "aws_lambda_powertools.event_handler.appsync": False,
    }
    # The event_handler package is still whole for whoever asks it a name: its own __init__ then runs.
    assert result["same"] is True
    assert result["appsync"] == "AppSyncResolver"
    # its routes' models were not built by the import, and are by the priming (what SnapStart snapshots)
    assert result["routes"] > 0
    assert result["unbuilt"] == result["routes"]
    assert result["left"] == 0
    # the domain's models are built by the first request that uses them, not by the import: only a constant's
    # organisation reference (usecases.account's SUPPORT) is built as the modules load
    assert set(result["built"]) <= {"OrgRef"}


def test_production_traces_with_lambda_alone_unless_the_subsegments_are_asked_for() -> None:
    globals_ = TEMPLATE["Globals"]["Function"]
    assert globals_["Tracing"] == "Active"
    assert globals_["Environment"]["Variables"]["POWERTOOLS_TRACE_DISABLED"] == {
        "Fn::If": ["XRaySubsegmentsEnabled", "false", "true"]
    }
    assert TEMPLATE["Parameters"]["XRaySubsegments"]["Default"] == "Disabled"


def fresh_handler(function: str) -> types.ModuleType:
    """The function's handler module executed anew (``load_handler_module`` keeps the first one it loaded)."""
    use_layers(TEMPLATE)
    props = TEMPLATE["Resources"][function]["Properties"]
    source = ROOT / props["CodeUri"] / f"{props['Handler'].rpartition('.')[0].replace('.', '/')}.py"
    spec = importlib.util.spec_from_file_location(f"_coldstart_test_{function}", source)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def snapshot_runtime(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Callable[..., Any], tuple[Any, ...]]]:
    """Lambda's ``snapshot_restore_python`` module, recording the hooks registered before the snapshot."""
    registered: list[tuple[Callable[..., Any], tuple[Any, ...]]] = []
    module = types.ModuleType("snapshot_restore_python")
    module.register_before_snapshot = lambda func, *args: registered.append((func, args))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snapshot_restore_python", module)
    return registered


def test_without_lambdas_runtime_no_hook_is_registered_and_nothing_fails() -> None:
    assert "snapshot_restore_python" not in sys.modules
    bootstrap.on_snapshot(None)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_the_snapshot_hook_of_every_function_builds_its_clients_and_route_models(
    function: str, snapshot_runtime: list[tuple[Callable[..., Any], tuple[Any, ...]]]
) -> None:
    handler = fresh_handler(function)  # its last line registers the hook with (the stand-in of) Lambda's runtime
    app = getattr(handler, "app", None)
    assert (app is not None) == (function in API_FUNCTIONS)  # every function behind the REST API has a resolver
    assert len(snapshot_runtime) == 1
    hook, args = snapshot_runtime[0]
    assert hook is bootstrap.prime
    assert args[0] is app
    builders = args[1:]
    bootstrap.clear()
    hook(*args)  # what Lambda runs before taking the snapshot
    # the tests' environment gives every function TABLE_NAME: its table's ports are built
    assert bootstrap.ports.cache_info().currsize == 1
    for build in builders:  # each client named by the handler is built (a provider cached once per environment)
        assert build.cache_info().currsize == 1
    bootstrap.clear()


def test_the_floor_loads_what_the_baseline_does_plus_pydantic_and_powertools_logger_and_nothing_of_the_project() -> (
    None
):
    env = lambda_environment(TEMPLATE, "TicketsFunction")

    def loaded(target: str) -> set[str]:
        files = [str(f) for f in cold_import(target, env)["files"] if f]
        return {
            name
            for name in ("botocore", "pydantic_core", "aws_lambda_powertools", "chorus_desk")
            if any(f"/{name}/" in f for f in files)
        }

    assert loaded(BASELINE) == {"botocore"}
    assert loaded(FLOOR) == {"botocore", "pydantic_core", "aws_lambda_powertools"}
