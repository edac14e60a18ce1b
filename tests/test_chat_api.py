"""The live chat over HTTP, through the real handlers (the REST counterparts of the WebSocket actions): a user and a
visitor from their assistant conversation, agents from their queues; the same rules as over the socket, French
4xx for what is refused, nothing stored then. « Contacter un agent » offers the chat while it is open, the
hand-over ticket otherwise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chorus_desk import messages
from chorus_desk.adapters.apigateway import ApiGatewayPusher, management_endpoint
from chorus_desk.adapters.memory.chat import MemoryPusher
from chorus_desk.chats import SUPPORT_QUEUE, Connection, ConnectionKind, Seat
from chorus_desk.listing import PARIS
from chorus_desk.models import Person, Speaker
from local_stack.aws import serialize_dynamodb_writes
from tests import fixtures
from tests.chat_support import Gone
from tests.support import Api, Reply


@pytest.fixture(params=["api", "aws_api"])
def both(request: pytest.FixtureRequest) -> Api:
    """The handlers on the in-memory ports, then on DynamoDB (moto), its writes serialized as DynamoDB applies
    each conditional write atomically."""
    if request.param == "aws_api":
        serialize_dynamodb_writes()
    api: Api = request.getfixturevalue(request.param)
    return api


def conversation(api: Api, user: str | None) -> str:
    started = api.call("start_conversation", user) if user else api.call("start_public_conversation", None)
    assert started.status == 201, started.body
    return str(started.body["id"])


def available(api: Api, agent: str = "sophie", is_available: bool = True) -> Reply:
    reply = api.call("set_chat_availability", agent, body={"available": is_available})
    assert reply.status == 200, reply.body
    return reply


def started(api: Api, user: str | None = "marie", **body: Any) -> tuple[str, Reply]:
    conversation_id = conversation(api, user)
    route = "start_chat" if user else "start_public_chat"
    return conversation_id, api.call(route, user, conversation_id=conversation_id, body=body)


def contact_agent(api: Api, user: str | None, conversation_id: str) -> Reply:
    route = "send_message" if user else "send_public_message"
    return api.call(route, user, conversation_id=conversation_id, body={"text": "je veux parler a un conseiller"})


# ------------------------------------------------------------------------------------ « Contacter un agent »
@pytest.mark.parametrize("user", ["marie", None])
def test_contacter_un_agent_offers_the_chat_while_an_agent_is_available_and_the_ticket_otherwise(
    both: Api, user: str | None
) -> None:
    api = both
    conversation_id = conversation(api, user)
    closed = contact_agent(api, user, conversation_id).body["reply"]
    assert "LIVE_CHAT" not in [c["id"] for c in closed["choices"]]
    if user:
        assert closed["text"] == messages.ASSISTANT_AGENT  # the hand-over ticket, as before the chat existed
    available(api)
    opened = contact_agent(api, user, conversation(api, user)).body["reply"]
    choices = [c["id"] for c in opened["choices"]]
    assert choices[0] == "LIVE_CHAT"
    assert opened["text"] == (messages.ASSISTANT_AGENT_LIVE if user else messages.ASSISTANT_AGENT_LIVE_ANONYMOUS)
    if user:
        assert {"SEND_TICKET", "DRAFT_TICKET"} <= set(choices)  # the ticket stays on offer


def test_a_chat_is_refused_in_french_when_no_agent_answers_and_nothing_is_stored(api: Api) -> None:
    conversation_id, reply = started(api)
    assert (reply.status, reply.body["code"]) == (409, "CHAT_FERME")
    assert reply.body["message"] == messages.CHAT_NO_AGENT
    read = api.call("read_chat", "marie", conversation_id=conversation_id)
    assert (read.status, read.body["message"]) == (404, messages.CHAT_NONE_IN_CONVERSATION)
    assert api.ports.chats.waiting(SUPPORT_QUEUE, 10) == []


# ------------------------------------------------------------------------------------------- a whole chat
def test_a_chat_from_both_sides_over_http(both: Api) -> None:
    api = both
    available(api, "sophie")
    conversation_id, reply = started(api, "marie")
    assert reply.status == 200, reply.body
    chat = reply.body["chat"]
    chat_id = chat["id"]
    assert (chat["state"]["code"], chat["requester"], chat["structure"]["name"]) == (
        "WAITING",
        fixtures.NAMES["marie"],
        "Menuiserie Dupont",
    )
    assert reply.body["context"] and reply.body["context"][-1]["by"] == "ASSISTANT"

    queues = api.call("list_chat_queues", "lucas").body["queues"]
    assert [w["chat"]["id"] for w in queues[0]["waiting"]] == [chat_id]
    assert queues[0]["waiting"][0]["context"], "the agent reads what the user told the assistant"
    assert queues[0]["available"] is False  # lucas has not said « disponible »

    taken = api.call("take_chat", "sophie", chat_id=chat_id)
    assert (taken.status, taken.body["state"]["code"], taken.body["agent"]["name"]) == (
        200,
        "ACTIVE",
        fixtures.NAMES["sophie"],
    )
    late = api.call("take_chat", "lucas", chat_id=chat_id)
    assert (late.status, late.body["message"]) == (409, messages.CHAT_ALREADY_TAKEN)

    said = api.call("send_chat_message", "marie", conversation_id=conversation_id, body={"text": "Bonjour !"})
    assert said.status == 200 and said.body["message"]["seq"] == 3
    answer = {"text": "Bonjour, je regarde."}
    assert api.call("send_agent_message", "sophie", chat_id=chat_id, body=answer).body["message"]["seq"] == 4
    since = api.call("read_chat", "marie", conversation_id=conversation_id, query={"after": "3"})
    assert [(m["by"], m["name"], m["text"]) for m in since.body["messages"]] == [
        ("AGENT", fixtures.NAMES["sophie"], "Bonjour, je regarde.")
    ]
    assert since.body["chat"]["last_seq"] == 4 and since.body["more"] is False
    whole = api.call("read_agent_chat", "sophie", chat_id=chat_id, query={"after": "0"}).body["messages"]
    assert [m["seq"] for m in whole] == [1, 2, 3, 4]

    available(api, "lucas")
    handed = api.call("hand_over_chat", "sophie", chat_id=chat_id, body={"agent": fixtures.USER_IDS["lucas"]})
    assert (handed.status, handed.body["agent"]["name"]) == (200, fixtures.NAMES["lucas"])
    ended = api.call("end_chat", "lucas", chat_id=chat_id, body={"outcome": "TICKET"})
    assert (ended.status, ended.body["state"]["code"]) == (200, "ENDED")
    number = ended.body["filed"]
    ticket = api.call("get_ticket", "marie", number)
    assert ticket.status == 200 and "Bonjour, je regarde." in ticket.body["description"]

    rated = api.call("rate_chat", "marie", conversation_id=conversation_id, body={"rating": "UP"})
    assert (rated.status, rated.body["feedback_given"]) == (200, True)
    mailed = api.call("mail_chat_transcript", "marie", conversation_id=conversation_id, body={})
    assert (mailed.status, mailed.body["transcript_asked"]) == (200, True)
    again = api.call("mail_chat_transcript", "marie", conversation_id=conversation_id, body={})
    assert (again.status, again.body["message"]) == (409, messages.CHAT_TRANSCRIPT_ALREADY)
    assert api.ports.chats.transcript_address(chat_id) == fixtures.EMAILS["marie"]
    # The chat's lines joined the conversation the user goes back to.
    back = api.call("get_conversation", "marie", conversation_id=conversation_id).body
    assert any(t["by"] == Speaker.AGENT.value and t["text"] == "Bonjour, je regarde." for t in back["transcript"])


def test_a_visitor_chats_by_their_conversation_only_and_gets_the_transcript_at_the_address_they_give(
    both: Api,
) -> None:
    api = both
    available(api, "lucas")
    conversation_id, reply = started(api, None)
    assert reply.status == 200, reply.body
    chat_id = reply.body["chat"]["id"]
    assert reply.body["chat"]["requester"] == messages.CHAT_VISITOR
    sent = api.call("send_public_chat_message", None, conversation_id=conversation_id, body={"text": "Allô ?"})
    assert sent.status == 200
    guessed = api.call("read_public_chat", None, conversation_id="Zz" + conversation_id[2:])
    assert (guessed.status, guessed.body["message"]) == (404, messages.CONVERSATION_NOT_FOUND)
    assert api.call("take_chat", "lucas", chat_id=chat_id).status == 200
    left = api.call("leave_public_chat", None, conversation_id=conversation_id)
    assert (left.status, left.body["ended_by"]) == (200, "REQUESTER")
    no_address = api.call("mail_public_chat_transcript", None, conversation_id=conversation_id, body={})
    assert (no_address.status, no_address.body["errors"][0]["field"]) == (400, "email")
    given = {"email": "visiteur@example.fr"}
    mailed = api.call("mail_public_chat_transcript", None, conversation_id=conversation_id, body=given)
    assert mailed.status == 200
    down = {"rating": "DOWN", "reason": "COMPLICATED", "comment": "Trop d'attente"}
    assert api.call("rate_public_chat", None, conversation_id=conversation_id, body=down).status == 200
    assert api.call("rate_public_chat", None, conversation_id=conversation_id, body=down).status == 409
    today = datetime.now(PARIS).date()
    period = {"from": (today - timedelta(days=1)).isoformat(), "to": (today + timedelta(days=1)).isoformat()}
    figures = api.call("get_chat_satisfaction", "sophie", query=period)
    assert (figures.status, figures.body["down"], figures.body["up"]) == (200, 1, 0)
    reasons = {r[0]["code"]: r[1] for day in figures.body["days"] for r in day["reasons"] if r[1]}
    assert reasons == {"COMPLICATED": 1}
    assistant = api.call("get_satisfaction", "sophie", query=period).body
    assert (assistant["up"], assistant["down"]) == (0, 0)  # the assistant's figures are apart


# -------------------------------------------------------------------------------------------- refusals
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "x" * 2001}, "text"),
        ({"text": "Bonjour", "urgent": True}, "urgent"),
        ({}, "text"),
    ],
)
def test_a_message_the_rules_refuse_is_a_french_400_and_nothing_is_stored(
    api: Api, body: dict[str, Any], field: str
) -> None:
    available(api)
    conversation_id, reply = started(api)
    chat_id = reply.body["chat"]["id"]
    refused = api.call("send_chat_message", "marie", conversation_id=conversation_id, body=body)
    assert refused.status == 400, refused.body
    assert refused.body["code"] == "DONNEES_INVALIDES" and refused.body["errors"][0]["field"] == field
    assert api.ports.chats.read(chat_id, 0, 10)[1][-1].seq == 1


def test_an_agent_outcome_and_a_colleague_are_checked(api: Api) -> None:
    available(api)
    _, reply = started(api)
    chat_id = reply.body["chat"]["id"]
    api.call("take_chat", "sophie", chat_id=chat_id)
    wrong = api.call("end_chat", "sophie", chat_id=chat_id, body={"outcome": "ARCHIVE"})
    assert (wrong.status, wrong.body["errors"][0]["field"]) == (400, "outcome")
    away = api.call("hand_over_chat", "sophie", chat_id=chat_id, body={"agent": fixtures.USER_IDS["lucas"]})
    assert (away.status, away.body["message"]) == (409, messages.CHAT_COLLEAGUE_AWAY.format(name="Lucas Fabre"))
    stranger = api.call("hand_over_chat", "sophie", chat_id=chat_id, body={"agent": fixtures.USER_IDS["nora"]})
    assert stranger.status == 400
    stored = api.ports.chats.load(chat_id)
    assert stored is not None and stored.agent is not None and stored.agent.id == fixtures.USER_IDS["sophie"]


def test_the_queues_are_the_agents_and_the_figures_the_supports(api: Api) -> None:
    assert api.call("list_chat_queues", "marie").status == 403  # a private company's user: no queue
    assert api.call("set_chat_availability", "nora", body={"available": True}).status == 403
    claire = api.call("list_chat_queues", "claire").body["queues"]  # a public structure answers its own tickets
    assert [q["name"] for q in claire] == ["Commune de Saint-Léger", "Ancienne régie des eaux"]
    assert api.call("get_chat_satisfaction", "claire").status == 403
    assert api.call("get_chat_satisfaction", "sophie").status == 200


def test_a_pushed_frame_reaches_the_agents_socket_when_a_chat_comes_in(api: Api) -> None:
    """The REST start tells the available agents' sockets, as the socket's start does."""
    pusher = api.pusher
    assert isinstance(pusher, MemoryPusher)
    socket = "agent-socket-1"
    pusher.connect(socket)
    now = datetime.now(UTC)
    api.ports.chat_connections.open(
        Connection(
            id=socket,
            kind=ConnectionKind.USER,
            user_id=fixtures.USER_IDS["sophie"],
            connected_at=now,
            expires_at=now + timedelta(hours=1),
        )
    )
    sophie = Person(id=fixtures.USER_IDS["sophie"], name=fixtures.NAMES["sophie"])
    api.ports.chats.sit(Seat(queue=SUPPORT_QUEUE, agent=sophie, available=True, until=now + timedelta(hours=1)), socket)
    _, reply = started(api)
    assert reply.status == 200
    assert pusher.frames(socket, "queue_changed") == [
        {"type": "queue_changed", "queue": SUPPORT_QUEUE, "name": "Support technique Chorus Pro"}
    ]


def test_a_chat_about_a_sent_ticket_waits_for_its_recipients_agents(both: Api) -> None:
    api = both
    number = api.ticket_in("OPEN")  # Menuiserie Dupont's, to the support
    available(api, "lucas")
    conversation_id = conversation(api, "marie")
    reply = api.call("start_chat", "marie", conversation_id=conversation_id, body={"ticket": number})
    assert (reply.status, reply.body["chat"]["ticket"]) == (200, number)
    stranger = conversation(api, "nora")
    refused = api.call("start_chat", "nora", conversation_id=stranger, body={"ticket": number})
    assert refused.status == 404  # another's ticket: as an unknown one


def test_sockets_found_gone_are_forgotten_by_the_http_routes_too(aws_api: Api) -> None:
    """The REST routes push through the real management API: an agent's socket gone since (no $disconnect came)
    is answered 410 once, then forgotten with its seat's news."""
    serialize_dynamodb_writes()
    pusher = ApiGatewayPusher(management_endpoint("chatapi123", "eu-west-3", "test"))
    gone = Gone(pusher)
    aws_api.pusher = pusher
    now = datetime.now(UTC)
    for socket, alias in (("socket-of-sophie", "sophie"), ("socket-of-lucas", "lucas")):
        aws_api.ports.chat_connections.open(
            Connection(
                id=socket,
                kind=ConnectionKind.USER,
                user_id=fixtures.USER_IDS[alias],
                connected_at=now,
                expires_at=now + timedelta(hours=1),
            )
        )
        person = Person(id=fixtures.USER_IDS[alias], name=fixtures.NAMES[alias])
        seat = Seat(queue=SUPPORT_QUEUE, agent=person, available=True, until=now + timedelta(hours=1))
        aws_api.ports.chats.sit(seat, socket)
        aws_api.ports.chat_connections.join(socket, queue=SUPPORT_QUEUE)
    gone.closed.add("socket-of-sophie")

    _, visitor = started(aws_api, None)  # the public route tells the queue's sockets
    assert visitor.status == 200, visitor.body
    assert gone.answered == ["socket-of-sophie"]
    assert aws_api.ports.chat_connections.load("socket-of-sophie") is None
    seats = {s.agent.id: s.connections for s in aws_api.ports.chats.seats(SUPPORT_QUEUE)}
    assert seats == {fixtures.USER_IDS["sophie"]: frozenset(), fixtures.USER_IDS["lucas"]: {"socket-of-lucas"}}

    gone.closed.add("socket-of-lucas")
    _, user = started(aws_api, "marie")  # the signed-in route too
    assert user.status == 200, user.body
    assert gone.answered == ["socket-of-sophie", "socket-of-lucas"]
    assert aws_api.ports.chat_connections.load("socket-of-lucas") is None
