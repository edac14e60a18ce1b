"""The ``TicketLists`` port's contract: the same assertions against the in-memory adapter and the DynamoDB
one (moto), on small hand-made tickets written through ``TicketStore`` (rows and counters move with them).

A page holds the rows of the query's partitions in the order of its sort (ties by ticket number, in the
same direction), within the key range ``low`` .. ``high`` (inclusive) of the sort's index, strictly after
``after``; ``after`` is ``None`` on the last page. Filters keep the rows that pass; a search by number
reads the ticket's rows by key. ``counts`` are the dashboard's counters, per status, in total and per
service. The expected orders below are written out by hand.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chorus_desk import listing
from chorus_desk.catalogue import SUPPORT_TEAM_ID
from chorus_desk.lifecycle import Action, Side, Status
from chorus_desk.listing import Direction, Filters, ListQuery, Page, RowKind, Sort
from chorus_desk.models import (
    Emitter,
    HistoryEntry,
    ObjectType,
    OrgKind,
    OrgRef,
    Person,
    Recipient,
    Ticket,
    TicketContent,
)
from chorus_desk.ports import Ports
from tests.fixtures import DUPONT, GREL, NAMES, SAINT_LEGER, STRUCTURES, TEAMS, USER_IDS

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
SUPPORT = Recipient(org=TEAMS[SUPPORT_TEAM_ID].ref, name=TEAMS[SUPPORT_TEAM_ID].name)
TO_SAINT_LEGER = Recipient(
    org=STRUCTURES[SAINT_LEGER].ref,
    name=STRUCTURES[SAINT_LEGER].designation,
    service=STRUCTURES[SAINT_LEGER].service("FINANCES"),
)
DUPONT_KEY = OrgRef(kind=OrgKind.STRUCTURE, id=DUPONT).key
GREL_KEY = OrgRef(kind=OrgKind.STRUCTURE, id=GREL).key
SUPPORT_KEY = SUPPORT.org.key


@pytest.fixture(params=["memory", "dynamo"])
def ports(request: pytest.FixtureRequest) -> Ports:
    """The tests' world in one implementation of the ports: in memory, then DynamoDB (moto)."""
    seeded: Ports = request.getfixturevalue(request.param)
    return seeded


def person(alias: str) -> Person:
    return Person(id=USER_IDS[alias], name=NAMES[alias])


def ticket(
    number: int,
    title: str | None,
    *,
    status: Status = Status.OPEN,
    pair: tuple[str | None, str | None] = ("FACTURES_EMISES", "MANDAT_DE_FACTURATION"),
    opened: datetime = T0,
    emitter: str | None = DUPONT,
    service: str | None = "ATELIER",
    recipient: Recipient | None = SUPPORT,
    assignee: str | None = None,
    object_number: str | None = None,
    description: str = "Bonjour.",
    creator: str = "marie",
    anonymous: bool = False,
) -> Ticket:
    structure = STRUCTURES[emitter] if emitter else None
    draft = status is Status.DRAFT
    return Ticket(
        number=number,
        status=status,
        version=1,
        created_at=opened,
        updated_at=opened + HOUR,
        submitted_at=None if draft else opened,
        created_by=Person(id="anonymous:a@b.fr", name="a@b.fr") if anonymous else person(creator),
        anonymous=anonymous,
        content=TicketContent(
            category=pair[0],
            subcategory=pair[1],
            emitter_siret=emitter,
            emitter_service=service if structure else None,
            title=title,
            description=description,
            object_type=ObjectType.INVOICE if object_number else None,
            object_number=object_number,
        ),
        emitter=(
            Emitter(siret=structure.siret, designation=structure.designation, service=structure.service(service or ""))
            if structure
            else None
        ),
        recipient=None if draft else recipient,
        assignee=person(assignee) if assignee else None,
    )


def first_entry(t: Ticket) -> HistoryEntry:
    action = Action.CREATE_DRAFT if t.status is Status.DRAFT else Action.CREATE_AND_SUBMIT
    return HistoryEntry(
        seq=1, at=t.created_at, actor=t.created_by, side=Side.EMITTER, action=action, to_status=t.status
    )


def insert(ports: Ports, *tickets: Ticket) -> list[Ticket]:
    stored = []
    for t in tickets:
        entry = first_entry(t)
        ports.tickets.insert_ticket(t, entry)
        stored.append(t.model_copy(update={"history": (entry,)}))
    return stored


def partitions(kind: RowKind, owner: str, *statuses: Status) -> tuple[str, ...]:
    return tuple(listing.partition_key(kind, owner, s) for s in statuses)


