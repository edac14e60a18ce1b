"""The API Gateway resolver every function uses, and the one place where errors become HTTP responses."""

from __future__ import annotations

import json
from functools import partial
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.shared.json_encoder import Encoder

from chorus_desk import messages
from chorus_desk.directory import Identity, identity_from_claims
from chorus_desk.errors import (
    ConcurrentModification,
    DeskError,
    FieldError,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    StorageUnavailable,
    TransitionNotAllowed,
)
from chorus_desk.observability import logger
from chorus_desk.schemas import ErrorDetail, ErrorResponse
from chorus_desk.settings import get_settings

STATUS_OF: dict[type[DeskError], HTTPStatus] = {
    InvalidInput: HTTPStatus.BAD_REQUEST,
    NotAuthenticated: HTTPStatus.UNAUTHORIZED,
    Forbidden: HTTPStatus.FORBIDDEN,
    NotFound: HTTPStatus.NOT_FOUND,
    TransitionNotAllowed: HTTPStatus.CONFLICT,
    ConcurrentModification: HTTPStatus.CONFLICT,
    StorageUnavailable: HTTPStatus.SERVICE_UNAVAILABLE,
}

_ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "Champs manquants ou invalides ; rien n'a été enregistré.",
    401: "Jeton absent ou invalide.",
    403: "Action réservée à l'autre partie du ticket.",
    404: "Ticket inexistant, ou que l'appelant n'a pas le droit de voir.",
    409: "Action impossible dans le statut actuel, ou ticket modifié entre-temps ; rien n'a changé.",
}


def error_responses(*codes: int) -> dict[int, OpenAPIResponse]:
    """OpenAPI documentation of the error answers of a route."""
    return {
        code: {
            "description": _ERROR_DESCRIPTIONS[code],
            "content": {content_types.APPLICATION_JSON: {"model": ErrorResponse}},
        }
        for code in codes
    }


def _error(status: HTTPStatus, error: ErrorResponse) -> Response[str]:
    return Response(
        status_code=status.value,
        content_type=content_types.APPLICATION_JSON,
        body=error.model_dump_json(),
    )


def _field_message(error: dict[str, Any]) -> FieldError:
    location = [str(part) for part in error.get("loc", ())]
    place, path = (location[0], location[1:]) if location else ("body", [])
    field = ".".join(path) if path else place
    label = messages.field_label(field)
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "missing":
        text = messages.BODY_REQUIRED if not path else messages.FIELD_REQUIRED.format(label=label)
    elif kind == "json_invalid" or (kind == "model_attributes_type" and not path):
        text = messages.BODY_NOT_JSON
    elif kind == "string_too_long":
        text = messages.FIELD_TOO_LONG.format(label=label, max=context.get("max_length"))
    elif kind == "string_too_short":
        text = messages.FIELD_TOO_SHORT.format(label=label, min=context.get("min_length"))
    elif kind == "extra_forbidden":
        text = messages.FIELD_NOT_ALLOWED.format(label=field)
    elif kind in {"int_parsing", "int_type", "int_from_float"}:
        text = messages.FIELD_NOT_INTEGER.format(label=label)
    elif kind in {"bool_parsing", "bool_type"}:
        text = messages.FIELD_NOT_BOOLEAN.format(label=label)
    elif kind in {"enum", "literal_error"}:
        text = messages.FIELD_BAD_CHOICE.format(label=label)
    elif kind == "value_error" and "error" in context:
        text = str(context["error"])
    else:
        text = messages.FIELD_BAD_FORMAT.format(label=label)
    return FieldError(field if path else place, text)


def create_app() -> APIGatewayRestResolver:
    """A resolver with request validation, explicit CORS origin, and French errors."""
    settings = get_settings()
    app = APIGatewayRestResolver(
        enable_validation=True,
        serializer=partial(json.dumps, separators=(",", ":"), ensure_ascii=False, cls=Encoder),
        cors=CORSConfig(
            allow_origin=settings.cors_origin,
            allow_headers=["Authorization", "Content-Type"],
            max_age=600,
        ),
    )

    @app.exception_handler(RequestValidationError)  # type: ignore[untyped-decorator]
    def _invalid_request(exc: RequestValidationError) -> Response[str]:
        errors = [_field_message(e) for e in exc.errors()]
        return _error(
            HTTPStatus.BAD_REQUEST,
            ErrorResponse(
                code=InvalidInput.code,
                message=messages.INVALID_INPUT,
                errors=[ErrorDetail(field=e.field, message=e.message) for e in errors],
            ),
        )

    @app.exception_handler(DeskError)  # type: ignore[untyped-decorator]
    def _desk_error(exc: DeskError) -> Response[str]:
        status = STATUS_OF.get(type(exc), HTTPStatus.INTERNAL_SERVER_ERROR)
        details = [ErrorDetail(field=e.field, message=e.message) for e in getattr(exc, "errors", [])]
        log = logger.info if status < 500 else logger.error  # a refused request is not a service problem
        log("request refused", error_code=exc.code, http_status=status.value, fields=[d.field for d in details])
        return _error(status, ErrorResponse(code=exc.code, message=exc.message, errors=details))

    @app.exception_handler(Exception)  # type: ignore[untyped-decorator]
    def _unexpected(_exc: Exception) -> Response[str]:
        logger.exception("unexpected error")
        return _error(
            HTTPStatus.INTERNAL_SERVER_ERROR, ErrorResponse(code="ERREUR_INTERNE", message=messages.INTERNAL_ERROR)
        )

    @app.not_found
    def _not_found(_exc: Exception) -> Response[str]:
        return _error(HTTPStatus.NOT_FOUND, ErrorResponse(code=NotFound.code, message=messages.ROUTE_NOT_FOUND))

    return app


def current_identity(app: APIGatewayRestResolver) -> Identity:
    """The caller, from the claims the Cognito authorizer put in the request context (and only from them)."""
    return identity_from_claims(app.current_event.request_context.authorizer.claims)
