"""The in-process twin of the live chat's sockets (``ChatConnections``), under one lock."""

from __future__ import annotations

import threading

from chorus_desk.chats import Connection


class MemoryChatConnections:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connections: dict[str, Connection] = {}

    def open(self, connection: Connection) -> None:
        with self._lock:
            self._connections[connection.id] = connection

    def load(self, connection_id: str) -> Connection | None:
        with self._lock:
            return self._connections.get(connection_id)

    def join(self, connection_id: str, chat_id: str | None = None, queue: str | None = None) -> None:
        with self._lock:
            connection = self._connections.get(connection_id)
            if connection is None:  # closed meanwhile: nothing to note
                return
            self._connections[connection_id] = connection.model_copy(
                update={
                    "chats": connection.chats | ({chat_id} if chat_id else set()),
                    "queues": connection.queues | ({queue} if queue else set()),
                }
            )

    def close(self, connection_id: str) -> Connection | None:
        with self._lock:
            return self._connections.pop(connection_id, None)
