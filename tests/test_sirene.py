"""The company registry: the INSEE Sirene 3.11 adapter against a fake INSEE on 127.0.0.1 (tests/fake_sirene.py),
its key read through Powertools parameters (moto's SSM and Secrets Manager), the local registry, and the two
adapters held to the same answers for the same data.

The tests may connect to 127.0.0.1 only (``allow_hosts``): any other host stays blocked. Waits between
attempts are recorded instead of slept, except where a real timeout is the point."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from http import HTTPStatus
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from botocore.stub import Stubber

from chorus_desk import messages
from chorus_desk.adapters.local_registry import DEMO_ESTABLISHMENTS, LocalRegistry
from chorus_desk.adapters.sirene import (
    KEY_CACHE_SECONDS,
    KEY_HEADER,
    ParameterApiKey,
    SireneRegistry,
    establishment_from_insee,
    retry_after,
)
from chorus_desk.api.http import STATUS_OF, desk_error
from chorus_desk.errors import DeskError, RegistryUnavailable, UnknownEstablishment
from chorus_desk.observability import logger
from chorus_desk.ports import CompanyRegistry, Establishment
from chorus_desk.settings import SettingsError, SireneSettings, load_settings
from chorus_desk.siret import is_valid_siret
from local_stack.aws import free_port
from tests.fake_sirene import (
    KEY,
    PREFIX,
    FakeSirene,
    bad_request,
    fake_sirene,
    found,
    insee_record,
    malformed,
    record_of,
    server_error,
    slow,
    throttled,
    trusting_pool,
)

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])

OPEN_SIRET = "53453679200011"
CLOSED_SIRET = "53453679200029"
UNKNOWN_SIRET = "44290600400001"  # valid keys, in no registry
KEY_NAME = "/chorus-desk/test/insee-api-key"
ADDRESS = {
    "numeroVoieEtablissement": "12",
    "indiceRepetitionEtablissement": "B",
    "typeVoieEtablissement": "RUE",
    "libelleVoieEtablissement": "DES ARTISANS",
    "codePostalEtablissement": "69003",
    "libelleCommuneEtablissement": "LYON",
}


class Waits:
    """Stands for ``time.sleep``: records each wait instead of waiting, and moves ``clock`` (a monotonic clock
    where only the waits take time) as if it had waited."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)

    def clock(self) -> float:
        return sum(self.seconds)


class CountingKey:
    def __init__(self, value: str = KEY) -> None:
        self.value = value
        self.reads = 0

    def key(self) -> str:
        self.reads += 1
        return self.value


def sirene_settings(base_url: str, **changes: Any) -> SireneSettings:
    """Small timeouts and waits, so that the whole file runs in a couple of seconds."""
    values: dict[str, Any] = {
        "SIRENE_BASE_URL": base_url,
        "SIRENE_KEY_NAME": KEY_NAME,
        "SIRENE_CONNECT_TIMEOUT": 0.5,
        "SIRENE_READ_TIMEOUT": 0.5,
        "SIRENE_MAX_ATTEMPTS": 4,
        "SIRENE_BACKOFF_BASE": 0.1,
        "SIRENE_MAX_WAIT": 2.0,
        "SIRENE_DEADLINE": 3.0,
    }
    values.update({f"SIRENE_{k.upper()}": v for k, v in changes.items()})
    return SireneSettings.model_validate(values)


@pytest.fixture
def fake() -> Iterator[FakeSirene]:
    with fake_sirene() as server:
        server.add(
            insee_record(OPEN_SIRET, denomination="MENUISERIE DUPONT", address=ADDRESS),
            insee_record(CLOSED_SIRET, denomination="MENUISERIE DUPONT", state="F", since="2025-07-01"),
        )
        yield server


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
def sirene(fake: FakeSirene, waits: Waits) -> SireneRegistry:
    """The adapter against the fake, its jitter pinned to the top of its range (waits: 0.1, 0.2, 0.4 s)."""
    return SireneRegistry(
        sirene_settings(fake.base_url), CountingKey(), pool=trusting_pool(), sleep=waits, jitter=lambda: 1.0
    )


