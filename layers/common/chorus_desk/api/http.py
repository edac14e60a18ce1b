"""The API Gateway resolver every function uses, and the one place where errors become HTTP responses.

Also: who the caller is (the claims the Cognito authorizer vouched for, turned into a ``SignedInUser``
through ``Depends``), the documented answers of a route, and the guards that keep bad input from ever
reaching a 500: a body that is not UTF-8, not JSON, nested too deep, or sent with another content type.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from functools import partial
from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import content_types
from aws_lambda_powertools.event_handler.api_gateway import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse, OpenAPIResponseHeader
from aws_lambda_powertools.event_handler.request import Request
from aws_lambda_powertools.shared.json_encoder import Encoder
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

from chorus_desk import bootstrap, messages
from chorus_desk.actors import Identity, SignedInUser
from chorus_desk.api import resolver_memo
from chorus_desk.errors import (
    ConcurrentModification,
    Conflict,
    DeskError,
    FieldError,
    Forbidden,
    Gone,
    IdempotencyKeyReused,
    InvalidInput,
    MailUnavailable,
    NotAuthenticated,
    NotFound,
    RegistryUnavailable,
    SecondFactorRequired,
    SecretUnavailable,
    StorageUnavailable,
    TooManyRequests,
    TransitionNotAllowed,
    UnknownEstablishment,
    UnsupportedContentType,
)
from chorus_desk.observability import failure, logger
from chorus_desk.ports import Ports, SigningKey
from chorus_desk.settings import ApiSettings
from chorus_desk.usecases.account import signed_in_user
from chorus_desk.usecases.public import rate_source

from .schemas.common import ErrorDetail, ErrorResponse, LimitReachedResponse

STATUS_OF: dict[type[DeskError], HTTPStatus] = {
    InvalidInput: HTTPStatus.BAD_REQUEST,
    NotAuthenticated: HTTPStatus.UNAUTHORIZED,
    SecondFactorRequired: HTTPStatus.FORBIDDEN,
    Forbidden: HTTPStatus.FORBIDDEN,
    NotFound: HTTPStatus.NOT_FOUND,
    TransitionNotAllowed: HTTPStatus.CONFLICT,
    ConcurrentModification: HTTPStatus.CONFLICT,
    UnsupportedContentType: HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
    TooManyRequests: HTTPStatus.TOO_MANY_REQUESTS,
    StorageUnavailable: HTTPStatus.SERVICE_UNAVAILABLE,
    MailUnavailable: HTTPStatus.SERVICE_UNAVAILABLE,
    SecretUnavailable: HTTPStatus.SERVICE_UNAVAILABLE,
    UnknownEstablishment: HTTPStatus.BAD_REQUEST,
    Conflict: HTTPStatus.CONFLICT,
    Gone: HTTPStatus.GONE,
    IdempotencyKeyReused: HTTPStatus.UNPROCESSABLE_ENTITY,
    RegistryUnavailable: HTTPStatus.SERVICE_UNAVAILABLE,
}

IDEMPOTENCY_HEADER = "Idempotency-Key"  # retried writes answered once (api/idempotency.py)
CORS_HEADERS = ("Authorization", "Content-Type", IDEMPOTENCY_HEADER)
CORS_MAX_AGE = 7200  # Chromium keeps a preflight answer 2 hours at most (Firefox a day)
MAX_JSON_DEPTH = 32
_NOT_JSON = "x-unsupported/"  # marks a form or multipart body for Powertools to refuse (see prepare_event)
# The functions' JSON: compact, non-ASCII characters as they are (no escapes).
serialize_json = partial(json.dumps, separators=(",", ":"), ensure_ascii=False, cls=Encoder)


# ------------------------------------------------------------------------------------ documentation
def documented(status: int, model: Any, description: str, *errors: int) -> dict[int, OpenAPIResponse]:
    """The OpenAPI answers of a route: its success (status, body) and its error answers."""
    success: OpenAPIResponse = {"description": description}
    if model is not None:
        success["content"] = {content_types.APPLICATION_JSON: {"model": model}}
    return {status: success, **error_responses(*errors)}


RETRY_AFTER_HEADER: dict[str, OpenAPIResponseHeader] = {
    "Retry-After": {"description": messages.RETRY_AFTER_DESCRIPTION, "schema": {"type": "integer", "minimum": 1}}
}


def error_responses(*codes: int) -> dict[int, OpenAPIResponse]:
    """The documented error answers; a route that needs a token (401) may also answer 403: an agent of the
    support signed in without a second factor (``signed_in``). A 429 says which limit, until when."""
    if 401 in codes and 403 not in codes:
        codes = tuple(sorted((*codes, 403)))
    answers: dict[int, OpenAPIResponse] = {}
    for code in codes:
        model = LimitReachedResponse if code == HTTPStatus.TOO_MANY_REQUESTS else ErrorResponse
        answer: OpenAPIResponse = {
            "description": messages.ERROR_DESCRIPTIONS[code],
            "content": {content_types.APPLICATION_JSON: {"model": model}},
        }
        if code == HTTPStatus.TOO_MANY_REQUESTS:
            answer["headers"] = RETRY_AFTER_HEADER
        if code == HTTPStatus.SERVICE_UNAVAILABLE:  # a throttled store says when to try again
            answer["headers"] = {
                "Retry-After": {"description": messages.RETRY_AFTER_503, "schema": {"type": "integer"}}
            }
        answers[code] = answer
    return answers


# --------------------------------------------------------------------------------------- the caller
def identity_from_claims(claims: Mapping[str, Any] | None) -> Identity:
    claims = claims or {}
    sub = claims.get("sub")
    if not sub or not isinstance(sub, str):
        raise NotAuthenticated(messages.NOT_AUTHENTICATED)
    email, name = claims.get("email"), claims.get("name")
    return Identity(
        user_id=sub,
        email=email if isinstance(email, str) else None,
        name=name if isinstance(name, str) else None,
        second_factor="mfa" in authentication_methods(claims.get("amr")),
    )


METHOD = re.compile(r"[A-Za-z0-9_.:-]{1,64}")  # an RFC 8176 method name ("pwd", "otp", "mfa", "swk"…)


def authentication_methods(amr: Any) -> frozenset[str]:
    """The ``amr`` claim (how the user signed in: ``pwd``, ``otp``, ``mfa``…, RFC 8176) as API Gateway hands it
    over: a list, or one string (a JSON array, ``[pwd otp mfa]``, or ``pwd,otp,mfa``); nothing when absent."""
    if isinstance(amr, list):
        return frozenset(m for m in amr if isinstance(m, str) and METHOD.fullmatch(m))
    if not isinstance(amr, str):
        return frozenset()
    text = amr.strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            text = text.strip("[]")
        else:
            return authentication_methods(parsed) if isinstance(parsed, list) else frozenset()
    return frozenset(m for m in text.replace(",", " ").split() if METHOD.fullmatch(m))


def source_ip(request: Request) -> str:
    """The caller's address as API Gateway saw it (not a header the caller could write)."""
    event = request.resolved_event
    ip = event.request_context.identity.source_ip if isinstance(event, APIGatewayProxyEvent) else None
    return ip or "unknown"


