"""The table's key layout: every partition key, sort key and secondary-index key the DynamoDB adapters write.

One table holds everything (docs/decisions.md explains the design); every read is a GetItem or a Query on
one of these partitions, never a Scan.

=====================================  ===================================  ==============================
partition (``PK``)                     sort key (``SK``)                    index keys
=====================================  ===================================  ==============================
``TICKET#<n>``                         ``TICKET``, ``EVENT#<seq>``,         GSI1 ``EMITTER#<siret>`` or
                                       ``DELETED`` (a delete's tombstone)   ``CREATOR#<sub>`` / number;
                                                                            GSI2 ``AUTOCLOSE`` (``closing``)
``COUNTER#TICKET``                     ``COUNTER``                          the next ticket number
``ROWS#<n>``                           ``E`` | ``R`` | ``A``                ``LPK`` (``listing``): five
                                                                            sparse list indexes
``COUNTS#<kind>#<owner>``              ``ALL``, ``SERVICE#<code>``          (``listing.counts_partition``)
``USER#<sub>``                         ``PROFILE``, ``MEMBER#<org>``        GSI1 ``MEMBERS#<org>`` / user
``STRUCTURE#<siret>``                  ``PROFILE``, ``SERVICE#<code>``
``DIR#<kind>#<bucket>``                ``<term>#<siret>``                   (``directory.partition``)
``TEAM#<id>``                          ``PROFILE``
``PAYMENTS#<emitter>``                 ``<TYPE>#<number>``                  GSI1 ``PAYMENTS_TO#STRUCTURE#…``
``OPERATION#<id>``                     ``OPERATION``
``LOCK#STRUCTURE#<siret>``             ``LOCK``
``CONVERSATION#<id>``                  ``CONVERSATION``
``SATISFACTION#<yyyy-mm>``             ``<yyyy-mm-dd>``
``CAPTCHA#<id>``                       ``CHALLENGE``
``RATE#<key>``                         ``COUNTER``
``INVITATION#<pseudonym>``             ``DAY#<yyyy-mm-dd>``
``MAIL#<key>``, ``PUBLISHED#<id>``     ``MAIL``, ``PUBLISHED``
=====================================  ===================================  ==============================
"""

from __future__ import annotations

from datetime import date

from chorus_desk import closing, listing
from chorus_desk.models import ObjectType, OrgRef, PaymentRequest, Ticket

TICKET_SK = "TICKET"
DELETED_SK = "DELETED"  # a deleted ticket's tombstone: which transaction deleted it (expires after a day)
EVENT_PREFIX = "EVENT#"
PROFILE_SK = "PROFILE"
MEMBER_PREFIX = "MEMBER#"
SERVICE_PREFIX = "SERVICE#"
USER_PREFIX = "USER#"
COUNTER_KEY = {"PK": "COUNTER#TICKET", "SK": "COUNTER"}


def ticket_pk(number: int) -> str:
    return f"TICKET#{number}"


def event_sk(seq: int) -> str:
    return f"{EVENT_PREFIX}{seq:06d}"


def _sortable_number(number: int) -> str:
    return f"TICKET#{number:010d}"


def ticket_index_keys(ticket: Ticket) -> dict[str, str]:
    """Secondary-index keys of a ticket: GSI1 lists the emitter side; GSI2 lists the resolved tickets, oldest
    resolution first, for the automatic closing (``chorus_desk.closing``): a sparse key the ticket item has only
    while it is « Résolu ». Every write puts the whole item, so the key goes in the same transaction as the
    status change that takes the ticket out of « Résolu »."""
    keys: dict[str, str] = {}
    if ticket.content.emitter_siret:
        keys["GSI1PK"] = f"EMITTER#{ticket.content.emitter_siret}"
    else:  # a draft with no structure yet belongs to its creator only
        keys["GSI1PK"] = f"CREATOR#{ticket.created_by.id}"
    keys["GSI1SK"] = _sortable_number(ticket.number)
    waiting = closing.index_value(ticket)
    if waiting is not None:
        keys["GSI2PK"] = closing.PARTITION
        keys["GSI2SK"] = waiting
    return keys