def unknown(registry: CompanyRegistry, siret: str) -> UnknownEstablishment:
    with pytest.raises(UnknownEstablishment) as refused:
        registry.lookup(siret)
    return refused.value


# ------------------------------------------------------------------------------------------- answers
def test_an_open_establishment(sirene: SireneRegistry) -> None:
    assert sirene.lookup(OPEN_SIRET) == Establishment(
        siret=OPEN_SIRET,
        name="MENUISERIE DUPONT",
        open=True,
        closed_on=None,
        address="12 B RUE DES ARTISANS, 69003 LYON",
    )


def test_a_closed_establishment_and_the_day_it_closed(sirene: SireneRegistry) -> None:
    found_ = sirene.lookup(CLOSED_SIRET)

    assert (found_.open, found_.closed_on, found_.name) == (False, date(2025, 7, 1), "MENUISERIE DUPONT")


def test_the_request_names_the_siret_in_the_path_and_carries_the_key(fake: FakeSirene, sirene: SireneRegistry) -> None:
    sirene.lookup(OPEN_SIRET)

    (request,) = fake.seen
    assert (request.method, request.path) == ("GET", f"{PREFIX}/siret/{OPEN_SIRET}")
    headers = {k.lower(): v for k, v in request.headers.items()}
    assert headers[KEY_HEADER.lower()] == KEY
    assert headers["accept"] == "application/json"
    assert "authorization" not in headers


@pytest.mark.parametrize("answer", ["404", "400"])
def test_an_unknown_siret_is_refused_in_french_without_retrying(
    fake: FakeSirene, sirene: SireneRegistry, waits: Waits, answer: str
) -> None:
    if answer == "400":
        fake.script(UNKNOWN_SIRET, bad_request(UNKNOWN_SIRET))

    refused = unknown(sirene, UNKNOWN_SIRET)

    assert refused.siret == UNKNOWN_SIRET
    assert refused.message == messages.ESTABLISHMENT_UNKNOWN.format(siret=UNKNOWN_SIRET)
    assert "répertoire Sirene" in refused.message
    assert len(fake.requests_for(UNKNOWN_SIRET)) == 1
    assert waits.seconds == []


@pytest.mark.parametrize(
    "siret", ["5345367920001", "534536792000111", "5345367920001A", "../../siren/53", "５３４５３６７９２０００１１"]
)
def test_a_siret_that_is_not_fourteen_digits_is_unknown_and_never_sent(
    fake: FakeSirene, sirene: SireneRegistry, siret: str
) -> None:
    assert unknown(sirene, siret).siret == siret
    assert fake.seen == []


def test_a_throttled_lookup_waits_as_retry_after_says_then_succeeds(
    fake: FakeSirene, sirene: SireneRegistry, waits: Waits
) -> None:
    fake.script(OPEN_SIRET, throttled(retry_after="1"))

    assert sirene.lookup(OPEN_SIRET).name == "MENUISERIE DUPONT"

    assert len(fake.requests_for(OPEN_SIRET)) == 2
    assert waits.seconds == [1.0]  # Retry-After, not the shorter backoff (0.1 s)


def test_a_retry_after_as_an_http_date_is_honoured(fake: FakeSirene, waits: Waits) -> None:
    now = datetime(2026, 11, 25, 10, 0, 0, tzinfo=UTC)
    sirene = SireneRegistry(
        sirene_settings(fake.base_url),
        CountingKey(),
        pool=trusting_pool(),
        sleep=waits,
        jitter=lambda: 1.0,
        now=lambda: now,
    )
    fake.script(OPEN_SIRET, throttled(retry_after="Wed, 25 Nov 2026 10:00:02 GMT"))

    assert sirene.lookup(OPEN_SIRET).open

    assert waits.seconds == [2.0]


