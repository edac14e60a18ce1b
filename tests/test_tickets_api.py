"""Ticket routes through the real handlers: creation, validation, drafts, actions, history, concurrency."""

from __future__ import annotations

import os
from typing import Any

import pytest

from chorus_desk.commands import ActOnTicket, ContentChanges, UpdateDraft
from chorus_desk.lifecycle import Action, Status
from chorus_desk.models import TicketContent
from chorus_desk.ports import Ports
from chorus_desk.usecases import tickets
from tests import fixtures
from tests.support import DROP, TEST_IDS, Api, CallLog, overtaken


def fields_of(reply_body: dict[str, Any]) -> dict[str, str]:
    return {e["field"]: e["message"] for e in reply_body["errors"]}


def assert_nothing_stored(api: Api) -> None:
    """No ticket exists, and the next ticket still gets number 1: not even a number was used."""
    assert api.call("get_ticket", "marie", 1).status == 404
    created = api.create("marie", submit=False)
    assert created.body["number"] == 1


# --------------------------------------------------------------------------------------------- creation
def test_submit_directly_fills_emitter_from_structure_and_routes_to_support(api: Api) -> None:
    reply = api.create("marie", submit=True)

    assert reply.status == 201
    assert reply.headers["Location"] == f"/tickets/{reply.body['number']}"
    ticket = reply.body
    assert ticket["status"] == {"code": "OPEN", "label": "Ouvert"}
    assert ticket["emitter"] == {
        "siret": "53453679200011",
        "designation": "Menuiserie Dupont",
        "service": {"code": "COMPTA", "name": "Comptabilité fournisseurs"},
        "contact_email": "contact@menuiserie-dupont.example",
        "contact_phone": "+33 1 23 45 67 89",
    }
    assert ticket["category"] == {"code": "FACTURES_EMISES", "label": "Factures émises"}
    assert ticket["subcategory"]["label"] == "Mandat de facturation"
    assert ticket["recipient"] == {
        "kind": "TEAM",
        "id": "SUPPORT",
        "name": "Support technique Chorus Pro",
        "service": None,
        "is_state_service": None,
    }
    assert ticket["created_by"] == {"id": TEST_IDS["marie"], "name": "Marie Dupont"}
    assert ticket["submitted_at"] is not None
    assert [(h["action"]["code"], h["from_status"], h["to_status"]["code"]) for h in ticket["history"]] == [
        ("CREATE_AND_SUBMIT", None, "OPEN")
    ]


def test_ticket_numbers_are_short_increasing_integers(api: Api) -> None:
    numbers = [api.create("marie", submit=i % 2 == 0).body["number"] for i in range(4)]
    numbers.append(api.create("claire", emitter_siret="21769001500011", emitter_service="FINANCES").body["number"])
    assert numbers == [1, 2, 3, 4, 5]


def test_contact_email_given_overrides_the_structure_one(api: Api) -> None:
    reply = api.create("marie", contact_email="compta@menuiserie-dupont.example")
    assert reply.body["emitter"]["contact_email"] == "compta@menuiserie-dupont.example"


def test_submission_reports_every_missing_field_in_french_and_stores_nothing(api: Api) -> None:
    reply = api.call("create_ticket", "marie", body={"submit": True})

    assert reply.status == 400
    assert reply.body["code"] == "DONNEES_INVALIDES"
    assert fields_of(reply.body) == {
        "category": "La catégorie est obligatoire.",
        "subcategory": "La sous-catégorie est obligatoire.",
        "emitter_siret": "La structure émettrice est obligatoire.",
        "title": "Le titre est obligatoire.",
        "description": "La description est obligatoire.",
    }
    assert_nothing_stored(api)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": DROP}, "title", "Le titre est obligatoire."),
        ({"description": "   "}, "description", "La description est obligatoire."),
        ({"category": "INCONNUE"}, "category", "La catégorie « INCONNUE » n'existe pas."),
        (
            {"subcategory": "AUTRE"},
            "subcategory",
            "La sous-catégorie « AUTRE » n'existe pas pour la catégorie « Factures émises ».",
        ),
        (
            {"emitter_siret": "21769001500011", "emitter_service": DROP},
            "emitter_siret",
            "Vous n'êtes pas rattaché à la structure 21769001500011 : choisissez une de vos structures.",
        ),
        (
            {"emitter_service": "FINANCES"},
            "emitter_service",
            "Le service « FINANCES » n'appartient pas à la structure 53453679200011.",
        ),
        (
            {"emitter_siret": "53453679200012"},
            "emitter_siret",
            "Le SIRET « 53453679200012 » n'est pas valide (14 chiffres avec une clé de contrôle correcte).",
        ),
        (
            {"contact_email": "pas-une-adresse"},
            "contact_email",
            "L'adresse électronique « pas-une-adresse » n'est pas valide.",
        ),
        ({"contact_phone": "abc"}, "contact_phone", "Le numéro de téléphone « abc » n'est pas valide"),
        ({"title": "x" * 151}, "title", "Le champ « titre / résumé » ne doit pas dépasser 150 caractères."),
        ({"priority": "haute"}, "priority", "Le champ « priority » n'est pas autorisé ici."),
        ({"submit": "peut-être"}, "submit", "Le champ « soumettre » doit valoir true ou false."),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 20 else None,
)
def test_invalid_field_gives_400_with_the_field_and_stores_nothing(
    api: Api, overrides: dict[str, Any], field: str, message: str
) -> None:
    reply = api.create("marie", **{"submit": True, **overrides})

    assert reply.status == 400, reply.body
    assert fields_of(reply.body)[field].startswith(message)
    assert_nothing_stored(api)


