"""Routing through the API: every catalogue pair reaches its recipient, object-bound and public-entity
tickets are checked with the seeds' messages, and recipients see (and act on) only what is routed to them.

Expected recipients are written out from DOMAIN.md and the tests' reference data (tests/fixtures.py):
invoice FAC-2026-0101 of Menuiserie Dupont went to the Commune de Saint-Léger's finance service, the TIC
refund request TIC-2026-0007 of Boulangerie Martin to the DDFiP du Rhône, the memo MFJ-2026-0042 of Les
Loges du Grel to the central justice-fee service.
"""

from __future__ import annotations

from typing import Any

import pytest

from chorus_desk.models import (
    Membership,
    ObjectType,
    OrgKind,
    OrgRef,
    PaymentRequest,
    PaymentState,
    Role,
    Service,
    Structure,
)
from tests.support import TEST_IDS, Api, CallLog
from tests.test_catalogue import PAIRS, Pair

DUPONT, GREL, MARTIN = "53453679200011", "41234567000019", "80123456800013"
SAINT_LEGER, CH_VIENNE, INACTIVE = "21769001500011", "21350002800013", "73214569300014"

OBJECT_NOT_FOUND = "Le numéro indiqué ne correspond à aucune demande de paiement"

SAINT_LEGER_FINANCES = {
    "kind": "STRUCTURE",
    "id": SAINT_LEGER,
    "name": "Commune de Saint-Léger",
    "service": {"code": "FINANCES", "name": "Service des finances"},
    "is_state_service": None,
}
SUPPORT = {
    "kind": "TEAM",
    "id": "SUPPORT",
    "name": "Support technique Chorus Pro",
    "service": None,
    "is_state_service": None,
}

# rule (or pair) → (emitter user, routing fields, expected recipient, an agent of it, an agent of another recipient)
CASES: dict[str, tuple[str, dict[str, Any], dict[str, Any], str, str]] = {
    "FACTURE": (
        "marie",
        {"emitter_siret": DUPONT, "object_type": "FACTURE", "object_number": "FAC-2026-0101"},
        SAINT_LEGER_FINANCES,
        "hugo",
        "victor",
    ),
    "REVISION_MONTANT_MEMOIRE": (
        "paul",
        {"emitter_siret": GREL, "object_type": "MEMOIRE_FRAIS_JUSTICE", "object_number": "MFJ-2026-0042"},
        {
            "kind": "STRUCTURE",
            "id": "11000200300017",
            "name": "Ministère de la Justice – Service centralisateur des frais de justice",
            "service": None,
            "is_state_service": None,
        },
        "theo",
        "emma",
    ),
    "QUESTION_DEMANDE_REJETEE": (
        "nora",
        {"emitter_siret": MARTIN, "object_type": "DEMANDE_REMBOURSEMENT_TIC", "object_number": "TIC-2026-0007"},
        {
            "kind": "STRUCTURE",
            "id": "13000004500018",
            "name": "DDFiP du Rhône",
            "service": {"code": "TIC", "name": "Pôle remboursements TIC"},
            "is_state_service": None,
        },
        "ines",
        "theo",
    ),
    "QUESTION_ENTITE_PUBLIQUE": (
        "marie",
        {
            "emitter_siret": DUPONT,
            "recipient_is_state_service": True,
            "recipient_siret": CH_VIENNE,
            "recipient_service": "ACHATS",
        },
        {
            "kind": "STRUCTURE",
            "id": CH_VIENNE,
            "name": "Centre hospitalier de Vienne",
            "service": {"code": "ACHATS", "name": "Direction des achats"},
            "is_state_service": True,
        },
        "victor",
        "claire",
    ),
    "QUESTION_REGLEMENTATION": (
        "julie",
        {"emitter_siret": DUPONT},
        {
            "kind": "TEAM",
            "id": "FRAIS_JUSTICE_REGLEMENTATION",
            "name": "Bureau réglementaire des frais de justice",
            "service": None,
            "is_state_service": None,
        },
        "emma",
        "lucas",
    ),
    "TECHNICAL_SUPPORT": ("marie", {"emitter_siret": DUPONT}, SUPPORT, "lucas", "emma"),
}


