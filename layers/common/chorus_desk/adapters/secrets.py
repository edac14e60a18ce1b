"""The Secrets Manager adapter of the ``SigningKey`` port, through Powertools parameters: the secret is read
on first use and cached for the execution environment (``max_age``), not fetched on every request."""

from __future__ import annotations

from aws_lambda_powertools.utilities import parameters
from botocore.exceptions import BotoCoreError, ClientError

from chorus_desk import messages
from chorus_desk.errors import SecretUnavailable

CACHE_SECONDS = 3600


class SecretSigningKey:
    def __init__(self, secret_name: str) -> None:
        self._name = secret_name

    def key(self) -> bytes:
        try:
            value = parameters.get_secret(self._name, max_age=CACHE_SECONDS)
        except (parameters.exceptions.GetParameterError, ClientError, BotoCoreError) as exc:
            raise SecretUnavailable(messages.STORAGE_UNAVAILABLE) from exc
        secret = value.encode() if isinstance(value, str) else bytes(value)
        if len(secret) < 32:
            raise SecretUnavailable(messages.STORAGE_UNAVAILABLE)
        return secret
