"""Lists as the screens show them (issue 19, point 3), over the real handlers on both adapters: the exact
total of every tab and search, a jump to page k, a search inside a tab, « Créé par » and « Structure
destinataire » by name, « Saisie le » (creation: the period, the date sort) apart from « Ouvert le »
(submission), the status sorted by its French label, and the tabs' « Filtre Structure ».

The tickets are written here through ``TicketStore`` with creation and submission days far apart; every
expectation is computed from them in this file (never through ``chorus_desk.listing``).
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from chorus_desk import listing
from chorus_desk.lifecycle import Status
from chorus_desk.listing import Direction, Filters, ListQuery, RowKind, Sort, Tally
from chorus_desk.models import Ticket
from chorus_desk.ports import Ports
from tests.fixtures import DUPONT, GREL, MARTIN, USER_IDS
from tests.support import Api
from tests.test_lists_contract import (
    DUPONT_KEY,
    GREL_KEY,
    SUPPORT,
    T0,
    TO_SAINT_LEGER,
    every_page,
    first_entry,
    partitions,
    ticket,
)

DAY = timedelta(days=1)
SUBMITTED = (Status.OPEN, Status.IN_PROGRESS, Status.AWAITING_INFO, Status.RESOLVED)
LABEL_ORDER = ("Brouillon", "En attente d'informations", "En cours", "Fermé", "Ouvert", "Résolu")


def plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def submitted_late(t: Ticket, days: int) -> Ticket:
    """The ticket submitted ``days`` after its creation (its creation stays where it was)."""
    if t.status is Status.DRAFT:
        return t
    return t.model_copy(update={"submitted_at": t.created_at + days * DAY})


def world_tickets() -> list[Ticket]:
    """Paul's two structures: 24 tickets of Dupont, 6 of the Grel; created one day apart, submitted 0 to 40
    days later (so creation and submission orders differ); various statuses, creators and recipients."""
    statuses = (*SUBMITTED, Status.CLOSED, Status.DRAFT)
    made: list[Ticket] = []
    for n in range(1, 31):
        emitter = GREL if n % 5 == 0 else DUPONT
        t = ticket(
            n,
            f"Demande {n:02d}",
            status=statuses[n % len(statuses)],
            opened=T0 + n * DAY,
            emitter=emitter,
            service=None if emitter == GREL else "ATELIER",
            recipient=TO_SAINT_LEGER if n % 3 == 0 else SUPPORT,
            creator="paul" if n % 2 else "marie",
            description="Facture de chauffage" if n % 4 == 0 else "Bonjour.",
        )
        made.append(submitted_late(t, (37 * n) % 41))
    return made


class CountingLists:
    """The lists port as given, with the calls to ``count`` (rows counted) recorded."""

    def __init__(self, lists: Any) -> None:
        self.lists, self.counted = lists, 0

    def page(self, query: ListQuery) -> listing.Page:
        page: listing.Page = self.lists.page(query)
        return page

    def count(self, query: ListQuery) -> Tally:
        self.counted += 1
        tally: Tally = self.lists.count(query)
        return tally

    def counts(self, kind: RowKind, owner: str, consistent: bool = False) -> listing.Counts:
        counts: listing.Counts = self.lists.counts(kind, owner, consistent)
        return counts


@dataclasses.dataclass
class Screens:
    api: Api
    tickets: dict[int, Ticket]
    lists: CountingLists

    def get(self, route: str, alias: str, **query: str) -> Any:
        reply = self.api.call(route, alias, query=query)
        assert reply.status == 200, (query, reply.body)
        return reply.body

    def refused(self, route: str, alias: str, **query: str) -> tuple[list[str], list[str]]:
        reply = self.api.call(route, alias, query=query)
        assert reply.status == 400, (query, reply.body)
        errors = reply.body["errors"]
        return [e["field"] for e in errors], [e["message"] for e in errors]

    def emitted(self, *statuses: Status, siret: str | None = None) -> list[Ticket]:
        """Paul's emitted tickets in ``statuses`` (of one structure if named)."""
        return [
            t
            for t in self.tickets.values()
            if t.status in statuses and t.content.emitter_siret in ({siret} if siret else {DUPONT, GREL})
        ]


@pytest.fixture(params=["memory", "dynamo"])
def screens(request: pytest.FixtureRequest, template: dict[str, Any]) -> Iterator[Screens]:
    ports: Ports = request.getfixturevalue(request.param)
    # In one batch (rows and counters as the transactions write them): moto copies its table per transaction.
    stored = [t.model_copy(update={"history": (first_entry(t),)}) for t in world_tickets()]
    ports.reference.import_tickets(stored)
    lists = CountingLists(ports.lists)
    api = Api(template, dataclasses.replace(ports, lists=lists))
    yield Screens(api, {t.number: t for t in stored}, lists)
    api.close()


