"""The caller's account: profile and the organisations they act for (to choose an emitter structure)."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from chorus_desk import bootstrap
from chorus_desk.api.http import create_app, prepare_event
from chorus_desk.api.routes import account
from chorus_desk.observability import logger, metrics, tracer
from chorus_desk.settings import TableSettings, load_settings

app = create_app(load_settings(TableSettings))
app.include_router(account.router)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(prepare_event(event), context)


bootstrap.on_snapshot(app)  # SnapStart: the clients and route models built before the snapshot
