"""Least privilege to the item, and the IAM check's own parts (tests/iam_recorder.py, tests/iam_policy.py):

- the roles as SAM's translator makes them: the public functions and the mail function write only the key
  prefixes they own, each function's S3 actions only under the prefixes it uses;
- the recorder attributes a call to the function whose handler made it, presigned links and forms included;
- the evaluation: a GET or HEAD of a missing object needs ``s3:ListBucket`` for that key, or S3 answers 403
  (the exports function's archive of a ticket whose file is gone, run for real on moto);
- the whole run's check (tests/test_iam.py) cannot pass on no record.
"""

from __future__ import annotations

import copy
import io
import json
import os
import secrets
import zipfile
from datetime import timedelta
from typing import Any

import boto3
import pytest
import requests
from aws_lambda_powertools.utilities import parameters

from chorus_desk import links, messages
from chorus_desk.adapters.secrets import SecretSigningKey
from chorus_desk.models import utc_now
from local_stack.template import load_template
from tests.iam_policy import Report, Request, Role, allowing, check, requests_of, roles
from tests.iam_recorder import Recorder, recording
from tests.support import Api, overtaken
from tests.test_attachments import PDF, PNG, elsewhere, shown

TABLE = "arn:aws:dynamodb:eu-west-3:123456789012:table/chorus-desk-test"
BUCKET = "arn:aws:s3:::chorus-desk-test-attachments"


@pytest.fixture(scope="module")
def deployed() -> dict[str, Role]:
    """The roles of template.yaml as SAM translates it, with the tests' names."""
    return roles(names_of_the_tests())


def names_of_the_tests() -> dict[str, str]:
    return {
        "TABLE_NAME": "chorus-desk-test",
        "ATTACHMENTS_BUCKET": "chorus-desk-test-attachments",
        "SIGNING_SECRET_NAME": "chorus-desk/test/status-link-key",
        "PSEUDONYM_SECRET_NAME": "chorus-desk/test/pseudonym-key",
        "USER_POOL_ID": "eu-west-3_testpool",
        "MAIL_SENDER": "ne-pas-repondre@support-chorus.example.fr",
        "SIRENE_KEY_NAME": "/chorus-desk/test/sirene-api-key",
        "STAGE": "test",
    }


def item(action: str, pk: str, resource: str = TABLE) -> Request:
    return Request(f"dynamodb:{action}", resource, (("dynamodb:LeadingKeys", (pk,)),))


def s3(action: str, key: str) -> Request:
    return Request(f"s3:{action}", f"{BUCKET}/{key}")


def listing(prefix: str | None) -> Request:
    return Request("s3:ListBucket", BUCKET, (("s3:prefix", (prefix,)),) if prefix is not None else ())


def allowed(role: Role, request: Request) -> bool:
    return bool(allowing(role, request))


# ----------------------------------------------------------------------------------------------- the roles
def test_sam_translates_every_function_s_role_with_its_policy_templates_expanded(deployed: dict[str, Role]) -> None:
    functions = {
        name for name, spec in load_template()["Resources"].items() if spec["Type"] == "AWS::Serverless::Function"
    }
    assert set(deployed) == functions
    secret = "arn:aws:secretsmanager:eu-west-3:123456789012:secret:chorus-desk/test/status-link-key-AbCdEf"
    reading = Request("secretsmanager:GetSecretValue", secret)
    assert allowed(deployed["PublicFunction"], reading)  # AWSSecretsManagerGetSecretValuePolicy, expanded
    assert allowed(deployed["MailFunction"], reading)
    assert not allowed(deployed["TicketsFunction"], reading)
    # SAM's own statement for the stream's on-failure destination (the template has no SQS policy of its own)
    queue = "arn:aws:sqs:eu-west-3:123456789012:chorus-desk-test-mail-failures"
    assert allowed(deployed["MailFunction"], Request("sqs:SendMessage", queue))
    assert not allowed(deployed["MailFunction"], Request("sqs:SendMessage", queue.replace("mail", "attachment-check")))


