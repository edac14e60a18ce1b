"""The ticket lifecycle of DOMAIN.md: statuses, actions, and the transition table.

This module is the single place that says who may do what from which status, and which text becomes
mandatory. Everything else (the ticket service, the API, the tests) asks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from chorus_desk import messages
from chorus_desk.errors import FieldError, Forbidden, InvalidInput, TransitionNotAllowed


class Status(StrEnum):
    DRAFT = "DRAFT"
    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    AWAITING_INFO = "AWAITING_INFO"
    RESOLVED = "RESOLVED"
    CLOSED = "CLOSED"

    @property
    def label(self) -> str:
        return messages.STATUS_LABELS[self.value]


class Side(StrEnum):
    """On which side of a ticket a user acts: for the emitter structure, or for the recipient organisation."""

    EMITTER = "EMITTER"
    RECIPIENT = "RECIPIENT"


class Action(StrEnum):
    CREATE_DRAFT = "CREATE_DRAFT"
    CREATE_AND_SUBMIT = "CREATE_AND_SUBMIT"
    EDIT_DRAFT = "EDIT_DRAFT"
    DELETE_DRAFT = "DELETE_DRAFT"
    SUBMIT = "SUBMIT"
    TAKE_IN_CHARGE = "TAKE_IN_CHARGE"
    ASSIGN = "ASSIGN"
    REQUEST_INFORMATION = "REQUEST_INFORMATION"
    PROVIDE_INFORMATION = "PROVIDE_INFORMATION"
    ANSWER = "ANSWER"
    ACCEPT_SOLUTION = "ACCEPT_SOLUTION"
    REFUSE_SOLUTION = "REFUSE_SOLUTION"
    CLOSE = "CLOSE"
    # Attachments: history entries only, the status stays (who may, from which status: ``FILES_FROM``).
    ADD_ATTACHMENT = "ADD_ATTACHMENT"
    REMOVE_ATTACHMENT = "REMOVE_ATTACHMENT"
    # The desk refuses a file its check or the malware scan rejected (system actor, the file's side).
    REFUSE_ATTACHMENT = "REFUSE_ATTACHMENT"
    # The desk moves a ticket to the structure taking over an inactivated one: history only, status kept.
    REROUTE = "REROUTE"
    # The desk closes a resolved ticket its emitter left without any action for N days (``SYSTEM_TRANSITIONS``).
    AUTO_CLOSE = "AUTO_CLOSE"

    @property
    def label(self) -> str:
        return messages.ACTION_LABELS[self.value]


@dataclass(frozen=True)
class Transition:
    """One row of the transition table.

    ``sources`` holds the statuses the action starts from (``None`` stands for a ticket that does not
    exist yet); ``target`` is the status reached (``None``: the ticket is deleted), unless
    ``keeps_status``: the action (an assignment) leaves the status as it is. An edit of a draft stays a
    draft and adds no history entry. ``text_required_in`` lists the source statuses in which
    the text is mandatory, with the message to show when it is missing.
    """

    action: Action
    side: Side
    sources: frozenset[Status | None]
    target: Status | None
    text_required_in: frozenset[Status | None] = frozenset()
    text_missing_message: str = ""
    text_field: str = "comment"
    keeps_status: bool = False

    @property
    def label(self) -> str:
        return self.action.label

    def target_from(self, status: Status | None) -> Status | None:
        return status if self.keeps_status else self.target


_ACTIVE = frozenset({Status.OPEN, Status.IN_PROGRESS, Status.AWAITING_INFO, Status.RESOLVED})

TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        Transition(Action.CREATE_DRAFT, Side.EMITTER, frozenset({None}), Status.DRAFT),
        Transition(Action.CREATE_AND_SUBMIT, Side.EMITTER, frozenset({None}), Status.OPEN),
        Transition(Action.EDIT_DRAFT, Side.EMITTER, frozenset({Status.DRAFT}), Status.DRAFT),
        Transition(Action.DELETE_DRAFT, Side.EMITTER, frozenset({Status.DRAFT}), None),
        Transition(Action.SUBMIT, Side.EMITTER, frozenset({Status.DRAFT}), Status.OPEN),
        Transition(Action.TAKE_IN_CHARGE, Side.RECIPIENT, frozenset({Status.OPEN}), Status.IN_PROGRESS),
        Transition(
            Action.ASSIGN,
            Side.RECIPIENT,
            frozenset({Status.OPEN, Status.IN_PROGRESS, Status.AWAITING_INFO}),
            None,
            keeps_status=True,
        ),
        Transition(
            Action.REQUEST_INFORMATION,
            Side.RECIPIENT,
            frozenset({Status.OPEN, Status.IN_PROGRESS}),
            Status.AWAITING_INFO,
            text_required_in=frozenset({Status.OPEN, Status.IN_PROGRESS}),
            text_missing_message=messages.QUESTION_REQUIRED,
            text_field="question",
        ),
        Transition(
            Action.PROVIDE_INFORMATION,
            Side.EMITTER,
            frozenset({Status.AWAITING_INFO}),
            Status.OPEN,
            text_required_in=frozenset({Status.AWAITING_INFO}),
            text_missing_message=messages.INFORMATION_REQUIRED,
            text_field="text",
        ),
        Transition(
            Action.ANSWER,
            Side.RECIPIENT,
            frozenset({Status.OPEN, Status.IN_PROGRESS}),
            Status.RESOLVED,
            text_required_in=frozenset({Status.OPEN, Status.IN_PROGRESS}),
            text_missing_message=messages.ANSWER_REQUIRED,
            text_field="text",
        ),
        Transition(Action.ACCEPT_SOLUTION, Side.EMITTER, frozenset({Status.RESOLVED}), Status.CLOSED),
        Transition(
            Action.REFUSE_SOLUTION,
            Side.EMITTER,
            frozenset({Status.RESOLVED}),
            Status.OPEN,
            text_required_in=frozenset({Status.RESOLVED}),
            text_missing_message=messages.REFUSAL_REASON_REQUIRED,
            text_field="reason",
        ),
        Transition(
            Action.CLOSE,
            Side.EMITTER,
            _ACTIVE,
            Status.CLOSED,
            # Closing before an answer needs a comment; closing a resolved ticket does not.
            text_required_in=frozenset({Status.OPEN, Status.IN_PROGRESS, Status.AWAITING_INFO}),
            text_missing_message=messages.CLOSING_COMMENT_REQUIRED,
        ),
    )
}

# What only the desk itself does (a scheduled job, as the system caller): never offered to a user, never an API
# action. The automatic closing stands in for the emitter's acceptance, so it is written on the emitter's side.
SYSTEM_TRANSITIONS: dict[Action, Transition] = {
    Action.AUTO_CLOSE: Transition(Action.AUTO_CLOSE, Side.EMITTER, frozenset({Status.RESOLVED}), Status.CLOSED),
}

# Actions a user can take on an existing ticket (creation is not among them).
TICKET_ACTIONS: tuple[Action, ...] = tuple(a for a, t in TRANSITIONS.items() if None not in t.sources)


def authorize(action: Action, sides: frozenset[Side], status: Status | None, number: int | None = None) -> Transition:
    """Return the transition for ``action`` taken from ``status`` by a user acting on ``sides``.

    Raises ``Forbidden`` when the action belongs to the other side of the ticket, and
    ``TransitionNotAllowed`` when the table has no row for this status.
    """
    transition = TRANSITIONS[action]
    if transition.side not in sides:
        template = messages.EMITTER_ONLY if transition.side is Side.EMITTER else messages.RECIPIENT_ONLY
        raise Forbidden(template.format(action=transition.label))
    if status not in transition.sources:
        assert status is not None  # creation always starts from "no ticket"
        if action is Action.EDIT_DRAFT:
            raise TransitionNotAllowed(messages.ONLY_DRAFT_EDITABLE.format(number=number, status=status.label))
        if action is Action.DELETE_DRAFT:
            raise TransitionNotAllowed(messages.ONLY_DRAFT_DELETABLE.format(number=number, status=status.label))
        raise TransitionNotAllowed(
            messages.TRANSITION_NOT_ALLOWED.format(action=transition.label, number=number, status=status.label)
        )
    return transition


def require_text(transition: Transition, status: Status | None, text: str | None) -> str | None:
    """Check the transition's mandatory text; return it stripped (``None`` when empty and optional)."""
    cleaned = text.strip() if text else None
    if not cleaned and status in transition.text_required_in:
        raise InvalidInput([FieldError(transition.text_field, transition.text_missing_message)])
    return cleaned or None


