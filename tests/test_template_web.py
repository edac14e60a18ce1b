"""The portal in AWS (issue 21, point 5): a private bucket read by CloudFront alone (origin access control), strict
security headers on every answer (a Content-Security-Policy without inline scripts, HSTS, no framing), the single
page answered for the portal's own paths and never for a file, an optional domain of its own; and the API on its
own origin, which the policy names with everything else the page may reach (docs/deploy-web.md)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from moto import mock_aws

from chorus_desk.adapters.s3 import S3Files
from local_stack import aws as local_aws
from local_stack.template import Resolver, resources_of_type
from local_stack.web_headers import csp_directives, portal_headers
from tests.test_template_prod import rule_holds

DOMAIN = {"PortalDomainName": "support.chorus-pro.example"}
CERTIFICATE = {
    "PortalCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
}


def props(template: dict[str, Any], name: str) -> dict[str, Any]:
    properties: dict[str, Any] = template["Resources"][name]["Properties"]
    return properties


def distribution(template: dict[str, Any], **parameters: str) -> dict[str, Any]:
    """The distribution's configuration as CloudFormation would deploy it with these parameters."""
    config: dict[str, Any] = Resolver(template, parameters=dict(parameters)).resolve(
        props(template, "PortalDistribution")["DistributionConfig"]
    )
    return {k: v for k, v in config.items() if v != "AWS::NoValue"}


# Names as CloudFormation makes them (lower case: an upper-case bucket name would be addressed by path, not host).
DEPLOYED = {"DeskApi": "a1b2c3d4e5", "AttachmentsBucket": "chorus-desk-dev-attachmentsbucket-1q2w3e4r5t6y"}


def headers_policy(template: dict[str, Any]) -> dict[str, Any]:
    policy: dict[str, Any] = Resolver(template, names=dict(DEPLOYED)).resolve(props(template, "PortalHeadersPolicy"))
    config: dict[str, Any] = policy["ResponseHeadersPolicyConfig"]
    return config


def csp(template: dict[str, Any]) -> dict[str, list[str]]:
    """The Content-Security-Policy, directive by directive (the names in lower case, as browsers read them)."""
    text = headers_policy(template)["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    directives: dict[str, list[str]] = {}
    for part in text.split(";"):
        name, *sources = part.split()
        assert name.lower() not in directives, f"{name} twice: a browser keeps the first one only"
        directives[name.lower()] = sources
    return directives


# ------------------------------------------------------------------------------------------ the bucket
def test_the_portal_bucket_is_private_encrypted_versioned_and_kept(template: dict[str, Any]) -> None:
    bucket = template["Resources"]["PortalBucket"]
    properties = bucket["Properties"]
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert properties["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}  # no ACLs
    (encryption,) = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    (rule,) = properties["LifecycleConfiguration"]["Rules"]
    assert (rule["Status"], rule["NoncurrentVersionExpirationInDays"]) == ("Enabled", 30)
    assert "WebsiteConfiguration" not in properties  # served by CloudFront's S3 origin, never as a website
    assert (bucket["DeletionPolicy"], bucket["UpdateReplacePolicy"]) == ("Retain", "Retain")


def test_only_the_portal_distribution_reads_the_bucket_and_only_over_tls(template: dict[str, Any]) -> None:
    policy = Resolver(template).resolve(props(template, "PortalBucketPolicy"))
    assert policy["Bucket"] == "PortalBucket"
    deny, allow = policy["PolicyDocument"]["Statement"]
    assert (deny["Effect"], deny["Action"], deny["Condition"]) == (
        "Deny",
        "s3:*",
        {"Bool": {"aws:SecureTransport": "false"}},
    )
    assert (allow["Effect"], allow["Principal"], allow["Action"]) == (
        "Allow",
        {"Service": "cloudfront.amazonaws.com"},
        "s3:GetObject",  # reading: no listing, no writing
    )
    assert allow["Resource"] == "arn:aws:s3:::PortalBucket/*"
    assert allow["Condition"] == {
        "StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/PortalDistribution"}
    }
    # No other grant anywhere: no statement allows everyone.
    statements = policy["PolicyDocument"]["Statement"]
    assert not [s for s in statements if s["Effect"] == "Allow" and s["Principal"] == "*"]


def test_the_distribution_reads_the_bucket_through_origin_access_control(template: dict[str, Any]) -> None:
    control = props(template, "PortalOriginAccessControl")["OriginAccessControlConfig"]
    assert (control["OriginAccessControlOriginType"], control["SigningBehavior"], control["SigningProtocol"]) == (
        "s3",
        "always",
        "sigv4",
    )
    (origin,) = props(template, "PortalDistribution")["DistributionConfig"]["Origins"]
    assert origin["DomainName"] == {"Fn::GetAtt": ["PortalBucket", "RegionalDomainName"]}
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["PortalOriginAccessControl", "Id"]}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}  # no legacy identity beside the control


