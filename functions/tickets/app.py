"""Tickets: creation, drafts, the lifecycle actions of both sides (emitter and recipient), attachments, and
following them: tabs, search, dashboard."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from chorus_desk import bootstrap
from chorus_desk.api.http import create_app, prepare_event
from chorus_desk.api.routes import attachments, following, tickets
from chorus_desk.observability import logger, metrics, tracer
from chorus_desk.settings import TicketsSettings, load_settings

app = create_app(load_settings(TicketsSettings))
app.include_router(tickets.router)
app.include_router(attachments.router)
app.include_router(following.router)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(prepare_event(event), context)


bootstrap.on_snapshot(app)  # SnapStart: the clients and route models built before the snapshot