def numbers(page: Page) -> list[int]:
    return [row.number for row in page.rows]


def every_page(ports: Ports, query: ListQuery) -> tuple[list[int], int]:
    """The rows of every page, following ``after``; and how many pages were not full but not the last."""
    found: list[int] = []
    partial = 0
    for _ in range(1000):
        page = ports.lists.page(query)
        assert len(page.rows) <= query.size
        found += numbers(page)
        if page.after is None:
            return found, partial
        partial += len(page.rows) < query.size
        query = dataclasses.replace(query, after=page.after)
    raise AssertionError("the pages never ended")


# Six tickets of Menuiserie Dupont to the support, all open: titles, labels and opening dates chosen so that
# every sort orders them differently, with ties broken by number.
SIX = (
    (1, "Fournitures", ("FACTURES_RECUES", "AUTRE"), T0 + 3 * HOUR),
    (2, "Électricité", ("FACTURES_EMISES", "MANDAT_DE_FACTURATION"), T0 + HOUR),
    (3, "Eau", ("GESTION_STRUCTURES_UTILISATEURS", "MODIFICATION_DROITS_UTILISATEURS"), T0 + 5 * HOUR),
    (4, "eau", ("FACTURES_EMISES", "FACTURE_BROUILLON"), T0 + HOUR),
    (5, "Île", ("FACTURES_EMISES", "MANDAT_DE_FACTURATION"), T0),
    (6, "Œuvre", ("FACTURES_RECUES", "AUTRE"), T0 + 3 * HOUR),
)
ASCENDING = {
    Sort.NUMBER: [1, 2, 3, 4, 5, 6],
    Sort.TITLE: [3, 4, 2, 1, 5, 6],  # eau, eau, électricité, fournitures, île, œuvre
    # Factures émises (by opening: 5, then 2 and 4 opened together), Factures reçues (1 and 6 together), Gestion
    Sort.CATEGORY: [5, 2, 4, 1, 6, 3],
    # Autre, Facture brouillon, Mandat de facturation (5 before 2), Modification des droits
    Sort.SUBCATEGORY: [1, 6, 4, 5, 2, 3],
    Sort.STATUS: [1, 2, 3, 4, 5, 6],
    Sort.OPENED: [5, 2, 4, 1, 6, 3],  # the creation date (« Ouvert le » as the 2024 guide sorts it)
    Sort.CREATED: [5, 2, 4, 1, 6, 3],
}


def six(ports: Ports) -> list[Ticket]:
    return insert(ports, *(ticket(n, title, pair=pair, opened=at) for n, title, pair, at in SIX))


def query_of(owner: str = DUPONT_KEY, *statuses: Status, **changes: Any) -> ListQuery:
    base = ListQuery(
        partitions=partitions(RowKind.E, owner, *(statuses or (Status.OPEN,))),
        sort=Sort.NUMBER,
        direction=Direction.ASC,
        size=100,
    )
    return dataclasses.replace(base, **changes)


def test_a_partition_comes_in_the_order_of_each_sort(ports: Ports) -> None:
    six(ports)
    for sort in Sort:
        for direction in Direction:
            expected = ASCENDING[sort] if direction is Direction.ASC else ASCENDING[sort][::-1]
            page = ports.lists.page(query_of(sort=sort, direction=direction))
            assert (numbers(page), page.after) == (expected, None), (sort, direction)
            for size in (4, 1):
                assert every_page(ports, query_of(sort=sort, direction=direction, size=size))[0] == expected


def test_after_is_exclusive_and_the_last_page_has_none(ports: Ports) -> None:
    six(ports)
    for sort in Sort:
        order = ASCENDING[sort]
        first = ports.lists.page(query_of(sort=sort, size=2))
        assert numbers(first) == order[:2] and first.after is not None
        second = ports.lists.page(query_of(sort=sort, size=2, after=first.after))
        assert numbers(second) == order[2:4]
        last = ports.lists.page(query_of(sort=sort, size=2, after=second.after))
        assert numbers(last) == order[4:] and last.after is None  # exactly full, nothing after: no cursor
        backwards = ports.lists.page(query_of(sort=sort, size=10, direction=Direction.DESC, after=second.after))
        assert numbers(backwards) == order[:3][::-1]  # the row at ``after`` itself is never returned


