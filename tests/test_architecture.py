"""The house rules, checked: only the adapters package touches AWS, the domain never imports the HTTP
layer, every French text comes from messages.py (the gateway's own answers included), CORS is declared
once, each function validates its own settings at cold start, and the ticket's field list is written once."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from chorus_desk import messages
from chorus_desk.api.http import CORS_HEADERS, CORS_MAX_AGE
from chorus_desk.api.schemas.tickets import FIELD_DOCS, CreateTicketRequest, UpdateDraftRequest
from chorus_desk.models import TicketContent
from local_stack.template import ROOT, Resolver, function_environment, resources_of_type

PACKAGE = ROOT / "layers" / "common" / "chorus_desk"
PRODUCT = [*PACKAGE.rglob("*.py"), *(ROOT / "functions").rglob("*.py")]
ADAPTERS = PACKAGE / "adapters"


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth (lazy imports inside functions included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_only_the_adapters_package_imports_boto3_or_botocore() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            m for m in imported_modules(path) if m.split(".")[0] in {"boto3", "botocore"}
        )
        for path in PRODUCT
        if ADAPTERS not in path.parents
    }
    assert {p: m for p, m in offenders.items() if m} == {}
    assert any("boto3" in imported_modules(p) for p in ADAPTERS.rglob("*.py")), "the rule must be checking something"


def test_boto3_and_botocore_are_imported_by_one_module_of_the_adapters() -> None:
    """The AWS clients, their configuration and their errors come from one place (adapters/boto.py); the adapters
    ask it, whatever their folder (the DynamoDB adapters' subpackage included)."""
    importing = sorted(
        str(path.relative_to(ADAPTERS))
        for path in PRODUCT
        if any(m.split(".")[0] in {"boto3", "botocore"} for m in imported_modules(path))
    )
    assert importing == ["boto.py"]


DYNAMODB = ADAPTERS / "dynamodb"
MEMORY = ADAPTERS / "memory"
MODULE_LINES = 400  # a module one reads whole: past that, a port's adapter is split or its helpers move out


def defined_classes(path: Path) -> set[str]:
    return {node.name for node in ast.parse(path.read_text(encoding="utf-8")).body if isinstance(node, ast.ClassDef)}


def imports_aws(path: Path) -> bool:
    """boto3 or botocore, directly or through the one module that imports them (adapters/boto.py)."""
    return any(
        m.split(".")[0] in {"boto3", "botocore"} or m.startswith("chorus_desk.adapters.boto")
        for m in imported_modules(path)
    )


def longer_than_a_read(package: Path) -> dict[str, int]:
    lengths = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in package.glob("*.py")}
    return {name: n for name, n in lengths.items() if n > MODULE_LINES}


def test_the_dynamodb_adapters_are_a_package_of_short_modules_with_the_keys_and_the_table_apart() -> None:
    modules = {p.name: p for p in DYNAMODB.glob("*.py")}
    assert not (ADAPTERS / "dynamodb.py").exists()
    assert {"__init__.py", "keys.py", "table.py"} < set(modules)
    assert longer_than_a_read(DYNAMODB) == {}
    assert defined_classes(modules["__init__.py"]) == set(), "the package only wires the ports"
    homes = {name for name, p in modules.items() if any(c.startswith("Dynamo") for c in defined_classes(p))}
    assert not homes & {"keys.py", "table.py"}
    assert len(homes) >= 8, homes  # tickets, lists, directory, payments, reference, operations, ...
    assert sorted(p.name for p in modules.values() if imports_aws(p)) == ["table.py"], "one module holds the client"


def test_the_in_memory_adapters_mirror_the_dynamodb_modules() -> None:
    """Each DynamoDB adapter ``Dynamo<X>`` of ``dynamodb/<m>.py`` has its twin ``Memory<X>`` in ``memory/<m>.py``."""
    twins = {
        (path.name, f"Memory{name.removeprefix('Dynamo')}")
        for path in DYNAMODB.glob("*.py")
        for name in defined_classes(path)
        if name.startswith("Dynamo")
    }
    assert len(twins) >= 12
    missing = [
        f"memory/{m}: {twin}"
        for m, twin in twins
        if not (MEMORY / m).exists() or twin not in defined_classes(MEMORY / m)
    ]
    assert missing == []
    assert not (ADAPTERS / "memory.py").exists()
    assert defined_classes(MEMORY / "__init__.py") == set()
    assert longer_than_a_read(MEMORY) == {}
    assert [p.name for p in MEMORY.glob("*.py") if imports_aws(p)] == []


def test_the_layer_build_ships_every_module_of_the_package_subpackages_included(tmp_path: Path) -> None:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    artifacts = tmp_path / "artifacts"
    (artifacts / "python").mkdir(parents=True)  # where pip would have put the wheels
    # PYTHON=true: the wheels are not fetched (unit tests run no pip); PY313 empty: no byte-code step.
    subprocess.run(
        [make, "-s", "build-CommonLayer", f"ARTIFACTS_DIR={artifacts}", "PYTHON=true", "PY313="],
        cwd=ROOT / "layers" / "common",
        check=True,
        capture_output=True,
    )
    shipped = {p.relative_to(artifacts / "python") for p in (artifacts / "python").rglob("*.py")}
    source = {p.relative_to(PACKAGE.parent) for p in PACKAGE.rglob("*.py")}
    assert Path("chorus_desk/adapters/dynamodb/tickets.py") in source
    assert shipped == source
    assert not list(artifacts.rglob("__pycache__"))


