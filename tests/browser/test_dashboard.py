"""The dashboard, the exports, the ticket's PDF and the support's satisfaction view, in Chromium (issue 23, points 3,
4 and 8).

Dashboard: every count shown equals the API's and a recount of the search it links to (paged to its end), on the
board and on a structure's page per service (« Non renseigné » included); each count leads to the lists screen
with that search. Exports: the CSV and the XLSX of a structure's tickets downloaded under the API's name while a
progress note shows, read back (csv, openpyxl) and compared with the same recount. PDF: « Télécharger détail »
asks « Inclure les pièces jointes ? » (DSFR modal): Non gives the PDF (its text read with pypdf), Oui the ZIP of the
PDF and the file. Satisfaction: the support's figures per day and per reason equal the API's, a reversed period
gets the API's message beside its field, another user is not offered the page. axe-core on each screen and
dialog, the keyboard alone, 320 px.
"""

from __future__ import annotations

import csv
import io
import re
import urllib.parse
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import openpyxl
from pypdf import PdfReader

from chorus_desk import messages
from tests.browser.portal import axe, horizontal_overflow, screenshot, settled, sign_in
from tests.e2e.stack import Stack
from tests.e2e.test_attachments_over_http import PDF, draft, upload, wait_for
from tests.e2e.test_attachments_over_http import settled as checked

if TYPE_CHECKING:
    from playwright.sync_api import Page

SLOW = {"offline": False, "latency": 1500, "downloadThroughput": -1, "uploadThroughput": -1}
FAST = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}


# ------------------------------------------------------------------------------------------------ helpers
def api(stack: Stack, path: str, user: str) -> Any:
    status, body, _ = stack.http("GET", path, user)
    assert status == 200, body
    return body


