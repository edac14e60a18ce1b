"""The live chat: « Contacter un agent » reaches a person (seeds 001 and 004), over the WebSocket API or its REST
counterparts, with the same rules.

The user's side goes through their assistant conversation (``Requester``: a signed-in user, or an anonymous
visitor who holds the conversation's id, as on the public assistant routes): the conversation names its chat, and
the chat's lines join the conversation's transcript when it ends. The agent's side goes by the chat's id
(``Agent``): an agent is a member of the queue's organisation, the technical support's or a business service's
(a chat about one of the requester's tickets waits in the queue of the ticket's recipient).

Every change of a chat is conditioned on the session as it was read (``ChatSessions.save``): two agents taking one
chat, one wins; two messages at once, each gets its own number, none is lost. Authorization is decided on what was
read before anything is written; a chat that is not the caller's is answered as an unknown one. Each change is
pushed to the sockets that follow the chat; a socket found closed (``ConnectionGone``) is forgotten, and an agent
whose last socket closed mid-chat gives the chat back to its queue, at its place.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from chorus_desk import catalogue, faq, messages
from chorus_desk.actors import Identity, SignedInUser
from chorus_desk.chats import (
    SUPPORT_QUEUE,
    Author,
    ChatMessage,
    ChatSession,
    ChatState,
    Connection,
    ConnectionKind,
    OfficeHours,
    Outcome,
    Seat,
)
from chorus_desk.commands import ContentChanges, CreateTicket
from chorus_desk.errors import (
    ChatClosed,
    ConcurrentModification,
    Conflict,
    ConnectionGone,
    FieldError,
    Forbidden,
    Gone,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PushFailed,
)
from chorus_desk.lifecycle import Side, Status
from chorus_desk.listing import PARIS
from chorus_desk.models import (
    _EMAIL,
    Conversation,
    Feedback,
    FeedbackReason,
    OrgKind,
    Person,
    Rating,
    Speaker,
    TicketContent,
    Turn,
    utc_now,
)
from chorus_desk.observability import logger, mask_email, metrics
from chorus_desk.ports import ChatFrames, ChatSessions, Ports, Pusher, TokenVerifier
from chorus_desk.usecases import assistant, tickets
from chorus_desk.usecases.account import signed_in_user

MAX_TEXT = 2000  # characters of one message (the frame's bytes are limited before: ``ChatSettings.max_frame_bytes``)
PAGE = 200  # messages per read (a reader follows ``more`` with the last number it got)
RETENTION = timedelta(days=7)  # a chat and its messages stay this long after their last change (the table's TTL)
CONNECTION_LIFETIME = timedelta(hours=3)  # API Gateway closes a socket after 2 hours; its record goes after 3
CONTEXT_TURNS = 20  # the assistant's lines an agent is shown (the latest), and their size at most
CONTEXT_BYTES = 6_000  # kept in the session item: every write of the chat pays for its size
ATTEMPTS = 8  # a write that met another on the same chat is tried again on what it reads then
WAITING_PAGE = 50  # chats an agent's queue shows at once (the longest waiting)
OVERDUE_PAGE = 100  # chats the reminder tells per run
REQUESTER = "REQUESTER"  # the roles of the sockets that follow a chat (``ChatSession.connections``)
AGENT = "AGENT"


@dataclass(frozen=True)
class Rules:
    """The template's parameters: when agents answer, how long a visitor waits before being offered the ticket,
    how long an agent's « disponible » lasts without being said again."""

    hours: OfficeHours
    waiting: timedelta
    availability: timedelta


@dataclass(frozen=True)
class Context:
    ports: Ports
    pusher: Pusher
    frames: ChatFrames
    rules: Rules
    assistant_name: str
    now: datetime = field(default_factory=utc_now)

    @property
    def chats(self) -> ChatSessions:
        return self.ports.chats


@dataclass(frozen=True)
class Requester:
    """The user's side: a signed-in user or an anonymous visitor (``user`` None), through their conversation;
    ``connection``: the socket the request came on (it follows the chat)."""

    user: SignedInUser | None
    conversation_id: str
    connection: str | None = None


@dataclass(frozen=True)
class Agent:
    user: SignedInUser
    connection: str | None = None


@dataclass(frozen=True)
class Availability:
    """Whether a chat can start now in a queue, and why not (French)."""

    open: bool
    hours: str
    agents: int
    reason: str | None = None


@dataclass(frozen=True)
class Read:
    """A chat as read: the session, its messages after the reader's cursor, and whether more follow."""

    session: ChatSession
    messages: list[ChatMessage]
    more: bool = False


@dataclass(frozen=True)
class Queue:
    """One queue an agent serves: its key, its name, the agent's seat there, and the chats waiting in it."""

    key: str
    name: str
    seat: Seat | None
    waiting: list[ChatSession]
    agents: list[Person] = field(default_factory=list)  # the available agents (a chat is handed to one of them)