def test_a_429_without_retry_after_backs_off(fake: FakeSirene, sirene: SireneRegistry, waits: Waits) -> None:
    fake.script(OPEN_SIRET, throttled(retry_after=None), throttled(retry_after="not a delay"))

    assert sirene.lookup(OPEN_SIRET).open

    assert waits.seconds == pytest.approx([0.1, 0.2])


def test_a_retry_after_longer_than_we_may_wait_ends_the_lookup_at_once(
    fake: FakeSirene, sirene: SireneRegistry, waits: Waits
) -> None:
    fake.script(OPEN_SIRET, throttled(retry_after="60"))

    with pytest.raises(RegistryUnavailable) as failed:
        sirene.lookup(OPEN_SIRET)

    assert failed.value.message == messages.REGISTRY_UNAVAILABLE
    assert len(fake.requests_for(OPEN_SIRET)) == 1
    assert waits.seconds == []


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried_with_a_growing_backoff_then_the_answer_comes(
    fake: FakeSirene, sirene: SireneRegistry, waits: Waits, status: int
) -> None:
    fake.script(CLOSED_SIRET, *[server_error(status)] * 3)

    assert sirene.lookup(CLOSED_SIRET).closed_on == date(2025, 7, 1)

    assert len(fake.requests_for(CLOSED_SIRET)) == 4
    assert waits.seconds == pytest.approx([0.1, 0.2, 0.4])


def test_the_backoff_is_jittered_and_capped(fake: FakeSirene, waits: Waits) -> None:
    settings = sirene_settings(fake.base_url, max_attempts=6, backoff_base=0.2, max_wait=0.5)
    sirene = SireneRegistry(settings, CountingKey(), pool=trusting_pool(), sleep=waits, jitter=lambda: 0.0)
    fake.script(OPEN_SIRET, *[server_error(503)] * 5)

    sirene.lookup(OPEN_SIRET)

    # Half the backoff is fixed, half random (0 here); the backoff doubles up to max_wait.
    assert waits.seconds == pytest.approx([0.1, 0.2, 0.25, 0.25, 0.25])


def test_retries_stop_after_max_attempts_with_a_french_error(
    fake: FakeSirene, sirene: SireneRegistry, waits: Waits
) -> None:
    fake.script(OPEN_SIRET, *[server_error(503)] * 10)

    with pytest.raises(RegistryUnavailable) as failed:
        sirene.lookup(OPEN_SIRET)

    assert failed.value.message == messages.REGISTRY_UNAVAILABLE
    assert "Insee" in failed.value.message
    assert len(fake.requests_for(OPEN_SIRET)) == 4
    assert len(waits.seconds) == 3


def test_no_wait_outlasts_the_deadline(fake: FakeSirene, waits: Waits) -> None:
    sirene = SireneRegistry(
        sirene_settings(fake.base_url, deadline=0.5, backoff_base=0.2),
        CountingKey(),
        pool=trusting_pool(),
        sleep=waits,
        clock=waits.clock,
        jitter=lambda: 1.0,
    )
    fake.script(OPEN_SIRET, *[server_error(500)] * 10)

    with pytest.raises(RegistryUnavailable):
        sirene.lookup(OPEN_SIRET)

    # 0.2 s, then 0.4 s would end past the 0.5-second deadline: the lookup gives up instead of waiting.
    assert waits.seconds == pytest.approx([0.2])
    assert len(fake.requests_for(OPEN_SIRET)) == 2


