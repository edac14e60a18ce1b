"""Keyed pseudonyms: what the desk counts per address (an IP address for the rate limits, an e-mail address
for the invitations sent again, a recipient address for the anonymous form's mails) is stored as an HMAC of
the address under a secret key (the template's ``PseudonymSecret``), never as the address itself nor as an
unkeyed hash (SHA-256 of every IPv4 address is computed in minutes, so an unkeyed hash is reversible).

``purpose`` separates the uses: the same address gives unrelated pseudonyms for two purposes, so one
table item cannot be joined to another through it.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

PSEUDONYM_CHARS = 32  # 128 bits of HMAC-SHA256: no collision in any table this desk will hold


def normalise(value: str) -> str:
    """One spelling per address: NFC, trimmed, lower case (e-mail domains and IPv6 are case-insensitive;
    local parts are treated so too, as Cognito does for this pool's usernames)."""
    return unicodedata.normalize("NFC", value).strip().lower()


def pseudonym(key: bytes, purpose: str, value: str) -> str:
    """The keyed pseudonym of ``value`` for ``purpose``: hex, ``PSEUDONYM_CHARS`` long."""
    if not purpose or ":" in purpose:
        raise ValueError("purpose must be a non-empty name without ':'")
    message = f"{purpose}:{normalise(value)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:PSEUDONYM_CHARS]