def test_invalid_fields_are_refused_even_in_a_draft(api: Api) -> None:
    reply = api.create("marie", submit=False, emitter_siret="80123456800013")
    assert reply.status == 400
    assert "emitter_siret" in fields_of(reply.body)
    assert_nothing_stored(api)


def test_body_must_be_json(api: Api) -> None:
    reply = api.call("create_ticket", "marie", raw_body="titre=bonjour")
    assert reply.status == 400
    assert reply.body["errors"][0]["message"].startswith("Le corps de la requête")
    assert_nothing_stored(api)


def test_no_identity_gives_401(api: Api) -> None:
    reply = api.call("create_ticket", None)
    assert reply.status == 401
    assert reply.body["message"].startswith("Authentification requise")


@pytest.mark.parametrize("body", [{"submit": True, "emitter_siret": "53453679200011"}, {}, {"title": "Brouillon"}])
def test_a_user_without_any_structure_cannot_create_a_ticket_not_even_a_draft(api: Api, body: dict[str, Any]) -> None:
    """A support agent belongs to a team, not to a structure: there is nothing they could emit for."""
    reply = api.call("create_ticket", "sophie", body=body)
    assert reply.status == 403
    assert reply.body["message"].startswith("Vous n'êtes rattaché à aucune structure")
    assert_nothing_stored(api)


# --------------------------------------------------------------------------------------------- drafts
def test_draft_may_miss_mandatory_fields_and_is_completed_then_submitted(api: Api) -> None:
    draft = api.call("create_ticket", "julie", body={"title": "Brouillon à compléter"})
    assert draft.status == 201
    number = draft.body["number"]
    assert draft.body["status"]["code"] == "DRAFT"
    assert draft.body["recipient"] is None
    assert {a["code"] for a in draft.body["allowed_actions"]} == {
        "EDIT_DRAFT",
        "DELETE_DRAFT",
        "SUBMIT",
        "ADD_ATTACHMENT",
    }

    refused = api.call("submit_draft", "julie", number)
    assert refused.status == 400
    assert set(fields_of(refused.body)) == {"category", "subcategory", "emitter_siret", "description"}
    assert api.call("get_ticket", "julie", number).body["status"]["code"] == "DRAFT"

    edited = api.call(
        "update_draft",
        "julie",
        number,
        body={
            "category": "FACTURES_RECUES",
            "subcategory": "AUTRE",
            "emitter_siret": "53453679200011",
            "description": "Détail du problème.",
        },
    )
    assert edited.status == 200, edited.body
    assert edited.body["title"] == "Brouillon à compléter"  # absent fields are kept
    assert edited.body["emitter"]["designation"] == "Menuiserie Dupont"
    assert edited.body["version"] == 2

    submitted = api.call("submit_draft", "julie", number)
    assert submitted.status == 200
    assert submitted.body["status"]["code"] == "OPEN"
    assert submitted.body["recipient"]["id"] == "SUPPORT"
    assert [h["action"]["code"] for h in submitted.body["history"]] == ["CREATE_DRAFT", "SUBMIT"]


def test_a_draft_without_structure_is_its_creators_only(api: Api) -> None:
    number = api.call("create_ticket", "julie", body={"title": "Privé"}).body["number"]
    assert api.call("get_ticket", "julie", number).status == 200
    assert api.call("get_ticket", "marie", number).status == 404
    api.call("update_draft", "julie", number, body={"emitter_siret": "53453679200011"})
    assert api.call("get_ticket", "marie", number).status == 200  # now the structure's draft


def test_editing_a_draft_null_clears_a_field_and_changing_structure_resets_its_service(api: Api) -> None:
    number = api.create("paul", submit=False).body["number"]
    cleared = api.call("update_draft", "paul", number, body={"contact_phone": None})
    assert cleared.body["emitter"]["contact_phone"] is None
    moved = api.call("update_draft", "paul", number, body={"emitter_siret": "41234567000019"})
    assert moved.status == 200, moved.body
    assert moved.body["emitter"]["service"] is None
    assert moved.body["emitter"]["designation"] == "Les Loges du Grel"
    assert moved.body["emitter"]["contact_email"] == "accueil@loges-grel.example"


