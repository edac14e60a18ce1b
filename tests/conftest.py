"""Shared fixtures: moto-backed AWS with the table created from template.yaml, the demo directory, and
the ``api`` helper (tests/support.py) that invokes the real handlers with the sample events of events/."""

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
    }
)

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from local_stack import demo
from local_stack.template import load_template, table_definition
from tests.support import TEST_IDS, Api, CallLog


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    return load_template()


@pytest.fixture
def aws(template: dict[str, Any]) -> Iterator[CallLog]:
    """A fresh moto account with the table of template.yaml; fails the test if anything used a Scan."""
    from chorus_desk.repository import get_repository

    with mock_aws():
        boto3.client("dynamodb").create_table(**table_definition(template, "DeskTable", os.environ["TABLE_NAME"]))
        get_repository.cache_clear()
        log = CallLog()
        get_repository()._client.meta.events.register("before-call.dynamodb.*", log.record)
        yield log
        get_repository.cache_clear()
    assert "Scan" not in log.operations, "a request path used a DynamoDB Scan"


@pytest.fixture
def directory(aws: CallLog) -> CallLog:
    """The demo structures, support team, users and memberships (user ids fixed for the tests)."""
    from chorus_desk.repository import get_repository

    demo.seed_directory(get_repository(), TEST_IDS)
    aws.operations.clear()
    return aws


@pytest.fixture
def api(directory: CallLog, template: dict[str, Any]) -> Api:
    return Api(template)
