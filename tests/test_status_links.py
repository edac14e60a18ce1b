"""The status link of a non-connected ticket: its token travels in the body of ``POST /public/status`` (the
mailed link is ``<StatusPageUrl>#<token>``, a fragment no server receives), and a rotation of the signing key
keeps the links already mailed valid for their life (docs/decisions.md, « Rotation of the status-link key »).

The rotation is played on Secrets Manager (moto) through the real adapter and the public function's handler:
``put_secret_value`` as the one-step rotation, then the two-step one (``AWSPENDING`` announced, then made
``AWSCURRENT``). Each ``SecretSigningKey`` built here is one execution environment's."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from chorus_desk import links, messages
from chorus_desk.adapters.memory.signing import FixedSigningKey
from chorus_desk.adapters.secrets import CACHE_SECONDS, SecretSigningKey
from chorus_desk.errors import SecretUnavailable
from chorus_desk.models import utc_now
from chorus_desk.ports import SigningKey
from chorus_desk.settings import MailSettings, load_settings
from chorus_desk.usecases import public as public_usecases
from chorus_desk.usecases.mail import StatusLinks
from local_stack.template import Resolver, api_routes
from tests.support import Api, CallLog

SECRET = os.environ["SIGNING_SECRET_NAME"]
LIFETIME = timedelta(days=90)
LINK_NOT_FOUND = {"code": "INTROUVABLE", "message": messages.STATUS_LINK_NOT_FOUND, "errors": []}
UNAVAILABLE = {"code": "SERVICE_INDISPONIBLE", "message": messages.STORAGE_UNAVAILABLE, "errors": []}


def new_key() -> str:
    return secrets.token_urlsafe(48)


@pytest.fixture
def manager(aws_api: Api) -> Any:
    """Secrets Manager (moto) with the status-link secret, as the template creates it (one version)."""
    client = boto3.client("secretsmanager")
    client.create_secret(Name=SECRET, SecretString=new_key())
    return client


class Calls:
    """The GetSecretValue calls a client made, by version stage."""

    def __init__(self, client: Any) -> None:
        self.stages: list[str] = []
        client.meta.events.register("provide-client-params.secrets-manager.GetSecretValue", self._record)

    def _record(self, params: dict[str, Any], **_: Any) -> None:
        self.stages.append(str(params.get("VersionStage")))


class Monotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def environment(clock: Callable[[], float] | None = None) -> SecretSigningKey:
    """A fresh execution environment's key (nothing cached yet)."""
    return SecretSigningKey(SECRET, boto3.client("secretsmanager"), clock=clock or Monotonic())


def mailed_token(key: SigningKey, number: int) -> str:
    """The token of the link the mail function builds with ``key`` (the fragment of ``StatusLinks.url``)."""
    url = StatusLinks(key, load_settings(MailSettings).status_page_url, LIFETIME).url(number)
    page, _, token = url.partition("#")
    assert page == load_settings(MailSettings).status_page_url
    return token


def opened(api: Api, key: SigningKey, token: str) -> int | None:
    """What the public function answers to that token when its environment holds ``key``: the ticket's number,
    or None for the 404 every invalid link gets."""
    api.signing_key = key
    reply = api.status(token)
    if reply.status == 404:
        assert reply.body == LINK_NOT_FOUND
        return None
    assert reply.status == 200, reply.body
    return int(reply.body["number"])


def anonymous_ticket(api: Api) -> int:
    reply = api.create_anonymous()
    assert reply.status == 201, reply.body
    return int(reply.body["number"])


# ------------------------------------------------------------------------------------ the token's way
def test_the_mailed_link_is_the_status_page_with_the_token_as_its_fragment(api: Api) -> None:
    number = anonymous_ticket(api)
    page = load_settings(MailSettings).status_page_url

    url = StatusLinks(api.signing_key, page, LIFETIME).url(number)

    assert re.fullmatch(re.escape(page) + r"#[1-9][0-9]*\.[0-9]+\.[A-Za-z0-9_-]{43}", url), url
    assert opened(api, api.signing_key, url.split("#", 1)[1]) == number


@pytest.mark.parametrize(
    ("body", "raw"),
    [(None, None), ({}, None), ({"token": None}, None), ({"token": ""}, None), (None, "")],
    ids=["no body", "empty object", "null token", "empty token", "empty text"],
)
def test_a_status_request_without_a_token_is_the_same_404(api: Api, body: Any, raw: str | None) -> None:
    reply = api.call("ticket_status", None, body=body, raw_body=raw)
    assert (reply.status, reply.body) == (404, LINK_NOT_FOUND)


