"""template.yaml keeps its promises: runtime, tracing, least privilege, no catch-all, explicit CORS,
log retention, a protected table; the mail consumer's stream, filter, retries and SES rights; the abuse limits
of the public routes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from chorus_desk import lifecycle
from chorus_desk.models import HistoryEntry, Person
from chorus_desk.usecases.mail import kind_of
from local_stack.template import Resolver, api_routes, resources_of_type


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return resources_of_type(template, "AWS::Serverless::Function")


def test_globals_run_python_313_on_arm64_with_tracing(template: dict[str, Any]) -> None:
    fn = template["Globals"]["Function"]
    assert (fn["Runtime"], fn["Architectures"], fn["Tracing"]) == ("python3.13", ["arm64"], "Active")
    assert fn["Timeout"] <= 29  # below API Gateway's integration timeout
    assert {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "STAGE", "CORS_ORIGIN"} <= set(
        fn["Environment"]["Variables"]
    )
    assert "TABLE_NAME" not in fn["Environment"]["Variables"], "only the functions that use the table get its name"


def test_every_function_logs_to_its_own_group_with_retention(template: dict[str, Any]) -> None:
    for name, spec in functions(template).items():
        group = spec["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        props = template["Resources"][group]["Properties"]
        assert props["RetentionInDays"] == {"Ref": "LogRetentionDays"}, name


# SAM policy templates the functions may use, each with the one parameter naming the template's own resource.
POLICY_TEMPLATES = {
    "AWSSecretsManagerGetSecretValuePolicy": {"SecretArn": {"Ref": "StatusLinkSecret"}},
    "SQSSendMessagePolicy": {"QueueName": {"Fn::GetAtt": ["MailDeadLetterQueue", "QueueName"]}},
}
# …and these, for « renvoyer le lien d'activation » (the assistants: tests/test_invitations.py).
MORE_POLICY_TEMPLATES = [
    ("AWSSecretsManagerGetSecretValuePolicy", {"SecretArn": {"Ref": "PseudonymSecret"}}),
    ("EventBridgePutEventsPolicy", {"EventBusName": {"Ref": "DeskBus"}}),
]
# What the inline statements may grant (execute-api: the live chat's PostToConnection, on its own API only).
SERVICES = ("dynamodb:", "ses:", "s3:", "states:", "ssm:", "cognito-idp:", "execute-api:")


def statements(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The inline policy statements of a function (SAM policy templates left out)."""
    return [s for policy in spec["Properties"].get("Policies", []) for s in policy.get("Statement", [])]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_policies_name_their_resources_and_never_allow_scan(template: dict[str, Any]) -> None:
    for name, spec in functions(template).items():
        for policy in spec["Properties"].get("Policies", []):
            if "Statement" in policy:
                continue
            ((kind, parameters),) = policy.items()
            assert POLICY_TEMPLATES.get(kind) == parameters or (kind, parameters) in MORE_POLICY_TEMPLATES, name
        for statement in statements(spec):
            assert statement["Effect"] == "Allow", name
            assert "*" not in as_list(statement["Resource"]), name
            for resource in as_list(statement["Resource"]):  # objects: under one of the bucket's prefixes only
                if isinstance(resource, dict) and "Fn::Sub" in resource and "AttachmentsBucket" in str(resource):
                    assert resource["Fn::Sub"].endswith(("/uploads/*", "/files/*", "/exports/*")), (name, resource)
            actions = as_list(statement["Action"])
            assert all(a.startswith(SERVICES) and "*" not in a for a in actions), name
            assert "dynamodb:Scan" not in actions, name


