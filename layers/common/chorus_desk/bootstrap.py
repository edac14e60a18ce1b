"""Composition root: the ports of this execution environment, built once, on first use.

Routes receive them through Powertools' ``Depends(bootstrap.ports)``; tests replace them with
``app.dependency_overrides[bootstrap.ports]`` (or clear the cache to rebuild against a fresh moto).
"""

from __future__ import annotations

from functools import lru_cache

from chorus_desk.observability import trace_aws_calls
from chorus_desk.ports import Ports
from chorus_desk.settings import TableSettings, load_settings


@lru_cache(maxsize=1)
def ports() -> Ports:
    """The AWS-backed ports (the adapters are imported here, not at cold start of functions without them)."""
    from chorus_desk.adapters.dynamodb import dynamodb_ports

    trace_aws_calls()
    return dynamodb_ports(load_settings(TableSettings).table_name)
