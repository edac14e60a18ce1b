"""The portal's shell in Chromium: sign-in through the user pool (SRP, checked by the local stack), the home
of seed 001 filled from the API, sign-out, a refused password, the end of a session, accessibility (axe-core,
WCAG 2.1 AA), 320 px and 200 % zoom without horizontal scrolling, the keyboard alone.

Expected rows come from the API itself (the same list routes, called here with the user's token), never from
numbers written in the test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from local_stack import demo
from tests.browser.portal import (
    HOME_TITLE,
    axe,
    client_id,
    cognito,
    fill_sign_in,
    horizontal_overflow,
    open_portal,
    screenshot,
    session_tokens,
    settled,
    sign_in,
)
from tests.e2e.stack import Stack

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

WRONG_PASSWORD = "Adresse électronique ou mot de passe incorrect."
SESSION_ENDED = "Votre session a pris fin. Reconnectez-vous pour continuer."
SIGNED_OUT = "Vous êtes déconnecté(e)."


def listed(stack: Stack, alias: str, side: str, tab: str) -> list[int]:
    """The numbers the list route gives the user (the home's first page: 10 rows)."""
    status, page, _ = stack.http("GET", f"/tickets?side={side}&tab={tab}&size=10", user=alias)
    assert status == 200, page
    return [row["number"] for row in page["items"]]


def shown(page: Page, table_id: str) -> list[int]:
    return [int(text) for text in page.locator(f"#{table_id} tbody th[scope=row] a").all_inner_texts() if text]


def row_numbers(page: Page, table_id: str) -> list[int]:
    """The numbers of a table's rows as a person reads them (the link's visible text, without the sr-only part)."""
    texts = page.locator(f"#{table_id} tbody tr").evaluate_all("rows => rows.map(r => r.dataset.rowKey)")
    return [int(t) for t in texts]


def test_signing_in_shows_the_home_with_the_users_drafts_and_tickets_then_signing_out(stack: Stack, page: Page) -> None:
    drafts = listed(stack, "marie", "EMITTER", "DRAFTS")
    emitted = listed(stack, "marie", "EMITTER", "ONGOING")
    assert drafts and emitted  # the demo data gives Marie both: the test would prove nothing otherwise

    sign_in(page, stack, "marie")

    assert page.get_by_role("heading", level=1).inner_text() == HOME_TITLE
    assert page.title() == f"{HOME_TITLE} – Portail de support Chorus Pro"
    assert page.get_by_role("link", name="Créer un ticket").first.is_visible()
    assert row_numbers(page, "brouillons-table") == drafts
    assert row_numbers(page, "emis-table") == emitted
    assert page.locator("#recus").count() == 0  # a private structure receives no tickets
    header = page.locator("header")
    assert header.get_by_text(demo.USERS_BY_ALIAS["marie"].name).first.is_visible()
    first = emitted[0]
    assert page.locator(f"#emis-table tbody tr[data-row-key='{first}'] a").get_attribute("href") == f"#/tickets/{first}"
    screenshot(page, "accueil")
    refresh = session_tokens(page)["refreshToken"]

    page.get_by_role("button", name="Se déconnecter").first.click()

    page.get_by_text(SIGNED_OUT).wait_for()
    assert page.get_by_role("heading", level=1).inner_text() == "Connexion au portail de support"
    assert session_tokens(page) == {}
    open_portal(page, stack, "/")  # the home again: it asks to sign in
    page.get_by_role("heading", name="Connexion au portail de support").wait_for()
    # The refresh token was revoked at sign-out: it opens nothing any more.
    assert refresh_refused(stack, refresh)


def refresh_refused(stack: Stack, refresh_token: str) -> bool:
    flow = {
        "AuthFlow": "REFRESH_TOKEN_AUTH",
        "ClientId": client_id(stack),
        "AuthParameters": {"REFRESH_TOKEN": refresh_token},
    }
    return cognito(stack, "InitiateAuth", flow).get("__type") == "NotAuthorizedException"


def test_the_shell_follows_me_an_agent_sees_received_tickets_and_no_creation(stack: Stack, page: Page) -> None:
    received = listed(stack, "sophie", "RECIPIENT", "ONGOING")
    assert received

    sign_in(page, stack, "sophie")

    assert row_numbers(page, "recus-table") == received
    assert page.locator("#brouillons, #emis, #creer-ticket").count() == 0  # a team files no ticket
    assert page.get_by_role("navigation", name="Menu principal").get_by_text("Créer un ticket").count() == 0
    screenshot(page, "accueil-agent")
    axe(page, "the home of a support agent")


def test_a_wrong_password_gets_the_french_message_and_no_session(stack: Stack, page: Page) -> None:
    open_portal(page, stack, "/")
    fill_sign_in(page, demo.USERS_BY_ALIAS["marie"].email, demo.DEMO_PASSWORD + "-faux")

    alert = page.get_by_role("alert")
    alert.wait_for()
    assert alert.inner_text().strip() == WRONG_PASSWORD
    assert session_tokens(page) == {}
    assert page.get_by_role("heading", level=1).inner_text() == "Connexion au portail de support"
    screenshot(page, "connexion-refusee")
    axe(page, "the sign-in with its refusal")

    # An unknown address gets the very same answer.
    fill_sign_in(page, "personne@nulle-part.example", demo.DEMO_PASSWORD)
    page.wait_for_function("() => !document.querySelector('#bouton-se-connecter').disabled")
    assert page.get_by_role("alert").inner_text().strip() == WRONG_PASSWORD


def test_empty_fields_are_named_beside_them_before_any_call(stack: Stack, page: Page) -> None:
    calls: list[str] = []
    page.on("request", lambda r: calls.append(r.url) if "/_local/cognito" in r.url else None)
    open_portal(page, stack, "/")
    page.get_by_role("heading", name="Connexion au portail de support").wait_for()
    page.get_by_role("button", name="Se connecter", exact=True).click()

    email = page.get_by_label("Adresse électronique")
    described = email.get_attribute("aria-describedby") or ""
    error_id = next(i for i in described.split() if i.endswith("-erreur"))
    assert page.locator(f"#{error_id}").inner_text() == "Saisissez votre adresse électronique."
    assert email.get_attribute("aria-invalid") == "true"
    password = page.locator("input[type=password]")
    assert (
        page.locator(f"#{password.get_attribute('aria-describedby')}").inner_text() == "Saisissez votre mot de passe."
    )
    assert calls == []
    axe(page, "the sign-in with its field errors")


def test_sign_in_and_home_pass_axe(stack: Stack, page: Page) -> None:
    open_portal(page, stack, "/")
    page.get_by_role("heading", name="Connexion au portail de support").wait_for()
    screenshot(page, "connexion")
    axe(page, "the sign-in")
    fill_sign_in(page, demo.USERS_BY_ALIAS["claire"].email, demo.DEMO_PASSWORD)
    page.get_by_role("heading", name=HOME_TITLE).wait_for()
    settled(page)
    axe(page, "the home of a public structure's manager")


@pytest.mark.parametrize("width", [320, 640])
def test_no_horizontal_scrolling_at_320_px_and_at_200_percent_zoom(
    stack: Stack, context: BrowserContext, width: int
) -> None:
    # 200 % zoom of a 1280 px window is a 640 CSS px viewport; 320 px is WCAG's reflow width (1280 at 400 %).
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 800})
    open_portal(page, stack, "/")
    page.get_by_role("heading", name="Connexion au portail de support").wait_for()
    assert horizontal_overflow(page) == 0
    fill_sign_in(page, demo.USERS_BY_ALIAS["claire"].email, demo.DEMO_PASSWORD)
    page.get_by_role("heading", name=HOME_TITLE).wait_for()
    settled(page)
    assert horizontal_overflow(page) == 0
    screenshot(page, f"accueil-{width}px")
    # The navigation is behind « Menu » on a small screen, and opens as the DSFR's modal.
    page.get_by_role("button", name="Menu").click()
    page.locator("#menu-principal").get_by_role("button", name="Se déconnecter").wait_for()
    axe(page, f"the menu open at {width} px")
    screenshot(page, f"menu-{width}px", full_page=False)


