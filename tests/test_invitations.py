"""« Renvoyer le lien d'activation » (issue 18, point 3): at most one invitation sent again per address and day,
whoever asks, counted under the address's keyed pseudonym; the same answer and the same calls whether an account
waits for activation, is active or does not exist, because the assistants never reach Cognito: they hand the
request to ``InvitationsFunction`` on the desk's bus, and that private function alone resends.

On the in-memory ports through the real handlers, on DynamoDB (moto) for the conditional claim and its race, and
the whole way on moto: the real EventBridge adapter, the local stack's PutEvents hook and bus with the template's
rule, the invitations function's handler, the Cognito adapter, moto's Cognito (resending as AWS does) and SES."""

from __future__ import annotations

import dataclasses
import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest import mock

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from chorus_desk import bootstrap, messages, pseudonyms
from chorus_desk.adapters.cognito import CognitoInvitations
from chorus_desk.adapters.eventbridge import (
    RESEND_REQUESTED,
    SOURCE,
    EventBridgeInvitationRequests,
    resend_entry,
)
from chorus_desk.adapters.memory.invitations import MemoryInvitationRequests
from chorus_desk.adapters.memory.signing import FixedSigningKey
from chorus_desk.adapters.secrets import SecretSigningKey
from chorus_desk.errors import StorageUnavailable
from chorus_desk.listing import PARIS
from chorus_desk.observability import logger
from chorus_desk.ports import Ports
from chorus_desk.usecases import assistant, invitations
from local_stack import aws as local_aws
from local_stack import events
from local_stack.gateway import LambdaContext
from local_stack.local_routes import sent_mails
from local_stack.template import Resolver, api_routes, handler_of, resources_of_type
from tests.invitation_support import FUNCTION, deliver, delivered, invoke, requested
from tests.support import Api, Reply
from tests.test_assistant import clock
from tests.test_ports_contract import in_parallel

PENDING = "nouveau.venu@exemple.fr"  # an account invited, never activated
ACTIVE = "deja.active@exemple.fr"  # an account in use
UNKNOWN = "inconnu@exemple.fr"  # no account
NOON = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)  # noon in Paris: the day is 2026-03-02 there
REGION = "eu-west-3"


@pytest.fixture(params=["memory", "dynamo"])
def desk(request: pytest.FixtureRequest) -> Api:
    """The real handlers on the in-memory ports, then on DynamoDB (moto)."""
    api: Api = request.getfixturevalue("api" if request.param == "memory" else "aws_api")
    return api


def ask_for_link(api: Api, email: str, user: str | None = None, ip: str | None = None) -> Reply:
    """A new conversation (from ``ip``), « Recevoir à nouveau mon lien d'activation », then ``email``: the
    answer to the address."""
    start, send = (
        ("start_conversation", "send_message") if user else ("start_public_conversation", "send_public_message")
    )
    started = api.call(start, user, body=None, ip=ip)
    assert started.status == 201, started.body
    conversation = started.body["id"]
    topic = api.call(send, user, conversation_id=conversation, body={"choice": "TOPIC:ACTIVATION_LINK"}, ip=ip)
    assert topic.status == 200, topic.body
    assert topic.body["reply"]["text"].endswith(messages.ASSISTANT_ASK_EMAIL)
    return api.call(send, user, conversation_id=conversation, body={"text": email}, ip=ip)


def answer(reply: Reply) -> dict[str, Any]:
    """What the visitor sees of an answer (the conversation's own id left out)."""
    assert reply.status == 200, reply.body
    return dict(reply.body["reply"])


# ------------------------------------------------------------------------------ one a day, whoever asks
def test_one_resend_per_address_and_day_whoever_asks_from_wherever(desk: Api) -> None:
    desk.invitations.pending = {PENDING}
    with clock(NOON):
        answers = [
            answer(ask_for_link(desk, PENDING, ip="198.51.100.1")),
            answer(ask_for_link(desk, " Nouveau.Venu@Exemple.FR ", ip="198.51.100.2")),  # another spelling
            answer(ask_for_link(desk, PENDING, user="marie")),  # signed in, another function
            answer(ask_for_link(desk, PENDING, user="claire")),
        ]
    assert all(a == answers[0] for a in answers)  # nothing says it was asked already
    assert answers[0]["text"] == messages.ASSISTANT_LINK_SENT
    assert requested(desk) == [PENDING]  # handed to InvitationsFunction once
    assert deliver(desk) == ["resent"]
    assert desk.invitations.resent == [PENDING]

    with clock(NOON + timedelta(hours=11)):  # 23:00 in Paris (22:00 UTC): still the same day there
        assert answer(ask_for_link(desk, PENDING, ip="198.51.100.3")) == answers[0]
    assert requested(desk) == []
    with clock(NOON + timedelta(hours=12, minutes=30)):  # 00:30 the next day in Paris (23:30 UTC)
        assert answer(ask_for_link(desk, PENDING, ip="198.51.100.4")) == answers[0]
    assert requested(desk) == [PENDING]  # a new day: the address may have its invitation again


