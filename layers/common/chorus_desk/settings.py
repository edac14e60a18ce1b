"""Configuration of each function, read from its environment and validated once, at cold start.

A function loads only the class it needs (the catalogue needs no table); a missing or invalid variable
stops the function at init with ``SettingsError`` naming it, instead of failing on the first request.
"""

from __future__ import annotations

import os
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class SettingsError(RuntimeError):
    """The function's environment lacks a variable it needs, or holds an invalid value."""


class ApiSettings(BaseModel):
    """Every function behind the API: the stage and the one web origin allowed by CORS."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    stage: str = Field(alias="STAGE", min_length=1)
    cors_origin: str = Field(alias="CORS_ORIGIN", pattern=r"^https?://[A-Za-z0-9.-]+(:[0-9]+)?$")


class TableSettings(ApiSettings):
    """Functions that read or write the desk's DynamoDB table."""

    table_name: str = Field(alias="TABLE_NAME", min_length=3)


S = TypeVar("S", bound=BaseModel)


def load_settings(kind: type[S]) -> S:
    """``kind`` from the environment, or ``SettingsError`` naming each missing or invalid variable."""
    try:
        return kind.model_validate(dict(os.environ))
    except ValidationError as exc:
        problems = ", ".join(
            f"{'.'.join(str(p) for p in e['loc'])} ({'missing' if e['type'] == 'missing' else e['msg']})"
            for e in exc.errors()
        )
        raise SettingsError(f"{kind.__name__}: invalid environment: {problems}") from None
