"""The tabs and the search in Chromium (issue 23 points 1, 2 and 9): « Mes tickets » with the tabs « Actions
requises », « Tous (sauf clôturés) », « Clôturés », « Brouillons » on the emitter's and the recipient's side, and
« Rechercher des tickets » with seed 003's criteria.

The module reads the 300 tickets tests/browser/seeded.py seeds through the API once per stack (shared with
test_portal_exports.py):
200 for the technical support from Menuiserie Dupont by three of its users (titles with accents,
ligatures, mixed case and ties, three services, five sub-categories of four categories), 15 about its invoices
(routed to the Commune de Saint-Léger), 10 general questions to the Centre hospitalier de Vienne, 20 from Les Loges
du Grel, and 55 drafts (a few without a title or a category); then the support answers 30 of them, asks a question
on 15, takes 20 in charge for Lucas, and Dupont closes 15. Every expected list is the API's own answer to the same
user (walked to its end with its cursor), every expected order a local sort of those rows, every message the API's
(chorus_desk.messages) or the portal's.

- the tabs of both sides walked page after page: the same numbers as the API's list, in its order, no duplicate,
  no gap; the total as the API counts it;
- each of the six columns sorted both ways (aria-sort on its header) equal to a local sort of the API's rows;
- « Aller à la page », the URL keeping tab, page, sort and rows per page: a reload, Back, and the link opened in a
  new tab (signing in first) show the same list;
- the structure filter, « Assigné à moi », both sides for a user who has both;
- the search with each criterion alone and several together, « Réinitialiser les filtres », the « at least one
  criterion » refusal in the API's words, a field's refusal beside it; a draft deleted from the results after its
  confirmation;
- each page asked once (no route called twice for the same data);
- the search and the tabs with the keyboard alone; axe-core on each screen and the dialog; 320 px and 200 % zoom
  without horizontal scrolling; screenshots.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlparse
from zoneinfo import ZoneInfo

import pytest

from chorus_desk import messages as api_messages
from chorus_desk.lifecycle import Status
from local_stack import demo
from tests.browser.portal import (
    axe,
    be_patient,
    fill_sign_in,
    horizontal_overflow,
    list_ready,
    open_portal,
    screenshot,
    settled,
    sign_in,
)
from tests.browser.seeded import (
    CH_VIENNE,
    DELETABLE,
    DUPONT,
    GREL,
    INVOICE_SENT,
    RARE,
    SAINT_LEGER,
    STRUCTURES,
    World,
    api,
    api_page,
    api_rows,
    numbers,
    seeded_world,
)
from tests.e2e.stack import Stack

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Locator, Page, Request, Route

TAB_LABELS = {
    "ACTION": "Actions requises",
    "ONGOING": "Tous (sauf clôturés)",
    "CLOSED": "Clôturés",
    "DRAFTS": "Brouillons",
}
SORT_COLUMNS = {  # the tab's column header → the API's sort
    "Numéro": "NUMBER",
    "Description brève": "TITLE",
    "Catégorie": "CATEGORY",
    "Sous-catégorie": "SUBCATEGORY",
    "Statut": "STATUS",
    "Ouvert le": "OPENED",
}


@pytest.fixture(scope="module")
def world(stack: Stack) -> World:
    return seeded_world(stack)


# ------------------------------------------------------------------------------------------ a French order
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def fold(text: str | None) -> str:
    """What a French reader ignores when ordering words: accents, ligatures, case, punctuation."""
    plain = unicodedata.normalize("NFKD", (text or "").translate(LIGATURES))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


def created(row: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(row["created_at"])


SORT_KEYS: dict[str, Callable[[dict[str, Any]], tuple[Any, ...]]] = {
    "NUMBER": lambda r: (r["number"],),
    "TITLE": lambda r: (fold(r["title"]), r["number"]),
    "CATEGORY": lambda r: (fold((r["category"] or {}).get("label")), created(r), r["number"]),
    "SUBCATEGORY": lambda r: (fold((r["subcategory"] or {}).get("label")), created(r), r["number"]),
    "STATUS": lambda r: (fold(r["status"]["label"]), r["number"]),
    "OPENED": lambda r: (created(r), r["number"]),
    "CREATED": lambda r: (created(r), r["number"]),
}


def locally_sorted(rows: list[dict[str, Any]], sort: str, order: str) -> list[int]:
    return numbers(sorted(rows, key=SORT_KEYS[sort], reverse=order == "DESC"))


# ------------------------------------------------------------------------------------------ the page
@pytest.fixture(autouse=True)
def patient(context: BrowserContext) -> None:
    be_patient(context)


ready = list_ready


def shown(page: Page, results: str = "#liste-resultats") -> list[int]:
    rows = page.locator(f"{results} tbody tr")
    found: list[int] = rows.evaluate_all("rows => rows.map(r => Number(r.dataset.rowKey))")
    return found


def summary(page: Page, results: str = "#liste-resultats") -> str:
    return page.locator(f"{results} .portal-list-summary").inner_text()


def total_text(total: int) -> str:
    return f"{total} ticket{'s' if total > 1 else ''}" if total else "Aucun ticket"


def url_query(page: Page) -> dict[str, str]:
    fragment = urlparse(page.url).fragment
    return {k: v[0] for k, v in parse_qs(fragment.partition("?")[2]).items()}


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Se déconnecter").first.click()
    page.get_by_role("heading", name="Connexion au portail de support").wait_for()
    page.wait_for_url("**/#/connexion")


def choose_tab(page: Page, tab: str) -> None:
    page.get_by_role("tab", name=TAB_LABELS[tab], exact=True).click()
    ready(page)
    assert page.get_by_role("tab", name=TAB_LABELS[tab], exact=True).get_attribute("aria-selected") == "true"


def rows_per_page(page: Page, size: int, results: str = "#liste-resultats") -> None:
    page.locator(f"{results} select.fr-select[id$='-lignes']").select_option(str(size))
    ready(page, results)


def walk(page: Page, results: str = "#liste-resultats") -> list[int]:
    """Every row of the list, « Page suivante » after « Page suivante » until it is disabled."""
    seen = shown(page, results)
    while True:
        following = page.locator(f"{results} .fr-pagination__link--next")
        if following.get_attribute("aria-disabled") == "true":
            return seen
        before = url_query(page).get("page")
        following.click()
        ready(page, results)
        assert url_query(page)["page"] == str(int(before or "1") + 1)
        seen += shown(page, results)


def header(page: Page, column: str, results: str = "#liste-resultats") -> Locator:
    return page.locator(f"{results} thead th").filter(has=page.locator(".fr-cell__title", has_text=column)).first


def sort_by(page: Page, column: str, results: str = "#liste-resultats") -> None:
    header(page, column, results).locator("button").click()
    ready(page, results)


def api_calls(page: Page) -> list[str]:
    """The API requests the page makes from now on (method and path with query, the /api prefix removed)."""
    calls: list[str] = []

    def seen(request: Request) -> None:
        path = urlparse(request.url).path
        if path.startswith("/api/"):
            query = urlparse(request.url).query
            calls.append(f"{request.method} {path.removeprefix('/api')}{'?' + query if query else ''}")

    page.on("request", seen)
    return calls


# ------------------------------------------------------------------------------------------------ the tabs
def test_the_tabs_of_both_sides_walked_page_by_page_hold_the_apis_list_without_duplicate_or_gap(
    stack: Stack, world: World, page: Page
) -> None:
    sign_in(page, stack, "marie", fragment="/tickets")
    ready(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Mes tickets"
    # Marie has no received lists: no side to choose, the four tabs of the emitted tickets.
    assert page.locator("fieldset.fr-segmented").count() == 0
    assert page.get_by_role("tab").all_inner_texts() == list(TAB_LABELS.values())
    rows_per_page(page, 50)
    for tab in TAB_LABELS:
        choose_tab(page, tab)
        expected = api_rows(stack, "marie", "/tickets", {"side": "EMITTER", "tab": tab})
        first = api_page(stack, "marie", "/tickets", {"side": "EMITTER", "tab": tab, "size": 50})
        assert summary(page).startswith(total_text(first["total"])), (tab, summary(page))
        assert first["total"] == len(expected) and first["total_exact"]
        seen = walk(page)
        assert seen == numbers(expected), tab
        assert len(set(seen)) == len(seen)
        assert (
            url_query(page)["onglet"]
            == {"ACTION": "actions", "ONGOING": "en-cours", "CLOSED": "clotures", "DRAFTS": "brouillons"}[tab]
        )
    # The seeded tickets are where their statuses put them.
    ongoing = set(numbers(api_rows(stack, "marie", "/tickets", {"side": "EMITTER", "tab": "ONGOING"})))
    assert set(world.support) - set(world.closed) <= ongoing
    assert set(world.resolved) | set(world.awaiting) <= set(
        numbers(api_rows(stack, "marie", "/tickets", {"side": "EMITTER", "tab": "ACTION"}))
    )

    # The support's side: three tabs (no drafts), and the emitter of each row.
    sign_out(page)
    sign_in(page, stack, "sophie", fragment="/tickets")
    ready(page)
    assert page.get_by_role("tab").all_inner_texts() == [TAB_LABELS[t] for t in ("ACTION", "ONGOING", "CLOSED")]
    assert "Émetteur" in page.locator("#liste-resultats thead").inner_text()
    rows_per_page(page, 100)
    for tab in ("ACTION", "ONGOING", "CLOSED"):
        choose_tab(page, tab)
        expected = api_rows(stack, "sophie", "/tickets", {"side": "RECIPIENT", "tab": tab})
        assert walk(page) == numbers(expected), tab
        assert summary(page).startswith(total_text(len(expected)))
    screenshot(page, "onglets-recus")


def test_each_column_sorts_both_ways_like_a_local_sort_of_the_apis_rows(stack: Stack, world: World, page: Page) -> None:
    sign_in(page, stack, "marie", fragment="/tickets?cote=emis&onglet=en-cours&lignes=100")
    ready(page)
    rows = api_rows(stack, "marie", "/tickets", {"side": "EMITTER", "tab": "ONGOING"})
    assert len(rows) > 100  # the order of the first page depends on every row
    # The default order: the API's (number, most recent first), said on the column's header.
    assert header(page, "Numéro").get_attribute("aria-sort") == "descending"
    assert shown(page) == locally_sorted(rows, "NUMBER", "DESC")[:100]
    for column, sort in SORT_COLUMNS.items():
        for order, aria in (("ASC", "ascending"), ("DESC", "descending")):
            sort_by(page, column)
            assert header(page, column).get_attribute("aria-sort") == aria, (column, order)
            others = [c for c in SORT_COLUMNS if c != column]
            assert all(header(page, c).get_attribute("aria-sort") is None for c in others)
            assert shown(page) == locally_sorted(rows, sort, order)[:100], (column, order)
            assert url_query(page)["ordre"] == {"ASC": "croissant", "DESC": "decroissant"}[order]
            assert url_query(page)["page"] == "1"
    # The drafts: those without a title or a category sort first.
    choose_tab(page, "DRAFTS")
    drafts = api_rows(stack, "marie", "/tickets", {"side": "EMITTER", "tab": "DRAFTS"})
    sort_by(page, "Catégorie")  # another column: ascending first
    assert header(page, "Catégorie").get_attribute("aria-sort") == "ascending"
    assert shown(page) == locally_sorted(drafts, "CATEGORY", "ASC")[:100]
    assert page.locator("#liste-resultats tbody tr").first.inner_text().count("—") >= 2
    screenshot(page, "onglet-brouillons-tri-categorie")


def test_a_page_jumped_to_and_the_url_survive_a_reload_back_and_a_shared_link(
    stack: Stack, world: World, page: Page, context: BrowserContext
) -> None:
    sign_in(page, stack, "marie", fragment="/tickets")
    ready(page)
    choose_tab(page, "ONGOING")
    rows_per_page(page, 10)
    sort_by(page, "Catégorie")
    assert header(page, "Catégorie").get_attribute("aria-sort") == "ascending"
    rows = api_rows(stack, "marie", "/tickets", {"side": "EMITTER", "tab": "ONGOING"})
    ordered = locally_sorted(rows, "CATEGORY", "ASC")
    pages = -(-len(rows) // 10)
    assert summary(page).endswith(f"page 1 sur {pages}, lignes 1 à 10")
    # A number out of range: the portal's message beside the field, and no request.
    calls = api_calls(page)
    jump = page.get_by_label("Aller à la page")
    jump.fill(str(pages + 1))
    page.get_by_role("button", name="Afficher").click()
    assert beside(page, "liste-aller") == f"Indiquez un numéro de page entre 1 et {pages}."
    assert calls == []
    # Page 7: its rows, the focus on the summary (read first), the URL.
    jump.fill("7")
    jump.press("Enter")
    ready(page)
    assert shown(page) == ordered[60:70]
    wait_focus(page, "liste-resume")
    assert summary(page).endswith(f"page 7 sur {pages}, lignes 61 à 70")
    assert page.locator(".fr-pagination__link[aria-current=page]").inner_text() == "7"
    assert [c.split("?")[0] for c in calls] == ["GET /tickets"]
    assert parse_qs(calls[0].partition("?")[2])["page"] == ["7"]
    state = {
        "cote": "emis",
        "onglet": "en-cours",
        "tri": "categorie",
        "ordre": "croissant",
        "lignes": "10",
        "page": "7",
    }
    assert url_query(page) == state
    fragment = urlparse(page.url).fragment
    # « Page suivante » continues with the API's cursor (no row read twice), the URL says page 8.
    page.locator("#liste-resultats .fr-pagination__link--next").click()
    ready(page)
    assert shown(page) == ordered[70:80]
    assert "cursor=" in calls[-1] and url_query(page)["page"] == "8"
    # Back: page 7 again, from the URL.
    page.go_back()
    ready(page)
    assert shown(page) == ordered[60:70]
    assert url_query(page) == state
    # A reload: the same list, tab, sort, size and page.
    page.reload()
    ready(page)
    assert shown(page) == ordered[60:70]
    assert page.get_by_role("tab", name="Tous (sauf clôturés)").get_attribute("aria-selected") == "true"
    assert header(page, "Catégorie").get_attribute("aria-sort") == "ascending"
    assert page.locator("#liste-lignes").input_value() == "10"
    # The link opened in another tab: sign in first, then the same list.
    other = context.new_page()
    sign_in(other, stack, "marie", fragment=fragment.removeprefix("#"))
    ready(other)
    assert shown(other) == ordered[60:70]
    assert url_query(other) == state
    screenshot(other, "onglet-page-7")
    other.close()
    # A ticket opened from the list, then Back: the same page of the list.
    first = shown(page)[0]
    page.locator(f"#liste-resultats tbody tr[data-row-key='{first}'] a").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/#/tickets/{first}")
    page.go_back()
    ready(page)
    assert shown(page) == ordered[60:70] and url_query(page) == state
    # « Mes tickets » in the menu: the first tab, said in full in the URL.
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mes tickets").click()
    ready(page)
    assert url_query(page) == {"cote": "emis", "onglet": "actions", "lignes": "25", "page": "1"}
    assert shown(page) == numbers(api_page(stack, "marie", "/tickets", {"side": "EMITTER", "tab": "ACTION"})["items"])


def test_the_structure_filter_assigned_to_me_and_both_sides_show_the_apis_lists(
    stack: Stack, world: World, page: Page
) -> None:
    # Paul emits for two structures: the filter narrows to one.
    sign_in(page, stack, "paul", fragment="/tickets?cote=emis&onglet=en-cours&lignes=100")
    ready(page)
    assert shown(page) == numbers(api_rows(stack, "paul", "/tickets", {"side": "EMITTER", "tab": "ONGOING"}))[:100]
    options = page.locator("#filtre-structure option").all_inner_texts()
    organisations = api(stack, "GET", "/me", "paul")["organisations"]
    assert options == ["Toutes vos structures et équipes"] + [f"{o['id']} – {o['name']}" for o in organisations]
    page.locator("#filtre-structure").select_option(GREL)
    ready(page)
    expected = numbers(api_rows(stack, "paul", "/tickets", {"side": "EMITTER", "tab": "ONGOING", "structure": GREL}))
    assert set(world.grel) <= set(expected)
    assert shown(page) == expected
    assert url_query(page)["structure"] == GREL
    sign_out(page)

    # Lucas: « Assigné à moi » among the support's tickets to handle.
    sign_in(page, stack, "lucas", fragment="/tickets?cote=recus&onglet=actions&lignes=100")
    ready(page)
    page.locator("label", has_text="Assigné à moi").click()  # the DSFR's box is drawn by its label
    ready(page)
    expected = numbers(
        api_rows(stack, "lucas", "/tickets", {"side": "RECIPIENT", "tab": "ACTION", "assigned_to_me": "true"})
    )
    assert set(world.lucas) <= set(expected)
    assert shown(page) == expected
    assert url_query(page)["assigne"] == "oui"
    sign_out(page)

    # Claire emits for the commune and receives for it: both sides, the received ones filtered by structure.
    sign_in(page, stack, "claire", fragment="/tickets")
    ready(page)
    side = page.locator("fieldset.fr-segmented")
    assert side.locator("label").all_inner_texts() == ["Tickets émis", "Tickets reçus"]
    side.locator("label", has_text="Tickets reçus").click()
    ready(page)
    assert page.get_by_role("tab").all_inner_texts() == [TAB_LABELS[t] for t in ("ACTION", "ONGOING", "CLOSED")]
    choose_tab(page, "ONGOING")
    page.locator("#filtre-structure").select_option(SAINT_LEGER)
    ready(page)
    expected = numbers(
        api_rows(stack, "claire", "/tickets", {"side": "RECIPIENT", "tab": "ONGOING", "structure": SAINT_LEGER})
    )
    assert set(world.invoices) <= set(expected)
    assert shown(page)[:25] == expected[:25]
    assert url_query(page) == {
        "cote": "recus",
        "onglet": "en-cours",
        "structure": SAINT_LEGER,
        "lignes": "25",
        "page": "1",
    }
    screenshot(page, "onglets-recus-filtre-structure")


# ------------------------------------------------------------------------------------------------ the search
def search_page(page: Page, stack: Stack, user: str, side: str = "emis") -> None:
    sign_in(page, stack, user, fragment=f"/tickets/recherche?cote={side}")
    page.get_by_role("button", name="Rechercher", exact=True).wait_for()
    settled(page)


def run_search(page: Page) -> None:
    page.get_by_role("button", name="Rechercher", exact=True).click()
    ready(page, "#recherche-resultats")


def reset(page: Page) -> None:
    page.get_by_role("button", name="Réinitialiser les filtres").click()
    page.wait_for_selector("#recherche-resultats", state="detached")


CRITERION_FIELDS = {
    "number": "Numéro du ticket",
    "words": "Mots du titre ou de la description",
    "object_number": "Numéro d'objet",
    "recipient_name": "Structure destinataire",
    "recipient_service": "Service destinataire",
    "created_by_name": "Créé par",
}


def test_the_category_list_says_it_is_loading_until_the_catalogue_has_come(stack: Stack, page: Page) -> None:
    """The categories come from GET /catalogue, after the screen: until they are there, the list says so (a status
    a screen reader reads), and the screen is not taken as ready (CI's run read the list before it had come)."""
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    page.route("**/catalogue", hold)
    open_portal(page, stack, "/tickets/recherche?cote=emis")
    fill_sign_in(page, demo.USERS_BY_ALIAS["marie"].email, demo.DEMO_PASSWORD)
    hint = page.locator("#critere-categorie-aide")
    hint.get_by_text("Chargement des catégories…").wait_for()
    assert hint.get_attribute("role") == "status"
    assert "portal-loading" in (hint.get_attribute("class") or "")
    assert page.locator("#critere-categorie option").all_inner_texts() == ["Toutes les catégories"]
    assert len(held) == 1, "GET /catalogue was not asked for, or not held back"
    axe(page, "la recherche, catalogue en chargement")
    screenshot(page, "recherche-categories-en-chargement", full_page=False)
    held[0].continue_()
    settled(page)
    catalogue = api(stack, "GET", "/catalogue", "marie")
    assert page.locator("#critere-categorie option").all_inner_texts() == ["Toutes les catégories"] + [
        c["label"] for c in catalogue["categories"]
    ]
    assert hint.count() == 0


def test_the_search_with_each_criterion_shows_the_apis_results(stack: Stack, world: World, page: Page) -> None:
    search_page(page, stack, "marie")
    catalogue = api(stack, "GET", "/catalogue", "marie")
    category = next(c for c in catalogue["categories"] if c["code"] == "FACTURES_EMISES")
    subcategory = next(s for s in category["subcategories"] if s["code"] == "MANDAT_DE_FACTURATION")
    # The criteria's lists: the catalogue's categories, the statuses of the emitted tickets as the API labels them.
    assert page.locator("#critere-categorie option").all_inner_texts() == ["Toutes les catégories"] + [
        c["label"] for c in catalogue["categories"]
    ]
    assert page.locator("#critere-statut option").all_inner_texts() == ["Tous les statuts"] + [s.label for s in Status]
    assert page.locator("#critere-sous-categorie").is_disabled()
    service = STRUCTURES[DUPONT].services[1]
    criteria: list[tuple[str, dict[str, str], Callable[[], None]]] = [
        ("number", {"number": str(world.invoices[4])}, lambda: None),
        ("words", {"words": "ÉLECTRI"}, lambda: None),
        ("words", {"words": RARE}, lambda: None),
        ("object_number", {"object_number": INVOICE_SENT.lower()}, lambda: None),
        ("recipient_name", {"recipient_name": "saint"}, lambda: None),
        ("recipient_service", {"recipient_service": STRUCTURES[CH_VIENNE].services[0].code}, lambda: None),
        ("created_by_name", {"created_by_name": "juli"}, lambda: None),
    ]
    for name, query, _ in criteria:
        page.get_by_label(CRITERION_FIELDS[name], exact=False).first.fill(query[name])
        run_search(page)
        check_search(page, stack, "marie", {"side": "EMITTER", **query}, name)
        reset(page)
        assert page.get_by_label(CRITERION_FIELDS[name], exact=False).first.input_value() == ""
    selects = [
        ("category", {"category": category["code"]}, "#critere-categorie", category["label"]),
        ("status", {"status": "RESOLVED"}, "#critere-statut", Status.RESOLVED.label),
        ("emitter", {"emitter": DUPONT}, "#critere-emetteur", f"{DUPONT} – {STRUCTURES[DUPONT].designation}"),
        ("emitter_service", {"emitter_service": service.code}, "#critere-service-emetteur", service.name),
        ("emitter_service", {"emitter_service": "-"}, "#critere-service-emetteur", "Non renseigné"),
        ("tab+status", {"tab": "ACTION", "status": "AWAITING_INFO"}, "", ""),
    ]
    for name, query, select, label in selects:
        if name == "tab+status":
            page.locator("#critere-onglet").select_option(label="Actions requises")
            page.locator("#critere-statut").select_option(label=Status.AWAITING_INFO.label)
        else:
            page.locator(select).select_option(label=label)
        run_search(page)
        check_search(page, stack, "marie", {"side": "EMITTER", **query}, name)
        reset(page)
    # Sub-category: after its category.
    page.locator("#critere-categorie").select_option(label=category["label"])
    page.locator("#critere-sous-categorie").select_option(label=subcategory["label"])
    run_search(page)
    check_search(
        page,
        stack,
        "marie",
        {"side": "EMITTER", "category": category["code"], "subcategory": subcategory["code"]},
        "subcategory",
    )
    reset(page)
    # The period of creation: today (Paris), every seeded ticket; the day before, none of them.
    created_at = datetime.fromisoformat(api(stack, "GET", f"/tickets/{world.support[0]}", "marie")["created_at"])
    day = created_at.astimezone(ZoneInfo("Europe/Paris")).date()
    page.get_by_label("Du", exact=True).fill(day.isoformat())
    page.get_by_label("Au", exact=True).fill(day.isoformat())
    run_search(page)
    check_search(page, stack, "marie", {"side": "EMITTER", "created_from": str(day), "created_to": str(day)}, "period")
    before = (day - timedelta(days=1)).isoformat()
    page.get_by_label("Du", exact=True).fill(before)
    page.get_by_label("Au", exact=True).fill(before)
    run_search(page)
    period = {"side": "EMITTER", "created_from": before, "created_to": before}
    answer = api_page(stack, "marie", "/tickets/search", period)
    assert answer["total"] == 0 and shown(page, "#recherche-resultats") == []
    assert page.locator("#recherche-vide").inner_text() == "Aucun ticket ne correspond à ces critères."
    reset(page)

    # The recipient's side: Lucas, assigned to him; the emitter's SIRET.
    sign_out(page)
    search_page(page, stack, "lucas", "recus")
    assert page.locator("#critere-statut option").all_inner_texts() == ["Tous les statuts"] + [
        s.label for s in Status if s is not Status.DRAFT
    ]
    page.locator("label", has_text="Assigné à moi").click()  # the DSFR's box is drawn by its label
    run_search(page)
    check_search(page, stack, "lucas", {"side": "RECIPIENT", "assigned_to_me": "true"}, "assigned_to_me")
    assert set(world.lucas) <= set(
        numbers(api_rows(stack, "lucas", "/tickets/search", {"side": "RECIPIENT", "assigned_to_me": "true"}))
    )
    reset(page)
    page.get_by_label("SIRET de la structure émettrice").fill(GREL)
    run_search(page)
    check_search(page, stack, "lucas", {"side": "RECIPIENT", "emitter": GREL}, "emitter")


def check_search(page: Page, stack: Stack, user: str, query: dict[str, str], what: str) -> None:
    """The results shown are the API's first page of the same search, with its total."""
    answer = api_page(stack, user, "/tickets/search", {**query, "size": 25})
    assert answer["items"], f"{what}: the seeded world should match {query}"
    assert shown(page, "#recherche-resultats") == numbers(answer["items"]), what
    assert summary(page, "#recherche-resultats").startswith(total_text(answer["total"])), what
    criteria = {k: v for k, v in url_query(page).items() if k not in ("cote", "lignes", "page", "tri", "ordre")}
    assert criteria, f"{what}: the URL keeps the criteria"


def test_several_criteria_reset_and_the_apis_refusals_in_its_words(stack: Stack, world: World, page: Page) -> None:
    search_page(page, stack, "marie")
    calls = api_calls(page)
    # No criterion: the API's message, as it comes, in the alert that takes the focus; the URL keeps no search.
    run_button = page.get_by_role("button", name="Rechercher", exact=True)
    run_button.click()
    alert = page.locator("main .fr-alert--error")
    alert.wait_for()
    assert api_messages.SEARCH_CRITERION_REQUIRED in alert.inner_text()
    assert api_messages.INVALID_INPUT in alert.inner_text()
    assert page.evaluate("() => document.activeElement.contains(document.querySelector('main .fr-alert--error'))")
    assert "mots" not in url_query(page)
    assert [c.split("?")[0] for c in calls] == ["GET /tickets/search"]
    screenshot(page, "recherche-sans-critere")
    axe(page, "the search refused without a criterion")

    # Several criteria at once, then sorted by « Saisie le » both ways.
    page.get_by_label("Mots du titre ou de la description").fill("écran")
    page.locator("#critere-categorie").select_option("FACTURES_EMISES")
    page.locator("#critere-statut").select_option(label=Status.OPEN.label)
    page.get_by_label("Créé par").fill("Marie Dup")
    run_search(page)
    assert page.locator("main .fr-alert--error").count() == 0
    query = {
        "side": "EMITTER",
        "words": "écran",
        "category": "FACTURES_EMISES",
        "status": "OPEN",
        "created_by_name": "Marie Dup",
    }
    check_search(page, stack, "marie", query, "several criteria")
    wait_focus(page, "resultats-titre")
    rows = api_rows(stack, "marie", "/tickets/search", query)
    assert all(r["created_by"]["name"] == "Marie Dupont" and r["status"]["code"] == "OPEN" for r in rows)
    for order, aria in (("ASC", "ascending"), ("DESC", "descending")):
        sort_by(page, "Saisie le", "#recherche-resultats")
        assert header(page, "Saisie le", "#recherche-resultats").get_attribute("aria-sort") == aria
        assert shown(page, "#recherche-resultats") == locally_sorted(rows, "CREATED", order)[:25]
    # The columns of seed 003 and each row's actions.
    heads = page.locator(
        "#recherche-resultats thead th .fr-cell__title, #recherche-resultats thead th:not(:has(.fr-cell__title))"
    )
    assert heads.all_inner_texts() == [
        "Référence", "Catégorie", "Sous-catégorie", "Numéro d'objet", "Créé par", "Saisie le", "Statut", "Actions"
    ]  # fmt: skip
    first = shown(page, "#recherche-resultats")[0]
    view = page.get_by_role("link", name=f"Voir le ticket n° {first}")
    assert view.get_attribute("href") == f"#/tickets/{first}"
    screenshot(page, "recherche-resultats")
    axe(page, "the search's results")

    # A reload keeps the criteria in the form and the results.
    shown_before = shown(page, "#recherche-resultats")
    page.reload()
    ready(page, "#recherche-resultats")
    assert shown(page, "#recherche-resultats") == shown_before
    assert page.get_by_label("Mots du titre ou de la description").input_value() == "écran"
    assert page.locator("#critere-statut").input_value() == "OPEN"
    assert page.get_by_label("Créé par").input_value() == "Marie Dup"

    # « Réinitialiser les filtres »: every field empty, no results, the URL without criteria.
    reset(page)
    for field_id in ("critere-mots", "critere-cree-par", "critere-categorie", "critere-statut"):
        assert page.locator(f"#{field_id}").input_value() == ""
    assert url_query(page) == {"cote": "emis"}

    # A field the API refuses: its message beside the field, read through aria-describedby; then the next one.
    for fill, field_id, name, query in (
        ({"Numéro du ticket": "12a"}, "critere-numero", "number", {"number": "12a"}),
        (
            {"Numéro du ticket": "", "Du": "2026-06-30", "Au": "2026-06-01"},
            "critere-au",
            "created_to",
            {"created_from": "2026-06-30", "created_to": "2026-06-01"},
        ),
    ):
        for label, value in fill.items():
            page.get_by_label(label, exact=True).fill(value)
        run_button.click()
        page.locator(f"#{field_id}[aria-invalid=true]").wait_for()
        status, body, _ = stack.http("GET", "/tickets/search?" + urlencode({"side": "EMITTER", **query}), "marie")
        assert status == 400
        said = [e["message"] for e in body["errors"] if e["field"] == name]
        assert said and beside(page, field_id) == said[0]
        assert body["message"] in page.locator("main .fr-alert--error").inner_text()
    axe(page, "the search with a field refused")


def beside(page: Page, field_id: str) -> str:
    """The error shown beside a field, read as a screen reader does: through the field's aria-describedby."""
    described = (page.locator(f"#{field_id}").get_attribute("aria-describedby") or "").split()
    errors = [i for i in described if i.endswith("-erreur")]
    assert errors, f"#{field_id} names no error in aria-describedby ({described})"
    return page.locator(f"#{errors[0]}").inner_text()


def wait_focus(page: Page, element_id: str) -> None:
    page.wait_for_function("id => document.activeElement?.id === id", arg=element_id)


def test_a_draft_is_deleted_from_the_results_after_its_confirmation(stack: Stack, world: World, page: Page) -> None:
    search_page(page, stack, "marie")
    page.get_by_label("Mots du titre ou de la description").fill(DELETABLE)
    page.locator("#critere-statut").select_option(label=Status.DRAFT.label)
    run_search(page)
    found = shown(page, "#recherche-resultats")
    assert set(found) == set(world.drafts[:3])
    target = found[0]
    button = page.get_by_role("button", name=f"Supprimer le brouillon n° {target}")
    # Cancelled: the focus back on its button, the draft still there.
    button.click()
    dialog = page.get_by_role("dialog", name="Supprimer le brouillon ?")
    opened(page, dialog)
    assert f"Le brouillon n° {target} « {DELETABLE} » sera supprimé définitivement" in dialog.inner_text()
    axe(page, "the dialog confirming the deletion of a draft")
    screenshot(page, "recherche-supprimer-brouillon", full_page=False)
    dialog.get_by_role("button", name="Annuler").click()
    dialog.wait_for(state="hidden")
    page.wait_for_function(f"() => document.activeElement?.title === 'Supprimer le brouillon n° {target}'")
    assert stack.http("GET", f"/tickets/{target}", "marie")[0] == 200
    # Confirmed: gone from the API and from the list, the confirmation read first.
    button.click()
    opened(page, dialog)
    dialog.get_by_role("button", name="Supprimer le brouillon").click()
    dialog.wait_for(state="hidden")
    page.get_by_text(f"Le brouillon n° {target} a été supprimé").wait_for()
    ready(page, "#recherche-resultats")
    assert target not in shown(page, "#recherche-resultats")
    assert set(shown(page, "#recherche-resultats")) == set(world.drafts[:3]) - {target}
    assert stack.http("GET", f"/tickets/{target}", "marie")[0] == 404
    page.wait_for_function("() => document.activeElement?.textContent?.includes('a été supprimé')")
    # The same from the « Brouillons » tab.
    page.goto(f"{stack.url}/#/tickets?cote=emis&onglet=brouillons&lignes=100")
    ready(page)
    second = world.drafts[1] if world.drafts[1] != target else world.drafts[2]
    page.get_by_role("button", name=f"Supprimer le brouillon n° {second}").click()
    opened(page, dialog)
    dialog.get_by_role("button", name="Supprimer le brouillon").click()
    page.get_by_text(f"Le brouillon n° {second} a été supprimé").wait_for()
    ready(page)
    assert second not in shown(page)
    assert shown(page) == numbers(api_rows(stack, "marie", "/tickets", {"side": "EMITTER", "tab": "DRAFTS"}))


def opened(page: Page, dialog: Locator) -> None:
    """A DSFR modal open and done fading in (axe reads colours as painted)."""
    dialog.wait_for()
    dialog.evaluate("d => Promise.all(d.getAnimations({subtree: true}).map(a => a.finished))")
    page.wait_for_function("d => getComputedStyle(d).opacity === '1'", arg=dialog.element_handle())


# ------------------------------------------------------------------------------------------ one call per page
def test_each_page_is_asked_once(stack: Stack, world: World, page: Page) -> None:
    calls = api_calls(page)
    sign_in(page, stack, "marie", fragment="/tickets?cote=emis&onglet=en-cours&lignes=25")
    ready(page)
    lists = [c for c in calls if c.startswith("GET /tickets")]
    assert len(lists) == 1 and "tab=ONGOING" in lists[0], calls
    assert len(calls) == len(set(calls)), calls
    calls.clear()
    page.locator("#liste-resultats .fr-pagination__link--next").click()
    ready(page)
    choose_tab(page, "CLOSED")
    sort_by(page, "Statut")
    assert len(calls) == 3 and len(set(calls)) == 3, calls
    calls.clear()
    page.get_by_role("link", name="Rechercher des tickets").click()
    page.get_by_role("button", name="Rechercher", exact=True).wait_for()
    settled(page)
    page.get_by_label("Mots du titre ou de la description").fill("eau")
    run_search(page)
    assert sorted(c.split("?")[0] for c in calls) == ["GET /catalogue", "GET /tickets/search"], calls


# ------------------------------------------------------------------------------------------ keyboard, axe, reflow
def focused(page: Page) -> dict[str, str]:
    info: dict[str, str] = page.evaluate(
        "() => ({id: document.activeElement.id, text: document.activeElement.innerText || '', "
        "role: document.activeElement.getAttribute('role') || '', tag: document.activeElement.tagName})"
    )
    return info


def tab_until(
    page: Page, wanted: Callable[[dict[str, str]], bool], limit: int = 80, back: bool = False
) -> dict[str, str]:
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        now = focused(page)
        if wanted(now):
            return now
    pytest.fail("the keyboard never reached the element")


def test_the_tabs_and_the_search_with_the_keyboard_alone(stack: Stack, world: World, page: Page) -> None:
    sign_in(page, stack, "marie", fragment="/tickets")
    ready(page)
    # The tabs: one tab stop, the arrows move, Enter shows.
    now = tab_until(page, lambda f: f["role"] == "tab")
    assert now["text"] == "Actions requises"
    page.keyboard.press("ArrowRight")
    assert focused(page)["text"] == "Tous (sauf clôturés)"
    page.keyboard.press("End")
    assert focused(page)["text"] == "Brouillons"
    page.keyboard.press("ArrowRight")
    assert focused(page)["text"] == "Actions requises"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    ready(page)
    assert url_query(page)["onglet"] == "brouillons"
    assert shown(page) == numbers(
        api_page(stack, "marie", "/tickets", {"side": "EMITTER", "tab": "DRAFTS", "size": 25})["items"]
    )
    # A sort with the keyboard: Tab to the « Statut » header's button, Enter.
    tab_until(page, lambda f: f["text"].startswith("Trier par « Statut »"))
    page.keyboard.press("Enter")
    ready(page)
    assert header(page, "Statut").get_attribute("aria-sort") == "ascending"

    # The search: from the link at the top, fill with the keyboard, Enter runs it.
    tab_until(page, lambda f: f["id"] == "lien-recherche", back=True)
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Rechercher", exact=True).wait_for()
    settled(page)
    tab_until(page, lambda f: f["id"] == "critere-mots")
    page.keyboard.type("électricité")
    tab_until(page, lambda f: f["id"] == "critere-statut")
    page.keyboard.press("ArrowDown")  # « Brouillon »
    page.keyboard.press("ArrowDown")  # « Ouvert »
    assert page.locator("#critere-statut").input_value() == "OPEN"
    tab_until(page, lambda f: f["id"] == "bouton-rechercher")
    page.keyboard.press("Enter")
    ready(page, "#recherche-resultats")
    check_search(page, stack, "marie", {"side": "EMITTER", "words": "électricité", "status": "OPEN"}, "keyboard")
    wait_focus(page, "resultats-titre")
    # On to the first result, Enter opens its detail.
    first = shown(page, "#recherche-resultats")[0]
    tab_until(page, lambda f: f["tag"] == "A" and f["text"].endswith(str(first)))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/#/tickets/{first}")


def test_axe_and_reflow_at_320_px_and_200_percent_zoom(stack: Stack, world: World, page: Page) -> None:
    sign_in(page, stack, "claire", fragment="/tickets?cote=emis&onglet=en-cours")
    ready(page)
    axe(page, "the emitted tickets' tabs")
    page.locator("fieldset.fr-segmented label", has_text="Tickets reçus").click()
    ready(page)
    page.locator("#filtre-structure").select_option(SAINT_LEGER)
    ready(page)
    axe(page, "the received tickets' tabs with the structure filter")
    page.goto(f"{stack.url}/#/tickets?cote=emis&onglet=en-cours&lignes=10&page=2")
    page.reload()
    ready(page)
    screenshot(page, "onglets-emis")
    for width in (320, 640):
        page.set_viewport_size({"width": width, "height": 900})
        ready(page)
        assert horizontal_overflow(page) == 0, f"the tabs scroll sideways at {width} px"
        axe(page, f"the tabs at {width} px")
        screenshot(page, f"onglets-{width}px")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{stack.url}/#/tickets/recherche?cote=emis&cree-par=claire&lignes=10&page=1")
    ready(page, "#recherche-resultats")
    assert shown(page, "#recherche-resultats"), "Claire has tickets of her own"
    axe(page, "the search with results")
    for width in (320, 640):
        page.set_viewport_size({"width": width, "height": 900})
        assert horizontal_overflow(page) == 0, f"the search scrolls sideways at {width} px"
        axe(page, f"the search at {width} px")
        screenshot(page, f"recherche-{width}px")