# Who adds (and removes their own) files, in which statuses: the emitter on a draft and while answering an
# information request; the recipient with its questions and answers (before it sends them).
FILES_FROM: dict[Side, frozenset[Status]] = {
    Side.EMITTER: frozenset({Status.DRAFT, Status.AWAITING_INFO}),
    Side.RECIPIENT: frozenset({Status.OPEN, Status.IN_PROGRESS}),
}


def authorize_files(action: Action, sides: frozenset[Side], status: Status, number: int) -> Side:
    """The side on which a user adds or removes a file of a ticket in ``status``, or ``TransitionNotAllowed``."""
    for side in sorted(sides):
        if status in FILES_FROM[side]:
            return side
    raise TransitionNotAllowed(
        messages.TRANSITION_NOT_ALLOWED.format(action=action.label, number=number, status=status.label)
    )


def allowed_actions(sides: frozenset[Side], status: Status) -> list[Action]:
    """The actions the table offers to a user acting on ``sides`` for a ticket in ``status``, then
    « Ajouter un fichier » when one of those sides may add files now (``FILES_FROM``)."""
    actions = [a for a in TICKET_ACTIONS if TRANSITIONS[a].side in sides and status in TRANSITIONS[a].sources]
    if any(status in FILES_FROM[side] for side in sides):
        actions.append(Action.ADD_ATTACHMENT)
    return actions
