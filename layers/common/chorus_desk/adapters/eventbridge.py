"""The EventBridge adapter of the ``InvitationRequests`` port: a request to send an account's invitation again
is put on the desk's own bus (the template's ``DeskBus``), where a rule hands it to ``InvitationsFunction``,
the only function allowed to call Cognito for it.

``EventBridgePublisher`` puts the tickets' lifecycle events on the same bus (chorus_desk.usecases.ticket_events).

The resend request's detail carries the address the invitation goes to (the function needs it, and the pseudonym
cannot be reversed): an event stays inside the account, on a bus no one else can read, and is not logged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from chorus_desk import messages
from chorus_desk.adapters import boto
from chorus_desk.adapters.boto import BotoCoreError, ClientError, Config
from chorus_desk.errors import StorageUnavailable
from chorus_desk.observability import logger

SOURCE = "chorus-desk.assistant"  # what the rule matches (a custom source: "aws." is reserved)
RESEND_REQUESTED = "Invitation Resend Requested"


def resend_entry(bus_name: str, email: str) -> dict[str, str]:
    """The PutEvents entry of a resend request; ``InvitationsFunction`` reads the address in its detail."""
    return {
        "EventBusName": bus_name,
        "Source": SOURCE,
        "DetailType": RESEND_REQUESTED,
        "Detail": json.dumps({"email": email}),
    }


class EventBridgeInvitationRequests:
    def __init__(self, bus_name: str, client: Any | None = None) -> None:
        self._bus = bus_name
        config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=2, read_timeout=5)
        self._client = client or boto.client("events", config=config)

    def request_resend(self, email: str) -> None:
        try:
            answer = self._client.put_events(Entries=[resend_entry(self._bus, email)])
        except ClientError as exc:
            logger.error("resend request not queued", error=exc.response.get("Error", {}).get("Code"))
            raise StorageUnavailable(messages.INVITATIONS_UNAVAILABLE) from exc
        except BotoCoreError as exc:
            logger.error("resend request not queued", error=type(exc).__name__)
            raise StorageUnavailable(messages.INVITATIONS_UNAVAILABLE) from exc
        if answer.get("FailedEntryCount"):  # PutEvents answers 200 with the entries it refused
            codes = [e.get("ErrorCode") for e in answer.get("Entries", []) if e.get("ErrorCode")]
            logger.error("resend request not queued", error=",".join(str(c) for c in codes))
            raise StorageUnavailable(messages.INVITATIONS_UNAVAILABLE)


class EventBridgePublisher:
    """``EventPublisher`` (chorus_desk.usecases.ticket_events): one PutEvents call for at most ten entries.
    EventBridge answers 200 with the entries it refused (``ErrorCode``), in the order they were given."""

    def __init__(self, client: Any | None = None) -> None:
        config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=2, read_timeout=5)
        self._client = client or boto.client("events", config=config)

    def publish(self, entries: Sequence[Mapping[str, str]]) -> list[str | None]:
        if not entries:
            return []
        try:
            answer = self._client.put_events(Entries=[dict(e) for e in entries])
        except ClientError as exc:
            logger.error("ticket events not put", error=exc.response.get("Error", {}).get("Code"), count=len(entries))
            raise StorageUnavailable(messages.STORAGE_UNAVAILABLE) from exc
        except BotoCoreError as exc:
            logger.error("ticket events not put", error=type(exc).__name__, count=len(entries))
            raise StorageUnavailable(messages.STORAGE_UNAVAILABLE) from exc
        results = list(answer.get("Entries") or [])
        if len(results) != len(entries):  # not EventBridge's contract: count every entry as refused
            logger.error("ticket events answer malformed", count=len(entries), answered=len(results))
            return [None] * len(entries)
        refused = [r.get("ErrorCode") for r in results if r.get("ErrorCode") or not r.get("EventId")]
        if refused:
            logger.error("ticket events refused", errors=",".join(str(c) for c in refused), count=len(refused))
        return [None if r.get("ErrorCode") or not r.get("EventId") else str(r["EventId"]) for r in results]
