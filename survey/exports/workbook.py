"""XLSX export: a data sheet, a codebook sheet and one sheet per repeated page, in openpyxl's
write-only mode (rows go to disk as they are appended, so memory stays flat)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .codebooks import codebook_rows, roster_rows
from .frames import Export, text_rows
from .repeats import repeat_tables, sheet_name, table_rows


def _clean(row: list[Any]) -> list[Any]:
    # Control characters a participant may have pasted are not allowed in XLSX: drop them.
    return [ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row]


def write_xlsx(export: Export, path: str | Path, lang: str | None = None) -> None:
    book = Workbook(write_only=True)
    data = book.create_sheet("data")
    data.append(_clean(export.header))
    for row in text_rows(export, lang):
        data.append(_clean(row))
    sheet = book.create_sheet("codebook")
    for row in codebook_rows(export.schema):
        sheet.append(_clean(row))
    for table in repeat_tables(export.schema.versions):  # one sheet per repeated page
        sheet = book.create_sheet(sheet_name(table))
        for row in table_rows(export, table):
            sheet.append(_clean(row))
    if export.schema.team_rosters:  # who the nomination codes of each team name
        rosters = book.create_sheet("rosters")
        for row in roster_rows(export.schema):
            rosters.append(_clean(row))
    book.save(path)
