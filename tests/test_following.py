"""Following tickets as a user meets it, over the HTTP handlers (GET /tickets, GET /tickets/search,
GET /dashboard), on a seeded world of a few thousand tickets (tests/following_data.py), on the in-memory
ports and on DynamoDB (moto, the table of template.yaml).

Every expectation is an ORACLE computed here from the seeded ``Ticket`` objects (kept up to date from the
ticket store after each change the tests make): which tickets a user sees on which tab, in which order, which
ones a search finds, how many a dashboard counts. The oracle has its own French collation and its own
reading of the criteria; it never calls ``chorus_desk.listing``.

The order the lists promise (``listing.Row.sort_value``, read for this): every sort ends with the ticket
number, in the same direction as the sort.

- NUMBER: the number.
- TITLE: the title in French collation (accents, case, ligatures and punctuation ignored: the words of the
  title, compared word after word), then the number.
- CATEGORY / SUB-CATEGORY: the label shown (French collation), then the creation date, then the number.
- STATUS: the French label shown, alphabetically (Brouillon, En attente d'informations, En cours, Fermé,
  Ouvert, Résolu), then the number.
- OPENED (« Ouvert le », which the 2024 guide sorts by creation date) and CREATED (« Saisie le »): the
  creation date, then the number.

DESC reverses the whole order (ties by number included). A ticket without a title, category or sub-category
sorts first in ascending order.
"""

from __future__ import annotations

import base64
import dataclasses
import inspect
import json
import os
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

import boto3
import pytest
from moto import mock_aws

from chorus_desk import catalogue
from chorus_desk.adapters.dynamodb import dynamodb_ports
from chorus_desk.adapters.memory import memory_ports
from chorus_desk.catalogue import JUSTICE_FEE_OFFICE_ID, SUPPORT_TEAM_ID
from chorus_desk.commands import ActOnTicket
from chorus_desk.lifecycle import Action, Status
from chorus_desk.listing import Counts, Direction, Filters, ListQuery, Page, RowKind, Sort, Tally
from chorus_desk.models import Ticket
from chorus_desk.ports import Ports
from chorus_desk.usecases import tickets
from local_stack import aws
from local_stack.template import table_definition
from tests import fixtures, following_data
from tests.fixtures import CH_VIENNE, DUPONT, GREL, MARTIN, SAINT_LEGER, USER_IDS
from tests.following_data import OWN_SIRETS, World
from tests.support import DROP, Api, CallLog

PARIS = ZoneInfo("Europe/Paris")
SIZES = (10, 25, 50, 100)
SORTS = ("NUMBER", "TITLE", "CATEGORY", "SUBCATEGORY", "STATUS", "OPENED", "CREATED")
ORDERS = ("ASC", "DESC")
LIFECYCLE = ("DRAFT", "OPEN", "IN_PROGRESS", "AWAITING_INFO", "RESOLVED", "CLOSED")
SUBMITTED = frozenset({"OPEN", "IN_PROGRESS", "AWAITING_INFO", "RESOLVED"})
TABS: dict[tuple[str, str], frozenset[str]] = {
    ("EMITTER", "ACTION"): frozenset({"AWAITING_INFO", "RESOLVED"}),
    ("EMITTER", "ONGOING"): SUBMITTED,
    ("EMITTER", "CLOSED"): frozenset({"CLOSED"}),
    ("EMITTER", "DRAFTS"): frozenset({"DRAFT"}),
    ("RECIPIENT", "ACTION"): frozenset({"OPEN", "IN_PROGRESS"}),
    ("RECIPIENT", "ONGOING"): SUBMITTED,
    ("RECIPIENT", "CLOSED"): frozenset({"CLOSED"}),
}
INVALID = "La demande contient des champs manquants ou invalides."
CATEGORY_LABELS = {c.code: c.label for c in catalogue.CATALOGUE}
SUBCATEGORY_LABELS = {(c.code, s.code): s.label for c in catalogue.CATALOGUE for s in c.subcategories}


