"""The item types added as one module and one partial each (issue 23): ``range``,
``acknowledge``, ``calculate`` and ``hidden``: read from YAML and XLSForm and written back,
checked on a posted page, worded in French and English, stored, exported and in the codebook,
compared between versions."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from analysis.codebook import parse_codebook
from survey.exports import Export, Selection, csv_wide
from survey.models.response import COMPLETED
from survey.participate.messages import issue_message
from survey.questionnaire import Definition, DefinitionError, load_file, load_text
from survey.questionnaire.answers import check_page
from survey.questionnaire.download import as_xlsform
from survey.questionnaire.xlsform import read_xlsform
from survey.versions import store_definition
from survey.versions.diff import diff

from .participant import Participant, campaign_path, responses
from .test_xlsform import CHOICES, SETTINGS, survey_rows, workbook

SOURCE = Path(__file__).parent / "data" / "new_types.yaml"
TEXT = SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def new_types() -> Definition:
    return load_file(SOURCE)


def check(definition: Definition, pairs: list[tuple[str, str]],
          saved: dict[str, Any] | None = None):  # noqa: ANN201
    raw: dict[str, list[str]] = {}
    for name, value in pairs:
        raw.setdefault(name, []).append(value)
    return check_page(definition, definition.sections[0], raw, saved or {}, definition.roster)


VALID = [("pain", "6"), ("hours", "7,5"), ("agree", "OK")]


# -- a posted page ------------------------------------------------------------------------------

def test_a_page_stores_range_acknowledge_calculations_and_hidden_values(new_types):
    result = check(new_types, VALID)
    assert result.ok, result.issues
    assert result.answers == {"source": "direct", "wave_label": "printemps", "pain": 6,
                              "hours": 7.5, "agree": "OK", "double_pain": 12,
                              "high_pain": "false"}


def test_a_hidden_value_from_the_link_wins_over_the_forms(new_types):
    result = check(new_types, VALID, saved={"source": "newsletter"})
    assert result.answers["source"] == "newsletter" and result.answers["wave_label"] == "printemps"


def test_a_calculation_on_an_unanswered_item_stores_nothing(new_types):
    result = check(new_types, [("agree", "OK")], saved={})
    assert result.issues["pain"].reason == "required"
    lenient = check_page(new_types, new_types.sections[0], {"agree": ["OK"]}, {},
                         new_types.roster, strict=False)
    assert lenient.answers["double_pain"] is None and lenient.answers["high_pain"] == "false"


@pytest.mark.parametrize(("value", "reason"), [
    ("11", "range"), ("-1", "range"), ("abc", "decimal"), ("2.5", "range_step")])
def test_a_range_refuses_values_outside_or_between_its_steps(new_types, value, reason):
    pairs = [("pain", value) if name == "pain" else (name, v) for name, v in VALID]
    assert check(new_types, pairs).issues["pain"].reason == reason


def test_half_steps_are_accepted_where_the_step_says_so(new_types):
    assert check(new_types, [*VALID[:1], ("hours", "7.25"), VALID[2]]).issues[
        "hours"].reason == "range_step"


def test_acknowledge_takes_ok_only_and_a_required_one_must_be_ticked(new_types):
    assert check(new_types, [*VALID[:2], ("agree", "yes")]).issues["agree"].reason == "invalid"
    assert check(new_types, VALID[:2]).issues["agree"].reason == "required"


def test_posted_values_for_computed_and_hidden_items_are_ignored(new_types):
    result = check(new_types, [*VALID, ("source", "forged"), ("double_pain", "999")])
    assert result.answers["source"] == "direct" and result.answers["double_pain"] == 12


@pytest.mark.parametrize(("lang", "value", "expected"), [
    ("fr", "11", "Veuillez entrer un nombre de 0 à 10."),
    ("en", "11", "Please enter a number from 0 to 10."),
    ("fr", "2.5", "Veuillez entrer un nombre de 0 à 10, par pas de 1."),
    ("en", "2.5", "Please enter a number from 0 to 10, in steps of 1."),
])
def test_refusals_are_worded_by_the_type_in_both_languages(app: Flask, new_types, lang, value,
                                                           expected):
    from flask import session

    pairs = [("pain", value) if name == "pain" else (name, v) for name, v in VALID]
    issue = check(new_types, pairs).issues["pain"]
    with app.test_request_context("/"):
        session["lang"] = lang
        from flask import g

        g.definition = new_types
        message = issue_message(new_types.item("pain"), issue, lambda t: (t or {}).get(lang, ""))
    assert message == expected


# -- the definition -----------------------------------------------------------------------------

@pytest.mark.parametrize(("old", "new", "fragment"), [
    ("start: 0, end: 10, step: 1", "start: 10, end: 0, step: 1",
     "range 'pain' needs start below end and a step above 0"),
    ("start: 0, end: 10, step: 1", "start: zero, end: 10, step: 1",
     "'start' of 'pain' must be a number"),
    ('{code: wave_label, type: hidden, value: "printemps"}', "{code: wave_label, type: hidden}",
     "hidden 'wave_label' needs a value, or link: true"),
    ('calculation: "${pain} * 2", result: number', 'result: number',
     "calculate 'double_pain' needs a calculation"),
    ('calculation: "${pain} * 2", result: number', 'calculation: "${later} * 2"',
     "names ${later}, an unknown item"),
    ('result: number}', 'result: date}', "'result' of 'double_pain' must be text or number"),
    ('{code: high_pain, type: calculate,', '{code: high_pain, type: calculate, required: true,',
     "calculate 'high_pain' is computed: it cannot be required"),
    ('{code: wave_label, type: hidden,', '{code: wave_label, type: hidden, special: [dont_know],',
     "hidden 'wave_label' is not asked"),
])
def test_bad_new_items_are_refused_with_their_line(old: str, new: str, fragment: str) -> None:
    assert old in TEXT
    with pytest.raises(DefinitionError) as error:
        load_text(TEXT.replace(old, new, 1), "new.yaml")
    assert fragment in str(error.value), str(error.value)


def test_every_setting_of_the_new_types_shows_in_the_diff(new_types) -> None:
    changed = load_text(TEXT.replace("step: 0.5", "step: 0.25")
                        .replace('value: "printemps"', 'value: "automne"')
                        .replace('"${pain} * 2"', '"${pain} * 3"')
                        .replace("link: true, ", ""))
    found = [str(c) for c in diff(new_types, changed)]
    assert found == [
        "The setting 'link' of item 'source' changed: true -> false.",
        "The setting 'value' of item 'wave_label' changed: printemps -> automne.",
        "The setting 'step' of item 'hours' changed: 0.5 -> 0.25.",
        "The setting 'calculation' of item 'double_pain' changed: ${pain} * 2 -> ${pain} * 3.",
    ]


# -- XLSForm ------------------------------------------------------------------------------------

def test_an_xlsform_with_range_acknowledge_calculate_and_hidden_imports():
    header = [*survey_rows()[0], "parameters", "calculation", "default"]
    pad = [None] * (len(header) - 3 - 4)
    rows = [
        header,
        ["begin group", "page", "Page", "Page"],
        ["hidden", "district", None, None, *pad, None, None, "north"],
        ["range", "pain", "Douleur", "Pain", *pad, "start=0 end=10 step=1"],
        ["acknowledge", "read", "J'ai lu", "I have read"],
        ["trigger", "seen", "Vu", "Seen"],
        ["calculate", "pain2", None, None, *pad, None, "${pain} * 2"],
        ["end group"],
    ]
    definition = read_xlsform(workbook({"survey": rows, "choices": CHOICES,
                                         "settings": SETTINGS}), "form.xlsx").definition
    types = {i.code: (i.type, i.settings) for i in definition.items()}
    assert types["district"][0] == "hidden" and types["district"][1].value == "north"
    assert types["pain"][0] == "range" and (types["pain"][1].start, types["pain"][1].end) == (0, 10)
    assert types["read"][0] == types["seen"][0] == "acknowledge"
    assert types["pain2"][1].calculation.source == "${pain} * 2"


def test_yaml_to_xlsform_to_yaml_keeps_the_new_types(new_types):
    back = read_xlsform(as_xlsform(new_types), "back.xlsx").definition
    assert back.content_hash == new_types.content_hash


# -- stored through the participant's pages, exported, in the codebook and results -------------

def test_calculate_and_hidden_values_are_stored_and_exported(app: Flask, client: FlaskClient,
                                                              new_types) -> None:
    with app.app_context():
        store_definition(new_types, "new_types.yaml")
    participant = Participant(client)
    link = campaign_path(app, "new_types")
    participant.get(f"{link}?source=newsletter&other=ignored&lang=en")
    participant.start("new_types", "en")
    page = participant.html
    assert 'name="pain"' in page and 'name="agree"' in page
    for hidden in ("source", "wave_label", "double_pain", "high_pain", "newsletter"):
        assert hidden not in page, hidden  # never shown, never an input
    participant.post(VALID)
    [response] = responses(app)
    assert response.status == COMPLETED
    assert response.answers == {"source": "newsletter", "wave_label": "printemps", "pain": 6,
                                "hours": 7.5, "agree": "OK", "double_pain": 12,
                                "high_pain": "false"}
    with app.app_context():
        exported = Export.of(Selection("new_types", (COMPLETED,)))
        [row] = list(csv.DictReader(io.StringIO(b"".join(csv_wide(exported)).decode(
            "utf-8-sig"))))
        codebook = exported.schema.codebook()
    assert {k: row[k] for k in ("source", "wave_label", "pain", "hours", "agree",
                                "double_pain", "high_pain")} == {
        "source": "newsletter", "wave_label": "printemps", "pain": "6", "hours": "7.5",
        "agree": "OK", "double_pain": "12", "high_pain": "false"}
    types = {entry["code"]: entry["type"] for entry in codebook["items"]}
    assert types == {"source": "text", "wave_label": "text", "pain": "integer",
                     "hours": "decimal", "agree": "single", "double_pain": "decimal",
                     "high_pain": "text"}
    book = parse_codebook(codebook)  # the analysis library summarises them from it
    assert book.item("agree").label("OK", "fr") == "OK"


def test_a_link_without_the_name_keeps_the_forms_value(app: Flask, client: FlaskClient,
                                                       new_types) -> None:
    with app.app_context():
        store_definition(new_types, "new_types.yaml")
    participant = Participant(client)
    participant.start("new_types", "fr")
    participant.post(VALID)
    [response] = responses(app)
    assert response.answers["source"] == "direct"


def test_results_list_no_computed_or_hidden_value_as_free_text(new_types) -> None:
    assert [i.code for i in new_types.items() if i.itemtype.free_text] == []
