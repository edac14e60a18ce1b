"""Abuse brakes that spare honest visitors (issue 18, point 5), through the real handlers: the non-connected
form counts tickets filed and refused attempts apart, a 429 says which limit and until when, the public
assistant's thumbs count once per conversation and against the address's limits, and the counters are keyed
by an HMAC of the address under the template's secret.

The non-connected form's clock is ``chorus_desk.usecases.public.utc_now`` (the ``clock`` fixture); a captcha
costs about 0.2 s to draw, so the tests draw one only for a request that must get past it.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from chorus_desk import bootstrap, messages
from chorus_desk.adapters.memory.signing import FixedSigningKey
from chorus_desk.api.http import desk_error
from chorus_desk.api.routes import assistant as assistant_routes
from chorus_desk.errors import ConcurrentModification, Conflict, TooManyRequests
from chorus_desk.models import Rating
from chorus_desk.ports import Ports
from chorus_desk.pseudonyms import pseudonym
from chorus_desk.settings import PublicAssistantSettings, PublicSettings, load_settings
from chorus_desk.usecases import assistant
from chorus_desk.usecases import public as public_usecases
from local_stack.template import load_handler_module
from tests.mail_support import fresh_adapters
from tests.support import Api, Reply
from tests.test_assistant import Chat, around_today
from tests.test_ports_contract import in_parallel
from tests.test_public import EXPIRED, NO_CAPTCHA, WRONG, Clock, assert_nothing_stored_since, refused, take_a_number

VISITOR, NEIGHBOUR = "198.51.100.10", "198.51.100.20"
SIGN_IN = " Si vous avez un compte Chorus Pro, connectez-vous pour saisir votre ticket."


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Monday 2 March 2026, 14:59:30 UTC (15:59:30 in Paris): the hour ends in 30 seconds."""
    fixed = Clock(datetime(2026, 3, 2, 14, 59, 30, tzinfo=UTC))
    monkeypatch.setattr(public_usecases, "utc_now", fixed)
    return fixed


@pytest.fixture(params=["api", "aws_api"])
def either_api(request: pytest.FixtureRequest) -> Api:
    chosen: Api = request.getfixturevalue(request.param)
    return chosen


def limit_reached(reply: Reply, limit: str, allowed: int, retry_at: str, retry_after: int, message: str) -> None:
    """A 429 naming its limit, its size and when it frees, in the body and the Retry-After header."""
    assert reply.status == 429, reply.body
    assert reply.headers["Retry-After"] == str(retry_after)
    assert reply.body == {
        "code": "TROP_DE_REQUETES",
        "message": message,
        "errors": [],
        "limit": limit,
        "allowed": allowed,
        "retry_at": retry_at,
    }


def filed(reply: Reply) -> int:
    assert reply.status == 201, reply.body
    return int(reply.body["number"])


# ------------------------------------------------------------------------------ tickets and attempts apart
def test_mistyped_or_reused_captchas_and_empty_bodies_do_not_use_up_the_tickets(either_api: Api, clock: Clock) -> None:
    """The issue's visitor: one ticket, four mistyped or reused captcha answers and five empty bodies, then the
    hour's other tickets are still theirs (the template's defaults: 5 an hour, 30 refused attempts)."""
    per_hour = load_settings(PublicSettings).tickets_per_hour
    first_captcha = either_api.captcha(ip=VISITOR)
    filed(either_api.create_anonymous(first_captcha, ip=VISITOR))
    for _ in range(2):
        refused(either_api.create_anonymous(first_captcha, ip=VISITOR), {"captcha_id": EXPIRED})  # reused
    for _ in range(2):
        challenge_id, _answer = either_api.captcha(ip=VISITOR)
        refused(either_api.create_anonymous((challenge_id, "AAAAA"), ip=VISITOR), {"captcha_answer": WRONG})
    for _ in range(5):
        empty = either_api.call("create_anonymous_ticket", None, body={}, ip=VISITOR)
        assert empty.status == 400, empty.body

    numbers = [filed(either_api.create_anonymous(ip=VISITOR)) for _ in range(per_hour - 1)]

    assert len(set(numbers)) == per_hour - 1
    over = either_api.create_anonymous(NO_CAPTCHA, ip=VISITOR)
    assert (over.status, over.body["limit"]) == (429, "TICKETS_PAR_HEURE")


