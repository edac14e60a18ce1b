"""`make bench` (the public directory): what one page of « Rechercher » a recipient (GET /structures) reads as the
directory grows, with 1,000 and with 100,000 structures (``--structures``).

The structures are the adapter's own items (``import_structures``: profile, services, directory entries), put
straight into moto's table in-process: moto recomputes an item's size attribute by attribute on every put, which
makes 100,000 structures through the API take most of an hour. The searches then go through the use case, the
DynamoDB adapter and moto's Query; what is counted is DynamoDB's ``ScannedCount`` (the items a Query evaluates,
what a read is billed on) and the number of Queries per page.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import boto3
from moto import mock_aws
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict

import tests.conftest  # noqa: F401  # the tests' environment: dummy credentials, table name, Powertools quiet
from chorus_desk.adapters.dynamodb import dynamodb_ports
from chorus_desk.adapters.dynamodb.directory import structure_items
from chorus_desk.adapters.dynamodb.table import to_item
from chorus_desk.models import Service, Structure
from chorus_desk.usecases.directory import SearchStructures, search_structures
from local_stack.template import load_template, table_definition

KINDS = (  # (designation before the town, share of the directory in tenths)
    ("Commune de", 4),
    ("Centre communal d'action sociale de", 2),
    ("Syndicat des eaux de", 1),
    ("Collège de", 1),
    ("Centre hospitalier de", 1),
    ("École élémentaire de", 1),
)
SYLLABLES = ("ra", "ve", "lon", "mar", "tin", "bel", "cour", "fon", "ta", "ine", "mon", "val", "ber", "gues", "sau")
SEARCHES: tuple[tuple[str, SearchStructures], ...] = (
    ("a word (« commune »)", SearchStructures(name="commune")),
    ("two words (« commune de »)", SearchStructures(name="commune de")),
    ("a word prefix (« centre hosp »)", SearchStructures(name="centre hosp")),
    ("a SIREN prefix (« 2000 »)", SearchStructures(siret="2000")),
    ("a département (« 75 »)", SearchStructures(postcode="75")),
    ("a town (« ra »)", SearchStructures(town="ra")),
)


def town(i: int) -> str:
    n = len(SYLLABLES)
    return (SYLLABLES[i % n] + SYLLABLES[(i // n) % n] + SYLLABLES[(i // n // n) % n]).capitalize()


def structures(count: int) -> Iterator[Structure]:
    """``count`` structures, nine in ten public and active, each with a service."""
    kinds = [kind for kind, share in KINDS for _ in range(share)]
    for i in range(count):
        yield Structure(
            siret=f"2{i:08d}{i % 100000:05d}",
            designation=f"{kinds[i % len(kinds)]} {town(i // len(kinds))}",
            public=i % 10 != 9,
            active=True,
            postcode=f"{i % 20 + 60:02d}{i % 1000:03d}",
            town=town(i // len(kinds)),
            services=(Service(code="FIN", name="Service financier"),),
        )


def load(table: Any, count: int) -> int:
    """Put the structures' items into moto's table as its put would store them; how many items. Equal values are
    one shared (read-only) ``DynamoType``: a structure's designation, words and services repeat on its entries."""
    written = 0
    shared: dict[str, DynamoType] = {}

    def typed(value: dict[str, Any]) -> DynamoType:
        key = json.dumps(value, sort_keys=True)
        if key not in shared:
            shared[key] = DynamoType(value)
        return shared[key]

    for structure in structures(count):
        shared.clear()  # within one structure only: the table keeps no more than it would
        for values in structure_items(structure):
            attrs = to_item(values)
            item: Any = Item.__new__(Item)  # what Item() builds, without its size check per attribute
            item.hash_key, item.range_key = DynamoType(attrs["PK"]), DynamoType(attrs["SK"])
            item.attrs = LimitedSizeDict()
            dict.update(item.attrs, {k: typed(v) for k, v in attrs.items()})
            table.items[item.hash_key][item.range_key] = item
            written += 1
    return written