@pytest.mark.parametrize(
    ("function", "owned", "foreign"),
    [
        (
            "PublicFunction",
            ["CAPTCHA#1", "RATE#public-tickets#x", "TICKET#7", "ROWS#7", "COUNTS#E#STRUCTURE#1", "COUNTER#TICKET"],
            ["USER#u", "STRUCTURE#1", "TEAM#t", "MAIL#m", "OPERATION#o", "CONVERSATION#c", "PAYMENTS#1"],
        ),
        (
            "PublicAssistantFunction",
            ["CONVERSATION#c", "SATISFACTION#2026-12", "RATE#assistant#x"],
            ["TICKET#7", "USER#u", "STRUCTURE#1", "CAPTCHA#1", "COUNTER#TICKET", "MAIL#m", "OPERATION#o"],
        ),
        ("MailFunction", ["MAIL#TICKET#7#EVENT#2"], ["TICKET#7", "ROWS#7", "USER#u", "RATE#x", "CONVERSATION#c"]),
    ],
)
def test_the_public_functions_and_the_mail_function_write_only_the_keys_they_own(
    deployed: dict[str, Role], function: str, owned: list[str], foreign: list[str]
) -> None:
    role = deployed[function]
    writes = ("PutItem", "UpdateItem", "DeleteItem")
    for pk in owned:
        assert any(allowed(role, item(action, pk)) for action in writes), (function, pk)
    for pk in foreign:
        for action in writes:
            assert not allowed(role, item(action, pk)), (function, action, pk)
    # a transaction or a batch touching one foreign item is refused as a whole (ForAllValues)
    mixed = Request("dynamodb:PutItem", TABLE, (("dynamodb:LeadingKeys", (owned[0], foreign[0])),))
    assert not allowed(role, mixed)
    assert not allowed(role, Request("dynamodb:Scan", TABLE))
    assert not any(
        allowed(role, item("Query", "LIST#E#STRUCTURE#1#OPEN", f"{TABLE}/index/{i}")) for i in ("GSI1", "ListByNumber")
    )


def test_the_mail_function_reads_what_a_mail_needs_and_never_a_captcha_or_a_rate(deployed: dict[str, Role]) -> None:
    role = deployed["MailFunction"]
    for pk in ("TICKET#7", "USER#u", "STRUCTURE#1", "OPERATION#o", "MAIL#m"):
        assert allowed(role, item("Query", pk)) or allowed(role, item("GetItem", pk)), pk
    for pk in ("CAPTCHA#1", "RATE#x", "CONVERSATION#c"):
        assert not allowed(role, item("Query", pk)) and not allowed(role, item("GetItem", pk)), pk


def test_each_function_s_s3_actions_are_limited_to_the_prefixes_it_uses(deployed: dict[str, Role]) -> None:
    tickets = deployed["TicketsFunction"]
    assert allowed(tickets, s3("PutObject", "uploads/7/a"))  # the upload form
    assert allowed(tickets, s3("GetObject", "files/7/a"))  # the download link
    assert not allowed(tickets, s3("PutObject", "files/7/a"))
    assert not allowed(tickets, s3("GetObject", "uploads/7/a"))
    assert not allowed(tickets, s3("PutObject", "exports/x/y/z.csv"))
    assert allowed(tickets, listing("uploads/7/")) and allowed(tickets, listing("files/7/"))
    assert not allowed(tickets, listing(None)) and not allowed(tickets, listing("exports/"))

    attachments = deployed["AttachmentsFunction"]
    assert allowed(attachments, listing("uploads/7/a"))  # a HEAD of a missing upload answers 404
    for prefix in (None, "", "files/", "exports/"):
        assert not allowed(attachments, listing(prefix)), prefix  # never the whole bucket
    assert not allowed(attachments, s3("GetObject", "exports/x/y/z.csv"))

    exports = deployed["ExportsFunction"]
    assert allowed(exports, listing("files/7/a"))  # a GET of a file removed meanwhile answers 404
    assert not allowed(exports, listing(None)) and not allowed(exports, listing("uploads/"))
    assert not allowed(exports, s3("PutObject", "files/7/a"))


