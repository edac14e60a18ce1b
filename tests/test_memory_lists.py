"""The in-memory lists read as DynamoDB's indexes do: a page starts at its place in each partition's sorted
index and reads about a row more than it shows from each, so what it reads does not grow with the table
(what ``make bench-peer`` relies on to compare read costs). Its rows are checked against the DynamoDB
adapter's by tests/test_lists_contract.py; here, what a page reads."""

from __future__ import annotations

import dataclasses

from bench.following import ours, theirs
from chorus_desk.adapters.memory import memory_ports
from chorus_desk.catalogue import SUPPORT_TEAM_ID
from chorus_desk.lifecycle import Status
from chorus_desk.listing import Direction, Filters, ListQuery, Sort
from chorus_desk.ports import Ports
from tests import fixtures

DUPONT = f"STRUCTURE#{fixtures.DUPONT}"
SUPPORT = f"TEAM#{SUPPORT_TEAM_ID}"


def world(others: int) -> Ports:
    ports = memory_ports()
    fixtures.seed(ports)
    ports.reference.import_tickets(ours())  # 200 tickets of Menuiserie Dupont, half to the support
    ports.reference.import_tickets(theirs(1_000, others))  # other structures' tickets, all to the support
    return ports


def partitions(kind: str, owner: str, *statuses: Status) -> tuple[str, ...]:
    return tuple(f"LIST#{kind}#{owner}#{s.value}" for s in statuses)


SUBMITTED = (Status.OPEN, Status.IN_PROGRESS, Status.AWAITING_INFO, Status.RESOLVED)
QUERIES = {
    "structure, ongoing, by title": ListQuery(partitions("E", DUPONT, *SUBMITTED), Sort.TITLE, Direction.ASC, 25),
    "structure, closed, by number": ListQuery(partitions("E", DUPONT, Status.CLOSED), Sort.NUMBER, Direction.DESC, 25),
    "support, ongoing, by opening": ListQuery(partitions("R", SUPPORT, *SUBMITTED), Sort.OPENED, Direction.DESC, 25),
    "support, by status": ListQuery(partitions("R", SUPPORT, *SUBMITTED), Sort.STATUS, Direction.ASC, 25),
    "support, a period": ListQuery(
        partitions("R", SUPPORT, Status.OPEN),
        Sort.OPENED,
        Direction.ASC,
        25,
        low="2026-01-02T00:00:00",
        high="2026-01-09T00:00:00",
    ),
}


def test_a_page_reads_a_row_more_than_it_shows_per_partition_whatever_the_table_holds() -> None:
    small, large = world(100), world(5_000)
    for label, query in QUERIES.items():
        few, many = small.lists.page(query), large.lists.page(query)
        assert few.rows, label
        assert few.items_read <= len(query.partitions) * (query.size + 1), (label, few.items_read)
        if label.startswith("structure"):  # the structure's rows are the same in both worlds: so is the page
            assert [r.number for r in few.rows] == [r.number for r in many.rows], label
            assert few.items_read == many.items_read, label
        else:  # the support's partitions grew fiftyfold; a page still reads at most a row more per partition
            assert len(many.rows) == query.size, label
            assert many.items_read <= len(query.partitions) * (query.size + 1), (label, many.items_read)


def test_the_next_page_starts_where_the_last_one_stopped_and_reads_as_little() -> None:
    ports = world(2_000)
    query = QUERIES["support, ongoing, by opening"]
    seen: list[int] = []
    for _ in range(4):
        page = ports.lists.page(query)
        assert page.items_read <= len(query.partitions) * (query.size + 1)
        seen += [r.number for r in page.rows]
        assert page.after is not None
        query = dataclasses.replace(query, after=page.after)
    assert len(seen) == len(set(seen)) == 100
    opened = [ports.tickets.load_ticket(n).submitted_at for n in seen]  # type: ignore[union-attr]
    assert opened == sorted(opened, reverse=True)  # type: ignore[type-var]


def test_a_filter_costs_the_rows_it_evaluates_up_to_the_budget() -> None:
    ports = world(2_000)
    query = dataclasses.replace(QUERIES["support, ongoing, by opening"], filters=Filters(words=("absent",)), budget=300)
    page = ports.lists.page(query)
    assert page.rows == () and page.items_read == 300 and page.after is not None
