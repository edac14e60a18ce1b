"""End to end, exports: through the local stack's gateway, a small CSV is the answer itself; an XLSX, a
ticket's PDF and its ZIP are written to the stack's S3 (moto) under exports/ and answered 303 See Other, whose
Location (a presigned URL of the local S3) downloads the file under its name, as `curl -L` does."""

from __future__ import annotations

import io
import json
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from chorus_desk import messages
from tests.e2e.stack import Stack, start_stack
from tests.e2e.test_attachments_over_http import PDF, draft, fetch, settled, upload, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None  # the 303 itself is the answer under test


def call(stack: Stack, path: str, user: str) -> tuple[int, bytes, Any]:
    """GET ``path`` as ``user``, without following a redirect."""
    request = urllib.request.Request(stack.url + path, headers={"Authorization": stack.token(user)})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as reply:
            return reply.status, reply.read(), reply.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    started = start_stack(tmp_path_factory.mktemp("exports"), "--no-demo-tickets")
    yield started
    if started.process.poll() is None:
        started.process.kill()


def linked(stack: Stack, path: str) -> tuple[dict[str, Any], bytes, Any]:
    """The 303's body, and what its Location downloads from the local S3."""
    status, raw, headers = call(stack, path, "marie")
    assert status == 303, raw
    body = json.loads(raw)
    assert headers["Location"] == body["url"]
    assert body["url"].startswith("http://127.0.0.1:")  # the stack's moto, path-style
    status, content, file_headers = fetch("GET", body["url"])
    assert status == 200, content
    assert len(content) == body["size"]
    assert file_headers["Content-Disposition"].startswith("attachment;")
    assert body["name"] in file_headers["Content-Disposition"]
    return body, content, file_headers


def test_a_csv_inline_an_xlsx_pdf_and_zip_through_the_local_s3(stack: Stack) -> None:
    number = draft(stack)
    attachment_id = upload(stack, number, "facture réglée.pdf", "application/pdf", PDF)
    assert wait_for("the check", settled(stack, number, attachment_id))["state"]["code"] == "AVAILABLE"

    status, raw, headers = call(stack, "/tickets/export?format=CSV&side=EMITTER&tab=DRAFTS", "marie")
    assert status == 200, raw
    assert headers["Content-Type"] == "text/csv; charset=utf-8"
    assert headers["Content-Disposition"].startswith('attachment; filename="sollicitations-emises-')
    text = raw.decode("utf-8")
    assert text.startswith("\ufeff" + ";".join(messages.EXPORT_COLUMNS[:3]))

    body, content, file_headers = linked(stack, "/tickets/export?format=XLSX&side=EMITTER&status=DRAFT")
    assert body["rows"] >= 1 and content.startswith(b"PK")
    assert file_headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")

    body, content, _ = linked(stack, f"/tickets/{number}/pdf")
    assert content.startswith(b"%PDF-") and body["name"] == f"sollicitation-{number}.pdf"

    body, content, _ = linked(stack, f"/tickets/{number}/pdf?attachments=true")
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert sorted(names) == sorted(
        [f"sollicitation-{number}.pdf", f"{messages.ZIP_ATTACHMENTS_FOLDER}/facture réglée.pdf"]
    )

    state = json.loads(stack.state.read_text(encoding="utf-8"))
    s3 = boto3.client(
        "s3",
        endpoint_url=state["aws_endpoint"],
        region_name="eu-west-3",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    bucket = state["buckets"]["AttachmentsBucket"]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="exports/").get("Contents", [])]
    assert len(keys) == 3 and all(k.count("/") == 3 for k in keys)
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert {"Prefix": "exports/"} in [r["Filter"] for r in rules]
    time.sleep(0.5)  # an object created under exports/ is no upload: the attachments check ignores it
    assert "Traceback" not in stack.log.read_text(errors="replace")

    assert call(stack, f"/tickets/{number}/pdf", "nora")[0] == 404
