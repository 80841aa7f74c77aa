"""The ``conformity`` item type (issue 25): a criterion of a reference framework answered with
a level (met, partly met, not met, not applicable) and an optional note or action. One module
(``itemtypes/conformity.py``) and one partial; read from YAML and XLSForm and written back,
answered through the participant's pages, refused in French and English, stored, exported,
in the codebook and the diff, summarised in results."""

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
from survey.questionnaire import Definition, DefinitionError, load_file, load_text
from survey.questionnaire.answers import check_page
from survey.questionnaire.download import as_xlsform
from survey.questionnaire.xlsform import read_xlsform
from survey.results.questions import summaries
from survey.versions import store_definition
from survey.versions.diff import diff

from .participant import Participant, responses
from .test_xlsform import CHOICES, SETTINGS, survey_rows, workbook

SOURCE = Path(__file__).parent / "data" / "conformity_type.yaml"
TEXT = SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def framework() -> Definition:
    return load_file(SOURCE)


def check(definition: Definition, pairs: list[tuple[str, str]]):  # noqa: ANN201
    raw: dict[str, list[str]] = {}
    for name, value in pairs:
        raw.setdefault(name, []).append(value)
    return check_page(definition, definition.sections[0], raw, {}, definition.roster)


# -- the definition ----------------------------------------------------------------------------

def test_a_criterion_reads_its_dimension_reference_and_levels(framework: Definition) -> None:
    board = framework.item("g_board")
    assert board.itemtype.name == "conformity"
    assert (board.settings.dimension, board.settings.reference) == ("governance", "R1")
    assert [c.code for c in board.choices] == ["met", "partly", "not_met", "na"]
    assert board.choices[1].label == {"fr": "Partiellement atteint", "en": "Partly met"}
    assert board.answer_keys == ("g_board", "g_board_note")


@pytest.mark.parametrize(("old", "new", "fragment"), [
    ("dimension: governance, reference: R1", "dimension: [a, b], reference: R1",
     "'dimension' of 'g_board' must be a short text"),
    ("reference: R2", "reference: '" + "x" * 81 + "'", "'reference' of 'g_assembly' must be"),
    ("code: g_report,", "code: g_board_note,", "code 'g_board_note' is used twice"),
])
def test_bad_settings_are_refused(old: str, new: str, fragment: str) -> None:
    assert old in TEXT
    with pytest.raises(DefinitionError) as error:
        load_text(TEXT.replace(old, new, 1), "c.yaml")
    assert fragment in str(error.value), str(error.value)


def test_a_moved_criterion_shows_in_the_diff(framework: Definition) -> None:
    changed = load_text(TEXT.replace("dimension: quality, reference: R8",
                                     "dimension: access, reference: R8b"))
    assert [str(c) for c in diff(framework, changed)] == [
        "The setting 'dimension' of item 'q_records' changed: quality -> access.",
        "The setting 'reference' of item 'q_records' changed: R8 -> R8b."]


# -- a posted page -----------------------------------------------------------------------------

def test_a_level_and_a_note_are_stored_apart(framework: Definition) -> None:
    result = check(framework, [("g_board", "partly"), ("g_board_note", " Invite two users "),
                               ("g_assembly", "na")])
    assert result.ok, result.issues
    assert result.answers == {"g_board": "partly", "g_board_note": "Invite two users",
                              "g_assembly": "na", "g_assembly_note": None,
                              "g_report": None, "g_report_note": None}


@pytest.mark.parametrize(("pairs", "reason"), [
    ([], "required"),
    ([("g_board", "mostly")], "invalid"),
    ([("g_board", "met"), ("g_board", "na")], "invalid"),
    ([("g_board_note", "a note without a level")], "note_alone"),
    ([("g_board", "met"), ("g_board_note", "x" * 2001)], "note_long"),
])
def test_what_is_not_a_level_is_refused(framework: Definition, pairs: list, reason: str
                                        ) -> None:
    assert check(framework, pairs).issues["g_board"].reason == reason


def test_a_condition_reads_the_level(framework: Definition) -> None:
    from survey.questionnaire import expressions

    tree = expressions.parse("${g_board} = 'not_met'", allow_dot=False)
    assert expressions.evaluate(tree, {"g_board": "not_met"}) is True
    assert framework.item("a_fees").special == ("dont_know",)


# -- XLSForm -----------------------------------------------------------------------------------

def test_an_xlsform_conformity_row_with_a_dimension_column() -> None:
    header = [*survey_rows()[0], "dimension", "reference"]
    blanks = [None] * (len(header) - 6)
    rows = [header, ["begin group", "page", "Page", "Page"],
            ["conformity", "board", "Usagers au CA", "Users on the board", *blanks,
             "governance", "R1"],
            ["end group"]]
    definition = read_xlsform(workbook({"survey": rows, "choices": CHOICES,
                                         "settings": SETTINGS}), "c.xlsx").definition
    board = definition.item("board")
    assert board.type == "conformity"
    assert (board.settings.dimension, board.settings.reference) == ("governance", "R1")


