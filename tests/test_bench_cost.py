"""The cost model's sizing (bench/cost.py): items sized by DynamoDB's published rules, and the requests of the
real DynamoDB adapter recorded at the client with the units DynamoDB would bill, transactions twice and each
index copy once. Expected values come from the items read back through another client."""

from __future__ import annotations

import math
import os

import boto3
from moto import mock_aws

from bench.cost import Recorder, Usage, item_size, read_units, write_units
from chorus_desk.adapters.dynamodb import dynamodb_ports
from chorus_desk.listing import Direction, Filters, ListQuery, Sort
from local_stack.template import load_template, table_definition
from tests import fixtures
from tests.test_lists_contract import first_entry, ticket


def test_an_item_is_sized_by_its_names_and_values() -> None:
    assert item_size({"PK": {"S": "TICKET#1"}}) == 2 + 8
    assert item_size({"title": {"S": "Électricité"}}) == 5 + len("Électricité".encode())  # UTF-8 bytes
    assert item_size({"n": {"N": "12345"}}) == 1 + 3 + 1  # about half the digits, plus one
    assert item_size({"n": {"N": "-0.0100"}}) == 1 + 1 + 1  # leading and trailing zeroes do not count
    assert item_size({"ok": {"BOOL": True}, "no": {"NULL": True}}) == 2 + 1 + 2 + 1
    assert item_size({"l": {"L": [{"S": "ab"}, {"N": "7"}]}}) == 1 + 3 + (1 + 2) + (1 + 2)
    assert item_size({"m": {"M": {"k": {"S": "v"}}}}) == 1 + 3 + (1 + 1 + 1)
    assert [write_units(s) for s in (1, 1024, 1025, 4000)] == [1, 1, 2, 4]
    assert [read_units(s, True) for s in (1, 4096, 4097)] == [1, 1, 2]
    assert read_units(5000, False) == 1  # eventually consistent: half


def test_a_ticket_written_and_listed_through_the_adapter_is_billed_as_dynamodb_would() -> None:
    with mock_aws():
        name = os.environ["TABLE_NAME"]
        definition = table_definition(load_template(), "DeskTable", name)
        raw = boto3.client("dynamodb")
        raw.create_table(**definition)
        indexes = [
            (i["IndexName"], i["KeySchema"][0]["AttributeName"], i["KeySchema"][1]["AttributeName"])
            for i in definition["GlobalSecondaryIndexes"]
        ]
        client = boto3.client("dynamodb")
        recorder = Recorder(raw, name, indexes)
        recorder.hook(client, "dynamodb")
        ports = dynamodb_ports(name, client)
        fixtures.seed(ports)
        new = ticket(7, "Facture rejetée", description="commun")
        with recorder.into(Usage()) as usage:
            ports.tickets.insert_ticket(new, first_entry(new))
        items = raw.query(
            TableName=name, KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": {"S": "TICKET#7"}}
        )["Items"]
        rows = raw.query(
            TableName=name, KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": {"S": "ROWS#7"}}
        )["Items"]
        assert usage.calls == {"dynamodb.TransactWriteItems": 1}
        table = {(w.kind, w.size): w.units for w in usage.writes if w.where == "table"}
        for item in items + rows:  # in the transaction: twice the units of each item's size
            kind = "list row" if item in rows else ("ticket" if item["SK"]["S"] == "TICKET" else "history entry")
            assert table[(kind, item_size(item))] == 2 * write_units(item_size(item))
        # Each list row is copied into the five list indexes: one write each, of its own size.
        copies = sorted((w.size, w.units) for w in usage.writes if w.kind == "list row" and w.where.startswith("List"))
        assert copies == sorted((item_size(r), float(write_units(item_size(r)))) for r in rows for _ in range(5))
        counters = [w for w in usage.writes if w.kind == "dashboard counter"]
        assert counters and all(w.units == 2 and w.where == "table" for w in counters)  # small, in the transaction

        # A filtered page is billed for every row it evaluated, those the filter dropped too.
        query = ListQuery(
            partitions=(rows[0]["LPK"]["S"],),
            sort=Sort.NUMBER,
            direction=Direction.ASC,
            size=25,
            filters=Filters(words=("introuvable",)),
        )
        with recorder.into(Usage()) as usage:
            page = ports.lists.page(query)
        assert page.rows == ()
        evaluated = sum(item_size(r) for r in rows if r["LPK"] == rows[0]["LPK"])
        assert usage.read_units == math.ceil(evaluated / 4096) / 2  # an index: eventually consistent
