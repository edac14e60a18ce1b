"""Captcha answers: drawn from an alphabet without look-alikes, stored only as a salted hash, compared
case-insensitively and ignoring spaces, in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: what a person cannot tell apart in a distorted image or a recording.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 5
MAX_FAILURES = 3


def new_answer() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(answer: str) -> str:
    return "".join(answer.split()).upper()


def answer_hash(answer: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{normalise(answer)}".encode()).hexdigest()


def matches(answer: str, salt: str, expected_hash: str) -> bool:
    return hmac.compare_digest(answer_hash(answer, salt), expected_hash)
