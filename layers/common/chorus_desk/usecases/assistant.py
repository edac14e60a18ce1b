"""The assistant: a conversation that answers the frequent questions and walks a structure manager through
« Activer / inactiver ma structure », step by step, then hands over to an agent when asked.

Each message of the user (a choice among those offered, or free text) moves the conversation from one step
to the next; the answer is French text plus the choices offered next, so a chat front end only shows
them. The procedure acts through the same use cases as the structures API (``usecases.structures``): the
same checks, the same state machine. Free text is understood by ``faq`` (a lexical model); when unsure,
the assistant says so and lists what it can do rather than guess.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from chorus_desk import catalogue, faq, messages
from chorus_desk.actors import SignedInUser
from chorus_desk.commands import ContentChanges, CreateTicket
from chorus_desk.errors import Conflict, DeskError, FieldError, Forbidden, Gone, InvalidInput, NotFound
from chorus_desk.listing import PARIS, fold
from chorus_desk.models import (
    _EMAIL,
    Conversation,
    Feedback,
    FeedbackReason,
    Operation,
    OperationState,
    OrgKind,
    Rating,
    Speaker,
    TicketContent,
    Turn,
    utc_now,
)
from chorus_desk.observability import logger, metrics
from chorus_desk.ports import CompanyRegistry, InvitationRequests, Ports, SigningKey, Workflow
from chorus_desk.siret import is_valid_siret
from chorus_desk.usecases import invitations, structures, tickets

IDLE = timedelta(minutes=30)  # a conversation expires this long after its last message
MAX_TURNS = 200  # beyond, the oldest lines of the transcript are dropped (the item stays small)
# …and beyond this many bytes of text too (a message may hold 2,000 characters of 4 bytes): with the feedback
# kept (the latest ``MAX_FEEDBACK``, 8 KB each at most) the item stays well under DynamoDB's 400 KB.
MAX_TRANSCRIPT_BYTES = 250_000
MAX_FEEDBACK = 10
MAX_RESENDS = 3  # addresses one conversation may ask an invitation for (each address: once a day, whoever asks)
# « Contacter un agent »: the ticket goes to the technical support, in the pair of the conversation's topic
# (``faq.handover_pair``), for the structure the conversation is about (or the one the user picks).


# ------------------------------------------------------------------------------------------ values
@dataclass(frozen=True)
class Choice:
    id: str
    label: str


@dataclass(frozen=True)
class Link:
    """A page the answer points to (« Pour aller plus loin »)."""

    label: str
    url: str


@dataclass(frozen=True)
class Reply:
    """What the assistant says, and what it lets the user do next."""

    text: str
    choices: tuple[Choice, ...] = ()
    accepts_text: bool = False  # a text field is offered (a question, a SIRET, an e-mail)
    feedback: bool = False  # the thumbs are offered (after an answer or a finished procedure)
    operation_id: str | None = None
    links: tuple[Link, ...] = ()  # the pages of the answer given in this reply


@dataclass(frozen=True)
class Profile:
    """What the assistant is called, and the page each topic's answer points to (by topic code): the template's
    ``AssistantName`` and ``FaqLink*`` parameters, through the functions' settings."""

    name: str
    links: Mapping[str, str]


@dataclass(frozen=True)
class Context:
    """Who is talking and what the assistant may reach for them."""

    ports: Ports
    user: SignedInUser | None  # ``None``: an anonymous visitor
    registry: Callable[[], CompanyRegistry]
    workflow: Callable[[], Workflow]
    invitations: Callable[[], InvitationRequests]  # where a resend is asked (the private function does it)
    pseudonym_key: Callable[[], SigningKey]  # the key of the pseudonym a resend is counted under
    profile: Profile
    now: datetime = field(default_factory=utc_now)
    # Whether the live chat answers now (the support's office hours, an agent available): « Contacter un agent »
    # then offers it first (``LIVE_CHAT``, which the client acts on). None: the chat is not offered.
    live_chat: Callable[[], bool] | None = None


@dataclass(frozen=True)
class Message:
    """The user's message: one of the offered choices, or free text (exactly one of them)."""

    choice: str | None = None
    text: str | None = None


# --------------------------------------------------------------------------------------- the steps
HOME = "HOME"
STRUCTURE_TYPE = "STRUCTURE_TYPE"
STRUCTURE_ACTION = "STRUCTURE_ACTION"
ASK_SIRET = "ASK_SIRET"
CONFIRM_STRUCTURE = "CONFIRM_STRUCTURE"
ASK_TAKEOVER_EXISTS = "ASK_TAKEOVER_EXISTS"
ASK_TAKEOVER_SIRET = "ASK_TAKEOVER_SIRET"
CONFIRM_ACTION = "CONFIRM_ACTION"
FOLLOW = "FOLLOW"
ASK_EMAIL = "ASK_EMAIL"
OFFER_TICKET = "OFFER_TICKET"
CONTACT_AGENT = "CONTACT_AGENT"
CHOOSE_TOPIC = "CHOOSE_TOPIC"  # a message asked several things: which one first
ASK_MANAGER_GONE = "ASK_MANAGER_GONE"  # n° 4: has the principal manager left?
CHOOSE_STRUCTURE = "CHOOSE_STRUCTURE"  # the hand-over: for which of the user's structures
DONE = "DONE"  # an answer was given or a procedure finished: the thumbs, continue, an agent

