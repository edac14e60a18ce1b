"""The memo of Powertools' per-request work (chorus_desk.api.resolver_memo): the same answers as Powertools' own
functions for every route of every function, and, once a route has served, no type hints computed again."""

from __future__ import annotations

import sys
import typing
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

import pytest
from aws_lambda_powertools.event_handler import depends
from aws_lambda_powertools.event_handler.api_gateway import Route
from aws_lambda_powertools.event_handler.middlewares import openapi_validation

from chorus_desk.api import resolver_memo
from local_stack.template import api_routes, load_handler_module
from tests.support import Api


def every_route(template: dict[str, Any]) -> Iterator[tuple[str, Route]]:
    for function in sorted({r.function for r in api_routes(template)}):
        app = load_handler_module(template, function).app
        for route in app._static_routes + app._dynamic_routes:  # Powertools' own list of what it serves
            yield function, route


def dependencies_of(func: Callable[..., Any]) -> Iterator[Callable[..., Any]]:
    """Every callable ``func`` depends on through ``Depends``, however deep."""
    hints = typing.get_type_hints(func, include_extras=True)
    for annotation in hints.values():
        found = depends._get_depends_from_annotation(annotation)
        if found is not None:
            yield found.dependency
            yield from dependencies_of(found.dependency)


def shape(annotation: Any) -> Any:
    """An annotation as a comparable value: a ``Depends`` written inside a string annotation is built anew by each
    evaluation, so it is compared by what it holds (its callable and its cache flag), not by identity."""
    if isinstance(annotation, depends.Depends):
        return ("Depends", annotation.dependency, annotation.use_cache)
    args = typing.get_args(annotation)
    if args:
        return (typing.get_origin(annotation), tuple(shape(a) for a in args))
    return annotation


def shapes(hints: dict[str, Any]) -> dict[str, Any]:
    return {name: shape(annotation) for name, annotation in hints.items()}


def test_the_memo_answers_as_powertools_for_every_route_and_every_dependency(template: dict[str, Any]) -> None:
    original_hints, original_scalar = resolver_memo.originals()
    routes = list(every_route(template))
    assert len(routes) >= len(api_routes(template))  # every route served (CORS's OPTIONS aside, read as well)
    fields = 0
    for function, route in routes:
        for func in [route.func, *dependencies_of(route.func)]:
            for extras in (False, True):
                expected = shapes(original_hints(func, include_extras=extras))
                given = shapes(resolver_memo.type_hints(func, include_extras=extras))
                assert given == expected, (function, route.rule)
                assert shapes(resolver_memo.type_hints(func, include_extras=extras)) == expected  # from the memo
        for field in [*route.dependant.query_params, *route.dependant.header_params]:
            fields += 1
            assert resolver_memo.is_scalar_field(field) is original_scalar(field), (function, route.rule, field.name)
            assert resolver_memo.is_scalar_field(field) is original_scalar(field)
    assert fields > 20  # the lists' and the search's query parameters among them


def test_a_caller_changing_the_hints_it_was_given_does_not_change_the_next_answer() -> None:
    def route(number: int, comment: str | None = None) -> dict[str, int]:
        return {"number": number}

    given = resolver_memo.type_hints(route)
    given["number"] = str
    assert resolver_memo.type_hints(route) == {"number": int, "comment": str | None, "return": dict[str, int]}


def hints_computed_during(act: Callable[[], object]) -> int:
    """How many times ``typing.get_type_hints`` runs (called by anyone) while ``act`` runs."""
    calls = 0
    code = typing.get_type_hints.__code__

    def profile(frame: FrameType, event: str, _arg: object) -> None:
        nonlocal calls
        if event == "call" and frame.f_code is code:
            calls += 1

    sys.setprofile(profile)
    try:
        act()
    finally:
        sys.setprofile(None)
    return calls


def test_once_a_route_has_served_its_next_requests_compute_no_type_hints(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.create("marie", title="Facture de novembre")
    query = {"side": "EMITTER", "words": "facture"}

    def search() -> None:
        reply = api.call("search_tickets", "marie", query=query)
        assert reply.status == 200, reply.body
        assert [item["title"] for item in reply.body["items"]] == ["Facture de novembre"]

    search()
    assert hints_computed_during(search) == 0
    # Powertools' own functions put back: every request computes them again (what the memo saves).
    original_hints, original_scalar = resolver_memo.originals()
    monkeypatch.setattr(depends, "get_type_hints", original_hints)
    monkeypatch.setattr(openapi_validation, "is_scalar_field", original_scalar)
    search()
    assert hints_computed_during(search) >= 5