def test_the_day_is_counted_under_the_keyed_pseudonym_never_the_address(aws_api: Api) -> None:
    with clock(NOON):
        answer(ask_for_link(aws_api, PENDING))
    items = boto3.client("dynamodb").scan(TableName=os.environ["TABLE_NAME"])["Items"]  # the test's client
    claims = [i for i in items if i["PK"]["S"].startswith("INVITATION#")]
    expected = pseudonyms.pseudonym(aws_api.pseudonym_key.key(), "invitation", PENDING)
    assert [(c["PK"]["S"], c["SK"]["S"]) for c in claims] == [(f"INVITATION#{expected}", "DAY#2026-03-02")]
    assert "exemple.fr" not in json.dumps(claims).lower()
    # kept until the end of the next day in Paris, then the table's TTL removes it
    assert int(claims[0]["expires_at"]["N"]) == int(datetime(2026, 3, 4, tzinfo=PARIS).timestamp())
    other_key = pseudonyms.pseudonym(b"another-key-another-key-another-key!", "invitation", PENDING)
    assert other_key != expected  # a keyed HMAC: without the template's secret, no one links it to the address


def test_a_conversation_may_ask_for_three_addresses_and_each_counts_for_everyone(api: Api) -> None:
    with clock(NOON):
        answer(ask_for_link(api, "a@exemple.fr"))
        started = api.call("start_public_conversation", None, body=None)
        conversation = started.body["id"]
        for email in ("a@exemple.fr", "b@exemple.fr", "c@exemple.fr"):
            api.call(
                "send_public_message", None, conversation_id=conversation, body={"choice": "TOPIC:ACTIVATION_LINK"}
            )
            said = api.call("send_public_message", None, conversation_id=conversation, body={"text": email})
            assert said.body["reply"]["text"] == messages.ASSISTANT_LINK_SENT
            api.call("send_public_message", None, conversation_id=conversation, body={"choice": "CONTINUE"})
        api.call("send_public_message", None, conversation_id=conversation, body={"choice": "TOPIC:ACTIVATION_LINK"})
        fourth = api.call("send_public_message", None, conversation_id=conversation, body={"text": "d@exemple.fr"})
    assert fourth.body["reply"]["text"] == messages.ASSISTANT_TOO_MANY_RESENDS
    assert assistant.MAX_RESENDS == 3
    assert requested(api) == ["a@exemple.fr", "b@exemple.fr", "c@exemple.fr"]  # a@ once, whoever asked


# ------------------------------------------------------------------------ the claim: a conditional write
@pytest.fixture(params=["memory", "dynamo"])
def ports(request: pytest.FixtureRequest) -> Ports:
    found: Ports = request.getfixturevalue(request.param)
    return found


def test_a_day_is_claimed_once_and_given_back_on_failure(ports: Ports) -> None:
    claims, day, until = ports.invitation_resends, date(2026, 3, 2), datetime(2026, 3, 4, tzinfo=UTC)
    assert claims.claim("p1", day, until) is True
    assert claims.claim("p1", day, until) is False
    assert claims.claim("p1", day + timedelta(days=1), until) is True  # another day
    assert claims.claim("p2", day, until) is True  # another address
    claims.release("p1", day)
    assert claims.claim("p1", day, until) is True  # given back: the address may ask again
    claims.release("never-claimed", day)  # nothing to give back: no error


def test_of_twenty_requests_at_once_for_one_address_one_is_handed_over(ports: Ports) -> None:
    handed = MemoryInvitationRequests()
    key = FixedSigningKey()
    results = in_parallel(20, lambda: invitations.ask_resend(ports, handed, key, PENDING, NOON))
    assert results.count(True) == 1
    assert handed.requested == [PENDING]


