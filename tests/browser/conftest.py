"""The portal in a real browser: Debian's Chromium (/usr/bin/chromium, launched by its path; no browser is ever
downloaded) driven by Playwright, against a local stack with its demo data serving the built portal (web/dist).

Missing Chromium, Playwright or the build skips these tests with the reason, except in CI (CI set), where it
fails them: a CI run must not go green without its browser tests.

Each page is watched: a JavaScript error or a console error (a Content-Security-Policy violation is one) fails
the test that caused it; a failed HTTP answer (a refused password's 400, a 401) is not an error of the page.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest

from tests.browser.portal import AXE, CHROMIUM, DIST, EXPORT_INLINE_MAX_BYTES, LAUNCH_ARGS, watch
from tests.e2e.stack import Stack, start_stack

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.enable_socket)


STATE_OF_PAGE = """() => ({
    url: location.href,
    title: document.title,
    loading: document.querySelectorAll('.portal-loading').length,
    results: [...document.querySelectorAll('.portal-results')].map((r) => `${r.id}: pret=${r.dataset.pret}`),
    alerts: [...document.querySelectorAll('.fr-alert')].map((a) => a.innerText.slice(0, 300)),
    dialogs: [...document.querySelectorAll('dialog[open], .fr-modal--opened')].map((d) => d.id),
})"""


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A browser test that fails says what each of its pages showed then (address, loading, lists' readiness,
    alerts, open dialogs) and leaves a screenshot of each in screenshots/failures/: a failure on CI's machine can
    be read afterwards."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    browser = cast("Browser | None", item.funcargs.get("browser") if isinstance(item, pytest.Function) else None)
    if report.when != "call" or not report.failed or browser is None:
        return
    failures = HERE / "screenshots" / "failures"
    failures.mkdir(parents=True, exist_ok=True)
    lines = []
    for c, opened in enumerate(browser.contexts):
        for p, shown in enumerate(opened.pages):
            try:
                lines.append(f"context {c} page {p}: {shown.evaluate(STATE_OF_PAGE)}")
                shown.screenshot(path=str(failures / f"{item.name[:80]}-{c}-{p}.png"), timeout=5_000)
            except Exception as error:  # a diagnosis must not hide the failure it explains
                lines.append(f"context {c} page {p}: not readable ({error})")
    report.sections.append(("the pages when the test failed", "\n".join(lines)))


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (requirements-dev.txt: playwright)"
    if not CHROMIUM.is_file():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
    if not (DIST / "index.html").is_file():
        return "the portal is not built (make web)"
    if not AXE.is_file():
        return "axe-core is not installed (make web: npm ci in web/)"
    return None


@pytest.fixture(scope="session")
def portal_ready() -> None:
    reason = _missing()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def stack(portal_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    started = start_stack(tmp_path_factory.mktemp("browser"), "--export-inline-max-bytes", str(EXPORT_INLINE_MAX_BYTES))
    yield started
    started.process.terminate()
    started.process.wait(timeout=30)


@pytest.fixture(scope="session")
def browser(portal_ready: None) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    opened = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 900})
    opened.set_default_timeout(30_000)  # a shared machine under load (CI's two cores) answers slowly, not wrongly
    yield opened
    opened.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    opened = context.new_page()
    problems = watch(opened)
    yield opened
    assert problems == [], f"the page reported errors: {problems}"
