"""A form that fills itself (issue 19, point 2; seed 001: « Type d'objet concerné : « Facture » est renseigné
automatiquement », the « Organisation destinataire » block filled automatically).

Through the real handlers, on memory and on the DynamoDB adapter (moto): the server sets the object type of a
pair that admits one type (draft and submission), a draft shows its recipient as soon as routing has what it
needs (and ``null`` before), computed on each save and again at submission, without the recipient seeing the
draft; the catalogue says what the server fills. Expected recipients come from the tests' reference data
(tests/fixtures.py, as written out in tests/test_routing.py).
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from chorus_desk.models import ObjectType, PaymentRequest, PaymentState
from tests.support import Api, CallLog
from tests.test_catalogue import PAIRS, Pair
from tests.test_routing import (
    CH_VIENNE,
    DUPONT,
    MARTIN,
    SAINT_LEGER_FINANCES,
    SUPPORT,
    assert_nothing_stored,
    case_of,
    errors_of,
    ticket_body,
)

OBJECT_PAIRS = [p for p in PAIRS if p.object_type]
RULE_PAIRS = list({p.rule: p for p in reversed(PAIRS)}.values())  # the first pair of each routing rule
CH_VIENNE_ACHATS = {
    "kind": "STRUCTURE",
    "id": CH_VIENNE,
    "name": "Centre hospitalier de Vienne",
    "service": {"code": "ACHATS", "name": "Direction des achats"},
    "is_state_service": False,
}
TICKET_ROUTES_FOR_AN_AGENT: list[tuple[str, Any]] = [
    ("get_ticket", None),
    ("take_in_charge", {}),
    ("answer", {"text": "Réponse"}),
    ("list_agents", None),
]


@pytest.fixture(params=["memory", "dynamodb"])
def either(request: pytest.FixtureRequest) -> Api:
    """The handlers on memory, then on the DynamoDB adapter (moto)."""
    api: Api = request.getfixturevalue("api" if request.param == "memory" else "aws_api")
    return api


def without_type(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if k != "object_type"}


def numbers_in(api: Api, user: str, side: str, tab: str) -> list[int]:
    reply = api.call("list_tab", user, query={"side": side, "tab": tab, "size": "100"})
    assert reply.status == 200, reply.body
    return [row["number"] for row in reply.body["items"]]


# ------------------------------------------------------------------------------------- object type
@pytest.mark.parametrize("pair", OBJECT_PAIRS, ids=[p.code for p in OBJECT_PAIRS])
def test_a_submission_without_the_object_type_gets_the_pairs_type_and_its_recipient(api: Api, pair: Pair) -> None:
    emitter, fields, recipient, _, _ = case_of(pair)

    reply = api.call("create_ticket", emitter, body=ticket_body(pair.category, pair.code, **without_type(fields)))

    assert reply.status == 201, reply.body
    assert reply.body["object"]["type"]["code"] == pair.object_type
    assert reply.body["object"]["number"] == fields["object_number"]
    assert reply.body["recipient"] == recipient


@pytest.mark.parametrize("pair", OBJECT_PAIRS, ids=[p.code for p in OBJECT_PAIRS])
def test_a_draft_gets_the_pairs_type_as_soon_as_the_pair_is_chosen(api: Api, pair: Pair) -> None:
    emitter, fields, _, _, _ = case_of(pair)

    draft = api.call(
        "create_ticket",
        emitter,
        body=ticket_body(pair.category, pair.code, submit=False, emitter_siret=fields["emitter_siret"]),
    )

    assert draft.status == 201, draft.body
    assert draft.body["object"]["type"]["code"] == pair.object_type
    assert draft.body["object"]["number"] is None
    assert draft.body["recipient"] is None, "no number yet: routing cannot find the recipient"
    stored = api.call("get_ticket", emitter, draft.body["number"]).body
    assert stored["object"]["type"]["code"] == pair.object_type


def test_a_type_the_emitter_sends_that_is_not_the_pairs_is_still_refused_on_a_draft(either: Api) -> None:
    body = ticket_body(
        "FACTURES_EMISES", "REJET_FACTURE", submit=False, emitter_siret=DUPONT, object_type="MEMOIRE_FRAIS_JUSTICE"
    )

    reply = either.call("create_ticket", "marie", body=body)

    assert reply.status == 400
    assert errors_of(reply.body) == {
        "object_type": "Le type d'objet « Mémoire de frais de justice » ne correspond pas à la sous-catégorie "
        "« Rejet d'une facture » : le type attendu est « Facture »."
    }
    assert_nothing_stored(either)


def test_a_draft_moved_to_another_object_pair_takes_that_pairs_type(either: Api) -> None:
    """The type the server filled follows the pair; the emitter did not type it."""
    draft = either.call(
        "create_ticket",
        "nora",
        body=ticket_body("FACTURES_EMISES", "REJET_FACTURE", submit=False, emitter_siret=MARTIN),
    )
    assert draft.body["object"]["type"]["code"] == "FACTURE"

    moved = either.call(
        "update_draft",
        "nora",
        draft.body["number"],
        body={
            "category": "REMBOURSEMENT_TIC",
            "subcategory": "QUESTION_DEMANDE_REJETEE",
            "object_number": "TIC-2026-0007",
        },
    )

    assert moved.status == 200, moved.body
    assert moved.body["object"]["type"]["code"] == "DEMANDE_REMBOURSEMENT_TIC"
    _, _, tic_recipient, _, _ = case_of(next(p for p in PAIRS if p.code == "QUESTION_DEMANDE_REJETEE"))
    assert moved.body["recipient"] == tic_recipient


def test_a_type_the_emitter_gave_on_a_draft_is_kept_when_the_pair_does_not_change(api: Api) -> None:
    draft = api.call(
        "create_ticket",
        "marie",
        body=ticket_body("FACTURES_EMISES", "SUSPENSION", submit=False, emitter_siret=DUPONT, object_type="FACTURE"),
    )
    edited = api.call("update_draft", "marie", draft.body["number"], body={"object_number": "FAC-2026-0103"})
    assert edited.status == 200, edited.body
    assert edited.body["object"]["type"]["code"] == "FACTURE"
    assert edited.body["recipient"] == {**CH_VIENNE_ACHATS, "is_state_service": None}


# --------------------------------------------------------------------------------- draft recipient
def complete_draft_then_submit(api: Api, pair: Pair) -> None:
    emitter, fields, recipient, _, _ = case_of(pair)

    draft = api.call("create_ticket", emitter, body=ticket_body(pair.category, pair.code, submit=False, **fields))

    assert draft.status == 201, draft.body
    assert draft.body["status"]["code"] == "DRAFT"
    assert draft.body["recipient"] == recipient
    assert api.call("get_ticket", emitter, draft.body["number"]).body["recipient"] == recipient
    submitted = api.call("submit_draft", emitter, draft.body["number"])
    assert submitted.status == 200, submitted.body
    assert submitted.body["recipient"] == draft.body["recipient"]


@pytest.mark.parametrize("pair", PAIRS, ids=[p.code for p in PAIRS])
def test_a_complete_draft_shows_the_recipient_its_submission_gets(api: Api, pair: Pair) -> None:
    """Whatever the pair, a draft with what routing needs shows the recipient the emitter sees once it is
    submitted: nothing more of the recipient than that."""
    complete_draft_then_submit(api, pair)


@pytest.mark.parametrize("pair", RULE_PAIRS, ids=[p.rule for p in RULE_PAIRS])
def test_a_complete_draft_shows_its_recipient_on_dynamodb(aws_api: Api, pair: Pair) -> None:
    complete_draft_then_submit(aws_api, pair)


@pytest.mark.parametrize(
    ("subcategory", "fields"),
    [
        pytest.param("REJET_FACTURE", {"emitter_siret": DUPONT}, id="object-without-number"),
        pytest.param("REJET_FACTURE", {"object_number": "FAC-2026-0101"}, id="object-without-emitter"),
        pytest.param("QUESTION_ENTITE_PUBLIQUE", {"emitter_siret": DUPONT}, id="entity-without-siret"),
        pytest.param(
            "QUESTION_ENTITE_PUBLIQUE", {"emitter_siret": DUPONT, "recipient_is_state_service": True}, id="flag-only"
        ),
    ],
)
def test_a_draft_whose_routing_data_is_incomplete_shows_no_recipient(
    api: Api, subcategory: str, fields: dict[str, Any]
) -> None:
    draft = api.call("create_ticket", "marie", body=ticket_body("FACTURES_EMISES", subcategory, submit=False, **fields))
    assert draft.status == 201, draft.body
    assert draft.body["recipient"] is None
    assert api.call("get_ticket", "marie", draft.body["number"]).body["recipient"] is None


def test_a_draft_without_a_pair_shows_no_recipient(api: Api) -> None:
    draft = api.call("create_ticket", "marie", body={"title": "À compléter", "emitter_siret": DUPONT})
    assert draft.status == 201, draft.body
    assert draft.body["recipient"] is None


def test_the_draft_recipient_is_computed_again_on_each_save(either: Api) -> None:
    draft = either.call(
        "create_ticket",
        "marie",
        body=ticket_body(
            "FACTURES_EMISES",
            "QUESTION_ENTITE_PUBLIQUE",
            submit=False,
            emitter_siret=DUPONT,
            recipient_is_state_service=False,
        ),
    )
    number = draft.body["number"]
    assert draft.body["recipient"] is None

    named = either.call(
        "update_draft", "marie", number, body={"recipient_siret": CH_VIENNE, "recipient_service": "ACHATS"}
    )
    assert named.status == 200, named.body
    assert named.body["recipient"] == CH_VIENNE_ACHATS

    flagged = either.call("update_draft", "marie", number, body={"recipient_is_state_service": True})
    assert flagged.body["recipient"] == {**CH_VIENNE_ACHATS, "is_state_service": True}

    cleared = either.call("update_draft", "marie", number, body={"recipient_siret": None, "recipient_service": None})
    assert cleared.status == 200, cleared.body
    assert cleared.body["recipient"] is None
    assert either.call("get_ticket", "marie", number).body["recipient"] is None

    to_support = either.call(
        "update_draft",
        "marie",
        number,
        body={"subcategory": "MANDAT_DE_FACTURATION", "recipient_is_state_service": None},
    )
    assert to_support.status == 200, to_support.body
    assert to_support.body["recipient"] == SUPPORT


def test_a_refused_draft_save_keeps_the_recipient_shown_before(api: Api) -> None:
    draft = api.call(
        "create_ticket",
        "marie",
        body=ticket_body(
            "FACTURES_EMISES", "REJET_FACTURE", submit=False, emitter_siret=DUPONT, object_number="FAC-2026-0101"
        ),
    )
    number = draft.body["number"]
    assert draft.body["recipient"] == SAINT_LEGER_FINANCES

    refused = api.call("update_draft", "marie", number, body={"object_number": "FAC-2099-9999"})

    assert refused.status == 400
    after = api.call("get_ticket", "marie", number).body
    assert after["recipient"] == SAINT_LEGER_FINANCES and after["object"]["number"] == "FAC-2026-0101"


def test_submission_routes_from_the_objects_recipient_of_that_moment(either: Api) -> None:
    """The draft showed the Commune de Saint-Léger; the invoice is re-addressed in Chorus Pro before the
    ticket is submitted: the ticket goes to the new recipient, and only its agents see it."""
    draft = either.call(
        "create_ticket",
        "marie",
        body=ticket_body(
            "FACTURES_EMISES", "SUSPENSION", submit=False, emitter_siret=DUPONT, object_number="FAC-2026-0101"
        ),
    )
    number = draft.body["number"]
    assert draft.body["recipient"] == SAINT_LEGER_FINANCES
    either.ports.reference.put_reference_data(
        payment_requests=[
            PaymentRequest(
                object_type=ObjectType.INVOICE,
                number="FAC-2026-0101",
                state=PaymentState.SENT,
                emitter_siret=DUPONT,
                recipient_siret=CH_VIENNE,
                recipient_service="ACHATS",
            )
        ]
    )

    submitted = either.call("submit_draft", "marie", number)

    assert submitted.status == 200, submitted.body
    assert submitted.body["recipient"] == {**CH_VIENNE_ACHATS, "is_state_service": None}
    assert either.call("get_ticket", "victor", number).status == 200, "the new recipient's agent"
    assert either.call("get_ticket", "claire", number).status == 404, "the recipient the draft showed"
    assert number in numbers_in(either, "victor", "RECIPIENT", "ONGOING")
    assert number not in numbers_in(either, "claire", "RECIPIENT", "ONGOING")


def test_submission_refuses_a_draft_whose_recipient_became_unfit_meanwhile(api: Api) -> None:
    draft = api.call(
        "create_ticket",
        "marie",
        body=ticket_body(
            "FACTURES_EMISES",
            "REJET_FACTURE",
            submit=False,
            emitter_siret=DUPONT,
            object_number="FAC-2026-0104",  # a draft invoice addressed to the Centre hospitalier de Vienne
        ),
    )
    number = draft.body["number"]
    assert draft.body["recipient"]["id"] == CH_VIENNE
    api.ports.reference.put_reference_data(
        payment_requests=[
            PaymentRequest(
                object_type=ObjectType.INVOICE, number="FAC-2026-0104", state=PaymentState.DRAFT, emitter_siret=DUPONT
            )
        ]
    )

    refused = api.call("submit_draft", "marie", number)

    assert refused.status == 400
    assert set(errors_of(refused.body)) == {"object_number"}
    assert api.call("get_ticket", "marie", number).body["status"]["code"] == "DRAFT"


# --------------------------------------------------------------------- the recipient sees no draft
def test_a_draft_showing_its_recipient_is_not_the_recipients(either: Api) -> None:
    """Victor is an agent of the Centre hospitalier de Vienne, the recipient the draft shows: every ticket
    route answers him as for an unknown ticket, his lists and his dashboard do not count it."""
    before = either.call("get_dashboard", "victor").body
    draft = either.call(
        "create_ticket",
        "marie",
        body=ticket_body(
            "FACTURES_EMISES",
            "QUESTION_ENTITE_PUBLIQUE",
            submit=False,
            emitter_siret=DUPONT,
            recipient_is_state_service=False,
            recipient_siret=CH_VIENNE,
            recipient_service="ACHATS",
        ),
    )
    number = draft.body["number"]
    assert draft.body["recipient"] == CH_VIENNE_ACHATS
    assert draft.body["sides"] == ["EMITTER"]

    for route, body in TICKET_ROUTES_FOR_AN_AGENT:
        reply = (
            either.call(route, "victor", number, body=body)
            if body is not None
            else either.call(route, "victor", number)
        )
        assert reply.status == 404, (route, reply.body)
        assert reply.body["message"] == f"Le ticket n° {number} est introuvable."
    for tab in ("ACTION", "ONGOING"):
        assert number not in numbers_in(either, "victor", "RECIPIENT", tab)
    assert either.call("get_dashboard", "victor").body == before
    assert either.call("get_ticket", "marie", number).body["status"]["code"] == "DRAFT", "nothing changed"

    rows = either.call("list_tab", "marie", query={"side": "EMITTER", "tab": "DRAFTS", "size": "100"}).body["items"]
    row = next(r for r in rows if r["number"] == number)
    assert row["recipient"]["id"] == CH_VIENNE, "the emitter's own row shows it, as the draft does"


def test_a_support_draft_is_not_seen_by_the_support(either: Api) -> None:
    draft = either.call(
        "create_ticket", "marie", body=ticket_body("FACTURES_EMISES", "MANDAT_DE_FACTURATION", submit=False)
    )
    number = draft.body["number"]
    assert draft.body["recipient"] == SUPPORT
    for agent in ("lucas", "sophie"):
        assert either.call("get_ticket", agent, number).status == 404
        assert number not in numbers_in(either, agent, "RECIPIENT", "ONGOING")


# ------------------------------------------------------------------------------------------ catalogue
@pytest.mark.parametrize("mode", ["CONNECTED", "ANONYMOUS"])
def test_the_catalogue_says_what_the_server_fills(api: Api, mode: str) -> None:
    reply = api.call("get_catalogue", None, query={"mode": mode})
    assert reply.status == 200, reply.body
    listed = {s["code"]: s for c in reply.body["categories"] for s in c["subcategories"]}
    assert listed
    for pair in PAIRS:
        if pair.code not in listed:
            continue
        sub = listed[pair.code]
        expected = ["object_type", "recipient"] if pair.object_type else ["recipient"]
        assert sub["filled_by_server"] == expected, pair.code
        filled = [f["name"] for f in sub["fields"] if f["filled_by_server"]]
        assert filled == (["object_type"] if pair.object_type else []), pair.code
        if pair.object_type:
            assert sub["object_type"]["code"] == pair.object_type


def test_a_draft_has_no_recipient_side_row_until_it_is_submitted(aws_api: Api, aws: CallLog) -> None:
    """The recipient's lists read the ticket's list rows (``ROWS#<n>``): a draft has its emitter's row only,
    whatever recipient it shows; submission adds the recipient's."""

    def kinds(number: int) -> set[str]:
        reply = aws.client.query(
            TableName=os.environ["TABLE_NAME"],
            KeyConditionExpression="PK = :p",
            ExpressionAttributeValues={":p": {"S": f"ROWS#{number}"}},
            ConsistentRead=True,
        )
        return {item["SK"]["S"] for item in reply["Items"]}

    draft = aws_api.call(
        "create_ticket",
        "marie",
        body=ticket_body(
            "FACTURES_EMISES", "REJET_FACTURE", submit=False, emitter_siret=DUPONT, object_number="FAC-2026-0101"
        ),
    )
    number = draft.body["number"]
    assert draft.body["recipient"] == SAINT_LEGER_FINANCES
    assert kinds(number) == {"E"}

    assert aws_api.call("submit_draft", "marie", number).status == 200
    assert {"E", "R"} <= kinds(number)