def test_partitions_merge_across_statuses_and_organisations(ports: Ports) -> None:
    insert(
        ports,
        ticket(1, "b", status=Status.CLOSED),
        ticket(2, "a", status=Status.OPEN, emitter=GREL, service=None),
        ticket(3, "c", status=Status.IN_PROGRESS, assignee="lucas"),
        ticket(4, "a", status=Status.OPEN),
        ticket(5, "d", status=Status.IN_PROGRESS, emitter=GREL, service=None, assignee="lucas"),
        ticket(6, "b", status=Status.OPEN),
    )
    statuses = (Status.OPEN, Status.IN_PROGRESS, Status.CLOSED)
    both = partitions(RowKind.E, DUPONT_KEY, *statuses) + partitions(RowKind.E, GREL_KEY, *statuses)
    expected = {
        Sort.NUMBER: [1, 2, 3, 4, 5, 6],
        Sort.TITLE: [2, 4, 1, 6, 3, 5],
        Sort.STATUS: [3, 5, 1, 2, 4, 6],  # En cours, Fermé, Ouvert (the labels' alphabetical order), then number
    }
    for sort, order in expected.items():
        for direction in Direction:
            want = order if direction is Direction.ASC else order[::-1]
            query = ListQuery(partitions=both, sort=sort, direction=direction, size=2)
            assert every_page(ports, query)[0] == want, (sort, direction)
    received = ListQuery(
        partitions=partitions(RowKind.R, SUPPORT_KEY, *statuses), sort=Sort.STATUS, direction=Direction.DESC, size=3
    )
    assert every_page(ports, received)[0] == [6, 4, 2, 1, 5, 3]
    mine = ListQuery(
        partitions=partitions(RowKind.A, f"{SUPPORT_KEY}#{USER_IDS['lucas']}", *statuses),
        sort=Sort.NUMBER,
        direction=Direction.ASC,
        size=10,
    )
    assert numbers(ports.lists.page(mine)) == [3, 5]


def test_the_key_range_is_inclusive_at_both_ends(ports: Ports) -> None:
    stored = six(ports)
    value = {t.number: listing.rows_of(t)[RowKind.E].sort_value("LDATE") for t in stored}
    query = query_of(sort=Sort.OPENED, low=value[2], high=value[1])
    assert numbers(ports.lists.page(query)) == [2, 4, 1]  # 6 opened with 1 but comes after it
    assert numbers(ports.lists.page(dataclasses.replace(query, direction=Direction.DESC))) == [1, 4, 2]
    assert every_page(ports, dataclasses.replace(query, size=1))[0] == [2, 4, 1]
    assert numbers(ports.lists.page(query_of(sort=Sort.OPENED, low=value[6]))) == [6, 3]
    assert numbers(ports.lists.page(query_of(sort=Sort.OPENED, high=value[5]))) == [5]
    assert numbers(ports.lists.page(query_of(sort=Sort.OPENED, low=value[3], high=value[5]))) == []


def test_filters_keep_the_rows_that_pass(ports: Ports) -> None:
    insert(
        ports,
        ticket(1, "Facture d'eau", object_number="FAC-2026-0101", opened=T0, description="L'œuvre est livrée."),
        ticket(2, "Électricité", service="COMPTA", opened=T0 + 30 * HOUR, creator="paul"),
        ticket(
            3,
            "Eau chaude",
            service=None,
            recipient=TO_SAINT_LEGER,
            pair=("FACTURES_EMISES", "QUESTION_ENTITE_PUBLIQUE"),
        ),
        ticket(
            4, "Fournitures", object_number="fac-2026-0101", pair=("FACTURES_RECUES", "AUTRE"), opened=T0 + 60 * HOUR
        ),
    )
    stamp = listing.day_start
    cases: list[tuple[Filters, list[int]]] = [
        (Filters(), [1, 2, 3, 4]),
        (Filters(category="FACTURES_RECUES"), [4]),
        (Filters(subcategory="MANDAT_DE_FACTURATION"), [1, 2]),
        (Filters(object_key="FAC-2026-0101"), [1, 4]),
        (Filters(words=("eau",)), [1, 3]),
        (Filters(words=("oeuvre",)), [1]),  # the description, ligature spelt out
        (Filters(words=("elec",)), [2]),  # the start of a word
        (Filters(words=("eau", "chaude")), [3]),
        (Filters(words=("au",)), []),  # not the middle of one
        (Filters(emitter_service="COMPTA"), [2]),
        (Filters(emitter_service="-"), [3]),
        (Filters(recipient_org=TO_SAINT_LEGER.org.key), [3]),
        (Filters(recipient_service="FINANCES"), [3]),
        (Filters(recipient_service="-"), [1, 2, 4]),
        (Filters(created_by=USER_IDS["paul"]), [2]),
        (Filters(emitter_siret=DUPONT), [1, 2, 3, 4]),
        (Filters(emitter_siret=GREL), []),
        (Filters(created_from=stamp((T0 + 24 * HOUR).date())), [2, 4]),
        (Filters(created_to=listing.day_end((T0 + 24 * HOUR).date())), [1, 2, 3]),
        (Filters(words=("eau",), recipient_service="-"), [1]),
    ]
    for filters, expected in cases:
        assert every_page(ports, query_of(filters=filters, size=1))[0] == expected, filters
        assert numbers(ports.lists.page(query_of(filters=filters, direction=Direction.DESC))) == expected[::-1]


