"""``TicketLists`` in memory: pages read from sorted per-partition indexes, as DynamoDB's are read."""

from __future__ import annotations

import bisect
from dataclasses import replace

from chorus_desk import listing
from chorus_desk.adapters.memory.store import MemoryStore
from chorus_desk.listing import Counts, ListQuery, Page, Row, RowKind


class _Stream:
    """One partition of a page, read in its index's order from where the last read stopped, a limited number
    of rows at a time, as a DynamoDB Query with ``Limit`` reads (``ExclusiveStartKey`` is the last value read):
    the rows that pass the filters are buffered."""

    def __init__(self, store: MemoryStore, query: ListQuery, partition: str, bounds: tuple[str | None, str | None]):
        self.store, self.query, self.partition = store, query, partition
        self.kind = RowKind(partition.split("#", 2)[1])  # LIST#<kind>#<owner>#<status>
        self.low, self.high = bounds
        self.ascending = query.direction is listing.Direction.ASC
        self.buffer: list[tuple[str, Row]] = []
        self.last: str | None = None  # the last raw index value read (the exclusive start of the next read)
        self.done = False
        self.frontier: str | None = None  # the last value evaluated (ordered), filtered out or not

    def fetch(self, limit: int) -> int:
        """Read up to ``limit`` more rows; how many were evaluated."""
        key = self.query.attribute
        with self.store.lock:
            entries = self.store.indexes.get((self.partition, key), [])
            if self.ascending:
                if self.last is not None:
                    at = bisect.bisect_right(entries, self.last, key=lambda e: e[0])
                elif self.low is not None:
                    at = bisect.bisect_left(entries, self.low, key=lambda e: e[0])
                else:
                    at = 0
                taken = entries[at : at + limit]
                taken = [e for e in taken if self.high is None or e[0] <= self.high]
                more = at + limit < len(entries) and (self.high is None or entries[at + limit][0] <= self.high)
            else:
                if self.last is not None:
                    stop = bisect.bisect_left(entries, self.last, key=lambda e: e[0])
                elif self.high is not None:
                    stop = bisect.bisect_right(entries, self.high, key=lambda e: e[0])
                else:
                    stop = len(entries)
                taken = entries[max(0, stop - limit) : stop][::-1]
                taken = [e for e in taken if self.low is None or e[0] >= self.low]
                more = stop - limit > 0 and (self.low is None or entries[stop - limit - 1][0] >= self.low)
            rows = [self.store.rows[(number, self.kind)] for _, number in taken]
        for (value, _), row in zip(taken, rows, strict=True):
            if self.query.keeps(self.partition, value) and self.query.filters.matches(row):
                self.buffer.append((self.query.ordered(self.partition, value), row))
        if taken and more:
            self.last = taken[-1][0]
            self.frontier = self.query.ordered(self.partition, self.last)
        else:
            self.done = True
        return len(taken)


class MemoryLists:
    """``TicketLists`` over the same rows and counters the DynamoDB adapter keeps, read the way it reads them:
    each partition from its place in a sorted index, a page's partitions merged in order, a row more than a
    page from each, filters costing the rows they evaluate, up to ``query.budget`` per request."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def page(self, query: ListQuery) -> Page:
        if query.number is not None:
            return self._by_number(query)
        streams = []
        for partition in dict.fromkeys(query.partitions):
            bounds = query.bounds(partition)
            if bounds is not None:
                streams.append(_Stream(self._store, query, partition, bounds))
        return listing.merge_page(query, streams)

    def _by_number(self, query: ListQuery) -> Page:
        with self._store.lock:
            rows = [r for kind in RowKind if (r := self._store.rows.get((query.number or 0, kind))) is not None]
        kept = [
            r
            for r in rows
            if r.partition in query.partitions
            and query.holds(r.partition, r.sort_value(query.attribute))
            and query.filters.matches(r)
        ]
        return Page(rows=tuple(kept[:1]), after=None, items_read=len(rows))

    def count(self, query: ListQuery) -> listing.Tally:
        """The rows of the query's partitions in its key range that pass its filters (``after`` ignored),
        partition after partition, each read from its place in its sorted index as a Query of the range reads
        it (never the whole table), until ``query.budget`` rows were evaluated."""
        query = replace(query, after=None)
        if query.number is not None:
            with self._store.lock:
                rows = [r for kind in RowKind if (r := self._store.rows.get((query.number, kind))) is not None]
            held = [
                r
                for r in rows
                if r.partition in query.partitions and query.holds(r.partition, r.sort_value(query.attribute))
            ]
            return listing.Tally(sum(query.filters.matches(r) for r in held), True, len(held))
        found = read = 0
        for partition in dict.fromkeys(query.partitions):
            bounds = query.bounds(partition)
            if bounds is None:
                continue
            low, high = bounds
            kind = RowKind(partition.split("#", 2)[1])  # LIST#<kind>#<owner>#<status>
            with self._store.lock:
                entries = self._store.indexes.get((partition, query.attribute), [])
                first = 0 if low is None else bisect.bisect_left(entries, low, key=lambda e: e[0])
                last = len(entries) if high is None else bisect.bisect_right(entries, high, key=lambda e: e[0])
                rows = [self._store.rows[(number, kind)] for _, number in entries[first:last]]
            for row in rows:
                if read >= query.budget:
                    return listing.Tally(found, False, read)
                read += 1
                found += query.filters.matches(row)
        return listing.Tally(found, True, read)

    def counts(self, kind: RowKind, owner: str, consistent: bool = False) -> Counts:  # noqa: ARG002 (always)
        pk = listing.counts_partition(kind, owner)
        with self._store.lock:
            items = [(sk, dict(v)) for sk, v in self._store.tallies.get(pk, {}).items()]
        return listing.counts_from_items(items)
