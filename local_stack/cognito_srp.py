"""The user pool's endpoint for the portal's sign-in, on the local stack's own origin (POST /_local/cognito).

The portal signs in with SRP (USER_SRP_AUTH then PASSWORD_VERIFIER), as it does against Cognito: the password
never leaves the browser. moto 5.2 answers that flow without checking anything (a random SRP_B and salt, any
signature accepted), so this endpoint plays Cognito's side of SRP itself, for the users of moto's pool:

- InitiateAuth USER_SRP_AUTH goes to moto (which knows the user, and opens its session); the answer's SALT and
  SRP_B are replaced by a real salt and B = k·v + g^b computed from the password moto keeps for the user, and
  SECRET_BLOCK becomes moto's session in base64 (what Cognito's is, and what the client decodes);
- RespondToAuthChallenge PASSWORD_VERIFIER is checked: the client's PASSWORD_CLAIM_SIGNATURE must be the HMAC
  that only the password gives (Cognito's: HKDF of S = (A·v^u)^b, over pool name, user id for SRP, secret block
  and timestamp); a wrong one gets Cognito's NotAuthorizedException, a right one goes on to moto for the tokens;
- an unknown user gets the same NotAuthorizedException (the pool client's PreventUserExistenceErrors);
- RevokeToken (sign-out), which moto lacks, forgets the refresh token in moto's pool;
- every other call (REFRESH_TOKEN_AUTH, GetUser…) goes to moto unchanged.

The SRP arithmetic is the one of Cognito's clients (amazon-cognito-identity-js AuthenticationHelper): the RFC 5054
3072-bit group, g = 2, SHA-256, padHex's two's-complement hex.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from werkzeug.wrappers import Request, Response

N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N = int(N_HEX, 16)
G = 2
TARGET_PREFIX = "AWSCognitoIdentityProviderService."
CHALLENGES_KEPT = 1000  # SRP exchanges begun and not finished (a session lives 3 minutes on Cognito)
CHALLENGE_SECONDS = 180


def pad_hex(value: int) -> str:
    """The client's padHex for a non-negative integer: even length, a 00 byte first if the top bit is set."""
    text = format(value, "x")
    if len(text) % 2:
        text = "0" + text
    elif text[0] in "89abcdef":
        text = "00" + text
    return text


def hex_hash(hex_text: str) -> str:
    return hashlib.sha256(bytes.fromhex(hex_text)).hexdigest()


K = int(hex_hash(pad_hex(N) + pad_hex(G)), 16)


def pool_name(user_pool_id: str) -> str:
    """What the client calls the pool's name: the part of its id after the region."""
    return user_pool_id.split("_", 1)[1]


def password_exponent(pool: str, user_id_for_srp: str, password: str, salt: int) -> int:
    """x = H(salt | H(pool name | user id for SRP | ":" | password))."""
    inner = hashlib.sha256(f"{pool}{user_id_for_srp}:{password}".encode()).hexdigest()
    return int(hex_hash(pad_hex(salt) + inner), 16)


def hkdf(ikm: bytes, salt: bytes) -> bytes:
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]


def claim_signature(key: bytes, pool: str, user_id_for_srp: str, secret_block: bytes, timestamp: str) -> str:
    message = pool.encode() + user_id_for_srp.encode() + secret_block + timestamp.encode()
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


@dataclass(frozen=True)
class Challenge:
    """Cognito's side of one SRP exchange: what it sent, and the key only the right password also gives."""

    salt: int
    large_b: int
    key: bytes
    pool: str
    user_id_for_srp: str
    started: float