@contextmanager
def string_keys_compared_as_strings() -> Iterator[None]:
    """moto compares key values through ``DynamoType.cast_value`` (its Query filters the whole table on the partition
    key, then sorts the partition): with 100,000 structures that is minutes per Query. Two string values compare
    here as the strings themselves, the order moto gives them anyway; what DynamoDB reports (``ScannedCount``) is
    unchanged."""
    equal, less = DynamoType.__eq__, DynamoType.__lt__

    def fast_equal(self: DynamoType, other: Any) -> bool:
        if isinstance(other, DynamoType) and self.type == other.type == "S":
            return bool(self.value == other.value)
        return bool(equal(self, other))

    def fast_less(self: DynamoType, other: Any) -> bool:
        if isinstance(other, DynamoType) and self.type == other.type == "S":
            return bool(self.value < other.value)
        return bool(less(self, other))

    DynamoType.__eq__, DynamoType.__lt__ = fast_equal, fast_less  # type: ignore[method-assign]
    try:
        yield
    finally:
        DynamoType.__eq__, DynamoType.__lt__ = equal, less  # type: ignore[method-assign]


class Counted:
    """The Queries made and the items they evaluated (``ScannedCount``)."""

    def __init__(self) -> None:
        self.queries = 0
        self.examined = 0

    def __call__(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name == "Query":
            self.queries += 1
            self.examined += int(parsed.get("ScannedCount", 0))


def measure(count: int) -> tuple[int, float, dict[str, list[tuple[int, int, int]]]]:
    """Items in the table, seconds to load them, and per search: (queries, items examined, results) for pages 1
    and 2 (size 10)."""
    template = load_template()
    with mock_aws(), string_keys_compared_as_strings():
        client = boto3.client("dynamodb")
        definition = table_definition(template, "DeskTable", os.environ["TABLE_NAME"])
        definition.pop("StreamSpecification", None)  # no stream records for a bulk load
        client.create_table(**definition)
        backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_DEFAULT_REGION"]]
        table = backend.get_table(definition["TableName"])
        started = time.monotonic()
        items = load(table, count)
        loaded = time.monotonic() - started
        ports = dynamodb_ports(os.environ["TABLE_NAME"], client)
        counted = Counted()
        client.meta.events.register("after-call.dynamodb.Query", counted)
        figures: dict[str, list[tuple[int, int, int]]] = {}
        for label, first in SEARCHES:
            pages = []
            command = first
            for _ in range(2):
                counted.queries = counted.examined = 0
                results = search_structures(ports, command)
                pages.append((counted.queries, counted.examined, len(results.entries)))
                if results.cursor is None:
                    break
                command = replace(first, cursor=results.cursor)
            figures[label] = pages
    return items, loaded, figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--structures", type=int, nargs=2, default=[1000, 100000])
    args = parser.parse_args(argv)
    small_count, large_count = args.structures
    small, large = measure(small_count), measure(large_count)
    print("\n## The public directory: one page of « Rechercher » (GET /structures, 10 per page)\n")
    print(f"{small_count} structures: {small[0]} items (loaded in {small[1]:.0f} s); "
          f"{large_count}: {large[0]} items (loaded in {large[1]:.0f} s)\n")  # fmt: skip
    print(f"| search | page | Queries | items examined ({small_count}) | items examined ({large_count}) | ratio |")
    print("|---|---|---|---|---|---|")
    ratios = []
    for label, pages in large[2].items():
        for page, (queries, examined, _) in enumerate(pages, start=1):
            before = small[2][label][page - 1][1] if page <= len(small[2][label]) else 0
            ratio = examined / before if before else float("nan")
            ratios.append(ratio)
            print(f"| {label} | {page} | {queries} | {before} | {examined} | {ratio:.2f} |")
    print(f"\nhighest ratio {large_count} / {small_count}: {max(ratios):.2f} (1.00 = a page reads the same, whatever "
          "the directory's size)")  # fmt: skip


if __name__ == "__main__":
    main()