def counted_source(request: Request, key: Annotated[SigningKey, Depends(bootstrap.pseudonym_key)]) -> str:
    """The caller's address as the abuse limits count it: its keyed pseudonym (the template's PseudonymSecret),
    never the address itself."""
    return rate_source(key.key(), source_ip(request))


def known_query(allowed: frozenset[str]) -> Callable[[Request], None]:
    """A dependency refusing query parameters a route does not take: a misspelt criterion is a 400, not a
    silently wider search."""

    def check(request: Request) -> None:
        given = request.resolved_event.query_string_parameters or {}
        unknown = sorted(set(given) - allowed)
        if unknown:
            names = ", ".join(sorted(allowed))
            raise InvalidInput(
                [FieldError(n[:64], messages.QUERY_PARAMETER_UNKNOWN.format(allowed=names)) for n in unknown]
            )

    return check


def signed_in(
    request: Request,
    ports: Annotated[Ports, Depends(bootstrap.ports)],
    agents_need_mfa: Annotated[bool, Depends(bootstrap.agent_mfa_required)],
) -> SignedInUser:
    """The caller, from the claims the Cognito authorizer put in the request context (and only from them); an
    agent of the support without a second factor is refused when the stage requires one (``AgentMfa``)."""
    event = request.resolved_event
    claims = event.request_context.authorizer.claims if isinstance(event, APIGatewayProxyEvent) else None
    return signed_in_user(ports, identity_from_claims(claims), agents_need_mfa=agents_need_mfa)


