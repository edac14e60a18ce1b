"""Export routes: a tab or a search as a CSV or XLSX file, a ticket as a PDF (and its files, as a ZIP).

A small CSV is the answer itself (200, text/csv); anything else is written to the storage and answered with
``303 See Other`` to a short-lived link, never as a binary body through API Gateway. The XLSX and PDF
writer is a heavy library's: only the exports function has it, and it provides ``bootstrap.document_writer``.
"""

from functools import lru_cache
from typing import Annotated

from aws_lambda_powertools.event_handler import content_types
from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.request import Request

from chorus_desk import bootstrap, files
from chorus_desk.actors import SignedInUser
from chorus_desk.commands import ListTab, Ordering, SearchTickets
from chorus_desk.documents import ExportFormat
from chorus_desk.listing import DEFAULT_PAGE_SIZE, Tab
from chorus_desk.observability import tracer
from chorus_desk.ports import DocumentWriter, FileStorage, Ports
from chorus_desk.settings import ExportsSettings, load_settings
from chorus_desk.usecases import exports
from chorus_desk.usecases.exports import ExportLink

from ..http import error_responses, known_query, signed_in
from ..schemas.exports import ExportLinkView
from .following import (
    SEARCH_PARAMS,
    TAB_PARAMS,
    AssignedParam,
    Code,
    CreatedParam,
    CreatorNameParam,
    NumberParam,
    OrderParam,
    RecipientNameParam,
    RecipientParam,
    SideParam,
    SiretParam,
    SortParam,
    StatusParam,
    StructureParam,
    Text,
    UserIdParam,
    search_of,
)
from .tickets import TicketNumber

router = Router()  # type: ignore[no-untyped-call]


@lru_cache(maxsize=1)
def settings() -> ExportsSettings:
    return load_settings(ExportsSettings)


User = Annotated[SignedInUser, Depends(signed_in)]
Wired = Annotated[Ports, Depends(bootstrap.ports)]
Storage = Annotated[FileStorage, Depends(bootstrap.file_storage)]
Writer = Annotated[DocumentWriter, Depends(bootstrap.document_writer)]
Settings = Annotated[ExportsSettings, Depends(settings)]

FormatParam = Annotated[ExportFormat, Query(description="CSV (Excel, séparateur « ; ») ou XLSX.")]
ExportTabParam = Annotated[
    Tab | None,
    Query(
        description="Mode onglet : l'onglet à exporter (paramètres de GET /tickets). Avec des critères, ou sans "
        "onglet : mode recherche (paramètres et critères de GET /tickets/search, au moins un critère)."
    ),
]
FilesParam = Annotated[bool, Query(description="true : une archive ZIP du PDF et des pièces jointes disponibles.")]

# Each mode takes its list's parameters but the page's (size, cursor, page): an export holds every row.
TAB_EXPORT_PARAMS = (TAB_PARAMS - {"size", "cursor", "page"}) | {"format"}
SEARCH_EXPORT_PARAMS = (SEARCH_PARAMS - {"size", "cursor", "page"}) | {"format"}
_CRITERIA = frozenset(SearchTickets.CRITERIA) - {"assigned_to_me"}


def known_export_query(request: Request) -> None:
    """The parameters of the tab mode when ``tab`` is given without a search criterion, else those of the
    search mode: anything else is a 400 that lists them."""
    given = request.resolved_event.query_string_parameters or {}
    tab_mode = "tab" in given and not _CRITERIA & set(given)
    known_query(TAB_EXPORT_PARAMS if tab_mode else SEARCH_EXPORT_PARAMS)(request)


_LINK: OpenAPIResponse = {
    "description": "Le fichier est dans le stockage : l'en-tête Location (et le corps) donnent son lien, valable "
    "quelques minutes.",
    "headers": {"Location": {"description": "Le lien de téléchargement.", "schema": {"type": "string"}}},
    "content": {content_types.APPLICATION_JSON: {"model": ExportLinkView}},
}
_LINK_AS_JSON: OpenAPIResponse = {
    "description": "Avec « Accept: application/json » : le lien lui-même, sans redirection (pour une page web).",
    "content": {content_types.APPLICATION_JSON: {"model": ExportLinkView}},
}
_CSV: OpenAPIResponse = {
    "description": "Le CSV lui-même (UTF-8 avec BOM, « ; », dates jj/mm/aaaa), s'il est petit.",
    "headers": {"Content-Disposition": {"description": "attachment; filename=…", "schema": {"type": "string"}}},
    "content": {"text/csv": {"schema": {"type": "string"}}},
}