class Unreachable:
    """An ``InvitationRequests`` whose bus is down."""

    def request_resend(self, email: str) -> None:  # noqa: ARG002 (refused whatever the address)
        raise StorageUnavailable(messages.INVITATIONS_UNAVAILABLE)


def test_a_request_that_cannot_be_handed_over_is_a_503_and_gives_the_day_back(desk: Api) -> None:
    working = desk.resend_requests
    started = desk.call("start_public_conversation", None, body=None)
    conversation = started.body["id"]
    desk.call("send_public_message", None, conversation_id=conversation, body={"choice": "TOPIC:ACTIVATION_LINK"})
    before = desk.ports.conversations.load_conversation(conversation)
    desk.resend_requests = Unreachable()
    with clock(NOON):
        refused = desk.call("send_public_message", None, conversation_id=conversation, body={"text": PENDING})
    assert refused.status == 503, refused.body
    assert (refused.body["code"], refused.body["message"]) == ("SERVICE_INDISPONIBLE", messages.INVITATIONS_UNAVAILABLE)
    assert desk.ports.conversations.load_conversation(conversation) == before  # nothing of the message kept
    desk.resend_requests = working
    with clock(NOON):  # the same day: the failed request did not use the address's resend
        retried = desk.call("send_public_message", None, conversation_id=conversation, body={"text": PENDING})
    assert retried.body["reply"]["text"] == messages.ASSISTANT_LINK_SENT
    assert requested(desk) == [PENDING]


# ------------------------------------------------------------------- the same answer, the same calls
class Recorded:
    """A port whose method calls are written to ``log`` as ``port.method``."""

    def __init__(self, inner: Any, name: str, log: list[str]) -> None:
        self._inner, self._name, self._log = inner, name, log

    def __getattr__(self, method: str) -> Any:
        found = getattr(self._inner, method)
        if not callable(found):
            return found

        def call(*args: Any, **kwargs: Any) -> Any:
            self._log.append(f"{self._name}.{method}")
            return found(*args, **kwargs)

        return call


def test_the_request_path_makes_the_same_port_calls_whether_an_account_waits_or_not(api: Api) -> None:
    api.invitations.pending = {PENDING}
    log: list[str] = []
    recorded: dict[str, Any] = {
        f.name: Recorded(getattr(api.ports, f.name), f.name, log) for f in dataclasses.fields(Ports)
    }
    api.ports = dataclasses.replace(api.ports, **recorded)
    api.resend_requests = Recorded(api.resend_requests, "resend_requests", log)
    calls = {}
    for email in (PENDING, UNKNOWN):
        started = api.call("start_public_conversation", None, body=None)
        conversation = started.body["id"]
        api.call("send_public_message", None, conversation_id=conversation, body={"choice": "TOPIC:ACTIVATION_LINK"})
        log.clear()
        with clock(NOON):
            said = api.call("send_public_message", None, conversation_id=conversation, body={"text": email})
        assert said.body["reply"]["text"] == messages.ASSISTANT_LINK_SENT
        calls[email] = list(log)
    assert calls[PENDING] == calls[UNKNOWN]
    assert "invitation_resends.claim" in calls[PENDING] and "resend_requests.request_resend" in calls[PENDING]
    assert api.invitations.resent == []  # nothing was sent by the request itself


