"""The local stack's moto answers DynamoDB's attribute values as it holds them (``local_stack.aws``,
``serialize_attribute_values_as_they_are``): every type of value comes back as it was written, through the
server the local stack runs and through the in-process mock the tests use."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws
from moto.server import ThreadedMotoServer

from local_stack import aws

ITEM = {
    "PK": {"S": "TICKET#1"},
    "SK": {"S": "TICKET"},
    "title": {"S": "Électricité : facture rejetée"},
    "version": {"N": "12"},
    "amount": {"N": "-1234.50"},
    "scan": {"B": b"%PDF-1.7\x00\xff"},
    "open": {"BOOL": True},
    "service": {"NULL": True},
    "tags": {"SS": ["a", "b"]},
    "sizes": {"NS": ["1", "2.5"]},
    "blobs": {"BS": [b"\x00", b"\x01\x02"]},
    "history": {"L": [{"M": {"seq": {"N": "1"}, "by": {"S": "Marie"}, "raw": {"B": b"\x10"}}}, {"S": "x"}]},
    "assignee": {"M": {"id": {"S": "u-1"}, "name": {"S": "Lucas"}, "flags": {"L": [{"BOOL": False}]}}},
}


def round_trip(client: object) -> None:
    ddb = client
    ddb.create_table(  # type: ignore[attr-defined]
        TableName="t",
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "PK", "AttributeType": "S"},
            {"AttributeName": "SK", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName="t", Item=ITEM)  # type: ignore[attr-defined]
    got = ddb.get_item(TableName="t", Key={"PK": ITEM["PK"], "SK": ITEM["SK"]})["Item"]  # type: ignore[attr-defined]
    queried = ddb.query(  # type: ignore[attr-defined]
        TableName="t", KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": ITEM["PK"]}
    )["Items"]
    for found in (got, queried[0]):
        assert {k: v for k, v in found.items() if k not in ("tags", "sizes", "blobs")} == {
            k: v for k, v in ITEM.items() if k not in ("tags", "sizes", "blobs")
        }
        assert sorted(found["tags"]["SS"]) == ["a", "b"]
        assert sorted(found["sizes"]["NS"]) == ["1", "2.5"]
        assert sorted(found["blobs"]["BS"]) == [b"\x00", b"\x01\x02"]


def test_every_attribute_type_comes_back_as_written_in_process() -> None:
    aws.serialize_attribute_values_as_they_are()
    with mock_aws():
        round_trip(boto3.client("dynamodb", region_name="eu-west-3"))


@pytest.mark.enable_socket
def test_every_attribute_type_comes_back_as_written_through_the_server() -> None:
    aws.serialize_attribute_values_as_they_are()
    port = aws.free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        client = boto3.client(
            "dynamodb",
            region_name="eu-west-3",
            endpoint_url=f"http://127.0.0.1:{port}",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        round_trip(client)
    finally:
        server.stop()
