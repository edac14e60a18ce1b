"""Exports of a tab and of a search, and a row's PDF, in Chromium (issue 23 points 2, 3 and 9).

On the 300 tickets of tests/browser/seeded.py (seeded once per stack, shared with test_lists.py):

- « Exporter les résultats » of a tab (side, tab, sort, structure filter, « Assigné à moi ») and of a search (its
  criteria) in CSV and XLSX: the progress note while the file is made (the network slowed down), the file downloaded
  under the API's name, read back (csv, openpyxl), every row equal to the API's list for the same query, in its
  order. The browser tests' stack answers a CSV inline up to 16 KiB (tests/browser/portal.py): a tab of the seeded
  tickets is larger, so its CSV takes the large export's way (the storage's link, followed by the browser), while a
  narrow search's CSV is the answer itself; the test checks which way each took;
- each row's actions (seed 003): « Voir le ticket », « Télécharger … au format PDF » (« Options de téléchargement »:
  Non gives the PDF, its text read with pypdf; Oui the ZIP), « Supprimer » on a draft only;
- the keyboard alone (a search, its export, a row's PDF); axe-core with 0 violations on the tabs and the search with
  their buttons, an export under way and the dialog; no horizontal scrolling at 320 px, the dialog included.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import openpyxl
import pytest
from pypdf import PdfReader

from chorus_desk import messages as api_messages
from tests.browser.portal import (
    EXPORT_INLINE_MAX_BYTES,
    axe,
    be_patient,
    horizontal_overflow,
    list_ready,
    screenshot,
    settled,
    sign_in,
)
from tests.browser.seeded import DUPONT, GREL, STRUCTURES, World, api_rows, numbers, seeded_world
from tests.e2e.stack import Stack

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Download, Locator, Page, Response

SLOW = {"offline": False, "latency": 1500, "downloadThroughput": -1, "uploadThroughput": -1}
FAST = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}


@pytest.fixture(scope="module")
def world(stack: Stack) -> World:
    return seeded_world(stack)


@pytest.fixture(autouse=True)
def patient(context: BrowserContext) -> None:
    be_patient(context)


ready = list_ready


def shown(page: Page, results: str) -> list[int]:
    found: list[int] = page.locator(f"{results} tbody tr").evaluate_all(
        "rows => rows.map(r => Number(r.dataset.rowKey))"
    )
    return found


def opened(page: Page, dialog: Locator) -> None:
    """A DSFR modal open and done fading in (axe reads colours as painted)."""
    dialog.wait_for()
    dialog.evaluate("d => Promise.all(d.getAnimations({subtree: true}).map(a => a.finished))")
    page.wait_for_function("d => getComputedStyle(d).opacity === '1'", arg=dialog.element_handle())


def csv_numbers(data: bytes) -> list[int]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=";"))
    assert tuple(rows[0]) == api_messages.EXPORT_COLUMNS
    return [int(r[0]) for r in rows[1:]]


def xlsx_numbers(data: bytes) -> list[int]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert tuple(str(v) for v in values[0]) == api_messages.EXPORT_COLUMNS
    return [int(str(r[0])) for r in values[1:]]


def export(page: Page, prefix: str, fmt: str, slow: bool = False) -> tuple[Download, Response]:
    """Click « Exporter en <fmt> » of the list `prefix` (liste, recherche): the file the browser downloads and the
    API's answer to GET /tickets/export. Slowed down: the note says the file is being made and the buttons wait."""
    button = page.locator(f"#{prefix}-exporter-{fmt.lower()}")
    cdp = page.context.new_cdp_session(page)
    if slow:
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW)
    with (
        page.expect_download() as download,
        page.expect_response(lambda r: urlparse(r.url).path.endswith("/tickets/export")) as answer,
    ):
        button.click()
        if slow:
            note = page.locator(f"#{prefix}-exporter-etat")
            assert note.text_content() == f"Préparation du fichier {fmt} en cours…"
            assert page.locator(f"#{prefix}-exporter-csv").is_disabled()
            assert page.locator(f"#{prefix}-exporter-xlsx").is_disabled()
            axe(page, f"the {prefix} export under way")
            screenshot(page, f"export-{prefix}-en-cours", full_page=False)
            cdp.send("Network.emulateNetworkConditions", FAST)
    cdp.detach()
    return download.value, answer.value


def read_back(download: Download, fmt: str) -> list[int]:
    data = Path(download.path()).read_bytes()
    return csv_numbers(data) if fmt == "CSV" else xlsx_numbers(data)