# The only routes open without a token: reading the catalogue (the non-connected form needs it), and the
# non-connected mode: a captcha, a ticket, the status behind a signed link.
PUBLIC_ROUTES = {
    ("GET", "/catalogue"),
    ("POST", "/public/captcha"),
    ("POST", "/public/tickets"),
    ("POST", "/public/status"),
    ("POST", "/public/assistant/conversations"),
    ("GET", "/public/assistant/conversations/{conversation_id}"),
    ("POST", "/public/assistant/conversations/{conversation_id}/messages"),
    ("POST", "/public/assistant/conversations/{conversation_id}/feedback"),
    # The live chat of an anonymous visitor, by their conversation's id (tests/test_chat_api.py).
    ("POST", "/public/assistant/conversations/{conversation_id}/chat"),
    ("GET", "/public/assistant/conversations/{conversation_id}/chat"),
    ("POST", "/public/assistant/conversations/{conversation_id}/chat/messages"),
    ("POST", "/public/assistant/conversations/{conversation_id}/chat/end"),
    ("POST", "/public/assistant/conversations/{conversation_id}/chat/feedback"),
    ("POST", "/public/assistant/conversations/{conversation_id}/chat/transcript"),
}
# What a function open without a token may do on the table: single items and one partition, never a Scan, never
# an index (they hold other users' lists), never a batch read.
PUBLIC_TABLE_ACTIONS = {
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:ConditionCheckItem",
}


def test_no_catch_all_route_and_every_route_but_the_public_ones_is_authorized(template: dict[str, Any]) -> None:
    routes = api_routes(template)
    for route in routes:
        assert "+" not in route.path and route.method != "ANY", route
        assert route.authorized is ((route.method, route.path) not in PUBLIC_ROUTES), route
    assert {(r.method, r.path) for r in routes} >= PUBLIC_ROUTES


def test_public_functions_reach_the_table_item_by_item_only(template: dict[str, Any]) -> None:
    public = {r.function for r in api_routes(template) if not r.authorized}
    assert public == {"CatalogueFunction", "PublicFunction", "PublicAssistantFunction", "PublicChatFunction"}
    for function in public:
        spec = template["Resources"][function]
        assert all(not r.authorized for r in api_routes(template) if r.function == function), function
        for statement in statements(spec):
            if statement.get("Sid") == "PushToSockets":  # the public chat pushes to the chat's sockets, nothing else
                assert as_list(statement["Action"]) == ["execute-api:ManageConnections"], function
                assert "${ChatApi}/${Stage}/POST/@connections/*" in statement["Resource"]["Fn::Sub"], function
                continue
            assert set(as_list(statement["Action"])) <= PUBLIC_TABLE_ACTIONS, function
            assert as_list(statement["Resource"]) == [{"Fn::GetAtt": ["DeskTable", "Arn"]}], function
    assert "Policies" not in template["Resources"]["CatalogueFunction"]["Properties"]  # the catalogue is code
    public_policies = template["Resources"]["PublicFunction"]["Properties"]["Policies"]
    assert [set(p) for p in public_policies] == [{"Statement"}] + [{"AWSSecretsManagerGetSecretValuePolicy"}] * 2


def test_cors_origin_is_explicit(template: dict[str, Any]) -> None:
    (api,) = resources_of_type(template, "AWS::Serverless::Api").values()
    assert api["Properties"]["Cors"]["AllowOrigin"] == {"Fn::Sub": "'${CorsOrigin}'"}
    assert "*" not in template["Parameters"]["CorsOrigin"]["AllowedPattern"]


def test_table_is_recoverable_and_encrypted(template: dict[str, Any]) -> None:
    props = template["Resources"]["DeskTable"]["Properties"]
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert props["SSESpecification"]["SSEEnabled"] is True
    assert template["Resources"]["DeskTable"]["DeletionPolicy"] == "Retain"


def test_every_function_has_its_own_log_group(template: dict[str, Any]) -> None:
    groups = {
        name: spec["Properties"]["LoggingConfig"]["LogGroup"]["Ref"] for name, spec in functions(template).items()
    }
    assert len(set(groups.values())) == len(groups), groups
    for group in groups.values():
        assert template["Resources"][group]["Type"] == "AWS::Logs::LogGroup", group


# ------------------------------------------------------------------------------------------------ mail
def mail_stream_event(template: dict[str, Any]) -> dict[str, Any]:
    events = template["Resources"]["MailFunction"]["Properties"]["Events"]
    (event,) = [e for e in events.values() if e["Type"] == "DynamoDB"]
    return dict(event["Properties"])