def case_of(pair: Pair) -> tuple[str, dict[str, Any], dict[str, Any], str, str]:
    return CASES.get(pair.code) or CASES.get(pair.object_type or "") or CASES[pair.rule]


def ticket_body(category: str, subcategory: str, submit: bool = True, **fields: Any) -> dict[str, Any]:
    return {
        "submit": submit,
        "category": category,
        "subcategory": subcategory,
        "title": "Question sur une demande de paiement",
        "description": "Le détail de notre question.",
        **fields,
    }


def errors_of(reply_body: dict[str, Any]) -> dict[str, str]:
    return {e["field"]: e["message"] for e in reply_body["errors"]}


def assert_nothing_stored(api: Api) -> None:
    """No ticket was stored and no number used: the next ticket is n° 1."""
    assert api.create("marie", submit=False).body["number"] == 1


def invoice_ticket(api: Api, user: Any = "marie", **fields: Any) -> Any:
    values = {"emitter_siret": DUPONT, "object_type": "FACTURE", "object_number": "FAC-2026-0101", **fields}
    body = ticket_body("FACTURES_EMISES", "REJET_FACTURE", **{k: v for k, v in values.items() if v is not None})
    return api.call("create_ticket", user, body=body)


def entity_ticket(api: Api, user: Any = "marie", **fields: Any) -> Any:
    values = {"emitter_siret": DUPONT, "recipient_is_state_service": False, "recipient_siret": CH_VIENNE, **fields}
    body = ticket_body(
        "FACTURES_EMISES", "QUESTION_ENTITE_PUBLIQUE", **{k: v for k, v in values.items() if v is not None}
    )
    return api.call("create_ticket", user, body=body)


# ------------------------------------------------------------------------------------- every pair
@pytest.mark.parametrize("pair", PAIRS, ids=[p.code for p in PAIRS])
def test_every_pair_reaches_its_recipient_whose_agents_see_and_act_and_no_one_else(api: Api, pair: Pair) -> None:
    category, code = pair.category, pair.code
    emitter, fields, recipient, agent, other_agent = case_of(pair)

    reply = api.call("create_ticket", emitter, body=ticket_body(category, code, **fields))

    assert reply.status == 201, reply.body
    number = reply.body["number"]
    assert reply.body["recipient"] == recipient, "the emitter sees the recipient organisation"
    seen = api.call("get_ticket", agent, number)
    assert seen.status == 200 and seen.body["sides"] == ["RECIPIENT"]
    taken = api.call("take_in_charge", agent, number, body={})
    assert taken.status == 200, taken.body
    assert taken.body["assignee"]["id"] == TEST_IDS[agent]
    assert api.call("get_ticket", other_agent, number).status == 404, "another recipient's agent sees nothing"
    assert api.call("answer", other_agent, number, body={"text": "Réponse"}).status == 404


@pytest.mark.parametrize("pair", PAIRS, ids=[p.code for p in PAIRS])
def test_every_pair_demands_its_own_fields_on_submission(api: Api, pair: Pair) -> None:
    category, code, rule = pair.category, pair.code, pair.rule
    emitter, fields, _, _, _ = case_of(pair)

    reply = api.call("create_ticket", emitter, body=ticket_body(category, code, emitter_siret=fields["emitter_siret"]))

    expected = {
        "OBJECT_RECIPIENT": {"object_number": "Le numéro est obligatoire"},  # the type is the pair's
        "RECIPIENT_STRUCTURE": {
            "recipient_is_state_service": "Indiquez si le destinataire est un service de l'État (oui ou non).",
            "recipient_siret": "Le SIRET de la structure destinataire est obligatoire.",
        },
    }.get(rule)
    if expected is None:
        assert reply.status == 201, reply.body
        return
    assert reply.status == 400
    assert errors_of(reply.body) == expected
    assert_nothing_stored(api)


