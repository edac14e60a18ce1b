"""Following routes: the tabs of both sides, the search, and the dashboard (« Tableau de bord »)."""

from datetime import date
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query

from chorus_desk import bootstrap
from chorus_desk.actors import SignedInUser
from chorus_desk.commands import ListTab, Ordering, SearchTickets
from chorus_desk.lifecycle import Status
from chorus_desk.listing import DEFAULT_PAGE_SIZE, Direction, ListSide, Sort, Tab
from chorus_desk.observability import tracer
from chorus_desk.ports import Ports
from chorus_desk.usecases import following

from ..http import documented, known_query, signed_in
from ..schemas.following import DashboardView, OrganisationBoardView, TicketPageView

router = Router()  # type: ignore[no-untyped-call]

User = Annotated[SignedInUser, Depends(signed_in)]
Wired = Annotated[Ports, Depends(bootstrap.ports)]

# Query parameters shared by the tabs, the search and the exports.
SideParam = Annotated[ListSide, Query(description="EMITTER (sollicitations émises) ou RECIPIENT (reçues).")]
SortParam = Annotated[
    Sort | None, Query(description="Colonne de tri (par défaut : NUMBER, ou le critère de recherche).")
]
OrderParam = Annotated[Direction | None, Query(description="ASC ou DESC (par défaut).")]
SizeParam = Annotated[int, Query(description="Lignes par page : 10, 25, 50 ou 100.")]
CursorParam = Annotated[str | None, Query(max_length=2048, description="Le next_cursor de la page précédente.")]
PageParam = Annotated[
    int | None,
    Query(
        ge=1,
        le=100_000,
        description="Aller directement à cette page (1 = la première), au lieu du curseur ; au-delà de 1 000 lignes "
        "à parcourir : 400, affinez la recherche.",
    ),
]
AssignedParam = Annotated[bool, Query(description="Reçues seulement : les tickets qui me sont assignés.")]
TabParam = Annotated[
    Tab, Query(description="ACTION (actions requises), ONGOING (tous sauf clôturés), CLOSED, DRAFTS (émises).")
]
Text = Annotated[str | None, Query(min_length=1, max_length=150)]
Code = Annotated[str | None, Query(min_length=1, max_length=64)]
NumberParam = Annotated[int | None, Query(ge=1, le=9_999_999_999, description="Numéro de ticket.")]
DateParam = Annotated[date | None, Query(description="Jour (AAAA-MM-JJ), heure de Paris.")]
CreatedParam = Annotated[
    date | None, Query(description="Période de saisie (date de création) : jour AAAA-MM-JJ, heure de Paris.")
]
StatusParam = Annotated[Status | None, Query(description="Statut.")]
SiretParam = Annotated[str | None, Query(pattern=r"^[0-9]{14}$", description="SIRET de la structure émettrice.")]
RecipientParam = Annotated[
    str | None,
    Query(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="SIRET de la structure destinataire, ou identifiant d'équipe."),
]
UserIdParam = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9:_-]{1,128}$", description="Identifiant du créateur.")]
CreatorNameParam = Annotated[
    str | None,
    Query(min_length=1, max_length=150, description="« Créé par » : le début de chaque mot du nom du créateur."),
]
RecipientNameParam = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=150,
        description="« Structure destinataire » : le début de chaque mot de sa désignation (ou du nom de l'équipe).",
    ),
]
StructureParam = Annotated[
    str | None,
    Query(
        pattern=r"^[A-Za-z0-9_-]{1,64}$",
        description="« Filtre Structure » : l'une de vos structures (SIRET) ou équipes ; ses tickets seulement.",
    ),
]
SearchTabParam = Annotated[
    Tab | None,
    Query(description="Rechercher dans un onglet (ses statuts) : ACTION, ONGOING, CLOSED, DRAFTS (émises)."),
]

TAB_PARAMS = frozenset({"side", "tab", "sort", "order", "size", "cursor", "page", "assigned_to_me", "structure"})
SEARCH_PARAMS = frozenset({"side", "tab", "sort", "order", "size", "cursor", "page", *SearchTickets.CRITERIA})


def search_of(side: ListSide, ordering: Ordering, given: dict[str, Any]) -> SearchTickets:
    """The search command from a route's query parameters (``locals()`` of a route taking every criterion)."""
    values = {name: given[name] for name in SearchTickets.CRITERIA}
    status = values.pop("status")
    tab = given.get("tab")
    return SearchTickets(
        side=side.value, ordering=ordering, status=status and status.value, tab=tab and tab.value, **values
    )


_LIST = documented(200, TicketPageView, "Une page de tickets.", 400, 401)


@router.get("/tickets", summary="Consulter les tickets d'un onglet", tags=["Suivi"], responses=_LIST)
@tracer.capture_method
def list_tab(
    user: User,
    ports: Wired,
    _checked: Annotated[None, Depends(known_query(TAB_PARAMS))],
    side: SideParam,
    tab: TabParam,
    sort: SortParam = None,
    order: OrderParam = None,
    size: SizeParam = DEFAULT_PAGE_SIZE,
    cursor: CursorParam = None,
    page: PageParam = None,
    assigned_to_me: AssignedParam = False,
    structure: StructureParam = None,
) -> TicketPageView:
    ordering = Ordering(sort=sort and sort.value, direction=order and order.value, size=size, cursor=cursor, page=page)
    command = ListTab(
        side=side.value, tab=tab.value, ordering=ordering, assigned_to_me=assigned_to_me, structure=structure
    )
    return TicketPageView.of(following.list_tab(ports, user, command))


@router.get(
    "/tickets/search",
    summary="Rechercher des tickets (au moins un critère)",
    tags=["Suivi"],
    responses=_LIST,
)
@tracer.capture_method
def search_tickets(
    user: User,
    ports: Wired,
    _checked: Annotated[None, Depends(known_query(SEARCH_PARAMS))],
    side: SideParam,
    tab: SearchTabParam = None,
    sort: SortParam = None,
    order: OrderParam = None,
    size: SizeParam = DEFAULT_PAGE_SIZE,
    cursor: CursorParam = None,
    page: PageParam = None,
    number: NumberParam = None,
    words: Text = None,
    category: Code = None,
    subcategory: Code = None,
    object_number: Code = None,
    created_from: CreatedParam = None,
    created_to: CreatedParam = None,
    emitter: SiretParam = None,
    recipient: RecipientParam = None,
    recipient_name: RecipientNameParam = None,
    recipient_service: Code = None,
    emitter_service: Code = None,
    created_by: UserIdParam = None,
    created_by_name: CreatorNameParam = None,
    status: StatusParam = None,
    assigned_to_me: AssignedParam = False,
) -> TicketPageView:
    ordering = Ordering(sort=sort and sort.value, direction=order and order.value, size=size, cursor=cursor, page=page)
    command = search_of(side, ordering, locals())
    return TicketPageView.of(following.search(ports, user, command))


@router.get(
    "/dashboard",
    summary="Tableau de bord : tickets par statut, par structure et par service",
    tags=["Suivi"],
    responses=documented(200, DashboardView, "Les compteurs de chaque organisation de l'utilisateur.", 401),
)
@tracer.capture_method
def get_dashboard(user: User, ports: Wired) -> DashboardView:
    return DashboardView(organisations=[OrganisationBoardView.of(b) for b in following.dashboard(ports, user)])
