"""The Secrets Manager adapter of the ``SigningKey`` port: a key read on first use and kept for the execution
environment (``cache_seconds``), not fetched on every request.

A rotation keeps the links already mailed valid (docs/decisions.md, « Rotation of the status-link key »): the
key that signs is the secret's ``AWSCURRENT`` version; a signature is also accepted under ``AWSPENDING`` (a
new key announced before it signs, so that every execution environment knows it first) and ``AWSPREVIOUS``
(the key that signed until the last rotation). A stage the secret does not have is remembered as absent for
the same time as a key, so that a secret never rotated costs no call per request.

The secret is read with the SDK, not with Powertools parameters: their cache is keyed by the secret's name
only, so ``get_secret(name, VersionStage="AWSPREVIOUS")`` would answer the cached current value.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from chorus_desk import messages
from chorus_desk.adapters import boto
from chorus_desk.adapters.boto import BotoCoreError, ClientError, Config
from chorus_desk.errors import SecretUnavailable
from chorus_desk.observability import logger

CACHE_SECONDS = 3600
MIN_KEY_BYTES = 32
CURRENT, PENDING, PREVIOUS = "AWSCURRENT", "AWSPENDING", "AWSPREVIOUS"


class SecretSigningKey:
    def __init__(
        self,
        secret_name: str,
        client: Any | None = None,
        cache_seconds: float = CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._name = secret_name
        self._client = client
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._cached: dict[str, tuple[float, bytes | None]] = {}

    def key(self) -> bytes:
        current = self._stage(CURRENT)
        assert current is not None  # _fetch raises when the current stage is missing
        return current

    def keys(self) -> tuple[bytes, ...]:
        found = [self.key()]
        for stage in (PENDING, PREVIOUS):
            value = self._stage(stage)
            if value is not None and value not in found:
                found.append(value)
        return tuple(found)

    def _stage(self, stage: str) -> bytes | None:
        now = self._clock()
        cached = self._cached.get(stage)
        if cached is not None and now - cached[0] < self._cache_seconds:
            return cached[1]
        value = self._fetch(stage)
        self._cached[stage] = (now, value)
        return value

    def _fetch(self, stage: str) -> bytes | None:
        """The secret's value at ``stage``; ``None`` if the secret has no such stage (only the current one is
        required). Unreadable, or shorter than ``MIN_KEY_BYTES``: ``SecretUnavailable`` (a 503)."""
        if self._client is None:
            config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=2, read_timeout=5)
            self._client = boto.client("secretsmanager", config=config)
        try:
            reply = self._client.get_secret_value(SecretId=self._name, VersionStage=stage)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code == "ResourceNotFoundException" and stage != CURRENT:
                return None
            logger.error("signing key unreadable", stage=stage, error=code)
            raise SecretUnavailable(messages.STORAGE_UNAVAILABLE) from None
        except BotoCoreError as exc:
            logger.error("signing key unreadable", stage=stage, error=type(exc).__name__)
            raise SecretUnavailable(messages.STORAGE_UNAVAILABLE) from None
        text = reply.get("SecretString")
        secret = text.encode() if isinstance(text, str) else bytes(reply.get("SecretBinary") or b"")
        if len(secret) < MIN_KEY_BYTES:
            logger.error("signing key too short", stage=stage)
            raise SecretUnavailable(messages.STORAGE_UNAVAILABLE)
        return secret
