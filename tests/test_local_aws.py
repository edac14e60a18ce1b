"""The local stack's patches of moto (local_stack/aws.py): TransactWriteItems undone item by item, still
all-or-nothing, with moto's errors and cancellation reasons; no model instance kept for ever; Query reads
one partition and answers as moto does; a stream keeps its latest records."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from local_stack import aws
from local_stack.template import table_definition

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
    monkeypatch.setattr(Table, "query", Table.__dict__["query"])
    monkeypatch.setattr(StreamShard, "add", StreamShard.__dict__["add"])
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
