"""End to end: the local stack (`python -m local_stack serve`) runs the inactivation state machine with moto's
interpreter, its Lambda tasks running the real handler in-process; over real HTTP with Cognito IdTokens, the
two cases of the walk-through on the demo data: the régie closed in Sirene, and the commune still open, first refused at
once for want of a takeover (nothing started), then taken over by its Ateliers municipaux (its invoices and
open tickets move); and the refusals given before anything starts, to a stranger and to a simple member."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.stack import Stack, start_stack

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

REGIE, COMMUNE, ATELIERS = "73214569300014", "21769001500011", "21769001500029"
CLAIRE = "claire.petit@saint-leger.example"  # the manager of the commune and of the régie


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    started = start_stack(tmp_path_factory.mktemp("structures"))
    yield started
    if started.process.poll() is None:
        started.process.kill()


def inactivate(stack: Stack, siret: str, takeover: str | None = None) -> dict[str, Any]:
    """Start the inactivation, then follow the operation until the machine has ended it."""
    body: dict[str, Any] = {"confirm": True, **({"takeover_siret": takeover} if takeover else {})}
    status, started, headers = stack.http("POST", f"/structures/{siret}/inactivation", "claire", body)
    assert status == 202, started
    assert headers["Location"] == f"/operations/{started['id']}"
    deadline = time.monotonic() + 30
    while True:
        status, operation, _ = stack.http("GET", f"/operations/{started['id']}", "claire")
        assert status == 200, operation
        if operation["state"]["code"] != "RUNNING":
            return dict(operation)
        assert time.monotonic() < deadline, f"the operation did not end:\n{stack.log.read_text()[-3000:]}"
        time.sleep(0.1)


def structure_mails(stack: Stack) -> list[tuple[str, str]]:
    """The mails about a structure sent so far (their recipients and subjects)."""
    return [(m["to"], m["subject"]) for m in stack.mails() if "structure" in m["subject"]]


def test_case_1_a_structure_closed_in_sirene_is_inactivated(stack: Stack) -> None:
    status, shown, _ = stack.http("GET", f"/structures/{REGIE}", "claire")
    assert status == 200, shown
    assert (shown["state"], shown["registry"]["state"], shown["registry"]["closed_on"]) == (
        "Active",
        "Fermé",
        "2024-12-31",
    )

    operation = inactivate(stack, REGIE)

    assert operation["state"] == {"code": "SUCCEEDED", "label": "Terminée"}
    assert operation["message"] == (
        f"La structure de SIRET {REGIE} est inactivée. Demandes de paiement transférées : 0 ; tickets transférés : 0."
    )
    # The manager is told by mail once the machine has ended (a moment after: waited for, so that it does not land in
    # a later test's count, as it did in CI's run on a loaded machine).
    told = stack.wait_for_mail(CLAIRE, f"(SIRET {REGIE}) : Terminée")
    assert "« Ancienne régie des eaux »" in told["subject"]
    assert stack.http("GET", f"/structures/{REGIE}", "claire")[1]["state"] == "Inactive"
    assert stack.http("GET", f"/operations/{operation['id']}", "hugo")[0] == 404
    log = stack.log.read_text()
    assert "LAMBDA StructureTasksFunction (look_up_sirene)" in log  # the real handler ran, in-process


def test_case_2_an_open_structure_hands_what_it_receives_to_its_takeover(stack: Stack) -> None:
    status, ticket, _ = stack.http(
        "POST",
        "/tickets",
        "marie",
        {
            "submit": True,
            "category": "FACTURES_EMISES",
            "subcategory": "MONTANT_PAYE_DIFFERENT",
            "emitter_siret": "53453679200011",
            "object_type": "FACTURE",
            "object_number": "FAC-2026-0101",
            "title": "Montant payé différent",
            "description": "Il manque 120 € sur le paiement.",
        },
    )
    assert status == 201, ticket
    assert ticket["recipient"]["id"] == COMMUNE
    # Its acknowledgement leaves through the stream, a moment later: waited for here, so that no mail of this test
    # lands in the next one's count (CI's run met it on a loaded machine).
    stack.wait_for_mail(None, f"ticket n° {ticket['number']} a bien été enregistré")

    status, refused, _ = stack.http("POST", f"/structures/{COMMUNE}/inactivation", "claire", {"confirm": True})
    assert (status, refused["code"], refused["errors"][0]["field"]) == (400, "REPRISE_REFUSEE", "takeover_siret")
    status, checked, _ = stack.http("GET", f"/structures/{COMMUNE}?takeover_siret={ATELIERS}", "claire")
    assert (status, checked["takeover"]["designation"]) == (200, "Ateliers municipaux de Saint-Léger")

    operation = inactivate(stack, COMMUNE, ATELIERS)

    assert operation["state"]["code"] == "SUCCEEDED", operation
    stack.wait_for_mail(CLAIRE, f"(SIRET {COMMUNE}) : Terminée")
    assert (operation["moved_payments"], operation["moved_tickets"]) == (3, 2)  # the demo's and this ticket
    status, moved, _ = stack.http("GET", f"/tickets/{ticket['number']}", "claire")
    assert status == 200
    assert moved["recipient"]["id"] == ATELIERS
    last = moved["history"][-1]
    assert (last["action"]["code"], last["actor"]["id"]) == ("REROUTE", "system:structures")
    assert stack.http("GET", f"/tickets/{ticket['number']}", "hugo")[0] == 404
    boards = {b["organisation"]["id"]: b for b in stack.http("GET", "/dashboard", "claire")[1]["organisations"]}
    received = {
        o: sum(c["count"] for c in boards[o]["received"]["counts"] if c["status"]["code"] != "CLOSED") for o in boards
    }
    assert (received[COMMUNE], received[ATELIERS]) == (0, 2)
    # The commune, open in Sirene, may be activated again; the régie, closed there, may not.
    assert stack.http("POST", f"/structures/{COMMUNE}/activation", "claire", {"confirm": True})[1]["state"] == "Active"
    status, closed, _ = stack.http("POST", f"/structures/{REGIE}/activation", "claire", {"confirm": True})
    assert (status, closed["code"]) == (409, "ETABLISSEMENT_FERME")


def test_strangers_and_simple_members_are_refused_before_anything_starts(stack: Stack) -> None:
    """Victor (the hospital) asks for the commune and for a SIRET Chorus Pro does not know: one answer, naming
    nothing; Hugo, a simple member of the commune, is told a manager is needed; no mail leaves for any of it."""
    mails_before = structure_mails(stack)
    stranger = stack.http("POST", f"/structures/{COMMUNE}/inactivation", "victor", {"confirm": True})
    unknown = stack.http("POST", "/structures/81234567600017/inactivation", "victor", {"confirm": True})
    shown = stack.http("GET", f"/structures/{COMMUNE}", "victor")

    assert (stranger[0], stranger[1]) == (unknown[0], unknown[1]) == (shown[0], shown[1])
    assert (stranger[0], stranger[1]["code"]) == (404, "STRUCTURE_INCONNUE")
    assert "Saint-Léger" not in str(stranger[1])
    status, member, _ = stack.http("POST", f"/structures/{COMMUNE}/inactivation", "hugo", {"confirm": True})
    assert (status, member["code"]) == (403, "GESTIONNAIRE_REQUIS")
    # No mail about a structure: counted over the structures' mails only, since the demo's tickets' own mails may
    # still be on their way when this test runs alone.
    assert structure_mails(stack) == mails_before