def recount(stack: Stack, user: str, link: str) -> int:
    """The tickets the search of a count lists, every page read to its end."""
    numbers: list[int] = []
    cursor: str | None = None
    while True:
        path = f"{link}&size=100" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
        page = api(stack, path, user)
        numbers += [item["number"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(numbers) == len(set(numbers))
    return len(numbers)


def shown_counts(page: Page, table: str) -> dict[tuple[str, str], tuple[int, str]]:
    """(line, status) → (the number shown, its link's address) of a counts' table."""
    cells: list[dict[str, str]] = page.eval_on_selector_all(
        f"#{table} tbody td[data-status]",
        """cells => cells.map(td => ({
            row: td.closest('tr').dataset.rowKey, status: td.dataset.status,
            text: td.querySelector('a').firstChild.textContent, href: td.querySelector('a').getAttribute('href'),
            link: td.querySelector('a').dataset.link}))""",
    )
    return {(c["row"], c["status"]): (int(c["text"]), c["href"]) for c in cells}


# The search screen's words for the API's search parameters, in the order its URL writes them (lists/url.ts).
SEARCH_WORDS = {
    "emitter": "emetteur",
    "recipient": "destinataire-id",
    "recipient_service": "service-destinataire",
    "emitter_service": "service-emetteur",
    "status": "statut",
}


def expected_href(link: str) -> str:
    """The search screen's address for the API's search ``link``: its side, criteria, page 1 of 25."""
    api = dict(urllib.parse.parse_qsl(link.split("?", 1)[1]))
    params = [("cote", "recus" if api.get("side") == "RECIPIENT" else "emis")]
    params += [(word, api[name]) for name, word in SEARCH_WORDS.items() if api.get(name)]
    if api.get("assigned_to_me") == "true":
        params.append(("assigne", "oui"))
    params += [("lignes", "25"), ("page", "1")]
    return "#/tickets/recherche?" + urllib.parse.urlencode(params)


def check_side(page: Page, stack: Stack, user: str, table: str, lines: dict[str, list[dict[str, Any]]]) -> int:
    """The table shows each line's counts as the API gives them, each equal to its search's recount; returns
    how many counts were recounted."""
    shown = shown_counts(page, table)
    expected = {
        (key, c["status"]["code"]): (c["count"], expected_href(c["link"])) for key, cs in lines.items() for c in cs
    }
    assert shown == expected
    for counts in lines.values():
        for c in counts:
            assert recount(stack, user, c["link"]) == c["count"], c["link"]
    return len(expected)


def open_dashboard(page: Page, stack: Stack, user: str, fragment: str = "/tableau-de-bord") -> None:
    sign_in(page, stack, user, fragment=fragment)
    page.locator("#emis-table, #recus-table").first.wait_for()
    settled(page)


# ------------------------------------------------------------------------------------------------ dashboard
def test_the_dashboards_counts_are_the_apis_and_a_recount_of_the_lists_they_link_to(stack: Stack, page: Page) -> None:
    board = api(stack, "/dashboard", "claire")["organisations"]
    open_dashboard(page, stack, "claire")
    assert page.get_by_role("heading", level=1).text_content() == "Tableau de bord"
    assert page.get_by_role("link", name="Tableau de bord", exact=True).get_attribute("aria-current") == "page"

    structures = [b for b in board if b["emitted"] is not None]
    emitted = {b["organisation"]["id"]: b["emitted"]["counts"] for b in structures}
    recounted = check_side(page, stack, "claire", "emis-table", emitted)
    received = {
        b["organisation"]["id"]: b["received"]["counts"]
        for b in board
        if page.locator(f'#recus-table tr[data-row-key="{b["organisation"]["id"]}"]').count()
    }
    assert received, "Claire's public structures receive tickets"
    recounted += check_side(page, stack, "claire", "recus-table", received)
    statuses = [c["status"]["label"] for c in structures[0]["emitted"]["counts"]]
    assert page.locator("#emis-table thead th").all_text_contents() == ["Émetteur", *statuses, "Total"]
    assert recounted > 20 and sum(c["count"] for cs in emitted.values() for c in cs) > 0

    # The chart shows the sums per status of the table (hidden from screen readers, who read the table).
    bars = page.locator("#emis-graphique .portal-bar")
    sums = [sum(cs[i]["count"] for cs in emitted.values()) for i in range(len(statuses))]
    assert bars.locator(".portal-bar__value").all_text_contents() == [str(n) for n in sums]
    assert page.locator("#emis-graphique .portal-chart__bars").get_attribute("aria-hidden") == "true"
    axe(page, "the dashboard")
    screenshot(page, "dashboard")

    # A structure's name opens its page per service, « Non renseigné » last; « Tableau de bord » comes back.
    first = structures[0]
    siret, name = first["organisation"]["id"], first["organisation"]["name"]
    page.get_by_role("link", name=f"{siret} - {name}", exact=True).first.click()
    page.locator("#emis-table").wait_for()
    settled(page)
    assert page.get_by_role("heading", level=1).text_content() == f"Tableau de bord {siret} - {name}"
    services = {s["service"]["code"] if s["service"] else "": s["counts"] for s in first["emitted"]["services"]}
    check_side(page, stack, "claire", "emis-table", services)
    labels = page.locator("#emis-table tbody th").all_text_contents()
    assert labels == [s["label"] for s in first["emitted"]["services"]] and labels[-1] == "Non renseigné"
    per_service = {s["service"]["code"] if s["service"] else "": s["counts"] for s in first["received"]["services"]}
    check_side(page, stack, "claire", "recus-table", per_service)
    axe(page, "a structure's dashboard per service")
    screenshot(page, "dashboard-structure")

    # A count leads to the lists screen with the search that lists it.
    count = next(c for c in first["emitted"]["counts"] if c["count"] > 0)
    page.get_by_role("link", name="Tableau de bord", exact=True).first.wait_for()
    page.locator("#retour-tableau").click()
    page.locator("#emis-table").wait_for()
    cell = page.locator(f'#emis-table tr[data-row-key="{siret}"] td[data-status="{count["status"]["code"]}"] a')
    cell.click()
    page.wait_for_url(f"**{expected_href(count['link'])}")
    query = urllib.parse.parse_qs(page.evaluate("location.hash").split("?", 1)[1])
    assert query == {
        "cote": ["emis"],
        "emetteur": [siret],
        "statut": [count["status"]["code"]],
        "lignes": ["25"],
        "page": ["1"],
    }
    # The search screen shows that search: its total is the count.
    total = "1 ticket" if count["count"] == 1 else f"{count['count']} tickets"
    page.get_by_text(total, exact=True).first.wait_for()


def test_a_private_company_has_no_received_table_and_an_unknown_structure_is_said(stack: Stack, page: Page) -> None:
    open_dashboard(page, stack, "marie")
    assert page.locator("#emis-table tbody tr").count() == 1
    assert page.locator("#recus").count() == 0
    # Another organisation's SIRET: the same page as an unknown one, and no name of it.
    page.goto(f"{stack.url}/#/tableau-de-bord/80123456800013")
    page.get_by_text("Cette structure ne fait pas partie des vôtres, ou n'existe pas.").wait_for()
    assert "Boulangerie" not in page.locator("main").inner_text()
    axe(page, "an organisation not the user's")


def test_the_dashboard_with_the_keyboard_alone_and_at_320_px(stack: Stack, page: Page) -> None:
    open_dashboard(page, stack, "claire")
    first_link = page.locator("#emis-table tbody th a").first
    first_link.focus()
    target = first_link.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{target}")
    page.locator("#emis-table").wait_for()
    page.locator("#emis-table tbody td a").first.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('td') !== null")  # the next count, in order
    for width in (320, 640):
        page.set_viewport_size({"width": width, "height": 900})
        assert horizontal_overflow(page) == 0, f"{width} px"
        axe(page, f"a structure's dashboard at {width} px")
    screenshot(page, "dashboard-320")


# ------------------------------------------------------------------------------------------------ exports
def csv_rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=";"))