def numbers(body: dict[str, Any]) -> list[int]:
    return [item["number"] for item in body["items"]]


def by_number_desc(tickets: list[Ticket]) -> list[int]:
    return sorted((t.number for t in tickets), reverse=True)


# ------------------------------------------------------------------------------------------- totals
def test_a_tab_says_its_exact_total_from_the_counters_without_counting_rows(screens: Screens) -> None:
    for tab, statuses in (
        ("ONGOING", SUBMITTED),
        ("ACTION", (Status.AWAITING_INFO, Status.RESOLVED)),
        ("CLOSED", (Status.CLOSED,)),
        ("DRAFTS", (Status.DRAFT,)),
    ):
        body = screens.get("list_tab", "paul", side="EMITTER", tab=tab, size="10")
        expected = screens.emitted(*statuses)
        assert (body["total"], body["total_exact"], body["page"]) == (len(expected), True, 1), tab
        assert numbers(body) == by_number_desc(expected)[:10]
    received = screens.get("list_tab", "claire", side="RECIPIENT", tab="ONGOING")
    to_saint_leger = [t for t in screens.tickets.values() if t.recipient == TO_SAINT_LEGER and t.status in SUBMITTED]
    assert received["total"] == len(to_saint_leger) > 0
    assert screens.lists.counted == 0, "a whole tab is totalled by its counters"


def test_a_search_counts_its_rows_and_a_partition_only_search_reads_the_counters(screens: Screens) -> None:
    heating = [t for t in screens.emitted(*Status) if "chauffage" in (t.content.description or "").lower()]
    body = screens.get("search_tickets", "paul", side="EMITTER", words="chauff", size="10")
    assert (body["total"], body["total_exact"]) == (len(heating), True)
    assert screens.lists.counted == 1
    # The dashboard's links (status, service) are whole partitions: their total is the counters'.
    atelier = [t for t in screens.emitted(Status.OPEN) if t.content.emitter_service == "ATELIER"]
    body = screens.get("search_tickets", "paul", side="EMITTER", status="OPEN", emitter_service="ATELIER")
    assert (body["total"], sorted(numbers(body))) == (len(atelier), sorted(t.number for t in atelier))
    assert screens.lists.counted == 1
    nothing = screens.get("search_tickets", "paul", side="EMITTER", words="introuvable")
    assert (nothing["total"], nothing["total_exact"], nothing["items"]) == (0, True, [])


def test_a_count_past_its_read_budget_says_it_is_not_exact(screens: Screens) -> None:
    """The port's count: exact within the budget, a lower bound (and ``exact`` false) past it."""
    lists = screens.lists.lists
    query = ListQuery(
        partitions=partitions(RowKind.E, DUPONT_KEY, *Status) + partitions(RowKind.E, GREL_KEY, *Status),
        sort=Sort.NUMBER,
        direction=Direction.ASC,
        size=10,
        filters=Filters(words=("bonjour",)),
    )
    greeting = [t for t in screens.tickets.values() if t.content.description == "Bonjour."]
    assert lists.count(query) == Tally(len(greeting), True, 30)
    assert len(every_page(screens.api.ports, query)[0]) == len(greeting)
    short = lists.count(dataclasses.replace(query, budget=7))
    assert not short.exact and short.count <= min(7, len(greeting)) and short.items_read == 7
    ranged = dataclasses.replace(query, sort=Sort.CREATED, low=listing.stamp(T0 + 10 * DAY), high=None)
    assert lists.count(ranged).count == len([t for t in greeting if t.created_at >= T0 + 10 * DAY])
    one = dataclasses.replace(query, number=4, filters=Filters())
    assert lists.count(one) == Tally(1, True, lists.count(one).items_read)
    assert lists.count(dataclasses.replace(one, number=999)).count == 0


