"""In-process adapters of the ports: the same behaviour as the DynamoDB ones (conditional writes, one
winner per race, no number taken twice), kept in dictionaries under one lock. For fast tests and tools;
``tests/test_ports_contract.py`` holds both implementations to the same assertions.

The modules mirror ``adapters.dynamodb`` (one per port; ``store`` the in-memory "table" in place of
``table`` and ``keys``), with the twins of the other AWS adapters beside them (``files``, ``mailer``,
``signing``, ``invitations``).
"""

from __future__ import annotations

from chorus_desk.adapters.idempotency import MemoryIdempotencyRecords
from chorus_desk.adapters.memory.conversations import MemoryConversations
from chorus_desk.adapters.memory.directory import MemoryDirectory
from chorus_desk.adapters.memory.lists import MemoryLists
from chorus_desk.adapters.memory.mail_journal import MemoryMailJournal
from chorus_desk.adapters.memory.operations import MemoryOperations
from chorus_desk.adapters.memory.payments import MemoryPayments
from chorus_desk.adapters.memory.public import MemoryCaptchas, MemoryInvitationResends, MemoryRateLimits
from chorus_desk.adapters.memory.reference import MemoryReference
from chorus_desk.adapters.memory.satisfaction import MemorySatisfaction
from chorus_desk.adapters.memory.store import MemoryStore
from chorus_desk.adapters.memory.tickets import MemoryTickets
from chorus_desk.ports import Ports

__all__ = ["memory_ports"]


def memory_ports(store: MemoryStore | None = None) -> Ports:
    store = store or MemoryStore()
    return Ports(
        tickets=MemoryTickets(store),
        lists=MemoryLists(store),
        operations=MemoryOperations(store),
        conversations=MemoryConversations(store),
        satisfaction=MemorySatisfaction(store),
        chats=store.chats,
        chat_connections=store.chat_connections,
        directory=MemoryDirectory(store),
        payments=MemoryPayments(store),
        reference=MemoryReference(store),
        captchas=MemoryCaptchas(store),
        rate_limits=MemoryRateLimits(store),
        invitation_resends=MemoryInvitationResends(store),
        mail_journal=MemoryMailJournal(store),
        idempotency=MemoryIdempotencyRecords(),
    )
