"""One OpenAPI document for the whole API, generated from the functions' routes and models.

Each function's resolver documents its own routes; they are merged here, the Cognito security scheme is
added, Powertools' default 422 answers are dropped (the API answers 400 with French messages,
documented on each route; the 422 a route documents itself, a reused Idempotency-Key, stays) and so is the
null body it gives a 204. An optional header is sent or not, never as a null: its schema is the string's.
"""

from __future__ import annotations

import json
from typing import Any

from local_stack.template import api_routes, load_handler_module

TITLE = "Support Chorus Pro – API"
VERSION = "1.0.0"
DESCRIPTION = (
    "API du support de Chorus Pro : tickets (sollicitations) des fournisseurs et des structures publiques, "
    "de leur brouillon à leur clôture, côté émetteur et côté destinataire. Authentification : le jeton "
    "d'identité Cognito (IdToken) dans l'en-tête Authorization. Les erreurs sont en français."
)
SECURITY_SCHEME = "CognitoIdToken"


def build_document(template: dict[str, Any]) -> dict[str, Any]:
    routes = api_routes(template)
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for function in sorted({r.function for r in routes}):
        app = load_handler_module(template, function).app
        document = json.loads(app.get_openapi_json_schema(title=TITLE, version=VERSION))
        for path, operations in document.get("paths", {}).items():
            paths.setdefault(path, {}).update(operations)
        schemas.update(document.get("components", {}).get("schemas", {}))
    for name in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        schemas.pop(name, None)
    public = {(r.path, r.method.lower()) for r in routes if not r.authorized}
    for path, operations in paths.items():
        for method, operation in operations.items():
            responses = operation.get("responses", {})
            if _is_validation_default(responses.get("422")):
                responses.pop("422")
            operation.get("responses", {}).get("204", {}).pop("content", None)  # "No Content" has no body
            _optional_body_is_absent_not_null(operation)
            _optional_headers_are_strings(operation)
            if (path, method) in public:
                operation["security"] = []
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": VERSION, "description": DESCRIPTION},
        "paths": {p: dict(sorted(paths[p].items())) for p in sorted(paths)},
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {
                SECURITY_SCHEME: {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "Jeton d'identité Cognito (IdToken) de l'utilisateur.",
                }
            },
        },
        "security": [{SECURITY_SCHEME: []}],
    }


def _is_validation_default(response: dict[str, Any] | None) -> bool:
    """Powertools' own 422 (its validation error model), which the API never answers."""
    if response is None:
        return False
    schemas = [media.get("schema", {}).get("$ref", "") for media in response.get("content", {}).values()]
    return not schemas or any(ref.endswith("/HTTPValidationError") for ref in schemas)


def _optional_headers_are_strings(operation: dict[str, Any]) -> None:
    """An optional header (``str | None``) is sent with a value or not at all: its schema is the string's, and
    its name is written as the route declares it (Powertools lower-cases it; HTTP ignores the case)."""
    for parameter in operation.get("parameters", []):
        if parameter.get("in") != "header":
            continue
        schema = parameter.get("schema", {})
        options = schema.get("anyOf")
        if options and any(o.get("type") == "null" for o in options):
            kept = [o for o in options if o.get("type") != "null"]
            rest = {k: v for k, v in schema.items() if k != "anyOf"}
            parameter["schema"] = {**kept[0], **rest} if len(kept) == 1 else {**rest, "anyOf": kept}
        title = parameter["schema"].get("title")
        if isinstance(title, str) and title.lower() == parameter["name"].lower():
            parameter["name"] = title


def _optional_body_is_absent_not_null(operation: dict[str, Any]) -> None:
    """An optional body (``Model | None``) is sent as an object or not at all: a JSON ``null`` body is not an
    object and gets 400, as every top level that is not an object does."""
    body = operation.get("requestBody")
    if not body:
        return
    for media in body.get("content", {}).values():
        options = media.get("schema", {}).get("anyOf")
        if options and any(o.get("type") == "null" for o in options):
            kept = [o for o in options if o.get("type") != "null"]
            media["schema"] = kept[0] if len(kept) == 1 else {"anyOf": kept}
            body["required"] = False


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