def test_a_status_request_that_is_not_a_token_is_refused_in_french(api: Api) -> None:
    not_a_string = api.call("ticket_status", None, body={"token": 12})
    assert not_a_string.status == 400
    assert not_a_string.body["errors"] == [
        {"field": "token", "message": messages.FIELD_BAD_FORMAT.format(label="lien de suivi")}
    ]
    extra = api.call("ticket_status", None, body={"token": "1.2.3", "numero": 1})
    assert extra.status == 400
    assert extra.body["errors"] == [{"field": "numero", "message": messages.FIELD_NOT_ALLOWED.format(label="numero")}]
    form = api.call("ticket_status", None, raw_body="token=1.2.3", headers={"Content-Type": "text/plain"})
    assert form.status == 415


def test_a_status_request_costs_one_query_and_writes_nothing(aws_api: Api, aws: CallLog) -> None:
    number = anonymous_ticket(aws_api)
    token = mailed_token(aws_api.signing_key, number)
    aws.operations.clear()

    assert opened(aws_api, aws_api.signing_key, token) == number

    assert aws.counts() == {"Query": 1}


def test_no_route_carries_a_token_in_its_path(template: dict[str, Any]) -> None:
    """Path parameters end in access logs and traces: they name resources, never a secret."""
    parameters = {name for route in api_routes(template) for name in re.findall(r"{(\w+)}", route.path)}
    assert parameters == {"number", "attachment_id", "siret", "operation_id", "conversation_id", "chat_id"}
    (status,) = [r for r in api_routes(template) if r.name == "TicketStatus"]
    assert (status.method, status.path, status.authorized) == ("POST", "/public/status", False)


