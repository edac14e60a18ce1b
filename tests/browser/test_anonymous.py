"""The screens open to everyone, in Chromium: the non-connected form (seed 001, « Créer un ticket de support ») with
its captcha (image, « Écouter », « Nouvelle image »), its confirmation with the ticket's number, the mail in the
local outbox and the status page its link opens (<portal>/suivi#<token>, the token sent in a request's body only).

The captcha's answer comes from the local stack's local-only route (GET /_local/captcha/<id>), for the challenge
the page itself received (read from the page's own network answer). Expected values come from the API (the
catalogue, the created ticket, POST /public/status) and from chorus_desk.messages, never from the page.

The public limits count per address, and every request here comes from 127.0.0.1: this module files 4 of the 5
tickets an hour the stack allows an address (PublicTicketsPerHour), asks 9 of its 30 captchas, and has 6 of its 30
refused attempts.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import pytest

from chorus_desk import messages
from tests.browser.portal import axe, horizontal_overflow, open_portal, screenshot, settled
from tests.e2e.stack import Stack

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Request

QUESTION = "Quel est le SIRET du sous-traitant ?\nEt la date de début du mandat ?"
PRIVATE_NOTE = "Note interne : voir avec l'équipe des mandats"
ANSWER = "Déclarez le mandat dans l'espace « Mandats de facturation » de votre structure."
CONTACT = "Créer un ticket de support"


# --------------------------------------------------------------------------------------------------- helpers
def catalogue(stack: Stack) -> dict[str, Any]:
    status, body, _ = stack.http("GET", "/catalogue?mode=ANONYMOUS")
    assert status == 200, body
    return dict(body)


def support_pair(stack: Stack) -> tuple[dict[str, Any], dict[str, Any]]:
    """The first category and sub-category of the non-connected catalogue that the support team handles (the demo
    agent Sophie is one of its agents)."""
    for category in catalogue(stack)["categories"]:
        for sub in category["subcategories"]:
            if (sub["recipient"] or {}).get("code") == "SUPPORT":
                return category, sub
    pytest.fail("the non-connected catalogue offers no pair the support team handles")


def answer_of(stack: Stack, challenge_id: str) -> str:
    status, solved, _ = stack.http("GET", f"/_local/captcha/{challenge_id}")
    assert status == 200, solved
    return str(solved["answer"])


def open_form(page: Page, stack: Stack) -> str:
    """The non-connected form, open with its captcha; the challenge's id as the page received it."""
    with page.expect_response(lambda r: r.url.endswith("/public/captcha") and r.request.method == "POST") as drawn:
        open_portal(page, stack, "/contact")
    page.locator("#verification img").wait_for()
    settled(page)
    return str(drawn.value.json()["id"])


def fill_form(page: Page, category: dict[str, Any], sub: dict[str, Any], email: str, title: str) -> None:
    page.locator("#categorie").select_option(category["code"])
    page.locator("#sous-categorie").select_option(sub["code"])
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Titre / Résumé").fill(title)
    page.get_by_label("Description longue").fill("Notre sous-traitant doit facturer en notre nom.\nComment faire ?")


def error_beside(page: Page, field_id: str) -> str:
    """The error message a field's aria-describedby points at (what a screen reader reads with the field)."""
    field = page.locator(f"#{field_id}")
    assert field.get_attribute("aria-invalid") == "true"
    described = (field.get_attribute("aria-describedby") or "").split()
    errors = [page.locator(f"#{i}").inner_text() for i in described if i.endswith("-erreur")]
    assert len(errors) == 1, described
    return errors[0]


def status_link(stack: Stack, email: str, number: int) -> str:
    """The status link of the ticket's confirmation mail: the portal's status page, the token as its fragment."""
    mail = stack.wait_for_mail(email, f"n° {number} a bien été enregistré")
    found = re.search(rf"{re.escape(stack.url)}/suivi#(\S+)", mail["text"])
    assert found, mail["text"]
    return found.group(0)


def public_status(stack: Stack, link: str) -> dict[str, Any]:
    status, body, _ = stack.http("POST", "/public/status", body={"token": link.split("#", 1)[1]})
    assert status == 200, body
    return dict(body)


def act(stack: Stack, number: int, action: str, body: dict[str, Any]) -> None:
    status, answer, _ = stack.http("POST", f"/tickets/{number}/{action}", user="sophie", body=body)
    assert status == 200, answer


