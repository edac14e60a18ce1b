"""Exports through the real handlers, read back as a user's software reads them: the CSV as French Excel does
(byte-order mark, « ; », dd/mm/yyyy, no formula ever run), the XLSX with openpyxl, the PDF's text with pypdf,
the ZIP with zipfile. The XLSX and PDF come from the exports function's own writer (XlsxWriter, fpdf2).

Where storage matters (a file behind a link, the files an archive packs) the tests run on the in-memory ports
and storage (``api``) and on DynamoDB and S3 (moto, ``aws_api``), where the link is a presigned S3 URL that
is fetched as a browser would.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import subprocess
import sys
import unicodedata
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import openpyxl
import pytest
import requests
from pypdf import PdfReader

from chorus_desk import documents, messages
from chorus_desk.listing import PARIS
from chorus_desk.models import utc_now
from chorus_desk.usecases import following
from tests.fixtures import DUPONT, MARTIN
from tests.support import TEST_IDS, Api, Reply
from tests.test_attachments import PDF, PNG

FORMULAS = ("=1+1", "+33 1 23 45 67 89", "-120 € de trop", "@SOMME(A1:A9)")
FRENCH = "Électricité : œuvre réglée à 120 €, ça coûte « trop » — déjà vu"


# --------------------------------------------------------------------------------------------- helpers
@pytest.fixture(params=["api", "aws_api"])
def any_api(request: pytest.FixtureRequest) -> Iterator[Api]:
    """The same test in memory and on DynamoDB and S3 (moto)."""
    api: Api = request.getfixturevalue(request.param)
    yield api
    api.forget_exports_settings()


@pytest.fixture
def memory_api(api: Api) -> Iterator[Api]:
    yield api
    api.forget_exports_settings()


def created(api: Api, user: str = "marie", **fields: Any) -> int:
    reply = api.create(user, **fields)
    assert reply.status == 201, reply.body
    return int(reply.body["number"])


def export(api: Api, user: str | None, **query: str) -> Reply:
    return api.call_raw("export_tickets", user, query=query)


def fetch(api: Api, url: str) -> tuple[bytes, str | None]:
    """What a browser gets from the link: the bytes and the ``Content-Disposition`` (moto answers the presigned
    S3 URL as S3 would; the in-memory storage's link names its key)."""
    if url.startswith("memory://"):
        key = unquote(urlsplit(url).path).lstrip("/")
        data = api.objects.read(key)
        assert data is not None, key
        return data, None
    answer = requests.get(url, timeout=5)
    assert answer.status_code == 200, answer.text
    return answer.content, answer.headers.get("Content-Disposition")


def followed(api: Api, reply: Reply, user: str = "marie") -> bytes:
    """The 303's link, checked against its body and followed; the file is ``user``'s in the storage."""
    assert reply.status == 303, reply.body
    body = reply.body
    assert reply.headers["Location"] == body["url"]
    assert set(body) == {"url", "expires_at", "name", "size", "rows"}
    assert utc_now() < datetime.fromisoformat(body["expires_at"]) <= utc_now() + timedelta(minutes=5)
    data, disposition = fetch(api, body["url"])
    assert len(data) == body["size"]
    if disposition is not None:
        assert disposition.startswith("attachment;") and body["name"] in disposition
    stored = api.objects.keys()
    key = next(k for k in stored if k.endswith("/" + body["name"]))
    prefix, owner, random, name = key.split("/")
    assert (prefix, name) == ("exports", body["name"])
    assert owner == hashlib.sha256(TEST_IDS[user].encode()).hexdigest()[:32]  # a hash, never the id itself
    assert len(random) == 32 and urlsplit(body["url"]).path.endswith(quote(key, safe="/"))
    return data


def csv_rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff"), "Excel needs the byte-order mark to read UTF-8"
    body = text.removeprefix("\ufeff")
    assert body.endswith("\r\n") and "\n" not in body.replace("\r\n", "")
    return list(csv.reader(io.StringIO(body, newline=""), delimiter=";"))


def xlsx(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data)).active


