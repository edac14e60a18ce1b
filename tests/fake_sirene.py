"""A fake INSEE Sirene API 3.11 on https://127.0.0.1 (random port, a background thread), answering in INSEE's
format. It serves TLS with a certificate for 127.0.0.1 issued by a test authority made for the run
(``fake_authority``): a client trusts it only if told to (``trusting_pool``), as the adapter trusts INSEE's
certificate through the system's authorities.

It knows establishments (``add``: INSEE ``etablissement`` objects, built with ``insee_record`` or
``record_of``) and answers ``GET /api-sirene/3.11/siret/{siret}`` with them (200) or with INSEE's 404; a
request without the expected key in ``X-INSEE-Api-Key-Integration`` gets a 401 as the real portal gives.
Per SIRET, a script of answers can come first (``script``): a 429 with ``Retry-After``, 5xx, a malformed
body, a slow answer... each used once, in order, then the default answer again. ``seen`` keeps every
request (path and headers) for the tests to check."""

from __future__ import annotations

import ipaddress
import json
import socket
import ssl
import tempfile
import threading
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import urllib3
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from chorus_desk.ports import Establishment

KEY = "cle-integration-de-test-0f3a"
PREFIX = "/api-sirene/3.11"


# ------------------------------------------------------------------------------------ INSEE's JSON
def insee_record(
    siret: str,
    *,
    denomination: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    sign: str | None = None,
    state: str = "A",
    since: str = "2008-03-01",
    closed_after: str = "1999-01-04",
    address: Mapping[str, str | None] | None = None,
) -> dict[str, Any]:
    """An ``etablissement`` object as INSEE 3.11 gives it (most recent period first, ``dateFin`` null on the
    current one). A closed establishment (``state="F"`` since ``since``) was open before, from ``closed_after``."""
    current = _period(state, since, None, sign)
    periods = [current]
    if state == "F":
        end = (date.fromisoformat(since) - timedelta(days=1)).isoformat()
        periods.append(_period("A", closed_after, end, sign))
    return {
        "siren": siret[:9],
        "nic": siret[9:],
        "siret": siret,
        "statutDiffusionEtablissement": "O",
        "dateCreationEtablissement": closed_after if state == "F" else since,
        "trancheEffectifsEtablissement": "NN",
        "anneeEffectifsEtablissement": None,
        "activitePrincipaleRegistreMetiersEtablissement": None,
        "dateDernierTraitementEtablissement": "2025-11-03T10:12:45.000",
        "etablissementSiege": siret.endswith("1"),
        "nombrePeriodesEtablissement": len(periods),
        "uniteLegale": {
            "etatAdministratifUniteLegale": "A",
            "statutDiffusionUniteLegale": "O",
            "dateCreationUniteLegale": "1999-01-04",
            "categorieJuridiqueUniteLegale": "1000" if denomination is None else "5710",
            "denominationUniteLegale": denomination,
            "sigleUniteLegale": None,
            "denominationUsuelle1UniteLegale": None,
            "sexeUniteLegale": None if denomination else "F",
            "nomUniteLegale": last_name,
            "nomUsageUniteLegale": None,
            "prenom1UniteLegale": first_name,
            "prenomUsuelUniteLegale": first_name,
            "activitePrincipaleUniteLegale": "16.23Z",
            "nomenclatureActivitePrincipaleUniteLegale": "NAFRev2",
            "caractereEmployeurUniteLegale": "N",
        },
        "adresseEtablissement": {
            "complementAdresseEtablissement": None,
            "numeroVoieEtablissement": None,
            "indiceRepetitionEtablissement": None,
            "dernierNumeroVoieEtablissement": None,
            "indiceRepetitionDernierNumeroVoieEtablissement": None,
            "typeVoieEtablissement": None,
            "libelleVoieEtablissement": None,
            "codePostalEtablissement": None,
            "libelleCommuneEtablissement": None,
            "libelleCommuneEtrangerEtablissement": None,
            "distributionSpecialeEtablissement": None,
            "codeCommuneEtablissement": None,
            "codeCedexEtablissement": None,
            "libelleCedexEtablissement": None,
            "codePaysEtrangerEtablissement": None,
            "libellePaysEtrangerEtablissement": None,
            "identifiantAdresseEtablissement": None,
            "coordonneeLambertAbscisseEtablissement": None,
            "coordonneeLambertOrdonneeEtablissement": None,
            **(address or {}),
        },
        "adresse2Etablissement": {"complementAdresse2Etablissement": None},
        "periodesEtablissement": periods,
    }