# ------------------------------------------------------------------------------------------- availability
def desk_status(chats: ChatSessions, hours: OfficeHours, now: datetime, queue: str = SUPPORT_QUEUE) -> Availability:
    """Open in the office hours when at least one agent of the queue said « disponible » (and it has not lapsed)."""
    described = hours.describe()
    if not hours.is_open(now):
        return Availability(False, described, 0, messages.CHAT_CLOSED_HOURS.format(hours=described))
    agents = sum(1 for seat in chats.seats(queue) if seat.is_available(now))
    if not agents:
        return Availability(False, described, 0, messages.CHAT_NO_AGENT)
    return Availability(True, described, agents)


def _queue_name(ctx: Context, queue: str) -> str:
    kind, _, org_id = queue.partition("#")
    if kind == OrgKind.TEAM.value:
        team = ctx.ports.directory.load_team(org_id)
        return team.name if team else messages.TEAM_NAMES.get(org_id, org_id)
    structure = ctx.ports.directory.load_structure(org_id)
    return structure.designation if structure else org_id


def agent_queues(ctx: Context, user: SignedInUser) -> list[tuple[str, str]]:
    """The queues ``user`` answers: their teams' and their public structures' (business services receive
    tickets, so chats about them); (key, name), teams first."""
    found = [(m.org.key, m.org_name) for m in user.memberships if m.org.kind is OrgKind.TEAM]
    for membership in user.structures:
        structure = ctx.ports.directory.load_structure(membership.org.id)
        if structure is not None and structure.public:
            found.append((membership.org.key, structure.designation))
    return found


# ----------------------------------------------------------------------------------------------- pushing
def _push(ctx: Context, connections: Mapping[str, str] | frozenset[str], data: bytes, skip: str | None = None) -> None:
    """Push ``data`` to each socket; a closed one is forgotten (and what it followed let go of it)."""
    for connection_id in list(connections):
        if connection_id == skip:
            continue
        try:
            ctx.pusher.push(connection_id, data)
        except ConnectionGone:
            logger.info("chat socket gone: forgotten", connection=connection_id)
            metrics.add_metric(name="ChatConnectionGone", unit="Count", value=1)
            disconnect(ctx, connection_id)
        except PushFailed:
            logger.warning("chat frame not pushed: the client reads it with its cursor", connection=connection_id)
            metrics.add_metric(name="ChatPushFailed", unit="Count", value=1)


def _announce(ctx: Context, session: ChatSession, message: ChatMessage | None, skip: str | None = None) -> None:
    """Tell the chat's sockets its new state, then its new message."""
    _push(ctx, session.connections, ctx.frames.state(session, ctx.now), skip)
    if message is not None:
        _push(ctx, session.connections, ctx.frames.message(session, message), skip)


def _announce_queue(ctx: Context, queue: str, name: str, skip: str | None = None) -> None:
    """Tell the available agents of ``queue`` that it changed (a chat came in, was taken, came back); not the
    socket the change came from."""
    data = ctx.frames.queue(queue, name)
    for seat in ctx.chats.seats(queue):
        if seat.is_available(ctx.now) and seat.connections:
            _push(ctx, seat.connections, data, skip)


def _follow(ctx: Context, session: ChatSession, connection: str | None, role: str) -> ChatSession:
    if connection is None or connection in session.connections:
        return session
    ctx.chats.follow(session.id, connection, role)
    ctx.ports.chat_connections.join(connection, chat_id=session.id)
    return session.model_copy(update={"connections": {**session.connections, connection: role}})


# ------------------------------------------------------------------------------------------- who may read
def _conversation(ctx: Context, requester: Requester) -> Conversation:
    conversation = ctx.ports.conversations.load_conversation(requester.conversation_id)
    owner = requester.user.id if requester.user else None
    if conversation is None or conversation.owner != owner:
        raise NotFound(messages.CONVERSATION_NOT_FOUND)
    return conversation


def _chat_of(ctx: Context, requester: Requester) -> str:
    chat_id = _conversation(ctx, requester).memory.get("chat")
    if not chat_id:
        raise NotFound(messages.CHAT_NONE_IN_CONVERSATION)
    return chat_id


def _live(ctx: Context, session: ChatSession | None) -> ChatSession:
    if session is None or session.expires_at <= ctx.now:
        raise NotFound(messages.CHAT_NOT_FOUND)
    return session


def _in_queue(agent: Agent, session: ChatSession | None) -> ChatSession:
    """The chat if ``agent`` answers its queue; else the answer of an unknown chat."""
    if session is None or not any(m.org.key == session.queue for m in agent.user.memberships):
        raise NotFound(messages.CHAT_NOT_FOUND)
    return session


def _agent_role(agent: Agent) -> str:
    return f"{AGENT}:{agent.user.id}"


def _text(text: str | None) -> str:
    value = (text or "").strip()
    if not value:
        raise InvalidInput([FieldError("text", messages.CHAT_TEXT_REQUIRED)])
    if len(value) > MAX_TEXT:
        raise InvalidInput([FieldError("text", messages.CHAT_TEXT_TOO_LONG.format(max=MAX_TEXT))])
    return value


