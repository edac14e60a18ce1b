"""The world of the structure tests (tests/test_structures.py, tests/test_inactivation_machine.py): the tests'
own world (tests/fixtures.py) plus a takeover structure, tickets received by the Commune de Saint-Léger in
every status, and the checks both test modules make (what moved, the dashboard against a recount).

In the tests' world Claire is principal manager of the Commune de Saint-Léger (public, active, open in the
local registry, receiving three payment requests) and secondary manager of the Ancienne régie des eaux
(public, inactive, closed in the registry); Hugo is a simple user of the commune; Victor manages the
Centre hospitalier de Vienne; the Menuiserie Dupont is private. Here Claire also manages the Ateliers
municipaux de Saint-Léger (public, active, open in the registry): the takeover structure.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from chorus_desk.lifecycle import Action
from chorus_desk.models import Membership, OrgKind, OrgRef, PaymentRequest, Role, Structure
from chorus_desk.ports import Ports
from tests import fixtures
from tests.support import Api

SAINT_LEGER, INACTIVE, DUPONT, CH_VIENNE = fixtures.SAINT_LEGER, fixtures.INACTIVE, fixtures.DUPONT, fixtures.CH_VIENNE
ATELIERS = "21769001500029"  # the takeover: public, active, Claire manages it (open in the local registry)
NOT_IN_CHORUS = "81234567600017"  # a valid SIRET Sirene knows (Claire Fontaine) and Chorus Pro does not
BAD_CHECKSUM = "21769001500012"
ATELIERS_STRUCTURE = Structure(
    siret=ATELIERS,
    designation="Ateliers municipaux de Saint-Léger",
    public=True,
    email="ateliers@saint-leger.example",
    postcode="76160",
    town="Saint-Léger-du-Bourg-Denis",
)
RECEIVED_PAYMENTS = tuple(p for p in fixtures.PAYMENT_REQUESTS if p.recipient_siret == SAINT_LEGER)
STATUSES = ("OPEN", "IN_PROGRESS", "AWAITING_INFO", "RESOLVED", "CLOSED")


def seed_takeover(ports: Ports) -> None:
    """The Ateliers municipaux, managed by Claire."""
    membership = Membership(
        org=OrgRef(kind=OrgKind.STRUCTURE, id=ATELIERS),
        org_name=ATELIERS_STRUCTURE.designation,
        role=Role.PRINCIPAL_MANAGER,
    )
    ports.reference.put_reference_data(
        structures=[ATELIERS_STRUCTURE], memberships=[(fixtures.USER_IDS["claire"], membership)]
    )


def received_ticket(api: Api, status: str, number: str = "FAC-2026-0101") -> int:
    """A ticket of Menuiserie Dupont about its invoice ``number`` (sent to the Commune de Saint-Léger, its
    finance service), brought to ``status`` by the commune (Claire, assigning Hugo) and Marie."""
    created = api.create(
        "marie",
        submit=True,
        subcategory="MONTANT_PAYE_DIFFERENT",
        object_type="FACTURE",
        object_number=number,
        title=f"Montant payé différent ({status.lower()})",
        description="Il manque 120 € sur le paiement.",
    )
    assert created.status == 201, created.body
    assert created.body["recipient"]["id"] == SAINT_LEGER
    ticket = int(created.body["number"])
    plan: dict[str, list[tuple[str, str, dict[str, Any]]]] = {
        "OPEN": [],
        "IN_PROGRESS": [("take_in_charge", "claire", {"assignee_id": fixtures.USER_IDS["hugo"]})],
        "AWAITING_INFO": [("request_information", "claire", {"question": "Quelle date de paiement ?"})],
        "RESOLVED": [("answer", "claire", {"text": "Le solde part demain."})],
        "CLOSED": [("answer", "claire", {"text": "Le solde part demain."}), ("accept_solution", "marie", {})],
    }
    for route, user, body in plan[status]:
        step = api.call(route, user, ticket, body=body)
        assert step.status == 200, step.body
    return ticket


def received_tickets(api: Api) -> dict[str, int]:
    """One ticket received by the commune in each submitted status, by status."""
    return {status: received_ticket(api, status) for status in STATUSES}


def payments_of(ports: Ports) -> dict[str, str | None]:
    """Where each payment request Saint-Léger received at first is addressed now, by number."""
    found: dict[str, str | None] = {}
    for p in RECEIVED_PAYMENTS:
        stored = ports.payments.load_payment_request(p.emitter_siret, p.object_type, p.number)
        assert stored is not None
        found[p.number] = stored.recipient_siret
    return found


def reroutes(ports: Ports, number: int) -> list[Any]:
    """The REROUTE history entries of a ticket."""
    ticket = ports.tickets.load_ticket(number)
    assert ticket is not None
    return [e for e in ticket.history if e.action is Action.REROUTE]


def recipient_of(ports: Ports, number: int) -> str:
    ticket = ports.tickets.load_ticket(number)
    assert ticket is not None
    assert ticket.recipient is not None
    return ticket.recipient.org.id


def received_counts(api: Api, user: str, organisation: str) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """The dashboard's received counts of an organisation (GET /dashboard): by status, and by service."""
    reply = api.call("get_dashboard", user)
    assert reply.status == 200, reply.body
    (board,) = [b for b in reply.body["organisations"] if b["organisation"]["id"] == organisation]
    received = board["received"]
    by_status = {c["status"]["code"]: c["count"] for c in received["counts"] if c["count"]}
    by_service = {
        (s["service"] or {}).get("code", "-"): {c["status"]["code"]: c["count"] for c in s["counts"] if c["count"]}
        for s in received["services"]
    }
    return by_status, {k: v for k, v in by_service.items() if v}


def recount(ports: Ports, numbers: list[int], organisation: str) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """The same counts, from the tickets themselves."""
    by_status: Counter[str] = Counter()
    by_service: dict[str, Counter[str]] = {}
    for number in numbers:
        ticket = ports.tickets.load_ticket(number)
        assert ticket is not None
        if ticket.recipient is None or ticket.recipient.org.id != organisation:
            continue
        by_status[ticket.status.value] += 1
        service = ticket.recipient.service.code if ticket.recipient.service else "-"
        by_service.setdefault(service, Counter())[ticket.status.value] += 1
    return dict(by_status), {k: dict(v) for k, v in by_service.items()}


def assert_dashboards_match_a_recount(api: Api, numbers: list[int]) -> None:
    """Claire's dashboard for both structures counts exactly the tickets they receive; Hugo has nothing
    assigned once the commune's tickets moved (or exactly what is still assigned to him)."""
    for organisation in (SAINT_LEGER, ATELIERS):
        assert received_counts(api, "claire", organisation) == recount(api.ports, numbers, organisation), organisation


def payment(number: str) -> PaymentRequest:
    (found,) = [p for p in fixtures.PAYMENT_REQUESTS if p.number == number]
    return found