STAMP = re.compile(r"-(\d{8}-\d{4})\.")  # an export's name: « sollicitations-emises-20261125-1430.csv »


def unstamped(name: str) -> str:
    return STAMP.sub(".", name)


def stamp(name: str) -> str:
    found = STAMP.search(name)
    assert found is not None, name
    return found.group(1)


def test_a_structures_tickets_exported_in_csv_and_xlsx_are_downloaded_and_read_back(stack: Stack, page: Page) -> None:
    siret = "21769001500011"
    link = f"/tickets/search?side=EMITTER&emitter={siret}"
    total = recount(stack, "claire", link)
    status, _, headers = stack.http("GET", f"/tickets/export?format=CSV&side=EMITTER&emitter={siret}", "claire")
    assert status == 200
    name = headers["Content-Disposition"].split('filename="', 1)[1].split('"', 1)[0]
    open_dashboard(page, stack, "claire", f"/tableau-de-bord/{siret}")

    # The answer slowed down: the note says the file is being made and the buttons wait.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW)
    with page.expect_download() as download:
        page.locator("#emis-exporter-csv").click()
        note = page.locator("#emis-exporter-etat")
        assert note.text_content() == "Préparation du fichier CSV en cours…"
        assert page.locator("#emis-exporter-xlsx").is_disabled()
        axe(page, "an export being made")
        screenshot(page, "export-en-cours", full_page=False)
    cdp.send("Network.emulateNetworkConditions", FAST)
    # The name the API gives, made at the minute of the browser's own request (the API's was asked before it).
    downloaded = download.value.suggested_filename
    assert unstamped(downloaded) == unstamped(name) and name.endswith(".csv")
    assert stamp(name) <= stamp(downloaded)
    rows = csv_rows(Path(download.value.path()).read_bytes())
    assert rows[0][: len(messages.EXPORT_COLUMNS)] == list(messages.EXPORT_COLUMNS)
    assert len(rows) - 1 == total > 0
    page.get_by_text(f"Fichier « {downloaded} » téléchargé.").wait_for()
    assert page.locator("#emis-exporter-xlsx").is_enabled()

    # The XLSX through the storage's link, followed by the browser.
    with page.expect_download() as download:
        page.locator("#emis-exporter-xlsx").click()
    xlsx_name = download.value.suggested_filename
    assert xlsx_name.endswith(".xlsx") and unstamped(xlsx_name).removesuffix(".xlsx") == unstamped(name).removesuffix(
        ".csv"
    )
    assert stamp(downloaded) <= stamp(xlsx_name)
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert sheet is not None
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert [str(v) for v in values[0][: len(messages.EXPORT_COLUMNS)]] == list(messages.EXPORT_COLUMNS)
    assert len(values) - 1 == total
    csv_numbers = sorted(r[rows[0].index(number_column(rows[0]))] for r in rows[1:])
    xlsx_numbers = sorted(str(r[values[0].index(number_column(rows[0]))]) for r in values[1:])
    assert csv_numbers == xlsx_numbers
    page.get_by_text(f"Fichier « {xlsx_name} » téléchargé ({total} tickets).").wait_for()
    axe(page, "after the exports")


