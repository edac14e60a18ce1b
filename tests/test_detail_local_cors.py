"""The local stack's attachments bucket lets the portal it serves post files from the browser: the stack's own
origin joins the CORS rule the template declares (CorsOrigin), as the portal's origin is that rule's in AWS."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from moto import mock_aws

from local_stack import aws
from local_stack.template import Resolver

BUCKET = "chorus-desk-local-attachments"


def test_the_stacks_origins_join_the_templates_cors_rule_once(
    template: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(aws, "client", lambda service, _endpoint: boto3.client(service, region_name="eu-west-3"))
    with mock_aws():
        resolver = Resolver(template, parameters={"Stage": "dev"}, names=dict(aws.LOCAL_NAMES))
        assert aws.create_buckets(template, resolver, "unused")["AttachmentsBucket"] == BUCKET
        s3 = boto3.client("s3", region_name="eu-west-3")
        (declared,) = s3.get_bucket_cors(Bucket=BUCKET)["CORSRules"]
        origins = aws.local_origins("127.0.0.1", 8000)
        assert origins == ["http://127.0.0.1:8000", "http://localhost:8000"]

        aws.allow_browser_origins("unused", BUCKET, origins)
        aws.allow_browser_origins("unused", BUCKET, origins)  # a second call adds nothing

        (rule,) = s3.get_bucket_cors(Bucket=BUCKET)["CORSRules"]
        assert rule["AllowedOrigins"] == [*declared["AllowedOrigins"], *origins]
        assert {k: v for k, v in rule.items() if k != "AllowedOrigins"} == {
            k: v for k, v in declared.items() if k != "AllowedOrigins"
        }


def test_only_the_loopback_address_has_a_localhost_twin() -> None:
    assert aws.local_origins("192.0.2.10", 8123) == ["http://192.0.2.10:8123"]
