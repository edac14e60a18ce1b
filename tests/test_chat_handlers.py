"""The WebSocket API's handlers, called as API Gateway calls them (the template's functions, their events): a socket
opens with a valid IdToken or a visitor's live conversation and with nothing else; frames that cannot be read are
answered in French, the socket kept and nothing stored; the whole exchange of both sides over frames; a closed
socket's agent gives the chat back; the reminder's schedule. On DynamoDB (moto), the pushes through the real
management API adapter (moto records what each socket was posted) or the in-memory pusher where frames are counted.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chorus_desk import bootstrap, messages
from chorus_desk.adapters.apigateway import ApiGatewayPusher, management_endpoint
from chorus_desk.adapters.memory.chat import MemoryPusher
from chorus_desk.chats import SUPPORT_QUEUE, ChatState
from chorus_desk.observability import logger
from chorus_desk.ports import Ports
from chorus_desk.settings import ChatSettings, load_settings
from local_stack.aws import serialize_dynamodb_writes
from local_stack.gateway import LambdaContext
from tests import fixtures
from tests.chat_support import Desk, Gone, Socket, Stack, id_token


@pytest.fixture
def desk(dynamo: Ports) -> Desk:
    serialize_dynamodb_writes()
    return Desk(dynamo, MemoryPusher(), now=datetime.now(UTC))


@pytest.fixture
def stack(template: dict[str, Any], desk: Desk) -> Iterator[Stack]:
    built = Stack(template, desk)
    yield built
    built.restore()


def stored_connection(desk: Desk, socket: Socket) -> Any:
    return desk.ports.chat_connections.load(socket.id)


# ------------------------------------------------------------------------------------------------ $connect
def test_a_socket_opens_with_a_valid_id_token_or_a_visitors_live_conversation(stack: Stack, desk: Desk) -> None:
    user = stack.socket("marie")
    assert user.connect() == {"statusCode": 200}
    assert stored_connection(desk, user).user_id == fixtures.USER_IDS["marie"]
    visitor = stack.socket(conversation_id=desk.conversation(None))
    assert visitor.connect() == {"statusCode": 200}
    assert stored_connection(desk, visitor).conversation_id == visitor.query["conversation"]  # type: ignore[index]


def _refused(socket: Socket, desk: Desk, status: int = 401) -> None:
    answer = socket.connect()
    assert answer["statusCode"] == status, answer
    body = json.loads(answer["body"])
    assert body["type"] == "error" and body["message"]
    assert stored_connection(desk, socket) is None


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"token": ""},
        {"token": "pas-un-jeton"},
        {"token": id_token("marie", exp=int(time.time()) - 60)},  # expired
        {"token": id_token("marie", aud="another-client")},
        {"token": id_token("marie", iss="https://cognito-idp.eu-west-3.amazonaws.com/eu-west-3_other")},
        {"token": id_token("marie", token_use="access")},
        {"token": id_token("marie", key=rsa.generate_private_key(public_exponent=65537, key_size=2048))},
    ],
    ids=["nothing", "empty", "garbage", "expired", "audience", "issuer", "access-token", "forged"],
)
def test_a_socket_without_a_valid_token_is_refused_before_it_opens(
    stack: Stack, desk: Desk, query: dict[str, str]
) -> None:
    socket = stack.socket(**query)
    _refused(socket, desk)
    assert json.loads(socket.connect()["body"])["message"] == messages.CHAT_CONNECT_REFUSED


def test_a_visitor_socket_needs_an_anonymous_conversation_that_has_not_expired(stack: Stack, desk: Desk) -> None:
    _refused(stack.socket(conversation_id=desk.conversation("marie")), desk)  # another user's conversation
    _refused(stack.socket(conversation_id="Zz" + desk.conversation(None)[2:]), desk)  # unknown
    expired = desk.conversation(None)
    desk.later(minutes=31)
    _refused(stack.socket(conversation_id=expired), desk)


def test_an_agent_of_the_support_without_a_second_factor_is_refused_where_the_stage_requires_one(
    template: dict[str, Any], desk: Desk
) -> None:
    stack = Stack(template, desk, mfa=True)
    try:
        _refused(stack.socket("sophie"), desk, 403)
        assert stack.socket("sophie", token=id_token("sophie", amr=["pwd", "mfa"])).connect()["statusCode"] == 200
        assert stack.socket("marie").connect()["statusCode"] == 200  # a user of a company: no second factor asked
    finally:
        stack.restore()


# ------------------------------------------------------------------------------------------ bad frames
@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ("ceci n'est pas du JSON", "body", messages.CHAT_FRAME_NOT_JSON),
        ("[1, 2, 3]", "body", messages.CHAT_FRAME_NOT_JSON),
        ('{"action": "danser"}', "action", None),
        ('{"text": "sans action"}', "action", None),
        ('{"action": "send", "text": ""}', "text", None),
        ('{"action": "send", "text": "Bonjour", "priority": 1}', "priority", None),
        (b'{"action": "send", "text": "\xff\xfe"}', "body", messages.CHAT_FRAME_NOT_UTF8),
        ('{"action": "send", "text": "' + "é" * 5000 + '"}', "body", messages.CHAT_FRAME_TOO_LARGE.format(max=8192)),
    ],
    ids=["not-json", "not-an-object", "unknown-action", "no-action", "empty-text", "unknown-field", "utf8", "too-big"],
)
def test_a_frame_that_cannot_be_read_gets_a_french_error_frame_the_socket_kept_and_nothing_stored(
    stack: Stack, desk: Desk, raw: str | bytes, field: str, message: str | None
) -> None:
    desk.available("sophie")
    visitor_conversation = desk.conversation(None)
    socket = stack.socket(conversation_id=visitor_conversation)
    socket.connect()
    chat_id = socket.send({"action": "start"})["chat"]["id"]

    answer = socket.send(raw=raw)

    assert answer["type"] == "error" and answer["code"] == "DONNEES_INVALIDES", answer
    assert answer["errors"][0]["field"] == field
    if message is not None:
        assert answer["message"] == message
    if field == "action":
        assert "start, read, send" in answer["message"]
    assert [m.seq for m in desk.ports.chats.read(chat_id, 0, 10)[1]] == [1]  # nothing stored
    assert stored_connection(desk, socket) is not None  # the socket is kept: it goes on
    assert socket.send({"action": "send", "text": "Bonjour"})["message"]["seq"] == 2


def test_a_visitor_socket_reaches_its_own_conversation_only_and_no_agent_action(stack: Stack, desk: Desk) -> None:
    desk.available("sophie")
    socket = stack.socket(conversation_id=desk.conversation(None))
    socket.connect()
    other = desk.conversation(None)
    refused = socket.send({"action": "start", "conversation_id": other})
    assert (refused["code"], refused["message"]) == ("INTROUVABLE", messages.CONVERSATION_NOT_FOUND)
    assert desk.ports.chats.waiting(SUPPORT_QUEUE, 10) == []
    chat_id = socket.send({"action": "start"})["chat"]["id"]
    for frame in ({"action": "take", "chat_id": chat_id}, {"action": "read", "chat_id": chat_id}):
        assert socket.send(frame)["code"] == "INTROUVABLE"
    assert socket.send({"action": "queue"})["code"] == "ACTION_INTERDITE"


def test_a_socket_unknown_to_the_desk_is_answered_without_acting(stack: Stack) -> None:
    socket = stack.socket("marie")  # never connected (or expired and forgotten)
    answer = socket.send({"action": "queue"})
    assert (answer["type"], answer["code"]) == ("error", "NON_AUTHENTIFIE")


# --------------------------------------------------------------------------------------- the whole exchange
def test_both_sides_over_sockets_each_message_once_and_in_order(stack: Stack, desk: Desk) -> None:
    agent, user = stack.socket("sophie"), stack.socket("marie")
    agent.connect()
    user.connect()
    queues = agent.send({"action": "availability", "available": True})
    assert queues["type"] == "queues" and queues["queues"][0]["available"] is True
    conversation_id = desk.conversation("marie")

    opened = user.send({"action": "start", "conversation_id": conversation_id})
    assert opened["type"] == "chat" and opened["chat"]["state"]["code"] == "WAITING"
    chat_id = opened["chat"]["id"]
    assert desk.sockets.frames(agent.id, "queue_changed")
    waiting = agent.send({"action": "queue"})["queues"][0]["waiting"]
    assert [w["chat"]["id"] for w in waiting] == [chat_id]

    taken = agent.send({"action": "take", "chat_id": chat_id})
    assert (taken["type"], taken["chat"]["state"]["code"]) == ("chat", "ACTIVE")
    assert taken["context"] and [m["seq"] for m in taken["messages"]] == [1, 2]  # all of it, to the agent
    for text in ("Bonjour !", "Ma facture est bloquée."):
        assert user.send({"action": "send", "conversation_id": conversation_id, "text": text})["type"] == "sent"
    agent.send({"action": "send", "chat_id": chat_id, "text": "Je regarde tout de suite."})

    to_agent = [f["message"] for f in desk.sockets.frames(agent.id, "message")]
    to_user = [f["message"] for f in desk.sockets.frames(user.id, "message")]
    assert [(m["seq"], m["text"]) for m in to_agent] == [(3, "Bonjour !"), (4, "Ma facture est bloquée.")]
    assert [(m["seq"], m["text"]) for m in to_user] == [
        (2, messages.CHAT_JOINED.format(agent=fixtures.NAMES["sophie"])),
        (5, "Je regarde tout de suite."),
    ]
    ended = agent.send({"action": "end", "chat_id": chat_id, "outcome": "CLOSE"})
    assert ended["chat"]["state"]["code"] == "ENDED"
    assert desk.sockets.frames(user.id, "state")[-1]["chat"]["state"]["code"] == "ENDED"
    rated = user.send({"action": "feedback", "conversation_id": conversation_id, "rating": "UP"})
    assert rated["chat"]["feedback_given"] is True
    asked = user.send({"action": "transcript", "conversation_id": conversation_id})
    assert asked["chat"]["transcript_asked"] is True
    assert desk.ports.chats.transcript_address(chat_id) == fixtures.EMAILS["marie"]
    closing = user.send({"action": "end", "conversation_id": conversation_id, "outcome": "TICKET"})
    assert closing["errors"][0]["field"] == "outcome"  # only an agent turns a chat into a ticket


def test_an_agent_turns_a_chat_into_a_ticket_over_the_socket(stack: Stack, desk: Desk) -> None:
    agent, user = stack.socket("sophie"), stack.socket("marie")
    agent.connect()
    user.connect()
    agent.send({"action": "availability", "available": True})
    conversation_id = desk.conversation("marie")
    chat_id = user.send({"action": "start", "conversation_id": conversation_id})["chat"]["id"]
    agent.send({"action": "take", "chat_id": chat_id})
    user.send({"action": "send", "conversation_id": conversation_id, "text": "Ma facture est bloquée."})
    ended = agent.send({"action": "end", "chat_id": chat_id, "outcome": "TICKET"})
    number = ended["chat"]["filed"]
    ticket = desk.ports.tickets.load_ticket(number)
    assert ticket is not None and "Ma facture est bloquée." in (ticket.content.description or "")
    assert desk.sockets.frames(user.id, "message")[-1]["message"]["text"] == messages.CHAT_TICKET_FILED.format(
        number=number
    )


def test_a_business_service_answers_the_chats_about_its_own_tickets(stack: Stack, desk: Desk) -> None:
    number = fixtures.new_ticket(
        desk.ports,
        "marie",
        category="FACTURES_EMISES",
        subcategory="QUESTION_DESTINATAIRE_FACTURE",
        object_type="FACTURE",
        object_number="FAC-2026-0101",
    )
    hugo, user = stack.socket("hugo"), stack.socket("marie")
    hugo.connect()
    user.connect()
    queues = hugo.send({"action": "availability", "available": True})["queues"]
    assert [q["name"] for q in queues] == ["Commune de Saint-Léger"]
    opened = user.send({"action": "start", "conversation_id": desk.conversation("marie"), "ticket": number})
    assert opened["chat"]["queue_name"] == "Commune de Saint-Léger"
    assert desk.sockets.frames(hugo.id, "queue_changed")
    assert hugo.send({"action": "take", "chat_id": opened["chat"]["id"]})["type"] == "chat"


def test_of_two_agents_taking_one_chat_over_their_sockets_one_wins(stack: Stack, desk: Desk) -> None:
    sophie, lucas = stack.socket("sophie"), stack.socket("lucas")
    for socket in (sophie, lucas):
        socket.connect()
    _, started = desk.started(None)
    first = sophie.send({"action": "take", "chat_id": started.session.id})
    second = lucas.send({"action": "take", "chat_id": started.session.id})
    assert first["type"] == "chat" and (second["code"], second["message"]) == (
        "ETAT_INCOMPATIBLE",
        messages.CHAT_ALREADY_TAKEN,
    )


def test_an_agents_closed_socket_gives_the_chat_back_and_the_user_is_told(stack: Stack, desk: Desk) -> None:
    agent = stack.socket("lucas")
    agent.connect()
    visitor = stack.socket(conversation_id=desk.conversation(None))
    visitor.connect()
    desk.available("sophie")
    chat_id = visitor.send({"action": "start"})["chat"]["id"]
    agent.send({"action": "take", "chat_id": chat_id})

    agent.close()

    stored = desk.ports.chats.load(chat_id)
    assert stored is not None and stored.state is ChatState.WAITING and stored.agent is None
    assert desk.sockets.frames(visitor.id, "message")[-1]["message"]["text"] == messages.CHAT_AGENT_LEFT
    assert stored_connection(desk, agent) is None
    visitor.close()
    assert stored_connection(desk, visitor) is None


def test_the_real_management_api_carries_the_frames(template: dict[str, Any], dynamo: Ports) -> None:
    """The same exchange pushed through the real adapter: moto's management API keeps what each socket got."""
    from moto.apigatewaymanagementapi.models import apigatewaymanagementapi_backends
    from moto.core.models import DEFAULT_ACCOUNT_ID

    desk = Desk(dynamo, ApiGatewayPusher(management_endpoint("chatapi123", "eu-west-3", "test")), now=datetime.now(UTC))
    stack = Stack(template, desk)
    try:
        user, agent = stack.socket("marie"), stack.socket("sophie")
        user.connect()
        agent.connect()
        agent.send({"action": "availability", "available": True})
        conversation_id = desk.conversation("marie")
        chat_id = user.send({"action": "start", "conversation_id": conversation_id})["chat"]["id"]
        agent.send({"action": "take", "chat_id": chat_id})
        agent.send({"action": "send", "chat_id": chat_id, "text": "Bonjour « Marie »"})
        posted = apigatewaymanagementapi_backends[DEFAULT_ACCOUNT_ID]["eu-west-3"].connections[user.id].data
        assert "Bonjour « Marie »" in posted.decode("utf-8")
    finally:
        stack.restore()


