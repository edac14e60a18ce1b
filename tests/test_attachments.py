"""Attachments through the real handlers: the upload form the tickets function hands out, the upload
straight to the store, the check the attachments function makes when S3 (through EventBridge) says the
object exists, the download link and the removal.

Most tests run on the in-memory ports and storage (``api``); the last ones run on DynamoDB and S3 (moto,
``aws_api``), where the bytes really go through a bucket. Neither enforces a presigned form's
policy: what protects the desk is the check after the upload, and that is what these tests attack.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import pytest

from chorus_desk import files, messages
from chorus_desk.lifecycle import FILES_FROM, Side, Status
from chorus_desk.models import utc_now
from chorus_desk.ports import Ports
from tests.support import TEST_IDS, Api, Attached, BucketObjects, overtaken
from tests.test_files import OLE2, OOXML, SAMPLES

PDF = SAMPLES["pdf"] + b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = SAMPLES["png"] + bytes(range(256))
NAME = "Relevé d'échéance – FAC-2026-0101.pdf"
T = TypeVar("T")


# --------------------------------------------------------------------------------------------- helpers
def detail(api: Api, number: int, user: str = "marie") -> dict[str, Any]:
    reply = api.call("get_ticket", user, number)
    assert reply.status == 200, reply.body
    body: dict[str, Any] = reply.body
    return body


def shown(api: Api, number: int, user: str = "marie") -> list[dict[str, Any]]:
    """The files the ticket's detail shows to ``user``."""
    attachments: list[dict[str, Any]] = detail(api, number, user)["attachments"]
    return attachments


def history_of(api: Api, number: int, action: str) -> list[dict[str, Any]]:
    return [e for e in detail(api, number)["history"] if e["action"]["code"] == action]


def accepted(api: Api, user: str, number: int, name: str = NAME, data: bytes = PDF) -> str:
    """A file added through the whole journey and kept; its id."""
    attached = api.attach(user, number, name, data)
    assert attached.outcome == "accepted", attached
    return attached.id


def elsewhere(api: Api, call: Callable[[], T]) -> Callable[[Ports], T]:
    """``call`` (through ``api``) as another Lambda environment makes it, on the ports an ``overtaken``
    competitor is given: the same store, without the hook that makes it a competitor."""

    def competitor(ports: Ports) -> T:
        hooked, api.ports = api.ports, ports
        try:
            return call()
        finally:
            api.ports = hooked

    return competitor


def invalid(reply: Any, field: str, message: str) -> None:
    assert reply.status == 400, reply.body
    assert reply.body["code"] == "DONNEES_INVALIDES"
    assert {"field": field, "message": message} in reply.body["errors"]


def keys_of(api: Api, number: int) -> list[str]:
    stored = api.objects.keys()
    return [k for k in stored if k.split("/")[1] == str(number)]


# ------------------------------------------------------------------------------------ the journey
def test_an_accepted_file_is_on_the_ticket_with_who_when_and_which_step(api: Api) -> None:
    number = api.ticket_in("DRAFT")
    before = utc_now()

    attached = api.attach("marie", number, NAME, PDF)

    assert attached.outcome == "accepted"
    [attachment] = shown(api, number)
    assert attachment == {
        "id": attached.id,
        "name": NAME,
        "content_type": "application/pdf",
        "size": len(PDF),
        "side": "EMITTER",
        "added_by": {"id": TEST_IDS["marie"], "name": "Marie Dupont"},
        "added_at": attachment["added_at"],
        "step": {"code": "DRAFT", "label": attachment["step"]["label"]},
        "state": {"code": "AVAILABLE", "label": messages.ATTACHMENT_STATE_LABELS["AVAILABLE"]},
        "refusal": None,
    }
    assert before <= datetime.fromisoformat(attachment["added_at"]) <= utc_now()
    # The file left uploads/ for files/, byte for byte.
    assert api.objects.keys() == [f"files/{number}/{attached.id}"]
    assert api.objects.read(f"files/{number}/{attached.id}") == PDF
    [entry] = history_of(api, number, "ADD_ATTACHMENT")
    assert (entry["actor"]["name"], entry["side"], entry["comment"]) == ("Marie Dupont", "EMITTER", NAME)
    assert entry["to_status"]["code"] == "DRAFT"


def test_both_sides_see_every_file_of_the_ticket(api: Api) -> None:
    number = api.ticket_in("DRAFT")
    emitters = accepted(api, "marie", number, "bon de commande.pdf")
    assert api.call("submit_draft", "marie", number).status == 200
    recipients = accepted(api, "sophie", number, "capture.png", PNG)

    for user in ("marie", "paul", "julie", "sophie", "lucas"):
        files_seen = {(a["id"], a["side"], a["step"]["code"], a["added_by"]["name"]) for a in shown(api, number, user)}
        assert files_seen == {
            (emitters, "EMITTER", "DRAFT", "Marie Dupont"),
            (recipients, "RECIPIENT", "OPEN", "Sophie Moreau"),
        }, user


