"""Invitations (private: no API): told by the desk's event bus that someone asked the assistant for an
activation link again, it sends the account's invitation again through Cognito if the account waits for
activation, and does nothing otherwise. The only function with Cognito rights (AdminGetUser, AdminCreateUser):
the assistants, one of them open to anyone, ask it rather than hold them."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from chorus_desk import bootstrap
from chorus_desk.adapters.eventbridge import RESEND_REQUESTED
from chorus_desk.observability import logger, metrics, tracer
from chorus_desk.settings import InvitationsSettings, load_settings
from chorus_desk.usecases import invitations

load_settings(InvitationsSettings)  # validated at cold start: the pool's id is read by bootstrap.invitations()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], _context: LambdaContext) -> dict[str, str]:
    if event.get("detail-type") != RESEND_REQUESTED:
        outcome = invitations.Outcome.IGNORED
    else:
        outcome = invitations.resend(bootstrap.invitations(), (event.get("detail") or {}).get("email"))
    logger.info("invitation event", outcome=outcome.value)  # nothing of the address
    return {"outcome": outcome.value}


bootstrap.on_snapshot(None, bootstrap.invitations)  # SnapStart: the clients built before the snapshot
