"""``Conversations`` in memory."""

from __future__ import annotations

from chorus_desk import messages
from chorus_desk.adapters.memory.store import MemoryStore
from chorus_desk.errors import ConcurrentModification
from chorus_desk.models import Conversation


class MemoryConversations:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def load_conversation(self, conversation_id: str) -> Conversation | None:
        with self._store.lock:
            return self._store.conversations.get(conversation_id)

    def save_conversation(self, conversation: Conversation, expected_version: int | None) -> None:
        with self._store.lock:
            stored = self._store.conversations.get(conversation.id)
            if (stored.version if stored else None) != expected_version:
                raise ConcurrentModification(messages.CONVERSATION_CHANGED)
            self._store.conversations[conversation.id] = conversation
