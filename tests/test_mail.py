"""The mails of a ticket's life, end to end on moto: the API writes the ticket and its history item, the
table's stream hands the new items (through the template's filter) to the real mail function, which sends
each mail once through SES v2, in French, plain text and HTML.

What the tests read is what SES received (the raw MIME, parsed back); the tickets and their histories are
made through the real API handlers, so the stream records are the product's own."""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from markupsafe import escape

from chorus_desk import bootstrap, links, messages
from chorus_desk.models import utc_now
from chorus_desk.ports import Claim
from chorus_desk.usecases.mail import LEASE, mail_key
from tests.fixtures import USER_IDS
from tests.mail_support import (
    Delivery,
    MailDesk,
    SentMail,
    fresh_adapters,
    retry_batch,
    sent_mails,
    sequence_numbers,
    ses_outage,
    verify_sender,
)
from tests.support import ROOT, Api

SENDER = os.environ["MAIL_SENDER"]
STATUS_PAGE = os.environ["STATUS_PAGE_URL"]
CONTACT = "compta.fournisseurs@menuiserie-dupont.example"
VISITOR = "jeanne.lefevre@exemple.fr"  # a non-connected requester
TITLE = "Numéro d'engagement erroné sur la facture FAC-2026-118"
QUESTION = "Quel numéro d'engagement attendiez-vous ? Précisez l'échéance."
ANSWER = "Le numéro a été corrigé : l'EJ 1300042 est désormais accepté."
COMMENT = "Réglé entre-temps, merci à l'équipe."


# ------------------------------------------------------------------------------------------ fixtures
@pytest.fixture
def signing_secret(aws_api: Api) -> str:
    """The status-link key, in the secret the template's functions read (the template generates it)."""
    value = secrets.token_urlsafe(48)
    boto3.client("secretsmanager").create_secret(Name=os.environ["SIGNING_SECRET_NAME"], SecretString=value)
    return value


@pytest.fixture
def pseudonym_secret(aws_api: Api) -> str:
    """The key of the recipients' pseudonyms (the non-connected form's confirmations are counted per address)."""
    value = secrets.token_urlsafe(48)
    boto3.client("secretsmanager").create_secret(Name=os.environ["PSEUDONYM_SECRET_NAME"], SecretString=value)
    return value


@pytest.fixture
def desk(aws_api: Api, signing_secret: str, pseudonym_secret: str, template: dict[str, Any]) -> Iterator[MailDesk]:
    """SES able to send as the desk's sender, fresh adapters for the mail function, the seeded world's stream
    records already read (they are no ticket's)."""
    verify_sender(SENDER)
    fresh_adapters()
    desk = MailDesk(template, os.environ["TABLE_NAME"])
    desk.records()
    yield desk
    fresh_adapters()


# ------------------------------------------------------------------------------------------- helpers
def open_ticket(api: Api, **fields: Any) -> int:
    """A ticket of Menuiserie Dupont (Marie), created and submitted to the support, with CONTACT as contact."""
    reply = api.create(contact_email=CONTACT, **{"title": TITLE, **fields})
    assert reply.status == 201, reply.body
    return int(reply.body["number"])


def act(api: Api, route: str, user: str, number: int, body: dict[str, Any] | None = None) -> None:
    reply = api.call(route, user, number) if body is None else api.call(route, user, number, body=body)
    assert reply.status == 200, reply.body


def status_of(api: Api, number: int) -> str:
    return str(api.call("get_ticket", "marie", number).body["status"]["code"])


def only_mail(delivery: Delivery) -> SentMail:
    assert delivery.failed == []
    assert len(delivery.mails) == 1, [m.subject for m in delivery.mails]
    return delivery.mails[0]


def assert_mail(mail: SentMail, kind: str, number: int, *texts: str, to: str = CONTACT) -> None:
    """A French mail of ``kind`` about ticket ``number`` to ``to``, from the desk's sender, in both parts:
    plain text (the texts as they are) and HTML (the texts escaped), UTF-8."""
    assert mail.to == to
    assert SENDER in mail.sender
    assert mail.subject == messages.MAIL_SUBJECTS[kind].format(number=number)
    assert mail.content_types == ("text/plain", "text/html")
    assert mail.charsets == ("utf-8", "utf-8")
    assert "<p>" not in mail.text and "<p>" in mail.html
    for text in ("Bonjour,", f"n° {number}", *texts):
        assert text in mail.text, text
        assert str(escape(text)) in mail.html, text


def records_of(records: list[dict[str, Any]], entity: str, event_name: str = "INSERT") -> list[dict[str, Any]]:
    return [
        r
        for r in records
        if r["eventName"] == event_name and r["dynamodb"].get("NewImage", {}).get("entity", {}).get("S") == entity
    ]