# ------------------------------------------------------------------------------------------- the evaluation
def test_a_get_of_a_missing_key_needs_to_list_that_key_and_a_found_one_does_not() -> None:
    call = {"bucket": "b", "key": "files/7/a"}
    found = {"service": "s3", "operation": "GetObject", "call": call, "outcome": "ok"}
    missing = {**found, "outcome": "NoSuchKey"}
    head = {**found, "operation": "HeadObject", "outcome": "404"}
    assert [str(r) for r in requests_of(found)] == ["s3:GetObject on arn:aws:s3:::b/files/7/a"]
    needs = "s3:ListBucket on arn:aws:s3:::b with s3:prefix=['files/7/a']"
    assert [str(r) for r in requests_of(missing)][1:] == [needs]
    assert [str(r) for r in requests_of(head)][1:] == [needs]


def test_a_transaction_is_authorized_item_by_item() -> None:
    record = {
        "service": "dynamodb",
        "operation": "TransactWriteItems",
        "outcome": "ok",
        "call": {
            "items": [
                {"kind": "Put", "table": "t", "keys": [{"PK": "TICKET#1", "SK": "TICKET"}]},
                {"kind": "Update", "table": "t", "keys": [{"PK": "COUNTS#E#X", "SK": "ALL"}]},
                {"kind": "Delete", "table": "t", "keys": [{"PK": "ROWS#1", "SK": "R"}]},
            ]
        },
    }
    assert [(r.action, r.values("dynamodb:LeadingKeys")) for r in requests_of(record)] == [
        ("dynamodb:PutItem", ("TICKET#1",)),
        ("dynamodb:UpdateItem", ("COUNTS#E#X",)),
        ("dynamodb:DeleteItem", ("ROWS#1",)),
    ]


def test_no_record_at_all_proves_nothing_and_fails() -> None:
    report = check([], {})
    assert report.unused, "with no call recorded, every permission must be reported unproved"
    assert any("PublicFunction" in p for p in report.unused)


# ------------------------------------------------------------------------------------- through the handlers
def archive_of_a_ticket_whose_file_is_gone(aws_api: Api) -> tuple[Any, Recorder]:
    """A ticket with two available files, one of them deleted from the bucket behind the desk's back (a race
    with its removal), then « PDF avec pièces jointes » through the real exports handler, its calls recorded."""
    number = aws_api.ticket_in("DRAFT")
    kept = aws_api.attach("marie", number, "facture.pdf", PDF)
    gone = aws_api.attach("marie", number, "capture.png", PNG)
    assert (kept.outcome, gone.outcome) == ("accepted", "accepted")
    assert gone.key is not None
    boto3.client("s3").delete_object(
        Bucket=os.environ["ATTACHMENTS_BUCKET"], Key=gone.key.replace("uploads/", "files/")
    )
    with recording() as recorder:
        reply = aws_api.call("ticket_pdf", "marie", number, query={"attachments": "true"})
    return reply, recorder


def test_an_archive_whose_file_is_gone_holds_the_rest_and_needs_exports_to_list_files(
    aws_api: Api, deployed: dict[str, Role]
) -> None:
    reply, recorder = archive_of_a_ticket_whose_file_is_gone(aws_api)

    assert reply.status == 303, reply.body
    archive = zipfile.ZipFile(io.BytesIO(requests.get(reply.body["url"], timeout=5).content))
    folder = messages.ZIP_ATTACHMENTS_FOLDER
    assert sorted(archive.namelist()) == sorted([reply.body["name"].replace(".zip", ".pdf"), f"{folder}/facture.pdf"])
    calls = [(c["function"], c["operation"], c["outcome"]) for c in recorder.calls]
    assert ("ExportsFunction", "GetObject", "NoSuchKey") in calls
    assert ("ExportsFunction", "GetObject", "presigned") in calls  # the archive's link, signed by the role

    names = {c["names"]: recorder.names()[1] for c in recorder.calls}
    assert not check(recorder.calls, names).denied  # template.yaml: exports may list files/ (s3:prefix)

    # The same calls against the template without that statement: what AWS would answer 403 to is reported.
    template = copy.deepcopy(load_template())
    for policy in template["Resources"]["ExportsFunction"]["Properties"]["Policies"]:
        policy["Statement"] = [s for s in policy.get("Statement", []) if s.get("Action") != "s3:ListBucket"]
    report: Report = check(recorder.calls, names, variant=json.dumps(template))
    assert len(report.denied) == 1, report.denied
    (problem,) = report.denied
    assert problem.startswith("ExportsFunction: s3 GetObject (NoSuchKey) needs s3:ListBucket on "), problem
    assert "s3:prefix=['files/" in problem and "test_an_archive_whose_file_is_gone" in problem


