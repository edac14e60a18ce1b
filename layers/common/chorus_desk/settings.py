"""Configuration of each function, read from its environment and validated once, at cold start.

A function loads only the class it needs (the catalogue needs no table); a missing or invalid variable
stops the function at init with ``SettingsError`` naming it, instead of failing on the first request.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

if TYPE_CHECKING:
    from chorus_desk.chats import OfficeHours


class SettingsError(RuntimeError):
    """The function's environment lacks a variable it needs, or holds an invalid value."""


class ApiSettings(BaseModel):
    """Every function behind the API: the stage and the one web origin allowed by CORS."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    stage: str = Field(alias="STAGE", min_length=1)
    cors_origin: str = Field(alias="CORS_ORIGIN", pattern=r"^https?://[A-Za-z0-9.-]+(:[0-9]+)?$")


class AgentMfaSettings(BaseModel):
    """Whether an agent of the technical support must have signed in with a second factor (the template's
    ``AgentMfa`` parameter): off unless set, as in the local stack, whose tokens carry no ``amr``."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    required: bool = Field(alias="AGENT_MFA_REQUIRED", default=False)


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

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    signing_secret_name: str = Field(alias="SIGNING_SECRET_NAME", min_length=1)
    status_link_days: int = Field(alias="STATUS_LINK_DAYS", default=90, ge=1, le=365)