@pytest.mark.parametrize(
    "body",
    [
        b'{"header": {"statut": 200, "message": "OK"}, "etablissement": {"siret": ',
        b"<html><body>Maintenance</body></html>",
        b'{"header": {"statut": 200, "message": "OK"}}',
        b'{"etablissement": []}',
        b"[]",
        b"\xff\xfe\x00",
    ],
    ids=["truncated", "html", "no-etablissement", "not-an-object", "a-list", "not-utf8"],
)
def test_a_malformed_body_is_unavailable_without_retrying(
    fake: FakeSirene, sirene: SireneRegistry, waits: Waits, body: bytes
) -> None:
    fake.script(OPEN_SIRET, malformed(body))

    with pytest.raises(RegistryUnavailable):
        sirene.lookup(OPEN_SIRET)

    assert len(fake.requests_for(OPEN_SIRET)) == 1
    assert waits.seconds == []


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r.update(siret=OPEN_SIRET),  # about another SIRET
        lambda r: r.update(periodesEtablissement=[]),
        lambda r: r["periodesEtablissement"][0].update(etatAdministratifEtablissement="C"),
        lambda r: r["periodesEtablissement"][0].update(dateDebut="01/07/2025"),
    ],
    ids=["another-siret", "no-period", "unknown-state", "bad-date"],
)
def test_an_answer_that_is_not_this_establishment_is_unavailable(
    fake: FakeSirene, sirene: SireneRegistry, change: Callable[[dict[str, Any]], None]
) -> None:
    record = insee_record(CLOSED_SIRET, denomination="MENUISERIE DUPONT", state="F", since="2025-07-01")
    change(record)
    fake.script(CLOSED_SIRET, found(record))

    with pytest.raises(RegistryUnavailable):
        sirene.lookup(CLOSED_SIRET)


def test_a_slow_answer_times_out_and_is_asked_again(fake: FakeSirene, waits: Waits) -> None:
    sirene = SireneRegistry(
        sirene_settings(fake.base_url, read_timeout=0.1), CountingKey(), pool=trusting_pool(), sleep=waits
    )
    fake.script(OPEN_SIRET, slow(2.0, found(fake.records[OPEN_SIRET])))

    started = time.monotonic()
    assert sirene.lookup(OPEN_SIRET).open
    elapsed = time.monotonic() - started

    assert len(fake.requests_for(OPEN_SIRET)) == 2
    assert len(waits.seconds) == 1
    assert 0.1 <= elapsed < 0.6


def test_an_insee_that_never_answers_in_time_fails_within_the_deadline(fake: FakeSirene) -> None:
    settings = sirene_settings(fake.base_url, read_timeout=0.12, deadline=0.3, backoff_base=0.01)
    sirene = SireneRegistry(settings, CountingKey(), pool=trusting_pool())  # real waits, real clock
    fake.script(OPEN_SIRET, *[slow(5.0, found(fake.records[OPEN_SIRET]))] * 10)

    started = time.monotonic()
    with pytest.raises(RegistryUnavailable):
        sirene.lookup(OPEN_SIRET)
    elapsed = time.monotonic() - started

    assert elapsed < 0.3 + 0.25
    assert 2 <= len(fake.requests_for(OPEN_SIRET)) <= 3