# The steps of the structure procedure: « Retour » and « Annuler » are offered there.
PROCEDURE = frozenset(
    {
        STRUCTURE_TYPE,
        STRUCTURE_ACTION,
        ASK_SIRET,
        CONFIRM_STRUCTURE,
        ASK_TAKEOVER_EXISTS,
        ASK_TAKEOVER_SIRET,
        CONFIRM_ACTION,
    }
)


def _c(choice_id: str) -> Choice:
    return Choice(choice_id, messages.ASSISTANT_CHOICES[choice_id])


def _topics(topics: tuple[faq.Topic, ...] = faq.MENU) -> tuple[Choice, ...]:
    return tuple(Choice(f"TOPIC:{t.value}", faq.title(t)) for t in topics)


def _pending(conversation: Conversation) -> tuple[faq.Topic, ...]:
    """The topics of a message asking several things that were not answered yet, in the order asked."""
    return tuple(faq.Topic(code) for code in conversation.memory.get("pending", "").split(",") if code)


def _links(ctx: Context, topic: faq.Topic) -> tuple[Link, ...]:
    url = ctx.profile.links.get(topic.value)
    return (Link(messages.FAQ_LINK_LABELS[topic.value], url),) if url else ()


def _further(ctx: Context, text: str, topic: faq.Topic) -> str:
    """``text``, then the topic's « Pour aller plus loin » page (seed 002's « cliquez ici »), if it has one."""
    links = "; ".join(messages.FAQ_FURTHER_LINK.format(label=link.label, url=link.url) for link in _links(ctx, topic))
    return f"{text}\n\n{messages.FAQ_FURTHER.format(links=links)}" if links else text


def _answer(ctx: Context, topic: faq.Topic) -> str:
    """The topic's French answer, and its « Pour aller plus loin » page."""
    return _further(ctx, faq.answer(topic), topic)


def _structure_choices(user: SignedInUser) -> tuple[Choice, ...]:
    return tuple(
        Choice(f"STRUCTURE:{m.org.id}", messages.ASSISTANT_STRUCTURE_CHOICE.format(name=m.org_name, siret=m.org.id))
        for m in user.structures
    )


def _navigation(step: str) -> tuple[Choice, ...]:
    return (_c("BACK"), _c("CANCEL")) if step in PROCEDURE and step != STRUCTURE_TYPE else (_c("CANCEL"),)


def prompt(conversation: Conversation, ctx: Context) -> Reply:
    """What the assistant says on entering the conversation's current step; the thumbs are not offered again
    to an anonymous visitor who rated the conversation already (``give_feedback`` would refuse)."""
    reply = _prompt(conversation, ctx)
    if reply.feedback and ctx.user is None and conversation.feedback:
        return replace(reply, feedback=False)
    return reply