_CSV_OR_LINK: OpenAPIResponse = {
    "description": f"{_CSV['description']} {_LINK_AS_JSON['description']}",
    "headers": _CSV["headers"],
    "content": {**_CSV["content"], **_LINK_AS_JSON["content"]},
}


def wants_json(request: Request) -> bool:
    """Whether the client asked for the link itself (``Accept: application/json`` first): a web page, whose
    ``fetch`` cannot read a 303's answer nor follow it to the bucket with its own origin."""
    accept = (request.headers.get("accept") or request.headers.get("Accept") or "").split(",")[0]
    return accept.split(";")[0].strip().lower() == content_types.APPLICATION_JSON


WantsJson = Annotated[bool, Depends(wants_json)]


def _see_other(link: ExportLink, as_json: bool = False) -> Response[ExportLinkView | str]:
    if as_json:
        return Response(
            status_code=200,
            content_type=content_types.APPLICATION_JSON,
            body=ExportLinkView.of(link),
            headers={"Cache-Control": "no-store"},
        )
    return Response(
        status_code=303,
        content_type=content_types.APPLICATION_JSON,
        body=ExportLinkView.of(link),
        headers={"Location": link.url, "Cache-Control": "no-store"},
    )


@router.get(
    "/tickets/export",
    summary="Exporter un onglet ou une recherche (CSV, XLSX)",
    tags=["Suivi"],
    responses={200: _CSV_OR_LINK, 303: _LINK, **error_responses(400, 401)},
)
@tracer.capture_method
def export_tickets(
    user: User,
    ports: Wired,
    storage: Storage,
    writer: Writer,
    config: Settings,
    as_json: WantsJson,
    _checked: Annotated[None, Depends(known_export_query)],
    format: FormatParam,
    side: SideParam,
    tab: ExportTabParam = None,
    sort: SortParam = None,
    order: OrderParam = None,
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
    structure: StructureParam = None,
) -> Response[ExportLinkView | str]:
    ordering = Ordering(sort=sort and sort.value, direction=order and order.value, size=DEFAULT_PAGE_SIZE)
    listing: ListTab | SearchTickets
    given = dict(locals())
    if tab is not None and all(given[name] is None for name in _CRITERIA):
        listing = ListTab(
            side=side.value, tab=tab.value, ordering=ordering, assigned_to_me=assigned_to_me, structure=structure
        )
    else:
        listing = search_of(side, ordering, locals())
    command = exports.ExportTickets(format=format, listing=listing)
    result = exports.export_tickets(ports, storage, writer, user, command, config.inline_max_bytes)
    if isinstance(result, ExportLink):
        return _see_other(result, as_json)
    return Response(
        status_code=200,
        content_type=result.content_type,
        body=result.text,
        headers={
            "Content-Disposition": files.content_disposition(result.name),
            "Access-Control-Expose-Headers": "Content-Disposition",  # the portal names the file it saves
            "Cache-Control": "no-store",
        },
    )


@router.get(
    "/tickets/<number>/pdf",
    summary="Télécharger la fiche PDF d'un ticket (avec ses pièces jointes : une archive ZIP)",
    tags=["Suivi"],
    responses={200: _LINK_AS_JSON, 303: _LINK, **error_responses(400, 401, 404)},
)
@tracer.capture_method
def ticket_pdf(
    number: TicketNumber,
    user: User,
    ports: Wired,
    storage: Storage,
    writer: Writer,
    _checked: Annotated[None, Depends(known_query(frozenset({"attachments"})))],
    as_json: WantsJson,
    attachments: FilesParam = False,
) -> Response[ExportLinkView | str]:
    return _see_other(exports.ticket_pdf(ports, storage, writer, user, int(number), attachments), as_json)
