"""The creation form and drafts in Chromium (seed 001 « Créer un ticket », issue 21 point 4): a demo emitter fills
the form through the UI only; what the API then holds is read back through the API.

- a draft saved with a mandatory field missing, reopened from the home, refused at submission with the API's
  message beside that field, completed, submitted, the banner with its number at the top of the page;
- a general question to a public entity found by name with « Rechercher » (the results and services are the
  directory's), « Vider »;
- « Supprimer le brouillon » and « Quitter sans enregistrer », each confirmed in a DSFR modal;
- a save whose answer is lost, sent again with the same Idempotency-Key: one draft;
- the whole creation journey with the keyboard alone; axe-core on the form, the results, each modal; 320 px and
  200 % zoom without horizontal scrolling.

Expected values come from the demo data (local_stack/demo.py), the API's own messages (chorus_desk.messages) and
the API's answers, never from numbers written here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pytest

from chorus_desk import messages as api_messages
from chorus_desk.models import ObjectType, PaymentState
from local_stack import demo
from tests.browser.portal import HOME_TITLE, axe, horizontal_overflow, screenshot, settled, sign_in
from tests.e2e.stack import Stack

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Locator, Page, Request, Route

BANNER = "#bandeau-confirmation"
MARIE = demo.USERS_BY_ALIAS["marie"]
DUPONT = next(s for s in demo.STRUCTURES if s.siret == MARIE.memberships[0][0])
# An invoice Menuiserie Dupont sent to a public structure's service: a ticket about it goes to that service.
INVOICE = next(
    p
    for p in demo.PAYMENT_REQUESTS
    if p.object_type is ObjectType.INVOICE
    and p.emitter_siret == DUPONT.siret
    and p.state is PaymentState.SENT
    and p.recipient_siret
    and p.recipient_service
)
INVOICE_RECIPIENT = next(s for s in demo.STRUCTURES if s.siret == INVOICE.recipient_siret)
# A public structure with services, to find by a word of its name.
PUBLIC = next(s for s in demo.STRUCTURES if s.public and len(s.services) > 1)
PUBLIC_WORD = PUBLIC.designation.split()[-1]  # « Saint-Léger »


@pytest.fixture(autouse=True)
def patient_navigation(context: BrowserContext) -> None:
    """The first page of a fresh stack loads its handlers: on a shared, busy machine that outlasts 15 s."""
    context.set_default_navigation_timeout(60_000)


def catalogue(stack: Stack) -> dict[str, Any]:
    status, body, _ = stack.http("GET", "/catalogue")
    assert status == 200, body
    return dict(body)


def pair(stack: Stack, subcategory: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(category, sub-category) of the catalogue, by the sub-category's code."""
    for category in catalogue(stack)["categories"]:
        for sub in category["subcategories"]:
            if sub["code"] == subcategory:
                return category, sub
    raise AssertionError(f"no sub-category {subcategory} in the catalogue")


def drafts(stack: Stack, alias: str) -> list[int]:
    status, page, _ = stack.http("GET", "/tickets?side=EMITTER&tab=DRAFTS&size=50", user=alias)
    assert status == 200, page
    return [row["number"] for row in page["items"]]


def ticket(stack: Stack, alias: str, number: int) -> tuple[int, Any]:
    status, body, _ = stack.http("GET", f"/tickets/{number}", user=alias)
    return status, body


def banner(page: Page) -> Locator:
    located = page.locator(BANNER)
    located.wait_for()
    return located


def focused_id(page: Page) -> str:
    return str(page.evaluate("() => document.activeElement?.id ?? ''"))


def beside(page: Page, field_id: str) -> str:
    """The error shown beside a field, read as a screen reader does: through the field's aria-describedby."""
    field = page.locator(f"#{field_id}")
    assert field.get_attribute("aria-invalid") == "true"
    described = (field.get_attribute("aria-describedby") or "").split()
    errors = [i for i in described if i.endswith("-erreur")]
    assert errors, f"#{field_id} names no error in aria-describedby ({described})"
    return page.locator(f"#{errors[0]}").inner_text()


