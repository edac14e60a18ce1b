"""The live chat's storage contract: the same assertions against the in-memory adapters and the DynamoDB ones (moto),
through the ports only (``ChatSessions``, ``ChatConnections``): a session changes only if it is still as read, a
message number is taken once, the queues and the reminder read their chats in waiting order, the seats, one rating
and one transcript per chat, the sockets and what they follow."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from chorus_desk.chats import (
    SUPPORT_QUEUE,
    Author,
    ChatMessage,
    ChatSession,
    ChatState,
    Connection,
    ConnectionKind,
    Seat,
)
from chorus_desk.errors import ConcurrentModification
from chorus_desk.models import Feedback, FeedbackReason, Person, Rating, Speaker, Turn
from chorus_desk.ports import Ports
from local_stack.aws import serialize_dynamodb_writes
from tests.fixtures import NAMES, SAINT_LEGER, USER_IDS

T0 = datetime(2026, 12, 7, 9, 0, 0, 123456, tzinfo=UTC)
OTHER_QUEUE = f"STRUCTURE#{SAINT_LEGER}"


@pytest.fixture(params=["memory", "dynamo"])
def ports(request: pytest.FixtureRequest) -> Ports:
    seeded: Ports = request.getfixturevalue(request.param)
    return seeded


def person(alias: str) -> Person:
    return Person(id=USER_IDS[alias], name=NAMES[alias])


def session(chat_id: str, queue: str = SUPPORT_QUEUE, since: datetime = T0, **changes: object) -> ChatSession:
    values: dict[str, object] = {
        "id": chat_id,
        "conversation_id": f"conversation-of-{chat_id}",
        "queue": queue,
        "queue_name": "Support technique Chorus Pro",
        "state": ChatState.WAITING,
        "requester": person("marie"),
        "structure_siret": "53453679200011",
        "structure_name": "Menuiserie Dupont",
        "category": "FACTURES_RECUES",
        "subcategory": "AUTRE",
        "context": (Turn(by=Speaker.USER, text="Bonjour « ClaudIA » !", at=since - timedelta(minutes=1)),),
        "created_at": since,
        "waiting_since": since,
        "last_seq": 1,
        "expires_at": since + timedelta(days=7),
    }
    return ChatSession.model_validate({**values, **changes})


def line(seq: int, text: str = "…", by: Author = Author.SYSTEM, at: datetime = T0) -> ChatMessage:
    return ChatMessage(seq=seq, by=by, text=text, at=at, name=NAMES["sophie"] if by is Author.AGENT else None)


def created(
    ports: Ports,
    chat_id: str = "chat-aaaaaaaaaaaaaaaa",
    queue: str = SUPPORT_QUEUE,
    since: datetime = T0,
    **changes: object,
) -> ChatSession:
    stored = session(chat_id, queue, since, **changes)
    ports.chats.create(stored, line(1, "Vous êtes en file d'attente."))
    return stored


def said(ports: Ports, before: ChatSession, text: str) -> ChatSession:
    message = line(before.last_seq + 1, text, Author.REQUESTER)
    after = before.model_copy(update={"last_seq": message.seq})
    ports.chats.save(before, after, message)
    return after


# ------------------------------------------------------------------------------------------------ sessions
def test_a_session_is_stored_whole_with_its_first_message_and_only_once(ports: Ports) -> None:
    stored = created(ports)
    loaded = ports.chats.load(stored.id)
    assert loaded == stored
    assert ports.chats.load("chat-unknown-00000000") is None
    with pytest.raises(ConcurrentModification):
        created(ports)
    read, found = ports.chats.read(stored.id, 0, 10)
    assert read == stored and [m.text for m in found] == ["Vous êtes en file d'attente."]


def test_messages_are_read_after_a_cursor_in_order_a_page_at_a_time(ports: Ports) -> None:
    current = created(ports)
    for index in range(2, 8):
        current = said(ports, current, f"message {index}")
    session_read, found = ports.chats.read(current.id, 3, 2)
    assert [m.seq for m in found] == [4, 5]
    assert session_read is not None and session_read.last_seq == 7  # the session comes with any page
    assert [m.seq for m in ports.chats.read(current.id, 5, 10)[1]] == [6, 7]
    assert ports.chats.read(current.id, 7, 10)[1] == []
    assert ports.chats.read("chat-unknown-00000000", 0, 10) == (None, [])


def test_a_change_applies_only_to_the_session_as_it_was_read(ports: Ports) -> None:
    read = created(ports)
    taken = read.model_copy(
        update={"state": ChatState.ACTIVE, "agent": person("sophie"), "taken_at": T0, "version": 2, "last_seq": 2}
    )
    ports.chats.save(read, taken, line(2, "Sophie a rejoint la discussion."))
    also = read.model_copy(
        update={"state": ChatState.ACTIVE, "agent": person("lucas"), "taken_at": T0, "version": 2, "last_seq": 2}
    )
    with pytest.raises(ConcurrentModification):
        ports.chats.save(read, also, line(2, "Lucas a rejoint la discussion."))
    stored = ports.chats.load(read.id)
    assert stored is not None and stored.agent == person("sophie")
    assert [m.text for m in ports.chats.read(read.id, 1, 10)[1]] == ["Sophie a rejoint la discussion."]
    # A message written meanwhile makes a change read before it fail too (its number was taken).
    with pytest.raises(ConcurrentModification):
        said(ports, read, "trop tard")
    said(ports, taken, "à temps")
    ended = taken.model_copy(update={"state": ChatState.ENDED, "version": 3, "ended_at": T0})
    with pytest.raises(ConcurrentModification):
        ports.chats.save(taken, ended)


def test_two_messages_written_at_once_never_share_a_number(ports: Ports) -> None:
    serialize_dynamodb_writes()  # DynamoDB applies each conditional write atomically; moto needs a lock
    read = created(ports)
    outcomes: list[str] = []
    barrier = threading.Barrier(6)

    def write(index: int) -> None:
        barrier.wait()
        try:
            said(ports, read, f"message {index}")
            outcomes.append("written")
        except ConcurrentModification:
            outcomes.append("refused")

    threads = [threading.Thread(target=write, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 5 + ["written"]
    assert [m.seq for m in ports.chats.read(read.id, 0, 10)[1]] == [1, 2]


def test_a_change_read_before_a_socket_followed_is_refused_and_one_read_after_keeps_the_sockets(ports: Ports) -> None:
    read = created(ports)
    ports.chats.follow(read.id, "conn-1", "REQUESTER")
    ports.chats.follow(read.id, "conn-2", f"AGENT:{USER_IDS['sophie']}")
    # Read before the sockets came: written, it would push to none of them, so it is refused (read again).
    stale = read.model_copy(update={"offered": True, "version": read.version + 1})
    with pytest.raises(ConcurrentModification):
        ports.chats.save(read, stale)
    again = ports.chats.load(read.id)
    assert again is not None and again.version > read.version and not again.offered
    assert set(again.connections) == {"conn-1", "conn-2"}  # the sockets a change read now pushes to
    ports.chats.save(again, again.model_copy(update={"offered": True, "version": again.version + 1}))
    stored = ports.chats.load(read.id)
    assert stored is not None and stored.offered
    assert stored.connections == {"conn-1": "REQUESTER", "conn-2": f"AGENT:{USER_IDS['sophie']}"}
    ports.chats.unfollow(read.id, "conn-1")
    ports.chats.unfollow(read.id, "conn-unknown")
    ports.chats.follow("chat-unknown-00000000", "conn-3", "REQUESTER")  # no session: nothing
    assert ports.chats.load("chat-unknown-00000000") is None
    stored = ports.chats.load(read.id)
    assert stored is not None and set(stored.connections) == {"conn-2"}


# ------------------------------------------------------------------------------------------------ queues
def test_a_queue_lists_its_waiting_chats_longest_waiting_first(ports: Ports) -> None:
    late = created(ports, "chat-late-0000000000", since=T0 + timedelta(minutes=3))
    early = created(ports, "chat-early-000000000", since=T0 + timedelta(seconds=1))
    elsewhere = created(ports, "chat-elsewhere-00000", queue=OTHER_QUEUE)
    assert [s.id for s in ports.chats.waiting(SUPPORT_QUEUE, 10)] == [early.id, late.id]
    assert [s.id for s in ports.chats.waiting(SUPPORT_QUEUE, 1)] == [early.id]
    assert [s.id for s in ports.chats.waiting(OTHER_QUEUE, 10)] == [elsewhere.id]
    taken = early.model_copy(update={"state": ChatState.ACTIVE, "agent": person("sophie"), "version": 2})
    ports.chats.save(early, taken)
    assert [s.id for s in ports.chats.waiting(SUPPORT_QUEUE, 10)] == [late.id]
    back = taken.model_copy(update={"state": ChatState.WAITING, "agent": None, "version": 3})
    ports.chats.save(taken, back)  # its place kept: first again
    assert [s.id for s in ports.chats.waiting(SUPPORT_QUEUE, 10)] == [early.id, late.id]


def test_the_reminder_finds_the_long_waits_of_every_queue_not_yet_offered(ports: Ports) -> None:
    first = created(ports, "chat-first-000000000", since=T0)
    other = created(ports, "chat-other-000000000", queue=OTHER_QUEUE, since=T0 + timedelta(minutes=1))
    created(ports, "chat-recent-00000000", since=T0 + timedelta(minutes=9))
    due = T0 + timedelta(minutes=5)
    assert [s.id for s in ports.chats.overdue(due, 10)] == [first.id, other.id]
    ports.chats.save(first, first.model_copy(update={"offered": True, "version": 2}))
    assert [s.id for s in ports.chats.overdue(due, 10)] == [other.id]
    ended = other.model_copy(update={"state": ChatState.ENDED, "ended_at": due, "version": 2})
    ports.chats.save(other, ended)
    assert ports.chats.overdue(due, 10) == []


def test_seats_say_who_is_available_until_when_and_which_sockets_hear_the_news(ports: Ports) -> None:
    until = T0 + timedelta(hours=2)
    ports.chats.sit(Seat(queue=SUPPORT_QUEUE, agent=person("sophie"), available=True, until=until), "conn-1")
    ports.chats.sit(Seat(queue=SUPPORT_QUEUE, agent=person("sophie"), available=True, until=until), "conn-2")
    ports.chats.sit(Seat(queue=SUPPORT_QUEUE, agent=person("lucas"), available=True, until=until))
    seats = {s.agent.id: s for s in ports.chats.seats(SUPPORT_QUEUE)}
    assert seats[USER_IDS["sophie"]].connections == {"conn-1", "conn-2"}
    assert seats[USER_IDS["sophie"]].until == until and seats[USER_IDS["sophie"]].is_available(T0)
    assert not seats[USER_IDS["sophie"]].is_available(until)
    assert seats[USER_IDS["lucas"]].connections == frozenset()
    ports.chats.leave_seat(SUPPORT_QUEUE, USER_IDS["sophie"], "conn-1")
    ports.chats.leave_seat(SUPPORT_QUEUE, USER_IDS["lucas"], "conn-9")
    assert {s.agent.id: s.connections for s in ports.chats.seats(SUPPORT_QUEUE)}[USER_IDS["sophie"]] == {"conn-2"}
    ports.chats.sit(Seat(queue=SUPPORT_QUEUE, agent=person("sophie"), available=False, until=T0))
    away = {s.agent.id: s for s in ports.chats.seats(SUPPORT_QUEUE)}[USER_IDS["sophie"]]
    assert not away.available and away.connections == frozenset()
    assert ports.chats.seats(OTHER_QUEUE) == []


# ------------------------------------------------------------------------------------ ratings, transcripts
def test_one_rating_per_chat_counted_by_day_and_reason(ports: Ports) -> None:
    first, second = created(ports, "chat-one-00000000000"), created(ports, "chat-two-00000000000")
    down = Feedback(rating=Rating.DOWN, reason=FeedbackReason.IMPRECISE, comment="Trop vague", at=T0)
    day = T0.date()
    assert ports.chats.rate(first, down, day)
    assert not ports.chats.rate(first, Feedback(rating=Rating.UP, at=T0), day)
    assert ports.chats.rate(second, Feedback(rating=Rating.UP, at=T0), day + timedelta(days=1))
    assert ports.chats.ratings(day, day) == {day: {"DOWN": 1, "IMPRECISE": 1}}
    assert ports.chats.ratings(day, day + timedelta(days=40)) == {
        day: {"DOWN": 1, "IMPRECISE": 1},
        day + timedelta(days=1): {"UP": 1},
    }
    stored = ports.chats.load(first.id)
    assert stored is not None and stored.feedback == down
    assert ports.satisfaction.read(day, day) == {}  # the assistant's ratings are apart


def test_a_transcript_is_asked_once_per_chat(ports: Ports) -> None:
    stored = created(ports)
    assert ports.chats.transcript_address(stored.id) is None
    assert ports.chats.ask_transcript(stored, "marie.dupont@menuiserie-dupont.example", T0)
    assert not ports.chats.ask_transcript(stored, "autre@example.fr", T0)
    assert ports.chats.transcript_address(stored.id) == "marie.dupont@menuiserie-dupont.example"
    loaded = ports.chats.load(stored.id)
    assert loaded is not None and loaded.transcript_to


# ------------------------------------------------------------------------------------------------ sockets
def test_a_socket_is_recorded_notes_what_it_follows_and_is_forgotten_once(ports: Ports) -> None:
    connection = Connection(
        id="conn-abc",
        kind=ConnectionKind.USER,
        user_id=USER_IDS["sophie"],
        connected_at=T0,
        expires_at=(T0 + timedelta(hours=3)).replace(microsecond=0),
    )
    ports.chat_connections.open(connection)
    assert ports.chat_connections.load("conn-abc") == connection
    ports.chat_connections.join("conn-abc", chat_id="chat-1")
    ports.chat_connections.join("conn-abc", chat_id="chat-2", queue=SUPPORT_QUEUE)
    ports.chat_connections.join("conn-unknown", chat_id="chat-1")  # closed meanwhile: nothing
    assert ports.chat_connections.load("conn-unknown") is None
    closed = ports.chat_connections.close("conn-abc")
    assert closed == connection.model_copy(update={"chats": {"chat-1", "chat-2"}, "queues": {SUPPORT_QUEUE}})
    assert ports.chat_connections.close("conn-abc") is None
    visitor = Connection(
        id="conn-visitor",
        kind=ConnectionKind.VISITOR,
        conversation_id="conversation-0000001",
        connected_at=T0,
        expires_at=(T0 + timedelta(hours=3)).replace(microsecond=0),
    )
    ports.chat_connections.open(visitor)
    assert ports.chat_connections.load("conn-visitor") == visitor