def test_deleting_a_draft_removes_it_and_its_history(aws_api: Api, aws: CallLog) -> None:
    number = aws_api.create("marie", submit=False).body["number"]
    reply = aws_api.call("delete_draft", "marie", number)
    assert reply.status == 204
    assert reply.body is None
    assert aws_api.call("get_ticket", "marie", number).status == 404
    left = aws.client.query(
        TableName=os.environ["TABLE_NAME"],
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"TICKET#{number}"}},
    )
    # Only the tombstone of the delete stays, for a day (TTL): it tells a retried delete it was done.
    assert [(i["SK"]["S"], "expires_at" in i) for i in left["Items"]] == [("DELETED", True)]


# --------------------------------------------------------------------------------------------- actions
@pytest.mark.parametrize(
    ("status", "route", "user", "body", "field", "message"),
    [
        ("OPEN", "request_information", "lucas", {"question": " "}, "question", "La question est obligatoire."),
        ("OPEN", "request_information", "lucas", {}, "question", "Le champ « question » est obligatoire."),
        (
            "AWAITING_INFO",
            "provide_information",
            "marie",
            {"text": ""},
            "text",
            "Le complément d'information est obligatoire.",
        ),
        ("IN_PROGRESS", "answer", "lucas", {"text": "\n"}, "text", "La réponse est obligatoire."),
        ("RESOLVED", "refuse_solution", "marie", {"reason": ""}, "reason", "La raison du refus est obligatoire."),
        ("OPEN", "close_ticket", "marie", {}, "comment", "Un commentaire est obligatoire pour fermer un ticket"),
        ("AWAITING_INFO", "close_ticket", "julie", None, "comment", "Un commentaire est obligatoire pour fermer"),
    ],
)
def test_mandatory_text_missing_gives_400_and_changes_nothing(
    api: Api, status: str, route: str, user: str, body: Any, field: str, message: str
) -> None:
    number = api.ticket_in(status)
    before = api.call("get_ticket", "marie", number).body

    reply = api.call(route, user, number, body=body)

    assert reply.status == 400, reply.body
    assert fields_of(reply.body)[field].startswith(message)
    assert api.call("get_ticket", "marie", number).body == before


def test_closing_a_resolved_ticket_needs_no_comment(api: Api) -> None:
    number = api.ticket_in("RESOLVED")
    reply = api.call("close_ticket", "marie", number, body=None)
    assert reply.status == 200
    assert reply.body["status"]["code"] == "CLOSED"
    assert reply.body["closed_at"] is not None


def test_take_in_charge_assigns_an_agent_of_the_recipient(api: Api) -> None:
    number = api.ticket_in("OPEN")
    reply = api.call("take_in_charge", "sophie", number, body={"assignee_id": TEST_IDS["lucas"]})
    assert reply.status == 200
    assert reply.body["assignee"] == {"id": TEST_IDS["lucas"], "name": "Lucas Fabre"}
    # the emitter sees who it is assigned to
    assert api.call("get_ticket", "marie", number).body["assignee"]["name"] == "Lucas Fabre"


def test_take_in_charge_without_assignee_assigns_oneself(api: Api) -> None:
    number = api.ticket_in("OPEN")
    reply = api.call("take_in_charge", "lucas", number, body=None)
    assert reply.status == 200
    assert reply.body["assignee"]["name"] == "Lucas Fabre"


@pytest.mark.parametrize("assignee", ["marie", "unknown"])
def test_take_in_charge_refuses_an_assignee_outside_the_recipient(api: Api, assignee: str) -> None:
    number = api.ticket_in("OPEN")
    reply = api.call("take_in_charge", "sophie", number, body={"assignee_id": TEST_IDS.get(assignee, assignee)})
    assert reply.status == 400
    assert fields_of(reply.body) == {
        "assignee_id": "La personne désignée n'est pas un agent de l'organisation destinataire du ticket."
    }
    assert api.call("get_ticket", "marie", number).body["status"]["code"] == "OPEN"


