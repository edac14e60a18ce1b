"""The public catalogue of categories and sub-categories, with routing and mandatory fields."""

from typing import Annotated

from aws_lambda_powertools.event_handler import content_types
from aws_lambda_powertools.event_handler.api_gateway import Response, Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from chorus_desk.catalogue import Mode
from chorus_desk.observability import tracer

from ..http import documented
from ..schemas.catalogue import CatalogueView

router = Router()  # type: ignore[no-untyped-call]

CatalogueMode = Annotated[Mode, Query(description="CONNECTED (par défaut) ou ANONYMOUS (mode non connecté).")]


@router.get(
    "/catalogue",
    summary="Catégories et sous-catégories : acheminement et champs obligatoires",
    description="Public (sans jeton). En mode ANONYMOUS (non connecté), seules les sous-catégories qui ne "
    "demandent pas de désigner un destinataire sont proposées.",
    tags=["Catalogue"],
    responses=documented(200, CatalogueView, "Le catalogue du mode demandé.", 400),
)
@tracer.capture_method
def get_catalogue(mode: CatalogueMode = Mode.CONNECTED) -> Response[CatalogueView]:
    return Response(
        status_code=200,
        content_type=content_types.APPLICATION_JSON,
        body=CatalogueView.of(mode),
        headers={"Cache-Control": "public, max-age=300"},
    )
