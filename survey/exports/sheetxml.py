"""The XLSX export's data sheet, written as SpreadsheetML directly into the package.

Written by hand, not by XlsxWriter: its per-cell writer (a cell object, an attribute list, a
formatted reference and four tests per cell) was nine tenths of the export's time, 27 of 30 s
for 100,000 responses x 60 items (docs/performance.md). Here each row is one string built from
references computed once per column. XlsxWriter still writes everything else (the other
sheets, styles, the workbook and its relations): :func:`package` copies its parts around this
sheet.

Every text is escaped (XlsxWriter's constant-memory mode writes a text that looks like
``<r>…</r>`` unescaped, as rich text: a participant's answer could have broken the file).
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO

from xlsxwriter.utility import xl_col_to_name

HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/><sheetData>')
TAIL = ('</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
        'header="0.3" footer="0.3"/></worksheet>')
ESCAPED = re.compile(r"[&<>]")
EDGE_SPACE = re.compile(r"^\s|\s$")
BATCH = 500  # rows per write
MAX_ROWS = 1_048_576  # a sheet's rows in Excel and LibreOffice


class TooManyRows(ValueError):
    """More rows than a spreadsheet sheet holds (the CSV has no such limit)."""
# The errors a spreadsheet shows for numbers it cannot hold (XlsxWriter's nan_inf_to_errors).
NOT_FINITE = {"nan": "#NUM!", "inf": "#DIV/0!", "-inf": "#DIV/0!"}


def _text(text: str) -> str:
    if ESCAPED.search(text):
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if EDGE_SPACE.search(text) else ""
    return f'<is><t{space}>{text}</t></is>'


def write_sheet(stream: BinaryIO, rows: Iterable[list[Any]], header_rows: int,
                clean: Callable[[str], str], on_rows: Callable[[int], object] | None = None,
                every: int = 1000) -> int:
    """Write the sheet's XML to ``stream``: numbers as numbers, texts as inline strings
    (``clean`` applied first), empty texts and ``None`` as no cell. Returns the rows written
    after the ``header_rows``; ``on_rows`` is told that count every ``every`` rows."""
    stream.write(HEAD.encode())
    refs: list[str] = []
    parts: list[str] = []
    written = 0
    for line, row in enumerate(rows, start=1):
        if line > MAX_ROWS:
            raise TooManyRows(f"an XLSX sheet holds at most {MAX_ROWS:,} rows: use the CSV")
        if len(row) > len(refs):
            refs += [xl_col_to_name(c) for c in range(len(refs), len(row))]
        cells = []
        for column, cell in enumerate(row):
            kind = cell.__class__
            if kind is int or kind is float:
                if kind is float and not math.isfinite(cell):
                    cells.append(f'<c r="{refs[column]}{line}" t="e"><v>{NOT_FINITE[str(cell)]}'
                                 f'</v></c>')
                else:
                    cells.append(f'<c r="{refs[column]}{line}"><v>{cell:.16G}</v></c>')
            elif cell is None or cell == "":
                continue
            else:
                cells.append(f'<c r="{refs[column]}{line}" t="inlineStr">'
                             f'{_text(clean(cell if kind is str else str(cell)))}</c>')
        parts.append(f'<row r="{line}">{"".join(cells)}</row>')
        if line > header_rows:
            written += 1
            if on_rows is not None and written % every == 0:
                on_rows(written)
        if len(parts) >= BATCH:
            stream.write("".join(parts).encode())
            parts.clear()
    stream.write(("".join(parts) + TAIL).encode())
    return written


def package(target: str | Path, book: str | Path, sheet: str,
            write: Callable[[BinaryIO], object]) -> None:
    """The XLSX at ``target``: the parts of XlsxWriter's ``book`` in their order, the part
    ``sheet`` (``xl/worksheets/sheet1.xml``) written by ``write`` into its stream instead."""
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(
            target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename == sheet:
                with out.open(sheet, "w", force_zip64=True) as stream:
                    write(stream)
            else:
                out.writestr(info, source.read(info.filename))
