"""Composition root: the ports of this execution environment, built once, on first use.

Routes receive them through Powertools' ``Depends(bootstrap.ports)``; tests replace them with
``app.dependency_overrides[bootstrap.ports]`` (or clear the caches to rebuild against a fresh moto).
The mailer and the signing key are built only by the functions that use them; the captcha artist is a
heavy library's, so the public function provides it itself (``captcha_artist`` is overridden there), and so
does the exports function with its XLSX and PDF writer (``document_writer``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from chorus_desk.chats import OfficeHours
from chorus_desk.observability import trace_aws_calls
from chorus_desk.ports import (
    CaptchaArtist,
    CompanyRegistry,
    DocumentWriter,
    EventPublisher,
    FileStorage,
    InvitationRequests,
    Invitations,
    Mailer,
    MailJournal,
    Ports,
    Pusher,
    SigningKey,
    TokenVerifier,
    Workflow,
)
from chorus_desk.settings import (
    AgentMfaSettings,
    AssistantProfileSettings,
    ChatHoursSettings,
    ChatSettings,
    FilesSettings,
    InvitationsSettings,
    MailSettings,
    PseudonymSettings,
    RegistrySettings,
    ResendRequestsSettings,
    SigningSettings,
    SireneSettings,
    StructuresSettings,
    TableSettings,
    load_settings,
)


@lru_cache(maxsize=1)
def ports() -> Ports:
    """The AWS-backed ports (the adapters are imported here, not at cold start of functions without them)."""
    from chorus_desk.adapters.dynamodb import dynamodb_ports

    trace_aws_calls()
    return dynamodb_ports(load_settings(TableSettings).table_name)


@lru_cache(maxsize=1)
def agent_mfa_required() -> bool:
    """Whether the support's agents must have signed in with a second factor (``AGENT_MFA_REQUIRED``)."""
    return load_settings(AgentMfaSettings).required


@lru_cache(maxsize=1)
def mailer() -> Mailer:
    from chorus_desk.adapters.ses import SesMailer

    settings = load_settings(MailSettings)
    return SesMailer(settings.mail_sender, settings.mail_configuration_set)


@lru_cache(maxsize=1)
def signing_key() -> SigningKey:
    from chorus_desk.adapters.secrets import SecretSigningKey

    return SecretSigningKey(load_settings(SigningSettings).signing_secret_name)


@lru_cache(maxsize=1)
def pseudonym_key() -> SigningKey:
    """The key of the keyed pseudonyms (the template's PseudonymSecret), read on first use and cached."""
    from chorus_desk.adapters.secrets import SecretSigningKey

    return SecretSigningKey(load_settings(PseudonymSettings).pseudonym_secret_name)


@lru_cache(maxsize=1)
def files_settings() -> FilesSettings:
    return load_settings(FilesSettings)


@lru_cache(maxsize=1)
def file_storage() -> FileStorage:
    from chorus_desk.adapters.s3 import S3Files

    return S3Files(files_settings().bucket)


@lru_cache(maxsize=1)
def registry() -> CompanyRegistry:
    """INSEE's Sirene API, or the local registry of demo establishments (``COMPANY_REGISTRY=LOCAL``)."""
    if load_settings(RegistrySettings).registry == "LOCAL":
        from chorus_desk.adapters.local_registry import LocalRegistry

        return LocalRegistry()
    from chorus_desk.adapters.sirene import ParameterApiKey, SireneRegistry

    settings = load_settings(SireneSettings)
    return SireneRegistry(settings, ParameterApiKey(settings.key_name, settings.key_source))


@lru_cache(maxsize=1)
def workflow() -> Workflow:
    from chorus_desk.adapters.stepfunctions import StepFunctionsWorkflow

    return StepFunctionsWorkflow(load_settings(StructuresSettings).state_machine_arn)


@lru_cache(maxsize=1)
def invitations() -> Invitations:
    """Cognito's invitations: ``InvitationsFunction`` only (the assistants ask it through ``resend_requests``)."""
    from chorus_desk.adapters.cognito import CognitoInvitations

    return CognitoInvitations(load_settings(InvitationsSettings).user_pool_id)


@lru_cache(maxsize=1)
def resend_requests() -> InvitationRequests:
    """Where the assistants put their requests to send an invitation again: the desk's event bus."""
    from chorus_desk.adapters.eventbridge import EventBridgeInvitationRequests

    return EventBridgeInvitationRequests(load_settings(ResendRequestsSettings).desk_bus_name)


