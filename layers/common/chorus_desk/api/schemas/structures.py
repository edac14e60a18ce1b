"""Requests and responses of the structure procedures (« Activer / inactiver ma structure »)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from chorus_desk import messages
from chorus_desk.directory import Entry
from chorus_desk.models import Operation, Siret, Structure
from chorus_desk.usecases.directory import StructureResults
from chorus_desk.usecases.structures import StructureShown

from .common import CodeLabel, PersonView, Request, ServiceView, View


class ActivationRequest(Request):
    confirm: Literal[True] = Field(description="true : l'utilisateur a vu la structure affichée et la confirme.")


class InactivationRequest(Request):
    confirm: Literal[True] = Field(description="true : l'utilisateur a vu la structure affichée et la confirme.")
    takeover_siret: Siret = Field(
        None, description="SIRET de la structure qui reprend l'activité (obligatoire si l'établissement est ouvert)."
    )


class RegistryView(View):
    name: str | None
    open: bool
    state: str = Field(description="« Ouvert » ou « Fermé » dans le répertoire Sirene.")
    closed_on: date | None
    address: str | None


class TakeoverView(View):
    siret: str
    designation: str
    state: str = Field(description="« Active » dans Chorus Pro (une structure reprenante acceptée l'est).")

    @classmethod
    def of(cls, structure: Structure) -> TakeoverView:
        return cls(
            siret=structure.siret,
            designation=structure.designation,
            state=messages.STRUCTURE_STATE_LABELS[structure.active],
        )


class StructureView(View):
    siret: str
    designation: str
    public: bool
    active: bool
    state: str = Field(description="« Active » ou « Inactive » dans Chorus Pro.")
    role: CodeLabel
    registry: RegistryView
    takeover: TakeoverView | None = Field(
        None, description="La structure reprenante vérifiée, quand takeover_siret est donné ; sinon null."
    )

    @classmethod
    def of(cls, shown: StructureShown) -> StructureView:
        s, e, t = shown.structure, shown.establishment, shown.takeover
        return cls(
            siret=s.siret,
            designation=s.designation,
            public=s.public,
            active=s.active,
            state=messages.STRUCTURE_STATE_LABELS[s.active],
            role=CodeLabel(code=shown.role.value, label=shown.role.label),
            registry=RegistryView(
                name=e.name,
                open=e.open,
                state=messages.REGISTRY_STATE_LABELS[e.open],
                closed_on=e.closed_on,
                address=e.address,
            ),
            takeover=None if t is None else TakeoverView.of(t),
        )


class OperationView(View):
    id: str
    siret: str
    takeover_siret: str | None
    state: CodeLabel
    message: str | None = Field(description="Le résultat, en français, une fois l'opération finie.")
    error: str | None = Field(description="L'erreur nommée d'un refus ou d'un échec (ex. TakeoverRequired).")
    requester: PersonView
    started_at: datetime
    finished_at: datetime | None
    moved_payments: int
    moved_tickets: int

    @classmethod
    def of(cls, operation: Operation) -> OperationView:
        return cls(
            id=operation.id,
            siret=operation.siret,
            takeover_siret=operation.takeover_siret,
            state=CodeLabel(code=operation.state.value, label=operation.state.label),
            message=operation.message,
            error=operation.error,
            requester=PersonView(id=operation.requester.id, name=operation.requester.name),
            started_at=operation.started_at,
            finished_at=operation.finished_at,
            moved_payments=operation.moved_payments,
            moved_tickets=operation.moved_tickets,
        )


# ------------------------------------------------------------------------------ the public directory
class DirectoryStructureView(View):
    """A public structure active in Chorus Pro, as « Rechercher » shows it, with the services its « Service
    destinataire » list offers."""

    siret: str
    designation: str
    postcode: str | None = Field(description="Code postal, s'il est connu.")
    town: str | None = Field(description="Ville, si elle est connue.")
    services: list[ServiceView] = Field(description="Ses services (code et libellé), triés par code ; peut être vide.")

    @classmethod
    def of(cls, entry: Entry) -> DirectoryStructureView:
        return cls(
            siret=entry.siret,
            designation=entry.designation,
            postcode=entry.postcode,
            town=entry.town,
            services=[ServiceView(code=s.code, name=s.name) for s in entry.services],
        )


class DirectoryPageView(View):
    structures: list[DirectoryStructureView]
    next_cursor: str | None = Field(description="À renvoyer (cursor) pour la page suivante ; null à la fin.")
    partial: bool = Field(
        description="La page n'est pas pleine mais la recherche n'est pas finie : continuez avec next_cursor."
    )
    size: int

    @classmethod
    def of(cls, results: StructureResults) -> DirectoryPageView:
        return cls(
            structures=[DirectoryStructureView.of(e) for e in results.entries],
            next_cursor=results.cursor,
            partial=results.partial,
            size=results.size,
        )
