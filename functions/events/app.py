"""Events (private: no API): the consumer of the table's stream that publishes every history event of a ticket
on the desk's event bus, once, for integrators (docs/events/README.md).

The template's filter hands it the new history items only. A batch's events go out in PutEvents calls of at
most ten entries; a record whose event could not be put (the call failed, its entry refused, its journal held
by another consumer) is reported in ``batchItemFailures``, so that Lambda retries from it, and the journal makes
the records already published no-ops when they come again (chorus_desk.usecases.ticket_events).
"""

from typing import Any

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from chorus_desk import bootstrap
from chorus_desk.observability import logger, metrics, tracer
from chorus_desk.settings import TicketEventsSettings, load_settings
from chorus_desk.usecases.ticket_events import Record, publish

settings = load_settings(TicketEventsSettings)


def record_of(raw: dict[str, Any]) -> Record:
    """A stream record: its sequence number, and its new image when it is the insert of a history event."""
    record = DynamoDBRecord(raw)
    stream = record.dynamodb
    image = stream.new_image if stream else None
    event = record.event_name.name if record.event_name else None
    item = dict(image) if image and event == "INSERT" and image.get("entity") == "EVENT" else None
    return Record(str(stream.sequence_number if stream else ""), item)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], _context: LambdaContext) -> dict[str, list[dict[str, str]]]:
    records = [record_of(r) for r in event.get("Records") or []]
    failed = publish(records, bootstrap.event_publisher(), bootstrap.event_journal(), settings.desk_bus_name)
    logger.info("ticket events batch", records=len(records), failed=len(failed))
    return {"batchItemFailures": [{"itemIdentifier": sequence} for sequence in failed]}


# SnapStart: the clients built before the snapshot
bootstrap.on_snapshot(None, bootstrap.event_publisher, bootstrap.event_journal)
