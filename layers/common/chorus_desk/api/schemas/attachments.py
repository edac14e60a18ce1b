"""Attachments: the request for an upload form, the form, and the download link."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from chorus_desk.usecases.attachments import DownloadLink, Upload

from .common import Request, View
from .tickets import AttachmentView


class UploadRequest(Request):
    name: str = Field(max_length=1000, description="Nom du fichier (extension comprise), accents permis.")
    content_type: str = Field(max_length=200, description="Type MIME du fichier (application/pdf, image/png…).")
    size: int = Field(ge=1, le=10**12, description="Taille du fichier en octets.")


class UploadFormView(View):
    url: str = Field(description="Où envoyer le formulaire (POST multipart/form-data).")
    fields: dict[str, str] = Field(description="Les champs à envoyer tels quels, avant le fichier (champ « file »).")
    expires_at: datetime


class UploadView(View):
    attachment: AttachmentView = Field(description="La pièce jointe, en attente du fichier.")
    upload: UploadFormView

    @classmethod
    def of(cls, upload: Upload) -> UploadView:
        return cls(
            attachment=AttachmentView.of(upload.attachment),
            upload=UploadFormView(url=upload.form.url, fields=upload.form.fields, expires_at=upload.form.expires_at),
        )


class DownloadView(View):
    attachment: AttachmentView
    url: str = Field(description="Lien de téléchargement, valable quelques minutes.")
    expires_at: datetime

    @classmethod
    def of(cls, link: DownloadLink) -> DownloadView:
        return cls(attachment=AttachmentView.of(link.attachment), url=link.url, expires_at=link.expires_at)
