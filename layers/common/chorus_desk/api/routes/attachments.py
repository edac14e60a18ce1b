"""Attachment routes: an upload form (the file goes straight to S3), a download link, a removal."""

from typing import Annotated

from aws_lambda_powertools.event_handler import content_types
from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from chorus_desk import bootstrap
from chorus_desk.actors import SignedInUser
from chorus_desk.observability import tracer
from chorus_desk.ports import FileStorage, Ports
from chorus_desk.settings import FilesSettings
from chorus_desk.usecases import attachments

from ..http import documented, signed_in
from ..idempotency import IdempotencyKey, idempotent_answers
from ..schemas.attachments import DownloadView, UploadRequest, UploadView
from ..schemas.tickets import TicketDetail
from .tickets import ONCE, TicketNumber

router = Router()  # type: ignore[no-untyped-call]

User = Annotated[SignedInUser, Depends(signed_in)]
Wired = Annotated[Ports, Depends(bootstrap.ports)]
Storage = Annotated[FileStorage, Depends(bootstrap.file_storage)]
Limits = Annotated[FilesSettings, Depends(bootstrap.files_settings)]
AttachmentId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="Identifiant de la pièce jointe.")]


@router.post(
    "/tickets/<number>/attachments",
    summary="Ajouter un fichier : formulaire d'envoi direct vers le stockage",
    tags=["Pièces jointes"],
    responses=idempotent_answers(
        documented(
            201, UploadView, "La pièce jointe (en attente) et le formulaire d'envoi.", 400, 401, 403, 404, 409, 415
        )
    ),
    middlewares=ONCE,
)
@tracer.capture_method
def request_upload(
    number: TicketNumber,
    body: UploadRequest,
    user: User,
    ports: Wired,
    storage: Storage,
    limits: Limits,
    _key: IdempotencyKey = None,
) -> Response[UploadView]:
    command = attachments.RequestUpload(int(number), body.name, body.content_type, body.size)
    upload = attachments.request_upload(ports, storage, user, command, limits)
    return Response(status_code=201, content_type=content_types.APPLICATION_JSON, body=UploadView.of(upload))


@router.get(
    "/tickets/<number>/attachments/<attachment_id>",
    summary="Télécharger une pièce jointe (lien de courte durée)",
    tags=["Pièces jointes"],
    responses=documented(200, DownloadView, "Le lien de téléchargement.", 400, 401, 404, 409),
)
@tracer.capture_method
def download_attachment(
    number: TicketNumber, attachment_id: AttachmentId, user: User, ports: Wired, storage: Storage
) -> DownloadView:
    return DownloadView.of(attachments.download_link(ports, storage, user, int(number), attachment_id))


@router.delete(
    "/tickets/<number>/attachments/<attachment_id>",
    summary="Supprimer une pièce jointe",
    tags=["Pièces jointes"],
    responses=idempotent_answers(
        documented(200, TicketDetail, "Le ticket sans la pièce jointe.", 400, 401, 403, 404, 409)
    ),
    middlewares=ONCE,
)
@tracer.capture_method
def remove_attachment(
    number: TicketNumber,
    attachment_id: AttachmentId,
    user: User,
    ports: Wired,
    storage: Storage,
    _key: IdempotencyKey = None,
) -> TicketDetail:
    return TicketDetail.of(attachments.remove_attachment(ports, storage, user, int(number), attachment_id))