# ------------------------------------------------------------------------------------------- changes
Decision = tuple[dict[str, Any], str | None] | None  # what changes, and the desk's line about it; None: nothing


def _change(
    ctx: Context, chat_id: str, decide: Callable[[ChatSession], Decision], skip: str | None = None
) -> tuple[ChatSession, ChatMessage | None, bool]:
    """Read the chat, let ``decide`` refuse or say what changes (and the desk's line about it), write it if the
    chat is still as read, else read again and decide again; then push it. The chat, its new line, and whether
    anything changed."""
    for _ in range(ATTEMPTS):
        before = _live(ctx, ctx.chats.load(chat_id))
        decided = decide(before)
        if decided is None:
            return before, None, False
        updates, line = decided
        message = None
        seq = before.last_seq
        if line is not None:
            seq += 1
            message = ChatMessage(seq=seq, by=Author.SYSTEM, text=line, at=ctx.now)
        after = before.model_copy(
            update={**updates, "version": before.version + 1, "last_seq": seq, "expires_at": ctx.now + RETENTION}
        )
        try:
            ctx.chats.save(before, after, message)
        except ConcurrentModification:
            continue
        _announce(ctx, after, message, skip)
        return after, message, True
    raise ConcurrentModification(messages.CHAT_BUSY)


def _append(
    ctx: Context,
    chat_id: str,
    check: Callable[[ChatSession], None],
    by: Author,
    name: str | None,
    text: str,
    skip: str | None,
) -> tuple[ChatSession, ChatMessage]:
    """One message, numbered after the last one stored (another arriving first: read again, number again)."""
    for _ in range(ATTEMPTS):
        before = _live(ctx, ctx.chats.load(chat_id))
        check(before)
        message = ChatMessage(seq=before.last_seq + 1, by=by, name=name, text=text, at=ctx.now)
        after = before.model_copy(update={"last_seq": message.seq, "expires_at": ctx.now + RETENTION})
        try:
            ctx.chats.save(before, after, message)
        except ConcurrentModification:
            continue
        _push(ctx, after.connections, ctx.frames.message(after, message), skip)
        metrics.add_metric(name=f"ChatMessage{by.value.title()}", unit="Count", value=1)
        return after, message
    raise ConcurrentModification(messages.CHAT_BUSY)


# ------------------------------------------------------------------------------------------- the user's side
def _about_ticket(ctx: Context, requester: Requester, number: int) -> tuple[str, str, str, str]:
    """A chat about one of the requester's sent tickets waits in its recipient's queue: (queue, its name, the
    emitter's SIRET and name)."""
    if requester.user is None:
        raise InvalidInput([FieldError("ticket", messages.CHAT_SIGN_IN_FOR_TICKET)])
    seen = tickets.load_visible(ctx.ports, requester.user, number)
    ticket = seen.ticket
    if Side.EMITTER not in seen.sides or ticket.recipient is None or ticket.status is Status.DRAFT:
        raise InvalidInput([FieldError("ticket", messages.CHAT_TICKET_NOT_SENT.format(number=number))])
    emitter = ticket.emitter
    return (
        ticket.recipient.org.key,
        ticket.recipient.name,
        emitter.siret if emitter else "",
        emitter.designation if emitter else "",
    )


def _structure(requester: Requester, conversation: Conversation, siret: str | None) -> tuple[str | None, str | None]:
    """The requester's structure the chat is about: the one given, else the one the conversation is about,
    else their only one; someone with several must say which. A visitor has none."""
    user = requester.user
    if user is None:
        return None, None
    mine = {m.org.id: m.org_name for m in user.structures}
    if siret is not None:
        if siret not in mine:
            raise InvalidInput([FieldError("siret", messages.CHAT_SIRET_NOT_YOURS.format(siret=siret))])
        return siret, mine[siret]
    named = conversation.memory.get("structure")
    if named in mine:
        return named, mine[named]
    if len(mine) == 1:
        ((only, name),) = mine.items()
        return only, name
    if mine:
        raise InvalidInput([FieldError("siret", messages.CHAT_WHICH_STRUCTURE)])
    return None, None


def _context_turns(conversation: Conversation) -> tuple[Turn, ...]:
    kept = list(conversation.transcript[-CONTEXT_TURNS:])
    while kept and sum(len(t.text.encode("utf-8")) for t in kept) > CONTEXT_BYTES:
        kept.pop(0)
    return tuple(kept)