# ------------------------------------------------------------------------------------------ errors
def _error(status: HTTPStatus, error: ErrorResponse, headers: dict[str, str] | None = None) -> Response[str]:
    return Response(
        status_code=status.value,
        content_type=content_types.APPLICATION_JSON,
        body=error.model_dump_json(),
        headers=headers,
    )


def desk_error(exc: DeskError) -> Response[str]:
    """The answer to a refusal of the desk: its HTTP status, stable code, French message and fields."""
    status = next((STATUS_OF[k] for k in type(exc).__mro__ if k in STATUS_OF), HTTPStatus.INTERNAL_SERVER_ERROR)
    details = [ErrorDetail(field=e.field, message=e.message) for e in getattr(exc, "errors", [])]
    log = logger.info if status < 500 else logger.error  # a refused request is not a service problem
    log("request refused", error_code=exc.code, http_status=status.value, fields=[d.field for d in details])
    if isinstance(exc, TooManyRequests):
        limited = LimitReachedResponse(
            code=exc.code, message=exc.message, limit=exc.limit, allowed=exc.allowed, retry_at=exc.retry_at
        )
        return _error(status, limited, {"Retry-After": str(exc.retry_after)})
    retry_after = getattr(exc, "retry_after", None)  # a throttled store (503)
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return _error(status, ErrorResponse(code=exc.code, message=exc.message, errors=details), headers)


def _invalid(*errors: FieldError) -> Response[str]:
    details = [ErrorDetail(field=e.field, message=e.message) for e in errors]
    return _error(
        HTTPStatus.BAD_REQUEST, ErrorResponse(code=InvalidInput.code, message=messages.INVALID_INPUT, errors=details)
    )


def _field_message(error: Mapping[str, Any]) -> FieldError:
    location = [str(part) for part in error.get("loc", ())]
    place, path = (location[0], location[1:]) if location else ("body", [])
    if place == "body" and path and path[0].isdigit():
        path = []  # Powertools locates a JSON syntax error by its character offset: the body is at fault
    field = ".".join(path) if path else place
    label = messages.field_label(field)
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    null = "input" in error and error["input"] is None
    if kind in {"bool_parsing", "bool_type"}:
        text = messages.FIELD_NOT_BOOLEAN.format(label=label)
    elif kind == "missing" or (null and kind.endswith("_type")):
        text = messages.BODY_REQUIRED if not path else messages.REQUIRED_BY_FIELD.get(field, messages.FIELD_REQUIRED)
        text = text.format(label=label)
    elif kind == "json_invalid":
        text = messages.BODY_NOT_JSON
    elif kind in {"model_attributes_type", "model_type", "dict_type"} and not path:
        text = messages.BODY_NOT_OBJECT
    elif kind == "string_too_long":
        text = messages.FIELD_TOO_LONG.format(label=label, max=context.get("max_length"))
    elif kind == "string_too_short":
        text = messages.FIELD_TOO_SHORT.format(label=label, min=context.get("min_length"))
    elif kind == "string_pattern_mismatch" and place == "path" and field == "number":
        text = messages.TICKET_NUMBER_INVALID.format(value=error.get("input"))
    elif place == "header" and field == IDEMPOTENCY_HEADER.lower():
        text, field = messages.IDEMPOTENCY_KEY_INVALID, IDEMPOTENCY_HEADER
    elif kind == "extra_forbidden":
        text = messages.FIELD_NOT_ALLOWED.format(label=field)
    elif kind in {"int_parsing", "int_type", "int_from_float"}:
        text = messages.FIELD_NOT_INTEGER.format(label=label)
    elif kind in {"enum", "literal_error"}:
        text = messages.FIELD_BAD_CHOICE.format(label=label)
    elif kind == "value_error" and "error" in context:
        text = str(context["error"])
    else:
        text = messages.FIELD_BAD_FORMAT.format(label=label)
    return FieldError(field if path else place, text)


