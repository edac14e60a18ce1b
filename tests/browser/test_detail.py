"""The ticket's detail in Chromium, both sides of one ticket in two browser contexts: Marie (Menuiserie Dupont)
files it (through the API: the creation form has its own tests), Sophie (the technical support) takes it in charge
for Lucas, asks a question, answers; Marie answers the question, refuses the first solution with a reason (first
without one: the API's message beside the field), accepts the second. Every step is done in the page, through the
dialogs of the actions the API allows, and the page shows the new state without reloading.

Files: a PDF with an accented name posted straight to the local S3 with its progress, checked, downloaded back
byte for byte by both sides; a PDF named .png refused with the desk's reason, then removed. Another structure's
user gets the page of a missing ticket. axe-core (WCAG 2.1 A and AA) on the detail and on every dialog; one action
with the keyboard alone; 320 px and 200 % zoom without horizontal scrolling.

Expected values come from the API (the same ticket read with the user's token) or from the test's own set-up.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from chorus_desk import messages
from tests.browser.portal import axe, horizontal_overflow, screenshot, sign_in, watch
from tests.e2e.stack import Stack

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, FilePayload, Locator, Page, Route

PDF = b"%PDF-1.4\n% Relev\xc3\xa9 des \xc3\xa9carts\n" + bytes(range(256)) * 1200 + b"\n%%EOF\n"  # about 300 KB
PDF_NAME = "Relevé des écarts – n° 118.pdf"
LYING_NAME = "capture d'écran.png"
REPLY = "réponse du support.txt"
REPLY_BYTES = "Montant corrigé : 1 250,00 €\n".encode()
DROPPED_NAME = "relevé déposé.csv"
DROPPED_TEXT = "date;montant\n2026-11-02;120,00\n"
NO_RELOAD = "window.__sansRechargement"


# ------------------------------------------------------------------------------------------------ helpers
def create_ticket(stack: Stack, title: str) -> int:
    """Marie files a ticket for the technical support, submitted at once (the creation form is tested elsewhere)."""
    status, created, _ = stack.http(
        "POST",
        "/tickets",
        "marie",
        {
            "category": "FACTURES_EMISES",
            "subcategory": "ERREUR_ELEMENTS_FACTURATION",
            "emitter_siret": "53453679200011",
            "title": title,
            "description": "Le numéro d'engagement de la facture FAC-2026-118 est erroné.\nMerci de le corriger.",
            "submit": True,
        },
    )
    assert status == 201, created
    return int(created["number"])


def file_through_the_form(page: Page, stack: Stack, title: str) -> int:
    """Marie files the ticket through the creation form: submitted first without its description (the API's
    message beside the field, nothing submitted), then completed and submitted; the number from the banner."""
    sign_in(page, stack, "marie", fragment="/tickets/nouveau")
    page.locator("#champ-category").wait_for()
    page.locator("#champ-category").select_option("FACTURES_EMISES")
    page.locator("#champ-subcategory").select_option("ERREUR_ELEMENTS_FACTURATION")
    page.locator("#champ-title").fill(title)
    page.get_by_role("button", name="Soumettre").click()
    description = page.locator("#champ-description")
    expect(description).to_have_attribute("aria-invalid", "true")
    described = (description.get_attribute("aria-describedby") or "").split()
    assert messages.DESCRIPTION_REQUIRED in [page.locator(f"#{i}").inner_text() for i in described]
    description.fill("Le numéro d'engagement de la facture FAC-2026-118 est erroné.\nMerci de le corriger.")
    page.get_by_role("button", name="Soumettre").click()
    banner = page.locator("#bandeau-confirmation")
    banner.wait_for()
    found = re.search(r"ticket n° (\d+) a été soumis", banner.inner_text())
    assert found, banner.inner_text()
    return int(found[1])


def api_ticket(stack: Stack, alias: str, number: int) -> dict[str, Any]:
    status, ticket, _ = stack.http("GET", f"/tickets/{number}", alias)
    assert status == 200, ticket
    assert isinstance(ticket, dict)
    return ticket


def api_act(stack: Stack, alias: str, number: int, route: str, body: dict[str, Any]) -> None:
    status, answer, _ = stack.http("POST", f"/tickets/{number}/{route}", alias, body)
    assert status == 200, answer


@pytest.fixture
def people(browser: Browser) -> Iterator[Callable[[], Page]]:
    """A page for each person, in a browser context of its own (its own session); every page is watched: a
    JavaScript or console error of any of them fails the test."""
    contexts: list[BrowserContext] = []
    problems: list[list[str]] = []

    def person() -> Page:
        context = browser.new_context(
            locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        problems.append(watch(page))
        return page

    yield person
    for context in contexts:
        context.close()
    assert [p for found in problems for p in found] == [], f"the pages reported errors: {problems}"


def open_detail(page: Page, stack: Stack, alias: str, number: int) -> None:
    sign_in(page, stack, alias, fragment=f"/tickets/{number}")
    page.get_by_role("heading", level=1, name=f"Ticket n° {number}").wait_for()
    page.evaluate(f"{NO_RELOAD} = true")


def go_to_detail(page: Page, stack: Stack, number: int) -> None:
    """A person already signed in opens the ticket's address."""
    page.goto(f"{stack.url}/#/tickets/{number}")
    page.get_by_role("heading", level=1, name=f"Ticket n° {number}").wait_for()
    page.evaluate(f"{NO_RELOAD} = true")