def test_the_local_stack_makes_the_portal_bucket_as_declared(
    template: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local_aws, "client", lambda service, _endpoint: boto3.client(service, region_name="eu-west-3"))
    with mock_aws():
        names = local_aws.create_buckets(template, Resolver(template, names=dict(local_aws.LOCAL_NAMES)), "unused")
        s3 = boto3.client("s3", region_name="eu-west-3")
        bucket = names["PortalBucket"]
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
        assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())
        (rule,) = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
        assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}


# ------------------------------------------------------------------------------------------ the headers
def test_the_csp_allows_no_inline_script_no_eval_and_no_framing(template: dict[str, Any]) -> None:
    policy = csp(template)
    assert policy["default-src"] == ["'none'"]  # whatever is not named below is refused
    assert policy["script-src"] == ["'self'"]  # the build's module files, nothing inline, no eval
    assert policy["style-src"] == ["'self'"]
    for directive, sources in policy.items():
        assert not {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:"} & set(sources) or (
            directive in ("img-src", "media-src") and set(sources) == {"'self'", "data:"}
        ), (directive, sources)  # data: for the captcha's PNG and WAV only (ChallengeView)
    assert "script-src-elem" not in policy and "script-src-attr" not in policy  # nothing loosens script-src
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "upgrade-insecure-requests" in policy
    assert all(s.startswith(("'", "https://", "wss://", "data:")) for sources in policy.values() for s in sources)


def test_the_csp_lets_the_page_reach_the_api_cognito_and_the_attachments_bucket(template: dict[str, Any]) -> None:
    connect = csp(template)["connect-src"]
    resolver = Resolver(template, names=dict(DEPLOYED))
    api = urlsplit(resolver.resolve(template["Outputs"]["ApiUrl"]["Value"]))
    assert f"{api.scheme}://{api.netloc}" in connect  # the API's own origin (not behind the distribution)
    assert "https://cognito-idp.eu-west-3.amazonaws.com" in connect  # SRP sign-in from the browser
    # The form the API hands out for an upload is posted where the policy allows: the real adapter's URL.
    bucket = resolver.resolve({"Ref": "AttachmentsBucket"})
    with mock_aws():
        boto3.client("s3", region_name="eu-west-3").create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"}
        )
        expires = datetime.now(UTC) + timedelta(minutes=5)
        form = S3Files(bucket).upload_form("uploads/1/x", "application/pdf", 3, expires)
    target = urlsplit(form.url)
    assert f"{target.scheme}://{target.netloc}" in connect
    assert f"https://{bucket}.s3.eu-west-3.amazonaws.com" in connect  # the regional spelling as well
    chat = urlsplit(resolver.resolve(template["Outputs"]["ChatUrl"]["Value"]))
    assert f"{chat.scheme}://{chat.netloc}" in connect  # the live chat's socket (wss://, the ChatUrl output)
    assert len(connect) == 6  # nothing else: 'self', the API, Cognito, the bucket twice, the chat, no wildcard
    assert not [s for s in connect if "*" in s]


def test_the_security_headers_are_strict_and_override_the_origin(template: dict[str, Any]) -> None:
    security = headers_policy(template)["SecurityHeadersConfig"]
    assert all(header["Override"] is True for header in security.values())
    hsts = security["StrictTransportSecurity"]
    assert hsts["AccessControlMaxAgeSec"] >= 365 * 24 * 3600 and hsts["IncludeSubdomains"] is True
    assert security["FrameOptions"]["FrameOption"] == "DENY"
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == "no-referrer"  # a page's address never leaves it
    assert "ContentTypeOptions" in security  # X-Content-Type-Options: nosniff
    text = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert len(text) <= 1783  # CloudFront's limit for the header's value