def test_connection_errors_are_retried_then_unavailable(waits: Waits) -> None:
    nobody = f"https://127.0.0.1:{free_port()}{PREFIX}"  # nothing listens there
    sirene = SireneRegistry(sirene_settings(nobody), CountingKey(), sleep=waits, jitter=lambda: 1.0)

    with pytest.raises(RegistryUnavailable):
        sirene.lookup(OPEN_SIRET)

    assert waits.seconds == pytest.approx([0.1, 0.2, 0.4])


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_is_unavailable_logged_and_never_logged_itself(
    fake: FakeSirene, waits: Waits, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    secret = "cle-refusee-par-l-insee-7c1d"
    sirene = SireneRegistry(sirene_settings(fake.base_url), CountingKey(secret), pool=trusting_pool(), sleep=waits)
    if status == 403:
        fake.key = secret
        fake.script(OPEN_SIRET, server_error(403))
    caplog.set_level(logging.DEBUG)
    logger.setLevel("DEBUG")
    try:
        with pytest.raises(RegistryUnavailable):
            sirene.lookup(OPEN_SIRET)
    finally:
        logger.setLevel("CRITICAL")

    assert len(fake.requests_for(OPEN_SIRET)) == 1
    assert waits.seconds == []
    lines = [logger.registered_formatter.format(r) if r.name == logger.name else r.getMessage() for r in caplog.records]
    refused = [json.loads(line) for line in lines if "sirene refused the key" in line]
    assert [(r["level"], r["http_status"]) for r in refused] == [("ERROR", status)]
    assert secret not in "\n".join(lines)
    assert KEY_HEADER not in "\n".join(lines)


# --------------------------------------------------------------------------------- INSEE's JSON, read
def test_a_person_is_named_by_first_name_and_surname() -> None:
    record = insee_record(UNKNOWN_SIRET, first_name="CLAIRE", last_name="FONTAINE", sign="ATELIER FONTAINE")

    assert establishment_from_insee(found_body(record), UNKNOWN_SIRET).name == "CLAIRE FONTAINE"


def test_without_a_name_the_sign_names_the_establishment_and_undisclosed_fields_are_skipped() -> None:
    record = insee_record(UNKNOWN_SIRET, first_name="[ND]", last_name="[ND]", sign="LE FOURNIL")
    record["adresseEtablissement"].update(
        {
            "libelleVoieEtablissement": "[ND]",
            "codePostalEtablissement": "69600",
            "libelleCommuneEtablissement": "OULLINS",
        }
    )

    read = establishment_from_insee(found_body(record), UNKNOWN_SIRET)

    assert (read.name, read.address) == ("LE FOURNIL", "69600 OULLINS")


def test_with_no_name_at_all_the_siret_stands_for_it_and_no_address_is_none() -> None:
    record = insee_record(UNKNOWN_SIRET)
    del record["adresseEtablissement"]

    read = establishment_from_insee(found_body(record), UNKNOWN_SIRET)

    assert (read.name, read.address) == (UNKNOWN_SIRET, None)


def test_a_full_address_reads_as_one_line() -> None:
    record = insee_record(
        UNKNOWN_SIRET,
        denomination="SCIERIE DU PILAT",
        address={
            "complementAdresseEtablissement": "ZONE ARTISANALE",
            "numeroVoieEtablissement": "3",
            "typeVoieEtablissement": "RTE",
            "libelleVoieEtablissement": "DU  CRET",
            "distributionSpecialeEtablissement": "BP 12",
            "codePostalEtablissement": "42410",
            "libelleCommuneEtablissement": "PELUSSIN",
            "codeCedexEtablissement": "42411",
            "libelleCedexEtablissement": "PELUSSIN CEDEX",
        },
    )

    read = establishment_from_insee(found_body(record), UNKNOWN_SIRET)

    assert read.address == "ZONE ARTISANALE, 3 RTE DU CRET, BP 12, 42411 PELUSSIN CEDEX"


def test_the_current_period_is_the_one_without_an_end() -> None:
    record = insee_record(CLOSED_SIRET, denomination="MENUISERIE DUPONT", state="F", since="2025-07-01")
    record["periodesEtablissement"].reverse()  # oldest first: the open period no longer comes first

    read = establishment_from_insee(found_body(record), CLOSED_SIRET)

    assert (read.open, read.closed_on) == (False, date(2025, 7, 1))


def found_body(record: dict[str, Any]) -> Any:
    return json.loads(found(record).body)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("3", 3.0),
        (" 0 ", 0.0),
        ("Wed, 25 Nov 2026 10:00:30 GMT", 30.0),
        ("Wed, 25 Nov 2026 09:59:00 GMT", 0.0),
        (None, None),
        ("-1", None),
        ("1.5", None),
        ("soon", None),
    ],
)
def test_retry_after_reads_seconds_or_an_http_date(header: str | None, seconds: float | None) -> None:
    assert retry_after(header, datetime(2026, 11, 25, 10, 0, 0, tzinfo=UTC)) == seconds


# --------------------------------------------------------------------------------------- the key
# botocore's Stubber answers each call queued for it and fails on any other: "read once" is exactly one
# GetParameter queued for a dozen lookups.
@pytest.fixture
def ssm() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client("ssm")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def stored_parameter(value: str) -> dict[str, Any]:
    return {"Parameter": {"Name": KEY_NAME, "Type": "SecureString", "Value": value, "Version": 1}}


