"""Structures: « Activer / inactiver ma structure » — show, activate, start an inactivation, follow it."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from chorus_desk import bootstrap
from chorus_desk.api.http import create_app, prepare_event
from chorus_desk.api.routes import structures
from chorus_desk.observability import logger, metrics, tracer
from chorus_desk.settings import StructuresSettings, load_settings

app = create_app(load_settings(StructuresSettings))
app.include_router(structures.router)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(prepare_event(event), context)


bootstrap.on_snapshot(app)  # SnapStart: the clients and route models built before the snapshot
