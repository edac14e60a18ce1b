"""End to end, attachments: Marie asks for an upload form, posts the file straight to the local S3 as `curl -F`
would (the form's fields, then the file), S3's "Object Created" event reaches the attachments function
through the stack's in-process EventBridge, the check keeps the file (no malware scan locally), and the
download link gives the same bytes back under the file's own name. A file whose bytes are not what its
name says is refused, with the reason, and its object deleted; a deleted draft leaves no object behind, and
an upload that arrives after it is deleted by the check."""

from __future__ import annotations

import json
import secrets
import signal
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import boto3
import pytest

from chorus_desk import files, messages
from tests.e2e.stack import Stack, start_stack

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

T = TypeVar("T")
DRAFT = {
    "category": "FACTURES_EMISES",
    "subcategory": "ERREUR_ELEMENTS_FACTURATION",
    "emitter_siret": "53453679200011",
    "title": "Numéro d'engagement erroné",
}
PDF = b"%PDF-1.4\n% Facture FAC-2026-118, r\xc3\xa9gl\xc3\xa9e\n" + bytes(range(256)) + b"\n%%EOF\n"
PDF_NAME = "Facture réglée n° 118.pdf"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    started = start_stack(tmp_path_factory.mktemp("attachments"), "--no-demo-tickets")
    yield started
    if started.process.poll() is None:
        started.process.kill()


@pytest.fixture(scope="module")
def bucket(stack: Stack) -> tuple[Any, str]:
    """boto3 against the stack's moto (from its state file), and the attachments bucket's name."""
    state = json.loads(stack.state.read_text(encoding="utf-8"))
    s3 = boto3.client(
        "s3",
        endpoint_url=state["aws_endpoint"],
        region_name="eu-west-3",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    return s3, state["buckets"]["AttachmentsBucket"]


def keys(bucket: tuple[Any, str], number: int) -> list[str]:
    s3, name = bucket
    found = []
    for area in ("uploads", "files"):
        found += [o["Key"] for o in s3.list_objects_v2(Bucket=name, Prefix=f"{area}/{number}/").get("Contents", [])]
    return found


def wait_for(what: str, probe: Callable[[], T | None], timeout: float = 30) -> T:
    """The first non-None answer of ``probe``: the check runs a moment after the upload, so ask until then."""
    deadline = time.monotonic() + timeout
    while True:
        answer = probe()
        if answer is not None:
            return answer
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout} s")
        time.sleep(0.1)


