"""The exports of the bundled questionnaires (CSV wide in codes and in French labels, long
CSV, XLSX cells, the codebook) equal those stored before item types moved to one module each:
the refactoring changed no export. Timestamps and response ids vary by run and are left out."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from flask import Flask

from survey.exports import CsvOptions, Export, Selection, csv_long, csv_wide
from survey.exports.workbook import write_xlsx
from survey.models.response import COMPLETED
from survey.versions import store_definition

from .test_exports import add_response
from .unchanged import compare, definitions, typical_answers

VARYING = {"response_id", "started_at", "submitted_at"}


def rows(data: bytes, separator: str = ",") -> list[dict[str, str]]:
    text = data.decode("utf-8-sig")
    return [{k: v for k, v in row.items() if k not in VARYING}
            for row in csv.DictReader(io.StringIO(text), delimiter=separator)]


@pytest.mark.parametrize("definition", definitions(), ids=lambda d: d.code)
def test_exports_are_unchanged(app: Flask, definition: Any, tmp_path: Path) -> None:
    with app.app_context():
        version = store_definition(definition).version.id
        add_response(version, typical_answers(definition))
        add_response(version, {}, language="en")
        exported = Export.of(Selection(definition.code, (COMPLETED,)))
        wide = rows(b"".join(csv_wide(exported)))
        labelled = rows(b"".join(csv_wide(exported, CsvOptions(lang="fr", bom=True,
                                                               separator=";"))), ";")
        long = [{k: v for k, v in r.items() if k != "response_id"}
                for r in rows(b"".join(csv_long(exported)))]
        codebook = exported.schema.codebook()
        write_xlsx(exported, tmp_path / "x.xlsx", lang="en")
    book = openpyxl.load_workbook(tmp_path / "x.xlsx")
    data = [list(r) for r in book["data"].iter_rows(values_only=True)]
    keep = [n for n, name in enumerate(data[0]) if name not in VARYING]
    cells = [[row[n] for n in keep] for row in data]
    sheet = [list(r) for r in book["codebook"].iter_rows(values_only=True)]
    for entry in codebook.get("versions", []):
        entry.pop("published", None)
    codebook.pop("exported_at", None)
    compare(f"{definition.code}.exports.json", {
        "wide": wide, "labelled": labelled, "long": long, "xlsx": cells,
        "xlsx_codebook": sheet, "codebook": codebook})
