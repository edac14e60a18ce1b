"""« Renvoyer le lien d'activation » in the tests: the requests the assistants handed over (an ``Api``'s
``resend_requests``) delivered to ``InvitationsFunction``'s real handler as EventBridge delivers them, with the
``Api``'s ``invitations`` as Cognito."""

from __future__ import annotations

import uuid
from typing import Any
from unittest import mock

from chorus_desk import bootstrap
from chorus_desk.adapters.eventbridge import resend_entry
from chorus_desk.adapters.memory.invitations import MemoryInvitationRequests
from local_stack import events
from local_stack.gateway import LambdaContext
from local_stack.template import handler_of
from tests.support import Api

FUNCTION = "InvitationsFunction"


def invoke(template: dict[str, Any], event: dict[str, Any]) -> str:
    """InvitationsFunction's handler on ``event``: what it did (``resent``, ``not waiting``, ``ignored``)."""
    result = handler_of(template, FUNCTION)(event, LambdaContext.of(template, FUNCTION))
    return str(result["outcome"])


def delivered(entry: dict[str, Any]) -> dict[str, Any]:
    """The event EventBridge delivers to the rule's target for a PutEvents ``entry``."""
    return events.put_event(entry, event_id=str(uuid.uuid4()), account="123456789012", region="eu-west-3")


def requested(api: Api) -> list[str]:
    """The addresses the assistants asked InvitationsFunction to send an invitation to, not delivered yet."""
    assert isinstance(api.resend_requests, MemoryInvitationRequests)
    return api.resend_requests.requested


def deliver(api: Api) -> list[str]:
    """Every request handed over so far, delivered in order; the outcomes."""
    requests = api.resend_requests
    assert isinstance(requests, MemoryInvitationRequests)
    outcomes = []
    with mock.patch.object(bootstrap, "invitations", return_value=api.invitations):
        while requests.requested:
            entry = resend_entry("chorus-desk-test", requests.requested.pop(0))
            outcomes.append(invoke(api.template, delivered(entry)))
    return outcomes
