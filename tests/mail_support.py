"""Test helpers of the mail consumer: the table's stream read from moto and handed to the mail function as
Lambda hands it (the template's FilterCriteria applied, the event shaped like a DynamoDB stream event), the
retry Lambda makes after a partial batch failure, and the mails SES (moto) sent, parsed back from MIME."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import boto3
from aws_lambda_powertools.utilities import parameters

from chorus_desk import bootstrap
from local_stack.gateway import LambdaContext
from local_stack.template import handler_of

ACCOUNT = "123456789012"  # moto's default account


def _region() -> str:
    return os.environ["AWS_DEFAULT_REGION"]


# ---------------------------------------------------------------------------------------- the stream
class StreamReader:
    """Reads a table's stream (moto) from its start, shard by shard, handing each record once."""

    def __init__(self, table_name: str) -> None:
        table = boto3.client("dynamodb").describe_table(TableName=table_name)["Table"]
        self.arn: str = table["LatestStreamArn"]
        # botocore ≥ 1.40 addresses the stream through an account endpoint (<account>.streams-ddb.<region>…),
        # which moto does not intercept; the regional endpoint is the same API.
        self._client = boto3.client(
            "dynamodbstreams", endpoint_url=f"https://streams.dynamodb.{_region()}.amazonaws.com"
        )
        self._iterators: dict[str, str | None] = {}

    def read(self) -> list[dict[str, Any]]:
        """The records written since the last read, in stream order, as the Lambda event carries them."""
        shards = self._client.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"]
        records: list[dict[str, Any]] = []
        for shard in shards:
            shard_id = shard["ShardId"]
            if shard_id not in self._iterators:
                self._iterators[shard_id] = self._client.get_shard_iterator(
                    StreamArn=self.arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
            while (iterator := self._iterators[shard_id]) is not None:
                page = self._client.get_records(ShardIterator=iterator)
                self._iterators[shard_id] = page.get("NextShardIterator")
                records += [self._lambda_record(r) for r in page["Records"]]
                if not page["Records"]:
                    break
        return records

    def _lambda_record(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """A GetRecords record in the shape Lambda gives it: the stream's ARN added, epoch seconds for the date."""
        shaped: dict[str, Any] = json.loads(json.dumps(record, default=_epoch))
        shaped.update(eventVersion="1.1", eventSource="aws:dynamodb", awsRegion=_region(), eventSourceARN=self.arn)
        return shaped


def _epoch(value: Any) -> Any:
    if isinstance(value, datetime):
        return int(value.timestamp())
    raise TypeError(f"not JSON: {value!r}")


# ------------------------------------------------------------------------- the template's filter
def pattern_matches(pattern: Any, value: Any) -> bool:
    """Lambda's event filtering for the pattern shapes the template uses: an object names keys that must all
    match; a list holds the exact values accepted. Any other shape is refused (extend the matcher)."""
    if isinstance(pattern, Mapping):
        return isinstance(value, Mapping) and all(
            key in value and pattern_matches(inner, value[key]) for key, inner in pattern.items()
        )
    if isinstance(pattern, list):
        if any(isinstance(choice, Mapping | list) for choice in pattern):
            raise NotImplementedError(f"filter rule not supported by this matcher: {pattern!r}")
        return not isinstance(value, Mapping | list) and value in pattern
    raise NotImplementedError(f"filter rule not supported by this matcher: {pattern!r}")


def event_filters(template: Mapping[str, Any], function: str) -> list[dict[str, Any]]:
    """The FilterCriteria patterns of the function's DynamoDB stream event(s)."""
    events = template["Resources"][function]["Properties"]["Events"]
    return [
        json.loads(f["Pattern"])
        for event in events.values()
        if event["Type"] == "DynamoDB"
        for f in event["Properties"]["FilterCriteria"]["Filters"]
    ]


def filtered(
    template: Mapping[str, Any], records: Iterable[dict[str, Any]], function: str = "MailFunction"
) -> list[dict[str, Any]]:
    """The records Lambda hands the function: those that match one of its filters (any one is enough)."""
    patterns = event_filters(template, function)
    return [r for r in records if any(pattern_matches(p, r) for p in patterns)]


# ------------------------------------------------------------------------------------ the consumer
class MailConsumer:
    """Invokes the real mail handler (the template's MailFunction) with stream events, as Lambda does."""

    def __init__(self, template: Mapping[str, Any]) -> None:
        self._handler = handler_of(dict(template), "MailFunction")
        self._invocations = 0

    def invoke(self, records: Iterable[dict[str, Any]]) -> list[str]:
        """One invocation; the sequence numbers of the records the function reported failed."""
        self._invocations += 1
        event = {"Records": copy.deepcopy(list(records))}
        context = LambdaContext(
            "MailFunction",
            256,
            60,
            f"mail-{self._invocations}",
            f"arn:aws:lambda:{_region()}:{ACCOUNT}:function:MailFunction",
            1e12,
        )
        response = self._handler(event, context)
        return [item["itemIdentifier"] for item in response["batchItemFailures"]]


def retry_batch(records: list[dict[str, Any]], failed: list[str]) -> list[dict[str, Any]]:
    """What Lambda hands again after a partial failure of a stream batch: the batch from its first failed
    record (lowest sequence number) on — the records after it come again, failed or not."""
    first = min(int(n) for n in failed)
    return [r for r in records if int(r["dynamodb"]["SequenceNumber"]) >= first]


def sequence_numbers(records: Iterable[Mapping[str, Any]]) -> list[str]:
    return [str(r["dynamodb"]["SequenceNumber"]) for r in records]


def fresh_adapters() -> None:
    """The functions build their adapters again on next use, in the current moto account: the ports, the
    mailer, the signing key, and Powertools' cache of the secret's value."""
    bootstrap.clear()
    parameters.clear_caches()  # type: ignore[no-untyped-call]


# ------------------------------------------------------------------------------------------- SES
def verify_sender(address: str) -> None:
    """SES can send as ``address`` (its identity is verified)."""
    boto3.client("sesv2").create_email_identity(EmailIdentity=address)


def ses_outage(address: str) -> None:
    """SES refuses every mail from ``address`` (MessageRejected) until ``verify_sender`` again."""
    boto3.client("sesv2").delete_email_identity(EmailIdentity=address)


@dataclass(frozen=True)
class SentMail:
    sender: str
    to: str
    subject: str
    text: str
    html: str
    content_types: tuple[str, ...]
    charsets: tuple[str | None, ...]


def sent_mails() -> list[SentMail]:
    """Every mail SES (moto) accepted so far, in order, parsed back from the raw MIME it received."""
    from moto.ses.models import ses_backends

    mails = []
    for raw in ses_backends[ACCOUNT][_region()].sent_messages:
        message = BytesParser(policy=policy.default).parsebytes(raw.raw_data.encode("utf-8"))
        assert isinstance(message, EmailMessage)
        parts = [p for p in message.walk() if not p.is_multipart()]
        bodies = {p.get_content_type(): p.get_content() for p in parts}
        mails.append(
            SentMail(
                sender=str(message["From"]),
                to=str(message["To"]),
                subject=str(message["Subject"]),
                text=bodies.get("text/plain", ""),
                html=bodies.get("text/html", ""),
                content_types=tuple(p.get_content_type() for p in parts),
                charsets=tuple(p.get_content_charset() for p in parts),
            )
        )
    return mails


# ------------------------------------------------------------------------------------- the whole loop
@dataclass(frozen=True)
class Delivery:
    failed: list[str]  # sequence numbers reported in batchItemFailures
    mails: list[SentMail]  # the mails SES accepted during the invocation


class MailDesk:
    """The table's stream, Lambda's filter and the real mail handler: what happens after the API wrote."""

    def __init__(self, template: Mapping[str, Any], table_name: str) -> None:
        self.template = template
        self.stream = StreamReader(table_name)
        self.consumer = MailConsumer(template)

    def records(self) -> list[dict[str, Any]]:
        """Every record written since the last call, unfiltered."""
        return self.stream.read()

    def handed(self, records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Of ``records``, those the template's filter lets through to the function."""
        return filtered(self.template, records)

    def invoke(self, records: Iterable[dict[str, Any]]) -> Delivery:
        """One invocation of the mail function with ``records`` as they are (no filter applied); the records
        that failed are reported (even when all did), and Lambda retries from the first one."""
        before = len(sent_mails())
        failed = self.consumer.invoke(records)
        return Delivery(failed, sent_mails()[before:])

    def deliver(self) -> Delivery:
        """What Lambda does next: the new records, filtered, in one batch (no invocation if none is left)."""
        batch = self.handed(self.records())
        return self.invoke(batch) if batch else Delivery([], [])


def open_desk(template: Mapping[str, Any], sender: str) -> Iterator[MailDesk]:
    """For a fixture (``yield from``): SES able to send as ``sender``, fresh adapters for the mail function,
    the stream records written so far (the seeded world's) already read; fresh adapters again after."""
    verify_sender(sender)
    fresh_adapters()
    desk = MailDesk(template, os.environ["TABLE_NAME"])
    desk.records()
    yield desk
    fresh_adapters()


def only_mail(delivery: Delivery) -> SentMail:
    """The one mail an invocation sent, no record failing."""
    assert delivery.failed == []
    assert len(delivery.mails) == 1, [m.subject for m in delivery.mails]
    return delivery.mails[0]
