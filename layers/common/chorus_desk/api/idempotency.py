"""Retried requests never duplicate: the ``Idempotency-Key`` header of the routes that write a ticket.

A client that sends a write again after losing its answer (a timeout, a dropped connection, a double click)
with the same key gets the first answer again, status, body and headers, and nothing is done twice: no second
ticket, no second history event, so no second mail. It is Powertools' idempotency utility
(``IdempotencyHandler``) around the route, its records kept in the desk's table (``Ports.idempotency``):

- a key is scoped to the caller and the route: the signed-in user's ``sub`` (the anonymous form: the key alone)
  and the method and path template. Two users sending the same key never meet; the record's partition key is a
  SHA-256 of the three (``adapters.idempotency``);
- the request's fingerprint (its path, query and JSON body, canonical) is kept with the answer: the same key
  with another fingerprint is refused (422, ``IdempotencyKeyReused``), nothing stored;
- while the first request runs, the same key gets 409 (``RequestInProgress``); if its Lambda dies, the record
  is freed at that invocation's deadline (Powertools' in-progress expiry, from the Lambda context);
- only answers that succeeded are kept, for 24 hours (``expires_at``, the table's TTL attribute); a refusal
  (4xx, 503) is not: the same key may be sent again once the cause is fixed;
- the header is validated by the route's declared parameter (``IdempotencyKey``: 1 to 128 characters of
  ``[A-Za-z0-9_-]``, else a French 400 before anything is read or written); without it, nothing changes.

The middleware runs after the request's validation (a bad body is a 400 that never touches the records) and
before the route's dependencies (the caller's profile) and the route itself.
"""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

from chorus_desk import bootstrap, messages
from chorus_desk.errors import (
    FieldError,
    IdempotencyKeyReused,
    InvalidInput,
    RequestInProgress,
    StorageUnavailable,
)
from chorus_desk.observability import logger, metrics
from chorus_desk.ports import Ports

from .http import IDEMPOTENCY_HEADER, error_responses, serialize_json
from .schemas.idempotency import KEY_PATTERN, IdempotencyKey

__all__ = ["IdempotencyKey", "idempotent", "idempotent_answers"]

EXPIRES_AFTER = timedelta(hours=24)
ANONYMOUS = "public"  # the scope of a route without sign-in: the key alone (and the route)


def idempotent_answers(responses: dict[int, OpenAPIResponse]) -> dict[int, OpenAPIResponse]:
    """A route's documented answers with those of the Idempotency-Key: 422, and 409 (its own conflicts, if any,
    or a request with the same key still in progress)."""
    conflict = error_responses(409)[409]
    if 409 in responses:
        conflict["description"] = f"{responses[409]['description']} {messages.IDEMPOTENT_CONFLICT_ALSO}"
    else:
        conflict["description"] = messages.IDEMPOTENT_CONFLICT_DESCRIPTION
    return {**responses, 409: conflict, **error_responses(422)}


# --------------------------------------------------------------------------------------- the answers
def _settled(response: Response[Any]) -> Response[Any]:
    """The answer with its body as the text the client receives (JSON serialized once, here): a replay then
    sends the very same bytes."""
    if response.body is not None and not isinstance(response.body, str | bytes):
        response.body = serialize_json(response.body)
    return response


def _to_dict(response: Response[Any]) -> dict[str, Any]:
    body = response.body
    encoded = isinstance(body, bytes)
    return {
        "status": int(response.status_code),
        "headers": dict(response.headers),
        "body": base64.b64encode(body).decode("ascii") if isinstance(body, bytes) else body,
        "base64": encoded,
    }


def _from_dict(data: dict[str, Any]) -> Response[Any]:
    body = data["body"]
    if data.get("base64") and body is not None:
        body = base64.b64decode(body)
    return Response(status_code=data["status"], body=body, headers=data["headers"])


