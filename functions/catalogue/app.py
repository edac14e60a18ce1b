"""The catalogue of categories and sub-categories: public, so that both forms (connected and not) are built from it."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from chorus_desk.api.http import create_app, error_responses
from chorus_desk.catalogue import Mode
from chorus_desk.observability import logger, metrics, tracer
from chorus_desk.schemas import CatalogueView

app = create_app()

CatalogueMode = Annotated[Mode, Query(description="CONNECTED (par défaut) ou ANONYMOUS (mode non connecté).")]


@app.get(
    "/catalogue",
    summary="Catégories et sous-catégories : acheminement et champs obligatoires",
    description="Public (sans jeton). En mode ANONYMOUS (non connecté), seules les sous-catégories qui ne "
    "demandent pas de désigner un destinataire sont proposées.",
    tags=["Catalogue"],
    responses=error_responses(400),
)
@tracer.capture_method
def get_catalogue(mode: CatalogueMode = Mode.CONNECTED) -> Response[CatalogueView]:
    return Response(
        status_code=200,
        content_type=content_types.APPLICATION_JSON,
        body=CatalogueView.of(mode),
        headers={"Cache-Control": "public, max-age=300"},
    )


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
