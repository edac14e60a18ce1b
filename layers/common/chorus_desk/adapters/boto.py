"""The one module of the product that imports boto3: the AWS clients the adapters build (each adapter gives its
own timeouts and retries; the endpoint comes from ``AWS_ENDPOINT_URL`` when set, as boto3 reads it), the region, and
DynamoDB's item (de)serialisers, and botocore's client configuration and errors, which the adapters import from here."""

from __future__ import annotations

from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

__all__ = ["BotoCoreError", "ClientError", "Config", "TypeDeserializer", "TypeSerializer", "client", "region"]


def client(service: str, **options: Any) -> Any:
    """``boto3.client(service, **options)``: ``config=…``, ``endpoint_url=…``."""
    return boto3.client(service, **options)


def region(default: str = "eu-west-3") -> str:
    """The region of the default session (Lambda's ``AWS_REGION``), or ``default``."""
    return boto3.session.Session().region_name or default
