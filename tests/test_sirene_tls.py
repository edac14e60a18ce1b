"""https only for Sirene (issue 18, point 6): the setting refuses any other scheme, and the adapter talks to an
INSEE whose certificate it can check, or to nobody: the key never leaves over a connection it could not trust.

The fake INSEE (tests/fake_sirene.py) serves TLS with a certificate of an authority made for the test run."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from chorus_desk.adapters.sirene import SireneRegistry
from chorus_desk.errors import RegistryUnavailable
from chorus_desk.observability import logger
from chorus_desk.settings import SettingsError, SireneSettings, load_settings
from tests.fake_sirene import KEY, FakeSirene, fake_sirene, insee_record, trusting_pool

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])

SIRET = "53453679200011"
KEY_NAME = "/chorus-desk/test/insee-api-key"


@pytest.fixture
def fake() -> Iterator[FakeSirene]:
    with fake_sirene() as server:
        server.add(insee_record(SIRET, denomination="MENUISERIE DUPONT"))
        yield server


class Key:
    def key(self) -> str:
        return KEY


def settings_for(base_url: str) -> SireneSettings:
    return SireneSettings.model_validate(
        {
            "SIRENE_BASE_URL": base_url,
            "SIRENE_KEY_NAME": KEY_NAME,
            "SIRENE_MAX_ATTEMPTS": 2,
            "SIRENE_BACKOFF_BASE": 0.01,
            "SIRENE_DEADLINE": 2.0,
        }
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://api.insee.fr/api-sirene/3.11",
        "HTTP://api.insee.fr/api-sirene/3.11",
        "http://127.0.0.1:8080/api-sirene/3.11",
        "ftp://api.insee.fr/api-sirene/3.11",
        "//api.insee.fr/api-sirene/3.11",
        "api.insee.fr/api-sirene/3.11",
    ],
)
def test_the_setting_refuses_anything_but_https(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("SIRENE_KEY_NAME", KEY_NAME)
    monkeypatch.setenv("SIRENE_BASE_URL", url)

    with pytest.raises(SettingsError, match="SIRENE_BASE_URL"):
        load_settings(SireneSettings)


def test_the_setting_takes_an_https_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIRENE_KEY_NAME", KEY_NAME)
    monkeypatch.setenv("SIRENE_BASE_URL", "https://api.insee.fr/api-sirene/3.12")

    assert load_settings(SireneSettings).base_url == "https://api.insee.fr/api-sirene/3.12"


def test_the_adapter_reads_insee_over_tls_when_it_trusts_the_certificate(fake: FakeSirene) -> None:
    assert fake.base_url.startswith("https://127.0.0.1:")
    sirene = SireneRegistry(settings_for(fake.base_url), Key(), pool=trusting_pool(), sleep=lambda _: None)

    assert sirene.lookup(SIRET).name == "MENUISERIE DUPONT"
    (request,) = fake.requests_for(SIRET)
    assert request.headers["X-INSEE-Api-Key-Integration"] == KEY


def test_a_certificate_the_adapter_cannot_check_gets_no_request_and_no_key(
    fake: FakeSirene, caplog: pytest.LogCaptureFixture
) -> None:
    """The adapter's own pool trusts the system's authorities only: the fake's certificate is refused during
    the handshake, so no request, and no key, ever reaches it; the lookup ends as INSEE being unavailable."""
    sirene = SireneRegistry(settings_for(fake.base_url), Key(), sleep=lambda _: None)
    logger.setLevel("INFO")
    try:
        with caplog.at_level(logging.INFO), pytest.raises(RegistryUnavailable):
            sirene.lookup(SIRET)
    finally:
        logger.setLevel("CRITICAL")

    assert fake.seen == []
    logged = [json.loads(logger.registered_formatter.format(r)) for r in caplog.records if r.name == logger.name]
    assert any(line.get("message") == "sirene unavailable" for line in logged)
    assert KEY not in json.dumps(logged)