# ---------------------------------------------------------------------------------------- the oracle
_SPELLED = {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o", "Ø": "O"}
_WORD = re.compile(r"[^\W_]+")


def collate(text: str | None) -> tuple[str, ...]:
    """The French collation key of a text: its words, ligatures spelt out, accents and case dropped,
    compatibility forms (« ﬁ ») as their letters; punctuation and spaces only separate words."""
    spelled = "".join(_SPELLED.get(char, char) for char in text or "")
    bare = "".join(c for c in unicodedata.normalize("NFKD", spelled) if unicodedata.category(c) != "Mn")
    return tuple(_WORD.findall(bare.casefold()))


def opened(ticket: Ticket) -> datetime:
    return ticket.submitted_at or ticket.created_at


def created(ticket: Ticket) -> datetime:
    return ticket.created_at


def paris_day(ticket: Ticket) -> date:
    """The French calendar day the ticket was created (« Période de saisie »)."""
    return created(ticket).astimezone(PARIS).date()


STATUS_ORDER = tuple(sorted(LIFECYCLE, key=lambda s: collate(Status(s).label)))


def category_label(ticket: Ticket) -> str | None:
    code = ticket.content.category
    return CATEGORY_LABELS.get(code, code) if code else None


def subcategory_label(ticket: Ticket) -> str | None:
    pair = (ticket.content.category or "", ticket.content.subcategory or "")
    return SUBCATEGORY_LABELS.get(pair, pair[1]) if ticket.content.subcategory else None


def sort_key(ticket: Ticket, sort: str) -> tuple[Any, ...]:
    n = ticket.number
    keys: dict[str, Callable[[], tuple[Any, ...]]] = {
        "NUMBER": lambda: (n,),
        "TITLE": lambda: (collate(ticket.content.title), n),
        "CATEGORY": lambda: (collate(category_label(ticket)), created(ticket), n),
        "SUBCATEGORY": lambda: (collate(subcategory_label(ticket)), created(ticket), n),
        "STATUS": lambda: (STATUS_ORDER.index(ticket.status.value), n),
        "OPENED": lambda: (created(ticket), n),
        "CREATED": lambda: (created(ticket), n),
    }
    return keys[sort]()


def ordered(tickets: Iterable[Ticket], sort: str, order: str) -> list[int]:
    return [t.number for t in sorted(tickets, key=lambda t: sort_key(t, sort), reverse=order == "DESC")]


@dataclass(frozen=True)
class Viewer:
    """A user as the oracle knows them: their structures and every organisation they belong to."""

    alias: str
    id: str
    structures: frozenset[str]  # SIRETs
    orgs: frozenset[str]  # organisation keys (STRUCTURE#<siret>, TEAM#<id>)


def emitted_for(viewer: Viewer, ticket: Ticket) -> bool:
    """On the viewer's emitter side: their structures' tickets, and their own drafts without a structure."""
    if ticket.anonymous:
        return False
    if ticket.content.emitter_siret:
        return ticket.content.emitter_siret in viewer.structures
    return ticket.created_by.id == viewer.id


def received_by(viewer: Viewer, ticket: Ticket) -> bool:
    return (
        ticket.status is not Status.DRAFT and ticket.recipient is not None and ticket.recipient.org.key in viewer.orgs
    )


def on_side(viewer: Viewer, ticket: Ticket, side: str, assigned_to_me: bool = False) -> bool:
    if side == "EMITTER":
        return emitted_for(viewer, ticket)
    mine = not assigned_to_me or (ticket.assignee is not None and ticket.assignee.id == viewer.id)
    return received_by(viewer, ticket) and mine


def words_match(query: str, ticket: Ticket) -> bool:
    """Each word asked starts a word of the title or of the description (accents, case ignored)."""
    present = collate(ticket.content.title) + collate(ticket.content.description)
    return all(any(word.startswith(asked) for word in present) for asked in collate(query))


def recipient_id(ticket: Ticket) -> str | None:
    return ticket.recipient.org.id if ticket.recipient else None


def matches(viewer: Viewer, ticket: Ticket, side: str, criteria: dict[str, str]) -> bool:
    """The oracle's reading of the search criteria (one side; every criterion must hold)."""
    content = ticket.content
    checks: dict[str, Callable[[str], bool]] = {
        "number": lambda v: ticket.number == int(v),
        "words": lambda v: words_match(v, ticket),
        "category": lambda v: content.category == v,
        "subcategory": lambda v: content.subcategory == v,
        "object_number": lambda v: (content.object_number or "").upper() == v.strip().upper(),
        "created_from": lambda v: paris_day(ticket) >= date.fromisoformat(v),
        "created_to": lambda v: paris_day(ticket) <= date.fromisoformat(v),
        "emitter": lambda v: content.emitter_siret == v,
        "recipient": lambda v: recipient_id(ticket) == v,
        "recipient_service": lambda v: (
            (ticket.recipient.service.code if ticket.recipient and ticket.recipient.service else "-") == v
        ),
        "emitter_service": lambda v: (content.emitter_service or "-") == v,
        "created_by": lambda v: ticket.created_by.id == v,
        "status": lambda v: ticket.status.value == v,
        "assigned_to_me": lambda v: v != "true" or (ticket.assignee is not None and ticket.assignee.id == viewer.id),
    }
    if not on_side(viewer, ticket, side):
        return False
    if side == "RECIPIENT" and ticket.status is Status.DRAFT:
        return False
    return all(checks[name](value) for name, value in criteria.items())


def default_sort(criteria: dict[str, str]) -> str:
    if "created_from" in criteria or "created_to" in criteria:
        return "CREATED"
    if "subcategory" in criteria:
        return "SUBCATEGORY"
    if "category" in criteria:
        return "CATEGORY"
    return "NUMBER"


# --------------------------------------------------------------------------------------- the world
@dataclass
class Seeded:
    """One implementation of the ports holding the seeded world, and the oracle's copy of its tickets."""

    kind: str
    ports: Ports
    world: World
    tickets: dict[int, Ticket]
    client: Any = None  # moto's DynamoDB client (the DynamoDB run only)
    log: CallLog | None = None

    def refresh(self, *numbers: int) -> None:
        """Take the tickets as the store now holds them (after changes made through the API)."""
        for number in numbers:
            ticket = self.ports.tickets.load_ticket(number)
            if ticket is None:
                self.tickets.pop(number, None)
            else:
                self.tickets[number] = ticket

    def viewer(self, alias: str) -> Viewer:
        user_id = USER_IDS[alias]
        _, memberships = self.ports.directory.load_user(user_id)
        return Viewer(
            alias=alias,
            id=user_id,
            structures=frozenset(m.org.id for m in memberships if m.org.kind.value == "STRUCTURE"),
            orgs=frozenset(m.org.key for m in memberships),
        )

    def expected_tab(self, viewer: Viewer, side: str, tab: str, assigned: bool, sort: str, order: str) -> list[int]:
        statuses = TABS[(side, tab)]
        chosen = (t for t in self.tickets.values() if t.status.value in statuses and on_side(viewer, t, side, assigned))
        return ordered(chosen, sort, order)

    def expected_search(
        self, viewer: Viewer, side: str, criteria: dict[str, str], sort: str | None = None, order: str = "DESC"
    ) -> list[int]:
        found = (t for t in self.tickets.values() if matches(viewer, t, side, criteria))
        return ordered(found, sort or default_sort(criteria), order)


def _answered_as_json(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """moto's Query, its answer written as the JSON it already is (moto 5.2 walks the botocore model to
    serialize each attribute of each item: most of a page's time); anything JSON cannot write (binary
    values) goes the usual way."""

    def query(handler: Any) -> Any:
        result = original(handler)
        try:
            return json.dumps(result.result)
        except TypeError:
            return result

    return query


class _Narrowed:
    """A moto table as its Query sees it, holding only the items of the queried partition (of the table or
    of an index): moto then checks and sorts those, as it would have among all."""

    def __init__(self, table: Any, items: list[Any]) -> None:
        self._table, self._items = table, items

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)

    def all_items(self) -> list[Any]:
        return self._items


class _IndexPartitions:
    """The items of each index partition, gathered in one pass over the table when first asked and
    forgotten by every write (writes and gatherings exclude each other)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._gathered: dict[tuple[int, str], dict[tuple[str, Any], list[Any]]] = {}

    def items(self, table: Any, name: str, value: Any) -> list[Any]:
        with self.lock:
            partitions = self._gathered.get((id(table), name))
            if partitions is None:
                partitions = {}
                for bucket in table.items.values():
                    for item in bucket.values():
                        found = item.attrs.get(name)
                        if found is not None and isinstance(found.value, str):
                            partitions.setdefault((found.type, found.value), []).append(item)
                self._gathered[(id(table), name)] = partitions
            return list(partitions.get((value.type, value.value), []))

    def forgetting(self, write: Callable[..., Any]) -> Callable[..., Any]:
        def forgets(backend: Any, *args: Any, **kwargs: Any) -> Any:
            with self.lock:
                self._gathered.clear()
                try:
                    return write(backend, *args, **kwargs)
                finally:
                    self._gathered.clear()

        return forgets


def _one_partition(original: Callable[..., Any], partitions: _IndexPartitions) -> Callable[..., Any]:
    """moto reads every item of the table for each Query (and sorts them all); this hands it the queried
    partition's items only (on an index, from ``partitions``)."""
    signature = inspect.signature(original)

    def query(table: Any, *args: Any, **kwargs: Any) -> Any:
        arguments = signature.bind(table, *args, **kwargs).arguments
        conditions = arguments.get("hash_key_conditions") or []
        if len(conditions) != 1:
            return original(table, *args, **kwargs)
        name, value = conditions[0]
        if arguments.get("index_name"):
            items = partitions.items(table, name, value)
        else:
            items = list(table.items.get(value, {}).values())
        return original(_Narrowed(table, items), *args, **kwargs)

    return query


WRITES = ("transact_write_items", "put_item", "update_item", "delete_item", "batch_write_item")


@contextmanager
def quicker_moto() -> Iterator[None]:
    """For this module only (moto is as it was afterwards): moto's Query reads the queried partition only
    (an index's partitions gathered once between writes) and answers in plain JSON; a failed transaction
    puts back the items it wrote instead of a copy of the whole table, and writes are serialized, as
    DynamoDB's are (the local stack's patch). Same answers, a fraction of the time."""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table
    from moto.dynamodb.responses import DynamoHandler

    partitions = _IndexPartitions()
    with pytest.MonkeyPatch.context() as patch:
        for name in WRITES:
            patch.setattr(DynamoDBBackend, name, DynamoDBBackend.__dict__[name])
        patch.setattr(Table, "query", _one_partition(Table.__dict__["query"], partitions))
        patch.setattr(DynamoHandler, "query", _answered_as_json(DynamoHandler.__dict__["query"]))
        aws.roll_back_transactions_item_by_item()
        for name in WRITES:
            patch.setattr(DynamoDBBackend, name, partitions.forgetting(getattr(DynamoDBBackend, name)))
        yield


@pytest.fixture(scope="module", params=["memory", "dynamo"])
def seeded(request: pytest.FixtureRequest, template: dict[str, Any]) -> Iterator[Seeded]:
    """The seeded world, once per module and implementation: 3,000 tickets in memory, 500 in moto (whose
    Query costs about half a millisecond per item it returns, however the table is patched)."""
    if request.param == "memory":
        world = following_data.build(following_data.MEMORY_TICKETS)
        ports = memory_ports()
        following_data.load(ports, world)
        yield Seeded("memory", ports, world, {t.number: t for t in world.tickets})
        return
    world = following_data.build(following_data.DYNAMO_TICKETS)
    with quicker_moto(), mock_aws():
        client = boto3.client("dynamodb")
        client.create_table(**table_definition(template, "DeskTable", os.environ["TABLE_NAME"]))
        log = CallLog(client=client)
        client.meta.events.register("before-call.dynamodb.*", log.record)
        ports = dynamodb_ports(os.environ["TABLE_NAME"], client)
        following_data.load(ports, world)
        yield Seeded("dynamo", ports, world, {t.number: t for t in world.tickets}, client, log)
    assert "Scan" not in log.operations, "a request path used a DynamoDB Scan"


@pytest.fixture
def world_api(seeded: Seeded, template: dict[str, Any]) -> Iterator[Api]:
    """The real handlers on the seeded ports (a fresh Api per test: it points the handlers at them)."""
    api = Api(template, seeded.ports)
    yield api
    api.close()


# ----------------------------------------------------------------------------------------- walking
@dataclass
class Walk:
    items: list[dict[str, Any]]
    pages: int
    partial_pages: int
    first: dict[str, Any]  # the first page's answer

    @property
    def numbers(self) -> list[int]:
        return [item["number"] for item in self.items]


def walk(
    api: Api,
    alias: str,
    route: str,
    query: dict[str, str],
    size: int,
    between: Callable[[int], None] | None = None,
) -> Walk:
    """Every page of a tab or a search, following next_cursor to the end; ``between(page)`` runs after
    each page but the last (changes made while the user pages)."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    partial = 0
    first: dict[str, Any] = {}
    for page in range(1, 5000):
        asked = {**query, "size": str(size), **({"cursor": cursor} if cursor else {})}
        reply = api.call(route, alias, query=asked)
        assert reply.status == 200, (asked, reply.body)
        body = reply.body
        assert body["size"] == size and len(body["items"]) <= size, body
        assert body["page"] == page, "each page says its number, the cursor carries it"
        cursor = body["next_cursor"]
        if body["partial"]:
            assert cursor is not None and len(body["items"]) < size
            partial += 1
        elif cursor is not None:
            assert len(body["items"]) == size, "a page that is neither full nor partial nor the last"
        elif page > 1:
            assert body["items"] or partial, "an empty last page after a full one"
        items.extend(body["items"])
        first = first or body
        if cursor is None:
            return Walk(items, page, partial, first)
        if between is not None:
            between(page)
    raise AssertionError("the cursor never ended")


def check_rows(seeded: Seeded, items: list[dict[str, Any]]) -> None:
    """Each row shows the ticket as it is: status, title, category."""
    for item in items:
        ticket = seeded.tickets[item["number"]]
        assert item["status"]["code"] == ticket.status.value, item
        assert item["title"] == ticket.content.title
        assert (item["category"] or {}).get("code") == ticket.content.category


# ------------------------------------------------------------------------------------------ oracle
def test_the_oracle_orders_french_words() -> None:
    """The oracle's own collation: « Électricité » between « Eau » and « Fournitures », ligatures spelt."""
    titles = ["Fournitures", "Électricité", "Eau", "eau x", "œuvre", "Oeuvre", "Île", "ilot", "« Eau » potable"]
    ranked = sorted(titles, key=collate)
    assert ranked.index("Eau") < ranked.index("Électricité") < ranked.index("Fournitures")
    assert collate("Œuvre d'art") == ("oeuvre", "d", "art") and collate("Île-de-France") == ("ile", "de", "france")
    assert collate("Ofﬁce") == ("office",) and collate("Straße") == ("strasse",)
    assert ranked[:3] == ["Eau", "« Eau » potable", "eau x"]


def test_the_world_has_what_the_issue_asks(seeded: Seeded) -> None:
    """A few thousand tickets (fewer on moto), twenty structures, every status, anonymous tickets, drafts
    with and without a structure, instants at the edges of Paris days, the technical support receiving most."""
    tickets = list(seeded.tickets.values())
    assert len(tickets) >= (following_data.DYNAMO_TICKETS if seeded.kind == "dynamo" else 2500)
    assert len(seeded.world.structures) == 20
    statuses = Counter(t.status.value for t in tickets)
    assert set(statuses) == set(LIFECYCLE)
    assert any(t.anonymous for t in tickets)
    drafts = [t for t in tickets if t.status is Status.DRAFT]
    assert any(t.content.emitter_siret for t in drafts) and any(not t.content.emitter_siret for t in drafts)
    receivers = Counter(t.recipient.org.id for t in tickets if t.recipient)
    assert receivers.most_common(1)[0][0] == SUPPORT_TEAM_ID
    assert {paris_day(t) for t in tickets} >= {date(2025, 10, 26), date(2026, 3, 29)}
    local = [created(t).astimezone(PARIS).time() for t in tickets]
    assert any(t.hour == 23 and t.minute == 59 for t in local) and any(t.hour == 0 for t in local)
    titles = {collate(t.content.title) for t in tickets}
    assert {("eau",), ("electricite",), ("fournitures",)} <= titles
    gone = {("E", t.emitter.service.code) for t in tickets if t.emitter and t.emitter.service}
    gone |= {("R", t.recipient.service.code) for t in tickets if t.recipient and t.recipient.service}
    assert {("E", "ARCHIVES"), ("R", "ANCIEN")} <= gone, "services their structures no longer have"


# -------------------------------------------------------------------------------------------- tabs
# (user, side, tab, assigned to me): the emitter side of a user of three structures (and Marie's drafts),
# the recipient side of a user of three public structures, of an agent of the justice-fee office, of the
# technical support (its closed tickets, and what is assigned to one of its agents).
TAB_WALKS = [
    *(("paul", "EMITTER", tab, False) for tab in ("ACTION", "ONGOING", "CLOSED", "DRAFTS")),
    ("marie", "EMITTER", "DRAFTS", False),
    *(("victor", "RECIPIENT", tab, mine) for tab in ("ACTION", "ONGOING", "CLOSED") for mine in (False, True)),
    *(("emma", "RECIPIENT", tab, mine) for tab in ("ACTION", "ONGOING", "CLOSED") for mine in (False, True)),
    ("sophie", "RECIPIENT", "CLOSED", False),  # the support's tabs are the longest: one of them, whole
    *(("lucas", "RECIPIENT", tab, True) for tab in ("ACTION", "ONGOING", "CLOSED")),
]


MAX_PAGES = 5  # a walk takes a larger page size rather than more pages than this (the suite stays fast)


def page_size(preferred: int, rows: int) -> int:
    """The preferred page size, or the next larger one while the walk would take more than MAX_PAGES
    pages: small sizes are walked on the smaller tabs, every tab is walked to its end."""
    for size in SIZES[SIZES.index(preferred) :]:
        if rows <= size * MAX_PAGES:
            return size
    return SIZES[-1]


@pytest.mark.parametrize(
    ("alias", "side", "tab", "mine"), TAB_WALKS, ids=[f"{a}-{s}-{t}{'-mine' if m else ''}" for a, s, t, m in TAB_WALKS]
)
def test_every_tab_every_sort_both_orders_pages_exactly_the_oracle(
    seeded: Seeded, world_api: Api, alias: str, side: str, tab: str, mine: bool
) -> None:
    viewer = seeded.viewer(alias)
    for s, sort in enumerate(SORTS):
        for o, order in enumerate(ORDERS):
            expected = seeded.expected_tab(viewer, side, tab, mine, sort, order)
            size = tab_walk_size(alias, side, tab, mine, s, o, len(expected))
            query = {"side": side, "tab": tab, "sort": sort, "order": order}
            if mine:
                query["assigned_to_me"] = "true"
            result = walk(world_api, alias, "list_tab", query, size)
            assert result.numbers == expected, (sort, order, size)
            assert (result.first["total"], result.first["total_exact"]) == (len(expected), True)
            assert len(set(result.numbers)) == len(result.numbers)
            check_rows(seeded, result.items)


def tab_walk_size(alias: str, side: str, tab: str, mine: bool, sort: int, order: int, rows: int) -> int:
    """The page size of one walk: 10, 25, 50 and 100 by turns, larger when the tab is long."""
    shift = TAB_WALKS.index((alias, side, tab, mine))
    return page_size(SIZES[(2 * sort + order + shift) % len(SIZES)], rows)


def test_the_tab_walks_use_every_page_size(seeded: Seeded) -> None:
    used = {
        tab_walk_size(
            alias, side, tab, mine, s, o, len(seeded.expected_tab(seeded.viewer(alias), side, tab, mine, sort, "ASC"))
        )
        for alias, side, tab, mine in TAB_WALKS
        for s, sort in enumerate(SORTS)
        for o in range(len(ORDERS))
    }
    assert used == set(SIZES)


def test_titles_sort_in_french_order(seeded: Seeded, world_api: Api) -> None:
    """« Eau » < « Électricité » < « Fournitures » in the support's tab, whatever the accents and case."""
    body = walk(
        world_api, "lucas", "list_tab", {"side": "RECIPIENT", "tab": "CLOSED", "sort": "TITLE", "order": "ASC"}, 100
    )
    firsts = [collate(item["title"])[:1] for item in body.items]
    heads = [("eau",), ("electricite",), ("fournitures",)]
    positions = [[i for i, first in enumerate(firsts) if first == head] for head in heads]
    assert all(positions), "the world holds titles starting with each of the three words"
    assert max(positions[0]) < min(positions[1]) and max(positions[1]) < min(positions[2])
    spelt = {item["title"] for i, item in enumerate(body.items) if i in positions[1]}
    assert {"ÉLECTRICITÉ", "electricite"} & {t.split(" ")[0] for t in spelt}


def expected_row(ticket: Ticket) -> dict[str, Any]:
    """Every column of a list row, as the oracle reads it off the ticket."""
    content, emitter, recipient = ticket.content, ticket.emitter, ticket.recipient
    cat, sub = category_label(ticket), subcategory_label(ticket)
    return {
        "number": ticket.number,
        "title": content.title,
        "category": {"code": content.category, "label": cat} if content.category else None,
        "subcategory": {"code": content.subcategory, "label": sub} if content.subcategory else None,
        "status": ticket.status.value,
        "created_at": created(ticket),
        "opened_at": opened(ticket),
        "updated_at": ticket.updated_at,
        "emitter": (
            {
                "siret": content.emitter_siret,
                "name": emitter.designation if emitter else None,
                "service": emitter.service.model_dump() if emitter and emitter.service else None,
            }
            if content.emitter_siret
            else None
        ),
        "recipient": (
            {
                "kind": recipient.org.kind.value,
                "id": recipient.org.id,
                "name": recipient.name,
                "service": recipient.service.model_dump() if recipient.service else None,
            }
            if recipient and ticket.status is not Status.DRAFT
            else None
        ),
        "assignee": ticket.assignee.model_dump() if ticket.assignee else None,
        "created_by": ticket.created_by.model_dump(),
        "object_number": content.object_number,
        "object_type": content.object_type.value if content.object_type else None,
        "anonymous": ticket.anonymous,
    }


def shown_row(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "number": item["number"],
        "title": item["title"],
        "category": item["category"],
        "subcategory": item["subcategory"],
        "status": item["status"]["code"],
        "created_at": datetime.fromisoformat(item["created_at"]),
        "opened_at": datetime.fromisoformat(item["opened_at"]),
        "updated_at": datetime.fromisoformat(item["updated_at"]),
        "emitter": item["emitter"],
        "recipient": item["recipient"],
        "assignee": item["assignee"],
        "created_by": item["created_by"],
        "object_number": (item["object"] or {}).get("number"),
        "object_type": ((item["object"] or {}).get("type") or {}).get("code"),
        "anonymous": item["anonymous"],
    }


@pytest.mark.parametrize(
    ("alias", "query"),
    [
        ("victor", {"side": "RECIPIENT", "tab": "ONGOING"}),
        ("paul", {"side": "EMITTER", "tab": "DRAFTS"}),
        ("lucas", {"side": "RECIPIENT", "tab": "ACTION", "assigned_to_me": "true"}),
        ("sophie", {"side": "RECIPIENT", "tab": "CLOSED"}),
        ("hugo", {"side": "RECIPIENT", "tab": "ONGOING"}),
        ("nora", {"side": "EMITTER", "tab": "ONGOING"}),
    ],
)
def test_rows_show_every_column_of_the_ticket(
    seeded: Seeded, world_api: Api, alias: str, query: dict[str, str]
) -> None:
    """Titles, labels, dates, emitter and recipient with their services (a service a structure no longer
    has, by its code), assignee, creator, object, anonymous tickets: each row as its ticket is."""
    items = walk(world_api, alias, "list_tab", query, 100).items
    assert items
    for item in items:
        assert shown_row(item) == expected_row(seeded.tickets[item["number"]])


# ------------------------------------------------------------------------------------------ search
def search(
    seeded: Seeded,
    api: Api,
    alias: str,
    side: str,
    criteria: dict[str, str],
    sort: str | None = None,
    order: str | None = None,
    size: int = 100,
) -> Walk:
    """A search walked to its end, checked against the oracle: same tickets, same order, the sort and
    direction the answer names (the criterion's default sort, descending, unless asked)."""
    query = {"side": side, **criteria}
    if sort:
        query["sort"] = sort
    if order:
        query["order"] = order
    result = walk(api, alias, "search_tickets", query, size)
    expected = seeded.expected_search(seeded.viewer(alias), side, criteria, sort, order or "DESC")
    assert result.numbers == expected, (alias, side, criteria, sort, order)
    total, exact = result.first["total"], result.first["total_exact"]
    assert total == len(expected) if exact else total <= len(expected), (criteria, total, exact)
    assert result.first["sort"]["code"] == (sort or default_sort(criteria))
    assert result.first["order"] == (order or "DESC")
    check_rows(seeded, result.items)
    return result


def some(tickets: Iterable[Ticket], pick: Callable[[Ticket], str | None]) -> str:
    """The commonest value of ``pick`` among ``tickets`` (ties: the smallest), for criteria that find some."""
    counted = Counter(v for v in map(pick, tickets) if v)
    return min(counted, key=lambda v: (-counted[v], v))


def test_each_criterion_alone_finds_what_the_oracle_finds(seeded: Seeded, world_api: Api) -> None:
    marie, victor = seeded.viewer("marie"), seeded.viewer("victor")
    emitted = [t for t in seeded.tickets.values() if emitted_for(marie, t)]
    received = [t for t in seeded.tickets.values() if received_by(victor, t)]
    hopital, lycee = OWN_SIRETS["hopital"], OWN_SIRETS["lycee"]
    cases: list[tuple[str, str, dict[str, str]]] = [
        ("marie", "EMITTER", {"number": str(emitted[len(emitted) // 2].number)}),
        ("marie", "EMITTER", {"number": str(next(t for t in received if not emitted_for(marie, t)).number)}),
        ("marie", "EMITTER", {"words": "électricité"}),
        ("marie", "EMITTER", {"words": "ELECTRICITE"}),
        ("marie", "EMITTER", {"words": "Électr"}),  # the start of a word
        ("marie", "EMITTER", {"words": "oeuvre"}),
        ("marie", "EMITTER", {"words": "L'ŒUVRE"}),
        ("marie", "EMITTER", {"words": "ile"}),
        ("marie", "EMITTER", {"words": "Île"}),
        ("marie", "EMITTER", {"words": "office"}),  # « Ofﬁce », with its ligature
        ("marie", "EMITTER", {"words": "strasse"}),
        ("paul", "EMITTER", {"words": "eau fournitures"}),  # every word, in any of his three structures
        ("marie", "EMITTER", {"category": "FACTURES_EMISES"}),
        ("marie", "EMITTER", {"category": "GESTION_STRUCTURES_UTILISATEURS"}),
        ("marie", "EMITTER", {"subcategory": "MANDAT_DE_FACTURATION"}),
        ("marie", "EMITTER", {"subcategory": "QUESTION_ENTITE_PUBLIQUE"}),
        ("marie", "EMITTER", {"object_number": some(emitted, lambda t: t.content.object_number)}),
        ("marie", "EMITTER", {"object_number": some(emitted, lambda t: t.content.object_number).lower()}),
        ("marie", "EMITTER", {"created_from": "2026-03-29"}),
        ("marie", "EMITTER", {"created_to": "2025-10-26"}),
        ("paul", "EMITTER", {"emitter": GREL}),  # one of his structures: its tickets only, no bare drafts
        ("marie", "EMITTER", {"recipient": SUPPORT_TEAM_ID}),
        ("marie", "EMITTER", {"recipient": SAINT_LEGER}),
        ("marie", "EMITTER", {"recipient": JUSTICE_FEE_OFFICE_ID}),
        ("marie", "EMITTER", {"recipient_service": "-"}),
        ("marie", "EMITTER", {"recipient_service": "FINANCES"}),
        ("marie", "EMITTER", {"emitter_service": "COMPTA"}),
        ("marie", "EMITTER", {"emitter_service": "-"}),
        ("paul", "EMITTER", {"created_by": USER_IDS["marie"]}),
        *(("marie", "EMITTER", {"status": status}) for status in LIFECYCLE),
        ("victor", "RECIPIENT", {"number": str(received[-1].number)}),
        ("victor", "RECIPIENT", {"words": "hôpital"}),
        ("victor", "RECIPIENT", {"category": "FACTURES_EMISES"}),
        ("victor", "RECIPIENT", {"subcategory": "REJET_FACTURE"}),
        ("victor", "RECIPIENT", {"object_number": some(received, lambda t: t.content.object_number)}),
        ("victor", "RECIPIENT", {"created_from": "2026-06-01"}),
        ("victor", "RECIPIENT", {"emitter": DUPONT}),
        ("victor", "RECIPIENT", {"recipient": hopital}),
        ("victor", "RECIPIENT", {"recipient": CH_VIENNE}),
        ("victor", "RECIPIENT", {"recipient": lycee}),
        ("victor", "RECIPIENT", {"recipient_service": "PHARMACIE"}),
        ("victor", "RECIPIENT", {"recipient_service": "-"}),
        ("victor", "RECIPIENT", {"emitter_service": "ATELIER"}),
        ("victor", "RECIPIENT", {"created_by": some(received, lambda t: t.created_by.id)}),
        *(("victor", "RECIPIENT", {"status": status}) for status in LIFECYCLE[1:]),
        ("victor", "RECIPIENT", {"assigned_to_me": "true"}),
        ("emma", "RECIPIENT", {"words": "eau"}),
        ("lucas", "RECIPIENT", {"words": following_data.RARE_WORD}),
        ("lucas", "RECIPIENT", {"category": "MEMOIRES_FRAIS_JUSTICE"}),  # none reach the support
    ]
    found = 0
    for alias, side, criteria in cases:
        found += bool(search(seeded, world_api, alias, side, criteria).items)
    assert found >= len(cases) - 6, "most criteria find something in this world"


def test_periods_are_paris_days(seeded: Seeded, world_api: Api) -> None:
    """created_from / created_to are French calendar days: a ticket created at 23:59:59.999999 or at midnight
    in Paris belongs to that Paris day (not the UTC one), the days the clocks change included."""
    lucas = seeded.viewer("lucas")
    edges = sorted(
        {
            paris_day(t)
            for t in seeded.tickets.values()
            if received_by(lucas, t) and created(t).astimezone(PARIS).hour in (0, 23)
        }
    )
    days = [*edges[:3], *edges[-2:], date(2025, 10, 26), date(2026, 3, 29)]
    for day in days:
        result = search(seeded, world_api, "lucas", "RECIPIENT", {"created_from": str(day), "created_to": str(day)})
        assert all(paris_day(seeded.tickets[n]) == day for n in result.numbers)
    # just after midnight in Paris is still the day before in UTC: the Paris day finds it, the UTC one not
    early = next(
        t
        for t in sorted(seeded.tickets.values(), key=lambda t: t.number)
        if received_by(lucas, t) and created(t).astimezone(UTC).date() != paris_day(t)
    )
    for day, found in ((paris_day(early), True), (created(early).astimezone(UTC).date(), False)):
        criteria = {"created_from": str(day), "created_to": str(day)}
        assert (early.number in search(seeded, world_api, "lucas", "RECIPIENT", criteria).numbers) is found
    search(seeded, world_api, "lucas", "RECIPIENT", {"created_from": "2026-01-01", "created_to": "2026-01-31"}, size=25)


def other_category(ticket: Ticket) -> str:
    return next(code for code in CATEGORY_LABELS if code != ticket.content.category)


def test_criteria_combined(seeded: Seeded, world_api: Api) -> None:
    paul = seeded.viewer("paul")
    emitted = [t for t in seeded.tickets.values() if emitted_for(paul, t)]
    submitted = [t for t in emitted if t.status is not Status.DRAFT]
    object_number = some(emitted, lambda t: t.content.object_number)
    early = min(emitted, key=created)
    hopital = OWN_SIRETS["hopital"]
    cases: list[tuple[str, str, dict[str, str]]] = [
        ("paul", "EMITTER", {"words": "eau", "status": "CLOSED"}),
        ("paul", "EMITTER", {"category": "FACTURES_EMISES", "created_from": "2025-12-01", "created_to": "2026-02-28"}),
        ("paul", "EMITTER", {"subcategory": "MANDAT_DE_FACTURATION", "status": "OPEN", "created_from": "2025-11-15"}),
        ("paul", "EMITTER", {"emitter": DUPONT, "emitter_service": "ATELIER", "recipient": SUPPORT_TEAM_ID}),
        ("paul", "EMITTER", {"emitter": DUPONT, "status": "DRAFT"}),  # the structure's drafts only
        ("paul", "EMITTER", {"emitter": GREL, "emitter_service": "-", "words": "facture"}),
        ("paul", "EMITTER", {"object_number": object_number, "status": "CLOSED"}),
        ("paul", "EMITTER", {"created_by": USER_IDS["paul"], "category": "FACTURES_EMISES"}),
        ("paul", "EMITTER", {"recipient_service": "-", "recipient": SUPPORT_TEAM_ID, "words": "Île"}),
        # a number with criteria that hold, and with criteria that do not
        ("paul", "EMITTER", {"number": str(early.number), "created_to": str(paris_day(early))}),
        ("paul", "EMITTER", {"number": str(early.number), "created_from": str(paris_day(early) + timedelta(days=1))}),
        ("paul", "EMITTER", {"number": str(submitted[0].number), "status": "DRAFT"}),
        ("paul", "EMITTER", {"number": str(submitted[0].number), "category": other_category(submitted[0])}),
        ("paul", "EMITTER", {"number": str(submitted[1].number), "category": submitted[1].content.category or "?"}),
        ("victor", "RECIPIENT", {"recipient": hopital, "recipient_service": "ACHATS", "status": "OPEN"}),
        ("victor", "RECIPIENT", {"recipient": hopital, "assigned_to_me": "true", "status": "IN_PROGRESS"}),
        ("victor", "RECIPIENT", {"emitter": DUPONT, "words": "facture", "created_from": "2025-10-01"}),
        ("victor", "RECIPIENT", {"category": "FACTURES_EMISES", "subcategory": "SUSPENSION", "status": "CLOSED"}),
        ("lucas", "RECIPIENT", {"status": "OPEN", "created_from": "2026-02-01", "created_to": "2026-03-31"}),
        ("lucas", "RECIPIENT", {"category": "FACTURES_RECUES", "status": "IN_PROGRESS"}),
        ("lucas", "RECIPIENT", {"words": "eau", "assigned_to_me": "true", "emitter": MARTIN}),
    ]
    for alias, side, criteria in cases:
        search(seeded, world_api, alias, side, criteria)


SEARCH_SORTS = [
    ("victor", "RECIPIENT", {"words": "facture"}),  # a filter
    ("marie", "EMITTER", {"category": "FACTURES_EMISES", "created_from": "2025-11-01"}),  # the category index's
    ("marie", "EMITTER", {"subcategory": "MANDAT_DE_FACTURATION"}),  # the sub-category index's key range
    ("lucas", "RECIPIENT", {"created_from": "2026-01-01", "created_to": "2026-02-15"}),  # the opening index's
]


@pytest.mark.parametrize(("alias", "side", "criteria"), SEARCH_SORTS, ids=[str(c) for _, _, c in SEARCH_SORTS])
def test_searches_sort_and_page_like_the_tabs(
    seeded: Seeded, world_api: Api, alias: str, side: str, criteria: dict[str, str]
) -> None:
    """Every sort (one direction or the other, by turns), small pages: a search's key range and filters page
    without gaps or duplicates, in the order asked."""
    shift = SEARCH_SORTS.index((alias, side, criteria))
    rows = len(seeded.expected_search(seeded.viewer(alias), side, criteria))
    assert rows > 10
    for s, sort in enumerate(SORTS):
        order = ORDERS[(s + shift) % 2]
        search(seeded, world_api, alias, side, criteria, sort, order, page_size(SIZES[(s + shift) % 3], rows))


def error_of(reply: Any) -> tuple[int, str, list[str], list[str]]:
    body = reply.body or {}
    errors = body.get("errors") or []
    return reply.status, body.get("message", ""), [e["field"] for e in errors], [e["message"] for e in errors]


def test_a_search_without_criterion_is_refused_in_french(world_api: Api) -> None:
    for query in ({"side": "EMITTER"}, {"side": "RECIPIENT", "sort": "TITLE", "order": "ASC", "size": "50"}):
        status, message, fields, texts = error_of(world_api.call("search_tickets", "paul", query=query))
        assert (status, message, fields) == (400, INVALID, ["criteria"])
        assert texts[0].startswith("Renseignez au moins un critère de recherche (numéro, mots du titre")
    # assigned_to_me=false is no criterion either
    reply = world_api.call("search_tickets", "lucas", query={"side": "RECIPIENT", "assigned_to_me": "false"})
    assert error_of(reply)[:3] == (400, INVALID, ["criteria"])


FRENCH = re.compile(r"[«»éèàçêù]|^(Le|La|Les|L'|Indiquez|Vous|Paramètre|Renseignez)\b")
BAD_SEARCHES: list[tuple[str, dict[str, str], str]] = [
    ("paul", {"side": "EMITTER", "number": "0"}, "number"),
    ("paul", {"side": "EMITTER", "number": "-3"}, "number"),
    ("paul", {"side": "EMITTER", "number": "douze"}, "number"),
    ("paul", {"side": "EMITTER", "number": "1e3"}, "number"),
    ("paul", {"side": "EMITTER", "number": "99999999999"}, "number"),
    ("paul", {"side": "EMITTER", "words": ""}, "words"),
    ("paul", {"side": "EMITTER", "words": "« ! »"}, "words"),
    ("paul", {"side": "EMITTER", "words": "x" * 151}, "words"),
    ("paul", {"side": "EMITTER", "category": ""}, "category"),
    ("paul", {"side": "EMITTER", "category": "C" * 65}, "category"),
    ("paul", {"side": "EMITTER", "created_from": "2026-13-01"}, "created_from"),
    ("paul", {"side": "EMITTER", "created_from": "31/01/2026"}, "created_from"),
    ("paul", {"side": "EMITTER", "created_to": "hier"}, "created_to"),
    ("paul", {"side": "EMITTER", "created_from": "0001-01-01"}, "created_from"),  # no Paris midnight to compute
    ("paul", {"side": "EMITTER", "created_to": "9999-12-31"}, "created_to"),
    ("paul", {"side": "EMITTER", "created_from": "2026-02-01", "created_to": "2026-01-31"}, "created_to"),
    ("paul", {"side": "EMITTER", "emitter": "12345678901234"}, "emitter"),
    ("paul", {"side": "EMITTER", "emitter": "5345367920001"}, "emitter"),
    ("paul", {"side": "EMITTER", "emitter": MARTIN}, "emitter"),  # not his structure
    ("victor", {"side": "RECIPIENT", "recipient": SAINT_LEGER}, "recipient"),  # not his
    ("victor", {"side": "RECIPIENT", "recipient": SUPPORT_TEAM_ID}, "recipient"),
    ("victor", {"side": "RECIPIENT", "recipient": "pas un id"}, "recipient"),
    ("paul", {"side": "EMITTER", "created_by": "a b"}, "created_by"),
    ("paul", {"side": "EMITTER", "status": "FERME"}, "status"),
    ("victor", {"side": "RECIPIENT", "status": "DRAFT"}, "status"),
    ("paul", {"side": "EMITTER", "assigned_to_me": "peut-être"}, "assigned_to_me"),
    ("paul", {"side": "EMITTER", "assigned_to_me": "true"}, "assigned_to_me"),
    ("paul", {"side": "BOTH", "words": "eau"}, "side"),
    ("paul", {"words": "eau"}, "side"),
    ("paul", {"side": "EMITTER", "words": "eau", "sort": "PRIORITY"}, "sort"),
    ("paul", {"side": "EMITTER", "words": "eau", "order": "UP"}, "order"),
    ("paul", {"side": "EMITTER", "words": "eau", "size": "20"}, "size"),
    ("paul", {"side": "EMITTER", "words": "eau", "size": "dix"}, "size"),
    ("paul", {"side": "EMITTER", "words": "eau", "cursor": "pas-un-curseur"}, "cursor"),
    ("paul", {"side": "EMITTER", "words": "eau", "cursor": "x" * 3000}, "cursor"),
    ("paul", {"side": "EMITTER", "words": "eau", "titre": "Eau"}, "titre"),
]
BAD_TABS: list[tuple[str, dict[str, str], str]] = [
    ("paul", {"side": "EMITTER"}, "tab"),
    ("paul", {"side": "EMITTER", "tab": "ALL"}, "tab"),
    ("victor", {"side": "RECIPIENT", "tab": "DRAFTS"}, "tab"),
    ("paul", {"side": "EMITTER", "tab": "ACTION", "assigned_to_me": "true"}, "assigned_to_me"),
    ("paul", {"side": "EMITTER", "tab": "ACTION", "size": "0"}, "size"),
    ("paul", {"side": "EMITTER", "tab": "ACTION", "sort": "number"}, "sort"),
    ("paul", {"side": "EMITTER", "tab": "ACTION", "cursor": "eyJhIjoiMSJ9"}, "cursor"),  # ours, but no query
    ("paul", {"side": "EMITTER", "tab": "ACTION", "words": "eau"}, "words"),  # a search criterion on a tab
]


@pytest.mark.parametrize(("alias", "query", "field"), BAD_SEARCHES, ids=[f"{f}:{q}"[:60] for _, q, f in BAD_SEARCHES])
def test_invalid_search_values_are_french_400s(world_api: Api, alias: str, query: dict[str, str], field: str) -> None:
    status, message, fields, texts = error_of(world_api.call("search_tickets", alias, query=query))
    assert (status, message) == (400, INVALID), (query, status, texts)
    assert field in fields, (fields, texts)
    assert all(FRENCH.search(text) for text in texts), texts


@pytest.mark.parametrize(("alias", "query", "field"), BAD_TABS, ids=[f"{f}:{q}"[:60] for _, q, f in BAD_TABS])
def test_invalid_tab_values_are_french_400s(world_api: Api, alias: str, query: dict[str, str], field: str) -> None:
    status, message, fields, texts = error_of(world_api.call("list_tab", alias, query=query))
    assert (status, message) == (400, INVALID), (query, status, texts)
    assert field in fields, (fields, texts)
    assert all(FRENCH.search(text) for text in texts), texts


def test_codes_the_catalogue_does_not_know_find_nothing(seeded: Seeded, world_api: Api) -> None:
    """A category or sub-category code that is not (or no longer) in the catalogue is no error: tickets keep
    the codes they were filed with; none has these, so nothing is found."""
    for criteria in (
        {"category": "INCONNUE"},
        {"subcategory": "INCONNUE"},
        {"category": "FACTURES_RECUES", "subcategory": "REJET_FACTURE"},
    ):
        assert not search(seeded, world_api, "paul", "EMITTER", criteria).items


def test_a_cursor_continues_only_its_own_listing(seeded: Seeded, world_api: Api) -> None:
    """A next_cursor is refused (French 400) by another tab, another sort, order or size, another search,
    another user; given back to its own listing it continues it."""
    tab = {"side": "RECIPIENT", "tab": "ONGOING", "sort": "TITLE", "order": "ASC", "size": "10"}
    first = world_api.call("list_tab", "lucas", query=tab).body
    cursor = first["next_cursor"]
    assert cursor
    quest = {"side": "RECIPIENT", "words": "eau", "size": "10"}
    found = world_api.call("search_tickets", "lucas", query=quest).body
    assert found["next_cursor"]
    others = [
        ("list_tab", "lucas", {**tab, "tab": "ACTION"}),
        ("list_tab", "lucas", {**tab, "sort": "NUMBER"}),
        ("list_tab", "lucas", {**tab, "order": "DESC"}),
        ("list_tab", "lucas", {**tab, "size": "25"}),
        ("list_tab", "lucas", {**tab, "assigned_to_me": "true"}),
        ("list_tab", "sophie", tab),  # same team, another user
        ("search_tickets", "lucas", {**quest, "words": "eau facture"}),
        ("search_tickets", "lucas", {**quest, "status": "OPEN"}),
    ]
    for route, alias, query in others:
        reply = world_api.call(route, alias, query={**query, "cursor": cursor})
        assert error_of(reply)[:3] == (400, INVALID, ["cursor"]), (route, query)
        assert "curseur" in error_of(reply)[3][0]
    reply = world_api.call("list_tab", "lucas", query={**tab, "cursor": found["next_cursor"]})
    assert error_of(reply)[:3] == (400, INVALID, ["cursor"])
    again = world_api.call("list_tab", "lucas", query={**tab, "cursor": cursor})
    assert again.status == 200
    expected = seeded.expected_tab(seeded.viewer("lucas"), "RECIPIENT", "ONGOING", False, "TITLE", "ASC")
    assert [i["number"] for i in first["items"] + again.body["items"]] == expected[:20]


def test_no_query_parameter_at_all_is_a_french_400(world_api: Api) -> None:
    for route in ("list_tab", "search_tickets"):
        status, message, fields, _ = error_of(world_api.call(route, "paul", query=None))
        assert (status, message) == (400, INVALID) and "side" in fields


# ------------------------------------------------------------------------------- partial pages
class Budgeted:
    """The lists of the ports with a small read budget per request (READ_BUDGET is a thousand rows)."""

    def __init__(self, lists: Any, budget: int) -> None:
        self._lists, self._budget = lists, budget

    def page(self, query: ListQuery) -> Page:
        page: Page = self._lists.page(dataclasses.replace(query, budget=self._budget))
        return page

    def count(self, query: ListQuery) -> Tally:
        tally: Tally = self._lists.count(dataclasses.replace(query, budget=self._budget))
        return tally

    def counts(self, kind: RowKind, owner: str, consistent: bool = False) -> Counts:
        counts: Counts = self._lists.counts(kind, owner, consistent)
        return counts


def test_partial_pages_continue_to_exactly_the_oracle(seeded: Seeded, template: dict[str, Any]) -> None:
    """A very selective search over the support's many rows: with a small read budget a page stops before
    it is full (``partial``, DynamoDB) and its cursor goes on; the pages together are exactly the oracle's."""
    lucas = seeded.viewer("lucas")
    api = Api(template, dataclasses.replace(seeded.ports, lists=Budgeted(seeded.ports.lists, 40)))
    try:
        for sort, order in (("NUMBER", "DESC"), ("TITLE", "ASC")):
            criteria = {"words": following_data.RARE_WORD}
            result = walk(
                api, "lucas", "search_tickets", {"side": "RECIPIENT", **criteria, "sort": sort, "order": order}, 10
            )
            assert result.numbers == seeded.expected_search(lucas, "RECIPIENT", criteria, sort, order)
            assert len(result.numbers) >= 3
            assert result.first["total_exact"] is False, "the support's rows are far more than 40"
            if seeded.kind == "dynamo":
                assert result.partial_pages > 0, "the budget ran out before a page was full"
    finally:
        api.close()

    # Straight on the port: a budget of 20 rows per request, pages of 4.
    partitions = tuple(f"LIST#R#TEAM#{SUPPORT_TEAM_ID}#{status}" for status in (*sorted(SUBMITTED), "CLOSED"))
    query = ListQuery(
        partitions=partitions,
        sort=Sort.TITLE,
        direction=Direction.ASC,
        size=4,
        filters=Filters(words=(following_data.RARE_WORD,)),
        budget=20,
    )
    numbers: list[int] = []
    partial = 0
    for _ in range(2000):
        page = seeded.ports.lists.page(query)
        numbers += [row.number for row in page.rows]
        if seeded.kind == "dynamo":
            assert page.items_read <= 20
        if page.after is None:
            break
        partial += len(page.rows) < 4
        query = dataclasses.replace(query, after=page.after)
    expected = seeded.expected_search(lucas, "RECIPIENT", {"words": following_data.RARE_WORD}, "TITLE", "ASC")
    assert numbers == expected
    assert partial > 0 or seeded.kind == "memory"


# ------------------------------------------------------------------------------------------ isolation
ISOLATED = [("marie", "nora"), ("nora", "marie"), ("claire", "victor"), ("emma", "sophie")]


@pytest.mark.parametrize(("alias", "other"), ISOLATED)
def test_another_structures_tickets_are_never_listed_searched_or_counted(
    seeded: Seeded, world_api: Api, alias: str, other: str
) -> None:
    me, them = seeded.viewer(alias), seeded.viewer(other)

    def sees(viewer: Viewer, ticket: Ticket) -> bool:
        return on_side(viewer, ticket, "EMITTER") or on_side(viewer, ticket, "RECIPIENT")

    theirs = {t.number for t in seeded.tickets.values() if sees(them, t) and not sees(me, t)}
    assert theirs and not me.orgs & them.orgs
    listed: list[int] = []
    for (side, tab), _ in TABS.items():
        for mine in (False, True) if side == "RECIPIENT" else (False,):
            query = {"side": side, "tab": tab, **({"assigned_to_me": "true"} if mine else {})}
            numbers = walk(world_api, alias, "list_tab", query, 100).numbers
            assert numbers == seeded.expected_tab(me, side, tab, mine, "NUMBER", "DESC")
            listed += numbers
    assert not theirs & set(listed)

    sample = sorted(theirs)[:: max(1, len(theirs) // 5)]
    tags = {
        following_data.TAGS[list(following_data.EMITTER_WEIGHTS).index(s)]
        for s in them.structures
        if s in following_data.EMITTER_WEIGHTS
    }
    for side in ("EMITTER", "RECIPIENT"):
        criteria: list[dict[str, str]] = [{"number": str(n)} for n in sample]
        criteria += [{"words": tag} for tag in sorted(tags)]
        criteria += [{"created_by": them.id}]
        criteria += [
            {"object_number": n} for n in sorted({seeded.tickets[n].content.object_number or "" for n in sample} - {""})
        ]
        for criterion in criteria:
            numbers = search(seeded, world_api, alias, side, criterion).numbers
            assert not theirs & set(numbers)
        for name, value in (("emitter", sorted(them.structures)), ("recipient", sorted(them.orgs))):
            for ident in value:
                reply = world_api.call("search_tickets", alias, query={"side": side, name: ident.split("#")[-1]})
                if (side, name) in {("EMITTER", "emitter"), ("RECIPIENT", "recipient")}:
                    assert error_of(reply)[:3] == (400, INVALID, [name])  # « vous n'êtes pas membre »
                else:
                    assert reply.status == 200 and not theirs & {i["number"] for i in reply.body["items"]}

    board = world_api.call("get_dashboard", alias).body["organisations"]
    assert {f"{o['organisation']['kind']}#{o['organisation']['id']}" for o in board} == me.orgs
    check_board(seeded, me, board)


# ------------------------------------------------------------------------------------------ dashboard
BoardKey = tuple[str, str, str | None, str]  # organisation key, part, service ("*": all; None: none), status
EMITTED_STATUSES, RECEIVED_STATUSES = LIFECYCLE, LIFECYCLE[1:]


def count_board(seeded: Seeded, viewer: Viewer) -> dict[BoardKey, set[int]]:
    """The oracle's dashboard: for each organisation of the user, the tickets each count counts."""
    counted: dict[BoardKey, set[int]] = {}

    def add(key: BoardKey, number: int) -> None:
        counted.setdefault(key, set()).add(number)

    for ticket in seeded.tickets.values():
        status = ticket.status.value
        siret = ticket.content.emitter_siret
        org = f"STRUCTURE#{siret}"
        if siret and not ticket.anonymous and org in viewer.orgs:
            add((org, "emitted", "*", status), ticket.number)
            add((org, "emitted", ticket.content.emitter_service, status), ticket.number)
        if ticket.recipient and status != "DRAFT" and ticket.recipient.org.key in viewer.orgs:
            org = ticket.recipient.org.key
            service = ticket.recipient.service.code if ticket.recipient.service else None
            add((org, "received", "*", status), ticket.number)
            add((org, "received", service, status), ticket.number)
            if ticket.assignee and ticket.assignee.id == viewer.id:
                add((org, "assigned", "*", status), ticket.number)
    return counted


def flatten_board(board: list[dict[str, Any]]) -> dict[BoardKey, tuple[int, str]]:
    shown: dict[BoardKey, tuple[int, str]] = {}
    for entry in board:
        org = f"{entry['organisation']['kind']}#{entry['organisation']['id']}"
        parts = [("received", entry["received"]), *([("emitted", entry["emitted"])] if entry["emitted"] else [])]
        for part, side in parts:
            for count in side["counts"]:
                shown[(org, part, "*", count["status"]["code"])] = (count["count"], count["link"])
            for service in side["services"]:
                code = service["service"]["code"] if service["service"] else None
                assert service["label"] == (service["service"]["name"] if service["service"] else "Non renseigné")
                for count in service["counts"]:
                    shown[(org, part, code, count["status"]["code"])] = (count["count"], count["link"])
        for count in entry["assigned_to_me"]:
            shown[(org, "assigned", "*", count["status"]["code"])] = (count["count"], count["link"])
    return shown


def check_board(seeded: Seeded, viewer: Viewer, board: list[dict[str, Any]]) -> dict[BoardKey, tuple[int, str]]:
    """Every count of the user's dashboard equals the oracle's recount; every status of each side, every
    service of a structure and « Non renseigné » are shown; nothing counted is left out."""
    shown = flatten_board(board)
    expected = count_board(seeded, viewer)
    wrong = {k: (v[0], len(expected.get(k, ()))) for k, v in shown.items() if v[0] != len(expected.get(k, ()))}
    assert not wrong, wrong
    missing = {k for k, numbers in expected.items() if numbers and k not in shown}
    assert not missing, missing
    for entry in board:
        org = f"{entry['organisation']['kind']}#{entry['organisation']['id']}"
        structure = seeded.world.structures.get(entry["organisation"]["id"])
        services: list[str | None] = ["*", None, *(s.code for s in structure.services)] if structure else ["*", None]
        parts = ["received", "assigned"] + (["emitted"] if structure else [])
        for part in parts:
            statuses = EMITTED_STATUSES if part == "emitted" else RECEIVED_STATUSES
            for service in services if part != "assigned" else ["*"]:
                assert {s for (o, p, sv, s) in shown if (o, p, sv) == (org, part, service)} == set(statuses)
        assert (entry["emitted"] is not None) == (structure is not None)
    return shown


def follow_links(seeded: Seeded, api: Api, viewer: Viewer, shown: dict[BoardKey, tuple[int, str]]) -> int:
    """Each count's link, followed as the user would, lists exactly the tickets counted."""
    expected = count_board(seeded, viewer)
    followed = 0
    blocks: set[tuple[str, str, str | None]] = set()
    for key, (count, link) in shown.items():
        if not count and key[:3] in blocks:
            continue  # one empty count of each block is enough (they cost a request each)
        blocks.add(key[:3])
        parts = urlsplit(link)
        assert parts.path == "/tickets/search"
        query = dict(parse_qsl(parts.query))
        numbers = walk(api, viewer.alias, "search_tickets", query, 100).numbers
        assert len(numbers) == count and set(numbers) == expected.get(key, set()), (key, link, count, len(numbers))
        followed += 1
    return followed


DASHBOARD_USERS = ("marie", "paul", "claire", "hugo", "victor", "lucas", "sophie", "nora", "emma")
LINKS_FOLLOWED = ("marie", "lucas", "nora")  # before the changes; Marie's and Lucas's again after


def test_dashboard_counts_are_recounts_and_links_list_them_before_and_after_transitions(
    seeded: Seeded, world_api: Api
) -> None:
    def check_all(follow: tuple[str, ...]) -> int:
        followed = 0
        for alias in DASHBOARD_USERS:
            viewer = seeded.viewer(alias)
            reply = world_api.call("get_dashboard", alias)
            assert reply.status == 200, reply.body
            shown = check_board(seeded, viewer, reply.body["organisations"])
            if alias in follow:
                followed += follow_links(seeded, world_api, viewer, shown)
        return followed

    assert check_all(LINKS_FOLLOWED) > 40
    seeded.refresh(*transitions_through_the_api(seeded, world_api))
    seeded.refresh(*concurrent_transitions(seeded))
    check_all(("marie", "lucas"))


def pick(seeded: Seeded, count: int, test: Callable[[Ticket], bool]) -> list[int]:
    found = sorted(n for n, t in seeded.tickets.items() if test(t))
    assert len(found) >= count, (count, len(found))
    return found[:count]


def dupont_to_support(status: Status) -> Callable[[Ticket], bool]:
    def test(ticket: Ticket) -> bool:
        return (
            ticket.status is status
            and ticket.content.emitter_siret == DUPONT
            and ticket.recipient is not None
            and ticket.recipient.org.id == SUPPORT_TEAM_ID
        )

    return test


def transitions_through_the_api(seeded: Seeded, api: Api) -> list[int]:
    """One of each change on Menuiserie Dupont's tickets and the support's, made through the API: taking
    in charge, questions and answers, accepting, refusing, closing, submitting a draft, deleting drafts
    (with and without a structure), new tickets and drafts, an assignment in a public structure."""
    marie = seeded.viewer("marie")
    opened_ = pick(seeded, 4, dupont_to_support(Status.OPEN))
    in_progress = pick(seeded, 1, dupont_to_support(Status.IN_PROGRESS))
    awaiting = pick(seeded, 1, dupont_to_support(Status.AWAITING_INFO))
    resolved = pick(seeded, 2, dupont_to_support(Status.RESOLVED))

    def complete_draft(ticket: Ticket) -> bool:
        pair = catalogue.find(ticket.content.category, ticket.content.subcategory)
        return (
            ticket.status is Status.DRAFT
            and ticket.content.emitter_siret == DUPONT
            and ticket.content.title is not None
            and pair is not None
            and pair.routing is catalogue.RoutingRule.TECHNICAL_SUPPORT
        )

    to_submit = pick(seeded, 1, complete_draft)
    dupont_drafts = pick(seeded, 2, lambda t: t.status is Status.DRAFT and t.content.emitter_siret == DUPONT)
    dupont_drafts = [n for n in dupont_drafts if n not in to_submit][:1]
    own_drafts = pick(
        seeded, 1, lambda t: t.status is Status.DRAFT and t.created_by.id == marie.id and not t.content.emitter_siret
    )
    saint_leger = pick(seeded, 1, lambda t: t.status is Status.OPEN and recipient_id(t) == SAINT_LEGER)
    steps: list[tuple[str, str, int | None, dict[str, Any] | None]] = [
        ("take_in_charge", "lucas", opened_[0], {}),
        ("take_in_charge", "sophie", opened_[1], {}),
        ("request_information", "lucas", in_progress[0], {"question": "Quel numéro d'engagement ?"}),
        ("provide_information", "marie", awaiting[0], {"text": "L'engagement n° 42."}),
        ("answer", "lucas", opened_[2], {"text": "C'est corrigé."}),
        ("accept_solution", "marie", resolved[0], None),
        ("refuse_solution", "marie", resolved[1], {"reason": "Toujours rejetée."}),
        ("close_ticket", "marie", opened_[3], {"comment": "Réglé entre-temps."}),
        ("submit_draft", "marie", to_submit[0], None),
        ("delete_draft", "marie", dupont_drafts[0], None),
        ("delete_draft", "marie", own_drafts[0], None),
        ("assign_ticket", "claire", saint_leger[0], {"assignee_id": USER_IDS["hugo"], "comment": "Pour toi."}),
    ]
    touched: list[int] = []
    for route, alias, number, body in steps:
        reply = api.call(route, alias, number, body=body) if body is not None else api.call(route, alias, number)
        assert reply.status in (200, 204), (route, number, reply.body)
        touched.append(number or 0)
    created = api.create("marie", title="Électricité du dépôt", emitter_service="ATELIER")
    draft = api.create("marie", submit=False, emitter_siret=DROP, emitter_service=DROP, title="Œuvre à finir")
    for reply in (created, draft):
        assert reply.status == 201, reply.body
        touched.append(int(reply.body["number"]))
    return touched


def concurrent_transitions(seeded: Seeded) -> list[int]:
    """Many agents at once on different tickets of the same organisations (the support, and the structures
    that emitted them): each thread a use case on the ports, as many Lambda environments would."""
    agents = {alias: fixtures.user(seeded.ports, alias) for alias in ("lucas", "sophie")}
    support_open = pick(seeded, 16, lambda t: t.status is Status.OPEN and recipient_id(t) == SUPPORT_TEAM_ID)
    support_taken = pick(seeded, 8, lambda t: t.status is Status.IN_PROGRESS and recipient_id(t) == SUPPORT_TEAM_ID)
    jobs: list[Callable[[], object]] = []
    for i, number in enumerate(support_open):
        action = (Action.TAKE_IN_CHARGE, Action.ANSWER, Action.REQUEST_INFORMATION)[i % 3]
        agent = agents[("lucas", "sophie")[i % 2]]
        jobs.append(partial(tickets.act, seeded.ports, agent, ActOnTicket(number, action, "Réponse concurrente.")))
    for i, number in enumerate(support_taken):
        agent = agents[("lucas", "sophie")[i % 2]]
        jobs.append(partial(tickets.act, seeded.ports, agent, ActOnTicket(number, Action.ANSWER, "Voici.")))
    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = list(pool.map(lambda job: job(), jobs))
    assert len(outcomes) == len(jobs)
    return [*support_open, *support_taken]


# ----------------------------------------------------------------------- paging while tickets change
EMITTERS_WE_ACT_FOR = {DUPONT: "marie", GREL: "paul", MARTIN: "nora", SAINT_LEGER: "claire"}


@pytest.mark.parametrize("sort", ["TITLE", "OPENED", "STATUS"])
def test_paging_while_tickets_move_inside_the_tab_and_new_ones_arrive(
    seeded: Seeded, world_api: Api, sort: str
) -> None:
    """Victor pages through « Tous sauf fermés » of his three structures, 10 rows at a time, while tickets of
    the tab are taken in charge, asked about, answered by their emitters, resolved (all inside the tab), and
    new ones arrive. Every ticket in the tab for the whole walk appears exactly once (with the status sort,
    those that did not move); nothing appears twice that did not move; nothing else appears."""
    victor = seeded.viewer("victor")
    tab = ("RECIPIENT", "ONGOING")
    start = seeded.expected_tab(victor, *tab, False, sort, "ASC")
    spread = start[:: max(1, len(start) // 40)]  # ahead of the cursor and behind it

    def movable(status: Status, emitter_known: bool = False) -> list[int]:
        return [
            n
            for n in spread
            if seeded.tickets[n].status is status
            and (not emitter_known or seeded.tickets[n].content.emitter_siret in EMITTERS_WE_ACT_FOR)
        ]

    moves: list[tuple[str, str, int | None, dict[str, Any]]] = []
    for n in movable(Status.OPEN)[:4]:
        moves.append(("take_in_charge", "victor", n, {}))
    for n in movable(Status.IN_PROGRESS)[:4]:
        moves.append(("request_information", "victor", n, {"question": "Pouvez-vous préciser ?"}))
    for n in movable(Status.AWAITING_INFO, emitter_known=True)[:3]:
        emitter = EMITTERS_WE_ACT_FOR[seeded.tickets[n].content.emitter_siret or ""]
        moves.append(("provide_information", emitter, n, {"text": "Voici la précision."}))
    for n in movable(Status.OPEN)[4:6]:
        moves.append(("answer", "victor", n, {"text": "Voici la réponse."}))
    steps = []
    for i, move in enumerate(moves):  # a new ticket every third change
        steps += [move, *([("create_ticket", "marie", None, {})] if i % 3 == 1 else [])]
    assert len(steps) >= 10
    moved: set[int] = set()
    created: list[int] = []

    def change(page: int) -> None:
        for route, alias, number, body in steps[2 * (page - 1) : 2 * page]:
            if route == "create_ticket":
                reply = world_api.create(
                    alias,
                    subcategory="QUESTION_ENTITE_PUBLIQUE",
                    recipient_is_state_service=False,
                    recipient_siret=CH_VIENNE,
                    title=f"Eau chaude {len(created)}",
                )
                assert reply.status == 201, reply.body
                created.append(int(reply.body["number"]))
            else:
                reply = world_api.call(route, alias, number, body=body)
                assert reply.status == 200, (route, reply.body)
                moved.add(number or 0)

    seen = walk(
        world_api, "victor", "list_tab", {"side": tab[0], "tab": tab[1], "sort": sort, "order": "ASC"}, 10, change
    )
    seeded.refresh(*moved, *created)
    assert len(moved) + len(created) >= 8, "the changes happened during the walk"
    counts = Counter(seen.numbers)
    for number in start:
        if sort != "STATUS" or number not in moved:
            assert counts[number] == 1, (number, counts[number], number in moved)
    assert {n for n, c in counts.items() if c > 1} <= (moved if sort == "STATUS" else set())
    assert set(counts) <= set(start) | set(created)
    after = seeded.expected_tab(victor, *tab, False, sort, "ASC")
    assert set(start) | set(created) == set(after), "every move stayed inside the tab"


# --------------------------------------------------------------------------------------- items read
class Reads:
    """ScannedCount of each Query, with the index it read (DynamoDB's own count of the items it examined)."""

    def __init__(self, client: Any) -> None:
        self.pending: list[str] = []
        self.queries: list[tuple[str, int]] = []
        client.meta.events.register("before-call.dynamodb.Query", self.before)
        client.meta.events.register("after-call.dynamodb.Query", self.after)

    def before(self, params: dict[str, Any], **_: Any) -> None:
        self.pending.append(str(params.get("IndexName", "")))

    def after(self, parsed: dict[str, Any], **_: Any) -> None:
        self.queries.append((self.pending.pop(0), int(parsed.get("ScannedCount", 0))))

    def lists(self) -> int:
        return sum(n for index, n in self.queries if index.startswith("ListBy"))

    def counters(self) -> int:
        return sum(n for index, n in self.queries if not index)


def test_a_first_page_reads_a_bounded_number_of_rows_whatever_others_hold(seeded: Seeded, world_api: Api) -> None:
    """On DynamoDB: the first page (25 rows) of a tab, in each sort (one direction or the other), reads at most
    26 rows of each of its partitions (statuses × organisations): every tab of a structure, the support's
    longest and that of a user of three structures. Menuiserie Dupont's figures, its searches' (status,
    period, category) and its dashboard's do not move when other organisations get 120 more tickets."""
    if seeded.kind != "dynamo":
        pytest.skip("items read are DynamoDB's ScannedCount at its client; in memory: tests/test_memory_lists.py")
    reads = Reads(seeded.client)

    def first_pages(alias: str, side: str, only: str | None = None) -> dict[tuple[str, ...], int]:
        viewer = seeded.viewer(alias)
        owners = len(viewer.structures) if side == "EMITTER" else len(viewer.orgs)
        figures: dict[tuple[str, ...], int] = {}
        for (tab_side, tab), statuses in TABS.items():
            if tab_side != side or only not in (None, tab):
                continue
            partitions = owners * len(statuses) + (1 if tab == "DRAFTS" else 0)
            for s, sort in enumerate(SORTS):
                for order in (ORDERS[s % 2],):  # each sort, one direction or the other
                    reads.queries.clear()
                    query = {"side": side, "tab": tab, "sort": sort, "order": order, "size": "25"}
                    reply = world_api.call("list_tab", alias, query=query)
                    assert reply.status == 200
                    figures[(tab, sort, order)] = reads.lists()
                    assert reads.lists() <= partitions * 26, (alias, tab, sort, order, reads.lists(), partitions)
        for criteria in (
            {"status": "OPEN"},
            {"created_from": "2026-01-01", "created_to": "2026-01-31"},
            {"category": "FACTURES_EMISES"},
        ):
            reads.queries.clear()
            assert world_api.call("search_tickets", alias, query={"side": side, **criteria}).status == 200
            figures[("search", *criteria)] = reads.lists()
        reads.queries.clear()
        assert world_api.call("get_dashboard", alias).status == 200
        figures[("dashboard",)] = reads.counters()
        return figures

    marie = first_pages("marie", "EMITTER")
    first_pages("lucas", "RECIPIENT", only="ONGOING")  # the support's longest tab
    first_pages("victor", "RECIPIENT", only="ONGOING")  # twelve partitions: three structures, four statuses
    assert marie[("search", "status")] <= 26  # one partition, its index's order: no filter
    others = [
        t
        for t in following_data.more_tickets(seeded.world, 120, max(seeded.tickets) + 1, seed=7)
        if t.content.emitter_siret != DUPONT and t.created_by.id != USER_IDS["marie"]
    ]
    seeded.ports.reference.import_tickets(others)
    seeded.tickets.update({t.number: t for t in others})
    assert first_pages("marie", "EMITTER") == marie


def tampered(cursor: str, position: object) -> str:
    """The cursor with its position replaced (its query left as it was): what a curious client can send."""
    data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    data["a"] = position
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def test_a_tampered_cursor_is_a_french_400_or_a_page_never_a_5xx(seeded: Seeded, world_api: Api) -> None:
    """A cursor is opaque but readable: a client may change the position it holds. An empty or malformed
    position is refused like any bad cursor; any other one pages from there, within the user's lists only."""
    marie = seeded.viewer("marie")
    for sort in ("NUMBER", "TITLE", "STATUS"):
        for order in ORDERS:
            query = {"side": "EMITTER", "tab": "ONGOING", "sort": sort, "order": order, "size": "10"}
            cursor = world_api.call("list_tab", "marie", query=query).body["next_cursor"]
            for position in ("", None, 12, ["a"]):
                reply = world_api.call("list_tab", "marie", query={**query, "cursor": tampered(cursor, position)})
                assert error_of(reply)[:3] == (400, INVALID, ["cursor"]), (sort, order, position, reply.body)
            for position in ("\x00", "zzzz", "9\x1f", "0000000001", "é" * 40):
                reply = world_api.call("list_tab", "marie", query={**query, "cursor": tampered(cursor, position)})
                assert reply.status == 200, (sort, order, position, reply.body)
                assert {i["number"] for i in reply.body["items"]} <= set(
                    seeded.expected_tab(marie, "EMITTER", "ONGOING", False, sort, order)
                )
