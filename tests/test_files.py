"""The rules on files themselves (chorus_desk.files): which first bytes each accepted type must start with,
what a file name may be, how sizes read in French, how a download names its file (RFC 6266 / 5987); and
the presigned POST form of the S3 adapter, its policy decoded: moto enforces none of it, so these tests
are what proves that S3 would.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from chorus_desk import files, messages
from chorus_desk.adapters.s3 import S3Files
from chorus_desk.errors import FieldError
from chorus_desk.models import utc_now
from tests.support import CallLog

ALL = frozenset(files.FILE_TYPES)


def zip_of(*entries: tuple[str, bytes]) -> bytes:
    """A ZIP as office suites write it: the first entry stored, the others deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index, (name, data) in enumerate(entries):
            kind = zipfile.ZIP_STORED if index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name, (2026, 3, 2, 9, 15, 30)), data, compress_type=kind)
    return buffer.getvalue()


def opendocument(mimetype: str) -> bytes:
    return zip_of(("mimetype", mimetype.encode()), ("content.xml", b"<office:document-content/>"))


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(24) + b"\x3e\x00\x03\x00\xfe\xff"
OOXML = zip_of(("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'), ("word/document.xml", b"<w:document/>"))
# The first bytes of a real file of each family, as the check reads them.
SAMPLES: dict[str, bytes] = {
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00",
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00",
    "gif": b"GIF89a\x10\x00\x10\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04",
    "tif": b"II*\x00\x08\x00\x00\x00\x0e\x00\x00\x01\x03\x00\x01\x00\x00\x00",
    "xml": '<?xml version="1.0" encoding="UTF-8"?>\n<Facture numéro="FAC-2026-0101"/>\n'.encode(),
    "txt": "Bonjour,\r\nla facture FAC-2026-0101\tn'est pas payée.\n\x0c".encode(),
    "odt": opendocument("application/vnd.oasis.opendocument.text"),
    "ods": opendocument("application/vnd.oasis.opendocument.spreadsheet"),
    "doc": OLE2,
    "docx": OOXML,
}
# Extensions whose files are the same bytes (the check cannot tell them apart, nor needs to).
FAMILIES = {
    "jpeg": "jpg",
    "tiff": "tif",
    "csv": "txt",
    "xls": "doc",
    "xlsx": "docx",
    "zip": "docx",
}
# Where a check accepts another family's bytes, knowingly: text is « no control characters », which an XML
# file and a PDF's text header meet; an OpenDocument file is a ZIP. Each is served as an attachment of the
# type its extension says, never rendered in the page.
TOLERATED = {("txt", "xml"), ("txt", "pdf"), ("docx", "odt"), ("docx", "ods")}


def sample_of(extension: str) -> bytes:
    return SAMPLES[FAMILIES.get(extension, extension)]


def family(extension: str) -> str:
    return FAMILIES.get(extension, extension)


# ------------------------------------------------------------------------------------ first bytes
def test_every_type_of_the_configuration_has_a_check_and_a_sample() -> None:
    assert {family(e) for e in files.FILE_TYPES} == set(SAMPLES)
    assert set(files.FILE_TYPES) == {
        *("pdf", "png", "jpg", "jpeg", "gif", "tif", "tiff", "xml", "csv", "txt"),
        *("odt", "ods", "doc", "docx", "xls", "xlsx", "zip"),
    }


@pytest.mark.parametrize("extension", sorted(files.FILE_TYPES))
def test_each_type_accepts_the_first_bytes_of_a_real_file(extension: str) -> None:
    assert files.FILE_TYPES[extension].looks_right(sample_of(extension)[: files.SNIFF_BYTES])


@pytest.mark.parametrize(
    ("extension", "other"),
    [
        (e, o)
        for e in sorted(files.FILE_TYPES)
        for o in sorted(SAMPLES)
        if o != family(e) and (family(e), o) not in TOLERATED
    ],
)
def test_each_type_refuses_the_first_bytes_of_another_type(extension: str, other: str) -> None:
    assert not files.FILE_TYPES[extension].looks_right(SAMPLES[other])


def test_big_endian_tiff_and_gif87a_are_images_too() -> None:
    assert files.FILE_TYPES["tiff"].looks_right(b"MM\x00*\x00\x00\x00\x08")
    assert files.FILE_TYPES["gif"].looks_right(b"GIF87a\x01\x00\x01\x00")


def test_an_opendocument_file_must_say_which_kind_it_is() -> None:
    assert not files.FILE_TYPES["odt"].looks_right(SAMPLES["ods"])
    assert not files.FILE_TYPES["ods"].looks_right(SAMPLES["odt"])
    # A ZIP whose first entry is not the stored mimetype is not an OpenDocument file.
    other_first = zip_of(("content.xml", b"<x/>"), ("mimetype", b"application/vnd.oasis.opendocument.text"))
    assert not files.FILE_TYPES["odt"].looks_right(other_first)


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"nul\x00inside",
        b"escape \x1b[31m",
        b"delete \x7f",
        b"bell \x07",
        "UTF-16 \ufeff".encode("utf-16"),
    ],
    ids=["empty", "nul", "escape", "delete", "bell", "utf-16"],
)
def test_text_is_refused_with_a_control_character_or_no_byte(head: bytes) -> None:
    assert not files.FILE_TYPES["txt"].looks_right(head)
    assert not files.FILE_TYPES["csv"].looks_right(head)