def click_center(page: Page, target: Locator) -> None:
    """A mouse click at the middle of what is seen (Playwright aims at a link's first box: here its sr-only text)."""
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def opened(page: Page, dialog: Locator) -> None:
    """Wait for a DSFR modal to be open and done fading in (axe reads colours as they are painted)."""
    dialog.wait_for()
    dialog.evaluate("d => Promise.all(d.getAnimations({subtree: true}).map(a => a.finished))")
    page.wait_for_function("d => getComputedStyle(d).opacity === '1'", arg=dialog.element_handle())


def new_form(page: Page, stack: Stack, alias: str = "marie") -> None:
    sign_in(page, stack, alias, fragment="/tickets/nouveau")
    page.get_by_role("heading", level=1, name="Créer un ticket").wait_for()
    page.locator("#champ-category").wait_for()


def choose_pair(page: Page, category: dict[str, Any], sub: dict[str, Any]) -> None:
    page.locator("#champ-category").select_option(category["code"])
    page.locator("#champ-subcategory").select_option(sub["code"])


def test_a_draft_missing_a_field_is_refused_beside_it_then_completed_and_submitted(stack: Stack, page: Page) -> None:
    category, sub = pair(stack, "QUESTION_DESTINATAIRE_FACTURE")
    assert "object_type" in sub["filled_by_server"]
    before = drafts(stack, "marie")
    new_form(page, stack)
    # Nothing of the pair's before it is chosen; the emitter is Marie's only structure, its designation shown.
    assert page.locator("#champ-object_number").count() == 0
    assert page.locator("#champ-emitter_siret").input_value() == DUPONT.siret
    assert DUPONT.designation in page.locator("#formulaire-ticket").inner_text()
    axe(page, "the empty creation form")
    screenshot(page, "creation-vide")

    choose_pair(page, category, sub)
    # The pair's fields appear; the object type is the server's, shown filled and read-only.
    object_type = page.locator("#champ-object_type")
    assert object_type.input_value() == sub["object_type"]["label"]
    assert object_type.get_attribute("readonly") is not None
    assert page.locator("#champ-object_number").get_attribute("required") is not None
    assert page.locator("#organisation-destinataire").is_visible()
    page.locator("#champ-title").fill("Question sur le paiement")
    page.locator("#champ-description").fill("Bonjour,\nla facture n'est toujours pas payée.")
    page.get_by_role("button", name="Enregistrer et quitter").click()

    saved = banner(page)
    (number,) = set(drafts(stack, "marie")) - set(before)
    assert f"Le brouillon n° {number} a été enregistré" in saved.inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == HOME_TITLE
    assert focused_id(page) == BANNER[1:]
    status, draft = ticket(stack, "marie", number)
    assert status == 200
    assert draft["status"]["code"] == "DRAFT"
    assert draft["object"] == {"type": sub["object_type"], "number": None}
    assert draft["description"] == "Bonjour,\nla facture n'est toujours pas payée."

    # Reopened from the home's drafts: the catalogue and the draft read once each, the account not again.
    api = f"{stack.url}/api"
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url[len(api) :]) if r.url.startswith(api) else None)
    click_center(page, page.locator(f"#brouillons-table tbody tr[data-row-key='{number}'] a"))
    page.get_by_role("heading", level=1, name=f"Brouillon n° {number}").wait_for()
    page.locator("#champ-title").wait_for()
    assert sorted(asked) == ["/catalogue", f"/tickets/{number}"]
    assert page.locator("#champ-title").input_value() == "Question sur le paiement"
    assert page.locator("#champ-subcategory").input_value() == sub["code"]

    page.get_by_role("button", name="Soumettre").click()
    page.get_by_role("alert").wait_for()
    assert api_messages.INVALID_INPUT in page.get_by_role("alert").inner_text()
    assert beside(page, "champ-object_number") == api_messages.OBJECT_NUMBER_REQUIRED
    assert ticket(stack, "marie", number)[1]["status"]["code"] == "DRAFT"
    axe(page, "the form refused at submission")
    screenshot(page, "creation-refusee")

    page.locator("#champ-object_number").fill(INVOICE.number)
    page.get_by_role("button", name="Soumettre").click()

    submitted = banner(page)
    status, sent = ticket(stack, "marie", number)
    assert sent["status"]["code"] == "OPEN"
    assert sent["recipient"]["id"] == INVOICE_RECIPIENT.siret
    assert f"Votre ticket n° {number} a été soumis" in submitted.inner_text()
    assert sent["recipient"]["name"] in submitted.inner_text()
    assert focused_id(page) == BANNER[1:]
    settled(page)
    assert page.locator(f"#emis-table tbody tr[data-row-key='{number}']").count() == 1
    assert number not in drafts(stack, "marie")
    axe(page, "the home with the success banner")
    screenshot(page, "creation-soumise")
    # « Masquer le message »: the banner goes, the focus stays in the content.
    submitted.get_by_role("button", name="Masquer le message").click()
    assert page.locator(BANNER).count() == 0
    assert focused_id(page) == "contenu"


