"""Attachments: which files are accepted (extension, declared type, first bytes), how a file name is
checked, and how a download names the file (RFC 6266 / 5987).

The first bytes are the check that matters: moto enforces none of a presigned POST's conditions and a
client can declare any type, so the object actually stored is read back and must look like what its
extension says before the attachment appears on the ticket.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from chorus_desk import messages
from chorus_desk.errors import FieldError

MAX_NAME_LENGTH = 255
SNIFF_BYTES = 2048  # what the check reads of a stored object


def _starts(*prefixes: bytes) -> Callable[[bytes], bool]:
    return lambda head: any(head.startswith(p) for p in prefixes)


def _opendocument(kind: bytes) -> Callable[[bytes], bool]:
    # A ZIP whose first entry is the uncompressed "mimetype" file (ODF 1.2, §3.3).
    return lambda head: head.startswith(b"PK\x03\x04") and head[30:38] == b"mimetype" and kind in head[38:120]


def _text(head: bytes) -> bool:
    """Plain text: no NUL, no control character but tab, line feed, carriage return and form feed."""
    return bool(head) and not any(b < 32 and b not in (9, 10, 12, 13) for b in head) and 127 not in head


def _xml(head: bytes) -> bool:
    body = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return _text(body) and body.startswith(b"<")


_ZIP = _starts(b"PK\x03\x04")
_OLE2 = _starts(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


@dataclass(frozen=True)
class FileType:
    extension: str
    content_types: tuple[str, ...]  # what a client may declare for it; the first is the canonical one
    looks_right: Callable[[bytes], bool]


FILE_TYPES: dict[str, FileType] = {
    t.extension: t
    for t in (
        FileType("pdf", ("application/pdf",), _starts(b"%PDF-")),
        FileType("png", ("image/png",), _starts(b"\x89PNG\r\n\x1a\n")),
        FileType("jpg", ("image/jpeg",), _starts(b"\xff\xd8\xff")),
        FileType("jpeg", ("image/jpeg",), _starts(b"\xff\xd8\xff")),
        FileType("gif", ("image/gif",), _starts(b"GIF87a", b"GIF89a")),
        FileType("tif", ("image/tiff",), _starts(b"II*\x00", b"MM\x00*")),
        FileType("tiff", ("image/tiff",), _starts(b"II*\x00", b"MM\x00*")),
        FileType("xml", ("application/xml", "text/xml"), _xml),
        FileType("csv", ("text/csv", "application/vnd.ms-excel", "text/plain"), _text),
        FileType("txt", ("text/plain",), _text),
        FileType("odt", ("application/vnd.oasis.opendocument.text",), _opendocument(b"opendocument.text")),
        FileType(
            "ods", ("application/vnd.oasis.opendocument.spreadsheet",), _opendocument(b"opendocument.spreadsheet")
        ),
        FileType("doc", ("application/msword",), _OLE2),
        FileType("docx", ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",), _ZIP),
        FileType("xls", ("application/vnd.ms-excel",), _OLE2),
        FileType("xlsx", ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",), _ZIP),
        FileType("zip", ("application/zip", "application/x-zip-compressed"), _ZIP),
    )
}


def extension_of(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def name_errors(name: str) -> list[FieldError]:
    """A file name is kept as given (accents included) but must be a name, not a path or a control sequence."""
    if not name.strip():
        return [FieldError("name", messages.FILE_NAME_REQUIRED)]
    forbidden = any(c in "/\\" or unicodedata.category(c) in ("Cc", "Cf") for c in name)
    if forbidden or len(name) > MAX_NAME_LENGTH or name.strip() in (".", ".."):
        return [FieldError("name", messages.FILE_NAME_INVALID.format(max=MAX_NAME_LENGTH))]
    return []


def type_errors(name: str, content_type: str, allowed: frozenset[str]) -> list[FieldError]:
    extension = extension_of(name)
    if extension not in allowed or extension not in FILE_TYPES:
        listed = ", ".join(sorted(allowed))
        return [FieldError("name", messages.FILE_TYPE_NOT_ALLOWED.format(extension=extension or "?", allowed=listed))]
    declared = content_type.split(";", 1)[0].strip().lower()
    if declared not in FILE_TYPES[extension].content_types:
        message = messages.FILE_TYPE_MISMATCH.format(content_type=content_type, extension=extension)
        return [FieldError("content_type", message)]
    return []


def human_size(size: int) -> str:
    """« 10 Mo », « 512 ko », « 12 octets »: sizes as French users read them (powers of 1024)."""
    for unit, scale in (("Go", 1 << 30), ("Mo", 1 << 20), ("ko", 1 << 10)):
        value = round(size / scale, 1)
        # 1,048,575 bytes is « 1 Mo », not « 1024,0 ko »; under 1 ko, bytes are counted as they are.
        if size >= scale or (value >= 1 and unit != "ko"):
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}".replace(".", ",")
    return f"{size} octet" if size < 2 else f"{size} octets"  # « 0 octet », « 1 octet » (French singular)


# Letters NFKD does not decompose, spelled as French writes them in ASCII.
LIGATURES = str.maketrans(  # Œ œ Æ æ ß Ø ø, by code point: letters, not a text of the desk
    {
        chr(0x152): "OE",
        chr(0x153): "oe",
        chr(0xC6): "AE",
        chr(0xE6): "ae",
        chr(0xDF): "ss",
        chr(0xD8): "O",
        chr(0xF8): "o",
    }
)


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact name in UTF-8 (RFC 6266, RFC 5987)."""
    spelled = unicodedata.normalize("NFKD", name.translate(LIGATURES)).replace("\u2044", "/")
    fallback = spelled.encode("ascii", "ignore").decode()
    fallback = "".join(c if c.isprintable() and c not in '"\\;/' else "_" for c in fallback) or "fichier"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