def number_column(header: list[str]) -> str:
    return next(h for h in header if "Numéro" in h and "objet" not in h.lower())


# ------------------------------------------------------------------------------------------------ PDF
def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_the_tickets_pdf_without_then_with_its_files_as_a_zip(stack: Stack, page: Page) -> None:
    number = draft(stack)
    attachment_id = upload(stack, number, "facture réglée.pdf", "application/pdf", PDF)
    assert wait_for("the check", checked(stack, number, attachment_id))["state"]["code"] == "AVAILABLE"
    sign_in(page, stack, "marie", fragment=f"/tickets/{number}")
    button = page.get_by_role("button", name="Télécharger détail")
    button.click()
    dialog = page.get_by_role("dialog", name="Options de téléchargement")
    dialog.wait_for()
    # Done fading in before axe reads its colours (a colour read mid-animation is a false contrast failure).
    dialog.evaluate("d => Promise.all(d.getAnimations({subtree: true}).map(a => a.finished))")
    page.wait_for_function("d => getComputedStyle(d).opacity === '1'", arg=dialog.element_handle())
    question = dialog.get_by_role("group", name="Souhaitez-vous inclure les pièces jointes à votre téléchargement ?")
    assert question.get_by_role("radio", name="Non").is_checked()
    assert dialog.get_by_role("button", name="Télécharger").is_visible()
    assert dialog.get_by_role("button", name="Annuler").is_visible()
    axe(page, "the PDF's dialog")
    screenshot(page, "pdf-dialogue", full_page=False)

    with page.expect_download() as download:
        dialog.get_by_role("button", name="Télécharger").click()
    assert download.value.suggested_filename == f"sollicitation-{number}.pdf"
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    assert str(number) in text and "Menuiserie Dupont" in text
    dialog.wait_for(state="hidden")
    assert page.evaluate("() => document.activeElement?.textContent") == "Télécharger détail"

    # With the keyboard alone: the button, « Oui », « Télécharger »: the ZIP of the PDF and the file.
    page.keyboard.press("Enter")
    dialog.wait_for()
    question.get_by_role("radio", name="Non").focus()
    page.keyboard.press("ArrowLeft")
    assert question.get_by_role("radio", name="Oui").is_checked()
    with page.expect_download() as download:
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement?.textContent") == "Télécharger"
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == f"sollicitation-{number}.zip"
    entries = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())).namelist()
    files = f"{messages.ZIP_ATTACHMENTS_FOLDER}/facture réglée.pdf"
    assert sorted(entries) == sorted([f"sollicitation-{number}.pdf", files])

    # « Annuler » closes the dialog and downloads nothing.
    button.click()
    dialog.wait_for()
    dialog.get_by_role("button", name="Annuler").click()
    dialog.wait_for(state="hidden")


