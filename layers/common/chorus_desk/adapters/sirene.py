"""The INSEE Sirene API 3.11 adapter of the ``CompanyRegistry`` port.

``GET {base_url}/siret/{siret}`` with the integration key in ``X-INSEE-Api-Key-Integration`` (INSEE's portal,
"simple" security plan) and ``Accept: application/json``, through urllib3 (it comes with botocore: no new
dependency), one connection pool per execution environment. ``base_url`` is https only (``SireneSettings``),
and the pool checks INSEE's certificate against the system's authorities: a certificate it cannot check ends
the connection before the key is sent.

- **Answers.** 200: the establishment, read from INSEE's JSON (``etablissement``: its ``siret``, the legal
  unit's name, the current period's ``etatAdministratifEtablissement`` A / F and ``dateDebut``, its sign,
  its address). 404, or 400 (INSEE refuses the number's syntax): ``UnknownEstablishment``; so does a 3xx
  (a SIRET INSEE replaced by another: following it would describe another establishment). 401 / 403 (the
  key is refused), any other status, or a 200 whose body is not such JSON: ``RegistryUnavailable``, at once.
- **Retries.** 429, 500, 502, 503, 504, a connection error or a timeout are tried again, up to
  ``max_attempts``, waiting an exponential backoff with jitter (half fixed, half random), never more than
  ``max_wait``; a 429's ``Retry-After`` (seconds or an HTTP date) is waited as given, and one longer than
  ``max_wait`` ends the lookup rather than asking again too early. Every attempt fits in what is left of
  ``deadline`` (the connect and read timeouts are cut to it), and no wait outlasts it.
- **The key** is read through ``ApiKey``: ``ParameterApiKey`` gets it from SSM Parameter Store (SecureString)
  or Secrets Manager with Powertools parameters, cached (once per execution environment and per hour).
  The key is sent to INSEE only: never logged, never put in an error.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import urllib3
from aws_lambda_powertools.utilities import parameters

from chorus_desk import messages
from chorus_desk.adapters.boto import BotoCoreError, ClientError
from chorus_desk.errors import RegistryUnavailable, UnknownEstablishment
from chorus_desk.observability import logger
from chorus_desk.ports import Establishment
from chorus_desk.settings import SireneSettings

KEY_HEADER = "X-INSEE-Api-Key-Integration"
KEY_CACHE_SECONDS = 3600
RETRIED = frozenset({429, 500, 502, 503, 504})
UNKNOWN = frozenset({400, 404})
OPEN, CLOSED = "A", "F"
NOT_DISCLOSED = "[ND]"  # what INSEE shows in place of a field a person asked to keep out of the public registry


class ApiKey(Protocol):
    """Where the INSEE integration key comes from."""

    def key(self) -> str: ...


class ParameterApiKey:
    """The key from SSM Parameter Store (``source="ssm"``, a SecureString, decrypted) or Secrets Manager
    (``source="secretsmanager"``), through Powertools parameters: fetched on first use, then served from
    Powertools' cache for ``KEY_CACHE_SECONDS`` (a rotated key is picked up within the hour). ``provider``: a
    Powertools provider of one's own (tests); by default Powertools' shared one."""

    def __init__(
        self,
        name: str,
        source: str = "ssm",
        provider: parameters.SSMProvider | parameters.SecretsProvider | None = None,
    ) -> None:
        if source not in {"ssm", "secretsmanager"}:
            raise ValueError(f"unknown key source {source!r}")
        self._name = name
        self._source = source
        self._provider = provider

    def key(self) -> str:
        try:
            value = self._fetch()
        except (parameters.exceptions.GetParameterError, ClientError, BotoCoreError) as exc:
            logger.error(
                "sirene key unreadable", key_source=self._source, key_name=self._name, error=type(exc).__name__
            )
            raise RegistryUnavailable(messages.REGISTRY_UNAVAILABLE) from None
        text = value.decode(errors="replace") if isinstance(value, bytes) else value
        if not isinstance(text, str) or not text.strip():
            logger.error("sirene key empty", key_source=self._source, key_name=self._name)
            raise RegistryUnavailable(messages.REGISTRY_UNAVAILABLE)
        return text.strip()

    def _fetch(self) -> str | bytes | dict[str, Any] | None:
        if isinstance(self._provider, parameters.SSMProvider):
            return self._provider.get(self._name, max_age=KEY_CACHE_SECONDS, decrypt=True)
        if self._provider is not None:
            return self._provider.get(self._name, max_age=KEY_CACHE_SECONDS)
        if self._source == "secretsmanager":
            return parameters.get_secret(self._name, max_age=KEY_CACHE_SECONDS)
        return parameters.get_parameter(self._name, decrypt=True, max_age=KEY_CACHE_SECONDS)


def well_formed(siret: str) -> bool:
    """Fourteen ASCII digits: the only thing ever put in the request's path (the checksum is the use case's)."""
    return len(siret) == 14 and siret.isascii() and siret.isdigit()


class SireneRegistry:
    """``CompanyRegistry`` over the INSEE Sirene API. ``sleep``, ``clock``, ``jitter`` and ``now`` are the
    waiting, the monotonic clock of the deadline, a random number in [0, 1) and the wall clock of an HTTP-date
    ``Retry-After``: the tests replace them."""

    def __init__(
        self,
        settings: SireneSettings,
        api_key: ApiKey,
        *,
        pool: urllib3.PoolManager | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._settings = settings
        self._key = api_key
        self._pool = pool or urllib3.PoolManager(num_pools=2, maxsize=4)
        self._sleep, self._clock, self._jitter, self._now = sleep, clock, jitter, now

    def lookup(self, siret: str) -> Establishment:
        if not well_formed(siret):
            raise UnknownEstablishment(messages.ESTABLISHMENT_UNKNOWN.format(siret=siret[:32]), siret)
        settings = self._settings
        url = f"{settings.base_url}/siret/{siret}"
        headers = {KEY_HEADER: self._key.key(), "Accept": "application/json"}
        started = self._clock()
        attempt, problem = 0, ""
        while attempt < settings.max_attempts:
            attempt += 1
            left = settings.deadline - (self._clock() - started)
            if left <= 0:
                break
            timeout = urllib3.Timeout(
                connect=min(settings.connect_timeout, left), read=min(settings.read_timeout, left), total=left
            )
            hint: float | None = None
            try:
                response = self._pool.request(
                    "GET", url, headers=headers, timeout=timeout, retries=False, redirect=False
                )
            except urllib3.exceptions.HTTPError as exc:
                problem = type(exc).__name__
            else:
                status = response.status
                if status == 200:
                    return _establishment(response.data, siret)
                if status in UNKNOWN or 300 <= status < 400:
                    raise UnknownEstablishment(messages.ESTABLISHMENT_UNKNOWN.format(siret=siret), siret)
                if status not in RETRIED:
                    event = "sirene refused the key" if status in {401, 403} else "sirene unexpected answer"
                    logger.error(event, siret=siret, http_status=status)
                    raise RegistryUnavailable(messages.REGISTRY_UNAVAILABLE)
                problem = f"HTTP {status}"
                if status == 429:
                    hint = retry_after(response.headers.get("Retry-After"), self._now())
            if attempt >= settings.max_attempts:
                break
            wait = self._wait(attempt, hint)
            if wait is None or (self._clock() - started) + wait >= settings.deadline:
                break
            logger.warning("sirene retry", siret=siret, attempt=attempt, problem=problem, wait_seconds=round(wait, 3))
            self._sleep(wait)
        logger.error("sirene unavailable", siret=siret, attempts=attempt, problem=problem or "deadline")
        raise RegistryUnavailable(messages.REGISTRY_UNAVAILABLE)

    def _wait(self, attempt: int, retry_after_seconds: float | None) -> float | None:
        """How long to wait before attempt ``attempt + 1``, or ``None`` when INSEE asks for longer than we
        may wait."""
        settings = self._settings
        backoff = min(settings.max_wait, settings.backoff_base * 2.0 ** (attempt - 1))
        wait = backoff / 2 + self._jitter() * backoff / 2
        if retry_after_seconds is None:
            return wait
        if retry_after_seconds > settings.max_wait:
            return None
        return max(retry_after_seconds, wait)


def retry_after(value: str | None, now: datetime) -> float | None:
    """A ``Retry-After`` header in seconds (RFC 9110: a number of seconds, or an HTTP date); ``None`` if absent
    or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _establishment(data: bytes, siret: str) -> Establishment:
    try:
        return establishment_from_insee(json.loads(data), siret)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors too
        logger.error("sirene malformed answer", siret=siret, problem=type(exc).__name__, size=len(data))
        raise RegistryUnavailable(messages.REGISTRY_UNAVAILABLE) from None


