"""make deploy-web (scripts/deploy_web.py) against moto's CloudFormation, S3 and CloudFront: a fake build published
to the stack's bucket with each file's type and cache rule, index.html last, the portal's settings made from the
stack's outputs, the invalidation asked; older publications' files kept while a page may still ask for them; and a
stack whose CorsOrigin or StatusPageUrl names another site refused before anything is sent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from scripts import deploy_web

REGION = "eu-west-3"
STACK = "chorus-desk-test"
API_URL = "https://a1b2c3d4e5.execute-api.eu-west-3.amazonaws.com/dev"
POOL = "eu-west-3_AbCdEf123"
CLIENT = "1example23456789abcdefghij"
# A build as Vite lays it out: hashed files under assets/, index.html and the public/ files at the root.
BUILD = {
    "index.html": b'<!doctype html><html lang="fr"><script type="module" src="/assets/index-AbCd1234.js"></script>',
    "assets/index-AbCd1234.js": b"console.log('portail');",
    "assets/dsfr-9f8E_7d6.js": b"/* dsfr */",
    "assets/index-Zx9-Yw8v.css": b"body{}",
    "assets/Marianne-Regular-a1b2c3d4.woff2": b"wOF2",
    "assets/icons/arrow-left-line-0a1b2c3d.svg": b"<svg/>",
    "favicon.svg": b"<svg/>",
    "robots.txt": b"User-agent: *\n",
}
TYPES = {
    "index.html": "text/html; charset=utf-8",
    "assets/index-AbCd1234.js": "text/javascript; charset=utf-8",
    "assets/dsfr-9f8E_7d6.js": "text/javascript; charset=utf-8",
    "assets/index-Zx9-Yw8v.css": "text/css; charset=utf-8",
    "assets/Marianne-Regular-a1b2c3d4.woff2": "font/woff2",
    "assets/icons/arrow-left-line-0a1b2c3d.svg": "image/svg+xml",
    "favicon.svg": "image/svg+xml",
    "robots.txt": "text/plain; charset=utf-8",
    "config.json": "application/json",
}


def write_build(folder: Path, files: dict[str, bytes]) -> Path:
    for key, body in files.items():
        (folder / key).parent.mkdir(parents=True, exist_ok=True)
        (folder / key).write_bytes(body)
    return folder


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """A deployed stack in moto: the portal's bucket, a distribution, the outputs and parameters of template.yaml."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        cloudfront = boto3.client("cloudfront", region_name=REGION)
        created = cloudfront.create_distribution(
            DistributionConfig={
                "CallerReference": "portal",
                "Comment": "portal",
                "Enabled": True,
                "Origins": {
                    "Quantity": 1,
                    "Items": [{"Id": "portal-bucket", "DomainName": "portal.s3.eu-west-3.amazonaws.com"}],
                },
                "DefaultCacheBehavior": {
                    "TargetOriginId": "portal-bucket",
                    "ViewerProtocolPolicy": "redirect-to-https",
                },
            }
        )["Distribution"]
        portal = f"https://{created['DomainName']}"
        yield {
            "cloudformation": boto3.client("cloudformation", region_name=REGION),
            "s3": boto3.client("s3", region_name=REGION),
            "cloudfront": cloudfront,
            "distribution": created["Id"],
            "portal": portal,
        }


def deploy_stack(world: dict[str, Any], cors_origin: str, status_page: str) -> str:
    template = {
        "Parameters": {"CorsOrigin": {"Type": "String"}, "StatusPageUrl": {"Type": "String"}},
        "Resources": {"PortalBucket": {"Type": "AWS::S3::Bucket"}},
        "Outputs": {
            "PortalBucketName": {"Value": {"Ref": "PortalBucket"}},
            "PortalDistributionId": {"Value": world["distribution"]},
            "PortalUrl": {"Value": world["portal"]},
            "ApiUrl": {"Value": API_URL},
            "UserPoolId": {"Value": POOL},
            "UserPoolClientId": {"Value": CLIENT},
        },
    }
    world["cloudformation"].create_stack(
        StackName=STACK,
        TemplateBody=json.dumps(template),
        Parameters=[
            {"ParameterKey": "CorsOrigin", "ParameterValue": cors_origin},
            {"ParameterKey": "StatusPageUrl", "ParameterValue": status_page},
        ],
    )
    outputs = world["cloudformation"].describe_stacks(StackName=STACK)["Stacks"][0]["Outputs"]
    return str(next(o["OutputValue"] for o in outputs if o["OutputKey"] == "PortalBucketName"))


def objects(s3: Any, bucket: str) -> dict[str, dict[str, Any]]:
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    return {key: s3.get_object(Bucket=bucket, Key=key) for key in keys}


