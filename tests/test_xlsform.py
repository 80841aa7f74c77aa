"""XLSForm import (pyxform's reader, through the item-type registry), download back as XLSForm
and YAML, and the CLI on .xlsx files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from survey.questionnaire import DefinitionError, load_file, load_text
from survey.questionnaire.download import as_xlsform, as_yaml
from survey.questionnaire.xlsform import read_xlsform
from survey.versions.cli import questionnaire_group

ROOT = Path(__file__).parent.parent
DEFINITIONS = sorted(ROOT.glob("questionnaires/*.yaml")) + [
    Path(__file__).parent / "data" / "every_type.yaml"]
FR, EN = "label::Français (fr)", "label::English (en)"
HFR, HEN = "hint::Français (fr)", "hint::English (en)"


def workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SURVEY_HEADER = ["type", "name", FR, EN, HFR, HEN, "required", "relevant", "constraint",
                 "appearance", "special", "equity"]


def survey_rows(*rows: list[Any]) -> list[list[Any]]:
    return [SURVEY_HEADER, *rows]


CHOICES = [
    ["list_name", "name", FR, EN],
    ["agree", 1, "Pas d'accord", "Disagree"],
    ["agree", 2, "Neutre", "Neutral"],
    ["agree", 3, "D'accord", "Agree"],
    ["services", "clinic", "Clinique", "Clinic"],
    ["services", "pharmacy", "Pharmacie", "Pharmacy"],
    ["services", "dont_know", "Je ne sais pas", "Don't know"],
    ["yes_no", "yes", "Oui", "Yes"],
    ["yes_no", "no", "Non", "No"],
]
SETTINGS = [["form_title", "form_id", "version", "default_language", "audience", "minutes"],
            ["Enquête", "pilot_form", "2026.2", "Français (fr)", "patient", 5]]

PLAIN = {
    "survey": survey_rows(
        ["begin group", "you", "Vous", "You", "Quelques questions", "A few questions"],
        ["select_one yes_no", "uses", "Utilisez-vous le service ?", "Do you use it?", None,
         None, "yes"],
        ["select_multiple services", "which", "Lesquels ?", "Which ones?", None, None, None,
         "${uses} = 'yes'"],
        ["integer", "age", "Âge", "Age", None, None, None, None, ". >= 18 and . < 120"],
        ["date", "visit", "Dernière visite", "Last visit"],
        ["text", "comment", "Commentaire", "Comment", None, None, None, None, None,
         "multiline"],
        ["end group"],
        ["begin group", "opinion", "Votre avis", "Your opinion"],
        ["select_one agree", "satisfied", "Satisfait", "Satisfied", None, None, None, None,
         None, "likert"],
        ["begin group", "grid", "Sur l'équipe", "About the team", None, None, None, None, None,
         "table-list"],
        ["select_one agree", "listens", "Écoute", "Listens"],
        ["select_one agree", "explains", "Explique", "Explains"],
        ["select_one agree", "hurries_r", "Se presse", "Hurries"],
        ["end group"],
        ["rank services", "priorities", "Classez", "Rank them"],
        ["select_one services or_other", "main", "Principal", "Main one"],
        ["note", "thanks", "Merci", "Thank you"],
        ["end group"],
        ["start", "start"],
        ["deviceid", "deviceid"],
    ),
    "choices": CHOICES,
    "settings": SETTINGS,
    "scales": [["code", "items", "reverse", "points", "min_answered", "construct::Français (fr)",
                "construct::English (en)"],
               ["team", "listens explains hurries_r", "hurries_r", 3, 2, "Équipe", "Team"]],
}


def test_a_plain_bilingual_xlsform_becomes_a_definition_through_the_registry():
    imported = read_xlsform(workbook(PLAIN), "pilot.xlsx")
    d = imported.definition
    assert (d.code, d.version_label, d.audience, d.minutes) == ("pilot_form", "2026.2",
                                                               "patient", 5)
    assert d.languages == ("fr", "en")
    assert [s.code for s in d.sections] == ["you", "opinion"]
    assert d.sections[0].title == {"fr": "Vous", "en": "You"}
    assert d.sections[0].intro == {"fr": "Quelques questions", "en": "A few questions"}
    types = {i.code: i.type for i in d.items()}
    assert types == {
        "uses": "single", "which": "multiple", "age": "integer", "visit": "date",
        "comment": "textarea", "satisfied": "likert", "grid": "matrix", "priorities": "ranking",
        "main": "single", "main_other": "text", "thanks": "note"}
    uses, which, age = d.item("uses"), d.item("which"), d.item("age")
    assert uses.required and uses.text == {"fr": "Utilisez-vous le service ?",
                                           "en": "Do you use it?"}
    assert which.relevant.source == "${uses} = 'yes'"
    # a choice named dont_know becomes the item's special answer, not a choice
    assert [c.code for c in which.choices] == ["clinic", "pharmacy"]
    assert which.special == ("dont_know",)
    assert age.constraint.source == ". >= 18 and . < 120"
    assert age.constraint_message["en"]  # a standard message where the form has none
    grid = d.item("grid")
    assert [r.code for r in grid.settings.rows] == ["listens", "explains", "hurries_r"]
    assert [c.code for c in grid.choices] == [1, 2, 3]
    assert [c.code for c in d.item("main").choices][-1] == "other"
    assert d.item("main_other").relevant.source == "selected(${main}, 'other')"
    assert d.scales[0].items == ("listens", "explains", "hurries_r")
    assert d.scales[0].reverse == ("hurries_r",)
    # metadata is not collected, and the researcher is told so
    notes = [str(note) for note in imported.notes]
    assert any("deviceid" in note and "no device" in note for note in notes)
    assert any("'start'" in note for note in notes)


def test_every_problem_is_placed_at_its_cell():
    broken = {
        "survey": survey_rows(
            ["begin group", "p", "Page", "Page"],
            ["text", "name", "Nom", "Name"],
            ["integer", "age", "Âge", "Age", None, None, "perhaps"],  # G4
            ["text", "why", "Pourquoi", "Why", None, None, None, "${nowhere} = 1"],  # H5
            ["select_one nolist", "pick", "Choix", "Pick"],  # A6
            ["end group"],
        ),
        "choices": CHOICES,
        "settings": SETTINGS,
    }
    with pytest.raises(DefinitionError) as caught:
        read_xlsform(workbook(broken), "broken.xlsx")
    text = str(caught.value)
    assert "survey!G4: 'required' must be yes or no" in text
    assert "survey!H5: relevant \"${nowhere} = 1\" names ${nowhere}, an unknown item" in text
    assert "survey!A6: the choice list 'nolist' is not in the choices sheet" in text


@pytest.mark.parametrize(("row", "reason"), [
    (["begin repeat", "children", "Enfants", "Children"], "repeats"),
    (["geopoint", "where", "Où", "Where"], "GPS locations"),
    (["image", "photo", "Photo", "Photo"], "photos"),
    (["barcode", "code", "Code", "Code"], "barcodes"),
    (["calculate", "total", None, None], "calculate 'total' needs a calculation"),
    (["select_one_from_file places.csv", "place", "Lieu", "Place"],
     "upload a ZIP file holding the XLSForm and places.csv"),
    (["datetime", "when", "Quand", "When"], "a date with a time of day"),
])
def test_unsupported_features_are_refused_with_their_row_and_reason(row, reason):
    form = {"survey": survey_rows(["begin group", "p", "Page", "Page"],
                                  ["text", "name", "Nom", "Name"], row, ["end group"]),
            "choices": CHOICES, "settings": SETTINGS}
    with pytest.raises(DefinitionError) as caught:
        read_xlsform(workbook(form), "form.xlsx")
    first = caught.value.problems[0]
    assert first.place == "survey!A4"
    assert reason in first.message


def test_a_missing_translation_is_a_note_and_the_other_language_is_shown():
    form = {"survey": survey_rows(
        ["begin group", "p", "Page", None],  # D2: no English page title
        ["text", "name", "Nom", None, "Votre nom"],  # D3, and F3: no English hint
        ["select_one agree", "agreed", "D'accord ?", None],  # D4
        ["integer", "age", None, "Age"],  # C5: no French label
        ["end group"]),
        "choices": [["list_name", "name", FR, EN], ["agree", 1, "Non", None],
                    ["agree", 2, "Oui", "Yes"]],
        "settings": SETTINGS}
    imported = read_xlsform(workbook(form), "half.xlsx")
    d = imported.definition
    assert d.sections[0].title == {"fr": "Page", "en": "Page"}
    assert d.item("name").text == {"fr": "Nom", "en": "Nom"}
    assert d.item("name").help == {"fr": "Votre nom", "en": "Votre nom"}
    assert d.item("age").text == {"fr": "Age", "en": "Age"}  # the default language falls back
    assert [c.label["en"] for c in d.item("agreed").choices] == ["Non", "Yes"]
    notes = {note.place: str(note.text) for note in imported.notes}
    assert notes["survey!D2"].startswith("the en text is missing in 3 cells of column "
                                         "label::English (en) (the first is here): the fr "
                                         "text is shown")
    assert notes["survey!F3"].startswith("the en text is missing: the fr text is shown")
    assert notes["survey!C5"].startswith("the fr text is missing: the en text is shown")
    assert notes["choices!D2"].startswith("the en text is missing: the fr text")


def test_cascading_selects_and_media_columns_are_read_at_their_cell():
    form = {"survey": [["type", "name", "label", "choice_filter", "media::image"],
                       ["select_one agree", "a", "A", "name = ${x}"],
                       ["note", "n", "Look", None, "picture.png"]],
            "choices": [["list_name", "name", "label"], ["agree", 1, "One"], ["agree", 2, "Two"]]}
    with pytest.raises(DefinitionError) as caught:
        read_xlsform(workbook(form), "f.xlsx")
    places = {p.place: p.message for p in caught.value.problems}
    assert "names ${x}, an unknown item" in places["survey!D2"]  # the filter, at its cell
    assert "survey!E3" not in places  # a picture not in the upload is a note (media tests)


def test_an_english_only_form_without_settings_imports_with_notes():
    form = {"survey": [["type", "name", "label", "required"],
                       ["text", "Full-Name", "Your nickname", "yes"],
                       ["integer", "q2", "How many visits?", None]]}
    imported = read_xlsform(workbook(form), "my form.xlsx")
    d = imported.definition
    assert d.languages == ("en",)
    assert d.code == "my_form"
    assert [i.code for i in d.items()] == ["full_name", "q2"]  # names made into codes
    notes = [str(note) for note in imported.notes]
    assert any("Full-Name -> full_name" in n for n in notes)
    assert any("consent" in n for n in notes)  # a standard consent, to replace


@pytest.mark.parametrize(("content", "message"), [
    (b"", "the file is empty"),
    (b"%PDF-1.4 not a spreadsheet", "this is not a spreadsheet"),
    (b"PK\x03\x04 truncated", "damaged"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64,
     "protected by a password"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "old .xls"),
])
def test_uploads_that_are_not_readable_workbooks_get_a_clear_message(content, message):
    with pytest.raises(DefinitionError) as caught:
        read_xlsform(content, "upload.xlsx")
    assert message in str(caught.value)


def test_a_zip_that_is_not_a_workbook_and_a_workbook_without_survey_are_refused():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    with pytest.raises(DefinitionError, match="not an Excel workbook"):
        read_xlsform(archive.getvalue(), "letter.xlsx")
    with pytest.raises(DefinitionError, match="no survey sheet"):
        read_xlsform(workbook({"Sheet1": [["a", "b"]], "other": [["c"]]}), "empty.xlsx")


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda p: p.name)
def test_yaml_to_xlsform_to_yaml_keeps_the_content_hash(path):
    definition = load_file(path)
    back = read_xlsform(as_xlsform(definition), f"{path.stem}.xlsx").definition
    assert back.content_hash == definition.content_hash
    assert load_text(as_yaml(back)).content_hash == definition.content_hash


def test_xlsform_to_definition_to_xlsform_gives_the_same_definition():
    first = read_xlsform(workbook(PLAIN), "pilot.xlsx").definition
    second = read_xlsform(as_xlsform(first), "again.xlsx").definition
    assert second.content_hash == first.content_hash


def test_the_written_xlsform_is_plain_xlsform_other_tools_read():
    book = load_workbook(io.BytesIO(as_xlsform(load_file(DEFINITIONS[0]))))
    assert {"survey", "choices", "settings"} <= set(book.sheetnames)
    header = [c.value for c in book["survey"][1]]
    assert header[:2] == ["type", "name"] and "label::Français (fr)" in header
    types = {row[0] for row in book["survey"].iter_rows(min_row=2, values_only=True)}
    assert "begin_group" in types and any(str(t).startswith("select_one ") for t in types)


def test_a_label_starting_with_equals_is_written_as_text_not_a_formula():
    data = load_file(DEFINITIONS[-1]).raw
    data = {**data, "title": {lang: "=1+1" for lang in data["languages"]}}
    book = load_workbook(io.BytesIO(as_xlsform(data)))
    cells = [c for row in book["settings"].iter_rows() for c in row if c.value == "=1+1"]
    assert cells and all(c.data_type == "s" for c in cells)


def test_cli_validates_and_converts_xlsx(tmp_path):
    form = tmp_path / "pilot.xlsx"
    form.write_bytes(workbook(PLAIN))
    runner = CliRunner()
    result = runner.invoke(questionnaire_group, ["validate", str(form)])
    assert result.exit_code == 0, result.output
    assert "OK: questionnaire 'pilot_form'" in result.output
    assert "note:" in result.output
    out = tmp_path / "pilot.yaml"
    result = runner.invoke(questionnaire_group, ["convert", str(form), str(out)])
    assert result.exit_code == 0, result.output
    assert load_file(out).content_hash == read_xlsform(form.read_bytes()).definition.content_hash
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"hello")
    result = runner.invoke(questionnaire_group, ["validate", str(bad)])
    assert result.exit_code == 1
    assert "this is not a spreadsheet" in result.output


def test_select_multiple_or_other_adds_other_and_its_text_shown_only_when_ticked():
    from survey.questionnaire.answers import check_page

    form = {"survey": survey_rows(
        ["begin group", "p", "Page", "Page"],
        ["select_multiple services or_other", "svc", "Services ?", "Services?"],
        ["select_multiple services or specify other", "more", "Autres ?", "Others?"],
        ["end group"]), "choices": CHOICES, "settings": SETTINGS}
    imported = read_xlsform(workbook(form), "other.xlsx")
    d = imported.definition
    svc, other = d.item("svc"), d.item("svc_other")
    assert svc.type == "multiple" and [c.code for c in svc.choices] == ["clinic", "pharmacy",
                                                                       "other"]
    assert svc.choices[-1].label == {"fr": "Autre", "en": "Other"}
    assert other.type == "text" and other.text == {"fr": "Précisez :", "en": "Please specify:"}
    assert d.item("more_other").relevant.source == "selected(${more}, 'other')"
    assert any(n.place == "survey!A3" and "svc_other" in str(n) for n in imported.notes)
    page = d.sections[0]
    ticked = check_page(d, page, {"svc": ["clinic", "other"], "svc_other": ["Garderie"]}, {},
                        lambda item: ())
    assert ticked.ok and ticked.answers["svc"] == ["clinic", "other"]
    assert ticked.answers["svc_other"] == "Garderie"
    plain = check_page(d, page, {"svc": ["clinic"], "svc_other": ["ignored"]}, {},
                       lambda item: ())
    assert plain.ok and plain.answers.get("svc_other") is None


def test_unknown_columns_are_notes_at_their_first_cell_not_refusals():
    form = {"survey": [["type", "name", "label", "bind::odk:length", "kobo--score"],
                       ["text", "a", "A", None, None],
                       ["integer", "b", "B", "10", "5"]],
            "choices": [["list_name", "name", "label", "colour"], ["l", "x", "X", "red"]]}
    imported = read_xlsform(workbook(form), "extra.xlsx")
    assert [i.code for i in imported.definition.items()] == ["a", "b"]
    notes = {note.place: str(note.text) for note in imported.notes}
    assert notes["survey!D3"] == "column 'bind::odk:length' is not used here; its values are " \
        "ignored"
    assert "'kobo--score'" in notes["survey!E3"]
    assert "'colour'" in notes["choices!D2"]