# ------------------------------------------------------------------------------------------------ satisfaction
def rate(stack: Stack, user: str, rating: str, reason: str | None = None) -> None:
    status, started, _ = stack.http("POST", "/assistant/conversations", user)
    assert status == 201, started
    where = f"/assistant/conversations/{started['id']}"
    status, answered, _ = stack.http("POST", f"{where}/messages", user, {"text": "comment ajouter un espace"})
    assert status == 200 and answered["reply"]["feedback"] is True, answered
    body = {"rating": rating} | ({"reason": reason, "comment": "Pas clair."} if reason else {})
    status, rated, _ = stack.http("POST", f"{where}/feedback", user, body)
    assert status == 200, rated


def test_the_support_reads_the_satisfaction_per_day_and_per_reason(stack: Stack, page: Page) -> None:
    given = (("UP", None), ("UP", None), ("DOWN", "IMPRECISE"), ("DOWN", "COMPLICATED"), ("DOWN", "IMPRECISE"))
    for rating, reason in given:
        rate(stack, "marie", rating, reason)
    sign_in(page, stack, "sophie")
    page.get_by_role("link", name="Satisfaction de l'assistant").click()
    page.locator("#par-jour-table").wait_for()
    settled(page)
    first, last = page.locator("#periode-du").input_value(), page.locator("#periode-au").input_value()
    expected = api(stack, f"/assistant/satisfaction?from={first}&to={last}", "sophie")
    assert expected["down"] >= 3 and expected["up"] >= 2
    assert page.locator("#total-positifs").text_content() == str(expected["up"])
    assert page.locator("#total-negatifs").text_content() == str(expected["down"])
    days = page.locator("#par-jour-table tbody tr")
    assert days.count() == len(expected["days"])
    for i, day in enumerate(expected["days"]):
        y, m, d = day["day"].split("-")
        cells = days.nth(i).locator("th, td").all_text_contents()
        per_reason = [str(n) for _, n in day["reasons"]]
        assert cells == [f"{d}/{m}/{y}", str(day["up"]), str(day["down"]), *per_reason]
    sums: dict[str, int] = {}
    for day in expected["days"]:
        for reason, n in day["reasons"]:
            sums[reason["label"]] = sums.get(reason["label"], 0) + n
    shown = page.locator("#par-raison-table tbody tr")
    assert {
        shown.nth(i).locator("th").text_content(): int(shown.nth(i).locator("td").first.text_content() or "")
        for i in range(shown.count())
    } == sums
    assert len(sums) == 4  # the four reasons of seed 004
    axe(page, "the satisfaction view")
    screenshot(page, "satisfaction")

    # A reversed period: the API's message beside « Au ».
    page.locator("#periode-du").fill(last)
    page.locator("#periode-au").fill(first)
    page.get_by_role("button", name="Afficher").click()
    error = page.locator("#periode-au-erreur")
    error.wait_for()
    assert error.text_content() == messages.PERIOD_REVERSED
    assert page.locator("#periode-au").get_attribute("aria-invalid") == "true"
    axe(page, "the satisfaction view with a refused period")
    page.set_viewport_size({"width": 320, "height": 900})
    assert horizontal_overflow(page) == 0


def test_the_satisfaction_is_offered_to_the_support_only(stack: Stack, page: Page) -> None:
    calls: list[str] = []
    page.on("request", lambda r: calls.append(r.url) if "/assistant/satisfaction" in r.url else None)
    sign_in(page, stack, "marie")
    assert page.get_by_role("link", name="Satisfaction de l'assistant").count() == 0
    page.goto(f"{stack.url}/#/satisfaction")
    page.get_by_text("Cette page est réservée au support technique Chorus Pro.").wait_for()
    assert calls == []