def reopen(page: Page, number: int) -> None:
    """What a person does to see the other side's change: reload the page."""
    page.reload()
    page.get_by_role("heading", level=1, name=f"Ticket n° {number}").wait_for()
    page.evaluate(f"{NO_RELOAD} = true")


def status_shown(page: Page) -> str:
    return (page.locator(".portal-ticket-head .fr-badge").text_content() or "").strip()


def actions_shown(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("#actions-liste > li").all_text_contents()]


def allowed(stack: Stack, alias: str, number: int) -> list[str]:
    return [a["label"] for a in api_ticket(stack, alias, number)["allowed_actions"]]


def fact(page: Page, label: str) -> str:
    """The value shown under a block's label."""
    value = page.locator(".portal-facts > div").filter(
        has=page.locator("dt", has_text=re.compile(f"^{re.escape(label)}$"))
    )
    return (value.locator("dd").text_content() or "").strip()


def open_dialog(page: Page, label: str) -> Locator:
    page.locator("#actions-liste").get_by_role("button", name=label, exact=True).click()
    dialog = page.get_by_role("dialog", name=label)
    return opened(dialog)


def opened(dialog: Locator) -> Locator:
    """The dialog once open and its opening transition over (axe would measure contrasts half faded in)."""
    dialog.wait_for(state="visible")
    dialog.evaluate("d => Promise.all(d.getAnimations({ subtree: true }).map((a) => a.finished))")
    return dialog


def confirm(page: Page, dialog: Locator, label: str, status: str) -> None:
    """Send the dialog; the page then says what was done and shows the new status, without reloading."""
    dialog.locator("button[type=submit]").click()
    page.locator("#action-reussie").get_by_text(f"« {label} » : c'est fait. Statut du ticket : {status}.").wait_for()
    dialog.wait_for(state="hidden")
    assert status_shown(page) == status
    assert page.evaluate(NO_RELOAD) is True


def history_rows(page: Page) -> list[list[str]]:
    rows = page.locator("#historique-table tbody tr")
    return [[c.strip() for c in rows.nth(i).locator("th, td").all_text_contents()] for i in range(rows.count())]


