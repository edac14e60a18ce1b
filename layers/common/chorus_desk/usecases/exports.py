"""Exports: a tab or a search as a CSV or XLSX file, and a ticket as a PDF (with its files, as a ZIP).

A list export reads exactly what the list would (the tab's or the search's ``ListQuery``, built by
``following`` from the caller's own memberships: the same refusals, and never another structure's tickets),
every row in the list's order. A small CSV is answered as it is; anything else is written to the
attachments' bucket under ``exports/<hash of the caller>/<random>/`` and reached through a short-lived link
(the bucket forgets the prefix after a day). The XLSX and the PDF are the ``DocumentWriter``'s: heavy
libraries that only the exports function loads.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from chorus_desk import documents, files, messages
from chorus_desk.actors import SignedInUser
from chorus_desk.commands import ListTab, SearchTickets
from chorus_desk.documents import ArchivedFile, ExportFormat
from chorus_desk.errors import FieldError, InvalidInput
from chorus_desk.models import AttachmentState, utc_now
from chorus_desk.observability import logger, metrics
from chorus_desk.ports import DocumentWriter, FileStorage, Ports
from chorus_desk.usecases import following
from chorus_desk.usecases.tickets import load_visible

LINK_LIFETIME = timedelta(minutes=5)
PREFIX = "exports"


@dataclass(frozen=True)
class ExportTickets:
    """« Exporter »: the rows of a tab (``ListTab``) or of a search (``SearchTickets``), in a format."""

    format: ExportFormat
    listing: ListTab | SearchTickets


@dataclass(frozen=True)
class InlineExport:
    """A CSV small enough to be the answer itself."""

    name: str
    content_type: str
    text: str
    rows: int


@dataclass(frozen=True)
class ExportLink:
    """A file written to the bucket, and the link that downloads it under its name."""

    name: str
    content_type: str
    url: str
    expires_at: datetime
    size: int
    rows: int | None  # a list export's rows; ``None`` for a ticket's PDF or archive


def _key(user: SignedInUser, name: str) -> str:
    """``exports/<hash of the user's id>/<random>/<name>``: nobody's id in clear, never a guessable key."""
    owner = hashlib.sha256(user.id.encode()).hexdigest()[:32]
    return f"{PREFIX}/{owner}/{uuid.uuid4().hex}/{name}"


def _stored(
    storage: FileStorage, user: SignedInUser, name: str, data: bytes, content_type: str, rows: int | None
) -> ExportLink:
    key = _key(user, name)
    disposition = files.content_disposition(name)
    storage.write(key, data, content_type, disposition)
    expires_at = utc_now() + LINK_LIFETIME
    url = storage.download_link(key, disposition, content_type, expires_at)
    return ExportLink(name, content_type, url, expires_at, len(data), rows)


def export_tickets(
    ports: Ports,
    storage: FileStorage,
    writer: DocumentWriter,
    user: SignedInUser,
    command: ExportTickets,
    inline_max_bytes: int,
) -> InlineExport | ExportLink:
    """Every row of the tab or the search (at most ``following.EXPORT_LIMIT``: beyond, the search must be
    narrowed), as a CSV answered inline when it is at most ``inline_max_bytes``, else as a link."""
    if isinstance(command.listing, ListTab):
        query, _ = following.tab_query(user, command.listing)
    else:
        query, _ = following.search_query(user, command.listing)
    limit = following.EXPORT_LIMIT
    rows = [documents.row_cells(row) for row in following.export_rows(ports, query, limit + 1)]
    if len(rows) > limit:
        shown = f"{limit:,}".replace(",", " ")  # « 10 000 »
        raise InvalidInput([FieldError("criteria", messages.EXPORT_TOO_MANY_ROWS.format(limit=shown))])
    name = documents.export_name(command.listing.side, command.format, utc_now())
    headers = messages.EXPORT_COLUMNS
    if command.format is ExportFormat.CSV:
        text = documents.csv_text(headers, rows)
        data, content_type = text.encode("utf-8"), documents.CSV_TYPE
        if len(data) <= inline_max_bytes:
            _record("inline", command.format, len(rows), len(data))
            return InlineExport(name, content_type, text, len(rows))
    else:
        sheet = messages.EXPORT_SHEET_NAME
        data, content_type = writer.spreadsheet(sheet, headers, documents.COLUMN_WIDTHS, rows), documents.XLSX_TYPE
    _record("link", command.format, len(rows), len(data))
    return _stored(storage, user, name, data, content_type, len(rows))


def ticket_pdf(
    ports: Ports, storage: FileStorage, writer: DocumentWriter, user: SignedInUser, number: int, with_files: bool
) -> ExportLink:
    """The ticket as a PDF, for whoever sees it (else the detail's 404); with ``with_files``, one ZIP of the PDF
    and every available file of the ticket (those refused, pending or still being scanned are not in it)."""
    ticket = load_visible(ports, user, number).ticket
    now = utc_now()
    pdf = writer.pdf(documents.ticket_document(ticket, now))
    pdf_name = documents.ticket_file_name(number, "pdf")
    if not with_files:
        _record("pdf", None, None, len(pdf))
        return _stored(storage, user, pdf_name, pdf, documents.PDF_TYPE, None)
    packed = []
    for attachment in ticket.attachments:
        if attachment.state is not AttachmentState.AVAILABLE:
            continue
        data = storage.read(attachment.file_key(number))
        if data is None:  # removed meanwhile: the archive holds what is still there
            logger.warning("attachment missing from the archive", ticket_number=number, attachment=attachment.id)
            continue
        packed.append(ArchivedFile(attachment.name, attachment.added_at, data))
    archive = documents.zip_archive(pdf_name, pdf, packed, now)
    _record("zip", None, len(packed), len(archive))
    return _stored(storage, user, documents.ticket_file_name(number, "zip"), archive, documents.ZIP_TYPE, None)


def _record(kind: str, export_format: ExportFormat | None, count: int | None, size: int) -> None:
    logger.info("export written", kind=kind, format=export_format and export_format.value, count=count, size=size)
    metrics.add_metric(name="ExportWritten", unit="Count", value=1)