# Libraries heavy enough to slow every cold start: only the function that uses one lists and imports it.
HEAVY = {"fpdf", "xlsxwriter", "openpyxl", "captcha", "PIL", "jinja2", "reportlab"}


def test_heavy_libraries_stay_out_of_the_shared_layer() -> None:
    offenders = {
        str(p.relative_to(ROOT)): sorted(m for m in imported_modules(p) if m.split(".")[0] in HEAVY)
        for p in PACKAGE.rglob("*.py")
    }
    assert {p: m for p, m in offenders.items() if m} == {}
    shipped = (ROOT / "layers" / "common" / "requirements.txt").read_text(encoding="utf-8").lower()
    assert not [lib for lib in HEAVY if lib.lower() in shipped], "the layer is imported by every function"


def test_the_domain_and_the_use_cases_never_import_the_http_layer() -> None:
    inner = [p for p in PACKAGE.rglob("*.py") if not {"api", "adapters"} & {q.name for q in p.parents}]
    offenders = {
        str(p.relative_to(ROOT)): sorted(
            m for m in imported_modules(p) if m.startswith(("chorus_desk.api", "aws_lambda_powertools.event_handler"))
        )
        for p in inner
    }
    assert {p: m for p, m in offenders.items() if m} == {}


def french_literals(path: Path) -> list[str]:
    """String literals with a French accent or typographic quote, docstrings and comments aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and any(c in node.value for c in "éèêàùçôîœ«»’")
    ]


# The catalogue's pairs carry the seeds' labels as reference data; the API's schemas and routes carry the
# OpenAPI documentation (summaries, descriptions). Every other French text is in messages.py.
FRENCH_ALLOWED = {"messages.py", "catalogue.py"}


def test_every_french_text_the_desk_shows_comes_from_messages() -> None:
    found = {
        str(p.relative_to(ROOT)): french_literals(p)
        for p in PRODUCT
        if p.name not in FRENCH_ALLOWED and not {"schemas", "routes"} & {q.name for q in p.parents}
    }
    assert {p: texts for p, texts in found.items() if texts} == {}


def test_the_gateway_answers_in_the_same_shape_and_words_as_the_functions(template: dict[str, Any]) -> None:
    (api,) = resources_of_type(template, "AWS::Serverless::Api").values()
    responses = api["Properties"]["GatewayResponses"]
    for kind, (code, message) in messages.GATEWAY_RESPONSES.items():
        body = json.loads(responses[kind]["ResponseTemplates"]["application/json"])
        assert body == {"code": code, "message": message, "errors": []}, kind


def test_cors_is_declared_once_for_the_gateway_and_the_functions(template: dict[str, Any]) -> None:
    (api,) = resources_of_type(template, "AWS::Serverless::Api").values()
    cors = api["Properties"]["Cors"]
    assert cors["AllowHeaders"] == f"'{','.join(CORS_HEADERS)}'"
    assert cors["MaxAge"] == f"'{CORS_MAX_AGE}'"
    assert cors["AllowOrigin"] == {"Fn::Sub": "'${CorsOrigin}'"}  # and the functions read CORS_ORIGIN


IMPORT_HANDLER = """
import sys
from local_stack.template import load_template, load_handler_module
load_handler_module(load_template(), sys.argv[1])
print("imported")
"""


@pytest.mark.parametrize("function", ["TicketsFunction", "AccountFunction", "CatalogueFunction"])
def test_each_function_gets_what_its_settings_need_and_stops_at_init_without_it(
    template: dict[str, Any], function: str
) -> None:
    environment = function_environment(template, function, Resolver(template, parameters={"Stage": "dev"}))
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TABLE_NAME", "STAGE", "CORS_ORIGIN"))}
    base["PYTHONPATH"] = str(ROOT)

    def run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", IMPORT_HANDLER, function]
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)

    assert run({**base, **environment}).stdout.strip() == "imported"
    for name in environment.keys() & {"TABLE_NAME", "STAGE", "CORS_ORIGIN"}:
        missing = run({**base, **{k: v for k, v in environment.items() if k != name}})
        assert missing.returncode != 0, name
        last = missing.stderr.strip().splitlines()[-1]
        assert last.startswith("chorus_desk.settings.SettingsError") and name in last, last


def test_the_catalogue_function_needs_no_table(template: dict[str, Any]) -> None:
    environment = function_environment(template, "CatalogueFunction", Resolver(template))
    assert "TABLE_NAME" not in environment


def test_the_ticket_field_list_is_written_once() -> None:
    fields = set(TicketContent.model_fields)
    assert set(UpdateDraftRequest.model_fields) == fields
    assert set(CreateTicketRequest.model_fields) == fields | {"submit"}
    assert set(FIELD_DOCS) == fields, "every field is documented in the API"
    assert fields <= set(messages.FIELD_LABELS), "every field has a French label"