def test_no_log_line_carries_the_address(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    api.invitations.pending = {PENDING}
    logger.setLevel("DEBUG")
    try:
        answer(ask_for_link(api, PENDING))
        assert deliver(api) == ["resent"]
    finally:
        logger.setLevel("CRITICAL")
    # Rendered with the functions' own JSON formatter, as CloudWatch would get them.
    lines = [json.loads(logger.registered_formatter.format(r)) for r in caplog.records if r.name == logger.name]
    said = {line.get("message"): line for line in lines}
    assert said["activation link asked"]["handed_over"] is True
    assert said["invitation event"]["outcome"] == "resent"
    assert "nouveau" not in json.dumps(lines).lower()


# --------------------------------------------------------------------- the private function, in memory
def test_the_invitations_function_resends_to_a_waiting_account_only(api: Api) -> None:
    api.invitations.pending = {PENDING}
    for email in (PENDING, UNKNOWN):
        api.resend_requests.request_resend(email)
    assert deliver(api) == ["resent", "not waiting"]
    assert api.invitations.resent == [PENDING]


@pytest.mark.parametrize(
    "event",
    [
        {"detail-type": "Object Created", "detail": {"email": PENDING}},
        {"detail-type": RESEND_REQUESTED, "detail": {}},
        {"detail-type": RESEND_REQUESTED, "detail": {"email": "pas-une-adresse"}},
        {"detail-type": RESEND_REQUESTED, "detail": {"email": ["a@exemple.fr"]}},
        {"detail-type": RESEND_REQUESTED},
    ],
    ids=["another-event", "no-address", "not-an-address", "not-a-string", "no-detail"],
)
def test_the_invitations_function_ignores_what_is_not_a_resend_request(api: Api, event: dict[str, Any]) -> None:
    api.invitations.pending = {PENDING}
    with mock.patch.object(bootstrap, "invitations", return_value=api.invitations):
        assert invoke(api.template, event) == "ignored"
    assert api.invitations.resent == []


# ------------------------------------------------------------------------ the Cognito adapter, on moto
def make_pool(cognito: Any, **extra: Any) -> str:
    """A moto user pool shaped as the template's (e-mail usernames, invitations only) with an account waiting,
    an active one and a disabled waiting one."""
    pool_id: str = cognito.create_user_pool(
        PoolName="desk", UsernameAttributes=["email"], AdminCreateUserConfig={"AllowAdminCreateUserOnly": True}, **extra
    )["UserPool"]["Id"]
    for email in (PENDING, ACTIVE, "desactive@exemple.fr"):
        attributes = [{"Name": "email", "Value": email}]
        cognito.admin_create_user(
            UserPoolId=pool_id, Username=email, UserAttributes=attributes, MessageAction="SUPPRESS"
        )
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=ACTIVE, Password="Mot2passe!Long", Permanent=True)
    cognito.admin_disable_user(UserPoolId=pool_id, Username="desactive@exemple.fr")
    return pool_id


@pytest.fixture
def pool() -> Iterator[tuple[str, Any]]:
    """``make_pool`` in a fresh moto (as it is: no local-stack patch unless the test adds it)."""
    from moto import mock_aws

    with mock_aws():
        cognito = boto3.client("cognito-idp", region_name=REGION)
        yield make_pool(cognito), cognito


def test_the_cognito_adapter_resends_to_a_waiting_account_only(pool: tuple[str, Any]) -> None:
    pool_id, cognito = pool
    calls: list[tuple[str, dict[str, Any]]] = []
    cognito.meta.events.register(
        "provide-client-params.cognito-idp.*", lambda params, model, **_: calls.append((model.name, dict(params)))
    )
    adapter = CognitoInvitations(pool_id, cognito)
    emails = (PENDING, ACTIVE, "desactive@exemple.fr", UNKNOWN)
    assert [adapter.resend(email) for email in emails] == [True, False, False, False]
    created = [params for name, params in calls if name == "AdminCreateUser"]
    assert created == [
        {"UserPoolId": pool_id, "Username": PENDING, "MessageAction": "RESEND", "DesiredDeliveryMediums": ["EMAIL"]}
    ]
    assert [name for name, _ in calls].count("AdminGetUser") == 4


def stubbed(pool_id: str, *replies: tuple[str, Any]) -> tuple[CognitoInvitations, Stubber]:
    """The adapter on a client whose answers are ``replies``: (operation, a response dict or an error code)."""
    client = boto3.client("cognito-idp", region_name=REGION)
    stubber = Stubber(client)
    for operation, reply in replies:
        if isinstance(reply, str):
            stubber.add_client_error(operation, service_error_code=reply, http_status_code=400)
        else:
            stubber.add_response(operation, reply)
    stubber.activate()
    return CognitoInvitations(pool_id, client), stubber


WAITING_USER = {"Username": PENDING, "UserStatus": "FORCE_CHANGE_PASSWORD", "Enabled": True}


