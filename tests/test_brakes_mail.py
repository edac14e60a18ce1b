"""The non-connected form's mails (issue 18, point 5), end to end on moto: what SES received carries nothing
the visitor typed (number, category, status link), and one recipient address receives at most the day's cap
of confirmations, counted under a keyed pseudonym of the address, past which the mail is not sent and the
log says so without the address."""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from chorus_desk import catalogue, links, messages
from chorus_desk.models import utc_now
from chorus_desk.observability import logger
from chorus_desk.pseudonyms import pseudonym
from chorus_desk.usecases.mail import MAIL_PURPOSE
from local_stack.template import load_handler_module
from tests.mail_support import MailDesk, fresh_adapters, only_mail, sent_mails, ses_outage, verify_sender
from tests.support import Api, sample_event

SENDER = os.environ["MAIL_SENDER"]
STATUS_PAGE = os.environ["STATUS_PAGE_URL"]
TARGET = "dominique.bernard@collectivite.example"  # someone whose address a visitor types
OTHER = "claire.petit@exemple.fr"
PHISHING_URL = "https://chorus-pro.example-verification.com/connexion"
PHISHING_TITLE = f"URGENT : votre compte Chorus Pro sera suspendu, confirmez vos accès sur {PHISHING_URL}"
PHISHING_TEXT = f"Cliquez ici {PHISHING_URL} sous 24 h. Le support Chorus Pro. Jean Dupont, 06 12 34 56 78."


@pytest.fixture
def key_secrets(aws_api: Api) -> dict[str, str]:
    """The template's two secrets in moto: the status links' key and the pseudonyms' key."""
    values = {}
    for name in ("SIGNING_SECRET_NAME", "PSEUDONYM_SECRET_NAME"):
        values[name] = secrets.token_urlsafe(48)
        boto3.client("secretsmanager").create_secret(Name=os.environ[name], SecretString=values[name])
    return values


@pytest.fixture
def desk(aws_api: Api, key_secrets: dict[str, str], template: dict[str, Any]) -> Iterator[MailDesk]:
    verify_sender(SENDER)
    fresh_adapters()
    desk = MailDesk(template, os.environ["TABLE_NAME"])
    desk.records()
    yield desk
    fresh_adapters()


