"""Logger, Tracer and Metrics, created once for every function (service name from POWERTOOLS_SERVICE_NAME).

The Tracer does not patch botocore when a function starts: Lambda's active tracing records each invocation
without it, and a function that never calls AWS (the catalogue) would pay for the patch (it imports botocore)
at every cold start. ``trace_aws_calls`` patches it where AWS clients are built (``bootstrap``), so the
DynamoDB calls still appear as subsegments.

Nothing personal leaves in a trace. Powertools' Tracer records, by default, what a traced function returns
and the exception it raises as X-Ray metadata (a ticket, a presigned link, an export, a transcript): the
desk's ``tracer`` never does (``PrivateTracer``: every decorator defaults to ``capture_response=False,
capture_error=False``; the template also sets ``POWERTOOLS_TRACER_CAPTURE_RESPONSE`` / ``_ERROR`` to false).
The X-Ray SDK also writes the message of an exception that leaves a subsegment (a refusal may name a file or
echo what was typed): ``PrivateEmitter`` drops those messages before anything is sent, keeping the exception's
type and stack. Log lines carry ids and masks (``mask_email``), and an unexpected exception is logged by type
and place (``failure``), not by message. tests/test_traces.py reads what would be sent and logged.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast, overload

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.shared.types import AnyCallableT

logger = Logger()


class PrivateTracer(Tracer):
    """Powertools' Tracer whose decorators record timings, faults and annotations, never a return value nor an
    exception's content, unless a call site asks for it explicitly (none does: tests/test_traces.py)."""

    def capture_lambda_handler(
        self,
        lambda_handler: Callable[..., Any] | None = None,
        capture_response: bool | None = None,
        capture_error: bool | None = None,
    ) -> Callable[..., Any]:
        return super().capture_lambda_handler(
            lambda_handler, capture_response=bool(capture_response), capture_error=bool(capture_error)
        )

    @overload
    def capture_method(self, method: AnyCallableT) -> AnyCallableT: ...

    @overload
    def capture_method(
        self, method: None = None, capture_response: bool | None = None, capture_error: bool | None = None
    ) -> Callable[[AnyCallableT], AnyCallableT]: ...

    def capture_method(
        self,
        method: AnyCallableT | None = None,
        capture_response: bool | None = None,
        capture_error: bool | None = None,
    ) -> Any:
        # Powertools' overloads do not type a method given with flags; its implementation takes both.
        return super().capture_method(
            cast(Any, method), capture_response=bool(capture_response), capture_error=bool(capture_error)
        )


class PrivateEmitter:
    """The X-Ray emitter of the functions: the SDK's own (UDP to the daemon Lambda runs), after removing from
    each entity the messages of the exceptions it recorded (their type and stack stay, and the fault flag)."""

    def __init__(self, inner: Any | None = None) -> None:
        if inner is None:
            from aws_xray_sdk.core.emitters.udp_emitter import UDPEmitter  # type: ignore[import-untyped]

            inner = UDPEmitter()  # AWS_XRAY_DAEMON_ADDRESS, as the SDK's default emitter
        self._inner = inner

    def send_entity(self, entity: Any) -> None:
        _drop_exception_messages(entity)
        self._inner.send_entity(entity)

    def set_daemon_address(self, address: str | None) -> None:
        self._inner.set_daemon_address(address)


def _drop_exception_messages(entity: Any) -> None:
    cause = getattr(entity, "cause", None)
    for throwable in cause.get("exceptions", []) if isinstance(cause, dict) else []:
        if hasattr(throwable, "message"):
            del throwable.message
    for child in list(getattr(entity, "subsegments", None) or []):
        _drop_exception_messages(child)


class LazyXRayRecorder:
    """The X-Ray SDK's recorder, imported on first use. Powertools' Tracer imports the SDK when it is created,
    even disabled; with tracing off (production's default: ``POWERTOOLS_TRACE_DISABLED``, the template's
    ``TracingSdk`` parameter) nothing uses the recorder, so a function never imports the SDK (nor asyncio,
    which it imports). Turned on (a test, or the parameter), every call reaches the SDK's own recorder."""

    __module__ = "aws_xray_sdk.core.lazy"  # what Powertools checks to treat a provider as X-Ray's

    def __init__(self, disabled: Callable[[], bool]) -> None:
        self._disabled = disabled

    @contextmanager
    def in_subsegment(self, name: str | None = None, **kwargs: Any) -> Iterator[Any]:
        """Powertools' decorators open a subsegment even when tracing is disabled (the SDK then hands out a
        dummy one): a disabled tracer gets a subsegment that records nothing, without the SDK."""
        if self._disabled():
            yield _NoSubsegment()
            return
        import aws_xray_sdk.core as xray  # type: ignore[import-untyped]

        with xray.xray_recorder.in_subsegment(name, **kwargs) as subsegment:
            yield subsegment

    def __getattr__(self, name: str) -> Any:
        import aws_xray_sdk.core as xray

        if name in ("patch", "patch_all"):  # Powertools patches through its provider (as _patch_xray_provider)
            return getattr(xray, name)
        return getattr(xray.xray_recorder, name)


class _NoSubsegment:
    """What a disabled tracer's decorators annotate: nothing is kept."""

    def put_annotation(self, key: str, value: Any) -> None:
        """Dropped."""

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        """Dropped."""

    def add_exception(self, exception: BaseException, stack: Any, remote: bool = False) -> None:
        """Dropped."""


def _tracing_disabled() -> bool:
    return os.environ.get("POWERTOOLS_TRACE_DISABLED", "false").strip().lower() in ("true", "1", "yes", "on")


def _desk_tracer_disabled() -> bool:
    return bool(tracer.disabled)


tracer: PrivateTracer
if _tracing_disabled():
    tracer = PrivateTracer(auto_patch=False, provider=cast(Any, LazyXRayRecorder(_desk_tracer_disabled)))
else:
    tracer = PrivateTracer(auto_patch=False)
if not tracer.disabled:
    tracer.provider.configure(emitter=PrivateEmitter())  # type: ignore[attr-defined]  # the X-Ray recorder


def trace_aws_calls() -> None:
    """Record the AWS SDK's calls as X-Ray subsegments (a no-op when tracing is disabled)."""
    tracer.patch(("botocore",))


metrics = Metrics()


def failure(exc: BaseException, frames: int = 12) -> dict[str, Any]:
    """What a log line keeps of an unexpected exception: its type and where it was raised (file, line and
    function of its last ``frames`` frames), never its message, which may quote what a user sent (a validation
    error shows the input, a ``KeyError`` the key)."""
    stack = traceback.extract_tb(exc.__traceback__)[-frames:]
    return {
        "exception_name": type(exc).__name__,
        "stack": [f"{Path(frame.filename).name}:{frame.lineno} {frame.name}" for frame in stack],
    }


def mask_email(email: str | None) -> str | None:
    """``marie.dupont@exemple.fr`` → ``m***@exemple.fr``: enough to correlate, not enough to identify."""
    if not email or "@" not in email:
        return None if email is None else "***"
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"
