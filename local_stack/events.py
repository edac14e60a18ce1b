"""The local stack's EventBridge, for what S3 tells it and what the desk's functions put on the desk's own bus:
when an object is created in a bucket whose ``NotificationConfiguration`` turns EventBridge on, S3 (moto, hooked
in this process) puts an "Object Created" event on the default bus, in the shape AWS gives it; when a function
calls ``events:PutEvents`` (moto, hooked as well), each accepted entry becomes the event EventBridge delivers, on
the bus the entry names. Every `EventBridgeRule` event of the template's functions on that bus whose pattern
matches it gets it, and the function's real handler runs in-process, asynchronously, as Lambda's asynchronous
invocation does.

What is kept of AWS's behaviour: the event's shape (``object_created``); the rule's pattern (the subset of the
syntax the template uses, refused at start otherwise: values, nested objects, ``prefix``, ``exists``,
``anything-but``; see ``local_stack.streams.matches``); the bus of each rule (S3 publishes on the default bus,
PutEvents on the bus its entry names; moto refuses an entry for a bus that does not exist); delivery
in the background (a worker thread fed by a queue: the S3 request does not wait for it), one invocation at
a time per function (the gateway's lock); a function error retried as Lambda retries an asynchronous
invocation: twice, or as the function's ``EventInvokeConfig`` says, within its maximum event age, after
waits that are Lambda's minute and two minutes in seconds here. The rule's ``RetryPolicy`` and
``DeadLetterConfig`` are read but come into play only when EventBridge cannot hand the event to Lambda at
all (missing function or permission, throttling), which cannot happen in-process: on AWS too, a function's
own error is Lambda's to retry, not EventBridge's. The last events put on the stack's own buses are kept
(``EventBus.recent``: ``GET /_local/events``, ``make events``). Not reproduced: other buses, input transformers, the
function's on-failure destinations (an event given up is logged), Lambda's occasional duplicate deliveries,
moto's own rules and targets (the template's rules are this module's, not moto's).
"""

from __future__ import annotations

import functools
import heapq
import itertools
import json
import secrets
import string
import threading
import time
import traceback
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from local_stack.streams import PatternError, check_pattern, matches
from local_stack.template import Resolver, resources_of_type

Log = Callable[[str], None]
Handler = Callable[[dict[str, Any], Any], Any]
Publish = Callable[[dict[str, Any]], Any]
PublishOn = Callable[[dict[str, Any], str], Any]  # an event, and the name of the bus it was put on

DEFAULT_BUS = "default"
LAMBDA_ASYNC_RETRIES = 2  # Lambda retries a failed asynchronous invocation twice unless EventInvokeConfig says less
LAMBDA_ASYNC_MAX_AGE = 21_600  # seconds: 6 hours
KEPT_EVENTS = 500  # how many of the last events put on the stack's buses GET /_local/events lists
LOCAL_RETRY_WAITS = (1.0, 2.0)  # Lambda waits 1 minute, then 2, between the attempts: seconds here

# S3's event names (moto's S3NotificationEvent values) that EventBridge receives as "Object Created", and the
# "reason" each one gives.
OBJECT_CREATED_REASONS = {
    "s3:ObjectCreated:Put": "PutObject",
    "s3:ObjectCreated:Post": "POST Object",
    "s3:ObjectCreated:Copy": "CopyObject",
    "s3:ObjectCreated:CompleteMultipartUpload": "CompleteMultipartUpload",
}
_UNSUPPORTED_TARGET_PROPERTIES = ("Input", "InputPath", "InputTransformer")


