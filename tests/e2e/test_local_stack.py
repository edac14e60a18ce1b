"""End to end: start the local stack (`python -m local_stack serve`), get real Cognito IdTokens with the
token command, and walk a ticket from draft to closed over real HTTP, both sides, including an
information request and a refused solution. Finally, Ctrl-C must stop the stack cleanly."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.stack import Stack, start_stack
from tests.support import ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    started = start_stack(tmp_path_factory.mktemp("stack"))
    yield started
    if started.process.poll() is None:
        started.process.kill()


def test_walk_a_ticket_from_draft_to_closed(stack: Stack) -> None:
    status, me, _ = stack.http("GET", "/me", "marie")
    assert status == 200
    assert me["organisations"][0]["name"] == "Menuiserie Dupont"
    assert me["organisations"][0]["role_label"] == "Gestionnaire principal"

    status, draft, headers = stack.http(
        "POST",
        "/tickets",
        "marie",
        {
            "category": "FACTURES_EMISES",
            "subcategory": "ERREUR_ELEMENTS_FACTURATION",
            "emitter_siret": "53453679200011",
            "title": "Numéro d'engagement erroné",
        },
    )
    assert status == 201, draft
    number = draft["number"]
    assert draft["status"]["label"] == "Brouillon"
    assert headers["Location"] == f"/tickets/{number}"

    status, missing, _ = stack.http("POST", f"/tickets/{number}/submit", "marie")
    assert status == 400
    assert missing["errors"] == [{"field": "description", "message": "La description est obligatoire."}]

    status, edited, _ = stack.http(
        "PATCH",
        f"/tickets/{number}",
        "marie",
        {"description": "La facture FAC-2026-118 porte un mauvais numéro.", "emitter_service": "COMPTA"},
    )
    assert status == 200, edited
    status, sent, _ = stack.http("POST", f"/tickets/{number}/submit", "marie")
    assert (status, sent["status"]["label"]) == (200, "Ouvert")
    assert sent["recipient"]["name"] == "Support technique Chorus Pro"

    # Someone of another structure learns nothing, whatever they try.
    assert stack.http("GET", f"/tickets/{number}", "nora")[0] == 404
    assert stack.http("POST", f"/tickets/{number}/close", "nora", {"comment": "x"})[0] == 404

    lucas_id = stack.http("GET", "/me", "lucas")[1]["id"]
    status, taken, _ = stack.http("POST", f"/tickets/{number}/take-in-charge", "sophie", {"assignee_id": lucas_id})
    assert (status, taken["status"]["label"], taken["assignee"]["name"]) == (200, "En cours", "Lucas Fabre")

    status, asked, _ = stack.http(
        "POST",
        f"/tickets/{number}/information-requests",
        "lucas",
        {"question": "Quel numéro d'engagement attendiez-vous ?"},
    )
    assert (status, asked["status"]["label"]) == (200, "En attente d'informations")
    assert {a["code"] for a in stack.http("GET", f"/tickets/{number}", "julie")[1]["allowed_actions"]} == {
        "PROVIDE_INFORMATION",
        "CLOSE",
        "ADD_ATTACHMENT",  # files may come with the answer
    }

    status, answered_info, _ = stack.http(
        "POST", f"/tickets/{number}/information", "julie", {"text": "Le numéro EJ 1300042."}
    )
    assert (status, answered_info["status"]["label"]) == (200, "Ouvert")

    status, resolved, _ = stack.http("POST", f"/tickets/{number}/answer", "lucas", {"text": "Corrigé."})
    assert (status, resolved["status"]["label"]) == (200, "Résolu")

    status, refused, _ = stack.http("POST", f"/tickets/{number}/refuse", "marie", {})
    assert status == 400
    assert refused["errors"][0]["field"] == "reason"
    status, refused, _ = stack.http(
        "POST", f"/tickets/{number}/refuse", "marie", {"reason": "La facture est toujours rejetée."}
    )
    assert (status, refused["status"]["label"]) == (200, "Ouvert")

    status, resolved, _ = stack.http("POST", f"/tickets/{number}/answer", "lucas", {"text": "Corrigé côté flux."})
    assert (status, resolved["status"]["label"]) == (200, "Résolu")
    status, closed, _ = stack.http("POST", f"/tickets/{number}/accept", "marie")
    assert (status, closed["status"]["label"]) == (200, "Fermé")

    status, again, _ = stack.http("POST", f"/tickets/{number}/close", "marie", {"comment": "encore"})
    assert status == 409
    assert (
        again["message"]
        == f"L'action « Fermer le ticket » est impossible : le ticket n° {number} est au statut « Fermé »."
    )

    history = stack.http("GET", f"/tickets/{number}", "sophie")[1]["history"]
    assert [(h["actor"]["name"], h["action"]["code"], h["to_status"]["code"]) for h in history] == [
        ("Marie Dupont", "CREATE_DRAFT", "DRAFT"),
        ("Marie Dupont", "SUBMIT", "OPEN"),
        ("Sophie Moreau", "TAKE_IN_CHARGE", "IN_PROGRESS"),
        ("Lucas Fabre", "REQUEST_INFORMATION", "AWAITING_INFO"),
        ("Julie Bernard", "PROVIDE_INFORMATION", "OPEN"),
        ("Lucas Fabre", "ANSWER", "RESOLVED"),
        ("Marie Dupont", "REFUSE_SOLUTION", "OPEN"),
        ("Lucas Fabre", "ANSWER", "RESOLVED"),
        ("Marie Dupont", "ACCEPT_SOLUTION", "CLOSED"),
    ]


def test_the_gateway_enforces_the_cognito_authorizer(stack: Stack) -> None:
    status, body, headers = stack.http("GET", "/tickets/1", headers={"Origin": "http://localhost:3000"})
    assert status == 401
    assert body["code"] == "NON_AUTHENTIFIE"
    assert headers["Access-Control-Allow-Origin"] == "http://localhost:3000"  # the portal can read it
    assert stack.http("GET", "/tickets/1", headers={"Authorization": "not-a-jwt"})[0] == 401
    forged = stack.token("marie")[:-4] + ("AAAA" if not stack.token("marie").endswith("AAAA") else "BBBB")
    assert stack.http("GET", "/tickets/1", headers={"Authorization": forged})[0] == 401
    assert stack.http("GET", "/tickets/1", headers={"Authorization": f"Bearer {stack.token('marie')}"})[0] == 200


def test_unknown_routes_answer_like_api_gateway(stack: Stack) -> None:
    assert stack.http("GET", "/nowhere", "marie")[:2] == (403, {"message": "Missing Authentication Token"})
    assert stack.http("PUT", "/tickets/1", "marie")[0] == 403


def test_cors_preflight_allows_only_the_configured_origin(stack: Stack) -> None:
    status, _, headers = stack.http("OPTIONS", "/tickets/1", headers={"Origin": "http://localhost:3000"})
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    _, _, headers = stack.http("GET", "/me", "marie", headers={"Origin": "http://localhost:3000"})
    assert headers["Access-Control-Allow-Origin"] == "http://localhost:3000"


def test_openapi_document_and_swagger_ui_are_served(stack: Stack) -> None:
    status, document, _ = stack.http("GET", "/openapi.json")
    assert status == 200
    assert document == json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    status, page, _ = stack.http("GET", "/docs")
    assert status == 200 and "SwaggerUIBundle" in page
    assert stack.http("GET", "/docs/swagger-ui-bundle.js")[0] == 200


def test_demo_data_is_there_for_every_role(stack: Stack) -> None:
    organisations = {u: stack.http("GET", "/me", u)[1]["organisations"] for u in ("paul", "claire", "sophie")}
    assert [(o["name"], o["role"]) for o in organisations["paul"]] == [
        ("Les Loges du Grel", "USER"),
        ("Menuiserie Dupont", "SECONDARY_MANAGER"),
    ]
    assert any(o["public"] for o in organisations["claire"])
    assert organisations["sophie"][0]["kind"] == "TEAM"
    status, waiting, _ = stack.http("GET", "/tickets/3", "julie")
    assert (status, waiting["status"]["code"]) == (200, "AWAITING_INFO")


def test_a_ticket_about_an_invoice_reaches_the_invoices_recipient(stack: Stack) -> None:
    status, catalogue, _ = stack.http("GET", "/catalogue?mode=ANONYMOUS")  # public: no token
    assert status == 200
    offered = {s["code"] for c in catalogue["categories"] for s in c["subcategories"]}
    assert "MANDAT_DE_FACTURATION" in offered and "REJET_FACTURE" not in offered

    status, sent, _ = stack.http(
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
            "title": "Montant payé inférieur au montant facturé",
            "description": "Il manque 120 € sur le paiement de la facture FAC-2026-0101.",
        },
    )
    assert status == 201, sent
    assert (sent["recipient"]["name"], sent["recipient"]["service"]["name"]) == (
        "Commune de Saint-Léger",
        "Service des finances",
    )
    number = sent["number"]
    assert stack.http("GET", f"/tickets/{number}", "victor")[0] == 404
    assert stack.http("GET", f"/tickets/{number}", "lucas")[0] == 404
    hugo_id = stack.http("GET", "/me", "hugo")[1]["id"]
    status, assigned, _ = stack.http("POST", f"/tickets/{number}/assign", "claire", {"assignee_id": hugo_id})
    assert (status, assigned["assignee"]["name"]) == (200, "Hugo Leroy")

    status, refused, _ = stack.http(
        "POST",
        "/tickets",
        "marie",
        {"submit": True, "category": "FACTURES_EMISES", "subcategory": "REJET_FACTURE", "object_type": "FACTURE",
         "object_number": "FAC-2026-0105", "emitter_siret": "53453679200011", "title": "t", "description": "d"},
    )  # fmt: skip
    assert status == 400 and "sans destinataire" in refused["errors"][0]["message"]


def test_demo_tickets_reach_every_kind_of_recipient(stack: Stack) -> None:
    for agent, name in (
        ("ines", "DDFiP du Rhône"),
        ("theo", "Ministère de la Justice – Service centralisateur des frais de justice"),
        ("victor", "Centre hospitalier de Vienne"),
        ("emma", "Bureau réglementaire des frais de justice"),
        ("hugo", "Commune de Saint-Léger"),
    ):
        seen = [stack.http("GET", f"/tickets/{n}", agent) for n in range(1, 11)]
        mine = [body for status, body, _ in seen if status == 200 and "RECIPIENT" in body["sides"]]
        assert mine and all(t["recipient"]["name"] == name for t in mine), agent


def test_ctrl_c_stops_a_stack_started_in_the_background(tmp_path: Path) -> None:
    """A shell's background job starts with SIGINT ignored; the stack must still stop cleanly."""
    background = start_stack(tmp_path, "--no-demo-tickets", ignore_sigint=True)
    background.process.send_signal(signal.SIGINT)
    assert background.process.wait(timeout=30) == 0, background.log.read_text()
    assert "Local stack stopped." in background.log.read_text()


def test_ctrl_c_stops_the_stack_cleanly(stack: Stack) -> None:
    stack.process.send_signal(signal.SIGINT)
    assert stack.process.wait(timeout=30) == 0
    assert "Local stack stopped." in stack.log.read_text()
    assert not stack.state.exists()