def test_the_status_page_is_an_https_address_without_fragment_given_to_the_mail_function(
    template: dict[str, Any],
) -> None:
    parameter = template["Parameters"]["StatusPageUrl"]
    pattern = re.compile(parameter["AllowedPattern"])
    assert pattern.fullmatch(parameter["Default"])
    for wrong in ("http://support.example.fr/suivi", "https://support.example.fr/suivi#x", "https://a/b?x=1", ""):
        assert not pattern.fullmatch(wrong), wrong
    variables = template["Resources"]["MailFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["STATUS_PAGE_URL"] == {"Ref": "StatusPageUrl"}
    assert Resolver(template).resolve(variables["STATUS_PAGE_URL"]) == parameter["Default"]


# ------------------------------------------------------------------------------ the port's contract
@pytest.fixture(params=["memory", "secrets manager"])
def rotated(request: pytest.FixtureRequest) -> Iterator[tuple[SigningKey, bytes, bytes]]:
    """A key after one rotation, in the in-memory twin and in the Secrets Manager adapter: (key, current,
    previous)."""
    previous, current = new_key().encode(), new_key().encode()
    if request.param == "memory":
        yield FixedSigningKey(current, (previous,)), current, previous
        return
    request.getfixturevalue("aws")
    client = boto3.client("secretsmanager")
    client.create_secret(Name=SECRET, SecretString=previous.decode())
    client.put_secret_value(SecretId=SECRET, SecretString=current.decode())
    yield environment(), current, previous


def test_the_key_that_signs_is_the_current_one_and_comes_first_among_the_accepted(
    rotated: tuple[SigningKey, bytes, bytes],
) -> None:
    key, current, previous = rotated
    assert key.key() == current
    assert key.keys() == (current, previous)


def test_a_key_never_rotated_is_the_only_one_accepted() -> None:
    assert FixedSigningKey(b"k" * 40).keys() == (b"k" * 40,)
    assert FixedSigningKey(b"k" * 40, (b"k" * 40,)).keys() == (b"k" * 40,)


def test_a_token_is_checked_against_every_accepted_key() -> None:
    old, new, stranger = (new_key().encode() for _ in range(3))
    token = links.sign(old, 7, utc_now() + LIFETIME)
    assert links.verify([new, old], token, utc_now()) == 7
    assert links.verify([new], token, utc_now()) is None
    assert links.verify([stranger], token, utc_now()) is None
    assert links.verify([], token, utc_now()) is None


# ------------------------------------------------------------------------- rotation on Secrets Manager
def test_after_a_rotation_an_old_link_still_opens_and_a_forged_one_does_not(aws_api: Api, manager: Any) -> None:
    number = anonymous_ticket(aws_api)
    before = environment()
    old_link = mailed_token(before, number)
    assert opened(aws_api, before, old_link) == number

    manager.put_secret_value(SecretId=SECRET, SecretString=new_key())  # the one-step rotation

    after = environment()  # an environment started since (or whose cache expired)
    new_link = mailed_token(after, number)
    assert new_link != old_link  # the mails now carry links signed with the new key
    assert opened(aws_api, after, old_link) == number
    assert opened(aws_api, after, new_link) == number
    forged = links.sign(new_key().encode(), number, utc_now() + LIFETIME)
    assert opened(aws_api, after, forged) is None
    tampered = old_link[:-1] + ("A" if old_link[-1] != "A" else "B")
    assert opened(aws_api, after, tampered) is None

    manager.put_secret_value(SecretId=SECRET, SecretString=new_key())  # the next rotation forgets the first key

    later = environment()
    assert opened(aws_api, later, old_link) is None
    assert opened(aws_api, later, new_link) == number


def test_the_two_step_rotation_never_refuses_a_fresh_link(aws_api: Api, manager: Any) -> None:
    """Step 1 announces the new key (AWSPENDING): every environment accepts it once its cache is renewed, while
    the current key still signs. Step 2, once every cache has been renewed (CACHE_SECONDS), makes it current:
    the links it signs already open everywhere, and the ones signed before open as AWSPREVIOUS."""
    number = anonymous_ticket(aws_api)
    first = environment()
    first_link = mailed_token(first, number)

    pending = manager.put_secret_value(SecretId=SECRET, SecretString=new_key(), VersionStages=["AWSPENDING"])
    announced = environment()
    assert announced.key() == first.key()  # the current key still signs
    assert links.verify([first.key()], mailed_token(announced, number), utc_now()) == number  # signed as before
    assert opened(aws_api, announced, first_link) == number

    versions = manager.list_secret_version_ids(SecretId=SECRET)["Versions"]
    (current,) = [v["VersionId"] for v in versions if "AWSCURRENT" in v["VersionStages"]]
    manager.update_secret_version_stage(
        SecretId=SECRET, VersionStage="AWSCURRENT", MoveToVersionId=pending["VersionId"], RemoveFromVersionId=current
    )
    promoted = environment()
    second_link = mailed_token(promoted, number)
    assert second_link != first_link
    assert opened(aws_api, announced, second_link) == number  # an environment whose cache predates step 2
    assert opened(aws_api, promoted, first_link) == number
    assert opened(aws_api, promoted, second_link) == number

    manager.update_secret_version_stage(  # the procedure's last step: no stage left pending
        SecretId=SECRET, VersionStage="AWSPENDING", RemoveFromVersionId=pending["VersionId"]
    )
    assert environment().keys() == (promoted.key(), first.key())


def test_after_a_one_step_rotation_a_cached_environment_refuses_new_links_for_at_most_an_hour(
    aws_api: Api, manager: Any
) -> None:
    """Why the procedure announces a key before it signs: without that step, an environment that read the keys
    just before the rotation does not know the new one until its cache expires."""
    number = anonymous_ticket(aws_api)
    clock = Monotonic()
    cached = environment(clock)
    cached.keys()

    manager.put_secret_value(SecretId=SECRET, SecretString=new_key())
    fresh_link = mailed_token(environment(), number)

    clock.now += CACHE_SECONDS - 1
    assert opened(aws_api, cached, fresh_link) is None
    clock.now += 1
    assert opened(aws_api, cached, fresh_link) == number


def test_an_environment_reads_its_keys_once_per_cache_period(manager: Any) -> None:
    clock = Monotonic()
    client = boto3.client("secretsmanager")
    calls = Calls(client)
    key = SecretSigningKey(SECRET, client, clock=clock)

    for _ in range(5):
        key.keys()
        key.key()

    assert sorted(calls.stages) == ["AWSCURRENT", "AWSPENDING", "AWSPREVIOUS"]  # the absent stages remembered too
    signing = key.key()
    manager.put_secret_value(SecretId=SECRET, SecretString=new_key())
    clock.now += CACHE_SECONDS - 1
    assert key.key() == signing  # still the cached key
    clock.now += 1
    assert key.key() != signing
    assert key.keys()[1] == signing
    assert len(calls.stages) == 6


def test_an_unreadable_key_is_a_french_503_not_a_404(aws_api: Api, manager: Any) -> None:
    number = anonymous_ticket(aws_api)
    token = mailed_token(environment(), number)
    client = boto3.client("secretsmanager")
    stubber = Stubber(client)
    current = manager.get_secret_value(SecretId=SECRET)
    stubber.add_response(
        "get_secret_value",
        {"Name": SECRET, "SecretString": current["SecretString"]},
        {"SecretId": SECRET, "VersionStage": "AWSCURRENT"},
    )
    stubber.add_client_error("get_secret_value", "ThrottlingException", http_status_code=400)
    with stubber:
        aws_api.signing_key = SecretSigningKey(SECRET, client)
        reply = aws_api.status(token)
    assert (reply.status, reply.body) == (503, UNAVAILABLE)

    manager.put_secret_value(SecretId=SECRET, SecretString="trop-courte")
    with pytest.raises(SecretUnavailable):
        environment().key()
    manager.delete_secret(SecretId=SECRET, ForceDeleteWithoutRecovery=True)
    aws_api.signing_key = environment()
    reply = aws_api.status(token)
    assert (reply.status, reply.body) == (503, UNAVAILABLE)


def test_the_use_case_signs_with_the_current_key_only() -> None:
    previous, current = new_key().encode(), new_key().encode()
    key = FixedSigningKey(current, (previous,))
    token = public_usecases.status_link_token(key, 5, LIFETIME)
    assert links.verify([current], token, utc_now()) == 5
    assert links.verify([previous], token, utc_now()) is None