def pdf_text(data: bytes) -> str:
    """The PDF's text, each run of spaces as one (the extraction doubles some)."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def listed(api: Api, user: str, route: str, **query: str) -> list[int]:
    reply = api.call(route, user, query={**query, "size": "100"})
    assert reply.status == 200, reply.body
    assert reply.body["next_cursor"] is None
    return [item["number"] for item in reply.body["items"]]


def today() -> str:
    return datetime.now(PARIS).strftime("%d/%m/%Y")


def invalid(reply: Reply, field: str, message: str | None = None) -> None:
    assert reply.status == 400, reply.body
    assert reply.body["code"] == "DONNEES_INVALIDES"
    if message is None:
        assert field in {e["field"] for e in reply.body["errors"]}, reply.body
    else:
        assert {"field": field, "message": message} in reply.body["errors"], reply.body


# -------------------------------------------------------------------------------------------------- CSV
def test_a_small_csv_is_the_answer_itself_as_a_french_excel_reads_it(memory_api: Api) -> None:
    api = memory_api
    numbers = [created(api, title=t) for t in (*FORMULAS, FRENCH)]
    created(api, title="Brouillon", submit=False)

    reply = export(api, "marie", format="CSV", side="EMITTER", tab="ONGOING", sort="NUMBER", order="ASC")

    assert reply.status == 200, reply.body
    assert reply.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = reply.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="sollicitations-emises-') and '.csv"' in disposition
    assert reply.headers["Access-Control-Expose-Headers"] == "Content-Disposition"
    header, *rows = csv_rows(reply.body)
    assert header == list(messages.EXPORT_COLUMNS)
    assert [int(r[0]) for r in rows] == numbers  # the tab's tickets, in its order (not the draft)
    titles = [r[1] for r in rows]
    assert titles == ["'=1+1", "'+33 1 23 45 67 89", "'-120 € de trop", "'@SOMME(A1:A9)", FRENCH]
    first = dict(zip(header, rows[0], strict=True))
    assert first["Date d'ouverture"] == first["Dernière mise à jour"] == today()
    assert first["Structure émettrice"] == f"Menuiserie Dupont ({DUPONT})"
    assert first["Service émetteur"] == "Comptabilité fournisseurs"
    assert first["Statut"] == "Ouvert"
    assert (first["Catégorie"], first["Sous-catégorie"]) == ("Factures émises", "Mandat de facturation")
    assert first["Destinataire"] == "Support technique Chorus Pro"
    assert first["Créé par"] == "Marie Dupont"
    assert (first["Agent assigné"], first["Type d'objet"], first["Numéro d'objet"]) == ("", "", "")


def test_every_formula_start_is_neutralised_and_other_texts_are_kept() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert documents.neutralised(start + "1") == "'" + start + "1"
    for text in ("Facture 12", " =1", "1-2", "", "'déjà"):
        assert documents.neutralised(text) == text
    text = documents.csv_text(("A", "B"), [(1, "x;y"), (None, 'dit "oui"'), (datetime(2026, 1, 2, 23, 59), "\r=1")])
    assert text == '\ufeffA;B\r\n1;"x;y"\r\n;"dit ""oui"""\r\n02/01/2026;"\'\r=1"\r\n'


def test_a_csv_larger_than_the_setting_is_written_to_storage_and_linked(any_api: Api) -> None:
    api = any_api
    api.exports_settings(inline_max_bytes=400)
    numbers = [created(api, title=f"{FRENCH} n° {i}") for i in range(4)]

    reply = export(api, "marie", format="CSV", side="EMITTER", tab="ONGOING", sort="NUMBER", order="DESC")

    data = followed(api, reply)
    assert reply.body["rows"] == 4 and reply.body["name"].endswith(".csv")
    assert len(data) > 400
    _, *rows = csv_rows(data.decode("utf-8"))
    assert [int(r[0]) for r in rows] == numbers[::-1]
    assert rows[0][1] == f"{FRENCH} n° 3"


def test_the_inline_limit_is_a_setting_validated_at_cold_start(template: dict[str, Any]) -> None:
    from local_stack.template import Resolver, function_environment

    environment = function_environment(template, "ExportsFunction", Resolver(template))
    assert environment["EXPORT_INLINE_MAX_BYTES"] == str(1024 * 1024)
    from chorus_desk.settings import ExportsSettings, SettingsError, load_settings

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EXPORT_INLINE_MAX_BYTES", "0")
        with pytest.raises(SettingsError, match="EXPORT_INLINE_MAX_BYTES"):
            load_settings(ExportsSettings)


