"""Items read per page of the following screens, while the table grows with other people's tickets.

200 tickets of one structure (Menuiserie Dupont, half of them received by the technical support), then
1,000 and 50,000 tickets of other structures, all received by the technical support too, loaded with
batch writes (``import_tickets``: moto copies the whole table for every transaction). Each figure is the
number of items DynamoDB examined (``ScannedCount`` of the Queries, one per GetItem hit) for one request
through the real handler. The structure's figures must not move; the support's tabs and its indexed
searches must not move either, though the support's partitions grow with every filler ticket.

``python -m bench.following [--others 1000 50000]``
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from moto import mock_aws

from bench.bench import Examined, fresh_table
from chorus_desk import catalogue
from chorus_desk.lifecycle import Action, Side, Status
from chorus_desk.models import Emitter, HistoryEntry, OrgKind, OrgRef, Person, Recipient, Service, Ticket, TicketContent
from chorus_desk.siret import luhn_valid
from local_stack.template import load_template
from tests import fixtures
from tests.support import Api

SUPPORT = Recipient(org=OrgRef(kind=OrgKind.TEAM, id=catalogue.SUPPORT_TEAM_ID), name="Support technique Chorus Pro")
PUBLIC = Recipient(
    org=OrgRef(kind=OrgKind.STRUCTURE, id=fixtures.SAINT_LEGER),
    name="Commune de Saint-Léger",
    service=Service(code="FINANCES", name="Service des finances"),
)
PAIRS = [(c.code, s.code) for c in catalogue.CATALOGUE for s in c.subcategories]
WORDS = ["facture", "mandat", "rejet", "électricité", "accès", "compte", "structure", "paiement", "avoir", "relance"]
START = datetime(2026, 1, 1, tzinfo=UTC)


def ticket(number: int, siret: str, name: str, author: Person, recipient: Recipient, rng: random.Random) -> Ticket:
    status = rng.choice(list(Status))
    category, subcategory = rng.choice(PAIRS)
    created = START + timedelta(minutes=number * 7)
    words = " ".join(rng.sample(WORDS, 3))
    return Ticket(
        number=number,
        status=status,
        version=1,
        created_at=created,
        updated_at=created,
        submitted_at=None if status is Status.DRAFT else created,
        created_by=author,
        content=TicketContent(
            category=category,
            subcategory=subcategory,
            emitter_siret=siret,
            title=f"{words.capitalize()} n° {number}",
            description=f"Ticket {number} : {words}.",
        ),
        emitter=Emitter(siret=siret, designation=name),
        recipient=None if status is Status.DRAFT else recipient,
        assignee=author if status in (Status.IN_PROGRESS, Status.AWAITING_INFO) and number % 3 == 0 else None,
        history=(
            HistoryEntry(
                seq=1, at=created, actor=author, side=Side.EMITTER, action=Action.CREATE_DRAFT, to_status=Status.DRAFT
            ),
        ),
    )


def siret_of(index: int) -> str:
    """A valid SIRET (Luhn on the SIREN and on the SIRET) for the ``index``-th other structure."""
    siren = next(f"{index:08d}{d}" for d in "0123456789" if luhn_valid(f"{index:08d}{d}"))
    return next(f"{siren}0001{d}" for d in "0123456789" if luhn_valid(f"{siren}0001{d}"))


def theirs(first: int, count: int) -> list[Ticket]:
    rng = random.Random(first)  # noqa: S311 (reproducible test data)
    author = Person(id="filler-user", name="Filler")
    return [
        ticket(n, siret_of(n % 997 + 1), f"Entreprise {n % 997}", author, SUPPORT, rng)
        for n in range(first, first + count)
    ]


def ours() -> list[Ticket]:
    rng = random.Random(7)  # noqa: S311 (reproducible test data)
    marie = Person(id=fixtures.USER_IDS["marie"], name="Marie Dupont")
    return [
        ticket(n, fixtures.DUPONT, "Menuiserie Dupont", marie, SUPPORT if n % 2 else PUBLIC, rng) for n in range(1, 201)
    ]


REQUESTS: list[tuple[str, str, str, dict[str, str] | None]] = [
    ("structure: tab « Actions requises », by number", "marie", "list_tab", {"side": "EMITTER", "tab": "ACTION"}),
    (
        "structure: tab « Tous sauf fermés », by title",
        "marie",
        "list_tab",
        {"side": "EMITTER", "tab": "ONGOING", "sort": "TITLE", "order": "ASC"},
    ),
    ("structure: tab « Brouillons »", "marie", "list_tab", {"side": "EMITTER", "tab": "DRAFTS"}),
    ("structure: search, words (filter)", "marie", "search_tickets", {"side": "EMITTER", "words": "facture"}),
    ("structure: search, status", "marie", "search_tickets", {"side": "EMITTER", "status": "OPEN"}),
    ("support: tab « Actions requises »", "sophie", "list_tab", {"side": "RECIPIENT", "tab": "ACTION"}),
    (
        "support: tab « Tous sauf fermés », by « Saisie le »",
        "sophie",
        "list_tab",
        {"side": "RECIPIENT", "tab": "ONGOING", "sort": "CREATED"},
    ),
    ("support: search, status", "sophie", "search_tickets", {"side": "RECIPIENT", "status": "OPEN"}),
    (
        "support: search, period",
        "sophie",
        "search_tickets",
        {"side": "RECIPIENT", "created_from": "2026-01-01", "created_to": "2026-01-31"},
    ),
    (
        "support: search, category",
        "sophie",
        "search_tickets",
        {"side": "RECIPIENT", "category": PAIRS[0][0]},
    ),
    (
        "structure: tab « Tous sauf fermés », page 3",
        "marie",
        "list_tab",
        {"side": "EMITTER", "tab": "ONGOING", "page": "3"},
    ),
    (
        "structure: search « Créé par » by name, in a tab",
        "marie",
        "search_tickets",
        {"side": "EMITTER", "tab": "ONGOING", "created_by_name": "marie"},
    ),
    (
        "structure: search, recipient by name",
        "marie",
        "search_tickets",
        {"side": "EMITTER", "recipient_name": "saint leger"},
    ),
    (
        "support: tab « Tous sauf fermés », page 10",
        "sophie",
        "list_tab",
        {"side": "RECIPIENT", "tab": "ONGOING", "page": "10"},
    ),
    (
        "support: search, words in a tab (total capped)",
        "sophie",
        "search_tickets",
        {"side": "RECIPIENT", "tab": "ACTION", "words": "facture"},
    ),
    ("structure: dashboard", "marie", "get_dashboard", None),
    ("support: dashboard", "sophie", "get_dashboard", None),
]


def measure(template: dict[str, Any], others: int) -> tuple[dict[str, int], float]:
    with mock_aws():
        ports, log = fresh_table(template)
        began = time.perf_counter()
        ports.reference.import_tickets(ours())
        for first in range(1_000, 1_000 + others, 5_000):
            ports.reference.import_tickets(theirs(first, min(5_000, 1_000 + others - first)))
        loading = time.perf_counter() - began
        api = Api(template, ports)
        examined = Examined()
        log.client.meta.events.register("after-call.dynamodb.*", examined)
        figures: dict[str, int] = {}
        for label, user, route, query in REQUESTS:
            examined.items = 0
            reply = api.call(route, user, query=query if query else None)
            assert reply.status == 200, (label, reply.status, reply.body)
            figures[label] = examined.items
        api.close()
        return figures, loading


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--others", type=int, nargs="+", default=[1_000, 50_000])
    args = parser.parse_args(argv)
    template = load_template()
    results = [(n, *measure(template, n)) for n in args.others]
    print("## Items read per page (25 rows) with 200 tickets of one structure\n")
    print("| request | " + " | ".join(f"{n:,} others" for n, _, _ in results) + " | ratio |")
    print("|---|" + "---|" * len(results) + "---|")
    for label, *_ in REQUESTS:
        values = [figures[label] for _, figures, _ in results]
        ratio = values[-1] / values[0] if values[0] else float("nan")
        print(f"| {label} | " + " | ".join(str(v) for v in values) + f" | {ratio:.2f} |")
    print("\n(ratio = last / first: 1.00 = the figure does not move with other people's tickets)")
    print("loading: " + ", ".join(f"{n:,} others in {seconds:.0f} s (batch writes)" for n, _, seconds in results))


if __name__ == "__main__":
    main()