def test_a_search_by_number_reads_that_ticket_only_in_the_given_partitions(ports: Ports) -> None:
    stored = six(ports)
    opened = listing.rows_of(stored[4])[RowKind.E].sort_value("LDATE")  # ticket 5
    assert numbers(ports.lists.page(query_of(number=5))) == [5]
    assert numbers(ports.lists.page(query_of(number=7))) == []
    assert numbers(ports.lists.page(query_of(GREL_KEY, number=5))) == []  # not in the partitions asked
    assert numbers(ports.lists.page(query_of(number=5, filters=Filters(category="FACTURES_RECUES")))) == []
    assert numbers(ports.lists.page(query_of(number=5, filters=Filters(category="FACTURES_EMISES")))) == [5]
    # the key range holds too (a period or a category the sort's index answers)
    assert numbers(ports.lists.page(query_of(number=5, sort=Sort.OPENED, low=opened))) == [5]
    assert numbers(ports.lists.page(query_of(number=5, sort=Sort.OPENED, low=opened + "\x7f"))) == []
    assert numbers(ports.lists.page(query_of(number=5, sort=Sort.OPENED, high=opened[:4]))) == []
    received = ListQuery(
        partitions=partitions(RowKind.R, SUPPORT_KEY, Status.OPEN),
        sort=Sort.NUMBER,
        direction=Direction.DESC,
        size=25,
        number=3,
    )
    page = ports.lists.page(received)
    assert numbers(page) == [3] and page.rows[0].kind is RowKind.R and page.after is None


def test_rows_follow_their_ticket_from_partition_to_partition(ports: Ports) -> None:
    draft, bare, sent, anonymous = insert(
        ports,
        ticket(1, "Brouillon", status=Status.DRAFT),
        ticket(2, None, status=Status.DRAFT, emitter=None, pair=(None, None)),
        ticket(3, "Envoyé"),
        ticket(4, "Sans compte", emitter=None, anonymous=True),
    )
    drafts = query_of(DUPONT_KEY, Status.DRAFT)
    assert numbers(ports.lists.page(drafts)) == [1]
    bare_drafts = query_of(f"USER#{USER_IDS['marie']}", Status.DRAFT)
    assert numbers(ports.lists.page(bare_drafts)) == [2]  # no structure yet: its creator's
    support = ListQuery(
        partitions=partitions(RowKind.R, SUPPORT_KEY, *Status), sort=Sort.NUMBER, direction=Direction.ASC, size=9
    )
    assert numbers(ports.lists.page(support)) == [3, 4]  # drafts are not received; anonymous tickets are
    assert numbers(ports.lists.page(query_of(DUPONT_KEY, *Status))) == [1, 3]  # no emitter side for 4
    assert ports.lists.page(support).rows[1].anonymous

    taken = sent.model_copy(update={"status": Status.IN_PROGRESS, "version": 2, "assignee": person("lucas")})
    ports.tickets.save_ticket(taken, 1, None, previous=sent)
    assert numbers(ports.lists.page(query_of(DUPONT_KEY, Status.OPEN))) == []
    assert numbers(ports.lists.page(query_of(DUPONT_KEY, Status.IN_PROGRESS))) == [3]
    mine = query_of(partitions=partitions(RowKind.A, f"{SUPPORT_KEY}#{USER_IDS['lucas']}", *Status))
    assert numbers(ports.lists.page(mine)) == [3]
    attached = bare.model_copy(
        update={"version": 2, "content": bare.content.model_copy(update={"emitter_siret": DUPONT})}
    )
    ports.tickets.save_ticket(attached, 1, None, previous=bare)
    assert numbers(ports.lists.page(bare_drafts)) == []
    assert numbers(ports.lists.page(drafts)) == [1, 2]
    ports.tickets.delete_ticket(draft)
    assert numbers(ports.lists.page(drafts)) == [2]
    assert anonymous.anonymous


def counts_of(ports: Ports, kind: RowKind, owner: str) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    counts = ports.lists.counts(kind, owner)
    total = {s.value: n for s, n in counts.total.items() if n}
    by_service = {code: {s.value: n for s, n in values.items() if n} for code, values in counts.by_service.items()}
    return total, {code: values for code, values in by_service.items() if values}