def start(ctx: Context, requester: Requester, siret: str | None = None, ticket: int | None = None) -> Read:
    """Open the conversation's chat (or give back the one under way): in the support's queue, or the business
    service's of the ticket it is about; refused (``ChatClosed``, French reason) when no agent answers now."""
    conversation = _conversation(ctx, requester)
    if conversation.expires_at <= ctx.now:
        raise Gone(messages.CONVERSATION_EXPIRED)
    current = conversation.memory.get("chat")
    if current:
        ongoing = ctx.chats.load(current)
        if ongoing is not None and ongoing.state is not ChatState.ENDED and ongoing.expires_at > ctx.now:
            return read_mine(ctx, requester, 0)  # the chat under way (the socket follows it)
    if ticket is not None:
        queue, queue_name, structure_siret, structure_name = _about_ticket(ctx, requester, ticket)
    else:
        queue, queue_name = SUPPORT_QUEUE, _queue_name(ctx, SUPPORT_QUEUE)
        found = _structure(requester, conversation, siret)
        structure_siret, structure_name = found[0] or "", found[1] or ""
    status = desk_status(ctx.chats, ctx.rules.hours, ctx.now, queue)
    if not status.open:
        metrics.add_metric(name="ChatRefusedClosed", unit="Count", value=1)
        raise ChatClosed(status.reason or messages.CHAT_NO_AGENT)
    topic = conversation.memory.get("topic")
    category, subcategory = faq.handover_pair(faq.Topic(topic) if topic else None)
    user = requester.user
    session = ChatSession(
        id=secrets.token_urlsafe(16),
        conversation_id=conversation.id,
        queue=queue,
        queue_name=queue_name,
        state=ChatState.WAITING,
        requester=user.person if user else None,
        structure_siret=structure_siret or None,
        structure_name=structure_name or None,
        ticket=ticket,
        category=category,
        subcategory=subcategory,
        context=_context_turns(conversation),
        created_at=ctx.now,
        waiting_since=ctx.now,
        last_seq=1,
        expires_at=ctx.now + RETENTION,
    )
    first = ChatMessage(seq=1, by=Author.SYSTEM, text=messages.CHAT_WAITING.format(queue=queue_name), at=ctx.now)
    ctx.chats.create(session, first)
    _remember(ctx, conversation, session.id)
    session = _follow(ctx, session, requester.connection, REQUESTER)
    _announce_queue(ctx, queue, queue_name)
    logger.info("chat started", chat_id=session.id, queue=queue, signed_in=user is not None)
    metrics.add_metric(name="ChatStarted", unit="Count", value=1)
    return Read(session, [first])


def _remember(ctx: Context, conversation: Conversation, chat_id: str) -> None:
    """The conversation names its chat (read again if the user wrote to the assistant meanwhile)."""
    for _ in range(ATTEMPTS):
        moved = conversation.model_copy(
            update={
                "memory": {**conversation.memory, "chat": chat_id},
                "updated_at": ctx.now,
                "expires_at": max(conversation.expires_at, ctx.now + assistant.IDLE),
                "version": conversation.version + 1,
            }
        )
        try:
            ctx.ports.conversations.save_conversation(moved, conversation.version)
        except ConcurrentModification:
            reread = ctx.ports.conversations.load_conversation(conversation.id)
            if reread is None:
                return
            conversation = reread
            continue
        return
    raise ConcurrentModification(messages.CONVERSATION_CHANGED)


def _read_following(
    ctx: Context,
    chat_id: str,
    after: int,
    connection: str | None,
    role: str,
    check: Callable[[ChatSession], ChatSession],
) -> Read:
    """A chat read for a socket that follows it from now on. A socket new to the chat follows it first and reads
    it after (a follow changes the session's version, so a change written at the same time either sees the socket
    and pushes to it, or is read here): nothing said or decided in between is missed."""
    session, found = ctx.chats.read(chat_id, after, PAGE + 1)
    session = check(_live(ctx, session))
    if connection is not None and connection not in session.connections:
        _follow(ctx, session, connection, role)
        session, found = ctx.chats.read(chat_id, after, PAGE + 1)
        session = _live(ctx, session)
    return Read(session, found[:PAGE], len(found) > PAGE)


def read_mine(ctx: Context, requester: Requester, after: int) -> Read:
    """The requester's chat and its messages after ``after``; the socket it came on follows the chat."""
    chat_id = _chat_of(ctx, requester)
    return _read_following(ctx, chat_id, after, requester.connection, REQUESTER, lambda session: session)


def send_mine(ctx: Context, requester: Requester, text: str | None) -> tuple[ChatSession, ChatMessage]:
    """A message of the user's, while the chat waits or an agent answers."""
    value = _text(text)
    chat_id = _chat_of(ctx, requester)

    def check(session: ChatSession) -> None:
        if session.state is ChatState.ENDED:
            raise Conflict(messages.CHAT_ENDED)

    name = requester.user.name if requester.user else None
    session, message = _append(ctx, chat_id, check, Author.REQUESTER, name, value, requester.connection)
    _follow(ctx, session, requester.connection, REQUESTER)
    return session, message


def end_mine(ctx: Context, requester: Requester) -> ChatSession:
    """The user leaves: the chat ends (nothing if it had). Left while waiting, the conversation goes back to
    « Contacter un agent », which offers the hand-over ticket."""
    chat_id = _chat_of(ctx, requester)

    def decide(session: ChatSession) -> Decision:
        if session.state is ChatState.ENDED:
            return None
        changes = {"state": ChatState.ENDED, "ended_at": ctx.now, "ended_by": Author.REQUESTER}
        return changes, messages.CHAT_LEFT_BY_REQUESTER

    before = _live(ctx, ctx.chats.load(chat_id))
    session, _, changed = _change(ctx, chat_id, decide, requester.connection)
    if changed:
        _join_transcript(ctx, session, assistant.CONTACT_AGENT if before.state is ChatState.WAITING else assistant.HOME)
        _announce_queue(ctx, session.queue, session.queue_name)
        metrics.add_metric(name="ChatLeftByRequester", unit="Count", value=1)
    return session