def expected_history(ticket: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(user, action, new status) of each history entry, as the table shows them."""
    sides = {"EMITTER": "émetteur", "RECIPIENT": "destinataire"}
    return [
        (f"{e['actor']['name']} ({sides[e['side']]})", e["action"]["label"], e["to_status"]["label"])
        for e in ticket["history"]
    ]


def choose_file(page: Page, name: str, mime_type: str, content: bytes) -> None:
    """Pick a file in the « Ajouter des fichiers » field, as the browser's file chooser would hand it over."""
    chosen: FilePayload = {"name": name, "mimeType": mime_type, "buffer": content}
    page.set_input_files("#ajout-fichiers", files=[chosen])


def attachment_row(page: Page, name: str) -> Locator:
    return page.locator("#pieces-jointes-table tbody tr").filter(has=page.locator("th", has_text=name))


# ------------------------------------------------------------------------------------------------ the journey
def test_one_ticket_from_submitted_to_accepted_through_both_sides_pages(
    stack: Stack, people: Callable[[], Page]
) -> None:
    # The whole journey goes through the portal only, from the creation form on.
    marie, sophie = people(), people()
    number = file_through_the_form(marie, stack, "Numéro d'engagement erroné")
    writes: list[tuple[str, str, str | None]] = []
    for person in (marie, sophie):
        person.on(
            "request",
            lambda r: (
                writes.append((r.method, r.url, r.headers.get("idempotency-key")))
                if r.method in ("POST", "PATCH", "DELETE") and "/api/tickets/" in r.url
                else None
            ),
        )

    # The support's manager opens the ticket: every block, and exactly the actions the API allows her.
    open_detail(sophie, stack, "sophie", number)
    ticket = api_ticket(stack, "sophie", number)
    assert status_shown(sophie) == ticket["status"]["label"] == "Ouvert"
    assert (
        actions_shown(sophie)
        == allowed(stack, "sophie", number)
        == ["Prendre en charge", "Assigner", "Demander des informations", "Répondre", "Ajouter un fichier"]
    )
    assert fact(sophie, "Désignation de la structure émettrice") == "Menuiserie Dupont"
    assert fact(sophie, "Identifiant de la structure") == "53453679200011"
    assert fact(sophie, "Catégorie") == ticket["category"]["label"]
    assert fact(sophie, "Sous-catégorie") == ticket["subcategory"]["label"]
    assert fact(sophie, "Destinataire") == ticket["recipient"]["name"]
    assert fact(sophie, "Assigné à") == "Personne pour l'instant"
    assert fact(sophie, "Description longue") == ticket["description"]
    assert fact(sophie, "Saisi par") == "Marie Dupont"
    assert history_rows(sophie)[0][1:4] == ["Marie Dupont (émetteur)", "Soumettre", "Non renseigné"]
    axe(sophie, "the detail, recipient's side")
    screenshot(sophie, "detail-destinataire-ouvert")

    # Every dialog she may open passes axe; « Annuler » closes it and nothing is sent.
    for label in ["Assigner", "Demander des informations", "Répondre"]:
        dialog = open_dialog(sophie, label)
        axe(sophie, f"the dialog « {label} »")
        dialog.get_by_role("button", name="Annuler").click()
        dialog.wait_for(state="hidden")
    assert api_ticket(stack, "sophie", number)["version"] == ticket["version"]

    # « Prendre en charge » for Lucas, picked among the support's agents as the API lists them.
    dialog = open_dialog(sophie, "Prendre en charge")
    agents = stack.http("GET", f"/tickets/{number}/agents", "sophie")[1]
    picker = dialog.get_by_label("Agent")
    picker.locator("option").nth(len(agents)).wait_for(state="attached")
    assert picker.locator("option").all_text_contents() == ["Moi-même"] + [
        f"{a['name']} ({a['role_label']})" for a in agents
    ]
    axe(sophie, "the dialog « Prendre en charge »")
    screenshot(sophie, "detail-dialogue-prise-en-charge", full_page=False)
    picker.select_option(label="Lucas Fabre (Utilisateur simple)")
    dialog.get_by_label("Commentaire").fill("Lucas, peux-tu regarder ?")
    confirm(sophie, dialog, "Prendre en charge", "En cours")
    assert fact(sophie, "Assigné à") == "Lucas Fabre"
    assert history_rows(sophie)[-1][1:] == [
        "Sophie Moreau (destinataire)",
        "Prendre en charge",
        "Ouvert",
        "En cours",
        "Lucas, peux-tu regarder ?Assigné à : Lucas Fabre",
    ]
    assert actions_shown(sophie) == allowed(stack, "sophie", number)

    # A question: the ticket waits for Marie.
    question = "Quel numéro d'engagement attendiez-vous ?"
    dialog = open_dialog(sophie, "Demander des informations")
    dialog.get_by_label("Votre question à l'émetteur").fill(question)
    confirm(sophie, dialog, "Demander des informations", "En attente d'informations")
    assert actions_shown(sophie) == allowed(stack, "sophie", number) == ["Assigner"]

    # While Marie is asked, Sophie gives the ticket back to herself: the assignee changes, the status stays.
    dialog = open_dialog(sophie, "Assigner")
    dialog.get_by_label("Agent").select_option(label="Sophie Moreau (Gestionnaire principal)")
    confirm(sophie, dialog, "Assigner", "En attente d'informations")
    assert fact(sophie, "Assigné à") == "Sophie Moreau"

    # Marie sees the question and answers it.
    go_to_detail(marie, stack, number)
    assert status_shown(marie) == "En attente d'informations"
    assert actions_shown(marie) == allowed(stack, "marie", number)
    exchange = marie.locator("#echanges li").last
    assert exchange.locator("h3").text_content() == "Question"
    assert exchange.locator(".portal-prewrap").text_content() == question
    axe(marie, "the detail, emitter's side, a question asked")
    screenshot(marie, "detail-emetteur-question")
    dialog = open_dialog(marie, "Répondre à la demande d'information")
    axe(marie, "the dialog « Répondre à la demande d'information »")
    dialog.get_by_label("Votre réponse à la demande d'information").fill("Le bon numéro est EJ-2026-0042.")
    confirm(marie, dialog, "Répondre à la demande d'information", "Ouvert")

    # Sophie sees it (after reloading her page) and answers.
    reopen(sophie, number)
    assert (
        sophie.locator("#echanges li").last.locator(".portal-prewrap").text_content()
        == "Le bon numéro est EJ-2026-0042."
    )
    dialog = open_dialog(sophie, "Répondre")
    dialog.get_by_label("Votre réponse").fill("Le numéro d'engagement est corrigé.")
    confirm(sophie, dialog, "Répondre", "Résolu")

    # Marie refuses the solution: first without a reason (the API's message beside the field, nothing changes),
    # then with one.
    reopen(marie, number)
    assert (
        actions_shown(marie)
        == allowed(stack, "marie", number)
        == ["Accepter la solution", "Refuser la solution", "Fermer le ticket"]
    )
    for label in ["Accepter la solution", "Fermer le ticket"]:
        dialog = open_dialog(marie, label)
        axe(marie, f"the dialog « {label} »")
        dialog.get_by_role("button", name="Annuler").click()
        dialog.wait_for(state="hidden")
    before = api_ticket(stack, "marie", number)["version"]
    dialog = open_dialog(marie, "Refuser la solution")
    dialog.locator("button[type=submit]").click()
    reason = dialog.get_by_label("Raison du refus")
    dialog.get_by_text(messages.REFUSAL_REASON_REQUIRED).wait_for()
    described = (reason.get_attribute("aria-describedby") or "").split()
    assert messages.REFUSAL_REASON_REQUIRED in [marie.locator(f"#{i}").text_content() for i in described]
    assert reason.get_attribute("aria-invalid") == "true"
    axe(marie, "the dialog « Refuser la solution » with the API's refusal")
    screenshot(marie, "detail-dialogue-refus-sans-raison", full_page=False)
    assert api_ticket(stack, "marie", number)["version"] == before
    reason.fill("Le montant reste faux sur la facture.")
    confirm(marie, dialog, "Refuser la solution", "Ouvert")

    # A new answer, accepted: the ticket is closed, no action left.
    reopen(sophie, number)
    dialog = open_dialog(sophie, "Répondre")
    dialog.get_by_label("Votre réponse").fill("Le montant est corrigé aussi.")
    confirm(sophie, dialog, "Répondre", "Résolu")
    reopen(marie, number)
    dialog = open_dialog(marie, "Accepter la solution")
    dialog.get_by_label("Commentaire").fill("Merci.")
    confirm(marie, dialog, "Accepter la solution", "Fermé")
    assert actions_shown(marie) == allowed(stack, "marie", number) == []
    marie.get_by_text("Aucune action ne vous est proposée").wait_for()

    final = api_ticket(stack, "marie", number)
    assert [e["action"]["code"] for e in final["history"]] == [
        "CREATE_AND_SUBMIT",
        "TAKE_IN_CHARGE",
        "REQUEST_INFORMATION",
        "ASSIGN",
        "PROVIDE_INFORMATION",
        "ANSWER",
        "REFUSE_SOLUTION",
        "ANSWER",
        "ACCEPT_SOLUTION",
    ]
    assert [(row[1], row[2], row[4]) for row in history_rows(marie)] == expected_history(final)
    assert fact(marie, "Date de clôture") != "Non renseigné"
    kinds = marie.locator("#echanges li h3").all_text_contents()
    assert kinds == ["Question", "Complément d'information", "Réponse", "Solution refusée", "Réponse"]
    axe(marie, "the detail of a closed ticket")
    screenshot(marie, "detail-emetteur-ferme")

    # Every write carried an Idempotency-Key, one per intent: the refusal sent twice (without, then with a reason)
    # had two, since its body changed.
    after_creation = len(final["history"]) - 1
    assert len(writes) == after_creation + 1  # and the refusal first sent without a reason
    keys = [key for _, _, key in writes]
    assert all(key and re.fullmatch(r"[0-9a-f-]{36}", key) for key in keys), writes
    assert len(set(keys)) == len(keys)


def test_a_draft_opened_at_its_address_offers_its_own_actions_submission_refused_then_deletion(
    stack: Stack, page: Page
) -> None:
    """A draft is edited in the creation form; opened at the detail's address, it offers what the API allows on a
    draft: its form, deletion, submission (refused while a mandatory field is missing: the API's messages listed,
    since the dialog has no field of its own), files."""
    status, created, _ = stack.http(
        "POST",
        "/tickets",
        "marie",
        {
            "category": "FACTURES_EMISES",
            "subcategory": "ERREUR_ELEMENTS_FACTURATION",
            "emitter_siret": "53453679200011",
        },
    )
    assert status == 201, created
    number = int(created["number"])
    # What the API says of this submission (it stores nothing when it refuses): the page must show the same.
    status, refusal, _ = stack.http("POST", f"/tickets/{number}/submit", "marie")
    assert status == 400, refusal
    open_detail(page, stack, "marie", number)
    assert status_shown(page) == "Brouillon"
    assert actions_shown(page) == allowed(stack, "marie", number)
    assert actions_shown(page) == ["Modifier le brouillon", "Supprimer le brouillon", "Soumettre", "Ajouter un fichier"]
    edit = page.locator("#actions-liste").get_by_role("link", name="Modifier le brouillon")
    assert edit.get_attribute("href") == f"#/tickets/{number}/modifier"

    dialog = open_dialog(page, "Soumettre")
    axe(page, "the dialog « Soumettre »")
    dialog.locator("button[type=submit]").click()
    alert = dialog.locator(".fr-alert--error")
    alert.get_by_text(refusal["message"]).wait_for()
    for error in refusal["errors"]:
        assert alert.get_by_text(error["message"]).count() == 1
    axe(page, "the dialog « Soumettre » with the API's refusal")
    screenshot(page, "detail-brouillon-soumission-refusee", full_page=False)
    dialog.get_by_role("button", name="Annuler").click()
    dialog.wait_for(state="hidden")
    assert api_ticket(stack, "marie", number)["status"]["code"] == "DRAFT"

    dialog = open_dialog(page, "Supprimer le brouillon")
    axe(page, "the dialog « Supprimer le brouillon »")
    dialog.locator("button[type=submit]").click()
    page.locator("#action-reussie").get_by_text(f"Le brouillon n° {number} a été supprimé.").wait_for()
    assert stack.http("GET", f"/tickets/{number}", "marie")[0] == 404
    axe(page, "a draft just deleted")


# ------------------------------------------------------------------------------------------------ files
def awaiting_information(stack: Stack, title: str) -> int:
    """A ticket the support asked Marie about (set up through the API): she may add files now."""
    number = create_ticket(stack, title)
    api_act(stack, "sophie", number, "take-in-charge", {})
    api_act(stack, "sophie", number, "information-requests", {"question": "Pouvez-vous joindre le relevé ?"})
    return number


RECORD_UPLOADS = """() => {
  window.__barres = [];
  window.__etats = [];
  new MutationObserver(() => {
    for (const bar of document.querySelectorAll('#envois progress')) window.__barres.push(bar.value);
    for (const state of document.querySelectorAll('#envois [role=status]')) {
      if (window.__etats.at(-1) !== state.textContent) window.__etats.push(state.textContent);
    }
  }).observe(document.body, { subtree: true, attributes: true, childList: true, characterData: true });
}"""


def test_files_go_straight_to_storage_are_checked_downloaded_by_both_sides_and_a_lying_one_refused(
    stack: Stack, people: Callable[[], Page]
) -> None:
    number = awaiting_information(stack, "Relevé demandé")
    marie = people()
    open_detail(marie, stack, "marie", number)
    assert "Ajouter un fichier" in actions_shown(marie)
    assert marie.locator("#pieces-jointes-total").text_content() == "Aucune pièce jointe."

    # « Ajouter un fichier » leads to the file field; the upload is slowed down so that its progress shows.
    marie.locator("#actions-liste").get_by_role("button", name="Ajouter un fichier").click()
    assert marie.evaluate("() => document.activeElement?.id") == "ajout-fichiers"
    cdp = marie.context.new_cdp_session(marie)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 100 * 1024},
    )
    marie.evaluate(RECORD_UPLOADS)
    choose_file(marie, PDF_NAME, "application/pdf", PDF)
    marie.wait_for_function("() => window.__barres.some((v) => v > 0 && v < 100)")
    axe(marie, "the attachments with a file being sent")
    screenshot(marie, "detail-envoi-en-cours")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    row = attachment_row(marie, PDF_NAME)
    row.wait_for()
    bars: list[float] = marie.evaluate("window.__barres")
    assert bars == sorted(bars) and bars[-1] == 100  # the bar only moves forward, to the end
    states: list[str] = marie.evaluate("window.__etats")
    assert states[-2:] == ["Envoi en cours…", "Vérification en cours…"]
    shown = next(a for a in api_ticket(stack, "marie", number)["attachments"] if a["name"] == PDF_NAME)
    assert shown["state"]["code"] == "AVAILABLE"
    assert row.locator(".fr-badge").text_content() == shown["state"]["label"]
    assert row.locator("td").first.text_content() == f"{len(PDF) / 1024:.0f} ko"  # 300 ko: a whole number
    assert marie.locator("#pieces-jointes-annonce").text_content() == f"« {PDF_NAME} » : {shown['state']['label']}."
    assert marie.locator("#envois").count() == 0
    assert marie.evaluate(NO_RELOAD) is True

    # Downloaded under its own name (accents and all), the same bytes.
    with marie.expect_download() as download:
        row.get_by_role("button", name=f"Télécharger « {PDF_NAME} »").click()
    assert download.value.suggested_filename == PDF_NAME
    assert Path(download.value.path()).read_bytes() == PDF

    # A PDF named .png: the desk reads its first bytes and refuses it, with its reason.
    choose_file(marie, LYING_NAME, "image/png", PDF[:4096])
    lying = attachment_row(marie, LYING_NAME)
    lying.wait_for()
    refused = next(a for a in api_ticket(stack, "marie", number)["attachments"] if a["name"] == LYING_NAME)
    assert refused["state"]["code"] == "REFUSED"
    assert refused["refusal"] == messages.REFUSAL_CONTENT_MISMATCH.format(extension="png")
    assert lying.locator(".fr-badge").text_content() == refused["state"]["label"]
    assert lying.locator(".portal-refusal").text_content() == f"Raison : {refused['refusal']}"
    assert lying.get_by_role("button", name=re.compile("^Télécharger")).count() == 0
    axe(marie, "the attachments, one refused")
    screenshot(marie, "detail-pieces-jointes")

    # Marie removes the refused file (a confirmation first); the history keeps the trace.
    lying.get_by_role("button", name=f"Supprimer « {LYING_NAME} »").click()
    dialog = opened(marie.get_by_role("dialog", name="Supprimer le fichier"))
    axe(marie, "the dialog « Supprimer le fichier »")
    dialog.get_by_role("button", name="Supprimer", exact=True).click()
    lying.wait_for(state="detached")
    after = api_ticket(stack, "marie", number)
    assert [a["name"] for a in after["attachments"]] == [PDF_NAME]
    assert after["history"][-1]["action"]["code"] == "REMOVE_ATTACHMENT"
    assert history_rows(marie)[-1][2] == after["history"][-1]["action"]["label"]

    # Marie answers; Sophie sees Marie's file, downloads it, and adds one of her own while the ticket is open.
    dialog = open_dialog(marie, "Répondre à la demande d'information")
    dialog.get_by_label("Votre réponse à la demande d'information").fill("Le relevé est joint.")
    confirm(marie, dialog, "Répondre à la demande d'information", "Ouvert")
    assert marie.locator("#ajout-fichiers").count() == 0  # no more files from Marie while the support works
    assert attachment_row(marie, PDF_NAME).get_by_role("button", name=re.compile("^Supprimer")).count() == 0

    sophie = people()
    open_detail(sophie, stack, "sophie", number)
    theirs = attachment_row(sophie, PDF_NAME)
    assert theirs.locator("td").nth(1).text_content() == "Marie Dupont (émetteur)"
    assert theirs.get_by_role("button", name=re.compile("^Supprimer")).count() == 0  # not her side's file
    with sophie.expect_download() as download:
        theirs.get_by_role("button", name=f"Télécharger « {PDF_NAME} »").click()
    assert Path(download.value.path()).read_bytes() == PDF
    choose_file(sophie, REPLY, "text/plain", REPLY_BYTES)
    attachment_row(sophie, REPLY).wait_for()
    assert attachment_row(sophie, REPLY).locator("td").nth(1).text_content() == "Sophie Moreau (destinataire)"
    reopen(marie, number)
    assert [n.strip() for n in marie.locator("#pieces-jointes-table tbody th").all_text_contents()] == [PDF_NAME, REPLY]
    assert attachment_row(marie, REPLY).locator("td").nth(1).text_content() == "Sophie Moreau (destinataire)"
    with marie.expect_download() as download:
        attachment_row(marie, REPLY).get_by_role("button", name=f"Télécharger « {REPLY} »").click()
    assert Path(download.value.path()).read_bytes() == REPLY_BYTES