def _prompt(conversation: Conversation, ctx: Context) -> Reply:
    step, data = conversation.step, conversation.data
    match step:
        case "HOME":
            return Reply(messages.ASSISTANT_WELCOME, _topics(), accepts_text=True)
        case "STRUCTURE_TYPE":
            return Reply(messages.ASSISTANT_STRUCTURE_TYPE, (_c("PUBLIC"), _c("PRIVATE"), _c("CANCEL")))
        case "STRUCTURE_ACTION":
            return Reply(messages.ASSISTANT_STRUCTURE_ACTION, (_c("ACTIVATE"), _c("INACTIVATE"), *_navigation(step)))
        case "ASK_SIRET":
            text = messages.ASSISTANT_ASK_SIRET[data["action"]]
            return Reply(text, _navigation(step), accepts_text=True)
        case "CONFIRM_STRUCTURE":
            return Reply(_shown(data), (_c("CONFIRM"), *_navigation(step)))
        case "ASK_TAKEOVER_EXISTS":
            return Reply(messages.ASSISTANT_TAKEOVER_EXISTS, (_c("YES"), _c("NO"), *_navigation(step)))
        case "ASK_TAKEOVER_SIRET":
            return Reply(messages.ASSISTANT_ASK_TAKEOVER, _navigation(step), accepts_text=True)
        case "CONFIRM_ACTION":
            return Reply(_confirmation(data), (_c("CONFIRM"), *_navigation(step)))
        case "FOLLOW":
            return _follow(conversation, ctx)
        case "ASK_EMAIL":
            return Reply(messages.ASSISTANT_ASK_EMAIL, (_c("CANCEL"),), accepts_text=True)
        case "OFFER_TICKET":
            category, subcategory = catalogue.labels(data["category"], data["subcategory"])
            text = messages.ASSISTANT_OFFER_TICKET.format(category=category, subcategory=subcategory)
            return Reply(text, (_c("YES"), _c("NO")))
        case "CONTACT_AGENT":
            live = ctx.live_chat is not None and ctx.live_chat()
            if ctx.user is None:
                if live:
                    return Reply(messages.ASSISTANT_AGENT_LIVE_ANONYMOUS, (_c("LIVE_CHAT"), _c("CONTINUE")))
                return Reply(messages.ASSISTANT_AGENT_ANONYMOUS, (_c("CONTINUE"),))
            tickets_offered = (_c("SEND_TICKET"), _c("DRAFT_TICKET"), _c("CONTINUE"))
            if live:
                return Reply(messages.ASSISTANT_AGENT_LIVE, (_c("LIVE_CHAT"), *tickets_offered))
            return Reply(messages.ASSISTANT_AGENT, tickets_offered)
        case "CHOOSE_TOPIC":
            topics = _pending(conversation)
            return Reply(messages.ASSISTANT_SEVERAL_TOPICS, (*_topics(topics), _c("CANCEL")), accepts_text=True)
        case "ASK_MANAGER_GONE":
            return Reply(messages.ASSISTANT_ASK_MANAGER_GONE, (_c("YES"), _c("NO")))
        case "CHOOSE_STRUCTURE":
            choices = _structure_choices(ctx.user) if ctx.user else ()
            return Reply(messages.ASSISTANT_WHICH_STRUCTURE, (*choices, _c("CANCEL")))
        case _:  # DONE: the thumbs, continue, an agent, the other question asked, or another one typed at once
            others = tuple(
                Choice(f"TOPIC:{t.value}", messages.ASSISTANT_OTHER_QUESTION.format(title=faq.title(t)))
                for t in _pending(conversation)
            )
            topic = data.get("topic")
            return Reply(
                data.get("said", messages.ASSISTANT_ANYTHING_ELSE),
                (*others, _c("CONTINUE"), _c("AGENT")),
                accepts_text=True,
                feedback=True,
                operation_id=data.get("operation_id"),
                links=_links(ctx, faq.Topic(topic)) if topic else (),
            )


def _shown(data: dict[str, str]) -> str:
    return messages.ASSISTANT_CONFIRM_STRUCTURE.format(
        designation=data["designation"],
        siret=data["siret"],
        state=data["state"],
        registry=data["registry"],
        action=messages.ASSISTANT_ACTION_NAMES[data["action"]],
    )


def _confirmation(data: dict[str, str]) -> str:
    if data["action"] == "ACTIVATE":
        return messages.ASSISTANT_CONFIRM_ACTIVATION.format(designation=data["designation"], siret=data["siret"])
    if data.get("takeover_siret"):
        return messages.ASSISTANT_CONFIRM_TAKEOVER.format(
            designation=data["designation"],
            siret=data["siret"],
            takeover=data["takeover_designation"],
            takeover_siret=data["takeover_siret"],
        )
    return messages.ASSISTANT_CONFIRM_INACTIVATION.format(designation=data["designation"], siret=data["siret"])


# ------------------------------------------------------------------------------------- transitions
@dataclass
class Turnaround:
    """A conversation being moved: its next step, data and trail, and what the assistant says first."""

    step: str
    data: dict[str, str]
    trail: list[str]
    memory: dict[str, str] = field(default_factory=dict)
    said: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    def go(self, step: str, remember: bool = True) -> None:
        if remember and self.step != step:
            self.trail.append(self.step)
        self.step = step

    def _kept(self) -> dict[str, str]:
        """What outlives a procedure: the invitations already sent again in this conversation."""
        return {k: v for k, v in self.data.items() if k == "resends"}

    def home(self) -> None:
        self.step, self.trail, self.data = HOME, [], self._kept()

    def done(self, text: str, **keep: str) -> None:
        self.step, self.trail, self.data = DONE, [], {**self._kept(), "said": text, **keep}


@dataclass(frozen=True)
class Given:
    """What a step receives: the context, the user's choice or text, the conversation as it was."""

    ctx: Context
    choice: str | None
    text: str | None
    conversation: Conversation


def _need_user(ctx: Context) -> SignedInUser:
    if ctx.user is None:
        raise _Say(messages.ASSISTANT_SIGN_IN_REQUIRED)
    return ctx.user