def _feedback_errors(rating: Rating, reason: FeedbackReason | None, comment: str | None) -> list[FieldError]:
    errors = []
    if rating is Rating.DOWN and reason is None:
        errors.append(FieldError("reason", messages.FEEDBACK_REASON_REQUIRED))
    if rating is Rating.DOWN and not (comment or "").strip():
        errors.append(FieldError("comment", messages.FEEDBACK_COMMENT_REQUIRED))
    if rating is Rating.UP and reason is not None:
        errors.append(FieldError("reason", messages.FEEDBACK_REASON_ONLY_DOWN))
    return errors


def rate_mine(
    ctx: Context, requester: Requester, rating: Rating, reason: FeedbackReason | None, comment: str | None
) -> ChatSession:
    """The thumbs of seed 004 on the chat, once it ended; one rating per chat, counted apart from the
    assistant's."""
    errors = _feedback_errors(rating, reason, comment)
    if errors:
        raise InvalidInput(errors)
    session = _live(ctx, ctx.chats.load(_chat_of(ctx, requester)))
    if session.state is not ChatState.ENDED:
        raise Conflict(messages.CHAT_FEEDBACK_AT_END)
    feedback = Feedback(rating=rating, reason=reason, comment=(comment or "").strip() or None, at=ctx.now)
    if session.feedback is not None or not ctx.chats.rate(session, feedback, ctx.now.astimezone(PARIS).date()):
        raise Conflict(messages.CHAT_FEEDBACK_ALREADY)
    metrics.add_metric(name=f"ChatRating{rating.value.title()}", unit="Count", value=1)
    return session.model_copy(update={"feedback": feedback})


def mail_transcript(ctx: Context, requester: Requester, email: str | None) -> ChatSession:
    """The transcript by mail, once the chat ended, once per chat: to the account's address, or to the one a
    visitor gives. The mail function sends it."""
    user = requester.user
    if user is not None and email is not None:
        raise InvalidInput([FieldError("email", messages.CHAT_TRANSCRIPT_OWN_ADDRESS)])
    if user is None:
        address = (email or "").strip()
        if not address:
            raise InvalidInput([FieldError("email", messages.CHAT_TRANSCRIPT_EMAIL_REQUIRED)])
        if len(address) > 254 or not _EMAIL.match(address):
            raise InvalidInput([FieldError("email", messages.EMAIL_INVALID.format(value=address[:254]))])
    session = _live(ctx, ctx.chats.load(_chat_of(ctx, requester)))
    if session.state is not ChatState.ENDED:
        raise Conflict(messages.CHAT_TRANSCRIPT_AT_END)
    if user is not None:
        profile, _ = ctx.ports.directory.load_user(user.id)
        address = (profile.email if profile else user.email) or ""
        if not address:
            raise Conflict(messages.CHAT_TRANSCRIPT_NO_ADDRESS)
    if session.transcript_to or not ctx.chats.ask_transcript(session, address, ctx.now):
        raise Conflict(messages.CHAT_TRANSCRIPT_ALREADY)
    logger.info("chat transcript asked", chat_id=session.id, to=mask_email(address))
    metrics.add_metric(name="ChatTranscriptAsked", unit="Count", value=1)
    return session.model_copy(update={"transcript_to": True})


# ------------------------------------------------------------------------------------------ the agent's side
def queues(ctx: Context, agent: Agent) -> list[Queue]:
    """The queues the agent answers, each with their seat and its waiting chats (longest waiting first)."""
    served = agent_queues(ctx, agent.user)
    if not served:
        raise Forbidden(messages.CHAT_AGENTS_ONLY)
    found = []
    for key, name in served:
        seats = ctx.chats.seats(key)
        seat = next((s for s in seats if s.agent.id == agent.user.id), None)
        available = [s.agent for s in seats if s.is_available(ctx.now)]
        found.append(Queue(key, name, seat, ctx.chats.waiting(key, WAITING_PAGE), available))
    return found


def set_availability(ctx: Context, agent: Agent, available: bool) -> list[Queue]:
    """« Disponible » (until the rules' delay lapses, or said again) or « absent », at every queue the agent
    answers; an available agent's socket is told of the queues' news."""
    served = agent_queues(ctx, agent.user)
    if not served:
        raise Forbidden(messages.CHAT_AGENTS_ONLY)
    until = ctx.now + ctx.rules.availability if available else ctx.now
    for key, _ in served:
        seat = Seat(queue=key, agent=agent.user.person, available=available, until=until)
        ctx.chats.sit(seat, agent.connection if available else None)
        if available and agent.connection:
            ctx.ports.chat_connections.join(agent.connection, queue=key)
    logger.info("chat availability", available=available, queues=len(served))
    return queues(ctx, agent)