@lru_cache(maxsize=1)
def event_publisher() -> EventPublisher:
    """Where the tickets' lifecycle events go: the desk's event bus (``EventsFunction`` only)."""
    from chorus_desk.adapters.eventbridge import EventBridgePublisher

    return EventBridgePublisher()


@lru_cache(maxsize=1)
def event_journal() -> MailJournal:
    """Which lifecycle events were published: ``PUBLISHED#<event id>`` items of the table."""
    from chorus_desk.adapters.dynamodb.mail_journal import DynamoMailJournal
    from chorus_desk.adapters.dynamodb.table import Table, client

    return DynamoMailJournal(Table(client(), load_settings(TableSettings).table_name), prefix="PUBLISHED")


@lru_cache(maxsize=1)
def assistant_profile() -> AssistantProfileSettings:
    """The assistant's name and the pages its answers point to (both assistant functions)."""
    return load_settings(AssistantProfileSettings)


@lru_cache(maxsize=1)
def chat_settings() -> ChatSettings:
    """The live chat's settings (its functions only)."""
    return load_settings(ChatSettings)


@lru_cache(maxsize=1)
def chat_hours() -> OfficeHours:
    """When the live chat's agents answer (the chat's functions and the assistants)."""
    return load_settings(ChatHoursSettings).hours


@lru_cache(maxsize=1)
def pusher() -> Pusher:
    """PostToConnection on the WebSocket API's stage (the chat's functions)."""
    from chorus_desk.adapters.apigateway import stage_pusher

    trace_aws_calls()
    settings = chat_settings()
    return stage_pusher(settings.api_id, settings.stage, settings.callback_url)


def token_verifier() -> TokenVerifier:
    """Overridden by the $connect function, the only one with the JWT library (functions/chat_connect)."""
    raise NotImplementedError("only the chat's $connect function checks IdTokens")


def prime(app: Any | None = None, *builders: Callable[[], object]) -> None:
    """Build now what a function's first request would build: the table's client and ports (functions given
    ``TABLE_NAME``), the other clients its handler names (``builders``: providers of this module that only build
    a client, never call AWS) and, for a function behind the API, the request and response models of each of its
    routes (Powertools builds a route's models on its first call). ``make bench`` counts it in the cold start
    (bench/coldstart.py); with SnapStart it runs before the snapshot (``on_snapshot``), so a restored
    environment serves its first request with it all built."""
    if os.environ.get("TABLE_NAME"):
        ports()
    for build in builders:
        build()
    for route in getattr(app, "_static_routes", []) + getattr(app, "_dynamic_routes", []):
        _ = route.dependant, route.body_field  # Powertools' lazily built parameter and body models


# What the handler module loaded last asked ``on_snapshot`` to prime (``prime_as_registered``: the bench).
_registered: list[Any] = []


def on_snapshot(app: Any | None = None, *builders: Callable[[], object]) -> None:
    """Have Lambda run ``prime(app, *builders)`` before it snapshots the function (SnapStart), called last by
    every handler module. ``snapshot_restore_python`` exists in Lambda's Python runtime only; elsewhere (tests,
    the local stack, the bench) nothing is registered with it."""
    _registered[:] = [app, *builders]
    try:
        from snapshot_restore_python import register_before_snapshot  # type: ignore[import-not-found]
    except ImportError:
        return
    register_before_snapshot(prime, app, *builders)


def prime_as_registered() -> None:
    """``prime`` with what the last handler module loaded registered (bench/coldstart.py, tests)."""
    prime(*_registered)


def captcha_artist() -> CaptchaArtist:
    """Overridden by the public function (``app.dependency_overrides``), the only one with the library."""
    raise NotImplementedError("only the public function draws captchas")


def document_writer() -> DocumentWriter:
    """Overridden by the exports function (``app.dependency_overrides``), the only one with the XLSX and PDF
    libraries."""
    raise NotImplementedError("only the exports function writes XLSX and PDF documents")


def clear() -> None:
    """Forget the adapters built so far (tests that start a fresh moto account)."""
    for provider in (ports, mailer, signing_key, files_settings, file_storage, registry, workflow, invitations):
        provider.cache_clear()
    pseudonym_key.cache_clear()
    resend_requests.cache_clear()
    event_publisher.cache_clear()
    event_journal.cache_clear()
    chat_settings.cache_clear()
    pusher.cache_clear()