class _Say(Exception):
    """Stay where we are and say this (a refusal, an input to give again)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _siret(text: str | None) -> str:
    value = "".join((text or "").split())
    if not (len(value) == 14 and value.isdigit() and is_valid_siret(value)):
        raise _Say(messages.ASSISTANT_SIRET_INVALID.format(value=(text or "").strip()[:40]))
    return value


_SIRET_IN_TEXT = re.compile(r"(?<!\d)\d(?:\s?\d){13}(?!\d)")


def _remember_structure(turn: Turnaround, ctx: Context, text: str) -> None:
    """The structure a message names, by SIRET or by designation, among the user's own: the one a hand-over is
    filed for. Only the user's structures are looked at, so nothing is read and nothing is told of others'."""
    if ctx.user is None:
        return
    sirets = {"".join(found.split()) for found in _SIRET_IN_TEXT.findall(text)}
    words = f" {fold(text)} "
    for membership in ctx.user.structures:
        if membership.org.id in sirets or f" {fold(membership.org_name)} " in words:
            turn.memory["structure"] = membership.org.id
            return


def _remember_procedure(turn: Turnaround, ctx: Context) -> None:
    """The structure of the procedure under way, once the user has given its SIRET, if they belong to it."""
    siret = turn.data.get("siret")
    if ctx.user is not None and siret and any(m.org.id == siret for m in ctx.user.structures):
        turn.memory["structure"] = siret


def _understood(turn: Turnaround, ctx: Context, text: str) -> None:
    """Free text outside a form: what the user asks, the topics of a message asking several things, or « I did
    not understand » (and what the user declined, if anything) and the topics."""
    understanding = faq.understand(text)
    topic = understanding.topic
    metrics.add_metric(name="AssistantUnderstood" if topic else "AssistantNotUnderstood", unit="Count", value=1)
    _remember_structure(turn, ctx, text)
    if understanding.choices:
        turn.home()
        turn.memory["pending"] = ",".join(t.value for t in understanding.choices)
        turn.go(CHOOSE_TOPIC)
        return
    if topic is None:
        turn.home()
        if understanding.declined:
            titles = messages.ASSISTANT_DECLINED_SEPARATOR.join(faq.title(t) for t in understanding.declined)
            turn.said.append(messages.ASSISTANT_DECLINED.format(titles=titles))
        else:
            turn.said.append(messages.ASSISTANT_NOT_UNDERSTOOD)
        return
    _open_topic(turn, ctx, topic, text)


def _open_topic(turn: Turnaround, ctx: Context, topic: faq.Topic, text: str | None = None) -> None:
    """Answer ``topic`` and do what follows it; ``text``, the message it was understood from, if typed."""
    if topic is not faq.Topic.HUMAN_AGENT:  # « parler à un agent » is a way out, not what the conversation is about
        turn.memory["topic"] = topic.value
    pending = [code for code in turn.memory.pop("pending", "").split(",") if code and code != topic.value]
    if pending:
        turn.memory["pending"] = ",".join(pending)
    follow_up = faq.follow_up(topic)
    if follow_up.kind is faq.FollowUp.START_STRUCTURE_PROCEDURE:
        if ctx.user is None:  # seed 004's prerequisite: a manager of the structure, signed in
            turn.links.extend(_links(ctx, topic))
            raise _Say(_further(ctx, messages.ASSISTANT_SIGN_IN_REQUIRED, topic))
        turn.home()
        turn.go(STRUCTURE_TYPE)
        return
    if follow_up.kind is faq.FollowUp.CONTACT_AGENT:
        turn.home()
        turn.go(CONTACT_AGENT)
        return
    turn.links.extend(_links(ctx, topic))
    if follow_up.kind is faq.FollowUp.ASK_EMAIL_AND_RESEND:
        turn.home()
        turn.said.append(_answer(ctx, topic))
        turn.go(ASK_EMAIL)
        return
    if follow_up.kind is faq.FollowUp.OFFER_TICKET and follow_up.category and follow_up.subcategory:
        turn.home()
        turn.said.append(_answer(ctx, topic))
        turn.data = {"category": follow_up.category, "subcategory": follow_up.subcategory, "topic": topic.value}
        # n° 4: the support's ticket only when the manager is gone; the user is asked unless the message said so
        turn.go(OFFER_TICKET if text is not None and faq.says_manager_left(text) else ASK_MANAGER_GONE)
        return
    turn.done(_answer(ctx, topic), topic=topic.value)


def _advance(conversation: Conversation, ctx: Context, message: Message, shown: Reply) -> Turnaround:
    """The next step after ``message``, given what the current step offered (``shown``, its prompt)."""
    turn = Turnaround(conversation.step, dict(conversation.data), list(conversation.trail), dict(conversation.memory))
    offered = {c.id for c in shown.choices}
    if conversation.step == FOLLOW:  # the button the client showed while it ran stays valid once it finished
        offered.add("REFRESH")
    choice = message.choice
    if choice is not None and choice not in offered:
        raise InvalidInput([FieldError("choice", messages.ASSISTANT_CHOICE_NOT_OFFERED.format(choice=choice[:40]))])
    accepts_text = shown.accepts_text
    if choice is None and not accepts_text and conversation.step in PROCEDURE:
        raise InvalidInput([FieldError("text", messages.ASSISTANT_CHOOSE)])
    try:
        if choice is None and not accepts_text:  # outside a form and the procedure: a new question
            _understood(turn, ctx, message.text or "")
            return turn
        if choice == "CANCEL":
            turn.home()
            turn.memory.pop("pending", None)
            turn.said.append(messages.ASSISTANT_CANCELLED)
        elif choice == "BACK":
            turn.step = turn.trail.pop() if turn.trail else HOME
        elif choice == "CONTINUE":
            turn.home()
        elif choice == "AGENT":
            turn.home()
            turn.go(CONTACT_AGENT)
        elif choice is not None and choice.startswith("TOPIC:"):
            _open_topic(turn, ctx, faq.Topic(choice.removeprefix("TOPIC:")))
        else:
            _STEPS[turn.step](turn, Given(ctx, choice, message.text, conversation))
    except _Say as said:
        turn.said.append(said.text)
    return turn


def _on_home(turn: Turnaround, given: Given) -> None:
    _understood(turn, given.ctx, given.text or "")


def _on_done(turn: Turnaround, given: Given) -> None:
    _understood(turn, given.ctx, given.text or "")


def _on_choose_topic(turn: Turnaround, given: Given) -> None:  # a topic chosen is opened by ``_advance``
    _understood(turn, given.ctx, given.text or "")


def _on_manager_gone(turn: Turnaround, given: Given) -> None:
    if given.choice == "YES":
        turn.go(OFFER_TICKET)
        return
    turn.done(messages.ASSISTANT_MANAGER_STILL_THERE, topic=faq.Topic.MANAGER_LEFT.value)


def _on_type(turn: Turnaround, given: Given) -> None:
    if given.choice == "PRIVATE":
        turn.home()
        turn.said.append(messages.ASSISTANT_PRIVATE_STRUCTURE)
        return
    turn.go(STRUCTURE_ACTION)


def _on_action(turn: Turnaround, given: Given) -> None:
    turn.data = {"action": str(given.choice)}
    turn.go(ASK_SIRET)


def _on_siret(turn: Turnaround, given: Given) -> None:
    user = _need_user(given.ctx)
    siret = _siret(given.text)
    try:
        shown = structures.show_structure(given.ctx.ports, given.ctx.registry(), user, siret)
    except DeskError as refusal:
        raise _Say(refusal.message) from refusal
    _refuse_early(turn.data["action"], shown)
    turn.data = {
        "action": turn.data["action"],
        "siret": siret,
        "designation": shown.structure.designation,
        "active": str(shown.structure.active),
        "open": str(shown.establishment.open),
        "state": messages.STRUCTURE_STATE_LABELS[shown.structure.active],
        "registry": messages.REGISTRY_STATE_LABELS[shown.establishment.open],
    }
    turn.go(CONFIRM_STRUCTURE)


def _refuse_early(action: str, shown: structures.StructureShown) -> None:
    """What the action's own checks would refuse anyway, said at the SIRET rather than after the confirmations
    (they are checked again when the action is done: the structure may change meanwhile)."""
    name = shown.structure.designation
    if action == "ACTIVATE" and shown.structure.active:
        raise _Say(messages.STRUCTURE_ALREADY_ACTIVE.format(name=name))
    if action == "ACTIVATE" and not shown.establishment.open:
        raise _Say(messages.STRUCTURE_CLOSED_IN_REGISTRY.format(siret=shown.structure.siret))
    if action == "INACTIVATE" and not shown.structure.active:
        raise _Say(messages.STRUCTURE_ALREADY_INACTIVE.format(name=name))


def _on_confirm_structure(turn: Turnaround, given: Given) -> None:
    data = turn.data
    if data["action"] == "ACTIVATE":
        turn.go(CONFIRM_ACTION)
    elif data["open"] == "True":  # case 2: still open in Sirene, a takeover is needed
        turn.go(ASK_TAKEOVER_EXISTS)
    else:  # case 1: closed in Sirene: confirming the structure is confirming the action (the guide's step 7)
        _inactivate(turn, given.ctx)


def _on_takeover_exists(turn: Turnaround, given: Given) -> None:
    if given.choice == "NO":
        turn.home()
        turn.said.append(messages.ASSISTANT_NO_TAKEOVER)
        return
    turn.go(ASK_TAKEOVER_SIRET)


def _on_takeover(turn: Turnaround, given: Given) -> None:
    """The takeover SIRET, checked at once as the inactivation will check it (known to the user, active,
    public, managed by them, another structure): a refusal asks for another one before any confirmation."""
    user = _need_user(given.ctx)
    takeover = _siret(given.text)
    try:
        structure = structures.takeover_for(given.ctx.ports, user, turn.data["siret"], takeover)
    except DeskError as refusal:
        raise _Say(refusal.message) from refusal
    turn.data = {**turn.data, "takeover_siret": takeover, "takeover_designation": structure.designation}
    turn.go(CONFIRM_ACTION)


def _on_confirm_action(turn: Turnaround, given: Given) -> None:
    if turn.data["action"] == "ACTIVATE":
        user = _need_user(given.ctx)
        try:
            structures.activate(given.ctx.ports, given.ctx.registry(), user, turn.data["siret"])
        except DeskError as refusal:
            raise _Say(refusal.message) from refusal
        turn.done(messages.ASSISTANT_ACTIVATED.format(designation=turn.data["designation"], siret=turn.data["siret"]))
        return
    _inactivate(turn, given.ctx)


def _inactivate(turn: Turnaround, ctx: Context) -> None:
    user = _need_user(ctx)
    try:
        operation = structures.start_inactivation(
            ctx.ports, ctx.registry(), ctx.workflow(), user, turn.data["siret"], turn.data.get("takeover_siret")
        )
    except DeskError as refusal:
        raise _Say(refusal.message) from refusal
    turn.data = {**turn.data, "operation_id": operation.id}
    turn.go(FOLLOW)


def _follow(conversation: Conversation, ctx: Context) -> Reply:
    operation_id = conversation.data["operation_id"]
    operation = ctx.ports.operations.load_operation(operation_id)
    if operation is None or operation.state is OperationState.RUNNING:
        text = messages.ASSISTANT_RUNNING.format(designation=conversation.data["designation"])
        return Reply(text, (_c("REFRESH"), _c("CONTINUE")), operation_id=operation_id)
    if _takeover_refused(operation):  # read before « Où en est l'opération ? »: another takeover may be typed
        text = f"{operation.message or ''}\n\n{messages.ASSISTANT_ASK_TAKEOVER}"
        return Reply(text, (_c("CANCEL"),), accepts_text=True, operation_id=operation_id)
    return Reply(operation.message or "", (_c("CONTINUE"), _c("AGENT")), feedback=True, operation_id=operation_id)


def _takeover_refused(operation: Operation) -> bool:
    return operation.state is OperationState.REFUSED and (operation.error or "").startswith("Takeover")


def _on_follow(turn: Turnaround, given: Given) -> None:
    operation = given.ctx.ports.operations.load_operation(turn.data["operation_id"])
    if operation is None or operation.state is OperationState.RUNNING:
        return  # « Où en est l'opération ? »: the same step, its prompt tells the state
    if _takeover_refused(operation):  # a takeover refused: give another one
        turn.trail = [HOME, STRUCTURE_TYPE, STRUCTURE_ACTION, ASK_SIRET, CONFIRM_STRUCTURE, ASK_TAKEOVER_EXISTS]
        turn.step = ASK_TAKEOVER_SIRET
        if given.text is None:  # « Où en est l'opération ? »: the refusal, then the question
            turn.said.append(operation.message or "")
            return
        _on_takeover(turn, given)  # typed at once after reading the refusal
        return
    turn.done(operation.message or "", operation_id=operation.id)


def _on_email(turn: Turnaround, given: Given) -> None:
    email = (given.text or "").strip()
    if len(email) > 254 or not _EMAIL.match(email):
        raise _Say(messages.ASSISTANT_EMAIL_INVALID)
    resends = int(turn.data.get("resends", "0"))
    if resends >= MAX_RESENDS:
        turn.done(messages.ASSISTANT_TOO_MANY_RESENDS)
        return
    ctx = given.ctx
    handed_over = invitations.ask_resend(ctx.ports, ctx.invitations(), ctx.pseudonym_key(), email, ctx.now)
    logger.info("activation link asked", handed_over=handed_over)  # nothing of the address
    metrics.add_metric(name="ActivationLinkAsked", unit="Count", value=1)
    # The same answer whatever the address: an account waiting, active or none, asked already today or not.
    turn.done(messages.ASSISTANT_LINK_SENT, resends=str(resends + 1))


def _draft(ctx: Context, conversation: Conversation, pair: tuple[str, str], siret: str, submit: bool) -> int:
    user = _need_user(ctx)
    content = TicketContent(
        category=pair[0],
        subcategory=pair[1],
        emitter_siret=siret,
        title=messages.ASSISTANT_TICKET_TITLE.format(name=ctx.profile.name),
        description=transcript_text(conversation, ctx.profile.name)[-10_000:],
    )
    seen = tickets.create_ticket(ctx.ports, user, CreateTicket(ContentChanges.of(content), submit=submit))
    return seen.ticket.number


def _hand_over(turn: Turnaround, given: Given, pair: tuple[str, str], submit: bool, siret: str | None = None) -> None:
    """File the conversation as a ticket of ``pair`` (sent, or a draft), for the structure the conversation is
    about if the user belongs to it, for their only structure, or for the one they pick among theirs."""
    user = _need_user(given.ctx)
    mine = [m.org.id for m in user.structures]
    if not mine:
        raise _Say(messages.ASSISTANT_NO_STRUCTURE)
    if siret is None:
        named = turn.memory.get("structure")
        siret = named if named in mine else mine[0] if len(mine) == 1 else None
    if siret is None:
        turn.data = {"category": pair[0], "subcategory": pair[1], "submit": "yes" if submit else ""}
        turn.go(CHOOSE_STRUCTURE)
        return
    number = _draft(given.ctx, given.conversation, pair, siret, submit)
    said = messages.ASSISTANT_TICKET_SENT if submit else messages.ASSISTANT_DRAFT_READY
    turn.done(said.format(number=number), ticket=str(number))


def _on_offer(turn: Turnaround, given: Given) -> None:
    if given.choice == "NO":
        turn.home()
        return
    if given.ctx.user is None:
        turn.done(messages.ASSISTANT_USE_PUBLIC_FORM)
        return
    _hand_over(turn, given, (turn.data["category"], turn.data["subcategory"]), submit=False)


def _on_agent(turn: Turnaround, given: Given) -> None:
    if given.choice == "LIVE_CHAT":  # the client opens the chat (usecases/chat.py); the step stays as it is
        raise _Say(messages.ASSISTANT_LIVE_CHAT_ELSEWHERE)
    topic = turn.memory.get("topic")
    pair = faq.handover_pair(faq.Topic(topic) if topic else None)
    _hand_over(turn, given, pair, submit=given.choice == "SEND_TICKET")


def _on_choose_structure(turn: Turnaround, given: Given) -> None:  # the choice was offered: one of the user's
    siret = str(given.choice).removeprefix("STRUCTURE:")
    pair = (turn.data["category"], turn.data["subcategory"])
    _hand_over(turn, given, pair, submit=bool(turn.data.get("submit")), siret=siret)


_STEPS: dict[str, Callable[[Turnaround, Given], None]] = {
    HOME: _on_home,
    DONE: _on_done,
    STRUCTURE_TYPE: _on_type,
    STRUCTURE_ACTION: _on_action,
    ASK_SIRET: _on_siret,
    CONFIRM_STRUCTURE: _on_confirm_structure,
    ASK_TAKEOVER_EXISTS: _on_takeover_exists,
    ASK_TAKEOVER_SIRET: _on_takeover,
    CONFIRM_ACTION: _on_confirm_action,
    FOLLOW: _on_follow,
    ASK_EMAIL: _on_email,
    OFFER_TICKET: _on_offer,
    CONTACT_AGENT: _on_agent,
    CHOOSE_TOPIC: _on_choose_topic,
    ASK_MANAGER_GONE: _on_manager_gone,
    CHOOSE_STRUCTURE: _on_choose_structure,
}


# -------------------------------------------------------------------------------------- use cases
def transcript_text(conversation: Conversation, assistant_name: str) -> str:
    """The conversation as a ticket's description: one line per message, who (the user, or the assistant by its
    name) and when (Paris time)."""
    names = {"USER": messages.ASSISTANT_SPEAKER_USER, "ASSISTANT": assistant_name}
    return "\n".join(
        f"[{t.at.astimezone(PARIS):%d/%m/%Y %H:%M}] {t.name or names.get(t.by.value, t.by.value)} : {t.text}"
        for t in conversation.transcript
    )


def _said(reply: Reply, before: list[str], links: list[Link] | None = None) -> Reply:
    """The step's reply after what the assistant had to say first, with the pages of the answers said."""
    return Reply(
        "\n\n".join([*before, reply.text]),
        reply.choices,
        reply.accepts_text,
        reply.feedback,
        reply.operation_id,
        tuple(dict.fromkeys([*(links or []), *reply.links])),
    )