def test_signing_in_with_the_keyboard_alone(stack: Stack, page: Page) -> None:
    open_portal(page, stack, "/")
    page.get_by_role("heading", name="Connexion au portail de support").wait_for()
    email = demo.USERS_BY_ALIAS["marie"].email
    for _ in range(40):  # Tab from the top of the page to the address field
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement?.id") == "adresse-electronique":
            break
    else:
        pytest.fail("the address field cannot be reached with Tab")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement?.type") == "password"
    page.keyboard.type(demo.DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=HOME_TITLE).wait_for()
    # The first Tab after the screen changed starts from the content, then the skip link is one Shift+Tab away.
    assert page.evaluate("() => document.activeElement?.id") == "contenu"


def test_the_id_token_is_refreshed_before_it_expires_and_a_refused_refresh_ends_the_session(
    stack: Stack, page: Page
) -> None:
    page.clock.install()
    sign_in(page, stack, "julie")
    before = session_tokens(page)["idToken"]

    page.clock.fast_forward("56:00")  # the IdToken lives 60 minutes; the portal refreshes it 5 minutes ahead
    page.wait_for_function(
        "(old) => Object.entries(sessionStorage).some(([k, v]) => k.endsWith('.idToken') && v !== old)", arg=before
    )
    assert page.get_by_role("heading", level=1).inner_text() == HOME_TITLE

    # The refresh token revoked behind the portal's back (as by an administrator): the next refresh is refused.
    cognito(stack, "RevokeToken", {"Token": session_tokens(page)["refreshToken"], "ClientId": client_id(stack)})
    page.clock.fast_forward("56:00")
    page.get_by_text(SESSION_ENDED).wait_for()
    assert page.get_by_role("heading", level=1).inner_text() == "Connexion au portail de support"
    assert session_tokens(page) == {}
    screenshot(page, "session-terminee")