def test_the_permissions_policy_turns_off_what_the_portal_never_uses(template: dict[str, Any]) -> None:
    custom = {item["Header"]: item for item in headers_policy(template)["CustomHeadersConfig"]["Items"]}
    assert all(item["Override"] is True for item in custom.values())
    features = dict(part.strip().split("=") for part in custom["Permissions-Policy"]["Value"].split(","))
    assert {"camera", "microphone", "geolocation", "payment", "usb"} <= set(features)
    assert set(features.values()) == {"()"}  # each one off, for every origin
    assert custom["Cross-Origin-Opener-Policy"]["Value"] == "same-origin"
    assert custom["Cross-Origin-Resource-Policy"]["Value"] == "same-origin"


# ------------------------------------------------------------------------------------------ the distribution
def test_every_answer_is_compressed_https_and_carries_the_headers(template: dict[str, Any]) -> None:
    config = distribution(template)
    behavior = config["DefaultCacheBehavior"]
    assert "CacheBehaviors" not in config  # one behaviour: every path gets the headers below
    assert behavior["ResponseHeadersPolicyId"] == "PortalHeadersPolicy"
    assert behavior["Compress"] is True
    assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behavior["AllowedMethods"] == ["GET", "HEAD"]  # static files: nothing to post here
    assert behavior["CachePolicyId"] == "658327ea-f89d-4fab-a63d-7e88639e58f6"  # Managed-CachingOptimized
    assert config["DefaultRootObject"] == "index.html"
    assert (config["HttpVersion"], config["IPV6Enabled"], config["PriceClass"]) == ("http2and3", True, "PriceClass_100")
    (association,) = behavior["FunctionAssociations"]
    assert association["EventType"] == "viewer-request"
    assert association["FunctionARN"].startswith("arn:aws:local:eu-west-3:123456789012:PortalRoutesFunction/")
    # The single-page fallback is the function's, for the portal's paths: no error page of the distribution
    # turning a missing script into index.html with a 200.
    assert "CustomErrorResponses" not in config


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("Node.js manque : .ci/run l'exige (make web)")
        pytest.skip("Node.js manque : la fonction CloudFront des routes n'est pas exécutée")
    return found


ROUTES = {
    "/": "/index.html",
    "/tickets/2026-000123": "/index.html",
    "/brouillons": "/index.html",
    "/suivi": "/index.html",
    "/tickets/2026-000123/": "/index.html",
    "/index.html": "/index.html",
    "/assets/index-1a2b3c4d.js": "/assets/index-1a2b3c4d.js",
    "/assets/dsfr-9f8e7d6c.css": "/assets/dsfr-9f8e7d6c.css",
    "/assets/manquant-00000000.js": "/assets/manquant-00000000.js",  # missing: S3's refusal, not the page
    "/fonts/Marianne-Regular.woff2": "/fonts/Marianne-Regular.woff2",
    "/favicon.svg": "/favicon.svg",
}


