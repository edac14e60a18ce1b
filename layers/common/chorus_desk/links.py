"""The signed, read-only status link of a non-connected ticket: ``<number>.<expiry>.<signature>``, where
the signature is an HMAC-SHA256 of the number and the expiry (Unix seconds) under the desk's signing key.

Whoever holds the link sees that ticket, and nothing else, until it expires; a link with another number,
another expiry or a signature that does not match is worth nothing (and says nothing about why). A link is
checked against every key still accepted (the current one, and the ones of a rotation under way), so that a
rotation does not break the links already mailed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Sequence
from datetime import datetime

_TOKEN = re.compile(r"^([1-9][0-9]{0,9})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$")


def _signature(key: bytes, number: int, expires: int) -> str:
    digest = hmac.new(key, f"status:{number}:{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign(key: bytes, number: int, expires_at: datetime) -> str:
    expires = int(expires_at.timestamp())
    return f"{number}.{expires}.{_signature(key, number, expires)}"


def verify(keys: Sequence[bytes], token: str, now: datetime) -> int | None:
    """The ticket number the token was signed for, if it is well formed, authentic under one of ``keys`` and
    not expired."""
    found = _TOKEN.match(token)
    if found is None:
        return None
    number, expires, signature = int(found.group(1)), int(found.group(2)), found.group(3)
    matches = [hmac.compare_digest(_signature(key, number, expires), signature) for key in keys]  # each key tried
    if not any(matches):
        return None
    if expires <= now.timestamp():
        return None
    return number