def test_the_function_stops_at_cold_start_without_its_bucket(template: dict[str, Any]) -> None:
    from local_stack.template import ROOT, Resolver, function_environment
    from tests.test_architecture import IMPORT_HANDLER

    environment = function_environment(template, "ExportsFunction", Resolver(template, parameters={"Stage": "dev"}))
    base = {
        k: v for k, v in os.environ.items() if k not in environment and k not in ("TABLE_NAME", "ATTACHMENTS_BUCKET")
    }
    base["PYTHONPATH"] = str(ROOT)

    def run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", IMPORT_HANDLER, "ExportsFunction"]
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)

    assert run({**base, **environment}).stdout.strip() == "imported"
    missing = run({**base, **{k: v for k, v in environment.items() if k != "ATTACHMENTS_BUCKET"}})
    last = missing.stderr.strip().splitlines()[-1]
    assert last.startswith("chorus_desk.settings.SettingsError") and "ATTACHMENTS_BUCKET" in last, last


# ------------------------------------------------------------------------------------------------- XLSX
def test_the_xlsx_holds_the_list_s_rows_in_its_order_with_real_dates_and_texts(any_api: Api) -> None:
    api = any_api
    for title in ("Zèbre", *FORMULAS, "Abricot", FRENCH):
        created(api, title=title)
    closed = api.ticket_in("CLOSED")
    query = {"side": "EMITTER", "tab": "ONGOING", "sort": "TITLE", "order": "ASC"}

    reply = export(api, "marie", format="XLSX", **query)

    sheet = xlsx(followed(api, reply))
    assert reply.body["name"].endswith(".xlsx")
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == list(messages.EXPORT_COLUMNS)
    numbers = [row[0] for row in values[1:]]
    assert numbers == listed(api, "marie", "list_tab", **query)
    assert closed not in numbers and reply.body["rows"] == len(numbers) == 7
    assert sheet.title == messages.EXPORT_SHEET_NAME
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:O{len(values)}"
    assert all(cell.font.b for cell in sheet[1])
    by_title = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    formula = by_title["=1+1"]  # written as a string: Excel shows it, never computes it
    assert formula[1].data_type == "s"
    assert set(FORMULAS) <= set(by_title)
    opened, updated = formula[5], formula[6]
    assert isinstance(opened.value, datetime) and isinstance(updated.value, datetime)
    assert opened.number_format == "dd/mm/yyyy"
    assert opened.value.strftime("%d/%m/%Y") == today()
    assert isinstance(formula[0].value, int)
    assert by_title[FRENCH][7].value == f"Menuiserie Dupont ({DUPONT})"


# ------------------------------------------------------------------------------------ modes and refusals
def test_the_search_mode_takes_the_search_s_criteria(memory_api: Api) -> None:
    api = memory_api
    wanted = created(api, title=FRENCH)
    created(api, title="Autre chose")
    closed = api.ticket_in("CLOSED")

    reply = export(api, "marie", format="CSV", side="EMITTER", words="electricite oeuvre")
    _, *rows = csv_rows(reply.body)
    assert [int(r[0]) for r in rows] == [wanted]

    reply = export(api, "marie", format="CSV", side="EMITTER", status="CLOSED")
    _, *rows = csv_rows(reply.body)
    assert [int(r[0]) for r in rows] == listed(api, "marie", "search_tickets", side="EMITTER", status="CLOSED")
    assert [int(r[0]) for r in rows] == [closed]


def test_the_recipient_side_exports_what_was_received(memory_api: Api) -> None:
    api = memory_api
    sent = created(api)
    other = created(api, "nora", emitter_siret=MARTIN, emitter_service=None)

    reply = export(api, "sophie", format="CSV", side="RECIPIENT", tab="ACTION")

    _, *rows = csv_rows(reply.body)
    numbers = [int(r[0]) for r in rows]
    assert {sent, other} <= set(numbers)
    assert numbers == listed(api, "sophie", "list_tab", side="RECIPIENT", tab="ACTION")