def check_export(page: Page, prefix: str, fmt: str, expected: list[int], way: str, slow: bool = False) -> None:
    """The export downloaded under the API's name, its rows the API's list in its order, the way it took
    (« inline »: the CSV is the answer; « link »: the storage's link the browser followed), the note said."""
    download, answer = export(page, prefix, fmt, slow)
    kind = answer.headers.get("content-type", "")
    if way == "inline":
        assert kind.startswith("text/csv"), kind
        name = answer.headers["content-disposition"].split('filename="', 1)[1].split('"', 1)[0]
        said = f"Fichier « {name} » téléchargé."
    else:
        assert kind.startswith("application/json"), kind
        # The page follows the link at once (its body is gone with the navigation): the note says the API's name
        # and row count, the storage's Content-Disposition named the file.
        name = download.suggested_filename
        said = f"Fichier « {name} » téléchargé ({len(expected)} ticket{'s' if len(expected) > 1 else ''})."
    assert download.suggested_filename == name and name.endswith(f".{fmt.lower()}"), name
    assert read_back(download, fmt) == expected, (prefix, fmt)
    page.locator(f"#{prefix}-exporter-etat").get_by_text(said, exact=True).wait_for()
    assert page.locator(f"#{prefix}-exporter-csv").is_enabled()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


# ------------------------------------------------------------------------------------------------ the tabs
def test_a_tabs_export_holds_every_row_of_the_apis_list_in_csv_and_xlsx(stack: Stack, world: World, page: Page) -> None:
    query = {"side": "EMITTER", "tab": "ONGOING", "sort": "CATEGORY", "order": "ASC"}
    expected = numbers(api_rows(stack, "marie", "/tickets", query))
    assert len(expected) > 200  # larger than the stack's inline CSV: the large export's way
    sign_in(page, stack, "marie", fragment="/tickets?cote=emis&onglet=en-cours&tri=categorie&ordre=croissant")
    ready(page)
    assert page.get_by_role("group", name="Exporter les résultats").is_visible()
    axe(page, "a tab with its export buttons and its rows' actions")
    screenshot(page, "onglet-exporter")
    check_export(page, "liste", "CSV", expected, "link", slow=True)
    check_export(page, "liste", "XLSX", expected, "link")
    assert EXPORT_INLINE_MAX_BYTES < 1024 * 1024  # the template's own threshold is not what took this way

    # « Actions requises »: another tab, another list (the sort kept).
    page.get_by_role("tab", name="Actions requises", exact=True).click()
    ready(page)
    action = numbers(api_rows(stack, "marie", "/tickets", {**query, "tab": "ACTION"}))
    assert set(world.resolved) | set(world.awaiting) <= set(action)
    check_export(page, "liste", "XLSX", action, "link")
    axe(page, "after a tab's exports")


def test_the_structure_filter_and_assigned_to_me_are_exported_as_shown(stack: Stack, world: World, page: Page) -> None:
    # Paul emits for two structures: Les Loges du Grel's only (the structure filter).
    sign_in(page, stack, "paul", fragment=f"/tickets?cote=emis&onglet=en-cours&structure={GREL}")
    ready(page)
    assert page.locator("#filtre-structure").input_value() == GREL
    filtered = numbers(api_rows(stack, "paul", "/tickets", {"side": "EMITTER", "tab": "ONGOING", "structure": GREL}))
    everything = numbers(api_rows(stack, "paul", "/tickets", {"side": "EMITTER", "tab": "ONGOING"}))
    assert set(world.grel) <= set(filtered) and len(filtered) < len(everything)
    check_export(page, "liste", "CSV", filtered, "inline")
    check_export(page, "liste", "XLSX", filtered, "link")

    # Lucas, « Assigné à moi » ticked: his tickets only.
    page.get_by_role("button", name="Se déconnecter").first.click()
    page.wait_for_url("**/#/connexion")
    sign_in(page, stack, "lucas", fragment="/tickets?cote=recus&onglet=en-cours")
    ready(page)
    page.locator("label", has_text="Assigné à moi").click()  # the DSFR's box is drawn by its label
    ready(page)
    mine = numbers(
        api_rows(stack, "lucas", "/tickets", {"side": "RECIPIENT", "tab": "ONGOING", "assigned_to_me": "true"})
    )
    assert set(world.lucas) <= set(mine)
    check_export(page, "liste", "CSV", mine, "inline")
    check_export(page, "liste", "XLSX", mine, "link")