def file_through_the_api(stack: Stack, email: str) -> tuple[int, str]:
    """A non-connected ticket filed as the walk-through does (curl), and its status link from the mail."""
    category, sub = support_pair(stack)
    status, challenge, _ = stack.http("POST", "/public/captcha")
    assert status == 201, challenge
    form = {
        "category": category["code"],
        "subcategory": sub["code"],
        "contact_email": email,
        "title": "Déclarer un mandat de facturation",
        "description": "Comment déclarer le mandat ?",
        "captcha_id": challenge["id"],
        "captcha_answer": answer_of(stack, challenge["id"]),
    }
    status, created, _ = stack.http("POST", "/public/tickets", body=form)
    assert status == 201, created
    return int(created["number"]), status_link(stack, email, int(created["number"]))


def open_status(page: Page, link: str, number: int) -> None:
    page.goto(link)
    page.get_by_role("heading", level=1, name=f"Suivi du ticket n° {number}").wait_for()


def history_shown(page: Page) -> list[list[str]]:
    rows = page.locator("#historique-table tbody tr")
    return [[c.strip() for c in row.locator("th, td").all_inner_texts()] for row in rows.all()]


@pytest.fixture(scope="module")
def answered(stack: Stack) -> tuple[int, str]:
    """A non-connected ticket the support answered, and its status link."""
    number, link = file_through_the_api(stack, "paul.lemaire@example.fr")
    act(stack, number, "answer", {"text": ANSWER})
    return number, link


