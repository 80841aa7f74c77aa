"""The XLSX export's data sheet, written as XML by survey/exports/sheetxml.py: every text
stays the participant's text, numbers stay numbers, and spreadsheet programs open it."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from flask import Flask

from survey.exports.sheetxml import write_sheet
from survey.exports.workbook import write_xlsx
from survey.questionnaire import load_text
from survey.versions import store_definition

from .conftest import missing
from .test_exports import V1, add_response, export

# Texts a participant may type that look like the sheet's own XML, or that XML would change.
TEXTS = ["<r><t>bold</t></r>", "a & b <c> d", "  spaces around  ", "line\nbreak",
         "bell\x07 gone", "Très bien", "]]>", '"quoted"']


def _stored(app: Flask) -> list[int]:
    with app.app_context():
        version = store_definition(load_text(V1)).version.id
        return [add_response(version, {"comment": text, "visits": n, "cost": n / 4})
                for n, text in enumerate(TEXTS)]


def test_texts_that_look_like_the_sheets_xml_stay_the_participants_text(
        app: Flask, tmp_path: Path) -> None:
    ids = _stored(app)
    with app.app_context():
        write_xlsx(export(app), tmp_path / "x.xlsx")
    book = openpyxl.load_workbook(tmp_path / "x.xlsx")
    assert book.sheetnames[:2] == ["data", "codebook"]
    rows = list(book["data"].iter_rows(values_only=True))
    header = list(rows[0])
    cells = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [c["response_id"] for c in cells] == ids
    # The control character is dropped (XML cannot hold it); everything else is kept as typed.
    assert [c["comment"] for c in cells] == [t.replace("\x07", "") for t in TEXTS]
    assert [c["visits"] for c in cells] == list(range(len(TEXTS)))
    assert [c["cost"] for c in cells] == [n / 4 for n in range(len(TEXTS))]


def test_numbers_a_spreadsheet_cannot_hold_become_its_errors_and_empty_cells_stay_empty(
        tmp_path: Path) -> None:
    stream = io.BytesIO()
    rows = [["a", "b", "c", "d", "e", "f", "g"],
            [float("nan"), float("inf"), -float("inf"), 2**53, 0.1, True, None],
            ["", None, 3, -1.5e-7, "x", 12345678901234567, "=1+1"]]
    assert write_sheet(stream, rows, 1, str) == 2
    sheet_xml = stream.getvalue().decode()
    assert sheet_xml.count("<row ") == 3 and '<c r="A3"' not in sheet_xml  # no empty cells
    book = openpyxl.Workbook()
    book.save(tmp_path / "empty.xlsx")
    from survey.exports.sheetxml import package

    package(tmp_path / "x.xlsx", tmp_path / "empty.xlsx", "xl/worksheets/sheet1.xml",
            lambda out: out.write(stream.getvalue()))
    data = list(openpyxl.load_workbook(tmp_path / "x.xlsx").active.iter_rows(values_only=True))
    assert data[1] == ("#NUM!", "#DIV/0!", "#DIV/0!", 2**53, 0.1, "True", None)
    # 17 significant digits are more than a spreadsheet keeps: 16, as XlsxWriter wrote them
    assert data[2] == (None, None, 3, -1.5e-7, "x", 12345678901234570, "=1+1")
    assert openpyxl.load_workbook(tmp_path / "x.xlsx").active["G3"].data_type == "s"


def test_libreoffice_opens_the_xlsx_export(app: Flask, tmp_path: Path) -> None:
    """Headless LibreOffice converts the workbook's data sheet to CSV with the same texts and
    numbers. Skipped where LibreOffice is not installed, except in CI (.ci/run installs it)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        missing("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    _stored(app)
    with app.app_context():
        write_xlsx(export(app), tmp_path / "x.xlsx")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir",
                    str(tmp_path / "out"), str(tmp_path / "x.xlsx")],
                   check=True, capture_output=True, timeout=240)
    import csv

    text = (tmp_path / "out" / "x.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["comment"] for r in rows] == [t.replace("\x07", "") for t in TEXTS]
    assert [r["visits"] for r in rows] == [str(n) for n in range(len(TEXTS))]


def test_more_rows_than_a_sheet_holds_are_refused_not_cut(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from survey.exports import sheetxml

    monkeypatch.setattr(sheetxml, "MAX_ROWS", 3)
    assert write_sheet(io.BytesIO(), [["h"], [1], [2]], 1, str) == 2
    with pytest.raises(sheetxml.TooManyRows, match="at most 3 rows: use the CSV"):
        write_sheet(io.BytesIO(), [["h"], [1], [2], [3]], 1, str)
