"""The local stack's event source mappings: each `DynamoDB` event of a function of template.yaml reads the
table's stream from moto and calls the real handler in-process, as Lambda's mapping does.

What is kept of Lambda's behaviour: the starting position; the event's filter patterns (the subset of the
EventBridge syntax that Lambda filtering knows and the template uses, see ``matches``), records that match
none being dropped; batches of at most ``BatchSize`` records in stream order, in Lambda's event shape; one
invocation at a time per function (the gateway's lock); the partial batch response (``batchItemFailures``):
the records before the first failed one are done, the next batch starts at it; a handler error fails the
whole batch (halved on the next attempt with ``BisectBatchOnFunctionError``); after ``MaximumRetryAttempts``
retries the failed records are given up, an on-failure record goes to the SQS destination, and reading goes
on; a position the stream trimmed before it was read (``TrimmedDataAccessException``, local_stack/aws.py keeps
a bounded stream): the lost records are reported in the log and reading starts again at the trim horizon, the
oldest record kept. Not reproduced: the batching window (a batch leaves as soon as records are there), the
maximum record age, shards splitting (moto has one shard per stream), parallelisation.
"""

from __future__ import annotations

import base64
import functools
import json
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from local_stack.template import Resolver, resources_of_type

Log = Callable[[str], None]
Handler = Callable[[dict[str, Any], Any], Any]

_OPERATORS = {"exists", "prefix", "anything-but"}


class PatternError(ValueError):
    """A filter pattern uses syntax the local stack does not implement (it would silently match otherwise)."""


# ------------------------------------------------------------------------------------------ the template
@dataclass(frozen=True)
class StreamSource:
    """A `DynamoDB` event of a function: which stream, from where, in which batches, what to do on failure."""

    function: str
    event: str
    stream_arn: str
    starting_position: str  # TRIM_HORIZON or LATEST
    batch_size: int
    maximum_retry_attempts: int  # -1: retry until the records expire (for ever, here)
    bisect_on_error: bool
    report_item_failures: bool
    filters: tuple[dict[str, Any], ...]  # any of them lets a record through; none: every record
    on_failure: str | None  # the ARN of the SQS queue that gets the given-up batches

    def accepts(self, record: Mapping[str, Any]) -> bool:
        return not self.filters or any(matches(pattern, record) for pattern in self.filters)


def stream_sources(template: dict[str, Any], resolver: Resolver) -> list[StreamSource]:
    """Every `DynamoDB` event of the template's functions, intrinsics resolved, SAM's defaults applied."""
    sources = []
    for function, spec in resources_of_type(template, "AWS::Serverless::Function").items():
        for name, event in spec["Properties"].get("Events", {}).items():
            if event["Type"] != "DynamoDB":
                continue
            props = resolver.resolve(event["Properties"])
            filters = tuple(json.loads(f["Pattern"]) for f in props.get("FilterCriteria", {}).get("Filters", []))
            for pattern in filters:
                check_pattern(pattern, f"{function}.{name}")
            on_failure = props.get("DestinationConfig", {}).get("OnFailure", {})
            if on_failure and on_failure.get("Type", "SQS") != "SQS":
                raise PatternError(f"{function}.{name}: only an SQS on-failure destination runs locally")
            sources.append(
                StreamSource(
                    function=function,
                    event=name,
                    stream_arn=str(props["Stream"]),
                    starting_position=str(props["StartingPosition"]),
                    batch_size=int(props.get("BatchSize", 100)),
                    maximum_retry_attempts=int(props.get("MaximumRetryAttempts", -1)),
                    bisect_on_error=bool(props.get("BisectBatchOnFunctionError", False)),
                    report_item_failures="ReportBatchItemFailures" in props.get("FunctionResponseTypes", []),
                    filters=filters,
                    on_failure=on_failure.get("Destination"),
                )
            )
    return sources