def _with_turns(conversation: Conversation, *turns: Turn) -> tuple[Turn, ...]:
    """The transcript with ``turns``, its oldest lines dropped beyond ``MAX_TURNS`` or ``MAX_TRANSCRIPT_BYTES``."""
    kept = (*conversation.transcript, *turns)[-MAX_TURNS:]
    size, first = 0, len(kept)
    while first > 0:
        size += len(kept[first - 1].text.encode("utf-8")) + 64  # the text, and its speaker and time
        if size > MAX_TRANSCRIPT_BYTES:
            break
        first -= 1
    return kept[first:]


def append_turns(conversation: Conversation, *turns: Turn) -> tuple[Turn, ...]:
    """The transcript with ``turns`` (a live chat's lines), kept within the same bounds as the assistant's."""
    return _with_turns(conversation, *turns)


def start(ctx: Context) -> tuple[Conversation, Reply]:
    """A new conversation, and the assistant's welcome."""
    now = ctx.now
    conversation = Conversation(
        id=secrets.token_urlsafe(16),
        owner=ctx.user.id if ctx.user else None,
        step=HOME,
        created_at=now,
        updated_at=now,
        expires_at=now + IDLE,
    )
    reply = _said(prompt(conversation, ctx), [messages.ASSISTANT_GREETING.format(name=ctx.profile.name)])
    conversation = conversation.model_copy(
        update={"transcript": (Turn(by=Speaker.ASSISTANT, text=reply.text, at=now),)}
    )
    ctx.ports.conversations.save_conversation(conversation, None)
    metrics.add_metric(name="AssistantConversationStarted", unit="Count", value=1)
    return conversation, reply