@pytest.mark.parametrize(
    "head",
    [
        b"tab\tline\ncarriage\r\nform feed\x0c",
        "numéro;montant\nFAC-2026-0101;1 250,00 €\n".encode(),
        "numéro;montant\n".encode("cp1252"),  # a spreadsheet's CSV export on Windows
    ],
    ids=["whitespace", "utf-8", "windows-1252"],
)
def test_text_accepts_whitespace_and_any_encoding_of_letters(head: bytes) -> None:
    assert files.FILE_TYPES["txt"].looks_right(head)
    assert files.FILE_TYPES["csv"].looks_right(head)


@pytest.mark.parametrize(
    ("head", "accepted"),
    [
        (b'<?xml version="1.0"?><a/>', True),
        (b"\xef\xbb\xbf<?xml version='1.0'?><a/>", True),  # byte order mark
        (b"\r\n  \t<Invoice/>", True),  # white space first
        (b"<a>\x00</a>", False),
        (b"Facture: <a/>", False),
        (b"", False),
        (b"\xef\xbb\xbf", False),
    ],
    ids=["declaration", "bom", "leading-space", "nul", "text-first", "empty", "bom-only"],
)
def test_xml_is_text_whose_first_sign_is_a_tag(head: bytes, accepted: bool) -> None:
    assert files.FILE_TYPES["xml"].looks_right(head) is accepted


# ------------------------------------------------------------------------------------------ names
@pytest.mark.parametrize(
    "name",
    [
        "facture.pdf",
        "Facture FAC-2026-118 – relevé d'échéance.pdf",
        "  espaces autour.pdf  ",
        "發票.pdf",
        "...pdf",
        "x" * (files.MAX_NAME_LENGTH - 4) + ".pdf",
    ],
    ids=["plain", "accents", "spaces", "cjk", "dots", "longest"],
)
def test_a_name_is_kept_as_given(name: str) -> None:
    assert files.name_errors(name) == []


INVALID_NAME = FieldError("name", messages.FILE_NAME_INVALID.format(max=files.MAX_NAME_LENGTH))


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.pdf",
        "dossier/facture.pdf",
        "C:\\Users\\marie\\facture.pdf",
        "facture\x00.pdf",
        "facture\n.pdf",
        "facture\r\nX-Injected: 1.pdf",
        "facture\t.pdf",
        "facture\x7f.pdf",
        "facture\x85.pdf",  # NEL, a C1 control
        "\u202efdp.exe",  # right-to-left override: « exe.pdf » on screen
        "facture\u200b.pdf",  # zero-width space
        "x" * (files.MAX_NAME_LENGTH - 3) + ".pdf",
        "x" * 296 + ".pdf",
        ".",
        "..",
    ],
    ids=[
        "parent",
        "slash",
        "backslash",
        "nul",
        "newline",
        "header-injection",
        "tab",
        "delete",
        "c1",
        "rtl-override",
        "zero-width",
        "256-chars",
        "300-chars",
        "dot",
        "dot-dot",
    ],
)
def test_a_path_a_control_character_or_a_too_long_name_is_refused(name: str) -> None:
    assert files.name_errors(name) == [INVALID_NAME]


@pytest.mark.parametrize("name", ["", "   "])
def test_a_name_is_required(name: str) -> None:
    assert files.name_errors(name) == [FieldError("name", messages.FILE_NAME_REQUIRED)]


