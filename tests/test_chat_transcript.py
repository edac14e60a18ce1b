"""A live chat's transcript by mail, end to end on moto: asked at the end of the chat (one item inserted), the table's
stream hands it through the template's filter to the real mail function, which sends it once through SES, in
French, to the account's address; a visitor's goes to the address they gave, without repeating their own lines,
and counts against that address's daily cap like the non-connected form's confirmations."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from chorus_desk import messages
from chorus_desk.adapters.memory.signing import FixedSigningKey
from chorus_desk.chats import Outcome
from chorus_desk.models import utc_now
from chorus_desk.ports import Ports
from chorus_desk.usecases import chat
from chorus_desk.usecases.mail import RecipientCap
from local_stack.aws import serialize_dynamodb_writes
from tests import fixtures
from tests.chat_support import SAID_TO_ASSISTANT, Desk
from tests.mail_support import MailDesk, event_filters, only_mail, open_desk

SENDER = os.environ["MAIL_SENDER"]


@pytest.fixture
def pseudonym_key(dynamo: Ports) -> bytes:
    """The key of the recipients' pseudonyms, in the secret the mail function reads (a visitor's address is capped)."""
    value = secrets.token_urlsafe(48)
    boto3.client("secretsmanager").create_secret(Name=os.environ["PSEUDONYM_SECRET_NAME"], SecretString=value)
    return value.encode()


@pytest.fixture
def mails(dynamo: Ports, template: dict[str, Any], pseudonym_key: bytes) -> Iterator[MailDesk]:
    yield from open_desk(template, SENDER)


@pytest.fixture
def desk(dynamo: Ports) -> Desk:
    serialize_dynamodb_writes()
    return Desk(dynamo)


def ended_chat(desk: Desk, alias: str | None) -> chat.Requester:
    requester, started = desk.started(alias)
    sophie = desk.agent("sophie")
    chat.take(desk.ctx(), sophie, started.session.id)
    chat.send_mine(desk.ctx(), requester, "Mon code <b>secret</b> est refusé.")
    chat.send_as_agent(desk.ctx(), sophie, started.session.id, "Réinitialisez-le depuis « Mon compte ».")
    chat.end_as_agent(desk.ctx(), sophie, started.session.id, Outcome.CLOSE)
    return requester


def test_the_transcript_leaves_once_for_the_accounts_address_in_french(desk: Desk, mails: MailDesk) -> None:
    requester = ended_chat(desk, "marie")
    assert mails.deliver().mails == []  # nothing asked, nothing sent
    chat.mail_transcript(desk.ctx(), requester, None)

    mail = only_mail(mails.deliver())

    assert mail.to == fixtures.EMAILS["marie"]
    assert mail.subject == messages.CHAT_TRANSCRIPT_SUBJECT.format(date=desk.now.strftime("%d/%m/%Y"))
    for line in (SAID_TO_ASSISTANT, "Réinitialisez-le depuis « Mon compte ».", "Mon code <b>secret</b> est refusé."):
        assert line in mail.text
    assert f"{fixtures.NAMES['sophie']} : Réinitialisez-le" in mail.text
    assert "&lt;b&gt;secret&lt;/b&gt;" in mail.html and "<b>secret</b>" not in mail.html  # escaped in HTML
    assert mails.deliver().mails == []  # the journal: never twice


def test_a_visitors_transcript_goes_to_the_address_given_without_their_own_lines(
    desk: Desk, mails: MailDesk, pseudonym_key: bytes
) -> None:
    requester = ended_chat(desk, None)
    chat.mail_transcript(desk.ctx(), requester, "visiteur@example.fr")

    mail = only_mail(mails.deliver())

    slot = RecipientCap(FixedSigningKey(pseudonym_key), 10).slot("visiteur@example.fr", utc_now())
    assert desk.ports.rate_limits.count(slot.key) == 1  # counted in the address's daily cap, under its pseudonym

    assert mail.to == "visiteur@example.fr"
    assert "Réinitialisez-le depuis « Mon compte »." in mail.text
    assert "secret" not in mail.text and "secret" not in mail.html
    assert SAID_TO_ASSISTANT not in mail.text
    assert messages.CHAT_TRANSCRIPT_HIDDEN in mail.text


def test_the_stream_filter_lets_only_the_transcript_request_through(
    desk: Desk, mails: MailDesk, template: dict[str, Any]
) -> None:
    patterns = event_filters(template, "MailFunction")
    assert patterns[2] == {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"entity": {"S": ["CHAT_TRANSCRIPT"]}}}}
    requester = ended_chat(desk, "marie")
    written = mails.records()
    assert written and mails.handed(written) == []  # sessions, messages, sockets: no mail
    chat.mail_transcript(desk.ctx(), requester, None)
    handed = mails.handed(mails.records())
    assert [r["dynamodb"]["NewImage"]["entity"]["S"] for r in handed] == ["CHAT_TRANSCRIPT"]