# ------------------------------------------------------------------------------------ INSEE's JSON
def establishment_from_insee(body: Any, siret: str) -> Establishment:
    """The establishment of an INSEE 3.11 ``/siret/{siret}`` answer; ``ValueError`` if ``body`` is not one, or
    is about another SIRET."""
    found = body.get("etablissement") if isinstance(body, dict) else None
    if not isinstance(found, dict):
        raise ValueError("no etablissement object")
    if found.get("siret") != siret:
        raise ValueError("the answer is about another SIRET")
    periods = found.get("periodesEtablissement")
    if not isinstance(periods, list) or not periods or not all(isinstance(p, dict) for p in periods):
        raise ValueError("no periodesEtablissement")
    current: dict[str, Any] = next((p for p in periods if p.get("dateFin") is None), periods[0])
    state = current.get("etatAdministratifEtablissement")
    if state not in {OPEN, CLOSED}:
        raise ValueError("etatAdministratifEtablissement is neither A nor F")
    since = current.get("dateDebut")
    closed_on = date.fromisoformat(since) if state == CLOSED and isinstance(since, str) else None
    unit = found.get("uniteLegale")
    name = _name(unit if isinstance(unit, dict) else {}, current) or siret
    address = found.get("adresseEtablissement")
    return Establishment(
        siret=siret,
        name=name,
        open=state == OPEN,
        closed_on=closed_on,
        address=_address(address) if isinstance(address, dict) else None,
    )


