"""Exports of repeated pages: the wide block (``age_1``, ``age_2`` ...) in the wide CSV, XLSX
and SPSS files, the long table (one row per occurrence) as its own CSV and XLSX sheet, and the
codebook documenting both. Formula injection is neutralised in every one of them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pyreadstat
import pytest
from flask import Flask

from analysis.codebook import parse_codebook
from survey.exports import CsvOptions, Export, Selection, csv_wide
from survey.exports.cli import export_group
from survey.exports.codebooks import codebook_html, codebook_json
from survey.exports.repeats import csv_repeats
from survey.exports.spss import write_sav
from survey.exports.workbook import write_xlsx
from survey.extensions import db
from survey.models import Response
from survey.models.response import COMPLETED
from survey.models.types import utcnow
from survey.questionnaire import load_file, load_text
from survey.secrets import digest, new_secret
from survey.versions import store_definition

HOUSEHOLD = Path(__file__).parent / "data" / "household.yaml"
FIRST = {"household_size": 2,
         "members": [{"age": 41, "relation": "partner"},
                     {"age": 9, "school": "yes", "relation": "child"}],
         "visits": [{"visit_reason": "=HYPERLINK(\"http://x.test\")", "visit_rating": 4},
                    {"visit_reason": "check-up"}],
         "op1": 4, "op2": 5, "op3": 3}
SECOND = {"household_size": 0, "visits": [{"visit_reason": "flu", "visit_rating": 2}],
          "op1": 2, "op2": 2}


def add_response(version_id: int, answers: dict[str, Any]) -> int:
    response = Response(version_id=version_id, status=COMPLETED, language="fr",
                        answers=answers, resume_hash=digest(new_secret()),
                        start_hash=digest(new_secret()), completed_at=utcnow())
    db.session.add(response)
    db.session.commit()
    return response.id


@pytest.fixture
def ids(app: Flask) -> list[int]:
    with app.app_context():
        version = store_definition(load_file(HOUSEHOLD), "household.yaml").version
        return [add_response(version.id, FIRST), add_response(version.id, SECOND)]


def exported() -> Export:
    return Export.of(Selection("household"))


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_wide_csv_holds_a_numbered_block_per_repeated_question(
        app: Flask, ids: list[int]) -> None:
    with app.app_context():
        rows = read_csv(b"".join(csv_wide(exported())))
    header = list(rows[0])
    block = header[header.index("household_size") + 1:header.index("op1")]
    assert block[:7] == ["age_1", "age_2", "age_3", "age_4", "age_5", "age_6", "school_1"]
    assert block[-3:] == ["visit_rating_1", "visit_rating_2", "visit_rating_3"]
    first, second = rows
    assert (first["age_1"], first["age_2"], first["age_3"]) == ("41", "9", "")
    assert (first["school_1"], first["school_2"]) == ("", "yes")
    assert first["relation_2"] == "child" and first["visit_rating_1"] == "4"
    assert first["visit_reason_1"] == "'=HYPERLINK(\"http://x.test\")"  # neutralised
    assert second["age_1"] == "" and second["visit_reason_1"] == "flu"
    with app.app_context():  # with labels
        labelled = read_csv(b"".join(csv_wide(exported(), CsvOptions(lang="en"))))
    assert labelled[0]["relation_2"] == "Child"


def test_the_long_table_has_one_row_per_occurrence(app: Flask, ids: list[int]) -> None:
    with app.app_context():
        rows = read_csv(b"".join(csv_repeats(exported())))
    assert list(rows[0])[:5] == ["response_id", "repeat", "occurrence", "age", "school"]
    assert [(r["response_id"], r["repeat"], r["occurrence"]) for r in rows] == [
        (str(ids[0]), "members", "1"), (str(ids[0]), "members", "2"),
        (str(ids[0]), "visits", "1"), (str(ids[0]), "visits", "2"),
        (str(ids[1]), "visits", "1")]
    assert rows[1]["age"] == "9" and rows[1]["school"] == "yes" and rows[1]["visit_reason"] == ""
    assert rows[2]["visit_reason"] == "'=HYPERLINK(\"http://x.test\")"
    assert rows[4]["visit_rating"] == "2"


def test_xlsx_has_the_wide_block_and_a_sheet_per_repeated_page(
        app: Flask, ids: list[int], tmp_path: Path) -> None:
    path = tmp_path / "household.xlsx"
    with app.app_context():
        write_xlsx(exported(), path)
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["data", "codebook", "repeat_members", "repeat_visits"]
    data = list(book["data"].iter_rows(values_only=True))
    assert data[1][data[0].index("age_2")] == 9
    members = list(book["repeat_members"].iter_rows(values_only=True))
    assert members[0][:4] == ("response_id", "repeat", "occurrence", "age")
    assert [row[:4] for row in members[1:]] == [(ids[0], "members", 1, 41),
                                                (ids[0], "members", 2, 9)]
    visits = list(book["repeat_visits"].iter_rows(values_only=True))
    assert visits[1][visits[0].index("visit_reason")] == "'=HYPERLINK(\"http://x.test\")"
    codebook = [row[0] for row in book["codebook"].iter_rows(values_only=True)]
    assert "age_6" in codebook and "visit_rating_3" in codebook


def test_spss_has_the_wide_block_with_labels(app: Flask, ids: list[int],
                                              tmp_path: Path) -> None:
    path = tmp_path / "household.sav"
    with app.app_context():
        write_sav(exported(), path, lang="en")
    frame, meta = pyreadstat.read_sav(str(path))
    assert list(frame["age_2"][:1]) == [9]
    assert meta.column_names_to_labels["age_2"] == "How old is this person? (2)"
    labels = meta.variable_value_labels["relation_2"]
    assert labels[frame["relation_2"][0]] == "Child"


def test_the_codebook_documents_the_wide_block_and_the_long_table(
        app: Flask, ids: list[int]) -> None:
    with app.app_context():
        export = exported()
        document = json.loads(codebook_json(export.schema))
        page = codebook_html(export.schema, "en")
    parse_codebook(document)  # the analysis library still reads it
    codes = [item["code"] for item in document["items"]]
    assert "age_1" in codes and "age_6" in codes and "age" not in codes
    members, visits = document["repeats"]
    assert members["code"] == "members" and members["count"] == "${household_size}"
    assert members["max"] == 6 and visits["count"] is None and visits["max"] == 3
    assert members["long_columns"] == ["response_id", "repeat", "occurrence", "age", "school",
                                       "relation"]
    assert members["wide_columns"]["age"] == [f"age_{n}" for n in range(1, 7)]
    relation = next(i for i in members["items"] if i["code"] == "relation")
    assert [c["code"] for c in relation["choices"]] == ["partner", "child", "other"]
    assert "<h2>repeats</h2>" in page and "age_1 … age_6" in page


def test_the_command_writes_the_long_table(app: Flask, ids: list[int], tmp_path: Path) -> None:
    out = tmp_path / "repeats.csv"
    result = app.test_cli_runner().invoke(export_group, [
        "responses", "household", "--format", "repeats", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = read_csv(out.read_bytes())
    assert len(rows) == 5 and rows[0]["repeat"] == "members"


LONG_MEMBERS = "household_members_living_here_now"  # "repeat_" + this: 40 characters
LONG_VISITS = "household_members_living_here_before"  # the same first 31 with "repeat_"


def test_long_repeat_names_get_unique_sheets_that_the_codebook_names(
        app: Flask, tmp_path: Path) -> None:
    """Two repeated pages whose sheet names share Excel's 31 characters: each its own sheet,
    cut with a suffix from its code (the same in every export), and the codebook sheet, the
    JSON and HTML codebooks say which sheet holds which page."""
    text = HOUSEHOLD.read_text(encoding="utf-8").replace(
        "code: members", f"code: {LONG_MEMBERS}").replace("code: visits", f"code: {LONG_VISITS}")
    with app.app_context():
        version = store_definition(load_text(text), "household.yaml").version
        ident = add_response(version.id, {"household_size": 1, LONG_MEMBERS: [{"age": 30}],
                                  LONG_VISITS: [{"visit_reason": "flu"}]})
        paths = [tmp_path / "one.xlsx", tmp_path / "two.xlsx"]
        for path in paths:
            write_xlsx(exported(), path)
        document = json.loads(codebook_json(exported().schema))
        page = codebook_html(exported().schema, "en")
    names = [openpyxl.load_workbook(path, read_only=True).sheetnames for path in paths]
    assert names[0] == names[1]  # deterministic
    members, visits = names[0][2:]
    assert names[0][:2] == ["data", "codebook"]
    assert members != visits and len(members) == len(visits) == 31
    assert members.startswith("repeat_household_members_l~")
    assert visits.startswith("repeat_household_members_l~")
    book = openpyxl.load_workbook(paths[0], read_only=True)
    assert list(book[members].iter_rows(values_only=True))[1][:4] == (ident, LONG_MEMBERS, 1, 30)
    assert list(book[visits].iter_rows(values_only=True))[1][:3] == (ident, LONG_VISITS, 1)
    codebook = [row[:6] for row in book["codebook"].iter_rows(values_only=True)]
    where = {row[0]: row[1] for row in codebook[codebook.index(
        ("repeat", "sheet", "column", "text", "type", "wide_columns")) + 1:]}
    assert where == {LONG_MEMBERS: members, LONG_VISITS: visits}
    assert [r["sheet"] for r in document["repeats"]] == [members, visits]
    assert f"<td>{LONG_VISITS}</td><td>{visits}</td>" in page


def test_a_sheet_name_never_clashes_with_another_sheet() -> None:
    from survey.exports.repeats import OTHER_SHEETS, RepeatTable, sheet_names

    short = RepeatTable("members", {}, [], {})
    cut = [RepeatTable("x" * 24 + suffix, {}, [], {}) for suffix in ("a", "b", "")]
    names = sheet_names([short, *cut])
    assert names["members"] == "repeat_members"  # short enough: unchanged
    assert names["x" * 24] == "repeat_" + "x" * 24  # exactly 31: unchanged
    assert len(set(names.values())) == 4 and all(len(n) <= 31 for n in names.values())
    assert not {n.lower() for n in names.values()} & set(OTHER_SHEETS)