def begin(pool: str, user_id_for_srp: str, password: str, large_a: int) -> Challenge:
    """The server's step: a salt and B for the client's A; the shared key computed as the client will."""
    if large_a % N == 0:
        raise ValueError("SRP_A")
    salt = secrets.randbits(128)
    x = password_exponent(pool, user_id_for_srp, password, salt)
    verifier = pow(G, x, N)
    small_b = secrets.randbits(1024)
    large_b = (K * verifier + pow(G, small_b, N)) % N
    u = int(hex_hash(pad_hex(large_a) + pad_hex(large_b)), 16)
    if u == 0:
        raise ValueError("SRP_A")
    shared = pow(large_a * pow(verifier, u, N), small_b, N)
    key = hkdf(bytes.fromhex(pad_hex(shared)), bytes.fromhex(pad_hex(u)))
    return Challenge(salt, large_b, key, pool, user_id_for_srp, time.monotonic())


def verified(challenge: Challenge, secret_block: bytes, timestamp: str, signature: str) -> bool:
    expected = claim_signature(challenge.key, challenge.pool, challenge.user_id_for_srp, secret_block, timestamp)
    return hmac.compare_digest(expected, signature)


def _error(kind: str, message: str) -> Response:
    return Response(
        json.dumps({"__type": kind, "message": message}), status=400, content_type="application/x-amz-json-1.1"
    )


def _answer(body: dict[str, Any]) -> Response:
    return Response(json.dumps(body), status=200, content_type="application/x-amz-json-1.1")


NOT_AUTHORIZED = ("NotAuthorizedException", "Incorrect username or password.")