def test_the_portal_paths_get_the_single_page_and_files_stay_files(
    template: dict[str, Any], node: str, tmp_path: Path
) -> None:
    """The CloudFront function itself, run by Node.js on the requests CloudFront would hand it."""
    function = props(template, "PortalRoutesFunction")
    assert function["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    assert function["AutoPublish"] is True
    script = tmp_path / "routes.js"
    script.write_text(
        function["FunctionCode"]
        + "\nconst uris = JSON.parse(process.argv[2]);\n"
        + "console.log(JSON.stringify(uris.map((uri) => {\n"
        + "  const request = {method: 'GET', uri: uri, querystring: {}, headers: {}, cookies: {}};\n"
        + "  return handler({version: '1.0', context: {eventType: 'viewer-request'}, viewer: {ip: '192.0.2.1'},"
        + " request: request}).uri;\n"
        + "})));\n",
        encoding="utf-8",
    )
    run = subprocess.run([node, str(script), json.dumps(list(ROUTES))], capture_output=True, text=True, check=True)
    assert dict(zip(ROUTES, json.loads(run.stdout), strict=True)) == ROUTES


def test_without_a_domain_the_portal_is_at_the_distribution_address(template: dict[str, Any]) -> None:
    config = distribution(template)
    assert "Aliases" not in config
    assert config["ViewerCertificate"] == {"CloudFrontDefaultCertificate": True}
    url = Resolver(template).resolve(template["Outputs"]["PortalUrl"]["Value"])
    assert url.startswith("https://") and "PortalDistribution" in url


def test_with_its_domain_the_portal_has_its_certificate_and_tls_1_2(template: dict[str, Any]) -> None:
    config = distribution(template, **DOMAIN, **CERTIFICATE)
    assert config["Aliases"] == [DOMAIN["PortalDomainName"]]
    assert config["ViewerCertificate"] == {
        "AcmCertificateArn": CERTIFICATE["PortalCertificateArn"],
        "SslSupportMethod": "sni-only",
        "MinimumProtocolVersion": "TLSv1.2_2021",
    }
    resolver = Resolver(template, parameters={**DOMAIN, **CERTIFICATE})
    assert resolver.resolve(template["Outputs"]["PortalUrl"]["Value"]) == "https://support.chorus-pro.example"


@pytest.mark.parametrize(
    ("parameters", "accepted"),
    [({}, True), ({**DOMAIN, **CERTIFICATE}, True), (DOMAIN, False), (CERTIFICATE, True)],
)
def test_a_rule_refuses_a_domain_without_its_certificate(
    template: dict[str, Any], parameters: dict[str, str], accepted: bool
) -> None:
    verdict = all(rule_holds(template, rule, parameters) for rule in template["Rules"].values())
    assert verdict is accepted


def test_the_outputs_name_what_make_deploy_web_publishes_to(template: dict[str, Any]) -> None:
    outputs = template["Outputs"]
    assert outputs["PortalBucketName"]["Value"] == {"Ref": "PortalBucket"}
    assert outputs["PortalDistributionId"]["Value"] == {"Ref": "PortalDistribution"}
    assert set(resources_of_type(template, "AWS::CloudFront::Distribution")) == {"PortalDistribution"}


# ------------------------------------------------------------------------------------------ the API's origin
def test_the_api_answers_the_portal_origin_and_its_preflights_are_kept_two_hours(template: dict[str, Any]) -> None:
    """The portal calls the API across origins (docs/decisions.md « The portal in AWS »): one origin allowed, the
    portal's (CorsOrigin), by the API, its gateway's own answers and the attachments bucket; a browser keeps the
    answer to a preflight as long as Chromium allows (2 hours), so a screen's call is preflighted once."""
    api = props(template, "DeskApi")
    cors = api["Cors"]
    assert cors["AllowOrigin"] == {"Fn::Sub": "'${CorsOrigin}'"}
    assert cors["MaxAge"] == "'7200'"
    assert set(cors["AllowHeaders"].strip("'").split(",")) == {"Authorization", "Content-Type", "Idempotency-Key"}
    for answer in api["GatewayResponses"].values():
        assert answer["ResponseParameters"]["Headers"]["Access-Control-Allow-Origin"] == {"Fn::Sub": "'${CorsOrigin}'"}
    (rule,) = props(template, "AttachmentsBucket")["CorsConfiguration"]["CorsRules"]
    assert rule["AllowedOrigins"] == [{"Ref": "CorsOrigin"}]


def test_a_local_server_can_send_the_same_headers_as_cloudfront(template: dict[str, Any]) -> None:
    """local_stack/web_headers.py: the policy as the browser gets it from CloudFront, the local origins in
    connect-src, and nothing that plain HTTP on the loopback would break."""
    local = portal_headers(template, connect=("http://127.0.0.1:4566",))
    aws = csp(template)
    served = dict(csp_directives(local["Content-Security-Policy"]))
    assert served["connect-src"] == ["'self'", "http://127.0.0.1:4566"]
    assert "upgrade-insecure-requests" not in served
    assert {k: v for k, v in aws.items() if k not in ("connect-src", "upgrade-insecure-requests")} == {
        k: v for k, v in served.items() if k != "connect-src"
    }
    custom = {item["Header"]: item["Value"] for item in headers_policy(template)["CustomHeadersConfig"]["Items"]}
    assert local == {
        "Content-Security-Policy": local["Content-Security-Policy"],
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        **custom,
    }
