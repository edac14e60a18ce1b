"""End to end, without an account: a visitor asks for a captcha over HTTP, reads its answer from the local-only
route (the deployed API has no such route), files a ticket, receives the confirmation mail with a status
link (the stack's stream consumer runs the mail function, which sends through SES in moto), follows the
link, and receives the support's answer by mail and on the status page. A wrong answer is refused and
mails nothing.

The link is ``<status page>#<token>``: the page (the portal's /suivi, which the stack serves; its browser test
is tests/browser/test_anonymous.py) sends the token in the body of ``POST /public/status``. The stack runs the
functions at INFO and prints its access log: neither ever shows the token or the visitor's address."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from chorus_desk import messages
from tests.e2e.stack import Stack, start_stack
from tests.support import ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

VISITOR = "jeanne.martin@example.fr"
FORM = {
    "category": "FACTURES_EMISES",
    "subcategory": "MANDAT_DE_FACTURATION",
    "title": "Déclarer un mandat de facturation",
    "description": "Notre sous-traitant doit facturer en notre nom : comment déclarer le mandat ?",
}
ANSWER = "Déclarez le mandat dans l'espace « Mandats de facturation » de votre structure."


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    started = start_stack(tmp_path_factory.mktemp("non-connected"), "--no-demo-tickets", "--log-level", "INFO")
    yield started
    if started.process.poll() is None:
        started.process.kill()


def captcha(stack: Stack) -> tuple[str, str]:
    """A challenge asked over HTTP, and its answer from the local stack."""
    status, challenge, headers = stack.http("POST", "/public/captcha")
    assert status == 201, challenge
    assert challenge["image"].startswith("data:image/png;base64,")
    assert headers["Cache-Control"] == "no-store"
    status, solved, _ = stack.http("GET", f"/_local/captcha/{challenge['id']}")
    assert status == 200, solved
    return challenge["id"], solved["answer"]


def status_link(text: str) -> tuple[str, str]:
    """The status link a mail carries: the status page's path (the portal's page) and the token, its fragment."""
    found = re.search(r"http://127\.0\.0\.1:\d+(/suivi)#(\S+)", text)
    assert found, text
    return found.group(1), found.group(2)


def follow(stack: Stack, token: str) -> tuple[int, Any, dict[str, str]]:
    """What the status page does with its fragment: the token in the body of POST /public/status."""
    return stack.http("POST", "/public/status", body={"token": token})


def test_a_visitor_files_a_ticket_and_follows_it_by_mail(stack: Stack) -> None:
    captcha_id, answer = captcha(stack)
    status, created, _ = stack.http(
        "POST",
        "/public/tickets",
        body={**FORM, "contact_email": VISITOR, "captcha_id": captcha_id, "captcha_answer": answer.lower()},
    )
    assert status == 201, created
    number = created["number"]
    assert (created["status"]["label"], created["recipient"]) == ("Ouvert", "Support technique Chorus Pro")

    confirmation = stack.wait_for_mail(VISITOR, f"n° {number} a bien été enregistré")
    assert confirmation["subject"] == f"Chorus Pro – votre ticket n° {number} a bien été enregistré"
    assert confirmation["from"] == "Support Chorus Pro <ne-pas-repondre@support-chorus.example.fr>"
    assert f"Votre ticket n° {number} a bien été enregistré" in confirmation["text"]
    assert f"n° {number}" in confirmation["html"]
    page_path, token = status_link(confirmation["text"])
    assert f"{page_path}#{token}" in confirmation["html"]
    assert page_path == "/suivi"  # the portal's status page (the stack serves web/dist there)
    # The bare stand-in the links pointed at before the portal had its page still does what the page does.
    status, html, _ = stack.http("GET", "/_local/suivi")  # what the browser loads: the fragment stays with it
    assert status == 200 and "/public/status" in html and "location.hash" in html

    status, page, headers = follow(stack, token)
    assert (status, page["number"], page["status"]["label"]) == (200, number, "Ouvert")
    assert headers["Cache-Control"] == "no-store"
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    not_found = {"code": "INTROUVABLE", "message": messages.STATUS_LINK_NOT_FOUND, "errors": []}
    assert follow(stack, forged)[:2] == (404, not_found)
    assert stack.http("GET", f"/public/status/{number}.1.{'A' * 43}")[0] == 403  # no more token in a path

    # An agent of the support answers through the API; the visitor gets it by mail and on the status page.
    status, answered, _ = stack.http("POST", f"/tickets/{number}/answer", "sophie", {"text": ANSWER})
    assert (status, answered["status"]["label"]) == (200, "Résolu")
    answer_mail = stack.wait_for_mail(VISITOR, f"n° {number} : une réponse vous a été apportée")
    assert ANSWER in answer_mail["text"]
    assert "Support technique Chorus Pro a répondu" in answer_mail["text"]
    assert status_link(answer_mail["text"])[0] == page_path
    status, page, _ = follow(stack, token)
    assert (status, page["status"]["label"]) == (200, "Résolu")
    assert [(h["by"], h["text"]) for h in page["history"]][-1] == ("Support technique Chorus Pro", ANSWER)
    log = stack.log.read_text(errors="replace")
    assert "POST   /public/status" in log and "mail sent" in log  # the access log and the functions' INFO lines
    assert token not in log and VISITOR not in log and forged not in log

    assert [m["subject"] for m in stack.mails() if m["to"] == VISITOR] == [
        confirmation["subject"],
        answer_mail["subject"],
    ]

    # `make mail`: the same mails, as a person reads them.
    command = [sys.executable, "-m", "local_stack", "mail", "--last", "2", "--state-file", str(stack.state)]
    printed = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    assert f"To:      {VISITOR}" in printed
    assert f"Subject: {answer_mail['subject']}" in printed
    assert ANSWER in printed
    assert printed.count("── mail ") == 2
    # --wait-for (make mail WAIT=…): the mail the last call caused, or a clear failure when none comes.
    waited = subprocess.run(
        [*command, "--wait-for", f"n° {number} : une réponse"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert waited.returncode == 0 and ANSWER in waited.stdout
    never = [*command, "--wait-for", "n° 0 :", "--wait-seconds", "0.3"]
    missing = subprocess.run(never, cwd=ROOT, capture_output=True, text=True, check=False)
    assert missing.returncode == 1 and "No mail about « n° 0 : »" in missing.stderr


def test_a_wrong_captcha_answer_is_refused_and_mails_nothing(stack: Stack) -> None:
    visitor = "paul.lemaire@example.fr"
    captcha_id, answer = captcha(stack)
    wrong = "XXXXX" if answer != "XXXXX" else "YYYYY"
    form = {**FORM, "contact_email": visitor, "captcha_id": captcha_id}
    status, refused, _ = stack.http("POST", "/public/tickets", body={**form, "captcha_answer": wrong})
    assert status == 400
    assert refused["errors"] == [{"field": "captcha_answer", "message": messages.CAPTCHA_WRONG}]

    # The same challenge, answered right: that ticket is mailed. The stream is read in order, so a mail of
    # the refused attempt would have left before this one.
    status, created, _ = stack.http("POST", "/public/tickets", body={**form, "captcha_answer": answer})
    assert status == 201, created
    stack.wait_for_mail(visitor, f"n° {created['number']} a bien été enregistré")
    assert [m["subject"] for m in stack.mails() if m["to"] == visitor] == [
        f"Chorus Pro – votre ticket n° {created['number']} a bien été enregistré"
    ]


def test_the_local_routes_are_not_in_the_api(stack: Stack) -> None:
    assert "_local" not in (ROOT / "template.yaml").read_text(encoding="utf-8")
    assert "_local" not in (ROOT / "docs" / "openapi.json").read_text(encoding="utf-8")
    status, document, _ = stack.http("GET", "/openapi.json")
    assert status == 200
    assert not [path for path in document["paths"] if "_local" in path]
    assert stack.http("GET", "/_local/captcha/not-a-challenge")[0] == 404
    assert stack.http("GET", "/_local/captcha/bad%20id")[0] == 404
    assert stack.http("DELETE", "/_local/mails")[:2] == (403, {"message": "Missing Authentication Token"})


def test_the_stack_stops_cleanly_with_its_stream_consumer(stack: Stack) -> None:
    stack.process.send_signal(signal.SIGINT)
    assert stack.process.wait(timeout=30) == 0, stack.log.read_text()
    assert "Local stack stopped." in stack.log.read_text()
    assert "Traceback" not in stack.log.read_text()
