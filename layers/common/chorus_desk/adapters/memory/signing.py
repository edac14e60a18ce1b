"""``SigningKey`` in memory: the twin of the Secrets Manager adapter."""

from __future__ import annotations


class FixedSigningKey:
    """The ``SigningKey`` twin: a fixed current key and, to play a rotation, the other keys still accepted."""

    def __init__(self, secret: bytes = b"memory-signing-key-for-tests-only", others: tuple[bytes, ...] = ()) -> None:
        self._secret = secret
        self._others = others

    def key(self) -> bytes:
        return self._secret

    def keys(self) -> tuple[bytes, ...]:
        return (self._secret, *(k for k in dict.fromkeys(self._others) if k != self._secret))
