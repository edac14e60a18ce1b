"""The live chat over HTTP for an anonymous visitor (no authorizer): the key is their assistant conversation's id,
as on the public assistant's routes; the per-address limits of what anyone may ask without an account."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from chorus_desk import bootstrap
from chorus_desk.api.http import create_app, prepare_event
from chorus_desk.api.routes import chat
from chorus_desk.observability import logger, metrics, tracer
from chorus_desk.settings import PublicChatSettings, load_settings

app = create_app(load_settings(PublicChatSettings))
app.include_router(chat.public_router)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(prepare_event(event), context)


bootstrap.on_snapshot(app, bootstrap.pusher)  # SnapStart: the clients and route models built before the snapshot
