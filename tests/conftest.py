"""Shared fixtures: the tests' world (tests/fixtures.py) in in-memory ports or in moto-backed DynamoDB
ports (the table created from template.yaml), the attachments in memory or in a moto S3 bucket, and the
``api`` helpers (tests/support.py) that invoke the real handlers with the sample events of events/ on
either."""

from __future__ import annotations

import os

# The functions read their configuration once, at import: give them the test environment first.
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-west-3",
        "TABLE_NAME": "chorus-desk-test",
        "STAGE": "test",
        "CORS_ORIGIN": "http://localhost:3000",
        "POWERTOOLS_SERVICE_NAME": "chorus-desk",
        "POWERTOOLS_METRICS_NAMESPACE": "ChorusDesk",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "CRITICAL",
        "SIGNING_SECRET_NAME": "chorus-desk/test/status-link-key",
        "PSEUDONYM_SECRET_NAME": "chorus-desk/test/pseudonym-key",
        "ATTACHMENTS_BUCKET": "chorus-desk-test-attachments",
        "MAIL_SENDER": "ne-pas-repondre@support-chorus.example.fr",
        "STATUS_PAGE_URL": "https://support.example.fr/suivi/",
        "COMPANY_REGISTRY": "LOCAL",
        "SIRENE_KEY_NAME": "/chorus-desk/test/sirene-api-key",
        "INACTIVATION_STATE_MACHINE_ARN": (
            "arn:aws:states:eu-west-3:123456789012:stateMachine:chorus-desk-test-inactivate-structure"
        ),
        "USER_POOL_ID": "eu-west-3_testpool",
        "DESK_BUS_NAME": "chorus-desk-test",
        # The assistant's name and pages (the template's AssistantName and FaqLink* parameters): test values.
        "ASSISTANT_NAME": "ClaudIA",
        "FAQ_LINK_CREATE_ACCOUNT": "https://communaute.example.fr/compte",
        "FAQ_LINK_ACTIVATION": "https://communaute.example.fr/activation",
        "FAQ_LINK_SPACES": "https://communaute.example.fr/espaces",
        "FAQ_LINK_MANAGER": "https://communaute.example.fr/gestionnaires",
        "FAQ_LINK_SUBCONTRACTING": "https://communaute.example.fr/sous-traitance",
        "FAQ_LINK_STRUCTURES": "https://communaute.example.fr/structures",
        # The live chat: its WebSocket API's id (the management API's address), the agents' hours (every day, every
        # hour: the tests set their own clock where the hours matter), the pool's app client ($connect's audience).
        "CHAT_API_ID": "chatapi123",
        "CHAT_OFFICE_HOURS": "1-7 00:00-24:00",
        "USER_POOL_CLIENT_ID": "chat-test-client",
    }
)

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chorus_desk.adapters.dynamodb import dynamodb_ports
from chorus_desk.adapters.memory import memory_ports
from chorus_desk.adapters.s3 import S3Files
from chorus_desk.ports import Ports
from local_stack.template import load_template, table_definition
from tests import fixtures
from tests.support import Api, BucketObjects, CallLog

# Records the functions' AWS calls for the IAM check when IAM_CALLS_DIR is set (tests/iam_recorder.py).
pytest_plugins = ["tests.iam_recorder"]


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    return load_template()


@pytest.fixture
def memory() -> Ports:
    """In-memory ports holding the tests' world (tests/fixtures.py): fast, no AWS at all."""
    ports = memory_ports()
    fixtures.seed(ports)
    return ports


@pytest.fixture
def aws(template: dict[str, Any]) -> Iterator[CallLog]:
    """A fresh moto account with the table of template.yaml and the attachments' bucket; fails the test if
    anything used a Scan."""
    with mock_aws():
        client = boto3.client("dynamodb")
        client.create_table(**table_definition(template, "DeskTable", os.environ["TABLE_NAME"]))
        boto3.client("s3").create_bucket(
            Bucket=os.environ["ATTACHMENTS_BUCKET"],
            CreateBucketConfiguration={"LocationConstraint": os.environ["AWS_DEFAULT_REGION"]},
        )
        log = CallLog(client=client)
        client.meta.events.register("before-call.dynamodb.*", log.record)
        yield log
    assert "Scan" not in log.operations, "a request path used a DynamoDB Scan"


@pytest.fixture
def dynamo(aws: CallLog) -> Ports:
    """DynamoDB (moto) ports holding the tests' world; ``aws`` records their calls."""
    ports = dynamodb_ports(os.environ["TABLE_NAME"], aws.client)
    fixtures.seed(ports)
    aws.operations.clear()
    return ports


@pytest.fixture
def api(memory: Ports, template: dict[str, Any]) -> Iterator[Api]:
    """The real handlers on in-memory ports: the HTTP contract and the rules, fast."""
    api = Api(template, memory)
    yield api
    api.close()


@pytest.fixture
def aws_api(dynamo: Ports, template: dict[str, Any]) -> Iterator[Api]:
    """The real handlers on the DynamoDB and S3 adapters (moto), as deployed."""
    bucket = os.environ["ATTACHMENTS_BUCKET"]
    api = Api(template, dynamo, S3Files(bucket), BucketObjects(boto3.client("s3"), bucket))
    yield api
    api.close()