# ------------------------------------------------------------------------------------------------ the search
def test_a_searchs_export_holds_every_row_of_the_apis_search(stack: Stack, world: World, page: Page) -> None:
    # A narrow search: its CSV is the answer itself.
    sign_in(
        page,
        stack,
        "marie",
        fragment="/tickets/recherche?cote=emis&categorie=FACTURES_EMISES&sous-categorie=QUESTION_ENTITE_PUBLIQUE&lignes=10",
    )
    ready(page, "#recherche-resultats")
    query = {"side": "EMITTER", "category": "FACTURES_EMISES", "subcategory": "QUESTION_ENTITE_PUBLIQUE"}
    expected = numbers(api_rows(stack, "marie", "/tickets/search", query))
    assert set(world.entity) <= set(expected)
    axe(page, "the search's results with their export buttons")
    check_export(page, "recherche", "CSV", expected, "inline", slow=True)
    check_export(page, "recherche", "XLSX", expected, "link")

    # A wide one, sorted: the large export's way, in the order shown.
    page.get_by_role("button", name="Réinitialiser les filtres").click()
    page.get_by_label("Créé par").fill("Marie")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    ready(page, "#recherche-resultats")
    page.locator("#recherche-resultats thead th").filter(has_text="Saisie le").locator("button").click()
    ready(page, "#recherche-resultats")
    query = {"side": "EMITTER", "created_by_name": "Marie", "sort": "CREATED", "order": "ASC"}
    expected = numbers(api_rows(stack, "marie", "/tickets/search", query))
    assert len(expected) > 10  # more than the page shown (10 rows): the export holds every page
    assert shown(page, "#recherche-resultats") == expected[:10]
    check_export(page, "recherche", "CSV", expected, "link")
    check_export(page, "recherche", "XLSX", expected, "link")
    screenshot(page, "recherche-exporter")


# ------------------------------------------------------------------------------------------------ a row's actions
def test_a_search_rows_pdf_and_its_zip_and_each_rows_actions(stack: Stack, world: World, page: Page) -> None:
    number = world.invoices[0]
    sign_in(page, stack, "marie", fragment=f"/tickets/recherche?cote=emis&numero={number}")
    ready(page, "#recherche-resultats")
    assert shown(page, "#recherche-resultats") == [number]
    row = page.locator(f"#recherche-resultats tbody tr[data-row-key='{number}']")
    assert row.get_by_role("link", name=f"Voir le ticket n° {number}").get_attribute("href") == f"#/tickets/{number}"
    assert row.get_by_role("button", name=f"Supprimer le brouillon n° {number}").count() == 0  # not a draft
    button = row.get_by_role("button", name=f"Télécharger le ticket n° {number} au format PDF")
    button.click()
    dialog = page.get_by_role("dialog", name="Options de téléchargement")
    opened(page, dialog)
    assert f"Ticket n° {number}" in dialog.inner_text()
    question = dialog.get_by_role("group", name="Souhaitez-vous inclure les pièces jointes à votre téléchargement ?")
    assert question.get_by_role("radio", name="Non").is_checked()
    axe(page, "the PDF dialog of a search's row")
    screenshot(page, "recherche-pdf-dialogue", full_page=False)
    with page.expect_download() as download:
        dialog.get_by_role("button", name="Télécharger").click()
    assert download.value.suggested_filename == f"sollicitation-{number}.pdf"
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"%PDF-")
    ticket = stack.http("GET", f"/tickets/{number}", "marie")[1]
    text = pdf_text(content)
    assert str(number) in text and STRUCTURES[DUPONT].designation in text and ticket["title"] in text
    dialog.wait_for(state="hidden")
    page.wait_for_function(
        "n => document.activeElement?.title === `Télécharger le ticket n° ${n} au format PDF`", arg=number
    )
    page.get_by_text(f"Fichier « sollicitation-{number}.pdf » téléchargé.").wait_for()

    # « Oui »: the ZIP, with the PDF (the ticket has no file).
    button.click()
    opened(page, dialog)
    assert question.get_by_role("radio", name="Non").is_checked()  # each opening starts afresh
    question.get_by_text("Oui", exact=True).click()
    with page.expect_download() as download:
        dialog.get_by_role("button", name="Télécharger").click()
    assert download.value.suggested_filename == f"sollicitation-{number}.zip"
    entries = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())).namelist()
    assert entries == [f"sollicitation-{number}.pdf"]

    # The tabs' rows: view, PDF, and « Supprimer » on the drafts only.
    page.goto(f"{stack.url}/#/tickets?cote=emis&onglet=brouillons&lignes=10")
    ready(page)
    for key in shown(page, "#liste-resultats"):
        cell = page.locator(f"#liste-resultats tbody tr[data-row-key='{key}'] .portal-row-actions")
        assert cell.locator("a, button").all_inner_texts() == [
            f"Voir le ticket n° {key}",
            f"Télécharger le ticket n° {key} au format PDF",
            f"Supprimer le brouillon n° {key}",
        ]
    page.get_by_role("tab", name="Clôturés", exact=True).click()
    ready(page)
    closed = shown(page, "#liste-resultats")
    every_closed = numbers(api_rows(stack, "marie", "/tickets", {"side": "EMITTER", "tab": "CLOSED"}))
    assert closed and set(closed) <= set(every_closed)
    assert page.locator("#liste-resultats tbody").get_by_role("button", name="Supprimer le brouillon").count() == 0
    page.get_by_role("button", name=f"Télécharger le ticket n° {closed[0]} au format PDF").click()
    opened(page, dialog)
    with page.expect_download() as download:
        dialog.get_by_role("button", name="Télécharger").click()
    assert download.value.suggested_filename == f"sollicitation-{closed[0]}.pdf"
    assert str(closed[0]) in pdf_text(Path(download.value.path()).read_bytes())

    # « Annuler »: nothing downloaded, the dialog closed.
    page.get_by_role("button", name=f"Télécharger le ticket n° {closed[0]} au format PDF").click()
    opened(page, dialog)
    dialog.get_by_role("button", name="Annuler").click()
    dialog.wait_for(state="hidden")