def test_yaml_to_xlsform_to_yaml_keeps_the_criteria(framework: Definition) -> None:
    back = read_xlsform(as_xlsform(framework), "back.xlsx").definition
    assert back.content_hash == framework.content_hash
    assert back.item("q_records").settings == framework.item("q_records").settings


# -- the participant's pages, stored, exported, codebook, results -----------------------------

@pytest.fixture
def stored(app: Flask, framework: Definition) -> Definition:
    with app.app_context():
        store_definition(framework, SOURCE.name)
    return framework


def answer_all(app: Flask, lang: str, first: list[tuple[str, str]]) -> Participant:
    participant = Participant(app.test_client())
    participant.start("coop_assessment", lang)
    participant.post(first)
    participant.post([("a_delay", "met"), ("a_fees", "dont_know")])
    participant.post([("q_meeting", "not_met"), ("q_meeting_note", "Weekly slot from May")])
    assert participant.path.endswith("/done"), participant.html[:2000]
    return participant


def test_the_page_offers_the_levels_and_a_note(app: Flask, client: FlaskClient,
                                               stored: Definition) -> None:
    participant = Participant(client)
    participant.start("coop_assessment", "fr")
    page = participant.html
    assert 'value="partly"' in page and "Partiellement atteint" in page
    assert 'name="g_board_note"' in page and "Note ou action (facultatif)" in page
    assert '<span class="ref">R1</span>' in page
    participant.post([("g_board_note", "<script>alert(1)</script>")])
    assert participant.status == 422
    assert "Veuillez choisir un niveau pour ce critère, ou retirer la note." in participant.html
    assert "<script>alert(1)</script>" not in participant.html  # shown back, escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in participant.html


def test_a_refusal_in_english(app: Flask, client: FlaskClient, stored: Definition) -> None:
    participant = Participant(client)
    participant.start("coop_assessment", "en")
    participant.post([("g_board_note", "later")])
    assert "Please choose a level for this criterion, or remove the note." in participant.html


def test_levels_and_notes_are_exported_and_in_the_codebook(app: Flask, stored: Definition
                                                            ) -> None:
    answer_all(app, "en", [("g_board", "met"), ("g_report", "partly"),
                           ("g_report_note", "=HYPERLINK(\"x\")")])
    answer_all(app, "fr", [("g_board", "not_met"), ("g_board_note", "Élire deux usagers")])
    [first, second] = responses(app)
    assert first.status == COMPLETED
    assert second.answers["g_board"] == "not_met"
    assert second.answers["g_board_note"] == "Élire deux usagers"
    with app.app_context():
        exported = Export.of(Selection("coop_assessment", (COMPLETED,)))
        data = b"".join(csv_wide(exported)).decode("utf-8-sig")
        codebook = exported.schema.codebook()
    rows = list(csv.DictReader(io.StringIO(data)))
    assert [(r["g_board"], r["g_board_note"]) for r in rows] == [
        ("met", ""), ("not_met", "Élire deux usagers")]
    assert rows[0]["g_report_note"].startswith("'=")  # neutralised for spreadsheets
    entries = {e["code"]: e for e in codebook["items"]}
    assert entries["g_board"]["type"] == "single"
    assert [c["code"] for c in entries["g_board"]["choices"]] == ["met", "partly", "not_met",
                                                                   "na"]
    assert entries["g_board"]["dimension"] == "governance"
    assert entries["g_board_note"]["type"] == "textarea"
    assert entries["g_board_note"]["text"]["fr"].endswith("(note ou action)")
    book = parse_codebook(codebook)
    assert book.item("g_board").type == "single"


def test_results_count_each_level(app: Flask, stored: Definition) -> None:
    for level in ("met", "met", "partly"):
        answer_all(app, "en", [("g_board", level)])
    with app.app_context():
        found: dict[str, Any] = {s.code: s for s in summaries(
            Selection("coop_assessment"), "en", 1, True, {"dont_know": "I don't know"})}
    assert [(label, n) for label, n, _p in found["g_board"].counts] == [
        ("Met", 2), ("Partly met", 1)]


def test_a_refused_page_of_criteria_stays_within_the_page_budget(
        app: Flask, client: FlaskClient, stored: Definition) -> None:
    from bench.page_weight import BUDGET, wire_size

    participant = Participant(client)
    participant.start("coop_assessment", "fr")
    page = client.post(participant.path, data={
        "csrf_token": participant.csrf, "nav": "next", "g_assembly_note": "x" * 300},
        headers={"Accept-Encoding": "br, gzip"})
    assert page.status_code == 422
    assert wire_size(page) < BUDGET, wire_size(page)


