"""The transition table of DOMAIN.md, exhaustively: every status × action × role, on the use cases with the
in-memory ports (fast), then a slice of it through the real handlers on DynamoDB (moto).

The expected outcomes are written out here from DOMAIN.md, independently of chorus_desk.lifecycle.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from chorus_desk.adapters.memory.files import MemoryFiles
from chorus_desk.commands import ActOnTicket, ContentChanges, UpdateDraft
from chorus_desk.errors import DeskError, Forbidden, NotFound, TransitionNotAllowed
from chorus_desk.lifecycle import Action
from chorus_desk.models import TicketContent
from chorus_desk.ports import Ports
from chorus_desk.usecases import tickets
from tests import fixtures
from tests.support import TEST_IDS, Api

STATUSES = ["DRAFT", "OPEN", "IN_PROGRESS", "AWAITING_INFO", "RESOLVED", "CLOSED"]

# action → (route, side allowed to do it, a valid body)
ACTIONS: dict[str, tuple[str, str, dict[str, Any] | None]] = {
    "EDIT_DRAFT": ("update_draft", "emitter", {"title": "Titre corrigé"}),
    "DELETE_DRAFT": ("delete_draft", "emitter", None),
    "SUBMIT": ("submit_draft", "emitter", None),
    "TAKE_IN_CHARGE": ("take_in_charge", "recipient", {}),
    "ASSIGN": ("assign_ticket", "recipient", {"assignee_id": TEST_IDS["sophie"]}),
    "REQUEST_INFORMATION": ("request_information", "recipient", {"question": "Quelle facture ?"}),
    "PROVIDE_INFORMATION": ("provide_information", "emitter", {"text": "La facture FAC-1."}),
    "ANSWER": ("answer", "recipient", {"text": "Voici la réponse."}),
    "ACCEPT_SOLUTION": ("accept_solution", "emitter", {}),
    "REFUSE_SOLUTION": ("refuse_solution", "emitter", {"reason": "Ça ne marche pas."}),
    "CLOSE": ("close_ticket", "emitter", {"comment": "Plus d'actualité."}),
}

# DOMAIN.md, "Transitions": (from, action) → to.  None: the draft is gone.
TABLE: dict[tuple[str, str], str | None] = {
    ("DRAFT", "EDIT_DRAFT"): "DRAFT",
    ("DRAFT", "DELETE_DRAFT"): None,
    ("DRAFT", "SUBMIT"): "OPEN",
    ("OPEN", "TAKE_IN_CHARGE"): "IN_PROGRESS",
    # "Assigné à": the recipient gives the ticket to one of its agents; the status does not change.
    ("OPEN", "ASSIGN"): "OPEN",
    ("IN_PROGRESS", "ASSIGN"): "IN_PROGRESS",
    ("AWAITING_INFO", "ASSIGN"): "AWAITING_INFO",
    ("OPEN", "REQUEST_INFORMATION"): "AWAITING_INFO",
    ("IN_PROGRESS", "REQUEST_INFORMATION"): "AWAITING_INFO",
    ("AWAITING_INFO", "PROVIDE_INFORMATION"): "OPEN",
    ("OPEN", "ANSWER"): "RESOLVED",
    ("IN_PROGRESS", "ANSWER"): "RESOLVED",
    ("RESOLVED", "ACCEPT_SOLUTION"): "CLOSED",
    ("RESOLVED", "REFUSE_SOLUTION"): "OPEN",
    ("OPEN", "CLOSE"): "CLOSED",
    ("IN_PROGRESS", "CLOSE"): "CLOSED",
    ("AWAITING_INFO", "CLOSE"): "CLOSED",
    ("RESOLVED", "CLOSE"): "CLOSED",
}

# role → (user, side). Marie and Julie are members of the emitter structure (manager and simple user),
# Lucas an agent of the technical support (the recipient), Nora a member of another structure.
ROLES = {
    "emitter_manager": ("marie", "emitter"),
    "emitter_simple_user": ("julie", "emitter"),
    "recipient_agent": ("lucas", "recipient"),
    "outsider": ("nora", None),
}
HTTP_OF = {NotFound: 404, Forbidden: 403, TransitionNotAllowed: 409}


def expected(status: str, action: str, role: str) -> tuple[int, str | None]:
    """(HTTP status, ticket status afterwards) that DOMAIN.md and the issue ask for."""
    _, side = ROLES[role]
    _, action_side, _ = ACTIONS[action]
    if side is None or (side == "recipient" and status == "DRAFT"):
        return 404, status  # not visible: no hint that it exists
    if side != action_side:
        return 403, status
    if (status, action) not in TABLE:
        return 409, status
    target = TABLE[(status, action)]
    return (204 if target is None else 200), target


# ------------------------------------------------------------------------------ on the use cases
def ticket_in(ports: Ports, status: str) -> int:
    """A ticket of Menuiserie Dupont, sent to the support, brought to ``status`` through the use cases."""
    number = fixtures.new_ticket(ports, submit=status != "DRAFT")
    plan: dict[str, list[tuple[str, Action, str | None]]] = {
        "DRAFT": [],
        "OPEN": [],
        "IN_PROGRESS": [("lucas", Action.TAKE_IN_CHARGE, None)],
        "AWAITING_INFO": [("lucas", Action.REQUEST_INFORMATION, "Quel numéro de facture ?")],
        "RESOLVED": [("lucas", Action.ANSWER, "Voici la solution.")],
        "CLOSED": [("lucas", Action.ANSWER, "Voici la solution."), ("marie", Action.ACCEPT_SOLUTION, None)],
    }
    for alias, action, text in plan[status]:
        tickets.act(ports, fixtures.user(ports, alias), ActOnTicket(number, action, text))
    return number


def perform(ports: Ports, alias: str, number: int, action: str) -> None:
    user = fixtures.user(ports, alias)
    _, _, body = ACTIONS[action]
    if action == "EDIT_DRAFT":
        tickets.update_draft(ports, user, UpdateDraft(number, ContentChanges.of(TicketContent(title="Titre corrigé"))))
    elif action == "DELETE_DRAFT":
        tickets.delete_draft(ports, user, number, MemoryFiles())
    else:
        values = dict(body or {})
        assignee = values.pop("assignee_id", None)
        text = next(iter(values.values()), None)
        tickets.act(ports, user, ActOnTicket(number, Action(action), text, assignee))


@pytest.mark.parametrize(
    ("status", "action", "role"),
    [pytest.param(*case, id="-".join(case)) for case in itertools.product(STATUSES, ACTIONS, ROLES)],
)
def test_transition(memory: Ports, status: str, action: str, role: str) -> None:
    number = ticket_in(memory, status)
    before = memory.tickets.load_ticket(number)
    user, _ = ROLES[role]
    outcome, target = expected(status, action, role)

    try:
        perform(memory, user, number, action)
        refusal = None
    except DeskError as exc:
        refusal = exc

    after = memory.tickets.load_ticket(number)
    if outcome >= 400:
        assert refusal is not None and HTTP_OF[type(refusal)] == outcome, refusal
        assert refusal.message, "every refusal explains itself in French"
        assert after == before, "a refused action changes nothing"
        return
    assert refusal is None, refusal
    if target is None:
        assert after is None
        return
    assert after is not None and before is not None
    assert after.status.value == target
    if action != "EDIT_DRAFT":
        entry = after.history[-1]
        assert (entry.from_status, entry.to_status) == (before.status, after.status)
        assert entry.actor.name and entry.action.value == action
        assert len(after.history) == len(before.history) + 1
        if action == "ASSIGN":
            assert after.assignee is not None and after.assignee.id == TEST_IDS["sophie"]
            assert entry.assignee == after.assignee


# ------------------------------------------------------------------ a slice through the handlers
SLICE = [
    ("OPEN", "ANSWER", "recipient_agent"),
    ("RESOLVED", "REFUSE_SOLUTION", "emitter_simple_user"),
    ("DRAFT", "DELETE_DRAFT", "emitter_manager"),
    ("AWAITING_INFO", "ANSWER", "recipient_agent"),
    ("OPEN", "ACCEPT_SOLUTION", "recipient_agent"),
    ("IN_PROGRESS", "CLOSE", "outsider"),
    ("DRAFT", "TAKE_IN_CHARGE", "recipient_agent"),
    ("IN_PROGRESS", "ASSIGN", "recipient_agent"),
]


@pytest.mark.parametrize(("status", "action", "role"), [pytest.param(*c, id="-".join(c)) for c in SLICE])
def test_transition_over_http_on_dynamodb(aws_api: Api, status: str, action: str, role: str) -> None:
    """The same table through the real handlers and the DynamoDB adapters: statuses, history, refusals."""
    api = aws_api
    number = api.ticket_in(status)
    before = api.call("get_ticket", "marie", number).body
    user, _ = ROLES[role]
    route, _, body = ACTIONS[action]
    http_status, target = expected(status, action, role)

    reply = api.call(route, user, number, body=body)

    assert reply.status == http_status, reply.body
    after = api.call("get_ticket", "marie", number)
    if target is None:
        assert after.status == 404
        return
    assert after.body["status"]["code"] == target
    if http_status >= 400:
        assert reply.body["message"]
        assert after.body == before
    else:
        entry = after.body["history"][-1]
        assert (entry["from_status"]["code"], entry["to_status"]["code"]) == (status, target)
        assert entry["action"]["code"] == action
