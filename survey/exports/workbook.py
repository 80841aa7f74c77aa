"""XLSX export: a data sheet, a codebook sheet, one sheet per repeated page (named by
``repeats.sheet_names``; the codebook sheet says which holds which page) and, with team
rosters, a rosters sheet, written by XlsxWriter in ``constant_memory`` mode (the data sheet's
rows by :mod:`.sheetxml`): each row goes to disk as it is written, so memory stays flat
whatever the number of responses.

Cells come from ``cells`` (numbers as numbers, text neutralised against formula injection);
every text is written as text (never read as a formula, number or link), without the control
characters XML cannot hold, carriage returns as line feeds (as an XML reader reads them).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO

import xlsxwriter

from .codebooks import codebook_rows, repeat_rows, roster_rows
from .frames import Export, text_rows
from .repeats import repeat_tables, sheet_names, table_rows
from .sheetxml import package, write_sheet

# Control characters XML 1.0 cannot hold (tab, line feed and carriage return it can), and the
# carriage return, which XlsxWriter would keep as ``_x000D_``: an XML reader reads it as a line
# feed, as the text is then written.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
SPECIAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\r]")
PROGRESS_ROWS = 1000  # rows between two calls of ``on_rows``
OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
           "strings_to_urls": False, "nan_inf_to_errors": True}


def write_xlsx(export: Export, path: str | Path, lang: str | None = None,
               on_rows: Callable[[int], object] | None = None) -> None:
    """The workbook of the export at ``path``; ``on_rows`` is told the responses written so
    far, every ``PROGRESS_ROWS`` rows and at the end. XlsxWriter writes the workbook with an
    empty data sheet beside ``path``, then :mod:`.sheetxml` packages it with the data rows."""
    path = Path(path)
    parts = path.with_name(path.name + ".parts")
    book = xlsxwriter.Workbook(str(parts), OPTIONS)
    try:
        book.add_worksheet("data")  # xl/worksheets/sheet1.xml, written below
        tables = repeat_tables(export.schema.versions)
        codebook = codebook_rows(export.schema)
        if tables:  # under the columns, a blank row, then which sheet holds which page
            codebook = itertools.chain(codebook, [[]], repeat_rows(export.schema, tables))
        _sheet(book, "codebook", codebook)
        sheets = sheet_names(tables)
        for table in tables:  # one sheet per repeated page
            _sheet(book, sheets[table.code], table_rows(export, table))
        if export.schema.team_rosters:  # who the nomination codes of each team name
            _sheet(book, "rosters", roster_rows(export.schema))
    finally:
        book.close()
    written = 0

    def data_sheet(stream: BinaryIO) -> None:
        nonlocal written
        rows = itertools.chain([export.header], text_rows(export, lang))
        written = write_sheet(stream, rows, 1, _text, on_rows, PROGRESS_ROWS)

    try:
        package(path, parts, "xl/worksheets/sheet1.xml", data_sheet)
    finally:
        parts.unlink(missing_ok=True)
    if on_rows is not None:
        on_rows(written)


def _sheet(book: Any, name: str, rows: Iterable[list[Any]]) -> None:
    """Write ``rows`` on a new sheet (the small ones: codebook, repeated pages, rosters)."""
    sheet = book.add_worksheet(name)
    # XlsxWriter's undecorated writers: the public ones first test whether the row is given in
    # A1 notation, a Python call per cell (rows and columns here are always numbers)
    write_string = getattr(sheet, "_write_string", sheet.write_string)
    write_number = getattr(sheet, "_write_number", sheet.write_number)
    for line, row in enumerate(rows):
        for column, cell in enumerate(row):
            kind = cell.__class__
            if kind is int or kind is float:
                write_number(line, column, cell)
            elif kind is str:
                if cell:
                    write_string(line, column, _text(cell))
            elif cell is not None:
                write_string(line, column, str(cell))


def _text(text: str) -> str:
    return _clean(text) if SPECIAL.search(text) else text


def _clean(text: str) -> str:
    return ILLEGAL_CHARACTERS.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