def row_key(number: int, kind: listing.RowKind) -> dict[str, str]:
    """A ticket's list row for one follower (``listing``): ``ROWS#<n>`` / ``E`` | ``R`` | ``A``."""
    return {"PK": f"ROWS#{number}", "SK": kind.value}


def user_pk(user_id: str) -> str:
    return f"{USER_PREFIX}{user_id}"


def member_sk(org: OrgRef) -> str:
    return f"{MEMBER_PREFIX}{org.key}"


def members_pk(org: OrgRef) -> str:
    """GSI1's partition of an organisation's members (``GSI1SK``: ``user_pk`` of each)."""
    return f"MEMBERS#{org.key}"


def structure_pk(siret: str) -> str:
    return f"STRUCTURE#{siret}"


def service_sk(code: str) -> str:
    return f"{SERVICE_PREFIX}{code}"


def team_pk(team_id: str) -> str:
    return f"TEAM#{team_id}"


def payment_key(emitter_siret: str, object_type: ObjectType, number: str) -> dict[str, str]:
    """A payment request is identified by its emitter, its type and the emitter's number."""
    return {"PK": f"PAYMENTS#{emitter_siret}", "SK": f"{object_type.value}#{number}"}


def payments_to_pk(siret: str) -> str:
    """GSI1's partition of the payment requests addressed to a structure."""
    return f"PAYMENTS_TO#STRUCTURE#{siret}"


def payments_to_sk(payment: PaymentRequest) -> str:
    return f"{payment.object_type.value}#{payment.emitter_siret}#{payment.number}"


def operation_key(operation_id: str) -> dict[str, str]:
    return {"PK": f"OPERATION#{operation_id}", "SK": "OPERATION"}


def lock_key(siret: str) -> dict[str, str]:
    return {"PK": f"LOCK#STRUCTURE#{siret}", "SK": "LOCK"}


def conversation_key(conversation_id: str) -> dict[str, str]:
    return {"PK": f"CONVERSATION#{conversation_id}", "SK": "CONVERSATION"}


def satisfaction_pk(month: date) -> str:
    """A month's partition of the satisfaction counters (one item per day, ``SK`` the ISO date)."""
    return f"SATISFACTION#{month:%Y-%m}"


def captcha_key(challenge_id: str) -> dict[str, str]:
    return {"PK": f"CAPTCHA#{challenge_id}", "SK": "CHALLENGE"}


def rate_key(key: str) -> dict[str, str]:
    return {"PK": f"RATE#{key}", "SK": "COUNTER"}


def invitation_resend_key(pseudonym: str, day: date) -> dict[str, str]:
    return {"PK": f"INVITATION#{pseudonym}", "SK": f"DAY#{day.isoformat()}"}


def journal_key(prefix: str, key: str) -> dict[str, str]:
    """A journal's record: ``MAIL#<key>`` / ``MAIL`` for the mails, ``PUBLISHED#<event id>`` / ``PUBLISHED``
    for the lifecycle events."""
    return {"PK": f"{prefix}#{key}", "SK": prefix}


# The live chat (adapters/dynamodb/chat.py, chat_connections.py)
SESSION_SK = "SESSION"
TRANSCRIPT_SK = "TRANSCRIPT"
CONNECTION_SK = "CONNECTION"
WAIT_PARTITION = "CHATWAIT"  # GSI2: the chats waiting and not yet offered the ticket, all queues
CONNECTION_PREFIX = "CONN#"


def chat_pk(chat_id: str) -> str:
    return f"CHAT#{chat_id}"


def message_sk(seq: int) -> str:
    return f"MSG#{seq:08d}"


def queue_pk(queue: str) -> str:
    return f"CHATQUEUE#{queue}"


def seat_pk(queue: str) -> str:
    return f"CHATDESK#{queue}"


def connection_key(connection_id: str) -> dict[str, str]:
    return {"PK": f"{CONNECTION_PREFIX}{connection_id}", "SK": CONNECTION_SK}