# ------------------------------------------------------------------------------ each mail, its content
def test_submitting_a_ticket_mails_the_confirmation_with_its_number(aws_api: Api, desk: MailDesk) -> None:
    number = open_ticket(aws_api)

    mail = only_mail(desk.deliver())

    assert_mail(mail, "CONFIRMATION", number, TITLE, "a bien été enregistré", "Factures émises", "Ouvert")
    assert "Sollicitations émises" in mail.text  # connected: the ticket is in Chorus Pro, no status link
    assert STATUS_PAGE not in mail.text + mail.html


def test_a_draft_is_confirmed_when_it_is_submitted_not_before(aws_api: Api, desk: MailDesk) -> None:
    number = open_ticket(aws_api, submit=False)
    act(aws_api, "update_draft", "marie", number, {"title": TITLE})
    assert desk.deliver().mails == []

    act(aws_api, "submit_draft", "marie", number)

    assert_mail(only_mail(desk.deliver()), "CONFIRMATION", number, TITLE)


def test_a_non_connected_ticket_is_confirmed_with_a_signed_status_link(
    aws_api: Api, desk: MailDesk, signing_secret: str
) -> None:
    reply = aws_api.create_anonymous(contact_email=VISITOR, title=TITLE)
    assert reply.status == 201, reply.body
    number = int(reply.body["number"])

    mail = only_mail(desk.deliver())

    assert_mail(mail, "CONFIRMATION", number, "a bien été enregistré", to=VISITOR)
    assert TITLE not in mail.text + mail.html  # nothing the visitor typed (tests/test_brakes_mail.py)
    found = re.search(re.escape(STATUS_PAGE) + r"#(\S+)", mail.text)  # the token is the link's fragment
    assert found is not None, mail.text
    token = found.group(1)
    assert links.verify([signing_secret.encode()], token, utc_now()) == number
    assert f'href="{STATUS_PAGE}#{token}"' in mail.html
    aws_api.signing_key = bootstrap.signing_key()  # the public function reads the same secret as the mail's
    page = aws_api.status(token)
    assert (page.status, page.body["number"], page.body["title"]) == (200, number, TITLE)


def test_an_information_request_is_mailed_with_its_question(aws_api: Api, desk: MailDesk) -> None:
    number = open_ticket(aws_api)
    act(aws_api, "take_in_charge", "lucas", number)
    desk.deliver()

    act(aws_api, "request_information", "lucas", number, {"question": QUESTION})

    mail = only_mail(desk.deliver())
    assert_mail(mail, "INFORMATION_REQUEST", number, QUESTION, "Support technique Chorus Pro", "En attente")


def test_an_answer_is_mailed_with_its_text(aws_api: Api, desk: MailDesk) -> None:
    number = open_ticket(aws_api)
    desk.deliver()

    act(aws_api, "answer", "lucas", number, {"text": ANSWER})

    assert_mail(only_mail(desk.deliver()), "ANSWER", number, ANSWER, "a répondu à votre ticket", "accepter la solution")


def test_accepting_the_solution_mails_the_closure(aws_api: Api, desk: MailDesk) -> None:
    number = open_ticket(aws_api)
    act(aws_api, "answer", "lucas", number, {"text": ANSWER})
    desk.deliver()

    act(aws_api, "accept_solution", "marie", number, {"comment": COMMENT})

    assert_mail(only_mail(desk.deliver()), "CLOSURE", number, "a été clôturé", COMMENT, "Fermé")


def test_closing_the_ticket_mails_the_closure(aws_api: Api, desk: MailDesk) -> None:
    number = open_ticket(aws_api)
    desk.deliver()

    act(aws_api, "close_ticket", "marie", number, {"comment": COMMENT})

    assert_mail(only_mail(desk.deliver()), "CLOSURE", number, "a été clôturé", COMMENT, "Fermé")


def test_a_title_with_markup_arrives_as_text(aws_api: Api, desk: MailDesk) -> None:
    title = "Facture <b>x</b> & <script>alert(1)</script>"
    number = open_ticket(aws_api, title=title)

    mail = only_mail(desk.deliver())

    assert_mail(mail, "CONFIRMATION", number, title)
    assert "&lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;" in mail.html
    assert "<b>" not in mail.html and "<script>" not in mail.html
    assert f"Titre : {title}\n" in mail.text  # plain text is not HTML: the title as typed