def test_a_general_question_to_a_public_entity_found_by_name(stack: Stack, page: Page) -> None:
    category, sub = pair(stack, "QUESTION_ENTITE_PUBLIQUE")
    status, found, _ = stack.http("GET", f"/structures?{urlencode({'name': PUBLIC_WORD})}", user="marie")
    assert status == 200
    expected = [s["designation"] for s in found["structures"]]
    assert PUBLIC.designation in expected
    new_form(page, stack)
    choose_pair(page, category, sub)
    assert page.locator("#champ-object_number").count() == 0
    page.get_by_role("heading", name="Destinataire", exact=True).wait_for()

    search = page.get_by_role("searchbox", name="Rechercher la structure destinataire")
    search.fill("z")  # the API's refusal of a one-letter search, beside the search field
    page.get_by_role("button", name="Rechercher", exact=True).click()
    page.locator(".portal-structure-search .fr-error-text").wait_for()
    assert "deux lettres" in page.locator(".portal-structure-search .fr-error-text").inner_text()

    search.fill(PUBLIC_WORD)
    page.get_by_role("button", name="Rechercher", exact=True).click()
    results = page.get_by_role("group", name="Résultats de la recherche")
    results.wait_for()
    shown = results.locator(".fr-radio-group label").evaluate_all(
        "labels => labels.map(l => l.firstChild.textContent.trim())"
    )
    assert shown == expected
    axe(page, "the structure search's results")
    screenshot(page, "creation-recherche-structure")

    # « Vider »: the search, its results and the choice go.
    results.locator("label", has_text=PUBLIC.designation).click()
    page.get_by_role("button", name="Vider").click()
    assert search.input_value() == ""
    assert page.get_by_role("group", name="Résultats de la recherche").count() == 0
    assert page.locator("#champ-recipient_service").count() == 0

    search.fill(PUBLIC_WORD)
    search.press("Enter")  # searches; it does not submit the ticket
    results.wait_for()
    results.locator("label", has_text=PUBLIC.designation).click()
    service_select = page.locator("#champ-recipient_service")
    options = service_select.locator("option:not([value=''])").all_inner_texts()
    assert options == [s.name for s in PUBLIC.services]
    service = PUBLIC.services[0]
    service_select.select_option(service.code)
    page.locator("#champ-recipient_is_state_service").locator("label", has_text="Non").click()
    page.locator("#champ-title").fill("Calendrier des paiements")
    page.locator("#champ-description").fill("Quand payez-vous les factures reçues en fin d'année ?")
    page.get_by_role("button", name="Soumettre").click()

    text = banner(page).inner_text()
    number = int(text.split("n° ")[1].split()[0])
    status, sent = ticket(stack, "marie", number)
    assert status == 200
    assert sent["status"]["code"] == "OPEN"
    assert sent["requested_recipient"] == {"is_state_service": False, "siret": PUBLIC.siret, "service": service.code}
    assert sent["recipient"]["id"] == PUBLIC.siret
    assert sent["recipient"]["service"]["code"] == service.code
    assert PUBLIC.designation in text


