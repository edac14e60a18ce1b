"""The live chat's rules, through its use cases on the in-memory ports and on DynamoDB (moto): when it opens, who
reads what, a message delivered once and in order, one agent of two wins a chat, an agent who leaves gives it back,
a closed socket is forgotten, the end (closed, or a ticket), the feedback, the transcript, the reminder of a long
wait."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from chorus_desk import catalogue, faq, messages
from chorus_desk.chats import SUPPORT_QUEUE, Author, ChatState, Outcome
from chorus_desk.errors import (
    ChatClosed,
    ConcurrentModification,
    Conflict,
    Forbidden,
    Gone,
    InvalidInput,
    NotAuthenticated,
    NotFound,
)
from chorus_desk.lifecycle import Status
from chorus_desk.models import FeedbackReason, Rating, Speaker
from chorus_desk.ports import Ports
from chorus_desk.usecases import chat
from local_stack.aws import serialize_dynamodb_writes
from tests import fixtures
from tests.chat_support import SAID_TO_ASSISTANT, SATURDAY_10, WEEKDAYS, Desk


@pytest.fixture(params=["memory", "dynamo"])
def desk(request: pytest.FixtureRequest) -> Desk:
    """The chat's use cases on the in-memory ports, then on DynamoDB (moto, its writes serialized as DynamoDB
    applies each conditional write atomically)."""
    if request.param == "dynamo":
        serialize_dynamodb_writes()
    ports: Ports = request.getfixturevalue(request.param)
    return Desk(ports)


def texts(frames: list[Any]) -> list[str]:
    return [f["message"]["text"] for f in frames if f["type"] == "message"]


# ------------------------------------------------------------------------------------------ when it opens
def test_outside_the_office_hours_the_chat_is_refused_with_the_hours_and_nothing_is_stored(desk: Desk) -> None:
    desk.rules = chat.Rules(WEEKDAYS, desk.rules.waiting, desk.rules.availability)
    desk.now = SATURDAY_10
    desk.available("sophie")
    requester = desk.requester("marie", desk.conversation("marie"))
    with pytest.raises(ChatClosed) as refused:
        chat.start(desk.ctx(), requester)
    assert refused.value.message == messages.CHAT_CLOSED_HOURS.format(hours=WEEKDAYS.describe())
    assert "du lundi au vendredi, de 9 h à 18 h" in refused.value.message
    assert desk.ports.chats.waiting(SUPPORT_QUEUE, 10) == []
    conversation = desk.ports.conversations.load_conversation(requester.conversation_id)
    assert conversation is not None and "chat" not in conversation.memory


def test_with_no_agent_available_the_chat_is_refused_and_a_lapsed_availability_does_not_count(desk: Desk) -> None:
    requester = desk.requester("marie", desk.conversation("marie"))
    with pytest.raises(ChatClosed) as refused:
        chat.start(desk.ctx(), requester)
    assert refused.value.message == messages.CHAT_NO_AGENT
    desk.available("sophie")
    desk.later(seconds=desk.rules.availability.total_seconds() + 1)  # said « disponible » too long ago
    with pytest.raises(ChatClosed):
        chat.start(desk.ctx(), desk.requester("marie", desk.conversation("marie")))
    assert desk.ports.chats.waiting(SUPPORT_QUEUE, 10) == []


def test_an_agent_away_is_not_available(desk: Desk) -> None:
    desk.available("sophie")
    chat.set_availability(desk.ctx(), desk.agent("sophie"), False)
    assert not chat.desk_status(desk.ports.chats, desk.rules.hours, desk.now).open


def test_a_started_chat_waits_in_the_supports_queue_with_the_assistants_transcript_and_the_agents_are_told(
    desk: Desk,
) -> None:
    agent_socket = desk.socket("sophie")
    desk.available("sophie", agent_socket)
    user_socket = desk.socket("marie")
    requester = desk.requester("marie", desk.conversation("marie", topic="MANAGER_LEFT"), user_socket)

    started = chat.start(desk.ctx(), requester)

    session = started.session
    assert session.state is ChatState.WAITING
    assert session.queue == SUPPORT_QUEUE and session.queue_name == fixtures.TEAMS[catalogue.SUPPORT_TEAM_ID].name
    assert session.requester is not None and session.requester.name == fixtures.NAMES["marie"]
    assert (session.structure_siret, session.structure_name) == (fixtures.DUPONT, "Menuiserie Dupont")
    assert (session.category, session.subcategory) == faq.handover_pair(faq.Topic.MANAGER_LEFT)
    assert [t.text for t in session.context][-1] == SAID_TO_ASSISTANT
    assert [m.text for m in started.messages] == [messages.CHAT_WAITING.format(queue=session.queue_name)]
    assert desk.sockets.frames(agent_socket, "queue_changed") == [
        {"type": "queue_changed", "queue": SUPPORT_QUEUE, "name": session.queue_name}
    ]
    conversation = desk.ports.conversations.load_conversation(requester.conversation_id)
    assert conversation is not None and conversation.memory["chat"] == session.id
    assert [s.id for s in desk.ports.chats.waiting(SUPPORT_QUEUE, 10)] == [session.id]
    # Starting again gives the chat under way back: one chat per conversation at a time.
    again = chat.start(desk.ctx(), requester)
    assert again.session.id == session.id and len(desk.ports.chats.waiting(SUPPORT_QUEUE, 10)) == 1


def test_a_user_with_several_structures_says_which_and_only_one_of_theirs(desk: Desk) -> None:
    desk.available("sophie")
    requester = desk.requester("paul", desk.conversation("paul"))
    with pytest.raises(InvalidInput) as unsaid:
        chat.start(desk.ctx(), requester)
    assert unsaid.value.errors[0].field == "siret"
    with pytest.raises(InvalidInput) as foreign:
        chat.start(desk.ctx(), requester, siret=fixtures.MARTIN)
    assert foreign.value.errors[0].message == messages.CHAT_SIRET_NOT_YOURS.format(siret=fixtures.MARTIN)
    assert desk.ports.chats.waiting(SUPPORT_QUEUE, 10) == []
    started = chat.start(desk.ctx(), requester, siret=fixtures.GREL)
    assert started.session.structure_name == "Les Loges du Grel"


def test_an_expired_conversation_cannot_open_a_chat(desk: Desk) -> None:
    desk.available("sophie")
    requester = desk.requester(None, desk.conversation(None))
    desk.later(minutes=30)
    with pytest.raises(Gone):
        chat.start(desk.ctx(), requester)


# ------------------------------------------------------------------------------------------------ who reads
def test_another_users_conversation_and_an_unknown_one_get_the_same_answer_and_nothing_changes(desk: Desk) -> None:
    requester, started = desk.started("marie")
    for alias in ("nora", None):
        foreign = desk.requester(alias, requester.conversation_id)
        unknown = desk.requester(alias, "Zz" + requester.conversation_id[2:])
        answers = []
        for who in (foreign, unknown):
            for call in (
                lambda r: chat.read_mine(desk.ctx(), r, 0),
                lambda r: chat.send_mine(desk.ctx(), r, "Bonjour"),
                lambda r: chat.end_mine(desk.ctx(), r),
                lambda r: chat.start(desk.ctx(), r),
            ):
                with pytest.raises(NotFound) as refused:
                    call(who)
                answers.append(refused.value.message)
        half = len(answers) // 2
        assert answers[:half] == answers[half:] == [messages.CONVERSATION_NOT_FOUND] * half
    assert desk.ports.chats.read(started.session.id, 0, 10)[1] == started.messages


def test_an_agent_of_another_queue_is_answered_as_for_an_unknown_chat(desk: Desk) -> None:
    _, started = desk.started("marie")
    ines = desk.agent("ines")  # the DDFiP du Rhône: a business service, not the support
    for call in (
        lambda chat_id: chat.read_as_agent(desk.ctx(), ines, chat_id, 0),
        lambda chat_id: chat.take(desk.ctx(), ines, chat_id),
        lambda chat_id: chat.send_as_agent(desk.ctx(), ines, chat_id, "Bonjour"),
        lambda chat_id: chat.end_as_agent(desk.ctx(), ines, chat_id, Outcome.CLOSE),
        lambda chat_id: chat.hand_over(desk.ctx(), ines, chat_id, fixtures.USER_IDS["lucas"]),
    ):
        answers = []
        for chat_id in (started.session.id, "Zz" + started.session.id[2:]):
            with pytest.raises(NotFound) as refused:
                call(chat_id)
            answers.append(refused.value.message)
        assert answers == [messages.CHAT_NOT_FOUND] * 2
    stored = desk.ports.chats.load(started.session.id)
    assert stored is not None and stored.state is ChatState.WAITING and stored.last_seq == 1


def test_a_user_who_is_no_agent_has_no_queue(desk: Desk) -> None:
    with pytest.raises(Forbidden):
        chat.queues(desk.ctx(), desk.agent("marie"))  # a private structure: no chat comes to it
    with pytest.raises(Forbidden):
        chat.set_availability(desk.ctx(), desk.agent("marie"), True)


# ------------------------------------------------------------------------------------------- messages
def test_a_message_reaches_the_other_side_once_and_in_order(desk: Desk) -> None:
    user_socket, agent_socket = desk.socket("marie"), desk.socket("sophie")
    desk.available("sophie", agent_socket)
    requester, started = desk.started("marie", user_socket)
    chat_id = started.session.id
    chat.send_mine(desk.ctx(), requester, "Je suis toujours là.")  # while waiting: kept for the agent
    sophie = desk.agent("sophie", agent_socket)
    chat.take(desk.ctx(), sophie, chat_id)
    chat.send_as_agent(desk.ctx(), sophie, chat_id, "Bonjour, je regarde votre facture.")
    chat.send_mine(desk.ctx(), requester, "Merci !")
    chat.send_as_agent(desk.ctx(), sophie, chat_id, "Elle est débloquée.")

    joined = messages.CHAT_JOINED.format(agent=fixtures.NAMES["sophie"])
    assert texts(desk.sockets.frames(user_socket)) == [
        joined,
        "Bonjour, je regarde votre facture.",
        "Elle est débloquée.",
    ]
    assert texts(desk.sockets.frames(agent_socket)) == ["Merci !"]
    whole = chat.read_as_agent(desk.ctx(), sophie, chat_id, 0).messages
    assert [m.seq for m in whole] == [1, 2, 3, 4, 5, 6]
    assert [(m.by, m.text) for m in whole][1:] == [
        (Author.REQUESTER, "Je suis toujours là."),
        (Author.SYSTEM, joined),
        (Author.AGENT, "Bonjour, je regarde votre facture."),
        (Author.REQUESTER, "Merci !"),
        (Author.AGENT, "Elle est débloquée."),
    ]
    since = chat.read_mine(desk.ctx(), requester, 4)  # the REST reader's cursor: what follows n° 4
    assert [m.seq for m in since.messages] == [5, 6] and not since.more


def test_a_message_is_checked_before_anything_is_stored(desk: Desk) -> None:
    requester, started = desk.started("marie")
    for text, field_message in (
        ("   ", messages.CHAT_TEXT_REQUIRED),
        ("x" * (chat.MAX_TEXT + 1), messages.CHAT_TEXT_TOO_LONG.format(max=chat.MAX_TEXT)),
    ):
        with pytest.raises(InvalidInput) as refused:
            chat.send_mine(desk.ctx(), requester, text)
        assert refused.value.errors[0].message == field_message
    assert desk.ports.chats.read(started.session.id, 0, 10)[1] == started.messages


def test_only_the_agent_who_took_the_chat_writes_in_it(desk: Desk) -> None:
    _, started = desk.started("marie")
    chat_id = started.session.id
    with pytest.raises(Conflict) as waiting:
        chat.send_as_agent(desk.ctx(), desk.agent("lucas"), chat_id, "Bonjour")
    assert waiting.value.message == messages.CHAT_NOT_TAKEN
    chat.take(desk.ctx(), desk.agent("sophie"), chat_id)
    with pytest.raises(Conflict) as other:
        chat.send_as_agent(desk.ctx(), desk.agent("lucas"), chat_id, "Bonjour")
    assert other.value.message == messages.CHAT_NOT_YOURS


def test_many_messages_at_once_each_get_their_own_number_and_none_is_lost(desk: Desk) -> None:
    requester, started = desk.started("marie")
    sophie = desk.agent("sophie")
    chat.take(desk.ctx(), sophie, started.session.id)
    barrier = threading.Barrier(8)
    failures: list[BaseException] = []

    def write(index: int) -> None:
        barrier.wait()
        try:
            if index % 2:
                chat.send_mine(desk.ctx(), requester, f"message {index}")
            else:
                chat.send_as_agent(desk.ctx(), sophie, started.session.id, f"message {index}")
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    stored = desk.ports.chats.read(started.session.id, 2, 100)[1]
    assert sorted(m.text for m in stored) == sorted(f"message {i}" for i in range(8))
    assert [m.seq for m in stored] == list(range(3, 11))


# ------------------------------------------------------------------------------------------- taking, leaving
def test_of_two_agents_taking_one_chat_at_once_exactly_one_wins(desk: Desk) -> None:
    _, started = desk.started("marie")
    results: dict[str, Any] = {}
    barrier = threading.Barrier(2)

    def take(alias: str) -> None:
        barrier.wait()
        try:
            results[alias] = chat.take(desk.ctx(), desk.agent(alias), started.session.id)
        except Conflict as refused:
            results[alias] = refused

    threads = [threading.Thread(target=take, args=(a,)) for a in ("sophie", "lucas")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [a for a, r in results.items() if not isinstance(r, Conflict)]
    assert len(winners) == 1, results
    (loser,) = {"sophie", "lucas"} - set(winners)
    assert results[loser].message == messages.CHAT_ALREADY_TAKEN
    stored = desk.ports.chats.load(started.session.id)
    assert stored is not None and stored.agent is not None and stored.agent.id == fixtures.USER_IDS[winners[0]]
    lines = [m.text for m in desk.ports.chats.read(started.session.id, 0, 10)[1]]
    assert lines.count(messages.CHAT_JOINED.format(agent=fixtures.NAMES[winners[0]])) == 1 and len(lines) == 2


def test_a_take_read_before_a_new_socket_followed_still_tells_that_socket(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user's socket opens and reads the chat while an agent takes it: the take read the chat before the socket
    followed it. The follow changes the chat's version, so the take's write is refused and read again, and the
    socket is told (else the user would wait before a chat already taken)."""
    requester, started = desk.started("marie")  # joined over REST: no socket yet
    chat_id = started.session.id
    sophie = desk.agent("sophie", desk.socket("sophie"))
    socket = desk.socket("marie")
    reader = desk.requester("marie", requester.conversation_id, socket)
    load = desk.ports.chats.load
    replies: list[chat.Read] = []

    def load_then_the_socket_reads(chat_id: str) -> Any:
        session = load(chat_id)
        if not replies:  # the take's first read: the socket reads and follows the chat right after it
            replies.append(chat.read_mine(desk.ctx(), reader, 0))
        return session

    monkeypatch.setattr(desk.ports.chats, "load", load_then_the_socket_reads)
    chat.take(desk.ctx(), sophie, chat_id)
    assert replies[0].session.state is ChatState.WAITING  # what the socket read: the take was not written yet
    joined = messages.CHAT_JOINED.format(agent=fixtures.NAMES["sophie"])
    assert texts(desk.sockets.frames(socket)) == [joined]  # …so the take pushed to it
    assert [f["chat"]["state"]["code"] for f in desk.sockets.frames(socket, "state")] == [ChatState.ACTIVE.value]