# -- a dimension per language ------------------------------------------------------------------

PLAIN_HASH = "64a10fb49e36245328c13938ba28918a4bd8620452079c3ce74fd50f40ca7df8"  # before #25b
PER_LANGUAGE = TEXT.replace("dimension: governance,",
                            "dimension: {fr: Gouvernance, en: Governance},")


def test_a_plain_dimension_keeps_the_definitions_content_hash(framework: Definition) -> None:
    """Definitions published with a plain-text dimension keep their hash (their version)."""
    assert framework.content_hash == PLAIN_HASH
    assert framework.item("g_board").settings.dimension == "governance"


def test_a_dimension_in_each_language() -> None:
    from survey.questionnaire.itemtypes.conformity import dimension_text

    definition = load_text(PER_LANGUAGE)
    board = definition.item("g_board").settings
    assert board.dimension == {"fr": "Gouvernance", "en": "Governance"}
    assert (dimension_text(board, "fr"), dimension_text(board, "en")) == ("Gouvernance",
                                                                           "Governance")
    assert dimension_text(board, "de") == "Gouvernance"  # another language: the first one
    plain = definition.item("a_delay").settings
    assert (dimension_text(plain, "fr"), dimension_text(plain, "en")) == ("access", "access")
    assert definition.content_hash != PLAIN_HASH


@pytest.mark.parametrize(("dimension", "problem"), [
    ("{fr: Gouvernance, de: Führung}", "is given in a language the questionnaire does not "
                                       "have (de)"),
    ("{fr: Gouvernance, en: ''}", "'dimension' of 'g_board' must be a short text"),
    ("{fr: [a, b]}", "'dimension' of 'g_board' must be a short text"),
    ("{fr: " + "x" * 81 + "}", "'dimension' of 'g_board' must be a short text"),
])
def test_a_bad_dimension_per_language_is_refused(dimension: str, problem: str) -> None:
    with pytest.raises(DefinitionError) as refused:
        load_text(TEXT.replace("dimension: governance, reference: R1",
                               f"dimension: {dimension}, reference: R1"))
    assert problem in str(refused.value)


def test_an_xlsform_row_with_a_dimension_per_language() -> None:
    header = [*survey_rows()[0], "dimension::Français (fr)", "dimension::English (en)",
              "reference"]
    blanks = [None] * (len(header) - 7)
    rows = [header, ["begin group", "page", "Page", "Page"],
            ["conformity", "board", "Usagers au CA", "Users on the board", *blanks,
             "Gouvernance", "Governance", "R1"],
            ["conformity", "fees", "Honoraires", "Fees", *blanks, "Accès", None, "R2"],
            ["end group"]]
    definition = read_xlsform(workbook({"survey": rows, "choices": CHOICES,
                                         "settings": SETTINGS}), "c.xlsx").definition
    assert definition.item("board").settings.dimension == {"fr": "Gouvernance",
                                                           "en": "Governance"}
    # a translation left for later takes the other language's text (as labels do)
    assert definition.item("fees").settings.dimension == {"fr": "Accès", "en": "Accès"}


def test_a_dimension_per_language_goes_through_xlsform_and_back() -> None:
    definition = load_text(PER_LANGUAGE)
    back = read_xlsform(as_xlsform(definition), "back.xlsx").definition
    assert back.content_hash == definition.content_hash
    assert back.item("g_board").settings == definition.item("g_board").settings
    plain = load_file(SOURCE)  # and the plain one still goes through unchanged
    assert read_xlsform(as_xlsform(plain), "back.xlsx").definition.content_hash == PLAIN_HASH


def test_a_dimension_changed_in_one_language_is_in_the_diff() -> None:
    changed = PER_LANGUAGE.replace("en: Governance}", "en: Board}")
    assert [str(c) for c in diff(load_text(PER_LANGUAGE), load_text(changed))] == [
        f"The setting 'dimension' of item '{code}' changed: fr: Gouvernance; en: Governance "
        "-> fr: Gouvernance; en: Board." for code in ("g_board", "g_assembly", "g_report")]


def test_the_thank_you_page_of_a_self_assessment_says_who_reads_it(
        app: Flask, stored: Definition) -> None:
    """A site team's self-assessment is not suppressed below the group size (it speaks for the
    site): its thank-you page says who reads it, not the small-group promise of surveys."""
    done = answer_all(app, "en", [("g_board", "met"), ("g_report", "partly")]).html
    assert "read by the evaluation team and by the partners of your site" in done
    assert "groups of at least" not in done