# ---------------------------------------------------------------------- which events are mailed, which not
def test_only_the_events_the_guides_name_are_mailed(aws_api: Api, desk: MailDesk) -> None:
    """Step by step through a ticket's life: after each action, the template's filter hands the function the
    new history event if and only if it calls for a mail, and the function itself, given every record of the
    step unfiltered (the ticket's own item, the journal's, the counter's), sends exactly that mail."""
    number = open_ticket(aws_api, submit=False)  # CREATE_DRAFT
    steps: list[tuple[str, str, dict[str, Any] | None, str | None, str]] = [
        ("update_draft", "marie", {"description": "Précision sur le numéro."}, None, "EDIT_DRAFT"),
        ("submit_draft", "marie", None, "CONFIRMATION", "SUBMIT"),
        ("take_in_charge", "sophie", None, None, "TAKE_IN_CHARGE"),
        ("assign_ticket", "sophie", {"assignee_id": USER_IDS["lucas"], "comment": "Pour toi."}, None, "ASSIGN"),
        ("request_information", "lucas", {"question": QUESTION}, "INFORMATION_REQUEST", "REQUEST_INFORMATION"),
        ("provide_information", "marie", {"text": "L'EJ 1300042."}, None, "PROVIDE_INFORMATION"),
        ("answer", "lucas", {"text": ANSWER}, "ANSWER", "ANSWER"),
        ("refuse_solution", "marie", {"reason": "Toujours rejetée."}, None, "REFUSE_SOLUTION"),
        ("answer", "lucas", {"text": "Corrigé côté flux."}, "ANSWER", "ANSWER"),
        ("accept_solution", "marie", {}, "CLOSURE", "ACCEPT_SOLUTION"),
    ]
    records = desk.records()
    assert desk.handed(records) == [], "a draft's creation is not mailed"
    assert desk.invoke(records) == Delivery([], [])

    for route, user, body, mail_kind, action in steps:
        act(aws_api, route, user, number, body)
        records = desk.records()
        events = records_of(records, "EVENT")
        assert [e["dynamodb"]["NewImage"]["action"]["S"] for e in events] == (
            [] if action == "EDIT_DRAFT" else [action]
        )
        handed = desk.handed(records)
        delivery = desk.invoke(records)  # everything, unfiltered: the function decides by itself too
        assert delivery.failed == []
        if mail_kind is None:
            assert handed == [], route
            assert delivery.mails == [], route
        else:
            assert handed == events, route
            assert [m.subject for m in delivery.mails] == [messages.MAIL_SUBJECTS[mail_kind].format(number=number)]
    assert status_of(aws_api, number) == "CLOSED"


def test_the_function_ignores_records_that_are_not_new_history_events(aws_api: Api, desk: MailDesk) -> None:
    number = open_ticket(aws_api)
    desk.deliver()  # the confirmation; its journal items come next on the stream
    act(aws_api, "take_in_charge", "lucas", number)  # the ticket item's MODIFY
    draft = open_ticket(aws_api, submit=False)
    reply = aws_api.call("delete_draft", "marie", draft)  # REMOVEs
    assert reply.status in (200, 204), reply.body
    records = desk.records()
    others = [r for r in records if r not in records_of(records, "EVENT")]
    kinds = {(r["eventName"], r["dynamodb"].get("NewImage", {}).get("entity", {}).get("S")) for r in others}
    assert {("MODIFY", "TICKET"), ("REMOVE", None), ("INSERT", "MAIL"), ("MODIFY", "MAIL")} <= kinds

    assert desk.handed(others) == []
    assert desk.invoke(others) == Delivery([], [])


def test_the_function_mails_a_history_event_on_its_insert_only(aws_api: Api, desk: MailDesk) -> None:
    """Even a mailed event's record is ignored by the function itself when it is not an INSERT (a history item
    is written once; anything else about it is no new event)."""
    number = open_ticket(aws_api)
    (confirmation,) = desk.handed(desk.records())
    modified = {**confirmation, "eventName": "MODIFY"}
    removed = {**confirmation, "eventName": "REMOVE", "dynamodb": {**confirmation["dynamodb"], "NewImage": None}}
    del removed["dynamodb"]["NewImage"]

    assert desk.handed([modified, removed]) == []
    assert desk.invoke([modified, removed]) == Delivery([], [])
    assert_mail(only_mail(desk.invoke([confirmation])), "CONFIRMATION", number)


# ------------------------------------------------------------------------------------------- exactly once
def test_a_replayed_batch_sends_each_mail_once(aws_api: Api, desk: MailDesk) -> None:
    first, second = open_ticket(aws_api), open_ticket(aws_api, title="Autre question")
    act(aws_api, "answer", "lucas", first, {"text": ANSWER})
    batch = desk.handed(desk.records())
    assert len(batch) == 3

    sent = desk.invoke(batch)
    assert sent.failed == []
    assert [m.subject for m in sent.mails] == [
        messages.MAIL_SUBJECTS["CONFIRMATION"].format(number=first),
        messages.MAIL_SUBJECTS["CONFIRMATION"].format(number=second),
        messages.MAIL_SUBJECTS["ANSWER"].format(number=first),
    ]

    assert desk.invoke(batch) == Delivery([], [])  # the same batch again (a retry after a timeout)
    assert desk.invoke(batch[1:]) == Delivery([], [])  # a half of it (bisection)