def test_more_results_follow_the_directorys_cursor(stack: Stack, page: Page) -> None:
    # The directory's real pages, one structure each (the demo has fewer than a page of 10).
    page.route("**/api/structures?*", lambda route: route.continue_(url=route.request.url + "&size=1"))
    status, found, _ = stack.http("GET", f"/structures?{urlencode({'name': PUBLIC_WORD})}", user="marie")
    assert status == 200
    expected = [s["designation"] for s in found["structures"]]
    assert len(expected) > 1
    category, sub = pair(stack, "QUESTION_ENTITE_PUBLIQUE")
    new_form(page, stack)
    choose_pair(page, category, sub)
    page.get_by_role("searchbox", name="Rechercher la structure destinataire").fill(PUBLIC_WORD)
    page.get_by_role("button", name="Rechercher", exact=True).click()
    results = page.get_by_role("group", name="Résultats de la recherche")
    results.wait_for()
    for shown in range(1, len(expected)):
        assert results.locator(".fr-radio-group").count() == shown
        assert f"{shown} structure" in page.locator(".portal-structure-search [role=status]").inner_text()
        page.get_by_role("button", name="Afficher plus de résultats").click()
        results.locator(".fr-radio-group").nth(shown).wait_for()
    labels = results.locator(".fr-radio-group label").evaluate_all(
        "labels => labels.map(l => l.firstChild.textContent.trim())"
    )
    assert labels == expected


def test_a_reopened_public_entity_draft_shows_its_structure_and_services(stack: Stack, page: Page) -> None:
    category, sub = pair(stack, "QUESTION_ENTITE_PUBLIQUE")
    service = PUBLIC.services[-1]
    body = {
        "category": category["code"],
        "subcategory": sub["code"],
        "emitter_siret": DUPONT.siret,
        "recipient_siret": PUBLIC.siret,
        "recipient_service": service.code,
        "recipient_is_state_service": True,
    }
    status, made, _ = stack.http("POST", "/tickets", user="marie", body=body)
    assert status == 201, made
    number = made["number"]
    sign_in(page, stack, "marie")
    api = f"{stack.url}/api"
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url[len(api) :]) if r.url.startswith(api) else None)
    page.evaluate(f"() => {{ window.location.hash = '#/tickets/{number}/modifier'; }}")
    service_select = page.locator("#champ-recipient_service")
    service_select.wait_for()
    assert sorted(asked) == ["/catalogue", f"/structures?siret={PUBLIC.siret}", f"/tickets/{number}"]
    assert f"{PUBLIC.designation} – SIRET {PUBLIC.siret}" in page.locator(".portal-structure-search").inner_text()
    assert service_select.input_value() == service.code
    assert service_select.locator("option:not([value=''])").all_inner_texts() == [s.name for s in PUBLIC.services]
    assert page.locator("#champ-recipient_is_state_service input[value=true]").is_checked()


def test_a_missing_public_entity_is_refused_beside_the_search(stack: Stack, page: Page) -> None:
    category, sub = pair(stack, "QUESTION_ENTITE_PUBLIQUE")
    new_form(page, stack)
    choose_pair(page, category, sub)
    page.locator("#champ-title").fill("Sans destinataire")
    page.locator("#champ-description").fill("Le destinataire n'est pas choisi.")
    page.get_by_role("button", name="Soumettre").click()
    page.get_by_role("alert").wait_for()
    assert beside(page, "champ-recipient_is_state_service-0") == api_messages.RECIPIENT_STATE_FLAG_REQUIRED
    search = page.get_by_role("searchbox", name="Rechercher la structure destinataire")
    assert beside(page, str(search.get_attribute("id"))) == api_messages.RECIPIENT_SIRET_REQUIRED
    axe(page, "the public entity's block refused")
    screenshot(page, "creation-destinataire-refuse")