# ---------------------------------------------------------------------------------- object-bound
def test_the_object_number_is_mandatory_word_for_word(api: Api) -> None:
    reply = invoice_ticket(api, object_number=None)
    assert reply.status == 400
    assert reply.body["errors"] == [{"field": "object_number", "message": "Le numéro est obligatoire"}]
    assert_nothing_stored(api)


@pytest.mark.parametrize(
    ("user", "emitter", "object_type", "number"),
    [
        pytest.param("marie", DUPONT, "FACTURE", "FAC-2099-9999", id="unknown-number"),
        pytest.param("nora", MARTIN, "FACTURE", "TIC-2026-0007", id="number-of-another-type"),
        pytest.param("nora", MARTIN, "FACTURE", "FAC-2026-0101", id="another-emitters-invoice"),
        pytest.param("marie", DUPONT, "FACTURE", "BM-2026-031", id="another-emitters-invoice-2"),
        pytest.param("marie", DUPONT, "FACTURE", "fac-2026-0101", id="number-is-exact"),
    ],
)
def test_a_number_that_matches_no_payment_request_of_that_type_and_emitter_is_refused(
    api: Api, user: str, emitter: str, object_type: str, number: str
) -> None:
    reply = invoice_ticket(api, user, emitter_siret=emitter, object_type=object_type, object_number=number)
    assert reply.status == 400
    assert reply.body["errors"] == [{"field": "object_number", "message": OBJECT_NOT_FOUND}]
    assert_nothing_stored(api)


def test_a_tic_refund_number_given_with_its_true_type_on_an_invoice_pair_is_refused(api: Api) -> None:
    reply = invoice_ticket(
        api, "nora", emitter_siret=MARTIN, object_type="DEMANDE_REMBOURSEMENT_TIC", object_number="TIC-2026-0007"
    )
    assert reply.status == 400
    assert reply.body["errors"] == [
        {
            "field": "object_type",
            "message": "Le type d'objet « Demande de remboursement » ne correspond pas à la sous-catégorie "
            "« Rejet d'une facture » : le type attendu est « Facture ».",
        }
    ]


def test_an_unknown_object_type_is_refused(api: Api) -> None:
    reply = invoice_ticket(api, object_type="AVOIR")
    assert reply.status == 400
    assert reply.body["errors"] == [
        {"field": "object_type", "message": "La valeur du champ « type d'objet » n'est pas autorisée."}
    ]


def test_a_draft_invoice_without_recipient_cannot_be_the_object(api: Api) -> None:
    reply = invoice_ticket(api, object_number="FAC-2026-0105")
    assert reply.status == 400
    assert reply.body["errors"] == [
        {
            "field": "object_number",
            "message": "La facture n° FAC-2026-0105 est à l'état « Brouillon » sans destinataire : le destinataire "
            "du ticket ne peut pas être identifié. Renseignez d'abord le destinataire de la demande de paiement "
            "dans Chorus Pro.",
        }
    ]
    assert_nothing_stored(api)


@pytest.mark.parametrize(
    ("number", "recipient_id", "service"),
    [
        pytest.param("FAC-2026-0104", CH_VIENNE, None, id="draft-with-recipient"),
        pytest.param("FAC-2026-0102", SAINT_LEGER, None, id="rejected"),
        pytest.param("FAC-2026-0103", CH_VIENNE, "ACHATS", id="suspended-to-a-service"),
    ],
)
def test_sent_rejected_and_addressed_draft_invoices_route_to_their_recipient(
    api: Api, number: str, recipient_id: str, service: str | None
) -> None:
    reply = invoice_ticket(api, object_number=number)
    assert reply.status == 201, reply.body
    assert reply.body["recipient"]["id"] == recipient_id
    assert (reply.body["recipient"]["service"] or {}).get("code") == service
    assert reply.body["object"] == {"type": {"code": "FACTURE", "label": "Facture"}, "number": number}


