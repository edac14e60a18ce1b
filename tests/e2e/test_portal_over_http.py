"""The portal on the local stack, over real HTTP: the built portal at / (and /suivi) with its security headers,
its settings at /config.json, the API under /api as at its usual paths, and the user pool's SRP endpoint, which
checks the password as Cognito does (moto accepts any signature).

The SRP client here is written from the client's side of the protocol (amazon-cognito-identity-js
AuthenticationHelper: S = (B - k·g^x)^(a + u·x)), not with the endpoint's own formula (S = (A·v^u)^b): the two
meet only if the password is the right one.
"""

from __future__ import annotations

import base64
import datetime
import gzip
import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local_stack import demo
from local_stack.cognito_srp import G, N, hex_hash, hkdf, pad_hex
from tests.e2e.stack import Stack, start_stack
from tests.support import ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

DIST = ROOT / "web" / "dist"
MARIE = demo.USERS_BY_ALIAS["marie"]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    started = start_stack(tmp_path_factory.mktemp("portal"))
    yield started
    started.process.terminate()
    started.process.wait(timeout=30)


@pytest.fixture(scope="module")
def config(stack: Stack) -> dict[str, Any]:
    status, body, _ = stack.http("GET", "/config.json")
    assert status == 200
    assert isinstance(body, dict)
    return body