class PseudonymSettings(BaseModel):
    """Functions that count per address (chorus_desk.pseudonyms): the secret keying the pseudonyms."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    pseudonym_secret_name: str = Field(alias="PSEUDONYM_SECRET_NAME", min_length=1)


class PublicSettings(TableSettings, SigningSettings):
    """The public function (no authorizer): captcha, non-connected tickets, status links, abuse limits."""

    captcha_seconds: int = Field(alias="CAPTCHA_SECONDS", default=300, ge=30, le=3600)
    tickets_per_hour: int = Field(alias="PUBLIC_TICKETS_PER_HOUR", default=5, ge=1)  # tickets filed
    tickets_per_day: int = Field(alias="PUBLIC_TICKETS_PER_DAY", default=20, ge=1)
    attempts_per_hour: int = Field(alias="PUBLIC_ATTEMPTS_PER_HOUR", default=30, ge=1)  # refused attempts
    attempts_per_day: int = Field(alias="PUBLIC_ATTEMPTS_PER_DAY", default=100, ge=1)
    captchas_per_hour: int = Field(alias="PUBLIC_CAPTCHAS_PER_HOUR", default=30, ge=1)
    captchas_per_day: int = Field(alias="PUBLIC_CAPTCHAS_PER_DAY", default=100, ge=1)


class MailSettings(SigningSettings):
    """The mail function (the table's stream consumer): the table, the SES sender, the status-link page."""

    stage: str = Field(alias="STAGE", min_length=1)
    table_name: str = Field(alias="TABLE_NAME", min_length=3)
    mail_sender: str = Field(alias="MAIL_SENDER", pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    mail_configuration_set: str = Field(alias="MAIL_CONFIGURATION_SET", default="")
    # The portal's status page; the link is this address, "#", the token (no fragment or query of its own).
    status_page_url: str = Field(alias="STATUS_PAGE_URL", pattern=r"^https?://[^\s#?]+$")
    # The non-connected form's confirmations one recipient address may receive per day (then none is sent).
    mails_per_recipient_per_day: int = Field(alias="PUBLIC_MAILS_PER_RECIPIENT_PER_DAY", default=10, ge=1)
    # The assistant's name in a live chat's transcript.
    assistant_name: str = Field(alias="ASSISTANT_NAME", default="ClaudIA", min_length=1, max_length=40)


class FilesSettings(BaseModel):
    """Functions that hand out, check or serve attachments: the bucket and the limits."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

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


class SireneSettings(BaseModel):
    """Functions that look establishments up in the INSEE Sirene API: where its key is kept (an SSM
    SecureString parameter, or a Secrets Manager secret), and how long a lookup may wait. The defaults keep a
    lookup, retries included, within ``deadline`` seconds: well inside an API function's 10-second timeout."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    # https only: the request carries the integration key, and the answer decides what a structure may do.
    base_url: str = Field(
        alias="SIRENE_BASE_URL", default="https://api.insee.fr/api-sirene/3.11", pattern=r"^https://[^\s?#]+[^/\s?#]$"
    )
    key_name: str = Field(alias="SIRENE_KEY_NAME", min_length=1)
    key_source: str = Field(alias="SIRENE_KEY_SOURCE", default="ssm", pattern=r"^(ssm|secretsmanager)$")
    connect_timeout: float = Field(alias="SIRENE_CONNECT_TIMEOUT", default=2.0, gt=0, le=30)
    read_timeout: float = Field(alias="SIRENE_READ_TIMEOUT", default=3.0, gt=0, le=60)
    max_attempts: int = Field(alias="SIRENE_MAX_ATTEMPTS", default=3, ge=1, le=10)
    backoff_base: float = Field(alias="SIRENE_BACKOFF_BASE", default=0.25, ge=0, le=10)
    max_wait: float = Field(alias="SIRENE_MAX_WAIT", default=2.0, ge=0, le=60)
    deadline: float = Field(alias="SIRENE_DEADLINE", default=7.0, gt=0, le=300)


class ExportsSettings(TableSettings):
    """The exports function: the table, the bucket the exports are written to (and the attachments a ticket's
    archive packs are read from), and the largest CSV answered inline instead of through a link."""

    bucket: str = Field(alias="ATTACHMENTS_BUCKET", min_length=3)
    # Lambda answers at most 6 MB: a larger CSV, and every XLSX, PDF and ZIP, goes through S3 (a 303 to a link).
    inline_max_bytes: int = Field(alias="EXPORT_INLINE_MAX_BYTES", default=1024 * 1024, ge=1, le=5 * 1024 * 1024)


class RegistrySettings(BaseModel):
    """Functions that ask the company registry: INSEE's Sirene API (``SireneSettings``), or the local registry
    of demo establishments (the local stack, a stage without an INSEE key)."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    registry: str = Field(alias="COMPANY_REGISTRY", default="INSEE", pattern=r"^(INSEE|LOCAL)$")


class StructuresSettings(TableSettings, RegistrySettings):
    """The structures function: the table, the registry, and the inactivation state machine it starts."""

    state_machine_arn: str = Field(alias="INACTIVATION_STATE_MACHINE_ARN", pattern=r"^arn:aws[a-z-]*:states:")


class StructureTasksSettings(RegistrySettings):
    """The state machine's tasks: the table and the registry (no API: no CORS origin)."""

    table_name: str = Field(alias="TABLE_NAME", min_length=3)
    move_batch_size: int = Field(alias="MOVE_BATCH_SIZE", default=100, ge=1, le=1000)


class AutoCloseSettings(BaseModel):
    """The automatic closing (``AutoCloseFunction``, run by a schedule): the table, after how many days without
    an action of its emitter a resolved ticket is closed (the template's ``AutoCloseDays``), and how many tickets
    one indexed read finds."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    table_name: str = Field(alias="TABLE_NAME", min_length=3)
    days: int = Field(alias="AUTO_CLOSE_DAYS", default=15, ge=1, le=365)
    page_size: int = Field(alias="AUTO_CLOSE_PAGE_SIZE", default=100, ge=1, le=1000)


class InvitationsSettings(BaseModel):
    """The function that sends an account's invitation again (``InvitationsFunction``): the Cognito user pool."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    user_pool_id: str = Field(alias="USER_POOL_ID", min_length=1)


class ResendRequestsSettings(PseudonymSettings):
    """Functions that ask for an invitation to be sent again (the assistants): the desk's event bus the request
    goes on, and the key of the pseudonym it is counted under (one per address and day)."""

    desk_bus_name: str = Field(alias="DESK_BUS_NAME", min_length=1)


class TicketEventsSettings(TableSettings):
    """The function that publishes the tickets' lifecycle events (``EventsFunction``): the table (its journal)
    and the desk's event bus the events go on."""

    desk_bus_name: str = Field(alias="DESK_BUS_NAME", min_length=1)


_PAGE = r"^https://[^\s<>\"]+$"


class AssistantProfileSettings(BaseModel):
    """Both assistant functions: the assistant's name (the template's ``AssistantName``, « ClaudIA » by default),
    and the « Pour aller plus loin » page of each frequent answer (``FaqLink*``: pages of the Chorus Pro
    community, their defaults documented in the template). No default here: the addresses live in one place."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    name: str = Field(alias="ASSISTANT_NAME", min_length=1, max_length=40, pattern=r"^\S(.*\S)?$")
    link_create_account: str = Field(alias="FAQ_LINK_CREATE_ACCOUNT", pattern=_PAGE)
    link_activation: str = Field(alias="FAQ_LINK_ACTIVATION", pattern=_PAGE)
    link_spaces: str = Field(alias="FAQ_LINK_SPACES", pattern=_PAGE)
    link_manager: str = Field(alias="FAQ_LINK_MANAGER", pattern=_PAGE)
    link_subcontracting: str = Field(alias="FAQ_LINK_SUBCONTRACTING", pattern=_PAGE)
    link_structures: str = Field(alias="FAQ_LINK_STRUCTURES", pattern=_PAGE)

    @property
    def links(self) -> dict[str, str]:
        """The page of each topic that has one, by topic code (``faq.Topic``)."""
        return {
            "CREATE_ACCOUNT": self.link_create_account,
            "ACTIVATION_LINK": self.link_activation,
            "ADD_SPACES": self.link_spaces,
            "MANAGER_LEFT": self.link_manager,
            "SUBCONTRACTING": self.link_subcontracting,
            "STRUCTURE_PROCEDURE": self.link_structures,
        }


class AssistantSettings(StructuresSettings, ResendRequestsSettings, AssistantProfileSettings):
    """The assistant function: the table, the registry and the state machine (the structure procedure), the
    desk's bus and the pseudonym key (activation links, sent by ``InvitationsFunction``), its name and pages."""


class PublicAssistantSettings(TableSettings, ResendRequestsSettings, AssistantProfileSettings):
    """The public assistant: the table (conversations, ratings), the desk's bus and the pseudonym key
    (activation links, sent by ``InvitationsFunction``), its name and pages, and the per-address limits of what
    anyone may ask without an account (conversations, messages)."""

    conversations_per_hour: int = Field(alias="ASSISTANT_CONVERSATIONS_PER_HOUR", default=20, ge=1)
    conversations_per_day: int = Field(alias="ASSISTANT_CONVERSATIONS_PER_DAY", default=60, ge=1)
    messages_per_hour: int = Field(alias="ASSISTANT_MESSAGES_PER_HOUR", default=200, ge=1)
    messages_per_day: int = Field(alias="ASSISTANT_MESSAGES_PER_DAY", default=600, ge=1)


# ------------------------------------------------------------------------------------------ the live chat
def _office_hours(value: str) -> str:
    from chorus_desk.chats import OfficeHours

    OfficeHours.parse(value)  # a ValueError names what is wrong
    return value


class ChatHoursSettings(BaseModel):
    """When the live chat's agents answer (the template's ``ChatOfficeHours``: ISO weekdays and hours, Paris
    time): the chat's functions, and the assistants, whose « Contacter un agent » offers the chat when it is open."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    office_hours: str = Field(alias="CHAT_OFFICE_HOURS", default="1-5 09:00-18:00")

    @field_validator("office_hours")
    @classmethod
    def _valid_hours(cls, value: str) -> str:
        return _office_hours(value)

    @property
    def hours(self) -> OfficeHours:
        from chorus_desk.chats import OfficeHours

        return OfficeHours.parse(self.office_hours)


class ChatSettings(TableSettings, ChatHoursSettings):
    """The chat's functions (WebSocket routes, REST counterparts, the reminder): the table, the WebSocket API whose
    sockets they push to (its management API: ``CHAT_CALLBACK_URL``, or the stage's address built from the API's id),
    the waiting delay before the ticket is offered, how long « disponible » lasts, the largest frame read."""

    api_id: str = Field(alias="CHAT_API_ID", min_length=1)
    callback_url: str = Field(alias="CHAT_CALLBACK_URL", default="", pattern=r"^(https?://[^\s?#]+)?$")
    waiting_seconds: int = Field(alias="CHAT_WAITING_SECONDS", default=300, ge=30, le=3600)
    availability_minutes: int = Field(alias="CHAT_AVAILABILITY_MINUTES", default=120, ge=5, le=720)
    max_frame_bytes: int = Field(alias="CHAT_MAX_FRAME_BYTES", default=8192, ge=1024, le=32768)
    assistant_name: str = Field(alias="ASSISTANT_NAME", default="ClaudIA", min_length=1, max_length=40)

    @property
    def waiting(self) -> timedelta:
        return timedelta(seconds=self.waiting_seconds)

    @property
    def availability(self) -> timedelta:
        return timedelta(minutes=self.availability_minutes)


class PublicChatSettings(ChatSettings, PseudonymSettings):
    """The public chat's function (an anonymous visitor, by their conversation): the chat's settings, the pseudonym
    key of the per-address limits, and those limits (chats opened, messages sent)."""

    starts_per_hour: int = Field(alias="CHAT_STARTS_PER_HOUR", default=10, ge=1)
    starts_per_day: int = Field(alias="CHAT_STARTS_PER_DAY", default=30, ge=1)
    messages_per_hour: int = Field(alias="CHAT_MESSAGES_PER_HOUR", default=300, ge=1)
    messages_per_day: int = Field(alias="CHAT_MESSAGES_PER_DAY", default=1000, ge=1)


class ChatConnectSettings(TableSettings):
    """The $connect function: the table (sockets, a visitor's conversation), the user pool whose IdTokens it checks
    (its JWKS: Cognito's public address for the pool, or ``CHAT_JWKS_URL``), and the support agents' second factor."""

    user_pool_id: str = Field(alias="USER_POOL_ID", min_length=1)  # <region>_<id>
    client_id: str = Field(alias="USER_POOL_CLIENT_ID", min_length=1)
    jwks_url: str = Field(alias="CHAT_JWKS_URL", default="", pattern=r"^(https?://[^\s]+)?$")
    agents_need_mfa: bool = Field(alias="AGENT_MFA_REQUIRED", default=False)

    @property
    def issuer(self) -> str:
        region = self.user_pool_id.split("_", 1)[0] if "_" in self.user_pool_id else os.environ.get("AWS_REGION", "")
        return f"https://cognito-idp.{region}.amazonaws.com/{self.user_pool_id}"

    @property
    def keys_url(self) -> str:
        return self.jwks_url or f"{self.issuer}/.well-known/jwks.json"
