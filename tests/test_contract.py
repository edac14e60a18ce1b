"""The API contract: docs/openapi.json matches the code, the code serves exactly the template's routes,
and every route has its sample event in events/."""

from __future__ import annotations

import json
from typing import Any

from local_stack.openapi import build_document, render
from local_stack.template import api_routes
from tests.support import EVENTS, ROOT, sample_event, snake


def test_committed_openapi_document_matches_the_code(template: dict[str, Any]) -> None:
    committed = (ROOT / "docs" / "openapi.json").read_text(encoding="utf-8")
    assert committed == render(build_document(template)), "docs/openapi.json is stale: run `make openapi`"


def test_the_code_documents_exactly_the_routes_of_the_template(template: dict[str, Any]) -> None:
    document = build_document(template)
    documented = {(path, method.upper()) for path, ops in document["paths"].items() for method in ops}
    declared = {(r.path, r.method) for r in api_routes(template)}
    assert documented == declared


def test_errors_are_documented_as_400_and_422_only_for_a_reused_idempotency_key(template: dict[str, Any]) -> None:
    document = build_document(template)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            assert ("422" in operation["responses"]) is ("Idempotency-Key" in headers), (path, method)
            public = operation.get("security") == []
            assert ("401" in operation["responses"]) is not public, (path, method)
    text = json.dumps(document)
    assert "HTTPValidationError" not in text


def test_every_route_has_a_sample_event_matching_it(template: dict[str, Any]) -> None:
    routes = api_routes(template)
    assert {f"{snake(r.name)}.json" for r in routes} == {p.name for p in EVENTS.glob("*.json")}
    for route in routes:
        event = sample_event(snake(route.name))
        assert (event["resource"], event["httpMethod"]) == (route.path, route.method)
        if route.authorized:
            assert event["requestContext"]["authorizer"]["claims"]["sub"]
        else:
            assert event["requestContext"]["authorizer"] is None


def test_every_operation_documents_its_success_status_and_body(template: dict[str, Any]) -> None:
    document = build_document(template)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            # One success; an export's is also (or only) 303 See Other, a link to the file in the storage.
            successes = {code: r for code, r in operation["responses"].items() if code.startswith("2") or code == "303"}
            assert len(successes) == 1 or set(successes) <= {"200", "303"}, (method, path, successes)
            for code, response in successes.items():
                if code == "204":
                    assert "content" not in response, (method, path)
                elif "text/csv" in response["content"]:  # a small CSV export inline, or the link as JSON
                    assert set(response["content"]) <= {"text/csv", "application/json"}, (method, path)
                    assert "303" in successes, (method, path)
                    if "application/json" in response["content"]:
                        assert response["content"]["application/json"]["schema"].get("$ref"), (method, path)
                else:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema.get("$ref") or schema.get("items", {}).get("$ref"), (method, path, schema)


def test_every_documented_schema_is_used(template: dict[str, Any]) -> None:
    document = build_document(template)
    text = json.dumps(document["paths"]) + json.dumps(document["components"]["schemas"])
    unused = [name for name in document["components"]["schemas"] if f'"#/components/schemas/{name}"' not in text]
    assert unused == []


# Texts the rules require: present and never null (a blank one is refused by the rules, in French).
REQUIRED_TEXTS = {
    "AssignRequest": "assignee_id",
    "RequestInformationRequest": "question",
    "ProvideInformationRequest": "text",
    "AnswerRequest": "text",
    "RefuseSolutionRequest": "reason",
}


def test_fields_the_rules_require_are_not_nullable(template: dict[str, Any]) -> None:
    schemas = build_document(template)["components"]["schemas"]
    for model, field in REQUIRED_TEXTS.items():
        assert field in schemas[model]["required"], model
        assert schemas[model]["properties"][field]["type"] == "string", model
    submit = schemas["CreateTicketRequest"]["properties"]["submit"]
    assert submit["type"] == "boolean"