@pytest.fixture
def cap(template: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    """Sets the mail function's daily cap per recipient (its settings are read at cold start)."""
    module = load_handler_module(template, "MailFunction")

    def set_cap(per_day: int) -> None:
        changed = module.settings.model_copy(update={"mails_per_recipient_per_day": per_day})
        monkeypatch.setattr(module, "settings", changed)

    return set_cap


def file_anonymous(api: Api, to: str, **fields: Any) -> int:
    reply = api.create_anonymous(contact_email=to, **fields)
    assert reply.status == 201, reply.body
    return int(reply.body["number"])


def rate_keys() -> list[str]:
    items = boto3.client("dynamodb").scan(TableName=os.environ["TABLE_NAME"])["Items"]
    return sorted(i["PK"]["S"] for i in items if i["PK"]["S"].startswith("RATE#mail-recipient#"))


# ------------------------------------------------------------------------------------------ no free text
def test_the_confirmation_carries_the_number_the_category_and_the_link_only(
    aws_api: Api, desk: MailDesk, key_secrets: dict[str, str]
) -> None:
    number = file_anonymous(aws_api, TARGET, title=PHISHING_TITLE, description=PHISHING_TEXT)

    mail = only_mail(desk.deliver())

    assert mail.to == TARGET
    assert mail.subject == messages.MAIL_SUBJECTS["CONFIRMATION"].format(number=number)
    form = json.loads(sample_event("create_anonymous_ticket")["body"])
    category, subcategory = catalogue.labels(form["category"], form["subcategory"])
    for part in (mail.text, mail.html):
        assert f"n° {number}" in part
        assert f"{category} / {subcategory}" in part
    found = re.search(re.escape(STATUS_PAGE) + r"#(\S+)", mail.text)  # the token is the link's fragment
    assert found is not None, mail.text
    assert links.verify([key_secrets["SIGNING_SECRET_NAME"].encode()], found.group(1), utc_now()) == number
    everything = mail.subject + mail.text + mail.html
    for typed in ("example-verification", "URGENT", "suspendu", "Cliquez", "Jean Dupont", "06 12 34 56 78"):
        assert typed not in everything, typed
    details = [line.split(" : ")[0] for line in mail.text.splitlines() if re.match(r"^[\w ]{1,12} : ", line)]
    assert details == ["Ticket", "Catégorie"], details  # no other detail: no title, status or recipient
    assert "Titre" not in mail.html and "Traité par" not in mail.html


def test_the_other_mails_of_a_non_connected_ticket_carry_no_title_either(aws_api: Api, desk: MailDesk) -> None:
    number = file_anonymous(aws_api, TARGET, title=PHISHING_TITLE)
    desk.deliver()
    reply = aws_api.call("request_information", "lucas", number, body={"question": "Quel est le numéro de facture ?"})
    assert reply.status == 200, reply.body

    mail = only_mail(desk.deliver())

    assert "Quel est le numéro de facture ?" in mail.text
    assert PHISHING_URL not in mail.text + mail.html
    assert "Titre" not in mail.text


# ------------------------------------------------------------------------------------ per-recipient cap
def test_one_address_receives_at_most_the_day_cap_of_confirmations(
    aws_api: Api, desk: MailDesk, cap: Any, key_secrets: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    """Cap 2: the third confirmation to the same address is not sent (its ticket is filed all the same), the
    record does not fail (nothing to retry), the log names the ticket and not the address; another address
    and a connected ticket's mail are not concerned; the counter's key is the address's keyed pseudonym."""
    cap(2)
    numbers = [file_anonymous(aws_api, TARGET) for _ in range(3)]
    other = file_anonymous(aws_api, OTHER)
    connected = aws_api.create("marie", contact_email=TARGET)
    assert connected.status == 201, connected.body

    logger.setLevel("INFO")
    try:
        delivery = desk.deliver()
    finally:
        logger.setLevel("CRITICAL")

    assert delivery.failed == []
    subject = messages.MAIL_SUBJECTS["CONFIRMATION"]
    assert [(m.to, m.subject) for m in delivery.mails] == [
        (TARGET, subject.format(number=numbers[0])),
        (TARGET, subject.format(number=numbers[1])),
        (OTHER, subject.format(number=other)),
        (TARGET, subject.format(number=connected.body["number"])),
    ]
    assert aws_api.call("get_ticket", "sophie", numbers[2]).status == 200
    lines = [json.loads(logger.registered_formatter.format(r)) for r in caplog.records if r.name == logger.name]
    [capped] = [line for line in lines if line["message"].startswith("mail not sent: its recipient's daily cap")]
    assert (capped["ticket_number"], capped["cap"]) == (numbers[2], 2)
    local_part, domain = TARGET.split("@")
    assert not any(part in json.dumps(capped) for part in (local_part, domain))  # not even masked
    assert TARGET not in json.dumps(lines)
    who = pseudonym(key_secrets["PSEUDONYM_SECRET_NAME"].encode(), MAIL_PURPOSE, TARGET)
    other_who = pseudonym(key_secrets["PSEUDONYM_SECRET_NAME"].encode(), MAIL_PURPOSE, OTHER)
    day = f"{utc_now():%Y%m%d}"
    assert rate_keys() == sorted([f"RATE#mail-recipient#{who}#D{day}", f"RATE#mail-recipient#{other_who}#D{day}"])


def test_a_replay_sends_no_capped_mail_and_no_counted_one_again(aws_api: Api, desk: MailDesk, cap: Any) -> None:
    cap(1)
    first, second = file_anonymous(aws_api, TARGET), file_anonymous(aws_api, TARGET)
    batch = desk.handed(desk.records())
    assert [m.subject for m in desk.invoke(batch).mails] == [
        messages.MAIL_SUBJECTS["CONFIRMATION"].format(number=first)
    ]

    again = desk.invoke(batch)

    assert (again.failed, again.mails) == ([], [])
    assert second != first


def test_a_mail_ses_refused_does_not_use_up_the_cap(aws_api: Api, desk: MailDesk, cap: Any) -> None:
    """Cap 1 and SES down: the failed send gives its count back, so the retry after recovery is sent."""
    cap(1)
    number = file_anonymous(aws_api, TARGET)
    batch = desk.handed(desk.records())
    ses_outage(SENDER)
    assert desk.invoke(batch).failed != []

    verify_sender(SENDER)
    mail = only_mail(desk.invoke(batch))

    assert mail.subject == messages.MAIL_SUBJECTS["CONFIRMATION"].format(number=number)
    assert len(sent_mails()) == 1