def read_as_agent(ctx: Context, agent: Agent, chat_id: str, after: int) -> Read:
    """A chat of the agent's queues and its messages after ``after`` (one read, then the check: nothing is told
    of a chat of another queue); the agent's socket follows it."""
    return _read_following(
        ctx, chat_id, after, agent.connection, _agent_role(agent), lambda session: _in_queue(agent, session)
    )


def take(ctx: Context, agent: Agent, chat_id: str) -> ChatSession:
    """Take a waiting chat of the agent's queues: of two agents at once, one wins; the other is told it is
    taken (409). Taking one's own chat again changes nothing."""
    person = agent.user.person

    def decide(session: ChatSession) -> Decision:
        _in_queue(agent, session)
        if session.state is ChatState.ACTIVE and session.agent and session.agent.id == person.id:
            return None
        if session.state is ChatState.ACTIVE:
            raise Conflict(messages.CHAT_ALREADY_TAKEN)
        if session.state is ChatState.ENDED:
            raise Conflict(messages.CHAT_ENDED)
        return {"state": ChatState.ACTIVE, "agent": person, "taken_at": ctx.now}, messages.CHAT_JOINED.format(
            agent=person.name
        )

    session, _, changed = _change(ctx, chat_id, decide, agent.connection)  # decide refuses another queue's: 404
    session = _follow(ctx, session, agent.connection, _agent_role(agent))
    if changed:
        _announce_queue(ctx, session.queue, session.queue_name, agent.connection)
        logger.info("chat taken", chat_id=chat_id, waited=int(session.waiting_for(ctx.now).total_seconds()))
        metrics.add_metric(name="ChatTaken", unit="Count", value=1)
        metrics.add_metric(
            name="ChatWaitingSeconds", unit="Seconds", value=session.waiting_for(ctx.now).total_seconds()
        )
    return session


def _current_agent(agent: Agent, session: ChatSession) -> None:
    _in_queue(agent, session)
    if session.state is ChatState.ENDED:
        raise Conflict(messages.CHAT_ENDED)
    if session.state is ChatState.WAITING:
        raise Conflict(messages.CHAT_NOT_TAKEN)
    if session.agent is None or session.agent.id != agent.user.id:
        raise Conflict(messages.CHAT_NOT_YOURS)


def send_as_agent(ctx: Context, agent: Agent, chat_id: str, text: str | None) -> tuple[ChatSession, ChatMessage]:
    """A message of the agent who took the chat."""
    value = _text(text)
    session, message = _append(
        ctx, chat_id, lambda s: _current_agent(agent, s), Author.AGENT, agent.user.name, value, agent.connection
    )
    _follow(ctx, session, agent.connection, _agent_role(agent))
    return session, message


def hand_over(ctx: Context, agent: Agent, chat_id: str, colleague_id: str) -> ChatSession:
    """Give the chat to an available colleague of the same queue; the colleague's sockets are told."""
    session = _in_queue(agent, ctx.chats.load(chat_id))
    if colleague_id == agent.user.id:
        raise InvalidInput([FieldError("agent", messages.CHAT_COLLEAGUE_SELF)])
    profile, memberships = ctx.ports.directory.load_user(colleague_id)
    if profile is None or not any(m.org.key == session.queue for m in memberships):
        raise InvalidInput([FieldError("agent", messages.CHAT_COLLEAGUE_UNKNOWN)])
    seat = next((s for s in ctx.chats.seats(session.queue) if s.agent.id == colleague_id), None)
    if seat is None or not seat.is_available(ctx.now):
        raise Conflict(messages.CHAT_COLLEAGUE_AWAY.format(name=profile.name))
    colleague = Person(id=profile.id, name=profile.name)

    def decide(current: ChatSession) -> Decision:
        _current_agent(agent, current)
        line = messages.CHAT_HANDED_OVER.format(agent=agent.user.name, colleague=colleague.name)
        return {"agent": colleague}, line

    session, _, _ = _change(ctx, chat_id, decide, agent.connection)
    _push(ctx, seat.connections, ctx.frames.state(session, ctx.now))  # the colleague reads it, and follows it
    metrics.add_metric(name="ChatHandedOver", unit="Count", value=1)
    return session


def end_as_agent(ctx: Context, agent: Agent, chat_id: str, outcome: Outcome) -> ChatSession:
    """The agent ends the chat: closed, or turned into a ticket in the requester's name (the hand-over's pair, the
    transcript as its description), sent to the support at once."""

    def decide(current: ChatSession) -> Decision:
        _current_agent(agent, current)
        if outcome is Outcome.TICKET:
            _may_file(current)
        return {"state": ChatState.ENDED, "ended_at": ctx.now, "ended_by": Author.AGENT}, messages.CHAT_ENDED_BY_AGENT

    session, _, _ = _change(ctx, chat_id, decide, agent.connection)
    if outcome is Outcome.TICKET:
        number = _file(ctx, session, agent)
        session, _, _ = _change(
            ctx, chat_id, lambda _s: ({"filed": number}, messages.CHAT_TICKET_FILED.format(number=number))
        )
        metrics.add_metric(name="ChatTurnedIntoTicket", unit="Count", value=1)
    _join_transcript(ctx, session, assistant.HOME)
    metrics.add_metric(name="ChatEndedByAgent", unit="Count", value=1)
    return session


