"""The house rules, checked: only the adapters package touches AWS, the domain never imports the HTTP
layer, every French text comes from messages.py (the gateway's own answers included), CORS is declared
once, each function validates its own settings at cold start, and the ticket's field list is written once."""

from __future__ import annotations

import ast
import json
import os
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
    assert any("boto3" in imported_modules(p) for p in ADAPTERS.glob("*.py")), "the rule must be checking something"


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