def _text(fields: Mapping[str, Any], name: str) -> str | None:
    value = fields.get(name)
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value if value and value != NOT_DISCLOSED else None


def _joined(fields: Mapping[str, Any], *names: str, separator: str = " ") -> str | None:
    return separator.join(p for p in (_text(fields, n) for n in names) if p) or None


def _name(unit: Mapping[str, Any], period: Mapping[str, Any]) -> str | None:
    """The company's name; for a person, first name and surname; else the establishment's sign or usual name."""
    first = _text(unit, "prenom1UniteLegale") or _text(unit, "prenomUsuelUniteLegale")
    last = _text(unit, "nomUniteLegale") or _text(unit, "nomUsageUniteLegale")
    person = " ".join(p for p in (first, last) if p)
    return (
        _text(unit, "denominationUniteLegale")
        or person
        or _text(period, "enseigne1Etablissement")
        or _text(period, "denominationUsuelleEtablissement")
        or _text(unit, "denominationUsuelle1UniteLegale")
    )


def _address(fields: Mapping[str, Any]) -> str | None:
    """One line: complement, street, special distribution, postcode and town (or CEDEX), foreign country."""
    street = _joined(
        fields,
        "numeroVoieEtablissement",
        "indiceRepetitionEtablissement",
        "typeVoieEtablissement",
        "libelleVoieEtablissement",
    )
    if _text(fields, "codeCedexEtablissement"):
        town = _joined(fields, "codeCedexEtablissement", "libelleCedexEtablissement")
    else:
        town = _joined(
            fields, "codePostalEtablissement", "libelleCommuneEtablissement", "libelleCommuneEtrangerEtablissement"
        )
    parts = (
        _text(fields, "complementAdresseEtablissement"),
        street,
        _text(fields, "distributionSpecialeEtablissement"),
        town,
        _text(fields, "libellePaysEtrangerEtablissement"),
    )
    return ", ".join(p for p in parts if p) or None
