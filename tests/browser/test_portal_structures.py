"""« Mes structures » in Chromium (issue 23, point 5): Claire, manager of the demo's public structures, inactivates
the Ancienne régie des eaux (closed in Sirene: no takeover), then the Commune de Saint-Léger (open in Sirene: the
takeover SIRET is asked, refused by the API for an unknown SIRET and for the commune itself, then accepted for its
Ateliers municipaux), each confirmed in a DSFR modal and followed to « L'action a été réalisée » without reloading;
the régie's activation is refused (closed in Sirene), the commune's goes through. Hugo (a simple member), Marie (the
manager of a private structure) and Victor (a stranger) get the API's refusal as it comes. axe-core on the list, the
page, both modals and the refusals; the keyboard alone; 320 px and 200 % zoom.

The module runs on a local stack of its own: inactivating the commune moves the demo's invoices and tickets, which
the other browser tests rely on. Expected values come from the API (the same routes with the user's token) or from
the desk's message templates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from chorus_desk import messages
from tests.browser.portal import axe, horizontal_overflow, screenshot, settled, sign_in, watch
from tests.e2e.stack import Stack, start_stack

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Locator, Page

REGIE, COMMUNE, ATELIERS = "73214569300014", "21769001500011", "21769001500029"
MENUISERIE = "53453679200011"
UNKNOWN = "81234567600017"
NO_RELOAD = "window.__sansRechargement"
DONE = "L'action a été réalisée"
# Every text the operation's live region shows, in order (recorded in the page as it changes).
RECORD_STATES = """() => {
  window.__etats = [];
  const note = () => {
    const text = document.getElementById('operation-etat')?.textContent ?? null;
    if (text !== null && window.__etats[window.__etats.length - 1] !== text) window.__etats.push(text);
  };
  new MutationObserver(note).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


@pytest.fixture(scope="module")
def stack(portal_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    started = start_stack(tmp_path_factory.mktemp("structures-browser"))
    yield started
    started.process.terminate()
    started.process.wait(timeout=30)


# ------------------------------------------------------------------------------------------------ helpers
def api(stack: Stack, alias: str, path: str, body: Any = None) -> tuple[int, dict[str, Any]]:
    status, answer, _ = stack.http("POST" if body is not None else "GET", path, alias, body)
    assert isinstance(answer, dict), answer
    return status, answer


def structure(stack: Stack, siret: str) -> dict[str, Any]:
    status, shown = api(stack, "claire", f"/structures/{siret}")
    assert status == 200, shown
    return shown


def ensure_active(stack: Stack, siret: str) -> None:
    """The commune active again (an earlier test of the module may have left it inactive)."""
    if not structure(stack, siret)["active"]:
        assert api(stack, "claire", f"/structures/{siret}/activation", {"confirm": True})[0] == 200


def open_structure(page: Page, stack: Stack, alias: str, siret: str) -> None:
    sign_in(page, stack, alias, fragment=f"/structures/{siret}")
    settled(page)
    page.evaluate(f"{NO_RELOAD} = true")


def fact(page: Page, block: str, label: str) -> str:
    """The value shown under a label of a block (« dans-chorus-pro », « dans-sirene »)."""
    row = page.locator(f"#{block} dl > div").filter(
        has=page.locator("dt", has_text=re.compile(f"^{re.escape(label)}$"))
    )
    return (row.locator("dd").text_content() or "").strip()


def described_by(field: Locator) -> str:
    """What a screen reader reads with the field: the texts its aria-describedby points at."""
    text: str = field.evaluate(
        "f => (f.getAttribute('aria-describedby') || '').split(' ').filter(Boolean)"
        ".map((id) => document.getElementById(id).textContent).join(' | ')"
    )
    return text


def opened(dialog: Locator) -> Locator:
    """The dialog once open and its opening transition over (axe would measure contrasts half faded in)."""
    dialog.wait_for(state="visible")
    dialog.evaluate("d => Promise.all(d.getAnimations({ subtree: true }).map((a) => a.finished))")
    return dialog


def follow_to_the_end(page: Page, stack: Stack) -> dict[str, Any]:
    """Wait for the page to say the operation has ended; the operation as the API gives it (its id from the URL)."""
    page.locator("#operation-resultat").wait_for(timeout=60_000)
    match = re.search(r"operation=([A-Za-z0-9-]+)", page.url)
    assert match, page.url
    status, operation = api(stack, "claire", f"/operations/{match.group(1)}")
    assert status == 200, operation
    return operation


def shows_facts_of(page: Page, shown: dict[str, Any]) -> None:
    """The page shows the structure as the API gives it."""
    assert page.get_by_role("heading", level=1).text_content() == shown["designation"]
    assert fact(page, "dans-chorus-pro", "Désignation") == shown["designation"]
    assert fact(page, "dans-chorus-pro", "SIRET") == shown["siret"]
    assert fact(page, "dans-chorus-pro", "État dans Chorus Pro") == shown["state"]
    assert fact(page, "dans-chorus-pro", "Votre rôle") == shown["role"]["label"]
    assert fact(page, "dans-sirene", "État de l'établissement") == shown["registry"]["state"]
    if shown["registry"]["address"]:
        assert fact(page, "dans-sirene", "Adresse") == shown["registry"]["address"]


# ------------------------------------------------------------------------------------------------ the list
def test_the_list_shows_the_users_structures_and_the_menu_offers_it_to_managers_of_a_public_one(
    stack: Stack, browser: Browser, context: BrowserContext
) -> None:
    page = context.new_page()
    sign_in(page, stack, "claire", fragment="/structures")
    menu = page.get_by_role("navigation", name="Menu principal")
    expect(menu.get_by_role("link", name="Mes structures")).to_have_attribute("aria-current", "page")
    me = api(stack, "claire", "/me")[1]
    expected = [
        [o["name"], o["id"], "Structure publique" if o["public"] else "Structure privée", o["role_label"]]
        for o in me["organisations"]
        if o["kind"] == "STRUCTURE"
    ]
    rows = page.locator("#mes-structures tbody tr")
    shown = [[c.strip() for c in row.locator("th, td").all_text_contents()][:4] for row in rows.all()]
    assert shown == expected
    assert len(shown) == 3
    axe(page, "« Mes structures »")
    screenshot(page, "structures-liste")
    page.get_by_role("link", name="Ancienne régie des eaux").click()
    page.get_by_role("heading", level=1, name="Ancienne régie des eaux").wait_for()
    assert page.url.endswith(f"#/structures/{REGIE}")

    # Neither a simple member nor the manager of a private structure is offered the screen in the menu.
    for alias in ("hugo", "marie"):
        other = browser.new_context(locale="fr-FR")
        their = other.new_page()
        problems = watch(their)
        sign_in(their, stack, alias)
        their.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mes tickets").wait_for()
        assert their.get_by_role("link", name="Mes structures").count() == 0
        other.close()
        assert problems == [], problems


# ------------------------------------------------------------------------------------------------ case 1: régie
def test_a_regie_closed_in_sirene_is_inactivated_and_followed_to_the_end_then_its_activation_refused(
    stack: Stack, page: Page
) -> None:
    shown = structure(stack, REGIE)
    assert (shown["state"], shown["registry"]["open"]) == ("Active", False)  # the demo's case 1
    open_structure(page, stack, "claire", REGIE)
    shows_facts_of(page, shown)
    assert fact(page, "dans-sirene", "Fermé le") == "31 décembre 2024"
    assert page.locator("#siret-reprenant").count() == 0  # closed in Sirene: no takeover asked
    screenshot(page, "structures-regie")
    axe(page, "the régie's page")

    page.evaluate(RECORD_STATES)
    page.get_by_role("button", name="Inactiver la structure").click()
    dialog = opened(page.get_by_role("dialog", name="Confirmer l'inactivation"))
    assert "Ancienne régie des eaux" in (dialog.text_content() or "")
    assert "Aucune structure ne reprend l'activité" in (dialog.text_content() or "")
    axe(page, "the inactivation's confirmation (no takeover)")
    screenshot(page, "structures-regie-confirmation", full_page=False)
    dialog.get_by_role("button", name="Confirmer l'inactivation").click()
    dialog.wait_for(state="hidden")
    # The focus goes to the operation's progress (its button is gone).
    expect(page.locator("#operation-titre")).to_be_focused()

    operation = follow_to_the_end(page, stack)
    assert operation["state"]["code"] == "SUCCEEDED"
    result = page.locator("#operation-resultat")
    assert result.locator("h3").text_content() == DONE
    assert result.locator("p").first.text_content() == operation["message"]
    assert operation["message"] == messages.INACTIVATION_DONE.format(siret=REGIE, payments=0, tickets=0)
    states = page.evaluate("window.__etats")
    assert states[0] == "État de l'opération : En cours", states
    assert states[-1].startswith("État de l'opération : Terminée"), states
    expect(page.locator(".fr-stepper__title")).to_contain_text(DONE)
    expect(page.locator(".fr-stepper__state")).to_have_text("Étape 3 sur 3")
    # The structure read again: inactive, and the page offers its activation; nothing reloaded.
    expect(page.locator("#etat-chorus")).to_have_text("Inactive")
    assert structure(stack, REGIE)["state"] == "Inactive"
    assert page.evaluate(NO_RELOAD) is True
    screenshot(page, "structures-regie-inactivee")
    axe(page, "the operation's outcome")

    # Activation: closed in Sirene, the API refuses it; its words in the modal, nothing changed.
    page.get_by_role("button", name="Activer la structure").click()
    dialog = opened(page.get_by_role("dialog", name="Confirmer l'activation"))
    dialog.get_by_role("button", name="Confirmer l'activation").click()
    refusal = dialog.get_by_role("alert")
    expect(refusal).to_contain_text(messages.STRUCTURE_CLOSED_IN_REGISTRY.format(siret=REGIE))
    axe(page, "the activation's confirmation, refused")
    screenshot(page, "structures-activation-refusee", full_page=False)
    dialog.get_by_role("button", name="Annuler").click()
    dialog.wait_for(state="hidden")
    assert structure(stack, REGIE)["state"] == "Inactive"

    # The operation's address opens its outcome again (a reload, a shared link).
    page.reload()
    page.locator("#operation-resultat").wait_for()
    assert page.locator("#operation-resultat p").first.text_content() == operation["message"]


# ------------------------------------------------------------------------------------------------ case 2: commune
def test_a_commune_open_in_sirene_asks_a_takeover_checked_by_the_api_then_hands_over_to_its_ateliers(
    stack: Stack, page: Page
) -> None:
    ensure_active(stack, COMMUNE)
    status, ticket = api(
        stack,
        "marie",
        "/tickets",
        {
            "submit": True,
            "category": "FACTURES_EMISES",
            "subcategory": "MONTANT_PAYE_DIFFERENT",
            "emitter_siret": MENUISERIE,
            "object_type": "FACTURE",
            "object_number": "FAC-2026-0101",
            "title": "Montant payé différent",
            "description": "Il manque 120 € sur le paiement.",
        },
    )
    assert status == 201, ticket
    assert ticket["recipient"]["id"] == COMMUNE
    checks: list[str] = []
    page.on("request", lambda r: checks.append(r.url) if "takeover_siret=" in r.url else None)

    shown = structure(stack, COMMUNE)
    assert (shown["state"], shown["registry"]["open"]) == ("Active", True)
    open_structure(page, stack, "claire", COMMUNE)
    shows_facts_of(page, shown)
    field = page.get_by_label("SIRET de la structure reprenant l'activité")
    button = page.get_by_role("button", name="Vérifier et inactiver")

    # Empty: said beside the field, nothing asked of the API.
    button.click()
    expect(field).to_have_attribute("aria-invalid", "true")
    assert "Indiquez le SIRET de la structure qui reprend l'activité" in described_by(field)
    expect(field).to_be_focused()
    assert checks == []

    # A SIRET the API refuses: its message beside the field, as it comes; no modal.
    for refused in (UNKNOWN, COMMUNE):
        status, said = api(stack, "claire", f"/structures/{COMMUNE}?takeover_siret={refused}")
        assert status == 400, said
        expected = next(e["message"] for e in said["errors"] if e["field"] == "takeover_siret")
        field.fill(refused)
        button.click()
        expect(page.locator("#siret-reprenant-erreur")).to_have_text(expected)
        assert expected in described_by(field)
        expect(page.get_by_role("alert").first).to_contain_text(said["message"])
        assert page.get_by_role("dialog", name="Confirmer l'inactivation").is_hidden()
    assert described_by(field).count("|") == 1  # the hint and one message
    assert len(checks) == 2
    screenshot(page, "structures-reprise-refusee")
    axe(page, "the takeover refused beside its field")

    # The Ateliers (typed with spaces): checked, shown in the confirmation, then the operation to its end.
    field.fill("217 690 015 00029")
    button.click()
    dialog = opened(page.get_by_role("dialog", name="Confirmer l'inactivation"))
    assert checks[-1].endswith(f"takeover_siret={ATELIERS}")
    takeover = api(stack, "claire", f"/structures/{COMMUNE}?takeover_siret={ATELIERS}")[1]["takeover"]
    expect(dialog.locator("#confirmation-reprenant")).to_contain_text(takeover["designation"])
    expect(dialog.locator("#confirmation-reprenant")).to_contain_text(ATELIERS)
    axe(page, "the inactivation's confirmation with a takeover")
    screenshot(page, "structures-commune-confirmation", full_page=False)
    page.evaluate(RECORD_STATES)
    dialog.get_by_role("button", name="Confirmer l'inactivation").click()
    operation = follow_to_the_end(page, stack)
    assert operation["state"]["code"] == "SUCCEEDED", operation
    assert (operation["takeover_siret"], operation["moved_payments"]) == (ATELIERS, 3)
    assert operation["moved_tickets"] >= 2  # the demo's and this test's
    expect(page.locator("#operation-resultat")).to_contain_text(operation["message"])
    expect(page.locator("#operation-resultat h3")).to_have_text(DONE)
    assert page.evaluate("window.__etats")[-1].startswith("État de l'opération : Terminée")
    expect(page.locator("#etat-chorus")).to_have_text("Inactive")
    assert page.evaluate(NO_RELOAD) is True
    screenshot(page, "structures-commune-inactivee")
    moved = api(stack, "claire", f"/tickets/{ticket['number']}")[1]
    assert moved["recipient"]["id"] == ATELIERS

    # Active again through the page (what moved stays with the Ateliers).
    page.get_by_role("button", name="Activer la structure").click()
    dialog = opened(page.get_by_role("dialog", name="Confirmer l'activation"))
    axe(page, "the activation's confirmation")
    dialog.get_by_role("button", name="Confirmer l'activation").click()
    expect(page.locator("#activation-resultat")).to_contain_text(DONE)
    expect(page.locator("#activation-resultat")).to_contain_text(
        "La structure « Commune de Saint-Léger » est maintenant « Active » dans Chorus Pro."
    )
    expect(page.locator("#activation-resultat").locator("..")).to_be_focused()
    expect(page.locator("#etat-chorus")).to_have_text("Active")
    assert structure(stack, COMMUNE)["state"] == "Active"
    assert page.locator("#operation").count() == 0 and "operation=" not in page.url
    assert page.evaluate(NO_RELOAD) is True


# ------------------------------------------------------------------------------------------------ refusals
def test_a_simple_member_a_private_structures_manager_and_a_stranger_get_the_apis_refusal(
    stack: Stack, browser: Browser
) -> None:
    cases = [
        ("hugo", COMMUNE, 403, "GESTIONNAIRE_REQUIS"),
        ("marie", MENUISERIE, 403, "STRUCTURE_PRIVEE"),
        ("victor", COMMUNE, 404, "STRUCTURE_INCONNUE"),
        ("victor", UNKNOWN, 404, "STRUCTURE_INCONNUE"),
    ]
    pages: dict[tuple[str, str], str] = {}
    for alias, siret, code, name in cases:
        status, said = api(stack, alias, f"/structures/{siret}")
        assert (status, said["code"]) == (code, name)
        page = browser.new_context(locale="fr-FR").new_page()
        problems = watch(page)
        sign_in(page, stack, alias, fragment=f"/structures/{siret}")
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text(said["message"])
        assert page.get_by_role("button").filter(has_text=re.compile("activer", re.I)).count() == 0
        axe(page, f"{alias}'s refusal ({name})")
        screenshot(page, f"structures-refus-{alias}-{siret}")
        pages[alias, siret] = page.locator("main").inner_html().replace(siret, "…")
        page.context.close()
        assert problems == [], problems
    # A stranger learns nothing: the commune's page and an unknown SIRET's are the same, naming nothing.
    assert pages["victor", COMMUNE] == pages["victor", UNKNOWN]
    assert "Saint-Léger" not in pages["victor", COMMUNE]


# ------------------------------------------------------------------------------------------------ keyboard, reflow
def test_an_inactivation_with_a_takeover_then_the_activation_with_the_keyboard_alone(stack: Stack, page: Page) -> None:
    ensure_active(stack, COMMUNE)
    open_structure(page, stack, "claire", COMMUNE)

    def tab_to(test: str, what: str, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(test):
                return
        pytest.fail(f"{what} cannot be reached with Tab")

    tab_to("() => document.activeElement?.id === 'siret-reprenant'", "the takeover field")
    page.keyboard.type(ATELIERS)
    page.keyboard.press("Enter")
    dialog = opened(page.get_by_role("dialog", name="Confirmer l'inactivation"))
    assert dialog.evaluate("d => d.contains(document.activeElement)") is True
    # Échap closes it and gives the focus back to where it was opened from (the field: Enter sent the form).
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.evaluate("() => document.activeElement?.id") == "siret-reprenant"
    page.keyboard.press("Enter")
    opened(dialog)
    tab_to("() => document.activeElement?.id === 'confirmer-inactivation'", "« Confirmer l'inactivation »")
    page.keyboard.press("Enter")
    expect(page.locator("#operation-titre")).to_be_focused()
    operation = follow_to_the_end(page, stack)
    assert operation["state"]["code"] == "SUCCEEDED", operation

    tab_to("() => document.activeElement?.id === 'bouton-activer'", "« Activer la structure »")
    page.keyboard.press("Enter")
    dialog = opened(page.get_by_role("dialog", name="Confirmer l'activation"))
    tab_to("() => document.activeElement?.id === 'confirmer-activation'", "« Confirmer l'activation »")
    page.keyboard.press("Enter")
    expect(page.locator("#activation-resultat")).to_contain_text(DONE)
    assert page.evaluate("() => document.activeElement?.contains(document.getElementById('activation-resultat'))")
    assert structure(stack, COMMUNE)["state"] == "Active"


@pytest.mark.parametrize("width", [320, 640])
def test_the_list_the_page_and_the_modal_without_horizontal_scrolling_at_320_px_and_200_percent_zoom(
    stack: Stack, context: BrowserContext, width: int
) -> None:
    # 200 % zoom of a 1280 px window is a 640 CSS px viewport; 320 px is WCAG's reflow width (1280 at 400 %).
    ensure_active(stack, COMMUNE)
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, stack, "claire", fragment="/structures")
    assert horizontal_overflow(page) == 0
    axe(page, f"the list at {width} px")
    screenshot(page, f"structures-liste-{width}px")
    page.evaluate(f"window.location.hash = '#/structures/{COMMUNE}'")
    page.get_by_role("heading", level=1, name="Commune de Saint-Léger").wait_for()
    assert horizontal_overflow(page) == 0
    axe(page, f"the commune's page at {width} px")
    screenshot(page, f"structures-commune-{width}px")
    page.get_by_label("SIRET de la structure reprenant l'activité").fill(ATELIERS)
    page.get_by_role("button", name="Vérifier et inactiver").click()
    dialog = opened(page.get_by_role("dialog", name="Confirmer l'inactivation"))
    assert horizontal_overflow(page) == 0
    axe(page, f"the confirmation at {width} px")
    screenshot(page, f"structures-confirmation-{width}px", full_page=False)
    dialog.get_by_role("button", name="Annuler").click()
    dialog.wait_for(state="hidden")
    assert structure(stack, COMMUNE)["state"] == "Active"  # cancelled: nothing started