def test_another_structure_s_tickets_are_never_in_an_export(memory_api: Api) -> None:
    api = memory_api
    mine = created(api)
    theirs = created(api, "nora", emitter_siret=MARTIN, emitter_service=None, title="Chez Martin")

    for user, own, other in (("marie", mine, theirs), ("nora", theirs, mine)):
        for query in ({"tab": "ONGOING"}, {"status": "OPEN"}, {"words": "sous-traitant"}, {"number": str(other)}):
            reply = export(api, user, format="CSV", side="EMITTER", **query)
            assert reply.status == 200, reply.body
            numbers = [int(r[0]) for r in csv_rows(reply.body)[1:]]
            assert other not in numbers, (user, query)
            if "number" not in query:
                assert own in numbers, (user, query)
    refused = export(api, "marie", format="CSV", side="EMITTER", emitter=MARTIN)
    invalid(refused, "emitter", messages.NOT_YOUR_ORGANISATION)


def test_an_export_is_refused_as_its_list_would_be(memory_api: Api) -> None:
    api = memory_api
    invalid(
        export(api, "marie", format="CSV", side="EMITTER"), "criteria", messages.SEARCH_CRITERION_REQUIRED
    )  # search mode with no criterion
    invalid(export(api, "marie", format="PDF", side="EMITTER", tab="ONGOING"), "format")
    assert export(api, "marie", side="EMITTER", tab="ONGOING").status == 400  # no format
    invalid(
        export(api, "marie", format="CSV", side="RECIPIENT", tab="DRAFTS"),
        "tab",
        messages.TAB_NOT_ON_SIDE.format(tab="Brouillons"),
    )
    invalid(
        export(api, "marie", format="XLSX", side="EMITTER", tab="ONGOING", assigned_to_me="true"),
        "assigned_to_me",
        messages.ASSIGNED_ONLY_RECEIVED,
    )
    # Each mode takes its own list's parameters, without the page's; a tab with criteria is a search in the tab,
    # which takes no « structure » (the search names it by emitter or recipient).
    misplaced = (
        {"tab": "ONGOING", "words": "x", "structure": "53453679200011"},
        {"tab": "ONGOING", "size": "25"},
        {"tab": "ONGOING", "page": "2"},
        {"status": "OPEN", "cursor": "x"},
    )
    for query in misplaced:
        reply = export(api, "marie", format="CSV", side="EMITTER", **query)
        assert reply.status == 400, query
        assert reply.body["errors"][0]["message"].startswith("Paramètre inconnu."), reply.body
    assert export(api, None, format="CSV", side="EMITTER", tab="ONGOING").status == 401


def test_a_day_that_cannot_be_placed_in_paris_time_is_refused(memory_api: Api) -> None:
    for name, day in (("created_from", "0001-01-01"), ("created_to", "9999-12-31")):
        reply = export(memory_api, "marie", format="CSV", side="EMITTER", **{name: day})
        invalid(reply, name, messages.DATE_INVALID.format(value=day))