# ----------------------------------------------------------------------------------------------------- tests
def test_a_visitor_files_a_ticket_through_the_form_and_follows_it_from_the_mailed_link(
    stack: Stack, page: Page
) -> None:
    visitor = "jeanne.martin@example.fr"
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))  # noqa: PLW0108  (Playwright wraps the handler: a builtin cannot be)
    category, sub = support_pair(stack)
    offered = catalogue(stack)["categories"]

    first_challenge = open_form(page, stack)

    assert page.get_by_role("heading", level=1).inner_text() == CONTACT
    assert page.title() == f"{CONTACT} – Portail de support Chorus Pro"
    # The lists are the non-connected catalogue's: its categories, then the chosen one's sub-categories.
    shown = page.locator("#categorie option:not([value=''])").all_inner_texts()
    assert shown == [c["label"] for c in offered]
    assert page.locator("#sous-categorie").is_disabled()
    page.locator("#categorie").select_option(category["code"])
    assert page.locator("#sous-categorie option:not([value=''])").all_inner_texts() == [
        s["label"] for s in category["subcategories"]
    ]
    page.locator("#sous-categorie").select_option(sub["code"])
    assert page.locator("#destinataire").inner_text() == f"Votre ticket sera traité par : {sub['recipient']['label']}."
    axe(page, "the non-connected form")

    # « Écouter » plays the challenge's WAV (the CSP's media-src allows its data: URI: a refusal would be a
    # console error, which fails this test); pressed again, it stops.
    page.get_by_role("button", name="Écouter").click()
    page.wait_for_function("() => { const a = document.querySelector('#verification audio'); return a && !a.paused }")
    audio = page.evaluate(
        "() => { const a = document.querySelector('#verification audio'); return [a.duration, a.src] }"
    )
    assert audio[0] > 1 and audio[1].startswith("data:audio/wav;base64,")
    page.get_by_role("button", name="Arrêter l'écoute").click()
    page.get_by_role("button", name="Écouter").wait_for()

    # « Nouvelle image »: another challenge (image and sound), announced; the old one is no longer the form's.
    image = page.locator("#verification img").get_attribute("src")
    with page.expect_response(lambda r: r.url.endswith("/public/captcha")) as drawn:
        page.get_by_role("button", name="Nouvelle image").click()
    challenge = str(drawn.value.json()["id"])
    assert challenge != first_challenge
    page.get_by_text("Un nouveau code de vérification est affiché.").wait_for()
    assert page.locator("#verification img").get_attribute("src") != image

    fill_form(page, category, sub, visitor, "Déclarer un mandat de facturation")
    page.get_by_label("Caractères de l'image ou du son").fill(answer_of(stack, challenge).lower())
    screenshot(page, "contact-rempli")
    with page.expect_response(lambda r: r.url.endswith("/public/tickets")) as filed:
        page.get_by_role("button", name="Soumettre").click()
    assert filed.value.status == 201
    created = filed.value.json()
    sent = json.loads(filed.value.request.post_data or "{}")
    assert sent["captcha_id"] == challenge and sent["contact_email"] == visitor
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,128}", filed.value.request.headers["idempotency-key"])

    # The confirmation: the API's message as it comes, the number to note, the status and who handles it.
    number = created["number"]
    page.locator("#confirmation").get_by_text(created["message"]).wait_for()
    assert page.evaluate("() => document.activeElement?.id") == "confirmation"
    assert page.get_by_role("heading", name=f"Ticket n° {number} envoyé").is_visible()
    assert page.locator("#numero-ticket").inner_text() == str(number)
    assert created["status"]["label"].upper() in page.locator("main").inner_text().upper()
    assert created["recipient"] == sub["recipient"]["label"]
    screenshot(page, "contact-confirmation")
    axe(page, "the confirmation of a non-connected ticket")
    # The form's calls: the catalogue and a captcha once each when it opened, a captcha per « Nouvelle image ».
    api = [(r.method, r.url.split("/api", 1)[1]) for r in requests if "/api/" in r.url]
    assert sorted(api[:2]) == [("GET", "/catalogue?mode=ANONYMOUS"), ("POST", "/public/captcha")]  # at once
    assert api[2:] == [("POST", "/public/captcha"), ("POST", "/public/tickets")]

    # The mail in the local outbox links to the portal's status page; opened in the browser, it shows the ticket.
    link = status_link(stack, visitor, number)
    token = link.split("#", 1)[1]
    requests.clear()
    open_status(page, link, number)
    expected = public_status(stack, link)
    assert page.locator("#informations").get_by_text(expected["status"]["label"], exact=True).count() == 1
    assert expected["title"] in page.locator("#informations").inner_text()
    assert [row[1] for row in history_shown(page)] == [e["action"]["label"] for e in expected["history"]]
    # The token left the browser in a request's body only: in no URL the page asked for.
    asked = [r for r in requests if "/public/status" in r.url]
    assert len(asked) == 1 and json.loads(asked[0].post_data or "{}") == {"token": token}
    assert not [r.url for r in requests if token in r.url]
    screenshot(page, "suivi-ouvert")
    axe(page, "the status page of an open ticket")

    # The support takes the ticket in charge (its comment is internal) and asks a question: the page shows the
    # question and how to answer, never the internal comment.
    act(stack, number, "take-in-charge", {"comment": PRIVATE_NOTE})
    act(stack, number, "information-requests", {"question": QUESTION})
    page.reload()
    page.get_by_role("heading", name="Le support attend une information de votre part").wait_for()
    situation = page.locator("#situation").inner_text()
    assert QUESTION in situation
    assert f"en rappelant le numéro {number}" in situation
    assert PRIVATE_NOTE not in page.locator("main").inner_text()
    expected = public_status(stack, link)
    assert expected["status"]["code"] == "AWAITING_INFO"
    assert [row[1] for row in history_shown(page)] == [e["action"]["label"] for e in expected["history"]]
    screenshot(page, "suivi-question")
    axe(page, "the status page with the support's question")

    # A portal link followed from the status page leaves it for the portal's own address (the token stays behind).
    page.locator("#situation").get_by_role("link", name=CONTACT).click()
    page.get_by_role("heading", level=1, name=CONTACT).wait_for()
    assert page.evaluate("() => [location.pathname, location.hash]") == ["/", "#/contact"]


