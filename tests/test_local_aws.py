"""The local stack's patches of moto (local_stack/aws.py): TransactWriteItems undone item by item, still
all-or-nothing, with moto's errors and cancellation reasons; no model instance kept for ever; Query reads
one partition and answers as moto does; a stream keeps its latest records, its readers' latest iterators,
SES its latest mails. The template's other resources in moto (secret, queue, SES identity, bucket); the stream
consumer (local_stack/streams.py): filters, Lambda's event shape, batches, partial failures, retries and
the on-failure queue; S3 → EventBridge (local_stack/events.py): the rules' patterns, the event's shape, one
event per object created, asynchronous delivery and Lambda's retries; the local-only routes' mails and
captcha answers (local_stack/local_routes.py)."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from werkzeug.test import create_environ
from werkzeug.wrappers import Request

from local_stack import aws, events
from local_stack.local_routes import CaptchaAnswers, LocalRoutes, render_mails, sent_mails
from local_stack.streams import PatternError, StreamPoller, StreamSource, check_pattern, matches, stream_sources
from local_stack.template import Resolver, function_environment, table_definition
from tests.support import scan_result

TABLE = "chorus-desk-patch-test"
Transaction = list[dict[str, Any]]


def key(pk: str, sk: str = "A") -> dict[str, Any]:
    return {"PK": {"S": pk}, "SK": {"S": sk}}


def put(pk: str, sk: str = "A", condition: str | None = None, **attributes: Any) -> dict[str, Any]:
    item = {**key(pk, sk), **{k: {"S": v} if isinstance(v, str) else {"N": str(v)} for k, v in attributes.items()}}
    op: dict[str, Any] = {"TableName": TABLE, "Item": item}
    if condition:
        op |= {"ConditionExpression": condition, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}
    return {"Put": op}


def increment(pk: str, sk: str = "A") -> dict[str, Any]:
    return {
        "Update": {
            "TableName": TABLE,
            "Key": key(pk, sk),
            "UpdateExpression": "SET n = if_not_exists(n, :zero) + :one",
            "ExpressionAttributeValues": {":zero": {"N": "0"}, ":one": {"N": "1"}},
        }
    }


def delete(pk: str, sk: str = "A") -> dict[str, Any]:
    return {"Delete": {"TableName": TABLE, "Key": key(pk, sk)}}


def must_exist(pk: str, sk: str = "A") -> dict[str, Any]:
    return {
        "ConditionCheck": {
            "TableName": TABLE,
            "Key": key(pk, sk),
            "ConditionExpression": "attribute_exists(PK)",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
    }


@pytest.fixture
def patches(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Install the local stack's patches for one test; moto is as it was afterwards."""
    from moto.core.common_models import BaseModel
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import StreamShard, Table

    for name in ("transact_write_items", "put_item", "update_item", "delete_item", "batch_write_item"):
        monkeypatch.setattr(DynamoDBBackend, name, DynamoDBBackend.__dict__[name])  # restored at teardown
    monkeypatch.setattr(BaseModel, "__new__", BaseModel.__dict__["__new__"])
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend, ShardIterator
    from moto.ses.models import SESBackend

    monkeypatch.setattr(Table, "query", Table.__dict__["query"])
    monkeypatch.setattr(StreamShard, "add", StreamShard.__dict__["add"])
    monkeypatch.setattr(StreamShard, "get", StreamShard.__dict__["get"])
    monkeypatch.setattr(ShardIterator, "get", ShardIterator.__dict__["get"])
    monkeypatch.setattr(
        DynamoDBStreamsBackend, "get_shard_iterator", DynamoDBStreamsBackend.__dict__["get_shard_iterator"]
    )
    for name in ("send_email", "send_raw_email", "send_templated_email"):
        monkeypatch.setattr(SESBackend, name, SESBackend.__dict__[name])
    from moto.cognitoidp.models import CognitoIdpBackend

    monkeypatch.setattr(CognitoIdpBackend, "admin_create_user", CognitoIdpBackend.__dict__["admin_create_user"])
    return aws.patch_moto


@pytest.fixture
def table(template: dict[str, Any]) -> Iterator[Any]:
    """A fresh in-process moto with a table shaped like the desk table (keys, indexes, NEW_IMAGE stream)."""
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-3")
        client.create_table(**table_definition(template, "DeskTable", TABLE))
        yield client


def moto_table() -> Any:
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends["123456789012"]["eu-west-3"].tables[TABLE]  # moto's default account


def contents(client: Any) -> list[dict[str, Any]]:
    """Every item, sorted, and the number of stream records."""
    items = sorted(client.scan(TableName=TABLE)["Items"], key=lambda i: (i["PK"]["S"], i["SK"]["S"]))
    return [*items, {"stream": len(moto_table().stream_shard.items)}]


def outcome(client: Any, transaction: Transaction) -> dict[str, Any]:
    """What a TransactWriteItems answered (error code, message, cancellation reasons) and left in the table."""
    try:
        client.transact_write_items(TransactItems=transaction)
        answer: dict[str, Any] = {"ok": True}
    except ClientError as error:
        answer = {
            "code": error.response["Error"]["Code"],
            "message": error.response["Error"]["Message"],
            "reasons": error.response.get("CancellationReasons"),
        }
    return answer | {"table": contents(client)}


SEED: Transaction = [put("ticket#1", n=5, title="old"), put("ticket#2", title="kept"), put("counter")]
SCENARIOS: dict[str, Transaction] = {
    "all succeed": [put("ticket#3", title="new"), increment("ticket#1"), delete("ticket#2"), must_exist("counter")],
    "condition fails on the 2nd": [increment("ticket#1"), put("ticket#2", condition="attribute_not_exists(PK)")],
    "condition fails after a delete": [delete("ticket#2"), increment("counter"), must_exist("missing")],
    "condition fails after a creation": [increment("ticket#9"), put("ticket#10"), must_exist("missing", "B")],
    "two operations on one item": [increment("ticket#1"), delete("ticket#1")],
    "key without its sort key": [increment("ticket#1"), {"Delete": {"TableName": TABLE, "Key": {"PK": {"S": "x"}}}}],
    "unknown table": [increment("ticket#1"), {"Put": {"TableName": "nope", "Item": key("x")}}],
}


def moto_then_patched(
    patches: Callable[[], None], template: dict[str, Any], run: Callable[[Any], Any]
) -> tuple[Any, Any]:
    """``run`` on a fresh table with moto as it ships, then again after the local stack's patches."""
    results = []
    for patched in (False, True):
        if patched:
            patches()
        with mock_aws():
            client = boto3.client("dynamodb", region_name="eu-west-3")
            client.create_table(**table_definition(template, "DeskTable", TABLE))
            results.append(run(client))
    return results[0], results[1]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_same_answer_and_same_table_as_moto(
    scenario: str, patches: Callable[[], None], template: dict[str, Any]
) -> None:
    def run(client: Any) -> Any:
        client.transact_write_items(TransactItems=SEED)
        return outcome(client, SCENARIOS[scenario])

    moto_5, local = moto_then_patched(patches, template, run)
    assert local == moto_5


