"""The live chat's reminder (private: no API): run every minute by EventBridge Scheduler, it tells each visitor
waiting longer than CHAT_WAITING_SECONDS, once, that they may leave the queue for the hand-over ticket
(``usecases.chat.remind_waiting``), through their sockets; the REST reader sees it in the chat's state.

The schedule's event says when the run was due (``time``): a retried invocation decides on that moment. The local
stack runs it every few seconds (local_stack/websocket.py)."""

from datetime import datetime
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from chorus_desk import bootstrap
from chorus_desk.api.websocket import context_of
from chorus_desk.models import utc_now
from chorus_desk.observability import logger, metrics, tracer
from chorus_desk.settings import ChatSettings, load_settings
from chorus_desk.usecases import chat

settings = load_settings(ChatSettings)


def scheduled_time(event: dict[str, Any]) -> datetime:
    """When the run was due: the schedule's event's ``time`` (EventBridge), else now."""
    given = event.get("time") or event.get("scheduled_time")
    if not given:
        return utc_now()
    moment = datetime.fromisoformat(str(given).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("scheduled_time must name its time zone (e.g. 2026-12-07T10:00:00Z)")
    return moment


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:  # noqa: ARG001 (Lambda's)
    ctx = context_of(bootstrap.ports(), bootstrap.pusher(), settings, scheduled_time(event))
    return {"told": chat.remind_waiting(ctx)}


bootstrap.on_snapshot(None, bootstrap.pusher)  # SnapStart: the clients built before the snapshot