def test_a_file_the_api_refuses_is_said_beside_the_file_and_nothing_is_sent(stack: Stack, page: Page) -> None:
    number = awaiting_information(stack, "Fichier refusé par l'API")
    open_detail(page, stack, "marie", number)
    choose_file(page, "macro.exe", "application/octet-stream", b"MZ")
    upload = page.locator("#envois li")
    upload.get_by_text("Refusé").wait_for()
    status, answer, _ = stack.http(
        "POST",
        f"/tickets/{number}/attachments",
        "marie",
        {"name": "macro.exe", "content_type": "application/octet-stream", "size": 2},
    )
    assert status == 400
    for error in answer["errors"]:
        upload.get_by_text(error["message"]).wait_for()
    assert api_ticket(stack, "marie", number)["attachments"] == []
    axe(page, "a file the API refused")
    upload.get_by_role("button", name="Retirer ce message « macro.exe »").click()
    upload.wait_for(state="detached")


def test_a_file_dropped_on_the_zone_is_sent_like_a_chosen_one(stack: Stack, page: Page) -> None:
    number = awaiting_information(stack, "Fichier déposé")
    open_detail(page, stack, "marie", number)
    zone = page.locator(".portal-dropzone")
    data = zone.evaluate_handle(
        """(zone, [name, text]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([text], name, { type: "text/csv" }));
            return transfer;
        }""",
        [DROPPED_NAME, DROPPED_TEXT],
    )
    zone.dispatch_event("dragover", {"dataTransfer": data})
    assert "portal-dropzone--over" in (zone.get_attribute("class") or "")
    zone.dispatch_event("drop", {"dataTransfer": data})
    attachment_row(page, DROPPED_NAME).wait_for()
    (listed,) = api_ticket(stack, "marie", number)["attachments"]
    assert (listed["name"], listed["state"]["code"], listed["size"]) == (
        DROPPED_NAME,
        "AVAILABLE",
        len(DROPPED_TEXT.encode()),
    )
    assert "portal-dropzone--over" not in (zone.get_attribute("class") or "")


