"""What the exports write, as plain values: the columns of a list export and its CSV for a French Excel, the
content of a ticket's PDF (laid out by the exports function's ``DocumentWriter``), and the ZIP that packs that
PDF with the ticket's files. Pure code: no I/O, no library beyond the standard one.

Spreadsheets take what a cell holds at face value: a cell of a user's text that starts like a formula is
neutralised in the CSV (a leading apostrophe) and written as a string in the XLSX; a text in the PDF is
printed as it was typed, never read as markup.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from chorus_desk import catalogue, files, messages
from chorus_desk.lifecycle import Action
from chorus_desk.listing import PARIS, Row
from chorus_desk.models import AttachmentState, HistoryEntry, ObjectType, Ticket
from chorus_desk.ports import Cell, Fields, Paragraph, PrintedDocument, Section, Table


class ExportFormat(StrEnum):
    CSV = "CSV"
    XLSX = "XLSX"


CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
ZIP_TYPE = "application/zip"

# ---------------------------------------------------------------------------------------- list exports
# Widths (in characters) of the XLSX columns, in the order of ``messages.EXPORT_COLUMNS``.
COLUMN_WIDTHS = (10, 42, 24, 36, 18, 16, 16, 44, 26, 36, 26, 22, 22, 22, 18)
BOM = "\ufeff"  # tells Excel the CSV is UTF-8
# What makes a spreadsheet read a cell as a formula (or as a command, through DDE): OWASP's « CSV injection ».
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def local_time(moment: datetime) -> datetime:
    """``moment`` as a clock in Paris shows it, without a zone: what a spreadsheet date holds."""
    return moment.astimezone(PARIS).replace(tzinfo=None)


def _emitter(row: Row) -> str | None:
    if not row.emitter_siret:
        return None
    if not row.emitter_name:
        return row.emitter_siret
    return messages.EXPORT_EMITTER.format(name=row.emitter_name, siret=row.emitter_siret)


def row_cells(row: Row) -> tuple[Cell, ...]:
    """One list row as the cells of an export, in the order of ``messages.EXPORT_COLUMNS``."""
    return (
        row.number,
        row.title,
        row.category_label or row.category,
        row.subcategory_label or row.subcategory,
        row.status.label,
        local_time(row.opened),
        local_time(row.updated),
        _emitter(row),
        row.emitter_service_name or row.emitter_service,
        row.recipient_name,
        row.recipient_service_name or row.recipient_service,
        row.assignee.name if row.assignee else None,
        row.created_by.name,
        ObjectType(row.object_type).label if row.object_type else None,
        row.object_number,
    )


def neutralised(text: str) -> str:
    """A text a spreadsheet will show and never run: one that starts like a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int):
        return str(value)
    return neutralised(value)


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """The CSV a French Excel opens as it is: a byte-order mark (UTF-8), ``;`` between cells (the comma is the
    decimal separator there), CRLF line ends, dates as dd/mm/yyyy, texts neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralised(h) for h in headers])
    writer.writerows([_csv_cell(c) for c in row] for row in rows)
    return BOM + buffer.getvalue()


def export_name(side: str, export_format: ExportFormat, now: datetime) -> str:
    """« sollicitations-emises-20261125-1430.csv »: ASCII, the side and the moment of the export."""
    return messages.EXPORT_FILE_NAME.format(
        side=messages.EXPORT_SIDE_SLUGS[side],
        stamp=local_time(now).strftime("%Y%m%d-%H%M"),
        extension=export_format.value.lower(),
    )


def ticket_file_name(number: int, extension: str) -> str:
    return messages.TICKET_FILE_NAME.format(number=number, extension=extension)


# ------------------------------------------------------------------------------------- a ticket's PDF
EXCHANGES = (Action.REQUEST_INFORMATION, Action.PROVIDE_INFORMATION, Action.ANSWER, Action.REFUSE_SOLUTION)
HISTORY_WIDTHS = (15, 19, 19, 17, 30)
ATTACHMENT_WIDTHS = (34, 10, 22, 16, 18)


def plain(text: str) -> str:
    """A user's text reduced to what prints: line breaks kept (CRLF, CR and the Unicode separators as LF), tabs
    and other control or invisible format characters as spaces, lone surrogates as the replacement character."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for char in text:
        kind = unicodedata.category(char)
        if char == "\n" or kind in ("Zl", "Zp"):
            kept.append("\n")
        elif kind in ("Cc", "Cf"):
            kept.append(" ")
        elif kind == "Cs":
            kept.append("\ufffd")
        else:
            kept.append(char)
    return "".join(kept)


def _given(value: str | None) -> str:
    return plain(value) if value and value.strip() else messages.PDF_NOT_GIVEN