# ----------------------------------------------------------------------------------------- pages
def test_page_k_is_the_kth_page_of_the_cursor_walk(screens: Screens) -> None:
    query = {"side": "EMITTER", "tab": "ONGOING", "size": "10", "sort": "TITLE", "order": "ASC"}
    walked: list[list[int]] = []
    cursor = None
    while True:
        body = screens.get("list_tab", "paul", **query, **({"cursor": cursor} if cursor else {}))
        walked.append(numbers(body))
        assert body["page"] == len(walked)
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(walked) >= 2
    for k, rows in enumerate(walked, start=1):
        body = screens.get("list_tab", "paul", **query, page=str(k))
        assert (numbers(body), body["page"], body["total"]) == (rows, k, sum(map(len, walked)))
    second = screens.get("list_tab", "paul", **query, page="2")
    if second["next_cursor"]:
        third = screens.get("list_tab", "paul", **query, cursor=second["next_cursor"])
        assert (numbers(third), third["page"]) == (walked[2], 3)
    beyond = screens.get("list_tab", "paul", **query, page=str(len(walked) + 1))
    assert (beyond["items"], beyond["next_cursor"], beyond["total"]) == ([], None, sum(map(len, walked)))
    search = screens.get("search_tickets", "paul", side="EMITTER", words="demande", size="10", page="2")
    assert numbers(search) == by_number_desc(screens.emitted(*Status))[10:20]


def test_a_page_too_far_or_with_a_cursor_is_a_french_400(screens: Screens) -> None:
    fields, messages = screens.refused("list_tab", "paul", side="EMITTER", tab="ONGOING", size="10", page="102")
    assert fields == ["page"] and "affinez la recherche" in messages[0]
    first = screens.get("list_tab", "paul", side="EMITTER", tab="ONGOING", size="10")
    assert first["next_cursor"]
    fields, messages = screens.refused(
        "list_tab", "paul", side="EMITTER", tab="ONGOING", size="10", page="2", cursor=first["next_cursor"]
    )
    assert fields == ["page"] and "pas les deux" in messages[0]
    for bad in ("0", "-1", "deux"):
        reply = screens.api.call("search_tickets", "paul", query={"side": "EMITTER", "words": "demande", "page": bad})
        assert reply.status == 400 and reply.body["errors"][0]["field"] == "page", reply.body


# --------------------------------------------------------------------------------- search in a tab
def test_a_search_inside_a_tab_keeps_the_tabs_statuses(screens: Screens) -> None:
    action = (Status.AWAITING_INFO, Status.RESOLVED)
    expected = [t for t in screens.emitted(*action) if "chauffage" in (t.content.description or "").lower()]
    outside = [t for t in screens.emitted(*Status) if "chauffage" in (t.content.description or "").lower()]
    assert 0 < len(expected) < len(outside)
    body = screens.get("search_tickets", "paul", side="EMITTER", tab="ACTION", words="chauffage", size="100")
    assert (numbers(body), body["total"]) == (by_number_desc(expected), len(expected))
    fields, messages = screens.refused("search_tickets", "paul", side="EMITTER", tab="ACTION", status="OPEN")
    assert fields == ["status"] and "Actions requises" in messages[0]
    fields, _ = screens.refused("search_tickets", "claire", side="RECIPIENT", tab="DRAFTS", words="demande")
    assert fields == ["tab"]
    fields, _ = screens.refused("search_tickets", "paul", side="EMITTER", tab="ACTION")  # a tab is no criterion
    assert fields == ["criteria"]


# ---------------------------------------------------------------------------------------- by name
def test_created_by_and_recipient_are_found_by_the_start_of_their_names(screens: Screens) -> None:
    by_paul = [t.number for t in screens.emitted(*Status) if t.created_by.id == USER_IDS["paul"]]
    for name in ("girard", "Paul Girard", "GIR pa", "Gîrard"):
        body = screens.get("search_tickets", "paul", side="EMITTER", created_by_name=name, size="100")
        assert sorted(numbers(body)) == sorted(by_paul), name
    assert screens.get("search_tickets", "paul", side="EMITTER", created_by_name="irard")["items"] == []
    to_saint_leger = [t.number for t in screens.emitted(*SUBMITTED, Status.CLOSED) if t.recipient == TO_SAINT_LEGER]
    for name in ("saint-léger", "SAINT LEGER", "commune saint"):
        body = screens.get("search_tickets", "paul", side="EMITTER", recipient_name=name, size="100")
        assert (sorted(numbers(body)), body["total"]) == (sorted(to_saint_leger), len(to_saint_leger)), name
    support = screens.get("search_tickets", "paul", side="EMITTER", recipient_name="support tech", size="100")
    assert {item["recipient"]["name"] for item in support["items"]} == {SUPPORT.name}
    for field in ("created_by_name", "recipient_name"):
        fields, messages = screens.refused("search_tickets", "paul", side="EMITTER", **{field: "« ! »"})
        assert fields == [field] and "nom" in messages[0]
    # Nobody else's tickets: Nora (Boulangerie Martin) finds none of Paul's by his name.
    assert screens.get("search_tickets", "nora", side="EMITTER", created_by_name="girard")["total"] == 0


