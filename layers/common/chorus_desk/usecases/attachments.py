"""Attachments: an upload form for a file the caller may add now, the check of what was really stored, the
malware scan's verdict, a download link, a removal.

The file never crosses Lambda: the caller gets a presigned POST for a random key under ``uploads/``; S3
tells the check (``check_upload``) when the object exists; only then, if its size and first bytes are what
was declared, is it moved under ``files/`` and shown on the ticket. Every change of the ticket's list is a
write conditioned on its version, so the limits per ticket hold under concurrent uploads.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from chorus_desk import files, lifecycle, messages
from chorus_desk.actors import Actor, SystemActor
from chorus_desk.errors import (
    ConcurrentModification,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    TransitionNotAllowed,
)
from chorus_desk.lifecycle import Action
from chorus_desk.models import Attachment, AttachmentState, Ticket, utc_now
from chorus_desk.observability import logger, metrics
from chorus_desk.ports import FileStorage, Ports, UploadForm
from chorus_desk.settings import FilesSettings
from chorus_desk.usecases.tickets import TicketSeen, history_entry, load_visible

UPLOAD_WINDOW = timedelta(minutes=15)  # how long an upload form is valid
PENDING_GRACE = timedelta(minutes=5)  # after the form expired, how long a pending file still holds its place
LINK_LIFETIME = timedelta(minutes=5)
WRITE_ATTEMPTS = 5


@dataclass(frozen=True)
class RequestUpload:
    number: int
    name: str
    content_type: str
    size: int


@dataclass(frozen=True)
class Upload:
    attachment: Attachment
    form: UploadForm


@dataclass(frozen=True)
class DownloadLink:
    attachment: Attachment
    url: str
    expires_at: datetime


def _holding(attachment: Attachment, now: datetime) -> bool:
    """Whether a file counts towards the ticket's limits: kept ones, and pending ones whose form still runs."""
    if attachment.state is AttachmentState.PENDING:
        return attachment.added_at + UPLOAD_WINDOW + PENDING_GRACE > now
    return attachment.state in (AttachmentState.AVAILABLE, AttachmentState.SCANNING)


def _limit_errors(ticket: Ticket, size: int, limits: FilesSettings, now: datetime) -> list[FieldError]:
    held = [a for a in ticket.attachments if _holding(a, now)]
    if len(held) >= limits.max_count:
        return [FieldError("name", messages.TICKET_FILES_TOO_MANY.format(max=limits.max_count))]
    used = sum(a.size if a.size is not None else a.declared_size for a in held)
    if used + size > limits.max_ticket_bytes:
        message = messages.TICKET_FILES_TOO_LARGE.format(
            max=files.human_size(limits.max_ticket_bytes), used=files.human_size(used)
        )
        return [FieldError("size", message)]
    return []


def request_upload(
    ports: Ports, storage: FileStorage, actor: Actor, command: RequestUpload, limits: FilesSettings
) -> Upload:
    """« Ajouter un fichier »: a place on the ticket (pending) and the form to upload the file to S3. The form
    is made first: if the storage cannot make it, no place is taken. A write that another one overtook is
    tried again on the new version (its limits checked again)."""
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        seen = load_visible(ports, actor, command.number)
        attachment, updated = _with_pending_file(seen, actor, command, limits)
        form = storage.upload_form(
            attachment.upload_key(command.number),
            attachment.content_type,
            attachment.declared_size,
            attachment.added_at + UPLOAD_WINDOW,
        )
        try:
            ports.tickets.save_ticket(updated, seen.ticket.version, None, previous=seen.ticket)
        except ConcurrentModification:
            if attempt == WRITE_ATTEMPTS:
                raise
            continue
        logger.info("upload form handed out", ticket_number=command.number, attachment=attachment.id, size=command.size)
        return Upload(attachment, form)
    raise AssertionError("unreachable")


def _with_pending_file(
    seen: TicketSeen, actor: Actor, command: RequestUpload, limits: FilesSettings
) -> tuple[Attachment, Ticket]:
    """The ticket with a new pending file, or the refusal: who may add now, the file, the ticket's limits."""
    ticket = seen.ticket
    side = lifecycle.authorize_files(Action.ADD_ATTACHMENT, seen.sides, ticket.status, ticket.number)
    errors = files.name_errors(command.name) or files.type_errors(command.name, command.content_type, limits.extensions)
    if command.size > limits.max_bytes:
        errors.append(FieldError("size", messages.FILE_TOO_LARGE.format(max=files.human_size(limits.max_bytes))))
    now = utc_now()
    errors += [] if errors else _limit_errors(ticket, command.size, limits, now)
    if errors:
        raise InvalidInput(errors)
    attachment = Attachment(
        id=secrets.token_urlsafe(18),
        name=command.name,
        content_type=command.content_type.split(";", 1)[0].strip().lower(),
        declared_size=command.size,
        side=side,
        step=ticket.status,
        added_by=actor.person,
        added_at=now,
    )
    kept = tuple(a for a in ticket.attachments if a.state is not AttachmentState.PENDING or _holding(a, now))
    update = {"attachments": (*kept, attachment), "version": ticket.version + 1, "updated_at": now}
    return attachment, ticket.model_copy(update=update)