# ------------------------------------------------------------------------------------------ types
@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("facture.pdf", "application/pdf"),
        ("FACTURE.PDF", "Application/PDF"),
        ("export.csv", "text/csv; charset=utf-8"),
        ("export.csv", "application/vnd.ms-excel"),  # what Windows browsers declare for a CSV
        ("flux.xml", "text/xml"),
        ("archive.zip", "application/x-zip-compressed"),
        ("scan.tiff", "image/tiff"),
        ("photo.jpeg", "image/jpeg"),
    ],
)
def test_a_type_matching_its_extension_is_accepted(name: str, content_type: str) -> None:
    assert files.type_errors(name, content_type, ALL) == []


@pytest.mark.parametrize(
    ("name", "extension"),
    [("setup.exe", "exe"), ("page.html", "html"), ("image.svg", "svg"), ("sans-extension", "?"), ("point.", "?")],
)
def test_an_extension_outside_the_list_is_refused_with_the_list(name: str, extension: str) -> None:
    allowed = frozenset({"pdf", "png"})
    message = messages.FILE_TYPE_NOT_ALLOWED.format(extension=extension, allowed="pdf, png")
    assert files.type_errors(name, "application/octet-stream", allowed) == [FieldError("name", message)]


def test_a_known_type_left_out_of_the_configuration_is_refused() -> None:
    allowed = frozenset({"pdf"})
    message = messages.FILE_TYPE_NOT_ALLOWED.format(extension="zip", allowed="pdf")
    assert files.type_errors("archive.zip", "application/zip", allowed) == [FieldError("name", message)]


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("facture.pdf", "image/png"), ("photo.png", "text/html"), ("flux.xml", "image/svg+xml"), ("a.txt", "")],
)
def test_a_declared_type_that_contradicts_the_extension_is_refused(name: str, content_type: str) -> None:
    message = messages.FILE_TYPE_MISMATCH.format(content_type=content_type, extension=files.extension_of(name))
    assert files.type_errors(name, content_type, ALL) == [FieldError("content_type", message)]


# ------------------------------------------------------------------------------------------ sizes
@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 octet"),
        (1, "1 octet"),
        (2, "2 octets"),
        (1023, "1023 octets"),
        (1024, "1 ko"),
        (1536, "1,5 ko"),
        (48213, "47,1 ko"),
        (10 * 1024 * 1024, "10 Mo"),
        (50 * 1024 * 1024, "50 Mo"),
        (3 * 1024 * 1024 // 2, "1,5 Mo"),
        (1 << 30, "1 Go"),
    ],
)
def test_sizes_read_in_french(size: int, text: str) -> None:
    assert files.human_size(size) == text


# ---------------------------------------------------------------------------- Content-Disposition
DISPOSITION = re.compile(r"""attachment; filename="((?:[^"\\]|\\.)*)"; filename\*=UTF-8''([A-Za-z0-9%._~-]+)""")


def parsed_name(header: str) -> tuple[str, str]:
    """The ASCII fallback and the exact name a client reads from ``header`` (RFC 6266: the ``filename*``
    parameter, RFC 5987: a charset, no language, then attr-chars and percent-encoded UTF-8 bytes)."""
    match = DISPOSITION.fullmatch(header)
    assert match is not None, header
    return match[1], unquote(match[2], encoding="utf-8", errors="strict")


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("facture.pdf", "attachment; filename=\"facture.pdf\"; filename*=UTF-8''facture.pdf"),
        (
            "Relevé d'échéance.pdf",
            "attachment; filename=\"Releve d'echeance.pdf\"; filename*=UTF-8''Relev%C3%A9%20d%27%C3%A9ch%C3%A9ance.pdf",
        ),
        ('le "devis".pdf', "attachment; filename=\"le _devis_.pdf\"; filename*=UTF-8''le%20%22devis%22.pdf"),
        ("a;b=c.pdf", "attachment; filename=\"a_b=c.pdf\"; filename*=UTF-8''a%3Bb%3Dc.pdf"),
    ],
    ids=["ascii", "accents", "quotes", "semicolon"],
)
def test_a_download_names_its_file_in_ascii_and_exactly_in_utf8(name: str, header: str) -> None:
    assert files.content_disposition(name) == header


