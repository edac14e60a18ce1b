"""A stream position trimmed before it was read, as DynamoDB Streams trims records older than 24 hours and the
local stack's bounded stream (local_stack/aws.py) trims the oldest beyond its size: GetRecords answers
``TrimmedDataAccessException``; the local event source mapping (local_stack/streams.py) reports the records
lost and reads on from the trim horizon, as Lambda's mapping starts again from the oldest record kept. With
the real mail function behind it: the mails of the records still in the stream leave once each, those of the
lost records never, and the log says how many records were lost."""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from chorus_desk import messages
from chorus_desk.usecases.mail import mail_key
from local_stack import aws
from local_stack.gateway import LambdaContext
from local_stack.streams import StreamPoller, stream_sources
from local_stack.template import Resolver, handler_of
from tests.mail_support import open_desk, sent_mails
from tests.support import Api
from tests.test_local_aws import Recorder, Stream, drain, poller, stream, streams_client

__all__ = ["stream"]  # the fixture, from tests/test_local_aws.py

KEPT = 20  # the stream's size in these tests: the oldest records beyond it are trimmed
TABLE = os.environ["TABLE_NAME"]
SENDER = os.environ["MAIL_SENDER"]
CONTACT = "compta.fournisseurs@menuiserie-dupont.example"


@pytest.fixture
def trimming(monkeypatch: pytest.MonkeyPatch) -> None:
    """The local stack's bounded stream, keeping ``KEPT`` records, for this test only."""
    from moto.dynamodb.models.table import StreamShard

    monkeypatch.setattr(StreamShard, "add", StreamShard.__dict__["add"])  # as it was, after the test
    monkeypatch.setattr(StreamShard, "get", StreamShard.__dict__["get"])
    monkeypatch.setattr(aws, "STREAM_RECORDS_KEPT", KEPT)
    aws.trim_streams()


def trim_horizon(arn: str) -> int:
    """The sequence number of the oldest record the stream keeps (a test's own look)."""
    shards = streams_client().describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    return int(shards[0]["SequenceNumberRange"]["StartingSequenceNumber"])


def next_sequence(arn: str) -> int:
    """The sequence number the stream's next record will have (a test's own look from the trim horizon)."""
    client = streams_client()
    shard = client.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = client.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = client.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    return int(records[-1]["dynamodb"]["SequenceNumber"]) + 1 if records else trim_horizon(arn)


def lost_line(function: str, first: int, horizon: int) -> str:
    return (
        f"STREAM {function}: {horizon - first} record(s), sequence numbers {first} to {horizon - 1}, trimmed from "
        f"the stream before they were read: lost (TrimmedDataAccessException); reading on from the trim horizon"
    )


def test_records_trimmed_before_they_were_read_are_reported_lost_and_reading_goes_on(
    stream: Stream, trimming: None
) -> None:
    handler, log = Recorder(), list[str]()
    reader = poller(stream, handler, log)
    stream.put(0, 1, 2)
    drain(reader)
    first_unread = int(handler.events[-1]["Records"][-1]["dynamodb"]["SequenceNumber"]) + 1
    stream.put(*range(3, 3 + 2 * KEPT))  # more than the stream keeps, before the reader looks again

    drain(reader)

    horizon = trim_horizon(stream.arn)
    lost = horizon - first_unread
    assert lost > 0
    assert lost_line("F", first_unread, horizon) in log
    delivered = [name for batch in handler.batches for name in batch]
    kept = [f"ticket#{n}" for n in range(3 + lost, 3 + 2 * KEPT)]
    assert delivered == ["ticket#0", "ticket#1", "ticket#2", *kept]  # each once, in order, none of the lost
    stream.put(99)
    drain(reader)
    assert handler.batches[-1] == ["ticket#99"]


# ------------------------------------------------------------------------------------- the mail function
@pytest.fixture
def mail_stream(
    aws_api: Api, template: dict[str, Any], trimming: None
) -> Iterator[tuple[Api, StreamPoller, list[str]]]:
    """The API on moto (the tests' world seeded), SES able to send, and the template's event source of the mail
    function reading the table's bounded stream into the real mail handler; its log."""
    boto3.client("secretsmanager").create_secret(
        Name=os.environ["SIGNING_SECRET_NAME"], SecretString=secrets.token_urlsafe(48)
    )
    arn = boto3.client("dynamodb").describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    resolver = Resolver(
        template, parameters={"Stage": "test"}, names={"DeskTable": TABLE}, attributes={"DeskTable.StreamArn": arn}
    )
    (source,) = (s for s in stream_sources(template, resolver) if s.function == "MailFunction")
    sqs = boto3.client("sqs")
    assert source.on_failure is not None
    sqs.create_queue(QueueName=source.on_failure.rsplit(":", 1)[1])
    log: list[str] = []
    for _desk in open_desk(template, SENDER):
        reader = StreamPoller(
            source,
            handler_of(template, "MailFunction"),
            threading.Lock(),
            lambda: LambdaContext.of(template, "MailFunction"),
            streams_client(),
            sqs,
            os.environ["AWS_DEFAULT_REGION"],
            log=log.append,
            backoff_seconds=(0, 0),
        )
        reader.open()
        drain(reader)  # the seeded world's records: no mail
        yield aws_api, reader, log


def submitted(api: Api, title: str) -> int:
    reply = api.create(contact_email=CONTACT, title=title)
    assert reply.status == 201, reply.body
    return int(reply.body["number"])


def confirmation(number: int) -> str:
    return str(messages.MAIL_SUBJECTS["CONFIRMATION"].format(number=number))


def test_the_mail_of_a_trimmed_record_is_lost_and_said_so_the_others_leave_once(
    mail_stream: tuple[Api, StreamPoller, list[str]],
) -> None:
    api, reader, log = mail_stream
    look = boto3.client("dynamodb")
    arn = look.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    first_unread = next_sequence(arn)  # the mapping has read every record so far (the seeded world's)
    lost = submitted(api, "Avant la coupure")
    lost_event = look.query(
        TableName=TABLE,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :event)",
        ExpressionAttributeValues={":pk": {"S": f"TICKET#{lost}"}, ":event": {"S": "EVENT#"}},
    )["Items"]
    for n in range(2 * KEPT):  # other writes, more than the stream keeps, before the mapping reads again
        look.put_item(TableName=TABLE, Item={"PK": {"S": f"FILLER#{n}"}, "SK": {"S": "FILLER"}})
    kept = submitted(api, "Après la coupure")
    horizon = trim_horizon(arn)  # where the mapping will start again (the mails it sends write on)

    drain(reader)

    assert [m.subject for m in sent_mails()] == [confirmation(kept)]  # the kept record's mail, once
    (event,) = lost_event
    journal = look.get_item(
        TableName=TABLE, Key={"PK": {"S": f"MAIL#{mail_key(lost, int(event['seq']['N']))}"}, "SK": {"S": "MAIL"}}
    )
    assert "Item" not in journal  # never claimed: the function never saw it
    assert sum("trimmed from the stream before they were read: lost" in line for line in log) == 1
    assert lost_line("MailFunction", first_unread, horizon) in log
    later = submitted(api, "Bien après")
    drain(reader)
    assert [m.subject for m in sent_mails()] == [confirmation(kept), confirmation(later)]