def when(moment: datetime) -> str:
    """« 02/11/2026 à 10:15 », Paris time."""
    local = local_time(moment)
    return messages.PDF_DATE_TIME.format(date=local.strftime("%d/%m/%Y"), time=local.strftime("%H:%M"))


def _label(key: str) -> str:
    return messages.PDF_LABELS[key]


def _subtitle(ticket: Ticket) -> tuple[str, ...]:
    lines = [messages.PDF_STATUS_LINE.format(status=ticket.status.label)]
    if ticket.submitted_at:
        lines.append(messages.PDF_OPENED_LINE.format(date=when(ticket.submitted_at)))
    else:
        lines.append(messages.PDF_CREATED_LINE.format(date=when(ticket.created_at)))
    lines.append(messages.PDF_UPDATED_LINE.format(date=when(ticket.updated_at)))
    if ticket.closed_at:
        lines.append(messages.PDF_CLOSED_LINE.format(date=when(ticket.closed_at)))
    return tuple(lines)


def _emitter_section(ticket: Ticket) -> Section:
    content, emitter = ticket.content, ticket.emitter
    lines: list[tuple[str, str]] = []
    if ticket.anonymous:
        lines.append((_label("structure"), messages.PDF_ANONYMOUS_EMITTER))
    else:
        service = emitter.service if emitter else None
        lines += [
            (_label("structure"), _given(emitter.designation if emitter else None)),
            (_label("siret"), _given(content.emitter_siret)),
            (_label("service"), _given(service.name if service else content.emitter_service)),
        ]
    contact = " / ".join(v for v in (content.contact_email, content.contact_phone) if v)
    lines += [(_label("contact"), _given(contact)), (_label("created_by"), _given(ticket.created_by.name))]
    return Section(messages.PDF_SECTIONS["EMITTER"], (Fields(tuple(lines)),))


def _recipient_section(ticket: Ticket) -> Section:
    recipient = ticket.recipient
    lines = [
        (_label("organisation"), _given(recipient.name if recipient else None)),
        (_label("service"), _given(recipient.service.name if recipient and recipient.service else None)),
        (_label("assignee"), _given(ticket.assignee.name if ticket.assignee else None)),
    ]
    return Section(messages.PDF_SECTIONS["RECIPIENT"], (Fields(tuple(lines)),))


def _subject_section(ticket: Ticket) -> Section:
    content = ticket.content
    category, subcategory = catalogue.labels(content.category, content.subcategory)
    lines = [(_label("category"), _given(category)), (_label("subcategory"), _given(subcategory))]
    if content.object_type or content.object_number:
        kind = content.object_type.label if content.object_type else None
        lines += [(_label("object_type"), _given(kind)), (_label("object_number"), _given(content.object_number))]
    return Section(messages.PDF_SECTIONS["SUBJECT"], (Fields(tuple(lines)),))


def _request_section(ticket: Ticket) -> Section:
    content = ticket.content
    return Section(
        messages.PDF_SECTIONS["REQUEST"],
        (
            Paragraph(_given(content.title), heading=_label("title")),
            Paragraph(_given(content.description), heading=_label("description")),
        ),
    )


def _exchanges_section(ticket: Ticket) -> Section:
    exchanges: tuple[Paragraph, ...] = tuple(
        Paragraph(
            plain(entry.comment),
            heading=messages.PDF_EXCHANGE_HEADING.format(
                kind=messages.PDF_EXCHANGE_KINDS[entry.action.value], date=when(entry.at), who=plain(entry.actor.name)
            ),
        )
        for entry in ticket.history
        if entry.action in EXCHANGES and entry.comment
    )
    return Section(messages.PDF_SECTIONS["EXCHANGES"], exchanges or (Paragraph(messages.PDF_NO_EXCHANGE),))


def _history_row(entry: HistoryEntry) -> tuple[str, ...]:
    status = entry.to_status.label
    if entry.from_status is not None and entry.from_status is not entry.to_status:
        status = messages.PDF_STATUS_CHANGE.format(before=entry.from_status.label, after=entry.to_status.label)
    comment = [plain(entry.comment)] if entry.comment else []
    if entry.assignee is not None:
        comment.append(messages.PDF_ASSIGNED.format(name=plain(entry.assignee.name)))
    actor = messages.PDF_ACTOR.format(name=plain(entry.actor.name), side=messages.PDF_SIDES[entry.side.value])
    return (when(entry.at), actor, entry.action.label, status, "\n".join(comment))


def _history_section(ticket: Ticket) -> Section:
    table = Table(messages.PDF_HISTORY_COLUMNS, HISTORY_WIDTHS, tuple(_history_row(e) for e in ticket.history))
    return Section(messages.PDF_SECTIONS["HISTORY"], (table,))


