"""The matrix's token rows, over real HTTP: every signed-in route of template.yaml refuses a forged, tampered,
expired or foreign IdToken with API Gateway's French 401, before any function runs, on the local stack
(whose gateway checks tokens as the Cognito authorizer does: signature, issuer, audience, expiry, use).

The forged tokens are made here from a real one of the stack (its claims, re-signed or altered): a new RSA
key under the pool's key id, moto's own key with an expiry in the past or another audience, a payload edited
without a new signature, an access token instead of an IdToken.
"""

from __future__ import annotations

import base64
import gzip
import json
import time
from collections.abc import Iterator
from importlib import resources
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from local_stack.template import api_routes, load_template
from tests import fixtures
from tests.e2e.stack import Stack, start_stack
from tests.support import sample_event, snake

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

SIGNED_IN = sorted((snake(r.name), r.method.upper(), r.path) for r in api_routes(load_template()) if r.authorized)
PLACEHOLDERS = {
    "{number}": "1",
    "{siret}": fixtures.SAINT_LEGER,
    "{attachment_id}": "a" * 22,
    "{conversation_id}": "c" * 22,
    "{operation_id}": "inactivation-x",
    "{chat_id}": "h" * 22,
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    started = start_stack(tmp_path_factory.mktemp("tokens"))
    yield started
    started.process.terminate()
    started.process.wait(timeout=30)


def _moto_key() -> Any:
    """moto's signing key for every user pool (the private half of the JWKS the stack publishes)."""
    raw = (resources.files("moto") / "cognitoidp" / "resources" / "jwks-private.json.gz").read_bytes()
    return jwt.PyJWK(json.loads(gzip.decompress(raw))).key


def _claims(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def _tampered(token: str, **changes: Any) -> str:
    """The token with its payload edited and its signature kept (what an attacker can do without the key)."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    edited = base64.urlsafe_b64encode(json.dumps({**claims, **changes}).encode()).rstrip(b"=").decode()
    return f"{header}.{edited}.{signature}"


def bad_tokens(stack: Stack) -> dict[str, str]:
    real = stack.token("marie")
    claims = _claims(real)
    now = int(time.time())
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    headers = {"kid": jwt.get_unverified_header(real)["kid"]}
    moto_key = _moto_key()
    return {
        "forged (another key, the pool's key id)": jwt.encode(claims, other_key, algorithm="RS256", headers=headers),
        "expired (the pool's key)": jwt.encode(
            {**claims, "iat": now - 7200, "exp": now - 3600}, moto_key, algorithm="RS256", headers=headers
        ),
        "another audience (the pool's key)": jwt.encode(
            {**claims, "aud": "another-app-client"}, moto_key, algorithm="RS256", headers=headers
        ),
        "another issuer (the pool's key)": jwt.encode(
            {**claims, "iss": "https://cognito-idp.eu-west-3.amazonaws.com/eu-west-3_other"},
            moto_key,
            algorithm="RS256",
            headers=headers,
        ),
        "an access token (the pool's key)": jwt.encode(
            {**claims, "token_use": "access"}, moto_key, algorithm="RS256", headers=headers
        ),
        "tampered (Nora's sub, Marie's signature)": _tampered(real, sub=fixtures.USER_IDS["nora"]),
        "unsigned (alg none)": jwt.encode(claims, "", algorithm="none"),
        "not a token": "Bearer abc.def",
    }


def test_the_real_token_is_accepted(stack: Stack) -> None:
    """The control: the same claims, as the pool signed them, open the caller's profile."""
    status, body, _ = stack.http("GET", "/me", "marie")
    assert status == 200, body


def test_every_signed_in_route_refuses_every_bad_token_with_the_gateways_401(stack: Stack) -> None:
    before = stack.http("GET", "/dashboard", "marie")[1]
    refused: list[str] = []
    for kind, token in bad_tokens(stack).items():
        for name, method, template_path in SIGNED_IN:
            path = template_path
            for placeholder, value in PLACEHOLDERS.items():
                path = path.replace(placeholder, value)
            raw = sample_event(name)["body"]
            body = json.loads(raw) if raw else None
            status, answer, headers = stack.http(method, path, body=body, headers={"Authorization": token})
            if status != 401 or not isinstance(answer, dict) or answer.get("code") != "NON_AUTHENTIFIE":
                refused.append(f"{kind}: {method} {path} answered {status} {answer!r:.120}")
            assert headers.get("Content-Type", "").startswith("application/json")
    assert not refused, "\n".join(refused)
    # Nothing was created or changed by any of them: Marie's dashboard counts are what they were.
    assert stack.http("GET", "/dashboard", "marie")[1] == before