def _may_file(session: ChatSession) -> None:
    if session.requester is None:
        raise Conflict(messages.CHAT_TICKET_NEEDS_ACCOUNT)
    if session.ticket is not None:
        raise Conflict(messages.CHAT_TICKET_ALREADY.format(number=session.ticket))
    if session.structure_siret is None:
        raise Conflict(messages.CHAT_TICKET_NEEDS_STRUCTURE)


def _file(ctx: Context, session: ChatSession, agent: Agent) -> int:
    """The chat as a ticket of its requester's structure, sent (the requester's memberships read again)."""
    assert session.requester is not None  # _may_file
    assert session.structure_siret is not None
    requester = signed_in_user(ctx.ports, Identity(user_id=session.requester.id, email=None, name=None))
    if not any(m.org.id == session.structure_siret for m in requester.structures):
        raise Conflict(messages.CHAT_TICKET_NEEDS_STRUCTURE)
    _, found = _all_messages(ctx, session.id)
    content = TicketContent(
        category=session.category,
        subcategory=session.subcategory,
        emitter_siret=session.structure_siret,
        title=messages.CHAT_TICKET_TITLE.format(
            agent=agent.user.name, date=f"{session.created_at.astimezone(PARIS):%d/%m/%Y}"
        ),
        description=transcript_text(session, found, ctx.assistant_name)[-10_000:],
    )
    seen = tickets.create_ticket(ctx.ports, requester, CreateTicket(ContentChanges.of(content), submit=True))
    logger.info("chat turned into a ticket", chat_id=session.id, ticket_number=seen.ticket.number)
    return seen.ticket.number


def agent_left(ctx: Context, chat_id: str, agent_id: str) -> ChatSession | None:
    """The agent's last socket on the chat closed mid-chat: the user is told, the chat goes back to its queue at
    its place (its waiting time kept), and the queue's agents are told."""

    def decide(session: ChatSession) -> Decision:
        if session.state is not ChatState.ACTIVE or session.agent is None or session.agent.id != agent_id:
            return None
        return {"state": ChatState.WAITING, "agent": None, "taken_at": None}, messages.CHAT_AGENT_LEFT

    try:
        session, _, changed = _change(ctx, chat_id, decide)
    except NotFound:
        return None
    if changed:
        _announce_queue(ctx, session.queue, session.queue_name)
        metrics.add_metric(name="ChatBackInQueue", unit="Count", value=1)
    return session


# -------------------------------------------------------------------------------------- sockets, reminders
def connect_user(
    ports: Ports,
    now: datetime,
    verifier: TokenVerifier,
    connection_id: str,
    token: str | None,
    agents_need_mfa: bool = False,
) -> Connection:
    """A signed-in user's socket, by their IdToken (checked as the REST API's authorizer checks it); an agent of
    the support without a second factor is refused where the stage requires one, as on the REST API."""
    if not token:
        raise NotAuthenticated(messages.CHAT_CONNECT_REFUSED)
    identity = verifier.verify(token)
    signed_in_user(ports, identity, agents_need_mfa=agents_need_mfa)
    connection = Connection(
        id=connection_id,
        kind=ConnectionKind.USER,
        user_id=identity.user_id,
        connected_at=now,
        expires_at=now + CONNECTION_LIFETIME,
    )
    ports.chat_connections.open(connection)
    logger.append_keys(user_id=identity.user_id)
    metrics.add_metric(name="ChatConnected", unit="Count", value=1)
    return connection


def connect_visitor(ports: Ports, now: datetime, connection_id: str, conversation_id: str | None) -> Connection:
    """An anonymous visitor's socket, by the id of their conversation with the assistant (one without an owner,
    not expired): the only chat it ever reaches is that conversation's."""
    conversation = ports.conversations.load_conversation(conversation_id) if conversation_id else None
    if conversation is None or conversation.owner is not None or conversation.expires_at <= now:
        raise NotAuthenticated(messages.CHAT_CONNECT_REFUSED)
    connection = Connection(
        id=connection_id,
        kind=ConnectionKind.VISITOR,
        conversation_id=conversation.id,
        connected_at=now,
        expires_at=now + CONNECTION_LIFETIME,
    )
    ports.chat_connections.open(connection)
    metrics.add_metric(name="ChatConnected", unit="Count", value=1)
    return connection