# ------------------------------------------------------------------------------------------------ keyboard, reflow
def focused(page: Page) -> dict[str, str]:
    info: dict[str, str] = page.evaluate(
        "() => ({id: document.activeElement.id, text: document.activeElement.innerText || '', "
        "title: document.activeElement.title || ''})"
    )
    return info


def tab_until(page: Page, wanted: Any, limit: int = 120) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if wanted(focused(page)):
            return
    pytest.fail("the keyboard never reached the element")


def test_a_search_its_export_and_a_rows_pdf_with_the_keyboard_alone(stack: Stack, world: World, page: Page) -> None:
    sign_in(page, stack, "marie", fragment="/tickets/recherche")
    page.get_by_role("button", name="Rechercher", exact=True).wait_for()
    settled(page)
    tab_until(page, lambda f: f["id"] == "critere-mots")
    page.keyboard.type("zygomatique")
    page.keyboard.press("Enter")
    ready(page, "#recherche-resultats")
    expected = numbers(api_rows(stack, "marie", "/tickets/search", {"side": "EMITTER", "words": "zygomatique"}))
    assert expected and shown(page, "#recherche-resultats") == expected[:25]
    # On to « Exporter en CSV », Enter: the file.
    tab_until(page, lambda f: f["id"] == "recherche-exporter-csv")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert read_back(download.value, "CSV") == expected
    # On to the first row's PDF, Enter: the dialog; Tab to « Télécharger », Enter: the PDF; the focus back.
    first = expected[0]
    tab_until(page, lambda f: f["title"] == f"Télécharger le ticket n° {first} au format PDF")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Options de téléchargement")
    opened(page, dialog)
    dialog.get_by_role("radio", name="Non").focus()
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Télécharger"
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == f"sollicitation-{first}.pdf"
    dialog.wait_for(state="hidden")
    page.wait_for_function(
        "n => document.activeElement?.title === `Télécharger le ticket n° ${n} au format PDF`", arg=first
    )
    # Échap closes it too, the focus back on the row's button.
    page.keyboard.press("Enter")
    opened(page, dialog)
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert focused(page)["title"] == f"Télécharger le ticket n° {first} au format PDF"


def test_the_export_buttons_and_the_dialog_at_320_px(stack: Stack, world: World, page: Page) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, stack, "marie", fragment="/tickets?cote=emis&onglet=en-cours&lignes=10")
    ready(page)
    assert page.locator("#liste-exporter-csv").is_visible()
    assert horizontal_overflow(page) == 0, "the tab with its export buttons scrolls sideways at 320 px"
    axe(page, "the tab with its export buttons at 320 px")
    screenshot(page, "onglet-exporter-320px")
    page.goto(f"{stack.url}/#/tickets/recherche?cote=emis&mots=eau&lignes=10")
    ready(page, "#recherche-resultats")
    assert horizontal_overflow(page) == 0, "the search with its export buttons scrolls sideways at 320 px"
    axe(page, "the search with its export buttons at 320 px")
    first = shown(page, "#recherche-resultats")[0]
    button = page.get_by_role("button", name=f"Télécharger le ticket n° {first} au format PDF")
    button.scroll_into_view_if_needed()
    button.click()
    dialog = page.get_by_role("dialog", name="Options de téléchargement")
    opened(page, dialog)
    assert horizontal_overflow(page) == 0, "the PDF dialog scrolls sideways at 320 px"
    axe(page, "the PDF dialog at 320 px")
    screenshot(page, "recherche-pdf-dialogue-320px", full_page=False)