def multipart(fields: dict[str, str], file_name: str, content_type: str, content: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body as `curl -F key=value ... -F file=@name` builds it: the fields in order,
    then the file, last, as S3 requires."""
    boundary = f"------------------------{secrets.token_hex(8)}"
    body = b""
    for name, value in fields.items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode()
        body += b"\r\n"
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    body += content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def fetch(method: str, url: str, body: bytes | None = None, content_type: str | None = None) -> tuple[int, bytes, Any]:
    request = urllib.request.Request(url, data=body, method=method)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, reply.read(), reply.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


def draft(stack: Stack) -> int:
    status, created, _ = stack.http("POST", "/tickets", "marie", DRAFT)
    assert status == 201, created
    return int(created["number"])


def upload(stack: Stack, number: int, name: str, content_type: str, content: bytes) -> str:
    """Ask for the form, post the file to S3 with it; returns the attachment's id."""
    status, answer, _ = stack.http(
        "POST",
        f"/tickets/{number}/attachments",
        "marie",
        {"name": name, "content_type": content_type, "size": len(content)},
    )
    assert status == 201, answer
    assert answer["attachment"]["state"]["code"] == "PENDING"
    form = answer["upload"]
    assert form["url"].startswith("http://127.0.0.1:")  # the stack's moto, path-style
    assert form["fields"]["key"] == f"uploads/{number}/{answer['attachment']['id']}"
    body, kind = multipart(form["fields"], name, content_type, content)
    status, reply, _ = fetch("POST", form["url"], body, kind)
    assert status == 204, reply  # S3's answer to a form without success_action_status
    return str(answer["attachment"]["id"])


def settled(stack: Stack, number: int, attachment_id: str) -> Callable[[], dict[str, Any] | None]:
    """A probe: the attachment as the ticket shows it, once checked (not PENDING, hence listed)."""

    def probe() -> dict[str, Any] | None:
        status, ticket, _ = stack.http("GET", f"/tickets/{number}", "marie")
        assert status == 200, ticket
        return next((a for a in ticket["attachments"] if a["id"] == attachment_id), None)

    return probe


def test_a_file_goes_straight_to_s3_is_checked_and_downloads_back(stack: Stack, bucket: tuple[Any, str]) -> None:
    number = draft(stack)
    attachment_id = upload(stack, number, PDF_NAME, "application/pdf", PDF)

    shown = wait_for("the check", settled(stack, number, attachment_id))
    assert shown["state"]["code"] == "AVAILABLE"  # no malware scan in the local stack
    assert (shown["name"], shown["size"], shown["refusal"]) == (PDF_NAME, len(PDF), None)
    assert keys(bucket, number) == [f"files/{number}/{attachment_id}"]  # moved out of uploads/

    status, link, _ = stack.http("GET", f"/tickets/{number}/attachments/{attachment_id}", "marie")
    assert status == 200, link
    status, content, headers = fetch("GET", link["url"])
    assert status == 200
    assert content == PDF
    assert headers["Content-Disposition"] == files.content_disposition(PDF_NAME)
    assert "filename*=UTF-8''Facture%20r%C3%A9gl%C3%A9e%20n%C2%B0%20118.pdf" in headers["Content-Disposition"]
    assert headers["Content-Type"] == "application/pdf"
    assert "Traceback" not in stack.log.read_text(errors="replace")


def test_a_file_whose_bytes_lie_is_refused_and_deleted(stack: Stack, bucket: tuple[Any, str]) -> None:
    number = draft(stack)
    attachment_id = upload(stack, number, "capture d'écran.png", "image/png", PDF)  # a PDF named .png

    shown = wait_for("the check", settled(stack, number, attachment_id))
    assert shown["state"]["code"] == "REFUSED"
    assert shown["refusal"] == messages.REFUSAL_CONTENT_MISMATCH.format(extension="png")
    assert keys(bucket, number) == []
    status, refused, _ = stack.http("GET", f"/tickets/{number}/attachments/{attachment_id}", "marie")
    assert status == 409, refused


def test_a_deleted_draft_leaves_no_object_in_the_bucket(stack: Stack, bucket: tuple[Any, str]) -> None:
    number = draft(stack)
    kept = upload(
        stack, number, "relevé.csv", "text/csv", "date;libellé;montant\n2026-11-02;Facture réglée;120,00\n".encode()
    )
    assert wait_for("the check", settled(stack, number, kept))["state"]["code"] == "AVAILABLE"
    status, late, _ = stack.http(
        "POST",
        f"/tickets/{number}/attachments",
        "marie",
        {"name": "bon.pdf", "content_type": "application/pdf", "size": 9},
    )
    assert status == 201, late
    assert keys(bucket, number) == [f"files/{number}/{kept}"]

    status, _, _ = stack.http("DELETE", f"/tickets/{number}", "marie")
    assert status == 204
    assert keys(bucket, number) == []

    # The form handed out before the deletion still works on S3: the check finds no ticket and deletes it.
    body, kind = multipart(late["upload"]["fields"], "bon.pdf", "application/pdf", b"%PDF-1.4\n")
    assert fetch("POST", late["upload"]["url"], body, kind)[0] == 204
    wait_for("the orphan's deletion", lambda: True if keys(bucket, number) == [] else None)
    assert stack.http("GET", f"/tickets/{number}", "marie")[0] == 404


def test_the_stack_stops_cleanly_with_its_event_bus(stack: Stack) -> None:
    stack.process.send_signal(signal.SIGINT)
    assert stack.process.wait(timeout=30) == 0, stack.log.read_text()
    log = stack.log.read_text()
    assert "Local stack stopped." in log
    assert "Traceback" not in log
    assert "EVENT  AttachmentsFunction (Object Created uploads/" in log
