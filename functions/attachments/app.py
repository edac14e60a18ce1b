"""Attachments check: told by EventBridge that S3 stored an upload (or that GuardDuty scanned a file), it
keeps the file on its ticket if it is what was declared, or deletes it and says why on the ticket."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from chorus_desk import bootstrap
from chorus_desk.actors import SystemActor
from chorus_desk.observability import logger, metrics, tracer
from chorus_desk.settings import FilesSettings, TableSettings, load_settings
from chorus_desk.usecases import attachments

load_settings(TableSettings)  # validated at cold start: the table's name is read by bootstrap.ports()
files_settings = load_settings(FilesSettings)
SYSTEM = SystemActor(name="desk")
CLEAN = "NO_THREATS_FOUND"


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], _context: LambdaContext) -> dict[str, str]:
    detail = event.get("detail") or {}
    kind = event.get("detail-type")
    if kind == "Object Created":
        key = str(detail.get("object", {}).get("key", ""))
        outcome = attachments.check_upload(
            bootstrap.ports(), bootstrap.file_storage(), SYSTEM, key, files_settings.malware_scanning
        )
    elif kind == "GuardDuty Malware Protection Object Scan Result":
        key = str(detail.get("s3ObjectDetails", {}).get("objectKey", ""))
        clean = detail.get("scanResultDetails", {}).get("scanResultStatus") == CLEAN
        outcome = attachments.record_scan(bootstrap.ports(), bootstrap.file_storage(), SYSTEM, key, clean)
    else:
        outcome = "ignored"
    logger.info("attachment event", detail_type=kind, outcome=outcome)
    return {"outcome": outcome}


bootstrap.on_snapshot(None, bootstrap.file_storage)  # SnapStart: the clients built before the snapshot