def test_the_upload_form_is_for_the_files_own_key_and_declared_type(api: Api) -> None:
    number = api.ticket_in("DRAFT")
    before = utc_now()

    reply = api.request_upload("marie", number, NAME, 48213)

    assert reply.status == 201, reply.body
    attachment, upload = reply.body["attachment"], reply.body["upload"]
    assert attachment["state"]["code"] == "PENDING"
    assert (attachment["name"], attachment["size"], attachment["content_type"]) == (NAME, 48213, "application/pdf")
    assert upload["fields"]["key"] == f"uploads/{number}/{attachment['id']}"
    assert upload["fields"]["Content-Type"] == "application/pdf"
    expires_at = datetime.fromisoformat(upload["expires_at"])
    assert before + timedelta(minutes=14) < expires_at <= utc_now() + timedelta(minutes=15)


def test_a_declared_type_with_parameters_is_kept_bare(api: Api) -> None:
    number = api.ticket_in("DRAFT")

    attached = api.attach("marie", number, "export.csv", b"a;b\n1;2\n", content_type="Text/CSV; charset=UTF-8")

    assert attached.reply.body["upload"]["fields"]["Content-Type"] == "text/csv"
    assert [a["content_type"] for a in shown(api, number)] == ["text/csv"]


def test_a_file_waiting_for_its_upload_is_not_shown(api: Api) -> None:
    number = api.ticket_in("DRAFT")
    version = detail(api, number)["version"]

    assert api.request_upload("marie", number, NAME, 100).status == 201

    assert shown(api, number) == []
    assert detail(api, number)["version"] == version + 1
    assert history_of(api, number, "ADD_ATTACHMENT") == []


