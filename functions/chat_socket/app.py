"""The live chat's WebSocket routes: $disconnect, $default and the chat's actions (start, read, send, end,
feedback, transcript; availability, queue, take, handover), each frame answered on its socket, in French when
refused (``api/websocket.py``); what the others must see is pushed to their sockets (PostToConnection)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from chorus_desk import bootstrap
from chorus_desk.api.websocket import SocketHandler
from chorus_desk.observability import logger, metrics, tracer
from chorus_desk.settings import ChatSettings, load_settings

settings = load_settings(ChatSettings)
handler = SocketHandler()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handler(event, context)


bootstrap.on_snapshot(None, bootstrap.pusher)  # SnapStart: the clients built before the snapshot
