"""Automatic closing (private: no API): run once a day by EventBridge Scheduler, it closes the tickets « Résolu »
whose emitter took no action for AUTO_CLOSE_DAYS days (``usecases.autoclose``), as the system caller.

The schedule hands the moment it was due (``{"scheduled_time": "<aws.scheduler.scheduled-time>"}``): a retried
invocation of one run decides on the same moment. Without it (an invocation by hand) the clock's now is used.
The local stack's ``make tick`` passes another moment to simulate time (``NOW=``, ``DAYS=``)."""

from datetime import datetime
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from chorus_desk import bootstrap
from chorus_desk.models import utc_now
from chorus_desk.observability import logger, metrics, tracer
from chorus_desk.settings import AutoCloseSettings, load_settings
from chorus_desk.usecases import autoclose

settings = load_settings(AutoCloseSettings)


def scheduled_time(event: dict[str, Any]) -> datetime:
    """The moment the run stands for: the schedule's (ISO 8601 with its zone), else now."""
    given = event.get("scheduled_time")
    if not given:
        return utc_now()
    moment = datetime.fromisoformat(str(given).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("scheduled_time must name its time zone (e.g. 2026-12-07T03:00:00Z)")
    return moment


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    run = autoclose.close_resolved(
        bootstrap.ports(),
        scheduled_time(event),
        settings.days,
        settings.page_size,
        time_left=lambda: context.get_remaining_time_in_millis() / 1000,
    )
    return run.summary()


bootstrap.on_snapshot()  # SnapStart: the clients built before the snapshot