def test_an_export_too_large_asks_for_a_narrower_search(memory_api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    api = memory_api
    for _ in range(3):
        created(api)
    monkeypatch.setattr(following, "EXPORT_LIMIT", 2)

    reply = export(api, "marie", format="XLSX", side="EMITTER", tab="ONGOING")

    invalid(reply, "criteria", messages.EXPORT_TOO_MANY_ROWS.format(limit="2"))
    assert api.objects.keys() == []


# -------------------------------------------------------------------------------------------------- PDF
def followed_ticket(api: Api) -> int:
    """A ticket with an exchange: a question, its answer, an answer, a refusal, an answer, acceptance."""
    number = created(
        api,
        title="Facture réglée : 120 € manquants",
        description="Élève, père, à côté, garçon, œuvre, « guillemets » et 120 € — **pas du gras** <b>ni</b> {nb}.",
        object_type=None,
    )
    steps = [
        ("take_in_charge", "lucas", {}),
        ("request_information", "lucas", {"question": "Quel est le numéro du bon de commande ?"}),
        ("provide_information", "marie", {"text": "BC-2026-118, reçu le 2 novembre."}),
        ("answer", "lucas", {"text": "Le paiement a été régularisé."}),
        ("refuse_solution", "marie", {"reason": "Il manque toujours 120 €."}),
        ("answer", "lucas", {"text": "Corrigé côté flux : 120 € versés."}),
        ("accept_solution", "marie", {}),
    ]
    for route, user, body in steps:
        reply = api.call(route, user, number, body=body)
        assert reply.status == 200, (route, reply.body)
    return number


def test_the_pdf_shows_the_ticket_its_exchanges_and_history_in_french(any_api: Api) -> None:
    api = any_api
    number = followed_ticket(api)

    reply = api.call("ticket_pdf", "marie", number)

    data = followed(api, reply)
    assert data.startswith(b"%PDF-")
    assert reply.body["name"] == f"sollicitation-{number}.pdf" and reply.body["rows"] is None
    text = pdf_text(data)
    for expected in (
        f"Sollicitation n° {number}",
        "Statut : Fermé",
        "Facture réglée : 120 € manquants",
        "Élève, père, à côté, garçon, œuvre, « guillemets » et 120 €",
        "**pas du gras** <b>ni</b> {nb}.",  # a user's text is printed as it is, markup and all
        "Menuiserie Dupont",
        DUPONT,
        "Comptabilité fournisseurs",
        "Support technique Chorus Pro",
        "Lucas Fabre",
        "Factures émises",
        "Mandat de facturation",
        "Quel est le numéro du bon de commande ?",
        "BC-2026-118, reçu le 2 novembre.",
        "Le paiement a été régularisé.",
        "Il manque toujours 120 €.",
        "Corrigé côté flux : 120 € versés.",
        *messages.PDF_EXCHANGE_KINDS.values(),
        *(messages.ACTION_LABELS[a] for a in ("CREATE_AND_SUBMIT", "TAKE_IN_CHARGE", "ACCEPT_SOLUTION")),
        "Ouvert → En cours",
        messages.PDF_NO_ATTACHMENT,
    ):
        assert expected in text, expected
    for letter in "éèàçœ€«»":
        assert letter in text, letter


def test_texts_longer_than_a_page_flow_on_to_the_next_pages(memory_api: Api) -> None:
    api = memory_api
    number = created(api, description=("Une description très longue. " * 330).strip())
    answer = "Réponse détaillée, ligne après ligne.\n" * 200 + "x" * 1500 + " FIN DE LA RÉPONSE"
    assert len(answer) <= 10000
    for route, body in (("take_in_charge", {}), ("answer", {"text": answer})):
        assert api.call(route, "lucas", number, body=body).status == 200

    reply = api.call("ticket_pdf", "marie", number)

    data = followed(api, reply)
    text = pdf_text(data)
    assert text.count("FIN DE LA RÉPONSE") == 2  # in the questions and answers, and in the history
    assert len(PdfReader(io.BytesIO(data)).pages) > 4


def test_the_pdf_is_for_whoever_sees_the_ticket_and_nobody_else(memory_api: Api) -> None:
    api = memory_api
    number = created(api)

    for user in ("marie", "paul", "julie", "sophie", "lucas"):
        assert api.call("ticket_pdf", user, number).status == 303, user
    refused = api.call("ticket_pdf", "nora", number, query={"attachments": "true"})
    detail = api.call("get_ticket", "nora", number)
    assert (refused.status, refused.body) == (detail.status, detail.body) == (404, refused.body)
    assert api.call("ticket_pdf", "marie", 999999).status == 404
    assert api.call("ticket_pdf", "marie", "0123").status == 400
    invalid(api.call("ticket_pdf", "marie", number, query={"attachments": "oui"}), "attachments")
    assert api.call("ticket_pdf", "marie", number, query={"format": "PDF"}).status == 400
    assert api.call("ticket_pdf", None, number).status == 401
    stored = api.objects.keys()
    assert len(stored) == 5
    assert all(k.startswith("exports/") and k.endswith(".pdf") for k in stored)


def test_the_archive_holds_the_pdf_and_every_available_file_under_distinct_names(any_api: Api) -> None:
    api = any_api
    number = api.ticket_in("DRAFT")
    kept = {}
    for name, data in (("facture.pdf", PDF), ("Facture.PDF", PDF + b"%2"), ("capture d'écran.png", PNG)):
        attached = api.attach("marie", number, name, data)
        assert attached.outcome == "accepted", attached
        kept[name] = data
    assert api.attach("marie", number, "mensonge.png", PDF).outcome == "refused"
    assert api.request_upload("marie", number, "en-attente.pdf", 100).status == 201  # never uploaded

    reply = api.call("ticket_pdf", "marie", number, query={"attachments": "true"})

    archive = zipfile.ZipFile(io.BytesIO(followed(api, reply)))
    assert reply.body["name"] == f"sollicitation-{number}.zip"
    folder = messages.ZIP_ATTACHMENTS_FOLDER
    assert sorted(archive.namelist()) == sorted(
        [
            f"sollicitation-{number}.pdf",
            f"{folder}/facture.pdf",
            f"{folder}/Facture (2).PDF",
            f"{folder}/capture d'écran.png",
        ]
    )
    assert archive.read(f"{folder}/facture.pdf") == kept["facture.pdf"]
    assert archive.read(f"{folder}/Facture (2).PDF") == kept["Facture.PDF"]
    assert archive.read(f"{folder}/capture d'écran.png") == kept["capture d'écran.png"]
    assert archive.testzip() is None
    text = pdf_text(archive.read(f"sollicitation-{number}.pdf"))
    assert "facture.pdf" in text and "mensonge.png" in text  # the PDF lists every file, refused ones too
    assert messages.ATTACHMENT_STATE_LABELS["REFUSED"] in text
    assert "en-attente.pdf" not in text


def test_archive_names_are_safe_and_distinct() -> None:
    names = documents.unique_names(
        [
            "../../etc/passwd",
            "a:b*c?.txt",
            "CON.txt",
            "rapport.pdf",
            "RAPPORT.pdf",
            "rapport.pdf",
            "..",
            "x" * 300 + ".pd",
        ]
    )
    assert names[:7] == [
        ".._.._etc_passwd",
        "a_b_c_.txt",
        "_CON.txt",
        "rapport.pdf",
        "RAPPORT (2).pdf",
        "rapport (3).pdf",
        messages.ZIP_UNNAMED_FILE,
    ]
    assert names[7].endswith(".pd") and len(names[7]) == documents.MAX_NAME_LENGTH
    assert all("/" not in n and "\\" not in n for n in names)
    decomposed = unicodedata.normalize("NFD", "é.txt")
    assert documents.unique_names(["é.txt", decomposed]) == ["é.txt", "é (2).txt"]


# ------------------------------------------------------------------------------------------------- ports
def test_the_storage_reads_and_stores_whole_objects(any_api: Api) -> None:
    storage = any_api.storage
    assert storage.read("exports/nothing/here.csv") is None
    storage.write("exports/a/b/liste.csv", b"\xef\xbb\xbfa;b\r\n", "text/csv; charset=utf-8", "attachment")
    assert storage.read("exports/a/b/liste.csv") == b"\xef\xbb\xbfa;b\r\n"


def test_a_web_page_asking_for_json_gets_the_link_itself_instead_of_a_redirect(api: Api) -> None:
    """``fetch`` cannot read a 303's body nor follow it to the bucket: with ``Accept: application/json`` the
    export and the PDF answer 200 with the link, the same one a redirect would give."""
    number = api.create("marie", submit=True).body["number"]
    json_first = {"Accept": "application/json"}
    pdf = api.call("ticket_pdf", "marie", number=number, query={}, headers=json_first)
    assert pdf.status == 200
    assert pdf.body["url"] and pdf.body["name"].endswith(".pdf")
    redirected = api.call("ticket_pdf", "marie", number=number, query={})
    assert redirected.status == 303 and redirected.headers["Location"]
    sheet = api.call(
        "export_tickets", "marie", query={"format": "XLSX", "side": "EMITTER", "tab": "ONGOING"}, headers=json_first
    )
    assert sheet.status == 200 and sheet.body["name"].endswith(".xlsx")