def test_a_failed_condition_in_the_second_item_leaves_the_first_unchanged(
    patches: Callable[[], None], table: Any
) -> None:
    patches()
    table.transact_write_items(TransactItems=SEED)
    before = contents(table)
    with pytest.raises(ClientError) as raised:
        table.transact_write_items(
            TransactItems=[increment("ticket#1"), put("ticket#2", condition="attribute_not_exists(PK)")]
        )
    assert raised.value.response["Error"]["Code"] == "TransactionCanceledException"
    first, second = raised.value.response["CancellationReasons"]
    assert first == {"Code": "None"}
    assert second["Code"] == "ConditionalCheckFailed"
    assert second["Item"] == {"PK": {"S": "ticket#2"}, "SK": {"S": "A"}, "title": {"S": "kept"}}
    assert contents(table) == before  # n is still 5, and no stream record was added


def test_a_successful_transaction_applies_everything(patches: Callable[[], None], table: Any) -> None:
    patches()
    table.transact_write_items(TransactItems=SEED)
    records = len(moto_table().stream_shard.items)
    table.transact_write_items(TransactItems=SCENARIOS["all succeed"])
    items = {i["PK"]["S"]: i for i in table.scan(TableName=TABLE)["Items"]}
    assert set(items) == {"ticket#1", "ticket#3", "counter"}
    assert items["ticket#1"]["n"] == {"N": "6"}
    assert items["ticket#3"]["title"] == {"S": "new"}
    assert len(moto_table().stream_shard.items) == records + 3  # put, update, delete


