"""The exports' ``DocumentWriter``: XLSX with XlsxWriter, PDF with fpdf2 and the DejaVu Sans fonts of fonts/
(regular and bold, embedded as subsets: every French letter, the ligatures, « », and €).

The only module of the desk that imports these libraries, and only inside the methods that use them: loading
this module costs nothing. What it is given is laid out, never interpreted: a text is written to a cell as a
string (never a formula, a number or a link), and printed in the PDF as it is (no markdown, no HTML).
"""

from __future__ import annotations

import io
import secrets
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chorus_desk.ports import Cell, Fields, Paragraph, PrintedDocument, Table

if TYPE_CHECKING:
    from fpdf import FPDF

FONTS = Path(__file__).resolve().with_name("fonts")
FAMILY = "DejaVuSans"
GREY = (230, 230, 230)
MARGIN = 15  # mm, every side
LINE = 5  # mm, the height of a line of body text (9 pt)
TABLE_LINE = 4.2  # mm, a line of a table (8 pt)
TABLE_PADDING = 1  # mm, around a table cell's text
MAX_ROW_LINES = 40  # lines of a table row: far less than a page holds


class LibraryWriter:
    """``DocumentWriter``: spreadsheets with XlsxWriter, PDF documents with fpdf2."""

    def spreadsheet(
        self, sheet: str, headers: tuple[str, ...], widths: tuple[int, ...], rows: Iterable[tuple[Cell, ...]]
    ) -> bytes:
        import xlsxwriter  # type: ignore[import-untyped]

        output = io.BytesIO()
        # constant_memory: each row goes to a temporary file (Lambda's /tmp) as it is written, not kept in memory.
        options = {"constant_memory": True, "tmpdir": tempfile.gettempdir(), "strings_to_formulas": False}
        workbook = xlsxwriter.Workbook(output, options)
        bold = workbook.add_format({"bold": True, "bg_color": "#E6E6E6", "bottom": 1})
        day = workbook.add_format({"num_format": "dd/mm/yyyy"})
        worksheet = workbook.add_worksheet(sheet)
        for column, width in enumerate(widths):
            worksheet.set_column(column, column, width)
        for column, header in enumerate(headers):
            worksheet.write_string(0, column, header, bold)
        worksheet.freeze_panes(1, 0)
        last = 0
        for last, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, datetime):
                    worksheet.write_datetime(last, column, value, day)
                elif isinstance(value, int):
                    worksheet.write_number(last, column, value)
                else:
                    worksheet.write_string(last, column, value)
        worksheet.autofilter(0, 0, last, len(headers) - 1)
        workbook.close()
        return output.getvalue()

    def pdf(self, document: PrintedDocument) -> bytes:
        from fpdf import FPDF, FontFace
        from fpdf.enums import XPos, YPos

        # The total of pages is written where this alias stands: a random one, so no text can contain it.
        pages_alias = f"[{secrets.token_hex(6)}]"

        class Printed(FPDF):
            def footer(self) -> None:
                self.set_y(-MARGIN + 3)
                self.set_font(FAMILY, size=7)
                self.set_text_color(110)
                text = document.footer.replace("{page}", str(self.page_no())).replace("{pages}", pages_alias)
                self.cell(0, 4, text, align="C")
                self.set_text_color(0)

        pdf = Printed(orientation="portrait", unit="mm", format="A4")
        pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        pdf.alias_nb_pages(pages_alias)
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(auto=True, margin=MARGIN + 3)
        pdf.set_title(document.title)
        pdf.set_author(document.author)
        pdf.set_creator(document.author)
        pdf.set_lang("fr-FR")
        pdf.add_page()

        next_line: dict[str, Any] = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
        pdf.set_font(FAMILY, "B", 16)
        pdf.multi_cell(0, 9, document.title, **next_line)
        pdf.set_font(FAMILY, size=9)
        for line in document.subtitle:
            pdf.multi_cell(0, LINE, line, **next_line)
        heading_style = FontFace(family=FAMILY, emphasis="BOLD", fill_color=GREY)
        label_style = FontFace(family=FAMILY, emphasis="BOLD")
        for section in document.sections:
            pdf.ln(4)
            pdf.set_font(FAMILY, "B", 11)
            pdf.set_fill_color(*GREY)
            pdf.multi_cell(0, 7, section.title, fill=True, **next_line)
            pdf.set_fill_color(255)
            pdf.ln(1)
            pdf.set_font(FAMILY, size=9)
            for block in section.blocks:
                if isinstance(block, Fields):
                    _fields(pdf, block, label_style)
                elif isinstance(block, Paragraph):
                    if block.heading:
                        pdf.set_font(FAMILY, "B", 9)
                        pdf.multi_cell(0, LINE, block.heading, **next_line)
                        pdf.set_font(FAMILY, size=9)
                    pdf.multi_cell(0, LINE, block.text, **next_line)
                    pdf.ln(1)
                elif isinstance(block, Table):
                    _table(pdf, block, heading_style)
        return bytes(pdf.output())


def _fields(pdf: FPDF, block: Fields, label_style: Any) -> None:
    with pdf.table(
        col_widths=(30, 70),
        borders_layout="NONE",
        first_row_as_headings=False,
        text_align="LEFT",
        line_height=LINE,
        padding=(0.5, 1),
    ) as table:
        for label, value in block.lines:
            row = table.row()
            row.cell(label, style=label_style)
            row.cell(value)


def _table(pdf: FPDF, block: Table, heading_style: Any) -> None:
    pdf.set_font(FAMILY, size=8)
    with pdf.table(
        col_widths=block.widths,
        headings_style=heading_style,
        text_align="LEFT",
        line_height=TABLE_LINE,
        padding=TABLE_PADDING,
        repeat_headings=1,
    ) as table:
        for cells in (block.headers, *_page_sized(pdf, block)):
            row = table.row()
            for text in cells:
                row.cell(text)
    pdf.set_font(FAMILY, size=9)


def _page_sized(pdf: FPDF, block: Table) -> Iterator[tuple[str, ...]]:
    """The table's rows, a row too tall for a page (fpdf2 never splits one: a comment can hold 10,000
    characters) continued on as many rows as it takes, ``MAX_ROW_LINES`` lines each."""
    total = sum(block.widths)
    # Measured a little narrower than the cells are: a line measured so fits its cell as it is.
    widths = [pdf.epw * w / total - 2 * TABLE_PADDING - 1 for w in block.widths]
    for cells in block.rows:
        lines = [_lines(pdf, width, text) for text, width in zip(cells, widths, strict=True)]
        tallest = max((len(cell) for cell in lines), default=0)
        if tallest <= MAX_ROW_LINES:
            yield cells
            continue
        for start in range(0, tallest, MAX_ROW_LINES):
            yield tuple("\n".join(cell[start : start + MAX_ROW_LINES]) for cell in lines)


def _lines(pdf: FPDF, width: float, text: str) -> list[str]:
    """The lines ``text`` takes in a cell ``width`` wide, in the current font."""
    if not text:
        return []
    lines = pdf.multi_cell(width, TABLE_LINE, text, dry_run=True, output="LINES")
    assert isinstance(lines, list)
    return [str(line) for line in lines]