def test_a_socket_that_follows_a_chat_just_taken_reads_it_taken(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """The other order: the socket read the chat waiting, the take was written and pushed (to no socket of the
    user's), then the socket followed: it reads the chat again after following, and answers it taken."""
    requester, _ = desk.started("marie")
    sophie = desk.agent("sophie", desk.socket("sophie"))
    socket = desk.socket("marie")
    reader = desk.requester("marie", requester.conversation_id, socket)
    follow = desk.ports.chats.follow

    def taken_then_followed(chat_id: str, connection_id: str, role: str) -> None:
        if connection_id == socket:
            chat.take(desk.ctx(), sophie, chat_id)
        follow(chat_id, connection_id, role)

    monkeypatch.setattr(desk.ports.chats, "follow", taken_then_followed)
    read = chat.read_mine(desk.ctx(), reader, 0)
    assert read.session.state is ChatState.ACTIVE
    assert messages.CHAT_JOINED.format(agent=fixtures.NAMES["sophie"]) in [m.text for m in read.messages]
    assert desk.sockets.frames(socket) == []  # nothing was pushed to it: the read said it


def test_an_agent_who_disconnects_mid_chat_gives_it_back_at_its_place_and_the_user_is_told(desk: Desk) -> None:
    user_socket, agent_socket, other_agent_socket = desk.socket("marie"), desk.socket("sophie"), desk.socket("lucas")
    desk.available("lucas", other_agent_socket)
    requester, first = desk.started("marie", user_socket)
    desk.later(minutes=1)
    _, second = desk.started("julie")
    sophie = desk.agent("sophie", agent_socket)
    desk.later(minutes=1)
    chat.take(desk.ctx(), sophie, first.session.id)
    assert [s.id for s in desk.ports.chats.waiting(SUPPORT_QUEUE, 10)] == [second.session.id]
    told_before = len(desk.sockets.frames(other_agent_socket, "queue_changed"))

    chat.disconnect(desk.ctx(), agent_socket)

    stored = desk.ports.chats.load(first.session.id)
    assert stored is not None and stored.state is ChatState.WAITING and stored.agent is None
    assert stored.waiting_since == first.session.waiting_since  # first in line again
    assert [s.id for s in desk.ports.chats.waiting(SUPPORT_QUEUE, 10)] == [first.session.id, second.session.id]
    assert texts(desk.sockets.frames(user_socket))[-1] == messages.CHAT_AGENT_LEFT
    assert desk.sockets.frames(user_socket, "state")[-1]["chat"]["state"]["code"] == "WAITING"
    assert len(desk.sockets.frames(other_agent_socket, "queue_changed")) == told_before + 1
    assert agent_socket not in stored.connections and desk.ports.chat_connections.load(agent_socket) is None
    # Another agent takes it and the conversation goes on.
    chat.take(desk.ctx(), desk.agent("lucas", other_agent_socket), first.session.id)
    chat.send_mine(desk.ctx(), requester, "Me revoilà.")
    assert texts(desk.sockets.frames(other_agent_socket))[-1] == "Me revoilà."


def test_an_agent_with_another_socket_on_the_chat_keeps_it(desk: Desk) -> None:
    desk.started("marie")
    _, started = desk.started("julie")
    tab1, tab2 = desk.socket("sophie"), desk.socket("sophie")
    chat.take(desk.ctx(), desk.agent("sophie", tab1), started.session.id)
    chat.read_as_agent(desk.ctx(), desk.agent("sophie", tab2), started.session.id, 0)
    chat.disconnect(desk.ctx(), tab1)
    stored = desk.ports.chats.load(started.session.id)
    assert stored is not None and stored.state is ChatState.ACTIVE and set(stored.connections) == {tab2}


def test_a_closed_socket_is_forgotten_when_a_push_finds_it_gone(desk: Desk) -> None:
    user_socket = desk.socket("marie")
    requester, started = desk.started("marie", user_socket)
    sophie = desk.agent("sophie")
    chat.take(desk.ctx(), sophie, started.session.id)
    desk.sockets.drop(user_socket)  # closed without $disconnect (the network went): API Gateway answers 410

    chat.send_as_agent(desk.ctx(), sophie, started.session.id, "Êtes-vous là ?")

    stored = desk.ports.chats.load(started.session.id)
    assert stored is not None and user_socket not in stored.connections
    assert desk.ports.chat_connections.load(user_socket) is None
    assert stored.state is ChatState.ACTIVE  # a user's socket going leaves the chat as it is
    assert chat.read_mine(desk.ctx(), requester, 2).messages[0].text == "Êtes-vous là ?"  # the REST fallback


def test_a_chat_is_handed_to_an_available_colleague_of_its_queue_only(desk: Desk) -> None:
    _, started = desk.started("marie")
    chat_id = started.session.id
    sophie = desk.agent("sophie")
    chat.take(desk.ctx(), sophie, chat_id)
    with pytest.raises(Conflict) as away:
        chat.hand_over(desk.ctx(), sophie, chat_id, fixtures.USER_IDS["lucas"])
    assert away.value.message == messages.CHAT_COLLEAGUE_AWAY.format(name=fixtures.NAMES["lucas"])
    with pytest.raises(InvalidInput) as stranger:
        chat.hand_over(desk.ctx(), sophie, chat_id, fixtures.USER_IDS["ines"])
    assert stranger.value.errors[0].message == messages.CHAT_COLLEAGUE_UNKNOWN
    lucas_socket = desk.socket("lucas")
    desk.available("lucas", lucas_socket)

    session = chat.hand_over(desk.ctx(), sophie, chat_id, fixtures.USER_IDS["lucas"])

    assert session.agent is not None and session.agent.id == fixtures.USER_IDS["lucas"]
    assert desk.sockets.frames(lucas_socket, "state")[-1]["chat"]["agent"]["id"] == fixtures.USER_IDS["lucas"]
    with pytest.raises(Conflict):
        chat.send_as_agent(desk.ctx(), sophie, chat_id, "Encore moi")
    chat.send_as_agent(desk.ctx(), desk.agent("lucas"), chat_id, "Je prends la suite.")
    line = messages.CHAT_HANDED_OVER.format(agent=fixtures.NAMES["sophie"], colleague=fixtures.NAMES["lucas"])
    assert [m.text for m in desk.ports.chats.read(chat_id, 2, 10)[1]] == [line, "Je prends la suite."]


# ------------------------------------------------------------------------------------------------ the end
def test_the_agent_turns_the_chat_into_a_ticket_of_the_requester_with_the_transcript(desk: Desk) -> None:
    requester, started = desk.started("marie")
    chat_id = started.session.id
    sophie = desk.agent("sophie")
    chat.take(desk.ctx(), sophie, chat_id)
    chat.send_mine(desk.ctx(), requester, "La facture FAC-2026-0101 est rejetée.")
    chat.send_as_agent(desk.ctx(), sophie, chat_id, "Je transmets au service concerné.")

    ended = chat.end_as_agent(desk.ctx(), sophie, chat_id, Outcome.TICKET)

    assert ended.state is ChatState.ENDED and ended.filed is not None
    ticket = desk.ports.tickets.load_ticket(ended.filed)
    assert ticket is not None and ticket.status is Status.OPEN
    assert ticket.created_by.id == fixtures.USER_IDS["marie"] and ticket.content.emitter_siret == fixtures.DUPONT
    assert (ticket.content.category, ticket.content.subcategory) == (
        started.session.category,
        started.session.subcategory,
    )
    description = ticket.content.description or ""
    assert SAID_TO_ASSISTANT in description
    assert f"{fixtures.NAMES['sophie']} : Je transmets au service concerné." in description
    assert f"{fixtures.NAMES['marie']} : La facture FAC-2026-0101 est rejetée." in description
    lines = [m.text for m in desk.ports.chats.read(chat_id, 0, 20)[1]]
    assert lines[-2:] == [messages.CHAT_ENDED_BY_AGENT, messages.CHAT_TICKET_FILED.format(number=ended.filed)]
    # The chat's lines join the conversation, which goes back to its start.
    conversation = desk.ports.conversations.load_conversation(requester.conversation_id)
    assert conversation is not None and conversation.step == "HOME"
    agent_lines = [t for t in conversation.transcript if t.by is Speaker.AGENT]
    assert [(t.name, t.text) for t in agent_lines] == [(fixtures.NAMES["sophie"], "Je transmets au service concerné.")]


@pytest.mark.parametrize(
    ("alias", "message"),
    [(None, messages.CHAT_TICKET_NEEDS_ACCOUNT), ("sophie", messages.CHAT_TICKET_NEEDS_STRUCTURE)],
)
def test_a_ticket_needs_a_requester_with_a_structure_and_nothing_ends(
    desk: Desk, alias: str | None, message: str
) -> None:
    _, started = desk.started(alias)
    lucas = desk.agent("lucas")
    chat.take(desk.ctx(), lucas, started.session.id)
    with pytest.raises(Conflict) as refused:
        chat.end_as_agent(desk.ctx(), lucas, started.session.id, Outcome.TICKET)
    assert refused.value.message == message
    stored = desk.ports.chats.load(started.session.id)
    assert stored is not None and stored.state is ChatState.ACTIVE


def test_a_user_who_leaves_the_queue_is_offered_the_hand_over_ticket_by_the_assistant(desk: Desk) -> None:
    requester, started = desk.started("marie")
    ended = chat.end_mine(desk.ctx(), requester)
    assert ended.state is ChatState.ENDED and ended.ended_by is Author.REQUESTER
    conversation = desk.ports.conversations.load_conversation(requester.conversation_id)
    assert conversation is not None and conversation.step == "CONTACT_AGENT"
    assert desk.ports.chats.waiting(SUPPORT_QUEUE, 10) == []
    assert chat.end_mine(desk.ctx(), requester).version == ended.version  # leaving twice changes nothing
    with pytest.raises(Conflict):
        chat.send_mine(desk.ctx(), requester, "Encore là ?")
    assert started.session.id == ended.id


def test_feedback_once_the_chat_ended_once_and_counted_apart_from_the_assistants(desk: Desk) -> None:
    requester, _ = desk.started(None)
    with pytest.raises(Conflict) as early:
        chat.rate_mine(desk.ctx(), requester, Rating.UP, None, None)
    assert early.value.message == messages.CHAT_FEEDBACK_AT_END
    chat.end_mine(desk.ctx(), requester)
    with pytest.raises(InvalidInput) as incomplete:
        chat.rate_mine(desk.ctx(), requester, Rating.DOWN, None, "")
    assert {e.field for e in incomplete.value.errors} == {"reason", "comment"}

    chat.rate_mine(desk.ctx(), requester, Rating.DOWN, FeedbackReason.COMPLICATED, "Trop d'attente")

    with pytest.raises(Conflict) as again:
        chat.rate_mine(desk.ctx(), requester, Rating.UP, None, None)
    assert again.value.message == messages.CHAT_FEEDBACK_ALREADY
    day = desk.now.date()
    assert desk.ports.chats.ratings(day, day) == {day: {"DOWN": 1, "COMPLICATED": 1}}
    assert desk.ports.satisfaction.read(day, day) == {}  # the assistant's figures are its own
    assert chat.satisfaction(desk.ctx(), fixtures.user(desk.ports, "sophie"), day, day) == {
        day: {"DOWN": 1, "COMPLICATED": 1}
    }
    with pytest.raises(Forbidden):
        chat.satisfaction(desk.ctx(), fixtures.user(desk.ports, "claire"), day, day)


def test_the_transcript_goes_once_to_the_accounts_address_or_to_the_one_a_visitor_gives(desk: Desk) -> None:
    requester, started = desk.started("marie")
    with pytest.raises(Conflict):
        chat.mail_transcript(desk.ctx(), requester, None)  # not before the end
    chat.end_mine(desk.ctx(), requester)
    with pytest.raises(InvalidInput):
        chat.mail_transcript(desk.ctx(), requester, "autre@example.fr")  # the account's address only
    chat.mail_transcript(desk.ctx(), requester, None)
    assert desk.ports.chats.transcript_address(started.session.id) == fixtures.EMAILS["marie"]
    with pytest.raises(Conflict):
        chat.mail_transcript(desk.ctx(), requester, None)

    visitor, anonymous = desk.started(None)
    chat.end_mine(desk.ctx(), visitor)
    for wrong in (None, "pas-une-adresse"):
        with pytest.raises(InvalidInput):
            chat.mail_transcript(desk.ctx(), visitor, wrong)
    assert desk.ports.chats.transcript_address(anonymous.session.id) is None
    chat.mail_transcript(desk.ctx(), visitor, "visiteur@example.fr")
    assert desk.ports.chats.transcript_address(anonymous.session.id) == "visiteur@example.fr"


def test_a_long_wait_is_offered_the_ticket_once(desk: Desk) -> None:
    user_socket = desk.socket(None)
    requester, started = desk.started(None, user_socket)
    assert chat.remind_waiting(desk.ctx()) == 0
    desk.later(seconds=desk.rules.waiting.total_seconds() + 1)
    assert chat.remind_waiting(desk.ctx()) == 1
    assert chat.remind_waiting(desk.ctx()) == 0
    assert texts(desk.sockets.frames(user_socket)) == [messages.CHAT_OFFER_TICKET]
    assert desk.sockets.frames(user_socket, "state")[-1]["chat"]["ticket_offered"] is True
    read = chat.read_mine(desk.ctx(), requester, 0)
    assert read.session.offered and read.session.id == started.session.id


# ------------------------------------------------------------------------------------------- a business service
def test_a_chat_about_a_sent_ticket_waits_in_its_recipients_queue(desk: Desk) -> None:
    number = fixtures.new_ticket(
        desk.ports,
        "marie",
        category="FACTURES_EMISES",
        subcategory="QUESTION_DESTINATAIRE_FACTURE",
        object_type="FACTURE",
        object_number="FAC-2026-0101",
    )
    recipient = desk.ports.tickets.load_ticket(number)
    assert recipient is not None and recipient.recipient is not None
    queue = recipient.recipient.org.key
    assert queue == f"STRUCTURE#{fixtures.SAINT_LEGER}"
    hugo_socket = desk.socket("hugo")
    desk.available("hugo", hugo_socket)  # a member of the commune, its recipient

    started = chat.start(desk.ctx(), desk.requester("marie", desk.conversation("marie")), ticket=number)

    assert (started.session.queue, started.session.ticket) == (queue, number)
    assert desk.sockets.frames(hugo_socket, "queue_changed")
    assert [s.id for q in chat.queues(desk.ctx(), desk.agent("hugo")) for s in q.waiting] == [started.session.id]
    with pytest.raises(NotFound):
        chat.take(desk.ctx(), desk.agent("sophie"), started.session.id)  # not the support's
    with pytest.raises(NotFound):  # another user's ticket: the same answer as an unknown one
        chat.start(desk.ctx(), desk.requester("nora", desk.conversation("nora")), ticket=number)


def test_a_visitor_cannot_chat_about_a_ticket(desk: Desk) -> None:
    desk.available("sophie")
    with pytest.raises(InvalidInput):
        chat.start(desk.ctx(), desk.requester(None, desk.conversation(None)), ticket=1)


# ------------------------------------------------------------------------------------------------ sockets
def test_a_visitor_socket_opens_on_a_live_anonymous_conversation_only(desk: Desk) -> None:
    anonymous, mine = desk.conversation(None), desk.conversation("marie")
    connection = chat.connect_visitor(desk.ports, desk.now, "conn-1", anonymous)
    assert connection.conversation_id == anonymous and desk.ports.chat_connections.load("conn-1") == connection
    for refused in (mine, "Zz" + anonymous[2:], None):
        with pytest.raises(NotAuthenticated) as raised:
            chat.connect_visitor(desk.ports, desk.now, "conn-2", refused)
        assert raised.value.message == messages.CHAT_CONNECT_REFUSED
    desk.later(minutes=30)
    with pytest.raises(NotAuthenticated):
        chat.connect_visitor(desk.ports, desk.now, "conn-3", anonymous)
    assert desk.ports.chat_connections.load("conn-2") is None and desk.ports.chat_connections.load("conn-3") is None


def test_a_write_that_keeps_meeting_others_gives_up_with_a_french_conflict(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    requester, _ = desk.started("marie")

    def always_late(*_args: Any, **_kwargs: Any) -> None:
        raise ConcurrentModification("late")

    monkeypatch.setattr(desk.ports.chats, "save", always_late)
    with pytest.raises(ConcurrentModification) as refused:
        chat.send_mine(desk.ctx(), requester, "Bonjour")
    assert refused.value.message == messages.CHAT_BUSY