def mailed_actions() -> set[str]:
    """The actions whose history event calls for a mail (usecases.mail.kind_of), from the transition tables (the
    users' and the desk's own)."""
    mailed = set()
    for action, transition in (lifecycle.TRANSITIONS | lifecycle.SYSTEM_TRANSITIONS).items():
        for source in transition.sources:
            target = transition.target_from(source)
            if target is None:
                continue  # no ticket left (a deleted draft): no history event
            entry = HistoryEntry(
                seq=2,
                at=datetime.now(UTC),
                actor=Person(id="x", name="x"),
                side=transition.side,
                action=action,
                from_status=source,
                to_status=target,
            )
            if kind_of(entry) is not None:
                mailed.add(action.value)
    return mailed


def test_the_mail_consumer_reads_the_table_stream_with_bounded_retries_and_a_dead_letter_queue(
    template: dict[str, Any],
) -> None:
    props = mail_stream_event(template)
    assert props["Stream"] == {"Fn::GetAtt": ["DeskTable", "StreamArn"]}
    assert template["Resources"]["DeskTable"]["Properties"]["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
    assert props["StartingPosition"] == "TRIM_HORIZON"
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["BisectBatchOnFunctionError"] is True
    assert 0 <= props["MaximumRetryAttempts"] <= 20  # -1 (the default) retries until the records expire
    assert 60 <= props["MaximumRecordAgeInSeconds"] <= 86400
    on_failure = props["DestinationConfig"]["OnFailure"]
    assert on_failure == {"Type": "SQS", "Destination": {"Fn::GetAtt": ["MailDeadLetterQueue", "Arn"]}}
    assert template["Resources"]["MailDeadLetterQueue"]["Type"] == "AWS::SQS::Queue"
    # SAM gives the role sqs:SendMessage on that queue itself (tests/test_iam_policies.py): no policy of its own.
    policies = template["Resources"]["MailFunction"]["Properties"]["Policies"]
    assert not any("SQSSendMessagePolicy" in p for p in policies)


def test_the_mail_filter_lets_through_exactly_the_new_history_events_that_are_mailed(
    template: dict[str, Any],
) -> None:
    # The operations' filter: tests/test_operation_mail.py; the chat transcripts': tests/test_chat_transcript.py.
    events, _operations, _transcripts = mail_stream_event(template)["FilterCriteria"]["Filters"]
    pattern = json.loads(events["Pattern"])
    assert pattern["eventName"] == ["INSERT"]
    image = pattern["dynamodb"]["NewImage"]
    assert image["entity"] == {"S": ["EVENT"]}
    assert set(image["action"]["S"]) == mailed_actions()
    assert len(image["action"]["S"]) == len(set(image["action"]["S"]))
    assert set(pattern) == {"eventName", "dynamodb"} and set(image) == {"entity", "action"}
    assert mailed_actions() == {
        "CREATE_AND_SUBMIT",
        "SUBMIT",
        "REQUEST_INFORMATION",
        "ANSWER",
        "ACCEPT_SOLUTION",
        "CLOSE",
        "AUTO_CLOSE",
    }


def ses_statements(template: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {
        name: [s for s in statements(spec) if any(a.startswith("ses:") for a in as_list(s["Action"]))]
        for name, spec in functions(template).items()
    }


@pytest.mark.parametrize(
    ("parameters", "resources"),
    [
        ({}, ["identity/ne-pas-repondre@support-chorus.example.fr"]),
        (
            {"MailIdentity": "support-chorus.example.fr", "MailConfigurationSet": "desk-mails"},
            ["identity/support-chorus.example.fr", "configuration-set/desk-mails"],
        ),
    ],
)
def test_only_the_mail_function_sends_mail_and_only_as_the_desk_identity(
    template: dict[str, Any], parameters: dict[str, str], resources: list[str]
) -> None:
    found = {name: found for name, found in ses_statements(template).items() if found}
    assert set(found) == {"MailFunction"}
    (statement,) = found["MailFunction"]
    assert as_list(statement["Action"]) == ["ses:SendEmail"]  # SES v2: raw MIME content is ses:SendEmail too
    resolver = Resolver(template, parameters=dict(parameters))
    granted = [r for r in resolver.resolve(as_list(statement["Resource"])) if r != "AWS::NoValue"]
    assert granted == [f"arn:aws:ses:{resolver.region}:{resolver.account}:{r}" for r in resources]
    sender = resolver.ref("MailSender")
    assert resolver.resolve(statement["Condition"]) == {"StringEquals": {"ses:FromAddress": sender}}
    environment = template["Resources"]["MailFunction"]["Properties"]["Environment"]["Variables"]
    assert environment["MAIL_SENDER"] == {"Ref": "MailSender"}
    assert environment["MAIL_CONFIGURATION_SET"] == {"Ref": "MailConfigurationSet"}


def test_the_status_link_secret_is_generated_by_the_template_and_read_by_its_two_users(
    template: dict[str, Any],
) -> None:
    secret = template["Resources"]["StatusLinkSecret"]
    assert secret["Type"] == "AWS::SecretsManager::Secret"
    assert "SecretString" not in secret["Properties"]  # no key in the template or its parameters
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32  # the adapter's minimum
    readers = {
        name
        for name, spec in functions(template).items()
        if {"AWSSecretsManagerGetSecretValuePolicy": {"SecretArn": {"Ref": "StatusLinkSecret"}}}
        in spec["Properties"].get("Policies", [])
    }
    assert readers == {"PublicFunction", "MailFunction"}
    for name in readers:
        variables = template["Resources"][name]["Properties"]["Environment"]["Variables"]
        assert variables["SIGNING_SECRET_NAME"] == {"Ref": "StatusLinkSecret"}, name


# ------------------------------------------------------------------------------------------- abuse
def test_public_post_routes_have_their_own_lower_throttling(template: dict[str, Any]) -> None:
    (api,) = resources_of_type(template, "AWS::Serverless::Api").values()
    settings = {(s["ResourcePath"], s["HttpMethod"]): s for s in api["Properties"]["MethodSettings"]}
    stage = settings[("/*", "*")]
    # The status route reads one ticket and writes nothing: the stage's limits apply to it.
    posts = [r for r in api_routes(template) if not r.authorized and r.method == "POST" and r.path != "/public/status"]
    assert {r.path for r in posts} == {
        "/public/captcha",
        "/public/tickets",
        "/public/assistant/conversations",
        "/public/assistant/conversations/{conversation_id}/messages",
        "/public/assistant/conversations/{conversation_id}/feedback",
        "/public/assistant/conversations/{conversation_id}/chat",
        "/public/assistant/conversations/{conversation_id}/chat/messages",
        "/public/assistant/conversations/{conversation_id}/chat/end",
        "/public/assistant/conversations/{conversation_id}/chat/feedback",
        "/public/assistant/conversations/{conversation_id}/chat/transcript",
    }
    for route in posts:
        own = settings[("/" + route.path.replace("/", "~1"), "POST")]  # API Gateway escapes "/" as "~1"
        resolver = Resolver(template)
        for limit in ("ThrottlingBurstLimit", "ThrottlingRateLimit"):
            assert 0 < int(resolver.resolve(own[limit])) < int(stage[limit]), (route.path, limit)


def test_waf_is_an_option_with_a_rate_based_rule_on_the_public_routes(template: dict[str, Any]) -> None:
    assert template["Conditions"]["WafEnabled"] == {"Fn::Equals": [{"Ref": "WafProtection"}, "Enabled"]}
    assert template["Parameters"]["WafProtection"]["Default"] == "Disabled"  # billed: chosen per stage
    acls = resources_of_type(template, "AWS::WAFv2::WebACL")
    associations = resources_of_type(template, "AWS::WAFv2::WebACLAssociation")
    assert set(acls) == {"PublicWebAcl"} and set(associations) == {"PublicWebAclAssociation"}
    for resource in (*acls.values(), *associations.values()):
        assert resource["Condition"] == "WafEnabled"
    props = acls["PublicWebAcl"]["Properties"]
    assert props["Scope"] == "REGIONAL"
    (rule,) = props["Rules"]
    assert "Block" in rule["Action"]
    rate = rule["Statement"]["RateBasedStatement"]
    assert rate["AggregateKeyType"] == "IP"
    assert rate["Limit"] == {"Ref": "WafRateLimit"}
    assert rate["ScopeDownStatement"]["ByteMatchStatement"]["SearchString"] == "/public/"
    association = associations["PublicWebAclAssociation"]["Properties"]
    assert association["WebACLArn"] == {"Fn::GetAtt": ["PublicWebAcl", "Arn"]}
    assert "${DeskApi}" in association["ResourceArn"]["Fn::Sub"]


# ------------------------------------------------------------------------------------------ attachments
def bucket(template: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = template["Resources"]["AttachmentsBucket"]["Properties"]
    return props


def test_the_attachments_bucket_is_private_encrypted_and_forgets_unconfirmed_uploads(template: dict[str, Any]) -> None:
    props = bucket(template)
    assert all(props["PublicAccessBlockConfiguration"].values())
    assert len(props["PublicAccessBlockConfiguration"]) == 4
    (rule,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    rules = {rule["Prefix"]: rule["ExpirationInDays"] for rule in props["LifecycleConfiguration"]["Rules"]}
    assert rules == {"uploads/": 1, "exports/": 1}  # unconfirmed uploads, and the exports behind their links
    assert props["NotificationConfiguration"]["EventBridgeConfiguration"]["EventBridgeEnabled"] is True
    (cors,) = props["CorsConfiguration"]["CorsRules"]
    assert cors["AllowedOrigins"] == [{"Ref": "CorsOrigin"}]


def test_the_bucket_refuses_requests_without_tls(template: dict[str, Any]) -> None:
    policy = template["Resources"]["AttachmentsBucketPolicy"]["Properties"]
    assert policy["Bucket"] == {"Ref": "AttachmentsBucket"}
    deny = policy["PolicyDocument"]["Statement"][0]
    assert (deny["Effect"], deny["Action"]) == ("Deny", "s3:*")
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_check_runs_on_each_stored_upload_and_on_each_scan_result(template: dict[str, Any]) -> None:
    events = functions(template)["AttachmentsFunction"]["Properties"]["Events"]
    stored = events["UploadStored"]["Properties"]["Pattern"]
    assert (stored["source"], stored["detail-type"]) == (["aws.s3"], ["Object Created"])
    assert stored["detail"] == {
        "bucket": {"name": [{"Ref": "AttachmentsBucket"}]},
        "object": {"key": [{"prefix": "uploads/"}]},
    }
    scanned = events["ScanResult"]["Properties"]["Pattern"]
    assert scanned["detail-type"] == ["GuardDuty Malware Protection Object Scan Result"]
    for event in events.values():
        assert event["Type"] == "EventBridgeRule"
        assert event["Properties"]["RetryPolicy"]["MaximumRetryAttempts"] <= 185
        assert event["Properties"]["DeadLetterConfig"] == {"Type": "SQS"}
    invoke = functions(template)["AttachmentsFunction"]["Properties"]["EventInvokeConfig"]
    assert invoke["MaximumRetryAttempts"] <= 2
    assert invoke["DestinationConfig"]["OnFailure"] == {
        "Type": "SQS",
        "Destination": {"Fn::GetAtt": ["AttachmentsFailureQueue", "Arn"]},
    }


@pytest.mark.parametrize("scanning", ["Enabled", "Disabled"])
def test_malware_scanning_is_an_option_that_gates_downloads(template: dict[str, Any], scanning: str) -> None:
    resolver = Resolver(template, parameters={"MalwareScanning": scanning})
    on = scanning == "Enabled"
    assert resolver.condition("MalwareScanningEnabled") is on
    for name in ("MalwareProtectionPlan", "MalwareProtectionRole"):
        assert template["Resources"][name]["Condition"] == "MalwareScanningEnabled"
    plan = template["Resources"]["MalwareProtectionPlan"]["Properties"]
    assert plan["ProtectedResource"]["S3Bucket"]["ObjectPrefixes"] == ["files/"]
    assert plan["Actions"]["Tagging"]["Status"] == "ENABLED"
    statements_ = resolver.resolve(template["Resources"]["AttachmentsBucketPolicy"]["Properties"])["PolicyDocument"]
    gate = [
        s
        for s in statements_["Statement"]
        if isinstance(s, dict) and s.get("Sid") == "DownloadOnlyWhatGuardDutyFoundClean"
    ]
    assert bool(gate) is on
    for name in ("TicketsFunction", "AttachmentsFunction"):
        environment = resolver.resolve(functions(template)[name]["Properties"]["Environment"]["Variables"])
        assert environment["MALWARE_SCANNING"] == ("true" if on else "false")
