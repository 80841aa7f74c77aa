"""The ``time`` item type (issue 23): a time of day, HH:MM on a 24-hour clock, one module
(``itemtypes/time.py``) and one partial. Read from YAML and XLSForm, answered through the
participant's pages (the ``<input type="time">``, and what a browser without it posts as
typed text), refused in French and English, stored, exported (CSV, XLSX, SPSS), in the codebook
and the diff, summarised in results, compared as text in conditions."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pyreadstat
import pytest
from flask import Flask
from flask.testing import FlaskClient

from analysis.codebook import parse_codebook
from analysis.loading import ExportError, read_export
from survey.exports import Export, Selection, csv_wide
from survey.exports.spss import write_sav
from survey.exports.workbook import write_xlsx
from survey.models.response import COMPLETED
from survey.questionnaire import Definition, DefinitionError, load_file, load_text
from survey.questionnaire.answers import check_page
from survey.questionnaire.download import as_xlsform
from survey.questionnaire.xlsform import read_xlsform
from survey.results.questions import summaries
from survey.versions import store_definition
from survey.versions.diff import diff

from .participant import Participant, responses
from .test_xlsform import CHOICES, SETTINGS, survey_rows, workbook

SOURCE = Path(__file__).parent / "data" / "time_type.yaml"
TEXT = SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def times() -> Definition:
    return load_file(SOURCE)


def check(definition: Definition, pairs: list[tuple[str, str]]):  # noqa: ANN201
    raw: dict[str, list[str]] = {}
    for name, value in pairs:
        raw.setdefault(name, []).append(value)
    return check_page(definition, definition.sections[0], raw, {}, definition.roster)


# -- the definition ----------------------------------------------------------------------------

def test_a_time_item_reads_its_limits(times: Definition) -> None:
    seen = times.item("seen")
    assert seen.type == "time" and seen.itemtype.name == "time"
    assert (seen.settings.minimum, seen.settings.maximum) == ("08:00", "20:00")


@pytest.mark.parametrize(("old", "new", "fragment"), [
    ('min: "08:00"', 'min: "8 o\'clock"', "'min' of 'seen' must be a time HH:MM"),
    ('max: "20:00"', 'max: "25:00"', "'max' of 'seen' must be a time HH:MM"),
    ('min: "08:00", max: "20:00"', 'min: "21:00", max: "20:00"', "'min' of 'seen' is above"),
])
def test_bad_limits_are_refused_with_their_line(old: str, new: str, fragment: str) -> None:
    assert old in TEXT
    with pytest.raises(DefinitionError) as error:
        load_text(TEXT.replace(old, new, 1), "time.yaml")
    assert fragment in str(error.value), str(error.value)


def test_a_changed_limit_shows_in_the_diff(times: Definition) -> None:
    changed = load_text(TEXT.replace('max: "20:00"', 'max: "18:30"'))
    assert [str(c) for c in diff(times, changed)] == [
        "The limits of item 'seen' changed (maximum: 20:00 -> 18:30)."]


# -- a posted page -----------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "stored"), [
    ("14:30", "14:30"), ("14:30:59", "14:30"), ("9:30", "09:30"), ("9h30", "09:30"),
    ("9h", "09:00"), ("09.05", "09:05"), (" 7H45 ", "07:45"), ("00:00", "00:00"),
    ("23:59", "23:59"), ("١٢:٣٠", "12:30")])  # Arabic-Indic digits stored as ASCII
def test_times_as_people_type_them_are_stored_as_hh_mm(times: Definition, typed: str,
                                                       stored: str) -> None:
    result = check(times, [("arrival", typed)])
    assert result.ok, result.issues
    assert result.answers["arrival"] == stored


@pytest.mark.parametrize("typed", ["24:00", "12:60", "noon", "12", "12:5", "-1:00", "12:00 pm",
                                   "1" * 40, "12:00:60", "12:00\n13:00", "12::00"])
def test_what_is_not_a_time_of_day_is_refused(times: Definition, typed: str) -> None:
    assert check(times, [("arrival", typed)]).issues["arrival"].reason == "time"


def test_limits_and_special_answers(times: Definition) -> None:
    assert check(times, [("arrival", "9:00"), ("seen", "07:59")]).issues["seen"].reason == \
        "time_min"
    assert check(times, [("arrival", "9:00"), ("seen", "20:01")]).issues["seen"].reason == \
        "time_max"
    result = check(times, [("arrival", "9:00"), ("seen", "dont_know")])
    assert result.ok and result.answers["seen"] == "dont_know"
    assert check(times, [("arrival", "9:00"), ("seen", "dont_know"), ("seen", "10:00")]
                 ).issues["seen"].reason == "both"
    assert check(times, []).issues["arrival"].reason == "required"


def test_a_condition_compares_times_as_text(times: Definition) -> None:
    from survey.questionnaire import expressions

    relevant = times.item("why_late").relevant
    assert expressions.evaluate(relevant.tree, {"arrival": "14:05"}) is True
    assert expressions.evaluate(relevant.tree, {"arrival": "09:30"}) is False


# -- XLSForm -----------------------------------------------------------------------------------

def test_an_xlsform_time_is_a_time_item_and_writes_back() -> None:
    rows = [survey_rows()[0], ["begin group", "page", "Page", "Page"],
            ["time", "woke", "Réveil", "Woke up"], ["end group"]]
    definition = read_xlsform(workbook({"survey": rows, "choices": CHOICES,
                                         "settings": SETTINGS}), "t.xlsx").definition
    assert definition.item("woke").type == "time"


def test_yaml_to_xlsform_to_yaml_keeps_the_times(times: Definition) -> None:
    back = read_xlsform(as_xlsform(times), "back.xlsx").definition
    assert back.content_hash == times.content_hash


# -- the participant's pages, stored, exported, codebook, results -----------------------------

@pytest.fixture
def stored_times(app: Flask, times: Definition) -> Definition:
    with app.app_context():
        store_definition(times, SOURCE.name)
    return times


def test_the_page_shows_a_time_input_and_keeps_a_typed_time(
        app: Flask, client: FlaskClient, stored_times: Definition) -> None:
    participant = Participant(client)
    participant.start("time_type", "fr")
    page = participant.html
    assert '<input id="i-arrival" name="arrival" value="" type="time"' in page
    assert 'min="08:00" max="20:00"' in page
    # a browser without the time input posts what was typed: the server reads it
    participant.post([("arrival", "14h05"), ("seen", "dont_know")])
    assert participant.section == "later" and "Pourquoi l" in participant.html
    participant.post([("why_late", "bouchons")])
    [response] = responses(app)
    assert response.status == COMPLETED
    assert response.answers == {"arrival": "14:05", "seen": "dont_know", "why_late": "bouchons"}


@pytest.mark.parametrize(("lang", "expected"), [
    ("fr", "Veuillez entrer une heure sous la forme heures\u00a0:\u00a0minutes, par exemple "
           "14:30."),
    ("en", "Please enter a time of day as hours:minutes, for example 14:30."),
])
def test_a_bad_time_is_refused_in_the_participants_language(
        app: Flask, client: FlaskClient, stored_times: Definition, lang: str,
        expected: str) -> None:
    participant = Participant(client)
    participant.start("time_type", lang)
    participant.post([("arrival", "half past two")])
    assert participant.status == 422 and participant.section == "day"  # the page again
    assert expected in participant.html
    participant.post([("arrival", "25:00")])
    assert expected in participant.html
    assert responses(app)[0].answers.get("arrival") is None


@pytest.mark.parametrize(("lang", "expected"), [
    ("fr", "Veuillez entrer une heure à partir de 08:00."),
    ("en", "Please enter a time at or after 08:00."),
])
def test_a_time_before_the_minimum_is_refused_in_both_languages(
        app: Flask, client: FlaskClient, stored_times: Definition, lang: str,
        expected: str) -> None:
    participant = Participant(client)
    participant.start("time_type", lang)
    participant.post([("arrival", "07:00"), ("seen", "07:30")])
    assert expected in participant.html


def test_times_are_exported_as_text_and_spss_times_and_in_the_codebook(
        app: Flask, client: FlaskClient, stored_times: Definition, tmp_path: Path) -> None:
    for first, late in (([("arrival", "9:30"), ("seen", "10:15")], "not asked"),
                        ([("arrival", "14:45:10"), ("seen", "dont_know")], "traffic")):
        participant = Participant(app.test_client())  # each participant their own browser
        participant.start("time_type", "en")
        participant.post(first)
        participant.post([("why_late", late)])  # kept only when arrival > '12:00'
        assert participant.path.endswith("/done"), participant.html[:2000]
    with app.app_context():
        exported = Export.of(Selection("time_type", (COMPLETED,)))
        data = b"".join(csv_wide(exported))
        codebook = exported.schema.codebook()
        write_xlsx(Export.of(Selection("time_type", (COMPLETED,))), tmp_path / "t.xlsx",
                   lang="en")
        write_sav(Export.of(Selection("time_type", (COMPLETED,))), tmp_path / "t.sav",
                  lang="en")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r["arrival"], r["seen"], r["why_late"]) for r in rows] == [
        ("09:30", "10:15", ""), ("14:45", "dont_know", "traffic")]
    sheet = list(openpyxl.load_workbook(tmp_path / "t.xlsx")["data"].iter_rows(values_only=True))
    header = list(sheet[0])
    assert [row[header.index("arrival")] for row in sheet[1:]] == ["09:30", "14:45"]
    frame, meta = pyreadstat.read_sav(str(tmp_path / "t.sav"))
    assert meta.original_variable_types["arrival"] == "TIME5"
    assert [str(t) for t in frame["arrival"]] == ["09:30:00", "14:45:00"]
    assert str(frame["seen"][0]) == "10:15:00" and frame["seen"].isna()[1]  # dont_know
    entries = {e["code"]: e for e in codebook["items"]}
    assert entries["arrival"]["type"] == "time" and entries["seen"]["special"] == ["dont_know"]
    book = parse_codebook(codebook)  # the analysis library reads the codebook and the data
    assert book.item("arrival").type == "time"
    (tmp_path / "t.csv").write_bytes(data)
    assert list(read_export(tmp_path / "t.csv", book)["arrival"]) == ["09:30", "14:45"]
    bad = data.decode("utf-8-sig").replace("09:30", "25:00")
    (tmp_path / "bad.csv").write_text(bad, encoding="utf-8")
    with pytest.raises(ExportError, match="arrival"):
        read_export(tmp_path / "bad.csv", book)


def test_results_count_the_most_frequent_times(app: Flask, client: FlaskClient,
                                               stored_times: Definition) -> None:
    for arrival in ("09:30", "9h30", "10:00"):
        participant = Participant(app.test_client())
        participant.start("time_type", "en")
        participant.post([("arrival", arrival)])
        participant.post([])
    with app.app_context():
        found: dict[str, Any] = {s.code: s for s in summaries(
            Selection("time_type"), "en", 1, True, {"dont_know": "I don't know"})}
    assert [(label, n) for label, n, _p in found["arrival"].counts] == [
        ("09:30", 2), ("10:00", 1)]
    assert found["arrival"].numbers is None


def test_the_analysis_library_makes_and_reads_synthetic_times(times: Definition) -> None:
    from analysis.loading import prepare
    from analysis.synthetic import generate
    from survey.questionnaire.codebook import codebook

    book = parse_codebook(codebook(times))
    frame = prepare(generate(book, 40, seed=3), book)
    given = frame["arrival"].dropna().tolist()
    assert given and all(len(t) == 5 and "06:00" <= t < "22:00" for t in given)