def test_a_wrong_captcha_gets_the_apis_message_beside_the_field_and_the_same_image_then_files(
    stack: Stack, page: Page
) -> None:
    visitor = "luc.bernard@example.fr"
    category, sub = support_pair(stack)
    challenge = open_form(page, stack)

    # Nothing filled: each field's message from the API, beside its field, and the API's message at the top.
    with page.expect_response(lambda r: r.url.endswith("/public/tickets")) as refused:
        page.get_by_role("button", name="Soumettre").click()
    assert refused.value.status == 400
    alert = page.locator("main").get_by_role("alert")
    alert.wait_for()
    assert refused.value.json()["message"] in alert.inner_text()
    for field_id, name in [
        ("categorie", "category"),
        ("sous-categorie", "subcategory"),
        ("adresse-electronique", "contact_email"),
        ("titre", "title"),
        ("description", "description"),
    ]:
        assert error_beside(page, field_id) == messages.SUBMISSION_REQUIRED[name]
    assert error_beside(page, "captcha-reponse") == messages.CAPTCHA_ANSWER_REQUIRED
    screenshot(page, "contact-champs-manquants")
    axe(page, "the non-connected form with the API's field errors")

    # A wrong answer: the API's message beside the captcha's field, the answer emptied, the rest kept.
    fill_form(page, category, sub, visitor, "Mandat de facturation")
    right = answer_of(stack, challenge)
    page.get_by_label("Caractères de l'image ou du son").fill("0000000" if right != "0000000" else "1111111")
    with page.expect_response(lambda r: r.url.endswith("/public/tickets")) as refused:
        page.get_by_role("button", name="Soumettre").click()
    assert refused.value.status == 400
    page.wait_for_function("() => document.querySelector('#captcha-reponse').value === ''")
    assert error_beside(page, "captcha-reponse") == messages.CAPTCHA_WRONG
    assert page.locator("#categorie[aria-invalid]").count() == 0  # the other fields were right
    assert page.get_by_label("Adresse électronique").input_value() == visitor
    assert page.evaluate("() => document.activeElement?.contains(document.querySelector('main [role=alert]'))")
    screenshot(page, "contact-code-errone")
    axe(page, "the non-connected form with a wrong captcha")

    # The same image answered right files the ticket (a wrong answer does not use the challenge up). The outbox
    # is sent in order: had the refused attempt been filed, its mail would have left first.
    page.get_by_label("Caractères de l'image ou du son").fill(right)
    with page.expect_response(lambda r: r.url.endswith("/public/tickets")) as filed:
        page.get_by_role("button", name="Soumettre").click()
    assert filed.value.status == 201
    number = filed.value.json()["number"]
    page.locator("#numero-ticket").wait_for()
    stack.wait_for_mail(visitor, f"n° {number} a bien été enregistré")
    assert [m["subject"] for m in stack.mails() if m["to"] == visitor] == [
        f"Chorus Pro – votre ticket n° {number} a bien été enregistré"
    ]


def test_a_used_up_challenge_is_said_on_the_captcha_and_a_new_image_replaces_it(stack: Stack, page: Page) -> None:
    category, sub = support_pair(stack)
    challenge = open_form(page, stack)
    fill_form(page, category, sub, "marc.petit@example.fr", "Mandat de facturation")
    right = answer_of(stack, challenge)
    wrong = "0000000" if right != "0000000" else "1111111"

    def submit(answer: str) -> None:
        page.get_by_label("Caractères de l'image ou du son").fill(answer)
        with page.expect_response(lambda r: r.url.endswith("/public/tickets")) as refused:
            page.get_by_role("button", name="Soumettre").click()
        assert refused.value.status == 400
        page.wait_for_function("() => document.querySelector('#captcha-reponse').value === ''")

    for _ in range(2):
        submit(wrong)
        assert error_beside(page, "captcha-reponse") == messages.CAPTCHA_WRONG
    submit(wrong)  # the third wrong answer kills the challenge
    assert error_beside(page, "captcha-reponse") == messages.CAPTCHA_TOO_MANY_FAILURES
    submit(right)  # even right, it is no longer valid: the API says so of the challenge
    group = page.locator("#verification")
    named_by = [page.locator(f"#{i}").inner_text() for i in (group.get_attribute("aria-labelledby") or "").split()]
    assert named_by[-1] == messages.CAPTCHA_EXPIRED
    assert "fr-fieldset--error" in (group.get_attribute("class") or "")
    screenshot(page, "contact-code-perime")
    axe(page, "the non-connected form with a used-up challenge")

    # « Nouvelle image »: another challenge, and what was said of the old one goes with it.
    image = page.locator("#verification img").get_attribute("src")
    with page.expect_response(lambda r: r.url.endswith("/public/captcha")) as drawn:
        page.get_by_role("button", name="Nouvelle image").click()
    assert drawn.value.json()["id"] != challenge
    page.get_by_text("Un nouveau code de vérification est affiché.").wait_for()
    assert page.locator("#verification img").get_attribute("src") != image
    assert messages.CAPTCHA_EXPIRED not in page.locator("main").inner_text()
    assert page.locator("main [role=alert]").count() == 0  # the captcha was all the API refused
    assert page.locator("#captcha-reponse").get_attribute("aria-invalid") is None


