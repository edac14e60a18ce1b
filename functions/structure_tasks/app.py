"""The inactivation state machine's tasks (statemachines/inactivate_structure.asl.json): each runs one step of
``usecases.structures`` as the system caller. A refusal raises the domain exception whose class name is the
machine's named error (Lambda reports it as ``errorType``); the machine catches it, records the outcome and
ends in a Fail state with the French message as its cause."""

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from chorus_desk import bootstrap
from chorus_desk.observability import logger, metrics, tracer
from chorus_desk.settings import StructureTasksSettings, load_settings
from chorus_desk.usecases import structures
from chorus_desk.usecases.structures import Step

settings = load_settings(StructureTasksSettings)

TASKS: dict[str, Callable[[dict[str, Any], Step], dict[str, Any]]] = {
    "check_requester": lambda _event, step: structures.check_requester(bootstrap.ports(), step),
    "look_up_sirene": lambda _event, step: structures.look_up_registry(bootstrap.registry(), step),
    "check_takeover": lambda _event, step: structures.check_takeover(bootstrap.ports(), step),
    "move_batch": lambda event, step: structures.move_batch(
        bootstrap.ports(), step, int(event.get("batch_size") or settings.move_batch_size)
    ),
    "inactivate": lambda _event, step: structures.inactivate(bootstrap.ports(), step),
    "record_outcome": lambda event, step: structures.record_outcome(
        bootstrap.ports(), step, str(event["outcome"]), event.get("failure")
    ),
}


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:  # noqa: ARG001
    task = TASKS.get(str(event.get("task")))
    if task is None:
        raise ValueError(f"unknown task {event.get('task')!r}")
    step = Step.of(event)
    logger.append_keys(task=event["task"], operation_id=step.operation_id)
    return task(event, step)


bootstrap.on_snapshot()  # SnapStart: the clients built before the snapshot
