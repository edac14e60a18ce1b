"""The 300 tickets the lists' and the exports' browser tests read (tests/browser/test_lists.py,
tests/browser/test_portal_exports.py), seeded once per stack through the API (about 30 s on the project's machine):
200 for
the technical support from Menuiserie Dupont by three of its users (titles with accents, ligatures, mixed case and
ties, three services, five sub-categories of four categories), 15 about its invoices (routed to the Commune de
Saint-Léger), 10 general questions to the Centre hospitalier de Vienne, 20 from Les Loges du Grel, and 55 drafts (a
few without a title or a category); then the support answers 30 of them, asks a question on 15, takes 20 in charge for
Lucas, and Dupont closes 15.

`seeded_world(stack)` seeds the stack the first time it is asked, then gives the same World: the modules that read it
share one seeding (each module's fixture calls it). A module that changes the world (deletes a draft) must leave
what the others count on (test_lists deletes two of the three DELETABLE drafts; the exports delete nothing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from local_stack import demo
from tests.e2e.stack import Stack

DUPONT = demo.USERS_BY_ALIAS["marie"].memberships[0][0]
GREL = next(org for org, _ in demo.USERS_BY_ALIAS["paul"].memberships if org != DUPONT)
SAINT_LEGER = demo.USERS_BY_ALIAS["claire"].memberships[0][0]
CH_VIENNE = demo.USERS_BY_ALIAS["victor"].memberships[0][0]
STRUCTURES = {s.siret: s for s in demo.STRUCTURES}
DUPONT_SERVICES = [s.code for s in STRUCTURES[DUPONT].services]
INVOICE_SENT = next(
    p.number
    for p in demo.PAYMENT_REQUESTS
    if p.emitter_siret == DUPONT and p.recipient_siret == SAINT_LEGER and p.recipient_service
)
INVOICE_REJECTED = next(
    p.number
    for p in demo.PAYMENT_REQUESTS
    if p.emitter_siret == DUPONT and p.recipient_siret == SAINT_LEGER and not p.recipient_service
)
# Titles that a French reader orders regardless of accents, ligatures and case; some repeated (ties).
WORDS = [
    "Électricité",
    "eau",
    "Eau",
    "Œuvre",
    "oeuvre",
    "île",
    "Ile",
    "Zèbre",
    "abricot",
    "Accès",
    "accès",
    "Écran",
    "ecran",
    "Facture",
    "facturé",
    "Ça",
    "ca",
    "Mandat",
]
TIES = "Accès refusé au portail"
RARE = "zygomatique"
DELETABLE = "Brouillon à supprimer"


# ------------------------------------------------------------------------------------------------ the API
def api(stack: Stack, method: str, path: str, user: str, body: Any = None) -> Any:
    status, answer, _ = stack.http(method, path, user, body)
    assert status in (200, 201, 204), (method, path, status, answer)
    return answer


def api_page(stack: Stack, user: str, path: str, query: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = api(stack, "GET", f"{path}?{urlencode(query)}", user)
    return answer


def api_rows(stack: Stack, user: str, path: str, query: dict[str, Any]) -> list[dict[str, Any]]:
    """Every row of a tab or a search, in the API's order, walked with its cursor (100 at a time)."""
    rows: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = api_page(stack, user, path, {**query, "size": 100, **({"cursor": cursor} if cursor else {})})
        rows += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return rows


def numbers(rows: list[dict[str, Any]]) -> list[int]:
    return [int(r["number"]) for r in rows]


# ------------------------------------------------------------------------------------------ the seeded world
@dataclass
class World:
    support: list[int] = field(default_factory=list)  # submitted to the technical support by Dupont
    invoices: list[int] = field(default_factory=list)  # about Dupont's invoices, routed to Saint-Léger
    entity: list[int] = field(default_factory=list)  # general questions to CH Vienne
    grel: list[int] = field(default_factory=list)
    drafts: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)
    awaiting: list[int] = field(default_factory=list)
    lucas: list[int] = field(default_factory=list)  # in progress, assigned to Lucas
    closed: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.support) + len(self.invoices) + len(self.entity) + len(self.grel) + len(self.drafts)


def _team_pairs(stack: Stack) -> tuple[list[tuple[str, str]], set[tuple[str, str]]]:
    """The catalogue's pairs that go to a fixed team (no object, no recipient to name), and those of them the
    technical support answers (Sophie and Lucas)."""
    catalogue = api(stack, "GET", "/catalogue", "marie")
    fixed = [
        (c["code"], s["code"], s["routing"]["code"])
        for c in catalogue["categories"]
        for s in c["subcategories"]
        if not s["needs_recipient"] and s["recipient"] is not None
    ]
    return [(c, s) for c, s, _ in fixed], {(c, s) for c, s, routing in fixed if routing == "TECHNICAL_SUPPORT"}