def _attachments_section(ticket: Ticket) -> Section:
    rows = []
    for attachment in ticket.attachments:
        if attachment.state is AttachmentState.PENDING:
            continue  # not on the ticket yet (the detail does not show it either)
        size = attachment.size if attachment.size is not None else attachment.declared_size
        state = attachment.state.label
        if attachment.refusal:
            state = messages.PDF_REFUSED_STATE.format(state=state, reason=plain(attachment.refusal))
        added_by = messages.PDF_ACTOR.format(
            name=plain(attachment.added_by.name), side=messages.PDF_SIDES[attachment.side.value]
        )
        rows.append((plain(attachment.name), files.human_size(size), added_by, when(attachment.added_at), state))
    block: Table | Paragraph = (
        Table(messages.PDF_ATTACHMENT_COLUMNS, ATTACHMENT_WIDTHS, tuple(rows))
        if rows
        else Paragraph(messages.PDF_NO_ATTACHMENT)
    )
    return Section(messages.PDF_SECTIONS["ATTACHMENTS"], (block,))


def ticket_document(ticket: Ticket, now: datetime) -> PrintedDocument:
    """The PDF of a ticket, as the detail shows it: the header (number, status, dates), the emitter, the
    recipient, the category and the object, the title and the description, the questions and answers, the
    whole history, and the files."""
    return PrintedDocument(
        title=messages.PDF_TITLE.format(number=ticket.number),
        subtitle=_subtitle(ticket),
        sections=(
            _emitter_section(ticket),
            _recipient_section(ticket),
            _subject_section(ticket),
            _request_section(ticket),
            _exchanges_section(ticket),
            _history_section(ticket),
            _attachments_section(ticket),
        ),
        footer=messages.PDF_FOOTER.format(number=ticket.number, date=when(now), page="{page}", pages="{pages}"),
        author=messages.MAIL_SENDER_NAME,
    )


# ------------------------------------------------------------------------------------------ the archive
MAX_NAME_LENGTH = 150  # characters of a name inside the archive (the extension kept)
_FORBIDDEN = frozenset('<>:"/\\|?*')  # not in a file name on Windows, or a path separator
_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))})
# Already compressed: stored as they are rather than deflated again.
_COMPRESSED = frozenset({"pdf", "png", "jpg", "jpeg", "gif", "zip", "docx", "xlsx", "odt", "ods"})


@dataclass(frozen=True)
class ArchivedFile:
    name: str  # as it was given
    added_at: datetime
    data: bytes


def _split(name: str) -> tuple[str, str]:
    stem, dot, extension = name.rpartition(".")
    return (stem, dot + extension) if dot and stem else (name, "")


def safe_name(name: str) -> str:
    """A file name any system can unpack: no path, no character Windows refuses, no control character, no
    device name, no trailing dot or space, at most ``MAX_NAME_LENGTH`` characters."""
    name = unicodedata.normalize("NFC", name)
    cleaned = "".join(
        "_" if c in _FORBIDDEN or unicodedata.category(c) in ("Cc", "Cf", "Cs") else c for c in name
    ).strip()
    cleaned = cleaned.rstrip(". ")
    stem, extension = _split(cleaned)
    if stem.split(".")[0].strip().upper() in _RESERVED:
        stem = "_" + stem
    if len(stem) + len(extension) > MAX_NAME_LENGTH:
        extension = extension[:20]
        stem = stem[: MAX_NAME_LENGTH - len(extension)].rstrip(". ")
    return (stem + extension) if stem else messages.ZIP_UNNAMED_FILE + extension


def unique_names(names: Iterable[str]) -> list[str]:
    """Safe names, made distinct (whatever the case): « facture.pdf », « facture (2).pdf »…"""
    taken: set[str] = set()
    unique = []
    for name in names:
        candidate = safe_name(name)
        stem, extension = _split(candidate)
        copy = 2
        while candidate.casefold() in taken:
            candidate = f"{stem} ({copy}){extension}"
            copy += 1
        taken.add(candidate.casefold())
        unique.append(candidate)
    return unique


def _entry(name: str, moment: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=local_time(moment).timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED if files.extension_of(name) in _COMPRESSED else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16  # a plain file, readable
    return info


def zip_archive(pdf_name: str, pdf: bytes, attached: Sequence[ArchivedFile], now: datetime) -> bytes:
    """The PDF at the top, the files in a folder of their own under safe, distinct names."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(_entry(pdf_name, now), pdf)
        names = unique_names(f.name for f in attached)
        for name, file in zip(names, attached, strict=True):
            archive.writestr(_entry(f"{messages.ZIP_ATTACHMENTS_FOLDER}/{name}", file.added_at), file.data)
    return buffer.getvalue()