def test_the_tickets_limit_says_which_limit_and_until_when_and_keeps_the_captcha(either_api: Api, clock: Clock) -> None:
    either_api.public_settings(tickets_per_hour=2, tickets_per_day=10)
    filed(either_api.create_anonymous(ip=VISITOR))
    last = filed(either_api.create_anonymous(ip=VISITOR))
    third = either_api.captcha(ip=VISITOR)

    reply = either_api.create_anonymous(third, ip=VISITOR)

    message = (
        "Limite atteinte pour votre adresse : 2 tickets saisis par heure. "
        "Vous pourrez réessayer à partir de 16 h 00 (heure de Paris)." + SIGN_IN
    )
    limit_reached(reply, "TICKETS_PAR_HEURE", 2, "2026-03-02T15:00:00Z", 30, message)
    assert either_api.call("get_ticket", "sophie", last + 1).status == 404
    filed(either_api.create_anonymous(ip=NEIGHBOUR))

    clock.advance(seconds=30)  # 15:00:00 UTC: a new hour, and the captcha refused at 429 still works
    filed(either_api.create_anonymous(third, ip=VISITOR))


def test_refused_attempts_have_their_own_larger_budget(either_api: Api, clock: Clock) -> None:
    """Past the refused attempts' budget, even a right request waits (a guesser cannot try on), counted
    nothing more and stored nothing; another address is not affected; the next hour it goes through."""
    either_api.public_settings(tickets_per_hour=1, attempts_per_hour=3, attempts_per_day=10)
    last = take_a_number(either_api)
    for _ in range(3):
        refused(either_api.create_anonymous(NO_CAPTCHA, ip=VISITOR), {"captcha_id": EXPIRED})
    right = either_api.captcha(ip=VISITOR)

    reply = either_api.create_anonymous(right, ip=VISITOR)

    message = (
        "Limite atteinte pour votre adresse : 3 essais refusés (code de vérification erroné ou déjà utilisé, "
        "champ manquant ou invalide) par heure. Vous pourrez réessayer à partir de 16 h 00 (heure de Paris)." + SIGN_IN
    )
    limit_reached(reply, "ESSAIS_PAR_HEURE", 3, "2026-03-02T15:00:00Z", 30, message)
    assert_nothing_stored_since(either_api, last)
    refused(either_api.create_anonymous(NO_CAPTCHA, ip=NEIGHBOUR), {"captcha_id": EXPIRED})

    clock.advance(seconds=30)
    filed(either_api.create_anonymous(right, ip=VISITOR))


def test_the_daily_budgets_name_the_day_they_free(api: Api, clock: Clock) -> None:
    api.public_settings(tickets_per_hour=5, tickets_per_day=10, attempts_per_hour=10, attempts_per_day=4)
    clock.now = datetime(2026, 3, 2, 20, 10, tzinfo=UTC)  # 21:10 in Paris
    for _ in range(4):
        refused(api.create_anonymous(NO_CAPTCHA, ip=VISITOR), {"captcha_id": EXPIRED})

    reply = api.create_anonymous(NO_CAPTCHA, ip=VISITOR)

    message = (
        "Limite atteinte pour votre adresse : 4 essais refusés (code de vérification erroné ou déjà utilisé, "
        "champ manquant ou invalide) par jour. Vous pourrez réessayer à partir du 03/03/2026 à 01 h 00 "
        "(heure de Paris)." + SIGN_IN
    )
    limit_reached(reply, "ESSAIS_PAR_JOUR", 4, "2026-03-03T00:00:00Z", 3 * 3600 + 50 * 60, message)
    clock.now = datetime(2026, 3, 3, 0, 0, 1, tzinfo=UTC)
    refused(api.create_anonymous(NO_CAPTCHA, ip=VISITOR), {"captcha_id": EXPIRED})