_SEEDED: dict[str, World] = {}


def seeded_world(stack: Stack) -> World:
    """The stack's 300 seeded tickets, seeded on the first call for this stack."""
    if stack.url not in _SEEDED:
        _SEEDED[stack.url] = _seed(stack)
    return _SEEDED[stack.url]


def _seed(stack: Stack) -> World:
    made = World()
    pairs, technical = _team_pairs(stack)
    assert len({c for c, _ in pairs}) >= 3 and technical, pairs
    authors = ["marie", "julie", "paul"]
    to_support: list[int] = []

    def create(user: str, submit: bool, **content: Any) -> int:
        answer = api(stack, "POST", "/tickets", user, {"submit": submit, **content})
        return int(answer["number"])

    for i in range(200):
        category, subcategory = pairs[i % len(pairs)]
        title = TIES if i % 25 == 0 else f"{WORDS[i % len(WORDS)]} {RARE if i % 40 == 7 else ''} n° {i}"
        number = create(
            authors[i % 3],
            True,
            category=category,
            subcategory=subcategory,
            emitter_siret=DUPONT,
            emitter_service=([None, *DUPONT_SERVICES])[i % (len(DUPONT_SERVICES) + 1)],
            title=" ".join(title.split()),
            description=f"Demande de test n° {i} : l'écran « {WORDS[(i * 7) % len(WORDS)]} » ne répond pas.",
        )
        made.support.append(number)
        if (category, subcategory) in technical:
            to_support.append(number)
    for i in range(15):
        invoice, subcategory = (
            (INVOICE_SENT, "QUESTION_DESTINATAIRE_FACTURE") if i < 10 else (INVOICE_REJECTED, "REJET_FACTURE")
        )
        made.invoices.append(
            create(
                authors[i % 2],
                True,
                category="FACTURES_EMISES",
                subcategory=subcategory,
                emitter_siret=DUPONT,
                object_type="FACTURE",
                object_number=invoice,
                title=f"Facture {invoice} : question n° {i}",
                description="Pouvez-vous nous dire où en est le paiement ?",
            )
        )
    for i in range(10):
        made.entity.append(
            create(
                "marie",
                True,
                category="FACTURES_EMISES",
                subcategory="QUESTION_ENTITE_PUBLIQUE",
                emitter_siret=DUPONT,
                recipient_is_state_service=False,
                recipient_siret=CH_VIENNE,
                recipient_service=STRUCTURES[CH_VIENNE].services[0].code,
                title=f"Adresse de facturation n° {i}",
                description="Quel service indiquer sur nos factures ?",
            )
        )
    for i in range(20):
        category, subcategory = pairs[(i + 1) % len(pairs)]
        made.grel.append(
            create(
                "paul",
                True,
                category=category,
                subcategory=subcategory,
                emitter_siret=GREL,
                title=f"{WORDS[(i + 3) % len(WORDS)]} aux Loges n° {i}",
                description="Demande des Loges du Grel.",
            )
        )
    for i in range(55):
        category, subcategory = pairs[i % len(pairs)]
        content: dict[str, Any] = {"emitter_siret": DUPONT}
        if i % 11 != 3:  # a few drafts without a title or a category: they sort first
            content |= {
                "category": category,
                "subcategory": subcategory,
                "title": f"{WORDS[(i + 5) % len(WORDS)]} brouillon {i}",
            }
        if i < 3:
            content["title"] = DELETABLE
        made.drafts.append(create(authors[i % 2], False, **content))

    lucas = api(stack, "GET", "/me", "lucas")["id"]
    assert len(to_support) >= 80, len(to_support)
    made.resolved, made.awaiting = to_support[0:30], to_support[30:45]
    made.lucas, made.closed = to_support[45:65], to_support[65:80]
    for n in made.resolved:
        api(stack, "POST", f"/tickets/{n}/answer", "sophie", {"text": "Voici la marche à suivre."})
    for n in made.awaiting:
        api(
            stack,
            "POST",
            f"/tickets/{n}/information-requests",
            "lucas",
            {"question": "Quel est le numéro de la facture ?"},
        )
    for n in made.lucas:
        api(stack, "POST", f"/tickets/{n}/take-in-charge", "sophie", {"assignee_id": lucas})
    for n in made.closed:
        api(stack, "POST", f"/tickets/{n}/close", "marie", {"comment": "La question n'est plus d'actualité."})
    assert made.count == 300
    return made
