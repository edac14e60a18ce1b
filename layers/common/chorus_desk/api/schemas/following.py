"""Responses of the following screens: a page of tickets (tabs, search) and the dashboard."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from chorus_desk import messages
from chorus_desk.listing import ListSide, Row
from chorus_desk.models import ObjectType, OrgKind, Service
from chorus_desk.usecases.following import Count, ListPage, OrganisationBoard, ServiceCounts, SideCounts

from .common import CodeLabel, PersonView, ServiceView, View


class RowEmitterView(View):
    siret: str | None
    name: str | None
    service: ServiceView | None


class RowRecipientView(View):
    kind: OrgKind
    id: str
    name: str | None
    service: ServiceView | None


class RowObjectView(View):
    type: CodeLabel | None
    number: str | None


def _service(code: str | None, name: str | None) -> ServiceView | None:
    return ServiceView(code=code, name=name or code) if code else None


class TicketRowView(View):
    """One line of a list: the columns of « Consulter les tickets »."""

    number: int
    title: str | None
    category: CodeLabel | None
    subcategory: CodeLabel | None
    status: CodeLabel
    created_at: datetime = Field(description="« Saisie le » : la date de création.")
    opened_at: datetime = Field(description="« Ouvert le » : la date de soumission (de création pour un brouillon).")
    updated_at: datetime
    emitter: RowEmitterView | None
    recipient: RowRecipientView | None
    assignee: PersonView | None
    created_by: PersonView
    object: RowObjectView | None
    anonymous: bool

    @classmethod
    def of(cls, row: Row) -> TicketRowView:
        recipient = None
        if row.recipient_org:
            kind, _, ident = row.recipient_org.partition("#")
            recipient = RowRecipientView(
                kind=OrgKind(kind),
                id=ident,
                name=row.recipient_name,
                service=_service(row.recipient_service, row.recipient_service_name),
            )
        object_type = ObjectType(row.object_type) if row.object_type else None
        return cls(
            number=row.number,
            title=row.title,
            category=CodeLabel(code=row.category, label=row.category_label or row.category) if row.category else None,
            subcategory=(
                CodeLabel(code=row.subcategory, label=row.subcategory_label or row.subcategory)
                if row.subcategory
                else None
            ),
            status=CodeLabel.of_status(row.status),
            created_at=row.created_at,
            opened_at=row.opened,
            updated_at=row.updated,
            emitter=(
                RowEmitterView(
                    siret=row.emitter_siret,
                    name=row.emitter_name,
                    service=_service(row.emitter_service, row.emitter_service_name),
                )
                if row.emitter_siret
                else None
            ),
            recipient=recipient,
            assignee=PersonView.of(row.assignee),
            created_by=PersonView(id=row.created_by.id, name=row.created_by.name),
            object=(
                RowObjectView(
                    type=CodeLabel(code=object_type.value, label=object_type.label) if object_type else None,
                    number=row.object_number,
                )
                if object_type or row.object_number
                else None
            ),
            anonymous=row.anonymous,
        )


class TicketPageView(View):
    items: list[TicketRowView]
    next_cursor: str | None = Field(description="À renvoyer (cursor) pour la page suivante ; absent à la fin.")
    partial: bool = Field(
        description="La page n'est pas pleine mais la recherche n'est pas finie : continuez avec next_cursor."
    )
    total: int = Field(description="Le nombre de tickets de la liste entière (toutes pages).")
    total_exact: bool = Field(
        description="false : le comptage a atteint sa limite de lecture, total est un minimum (affinez la recherche)."
    )
    page: int | None = Field(description="Le numéro de cette page (1 = la première) ; absent s'il n'est pas connu.")
    sort: CodeLabel
    order: str
    size: int

    @classmethod
    def of(cls, page: ListPage) -> TicketPageView:
        return cls(
            items=[TicketRowView.of(r) for r in page.rows],
            next_cursor=page.cursor,
            partial=page.partial,
            total=page.total,
            total_exact=page.total_exact,
            page=page.page,
            sort=CodeLabel(code=page.sort.value, label=messages.SORT_LABELS[page.sort.value]),
            order=page.direction.value,
            size=page.size,
        )


# ---------------------------------------------------------------------------------------- dashboard
class CountView(View):
    status: CodeLabel
    count: int
    link: str = Field(description="La recherche qui liste ces tickets (GET, même jeton).")

    @classmethod
    def of(cls, count: Count) -> CountView:
        return cls(status=CodeLabel.of_status(count.status), count=count.count, link=count.link)


class ServiceCountsView(View):
    service: ServiceView | None = Field(description="Absent : « Non renseigné ».")
    label: str
    counts: list[CountView]

    @classmethod
    def of(cls, counts: ServiceCounts) -> ServiceCountsView:
        service: Service | None = counts.service
        return cls(
            service=ServiceView.of(service),
            label=service.name if service else messages.NO_SERVICE_LABEL,
            counts=[CountView.of(c) for c in counts.counts],
        )


class SideCountsView(View):
    label: str
    counts: list[CountView]
    services: list[ServiceCountsView]

    @classmethod
    def of(cls, side: ListSide, counts: SideCounts) -> SideCountsView:
        return cls(
            label=messages.SIDE_LABELS[side.value],
            counts=[CountView.of(c) for c in counts.counts],
            services=[ServiceCountsView.of(s) for s in counts.services],
        )


class OrganisationRef(View):
    kind: OrgKind
    id: str
    name: str


class OrganisationBoardView(View):
    organisation: OrganisationRef
    role: CodeLabel
    emitted: SideCountsView | None = Field(description="Structures seulement : les tickets émis.")
    received: SideCountsView
    assigned_to_me: list[CountView]

    @classmethod
    def of(cls, board: OrganisationBoard) -> OrganisationBoardView:
        m = board.membership
        return cls(
            organisation=OrganisationRef(kind=m.org.kind, id=m.org.id, name=m.org_name),
            role=CodeLabel(code=m.role.value, label=m.role.label),
            emitted=SideCountsView.of(ListSide.EMITTER, board.emitted) if board.emitted else None,
            received=SideCountsView.of(ListSide.RECIPIENT, board.received),
            assigned_to_me=[CountView.of(c) for c in board.assigned_to_me],
        )


class DashboardView(View):
    organisations: list[OrganisationBoardView]