def load(ctx: Context, conversation_id: str) -> Conversation:
    """The conversation, for its owner only (an anonymous one on the public routes only); expired: 410."""
    conversation = ctx.ports.conversations.load_conversation(conversation_id)
    owner = ctx.user.id if ctx.user else None
    if conversation is None or conversation.owner != owner:
        raise NotFound(messages.CONVERSATION_NOT_FOUND)
    if conversation.expires_at <= ctx.now:
        raise Gone(messages.CONVERSATION_EXPIRED)
    return conversation


def current(ctx: Context, conversation_id: str) -> tuple[Conversation, Reply]:
    conversation = load(ctx, conversation_id)
    return conversation, prompt(conversation, ctx)


def send(ctx: Context, conversation_id: str, message: Message) -> tuple[Conversation, Reply]:
    """The user's message: the next step, its prompt (after what the assistant had to say first)."""
    if (message.choice is None) == (message.text is None or not message.text.strip()):
        raise InvalidInput([FieldError("text", messages.ASSISTANT_ONE_INPUT)])
    conversation = load(ctx, conversation_id)
    shown = prompt(conversation, ctx)  # read once: the FOLLOW step's prompt reads the operation
    turn = _advance(conversation, ctx, message, shown)
    _remember_procedure(turn, ctx)
    moved = conversation.model_copy(
        update={"step": turn.step, "data": turn.data, "trail": tuple(turn.trail), "memory": turn.memory}
    )
    reply = _said(prompt(moved, ctx), turn.said, turn.links)
    said_by_user = message.text.strip() if message.text else _label(shown, message.choice)
    now = ctx.now
    moved = moved.model_copy(
        update={
            "transcript": _with_turns(
                conversation,
                Turn(by=Speaker.USER, text=said_by_user, at=now),
                Turn(by=Speaker.ASSISTANT, text=reply.text, at=now),
            ),
            "updated_at": now,
            "expires_at": now + IDLE,
            "version": conversation.version + 1,
        }
    )
    ctx.ports.conversations.save_conversation(moved, conversation.version)
    return moved, reply


