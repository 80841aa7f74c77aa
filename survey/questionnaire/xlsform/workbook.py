"""Read an XLSForm workbook with pyxform's own reader, keeping where each cell came from.

pyxform's ``xlsx_to_dict`` gives each sheet as a list of row mappings (header -> text), empty
rows included, so list index ``n`` is spreadsheet row ``n + 2``. It forgets the column letters
when a header row has gaps, so the first row of each sheet is read once more with openpyxl
(read-only) only to name cells such as ``survey!C14``. Anything that is not a readable .xlsx
becomes one :class:`WorkbookError` with a sentence a researcher understands.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ..messages import Text, msg

MAX_BYTES = 5 * 1024 * 1024  # a large XLSForm is a few hundred kB
MAX_UNPACKED = 100 * 1024 * 1024  # refuse zip bombs before openpyxl unpacks them
EXTENSION_SHEETS = {"scales"}  # ours; pyxform reads only XLSForm's own sheets
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE container: .xls, or an encrypted .xlsx


TRANSLATABLE = {"label", "hint", "constraint_message", "required_message", "guidance_hint",
                "image", "big-image", "audio", "video", "media", "construct", "title",
                "introduction", "consent", "anchors"}


def clean_header(header: str) -> str:
    """``LABEL::EN`` -> ``label::EN``; ``label:English`` -> ``label::English`` (both are
    XLSForm spellings pyxform accepts); other headers lower-cased."""
    header = " ".join(str(header).split())
    if "::" in header:
        base, _, rest = header.partition("::")
        return f"{base.strip().lower()}::{rest.strip()}"
    base, colon, rest = header.partition(":")
    if colon and base.strip().lower() in TRANSLATABLE:
        return f"{base.strip().lower()}::{rest.strip()}"
    return header.lower()


class WorkbookError(ValueError):
    """The upload is not a workbook we can read; ``text`` says why and what to do."""

    def __init__(self, text: Text) -> None:
        super().__init__(str(text))
        self.text = text


@dataclass
class Sheet:
    name: str  # as written in the workbook
    headers: list[str]
    rows: list[dict[str, str]]
    letters: dict[str, str] = field(default_factory=dict)  # header -> column letter

    def place(self, row_index: int, header: str | None = None) -> str:
        """``survey!C14`` for a row of :attr:`rows` (and a column), ``survey!14`` without."""
        column = self.letters.get(header or "", "") if header else ""
        return f"{self.name}!{column}{row_index + 2}"

    def header_place(self, header: str) -> str:
        return f"{self.name}!{self.letters.get(header, '')}1"


@dataclass
class Workbook:
    sheets: dict[str, Sheet]  # lower-case name -> sheet

    def get(self, name: str) -> Sheet | None:
        return self.sheets.get(name)


def read_workbook(content: bytes) -> Workbook:
    """The XLSForm sheets of an .xlsx given as bytes."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2json_backends import xlsx_to_dict

    check_container(content)
    try:
        book = xlsx_to_dict(io.BytesIO(content))
    except PyXFormError as error:
        raise WorkbookError(msg("the spreadsheet cannot be read (%(reason)s); open it in a "
                                "spreadsheet program and save it again as .xlsx",
                                reason=str(error))) from None
    except Exception as error:  # noqa: BLE001  a corrupt file can fail anywhere inside
        raise WorkbookError(msg("the spreadsheet is damaged and cannot be read (%(reason)s); "
                                "save it again as .xlsx", reason=type(error).__name__)
                            ) from None
    letters, extension = header_letters(content)
    book.update(extension)
    sheets: dict[str, Sheet] = {}
    original = {n.lower(): n for n in book.get("sheet_names", [])}
    for key, value in book.items():
        if key == "sheet_names" or key.endswith("_header") or not isinstance(value, list):
            continue
        header_rows = book.get(f"{key}_header") or [{}]
        headers = [clean_header(h) for h in header_rows[0]] if header_rows else []
        name = original.get(key, key)
        rows = [{clean_header(k): v for k, v in row.items()} for row in value]
        sheets[key] = Sheet(name=name, headers=headers, rows=rows,
                            letters=letters.get(name, {}))
    return Workbook(sheets=sheets)


def check_container(content: bytes) -> None:
    """Refuse what is not an .xlsx before any parser sees it."""
    if not content:
        raise WorkbookError(msg("the file is empty"))
    if len(content) > MAX_BYTES:
        raise WorkbookError(msg("the file is larger than %(size)s MB",
                                size=MAX_BYTES // (1024 * 1024)))
    if content.startswith(CFB_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in content:
            raise WorkbookError(msg("the spreadsheet is protected by a password: remove the "
                                    "password (File > Info > Protect workbook) and upload it "
                                    "again"))
        raise WorkbookError(msg("this is an old .xls spreadsheet: save it as .xlsx (Excel "
                                "workbook) and upload it again"))
    if not content.startswith(b"PK"):
        raise WorkbookError(msg("this is not a spreadsheet: upload an XLSForm saved as .xlsx"))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise WorkbookError(msg("the spreadsheet is damaged (not a complete .xlsx file): "
                                "save it again as .xlsx")) from None
    if "xl/workbook.xml" not in names:
        raise WorkbookError(msg("this is not an Excel workbook (.xlsx): an XLSForm is a "
                                "spreadsheet with survey and choices sheets"))
    if unpacked > MAX_UNPACKED:
        raise WorkbookError(msg("the spreadsheet unpacks to more than 100 MB: that is not an "
                                "XLSForm"))


def header_letters(content: bytes) -> tuple[dict[str, dict[str, str]], dict[str, Any]]:
    """Sheet name -> header (cleaned as pyxform cleans it) -> column letter; and our extension
    sheets (``scales``), which pyxform skips, read with pyxform's own row reader."""
    from pyxform.xls2json_backends import (
        get_excel_column_headers,
        get_excel_rows,
        xlsx_value_to_str,
    )

    result: dict[str, dict[str, str]] = {}
    extension: dict[str, Any] = {}
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001  pyxform has read it: places just lose their letters
        return result, extension
    try:
        for sheet in book.worksheets:
            if sheet.title.lower() in EXTENSION_SHEETS:
                first = (c.value for c in next(sheet.iter_rows(min_row=1, max_row=1), ()))
                headers = get_excel_column_headers(first)
                rows = get_excel_rows(
                    headers, sheet.iter_rows(min_row=2, max_col=len(headers)),
                    lambda cell, _n, _key: (xlsx_value_to_str(cell.value.strip()
                                            if isinstance(cell.value, str) else cell.value)))
                key = sheet.title.lower()
                extension[key] = rows
                extension[f"{key}_header"] = [{h: None for h in headers if h is not None}]
            row = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
            result[sheet.title] = {clean_header(str(v)): get_column_letter(n)
                                   for n, v in enumerate(row, start=1)
                                   if v is not None and str(v).strip()}
    finally:
        book.close()
    return result, extension