def test_a_build_is_published_with_its_types_cache_rules_settings_and_invalidation(
    world: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bucket = deploy_stack(world, world["portal"], f"{world['portal']}/suivi")
    dist = write_build(tmp_path / "dist", BUILD)

    assert deploy_web.main(["--stack", STACK, "--dist", str(dist)]) == 0

    stored = objects(world["s3"], bucket)
    assert set(stored) == {*BUILD, "config.json", "publications.json"}
    for key, body in BUILD.items():
        assert stored[key]["Body"].read() == body
    assert {key: stored[key]["ContentType"] for key in TYPES} == TYPES
    hashed = {k for k in BUILD if k.startswith("assets/")}
    for key in hashed:
        assert stored[key]["CacheControl"] == "public, max-age=31536000, immutable", key
    for key in {*BUILD, "config.json"} - hashed:  # index.html, the settings, the unhashed files: asked again
        assert stored[key]["CacheControl"] == "no-cache", key
    assert json.loads(stored["config.json"]["Body"].read()) == {
        "apiBase": API_URL,
        "region": REGION,
        "userPoolId": POOL,
        "clientId": CLIENT,
        "cognitoEndpoint": None,
        "chatUrl": None,  # this stack has no ChatUrl output (one deployed before the live chat)
    }
    (summary,) = world["cloudfront"].list_invalidations(DistributionId=world["distribution"])["InvalidationList"][
        "Items"
    ]
    invalidation = world["cloudfront"].get_invalidation(DistributionId=world["distribution"], Id=summary["Id"])
    assert invalidation["Invalidation"]["InvalidationBatch"]["Paths"]["Items"] == ["/index.html", "/config.json"]
    assert world["portal"] in capsys.readouterr().out


def test_index_html_is_sent_last_and_hashed_files_only_once(world: dict[str, Any], tmp_path: Path) -> None:
    bucket = deploy_stack(world, world["portal"], f"{world['portal']}/suivi")
    stack = deploy_web.read_stack(world["cloudformation"], STACK)
    sent: list[str] = []
    world["s3"].meta.events.register(
        "before-parameter-build.s3.PutObject", lambda params, **_: sent.append(params["Key"])
    )
    dist = write_build(tmp_path / "dist", BUILD)

    first = deploy_web.publish(dist, stack, world["s3"], world["cloudfront"])
    published = sent[: sent.index("index.html") + 1]
    assert sorted(published) == sorted([*BUILD, "config.json"])
    assert published[-2:] == ["config.json", "index.html"]  # the page last, once everything it names is there
    assert all(key.startswith("assets/") for key in published[:5])  # the hashed files first
    assert sorted(first.uploaded) == sorted(published) and first.unchanged == []

    sent.clear()
    second = deploy_web.publish(dist, stack, world["s3"], world["cloudfront"])
    assert sorted(second.unchanged) == sorted(k for k in BUILD if k.startswith("assets/"))
    # Same name, same content: not sent again; the rest as before, index.html last, then the publications' list.
    assert sent == ["favicon.svg", "robots.txt", "config.json", "index.html", "publications.json"]
    assert objects(world["s3"], bucket)["index.html"]["Body"].read() == BUILD["index.html"]


def test_older_files_stay_while_a_page_may_ask_for_them_then_go(world: dict[str, Any], tmp_path: Path) -> None:
    bucket = deploy_stack(world, world["portal"], f"{world['portal']}/suivi")
    stack = deploy_web.read_stack(world["cloudformation"], STACK)
    monday = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    deploy_web.publish(write_build(tmp_path / "v1", BUILD), stack, world["s3"], world["cloudfront"], now=monday)
    v2 = {**BUILD, "assets/index-NewHash1.js": b"console.log('v2');"}
    del v2["assets/index-AbCd1234.js"]
    v2["index.html"] = b'<script type="module" src="/assets/index-NewHash1.js"></script>'

    report = deploy_web.publish(
        write_build(tmp_path / "v2", v2), stack, world["s3"], world["cloudfront"], now=monday + timedelta(hours=1)
    )
    assert report.removed == []
    assert "assets/index-AbCd1234.js" in objects(world["s3"], bucket)  # yesterday's tab still loads its script

    v3 = {**v2, "index.html": b"<!-- v3 -->"}
    report = deploy_web.publish(
        write_build(tmp_path / "v3", v3), stack, world["s3"], world["cloudfront"], now=monday + timedelta(days=8)
    )
    assert report.removed == ["assets/index-AbCd1234.js"]  # only in a publication 8 days old, not the last two
    stored = objects(world["s3"], bucket)
    assert set(stored) == {*v3, "config.json", "publications.json"}
    publications = json.loads(stored["publications.json"]["Body"].read())
    assert [p["at"] for p in publications] == [
        (monday + timedelta(hours=1)).isoformat(),
        (monday + timedelta(days=8)).isoformat(),
    ]
    invalidations = world["cloudfront"].list_invalidations(DistributionId=world["distribution"])
    assert invalidations["InvalidationList"]["Quantity"] == 3  # one per publication


@pytest.mark.parametrize(
    ("cors_origin", "status_page", "named"),
    [
        ("http://localhost:3000", "{portal}/suivi", "CorsOrigin={portal}"),
        ("{portal}", "https://support-chorus.example.fr/suivi", "StatusPageUrl={portal}/suivi"),
    ],
)
def test_a_stack_that_does_not_name_the_portal_is_refused_before_anything_is_sent(
    world: dict[str, Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    cors_origin: str,
    status_page: str,
    named: str,
) -> None:
    portal = world["portal"]
    bucket = deploy_stack(world, cors_origin.format(portal=portal), status_page.format(portal=portal))

    assert deploy_web.main(["--stack", STACK, "--dist", str(write_build(tmp_path / "dist", BUILD))]) == 2

    error = capsys.readouterr().err
    assert named.format(portal=portal) in error and "sam deploy --parameter-overrides" in error
    assert objects(world["s3"], bucket) == {}
    invalidations = world["cloudfront"].list_invalidations(DistributionId=world["distribution"])
    assert invalidations["InvalidationList"]["Quantity"] == 0


def test_without_a_build_nothing_is_sent(
    world: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bucket = deploy_stack(world, world["portal"], f"{world['portal']}/suivi")
    assert deploy_web.main(["--stack", STACK, "--dist", str(tmp_path / "dist")]) == 2
    assert "make web" in capsys.readouterr().err
    assert objects(world["s3"], bucket) == {}


def test_an_unknown_stack_is_said_plainly(world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert deploy_web.main(["--stack", "chorus-desk-nowhere"]) == 2
    assert "chorus-desk-nowhere" in capsys.readouterr().err
