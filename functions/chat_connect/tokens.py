"""The IdTokens of the sockets, checked as API Gateway's Cognito authorizer checks them on the REST API: an RS256
signature by one of the pool's keys (its JWKS, read once and again only for a key id it does not know, at most
once a minute), the pool as issuer, the portal's app client as audience, not expired, an IdToken (``token_use``).
Only this function holds PyJWT and its RSA backend (requirements.txt)."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import jwt

from chorus_desk import messages
from chorus_desk.actors import Identity
from chorus_desk.api.http import identity_from_claims
from chorus_desk.errors import NotAuthenticated, StorageUnavailable

REFRESH_SECONDS = 60  # a key id never seen makes the keys be read again, at most this often


def fetch_keys(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=3) as reply:  # noqa: S310 (the pool's https address, or the local stack's)
        keys: dict[str, Any] = json.load(reply)
        return keys


class CognitoTokens:
    """``TokenVerifier`` of the user pool's IdTokens."""

    def __init__(
        self,
        issuer: str,
        client_id: str,
        keys_url: str,
        fetch: Callable[[str], dict[str, Any]] = fetch_keys,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._issuer = issuer
        self._client_id = client_id
        self._keys_url = keys_url
        self._fetch = fetch
        self._clock = clock
        self._keys: dict[str, Any] = {}
        self._read_at: float | None = None
        self._lock = threading.Lock()

    def _key(self, kid: str) -> Any:
        with self._lock:
            stale = self._read_at is None or self._clock() - self._read_at >= REFRESH_SECONDS
            if kid not in self._keys and stale:
                try:
                    document = self._fetch(self._keys_url)
                except (OSError, ValueError) as exc:
                    raise StorageUnavailable(messages.STORAGE_UNAVAILABLE) from exc
                self._keys = {k["kid"]: jwt.PyJWK(k).key for k in document.get("keys", []) if "kid" in k}
                self._read_at = self._clock()
            return self._keys.get(kid)

    def verify(self, token: str) -> Identity:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            key = self._key(str(kid)) if kid else None
            if key is None:
                raise NotAuthenticated(messages.CHAT_CONNECT_REFUSED)
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=self._client_id,
                issuer=self._issuer,
                options={"require": ["exp", "iat", "sub", "token_use"]},
            )
        except jwt.PyJWTError as exc:
            raise NotAuthenticated(messages.CHAT_CONNECT_REFUSED) from exc
        if claims.get("token_use") != "id":
            raise NotAuthenticated(messages.CHAT_CONNECT_REFUSED)
        return identity_from_claims(claims)