def test_no_table_is_copied(patches: Callable[[], None], table: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.dynamodb.models.table import Table

    def refuse(self: Any, memo: Any) -> Any:
        raise AssertionError("a transaction deep-copied a whole table")

    patches()
    monkeypatch.setattr(Table, "__deepcopy__", refuse, raising=False)
    table.transact_write_items(TransactItems=SEED)
    table.transact_write_items(TransactItems=[increment("ticket#1")])
    with pytest.raises(ClientError):
        table.transact_write_items(TransactItems=[increment("ticket#1"), must_exist("missing")])
    assert table.get_item(TableName=TABLE, Key=key("ticket#1"))["Item"]["n"] == {"N": "6"}


def test_concurrent_transactions_never_lose_an_update(patches: Callable[[], None], table: Any) -> None:
    """Half of the transactions fail after incrementing the counter; the counter counts the others exactly."""
    patches()
    table.put_item(TableName=TABLE, Item={**key("counter"), "n": {"N": "0"}})
    threads, rounds = 8, 25
    answers: list[tuple[bool, str]] = []  # (meant to fail, error code or "")

    def work(worker: int) -> None:
        client = boto3.session.Session().client("dynamodb", region_name="eu-west-3")
        for round_ in range(rounds):
            fails = round_ % 2 == 1
            last = must_exist("missing") if fails else put(f"done#{worker}", str(round_))
            try:
                client.transact_write_items(TransactItems=[increment("counter"), last])
                answers.append((fails, ""))
            except ClientError as error:
                answers.append((fails, error.response["Error"]["Code"]))

    workers = [threading.Thread(target=work, args=(w,)) for w in range(threads)]
    for each in workers:
        each.start()
    for each in workers:
        each.join(timeout=120)
    assert len(answers) == threads * rounds
    assert all(code == ("TransactionCanceledException" if fails else "") for fails, code in answers)
    succeeded = sum(not fails for fails, _ in answers)
    counter = table.get_item(TableName=TABLE, Key=key("counter"), ConsistentRead=True)["Item"]
    assert counter["n"] == {"N": str(succeeded)}
    done = [i for i in table.scan(TableName=TABLE)["Items"] if i["PK"]["S"].startswith("done#")]
    assert len(done) == succeeded


def test_moto_keeps_no_item_for_ever(patches: Callable[[], None], table: Any) -> None:
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.models.table import StreamRecord

    patches()

    def tracked() -> tuple[int, int]:
        return len(getattr(Item, "instances_tracked")), len(getattr(StreamRecord, "instances_tracked"))  # noqa: B009

    before = tracked()
    for number in range(20):
        table.transact_write_items(TransactItems=[put(f"ticket#{number}"), increment("counter")])
    assert tracked() == before


def test_the_writes_stay_serialized(patches: Callable[[], None]) -> None:
    from moto.dynamodb.models import DynamoDBBackend

    patches()
    patches()  # twice: no double wrapping, the lock still there
    method = DynamoDBBackend.transact_write_items
    assert getattr(method, "_serialized", False)
    assert getattr(method, "_item_rollback", False)
    assert not getattr(getattr(method, "__wrapped__"), "_serialized", False)  # noqa: B009


def query_pages(client: Any, **query: Any) -> list[list[dict[str, Any]]]:
    """Every page of a Query, following LastEvaluatedKey."""
    pages, start = [], None
    while True:
        page = client.query(TableName=TABLE, **query, **({"ExclusiveStartKey": start} if start else {}))
        pages.append(page["Items"])
        start = page.get("LastEvaluatedKey")
        if not start or len(pages) > 50:
            return pages


QUERIES: dict[str, dict[str, Any]] = {
    "a partition": {"KeyConditionExpression": "PK = :pk", "ExpressionAttributeValues": {":pk": {"S": "ORG#1"}}},
    "by pages, backwards": {
        "KeyConditionExpression": "PK = :pk AND begins_with(SK, :t)",
        "ExpressionAttributeValues": {":pk": {"S": "ORG#1"}, ":t": {"S": "TICKET#"}},
        "ScanIndexForward": False,
        "Limit": 3,
    },
    "a filter": {
        "KeyConditionExpression": "PK = :pk AND SK BETWEEN :a AND :b",
        "FilterExpression": "n > :two",
        "ExpressionAttributeValues": {
            ":pk": {"S": "ORG#1"},
            ":a": {"S": "TICKET#02"},
            ":b": {"S": "TICKET#08"},
            ":two": {"N": "2"},
        },
    },
    "an empty partition": {"KeyConditionExpression": "PK = :pk", "ExpressionAttributeValues": {":pk": {"S": "no"}}},
    "an index by pages": {
        "IndexName": "GSI1",
        "KeyConditionExpression": "GSI1PK = :pk",
        "ExpressionAttributeValues": {":pk": {"S": "EMITTER#1"}},
        "Limit": 4,
    },
}


def fill(client: Any) -> None:
    """Tickets of two organisations, in three partitions, listed on GSI1 by emitter."""
    for number in range(12):
        org = f"ORG#{number % 2}" if number < 10 else "ORG#1"
        index = {"GSI1PK": {"S": f"EMITTER#{number % 3}"}, "GSI1SK": {"S": f"{99 - number:04d}"}}
        item = {**key(org, f"TICKET#{number:02d}"), "n": {"N": str(number % 5)}, **index}
        client.put_item(TableName=TABLE, Item=item)
        client.put_item(TableName=TABLE, Item={**key(f"TICKET#{number}", "META"), "n": {"N": "1"}})


@pytest.mark.parametrize("query", QUERIES)
def test_query_answers_as_moto(query: str, patches: Callable[[], None], template: dict[str, Any]) -> None:
    def run(client: Any) -> Any:
        fill(client)
        return query_pages(client, **QUERIES[query])

    moto_5, local = moto_then_patched(patches, template, run)
    assert local == moto_5
    assert any(local) or query == "an empty partition"


def test_a_query_on_the_table_key_reads_one_partition(
    patches: Callable[[], None], table: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.dynamodb.models.table import Table

    def refuse(self: Any) -> Any:
        raise AssertionError("a Query went through every item of the table")

    patches()
    fill(table)
    monkeypatch.setattr(Table, "all_items", refuse)
    items = table.query(TableName=TABLE, **QUERIES["a partition"])["Items"]
    assert [i["SK"]["S"] for i in items] == [
        "TICKET#01",
        "TICKET#03",
        "TICKET#05",
        "TICKET#07",
        "TICKET#09",
        "TICKET#10",
        "TICKET#11",
    ]


def test_a_stream_keeps_its_latest_records(
    patches: Callable[[], None], table: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(aws, "STREAM_RECORDS_KEPT", 20)
    patches()
    shard = moto_table().stream_shard
    first = shard.starting_sequence_number
    for number in range(45):
        table.put_item(TableName=TABLE, Item=key(f"ticket#{number}"))
    assert 20 <= len(shard.items) <= 22
    numbers = [int(r.record["dynamodb"]["SequenceNumber"]) for r in shard.items]
    assert numbers == list(range(first + 45 - len(numbers), first + 45))  # the latest, numbered as before
    before = contents(table)[:-1]
    with pytest.raises(ClientError):  # undone, though the stream was trimmed in between
        table.transact_write_items(TransactItems=[put("new", n=1), increment("ticket#1"), must_exist("missing")])
    assert contents(table)[:-1] == before
    assert int(shard.items[-1].record["dynamodb"]["SequenceNumber"]) == first + 44
    table.transact_write_items(TransactItems=[put("new", n=1), increment("ticket#1")])
    assert int(shard.items[-1].record["dynamodb"]["SequenceNumber"]) == first + 46


# ------------------------------------------------------------------------------ stream records and mails kept
def streams_client() -> Any:
    # botocore addresses streams through an account endpoint that moto does not intercept; the regional one works.
    return boto3.client(
        "dynamodbstreams", region_name="eu-west-3", endpoint_url="https://streams.dynamodb.eu-west-3.amazonaws.com"
    )


def test_an_iterator_behind_the_trimmed_records_is_refused_as_aws_refuses_it(
    patches: Callable[[], None], table: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DynamoDB Streams answers TrimmedDataAccessException to an iterator whose records were trimmed before it
    read them; a new iterator at the trim horizon reads on from the oldest record kept."""
    monkeypatch.setattr(aws, "STREAM_RECORDS_KEPT", 20)
    patches()
    streams = streams_client()
    arn = table.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    for number in range(45):
        table.put_item(TableName=TABLE, Item=key(f"ticket#{number}"))
    with pytest.raises(ClientError) as refused:
        streams.get_records(ShardIterator=iterator["ShardIterator"])
    assert refused.value.response["Error"]["Code"] == "TrimmedDataAccessException"
    horizon = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=horizon["ShardIterator"])["Records"]
    oldest_kept = int(moto_table().stream_shard.items[0].record["dynamodb"]["SequenceNumber"])
    assert int(records[0]["dynamodb"]["SequenceNumber"]) == oldest_kept
    assert records[-1]["dynamodb"]["Keys"]["PK"] == {"S": "ticket#44"}


def test_moto_keeps_the_latest_shard_iterators_only(
    patches: Callable[[], None], table: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.dynamodbstreams.models import dynamodbstreams_backends

    monkeypatch.setattr(aws, "SHARD_ITERATORS_KEPT", 10)
    patches()
    streams = streams_client()
    arn = table.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    iterator = iterator["ShardIterator"]
    for number in range(50):
        table.put_item(TableName=TABLE, Item=key(f"ticket#{number}"))
        answer = streams.get_records(ShardIterator=iterator)
        assert [r["dynamodb"]["Keys"]["PK"]["S"] for r in answer["Records"]] == [f"ticket#{number}"]
        iterator = answer["NextShardIterator"]
    assert len(dynamodbstreams_backends["123456789012"]["eu-west-3"].shard_iterators) <= 12


def test_ses_keeps_the_latest_mails_only(patches: Callable[[], None], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aws, "MAILS_KEPT", 10)
    patches()
    with mock_aws():
        ses = boto3.client("sesv2", region_name="eu-west-3")
        ses.create_email_identity(EmailIdentity="desk@example.fr")
        for number in range(30):
            ses.send_email(
                FromEmailAddress="desk@example.fr",
                Destination={"ToAddresses": ["someone@example.fr"]},
                Content={"Simple": {"Subject": {"Data": f"n° {number}"}, "Body": {"Text": {"Data": "x"}}}},
            )
        mails = sent_mails("eu-west-3")
    assert 10 <= len(mails) <= 11
    assert mails[-1]["subject"] == "n° 29"


# -------------------------------------------------------------------------- the template's other resources
def test_secret_queue_and_mail_identity_as_the_template_declares_them(
    template: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(aws, "client", lambda service, _endpoint: boto3.client(service, region_name="eu-west-3"))
    with mock_aws():
        resolver = Resolver(template, parameters={"Stage": "dev"}, names=dict(aws.LOCAL_NAMES))
        aws.create_tables(template, resolver, "unused")
        aws.create_secrets(template, resolver, "unused")
        aws.create_queues(template, resolver, "unused")
        identity = aws.create_mail_identity(resolver, "unused")

        environment = function_environment(template, "MailFunction", resolver)
        secret = boto3.client("secretsmanager", region_name="eu-west-3").get_secret_value(
            SecretId=environment["SIGNING_SECRET_NAME"]
        )
        assert secret["Name"] == "chorus-desk/dev/status-link-key"
        value = secret["SecretString"]
        assert len(value) == 64 and value.isascii() and value.isalnum()
        assert function_environment(template, "PublicFunction", resolver)["SIGNING_SECRET_NAME"] == secret["ARN"]

        (source,) = (s for s in stream_sources(template, resolver) if s.function == "MailFunction")
        sqs = boto3.client("sqs", region_name="eu-west-3")
        url = sqs.get_queue_url(QueueName="chorus-desk-dev-mail-failures")["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert source.on_failure == attributes["QueueArn"]
        assert attributes["MessageRetentionPeriod"] == "1209600"
        assert (
            source.stream_arn
            == boto3.client("dynamodb").describe_table(TableName="chorus-desk-local")["Table"]["LatestStreamArn"]
        )

        assert identity == environment["MAIL_SENDER"] == "ne-pas-repondre@support-chorus.example.fr"
        identities = boto3.client("sesv2", region_name="eu-west-3").list_email_identities()["EmailIdentities"]
        assert [i["IdentityName"] for i in identities] == [identity]


def test_generated_secret_strings() -> None:
    first = aws.generate_secret_string({"PasswordLength": 64, "ExcludePunctuation": True})
    second = aws.generate_secret_string({"PasswordLength": 64, "ExcludePunctuation": True})
    assert len(first) == 64 and first.isalnum() and first != second
    assert len(aws.generate_secret_string({})) == 32
    digits = aws.generate_secret_string(
        {"ExcludeLowercase": True, "ExcludeUppercase": True, "ExcludePunctuation": True}
    )
    assert digits.isdigit()
    assert "a" not in aws.generate_secret_string({"PasswordLength": 500, "ExcludeCharacters": "a"})
    document = json.loads(
        aws.generate_secret_string({"SecretStringTemplate": '{"user": "desk"}', "GenerateStringKey": "password"})
    )
    assert document["user"] == "desk" and len(document["password"]) == 32


# ------------------------------------------------------------------------------ the stream consumer: filters
TEMPLATE_PATTERN_CASES = {
    "an answer": (("INSERT", "EVENT", "ANSWER"), True),
    "a submission": (("INSERT", "EVENT", "SUBMIT"), True),
    "taken in charge: no mail": (("INSERT", "EVENT", "TAKE_IN_CHARGE"), False),
    "a ticket item": (("INSERT", "TICKET", "ANSWER"), False),
    "a modified event": (("MODIFY", "EVENT", "ANSWER"), False),
}


def stream_record(event_name: str, entity: str | None, action: str | None) -> dict[str, Any]:
    image = {"PK": {"S": "TICKET#1"}}
    if entity is not None:
        image["entity"] = {"S": entity}
    if action is not None:
        image["action"] = {"S": action}
    return {"eventName": event_name, "eventSource": "aws:dynamodb", "dynamodb": {"NewImage": image}}


def resolver_with_stream(template: dict[str, Any]) -> Resolver:
    arn = "arn:aws:dynamodb:eu-west-3:123456789012:table/chorus-desk-local/stream/2026-11-25T00:00:00.000"
    return Resolver(
        template, parameters={"Stage": "dev"}, names=dict(aws.LOCAL_NAMES), attributes={"DeskTable.StreamArn": arn}
    )


def test_the_mail_functions_event_source_as_the_template_declares_it(template: dict[str, Any]) -> None:
    (source,) = (s for s in stream_sources(template, resolver_with_stream(template)) if s.function == "MailFunction")
    assert (source.function, source.event, source.starting_position) == ("MailFunction", "TicketEvents", "TRIM_HORIZON")
    assert source.stream_arn.endswith("/stream/2026-11-25T00:00:00.000")
    assert (source.batch_size, source.maximum_retry_attempts) == (10, 10)
    assert source.bisect_on_error and source.report_item_failures
    assert source.on_failure == "arn:aws:sqs:eu-west-3:123456789012:chorus-desk-dev-mail-failures"


@pytest.mark.parametrize("case", TEMPLATE_PATTERN_CASES)
def test_the_templates_filter_lets_only_mailed_history_events_through(template: dict[str, Any], case: str) -> None:
    (source,) = (s for s in stream_sources(template, resolver_with_stream(template)) if s.function == "MailFunction")
    fields, expected = TEMPLATE_PATTERN_CASES[case]
    assert source.accepts(stream_record(*fields)) is expected
    assert source.accepts(stream_record("INSERT", None, "ANSWER")) is False  # no entity attribute at all


def test_filter_values_and_operators() -> None:
    data = {"a": "x", "n": 1, "b": True, "tags": ["red", "blue"], "m": {"s": "prefix-1"}}
    assert matches({"a": ["x", "y"]}, data)
    assert not matches({"a": ["y"]}, data)
    assert matches({"tags": ["blue"]}, data)  # an array matches if one of its elements does
    assert not matches({"n": [True]}, data) and matches({"b": [True]}, data)  # a boolean is not a number
    assert matches({"m": {"s": [{"prefix": "prefix-"}]}}, data)
    assert matches({"z": [{"exists": False}], "a": [{"exists": True}]}, data)
    assert not matches({"a": [{"exists": False}]}, data)
    assert matches({"a": [{"anything-but": ["y", "z"]}]}, data) and not matches({"a": [{"anything-but": "x"}]}, data)
    assert not matches({"z": [{"anything-but": "x"}]}, data)  # absent: matches nothing but exists: false
    assert not matches({"m": {"s": ["prefix-1"], "t": ["x"]}}, data)  # every key must match
    assert not matches({"a": {"s": ["x"]}}, data)  # an object pattern needs an object


@pytest.mark.parametrize(
    "pattern", [{"a": [{"numeric": [">", 1]}]}, {"a": "x"}, {"a": [{"prefix": "p", "exists": True}]}]
)
def test_an_unsupported_filter_is_refused_at_start(pattern: dict[str, Any]) -> None:
    with pytest.raises(PatternError):
        check_pattern(pattern, "F.E")


# ------------------------------------------------------------------------- the stream consumer: delivery
@dataclass
class Stream:
    dynamodb: Any
    arn: str
    sqs: Any
    queue_url: str

    def put(self, *numbers: int) -> None:
        for number in numbers:
            self.dynamodb.put_item(TableName=TABLE, Item=key(f"ticket#{number}"))


@pytest.fixture
def stream(template: dict[str, Any]) -> Iterator[Stream]:
    """A table with its stream in a fresh in-process moto, and a queue for the given-up batches."""
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="eu-west-3")
        arn = dynamodb.create_table(**table_definition(template, "DeskTable", TABLE))["TableDescription"]
        sqs = boto3.client("sqs", region_name="eu-west-3")
        yield Stream(dynamodb, arn["LatestStreamArn"], sqs, sqs.create_queue(QueueName="failures")["QueueUrl"])


class Recorder:
    """A handler that records the batches it gets and fails as told (None: no failure)."""

    def __init__(self, fail: Callable[[list[str]], Any] | None = None) -> None:
        self.batches: list[list[str]] = []
        self.events: list[dict[str, Any]] = []
        self._fail = fail

    def __call__(self, event: dict[str, Any], _context: Any) -> Any:
        self.events.append(event)
        names = [r["dynamodb"]["Keys"]["PK"]["S"] for r in event["Records"]]
        self.batches.append(names)
        failed = self._fail(names) if self._fail else None
        if failed is None:
            return {"batchItemFailures": []}
        sequence = event["Records"][names.index(failed)]["dynamodb"]["SequenceNumber"]
        return {"batchItemFailures": [{"itemIdentifier": sequence}]}


def poller(stream: Stream, handler: Callable[..., Any], log: list[str], **source: Any) -> StreamPoller:
    declared = StreamSource(
        function="F",
        event="E",
        stream_arn=stream.arn,
        starting_position="TRIM_HORIZON",
        batch_size=3,
        maximum_retry_attempts=2,
        bisect_on_error=True,
        report_item_failures=True,
        filters=({"eventName": ["INSERT"]},),
        on_failure="arn:aws:sqs:eu-west-3:123456789012:failures",
    )
    made = StreamPoller(
        dataclasses.replace(declared, **source),
        handler,
        threading.Lock(),
        lambda: "context",
        streams_client(),
        stream.sqs,
        "eu-west-3",
        log=log.append,
        backoff_seconds=(0, 0),
    )
    made.open()
    return made


def drain(each: StreamPoller) -> None:
    for _ in range(100):
        if not each.step():
            return
    raise AssertionError("the poller never ran out of work")


def given_up(stream: Stream) -> list[dict[str, Any]]:
    messages = stream.sqs.receive_message(QueueUrl=stream.queue_url, MaxNumberOfMessages=10)
    return [json.loads(m["Body"]) for m in messages.get("Messages", [])]


def test_records_reach_the_handler_in_lambdas_shape_in_batches(stream: Stream) -> None:
    from aws_lambda_powertools.utilities.data_classes import DynamoDBStreamEvent

    stream.put(0, 1, 2, 3, 4)
    stream.dynamodb.put_item(TableName=TABLE, Item={**key("ticket#1"), "n": {"N": "2"}})  # MODIFY: filtered out
    handler, log = Recorder(), list[str]()
    drain(poller(stream, handler, log))
    assert handler.batches == [["ticket#0", "ticket#1", "ticket#2"], ["ticket#3", "ticket#4"]]
    record = handler.events[0]["Records"][0]
    assert set(record) == {
        "eventID",
        "eventName",
        "eventVersion",
        "eventSource",
        "awsRegion",
        "dynamodb",
        "eventSourceARN",
    }
    assert (record["eventSource"], record["awsRegion"], record["eventSourceARN"]) == (
        "aws:dynamodb",
        "eu-west-3",
        stream.arn,
    )
    assert set(record["dynamodb"]) == {
        "ApproximateCreationDateTime",
        "Keys",
        "NewImage",
        "SequenceNumber",
        "SizeBytes",
        "StreamViewType",
    }
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], int)
    parsed = list(DynamoDBStreamEvent(handler.events[1]).records)
    assert [
        (r.event_name.name if r.event_name else None, r.dynamodb.new_image["PK"]) for r in parsed if r.dynamodb
    ] == [
        ("INSERT", "ticket#3"),
        ("INSERT", "ticket#4"),
    ]
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for e in handler.events for r in e["Records"]]
    assert numbers == sorted(numbers)
    assert log[0].startswith("STREAM F (3 records)") and " ok " in log[0]

    later_handler = Recorder()
    later = poller(stream, later_handler, [], starting_position="LATEST")  # from the records written from now on
    stream.put(5)
    drain(later)
    assert later_handler.batches == [["ticket#5"]]


def test_a_partial_failure_is_retried_from_the_first_failed_record(stream: Stream) -> None:
    stream.put(0, 1, 2, 3, 4)
    failed_once: set[str] = set()

    def fail(names: list[str]) -> str | None:
        if "ticket#1" in names and "ticket#1" not in failed_once:
            failed_once.add("ticket#1")
            return "ticket#1"
        return None

    handler = Recorder(fail)
    drain(poller(stream, handler, []))
    assert handler.batches == [
        ["ticket#0", "ticket#1", "ticket#2"],
        ["ticket#1", "ticket#2", "ticket#3"],  # from the failed one on, ticket#0 is not sent again
        ["ticket#4"],
    ]
    assert given_up(stream) == []


def test_records_given_up_after_the_retries_go_to_the_on_failure_queue(stream: Stream) -> None:
    stream.put(0, 1, 2, 3, 4)
    handler, log = Recorder(lambda names: "ticket#1" if "ticket#1" in names else None), list[str]()
    drain(poller(stream, handler, log))
    assert handler.batches == [
        ["ticket#0", "ticket#1", "ticket#2"],  # ticket#1's first attempt
        *[["ticket#1", "ticket#2", "ticket#3"]] * 2,  # its 2 retries
        ["ticket#4"],  # the failed batch is given up, reading goes on
    ]
    (document,) = given_up(stream)
    failed = [r["dynamodb"]["SequenceNumber"] for r in handler.events[1]["Records"]]
    assert document["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert document["requestContext"]["approximateInvokeCount"] == 3
    info = document["DDBStreamBatchInfo"]
    assert (info["startSequenceNumber"], info["endSequenceNumber"], info["batchSize"]) == (failed[0], failed[-1], 3)
    assert info["streamArn"] == stream.arn
    assert any("given up after 3 attempts, sent to failures" in line for line in log)


def test_a_handler_error_fails_the_whole_batch_and_halves_it(stream: Stream) -> None:
    stream.put(0, 1, 2, 3, 4, 5, 6)

    def crash(names: list[str]) -> None:
        if "ticket#2" in names:
            raise RuntimeError("boom")

    handler = Recorder(crash)
    drain(poller(stream, handler, [], batch_size=4))
    assert handler.batches == [
        ["ticket#0", "ticket#1", "ticket#2", "ticket#3"],
        ["ticket#0", "ticket#1"],  # halved
        ["ticket#2", "ticket#3"],
        ["ticket#2"],  # halved again
        ["ticket#2"],  # the last retry
        ["ticket#3"],  # ticket#2 given up, the rest of the halved batch at the halved size
        ["ticket#4", "ticket#5", "ticket#6"],  # then full batches again (3 records were left)
    ]
    assert given_up(stream)[0]["DDBStreamBatchInfo"]["batchSize"] == 1


def test_an_unknown_failure_identifier_fails_the_whole_batch(stream: Stream) -> None:
    stream.put(0, 1)
    calls: list[int] = []

    def handler(event: dict[str, Any], context: Any) -> Any:
        calls.append(len(event["Records"]))
        return {"batchItemFailures": [{"itemIdentifier": "42" if len(calls) == 1 else ""}]} if len(calls) < 3 else {}

    drain(poller(stream, handler, []))
    assert calls == [2, 2, 2]  # "42" and "" are not in the batch: all of it again


def test_without_report_batch_item_failures_the_answer_is_ignored(stream: Stream) -> None:
    stream.put(0, 1)
    handler = Recorder(lambda names: names[0])
    drain(poller(stream, handler, [], report_item_failures=False))
    assert handler.batches == [["ticket#0", "ticket#1"]]


def test_a_poller_thread_stops_promptly(stream: Stream) -> None:
    handler = Recorder()
    running = poller(stream, handler, [])
    running.start()
    stream.put(0)
    deadline = time.monotonic() + 10
    while not handler.batches and time.monotonic() < deadline:
        time.sleep(0.05)
    started = time.monotonic()
    running.stop()
    assert time.monotonic() - started < 2
    assert handler.batches == [["ticket#0"]]
    assert not any(t.name == "stream-F-E" and t.is_alive() for t in threading.enumerate())


# ---------------------------------------------------------------------------- the template's bucket
BUCKET = "chorus-desk-local-attachments"


def attachments_resolver(template: dict[str, Any]) -> Resolver:
    return Resolver(template, parameters={"Stage": "dev"}, names=dict(aws.LOCAL_NAMES))


def test_the_bucket_as_the_template_declares_it(template: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aws, "client", lambda service, _endpoint: boto3.client(service, region_name="eu-west-3"))
    with mock_aws():
        resolver = attachments_resolver(template)
        # The portal's bucket too (tests/test_template_web.py); the local stack serves web/dist itself.
        assert aws.create_buckets(template, resolver, "unused")["AttachmentsBucket"] == BUCKET
        s3 = boto3.client("s3", region_name="eu-west-3")
        assert s3.get_bucket_location(Bucket=BUCKET)["LocationConstraint"] == "eu-west-3"
        (cors,) = s3.get_bucket_cors(Bucket=BUCKET)["CORSRules"]
        assert (cors["AllowedOrigins"], sorted(cors["AllowedMethods"]), cors["MaxAgeSeconds"]) == (
            ["http://localhost:3000"],
            ["GET", "POST"],
            600,
        )
        rule, exports = s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"]
        assert (rule["ID"], rule["Status"], rule["Filter"], rule["Expiration"]) == (
            "unconfirmed-uploads",
            "Enabled",
            {"Prefix": "uploads/"},
            {"Days": 1},
        )
        assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
        assert (exports["ID"], exports["Status"], exports["Filter"], exports["Expiration"]) == (
            "expired-exports",
            "Enabled",
            {"Prefix": "exports/"},
            {"Days": 1},
        )
        (encryption,) = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"]
        assert encryption["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
        assert all(s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"].values())
        from moto.s3.models import s3_backends

        # moto keeps the EventBridge configuration (what the local bus reads) but leaves it out of its answer.
        notifications = s3_backends["123456789012"]["aws"].get_bucket(BUCKET).notification_configuration
        assert notifications is not None and notifications.event_bridge is not None

        for function in ("TicketsFunction", "AttachmentsFunction", "ExportsFunction"):
            assert function_environment(template, function, resolver)["ATTACHMENTS_BUCKET"] == BUCKET
        assert resolver.resolve({"Fn::Sub": "${AttachmentsBucket.Arn}/uploads/*"}) == f"arn:aws:s3:::{BUCKET}/uploads/*"


# ------------------------------------------------------------------------------ S3 → EventBridge: rules
def created(key: str, bucket: str = BUCKET, **changes: Any) -> dict[str, Any]:
    event = events.object_created(
        bucket=bucket, key=key, size=3, etag='"abc"', reason="POST Object", account="123456789012", region="eu-west-3"
    )
    return {**event, **changes}


def test_the_attachments_functions_rules_as_the_template_declares_them(template: dict[str, Any]) -> None:
    every = events.event_rules(template, attachments_resolver(template))
    rules = {r.event: r for r in every if r.function == "AttachmentsFunction"}
    assert set(rules) == {"UploadStored", "ScanResult"}
    upload, scan = rules["UploadStored"], rules["ScanResult"]
    assert (upload.function, upload.bus, scan.function) == ("AttachmentsFunction", "default", "AttachmentsFunction")
    assert upload.pattern["detail"]["bucket"] == {"name": [BUCKET]}  # the Ref resolved to the local bucket
    # Lambda's asynchronous retries of a function error; the rule's own policy is for delivery failures.
    assert (upload.maximum_retry_attempts, upload.maximum_event_age) == (2, 3600)  # EventInvokeConfig
    assert upload.retry_policy == {"MaximumRetryAttempts": 8, "MaximumEventAgeInSeconds": 3600}

    assert upload.accepts(created("uploads/12/abc"))
    assert not upload.accepts(created("files/12/abc"))  # the check's own copy under files/
    assert not upload.accepts(created("x/uploads/12/abc"))  # a prefix, not a substring
    assert not upload.accepts(created("uploads/12/abc", bucket="another-bucket"))
    assert not upload.accepts(created("uploads/12/abc", **{"detail-type": "Object Deleted"}))
    assert not upload.accepts(created("uploads/12/abc", source="aws.guardduty"))
    assert not upload.accepts({k: v for k, v in created("uploads/12/abc").items() if k != "detail"})

    assert scan.accepts(scan_result(BUCKET, "files/12/abc", clean=True))
    assert not scan.accepts(scan_result("another-bucket", "files/12/abc", clean=True))
    assert not scan.accepts(created("files/12/abc")) and not upload.accepts(
        scan_result(BUCKET, "uploads/12/abc", clean=True)
    )


def one_rule_template(**properties: Any) -> dict[str, Any]:
    event = {"Type": "EventBridgeRule", "Properties": {"Pattern": {"source": ["aws.s3"]}, **properties}}
    return {"Resources": {"F": {"Type": "AWS::Serverless::Function", "Properties": {"Events": {"E": event}}}}}


def test_what_the_local_bus_does_not_implement_is_refused_at_start() -> None:
    (rule,) = events.event_rules(one_rule_template(), Resolver(one_rule_template()))
    assert (rule.function, rule.event, rule.pattern) == ("F", "E", {"source": ["aws.s3"]})
    as_text = one_rule_template(Pattern='{"source": ["aws.s3"]}')
    assert events.event_rules(as_text, Resolver(as_text))[0].pattern == {"source": ["aws.s3"]}
    disabled = one_rule_template(State="DISABLED")
    assert events.event_rules(disabled, Resolver(disabled)) == []
    for unsupported in (
        one_rule_template(InputTransformer={"InputTemplate": "{}"}),
        one_rule_template(Input="{}"),
        one_rule_template(Pattern={"detail": {"size": [{"numeric": [">", 0]}]}}),
    ):
        with pytest.raises(PatternError):
            events.event_rules(unsupported, Resolver(unsupported))


# ------------------------------------------------------------------------- S3 → EventBridge: the hook
@pytest.fixture
def s3_events(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """The EventBridge events of the objects created in this test's moto; moto is as it was afterwards."""
    from moto.s3 import notifications
    from moto.s3.models import S3Backend

    monkeypatch.setattr(notifications, "send_event", notifications.send_event)
    monkeypatch.setattr(S3Backend, "complete_multipart_upload", S3Backend.__dict__["complete_multipart_upload"])
    monkeypatch.setattr(events, "_s3_listeners", [])
    published: list[dict[str, Any]] = []
    stop = events.listen_to_s3(published.append)
    yield published
    stop()


def test_one_event_per_object_created_in_aws_shape(
    template: dict[str, Any], monkeypatch: pytest.MonkeyPatch, s3_events: list[dict[str, Any]]
) -> None:
    import hashlib
    import re

    import requests

    monkeypatch.setattr(aws, "client", lambda service, _endpoint: boto3.client(service, region_name="eu-west-3"))
    with mock_aws():
        aws.create_buckets(template, attachments_resolver(template), "unused")
        s3 = boto3.client("s3", region_name="eu-west-3")
        s3.create_bucket(Bucket="quiet", CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})

        s3.put_object(Bucket=BUCKET, Key="uploads/1/put", Body=b"hello")
        s3.put_object(Bucket="quiet", Key="uploads/1/put", Body=b"hello")  # no EventBridge notification
        form = s3.generate_presigned_post(BUCKET, "uploads/1/post", Fields={"Content-Type": "application/pdf"})
        posted = requests.post(form["url"], data=form["fields"], files={"file": ("a.pdf", b"%PDF-1.4")}, timeout=5)
        assert posted.status_code == 204
        s3.copy_object(Bucket=BUCKET, Key="files/1/put", CopySource={"Bucket": BUCKET, "Key": "uploads/1/put"})
        upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key="uploads/1/parts")["UploadId"]
        part = s3.upload_part(Bucket=BUCKET, Key="uploads/1/parts", UploadId=upload_id, PartNumber=1, Body=b"x")
        s3.complete_multipart_upload(
            Bucket=BUCKET,
            Key="uploads/1/parts",
            UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
        )
        s3.put_object_tagging(Bucket=BUCKET, Key="files/1/put", Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
        s3.delete_object(Bucket=BUCKET, Key="uploads/1/put")

    assert [(e["detail"]["object"]["key"], e["detail"]["reason"]) for e in s3_events] == [
        ("uploads/1/put", "PutObject"),
        ("uploads/1/post", "POST Object"),
        ("files/1/put", "CopyObject"),
        ("uploads/1/parts", "CompleteMultipartUpload"),
    ]
    first = s3_events[0]
    assert set(first) == {"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"}
    assert (first["version"], first["detail-type"], first["source"]) == ("0", "Object Created", "aws.s3")
    assert (first["account"], first["region"], first["resources"]) == (
        "123456789012",
        "eu-west-3",
        [f"arn:aws:s3:::{BUCKET}"],
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", first["time"])
    detail = first["detail"]
    assert set(detail) == {"version", "bucket", "object", "request-id", "requester", "source-ip-address", "reason"}
    assert (detail["version"], detail["bucket"], detail["requester"]) == ("0", {"name": BUCKET}, "123456789012")
    assert detail["object"] == {
        "key": "uploads/1/put",
        "size": 5,
        "etag": hashlib.md5(b"hello").hexdigest(),  # noqa: S324 - S3's ETag of a single-part object
        "sequencer": detail["object"]["sequencer"],
    }
    sequencers = [int(e["detail"]["object"]["sequencer"], 16) for e in s3_events]
    assert sequencers == sorted(set(sequencers))  # increasing, as S3's are for one key
    assert len({e["id"] for e in s3_events}) == len(s3_events)


# ------------------------------------------------------------------------- S3 → EventBridge: delivery
class Flaky:
    """A handler that fails its first ``failures`` calls, and records the events it got and whether the lock
    was held."""

    def __init__(self, failures: int, lock: threading.Lock) -> None:
        self.failures = failures
        self.calls: list[tuple[dict[str, Any], Any, bool]] = []
        self._lock = lock

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, str]:
        self.calls.append((event, context, self._lock.locked()))
        if len(self.calls) <= self.failures:
            raise RuntimeError(f"boom {len(self.calls)}")
        return {"outcome": "accepted"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def bus_of(handler: Flaky, lock: threading.Lock, log: list[str], **rule: Any) -> tuple[events.EventBus, Clock]:
    clock = Clock()
    bus = events.EventBus(
        [events.EventRule(function="F", event="E", pattern={"source": ["aws.s3"]}, **rule)],
        handler_of=lambda _function: handler,
        lock_of=lambda _function: lock,
        context_of=lambda function: f"context of {function}",
        log=log.append,
        retry_waits=(1.0, 2.0),
        clock=clock,
    )
    return bus, clock


def run_due(bus: events.EventBus) -> int:
    delivered = 0
    while bus.step():
        delivered += 1
    return delivered


def test_a_matching_event_reaches_the_handler_under_the_functions_lock() -> None:
    lock, log = threading.Lock(), list[str]()
    handler = Flaky(0, lock)
    bus, _ = bus_of(handler, lock, log)
    assert bus.put({"source": "aws.guardduty"}) == []  # matches no rule
    assert [r.event for r in bus.put(created("uploads/1/a"))] == ["E"]
    assert bus.put(created("uploads/1/b"), bus="another-bus") == []  # rules of the default bus only
    assert run_due(bus) == 1
    ((event, context, locked),) = handler.calls
    assert (event["detail"]["object"]["key"], context, locked) == ("uploads/1/a", "context of F", True)
    assert bus.idle()
    assert log[0].startswith("EVENT  F (Object Created uploads/1/a)") and " ok " in log[0]


def test_a_function_error_is_retried_as_lambda_retries_an_asynchronous_invocation() -> None:
    lock, log = threading.Lock(), list[str]()
    handler = Flaky(2, lock)
    bus, clock = bus_of(handler, lock, log)
    bus.put(created("uploads/1/a"))
    assert run_due(bus) == 1  # the first attempt fails
    assert run_due(bus) == 0 and not bus.idle()  # the retry waits (Lambda: a minute; here a second)
    clock.now += 1.0
    assert run_due(bus) == 1  # the second attempt fails
    clock.now += 1.0
    assert run_due(bus) == 0  # then two seconds
    clock.now += 1.0
    assert run_due(bus) == 1
    assert len(handler.calls) == 3 and bus.idle()
    assert [c[0] for c in handler.calls] == [handler.calls[0][0]] * 3  # the same event each time
    assert "error (RuntimeError: boom 1)" in log[0]
    assert any(line.startswith("EVENT  F (Object Created uploads/1/a, attempt 3)") and " ok " in line for line in log)


def test_an_event_is_given_up_after_the_retries_or_once_too_old() -> None:
    lock, log = threading.Lock(), list[str]()
    always = Flaky(100, lock)
    bus, clock = bus_of(always, lock, log)
    bus.put(created("uploads/1/a"))
    for _ in range(5):
        run_due(bus)
        clock.now += 2.0
    assert len(always.calls) == 3 and bus.idle()  # the first attempt and Lambda's 2 retries
    assert "EVENT  F: Object Created uploads/1/a given up after 3 attempts" in log

    none, log = Flaky(100, lock), []
    bus, clock = bus_of(none, lock, log, maximum_retry_attempts=0)
    bus.put(created("uploads/1/b"))
    run_due(bus)
    assert len(none.calls) == 1 and bus.idle()

    old, log = Flaky(100, lock), []
    bus, clock = bus_of(old, lock, log, maximum_event_age=60)
    bus.put(created("uploads/1/c"))
    clock.now += 61  # the event waited in the queue longer than its maximum age
    run_due(bus)
    assert len(old.calls) == 1 and bus.idle()
    assert "given up after 1 attempt" in log[-1]


def test_the_worker_delivers_in_the_background_and_stops_promptly() -> None:
    lock = threading.Lock()
    handler = Flaky(1, lock)
    bus = events.EventBus(
        [events.EventRule(function="F", event="E", pattern={"source": ["aws.s3"]})],
        handler_of=lambda _function: handler,
        lock_of=lambda _function: lock,
        context_of=lambda _function: None,
        log=lambda _line: None,
        retry_waits=(0.05,),
    )
    bus.start()
    bus.put(created("uploads/1/a"))
    deadline = time.monotonic() + 10
    while not (len(handler.calls) == 2 and bus.idle()) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(handler.calls) == 2 and all(locked for _, _, locked in handler.calls)
    started = time.monotonic()
    bus.stop()
    assert time.monotonic() - started < 2
    assert not any(t.name == "eventbridge" and t.is_alive() for t in threading.enumerate())


# ----------------------------------------------------------------------------------- the local-only routes
def test_a_mail_sent_through_the_ses_adapter_reads_back_whole() -> None:
    from chorus_desk.adapters.ses import SesMailer
    from chorus_desk.models import OutgoingMail

    mail = OutgoingMail(
        to="jeanne.martin@example.fr",
        subject="Chorus Pro – votre ticket n° 12 a bien été enregistré",
        text="Bonjour,\n\nMontant : 120 € « réglé ».\n" + "Une ligne longue, accentuée : éèàç. " * 10,
        html="<p>Bonjour, <b>120 €</b> « réglé »</p>",
        key="12#1",
    )
    with mock_aws():
        ses = boto3.client("sesv2", region_name="eu-west-3")
        ses.create_email_identity(EmailIdentity="desk@example.fr")
        SesMailer("desk@example.fr", client=ses).send(mail)
        (read,) = sent_mails("eu-west-3")
    assert read["to"] == mail.to
    assert read["subject"] == mail.subject
    assert read["from"] == "Support Chorus Pro <desk@example.fr>"
    assert read["text"].strip() == mail.text.strip()
    assert read["html"].strip() == mail.html
    assert read["date"]
    shown = render_mails([read, {**read, "subject": "second"}], last=1)
    assert "── mail 2 of 2 " in shown and "Subject: second" in shown and "mail 1 of 2" not in shown
    assert "Montant : 120 € « réglé »." in shown
    assert render_mails([]).startswith("No mail sent yet")


class Artist:
    def __init__(self) -> None:
        self.drawn: list[str] = []

    def draw(self, text: str) -> tuple[bytes, bytes]:
        self.drawn.append(text)
        return b"png", b"wav"


def test_the_answer_of_a_captcha_the_public_function_drew() -> None:
    from datetime import timedelta

    from chorus_desk import bootstrap
    from chorus_desk.adapters.memory import memory_ports
    from chorus_desk.usecases import public

    ports, artist = memory_ports(), Artist()
    module = SimpleNamespace(app=SimpleNamespace(dependency_overrides={bootstrap.captcha_artist: lambda: artist}))
    answers = CaptchaAnswers(ports=lambda: ports, kept=5)
    assert answers.install(module)
    assert not answers.install(SimpleNamespace())  # a function without a captcha artist
    drawing = module.app.dependency_overrides[bootstrap.captcha_artist]
    issued = [public.new_challenge(ports, drawing(), timedelta(minutes=5)) for _ in range(3)]
    assert [answers.answer(c.id) for c in issued] == artist.drawn  # the function's artist drew them
    assert answers.answer("unknown") is None
    for _ in range(5):
        public.new_challenge(ports, drawing(), timedelta(minutes=5))
    assert answers.answer(issued[0].id) is None  # only the latest texts are kept

    routes = LocalRoutes(answers, lambda: [{"to": "x"}])
    latest = public.new_challenge(ports, drawing(), timedelta(minutes=5))
    reply = routes(Request(create_environ(f"/_local/captcha/{latest.id}")))
    assert reply is not None and reply.status_code == 200
    assert json.loads(reply.get_data()) == {"id": latest.id, "answer": artist.drawn[-1]}
    missing = routes(Request(create_environ("/_local/captcha/a%20b")))
    assert missing is not None and missing.status_code == 404
    listed = routes(Request(create_environ("/_local/mails")))
    assert listed is not None and json.loads(listed.get_data()) == [{"to": "x"}]
    assert routes(Request(create_environ("/_local/mails", method="POST"))) is None  # the gateway's 403
    assert routes(Request(create_environ("/_local/other"))) is None
