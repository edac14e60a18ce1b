"""The DynamoDB adapters of the ports: one table holds tickets, their history, their list rows and counters, the
ticket counter and the reference data (users, memberships, structures, services, teams, payment requests).

One module per port (``tickets``, ``lists``, ``directory``, ``payments``, ``reference``, ``operations``,
``conversations``, ``satisfaction``, ``public`` for the public routes' brakes, ``mail_journal``); the key
layout in ``keys``, the table wrapper (client, serializer, errors, transactions) in ``table``, the only module
of the package that talks to AWS (boto3 through ``adapters.boto``, botocore's errors).
Every read is a GetItem or a Query, never a Scan.
"""

from __future__ import annotations

from typing import Any

from chorus_desk.adapters.dynamodb.chat import DynamoChats
from chorus_desk.adapters.dynamodb.chat_connections import DynamoChatConnections
from chorus_desk.adapters.dynamodb.conversations import DynamoConversations
from chorus_desk.adapters.dynamodb.directory import DynamoDirectory
from chorus_desk.adapters.dynamodb.lists import DynamoLists
from chorus_desk.adapters.dynamodb.mail_journal import DynamoMailJournal
from chorus_desk.adapters.dynamodb.operations import DynamoOperations
from chorus_desk.adapters.dynamodb.payments import DynamoPayments
from chorus_desk.adapters.dynamodb.public import DynamoCaptchas, DynamoInvitationResends, DynamoRateLimits
from chorus_desk.adapters.dynamodb.reference import DynamoReference
from chorus_desk.adapters.dynamodb.satisfaction import DynamoSatisfaction
from chorus_desk.adapters.dynamodb.table import Table, client
from chorus_desk.adapters.dynamodb.tickets import DynamoTickets
from chorus_desk.adapters.idempotency import DynamoIdempotencyRecords
from chorus_desk.ports import Ports

__all__ = ["dynamodb_ports"]


def dynamodb_ports(table_name: str, dynamodb_client: Any | None = None) -> Ports:
    table = Table(dynamodb_client or client(), table_name)
    return Ports(
        tickets=DynamoTickets(table),
        lists=DynamoLists(table),
        operations=DynamoOperations(table),
        conversations=DynamoConversations(table),
        satisfaction=DynamoSatisfaction(table),
        chats=DynamoChats(table),
        chat_connections=DynamoChatConnections(table),
        directory=DynamoDirectory(table),
        payments=DynamoPayments(table),
        reference=DynamoReference(table),
        captchas=DynamoCaptchas(table),
        rate_limits=DynamoRateLimits(table),
        invitation_resends=DynamoInvitationResends(table),
        mail_journal=DynamoMailJournal(table),
        idempotency=DynamoIdempotencyRecords(table.client, table_name),
    )