def test_a_request_told_to_wait_uses_none_of_the_day(api: Api, clock: Clock) -> None:
    """One ticket an hour, two a day: the hour's 429s do not eat the day's second ticket."""
    api.public_settings(tickets_per_hour=1, tickets_per_day=2)
    clock.now = datetime(2026, 3, 2, 9, 10, tzinfo=UTC)
    filed(api.create_anonymous(ip=VISITOR))
    for _ in range(3):
        assert api.create_anonymous(NO_CAPTCHA, ip=VISITOR).body["limit"] == "TICKETS_PAR_HEURE"

    clock.advance(hours=1)
    filed(api.create_anonymous(ip=VISITOR))
    assert api.create_anonymous(NO_CAPTCHA, ip=VISITOR).body["limit"] == "TICKETS_PAR_JOUR"


def test_a_body_the_request_model_refuses_costs_nothing(api: Api, clock: Clock) -> None:
    """Refused before the route runs (an unknown field, a text too long): no counter is written; an incomplete
    body the route sees costs an attempt."""
    api.public_settings(attempts_per_hour=1)
    for body in ({"unknown": "x"}, {"title": "x" * 151}, {"captcha_id": "pas un identifiant !"}):
        assert api.call("create_anonymous_ticket", None, body=body, ip=VISITOR).status == 400
    assert api.call("create_anonymous_ticket", None, body={}, ip=VISITOR).status == 400

    assert api.call("create_anonymous_ticket", None, body={}, ip=VISITOR).body["limit"] == "ESSAIS_PAR_HEURE"


def test_the_captchas_limit_names_itself_and_draws_nothing_over_it(api: Api, clock: Clock) -> None:
    api.public_settings(captchas_per_hour=2, captchas_per_day=10)
    api.captcha(ip=VISITOR)
    api.captcha(ip=VISITOR)

    reply = api.call("new_captcha", None, ip=VISITOR)

    message = (
        "Limite atteinte pour votre adresse : 2 codes de vérification demandés par heure. "
        "Vous pourrez réessayer à partir de 16 h 00 (heure de Paris)." + SIGN_IN
    )
    limit_reached(reply, "CODES_PAR_HEURE", 2, "2026-03-02T15:00:00Z", 30, message)
    assert len(api.artist.drawn) == 2


def test_concurrent_requests_take_no_more_places_than_the_limit_and_lose_none(dynamo: Ports) -> None:
    """Twelve requests of one address at once on DynamoDB, three places an hour: never more than three taken;
    a burst may refuse one while a place is briefly held by a request being refused, but every refused hit
    is given back, so the counters end exact and the places left are taken afterwards."""
    now = datetime(2026, 3, 2, 9, 10, tzinfo=UTC)
    limits = public_usecases.Limits(per_hour=3, per_day=5)

    def attempt() -> str:
        try:
            public_usecases.take(dynamo, "ticket", "pseudonyme", limits, now)
        except TooManyRequests as refusal:
            return refusal.limit
        return "taken"

    outcomes = Counter(in_parallel(12, attempt))

    taken = outcomes["taken"]
    assert 1 <= taken <= 3, outcomes
    hour, day = public_usecases.slots("ticket", "pseudonyme", limits, now)
    assert (dynamo.rate_limits.count(hour.key), dynamo.rate_limits.count(day.key)) == (taken, taken)
    assert [attempt() for _ in range(4 - taken)] == ["taken"] * (3 - taken) + ["TICKETS_PAR_HEURE"]
    assert (dynamo.rate_limits.count(hour.key), dynamo.rate_limits.count(day.key)) == (3, 3)


# ------------------------------------------------------------------------------------ keyed pseudonyms
def rate_items() -> list[dict[str, Any]]:
    """Every rate counter of the table (moto), read by the test (not a request path) with its own client."""
    items = boto3.client("dynamodb").scan(TableName=os.environ["TABLE_NAME"])["Items"]
    return [i for i in items if i["PK"]["S"].startswith("RATE#")]


@pytest.fixture
def pseudonym_secret(aws_api: Api) -> Iterator[str]:
    """The template's PseudonymSecret in moto, read by the real adapter (bootstrap.pseudonym_key)."""
    value = secrets.token_urlsafe(48)
    boto3.client("secretsmanager").create_secret(Name=os.environ["PSEUDONYM_SECRET_NAME"], SecretString=value)
    fresh_adapters()
    yield value
    fresh_adapters()