def test_history_keeps_questions_answers_and_refusal_in_order(api: Api) -> None:
    number = api.ticket_in("OPEN")
    api.call("request_information", "lucas", number, body={"question": "Quel numéro de facture ?"})
    api.call("provide_information", "julie", number, body={"text": "FAC-2026-118"})
    api.call("answer", "lucas", number, body={"text": "Corrigé."})
    api.call("refuse_solution", "marie", number, body={"reason": "Toujours en erreur."})
    api.call("answer", "sophie", number, body={"text": "Corrigé pour de bon."})
    detail = api.call("accept_solution", "marie", number, body={"comment": "Merci !"}).body

    rows = [
        (h["actor"]["name"], h["action"]["label"], h["to_status"]["label"], h["comment"]) for h in detail["history"]
    ]
    assert rows == [
        ("Marie Dupont", "Soumettre", "Ouvert", None),
        ("Lucas Fabre", "Demander des informations", "En attente d'informations", "Quel numéro de facture ?"),
        ("Julie Bernard", "Répondre à la demande d'information", "Ouvert", "FAC-2026-118"),
        ("Lucas Fabre", "Répondre", "Résolu", "Corrigé."),
        ("Marie Dupont", "Refuser la solution", "Ouvert", "Toujours en erreur."),
        ("Sophie Moreau", "Répondre", "Résolu", "Corrigé pour de bon."),
        ("Marie Dupont", "Accepter la solution", "Fermé", "Merci !"),
    ]
    assert [h["seq"] for h in detail["history"]] == list(range(1, 8))
    assert detail["allowed_actions"] == []


def test_allowed_actions_follow_the_callers_side(api: Api) -> None:
    number = api.ticket_in("RESOLVED")
    emitter = {a["code"] for a in api.call("get_ticket", "julie", number).body["allowed_actions"]}
    recipient = {a["code"] for a in api.call("get_ticket", "lucas", number).body["allowed_actions"]}
    assert emitter == {"ACCEPT_SOLUTION", "REFUSE_SOLUTION", "CLOSE"}
    assert recipient == set()


@pytest.mark.parametrize("number", ["abc", "0", "-3"])
def test_a_malformed_ticket_number_gives_400(api: Api, number: str) -> None:
    reply = api.call("get_ticket", "marie", number)
    assert reply.status == 400
    assert reply.body["errors"][0]["field"] == "number"


# --------------------------------------------------------------------------------------------- concurrency
@pytest.mark.parametrize("backend", ["api", "aws_api"])
def test_two_concurrent_actions_cannot_both_apply(backend: str, request: pytest.FixtureRequest) -> None:
    """The emitter closes while the recipient answers: the answer lands between the emitter's read and
    write. Exactly one wins; the other gets 409 and changes nothing."""
    api: Api = request.getfixturevalue(backend)
    number = api.ticket_in("OPEN")

    def answer(ports: Ports) -> Status:
        command = ActOnTicket(number, Action.ANSWER, "Réponse")
        return tickets.act(ports, fixtures.user(ports, "lucas"), command).ticket.status

    with overtaken(api, answer) as interleaved:
        loser = api.call("close_ticket", "marie", number, body={"comment": "Je ferme."})

    assert interleaved == [Status.RESOLVED]
    assert loser.status == 409
    assert loser.body["code"] == "MODIFICATION_CONCURRENTE"
    assert "modifié par une autre action" in loser.body["message"]
    detail = api.call("get_ticket", "marie", number).body
    assert detail["status"]["code"] == "RESOLVED"
    assert [h["action"]["code"] for h in detail["history"]] == ["CREATE_AND_SUBMIT", "ANSWER"]


def test_reading_a_ticket_costs_two_queries_and_an_action_three_calls(aws_api: Api, aws: CallLog) -> None:
    number = aws_api.ticket_in("OPEN")
    aws.operations.clear()
    aws_api.call("get_ticket", "marie", number)
    assert aws.counts() == {"Query": 2}
    aws.operations.clear()
    aws_api.call("answer", "lucas", number, body={"text": "Réponse"})
    assert aws.counts() == {"Query": 2, "TransactWriteItems": 1}


@pytest.mark.parametrize("backend", ["api", "aws_api"])
def test_two_concurrent_draft_edits_never_lose_an_update(backend: str, request: pytest.FixtureRequest) -> None:
    """Draft edits write no history entry: only the version condition stands between two editors."""
    api: Api = request.getfixturevalue(backend)
    number = api.create("marie", submit=False).body["number"]

    def paul(ports: Ports) -> int:
        changes = ContentChanges.of(TicketContent(description="Version de Paul"))
        return tickets.update_draft(ports, fixtures.user(ports, "paul"), UpdateDraft(number, changes)).ticket.version

    with overtaken(api, paul) as interleaved:  # Paul's edit lands between Marie's read and her write
        marie = api.call("update_draft", "marie", number, body={"title": "Titre de Marie"})

    assert interleaved == [2]
    assert marie.status == 409
    detail = api.call("get_ticket", "marie", number).body
    assert detail["description"] == "Version de Paul"  # Paul's edit survived
    assert detail["title"] != "Titre de Marie"  # Marie was told, and nothing of hers was written
    assert detail["version"] == 2
