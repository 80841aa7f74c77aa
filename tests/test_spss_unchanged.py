"""The SPSS files of the bundled questionnaires read back (pyreadstat) as the stored fixtures
under ``tests/data/unchanged/``, written by the export before it built its columns as compact
arrays: same variables, labels, value labels, user-missing values, measures, formats, widths
and cells (as SPSS stores them: numbers, dates and times as seconds since 1582, text)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pyreadstat
import pytest
from flask import Flask
from sqlalchemy import update

from survey.exports import Export, Selection
from survey.exports.spss import write_sav
from survey.extensions import db
from survey.models import Response
from survey.models.response import COMPLETED
from survey.versions import store_definition

from .test_exports import add_response
from .unchanged import compare, definitions, typical_answers

LONG_TEXT = "=HYPERLINK(\"x\") é" + "ü" * 300  # a formula, accents, longer than 255 bytes


def odd(value: Any, n: int) -> Any:
    """A stored value an export must survive: special answers in numeric columns, unknown or
    malformed codes, dates and text, long text."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | list | dict):
        return value
    if isinstance(value, int | float):
        return ("dont_know", "prefer_not", "12abc", -3.25)[n % 4]
    if isinstance(value, str):
        return (LONG_TEXT, "dont_know", "2021-13-45", "")[n % 4]
    if isinstance(value, list):
        return ["zzz", 3]
    return {"zzz": 1}


def cell(value: Any) -> Any:
    return None if isinstance(value, float) and math.isnan(value) else value


@pytest.mark.parametrize("definition", definitions(), ids=lambda d: d.code)
def test_spss_files_are_unchanged(app: Flask, definition: Any, tmp_path: Path) -> None:
    path = tmp_path / "x.sav"
    with app.app_context():
        version = store_definition(definition).version.id
        typical = typical_answers(definition)
        ids = [add_response(version, typical),
               add_response(version, {}, language="en"),
               add_response(version, {k: odd(v, n) for n, (k, v) in enumerate(typical.items())})]
        times = [dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
                 dt.datetime(1999, 12, 31, 23, 59, 59, tzinfo=dt.UTC), None]
        for ident, moment in zip(ids, times, strict=True):
            db.session.execute(update(Response).where(Response.id == ident)
                               .values(started_at=moment or times[0], completed_at=moment))
        db.session.commit()
        write_sav(Export.of(Selection(definition.code, (COMPLETED,))), path, lang="fr")
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True,
                                      disable_datetime_conversion=True)
    rows = [{k: cell(v) for k, v in row.items() if k != "response_id"}
            for row in frame.to_dict("records")]
    assert list(frame["response_id"]) == ids
    compare(f"{definition.code}.sav.json", {
        "rows": rows, "names": meta.column_names, "labels": meta.column_labels,
        "value_labels": {k: {str(c): t for c, t in v.items()}
                         for k, v in meta.variable_value_labels.items()},
        "missing": meta.missing_ranges, "measure": meta.variable_measure,
        "formats": meta.original_variable_types, "types": meta.readstat_variable_types,
        "storage_width": meta.variable_storage_width,
        "display_width": meta.variable_display_width})