def test_the_form_with_the_keyboard_alone(stack: Stack, page: Page) -> None:
    visitor = "ines.roux@example.fr"
    category, sub = support_pair(stack)
    challenge = open_form(page, stack)
    page.locator("body").focus()
    for _ in range(40):  # Tab from the top of the page to the first field
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement?.id") == "categorie":
            break
    else:
        pytest.fail("the category cannot be reached with Tab")

    def choose(code: str) -> None:
        # A closed <select> takes the arrow keys; the options are read from the page's own list.
        for _ in range(30):
            if page.evaluate("() => document.activeElement?.value") == code:
                return
            page.keyboard.press("ArrowDown")
        pytest.fail(f"{code} cannot be chosen with the arrow keys")

    def focused() -> str:
        return str(page.evaluate("() => document.activeElement?.id"))

    choose(category["code"])
    page.keyboard.press("Tab")
    assert focused() == "sous-categorie"
    choose(sub["code"])
    for field_id, text in [
        ("adresse-electronique", visitor),
        ("titre", "Mandat de facturation"),
        ("description", "Comment déclarer le mandat ?"),
    ]:
        page.keyboard.press("Tab")
        assert focused() == field_id
        page.keyboard.type(text)
    page.keyboard.press("Tab")
    assert focused() == "captcha-ecouter"
    page.keyboard.press("Enter")
    page.wait_for_function("() => !document.querySelector('#verification audio').paused")
    page.keyboard.press("Enter")  # « Arrêter l'écoute »
    page.keyboard.press("Tab")
    assert focused() == "captcha-nouvelle-image"
    page.keyboard.press("Tab")
    assert focused() == "captcha-reponse"
    page.keyboard.type(answer_of(stack, challenge))
    with page.expect_response(lambda r: r.url.endswith("/public/tickets")) as filed:
        page.keyboard.press("Enter")
    assert filed.value.status == 201
    page.locator("#numero-ticket").wait_for()
    assert focused() == "confirmation"
    assert page.locator("#numero-ticket").inner_text() == str(filed.value.json()["number"])


def test_the_status_page_shows_the_support_answer(stack: Stack, page: Page, answered: tuple[int, str]) -> None:
    number, link = answered
    open_status(page, link, number)
    page.get_by_role("heading", name="Le support a répondu à votre ticket").wait_for()
    assert ANSWER in page.locator("#situation").inner_text()
    exchanges = page.locator("#echanges article")
    assert exchanges.count() == 1
    expected = public_status(stack, link)
    answer = expected["history"][-1]
    assert (answer["action"]["code"], answer["text"]) == ("ANSWER", ANSWER)
    assert (
        exchanges.first.get_by_role("heading").inner_text().startswith(f"{answer['action']['label']} – {answer['by']}")
    )
    assert ANSWER in exchanges.first.inner_text()
    last = [text.upper() for text in history_shown(page)[-1][1:4]]
    assert last == [answer["action"]["label"].upper(), answer["by"].upper(), answer["status"]["label"].upper()]
    # « Se connecter » on this page comes back to no screen: its fragment is a token, never copied into a URL.
    assert {a.get_attribute("href") for a in page.locator("header a[id^=bouton-connexion]").all()} == {"#/connexion"}
    screenshot(page, "suivi-reponse")
    axe(page, "the status page with the support's answer")


def test_a_forged_or_missing_link_gets_the_apis_one_message(
    stack: Stack, page: Page, answered: tuple[int, str]
) -> None:
    _, link = answered
    forged = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    for address in (forged, f"{stack.url}/suivi", f"{stack.url}/suivi#%E0%A4%A"):
        page.goto(address)
        alert = page.locator("main").get_by_role("alert")
        alert.wait_for()
        assert messages.STATUS_LINK_NOT_FOUND in alert.inner_text()
        assert page.get_by_role("heading", level=1).inner_text() == "Suivi d'un ticket"
    screenshot(page, "suivi-lien-invalide")
    axe(page, "the status page of a link that is not valid")


@pytest.mark.parametrize("width", [320, 640])
def test_the_form_and_the_status_page_fit_320_px_and_200_percent_zoom(
    stack: Stack, context: BrowserContext, width: int, answered: tuple[int, str]
) -> None:
    # 200 % zoom of a 1280 px window is a 640 CSS px viewport; 320 px is WCAG's reflow width.
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 800})
    open_form(page, stack)
    assert horizontal_overflow(page) == 0
    screenshot(page, f"contact-{width}px")
    number, link = answered
    open_status(page, link, number)
    assert horizontal_overflow(page) == 0
    screenshot(page, f"suivi-{width}px")