def create_app(settings: ApiSettings) -> APIGatewayRestResolver:
    """A resolver with request validation, the one CORS origin of the settings, and French errors."""
    resolver_memo.apply()
    app = APIGatewayRestResolver(
        enable_validation=True,
        serializer=serialize_json,
        json_body_deserializer=json_body,
        cors=CORSConfig(allow_origin=settings.cors_origin, allow_headers=list(CORS_HEADERS), max_age=CORS_MAX_AGE),
    )

    @app.exception_handler(RequestValidationError)  # type: ignore[untyped-decorator]
    def _invalid_request(exc: RequestValidationError) -> Response[str]:
        return _invalid(*(_field_message(e) for e in exc.errors()))

    @app.exception_handler(RequestUnsupportedContentType)  # type: ignore[untyped-decorator]
    def _unsupported(_exc: RequestUnsupportedContentType) -> Response[str]:
        kind = app.current_event.headers.get("content-type", "").removeprefix(_NOT_JSON)
        return desk_error(UnsupportedContentType(messages.UNSUPPORTED_CONTENT_TYPE.format(content_type=kind)))

    @app.exception_handler(UnicodeDecodeError)  # type: ignore[untyped-decorator]
    def _not_utf8(_exc: UnicodeDecodeError) -> Response[str]:
        return _invalid(FieldError("body", messages.BODY_NOT_UTF8))

    @app.exception_handler(RecursionError)  # type: ignore[untyped-decorator]
    def _too_deep(_exc: RecursionError) -> Response[str]:
        return _invalid(FieldError("body", messages.BODY_TOO_DEEP.format(depth=MAX_JSON_DEPTH)))

    @app.exception_handler(DeskError)  # type: ignore[untyped-decorator]
    def _desk_error(exc: DeskError) -> Response[str]:
        return desk_error(exc)

    @app.exception_handler(Exception)  # type: ignore[untyped-decorator]
    def _unexpected(exc: Exception) -> Response[str]:
        logger.error("unexpected error", **failure(exc))  # where, not the message: it may quote the request
        return _error(
            HTTPStatus.INTERNAL_SERVER_ERROR, ErrorResponse(code="ERREUR_INTERNE", message=messages.INTERNAL_ERROR)
        )

    @app.not_found
    def _not_found(_exc: Exception) -> Response[str]:
        return _error(HTTPStatus.NOT_FOUND, ErrorResponse(code=NotFound.code, message=messages.ROUTE_NOT_FOUND))

    return app


# ------------------------------------------------------------------------------------------ bodies
def _depth(text: str) -> int:
    """How deep brackets nest in a JSON text (strings skipped), without parsing it."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def json_body(text: str) -> Any:
    """The JSON deserializer of the functions: refuses nesting deeper than ``MAX_JSON_DEPTH`` and any top
    level other than an object before Powertools sees the body (RecursionError → 400 otherwise)."""
    if _depth(text) > MAX_JSON_DEPTH:
        raise RecursionError
    value = json.loads(text)
    if not isinstance(value, dict):
        raise RequestValidationError([{"type": "model_type", "loc": ("body",), "msg": "not an object", "input": {}}])
    return value


def prepare_event(event: dict[str, Any]) -> dict[str, Any]:
    """Normalise what API Gateway hands over before the resolver reads it: media types are
    case-insensitive (``APPLICATION/JSON`` is JSON); a body sent as a form or multipart is not JSON and
    is refused as an unsupported content type rather than parsed as a form."""
    headers = event.get("headers") or {}
    name = next((k for k in headers if k.lower() == "content-type"), None)
    if name is None or not event.get("body"):
        return event
    value = str(headers[name])
    media = value.split(";", 1)[0].strip().lower()
    normalised = media + value[len(value.split(";", 1)[0]) :] if media == content_types.APPLICATION_JSON else value
    if media.startswith(("application/x-www-form-urlencoded", "multipart/")):
        normalised = f"{_NOT_JSON}{value}"
    multi = dict(event.get("multiValueHeaders") or {})
    if name in multi:
        multi[name] = [normalised]
    return {**event, "headers": {**headers, name: normalised}, "multiValueHeaders": multi or None}
