"""Mail: the consumer of the table's stream that sends every mail of a ticket's life, the outcome of a
structure's inactivation, and a live chat's transcript asked at its end, through SES, once.

Each stream record of a new history event or of a finished operation (the template's filters let only those
through) is one item of a Powertools batch: a record whose mail could not leave (SES down) is reported as
failed, so Lambda retries from it (bounded, then the on-failure queue), while the journal makes the records
already mailed no-ops when the batch comes again.
"""

from collections.abc import Mapping
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from chorus_desk import bootstrap
from chorus_desk.observability import logger, metrics, tracer
from chorus_desk.settings import MailSettings, load_settings
from chorus_desk.usecases.mail import (
    MailKind,
    RecipientCap,
    StatusLinks,
    deliver_chat_transcript,
    deliver_event,
    deliver_operation,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"


class JinjaComposer:
    """The bodies of a mail from templates/<kind>.txt.j2 and .html.j2; HTML is autoescaped (a title with
    markup arrives as text), plain text is not (it is not HTML). Jinja2 is imported on the first mail,
    not when the function starts."""

    def __init__(self, folder: Path = TEMPLATES) -> None:
        self._folder = folder

    @cached_property
    def _environments(self) -> tuple[Any, Any]:
        from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

        loader = FileSystemLoader(self._folder)
        text = Environment(loader=loader, autoescape=False, undefined=StrictUndefined, trim_blocks=True)  # noqa: S701 - plain text
        html = Environment(
            loader=loader, autoescape=select_autoescape(["html.j2"]), undefined=StrictUndefined, trim_blocks=True
        )
        return text, html

    def compose(self, kind: MailKind, values: Mapping[str, Any]) -> tuple[str, str]:
        name = kind.value.lower()
        text, html = self._environments
        return text.get_template(f"{name}.txt.j2").render(values), html.get_template(f"{name}.html.j2").render(values)


settings = load_settings(MailSettings)
composer = JinjaComposer()
# A batch whose every record failed (SES down) is answered with the list of failures too, not raised: Lambda
# retries from the first one all the same, and an outage does not count as errors of the function.
processor = BatchProcessor(event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)


def status_links() -> StatusLinks:
    """The status links, signed with the key bootstrap caches (one cache: a test's fresh adapters renew it)."""
    return StatusLinks(bootstrap.signing_key(), settings.status_page_url, timedelta(days=settings.status_link_days))


def recipient_cap() -> RecipientCap:
    """The non-connected form's confirmations per recipient and day, counted under the pseudonym key (read
    from its secret only when such a mail is sent)."""
    return RecipientCap(bootstrap.pseudonym_key(), settings.mails_per_recipient_per_day)


def record_handler(record: DynamoDBRecord) -> None:
    """Dispatch on the new image's entity: a history event (on its insert only) or an operation; anything
    else is no mail (the template's filters already keep it out)."""
    image = record.dynamodb.new_image if record.dynamodb else None
    event = record.event_name.name if record.event_name else None
    entity = image.get("entity") if image else None
    if image and entity == "EVENT" and event == "INSERT":
        number, seq = int(image["number"]), int(image["seq"])
        deliver_event(bootstrap.ports(), bootstrap.mailer(), composer, status_links(), number, seq, recipient_cap())
    elif image and entity == "OPERATION" and event in ("INSERT", "MODIFY"):
        deliver_operation(bootstrap.ports(), bootstrap.mailer(), composer, str(image["id"]))  # mailed once finished
    elif image and entity == "CHAT_TRANSCRIPT" and event == "INSERT":
        chat_id = str(image["chat_id"])
        deliver_chat_transcript(
            bootstrap.ports(), bootstrap.mailer(), composer, chat_id, settings.assistant_name, recipient_cap()
        )


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)


bootstrap.on_snapshot(None, bootstrap.mailer)  # SnapStart: the clients built before the snapshot