def test_on_s3_an_event_for_an_upload_already_gone_is_refused_and_the_head_needs_to_list_uploads(
    aws_api: Api, deployed: dict[str, Role]
) -> None:
    number = aws_api.ticket_in("DRAFT")
    reply = aws_api.request_upload("marie", number, "facture.pdf", len(PDF))
    key = reply.body["upload"]["fields"]["key"]

    with recording() as recorder:
        assert aws_api.stored(key, len(PDF)) == "refused"  # the event came, the object never did (or is gone)

    assert shown(aws_api, number)[0]["refusal"] == messages.REFUSAL_NOT_UPLOADED
    (head,) = [c for c in recorder.calls if c["operation"] == "HeadObject"]
    assert (head["function"], head["outcome"]) == ("AttachmentsFunction", "404")
    assert all(allowed(deployed["AttachmentsFunction"], r) for r in requests_of(head))


def test_calls_made_by_a_test_or_a_fixture_belong_to_no_function(aws_api: Api) -> None:
    with recording() as recorder:
        aws_api.objects.upload("uploads/1/x", "application/pdf", PDF)
        aws_api.ports.tickets.load_ticket(1)
    assert recorder.calls == []


def test_the_status_page_checks_its_link_with_the_key_in_secrets_manager(aws_api: Api) -> None:
    """The public function's own read of the status-link key (elsewhere the tests give it a fixed key, and the
    local stack's functions share the mail function's cached read)."""
    value = secrets.token_urlsafe(48)
    boto3.client("secretsmanager").create_secret(Name=os.environ["SIGNING_SECRET_NAME"], SecretString=value)
    parameters.clear_caches()  # type: ignore[no-untyped-call]
    aws_api.signing_key = SecretSigningKey(os.environ["SIGNING_SECRET_NAME"])
    number = aws_api.create_anonymous().body["number"]
    expires = utc_now() + timedelta(days=1)

    with recording() as recorder:
        page = aws_api.status(links.sign(value.encode(), number, expires))
    forged = aws_api.status(links.sign(secrets.token_bytes(48), number, expires))

    assert (page.status, page.body["number"]) == (200, number)
    assert forged.status == 404, forged.body
    reads = [c for c in recorder.calls if c["service"] == "secretsmanager"]
    # The current version, then the stages a rotation leaves (tests/test_status_links.py): none here.
    first = reads[0]
    assert (first["function"], first["operation"], first["outcome"]) == ("PublicFunction", "GetSecretValue", "ok")
    assert {(c["operation"], c["outcome"]) for c in reads[1:]} <= {("GetSecretValue", "ResourceNotFoundException")}


def test_on_dynamodb_two_checks_settling_at_once_both_keep_their_file(aws_api: Api) -> None:
    """The check whose write another one overtook reads the ticket item back (was it its own write?), then
    tries again on the new version."""
    number = aws_api.ticket_in("DRAFT")
    first = aws_api.request_upload("marie", number, "premier.pdf", len(PDF)).body["upload"]["fields"]["key"]
    second = aws_api.request_upload("marie", number, "second.png", len(PNG)).body["upload"]["fields"]["key"]
    aws_api.objects.upload(first, "application/pdf", PDF)
    aws_api.objects.upload(second, "image/png", PNG)

    with (
        recording() as recorder,
        overtaken(aws_api, elsewhere(aws_api, lambda: aws_api.stored(second, len(PNG)))) as competitors,
    ):
        assert aws_api.stored(first, len(PDF)) == "accepted"

    assert competitors == ["accepted"]
    kept = sorted(a["name"] for a in shown(aws_api, number) if a["state"]["code"] == "AVAILABLE")
    assert kept == ["premier.pdf", "second.png"]
    assert ("AttachmentsFunction", "GetItem") in [(c["function"], c["operation"]) for c in recorder.calls]