# ------------------------------------------------------------------------------------------- dates
def test_saisie_le_is_the_creation_and_ouvert_le_the_submission(screens: Screens) -> None:
    body = screens.get("list_tab", "paul", side="EMITTER", tab="ONGOING", size="100", sort="CREATED", order="ASC")
    ongoing = screens.emitted(*SUBMITTED)
    assert numbers(body) == [t.number for t in sorted(ongoing, key=lambda t: t.created_at)]
    by_submission = [t.number for t in sorted(ongoing, key=lambda t: t.submitted_at or t.created_at)]
    assert numbers(body) != by_submission, "the world must tell the two dates apart"
    for item in body["items"]:
        t = screens.tickets[item["number"]]
        assert datetime.fromisoformat(item["created_at"]) == t.created_at
        assert datetime.fromisoformat(item["opened_at"]) == t.submitted_at
    opened = screens.get("list_tab", "paul", side="EMITTER", tab="ONGOING", size="100", sort="OPENED", order="ASC")
    assert numbers(opened) == numbers(body)  # the 2024 guide sorts « Ouvert le » by the creation date
    # The period is the creation's: days 5 to 9 hold tickets 5..9 whatever their submission.
    first, last = (T0 + 5 * DAY).date(), (T0 + 9 * DAY).date()
    for sort in ({}, {"sort": "NUMBER"}, {"sort": "TITLE"}):
        found = screens.get(
            "search_tickets", "paul", side="EMITTER", created_from=str(first), created_to=str(last), size="100", **sort
        )
        assert sorted(numbers(found)) == [5, 6, 7, 8, 9], sort
        assert found["total"] == 5
    category = screens.get(
        "search_tickets",
        "paul",
        side="EMITTER",
        category="FACTURES_EMISES",
        created_from=str(first),
        created_to=str(last),
        sort="CATEGORY",
    )
    assert sorted(numbers(category)) == [5, 6, 7, 8, 9] and category["sort"]["code"] == "CATEGORY"


def test_the_status_column_sorts_by_its_french_label(screens: Screens) -> None:
    body = screens.get(
        "search_tickets", "paul", side="EMITTER", words="demande", sort="STATUS", order="ASC", size="100"
    )
    labels = [item["status"]["label"] for item in body["items"]]
    assert labels == sorted(labels, key=LABEL_ORDER.index)
    assert [plain(label) for label in dict.fromkeys(labels)] == sorted(plain(label) for label in set(labels))
    assert len(set(labels)) == 6


# ----------------------------------------------------------------------------------- structure filter
def test_a_tab_narrowed_to_one_of_my_structures(screens: Screens) -> None:
    body = screens.get("list_tab", "paul", side="EMITTER", tab="ONGOING", structure=GREL, size="100")
    grel = screens.emitted(*SUBMITTED, siret=GREL)
    assert (numbers(body), body["total"]) == (by_number_desc(grel), len(grel))
    drafts = screens.get("list_tab", "paul", side="EMITTER", tab="DRAFTS", structure=DUPONT, size="100")
    assert numbers(drafts) == by_number_desc(screens.emitted(Status.DRAFT, siret=DUPONT))
    mine = screens.get("list_tab", "claire", side="RECIPIENT", tab="ONGOING", structure="21769001500011")
    assert mine["total"] == screens.get("list_tab", "claire", side="RECIPIENT", tab="ONGOING")["total"]
    answers = set()
    for other in (MARTIN, "99999999999999", "SUPPORT"):  # another's, nobody's, a team Paul is not in
        fields, messages = screens.refused("list_tab", "paul", side="EMITTER", tab="ONGOING", structure=other)
        assert fields == ["structure"]
        answers.add(messages[0])
    assert len(answers) == 1, "the same answer for « not yours » and « unknown »"
    reply = screens.api.call("list_tab", "paul", query={"side": "EMITTER", "tab": "ONGOING", "structure": "x y"})
    assert reply.status == 400
    # A cursor of the narrowed tab does not continue the whole one.
    narrowed = screens.get("list_tab", "paul", side="EMITTER", tab="ONGOING", structure=DUPONT, size="10")
    fields, _ = screens.refused("list_tab", "paul", side="EMITTER", tab="ONGOING", cursor=narrowed["next_cursor"])
    assert fields == ["cursor"]