def disconnect(ctx: Context, connection_id: str) -> None:
    """A socket closed (or was found closed): the chats it followed let go of it, its queues' seats too; an
    agent whose last socket on an active chat this was gives the chat back to its queue."""
    connection = ctx.ports.chat_connections.close(connection_id)
    if connection is None:
        return
    for queue in connection.queues:
        if connection.user_id:
            ctx.chats.leave_seat(queue, connection.user_id, connection_id)
    for chat_id in connection.chats:
        ctx.chats.unfollow(chat_id, connection_id)
        if connection.user_id is None:
            continue
        session = ctx.chats.load(chat_id)
        if session is None or session.state is not ChatState.ACTIVE or session.agent is None:
            continue
        role = f"{AGENT}:{connection.user_id}"
        others = [c for c, r in session.connections.items() if c != connection_id and r == role]
        if session.agent.id == connection.user_id and not others:
            agent_left(ctx, chat_id, connection.user_id)


def remind_waiting(ctx: Context) -> int:
    """The visitors waiting longer than the rules' delay are told once that they may leave the queue for the
    hand-over ticket (the schedule's run); how many were told."""
    told = 0
    for waiting in ctx.chats.overdue(ctx.now - ctx.rules.waiting, OVERDUE_PAGE):

        def decide(session: ChatSession) -> Decision:
            if session.state is not ChatState.WAITING or session.offered:
                return None
            return {"offered": True}, messages.CHAT_OFFER_TICKET

        try:
            _, _, changed = _change(ctx, waiting.id, decide)
        except (NotFound, ConcurrentModification):
            continue
        told += changed
    if told:
        metrics.add_metric(name="ChatOfferedTicket", unit="Count", value=told)
    return told


def ticket_offered(session: ChatSession, now: datetime, waiting: timedelta) -> bool:
    """Whether the requester is offered the hand-over ticket: told so, or waiting longer than the delay."""
    return session.state is ChatState.WAITING and (session.offered or now - session.waiting_since >= waiting)


# --------------------------------------------------------------------------------------------- transcripts
def _all_messages(ctx: Context, chat_id: str) -> tuple[ChatSession | None, list[ChatMessage]]:
    found: list[ChatMessage] = []
    session = None
    while True:
        session, page = ctx.chats.read(chat_id, found[-1].seq if found else 0, PAGE)
        found.extend(page)
        if len(page) < PAGE:
            return session, found


def transcript_text(session: ChatSession, found: list[ChatMessage], assistant_name: str) -> str:
    """The chat as text: the assistant's lines before it, then the chat's, one line each (Paris time)."""
    user = session.requester.name if session.requester else messages.CHAT_VISITOR
    names = {
        Speaker.USER.value: user,
        Speaker.ASSISTANT.value: assistant_name,
        Author.REQUESTER.value: user,
        Author.SYSTEM.value: messages.CHAT_TRANSCRIPT_SPEAKER_DESK,
    }
    lines = [
        f"[{t.at.astimezone(PARIS):%d/%m/%Y %H:%M}] {t.name or names.get(t.by.value, t.by.value)} : {t.text}"
        for t in session.context
    ]
    lines += [
        f"[{m.at.astimezone(PARIS):%d/%m/%Y %H:%M}] {m.name if m.by is Author.AGENT else names[m.by.value]} : {m.text}"
        for m in found
    ]
    return "\n".join(lines)


_SPEAKERS = {Author.REQUESTER: Speaker.USER, Author.AGENT: Speaker.AGENT, Author.SYSTEM: Speaker.ASSISTANT}


def _join_transcript(ctx: Context, session: ChatSession, step: str) -> None:
    """The ended chat's lines join its conversation's transcript; the conversation goes on at ``step``."""
    _, found = _all_messages(ctx, session.id)
    turns = [
        Turn(by=_SPEAKERS[m.by], text=m.text, at=m.at, name=m.name if m.by is Author.AGENT else None) for m in found
    ]
    for _ in range(ATTEMPTS):
        conversation = ctx.ports.conversations.load_conversation(session.conversation_id)
        if conversation is None:  # gone with its TTL: the chat keeps its own lines
            logger.info("chat's conversation gone: transcript not joined", chat_id=session.id)
            return
        moved = conversation.model_copy(
            update={
                "transcript": assistant.append_turns(conversation, *turns),
                "step": step,
                "data": {},
                "trail": (),
                "updated_at": ctx.now,
                "expires_at": ctx.now + assistant.IDLE,
                "version": conversation.version + 1,
            }
        )
        try:
            ctx.ports.conversations.save_conversation(moved, conversation.version)
        except ConcurrentModification:
            continue
        return
    logger.warning("chat's transcript not joined: its conversation kept changing", chat_id=session.id)


# ------------------------------------------------------------------------------------------- the support's
def satisfaction(ctx: Context, user: SignedInUser, first: date, last: date) -> dict[date, dict[str, int]]:
    """The chats' ratings per day and reason, for the technical support's members only."""
    if not any(m.org.kind is OrgKind.TEAM and m.org.id == catalogue.SUPPORT_TEAM_ID for m in user.memberships):
        raise Forbidden(messages.CHAT_SATISFACTION_SUPPORT_ONLY)
    if last < first:
        raise InvalidInput([FieldError("to", messages.PERIOD_REVERSED)])
    if (last - first).days > 366:
        raise InvalidInput([FieldError("to", messages.SATISFACTION_PERIOD_TOO_LONG)])
    return ctx.chats.ratings(first, last)
