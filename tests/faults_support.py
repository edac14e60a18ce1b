"""What moto cannot show, injected into a real botocore client: a call answered with the error AWS would give
(a DynamoDB transaction cancelled by a conflict, a throttled request, an S3 or SES outage) at the moments a
test chooses, through botocore's ``before-send`` event. Everything above the HTTP exchange is real: the
client's retries and their backoff, botocore's parsing of the error, the adapter's handling, the use case,
the handler. Attempts and backoff pauses are counted (``Faults.sent``, ``Pauses``), never slept.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any
from xml.sax.saxutils import escape

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.exceptions import NoCredentialsError


@dataclass(frozen=True)
class AwsError:
    """An error answer: HTTP status, AWS error code and message, and the error's own members
    (``CancellationReasons``)."""

    status: int
    code: str
    message: str
    members: dict[str, Any] = field(default_factory=dict)
    applied: bool = False  # the request still reaches moto (in-process) and applies: the client is told otherwise


# The answers the tests inject, as AWS documents them.
def throughput_exceeded() -> AwsError:
    return AwsError(
        400,
        "ProvisionedThroughputExceededException",
        "The level of configured provisioned throughput for the table was exceeded. Consider increasing your "
        "provisioning level with the UpdateTable API.",
    )


def throttling() -> AwsError:
    return AwsError(400, "ThrottlingException", "Rate of requests exceeds the allowed throughput.")


def cancelled(items: list[dict[str, Any]], reason: Callable[[dict[str, Any]], str | None]) -> AwsError:
    """A TransactWriteItems cancelled: ``reason(item)`` is each item's cancellation code (``None``: not the
    cause), in the items' order, as DynamoDB reports them."""
    codes = [reason(item) or "None" for item in items]
    reasons = [{"Code": c, **({"Message": _REASONS[c]} if c in _REASONS else {})} for c in codes]
    return AwsError(
        400,
        "TransactionCanceledException",
        f"Transaction cancelled, please refer cancellation reasons for specific reasons [{', '.join(codes)}]",
        {"CancellationReasons": reasons},
    )


_REASONS = {
    "TransactionConflict": "Transaction is ongoing for the item",
    "ThrottlingError": "Throughput exceeds the current capacity of your table or index.",
}


def s3_unavailable() -> AwsError:
    return AwsError(503, "ServiceUnavailable", "Service is unable to handle request.")


def ses_throttled() -> AwsError:
    return AwsError(429, "TooManyRequestsException", "Maximum sending rate exceeded.")


# ------------------------------------------------------------------------------------------ the wire
class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


def _response(request: AWSPreparedRequest, protocol: str, error: AwsError) -> AWSResponse:
    """``error`` as the service's protocol carries it: JSON with ``__type`` (DynamoDB), REST-JSON with the
    ``x-amzn-ErrorType`` header (SES v2), an XML ``<Error>`` document (S3)."""
    headers = {"x-amzn-RequestId": "injected-fault"}
    if protocol == "json":
        document = {"__type": f"com.amazonaws.dynamodb.v20120810#{error.code}", "message": error.message}
        body = json.dumps({**document, **error.members}).encode()
        headers["Content-Type"] = "application/x-amz-json-1.0"
    elif protocol == "rest-json":
        body = json.dumps({"message": error.message, **error.members}).encode()
        headers |= {"Content-Type": "application/json", "x-amzn-ErrorType": error.code}
    elif protocol == "rest-xml":
        body = (
            f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{escape(error.code)}</Code>"
            f"<Message>{escape(error.message)}</Message><RequestId>injected-fault</RequestId></Error>"
        ).encode()
        headers["Content-Type"] = "application/xml"
    else:  # pragma: no cover - no other protocol is used here
        raise NotImplementedError(protocol)
    return AWSResponse(request.url, error.status, headers, _Body(body))


Rule = Callable[[str, dict[str, Any]], AwsError | None]
NOWHERE = "https://injected-fault.invalid/"


class Faults:
    """Injects errors into one client's calls. Each rule sees every attempt (the client's retries included) as
    (operation, request body as a dict for JSON protocols, else ``{}``) and answers an ``AwsError`` or
    ``None`` (the call goes on to moto). ``sent`` counts the attempts per operation, ``injected`` the errors."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.protocol = str(client.meta.service_model.protocol)
        self.rules: list[Rule] = []
        self.sent: Counter[str] = Counter()
        self.injected: Counter[str] = Counter()
        self.unsigned: set[str] = set()
        self._signing_watched = False
        self._lock = threading.Lock()
        service = client.meta.service_model.service_id.hyphenize()
        client.meta.events.register_first(f"before-send.{service}", self._before_send)

    @property
    def total_attempts(self) -> int:
        """How many times the client sends one request at most (its first attempt and its retries)."""
        return int(self.client.meta.config.retries["total_max_attempts"])

    def add(self, rule: Rule) -> Rule:
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        """No fault any more: AWS is back."""
        with self._lock:
            self.rules.clear()
            self.unsigned.clear()

    def fail(self, operation: str, error: Callable[[], AwsError], times: int | None = None) -> Rule:
        """Answer ``operation`` with ``error`` (every attempt, or the next ``times`` ones)."""
        left = [times]

        def rule(name: str, _body: dict[str, Any]) -> AwsError | None:
            if name != operation or left[0] == 0:
                return None
            if left[0] is not None:
                left[0] -= 1
            return error()

        return self.add(rule)

    def cannot_sign(self, operation: str) -> None:
        """From now on the client cannot sign ``operation`` (its credentials cannot be had: ``NoCredentialsError``),
        a presigned form or link included: the only way an S3 presign, made without a call, can fail."""

        with self._lock:
            self.unsigned.add(operation)
        if not self._signing_watched:
            service = self.client.meta.service_model.service_id.hyphenize()
            self.client.meta.events.register_first(f"before-sign.{service}", self._before_sign)
            self._signing_watched = True

    def _before_sign(self, operation_name: str, **_: Any) -> None:
        with self._lock:
            refused = operation_name in self.unsigned
        if refused:
            raise NoCredentialsError

    def _before_send(self, request: AWSPreparedRequest, event_name: str, **_: Any) -> AWSResponse | None:
        operation = event_name.rsplit(".", 1)[-1]
        body: dict[str, Any] = {}
        if self.protocol == "json" and request.body:
            raw = request.body if isinstance(request.body, bytes | str) else b""
            body = json.loads(raw or b"{}")
        with self._lock:
            self.sent[operation] += 1
            rules = list(self.rules)
        for rule in rules:
            error = rule(operation, body)
            if error is not None:
                with self._lock:
                    self.injected[operation] += 1
                answer = _response(request, self.protocol, error)
                # botocore calls every before-send handler and keeps the first answer: moto's, called after this
                # one, would still apply the request. Sent nowhere it knows, it lets it be, as AWS would, unless
                # the error is one the table applied anyway (a lost reply).
                if not error.applied:
                    request.url = NOWHERE
                return answer
        return None


class Pauses:
    """Stands for the ``time`` module of ``botocore.endpoint``: the pauses the client's retries ask for are
    recorded, not slept (``monkeypatch.setattr(botocore.endpoint, "time", Pauses())``)."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.asked.append(seconds)

    def __getattr__(self, name: str) -> Any:
        real: ModuleType = time
        return getattr(real, name)