def cognito(stack: Stack, operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """One call of Cognito's JSON API at the portal's endpoint, as the browser makes it (unsigned)."""
    request = urllib.request.Request(
        stack.url + "/_local/cognito",
        data=json.dumps(body).encode(),
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, json.loads(reply.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def srp_sign_in(stack: Stack, config: dict[str, Any], email: str, password: str) -> tuple[int, dict[str, Any]]:
    """USER_SRP_AUTH then PASSWORD_VERIFIER, the client's side computed as amazon-cognito-identity-js does."""
    small_a = secrets.randbits(1024)
    large_a = pow(G, small_a, N)
    parameters = {"USERNAME": email, "SRP_A": format(large_a, "x")}
    flow = {"AuthFlow": "USER_SRP_AUTH", "ClientId": config["clientId"], "AuthParameters": parameters}
    status, started = cognito(stack, "InitiateAuth", flow)
    if status != 200:
        return status, started
    challenge = started["ChallengeParameters"]
    pool = config["userPoolId"].split("_", 1)[1]
    user_id = challenge["USER_ID_FOR_SRP"]
    large_b, salt = int(challenge["SRP_B"], 16), int(challenge["SALT"], 16)
    k = int(hex_hash(pad_hex(N) + pad_hex(G)), 16)
    u = int(hex_hash(pad_hex(large_a) + pad_hex(large_b)), 16)
    inner = hashlib.sha256(f"{pool}{user_id}:{password}".encode()).hexdigest()
    x = int(hex_hash(pad_hex(salt) + inner), 16)
    shared = pow((large_b - k * pow(G, x, N)) % N, small_a + u * x, N)
    key = hkdf(bytes.fromhex(pad_hex(shared)), bytes.fromhex(pad_hex(u)))
    now = datetime.datetime.now(datetime.UTC)
    timestamp = now.strftime("%a %b ") + str(now.day) + now.strftime(" %H:%M:%S UTC %Y")
    message = pool.encode() + user_id.encode() + base64.b64decode(challenge["SECRET_BLOCK"]) + timestamp.encode()
    responses = {
        "USERNAME": user_id,
        "PASSWORD_CLAIM_SECRET_BLOCK": challenge["SECRET_BLOCK"],
        "TIMESTAMP": timestamp,
        "PASSWORD_CLAIM_SIGNATURE": base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode(),
    }
    answer = {"ChallengeName": "PASSWORD_VERIFIER", "ClientId": config["clientId"], "ChallengeResponses": responses}
    status, body = cognito(stack, "RespondToAuthChallenge", answer)
    body["_replay"] = answer
    return status, body


def test_the_right_password_signs_in_and_its_id_token_opens_the_api(stack: Stack, config: dict[str, Any]) -> None:
    status, body = srp_sign_in(stack, config, MARIE.email, demo.DEMO_PASSWORD)
    assert status == 200, body
    tokens = body["AuthenticationResult"]
    for path in ("/api/me", "/me"):  # under /api as the portal calls it, and at its usual path
        me_status, me, _ = stack.http("GET", path, headers={"Authorization": tokens["IdToken"]})
        assert me_status == 200, me
        assert me["email"] == MARIE.email


def test_a_wrong_password_or_an_unknown_address_gets_cognitos_refusal(stack: Stack, config: dict[str, Any]) -> None:
    wrong = srp_sign_in(stack, config, MARIE.email, demo.DEMO_PASSWORD + "x")
    unknown = srp_sign_in(stack, config, "personne@nulle-part.example", demo.DEMO_PASSWORD)
    for status, body in (wrong, unknown):
        assert status == 400
        assert body["__type"] == "NotAuthorizedException"
        assert "AuthenticationResult" not in body
    assert wrong[1]["message"] == unknown[1]["message"]  # nothing tells that the address exists


def test_a_password_claim_is_answered_once(stack: Stack, config: dict[str, Any]) -> None:
    status, body = srp_sign_in(stack, config, MARIE.email, demo.DEMO_PASSWORD)
    assert status == 200
    again_status, again = cognito(stack, "RespondToAuthChallenge", body["_replay"])
    assert again_status == 400
    assert again["__type"] == "NotAuthorizedException"


def test_a_revoked_refresh_token_no_longer_refreshes(stack: Stack, config: dict[str, Any]) -> None:
    status, body = srp_sign_in(stack, config, MARIE.email, demo.DEMO_PASSWORD)
    assert status == 200
    refresh = {"REFRESH_TOKEN": body["AuthenticationResult"]["RefreshToken"]}
    flow = {"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": config["clientId"], "AuthParameters": refresh}
    refreshed_status, refreshed = cognito(stack, "InitiateAuth", flow)
    assert refreshed_status == 200
    assert refreshed["AuthenticationResult"]["IdToken"]
    token = {"Token": refresh["REFRESH_TOKEN"], "ClientId": config["clientId"]}
    assert cognito(stack, "RevokeToken", token)[0] == 200
    after_status, after = cognito(stack, "InitiateAuth", flow)
    assert after_status == 400
    assert after["__type"] == "NotAuthorizedException"


def test_the_settings_name_the_stacks_pool_and_same_origin_endpoints(stack: Stack, config: dict[str, Any]) -> None:
    state = json.loads(stack.state.read_text())
    assert config == {
        "apiBase": "/api",
        "region": "eu-west-3",
        "userPoolId": state["user_pool_id"],
        "clientId": state["client_id"],
        "cognitoEndpoint": "/_local/cognito",
        "chatUrl": state["websocket"],  # the live chat's socket (the API's port + 100, or a free one)
    }
    _, _, headers = stack.http("GET", "/")
    connect = next(d for d in headers["Content-Security-Policy"].split(";") if d.strip().startswith("connect-src"))
    assert state["websocket"] in connect.split()  # the page may open it


def test_the_api_under_api_answers_as_at_its_usual_paths(stack: Stack) -> None:
    for path in ("/api/me", "/me"):
        status, body, _ = stack.http("GET", path)
        assert status == 401
        assert body["code"] == "NON_AUTHENTIFIE"


@pytest.mark.skipif(not (DIST / "index.html").is_file(), reason="web/dist is not built: make web")
def test_the_portal_is_served_with_its_security_headers(stack: Stack) -> None:
    index = (DIST / "index.html").read_text(encoding="utf-8")
    for path in ("/", "/suivi"):
        status, page, headers = stack.http("GET", path)
        assert status == 200
        assert page == index
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "'unsafe-inline'" not in policy
        assert "frame-ancestors 'none'" in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
    asset = next(p for p in sorted((DIST / "assets").iterdir()) if p.suffix == ".js")
    request = urllib.request.Request(f"{stack.url}/assets/{asset.name}", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        assert reply.headers["Content-Encoding"] == "gzip"
        assert "immutable" in reply.headers["Cache-Control"]
        assert gzip.decompress(reply.read()) == asset.read_bytes()
    status, _, _ = stack.http("GET", "/assets/../../pyproject.toml")
    assert status in (403, 404)


def test_without_a_build_the_page_says_how_to_build_it(tmp_path: Path) -> None:
    from werkzeug.test import Client
    from werkzeug.wrappers import Response

    from local_stack.portal import Portal

    def api(environ: dict[str, Any], start_response: Any) -> Any:
        answer = Response(json.dumps({"path": environ["PATH_INFO"]}), content_type="application/json")
        return answer(environ, start_response)

    client = Client(Portal(api, config={"apiBase": "/api"}, dist=tmp_path))
    page = client.get("/")
    assert page.status_code == 503
    assert "make web" in page.get_data(as_text=True)
    assert client.get("/api/tickets/1").get_json() == {"path": "/tickets/1"}
    assert client.get("/tickets/1").get_json() == {"path": "/tickets/1"}