def test_when_ses_fails_the_actions_succeed_and_the_mails_leave_once_it_recovers(aws_api: Api, desk: MailDesk) -> None:
    first = open_ticket(aws_api)
    mailed = desk.handed(desk.records())
    assert len(desk.invoke(mailed).mails) == 1

    ses_outage(SENDER)
    act(aws_api, "request_information", "lucas", first, {"question": QUESTION})
    second = open_ticket(aws_api, title="Autre question")
    assert status_of(aws_api, first) == "AWAITING_INFO"  # the actions do not wait for the mail
    assert status_of(aws_api, second) == "OPEN"
    # The stream hands the batch again from the already mailed record (its invocation timed out after sending).
    batch = mailed + desk.handed(desk.records())
    assert len(batch) == 3

    during = desk.invoke(batch)
    assert during.mails == []
    assert during.failed == sequence_numbers(batch[1:])  # the mailed one succeeds: it is not sent again
    still_down = desk.invoke(retry_batch(batch, during.failed))  # a retry while SES is still down
    assert still_down.failed == during.failed  # every record fails again, reported, not raised
    assert len(sent_mails()) == 1

    verify_sender(SENDER)  # SES recovers
    after = desk.invoke(retry_batch(batch, during.failed))

    assert after.failed == []
    assert [(m.subject, m.to) for m in after.mails] == [
        (messages.MAIL_SUBJECTS["INFORMATION_REQUEST"].format(number=first), CONTACT),
        (messages.MAIL_SUBJECTS["CONFIRMATION"].format(number=second), CONTACT),
    ]
    assert QUESTION in after.mails[0].text
    assert desk.invoke(batch) == Delivery([], [])  # and the whole batch once more: nothing again


def test_a_mail_another_consumer_is_sending_is_retried_not_duplicated(aws_api: Api, desk: MailDesk) -> None:
    number = open_ticket(aws_api)
    batch = desk.handed(desk.records())
    (record,) = batch
    key = mail_key(number, int(record["dynamodb"]["NewImage"]["seq"]["N"]))
    now = utc_now()
    assert aws_api.ports.mail_journal.claim(key, now, now + LEASE) is Claim.CLAIMED  # another consumer, sending

    busy = desk.invoke(batch)  # its only record failed: Lambda retries it later
    assert busy.failed == sequence_numbers(batch) and busy.mails == []
    assert sent_mails() == []

    aws_api.ports.mail_journal.mark_sent(key, "sent-by-the-other-consumer", utc_now())
    assert desk.invoke(batch) == Delivery([], [])


def test_a_mail_whose_sender_crashed_is_sent_once_its_lease_ends(aws_api: Api, desk: MailDesk) -> None:
    number = open_ticket(aws_api)
    batch = desk.handed(desk.records())
    (record,) = batch
    key = mail_key(number, int(record["dynamodb"]["NewImage"]["seq"]["N"]))
    then = utc_now() - 2 * LEASE
    assert aws_api.ports.mail_journal.claim(key, then, then + LEASE) is Claim.CLAIMED  # and it crashed

    assert_mail(only_mail(desk.invoke(batch)), "CONFIRMATION", number)
    assert desk.invoke(batch) == Delivery([], [])


def test_the_sample_stream_event_passes_the_filter_and_mails_its_ticket(aws_api: Api, desk: MailDesk) -> None:
    """events/streams/ticket_submitted.json (for `sam local invoke MailFunction`) is a record the template's
    filter lets through and the handler reads: once its ticket exists, its confirmation leaves."""
    sample = json.loads((ROOT / "events" / "streams" / "ticket_submitted.json").read_text(encoding="utf-8"))
    records = sample["Records"]
    assert desk.handed(records) == records
    assert desk.invoke(records) == Delivery([], [])  # no ticket n° 43784 here: nothing to mail, nothing failed
    number = open_ticket(aws_api)
    image = records[0]["dynamodb"]["NewImage"]
    mine = [{**records[0], "dynamodb": {**records[0]["dynamodb"], "NewImage": {**image, "number": {"N": str(number)}}}}]
    delivery = desk.invoke(mine)
    assert delivery.failed == []
    assert [(m.to, m.subject) for m in delivery.mails] == [
        (CONTACT, messages.MAIL_SUBJECTS["CONFIRMATION"].format(number=number))
    ]