@lru_cache(maxsize=1)
def _serializer() -> Any:
    from aws_lambda_powertools.utilities.idempotency.serialization.base import BaseIdempotencySerializer

    class Answers(BaseIdempotencySerializer):
        """A route's ``Response`` as Powertools stores it (a dict) and back."""

        def to_dict(self, data: Any) -> dict[str, Any]:
            return _to_dict(data)

        def from_dict(self, data: dict[str, Any]) -> Any:
            return _from_dict(data)

    return Answers()


# ------------------------------------------------------------------------------------------- the key
def _scope(event: Any) -> str:
    """Whose key it is: the signed-in user (the ``sub`` the Cognito authorizer vouched for), else anonymous."""
    claims = event.request_context.authorizer.claims if isinstance(event, APIGatewayProxyEvent) else None
    sub = (claims or {}).get("sub")
    return f"user:{sub}" if isinstance(sub, str) and sub else ANONYMOUS


def _request_data(app: APIGatewayRestResolver, key: str) -> dict[str, Any]:
    """What Powertools hashes: the record's identity (scope, route, key) and the request's fingerprint."""
    request = app.request
    body: Any = request.body
    if body:
        body = request.json_body  # parsed and validated already: canonical JSON, whatever the spacing
    return {
        "identity": {
            "scope": _scope(request.resolved_event),
            "operation": f"{request.method} {request.route}",
            "key": key,
        },
        "request": {"path": request.resolved_event.path, "query": request.query_parameters or {}, "body": body or None},
    }


def _ports(app: APIGatewayRestResolver) -> Ports:
    """The function's ports, as ``Depends(bootstrap.ports)`` gives them to its routes (overrides included), but
    outside Powertools' per-request cache of dependencies: the route resolves its own."""
    provider = app.dependency_overrides.get(bootstrap.ports, bootstrap.ports)
    ports: Ports = provider()
    return ports


def idempotent(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
    """The route's middleware: without an Idempotency-Key, the route as it is; with one, its first answer."""
    key = app.request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return next_middleware(app)
    if not re.fullmatch(KEY_PATTERN, key):  # the declared parameter refused it already; kept for any other route
        raise InvalidInput([FieldError(IDEMPOTENCY_HEADER, messages.IDEMPOTENCY_KEY_INVALID)])

    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig
    from aws_lambda_powertools.utilities.idempotency.base import IdempotencyHandler
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyInconsistentStateError,
        IdempotencyPersistenceLayerError,
        IdempotencyValidationError,
    )

    from chorus_desk.adapters.idempotency import KEY_PREFIX

    answered: list[Response[Any]] = []

    def run() -> Response[Any]:
        response = _settled(next_middleware(app))
        answered.append(response)
        return response

    config = IdempotencyConfig(
        event_key_jmespath="identity",
        payload_validation_jmespath="request",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=int(EXPIRES_AFTER.total_seconds()),
        hash_function="sha256",
        lambda_context=app.lambda_context,
    )
    handler = IdempotencyHandler(
        function=run,
        function_payload=_request_data(app, key),
        config=config,
        persistence_store=_ports(app).idempotency,
        output_serializer=_serializer(),
        key_prefix=KEY_PREFIX,
        function_args=(),
        function_kwargs={},
    )
    try:
        response: Response[Any] = handler.handle()
    except IdempotencyValidationError:
        raise IdempotencyKeyReused(messages.IDEMPOTENCY_KEY_REUSED) from None
    except IdempotencyAlreadyInProgressError:
        raise RequestInProgress(messages.REQUEST_IN_PROGRESS) from None
    except (IdempotencyPersistenceLayerError, IdempotencyInconsistentStateError) as exc:
        if answered:  # done, but its record could not be completed: the answer still goes out
            logger.warning("idempotency record not completed", error=type(exc.__cause__ or exc).__name__)
            return answered[0]
        raise StorageUnavailable(messages.STORAGE_UNAVAILABLE) from exc
    if not answered:
        logger.info("request answered again", http_status=response.status_code)
        metrics.add_metric(name="IdempotentReplays", unit=MetricUnit.Count, value=1)
    return response