def test_an_account_activated_between_the_read_and_the_resend_is_not_an_error() -> None:
    adapter, stubber = stubbed(
        "eu-west-3_x", ("admin_get_user", WAITING_USER), ("admin_create_user", "UnsupportedUserStateException")
    )
    assert adapter.resend(PENDING) is False
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize(
    "replies",
    [
        [("admin_get_user", "TooManyRequestsException")],
        [("admin_get_user", "InternalErrorException")],
        [("admin_get_user", WAITING_USER), ("admin_create_user", "LimitExceededException")],
        [("admin_get_user", WAITING_USER), ("admin_create_user", "CodeDeliveryFailureException")],
    ],
    ids=["throttled", "internal", "mail-limit", "delivery-failure"],
)
def test_a_cognito_failure_is_a_french_503(replies: list[tuple[str, Any]]) -> None:
    adapter, _ = stubbed("eu-west-3_x", *replies)
    with pytest.raises(StorageUnavailable) as raised:
        adapter.resend(PENDING)
    assert raised.value.message == messages.INVITATIONS_UNAVAILABLE
    assert raised.value.code == "SERVICE_INDISPONIBLE"  # answered 503 wherever it reaches the API


def test_an_unknown_pool_on_moto_is_a_french_503(pool: tuple[str, Any]) -> None:
    _, cognito = pool
    with pytest.raises(StorageUnavailable) as raised:
        CognitoInvitations("eu-west-3_nosuchpool", cognito).resend(PENDING)
    assert raised.value.message == messages.INVITATIONS_UNAVAILABLE