def _label(shown: Reply, choice: str | None) -> str:
    choice = choice or ""
    return next((c.label for c in shown.choices if c.id == choice), messages.ASSISTANT_CHOICES.get(choice, choice))


def give_feedback(
    ctx: Context, conversation_id: str, rating: Rating, reason: FeedbackReason | None, comment: str | None
) -> tuple[Conversation, Reply]:
    """Thumbs up, or thumbs down with one of the guide's four reasons and a comment (both required); then
    « Contacter un agent » or « Continuer notre conversation ». An anonymous visitor rates a conversation once
    (409 after, nothing counted): no one can inflate the figures from one conversation. Two ratings racing
    on one conversation: the version check lets one through, and only it is counted."""
    errors = []
    if rating is Rating.DOWN and reason is None:
        errors.append(FieldError("reason", messages.FEEDBACK_REASON_REQUIRED))
    if rating is Rating.DOWN and not (comment or "").strip():
        errors.append(FieldError("comment", messages.FEEDBACK_COMMENT_REQUIRED))
    if rating is Rating.UP and reason is not None:
        errors.append(FieldError("reason", messages.FEEDBACK_REASON_ONLY_DOWN))
    if errors:
        raise InvalidInput(errors)
    conversation = load(ctx, conversation_id)
    if ctx.user is None and conversation.feedback:
        raise Conflict(messages.FEEDBACK_ALREADY_GIVEN)
    now = ctx.now
    feedback = Feedback(rating=rating, reason=reason, comment=(comment or "").strip() or None, at=now)
    moved = conversation.model_copy(
        update={
            "feedback": (*conversation.feedback, feedback)[-MAX_FEEDBACK:],  # the counts keep them all
            "step": DONE,
            "trail": (),
            "data": {"said": messages.FEEDBACK_THANKS},
            "updated_at": now,
            "expires_at": now + IDLE,
            "version": conversation.version + 1,
        }
    )
    ctx.ports.conversations.save_conversation(moved, conversation.version)
    ctx.ports.satisfaction.record(now.astimezone(PARIS).date(), rating, reason)  # the support's days: Paris
    metrics.add_metric(name=f"AssistantRating{rating.value.title()}", unit="Count", value=1)
    if reason is not None:
        metrics.add_metric(name=f"AssistantDown{reason.value.title().replace('_', '')}", unit="Count", value=1)
    return moved, Reply(messages.FEEDBACK_THANKS, (_c("AGENT"), _c("CONTINUE")))


def satisfaction(ctx: Context, first: date, last: date) -> dict[date, dict[str, int]]:
    """The ratings per day and reason, for the technical support's members only."""
    user = ctx.user
    support = catalogue.SUPPORT_TEAM_ID
    if user is None or not any(m.org.kind is OrgKind.TEAM and m.org.id == support for m in user.memberships):
        raise Forbidden(messages.SATISFACTION_SUPPORT_ONLY)
    if last < first:
        raise InvalidInput([FieldError("to", messages.PERIOD_REVERSED)])
    if (last - first).days > 366:
        raise InvalidInput([FieldError("to", messages.SATISFACTION_PERIOD_TOO_LONG)])
    return ctx.ports.satisfaction.read(first, last)