@pytest.mark.parametrize(
    "field", ["recipient_siret", "recipient_service", "recipient_is_state_service"], ids=lambda f: f
)
def test_the_recipient_of_an_object_bound_ticket_cannot_be_chosen_by_the_emitter(api: Api, field: str) -> None:
    value = {"recipient_siret": CH_VIENNE, "recipient_service": "ACHATS", "recipient_is_state_service": True}[field]
    reply = invoice_ticket(api, **{field: value})
    assert reply.status == 400
    assert errors_of(reply.body)[field].endswith("ne s'applique pas à la sous-catégorie « Rejet d'une facture ».")
    assert_nothing_stored(api)


def test_object_fields_do_not_apply_to_a_technical_support_pair(api: Api) -> None:
    reply = api.create("marie", object_type="FACTURE", object_number="FAC-2026-0101")
    assert reply.status == 400
    assert set(errors_of(reply.body)) == {"object_type", "object_number"}


def test_the_recipient_is_read_from_the_object_at_submission(api: Api) -> None:
    """A draft about an invoice still being drafted: the draft shows the invoice's recipient of the moment;
    the invoice is then addressed to another structure in Chorus Pro, and the ticket, once submitted, goes
    to that one."""
    draft = invoice_ticket(api, object_number="FAC-2026-0104", submit=False)
    assert draft.status == 201 and draft.body["recipient"]["id"] == CH_VIENNE
    api.ports.reference.put_reference_data(
        payment_requests=[
            PaymentRequest(
                object_type=ObjectType.INVOICE,
                number="FAC-2026-0104",
                state=PaymentState.SENT,
                emitter_siret=DUPONT,
                recipient_siret=SAINT_LEGER,
                recipient_service="FINANCES",
            )
        ]
    )
    submitted = api.call("submit_draft", "marie", draft.body["number"])
    assert submitted.status == 200, submitted.body
    assert submitted.body["recipient"] == SAINT_LEGER_FINANCES


def test_a_draft_is_checked_as_far_as_it_goes_then_completed(api: Api) -> None:
    # Object fields without a pair: the form shows them only for some pairs.
    early = api.call("create_ticket", "marie", body={"object_number": "FAC-2026-0101"})
    assert early.status == 400
    assert errors_of(early.body) == {
        "object_number": "Choisissez d'abord la catégorie et la sous-catégorie avant le champ « numéro »."
    }
    # A draft with a pair and a number but no structure yet: nothing to check the number against.
    draft = api.call(
        "create_ticket",
        "marie",
        body=ticket_body("FACTURES_EMISES", "SUSPENSION", submit=False, object_number="FAC-2026-0103"),
    )
    assert draft.status == 201, draft.body
    number = draft.body["number"]
    refused = api.call("submit_draft", "marie", number)
    assert refused.status == 400
    assert errors_of(refused.body) == {"emitter_siret": "La structure émettrice est obligatoire."}
    assert draft.body["object"]["type"]["code"] == "FACTURE", "the pair's type, filled by the server"
    assert draft.body["recipient"] is None, "no structure to look the number up for: no recipient yet"
    wrong = api.call("update_draft", "marie", number, body={"emitter_siret": MARTIN})
    assert wrong.status == 400  # not Marie's structure
    patched = api.call("update_draft", "marie", number, body={"emitter_siret": DUPONT, "object_type": "FACTURE"})
    assert patched.status == 200, patched.body
    submitted = api.call("submit_draft", "marie", number)
    assert submitted.status == 200, submitted.body
    assert submitted.body["recipient"]["id"] == CH_VIENNE


