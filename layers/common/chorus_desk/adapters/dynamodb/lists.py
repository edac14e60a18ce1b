"""``TicketLists`` on DynamoDB: the ticket's list rows (``ROWS#<n>``) read through five sparse indexes, a
page merging its partitions in order, and the dashboard counters (``COUNTS#<kind>#<owner>``)."""

from __future__ import annotations

import dataclasses
from typing import Any

from chorus_desk import listing
from chorus_desk.adapters.dynamodb.keys import row_key
from chorus_desk.adapters.dynamodb.table import Table, from_item, to_item
from chorus_desk.listing import ListQuery, Page, Row


class _Stream:
    """One partition of a page, read lazily in index order: its rows that pass the filters, buffered."""

    def __init__(self, lists: DynamoLists, query: ListQuery, partition: str, bounds: tuple[str | None, str | None]):
        self.lists, self.query, self.partition = lists, query, partition
        self.buffer: list[tuple[str, Row]] = []
        self.start: dict[str, Any] | None = None
        self.done = False
        self.frontier: str | None = None  # the last value evaluated (ordered), filtered out or not
        low, high = bounds
        attribute = query.attribute
        names = {"#pk": "LPK"}
        if low is not None or high is not None:
            names["#sk"] = attribute
        values: dict[str, Any] = {":pk": partition}
        condition = "#pk = :pk"
        if low is not None and high is not None:
            condition += " AND #sk BETWEEN :low AND :high"
            values |= {":low": low, ":high": high}
        elif low is not None:
            condition += " AND #sk >= :low"
            values[":low"] = low
        elif high is not None:
            condition += " AND #sk <= :high"
            values[":high"] = high
        expression, filter_names, filter_values = _filter_expression(query.filters)
        self.request: dict[str, Any] = {
            "IndexName": listing.INDEX_OF[attribute],
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names | filter_names,
            "ExpressionAttributeValues": to_item(values | filter_values),
            "ScanIndexForward": query.direction is listing.Direction.ASC,
        }
        if expression:
            self.request["FilterExpression"] = expression

    def fetch(self, limit: int) -> int:
        """Read up to ``limit`` more rows; how many were evaluated."""
        request = dict(self.request, Limit=limit)
        if self.start:
            request["ExclusiveStartKey"] = self.start
        page = self.lists.table.call("query", TableName=self.lists.table.name, **request)
        attribute = self.query.attribute
        for raw in page.get("Items", []):
            item = from_item(raw)
            if self.query.keeps(self.partition, item[attribute]):
                self.buffer.append((self.query.ordered(self.partition, item[attribute]), Row.from_item(item)))
        self.start = page.get("LastEvaluatedKey")
        if self.start:
            self.frontier = self.query.ordered(self.partition, from_item(self.start)[attribute])
        else:
            self.done = True
        return int(page.get("ScannedCount", len(page.get("Items", []))))


def _filter_expression(filters: listing.Filters) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The criteria the index keys do not answer, as a FilterExpression (same rules as ``Filters.matches``)."""
    clauses: list[str] = []
    names: dict[str, str] = {}
    values: dict[str, Any] = {}

    def equal(attribute: str, value: str | None) -> None:
        if value is not None:
            i = len(values)
            names[f"#f{i}"], values[f":f{i}"] = attribute, value
            clauses.append(f"#f{i} = :f{i}")

    equal("category", filters.category)
    equal("subcategory", filters.subcategory)
    equal("object_key", filters.object_key)
    equal("emitter_siret", filters.emitter_siret)
    equal("recipient_org", filters.recipient_org)
    if filters.recipient_service is not None:
        equal("recipient_service_key", filters.recipient_service)
    if filters.emitter_service is not None:
        equal("emitter_service_key", filters.emitter_service)
    if filters.created_by is not None:
        equal("created_by_id", filters.created_by)
    for bound, operator in ((filters.created_from, ">="), (filters.created_to, "<=")):
        if bound is not None:
            i = len(values)
            names[f"#f{i}"], values[f":f{i}"] = "created", bound
            clauses.append(f"#f{i} {operator} :f{i}")
    for attribute, words in (
        ("words", filters.words),
        ("creator_words", filters.creator_words),
        ("recipient_words", filters.recipient_words),
    ):
        for word in words:
            i = len(values)
            names[f"#f{i}"], values[f":f{i}"] = attribute, f" {word}"
            clauses.append(f"contains(#f{i}, :f{i})")
    return " AND ".join(clauses), names, values


class DynamoLists:
    """``TicketLists``: rows ``ROWS#<n>`` / ``E|R|A`` found through five sparse indexes keyed on the row's
    partition (``LPK``) and one sort value each; counters ``COUNTS#<kind>#<owner>`` / ``ALL`` and
    ``SERVICE#<code>``. A page merges its partitions (several statuses, several organisations) in order,
    reading each a little ahead; filters cost the rows they evaluate, up to ``query.budget`` per request."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def page(self, query: ListQuery) -> Page:
        if query.number is not None:
            return self._by_number(query)
        streams = []
        for partition in dict.fromkeys(query.partitions):
            bounds = query.bounds(partition)
            if bounds is not None:
                streams.append(_Stream(self, query, partition, bounds))
        return listing.merge_page(query, streams)

    def count(self, query: ListQuery) -> listing.Tally:
        """The rows of the query's partitions in its key range that pass its filters (``after`` ignored):
        ``Select=COUNT`` Queries, partition after partition, until ``query.budget`` rows were evaluated."""
        if query.number is not None:
            page = self._by_number(query)
            return listing.Tally(len(page.rows), True, page.items_read)
        query = dataclasses.replace(query, after=None)
        found = read = 0
        for partition in dict.fromkeys(query.partitions):
            bounds = query.bounds(partition)
            if bounds is None:
                continue
            request = dict(_Stream(self, query, partition, bounds).request, Select="COUNT")
            request.pop("ScanIndexForward")
            start: dict[str, Any] | None = None
            while True:
                if read >= query.budget:
                    return listing.Tally(found, False, read)
                ask = dict(request, Limit=query.budget - read)
                if start:
                    ask["ExclusiveStartKey"] = start
                answer = self.table.call("query", TableName=self.table.name, **ask)
                found += int(answer.get("Count", 0))
                read += int(answer.get("ScannedCount", 0))
                start = answer.get("LastEvaluatedKey")
                if not start:
                    break
        return listing.Tally(found, True, read)

    def _by_number(self, query: ListQuery) -> Page:
        """A search by number: the ticket's rows by key (at most three), kept if one is in the partitions, in
        the query's key range (a period or category the range answers) and passes the filters."""
        rows = []
        for kind in listing.RowKind:
            item = self.table.get(row_key(query.number or 0, kind))
            if item is not None:
                rows.append(Row.from_item(item))
        kept = [
            r
            for r in rows
            if r.partition in query.partitions
            and query.holds(r.partition, r.sort_value(query.attribute))
            and query.filters.matches(r)
        ]
        return Page(rows=tuple(kept[:1]), after=None, items_read=len(rows))

    def counts(self, kind: listing.RowKind, owner: str, consistent: bool = False) -> listing.Counts:
        pk = listing.counts_partition(kind, owner)
        items = self.table.query(
            KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": {"S": pk}}, ConsistentRead=consistent
        )
        return listing.counts_from_items(
            (item["SK"], {k: int(v) for k, v in item.items() if k not in {"PK", "SK"}}) for item in items
        )