def test_a_rate_counter_is_keyed_by_an_hmac_under_the_template_secret(
    aws_api: Api, pseudonym_secret: str, clock: Clock
) -> None:
    aws_api.pseudonym_key = bootstrap.pseudonym_key()  # what the functions build: the secret of their environment
    aws_api.captcha(ip=VISITOR)

    keys = sorted(i["PK"]["S"] for i in rate_items())

    who = pseudonym(pseudonym_secret.encode(), "rate", VISITOR)
    assert keys == [f"RATE#captcha#{who}#D20260302", f"RATE#captcha#{who}#H2026030214"]
    unkeyed = hashlib.sha256(VISITOR.encode()).hexdigest()
    assert not any(unkeyed[:16] in key or VISITOR in key for key in keys)


def test_another_key_gives_other_counters(aws_api: Api, clock: Clock) -> None:
    """The same address under two keys: two sets of counters, neither the unkeyed hash of the address."""
    aws_api.captcha(ip=VISITOR)
    aws_api.pseudonym_key = FixedSigningKey(b"another-pseudonym-key-for-tests-only")
    aws_api.captcha(ip=VISITOR)

    keys = {i["PK"]["S"].split("#")[2] for i in rate_items()}

    assert len(keys) == 2
    assert hashlib.sha256(VISITOR.encode()).hexdigest()[:32] not in keys


# ---------------------------------------------------------------------------- the public assistant's thumbs
def test_an_anonymous_visitor_rates_a_conversation_once(either_api: Api) -> None:
    chat = Chat(either_api, None)
    chat.say("comment ajouter un espace")
    assert chat.rate(rating="UP").status == 200

    again = chat.rate(rating="DOWN", reason="IMPRECISE", comment="Finalement non.")

    assert again.status == 409, again.body
    assert again.body["message"] == messages.FEEDBACK_ALREADY_GIVEN
    assert [f.rating.value for f in chat.stored.feedback] == ["UP"]
    counts = either_api.ports.satisfaction.read(*around_today())
    assert sum(c.get("UP", 0) for c in counts.values()) == 1
    assert sum(c.get("DOWN", 0) for c in counts.values()) == 0
    chat.say("comment creer un compte")  # the conversation goes on, without the thumbs
    assert chat.reply["feedback"] is False
    assert chat.get()["reply"]["feedback"] is False


def test_racing_ratings_of_one_conversation_count_once(dynamo: Ports) -> None:
    """Six ratings of one anonymous conversation at once on DynamoDB: one goes through and is counted, the others
    are refused (409: already rated, or changed meanwhile), counted nowhere."""

    def unreachable() -> Any:
        raise AssertionError("a rating reaches neither the registry, the workflow nor the invitations")

    profile = bootstrap.assistant_profile()
    context = assistant.Context(
        dynamo, None, unreachable, unreachable, unreachable, unreachable, assistant.Profile(profile.name, profile.links)
    )
    conversation, _ = assistant.start(context)

    def rate() -> str:
        try:
            assistant.give_feedback(context, conversation.id, Rating.UP, None, None)
        except (Conflict, ConcurrentModification) as refusal:
            return str(desk_error(refusal).status_code)
        return "rated"

    outcomes = Counter(in_parallel(6, rate))

    assert outcomes == {"rated": 1, "409": 5}
    counts = dynamo.satisfaction.read(*around_today())
    assert sum(c.get("UP", 0) for c in counts.values()) == 1
    stored = dynamo.conversations.load_conversation(conversation.id)
    assert stored is not None and len(stored.feedback) == 1


def test_a_signed_in_user_still_rates_each_answer(api: Api) -> None:
    chat = Chat(api, "marie")
    chat.say("comment ajouter un espace")
    assert chat.rate(rating="UP").status == 200
    chat.say("comment creer un compte")
    assert chat.reply["feedback"] is True
    assert chat.rate(rating="UP").status == 200