def test_changing_the_pair_of_a_draft_drops_the_fields_the_new_pair_does_not_use(api: Api) -> None:
    draft = invoice_ticket(api, submit=False)
    number = draft.body["number"]

    moved = api.call("update_draft", "marie", number, body={"subcategory": "MANDAT_DE_FACTURATION"})

    assert moved.status == 200, moved.body
    assert moved.body["object"] is None
    submitted = api.call("submit_draft", "marie", number)
    assert submitted.body["recipient"] == SUPPORT


def test_a_draft_keeps_a_number_that_later_fails_and_submission_says_so(api: Api) -> None:
    draft = invoice_ticket(api, object_number="FAC-2026-0101", submit=False)
    number = draft.body["number"]
    # Another structure as emitter: the invoice is no longer one of the emitter's.
    api.ports.reference.put_reference_data(
        memberships=[(TEST_IDS["marie"], _member(GREL))],
    )
    changed = api.call("update_draft", "marie", number, body={"emitter_siret": GREL})
    assert changed.status == 400
    assert errors_of(changed.body) == {"object_number": OBJECT_NOT_FOUND}
    assert api.call("get_ticket", "marie", number).body["emitter"]["siret"] == DUPONT, "nothing changed"


def _member(siret: str) -> Membership:
    return Membership(org=OrgRef(kind=OrgKind.STRUCTURE, id=siret), org_name="Les Loges du Grel", role=Role.USER)


# -------------------------------------------------------------------------- question to a public entity
def test_a_question_to_a_public_entity_stores_the_state_service_flag(api: Api) -> None:
    reply = entity_ticket(api, recipient_is_state_service=True, recipient_service="ACHATS")
    assert reply.status == 201, reply.body
    assert reply.body["requested_recipient"] == {"is_state_service": True, "siret": CH_VIENNE, "service": "ACHATS"}
    assert reply.body["recipient"]["is_state_service"] is True
    stored = api.call("get_ticket", "victor", reply.body["number"]).body
    assert stored["recipient"]["is_state_service"] is True


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        pytest.param(
            {"recipient_siret": "2135000280001"},
            "recipient_siret",
            "Le SIRET « 2135000280001 » n'est pas valide (14 chiffres avec une clé de contrôle correcte).",
            id="13-digits",
        ),
        pytest.param(
            {"recipient_siret": "21350002800014"},
            "recipient_siret",
            "Le SIRET « 21350002800014 » n'est pas valide (14 chiffres avec une clé de contrôle correcte).",
            id="bad-luhn",
        ),
        pytest.param(
            {"recipient_siret": "35600000000049"},
            "recipient_siret",
            "Le SIRET « 35600000000049 » n'est pas valide (14 chiffres avec une clé de contrôle correcte).",
            id="la-poste-digits-not-a-multiple-of-5",
        ),
        pytest.param(
            {"recipient_siret": "35600000012341"},
            "recipient_siret",
            "Aucune structure n'est enregistrée dans Chorus Pro sous le SIRET 35600000012341.",
            id="la-poste-valid-by-its-own-rule-but-unknown",
        ),
        pytest.param(
            {"recipient_siret": "44231789700019"},
            "recipient_siret",
            "Aucune structure n'est enregistrée dans Chorus Pro sous le SIRET 44231789700019.",
            id="unknown",
        ),
        pytest.param(
            {"recipient_siret": INACTIVE},
            "recipient_siret",
            "La structure 73214569300014 (Ancienne régie des eaux) est inactive dans Chorus Pro : "
            "elle ne peut pas recevoir de ticket.",
            id="inactive",
        ),
        pytest.param(
            {"recipient_siret": MARTIN},
            "recipient_siret",
            "La structure 80123456800013 (Boulangerie Martin) n'est pas une structure publique : "
            "seule une entité publique peut être destinataire d'une question.",
            id="private",
        ),
        pytest.param(
            {"recipient_service": "FINANCES"},
            "recipient_service",
            "Le service « FINANCES » n'appartient pas à la structure destinataire 21350002800013.",
            id="service-of-another-structure",
        ),
        pytest.param(
            {"recipient_siret": None, "recipient_service": "ACHATS"},
            "recipient_service",
            "Indiquez d'abord le SIRET de la structure destinataire avant son service.",
            id="service-without-structure",
        ),
        pytest.param(
            {"recipient_is_state_service": "peut-être"},
            "recipient_is_state_service",
            "Le champ « le destinataire est-il un service de l'État ? » doit valoir true ou false.",
            id="flag-not-boolean",
        ),
        pytest.param(
            {"object_number": "FAC-2026-0101"},
            "object_number",
            "Le champ « numéro » ne s'applique pas à la sous-catégorie « M-Question pour une entité publique ».",
            id="no-object",
        ),
    ],
)
def test_a_question_to_a_public_entity_checks_its_recipient(
    api: Api, fields: dict[str, Any], field: str, message: str
) -> None:
    body = ticket_body(
        "FACTURES_EMISES",
        "QUESTION_ENTITE_PUBLIQUE",
        **{"emitter_siret": DUPONT, "recipient_is_state_service": False, "recipient_siret": CH_VIENNE, **fields},
    )
    body = {k: v for k, v in body.items() if v is not None}

    reply = api.call("create_ticket", "marie", body=body)

    assert reply.status == 400, reply.body
    assert errors_of(reply.body)[field] == message
    assert_nothing_stored(api)