# ------------------------------------------------------------------------------------------ the template
@dataclass(frozen=True)
class EventRule:
    """An `EventBridgeRule` event of a function: the pattern, the bus, how Lambda retries the function."""

    function: str
    event: str
    pattern: dict[str, Any]
    bus: str = DEFAULT_BUS
    maximum_retry_attempts: int = LAMBDA_ASYNC_RETRIES  # of a function error (EventInvokeConfig)
    maximum_event_age: int = LAMBDA_ASYNC_MAX_AGE  # seconds; older events are not retried (EventInvokeConfig)
    retry_policy: dict[str, Any] = field(default_factory=dict)  # the rule's: delivery failures only (see above)

    def accepts(self, event: Mapping[str, Any]) -> bool:
        return matches(self.pattern, event)


def event_rules(template: dict[str, Any], resolver: Resolver) -> list[EventRule]:
    """Every enabled `EventBridgeRule` event of the template's functions, intrinsics resolved, patterns checked."""
    rules = []
    for function, spec in resources_of_type(template, "AWS::Serverless::Function").items():
        invoke_config = resolver.resolve(spec["Properties"].get("EventInvokeConfig", {}))
        for name, event in spec["Properties"].get("Events", {}).items():
            if event["Type"] != "EventBridgeRule":
                continue
            props = resolver.resolve(event["Properties"])
            where = f"{function}.{name}"
            if props.get("State", "ENABLED") != "ENABLED" or props.get("Enabled", True) is False:
                continue
            unsupported = [p for p in _UNSUPPORTED_TARGET_PROPERTIES if p in props]
            if unsupported:
                raise PatternError(f"{where}: {', '.join(unsupported)} is not implemented by the local stack")
            pattern = props["Pattern"]
            if isinstance(pattern, str):
                pattern = json.loads(pattern)
            check_pattern(pattern, where)
            rules.append(
                EventRule(
                    function=function,
                    event=name,
                    pattern=pattern,
                    bus=str(props.get("EventBusName", DEFAULT_BUS)),
                    maximum_retry_attempts=int(invoke_config.get("MaximumRetryAttempts", LAMBDA_ASYNC_RETRIES)),
                    maximum_event_age=int(invoke_config.get("MaximumEventAgeInSeconds", LAMBDA_ASYNC_MAX_AGE)),
                    retry_policy=dict(props.get("RetryPolicy", {})),
                )
            )
    return rules


# ------------------------------------------------------------------------------------------- the event
_sequencers = itertools.count(time.time_ns())


def _request_id() -> str:
    return "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(16))


def object_created(
    *,
    bucket: str,
    key: str,
    size: int,
    etag: str,
    reason: str,
    account: str,
    region: str,
    version_id: str | None = None,
    sequencer: str | None = None,
    moment: datetime | None = None,
) -> dict[str, Any]:
    """The "Object Created" event S3 puts on the default bus (Amazon S3 User Guide, "EventBridge event
    message structure"); ``version-id`` only in a versioned bucket; the key as stored (not URL-encoded)."""
    obj: dict[str, Any] = {"key": key, "size": size, "etag": etag.strip('"')}
    if version_id is not None:
        obj["version-id"] = version_id
    obj["sequencer"] = sequencer or f"{next(_sequencers):018X}"
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Object Created",
        "source": "aws.s3",
        "account": account,
        "time": (moment or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:aws:s3:::{bucket}"],
        "detail": {
            "version": "0",
            "bucket": {"name": bucket},
            "object": obj,
            "request-id": _request_id(),
            "requester": account,
            "source-ip-address": "127.0.0.1",
            "reason": reason,
        },
    }


# ----------------------------------------------------------------------------------- the hook into moto
_s3_listeners: list[Publish] = []
_s3_listeners_lock = threading.Lock()
_completing = threading.local()  # set while moto completes a multipart upload (see listen_to_s3)


def _s3_created(account_id: str, event_name: Any, bucket: Any, key: Any) -> dict[str, Any] | None:
    """The EventBridge event of one of moto's S3 notifications, None when EventBridge gets none."""
    reason = OBJECT_CREATED_REASONS.get(str(getattr(event_name, "value", event_name)))
    configuration = getattr(bucket, "notification_configuration", None)
    if reason is None or key is None or configuration is None or configuration.event_bridge is None:
        return None
    return object_created(
        bucket=bucket.name,
        key=key.name,
        size=int(key.size),
        etag=str(key.etag),
        reason=reason,
        account=account_id,
        region=bucket.region_name,
        version_id=key.version_id if bucket.is_versioned else None,
    )


