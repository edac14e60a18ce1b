"""Exports: the answer that points at a file written to the bucket (a list export, a ticket's PDF or ZIP)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from chorus_desk.usecases.exports import ExportLink

from .common import View


class ExportLinkView(View):
    """The body of a 303 See Other, whose Location is ``url``: the file is downloaded from the storage."""

    url: str = Field(description="Lien de téléchargement du fichier (le même que l'en-tête Location).")
    expires_at: datetime = Field(description="Fin de validité du lien (quelques minutes).")
    name: str = Field(description="Nom du fichier téléchargé.")
    size: int = Field(description="Taille du fichier en octets.")
    rows: int | None = Field(description="Nombre de tickets exportés (exports de listes ; absent pour un ticket).")

    @classmethod
    def of(cls, link: ExportLink) -> ExportLinkView:
        return cls(url=link.url, expires_at=link.expires_at, name=link.name, size=link.size, rows=link.rows)