def test_a_structure_cannot_ask_itself(api: Api) -> None:
    reply = entity_ticket(api, "claire", emitter_siret=SAINT_LEGER, recipient_siret=SAINT_LEGER)
    assert reply.status == 400
    assert errors_of(reply.body) == {
        "recipient_siret": "La structure destinataire doit être différente de la structure émettrice."
    }


def test_a_la_poste_establishment_is_a_valid_recipient(api: Api) -> None:
    """SIRETs of La Poste's establishments fail the Luhn check; INSEE's own rule accepts them."""
    la_poste = "35600000012341"  # digits add up to 25: valid for La Poste, not under Luhn
    api.ports.reference.put_reference_data(
        structures=[
            Structure(
                siret=la_poste,
                designation="La Poste – Établissement de Lyon",
                public=True,
                services=(Service(code="COURRIER", name="Courrier"),),
            )
        ]
    )
    reply = entity_ticket(api, recipient_siret=la_poste, recipient_service="COURRIER")
    assert reply.status == 201, reply.body
    assert reply.body["recipient"]["id"] == la_poste


# ------------------------------------------------------------------------------- recipients and agents
def test_a_recipient_structures_member_cannot_read_a_ticket_routed_elsewhere(api: Api) -> None:
    to_commune = invoice_ticket(api).body["number"]
    to_hospital = entity_ticket(api).body["number"]
    to_support = api.create("marie").body["number"]

    assert api.call("get_ticket", "claire", to_commune).status == 200
    for number in (to_hospital, to_support):
        reply = api.call("get_ticket", "claire", number)
        assert reply.status == 404
        assert reply.body["message"] == f"Le ticket n° {number} est introuvable."
    assert api.call("get_ticket", "victor", to_commune).status == 404
    assert api.call("get_ticket", "lucas", to_commune).status == 404, "the support does not see business tickets"
    assert api.call("take_in_charge", "victor", to_commune, body={}).status == 404


def test_a_ticket_to_one_service_is_seen_by_the_members_of_its_structure(api: Api) -> None:
    number = invoice_ticket(api).body["number"]  # to the Commune's finance service
    for agent in ("claire", "hugo"):
        assert api.call("get_ticket", agent, number).body["sides"] == ["RECIPIENT"]