# ------------------------------------------------------------------------------------------- the reminder
def test_the_reminder_schedule_tells_a_long_wait_once(
    template: dict[str, Any], stack: Stack, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    visitor = stack.socket(conversation_id=desk.conversation(None))
    visitor.connect()
    desk.available("sophie")
    visitor.send({"action": "start"})
    monkeypatch.setattr(bootstrap, "ports", lambda: desk.ports)
    monkeypatch.setattr(bootstrap, "pusher", lambda: desk.pusher)
    moment = desk.now + timedelta(seconds=load_settings(ChatSettings).waiting_seconds + 5)
    event = {"detail-type": "Scheduled Event", "source": "aws.events", "time": moment.strftime("%Y-%m-%dT%H:%M:%SZ")}
    context = LambdaContext.of(template, "ChatTimerFunction")
    assert stack.timer_module.lambda_handler(event, context) == {"told": 1}
    assert stack.timer_module.lambda_handler(event, context) == {"told": 0}
    assert desk.sockets.frames(visitor.id, "message")[-1]["message"]["text"] == messages.CHAT_OFFER_TICKET


def test_the_reminder_pushes_through_the_management_api_and_forgets_the_sockets_gone(
    template: dict[str, Any], dynamo: Ports, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The visitor's socket and the agent's (who read the waiting chat while taking another) are gone: the reminder
    is answered 410 for both, forgets them, and the agent's other chat goes back to its queue."""
    pusher = ApiGatewayPusher(management_endpoint("chatapi123", "eu-west-3", "test"))
    gone = Gone(pusher)
    desk = Desk(dynamo, pusher, now=datetime.now(UTC))
    stack = Stack(template, desk)
    try:
        agent = stack.socket("sophie")
        agent.connect()
        agent.send({"action": "availability", "available": True})
        taken_id = desk.started("julie")[1].session.id
        agent.send({"action": "take", "chat_id": taken_id})
        visitor = stack.socket(conversation_id=desk.conversation(None))
        visitor.connect()
        waiting_id = visitor.send({"action": "start"})["chat"]["id"]
        agent.send({"action": "read", "chat_id": waiting_id})
        gone.closed |= {visitor.id, agent.id}
        monkeypatch.setattr(bootstrap, "ports", lambda: desk.ports)
        monkeypatch.setattr(bootstrap, "pusher", lambda: desk.pusher)
        moment = desk.now + timedelta(seconds=load_settings(ChatSettings).waiting_seconds + 5)
        event = {"detail-type": "Scheduled Event", "time": moment.strftime("%Y-%m-%dT%H:%M:%SZ")}
        told = stack.timer_module.lambda_handler(event, LambdaContext.of(template, "ChatTimerFunction"))
        assert told == {"told": 1}
        assert sorted(set(gone.answered)) == sorted({visitor.id, agent.id})
        assert desk.ports.chat_connections.load(visitor.id) is None
        assert desk.ports.chat_connections.load(agent.id) is None
        back = desk.ports.chats.load(taken_id)
        assert back is not None and back.state is ChatState.WAITING
    finally:
        stack.restore()


def test_the_chat_logs_ids_and_codes_never_a_message_an_address_or_a_token(
    stack: Stack, desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    """What the functions log (rendered with their JSON formatter, as CloudWatch gets it): chat, connection and user
    ids, codes; never the text of a message, a visitor's address, an IdToken, a frame's unknown action."""
    secret, address = "mon mot de passe est Soleil-2026", "jeanne.visiteuse@exemple.fr"
    token = id_token("marie")
    logger.setLevel("INFO")
    try:
        agent, user = stack.socket("sophie"), stack.socket("marie", token=token)
        agent.connect()
        user.connect()
        agent.send({"action": "availability", "available": True})
        conversation_id = desk.conversation("marie")
        chat_id = user.send({"action": "start", "conversation_id": conversation_id})["chat"]["id"]
        agent.send({"action": "take", "chat_id": chat_id})
        user.send({"action": "send", "conversation_id": conversation_id, "text": secret})
        user.send(raw=json.dumps({"action": secret}))
        agent.send({"action": "end", "chat_id": chat_id, "outcome": "CLOSE"})
        user.send({"action": "transcript", "conversation_id": conversation_id})
        visitor = stack.socket(conversation_id=desk.conversation(None))
        visitor.connect()
        visitor.send({"action": "start"})
        visitor.send({"action": "end"})
        visitor.send({"action": "transcript", "email": address})
    finally:
        logger.setLevel("CRITICAL")
    lines = [json.loads(logger.registered_formatter.format(r)) for r in caplog.records if r.name == logger.name]
    rendered = json.dumps(lines, ensure_ascii=False)
    assert any(line.get("message") == "chat started" and line.get("chat_id") == chat_id for line in lines)
    assert any(line.get("message") == "chat transcript asked" and line.get("to") == "j***@exemple.fr" for line in lines)
    for never in (secret, address, token, fixtures.EMAILS["marie"]):
        assert never not in rendered