def listen_to_s3(publish: Publish, log: Log = print) -> Callable[[], None]:
    """Have ``publish`` called with the EventBridge event of every object created in a bucket of this process's
    moto whose notifications go to EventBridge; returns what stops it.

    The hook is moto's ``notifications.send_event``, which every creation reaches with S3's event name:
    PutObject and the POST form (``put_object``, told the request's method), CopyObject (its ``put_object``
    call sends nothing, ``copy_object`` sends the Copy event), CompleteMultipartUpload (whose ``put_object``
    call sends a Put event as well: that one is dropped, so that each object created gives one event).
    """
    from moto.s3 import notifications
    from moto.s3.models import S3Backend

    with _s3_listeners_lock:
        if not getattr(notifications.send_event, "_local_stack", False):
            original = notifications.send_event
            original_complete = S3Backend.complete_multipart_upload

            @functools.wraps(original_complete)
            def complete_multipart_upload(self: Any, *args: Any, **kwargs: Any) -> Any:
                _completing.active = True
                try:
                    return original_complete(self, *args, **kwargs)
                finally:
                    _completing.active = False

            @functools.wraps(original)
            def send_event(account_id: str, event_name: Any, bucket: Any, key: Any) -> None:
                original(account_id, event_name, bucket, key)
                name = str(getattr(event_name, "value", event_name))
                if getattr(_completing, "active", False) and name == "s3:ObjectCreated:Put":
                    return  # the Put of a multipart upload's completion: its own event follows
                try:
                    event = _s3_created(account_id, event_name, bucket, key)
                except Exception as error:  # an S3 request must not fail because of its notification
                    log(f"EVENT  cannot build the S3 event of {getattr(key, 'name', key)!r}: {error!r}")
                    return
                if event is None:
                    return
                for listener in list(_s3_listeners):
                    try:
                        listener(event)
                    except Exception as error:
                        log(f"EVENT  cannot publish the S3 event of {key.name!r}: {error!r}")

            send_event._local_stack = True  # type: ignore[attr-defined]
            notifications.send_event = send_event
            S3Backend.complete_multipart_upload = complete_multipart_upload  # type: ignore[method-assign]
        _s3_listeners.append(publish)

    def stop() -> None:
        with _s3_listeners_lock:
            if publish in _s3_listeners:
                _s3_listeners.remove(publish)

    return stop


