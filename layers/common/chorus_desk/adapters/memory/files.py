"""``FileStorage`` in memory: the twin of the S3 adapter."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime

from chorus_desk.ports import UploadForm


class MemoryFiles:
    """``FileStorage`` in a dict. ``put`` is the client's upload through the form (nothing is enforced, as
    with moto); ``read`` and ``keys`` show what is stored."""

    def __init__(self) -> None:
        self._objects: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def upload_form(self, key: str, content_type: str, size: int, expires_at: datetime) -> UploadForm:
        fields = {"key": key, "Content-Type": content_type, "content-length-range": f"{size},{size}"}
        return UploadForm("memory://attachments", fields, expires_at)

    def put(self, key: str, data: bytes) -> None:
        with self._lock:
            self._objects[key] = data

    def read(self, key: str) -> bytes | None:
        with self._lock:
            return self._objects.get(key)

    def keys(self) -> list[str]:
        with self._lock:
            return sorted(self._objects)

    def size_of(self, key: str) -> int | None:
        data = self.read(key)
        return None if data is None else len(data)

    def first_bytes(self, key: str, count: int) -> bytes:
        return (self.read(key) or b"")[:count]

    def move(self, source: str, target: str) -> None:
        with self._lock:
            self._objects[target] = self._objects.pop(source)

    def delete(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                self._objects.pop(key, None)

    def delete_prefix(self, prefix: str) -> None:
        self.delete([k for k in self.keys() if k.startswith(prefix)])

    def download_link(self, key: str, disposition: str, content_type: str, expires_at: datetime) -> str:
        expires = int(expires_at.timestamp())
        return f"memory://attachments/{key}?disposition={disposition}&type={content_type}&expires={expires}"

    def write(self, key: str, data: bytes, content_type: str, disposition: str) -> None:  # noqa: ARG002
        self.put(key, data)  # the type and the disposition are S3 metadata: not kept in memory