def _period(state: str, start: str, end: str | None, sign: str | None) -> dict[str, Any]:
    return {
        "dateFin": end,
        "dateDebut": start,
        "etatAdministratifEtablissement": state,
        "changementEtatAdministratifEtablissement": end is None,
        "enseigne1Etablissement": sign,
        "enseigne2Etablissement": None,
        "enseigne3Etablissement": None,
        "changementEnseigneEtablissement": False,
        "denominationUsuelleEtablissement": None,
        "changementDenominationUsuelleEtablissement": False,
        "activitePrincipaleEtablissement": "16.23Z",
        "nomenclatureActivitePrincipaleEtablissement": "NAFRev2",
        "changementActivitePrincipaleEtablissement": False,
        "caractereEmployeurEtablissement": "N",
        "changementCaractereEmployeurEtablissement": False,
    }


def record_of(establishment: Establishment) -> dict[str, Any]:
    """The INSEE record of an establishment of the local registry (its address written « street, postcode
    town »: the street goes in ``libelleVoieEtablissement``, the rest in the postcode and the town)."""
    street, _, town = (establishment.address or "").rpartition(", ")
    postcode, _, city = town.partition(" ")
    closed = not establishment.open
    return insee_record(
        establishment.siret,
        denomination=establishment.name,
        state="A" if establishment.open else "F",
        since=establishment.closed_on.isoformat() if closed and establishment.closed_on else "2008-03-01",
        address={
            "libelleVoieEtablissement": street or None,
            "codePostalEtablissement": postcode or None,
            "libelleCommuneEtablissement": city or None,
        },
    )


# ------------------------------------------------------------------------------------------ answers
@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0  # seconds before the status line: a slow INSEE


def _json(status: int, value: Any, *headers: tuple[str, str]) -> Answer:
    return Answer(
        status, json.dumps(value, ensure_ascii=False).encode(), (("Content-Type", "application/json"), *headers)
    )


def found(record: dict[str, Any]) -> Answer:
    return _json(200, {"header": {"statut": 200, "message": "OK"}, "etablissement": record})


def not_found(siret: str) -> Answer:
    return _json(404, {"header": {"statut": 404, "message": f"Aucun élément trouvé pour le siret {siret}"}})


def bad_request(siret: str) -> Answer:
    message = f"Erreur de syntaxe dans le paramètre siret={siret}"
    return _json(400, {"header": {"statut": 400, "message": message}})


def unauthorized() -> Answer:
    return _json(401, {"header": {"statut": 401, "message": "Jeton invalide"}})


def throttled(retry_after: str | None = "1") -> Answer:
    headers = (("Retry-After", retry_after),) if retry_after is not None else ()
    return _json(429, {"header": {"statut": 429, "message": "Trop de requêtes"}}, *headers)


def server_error(status: int = 503) -> Answer:
    if status in {502, 504}:  # the gateway in front of the API: not INSEE's JSON
        return Answer(status, b"<html><body>Bad gateway</body></html>", (("Content-Type", "text/html"),))
    return _json(status, {"header": {"statut": status, "message": "Erreur interne du serveur"}})


def malformed(body: bytes = b'{"header": {"statut": 200, "message": "OK"}, "etablissement": {"siret": ') -> Answer:
    return Answer(200, body, (("Content-Type", "application/json"),))


def slow(seconds: float, then: Answer) -> Answer:
    return Answer(then.status, then.body, then.headers, delay=seconds)