# ------------------------------------------------------------------------- what the check refuses
LIES = [
    ("capture.png", PDF),
    ("facture.pdf", b"<html><script>alert(1)</script></html>"),
    ("photo.jpg", PNG),
    ("scan.tif", SAMPLES["gif"]),
    ("rapport.docx", OLE2),
    ("tableau.xls", OOXML),
    ("archive.zip", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
    ("notes.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00"),
    ("flux.xml", b"Ceci n'est pas du XML."),
    ("lettre.odt", SAMPLES["ods"]),
]


@pytest.mark.parametrize(("name", "data"), LIES, ids=[n for n, _ in LIES])
def test_a_file_whose_bytes_lie_about_its_type_is_refused_and_deleted(api: Api, name: str, data: bytes) -> None:
    number = api.ticket_in("DRAFT")

    attached = api.attach("marie", number, name, data)

    assert attached.outcome == "refused"
    [attachment] = shown(api, number)
    assert attachment["id"] == attached.id
    assert attachment["state"] == {"code": "REFUSED", "label": messages.ATTACHMENT_STATE_LABELS["REFUSED"]}
    assert attachment["refusal"] == messages.REFUSAL_CONTENT_MISMATCH.format(extension=files.extension_of(name))
    assert api.objects.keys() == []
    assert history_of(api, number, "ADD_ATTACHMENT") == []


@pytest.mark.parametrize(
    ("declared", "data"),
    [(len(PDF), PDF + b"\x00" * 5000), (len(PDF), PDF[:100]), (len(PDF), b"")],
    ids=["larger", "truncated", "empty"],
)
def test_a_file_of_another_size_than_declared_is_refused_and_deleted(api: Api, declared: int, data: bytes) -> None:
    number = api.ticket_in("DRAFT")

    attached = api.attach("marie", number, "facture.pdf", data, size=declared)

    assert attached.outcome == "refused"
    [attachment] = shown(api, number)
    assert attachment["refusal"] == messages.REFUSAL_SIZE_MISMATCH.format(
        actual=files.human_size(len(data)), declared=files.human_size(declared)
    )
    assert attachment["size"] == declared
    assert api.objects.keys() == []


def test_a_file_over_the_maximum_size_uploaded_under_a_small_declaration_is_refused(api: Api) -> None:
    """The form's content-length-range is S3's to enforce (moto does not): the check catches it anyway."""
    limits = api.files_settings(max_bytes=1024)
    number = api.ticket_in("DRAFT")

    attached = api.attach("marie", number, "facture.pdf", PDF + bytes(4 * limits.max_bytes), size=1000)

    assert attached.outcome == "refused"
    assert "n'a pas la taille annoncée" in shown(api, number)[0]["refusal"]
    assert api.objects.keys() == []


def test_an_event_for_an_object_already_gone_refuses_the_file(api: Api) -> None:
    number = api.ticket_in("DRAFT")
    reply = api.request_upload("marie", number, "facture.pdf", len(PDF))

    assert api.stored(reply.body["upload"]["fields"]["key"], len(PDF)) == "refused"

    assert shown(api, number)[0]["refusal"] == messages.REFUSAL_NOT_UPLOADED


def test_a_second_event_for_the_same_upload_leaves_the_kept_file_alone(api: Api) -> None:
    """S3 and EventBridge deliver at least once: a repeated event must not undo the first check."""
    number = api.ticket_in("DRAFT")
    attached = api.attach("marie", number, "facture.pdf", PDF)
    assert attached.key is not None

    api.stored(attached.key, len(PDF))

    assert [a["state"]["code"] for a in shown(api, number)] == ["AVAILABLE"]
    assert api.objects.read(f"files/{number}/{attached.id}") == PDF
    assert len(history_of(api, number, "ADD_ATTACHMENT")) == 1


def test_an_event_outside_the_uploads_deletes_nothing(api: Api) -> None:
    """Only uploads are checked: an event about a kept file (as a copy into files/ would make) is ignored."""
    number = api.ticket_in("DRAFT")
    attachment_id = accepted(api, "marie", number)

    assert api.stored(f"files/{number}/{attachment_id}", len(PDF)) == "ignored"

    assert api.objects.read(f"files/{number}/{attachment_id}") == PDF
    assert api.call("download_attachment", "marie", number, attachment_id=attachment_id).status == 200


# ------------------------------------------------------------------------------------------- orphans
def test_an_object_nobody_asked_for_is_deleted(api: Api) -> None:
    number = api.ticket_in("DRAFT")
    version = detail(api, number)["version"]
    for key in (f"uploads/{number}/hV3kq9ZpTnE2xW7bLcR4mA8s", "uploads/424242/abc", "uploads/not-a-number/x"):
        api.objects.upload(key, "application/pdf", PDF)

        assert api.stored(key, len(PDF)) == "orphan deleted"

    assert api.objects.keys() == []
    assert detail(api, number)["version"] == version


def test_an_upload_landing_after_its_draft_was_deleted_is_deleted(api: Api) -> None:
    number = api.ticket_in("DRAFT")
    reply = api.request_upload("marie", number, "facture.pdf", len(PDF))
    key = reply.body["upload"]["fields"]["key"]
    assert api.call("delete_draft", "marie", number).status == 204

    api.objects.upload(key, "application/pdf", PDF)

    assert api.stored(key, len(PDF)) == "orphan deleted"
    assert api.objects.keys() == []


def test_a_draft_deleted_leaves_no_object_behind(api: Api) -> None:
    other = api.ticket_in("DRAFT")
    kept = accepted(api, "marie", other)
    number = api.ticket_in("DRAFT")
    accepted(api, "marie", number)
    accepted(api, "marie", number, "capture.png", PNG)
    pending = api.request_upload("marie", number, "facture.pdf", len(PDF)).body["upload"]["fields"]["key"]
    api.objects.upload(pending, "application/pdf", PDF)  # uploaded, not checked yet

    assert api.call("delete_draft", "marie", number).status == 204

    assert api.objects.keys() == [f"files/{other}/{kept}"]


def test_a_file_checked_while_its_draft_is_deleted_is_not_kept(api: Api) -> None:
    """The draft is deleted (and its files with it) after the check read the ticket, before the check moved
    the upload under files/: the moved file must go too."""
    number = api.ticket_in("DRAFT")
    reply = api.request_upload("marie", number, "facture.pdf", len(PDF))
    key = reply.body["upload"]["fields"]["key"]
    api.objects.upload(key, "application/pdf", PDF)

    def delete_the_draft(ports: Ports) -> object:
        ticket = ports.tickets.load_ticket(number)
        assert ticket is not None
        ports.tickets.delete_ticket(ticket)  # its files were deleted already: none was under files/ yet
        return ticket.number

    with overtaken(api, delete_the_draft) as competitors:
        api.stored(key, len(PDF))

    assert competitors == [number]
    assert api.objects.keys() == []
    assert api.call("get_ticket", "marie", number).status == 404


# --------------------------------------------------------------------------------- limits (400)
def test_a_file_over_the_maximum_size_is_refused_before_any_upload(api: Api) -> None:
    limits = api.files_settings(max_bytes=1000)
    number = api.ticket_in("DRAFT")

    reply = api.request_upload("marie", number, "facture.pdf", limits.max_bytes + 1)

    invalid(reply, "size", messages.FILE_TOO_LARGE.format(max="1000 octets"))
    assert shown(api, number) == []
    assert api.request_upload("marie", number, "facture.pdf", limits.max_bytes).status == 201


def test_the_number_of_files_per_ticket_is_limited(api: Api) -> None:
    api.files_settings(max_count=2)
    number = api.ticket_in("DRAFT")
    first = accepted(api, "marie", number)
    assert api.request_upload("marie", number, "attente.pdf", 10).status == 201  # a pending file holds its place

    reply = api.request_upload("marie", number, "de trop.pdf", 10)

    invalid(reply, "name", messages.TICKET_FILES_TOO_MANY.format(max=2))
    assert api.call("remove_attachment", "marie", number, attachment_id=first).status == 200
    assert api.request_upload("marie", number, "de trop.pdf", 10).status == 201


def test_a_refused_file_does_not_count_towards_the_limits(api: Api) -> None:
    api.files_settings(max_count=1)
    number = api.ticket_in("DRAFT")
    assert api.attach("marie", number, "capture.png", PDF).outcome == "refused"

    assert api.attach("marie", number, "facture.pdf", PDF).outcome == "accepted"


def test_the_total_size_per_ticket_is_limited(api: Api) -> None:
    api.files_settings(max_bytes=2048, max_ticket_bytes=3072)
    number = api.ticket_in("DRAFT")
    accepted(api, "marie", number, data=PDF + bytes(2048 - len(PDF)))

    reply = api.request_upload("marie", number, "facture.pdf", 1025)

    invalid(reply, "size", messages.TICKET_FILES_TOO_LARGE.format(max="3 ko", used="2 ko"))
    assert api.request_upload("marie", number, "facture.pdf", 1024).status == 201


@pytest.mark.parametrize(
    "name",
    [
        "dossier/facture.pdf",
        "../../uploads/1/x.pdf",
        "C:\\Users\\marie\\facture.pdf",
        "facture\x00.pdf",
        "facture\r\n.pdf",
        "facture\x1b[2J.pdf",
        "\u202efdp.exe",
        "x" * 296 + ".pdf",
    ],
    ids=["slash", "parent", "backslash", "nul", "crlf", "escape", "rtl-override", "300-chars"],
)
def test_a_name_with_a_path_a_control_character_or_300_characters_is_refused(api: Api, name: str) -> None:
    number = api.ticket_in("DRAFT")
    version = detail(api, number)["version"]

    reply = api.request_upload("marie", number, name, 100, content_type="application/pdf")

    invalid(reply, "name", messages.FILE_NAME_INVALID.format(max=files.MAX_NAME_LENGTH))
    assert detail(api, number)["version"] == version
    assert api.objects.keys() == []


def test_a_type_outside_the_list_is_refused(api: Api) -> None:
    number = api.ticket_in("DRAFT")

    reply = api.request_upload("marie", number, "setup.exe", 100, content_type="application/x-msdownload")

    allowed = ", ".join(sorted(files.FILE_TYPES))
    invalid(reply, "name", messages.FILE_TYPE_NOT_ALLOWED.format(extension="exe", allowed=allowed))


def test_the_list_of_types_is_configuration(api: Api) -> None:
    api.files_settings(types="pdf,txt")
    number = api.ticket_in("DRAFT")

    reply = api.request_upload("marie", number, "capture.png", 100)

    invalid(reply, "name", messages.FILE_TYPE_NOT_ALLOWED.format(extension="png", allowed="pdf, txt"))
    assert api.request_upload("marie", number, "notes.txt", 100).status == 201


def test_a_declared_type_that_contradicts_the_extension_is_refused(api: Api) -> None:
    number = api.ticket_in("DRAFT")

    reply = api.request_upload("marie", number, "facture.pdf", 100, content_type="text/html")

    invalid(reply, "content_type", messages.FILE_TYPE_MISMATCH.format(content_type="text/html", extension="pdf"))


@pytest.mark.parametrize(
    "body",
    [
        {"name": "facture.pdf", "content_type": "application/pdf", "size": 0},
        {"name": "facture.pdf", "content_type": "application/pdf"},
        {"name": "facture.pdf", "content_type": "application/pdf", "size": "beaucoup"},
        {"content_type": "application/pdf", "size": 10},
    ],
    ids=["empty", "no-size", "size-not-a-number", "no-name"],
)
def test_a_malformed_request_is_refused_in_french(api: Api, body: dict[str, Any]) -> None:
    number = api.ticket_in("DRAFT")

    reply = api.call("request_upload", "marie", number, body=body)

    assert reply.status == 400, reply.body
    assert reply.body["code"] == "DONNEES_INVALIDES"
    assert reply.body["message"] == "La demande contient des champs manquants ou invalides."


# ---------------------------------------------------------------------------- who may add, when
# status → the answer to an upload request by the emitter (Marie) and by the recipient (Sophie, support)
ADDERS = {
    "DRAFT": {"marie": 201, "sophie": 404},
    "OPEN": {"marie": 409, "sophie": 201},
    "IN_PROGRESS": {"marie": 409, "sophie": 201},
    "AWAITING_INFO": {"marie": 201, "sophie": 409},
    "RESOLVED": {"marie": 409, "sophie": 409},
    "CLOSED": {"marie": 409, "sophie": 409},
}


@pytest.mark.parametrize(
    ("status", "user", "expected"),
    [(status, user, code) for status, users in ADDERS.items() for user, code in users.items()],
)
def test_who_may_add_a_file_in_which_status(api: Api, status: str, user: str, expected: int) -> None:
    number = api.ticket_in(status)

    reply = api.request_upload(user, number, "facture.pdf", 100)

    assert reply.status == expected, reply.body
    if expected == 409:
        assert reply.body["code"] == "TRANSITION_INTERDITE"
        assert "Ajouter un fichier" in reply.body["message"]


def test_an_upload_by_a_non_member_is_not_found_and_an_object_it_drops_is_deleted(api: Api) -> None:
    number = api.ticket_in("DRAFT")

    reply = api.request_upload("nora", number, "facture.pdf", len(PDF))

    assert reply.status == 404
    assert reply.body["message"] == f"Le ticket n° {number} est introuvable."
    # Even with a key of its own making under the ticket's uploads, nothing reaches the ticket.
    key = f"uploads/{number}/nora-was-here"
    api.objects.upload(key, "application/pdf", PDF)
    assert api.stored(key, len(PDF)) == "orphan deleted"
    assert shown(api, number) == []
    assert api.objects.keys() == []


# -------------------------------------------------------------------------------------- download
def test_a_download_link_names_the_file_and_expires_soon(api: Api) -> None:
    number = api.ticket_in("OPEN")
    attachment_id = accepted(api, "sophie", number)
    before = utc_now()

    for user in ("marie", "paul", "sophie", "lucas"):
        reply = api.call("download_attachment", user, number, attachment_id=attachment_id)

        assert reply.status == 200, reply.body
        assert reply.body["attachment"]["name"] == NAME
        assert f"files/{number}/{attachment_id}" in reply.body["url"]
        assert files.content_disposition(NAME) in reply.body["url"]
        expires_at = datetime.fromisoformat(reply.body["expires_at"])
        assert before < expires_at <= utc_now() + timedelta(minutes=5)


@pytest.mark.parametrize("route", ["download_attachment", "remove_attachment"])
def test_a_non_member_gets_404_for_a_tickets_files(api: Api, route: str) -> None:
    number = api.ticket_in("AWAITING_INFO")
    attachment_id = accepted(api, "marie", number)
    before = detail(api, number)

    for user in ("nora", "hugo", "claire"):
        reply = api.call(route, user, number, attachment_id=attachment_id)

        assert reply.status == 404, (user, reply.body)
        assert reply.body["message"] == f"Le ticket n° {number} est introuvable."
    assert detail(api, number) == before
    assert api.objects.read(f"files/{number}/{attachment_id}") == PDF


@pytest.mark.parametrize("route", ["download_attachment", "remove_attachment"])
def test_the_recipient_gets_404_for_the_files_of_a_draft(api: Api, route: str) -> None:
    number = api.ticket_in("DRAFT")
    attachment_id = accepted(api, "marie", number)

    assert api.call(route, "sophie", number, attachment_id=attachment_id).status == 404


@pytest.mark.parametrize("route", ["download_attachment", "remove_attachment"])
def test_a_file_is_found_through_its_own_ticket_only(api: Api, route: str) -> None:
    """A file's id opens nothing through another ticket, even one its caller may act on."""
    theirs = api.ticket_in("DRAFT", emitter="paul")
    their_file = accepted(api, "paul", theirs)
    mine = api.ticket_in("DRAFT")

    reply = api.call(route, "marie", mine, attachment_id=their_file)

    assert reply.status == 404
    assert reply.body["message"] == messages.ATTACHMENT_NOT_FOUND.format(id=their_file, number=mine)
    assert api.objects.read(f"files/{theirs}/{their_file}") == PDF


@pytest.mark.parametrize("route", ["download_attachment", "remove_attachment"])
def test_a_file_waiting_for_its_upload_is_not_found(api: Api, route: str) -> None:
    number = api.ticket_in("DRAFT")
    pending = api.request_upload("marie", number, "facture.pdf", 100).body["attachment"]["id"]

    reply = api.call(route, "marie", number, attachment_id=pending)

    assert reply.status == 404
    assert reply.body["message"] == messages.ATTACHMENT_NOT_FOUND.format(id=pending, number=number)


@pytest.mark.parametrize("attachment_id", ["a.b", "x" * 65, "%2e%2e"])
def test_a_malformed_file_id_is_refused(api: Api, attachment_id: str) -> None:
    number = api.ticket_in("DRAFT")

    reply = api.call("download_attachment", "marie", number, attachment_id=attachment_id)

    assert reply.status == 400
    assert reply.body["errors"][0]["field"] == "attachment_id"


def test_a_refused_file_cannot_be_downloaded(api: Api) -> None:
    number = api.ticket_in("DRAFT")
    refused = api.attach("marie", number, "capture.png", PDF)

    reply = api.call("download_attachment", "marie", number, attachment_id=refused.id)

    assert reply.status == 409
    assert reply.body["message"] == messages.ATTACHMENT_NOT_AVAILABLE.format(
        name="capture.png", state=messages.ATTACHMENT_STATE_LABELS["REFUSED"]
    )


# ------------------------------------------------------------------------------- malware scanning
def test_with_scanning_on_a_file_waits_for_the_verdict_then_is_available(api: Api) -> None:
    api.files_settings(malware_scanning=True)
    number = api.ticket_in("DRAFT")
    attached = api.attach("marie", number, NAME, PDF)
    key = f"files/{number}/{attached.id}"

    assert attached.outcome == "accepted"
    assert [a["state"]["code"] for a in shown(api, number)] == ["SCANNING"]
    assert len(history_of(api, number, "ADD_ATTACHMENT")) == 1
    reply = api.call("download_attachment", "marie", number, attachment_id=attached.id)
    assert reply.status == 409
    assert reply.body["message"] == messages.ATTACHMENT_NOT_AVAILABLE.format(
        name=NAME, state=messages.ATTACHMENT_STATE_LABELS["SCANNING"]
    )

    assert api.scanned(key, clean=True) == "clean"

    assert [a["state"]["code"] for a in shown(api, number)] == ["AVAILABLE"]
    assert api.call("download_attachment", "marie", number, attachment_id=attached.id).status == 200
    assert api.objects.read(key) == PDF


def test_with_scanning_on_an_infected_file_is_refused_and_deleted(api: Api) -> None:
    api.files_settings(malware_scanning=True)
    number = api.ticket_in("DRAFT")
    attached = api.attach("marie", number, NAME, PDF)

    assert api.scanned(f"files/{number}/{attached.id}", clean=False) == "infected"

    [attachment] = shown(api, number)
    assert attachment["state"]["code"] == "REFUSED"
    assert attachment["refusal"] == messages.REFUSAL_MALWARE
    assert api.objects.keys() == []
    assert api.call("download_attachment", "marie", number, attachment_id=attached.id).status == 409


def test_a_file_being_scanned_counts_towards_the_limits(api: Api) -> None:
    api.files_settings(malware_scanning=True, max_count=1)
    number = api.ticket_in("DRAFT")
    accepted(api, "marie", number)

    invalid(api.request_upload("marie", number, "b.pdf", 10), "name", messages.TICKET_FILES_TOO_MANY.format(max=1))


def test_a_verdict_on_a_file_no_longer_there_changes_nothing(api: Api) -> None:
    api.files_settings(malware_scanning=True)
    number = api.ticket_in("DRAFT")
    attached = api.attach("marie", number, NAME, PDF)
    assert api.call("remove_attachment", "marie", number, attachment_id=attached.id).status == 200
    version = detail(api, number)["version"]

    api.scanned(f"files/{number}/{attached.id}", clean=True)
    assert api.scanned(f"uploads/{number}/{attached.id}", clean=False) == "ignored"

    assert shown(api, number) == []
    assert detail(api, number)["version"] == version


# ---------------------------------------------------------------------------------------- removal
def test_the_emitter_removes_its_file_from_a_draft_and_the_history_keeps_a_trace(api: Api) -> None:
    number = api.ticket_in("DRAFT")
    kept = accepted(api, "marie", number, "garder.pdf")
    removed = accepted(api, "marie", number, "retirer.pdf")

    reply = api.call("remove_attachment", "paul", number, attachment_id=removed)  # any member of the side

    assert reply.status == 200, reply.body
    assert [a["id"] for a in reply.body["attachments"]] == [kept]
    assert [a["id"] for a in shown(api, number)] == [kept]
    [entry] = history_of(api, number, "REMOVE_ATTACHMENT")
    assert (entry["actor"]["name"], entry["side"], entry["comment"]) == ("Paul Girard", "EMITTER", "retirer.pdf")
    assert api.objects.keys() == [f"files/{number}/{kept}"]
    assert api.call("remove_attachment", "marie", number, attachment_id=removed).status == 404


def test_the_recipient_removes_its_file_before_sending_its_question(api: Api) -> None:
    number = api.ticket_in("IN_PROGRESS")
    attachment_id = accepted(api, "lucas", number, "capture.png", PNG)

    reply = api.call("remove_attachment", "sophie", number, attachment_id=attachment_id)

    assert reply.status == 200, reply.body
    assert reply.body["attachments"] == []
    assert api.objects.keys() == []


def test_a_refused_file_can_be_removed_from_the_list(api: Api) -> None:
    number = api.ticket_in("DRAFT")
    refused = api.attach("marie", number, "capture.png", PDF)

    assert api.call("remove_attachment", "marie", number, attachment_id=refused.id).status == 200

    assert shown(api, number) == []


def test_a_file_cannot_be_removed_once_its_step_is_over(api: Api) -> None:
    number = api.ticket_in("AWAITING_INFO")
    emitters = accepted(api, "marie", number)
    assert api.call("provide_information", "marie", number, body={"text": "Voici la facture."}).status == 200
    recipients = accepted(api, "lucas", number, "capture.png", PNG)
    assert api.call("answer", "lucas", number, body={"text": "Voici la solution."}).status == 200

    for user, attachment_id in (("marie", emitters), ("lucas", recipients)):
        reply = api.call("remove_attachment", user, number, attachment_id=attachment_id)

        assert reply.status == 409, reply.body
        assert reply.body["code"] == "TRANSITION_INTERDITE"
        assert "Supprimer un fichier" in reply.body["message"]
    assert {a["id"] for a in shown(api, number)} == {emitters, recipients}
    assert history_of(api, number, "REMOVE_ATTACHMENT") == []


def test_a_side_cannot_remove_the_other_sides_file(api: Api) -> None:
    number = api.ticket_in("DRAFT")
    emitters = accepted(api, "marie", number)
    assert api.call("submit_draft", "marie", number).status == 200
    recipients = accepted(api, "lucas", number, "capture.png", PNG)

    reply = api.call("remove_attachment", "lucas", number, attachment_id=emitters)
    assert reply.status == 403, reply.body
    assert reply.body["message"] == messages.ATTACHMENT_OTHER_SIDE.format(name=NAME)

    question = {"question": "Pouvez-vous envoyer le bon de commande ?"}
    assert api.call("request_information", "lucas", number, body=question).status == 200
    reply = api.call("remove_attachment", "marie", number, attachment_id=recipients)
    assert reply.status == 403, reply.body
    assert reply.body["message"] == messages.ATTACHMENT_OTHER_SIDE.format(name="capture.png")

    assert {a["id"] for a in shown(api, number)} == {emitters, recipients}
    assert len(api.objects.keys()) == 2


# ------------------------------------------------------------------------------------- concurrency
def test_two_checks_settling_at_once_both_keep_their_file(api: Api) -> None:
    number = api.ticket_in("DRAFT")
    first = api.request_upload("marie", number, "premier.pdf", len(PDF)).body["upload"]["fields"]["key"]
    second = api.request_upload("marie", number, "second.png", len(PNG)).body["upload"]["fields"]["key"]
    api.objects.upload(first, "application/pdf", PDF)
    api.objects.upload(second, "image/png", PNG)

    with overtaken(api, elsewhere(api, lambda: api.stored(second, len(PNG)))) as competitors:
        assert api.stored(first, len(PDF)) == "accepted"

    assert competitors == ["accepted"]
    assert sorted(a["name"] for a in shown(api, number) if a["state"]["code"] == "AVAILABLE") == [
        "premier.pdf",
        "second.png",
    ]
    assert len(history_of(api, number, "ADD_ATTACHMENT")) == 2


def test_the_limit_on_files_holds_against_a_concurrent_request(api: Api) -> None:
    api.files_settings(max_count=1)
    number = api.ticket_in("DRAFT")

    paul = elsewhere(api, lambda: api.request_upload("paul", number, "paul.pdf", 10).status)
    with overtaken(api, paul) as competitors:
        reply = api.request_upload("marie", number, "marie.pdf", 10)

    assert competitors == [201]
    # Overtaken, the request is tried again on the new version, where the only place is taken.
    invalid(reply, "name", messages.TICKET_FILES_TOO_MANY.format(max=1))
    invalid(api.request_upload("marie", number, "marie.pdf", 10), "name", messages.TICKET_FILES_TOO_MANY.format(max=1))


def test_an_overtaken_request_for_a_form_is_tried_again(api: Api) -> None:
    number = api.ticket_in("DRAFT")

    paul = elsewhere(api, lambda: api.request_upload("paul", number, "paul.pdf", 10).status)
    with overtaken(api, paul) as competitors:
        reply = api.request_upload("marie", number, "marie.pdf", 10)

    assert competitors == [201]
    assert reply.status == 201, reply.body


# ------------------------------------------------------------------- on DynamoDB and S3 (moto)
def test_the_round_trip_is_byte_for_byte_and_names_the_file(aws_api: Api) -> None:
    number = aws_api.ticket_in("DRAFT")
    data = PDF + bytes(range(256)) * 1200  # some 300 ko, every byte value
    attached = aws_api.attach("marie", number, NAME, data)
    assert attached.outcome == "accepted", attached

    reply = aws_api.call("download_attachment", "marie", number, attachment_id=attached.id)

    assert reply.status == 200, reply.body
    url = urlsplit(reply.body["url"])
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert url.path.endswith(f"/files/{number}/{attached.id}")
    assert query["response-content-disposition"] == files.content_disposition(NAME)
    exact = "filename*=UTF-8''Relev%C3%A9%20d%27%C3%A9ch%C3%A9ance%20%E2%80%93%20FAC-2026-0101.pdf"
    assert exact in query["response-content-disposition"]
    assert query["response-content-type"] == "application/pdf"
    assert int(query["X-Amz-Expires"]) <= 300
    # What the link gets: the same object, with the headers the link asks S3 for.
    bucket = aws_api.objects
    assert isinstance(bucket, BucketObjects)
    got = bucket.client.get_object(
        Bucket=bucket.bucket,
        Key=f"files/{number}/{attached.id}",
        ResponseContentDisposition=query["response-content-disposition"],
        ResponseContentType=query["response-content-type"],
    )
    assert got["Body"].read() == data
    assert got["ContentDisposition"] == files.content_disposition(NAME)
    assert got["ContentType"] == "application/pdf"
    assert got["ContentLength"] == len(data)


def test_the_form_handed_out_fixes_key_type_and_size_range(aws_api: Api) -> None:
    limits = aws_api.files_settings(max_bytes=5 * 1024 * 1024)
    number = aws_api.ticket_in("DRAFT")

    reply = aws_api.request_upload("marie", number, NAME, 48213)

    assert reply.status == 201, reply.body
    fields = reply.body["upload"]["fields"]
    policy = json.loads(base64.b64decode(fields["policy"]))
    key = f"uploads/{number}/{reply.body['attachment']['id']}"
    assert {"key": key} in policy["conditions"]
    assert {"Content-Type": "application/pdf"} in policy["conditions"]
    assert {"bucket": limits.bucket} in policy["conditions"]
    assert ["content-length-range", 48213, 48213] in policy["conditions"]  # the declared size, exactly
    assert limits.max_bytes >= 48213
    expiration = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert expiration <= datetime.fromisoformat(reply.body["upload"]["expires_at"])
    assert reply.body["upload"]["url"].startswith("https://")


def test_on_s3_a_lying_file_is_refused_and_deleted(aws_api: Api) -> None:
    number = aws_api.ticket_in("DRAFT")

    attached = aws_api.attach("marie", number, "capture.png", PDF)

    assert attached.outcome == "refused"
    assert shown(aws_api, number)[0]["refusal"] == messages.REFUSAL_CONTENT_MISMATCH.format(extension="png")
    assert aws_api.objects.keys() == []


def test_on_s3_a_file_of_another_size_is_refused_and_deleted(aws_api: Api) -> None:
    number = aws_api.ticket_in("DRAFT")

    attached = aws_api.attach("marie", number, "facture.pdf", PDF + bytes(10_000), size=len(PDF))

    assert attached.outcome == "refused"
    assert "n'a pas la taille annoncée" in shown(aws_api, number)[0]["refusal"]
    assert aws_api.objects.keys() == []


def test_on_s3_a_removal_deletes_the_object_and_a_non_member_sees_nothing(aws_api: Api) -> None:
    number = aws_api.ticket_in("AWAITING_INFO")
    attachment_id = accepted(aws_api, "marie", number)

    for route in ("download_attachment", "remove_attachment"):
        assert aws_api.call(route, "nora", number, attachment_id=attachment_id).status == 404
    assert aws_api.request_upload("nora", number, "facture.pdf", 10).status == 404
    assert aws_api.call("remove_attachment", "marie", number, attachment_id=attachment_id).status == 200

    assert aws_api.objects.keys() == []
    assert [e["comment"] for e in history_of(aws_api, number, "REMOVE_ATTACHMENT")] == [NAME]


def test_on_s3_a_deleted_draft_leaves_no_object_and_a_late_upload_is_deleted(aws_api: Api) -> None:
    other = aws_api.ticket_in("DRAFT")
    kept = accepted(aws_api, "marie", other)
    number = aws_api.ticket_in("DRAFT")
    accepted(aws_api, "marie", number)
    late = aws_api.request_upload("marie", number, "facture.pdf", len(PDF)).body["upload"]["fields"]["key"]

    assert aws_api.call("delete_draft", "marie", number).status == 204
    assert keys_of(aws_api, number) == []
    aws_api.objects.upload(late, "application/pdf", PDF)
    assert aws_api.stored(late, len(PDF)) == "orphan deleted"

    assert aws_api.objects.keys() == [f"files/{other}/{kept}"]


def test_on_s3_scanning_then_a_threat(aws_api: Api) -> None:
    aws_api.files_settings(malware_scanning=True)
    number = aws_api.ticket_in("DRAFT")
    attached = aws_api.attach("marie", number, NAME, PDF)
    assert [a["state"]["code"] for a in shown(aws_api, number)] == ["SCANNING"]

    assert aws_api.scanned(f"files/{number}/{attached.id}", clean=False) == "infected"

    assert shown(aws_api, number)[0]["refusal"] == messages.REFUSAL_MALWARE
    assert aws_api.objects.keys() == []


def test_attached_reports_a_refused_request(api: Api) -> None:
    """The helper stops at the request when no form is handed out (no upload, no check)."""
    number = api.ticket_in("DRAFT")

    attached = api.attach("marie", number, "setup.exe", b"MZ")

    assert attached == Attached(attached.reply)
    assert attached.reply.status == 400
    assert api.objects.keys() == []


@pytest.mark.parametrize("status", ["DRAFT", "OPEN", "IN_PROGRESS", "AWAITING_INFO", "RESOLVED", "CLOSED"])
def test_the_detail_offers_to_add_a_file_exactly_when_the_caller_may(api: Api, status: str) -> None:
    number = api.ticket_in(status)
    for user, side in (("marie", Side.EMITTER), ("lucas", Side.RECIPIENT)):
        detail = api.call("get_ticket", user, number)
        if detail.status == 404:  # a draft is its emitter's only
            assert (status, side) == ("DRAFT", Side.RECIPIENT)
            continue
        offered = "ADD_ATTACHMENT" in {a["code"] for a in detail.body["allowed_actions"]}
        assert offered is (Status(status) in FILES_FROM[side]), (status, user)
        granted = api.request_upload(user, number, "facture.pdf", 10).status == 201
        assert granted is offered, (status, user)