def test_deleting_a_draft_and_quitting_without_saving_are_confirmed(stack: Stack, page: Page) -> None:
    status, made, _ = stack.http(
        "POST", "/tickets", user="marie", body={"emitter_siret": DUPONT.siret, "title": "Brouillon à supprimer"}
    )
    assert status == 201, made
    number = made["number"]
    sign_in(page, stack, "marie", fragment=f"/tickets/{number}/modifier")
    page.locator("#champ-title").wait_for()

    # « Supprimer le brouillon », then « Annuler »: the modal closes, the focus is back on its button, nothing gone.
    delete = page.locator("#bouton-supprimer")
    delete.click()
    dialog = page.get_by_role("dialog", name="Supprimer le brouillon ?")
    opened(page, dialog)
    assert f"Le brouillon n° {number} sera supprimé" in dialog.inner_text()
    axe(page, "the draft deletion's modal")
    screenshot(page, "brouillon-supprimer-modale", full_page=False)
    dialog.get_by_role("button", name="Annuler").click()
    dialog.wait_for(state="hidden")
    page.wait_for_function("() => document.activeElement?.id === 'bouton-supprimer'")
    assert ticket(stack, "marie", number)[0] == 200

    delete.click()
    dialog.wait_for()
    dialog.get_by_role("button", name="Supprimer le brouillon").click()
    assert f"Le brouillon n° {number} a été supprimé" in banner(page).inner_text()
    assert ticket(stack, "marie", number)[0] == 404
    settled(page)
    assert page.locator(f"#brouillons-table tbody tr[data-row-key='{number}']").count() == 0

    # « Quitter sans enregistrer » on a new form: confirmed, nothing stored.
    before = drafts(stack, "marie")
    page.get_by_role("link", name="Créer un ticket").first.click()
    page.locator("#champ-title").fill("Jamais enregistré")
    page.get_by_role("button", name="Quitter sans enregistrer").click()
    quit_dialog = page.get_by_role("dialog", name="Quitter sans enregistrer ?")
    opened(page, quit_dialog)
    axe(page, "the quit modal")
    screenshot(page, "creation-quitter-modale", full_page=False)
    quit_dialog.get_by_role("button", name="Quitter sans enregistrer").click()
    assert "aucun ticket n'a été enregistré" in banner(page).inner_text()
    # The modal went with the form: the page scrolls again (the DSFR's lock released).
    page.wait_for_function("() => !document.documentElement.hasAttribute('data-fr-scrolling')")
    assert page.get_by_role("heading", level=1).inner_text() == HOME_TITLE
    assert drafts(stack, "marie") == before


def test_a_save_whose_answer_is_lost_is_sent_again_with_the_same_key(stack: Stack, page: Page) -> None:
    keys: list[str] = []
    lost = {"once": True}

    def lose_the_first_answer(route: Route, request: Request) -> None:
        if request.method != "POST":
            route.continue_()
            return
        keys.append(request.headers.get("idempotency-key", ""))
        answer = route.fetch()  # the API does the work…
        if lost["once"]:
            lost["once"] = False
            route.abort("connectionreset")  # …and its answer never reaches the browser
        else:
            route.fulfill(response=answer)

    before = drafts(stack, "julie")
    page.route("**/api/tickets", lose_the_first_answer)
    new_form(page, stack, "julie")
    page.locator("#champ-title").fill("Réseau coupé")
    page.get_by_role("button", name="Enregistrer et quitter").click()
    page.get_by_role("alert").wait_for()
    assert "Le service ne répond pas" in page.get_by_role("alert").inner_text()
    page.get_by_role("button", name="Enregistrer et quitter").click()

    text = banner(page).inner_text()
    created = set(drafts(stack, "julie")) - set(before)
    assert len(created) == 1, created  # one draft, though the API was asked twice
    (number,) = created
    assert f"n° {number}" in text
    assert len(keys) == 2 and keys[0] == keys[1] and keys[0] != ""

    # Another intent (a new form, the same title): a new key.
    page.get_by_role("link", name="Créer un ticket").first.click()
    page.locator("#champ-title").fill("Réseau coupé")
    page.get_by_role("button", name="Enregistrer et quitter").click()
    banner(page)
    assert len(keys) == 3 and keys[2] not in keys[:2]


def keyboard_choose(page: Page, select_id: str, label: str) -> None:
    """Move through a focused select's options with the arrows until `label` is chosen."""
    assert focused_id(page) == select_id
    for _ in range(30):
        current = page.evaluate(f"() => document.getElementById('{select_id}').selectedOptions[0]?.text")
        if current == label:
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"{label!r} cannot be chosen with the arrows in #{select_id}")