def test_the_key_is_read_from_ssm_once_for_many_lookups(fake: FakeSirene, ssm: tuple[Any, Stubber]) -> None:
    client, stubber = ssm
    stubber.add_response("get_parameter", stored_parameter(f" {KEY}\n"), {"Name": KEY_NAME, "WithDecryption": True})
    key = ParameterApiKey(KEY_NAME, "ssm", parameters.SSMProvider(boto3_client=client))
    sirene = SireneRegistry(sirene_settings(fake.base_url), key, pool=trusting_pool())

    names = [sirene.lookup(siret).name for siret in [OPEN_SIRET, CLOSED_SIRET] * 6]

    assert names == ["MENUISERIE DUPONT"] * 12
    assert [r.headers[KEY_HEADER] for r in fake.seen] == [KEY] * 12


def test_a_missing_key_is_unavailable_and_nothing_is_sent(fake: FakeSirene, ssm: tuple[Any, Stubber]) -> None:
    client, stubber = ssm
    stubber.add_client_error("get_parameter", service_error_code="ParameterNotFound", http_status_code=400)
    key = ParameterApiKey(KEY_NAME, "ssm", parameters.SSMProvider(boto3_client=client))
    sirene = SireneRegistry(sirene_settings(fake.base_url), key, pool=trusting_pool())

    with pytest.raises(RegistryUnavailable) as failed:
        sirene.lookup(OPEN_SIRET)

    assert failed.value.message == messages.REGISTRY_UNAVAILABLE
    assert fake.seen == []


def test_an_empty_key_is_unavailable(ssm: tuple[Any, Stubber]) -> None:
    client, stubber = ssm
    stubber.add_response("get_parameter", stored_parameter(" "), {"Name": KEY_NAME, "WithDecryption": True})

    with pytest.raises(RegistryUnavailable):
        ParameterApiKey(KEY_NAME, "ssm", parameters.SSMProvider(boto3_client=client)).key()


def test_the_key_may_live_in_secrets_manager() -> None:
    client = boto3.client("secretsmanager")
    with Stubber(client) as stubber:
        stubber.add_response(
            "get_secret_value", {"Name": "chorus-desk/insee", "SecretString": KEY}, {"SecretId": "chorus-desk/insee"}
        )
        key = ParameterApiKey("chorus-desk/insee", "secretsmanager", parameters.SecretsProvider(boto3_client=client))

        assert [key.key() for _ in range(3)] == [KEY] * 3
        stubber.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("source", "function", "options"),
    [
        ("ssm", "get_parameter", {"decrypt": True, "max_age": KEY_CACHE_SECONDS}),
        ("secretsmanager", "get_secret", {"max_age": KEY_CACHE_SECONDS}),
    ],
)
def test_by_default_the_key_comes_from_powertools_shared_cache(
    monkeypatch: pytest.MonkeyPatch, source: str, function: str, options: dict[str, Any]
) -> None:
    calls: list[tuple[str, dict[str, Any]]] = []

    def fetched(name: str, **kwargs: Any) -> str:
        calls.append((name, kwargs))
        return KEY

    monkeypatch.setattr(parameters, function, fetched)

    assert ParameterApiKey(KEY_NAME, source).key() == KEY
    assert calls == [(KEY_NAME, options)]
    with pytest.raises(ValueError, match="vault"):
        ParameterApiKey(KEY_NAME, "vault")


def test_the_settings_come_from_the_environment_with_insee_s_address_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SIRENE_KEY_NAME", KEY_NAME)

    settings = load_settings(SireneSettings)

    assert settings.base_url == "https://api.insee.fr/api-sirene/3.11"
    assert (settings.key_name, settings.key_source) == (KEY_NAME, "ssm")
    assert settings.deadline < 10  # inside an API function's timeout
    monkeypatch.setenv("SIRENE_KEY_SOURCE", "vault")
    with pytest.raises(SettingsError, match="SIRENE_KEY_SOURCE"):
        load_settings(SireneSettings)


