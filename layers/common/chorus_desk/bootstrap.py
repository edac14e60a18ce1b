"""Composition root: the ports of this execution environment, built once, on first use.

Routes receive them through Powertools' ``Depends(bootstrap.ports)``; tests replace them with
``app.dependency_overrides[bootstrap.ports]`` (or clear the caches to rebuild against a fresh moto).
The mailer and the signing key are built only by the functions that use them; the captcha artist is a
heavy library's, so the public function provides it itself (``captcha_artist`` is overridden there).
"""

from __future__ import annotations

from functools import lru_cache

from chorus_desk.observability import trace_aws_calls
from chorus_desk.ports import CaptchaArtist, FileStorage, Mailer, Ports, SigningKey
from chorus_desk.settings import FilesSettings, MailSettings, SigningSettings, TableSettings, load_settings


@lru_cache(maxsize=1)
def ports() -> Ports:
    """The AWS-backed ports (the adapters are imported here, not at cold start of functions without them)."""
    from chorus_desk.adapters.dynamodb import dynamodb_ports

    trace_aws_calls()
    return dynamodb_ports(load_settings(TableSettings).table_name)


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
def files_settings() -> FilesSettings:
    return load_settings(FilesSettings)


@lru_cache(maxsize=1)
def file_storage() -> FileStorage:
    from chorus_desk.adapters.s3 import S3Files

    return S3Files(files_settings().bucket)


def captcha_artist() -> CaptchaArtist:
    """Overridden by the public function (``app.dependency_overrides``), the only one with the library."""
    raise NotImplementedError("only the public function draws captchas")


def clear() -> None:
    """Forget the adapters built so far (tests that start a fresh moto account)."""
    for provider in (ports, mailer, signing_key, files_settings, file_storage):
        provider.cache_clear()