def test_a_screen_still_to_come_says_so_without_inventing_data(stack: Stack, page: Page) -> None:
    open_portal(page, stack, "/accessibilite")  # open to anyone, still to come (the tickets' lists are built)
    page.get_by_role("heading", level=1, name="Déclaration d'accessibilité").wait_for()
    assert "arrive prochainement" in page.locator("main").inner_text()
    assert page.locator("main table").count() == 0
    axe(page, "a screen still to come")


def test_the_axe_helper_reports_what_it_finds(page: Page) -> None:
    page.set_content('<html lang="fr"><head><title>t</title></head><body><main><img src="x.png"></main></body></html>')
    with pytest.raises(AssertionError, match="image-alt"):
        axe(page, "a page with an image without a text alternative")


def test_what_the_api_refuses_is_shown_as_it_comes(stack: Stack, page: Page) -> None:
    # Faults injected at the network: the drafts list refused with the API's shape, the emitted list by a proxy.
    message = "Message de l'API, montré tel quel : « onglet » inconnu."
    errors = [{"field": "tab", "message": "Onglet inconnu."}]
    refusal = {"code": "DONNEES_INVALIDES", "message": message, "errors": errors}
    page.route("**/api/tickets?*tab=DRAFTS*", lambda route: route.fulfill(status=400, json=refusal))
    page.route("**/api/tickets?*tab=ONGOING*", lambda route: route.fulfill(status=502, body="<html>Bad gateway</html>"))
    sign_in(page, stack, "marie")

    drafts = page.locator("#brouillons").get_by_role("alert")
    drafts.wait_for()
    assert message in drafts.inner_text()
    assert "Onglet inconnu." in drafts.inner_text()  # a field no input of this screen shows: listed in the alert
    emitted = page.locator("#emis").get_by_role("alert")
    assert "Le service a répondu de façon inattendue (erreur 502)" in emitted.inner_text()
    axe(page, "the home with the API's refusals")
