"""How the portal loads (issue 21 point 7), in Chromium: the first paint waits for the shell only (one script, one
style sheet, the settings preloaded and read once); the fonts and the DSFR's JavaScript are fetched once the first
screen is painted with its data, and then arrive and work; the DSFR's spacing utilities the screens use survive the
build's pruning; a screen whose code cannot be loaded says so in French and offers to reload. The figures (weights,
Lighthouse scores) are make bench-web's (docs/benchmarks.md), not these tests'."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tests.browser.portal import DIST, HOME_TITLE, axe, open_portal, settled, sign_in
from tests.e2e.stack import Stack
from tests.support import ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request, Route

SIGN_IN_TITLE = "Connexion au portail de support"

# When the first screen's heading is put into the page (performance.now()), seen by an observer the test adds
# before any of the portal's scripts runs.
FIRST_HEADING = """
new MutationObserver((_, observer) => {
  if (document.querySelector('main h1')) {
    window.__firstHeading = performance.now();
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""

# Every class of the page named like a DSFR spacing utility (fr-mt-3w, fr-px-md-2v…), and whether a rule of the
# page's style sheets selects it.
SPACING_STYLED = """
() => {
  const selectors = [];
  const walk = (rules) => {
    for (const rule of rules) {
      if (rule.selectorText) selectors.push(rule.selectorText);
      if (rule.cssRules) walk(rule.cssRules);
    }
  };
  for (const sheet of document.styleSheets) walk(sheet.cssRules);
  const used = new Set();
  for (const element of document.querySelectorAll('[class]'))
    for (const name of element.classList) if (/^fr-[mp][tblrxy]?-[\\w-]+$/.test(name)) used.add(name);
  return [...used].map((name) => [name, selectors.some((s) => s.split(',').some((one) => one.trim() === '.' + name))]);
}
"""


def requests_of(page: Page) -> list[str]:
    """The paths the page asks for, in order (data: URIs left out)."""
    asked: list[str] = []

    def seen(request: Request) -> None:
        if not request.url.startswith("data:"):
            asked.append(re.sub(r"^https?://[^/]+", "", request.url))

    page.on("request", seen)
    return asked


def test_index_html_makes_the_browser_fetch_the_shell_and_the_settings_only() -> None:
    html = (DIST / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r'<script\b[^>]*\bsrc="([^"]+)"', html)
    styles = re.findall(r'<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"', html)
    preloads = re.findall(r'<link\b[^>]*\brel="(?:preload|modulepreload)"[^>]*\bhref="([^"]+)"', html)
    assert len(scripts) == 1 and scripts[0].startswith("/assets/index-")
    assert len(styles) == 1 and styles[0].startswith("/assets/index-")
    assert "/config.json" in preloads
    # Besides the settings, only chunks of the shell's own script (the bundler may split modules it shares with the
    # screens): no font, no DSFR script, no screen before the first paint.
    screens = {p.stem for p in (ROOT / "web" / "src" / "screens").glob("*.tsx")}
    for href in preloads:
        assert href == "/config.json" or (href.endswith(".js") and not href.startswith("/assets/dsfr-")), href
        assert re.sub(r"-[\w-]{8}\.js$", "", href.rsplit("/", 1)[1]) not in screens, href
    assert "<script>" not in html and " style=" not in html  # nothing inline: the CSP allows neither


def test_the_fonts_and_the_dsfrs_script_come_after_the_first_screen_and_then_work(stack: Stack, page: Page) -> None:
    asked = requests_of(page)
    page.add_init_script(FIRST_HEADING)
    open_portal(page, stack, "/")
    page.get_by_role("heading", level=1, name=SIGN_IN_TITLE).wait_for()
    # Then they arrive: Marianne regular and bold set the page's text, and the DSFR's JavaScript is started.
    page.wait_for_function(
        "() => ['400', '700'].every((w) => [...document.fonts].some("
        "(f) => f.family.replace(/\"/g, '') === 'Marianne' && f.weight === w && f.status === 'loaded'))"
    )
    page.wait_for_function("() => typeof window.dsfr === 'function'")

    heading_at: float = page.evaluate("() => window.__firstHeading")
    fetched: list[dict[str, Any]] = page.evaluate(
        "() => performance.getEntriesByType('resource').map((e) => ({name: e.name, start: e.startTime}))"
    )
    later = [e for e in fetched if re.search(r"/assets/(Marianne-|fonts-|dsfr-)", e["name"])]
    assert {re.sub(r"-[\w-]{8}\.(woff2|css|js)$", "", e["name"].rsplit("/", 1)[1]) for e in later} >= {
        "fonts",
        "Marianne-Regular",
        "Marianne-Bold",
        "dsfr",
    }
    assert all(e["start"] >= heading_at for e in later), (heading_at, later)
    # The style sheet index.html links (the first paint's) declares no font: the fonts' sheet does, later.
    faces: list[int] = page.evaluate(
        "() => [...document.styleSheets].map((s) => [...s.cssRules].filter((r) => r instanceof CSSFontFaceRule).length)"
    )
    assert faces[0] == 0 and sum(faces) >= 4
    # The settings are asked for once: the script's fetch is handed the answer index.html preloaded.
    assert asked.count("/config.json") == 1
    # The password field's « Afficher » is the DSFR's JavaScript at work.
    password = page.locator("input.fr-password__input")
    assert password.get_attribute("type") == "password"
    page.get_by_text("Afficher", exact=True).click()  # its label, as a person does
    page.wait_for_function("() => document.querySelector('input.fr-password__input').type === 'text'")


def test_on_a_screen_with_data_they_come_after_its_api_answers(stack: Stack, page: Page) -> None:
    sign_in(page, stack, "marie")
    page.reload()  # the session kept in the tab: the home, its account and its lists read at load
    page.get_by_role("heading", level=1, name=HOME_TITLE).wait_for()
    settled(page)
    page.wait_for_function("() => typeof window.dsfr === 'function'")
    fetched: list[dict[str, Any]] = page.evaluate(
        "() => performance.getEntriesByType('resource')"
        ".map((e) => ({name: e.name, start: e.startTime, end: e.responseEnd}))"
    )
    answers = [e for e in fetched if "/api/" in e["name"]]
    later = [e for e in fetched if re.search(r"/assets/(fonts-|dsfr-)", e["name"])]
    assert len(answers) == 3 and len(later) == 2, fetched  # /me and the two lists; the fonts' sheet, the DSFR
    assert min(e["start"] for e in later) >= max(e["end"] for e in answers), fetched


def test_the_spacing_utilities_the_screens_use_are_in_their_style_sheets(stack: Stack, page: Page) -> None:
    open_portal(page, stack, "/")
    page.get_by_role("heading", level=1, name=SIGN_IN_TITLE).wait_for()
    checked: list[list[Any]] = page.evaluate(SPACING_STYLED)
    sign_in(page, stack, "marie")
    assert page.get_by_role("heading", level=1).inner_text() == HOME_TITLE
    checked += page.evaluate(SPACING_STYLED)
    assert checked  # the two screens use some: the test would prove nothing otherwise
    assert [name for name, styled in checked if not styled] == []


def test_a_screen_whose_code_cannot_be_loaded_says_so_and_a_reload_brings_it(stack: Stack, page: Page) -> None:
    def refuse(route: Route) -> None:
        route.abort()

    page.route(re.compile(r"/assets/signin-[\w-]+\.js$"), refuse)
    open_portal(page, stack, "/")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "Cet écran n'a pas pu être chargé" in alert.inner_text()
    assert "Vérifiez votre connexion, puis rechargez la page." in alert.inner_text()
    axe(page, "a screen that could not be loaded")

    page.unroute(re.compile(r"/assets/signin-[\w-]+\.js$"))
    page.get_by_role("button", name="Recharger la page").click()
    page.get_by_role("heading", level=1, name=SIGN_IN_TITLE).wait_for()
    settled(page)