@pytest.mark.parametrize(
    "name",
    [
        "facture.pdf",
        "Facture FAC-2026-118 – relevé d'échéance.pdf",
        'le "devis"; version=2.pdf',
        "50 % d'acompte.pdf",
        "發票 2026.pdf",
        "emoji 🧾.pdf",
        "a'b''c.pdf",
        "x" * (files.MAX_NAME_LENGTH - 4) + ".pdf",
    ],
)
def test_the_exact_name_comes_back_from_the_header(name: str) -> None:
    header = files.content_disposition(name)
    assert header.isascii()
    assert not any(c in header for c in "\r\n\x00")
    assert parsed_name(header)[1] == name


@pytest.mark.parametrize("name", ["發票.pdf", "🧾", "Œuvre ½.pdf", "ﬁchier.pdf", "\\\\serveur\\partage"])
def test_the_ascii_fallback_is_never_empty_nor_quoted_wrong(name: str) -> None:
    fallback, exact = parsed_name(files.content_disposition(name))
    assert exact == name
    assert fallback
    assert fallback.isascii()
    assert not any(c in fallback for c in '"\\;')


# ---------------------------------------------------------------------- the presigned POST form
def policy_of(fields: dict[str, str]) -> dict[str, Any]:
    policy: dict[str, Any] = json.loads(base64.b64decode(fields["policy"]))
    return policy


@pytest.fixture
def s3_files(aws: CallLog) -> S3Files:
    """The S3 adapter on the attachments' bucket of a fresh moto account."""
    return S3Files(os.environ["ATTACHMENTS_BUCKET"])


def test_the_upload_form_fixes_the_key_the_type_and_the_size_range(s3_files: S3Files) -> None:
    bucket, key = os.environ["ATTACHMENTS_BUCKET"], "uploads/42/hV3kq9ZpTnE2xW7bLcR4mA8s"
    expires_at = utc_now() + timedelta(minutes=15)

    form = s3_files.upload_form(key, "application/pdf", 10 * 1024 * 1024, expires_at)

    assert form.expires_at == expires_at
    assert bucket in form.url
    assert form.fields["key"] == key
    assert form.fields["Content-Type"] == "application/pdf"
    assert form.fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    assert {"x-amz-credential", "x-amz-date", "x-amz-signature", "policy"} <= set(form.fields)
    conditions = policy_of(form.fields)["conditions"]
    assert {"bucket": bucket} in conditions
    assert {"key": key} in conditions
    assert {"Content-Type": "application/pdf"} in conditions
    assert ["content-length-range", 10 * 1024 * 1024, 10 * 1024 * 1024] in conditions
    # Nothing is left open: no « starts-with » (which would let the client choose a key or a type)...
    assert [c for c in conditions if isinstance(c, list) and c[0] != "content-length-range"] == []
    # ... and every field the client sends is bound exactly, as S3 requires of a form.
    bound = {name for c in conditions if isinstance(c, dict) for name in c}
    assert set(form.fields) - {"policy", "x-amz-signature"} <= bound
    for condition in conditions:
        if isinstance(condition, dict):
            ((name, value),) = condition.items()
            assert name == "bucket" or form.fields[name] == value


def test_the_upload_form_expires_when_asked(s3_files: S3Files) -> None:
    expires_at = utc_now() + timedelta(minutes=15)

    form = s3_files.upload_form("uploads/1/a", "image/png", 1024, expires_at)

    expiration = datetime.strptime(policy_of(form.fields)["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert expires_at - timedelta(seconds=2) <= expiration <= expires_at


def test_the_download_link_names_the_file_and_expires(s3_files: S3Files) -> None:
    name = "Relevé d'échéance.pdf"
    expires_at = utc_now() + timedelta(minutes=5)

    url = s3_files.download_link("files/42/abc", files.content_disposition(name), "application/pdf", expires_at)

    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert parts.path.endswith("/files/42/abc")
    assert query["response-content-disposition"] == files.content_disposition(name)
    assert "filename*=UTF-8''Relev%C3%A9%20d%27%C3%A9ch%C3%A9ance.pdf" in query["response-content-disposition"]
    assert query["response-content-type"] == "application/pdf"
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert 295 <= int(query["X-Amz-Expires"]) <= 300


@pytest.mark.parametrize(
    ("name", "fallback"),
    [("Œuvre ½.pdf", "OEuvre 1_2.pdf"), ("Cœur d'été.pdf", "Coeur d'ete.pdf"), ("Straße.txt", "Strasse.txt")],
)
def test_the_ascii_fallback_spells_ligatures_and_fractions(name: str, fallback: str) -> None:
    assert parsed_name(files.content_disposition(name)) == (fallback, name)