def test_counts_follow_inserts_saves_and_deletes(ports: Ports) -> None:
    assert counts_of(ports, RowKind.E, DUPONT_KEY) == ({}, {})
    draft, first, second, _, _ = insert(
        ports,
        ticket(1, "Brouillon", status=Status.DRAFT, service="COMPTA"),
        ticket(2, "Ouvert"),
        ticket(3, "Ouvert aussi", service=None),
        ticket(4, "Ailleurs", recipient=TO_SAINT_LEGER, pair=("FACTURES_EMISES", "QUESTION_ENTITE_PUBLIQUE")),
        ticket(5, "Bare", status=Status.DRAFT, emitter=None),
    )
    assert counts_of(ports, RowKind.E, DUPONT_KEY) == (
        {"DRAFT": 1, "OPEN": 3},
        {"COMPTA": {"DRAFT": 1}, "ATELIER": {"OPEN": 2}, "-": {"OPEN": 1}},
    )
    assert counts_of(ports, RowKind.R, SUPPORT_KEY) == ({"OPEN": 2}, {"-": {"OPEN": 2}})
    assert counts_of(ports, RowKind.R, TO_SAINT_LEGER.org.key) == ({"OPEN": 1}, {"FINANCES": {"OPEN": 1}})

    taken = first.model_copy(update={"status": Status.IN_PROGRESS, "version": 2, "assignee": person("lucas")})
    ports.tickets.save_ticket(taken, 1, None, previous=first)
    closed = second.model_copy(update={"status": Status.CLOSED, "version": 2})
    ports.tickets.save_ticket(closed, 1, None, previous=second)
    ports.tickets.delete_ticket(draft)
    assert counts_of(ports, RowKind.E, DUPONT_KEY) == (
        {"OPEN": 1, "IN_PROGRESS": 1, "CLOSED": 1},
        {"ATELIER": {"OPEN": 1, "IN_PROGRESS": 1}, "-": {"CLOSED": 1}},
    )
    assert counts_of(ports, RowKind.R, SUPPORT_KEY) == (
        {"IN_PROGRESS": 1, "CLOSED": 1},
        {"-": {"IN_PROGRESS": 1, "CLOSED": 1}},
    )
    assert counts_of(ports, RowKind.A, f"{SUPPORT_KEY}#{USER_IDS['lucas']}")[0] == {"IN_PROGRESS": 1}
    assert counts_of(ports, RowKind.A, f"{SUPPORT_KEY}#{USER_IDS['sophie']}") == ({}, {})
    # an import counts as the same writes would
    ports.reference.import_tickets([ticket(10, "Importé", emitter=GREL, service=None, status=Status.RESOLVED)])
    assert counts_of(ports, RowKind.E, GREL_KEY) == ({"RESOLVED": 1}, {"-": {"RESOLVED": 1}})
    assert counts_of(ports, RowKind.R, SUPPORT_KEY)[0] == {"IN_PROGRESS": 1, "CLOSED": 1, "RESOLVED": 1}


def test_a_small_read_budget_pages_on_to_the_same_rows(ports: Ports) -> None:
    """With a budget of a few rows per request and a filter few rows pass, a page may stop before it is full
    (``after`` set): following ``after`` gives exactly the rows of an unbudgeted read. DynamoDB stops
    (and never reads more than the budget); the in-memory lists may answer at once."""
    statuses = (Status.OPEN, Status.CLOSED)
    ports.reference.import_tickets(  # in batches: forty transactions would cost moto forty copies of its table
        ticket(n, f"Ticket {n:02d}", description="rare" if n % 7 == 0 else "commun", status=statuses[n % 2])
        for n in range(1, 41)
    )
    filters = Filters(words=("rare",))
    for sort, direction in ((Sort.NUMBER, Direction.ASC), (Sort.TITLE, Direction.DESC), (Sort.STATUS, Direction.ASC)):
        whole = numbers(
            ports.lists.page(query_of(DUPONT_KEY, *statuses, sort=sort, direction=direction, filters=filters))
        )
        assert sorted(whole) == [7, 14, 21, 28, 35]
        budgeted = query_of(DUPONT_KEY, *statuses, sort=sort, direction=direction, filters=filters, size=2, budget=4)
        found, partial = every_page(ports, budgeted)
        assert found == whole
        first = ports.lists.page(budgeted)
        if first.items_read > 4:
            assert first.items_read == 40  # the in-memory lists read everything at once
        else:
            assert partial > 0
