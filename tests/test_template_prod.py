"""Production defaults a security review accepts (issue 18, point 6): what samconfig's prod environment deploys,
the template's Rules, Retain on what holds data, the user pool's MFA and the app client's rights; and the reasons
the template gives for the checkov checks it skips (point 7)."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import boto3
import pytest

from local_stack import aws as local_aws
from local_stack.template import Resolver, resources_of_type
from tests.support import CallLog

ROOT = Path(__file__).resolve().parents[1]


def deploy_parameters(environment: str) -> dict[str, str]:
    """The parameters ``sam deploy --config-env <environment>`` passes (samconfig.toml's parameter_overrides)."""
    config = tomllib.loads((ROOT / "samconfig.toml").read_text(encoding="utf-8"))
    overrides = config[environment]["deploy"]["parameters"]["parameter_overrides"]
    return dict(item.split("=", 1) for item in shlex.split(overrides))


def test_the_prod_environment_turns_waf_and_malware_scanning_on_and_asks_insee(template: dict[str, Any]) -> None:
    prod = deploy_parameters("prod")
    assert prod["Stage"] == "prod"
    assert (prod["WafProtection"], prod["MalwareScanning"]) == ("Enabled", "Enabled")
    assert prod.get("CompanyRegistry", template["Parameters"]["CompanyRegistry"]["Default"]) == "INSEE"
    for name, value in prod.items():  # each value one the template accepts
        allowed = template["Parameters"][name].get("AllowedValues")
        assert allowed is None or value in [str(a) for a in allowed], (name, value)
    resolver = Resolver(template, parameters=dict(prod))
    assert resolver.condition("WafEnabled") and resolver.condition("MalwareScanningEnabled")
    assert resolver.condition("IsProd")


def rule_holds(template: dict[str, Any], rule: dict[str, Any], parameters: dict[str, str]) -> bool:
    """CloudFormation's reading of a rule: when its condition holds, every assertion must."""
    resolver = Resolver(template, parameters=dict(parameters))
    if "RuleCondition" in rule and not resolver.resolve(rule["RuleCondition"]):
        return True
    return all(resolver.resolve(a["Assert"]) is True for a in rule["Assertions"])


@pytest.mark.parametrize(
    ("stage", "registry", "accepted"),
    [
        ("prod", "LOCAL", False),
        ("prod", "INSEE", True),
        ("staging", "LOCAL", True),
        ("dev", "LOCAL", True),
        ("dev", "INSEE", True),
    ],
)
def test_a_rule_refuses_the_demo_registry_in_production(
    template: dict[str, Any], stage: str, registry: str, accepted: bool
) -> None:
    rules = template["Rules"]
    verdict = all(rule_holds(template, rule, {"Stage": stage, "CompanyRegistry": registry}) for rule in rules.values())
    assert verdict is accepted
    (rule,) = [r for r in rules.values() if "CompanyRegistry" in str(r["Assertions"])]
    assert all("CompanyRegistry=LOCAL" in a["AssertDescription"] for a in rule["Assertions"])


# Whatever holds data nobody can rebuild: accounts, tickets, files, and the keys of links already mailed and of
# the counts kept under pseudonyms.
STATEFUL = ("AWS::Cognito::UserPool", "AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::SecretsManager::Secret")


def test_what_holds_data_is_retained_on_deletion_and_on_replacement(template: dict[str, Any]) -> None:
    retained = {
        name
        for kind in STATEFUL
        for name, spec in resources_of_type(template, kind).items()
        if (spec.get("DeletionPolicy"), spec.get("UpdateReplacePolicy")) == ("Retain", "Retain")
    }
    every = {name for kind in STATEFUL for name in resources_of_type(template, kind)}
    assert retained == every
    assert {"UserPool", "DeskTable", "AttachmentsBucket", "StatusLinkSecret", "PseudonymSecret"} <= retained


def test_the_other_resources_say_what_becomes_of_them(template: dict[str, Any]) -> None:
    """cfn-lint's informational I3011: log groups and queues are deleted with the stack, said explicitly."""
    for kind in ("AWS::Logs::LogGroup", "AWS::SQS::Queue"):
        for name, spec in resources_of_type(template, kind).items():
            assert (spec.get("DeletionPolicy"), spec.get("UpdateReplacePolicy")) == ("Delete", "Delete"), name


def test_users_write_their_name_only_and_a_new_email_waits_for_its_code(template: dict[str, Any]) -> None:
    pool = template["Resources"]["UserPool"]["Properties"]
    client = template["Resources"]["UserPoolClient"]["Properties"]
    assert client["WriteAttributes"] == ["name"]
    assert set(client["ReadAttributes"]) >= {"email", "name"}
    assert pool["UserAttributeUpdateSettings"] == {"AttributesRequireVerificationBeforeUpdate": ["email"]}
    assert "email" in pool["AutoVerifiedAttributes"]  # Cognito needs it to verify before an update
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True


def test_mfa_is_offered_to_everyone_by_an_authenticator_app(template: dict[str, Any]) -> None:
    pool = template["Resources"]["UserPool"]["Properties"]
    assert pool["MfaConfiguration"] == "OPTIONAL"
    assert pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]  # no SMS: no phone number to collect, no SIM swap


