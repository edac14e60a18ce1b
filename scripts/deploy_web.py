"""Publish the built portal (web/dist) to a deployed stack: `make deploy-web` (docs/deploy-web.md).

python -m scripts.deploy_web [--config-env default|prod] [--stack NAME] [--dist web/dist] [--keep-days 7]

Reads the stack's outputs (PortalBucketName, PortalDistributionId, PortalUrl, ApiUrl, UserPoolId,
UserPoolClientId) and parameters (CorsOrigin, StatusPageUrl) with CloudFormation's DescribeStacks, and refuses to
publish when the API would not answer the portal's origin (CorsOrigin) or the mails would link elsewhere
(StatusPageUrl). Then it uploads, each with its Content-Type and Cache-Control:

1. the files whose names carry a content hash (assets/index-1a2b3c4d.js): a year, immutable; sent only when the
   bucket does not have them yet (same name, same content);
2. every other file but index.html, then config.json (the portal's settings, made from the stack's outputs), then
   index.html last: no-cache (the browser asks again each time, CloudFront answers 304 while nothing changed), so
   that an index.html never names a file that is not there yet;
3. it invalidates /index.html and /config.json on the distribution (every portal path is served from /index.html);
4. it removes the files of older publications that no publication of the last --keep-days days, nor the previous
   one, names (a tab opened before the publication still loads its scripts). The bucket keeps the list of the
   publications in publications.json.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import re
import shlex
import sys
import time
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.exceptions import ClientError

ROOT = Path(__file__).resolve().parent.parent
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
CONFIG = "config.json"
INDEX = "index.html"
PUBLICATIONS = "publications.json"
# Vite's names for what it hashes (build.assetsDir "assets", "[name]-[hash][extname]"; the hash is 8 characters).
HASHED = re.compile(r"^assets/(?:.+/)?[^/]+-[A-Za-z0-9_-]{8}\.[A-Za-z0-9]+$")
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".txt": "text/plain; charset=utf-8",
    ".wav": "audio/wav",
}


class DeployError(Exception):
    """What stops a publication, said to whoever runs make deploy-web."""


@dataclass(frozen=True)
class Stack:
    bucket: str
    distribution: str
    portal_url: str
    config: dict[str, Any]  # what the portal reads from /config.json (web/src/api/config.ts)


@dataclass
class Report:
    uploaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    invalidation: str = ""


def content_type(key: str) -> str:
    suffix = Path(key).suffix.lower()
    return TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"


def cache_control(key: str) -> str:
    return IMMUTABLE if HASHED.match(key) else REVALIDATE


def samconfig(environment: str) -> tuple[str, str]:
    """The stack name and region ``sam deploy --config-env <environment>`` uses."""
    config = tomllib.loads((ROOT / "samconfig.toml").read_text(encoding="utf-8"))
    section = config.get(environment)
    if section is None:
        raise DeployError(f"samconfig.toml has no environment {environment!r}")
    stack = section.get("global", {}).get("parameters", {}).get("stack_name", "")
    region = section.get("deploy", {}).get("parameters", {}).get("region", "")
    return str(stack), str(region)


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def read_stack(cloudformation: Any, name: str) -> Stack:
    """The stack's outputs the publication needs, after checking the API and the mails point at the portal."""
    try:
        (described,) = cloudformation.describe_stacks(StackName=name)["Stacks"]
    except ClientError as exc:
        raise DeployError(f"stack {name!r} not found: deploy it first (sam deploy)") from exc
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}
    parameters = {p["ParameterKey"]: p.get("ParameterValue", "") for p in described.get("Parameters", [])}
    needed = ("PortalBucketName", "PortalDistributionId", "PortalUrl", "ApiUrl", "UserPoolId", "UserPoolClientId")
    missing = [key for key in needed if key not in outputs]
    if missing:
        raise DeployError(f"stack {name!r} lacks the outputs {', '.join(missing)}: deploy the current template.yaml")
    portal = outputs["PortalUrl"].rstrip("/")
    wrong = []
    if parameters.get("CorsOrigin") != origin(portal):
        wrong.append(f"CorsOrigin={portal}")  # else the browser may not read the API's answers
    if not parameters.get("StatusPageUrl", "").startswith(f"{portal}/"):
        wrong.append(f"StatusPageUrl={portal}/suivi")  # else the mailed status links open another site
    if wrong:
        raise DeployError(
            f"stack {name!r} does not name the portal {portal}: deploy it again with "
            f"sam deploy --parameter-overrides {' '.join(shlex.quote(w) for w in wrong)} (and its other parameters)"
        )
    region = outputs["UserPoolId"].split("_", 1)[0]
    config = {
        "apiBase": outputs["ApiUrl"].rstrip("/"),
        "region": region,
        "userPoolId": outputs["UserPoolId"],
        "clientId": outputs["UserPoolClientId"],
        "cognitoEndpoint": None,
        # The live chat's socket (a stack deployed before the chat has no ChatUrl: the portal offers no live chat).
        "chatUrl": outputs.get("ChatUrl"),
    }
    return Stack(outputs["PortalBucketName"], outputs["PortalDistributionId"], portal, config)


