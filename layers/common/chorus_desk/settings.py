"""Configuration, read once from the environment at cold start."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    table_name: str = Field(alias="TABLE_NAME", min_length=3)
    stage: str = Field("dev", alias="STAGE")
    cors_origin: str = Field("http://localhost:3000", alias="CORS_ORIGIN")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()  # values come from the environment