class CognitoEndpoint:
    """POST /_local/cognito: Cognito's JSON API for the browser, SRP checked here, the rest done by moto.

    ``password_of(client_id, username)`` gives the password moto keeps for a user of the pool of that client
    (None if there is no such user); ``forget_refresh_token(client_id, token)`` revokes one.
    """

    def __init__(
        self,
        moto_endpoint: str,
        password_of: Callable[[str, str], str | None],
        forget_refresh_token: Callable[[str, str], bool],
        user_pool_id: str,
    ) -> None:
        self._moto = moto_endpoint.rstrip("/") + "/"
        self._password_of = password_of
        self._forget = forget_refresh_token
        self._pool = pool_name(user_pool_id)
        self._challenges: OrderedDict[str, Challenge] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> Response:
        if request.method != "POST":
            return Response(status=405, headers={"Allow": "POST"})
        target = request.headers.get("X-Amz-Target", "")
        if not target.startswith(TARGET_PREFIX):
            return _error("UnknownOperationException", "Unknown operation")
        try:
            body = json.loads(request.get_data() or b"{}")
        except json.JSONDecodeError:
            return _error("SerializationException", "Invalid JSON")
        if not isinstance(body, dict):
            return _error("SerializationException", "Invalid JSON")
        operation = target.removeprefix(TARGET_PREFIX)
        if operation == "InitiateAuth" and body.get("AuthFlow") == "USER_SRP_AUTH":
            return self._initiate(body)
        if operation == "RespondToAuthChallenge" and body.get("ChallengeName") == "PASSWORD_VERIFIER":
            return self._respond(body)
        if operation == "RevokeToken":
            self._forget(str(body.get("ClientId", "")), str(body.get("Token", "")))
            return _answer({})  # Cognito answers the same for a token it does not know
        status, answer = self._to_moto(target, body)
        return Response(answer, status=status, content_type="application/x-amz-json-1.1")

    def _to_moto(self, target: str, body: dict[str, Any]) -> tuple[int, bytes]:
        request = urllib.request.Request(
            self._moto,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                return int(reply.status), bytes(reply.read())
        except urllib.error.HTTPError as error:
            return int(error.code), bytes(error.read())

    def _initiate(self, body: dict[str, Any]) -> Response:
        parameters = body.get("AuthParameters") or {}
        client_id = str(body.get("ClientId", ""))
        try:
            large_a = int(str(parameters.get("SRP_A", "")), 16)
        except ValueError:
            return _error("InvalidParameterException", "SRP_A is not a hexadecimal number.")
        status, raw = self._to_moto(TARGET_PREFIX + "InitiateAuth", body)
        answer = json.loads(raw or b"{}")
        if status != 200:
            if answer.get("__type", "").endswith("UserNotFoundException"):
                return _error(*NOT_AUTHORIZED)  # PreventUserExistenceErrors: no hint that the address is unknown
            return Response(raw, status=status, content_type="application/x-amz-json-1.1")
        session = str(answer["Session"])
        user_id = str(answer["ChallengeParameters"]["USER_ID_FOR_SRP"])
        password = self._password_of(client_id, user_id)
        if password is None:
            return _error(*NOT_AUTHORIZED)
        try:
            challenge = begin(self._pool, user_id, password, large_a)
        except ValueError:
            return _error("InvalidParameterException", "SRP_A is not valid.")
        with self._lock:
            self._challenges[session] = challenge
            while len(self._challenges) > CHALLENGES_KEPT:
                self._challenges.popitem(last=False)
        secret_block = base64.b64encode(session.encode()).decode()
        answer["ChallengeParameters"].update(
            {"SALT": pad_hex(challenge.salt), "SRP_B": pad_hex(challenge.large_b), "SECRET_BLOCK": secret_block}
        )
        answer["Session"] = secret_block
        return _answer(answer)

    def _respond(self, body: dict[str, Any]) -> Response:
        responses = dict(body.get("ChallengeResponses") or {})
        try:
            secret_block = base64.b64decode(str(responses.get("PASSWORD_CLAIM_SECRET_BLOCK", "")), validate=True)
            session = secret_block.decode()
        except ValueError:
            return _error(*NOT_AUTHORIZED)
        with self._lock:
            challenge = self._challenges.pop(session, None)  # one try per exchange, as Cognito
        if challenge is None or time.monotonic() - challenge.started > CHALLENGE_SECONDS:
            return _error("NotAuthorizedException", "Invalid session for the user, session is expired.")
        signed = verified(
            challenge,
            secret_block,
            str(responses.get("TIMESTAMP", "")),
            str(responses.get("PASSWORD_CLAIM_SIGNATURE", "")),
        )
        if not signed or str(responses.get("USERNAME", "")) != challenge.user_id_for_srp:
            return _error(*NOT_AUTHORIZED)
        responses["PASSWORD_CLAIM_SECRET_BLOCK"] = session
        status, raw = self._to_moto(
            TARGET_PREFIX + "RespondToAuthChallenge", {**body, "ChallengeResponses": responses, "Session": session}
        )
        return Response(raw, status=status, content_type="application/x-amz-json-1.1")


def moto_password_of(region: str, account: str | None = None) -> Callable[[str, str], str | None]:
    """The password moto's pool keeps for a user (moto runs in this process: its backends are at hand)."""

    def password_of(client_id: str, username: str) -> str | None:
        pool = _pool_of(client_id, region, account)
        if pool is None:
            return None
        user = pool.users.get(username) or next(
            (u for u in pool.users.values() if username in (u.id, u.username)), None
        )
        return None if user is None or not user.enabled else str(user.password)

    return password_of


def moto_forget_refresh_token(region: str, account: str | None = None) -> Callable[[str, str], bool]:
    """Revoke a refresh token in moto's pool (RevokeToken, which moto does not implement)."""

    def forget(client_id: str, token: str) -> bool:
        pool = _pool_of(client_id, region, account)
        if pool is None or token not in pool.refresh_tokens:
            return False
        if pool.refresh_tokens[token] is not None and pool.refresh_tokens[token][0] != client_id:
            return False
        pool.refresh_tokens[token] = None  # moto's mark of a revoked token: REFRESH_TOKEN_AUTH is refused
        return True

    return forget


def _pool_of(client_id: str, region: str, account: str | None) -> Any:
    from moto.cognitoidp.models import cognitoidp_backends
    from moto.core.models import DEFAULT_ACCOUNT_ID

    backend = cognitoidp_backends[account or DEFAULT_ACCOUNT_ID][region]
    return next((p for p in backend.user_pools.values() if client_id in p.clients), None)
