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


class SigningSettings(BaseModel):
    """Functions that sign or check the status links of non-connected tickets."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    signing_secret_name: str = Field(alias="SIGNING_SECRET_NAME", min_length=1)
    status_link_days: int = Field(alias="STATUS_LINK_DAYS", default=90, ge=1, le=365)


class PublicSettings(TableSettings, SigningSettings):
    """The public function (no authorizer): captcha, non-connected tickets, status links, abuse limits."""

    captcha_seconds: int = Field(alias="CAPTCHA_SECONDS", default=300, ge=30, le=3600)
    tickets_per_hour: int = Field(alias="PUBLIC_TICKETS_PER_HOUR", default=5, ge=1)
    tickets_per_day: int = Field(alias="PUBLIC_TICKETS_PER_DAY", default=20, ge=1)
    captchas_per_hour: int = Field(alias="PUBLIC_CAPTCHAS_PER_HOUR", default=30, ge=1)
    captchas_per_day: int = Field(alias="PUBLIC_CAPTCHAS_PER_DAY", default=100, ge=1)


class MailSettings(SigningSettings):
    """The mail function (the table's stream consumer): the table, the SES sender, the status-link page."""

    stage: str = Field(alias="STAGE", min_length=1)
    table_name: str = Field(alias="TABLE_NAME", min_length=3)
    mail_sender: str = Field(alias="MAIL_SENDER", pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    mail_configuration_set: str = Field(alias="MAIL_CONFIGURATION_SET", default="")
    status_page_url: str = Field(alias="STATUS_PAGE_URL", pattern=r"^https?://\S+$")


class FilesSettings(BaseModel):
    """Functions that hand out, check or serve attachments: the bucket and the limits."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    bucket: str = Field(alias="ATTACHMENTS_BUCKET", min_length=3)
    max_bytes: int = Field(alias="ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024, ge=1)
    max_ticket_bytes: int = Field(alias="ATTACHMENT_MAX_TICKET_BYTES", default=50 * 1024 * 1024, ge=1)
    max_count: int = Field(alias="ATTACHMENT_MAX_COUNT", default=20, ge=1, le=100)
    types: str = Field(
        alias="ATTACHMENT_TYPES",
        default="pdf,png,jpg,jpeg,gif,tif,tiff,xml,csv,txt,odt,ods,doc,docx,xls,xlsx,zip",
        pattern=r"^[a-z0-9]+(,[a-z0-9]+)*$",
    )
    malware_scanning: bool = Field(alias="MALWARE_SCANNING", default=False)

    @property
    def extensions(self) -> frozenset[str]:
        return frozenset(self.types.split(","))


class TicketsSettings(TableSettings, FilesSettings):
    """The tickets function: the table, and the attachments it hands out and serves."""
