"""Helpers of the browser tests: launching Debian's Chromium, signing in through the portal's own form, axe-core
(WCAG 2.1 A and AA rules) with its violations printed, screenshots kept for the docs, page width checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from local_stack import demo
from tests.e2e.stack import Stack
from tests.support import ROOT

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, ConsoleMessage, Page

CHROMIUM = Path("/usr/bin/chromium")
DIST = ROOT / "web" / "dist"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).parent / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=fr-FR",  # the browser's own labels (the file field's button) in French, as a French user sees them
]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
HOME_TITLE = "Accueil portail de support"
# The largest CSV export the browser tests' stack answers inline (the template's is 1 MiB): a tab of the 300 seeded
# tickets is larger, so its CSV comes through the storage's link as a large export does (test_portal_exports.py); a
# structure's few tickets (test_dashboard.py) and a narrow search stay inline.
EXPORT_INLINE_MAX_BYTES = 16 * 1024


def watch(page: Page) -> list[str]:
    """The page's JavaScript errors and console errors (CSP violations among them), as they happen."""
    problems: list[str] = []

    def console(message: ConsoleMessage) -> None:
        # A refused request (a wrong password's 400, a 401) is logged by the browser: the test checks the answer.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    return problems


def open_portal(page: Page, stack: Stack, fragment: str = "/") -> None:
    page.goto(f"{stack.url}/#{fragment}")


def sign_in(page: Page, stack: Stack, alias: str, password: str = demo.DEMO_PASSWORD, fragment: str = "/") -> None:
    """Through the portal's sign-in form, as a person does; waits for the screen asked for."""
    open_portal(page, stack, fragment)
    fill_sign_in(page, demo.USERS_BY_ALIAS[alias].email, password)
    page.get_by_role("heading", level=1).filter(has_not_text="Connexion").wait_for()
    settled(page)


def settled(page: Page) -> None:
    """Wait until the screen has its data: no « Chargement… » left (the account, the lists)."""
    page.wait_for_function("() => document.querySelector('.portal-loading') === null")


def list_ready(page: Page, results: str = "#liste-resultats") -> None:
    """Wait until a list screen shows the page its URL asks for (not the previous one while the next is on its
    way)."""
    page.wait_for_function(
        """(results) => document.querySelector(`${results}[data-pret='true']`) !== null
            || document.querySelector('main .fr-alert--error') !== null""",
        arg=results,
    )
    refused = page.locator("main .fr-alert--error")
    assert refused.count() == 0, f"the list was refused: {refused.first.inner_text()}"
    settled(page)


def be_patient(context: BrowserContext) -> None:
    """A busy shared machine: the first pages of a fresh stack outlast Playwright's default 15 s."""
    context.set_default_navigation_timeout(60_000)
    context.set_default_timeout(30_000)


def fill_sign_in(page: Page, email: str, password: str) -> None:
    page.get_by_role("heading", name="Connexion au portail de support").wait_for()
    page.get_by_label("Adresse électronique").fill(email)
    page.locator("input[type=password]").fill(password)
    page.get_by_role("button", name="Se connecter", exact=True).click()


def session_tokens(page: Page) -> dict[str, str]:
    """What the tab keeps of the session (sessionStorage): the user pool client's tokens, by kind."""
    stored: dict[str, str] = page.evaluate("() => Object.fromEntries(Object.entries(sessionStorage))")
    return {
        key.rsplit(".", 1)[1]: value
        for key, value in stored.items()
        if key.startswith("CognitoIdentityServiceProvider.")
    }


def axe(page: Page, what: str) -> None:
    """axe-core's WCAG 2.1 A and AA rules on the page as it is: no violation (each printed if any)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Through DevTools, not a <script> tag: the portal's CSP (rightly) refuses inline scripts.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result: dict[str, Any] = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_21_AA,
    )
    violations = [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
            "summary": v["nodes"][0].get("failureSummary", "") if v["nodes"] else "",
        }
        for v in result["violations"]
    ]
    assert violations == [], f"axe-core on {what}:\n" + json.dumps(violations, ensure_ascii=False, indent=2)


def screenshot(page: Page, name: str, full_page: bool = True) -> Path:
    """A PNG in tests/browser/screenshots/ (gitignored; the docs commit the chosen ones)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def cognito(stack: Stack, operation: str, body: dict[str, Any]) -> dict[str, Any]:
    """One call of Cognito's JSON API at the stack's endpoint (the portal's), its error as its body."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        stack.url + "/_local/cognito",
        data=json.dumps(body).encode(),
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            answer: dict[str, Any] = json.loads(reply.read() or b"{}")
    except urllib.error.HTTPError as error:
        answer = json.loads(error.read() or b"{}")
    return answer


def client_id(stack: Stack) -> str:
    return str(json.loads(stack.state.read_text())["client_id"])


def horizontal_overflow(page: Page) -> int:
    """By how many CSS pixels the page is wider than the window (0: no horizontal scrolling)."""
    width: int = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    return width
