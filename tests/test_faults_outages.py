"""S3 and SES outages, injected into the clients the adapters use (tests/faults_support.py), with the real
handlers on DynamoDB and S3 (moto): a clear French 503 for the upload form, the download link and the
exports, nothing half written; the attachments' check failed by an outage and run again as Lambda retries
it; the mail consumer's record reported failed and retried, nothing marked sent until SES takes the mail."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import boto3
import botocore.endpoint
import pytest

from chorus_desk import bootstrap, messages
from chorus_desk.adapters import s3 as s3_adapter
from chorus_desk.adapters import ses as ses_adapter
from chorus_desk.adapters.s3 import S3Files
from chorus_desk.adapters.ses import SesMailer
from chorus_desk.errors import StorageUnavailable
from chorus_desk.lifecycle import Action
from chorus_desk.models import AttachmentState
from chorus_desk.ports import Mailer, Ports
from chorus_desk.usecases.mail import mail_key
from tests.faults_support import AwsError, Faults, Pauses, s3_unavailable, ses_throttled
from tests.mail_support import MailDesk, open_desk, retry_batch, sent_mails, sequence_numbers
from tests.support import Api, BucketObjects, Reply
from tests.test_attachments import NAME, PDF

TABLE = os.environ["TABLE_NAME"]
BUCKET = os.environ["ATTACHMENTS_BUCKET"]
SENDER = os.environ["MAIL_SENDER"]
CONTACT = "compta.fournisseurs@menuiserie-dupont.example"


def items(look: Any) -> list[dict[str, Any]]:
    """The whole table, sorted by key (a test's own look through a client of its own, not a request path)."""
    pages = look.get_paginator("scan").paginate(TableName=TABLE, ConsistentRead=True)
    return sorted((i for page in pages for i in page["Items"]), key=lambda i: (i["PK"]["S"], i["SK"]["S"]))


def files_unavailable(reply: Reply) -> None:
    assert reply.status == 503, reply.body
    assert (reply.body["code"], reply.body["message"]) == (StorageUnavailable.code, messages.FILES_UNAVAILABLE)


# ---------------------------------------------------------------------------------------------- S3
@dataclass
class Storage:
    api: Api
    faults: Faults
    look: Any

    @property
    def ports(self) -> Ports:
        return self.api.ports

    def exports(self) -> list[str]:
        stored = self.api.objects.keys()
        return [k for k in stored if k.startswith("exports/")]


@pytest.fixture
def storage(dynamo: Ports, template: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[Storage]:
    """The real handlers on DynamoDB and S3 (moto); the S3 adapter's client is its own (its retries as
    deployed), with faults injected at will and its backoff pauses recorded, not slept."""
    monkeypatch.setattr(botocore.endpoint, "time", Pauses())
    client = s3_adapter.default_client()
    faults = Faults(client)
    api = Api(template, dynamo, S3Files(BUCKET, client), BucketObjects(boto3.client("s3"), BUCKET))
    yield Storage(api, faults, boto3.client("dynamodb"))
    api.forget_exports_settings()
    api.close()


def test_an_upload_form_that_cannot_be_signed_is_a_french_503_and_holds_no_place(storage: Storage) -> None:
    """A presigned form is made without a call to S3: it fails only when the credentials cannot be had. The
    file's place on the ticket must not be taken then (it would count against the ticket's limits)."""
    number = storage.api.ticket_in("OPEN")
    before = items(storage.look)
    storage.faults.cannot_sign("PutObject")

    files_unavailable(storage.api.request_upload("sophie", number, NAME, len(PDF)))

    assert items(storage.look) == before
    storage.faults.clear()
    assert storage.api.attach("sophie", number, NAME, PDF).outcome == "accepted"
    attachments = storage.api.call("get_ticket", "sophie", number).body["attachments"]
    assert [a["name"] for a in attachments] == [NAME]


def test_a_download_link_that_cannot_be_signed_is_a_french_503(storage: Storage) -> None:
    number = storage.api.ticket_in("OPEN")
    attachment_id = storage.api.attach("sophie", number, NAME, PDF).id
    before = items(storage.look)
    storage.faults.cannot_sign("GetObject")

    reply = storage.api.call("download_attachment", "marie", number, attachment_id=attachment_id)

    files_unavailable(reply)
    assert items(storage.look) == before


def test_an_export_s3_cannot_store_is_a_french_503_and_leaves_no_file(storage: Storage) -> None:
    storage.api.ticket_in("OPEN")
    storage.faults.fail("PutObject", s3_unavailable)
    storage.faults.sent.clear()

    reply = storage.api.call_raw(
        "export_tickets", "marie", query={"format": "XLSX", "side": "EMITTER", "tab": "ONGOING"}
    )

    files_unavailable(reply)
    assert storage.faults.sent["PutObject"] == storage.faults.total_attempts  # retried by the client first
    assert storage.exports() == []


def test_an_archive_whose_file_s3_cannot_read_is_a_french_503_and_stores_nothing(storage: Storage) -> None:
    number = storage.api.ticket_in("OPEN")
    assert storage.api.attach("sophie", number, NAME, PDF).outcome == "accepted"
    storage.faults.fail("GetObject", s3_unavailable)
    storage.faults.sent.clear()

    reply = storage.api.call("ticket_pdf", "marie", number, query={"attachments": "true"})

    files_unavailable(reply)
    assert storage.faults.sent["GetObject"] == storage.faults.total_attempts
    assert storage.exports() == []


def test_a_check_cut_short_by_an_outage_fails_and_its_retry_keeps_the_file_once(storage: Storage) -> None:
    """S3 copies the upload under ``files/`` but cannot delete it from ``uploads/``: the check fails (Lambda
    retries the event), the ticket still waits for its file. The retried check keeps it, once."""
    number = storage.api.ticket_in("OPEN")
    form = storage.api.request_upload("sophie", number, NAME, len(PDF)).body["upload"]["fields"]
    storage.api.objects.upload(form["key"], form["Content-Type"], PDF)
    storage.faults.fail("DeleteObject", s3_unavailable)

    with pytest.raises(StorageUnavailable):
        storage.api.stored(form["key"], len(PDF))

    waiting = storage.ports.tickets.load_ticket(number)
    assert waiting is not None
    assert [a.state for a in waiting.attachments] == [AttachmentState.PENDING]  # still waiting for its file
    storage.faults.clear()
    assert storage.api.stored(form["key"], len(PDF)) == "accepted"
    (kept,) = storage.api.call("get_ticket", "sophie", number).body["attachments"]
    assert kept["state"]["code"] == "AVAILABLE"
    assert storage.api.objects.keys() == [form["key"].replace("uploads/", "files/", 1)]
    ticket = storage.ports.tickets.load_ticket(number)
    assert ticket is not None
    assert [e.action for e in ticket.history].count(Action.ADD_ATTACHMENT) == 1


# --------------------------------------------------------------------------------------------- SES
@dataclass
class Mail:
    api: Api
    desk: MailDesk
    faults: Faults
    look: Any

    def journal(self, key: str) -> dict[str, Any] | None:
        """The mail journal's item of ``key``, as stored."""
        answer = self.look.get_item(TableName=TABLE, Key={"PK": {"S": f"MAIL#{key}"}, "SK": {"S": "MAIL"}})
        item: dict[str, Any] | None = answer.get("Item")
        return item


@pytest.fixture
def mail(aws_api: Api, template: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[Mail]:
    """The API on moto, the table's stream handed to the real mail function, whose mailer's client is the SES
    adapter's own with faults injected (its backoff pauses recorded, not slept)."""
    monkeypatch.setattr(botocore.endpoint, "time", Pauses())
    boto3.client("secretsmanager").create_secret(
        Name=os.environ["SIGNING_SECRET_NAME"], SecretString=secrets.token_urlsafe(48)
    )
    client = ses_adapter.default_client()
    faults = Faults(client)

    @lru_cache(maxsize=1)
    def mailer() -> Mailer:
        return SesMailer(SENDER, client=client)

    monkeypatch.setattr(bootstrap, "mailer", mailer)
    for desk in open_desk(template, SENDER):
        yield Mail(aws_api, desk, faults, boto3.client("dynamodb"))


def ses_failing() -> AwsError:
    return AwsError(500, "InternalFailure", "The request processing has failed because of an unknown error.")


@pytest.mark.parametrize("error", [ses_throttled, ses_failing], ids=["throttled", "failing"])
def test_when_ses_cannot_take_a_mail_the_record_fails_nothing_is_marked_sent_and_the_retry_sends_it_once(
    mail: Mail, error: Callable[[], AwsError]
) -> None:
    reply = mail.api.create(contact_email=CONTACT)
    assert reply.status == 201, reply.body
    number = int(reply.body["number"])
    batch = mail.desk.handed(mail.desk.records())
    (record,) = batch
    key = mail_key(number, int(record["dynamodb"]["NewImage"]["seq"]["N"]))
    mail.faults.fail("SendEmail", error)

    during = mail.desk.invoke(batch)

    assert during.failed == sequence_numbers(batch)  # reported, so Lambda retries it
    assert during.mails == [] and sent_mails() == []
    assert mail.faults.sent["SendEmail"] == mail.faults.total_attempts  # the client retried first
    assert mail.journal(key) is None  # the claim given back: nothing says « sent »
    assert mail.api.call("get_ticket", "marie", number).body["status"]["code"] == "OPEN"  # the action stands

    mail.faults.clear()  # SES is back
    after = mail.desk.invoke(retry_batch(batch, during.failed))

    assert after.failed == []
    assert [m.subject for m in after.mails] == [messages.MAIL_SUBJECTS["CONFIRMATION"].format(number=number)]
    journal = mail.journal(key)
    assert journal is not None and journal["state"] == {"S": "SENT"}
    assert mail.desk.invoke(batch).mails == []  # the record once more: not sent again
