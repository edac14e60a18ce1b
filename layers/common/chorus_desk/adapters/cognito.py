"""The Cognito adapter of the ``Invitations`` port: sends an account's invitation (its activation link)
again, for the assistant's « je ne trouve pas le mail avec le lien pour activer mon compte ». Used only by the
private ``InvitationsFunction``: the assistants hand it the request (``adapters.eventbridge``)."""

from __future__ import annotations

from typing import Any

from chorus_desk import messages
from chorus_desk.adapters import boto
from chorus_desk.adapters.boto import BotoCoreError, ClientError, Config
from chorus_desk.errors import StorageUnavailable
from chorus_desk.observability import logger

WAITING = "FORCE_CHANGE_PASSWORD"  # an invited account that never signed in
# What Cognito answers when there is nothing to resend: no such account, or one no longer waiting (it was
# activated between AdminGetUser and the RESEND: Cognito refuses to resend to a confirmed account).
NOTHING_TO_RESEND = {"UserNotFoundException", "UnsupportedUserStateException"}


class CognitoInvitations:
    def __init__(self, user_pool_id: str, client: Any | None = None) -> None:
        self._pool = user_pool_id
        config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=2, read_timeout=5)
        self._client = client or boto.client("cognito-idp", config=config)

    def resend(self, email: str) -> bool:
        try:
            user = self._client.admin_get_user(UserPoolId=self._pool, Username=email)
            if user.get("UserStatus") != WAITING or not user.get("Enabled", True):
                return False  # active already, or disabled: nothing to resend
            self._client.admin_create_user(
                UserPoolId=self._pool, Username=email, MessageAction="RESEND", DesiredDeliveryMediums=["EMAIL"]
            )
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code in NOTHING_TO_RESEND:
                return False
            logger.error("invitation not resent", error=code)
            raise StorageUnavailable(messages.INVITATIONS_UNAVAILABLE) from exc
        except BotoCoreError as exc:
            logger.error("invitation not resent", error=type(exc).__name__)
            raise StorageUnavailable(messages.INVITATIONS_UNAVAILABLE) from exc
        return True
