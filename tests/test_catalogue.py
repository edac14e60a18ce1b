"""GET /catalogue: every pair of DOMAIN.md with its routing rule and mandatory fields, public, for both forms.

The expected catalogue is written out here from DOMAIN.md and the seeds (001, 003's closing table),
independently of chorus_desk.catalogue.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest

from tests.support import Api, CallLog

# Connected: the contact e-mail may be left out (the API takes the emitter structure's), so the
# catalogue does not call it required; the non-connected form has nothing else to reach the visitor by.
BASE_CONNECTED = ["category", "subcategory", "emitter_siret", "title", "description"]
BASE_ANONYMOUS = ["category", "subcategory", "contact_email", "title", "description"]
OBJECT = ["object_type", "object_number"]
RECIPIENT = ["recipient_is_state_service", "recipient_siret"]

CATEGORY_LABELS = {
    "FACTURES_EMISES": "Factures émises",
    "FACTURES_RECUES": "Factures reçues",
    "MEMOIRES_FRAIS_JUSTICE": "Mémoires de frais de justice",
    "REMBOURSEMENT_TIC": "Remboursement TIC",
    "GESTION_STRUCTURES_UTILISATEURS": "Gestion des structures et utilisateurs",
}


class Pair(NamedTuple):
    category: str
    code: str
    label: str
    rule: str
    object_type: str | None = None  # the payment request type an object-bound pair is about
    fixed: str | None = None  # the team that receives it, when no one has to be designated
    former: str | None = None  # the older guide's label


_FE, _OBJ, _SUP = "FACTURES_EMISES", "OBJECT_RECIPIENT", "TECHNICAL_SUPPORT"
PAIRS: list[Pair] = [
    Pair(_FE, "REJET_FACTURE", "Rejet d'une facture", _OBJ, "FACTURE"),
    Pair(_FE, "MONTANT_PAYE_DIFFERENT", "Montant payé différent", _OBJ, "FACTURE"),
    Pair(_FE, "SUSPENSION", "Suspension", _OBJ, "FACTURE"),
    Pair(_FE, "INTERETS_MORATOIRES", "Intérêts moratoires", _OBJ, "FACTURE"),
    Pair(_FE, "DELAIS_PAIEMENT", "Délais de paiement", _OBJ, "FACTURE"),
    Pair(_FE, "ERREUR_DESTINATAIRE", "Erreur destinataire", _OBJ, "FACTURE"),
    Pair(_FE, "QUESTION_DESTINATAIRE_FACTURE", "M-Question pour le destinataire de ma facture", _OBJ, "FACTURE"),
    Pair(
        _FE,
        "QUESTION_ENTITE_PUBLIQUE",
        "M-Question pour une entité publique",
        "RECIPIENT_STRUCTURE",
        former="Question pour une entité publique",
    ),
    Pair(_FE, "MANDAT_DE_FACTURATION", "Mandat de facturation", _SUP, fixed="SUPPORT"),
    Pair(_FE, "FACTURE_BROUILLON", "Facture brouillon", _SUP, fixed="SUPPORT"),
    Pair(_FE, "ERREUR_ELEMENTS_FACTURATION", "Erreur dans les éléments de facturation", _SUP, fixed="SUPPORT"),
    Pair(_FE, "AJOUT_PIECE_JOINTE", "Ajout de pièce jointe", _SUP, fixed="SUPPORT"),
    Pair("FACTURES_RECUES", "AUTRE", "Autre", _SUP, fixed="SUPPORT"),
    Pair(
        "MEMOIRES_FRAIS_JUSTICE",
        "QUESTION_REGLEMENTATION",
        "Question générale sur la réglementation",
        "FIXED_OFFICE",
        fixed="FRAIS_JUSTICE_REGLEMENTATION",
    ),
    Pair(
        "MEMOIRES_FRAIS_JUSTICE",
        "REVISION_MONTANT_MEMOIRE",
        "M-Révision du montant d'un mémoire",
        _OBJ,
        "MEMOIRE_FRAIS_JUSTICE",
    ),
    Pair(
        "REMBOURSEMENT_TIC",
        "QUESTION_DEMANDE_REJETEE",
        "M-Question sur une demande rejetée",
        _OBJ,
        "DEMANDE_REMBOURSEMENT_TIC",
        former="Question sur une demande rejetée",
    ),
    Pair(
        "GESTION_STRUCTURES_UTILISATEURS",
        "MODIFICATION_DROITS_UTILISATEURS",
        "Modification des droits des utilisateurs",
        _SUP,
        fixed="SUPPORT",
    ),
]
NEEDS_RECIPIENT = {"OBJECT_RECIPIENT", "RECIPIENT_STRUCTURE"}


def listed(body: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (c["code"], s["code"]): {**s, "category_label": c["label"]}
        for c in body["categories"]
        for s in c["subcategories"]
    }


def test_the_catalogue_is_public_and_lists_every_pair_with_its_routing(api: Api) -> None:
    reply = api.call("get_catalogue", None, query=None)  # no token, no mode: the connected form

    assert reply.status == 200, reply.body
    assert reply.headers["Cache-Control"] == "public, max-age=300"
    assert reply.body["mode"] == "CONNECTED"
    pairs = listed(reply.body)
    assert list(pairs) == [(p.category, p.code) for p in PAIRS], "every pair of DOMAIN.md, in the seeds' order"
    for p in PAIRS:
        entry = pairs[(p.category, p.code)]
        assert (entry["category_label"], entry["label"]) == (CATEGORY_LABELS[p.category], p.label)
        assert entry["former_label"] == p.former
        assert entry["routing"]["code"] == p.rule and entry["routing"]["label"]
        assert entry["needs_recipient"] is (p.rule in NEEDS_RECIPIENT)
        assert (entry["object_type"] or {}).get("code") == p.object_type
        assert (entry["recipient"] or {}).get("code") == p.fixed


@pytest.mark.parametrize("pair", PAIRS, ids=[p.code for p in PAIRS])
def test_each_pair_says_which_fields_are_mandatory(api: Api, pair: Pair) -> None:
    rule = pair.rule
    entry = listed(api.call("get_catalogue", None, query={"mode": "CONNECTED"}).body)[(pair.category, pair.code)]

    required = [f["name"] for f in entry["fields"] if f["required"]]
    optional = [f["name"] for f in entry["fields"] if not f["required"]]
    extra = {"OBJECT_RECIPIENT": OBJECT, "RECIPIENT_STRUCTURE": RECIPIENT}.get(rule, [])
    assert required == BASE_CONNECTED + extra
    assert optional == ["emitter_service", "contact_email", "contact_phone"] + (
        ["recipient_service"] if rule == "RECIPIENT_STRUCTURE" else []
    )
    assert all(f["label"] and f["label"] != f["name"] for f in entry["fields"]), "every field has a French label"


def test_the_non_connected_form_offers_only_the_pairs_that_need_no_recipient(api: Api) -> None:
    reply = api.call("get_catalogue", None, query={"mode": "ANONYMOUS"})

    assert reply.status == 200
    pairs = listed(reply.body)
    assert list(pairs) == [(p.category, p.code) for p in PAIRS if p.rule not in NEEDS_RECIPIENT]
    assert ("REMBOURSEMENT_TIC", "QUESTION_DEMANDE_REJETEE") not in pairs
    assert "REMBOURSEMENT_TIC" not in {c["code"] for c in reply.body["categories"]}, "no empty category"
    for entry in pairs.values():
        assert [f["name"] for f in entry["fields"] if f["required"]] == BASE_ANONYMOUS
        assert not entry["needs_recipient"]


def test_the_catalogue_lists_the_object_types(api: Api) -> None:
    body = api.call("get_catalogue", None, query=None).body
    assert body["object_types"] == [
        {"code": "FACTURE", "label": "Facture"},
        {"code": "DEMANDE_REMBOURSEMENT_TIC", "label": "Demande de remboursement"},
        {"code": "MEMOIRE_FRAIS_JUSTICE", "label": "Mémoire de frais de justice"},
    ]


def test_an_unknown_mode_is_a_french_400(api: Api) -> None:
    reply = api.call("get_catalogue", None, query={"mode": "PIRATE"})
    assert reply.status == 400
    assert reply.body["errors"] == [{"field": "mode", "message": "La valeur du champ « mode » n'est pas autorisée."}]


def test_the_catalogue_reads_no_table(aws_api: Api, aws: CallLog) -> None:
    assert aws_api.call("get_catalogue", None, query={"mode": "ANONYMOUS"}).status == 200
    assert aws.operations == []  # the catalogue is code: no DynamoDB call, nothing to pay per read