# ------------------------------------------------------------------------------------ after upload
def _edit(
    ports: Ports, number: int, change: Callable[[Ticket], Ticket | None], read: Ticket | None = None
) -> Ticket | None:
    """Apply ``change`` to the ticket's latest version (``read`` if the caller just read it), again on the
    next one if another write came first."""
    for attempt in range(WRITE_ATTEMPTS):
        ticket = read if attempt == 0 and read is not None else ports.tickets.load_ticket(number)
        if ticket is None:
            return None
        updated = change(ticket)
        if updated is None:
            return ticket
        entry = updated.history[-1] if len(updated.history) > len(ticket.history) else None
        try:
            ports.tickets.save_ticket(updated, ticket.version, entry, previous=ticket)
        except ConcurrentModification:
            continue
        return updated
    raise ConcurrentModification(messages.CONCURRENT_MODIFICATION.format(number=number))


def _replace(
    ticket: Ticket, attachment: Attachment, entry_action: Action | None = None, by: SystemActor | None = None
) -> Ticket:
    """The ticket with ``attachment`` in place of its previous state, and a history entry for ``entry_action``:
    by whoever added the file (« Ajouter un fichier »), or by the desk (``by``: « Fichier refusé »)."""
    attachments = tuple(attachment if a.id == attachment.id else a for a in ticket.attachments)
    update: dict[str, object] = {"attachments": attachments, "version": ticket.version + 1, "updated_at": utc_now()}
    if entry_action is not None:
        actor = by.person if by is not None else attachment.added_by
        entry = history_entry(ticket, actor, attachment.side, entry_action, ticket.status, attachment.name)
        update["history"] = (*ticket.history, entry)
    return ticket.model_copy(update=update)


def parse_key(key: str) -> tuple[str, int, str] | None:
    """``uploads/<number>/<id>`` or ``files/<number>/<id>`` → (area, number, id)."""
    parts = key.split("/")
    if len(parts) != 3 or parts[0] not in ("uploads", "files") or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1]), parts[2]


def _refusal(storage: FileStorage, number: int, attachment: Attachment) -> str | None:
    """Why the stored object cannot be kept, or ``None`` when it is what was declared."""
    key = attachment.upload_key(number)
    size = storage.size_of(key)
    if size is None:
        return messages.REFUSAL_NOT_UPLOADED
    if size != attachment.declared_size:
        return messages.REFUSAL_SIZE_MISMATCH.format(
            actual=files.human_size(size), declared=files.human_size(attachment.declared_size)
        )
    extension = files.extension_of(attachment.name)
    if not files.FILE_TYPES[extension].looks_right(storage.first_bytes(key, files.SNIFF_BYTES)):
        return messages.REFUSAL_CONTENT_MISMATCH.format(extension=extension)
    return None


def check_upload(ports: Ports, storage: FileStorage, system: SystemActor, key: str, scanning: bool) -> str:
    """S3 says an object was created under ``uploads/``: keep it (moved under ``files/``) if it is the file
    that was declared, else delete it and say why on the ticket (and « Fichier refusé » in its history). Returns
    what was done (for the logs)."""
    if not key.startswith("uploads/"):
        return "ignored"  # only uploads are checked: a kept file (files/) or any other object is not the check's
    parsed = parse_key(key)
    found = ticket = None
    if parsed is not None and parsed[0] == "uploads":
        ticket = ports.tickets.load_ticket(parsed[1])
        found = next((a for a in ticket.attachments if a.id == parsed[2]), None) if ticket else None
    if parsed is None or found is None or found.state is not AttachmentState.PENDING:
        storage.delete([key])  # nobody asked for it, its ticket is gone, or it was already dealt with
        metrics.add_metric(name="AttachmentOrphanDeleted", unit="Count", value=1)
        return "orphan deleted"
    number, attachment = parsed[1], found
    reason = _refusal(storage, number, attachment)
    if reason is None:
        storage.move(attachment.upload_key(number), attachment.file_key(number))
    else:
        storage.delete([attachment.upload_key(number)])

    def settle(ticket: Ticket) -> Ticket | None:
        current = next((a for a in ticket.attachments if a.id == attachment.id), None)
        if current is None or current.state is not AttachmentState.PENDING:
            return None
        if reason is not None:
            refused = current.model_copy(update={"state": AttachmentState.REFUSED, "refusal": reason})
            return _replace(ticket, refused, Action.REFUSE_ATTACHMENT, by=system)
        state = AttachmentState.SCANNING if scanning else AttachmentState.AVAILABLE
        kept = current.model_copy(update={"state": state, "size": current.declared_size})
        return _replace(ticket, kept, Action.ADD_ATTACHMENT)

    settled = _edit(ports, number, settle, ticket)
    kept = settled is not None and any(
        a.id == attachment.id and a.state in (AttachmentState.AVAILABLE, AttachmentState.SCANNING)
        for a in settled.attachments
    )
    if reason is None and not kept:
        storage.delete([attachment.file_key(number)])  # the ticket was deleted, or the place given up, meanwhile
    outcome = "refused" if reason else "accepted"
    metrics.add_metric(name=f"Attachment{outcome.title()}", unit="Count", value=1)
    logger.info("upload checked", ticket_number=number, attachment=attachment.id, outcome=outcome, reason=reason)
    return outcome