def build_files(dist: Path) -> dict[str, Path]:
    """The build's files by key (their path under dist/, with forward slashes)."""
    if not (dist / INDEX).is_file():
        raise DeployError(f"{dist / INDEX} is missing: build the portal first (make web)")
    files = {path.relative_to(dist).as_posix(): path for path in sorted(dist.rglob("*")) if path.is_file()}
    for reserved in (CONFIG, PUBLICATIONS):
        if reserved in files:
            raise DeployError(f"{dist / reserved} is made at publication: the build must not hold it")
    return files


def existing_keys(s3: Any, bucket: str) -> set[str]:
    keys: set[str] = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys.update(item["Key"] for item in page.get("Contents", []))
    return keys


def publication_order(keys: Iterable[str]) -> list[str]:
    """Hashed files first, then the others, index.html last (config.json is put just before it)."""
    return sorted(keys, key=lambda k: (k == INDEX, k == CONFIG, not HASHED.match(k), k))


def read_publications(s3: Any, bucket: str) -> list[dict[str, Any]]:
    try:
        body = s3.get_object(Bucket=bucket, Key=PUBLICATIONS)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return []
    publications: list[dict[str, Any]] = json.loads(body)
    return publications


def recent(publications: list[dict[str, Any]], now: datetime, keep_days: int) -> list[dict[str, Any]]:
    """The publications a page still open may have been loaded from: the last two, and every one younger than
    keep_days (oldest first)."""
    since = now - timedelta(days=keep_days)
    last = len(publications) - 2
    return [p for i, p in enumerate(publications) if i >= last or datetime.fromisoformat(p["at"]) >= since]


def put(s3: Any, bucket: str, key: str, body: bytes) -> None:
    s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type(key), CacheControl=cache_control(key))


def publish(
    dist: Path,
    stack: Stack,
    s3: Any,
    cloudfront: Any,
    *,
    now: datetime | None = None,
    keep_days: int = 7,
) -> Report:
    now = now or datetime.now(UTC)
    files = build_files(dist)
    present = existing_keys(s3, stack.bucket)
    report = Report()
    config = (json.dumps(stack.config, indent=2) + "\n").encode()
    for key in publication_order([*files, CONFIG]):
        if key != CONFIG and HASHED.match(key) and key in present:
            report.unchanged.append(key)  # same name, same content: the hash says so
            continue
        put(s3, stack.bucket, key, config if key == CONFIG else files[key].read_bytes())
        report.uploaded.append(key)

    invalidation = cloudfront.create_invalidation(
        DistributionId=stack.distribution,
        InvalidationBatch={
            "Paths": {"Quantity": 2, "Items": [f"/{INDEX}", f"/{CONFIG}"]},
            "CallerReference": f"deploy-web-{now.strftime('%Y%m%dT%H%M%S.%fZ')}",
        },
    )
    report.invalidation = invalidation["Invalidation"]["Id"]

    publications = [*read_publications(s3, stack.bucket), {"at": now.isoformat(), "keys": sorted([*files, CONFIG])}]
    publications = recent(publications, now, keep_days)
    kept = {key for publication in publications for key in publication["keys"]} | {PUBLICATIONS}
    for key in sorted(present - kept):
        s3.delete_object(Bucket=stack.bucket, Key=key)
        report.removed.append(key)
    put(s3, stack.bucket, PUBLICATIONS, (json.dumps(publications, indent=1) + "\n").encode())
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--config-env", default="default", help="samconfig.toml's environment (default, prod)")
    parser.add_argument("--stack", help="the stack's name (else samconfig.toml's for --config-env)")
    parser.add_argument("--region", help="the stack's region (else samconfig.toml's for --config-env)")
    parser.add_argument("--dist", type=Path, default=ROOT / "web" / "dist")
    parser.add_argument("--keep-days", type=int, default=7, help="keep older publications' files this long")
    args = parser.parse_args(argv)
    try:
        stack_name, region = samconfig(args.config_env)
        session = boto3.session.Session(region_name=args.region or region or None)
        stack = read_stack(session.client("cloudformation"), args.stack or stack_name)
        started = time.monotonic()
        report = publish(args.dist, stack, session.client("s3"), session.client("cloudfront"), keep_days=args.keep_days)
    except DeployError as exc:
        print(f"deploy-web: {exc}", file=sys.stderr)
        return 2
    print(
        f"deploy-web: {len(report.uploaded)} files sent, {len(report.unchanged)} already there, "
        f"{len(report.removed)} removed, invalidation {report.invalidation} "
        f"({time.monotonic() - started:.1f} s): {stack.portal_url}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