def put_event(
    entry: Mapping[str, Any], *, event_id: str, account: str, region: str, moment: datetime | None = None
) -> dict[str, Any]:
    """The event EventBridge delivers for one accepted PutEvents entry (EventBridge User Guide, "Amazon
    EventBridge events"): the entry's source, detail-type, resources and detail (parsed), the account and region
    of the caller; ``time`` the entry's if it gave one."""
    given = entry.get("Time")
    if isinstance(given, datetime):
        moment = given
    elif isinstance(given, int | float):
        moment = datetime.fromtimestamp(given, UTC)
    return {
        "version": "0",
        "id": event_id,
        "detail-type": entry["DetailType"],
        "source": entry["Source"],
        "account": account,
        "time": (moment or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": list(entry.get("Resources") or []),
        "detail": json.loads(entry["Detail"]),
    }


def bus_name(name_or_arn: str | None) -> str:
    """The bus an entry names, by name or ARN (none: the default bus)."""
    return str(name_or_arn).rsplit("/", 1)[-1] if name_or_arn else DEFAULT_BUS


_bus_listeners: list[PublishOn] = []
_bus_listeners_lock = threading.Lock()


def listen_to_put_events(publish: PublishOn, log: Log = print) -> Callable[[], None]:
    """Have ``publish`` called with the event of every entry this process's moto accepted in a PutEvents call,
    and the bus it was put on; returns what stops it.

    The hook is moto's ``EventsBackend.put_events``: it validates the entries (an entry without source, detail
    type or detail is refused, a bus that does not exist fails the call) and answers each accepted one with its
    event id, which the event delivered here keeps.
    """
    from moto.events.models import EventsBackend

    with _bus_listeners_lock:
        if not getattr(EventsBackend.put_events, "_local_stack", False):
            original: Any = EventsBackend.put_events

            @functools.wraps(original)
            def put_events(self: Any, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
                answers: list[dict[str, Any]] = original(self, entries)
                for entry, answer in zip(entries, answers, strict=False):
                    if "EventId" not in answer:
                        continue  # refused: EventBridge delivers nothing
                    try:
                        event = put_event(
                            entry, event_id=answer["EventId"], account=self.account_id, region=self.region_name
                        )
                    except Exception as error:  # a PutEvents call must not fail because of the local delivery
                        log(f"EVENT  cannot build the event of a PutEvents entry: {error!r}")
                        continue
                    for listener in list(_bus_listeners):
                        try:
                            listener(event, bus_name(entry.get("EventBusName")))
                        except Exception as error:
                            log(f"EVENT  cannot publish a PutEvents entry: {error!r}")
                return answers

            put_events._local_stack = True  # type: ignore[attr-defined]
            EventsBackend.put_events = put_events  # type: ignore[method-assign,assignment]
        _bus_listeners.append(publish)

    def stop() -> None:
        with _bus_listeners_lock:
            if publish in _bus_listeners:
                _bus_listeners.remove(publish)

    return stop


# ------------------------------------------------------------------------------------------- the bus
@dataclass
class _Delivery:
    rule: EventRule
    event: dict[str, Any]
    received: float  # when the bus got the event (monotonic)
    attempts: int = 0  # invocations so far


class EventBus:
    """The buses: matches each event against the rules of the bus it was put on and invokes the matching
    functions from a worker thread, retrying a function error as Lambda does (see the module's docstring)."""

    def __init__(
        self,
        rules: list[EventRule],
        handler_of: Callable[[str], Handler],
        lock_of: Callable[[str], threading.Lock],
        context_of: Callable[[str], Any],
        log: Log = print,
        retry_waits: tuple[float, ...] = LOCAL_RETRY_WAITS,
        clock: Callable[[], float] = time.monotonic,
        kept: int = KEPT_EVENTS,
    ) -> None:
        self.rules = rules
        self._handler_of = handler_of
        self._lock_of = lock_of
        self._context_of = context_of
        self._log = log
        self._waits = retry_waits
        self._clock = clock
        self._due: list[tuple[float, int, _Delivery]] = []  # a heap: (when, order, delivery)
        self._order = itertools.count()
        self._changed = threading.Condition()
        self._busy = 0  # deliveries taken off the heap and not settled yet
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # The last events put on the stack's own buses (not S3's on the default bus), for GET /_local/events.
        self._recent: deque[dict[str, Any]] = deque(maxlen=kept)

    # ------------------------------------------------------------------ publishing
    def put(self, event: dict[str, Any], bus: str = DEFAULT_BUS) -> list[EventRule]:
        """PutEvents: queue the event for every rule of ``bus`` that matches it; returns those rules."""
        matched = [r for r in self.rules if r.bus == bus and r.accepts(event)]
        now = self._clock()
        with self._changed:
            if bus != DEFAULT_BUS:
                self._recent.append({"bus": bus, **event})
            for rule in matched:
                self._schedule(_Delivery(rule, event, now), now)
        return matched

    def recent(self, source: str | None = None) -> list[dict[str, Any]]:
        """The last events put on the stack's buses, oldest first, each with its bus; of ``source`` only if given."""
        with self._changed:
            return [e for e in self._recent if source is None or e.get("source") == source]

    def _schedule(self, delivery: _Delivery, when: float) -> None:
        heapq.heappush(self._due, (when, next(self._order), delivery))
        self._changed.notify_all()

    # ------------------------------------------------------------------ life
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="eventbridge", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        """Stop delivering; an invocation under way finishes first (within ``timeout``)."""
        self._stop.set()
        with self._changed:
            self._changed.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    def idle(self) -> bool:
        """Nothing queued, nothing under way (retries included)."""
        with self._changed:
            return not self._due and not self._busy

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.step(wait=1.0)
            except Exception:  # a bug of the bus itself: say it, go on
                self._log(traceback.format_exc().rstrip())

    # ------------------------------------------------------------------ work
    def step(self, wait: float = 0) -> bool:
        """Deliver the next due event, waiting up to ``wait`` seconds for one; False if none was due."""
        with self._changed:
            deadline = self._clock() + wait
            while True:
                now = self._clock()
                if self._due and self._due[0][0] <= now:
                    _, _, delivery = heapq.heappop(self._due)
                    self._busy += 1
                    break
                if self._stop.is_set() or now >= deadline:
                    return False
                until = min(deadline, self._due[0][0]) if self._due else deadline
                self._changed.wait(max(0.0, until - now))
        try:
            self._deliver(delivery)
        finally:
            with self._changed:
                self._busy -= 1
                self._changed.notify_all()
        return True

    def _deliver(self, delivery: _Delivery) -> None:
        rule, event = delivery.rule, delivery.event
        delivery.attempts += 1
        started = time.perf_counter()
        try:
            with self._lock_of(rule.function):
                self._handler_of(rule.function)(event, self._context_of(rule.function))
        except Exception as error:
            self._report(delivery, f"error ({type(error).__name__}: {error})", started)
            self._log(traceback.format_exc().rstrip())
        else:
            self._report(delivery, "ok", started)
            return
        now = self._clock()
        retries = delivery.attempts - 1
        if retries >= rule.maximum_retry_attempts or now - delivery.received > rule.maximum_event_age:
            self._log(
                f"EVENT  {rule.function}: {_summary(event)} given up after {delivery.attempts} attempt"
                f"{'s' if delivery.attempts > 1 else ''}"
            )
            return
        wait = self._waits[min(retries, len(self._waits) - 1)] if self._waits else 0.0
        with self._changed:
            self._schedule(delivery, now + wait)

    def _report(self, delivery: _Delivery, outcome: str, started: float) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        attempt = f", attempt {delivery.attempts}" if delivery.attempts > 1 else ""
        what = f"{delivery.rule.function} ({_summary(delivery.event)}{attempt})"
        self._log(f"{'EVENT':<6} {what:<40} {outcome} {elapsed:6.1f} ms")


def _summary(event: Mapping[str, Any]) -> str:
    """What an event is about, for the console: its detail-type, and the object's key for S3."""
    key = (event.get("detail") or {}).get("object", {}).get("key") if isinstance(event.get("detail"), dict) else None
    return f"{event.get('detail-type')} {key}" if key else str(event.get("detail-type"))


def start_bus(
    template: dict[str, Any],
    resolver: Resolver,
    handler_of: Callable[[str], Handler],
    lock_of: Callable[[str], threading.Lock],
    context_of: Callable[[str], Any],
    log: Log = print,
) -> tuple[EventBus, Callable[[], None]]:
    """The buses with the template's rules, started, S3's events published on the default bus and PutEvents
    entries on theirs; returns the bus and what stops it (the hooks first, then the worker)."""
    bus = EventBus(event_rules(template, resolver), handler_of, lock_of, context_of, log)
    bus.start()
    unhook_s3 = listen_to_s3(bus.put, log)
    unhook_put_events = listen_to_put_events(bus.put, log)

    def stop() -> None:
        unhook_s3()
        unhook_put_events()
        bus.stop()

    return bus, stop