def test_a_cognito_outage_is_retried_by_lambda_then_given_up(
    template: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    resolver = Resolver(template, names={"DeskBus": "chorus-desk-test"})
    (rule,) = [r for r in events.event_rules(template, resolver) if r.function == FUNCTION]
    log: list[str] = []
    lock = threading.Lock()
    bus = events.EventBus(
        [rule],
        handler_of=lambda function: handler_of(template, function),
        lock_of=lambda _function: lock,
        context_of=lambda function: LambdaContext.of(template, function),
        log=log.append,
        retry_waits=(0.0,),
    )
    monkeypatch.setenv("USER_POOL_ID", "eu-west-3_x")  # the pool the function is given (the IAM check reads it)
    adapter, stubber = stubbed("eu-west-3_x", *[("admin_get_user", "InternalErrorException")] * 3)
    assert bus.put(delivered(resend_entry("chorus-desk-test", PENDING)), bus="chorus-desk-test") == [rule]
    with mock.patch.object(bootstrap, "invitations", return_value=adapter):
        while bus.step():
            pass
    stubber.assert_no_pending_responses()  # three attempts: Lambda's first and its two retries
    assert "EVENT  InvitationsFunction: Invitation Resend Requested given up after 3 attempts" in log
    assert not any(PENDING in line for line in log)  # the console never shows the address


# ------------------------------------------------------------------ the adapter that asks: EventBridge
def test_a_refused_entry_is_a_french_503() -> None:
    client = boto3.client("events", region_name=REGION)
    stubber = Stubber(client)
    stubber.add_response(
        "put_events",
        {"FailedEntryCount": 1, "Entries": [{"ErrorCode": "InternalFailure", "ErrorMessage": "try again"}]},
        {"Entries": [resend_entry("chorus-desk-test", PENDING)]},
    )
    stubber.activate()
    with pytest.raises(StorageUnavailable) as raised:
        EventBridgeInvitationRequests("chorus-desk-test", client).request_resend(PENDING)
    assert raised.value.message == messages.INVITATIONS_UNAVAILABLE


# ------------------------------------------------------------------- the whole way, on moto
@contextmanager
def aws_calls() -> Iterator[list[tuple[str, str]]]:
    """Every AWS call made meanwhile by any client of this process: (service, operation)."""
    calls: list[tuple[str, str]] = []
    real = BaseClient._make_api_call

    def recording(self: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        calls.append((self.meta.service_model.service_name, operation))
        return real(self, operation, params)

    with mock.patch.object(BaseClient, "_make_api_call", recording):
        yield calls


@pytest.fixture
def local_hooks(monkeypatch: pytest.MonkeyPatch) -> Callable[[events.PublishOn], Callable[[], None]]:
    """The local stack's PutEvents hook and its Cognito invitations for one test; moto is as it was afterwards."""
    from moto.cognitoidp.models import CognitoIdpBackend
    from moto.events.models import EventsBackend

    monkeypatch.setattr(EventsBackend, "put_events", EventsBackend.__dict__["put_events"])
    monkeypatch.setattr(events, "_bus_listeners", [])
    monkeypatch.setattr(CognitoIdpBackend, "admin_create_user", CognitoIdpBackend.__dict__["admin_create_user"])
    monkeypatch.setattr(local_aws, "client", lambda service, _endpoint: boto3.client(service, region_name=REGION))
    local_aws.invite_as_cognito()
    return events.listen_to_put_events


def test_the_whole_way_the_same_answer_and_calls_and_only_a_waiting_account_gets_its_invitation(
    aws_api: Api,
    template: dict[str, Any],
    local_hooks: Callable[[events.PublishOn], Callable[[], None]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The template's user pool (sending through SES as the desk), mail identity, bus and the invitations rule.
    resolver = Resolver(template)
    identities = local_aws.create_identities(template, resolver, "unused")
    local_aws.create_mail_identity(resolver, "unused")
    (bus_name,) = local_aws.create_event_buses(template, resolver, "unused").values()
    local_aws.ensure_invited(identities.user_pool_id, PENDING, "Nouveau venu", REGION)
    local_aws.ensure_user(identities.user_pool_id, ACTIVE, "Déjà active", "Mot2passe!Long", REGION)
    # The function's pool and the assistants' bus, as the template names them (the IAM check reads them).
    monkeypatch.setenv("USER_POOL_ID", identities.user_pool_id)
    monkeypatch.setenv("DESK_BUS_NAME", bus_name)
    log: list[str] = []
    lock = threading.Lock()
    bus = events.EventBus(
        events.event_rules(template, resolver),
        handler_of=lambda function: handler_of(template, function),
        lock_of=lambda _function: lock,
        context_of=lambda function: LambdaContext.of(template, function),
        log=log.append,
    )
    stop = local_hooks(bus.put)
    # The assistant's real adapters: the secret keying the pseudonyms, the bus the requests go on.
    parameters.clear_caches()  # type: ignore[no-untyped-call]
    boto3.client("secretsmanager").create_secret(Name=os.environ["PSEUDONYM_SECRET_NAME"], SecretString="k" * 64)
    aws_api.pseudonym_key = SecretSigningKey(os.environ["PSEUDONYM_SECRET_NAME"])
    aws_api.resend_requests = EventBridgeInvitationRequests(bus_name, boto3.client("events"))
    try:
        with clock(NOON):
            answer(ask_for_link(aws_api, "premier@exemple.fr", ip="203.0.113.9"))  # warm: the secret is read once
            calls, answers = {}, {}
            for n, email in enumerate((PENDING, ACTIVE, UNKNOWN)):
                with aws_calls() as made:
                    reply = ask_for_link(aws_api, email, ip=f"203.0.113.{n}")
                answers[email], calls[email] = answer(reply), made
        assert answers[PENDING] == answers[ACTIVE] == answers[UNKNOWN]
        assert answers[PENDING]["text"] == messages.ASSISTANT_LINK_SENT
        assert calls[PENDING] == calls[ACTIVE] == calls[UNKNOWN]
        assert ("events", "PutEvents") in calls[PENDING]
        assert not any(service == "cognito-idp" for service, _ in calls[PENDING])

        mails_before = len(sent_mails(REGION))
        cognito = CognitoInvitations(identities.user_pool_id, boto3.client("cognito-idp"))
        with mock.patch.object(bootstrap, "invitations", return_value=cognito), aws_calls() as done:
            delivered_count = 0
            while bus.step():
                delivered_count += 1
    finally:
        stop()
    assert delivered_count == 4  # each request handed over reached the function, once
    assert sorted(done) == [("cognito-idp", "AdminCreateUser")] + [("cognito-idp", "AdminGetUser")] * 4
    assert sum(f"EVENT  {FUNCTION} (Invitation Resend Requested)" in line and " ok " in line for line in log) == 4
    (invitation,) = sent_mails(REGION)[mails_before:]  # Cognito sent one invitation, through SES, as the desk
    assert (invitation["to"], invitation["from"]) == (PENDING, resolver.ref("MailSender"))
    assert PENDING in invitation["text"]


def users(cognito: Any, pool_id: str) -> list[tuple[str, str]]:
    listed = cognito.list_users(UserPoolId=pool_id)["Users"]
    return sorted((next(a["Value"] for a in u["Attributes"] if a["Name"] == "email"), u["UserStatus"]) for u in listed)


def test_moto_alone_resends_by_creating_a_second_account(pool: tuple[str, Any]) -> None:
    """Why the local stack patches moto's RESEND (if moto fixes it, this fails and the patch can go)."""
    pool_id, cognito = pool
    before = users(cognito, pool_id)
    cognito.admin_create_user(UserPoolId=pool_id, Username=PENDING, MessageAction="RESEND")
    assert len(users(cognito, pool_id)) == len(before) + 1


def test_the_local_cognito_resends_as_aws_does_and_mails_through_ses(
    pool: tuple[str, Any], local_hooks: Callable[[events.PublishOn], Callable[[], None]]
) -> None:
    _, cognito = pool
    sender = "ne-pas-repondre@support-chorus.example.fr"
    boto3.client("sesv2", region_name=REGION).create_email_identity(EmailIdentity=sender)
    identity = f"arn:aws:ses:{REGION}:123456789012:identity/{sender}"
    configuration = {"EmailSendingAccount": "DEVELOPER", "SourceArn": identity, "From": sender}
    pool_id = make_pool(cognito, EmailConfiguration=configuration)  # the accounts made with SUPPRESS: no mail
    before = users(cognito, pool_id)
    cognito.admin_create_user(UserPoolId=pool_id, Username=PENDING, MessageAction="RESEND")
    assert users(cognito, pool_id) == before  # the same account, still waiting
    with pytest.raises(ClientError) as active:
        cognito.admin_create_user(UserPoolId=pool_id, Username=ACTIVE, MessageAction="RESEND")
    assert active.value.response["Error"]["Code"] == "UnsupportedUserStateException"
    with pytest.raises(ClientError) as unknown:
        cognito.admin_create_user(UserPoolId=pool_id, Username=UNKNOWN, MessageAction="RESEND")
    assert unknown.value.response["Error"]["Code"] == "UserNotFoundException"
    (mail,) = sent_mails(REGION)
    assert (mail["from"], mail["to"], mail["subject"]) == (sender, PENDING, local_aws.COGNITO_INVITATION_SUBJECT)
    assert mail["text"].startswith(f"Your username is {PENDING} and temporary password is ")


# ---------------------------------------------------------------------- the local bus: PutEvents, hooked
def test_put_events_reach_the_rules_of_their_bus_in_aws_shape(
    template: dict[str, Any], local_hooks: Callable[[events.PublishOn], Callable[[], None]]
) -> None:
    from moto import mock_aws

    published: list[tuple[dict[str, Any], str]] = []
    stop = local_hooks(lambda event, bus: published.append((event, bus)))
    with mock_aws():
        client = boto3.client("events", region_name=REGION)
        client.create_event_bus(Name="chorus-desk-test")
        accepted = client.put_events(
            Entries=[
                resend_entry("chorus-desk-test", PENDING),
                {"EventBusName": "chorus-desk-test", "Source": SOURCE, "DetailType": RESEND_REQUESTED},  # no detail
                {"Source": "chorus-desk.tickets", "DetailType": "Ticket Created", "Detail": "{}"},  # default bus
            ]
        )
        with pytest.raises(ClientError):  # a bus that does not exist: the whole call fails, nothing delivered
            client.put_events(Entries=[resend_entry("no-such-bus", PENDING)])
    stop()
    assert accepted["FailedEntryCount"] == 1
    assert [bus for _, bus in published] == ["chorus-desk-test", "default"]
    event = published[0][0]
    assert set(event) == {"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"}
    assert event["id"] == accepted["Entries"][0]["EventId"]
    assert (event["source"], event["detail-type"], event["detail"]) == (SOURCE, RESEND_REQUESTED, {"email": PENDING})
    assert (event["account"], event["region"], event["resources"]) == ("123456789012", REGION, [])
    resolver = Resolver(template, names={"DeskBus": "chorus-desk-test"})
    rules = [r for r in events.event_rules(template, resolver) if r.accepts(event)]
    assert [(r.function, r.bus) for r in rules] == [(FUNCTION, "chorus-desk-test")]


# -------------------------------------------------------------------------------------------- template
def policies(template: dict[str, Any], function: str) -> list[dict[str, Any]]:
    return list(template["Resources"][function]["Properties"].get("Policies", []))


def test_only_the_private_invitations_function_holds_cognito_rights(template: dict[str, Any]) -> None:
    functions = resources_of_type(template, "AWS::Serverless::Function")
    holders = {name for name in functions if "cognito-idp:" in json.dumps(policies(template, name))}
    assert holders == {FUNCTION}
    (statement,) = [s for p in policies(template, FUNCTION) for s in p.get("Statement", [])]
    assert statement["Effect"] == "Allow"
    assert sorted(statement["Action"]) == ["cognito-idp:AdminCreateUser", "cognito-idp:AdminGetUser"]
    assert statement["Resource"] == {"Fn::GetAtt": ["UserPool", "Arn"]}
    assert len(policies(template, FUNCTION)) == 1  # and nothing else: no table, no secret
    public = {r.function for r in api_routes(template) if not r.authorized}
    assert "PublicAssistantFunction" in public and not public & holders
    assert FUNCTION not in {r.function for r in api_routes(template)}  # no route reaches it


@pytest.mark.parametrize("function", ["PublicAssistantFunction", "AssistantFunction"])
def test_the_assistants_ask_on_the_desk_bus_and_count_under_the_pseudonym_key(
    template: dict[str, Any], function: str
) -> None:
    variables = template["Resources"][function]["Properties"]["Environment"]["Variables"]
    assert variables["DESK_BUS_NAME"] == {"Ref": "DeskBus"}
    assert variables["PSEUDONYM_SECRET_NAME"] == {"Ref": "PseudonymSecret"}
    assert "USER_POOL_ID" not in variables
    assert {"EventBridgePutEventsPolicy": {"EventBusName": {"Ref": "DeskBus"}}} in policies(template, function)
    secret = {"AWSSecretsManagerGetSecretValuePolicy": {"SecretArn": {"Ref": "PseudonymSecret"}}}
    assert secret in policies(template, function)


def test_the_invitations_function_is_retried_and_dead_lettered_like_the_attachments_check(
    template: dict[str, Any],
) -> None:
    props = template["Resources"][FUNCTION]["Properties"]
    (event,) = props["Events"].values()
    assert event["Type"] == "EventBridgeRule"
    assert event["Properties"]["EventBusName"] == {"Ref": "DeskBus"}
    assert event["Properties"]["Pattern"] == {"source": [SOURCE], "detail-type": [RESEND_REQUESTED]}
    assert event["Properties"]["DeadLetterConfig"] == {"Type": "SQS"}
    assert event["Properties"]["RetryPolicy"]["MaximumRetryAttempts"] <= 185
    invoke_config = props["EventInvokeConfig"]
    assert invoke_config["MaximumRetryAttempts"] == 2
    assert invoke_config["DestinationConfig"]["OnFailure"] == {
        "Type": "SQS",
        "Destination": {"Fn::GetAtt": ["InvitationsFailureQueue", "Arn"]},
    }
    queue = template["Resources"]["InvitationsFailureQueue"]["Properties"]
    assert queue["SqsManagedSseEnabled"] is True and queue["MessageRetentionPeriod"] <= 4 * 86400
    assert template["Resources"]["DeskBus"]["Type"] == "AWS::Events::EventBus"
    assert set(props["Environment"]["Variables"]) == {"USER_POOL_ID"}


@pytest.mark.parametrize("identity", ["", "support-chorus.example.fr"])
def test_the_user_pool_sends_through_ses_as_the_desk(template: dict[str, Any], identity: str) -> None:
    resolver = Resolver(template, parameters={"MailIdentity": identity})
    configuration = resolver.resolve(template["Resources"]["UserPool"]["Properties"]["EmailConfiguration"])
    assert configuration["EmailSendingAccount"] == "DEVELOPER"  # not Cognito's 50 mails a day
    assert configuration["From"] == resolver.ref("MailSender")
    (mail_statement,) = [
        s
        for p in policies(template, "MailFunction")
        for s in p.get("Statement", [])
        if s.get("Sid") == "SendAsTheDeskIdentityOnly"
    ]
    mail_identity = resolver.resolve(mail_statement["Resource"][0])  # the identity the mail function sends as
    assert configuration["SourceArn"] == mail_identity
    assert configuration["SourceArn"].endswith(f"identity/{identity or resolver.ref('MailSender')}")
