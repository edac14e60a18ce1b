"""The transition table of DOMAIN.md, exhaustively: every status × action × role, through the API.

The expected outcomes are written out here from DOMAIN.md, independently of chorus_desk.lifecycle.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

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

# role → (demo user, side). Marie and Julie are members of the emitter structure (manager and simple
# user), Lucas an agent of the technical support (the recipient), Nora a member of another structure.
ROLES = {
    "emitter_manager": ("marie", "emitter"),
    "emitter_simple_user": ("julie", "emitter"),
    "recipient_agent": ("lucas", "recipient"),
    "outsider": ("nora", None),
}


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


@pytest.mark.parametrize(
    ("status", "action", "role"),
    [pytest.param(*case, id="-".join(case)) for case in itertools.product(STATUSES, ACTIONS, ROLES)],
)
def test_transition(api: Api, status: str, action: str, role: str) -> None:
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
        assert reply.body["message"], "every refusal explains itself in French"
        assert after.body == before, "a refused action changes nothing"
    elif action != "EDIT_DRAFT":
        entry = after.body["history"][-1]
        assert (entry["from_status"]["code"], entry["to_status"]["code"]) == (status, target)
        assert entry["actor"]["name"] and entry["action"]["code"] == action
        assert len(after.body["history"]) == len(before["history"]) + 1
        if action == "ASSIGN":
            assert after.body["assignee"] == {"id": TEST_IDS["sophie"], "name": "Sophie Moreau"}
            assert entry["assignee"] == after.body["assignee"]