# --------------------------------------------------------------------------------------------- filtering
def check_pattern(pattern: Any, where: str) -> None:
    """Refuse what ``matches`` does not implement, at start, rather than filter wrongly."""
    if not isinstance(pattern, dict):
        raise PatternError(f"{where}: a filter pattern is a JSON object")
    for key, rule in pattern.items():
        if isinstance(rule, dict):
            check_pattern(rule, f"{where}.{key}")
            continue
        if not isinstance(rule, list):
            raise PatternError(f"{where}.{key}: a pattern's values are objects or lists of allowed values")
        for allowed in rule:
            if isinstance(allowed, dict) and (len(allowed) != 1 or next(iter(allowed)) not in _OPERATORS):
                raise PatternError(f"{where}.{key}: unsupported filter {json.dumps(allowed)}")


def matches(pattern: Mapping[str, Any], data: Any) -> bool:
    """Whether ``data`` matches an EventBridge-style pattern: every key of the pattern must match; an object
    matches the object under that key; a list allows any of its values (an array in the data matches if one
    of its elements does), or `{"exists": bool}`, `{"prefix": str}`, `{"anything-but": value or list}`."""
    for key, rule in pattern.items():
        present = isinstance(data, dict) and key in data
        value = data[key] if present else None
        if isinstance(rule, dict):
            if not present or not matches(rule, value):
                return False
        elif not any(_allows(allowed, present, value) for allowed in rule):
            return False
    return True


