"""Work Powertools' resolver (3.37.0, pinned) repeats on every request although its answer never changes: memoised.

Two pure functions of its event handler, asked the same question on every request, answer from a cache here:

- ``typing.get_type_hints`` as ``event_handler.depends`` calls it: its dependency injection reads the type hints of
  the route and of each ``Depends`` callable once per request (ten calls for a route of this desk), although a
  function's annotations are fixed once it is defined;
- ``is_scalar_field`` as the request validation calls it for each declared query parameter and header of the route,
  although a route's parameters are built once, when the route is registered.

Measured by ``python -m bench.peer profile`` (docs/benchmarks.md): about a third of a search's CPU before. The
answers are the original functions' own (``tests/test_resolver_memo.py`` holds them equal for every route of every
function), only not computed again. Applied once, by ``chorus_desk.api.http`` before it builds a resolver; if a
Powertools upgrade renames what is memoised here, the import fails loudly rather than silently not applying.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import depends as _depends
from aws_lambda_powertools.event_handler.middlewares import openapi_validation as _validation
from aws_lambda_powertools.event_handler.openapi.compat import ModelField

# Names these modules import for their own use (not exported: hence the ignores).
_original_type_hints: Callable[..., dict[str, Any]] = _depends.get_type_hints  # type: ignore[attr-defined]
_original_is_scalar: Callable[[ModelField], bool] = _validation.is_scalar_field  # type: ignore[attr-defined]

# Keyed by the function itself (functions hash by identity and are kept alive by the key: no reuse of an id).
_hints: dict[tuple[object, bool], dict[str, Any]] = {}
# A ModelField is not hashable: keyed by id, the field kept in the value so that its id cannot be reused.
_scalars: dict[int, tuple[ModelField, bool]] = {}
_LIMIT = 4096  # a bound in case a caller keeps creating functions (tests' overrides): the cache starts again


def type_hints(obj: object, globalns: Any = None, localns: Any = None, include_extras: bool = False) -> dict[str, Any]:
    """``typing.get_type_hints(obj, include_extras=…)``, once per function; a copy, as the original returns a new
    dict each time (a caller may change it)."""
    if globalns is not None or localns is not None:
        return _original_type_hints(obj, globalns, localns, include_extras)
    key = (obj, include_extras)
    found = _hints.get(key)
    if found is None:
        found = _original_type_hints(obj, include_extras=include_extras)
        if len(_hints) >= _LIMIT:
            _hints.clear()
        _hints[key] = found
    return dict(found)


def is_scalar_field(field: ModelField) -> bool:
    """``is_scalar_field(field)``, once per field of a route."""
    found = _scalars.get(id(field))
    if found is None or found[0] is not field:
        found = (field, _original_is_scalar(field))
        if len(_scalars) >= _LIMIT:
            _scalars.clear()
        _scalars[id(field)] = found
    return found[1]


def apply() -> None:
    """Put the memoised functions where Powertools' event handler looks them up (idempotent)."""
    _depends.get_type_hints = type_hints  # type: ignore[attr-defined]
    _validation.is_scalar_field = is_scalar_field  # type: ignore[attr-defined]


def originals() -> tuple[Callable[..., dict[str, Any]], Callable[[ModelField], bool]]:
    """The functions memoised here, as Powertools defines them (for the tests that hold both equal)."""
    return _original_type_hints, _original_is_scalar