def test_the_recipient_assigns_the_ticket_to_one_of_its_agents(api: Api) -> None:
    number = invoice_ticket(api).body["number"]
    api.call("take_in_charge", "claire", number, body={})

    reply = api.call("assign_ticket", "claire", number, body={"assignee_id": TEST_IDS["hugo"], "comment": "Pour toi."})

    assert reply.status == 200, reply.body
    assert reply.body["status"]["code"] == "IN_PROGRESS", "assigning does not change the status"
    assert reply.body["assignee"] == {"id": TEST_IDS["hugo"], "name": "Hugo Leroy"}
    entry = reply.body["history"][-1]
    assert entry["action"] == {"code": "ASSIGN", "label": "Assigner"}
    assert entry["assignee"]["name"] == "Hugo Leroy" and entry["comment"] == "Pour toi."
    emitter_view = api.call("get_ticket", "marie", number).body
    assert emitter_view["assignee"]["name"] == "Hugo Leroy"
    assert emitter_view["recipient"]["name"] == "Commune de Saint-Léger"


@pytest.mark.parametrize(
    ("user", "body", "status", "message"),
    [
        pytest.param(
            "claire",
            {"assignee_id": TEST_IDS["victor"]},
            400,
            "La personne désignée n'est pas un agent de l'organisation destinataire du ticket.",
            id="agent-of-another-recipient",
        ),
        pytest.param(
            "claire",
            {"assignee_id": "00000000-0000-4000-8000-999999999999"},
            400,
            "La personne désignée n'est pas un agent de l'organisation destinataire du ticket.",
            id="unknown-user",
        ),
        pytest.param(
            "claire", {"assignee_id": None}, 400, "L'agent à qui assigner le ticket est obligatoire.", id="no-one"
        ),
        pytest.param(
            "marie",
            {"assignee_id": TEST_IDS["hugo"]},
            403,
            "Seul le destinataire du ticket peut effectuer l'action « Assigner ».",
            id="by-the-emitter",
        ),
    ],
)
def test_assignment_is_refused_with_a_reason_and_changes_nothing(
    api: Api, user: str, body: dict[str, Any], status: int, message: str
) -> None:
    number = invoice_ticket(api).body["number"]
    before = api.call("get_ticket", "marie", number).body

    reply = api.call("assign_ticket", user, number, body=body)

    assert reply.status == status, reply.body
    assert message in (reply.body["message"], *(e["message"] for e in reply.body["errors"]))
    assert api.call("get_ticket", "marie", number).body == before


def test_routing_a_ticket_reads_by_key_only(aws_api: Api, aws: CallLog) -> None:
    aws.operations.clear()
    assert invoice_ticket(aws_api).status == 201
    counts = aws.counts()
    assert counts["GetItem"] == 1, "the payment request, by its key"
    assert "Scan" not in counts


def test_the_recipient_lists_its_agents_to_pick_an_assignee(aws_api: Api, aws: CallLog) -> None:
    number = invoice_ticket(aws_api).body["number"]
    aws.operations.clear()

    reply = aws_api.call("list_agents", "hugo", number)

    assert reply.status == 200, reply.body
    assert reply.body == [
        {
            "id": TEST_IDS["claire"],
            "name": "Claire Petit",
            "role": "PRINCIPAL_MANAGER",
            "role_label": "Gestionnaire principal",
        },
        {"id": TEST_IDS["hugo"], "name": "Hugo Leroy", "role": "USER", "role_label": "Utilisateur simple"},
    ]
    assert aws.counts() == {"Query": 3, "BatchGetItem": 1}, "caller, ticket, members; profiles in one batch"
    support = aws_api.call("list_agents", "lucas", aws_api.create("marie").body["number"]).body
    assert [a["name"] for a in support] == ["Lucas Fabre", "Sophie Moreau"]


@pytest.mark.parametrize(("user", "status"), [("marie", 403), ("victor", 404), ("lucas", 404)])
def test_only_the_recipient_sees_its_agents(api: Api, user: str, status: int) -> None:
    number = invoice_ticket(api).body["number"]
    reply = api.call("list_agents", user, number)
    assert reply.status == status
    assert "Claire" not in str(reply.body)
