"""The template's schedules, run on demand: `make tick` (``python -m local_stack tick``) asks the running stack
(``POST /_local/tick``) to invoke each function a `ScheduleV2` event of template.yaml runs (the automatic
closing), in-process, with the input EventBridge Scheduler would give it. Nothing runs by itself on a clock here:
the local stack's time is the test's or the user's to choose.

The moment the run stands for is ``<aws.scheduler.scheduled-time>``: now, or ``now=`` (ISO 8601 with its zone),
or ``days=`` days after now, to see what the schedule does once time has passed (« Résolu » for 15 days, say)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"


class TickError(ValueError):
    """``now`` / ``days`` cannot say which moment to simulate (one line for the caller)."""


@dataclass(frozen=True)
class Schedule:
    function: str
    event: str  # the event's name in the function's Events
    expression: str
    input: str | None

    def payload(self, moment: datetime) -> dict[str, Any]:
        """The function's event as Scheduler builds it from the input's context attributes."""
        if not self.input:
            return {}
        stamp = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        loaded: dict[str, Any] = json.loads(self.input.replace(SCHEDULED_TIME, stamp))
        return loaded


def schedules(template: dict[str, Any]) -> list[Schedule]:
    """Every `ScheduleV2` event of the template's functions."""
    found = []
    for name, spec in template["Resources"].items():
        if spec["Type"] != "AWS::Serverless::Function":
            continue
        for event_name, event in (spec["Properties"].get("Events") or {}).items():
            if event["Type"] == "ScheduleV2":
                props = event["Properties"]
                found.append(Schedule(name, event_name, str(props["ScheduleExpression"]), props.get("Input")))
    return found


def moment_of(now: str | None, days: str | None, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> datetime:
    """The simulated moment: ``now`` if given (with its zone), else the clock's; then ``days`` days later."""
    moment = clock()
    if now:
        try:
            moment = datetime.fromisoformat(now.replace("Z", "+00:00"))
        except ValueError:
            raise TickError(f"now={now!r} is not an ISO 8601 moment (e.g. 2027-01-15T03:00:00Z)") from None
        if moment.tzinfo is None:
            raise TickError(f"now={now!r} must name its time zone (e.g. 2027-01-15T03:00:00Z or +01:00)")
    if days:
        try:
            moment += timedelta(days=float(days))
        except (ValueError, OverflowError):
            raise TickError(f"days={days!r} is not a number of days") from None
    return moment


def tick(
    template: dict[str, Any],
    moment: datetime,
    handler_of: Callable[[str], Any],
    lock_of: Callable[[str], threading.Lock],
    context_of: Callable[[str], Any],
) -> list[dict[str, Any]]:
    """Run every schedule once, as due at ``moment``: each function's handler in-process, one invocation at a time
    per function (as one execution environment); what each returned."""
    ran = []
    for schedule in schedules(template):
        with lock_of(schedule.function):
            result = handler_of(schedule.function)(schedule.payload(moment), context_of(schedule.function))
        ran.append({"function": schedule.function, "schedule": schedule.expression, "result": result})
    return ran