def record_scan(ports: Ports, storage: FileStorage, system: SystemActor, key: str, clean: bool) -> str:
    """GuardDuty's verdict on a kept file: available, or deleted and refused (« Fichier refusé » in the history)."""
    parsed = parse_key(key)
    if parsed is None or parsed[0] != "files":
        return "ignored"
    _, number, attachment_id = parsed
    if not clean:
        storage.delete([key])

    def settle(ticket: Ticket) -> Ticket | None:
        current = next((a for a in ticket.attachments if a.id == attachment_id), None)
        if current is None or current.state is not AttachmentState.SCANNING:
            return None
        if clean:
            return _replace(ticket, current.model_copy(update={"state": AttachmentState.AVAILABLE}))
        refused = current.model_copy(update={"state": AttachmentState.REFUSED, "refusal": messages.REFUSAL_MALWARE})
        return _replace(ticket, refused, Action.REFUSE_ATTACHMENT, by=system)

    _edit(ports, number, settle)
    metrics.add_metric(name="AttachmentScanned" if clean else "AttachmentInfected", unit="Count", value=1)
    return "clean" if clean else "infected"


# ------------------------------------------------------------------------------ download, removal
def _attachment(ticket: Ticket, attachment_id: str) -> Attachment:
    found = next((a for a in ticket.attachments if a.id == attachment_id), None)
    if found is None or found.state is AttachmentState.PENDING:
        raise NotFound(messages.ATTACHMENT_NOT_FOUND.format(id=attachment_id, number=ticket.number))
    return found


def download_link(ports: Ports, storage: FileStorage, actor: Actor, number: int, attachment_id: str) -> DownloadLink:
    """A short-lived link that downloads the file under its own name; for whoever sees the ticket."""
    ticket = load_visible(ports, actor, number).ticket
    attachment = _attachment(ticket, attachment_id)
    if attachment.state is not AttachmentState.AVAILABLE:
        raise TransitionNotAllowed(
            messages.ATTACHMENT_NOT_AVAILABLE.format(name=attachment.name, state=attachment.state.label)
        )
    expires_at = utc_now() + LINK_LIFETIME
    url = storage.download_link(
        attachment.file_key(number), files.content_disposition(attachment.name), attachment.content_type, expires_at
    )
    return DownloadLink(attachment, url, expires_at)


def remove_attachment(ports: Ports, storage: FileStorage, actor: Actor, number: int, attachment_id: str) -> TicketSeen:
    """The side that added a file removes it while it may still add files; the history keeps a trace."""
    seen = load_visible(ports, actor, number)
    ticket = seen.ticket
    attachment = _attachment(ticket, attachment_id)
    side = lifecycle.authorize_files(Action.REMOVE_ATTACHMENT, seen.sides, ticket.status, number)
    if attachment.side is not side:
        raise Forbidden(messages.ATTACHMENT_OTHER_SIDE.format(name=attachment.name))
    entry = history_entry(ticket, actor.person, side, Action.REMOVE_ATTACHMENT, ticket.status, attachment.name)
    updated = ticket.model_copy(
        update={
            "attachments": tuple(a for a in ticket.attachments if a.id != attachment_id),
            "version": ticket.version + 1,
            "updated_at": utc_now(),
            "history": (*ticket.history, entry),
        }
    )
    ports.tickets.save_ticket(updated, ticket.version, entry, previous=ticket)
    storage.delete([attachment.file_key(number), attachment.upload_key(number)])
    metrics.add_metric(name="AttachmentRemoved", unit="Count", value=1)
    return TicketSeen(updated, seen.sides)