def _allows(allowed: Any, present: bool, value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    if not isinstance(allowed, dict):
        return present and any(v == allowed and isinstance(v, bool) == isinstance(allowed, bool) for v in values)
    ((operator, operand),) = allowed.items()
    if operator == "exists":
        return present is bool(operand)
    if operator == "prefix":
        return present and any(isinstance(v, str) and v.startswith(str(operand)) for v in values)
    refused = operand if isinstance(operand, list) else [operand]  # anything-but
    return present and all(v not in refused for v in values)


# ------------------------------------------------------------------------------------------- the event
def lambda_record(record: Mapping[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """A stream record, as boto3 reads it, in the shape Lambda gives it to the function."""
    stream = dict(record["dynamodb"])
    created = stream.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        stream["ApproximateCreationDateTime"] = int(created.timestamp())  # Lambda: seconds since the epoch
    return {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": _wire(stream),
        "eventSourceARN": stream_arn,
    }


def _wire(value: Any) -> Any:
    """boto3's attribute values as the JSON of the event: binary values in base64."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: _wire(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_wire(v) for v in value]
    return value


def _sequence(record: Mapping[str, Any]) -> str:
    return str(record["dynamodb"]["SequenceNumber"])


# ------------------------------------------------------------------------------------------- the poller
@dataclass(frozen=True)
class Outcome:
    """One invocation: the index of the first record not done (None: all done), and whether it raised."""

    failed_at: int | None
    error: bool = False


class StreamPoller:
    """Reads one event source's stream and delivers its records to the handler, in a daemon thread."""

    def __init__(
        self,
        source: StreamSource,
        handler: Handler,
        lock: threading.Lock,
        context: Callable[[], Any],
        streams: Any,
        sqs: Any,
        region: str,
        log: Log = print,
        idle_seconds: float = 0.2,
        backoff_seconds: tuple[float, float] = (0.2, 2.0),  # first retry's wait, the longest wait
    ) -> None:
        self.source = source
        self._handler = handler
        self._lock = lock
        self._context = context
        self._streams = streams
        self._sqs = sqs
        self._region = region
        self._log = log
        self._idle = idle_seconds
        self._backoff = backoff_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._shard_id = ""
        self._iterator: str | None = None
        self._pending: list[dict[str, Any]] = []  # read and let through by the filters, not done yet
        self._attempts = 0  # failed invocations in a row for the record at the head of _pending
        self._size = source.batch_size  # smaller while the halves of a failed batch are retried (bisect)
        self._halved = 0  # records of the failed batch still to go through at the smaller size
        self._next: int | None = None  # the sequence number of the next record to read, once known

    # ------------------------------------------------------------------ life
    def start(self) -> None:
        """Position on the stream now (what is written from here on is read), then poll in the background."""
        self.open()
        self._thread = threading.Thread(
            target=self._run, name=f"stream-{self.source.function}-{self.source.event}", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        """Stop polling; an invocation under way finishes first (within ``timeout``)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def open(self, position: str | None = None) -> None:
        """Position on the stream: the source's starting position, or ``position`` (TRIM_HORIZON, LATEST)."""
        shards = self._streams.describe_stream(StreamArn=self.source.stream_arn)["StreamDescription"]["Shards"]
        shard = shards[0]  # moto: one shard per stream, never split
        self._shard_id = shard["ShardId"]
        position = position or self.source.starting_position
        self._iterator = self._streams.get_shard_iterator(
            StreamArn=self.source.stream_arn, ShardId=self._shard_id, ShardIteratorType=position
        )["ShardIterator"]
        horizon = int(shard["SequenceNumberRange"]["StartingSequenceNumber"])
        self._next = horizon if position == "TRIM_HORIZON" else None

    def _trimmed(self) -> None:
        """The records from this reader's position on were trimmed before it read them (as DynamoDB trims what is
        older than 24 hours): they are lost. As Lambda's mapping, read on from the trim horizon; say which."""
        lost_from = self._next
        self.open("TRIM_HORIZON")
        horizon = self._next
        assert horizon is not None
        if lost_from is not None:
            what = f"{horizon - lost_from} record(s), sequence numbers {lost_from} to {horizon - 1},"
        else:
            what = f"the records before sequence number {horizon} not read yet"
        self._log(
            f"STREAM {self.source.function}: {what} trimmed from the stream before they were read: lost "
            f"(TrimmedDataAccessException); reading on from the trim horizon"
        )

    def _run(self) -> None:
        failing = False
        while not self._stop.is_set():
            try:
                worked = self.step()
                failing = False
            except Exception as error:  # moto unreachable (the stack stopping), a bug: say it once, go on
                if not failing and not self._stop.is_set():
                    self._log(f"STREAM {self.source.function}: cannot read the stream: {error!r}")
                failing, worked = True, False
            if not worked:
                self._stop.wait(self._idle)

    # ------------------------------------------------------------------ work
    def step(self) -> bool:
        """Read the stream if nothing is pending, deliver one batch; False when the stream had nothing new."""
        if not self._pending:
            if self._iterator is None:
                return False  # the shard is closed
            try:
                answer = self._streams.get_records(ShardIterator=self._iterator, Limit=1000)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "TrimmedDataAccessException":
                    raise
                self._trimmed()
                return True
            self._iterator = answer.get("NextShardIterator")
            if answer["Records"]:
                self._next = int(_sequence(answer["Records"][-1])) + 1
            records = [lambda_record(r, self.source.stream_arn, self._region) for r in answer["Records"]]
            self._pending = [r for r in records if self.source.accepts(r)]
            if not self._pending:
                return bool(records)  # records all filtered out: read on at once
        batch = self._pending[: self._size]
        outcome = self._invoke(batch)
        if outcome.failed_at is None:
            self._done(len(batch))
            return True
        self._done(outcome.failed_at)  # the records before the first failure are not delivered again
        failed = batch[outcome.failed_at :]
        self._attempts += 1
        limit = self.source.maximum_retry_attempts
        if 0 <= limit < self._attempts:
            self._give_up(failed, self._attempts)
            self._done(len(failed))
            return True
        if outcome.error and self.source.bisect_on_error and len(failed) > 1:
            self._size, self._halved = max(1, len(failed) // 2), len(failed)
        first, longest = self._backoff
        self._stop.wait(min(longest, first * 2 ** (self._attempts - 1)))
        return True

    def _done(self, count: int) -> None:
        """The first ``count`` pending records are through (delivered, or given up)."""
        if count:
            del self._pending[:count]
            self._attempts = 0
            self._halved -= count
            if self._halved <= 0:
                self._size, self._halved = self.source.batch_size, 0

    def _invoke(self, batch: Sequence[dict[str, Any]]) -> Outcome:
        started = time.perf_counter()
        try:
            with self._lock:
                result = self._handler({"Records": list(batch)}, self._context())
        except Exception as error:
            self._report(batch, f"error ({type(error).__name__}: {error})", started)
            self._log(traceback.format_exc().rstrip())
            return Outcome(0, error=True)
        outcome = self._partial(batch, result)
        if outcome.failed_at is None:
            self._report(batch, "ok", started)
        else:
            self._report(batch, f"{len(batch) - outcome.failed_at} to retry", started)
        return outcome

    def _partial(self, batch: Sequence[dict[str, Any]], result: Any) -> Outcome:
        """Lambda's reading of a partial batch response: retry from the lowest failed sequence number; an
        identifier that is missing, empty or not in the batch fails the whole batch."""
        if not self.source.report_item_failures or not isinstance(result, dict):
            return Outcome(None)
        failures = result.get("batchItemFailures") or []
        if not failures:
            return Outcome(None)
        positions = {_sequence(r): i for i, r in enumerate(batch)}
        indexes = [positions.get(str(f.get("itemIdentifier") or "")) if isinstance(f, dict) else None for f in failures]
        if any(i is None for i in indexes):
            return Outcome(0)
        return Outcome(min(i for i in indexes if i is not None))

    def _give_up(self, records: Sequence[dict[str, Any]], attempts: int) -> None:
        """The on-failure record Lambda sends for a stream batch it gives up on (the records' place, not them)."""
        if self.source.on_failure is None:
            self._log(f"STREAM {self.source.function}: {len(records)} record(s) given up after {attempts} attempts")
            return
        now = datetime.now(UTC)
        arrivals = [r["dynamodb"].get("ApproximateCreationDateTime") for r in records]

        def moment(seconds: Any) -> str:
            at = datetime.fromtimestamp(seconds, UTC) if isinstance(seconds, int | float) else now
            return at.strftime("%Y-%m-%dT%H:%M:%SZ")

        document = {
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": f"arn:aws:lambda:{self._region}:123456789012:function:{self.source.function}",
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": attempts,
            },
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
            "version": "1.0",
            "timestamp": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "DDBStreamBatchInfo": {
                "shardId": self._shard_id,
                "startSequenceNumber": _sequence(records[0]),
                "endSequenceNumber": _sequence(records[-1]),
                "approximateArrivalOfFirstRecord": moment(arrivals[0]),
                "approximateArrivalOfLastRecord": moment(arrivals[-1]),
                "batchSize": len(records),
                "streamArn": self.source.stream_arn,
            },
        }
        queue = self._sqs.get_queue_url(QueueName=self.source.on_failure.rsplit(":", 1)[1])["QueueUrl"]
        self._sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(document))
        self._log(
            f"STREAM {self.source.function}: {len(records)} record(s) given up after {attempts} attempts, "
            f"sent to {self.source.on_failure.rsplit(':', 1)[1]}"
        )

    def _report(self, batch: Sequence[dict[str, Any]], outcome: str, started: float) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        what = f"{self.source.function} ({len(batch)} record{'s' if len(batch) > 1 else ''})"
        self._log(f"{'STREAM':<6} {what:<40} {outcome} {elapsed:6.1f} ms")


def start_pollers(
    template: dict[str, Any],
    resolver: Resolver,
    handler_of: Callable[[str], Handler],
    lock_of: Callable[[str], threading.Lock],
    context_of: Callable[[str], Any],
    client: Callable[[str], Any],
    log: Log = print,
) -> list[StreamPoller]:
    """A poller per `DynamoDB` event of the template, positioned on its stream and started."""
    pollers = []
    for source in stream_sources(template, resolver):
        poller = StreamPoller(
            source,
            handler_of(source.function),
            lock_of(source.function),
            functools.partial(context_of, source.function),
            client("dynamodbstreams"),
            client("sqs"),
            resolver.region,
            log,
        )
        poller.start()
        pollers.append(poller)
    return pollers