def test_300_thumbs_from_one_conversation_and_address_count_once_and_meet_the_message_limit(api: Api) -> None:
    """The issue's flood: one 200 and one rating counted; the other thumbs are refused (409) while the address
    still has messages, then told to wait (429 naming the messages' limit)."""
    per_hour = load_settings(PublicAssistantSettings).messages_per_hour
    chat = Chat(api, None)
    chat.say("comment ajouter un espace")  # a message: one of the hour's

    replies = [chat.rate(rating="UP") for _ in range(300)]

    assert Counter(r.status for r in replies) == {200: 1, 409: per_hour - 2, 429: 300 - (per_hour - 1)}
    assert {r.body["limit"] for r in replies if r.status == 429} == {"MESSAGES_PAR_HEURE"}
    counts = api.ports.satisfaction.read(*around_today())
    assert sum(c.get("UP", 0) for c in counts.values()) == 1
    assert len(chat.stored.feedback) == 1


@pytest.fixture
def assistant_limits(template: dict[str, Any]) -> Iterator[Callable[..., None]]:
    """Sets the public assistant's per-address limits (by field name) until the end of the test."""
    overrides = load_handler_module(template, "PublicAssistantFunction").app.dependency_overrides

    def set_limits(**changes: int) -> None:
        settings = load_settings(PublicAssistantSettings).model_copy(update=changes)
        overrides[assistant_routes.public_settings] = lambda: settings

    yield set_limits
    overrides.pop(assistant_routes.public_settings, None)


def test_thumbs_from_many_conversations_of_one_address_meet_its_message_limit(
    api: Api, assistant_limits: Callable[..., None]
) -> None:
    """A new conversation per thumb does not escape: each rating is one of the address's messages."""
    assistant_limits(messages_per_hour=5, conversations_per_hour=20)
    chats = [Chat(api, None) for _ in range(6)]

    statuses = [chat.rate(rating="UP").status for chat in chats]

    assert statuses == [200] * 5 + [429]
    counts = api.ports.satisfaction.read(*around_today())
    assert sum(c.get("UP", 0) for c in counts.values()) == 5
    assert chats[5].stored.feedback == ()


# -------------------------------------------------------------------------------------------- the template
def test_the_functions_that_count_per_address_read_the_pseudonym_secret_and_only_they(
    template: dict[str, Any],
) -> None:
    """The template generates the key (no value in it or its parameters); each function that names it in its
    environment may read it, and no other may."""
    secret = template["Resources"]["PseudonymSecret"]
    assert "SecretString" not in secret["Properties"]
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32  # the adapter's minimum
    functions = {n: r for n, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::Function"}
    policy = {"AWSSecretsManagerGetSecretValuePolicy": {"SecretArn": {"Ref": "PseudonymSecret"}}}
    readers = {n for n, r in functions.items() if policy in r["Properties"].get("Policies", [])}
    named = {
        n
        for n, r in functions.items()
        if r["Properties"].get("Environment", {}).get("Variables", {}).get("PSEUDONYM_SECRET_NAME")
        == {"Ref": "PseudonymSecret"}
    }
    assert readers == named
    assert {"PublicFunction", "PublicAssistantFunction", "MailFunction"} <= readers


def test_the_new_limits_are_template_parameters_with_defaults(template: dict[str, Any]) -> None:
    parameters = template["Parameters"]
    expected = {"PublicAttemptsPerHour": 30, "PublicAttemptsPerDay": 100, "PublicMailsPerRecipientPerDay": 10}
    assert {name: parameters[name]["Default"] for name in expected} == expected
    public = template["Resources"]["PublicFunction"]["Properties"]["Environment"]["Variables"]
    assert public["PUBLIC_ATTEMPTS_PER_HOUR"] == {"Ref": "PublicAttemptsPerHour"}
    assert public["PUBLIC_ATTEMPTS_PER_DAY"] == {"Ref": "PublicAttemptsPerDay"}
    mail = template["Resources"]["MailFunction"]["Properties"]["Environment"]["Variables"]
    assert mail["PUBLIC_MAILS_PER_RECIPIENT_PER_DAY"] == {"Ref": "PublicMailsPerRecipientPerDay"}
    settings = load_settings(PublicSettings)  # the settings' own defaults are the template's
    assert (settings.attempts_per_hour, settings.attempts_per_day) == (30, 100)