# ---------------------------------------------------------------------------------- local registry
def test_the_demo_registry_holds_valid_sirets_open_and_closed() -> None:
    assert all(is_valid_siret(e.siret) for e in DEMO_ESTABLISHMENTS)
    assert len({e.siret for e in DEMO_ESTABLISHMENTS}) == len(DEMO_ESTABLISHMENTS)
    assert {e.open for e in DEMO_ESTABLISHMENTS} == {True, False}
    assert all((e.closed_on is None) == e.open for e in DEMO_ESTABLISHMENTS)


def test_the_local_registry_plays_an_outage() -> None:
    registry = LocalRegistry()
    registry.fail_next(2)

    for _ in range(2):
        with pytest.raises(RegistryUnavailable):
            registry.lookup(OPEN_SIRET)
    assert registry.lookup(OPEN_SIRET).open
    registry.available = False
    with pytest.raises(RegistryUnavailable):
        registry.lookup(OPEN_SIRET)
    assert registry.lookups == [OPEN_SIRET] * 4


def test_the_local_registry_takes_new_establishments() -> None:
    registry = LocalRegistry([])
    assert unknown(registry, UNKNOWN_SIRET).siret == UNKNOWN_SIRET

    registry.put(Establishment(UNKNOWN_SIRET, "NOUVELLE ENTREPRISE", True))

    assert registry.lookup(UNKNOWN_SIRET).name == "NOUVELLE ENTREPRISE"


# -------------------------------------------------------------------------------------- contract
@pytest.fixture
def both(fake: FakeSirene) -> dict[str, CompanyRegistry]:
    """The same establishments (the demo ones) in the local registry and behind the fake INSEE."""
    fake.records.clear()
    fake.add(*(record_of(e) for e in DEMO_ESTABLISHMENTS))
    sirene = SireneRegistry(
        sirene_settings(fake.base_url, max_attempts=2), CountingKey(), pool=trusting_pool(), sleep=Waits()
    )
    return {"local": LocalRegistry(), "sirene": sirene}


def outcome(registry: CompanyRegistry, siret: str) -> Establishment | tuple[str, str, str]:
    try:
        return registry.lookup(siret)
    except DeskError as refused:
        return (type(refused).__name__, refused.code, refused.message)


@pytest.mark.parametrize(
    "siret", [*(e.siret for e in DEMO_ESTABLISHMENTS), UNKNOWN_SIRET, "53453679200012", "123", "5345367920001X"]
)
def test_both_registries_give_the_same_answer(both: dict[str, CompanyRegistry], siret: str) -> None:
    assert outcome(both["sirene"], siret) == outcome(both["local"], siret)


def test_both_registries_fail_alike_when_insee_is_down(fake: FakeSirene, both: dict[str, CompanyRegistry]) -> None:
    fake.script(OPEN_SIRET, *[server_error(503)] * 2)
    local = LocalRegistry()
    local.available = False

    assert outcome(both["sirene"], OPEN_SIRET) == outcome(local, OPEN_SIRET)
    assert outcome(local, OPEN_SIRET) == ("RegistryUnavailable", "SIRENE_INDISPONIBLE", messages.REGISTRY_UNAVAILABLE)


# ------------------------------------------------------------------------------------------ HTTP
def test_an_unknown_siret_is_a_400_and_an_unreachable_registry_a_503() -> None:
    refused = desk_error(
        UnknownEstablishment(messages.ESTABLISHMENT_UNKNOWN.format(siret=UNKNOWN_SIRET), UNKNOWN_SIRET)
    )
    down = desk_error(RegistryUnavailable(messages.REGISTRY_UNAVAILABLE))

    assert STATUS_OF[UnknownEstablishment] == HTTPStatus.BAD_REQUEST
    assert (refused.status_code, json.loads(str(refused.body))["code"]) == (400, "SIRET_INCONNU")
    assert (down.status_code, json.loads(str(down.body))["code"]) == (503, "SIRENE_INDISPONIBLE")
    assert json.loads(str(down.body))["message"] == messages.REGISTRY_UNAVAILABLE