def tab_to(page: Page, check: str, what: str, limit: int = 40) -> None:
    """Tab until the focused element satisfies `check` (a JavaScript expression on `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!el && ({check}); }}"):
            return
    pytest.fail(f"{what} cannot be reached with Tab")


def test_the_creation_journey_with_the_keyboard_alone(stack: Stack, page: Page) -> None:
    category, sub = pair(stack, "QUESTION_ENTITE_PUBLIQUE")
    sign_in(page, stack, "paul")
    settled(page)
    tab_to(page, "el.id === 'creer-ticket'", "« Créer un ticket »")
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1, name="Créer un ticket").wait_for()
    page.locator("#champ-category").wait_for()

    tab_to(page, "el.id === 'champ-category'", "the category")
    keyboard_choose(page, "champ-category", category["label"])
    tab_to(page, "el.id === 'champ-subcategory'", "the sub-category")
    keyboard_choose(page, "champ-subcategory", sub["label"])
    # Paul files for one of his two structures: the emitter is his to choose.
    tab_to(page, "el.id === 'champ-emitter_siret'", "the emitter structure")
    emitter = next(s for s in demo.STRUCTURES if s.siret == demo.USERS_BY_ALIAS["paul"].memberships[1][0])
    keyboard_choose(page, "champ-emitter_siret", f"{emitter.siret} – {emitter.designation}")
    # « Le destinataire est-il un service de l'État ? »: Tab to the radios, the arrows choose.
    tab_to(page, "el.name === 'recipient_is_state_service'", "the state-service question")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("() => document.activeElement.checked && document.activeElement.value") == "true"
    tab_to(page, "el.type === 'search'", "the structure search")
    page.keyboard.type(PUBLIC_WORD)
    page.keyboard.press("Enter")
    page.get_by_role("group", name="Résultats de la recherche").wait_for()
    tab_to(page, "el.name === 'recipient_siret'", "the first result")
    for _ in range(10):  # the arrows move among the results and choose the one focused
        label = page.evaluate("() => document.activeElement.labels[0].firstChild.textContent")
        if label.strip() == PUBLIC.designation:
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    tab_to(page, "el.id === 'champ-recipient_service'", "the recipient's service")
    keyboard_choose(page, "champ-recipient_service", PUBLIC.services[-1].name)
    tab_to(page, "el.id === 'champ-title'", "the title")
    page.keyboard.type("Saisi au clavier")
    page.keyboard.press("Tab")
    assert focused_id(page) == "champ-description"
    page.keyboard.type("Toute la saisie s'est faite au clavier.")
    tab_to(page, "el.id === 'bouton-soumettre'", "« Soumettre »")
    page.keyboard.press("Enter")

    text = banner(page).inner_text()
    assert focused_id(page) == BANNER[1:]
    number = int(text.split("n° ")[1].split()[0])
    status, sent = ticket(stack, "paul", number)
    assert status == 200
    assert sent["status"]["code"] == "OPEN"
    assert sent["emitter"]["siret"] == emitter.siret
    assert sent["requested_recipient"] == {
        "is_state_service": True,
        "siret": PUBLIC.siret,
        "service": PUBLIC.services[-1].code,
    }


@pytest.mark.parametrize("width", [320, 640])
def test_the_form_reflows_at_320_px_and_at_200_percent_zoom(stack: Stack, context: BrowserContext, width: int) -> None:
    # 200 % zoom of a 1280 px window is a 640 CSS px viewport; 320 px is WCAG's reflow width (1280 at 400 %).
    category, sub = pair(stack, "QUESTION_ENTITE_PUBLIQUE")
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 800})
    new_form(page, stack)
    choose_pair(page, category, sub)
    page.get_by_role("searchbox", name="Rechercher la structure destinataire").fill(PUBLIC_WORD)
    page.get_by_role("button", name="Rechercher", exact=True).click()
    page.get_by_role("group", name="Résultats de la recherche").locator("label", has_text=PUBLIC.designation).click()
    page.get_by_role("button", name="Soumettre").click()
    page.get_by_role("alert").wait_for()
    assert horizontal_overflow(page) == 0
    axe(page, f"the refused form at {width} px")
    screenshot(page, f"creation-{width}px")
    page.get_by_role("button", name="Quitter sans enregistrer").click()
    opened(page, page.get_by_role("dialog", name="Quitter sans enregistrer ?"))
    assert horizontal_overflow(page) == 0
    screenshot(page, f"creation-quitter-{width}px", full_page=False)