# ------------------------------------------------------------------------------------------- server
@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]


# ------------------------------------------------------------------------------------------- TLS
@dataclass(frozen=True)
class Authority:
    """A certificate authority of the test run and the fake's certificate for 127.0.0.1, as PEM files."""

    ca_file: Path
    cert_file: Path
    key_file: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


@lru_cache(maxsize=1)
def fake_authority() -> Authority:
    """Made once per run (an EC key is quick), in a temporary folder the run leaves behind."""
    folder = Path(tempfile.mkdtemp(prefix="fake-sirene-tls-"))
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Autorite de test du faux Sirene")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
                ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
            ),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    authority = Authority(folder / "ca.pem", folder / "cert.pem", folder / "key.pem")
    authority.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    authority.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    authority.key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return authority


def trusting_pool() -> urllib3.PoolManager:
    """The adapter's kind of pool, trusting the test authority (and nothing else)."""
    return urllib3.PoolManager(num_pools=2, maxsize=4, ca_certs=str(fake_authority().ca_file))


class _TlsServer(ThreadingHTTPServer):
    """Each connection is wrapped in TLS in its own thread (a slow or failed handshake holds no other)."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        authority = fake_authority()
        self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.tls.load_cert_chain(authority.cert_file, authority.key_file)

    def finish_request(self, request: Any, client_address: Any) -> None:
        assert isinstance(request, socket.socket)
        try:
            wrapped = self.tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):  # a client that refused the certificate, or gave up
            return
        super().finish_request(wrapped, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:  # noqa: ARG002 (quiet, as log_message)
        return


@dataclass
class FakeSirene:
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    scripts: dict[str, deque[Answer]] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    key: str = KEY

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _TlsServer | None = None

    # --- programming
    def add(self, *records: dict[str, Any]) -> None:
        with self._lock:
            self.records.update({r["siret"]: r for r in records})

    def script(self, siret: str, *answers: Answer) -> None:
        """The next answers to ``siret``, each used once, in order; then the default answer again."""
        with self._lock:
            self.scripts.setdefault(siret, deque()).extend(answers)

    def requests_for(self, siret: str) -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if s.path == f"{PREFIX}/siret/{siret}"]

    def answer(self, method: str, path: str, headers: dict[str, str]) -> Answer:
        with self._lock:
            self.seen.append(Seen(method, path, headers))
            if headers.get("X-INSEE-Api-Key-Integration") != self.key:
                return unauthorized()
            if method != "GET" or not path.startswith(f"{PREFIX}/siret/"):
                return _json(404, {"header": {"statut": 404, "message": "Ressource inconnue"}})
            siret = path.removeprefix(f"{PREFIX}/siret/")
            script = self.scripts.get(siret)
            if script:
                return script.popleft()
            if siret in self.records:
                return found(self.records[siret])
            if not (siret.isascii() and siret.isdigit() and len(siret) == 14):
                return bad_request(siret)
            return not_found(siret)

    # --- running
    @property
    def base_url(self) -> str:
        assert self._server is not None, "start the fake first"
        host, port = self._server.server_address[:2]
        return f"https://{host!s}:{port}{PREFIX}"

    def start(self) -> FakeSirene:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as INSEE: the adapter's pool reuses its connection
            disable_nagle_algorithm = True  # headers and body leave at once (no 40 ms delayed-ACK stall)

            def do_GET(self) -> None:
                answer = fake.answer("GET", self.path, dict(self.headers.items()))
                if answer.delay and fake._stopping.wait(answer.delay):
                    return
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers:
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                except OSError:  # the client gave up waiting (a timeout under test)
                    self.close_connection = True

            def log_message(self, format: str, *args: Any) -> None:  # noqa: ARG002 (silence: no access log)
                return

        server = _TlsServer(("127.0.0.1", 0), Handler)
        self._server = server
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.005}, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@contextmanager
def fake_sirene() -> Iterator[FakeSirene]:
    fake = FakeSirene().start()
    try:
        yield fake
    finally:
        fake.stop()