def test_the_local_bucket_lets_the_portal_post_from_its_own_origin_only(stack: Stack) -> None:
    """The browser's preflight before the upload (XMLHttpRequest with progress): the bucket's CORS rule now names
    the local stack's origin, as the template's names the portal's in AWS; another origin stays refused."""
    form = stack.http(
        "POST",
        f"/tickets/{awaiting_information(stack, 'Préalable CORS')}/attachments",
        "marie",
        {"name": "a.pdf", "content_type": "application/pdf", "size": 5},
    )[1]["upload"]

    def preflight(origin: str) -> tuple[int, str | None]:
        request = urllib.request.Request(form["url"], method="OPTIONS")
        request.add_header("Origin", origin)
        request.add_header("Access-Control-Request-Method", "POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return reply.status, reply.headers.get("Access-Control-Allow-Origin")
        except urllib.error.HTTPError as error:
            return error.code, None

    assert preflight(stack.url) == (200, stack.url)
    assert preflight("http://elsewhere.example") == (403, None)


# ------------------------------------------------------------------------------------------------ not found
def test_another_structures_user_gets_the_page_of_a_missing_ticket(stack: Stack, page: Page) -> None:
    number = create_ticket(stack, "Ticket de la Menuiserie")
    _, latest, _ = stack.http("GET", "/tickets?side=EMITTER&tab=ONGOING&size=10", "marie")
    missing = max([row["number"] for row in latest["items"]] + [number]) + 1000

    def page_of(n: int) -> tuple[str, str]:
        """The page shown for ticket ``n`` once it says the API's message (its number taken out), and its title."""
        said = stack.http("GET", f"/tickets/{n}", "nora")[1]["message"]
        page.evaluate(f"window.location.hash = '#/tickets/{n}'")
        expect(page.locator("#ticket-introuvable .fr-text--lead")).to_have_text(said)
        return page.locator("main").inner_html().replace(said, "…"), page.title().replace(str(n), "…")

    sign_in(page, stack, "nora", fragment=f"/tickets/{number}")
    page.locator("#ticket-introuvable").wait_for()
    screenshot(page, "detail-introuvable")
    axe(page, "the page of a ticket not found")
    not_theirs = page_of(number)
    assert page.get_by_role("heading", level=1).text_content() == "Ticket introuvable"
    assert "Menuiserie" not in not_theirs[0]
    assert page_of(missing) == not_theirs


def test_an_action_clicked_before_the_dsfrs_script_has_arrived_opens_its_dialog_once_it_has(
    stack: Stack, page: Page
) -> None:
    """The DSFR's script comes after the first screen's data: a person quick to click (or a slow machine, as CI's
    run met) clicks an action before it is there. The click is kept: the dialog opens once the script arrives, however
    late, and the action goes through."""
    number = create_ticket(stack, "Avant le script du DSFR")
    held: list[Route] = []

    def hold(route: Route) -> None:  # a function: Playwright cannot wrap a builtin such as held.append
        held.append(route)

    page.route("**/assets/dsfr-*.js", hold)
    open_detail(page, stack, "lucas", number)
    page.locator("#actions-liste").get_by_role("button", name="Prendre en charge", exact=True).click()
    dialog = page.get_by_role("dialog", name="Prendre en charge")
    page.wait_for_timeout(2_000)  # more than the 60 frames the modal used to wait for the DSFR before giving up
    assert len(held) == 1, "the DSFR's script was not asked for, or not held back"
    assert dialog.is_visible() is False
    held[0].continue_()
    opened(dialog)
    confirm(page, dialog, "Prendre en charge", "En cours")
    assert api_ticket(stack, "lucas", number)["assignee"]["name"] == "Lucas Fabre"


# ------------------------------------------------------------------------------------------------ keyboard, reflow
def test_taking_a_ticket_in_charge_with_the_keyboard_alone(stack: Stack, page: Page) -> None:
    number = create_ticket(stack, "Au clavier")
    open_detail(page, stack, "lucas", number)

    def tab_to(test: str, what: str, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(test):
                return
        pytest.fail(f"{what} cannot be reached with Tab")

    tab_to("() => document.activeElement?.textContent === 'Prendre en charge'", "« Prendre en charge »")
    page.keyboard.press("Enter")
    dialog = opened(page.get_by_role("dialog", name="Prendre en charge"))
    assert dialog.evaluate("d => d.contains(document.activeElement)") is True  # the focus moved into the dialog
    tab_to("() => document.activeElement?.name === 'comment'", "the comment")
    page.keyboard.type("Je m'en occupe.")
    tab_to("() => document.activeElement?.type === 'submit'", "the dialog's button")
    page.keyboard.press("Enter")
    page.locator("#action-reussie").get_by_text(
        "« Prendre en charge » : c'est fait. Statut du ticket : En cours."
    ).wait_for()
    # The focus is on what happened, the dialog and its button gone.
    assert page.evaluate("() => document.activeElement?.contains(document.getElementById('action-reussie'))") is True
    ticket = api_ticket(stack, "lucas", number)
    assert ticket["assignee"]["name"] == "Lucas Fabre"
    assert ticket["history"][-1]["comment"] == "Je m'en occupe."

    # Échap closes a dialog and gives the focus back to its button.
    tab_to("() => document.activeElement?.textContent === 'Répondre'", "« Répondre »")
    page.keyboard.press("Enter")
    page.get_by_role("dialog", name="Répondre").wait_for(state="visible")
    page.keyboard.press("Escape")
    page.get_by_role("dialog", name="Répondre").wait_for(state="hidden")
    assert page.evaluate("() => document.activeElement?.textContent") == "Répondre"


@pytest.mark.parametrize("width", [320, 640])
def test_the_detail_and_a_dialog_without_horizontal_scrolling_at_320_px_and_200_percent_zoom(
    stack: Stack, context: BrowserContext, width: int
) -> None:
    # 200 % zoom of a 1280 px window is a 640 CSS px viewport; 320 px is WCAG's reflow width (1280 at 400 %).
    number = awaiting_information(
        stack, f"Affichage sur {width} px de large, avec un titre assez long pour revenir à la ligne"
    )
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 800})
    open_detail(page, stack, "marie", number)
    assert horizontal_overflow(page) == 0
    axe(page, f"the detail at {width} px")
    screenshot(page, f"detail-{width}px")
    dialog = open_dialog(page, "Répondre à la demande d'information")
    assert horizontal_overflow(page) == 0
    axe(page, f"a dialog at {width} px")
    screenshot(page, f"detail-dialogue-{width}px", full_page=False)
    dialog.get_by_role("button", name="Annuler").click()