def test_the_local_stack_builds_the_pool_and_client_with_the_same_settings(
    aws: CallLog, template: dict[str, Any]
) -> None:
    identities = local_aws.create_identities(
        template, Resolver(template), "https://cognito-idp.eu-west-3.amazonaws.com"
    )

    cognito = boto3.client("cognito-idp")
    mfa = cognito.get_user_pool_mfa_config(UserPoolId=identities.user_pool_id)
    assert (mfa["MfaConfiguration"], mfa["SoftwareTokenMfaConfiguration"]) == ("OPTIONAL", {"Enabled": True})
    pool = cognito.describe_user_pool(UserPoolId=identities.user_pool_id)["UserPool"]
    assert pool["UserAttributeUpdateSettings"] == {"AttributesRequireVerificationBeforeUpdate": ["email"]}
    client = cognito.describe_user_pool_client(UserPoolId=identities.user_pool_id, ClientId=identities.client_id)
    assert client["UserPoolClient"]["WriteAttributes"] == ["name"]


# ------------------------------------------------------------------------------------------ checkov
def checkov_skips(template: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (name, skip.get("id", ""), skip.get("comment", ""))
        for name, spec in template["Resources"].items()
        for skip in spec.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]


def test_every_checkov_skip_names_one_check_and_gives_its_reason(template: dict[str, Any]) -> None:
    skips = checkov_skips(template)
    assert skips, "make checkov runs with the template's skips"
    for name, check, comment in skips:
        assert re.fullmatch(r"CKV2?_AWS_\d+", check), (name, check)
        assert len(comment.split()) >= 12, (name, check, comment)  # a reason, not a label
    pairs = [(name, check) for name, check, _ in skips]
    assert len(pairs) == len(set(pairs))


def test_no_skip_waives_what_the_template_already_does(template: dict[str, Any]) -> None:
    """Skips are for choices the template explains, never for a control it could simply switch on: the
    checks below pass today, and a skip of one of them would hide a regression."""
    never_skipped = {
        "CKV_AWS_28",  # DynamoDB point-in-time recovery
        "CKV_AWS_53",  # S3 blocks public ACLs
        "CKV_AWS_54",  # S3 blocks public policies
        "CKV_AWS_55",  # S3 ignores public ACLs
        "CKV_AWS_56",  # S3 restricts public buckets
        "CKV_AWS_19",  # S3 encryption at rest
        "CKV_AWS_73",  # API Gateway X-Ray tracing
        "CKV_AWS_66",  # CloudWatch log groups have a retention
        "CKV_AWS_45",  # no secret in a function's environment
        "CKV_AWS_20",  # S3 grants no public read
        "CKV_AWS_57",  # S3 grants no public write
    }
    assert not {check for _, check, _ in checkov_skips(template)} & never_skipped
