"""Easy-read wording in definitions: YAML's ``easy:`` beside a text's languages, XLSForm's
``easy_label::<language>`` and ``easy_hint::<language>`` columns (read, written back, same
content hash), problems placed and worded, the research team's report and preview."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey.questionnaire import load_file, load_text
from survey.questionnaire.loader import DefinitionError
from survey.questionnaire.wording import coverage, easy_languages, easy_view
from survey.questionnaire.xlsform import read_xlsform
from survey.questionnaire.xlsform.writing import write_xlsform

from .test_questionnaire_pages import base
from .test_xlsform import workbook
from .test_xlsform_media_download import draft_of, start

QUESTIONNAIRES = Path(__file__).resolve().parent.parent / "questionnaires"

SMALL = """\
format: 1
code: small
audience: patient
languages: [fr, en]
minutes: 2
title: {fr: "Votre avis", en: "Your view", easy: {fr: "Dites-nous"}}
introduction: {fr: "Bonjour.", en: "Hello."}
consent: {fr: "Vous acceptez.", en: "You agree."}
sections:
  - code: one
    title: {fr: "Page", en: "Page"}
    items:
      - code: visits
        type: single
        text:
          fr: "Combien de fois êtes-vous venu·e au cours de l'année écoulée ?"
          en: "How many times did you come over the past year?"
          easy:
            fr: "Vous êtes venu combien de fois cette année ?"
            en: "How many times this year?"
        help: {fr: "Comptez tout.", en: "Count all.", easy: {en: "Count them all."}}
        choices:
          - {code: none, fr: "Aucune fois", en: "Never", easy: {fr: "Jamais"}}
          - {code: many, fr: "Plusieurs fois", en: "Several times"}
"""


def test_easy_beside_the_languages_of_any_text() -> None:
    definition = load_text(SMALL)
    # the model's texts stay per language; the easy view shows the easy wording
    assert definition.item("visits").text["fr"].startswith("Combien")
    easy = easy_view(definition)
    assert easy.item("visits").text == {"fr": "Vous êtes venu combien de fois cette année ?",
                                        "en": "How many times this year?"}
    assert easy.item("visits").help == {"fr": "Comptez tout.", "en": "Count them all."}
    assert [c.label["fr"] for c in easy.item("visits").choices] == ["Jamais", "Plusieurs fois"]
    assert easy.title == {"fr": "Dites-nous", "en": "Your view"}  # falls back per language
    assert easy.item("visits").choices[0].code == "none"  # codes never change
    assert easy_languages(definition) == {"fr", "en"}
    # title, introduction, consent, section title, item text, help, two choices = 8 texts;
    # French lacks introduction, consent, section title, help and one choice
    assert coverage(definition) == {"fr": (5, 8), "en": (6, 8)}


def test_a_definition_without_easy_wording_keeps_its_hash() -> None:
    definition = load_text(SMALL)
    plain = load_text(SMALL.replace(', easy: {fr: "Dites-nous"}', ""))
    assert plain.content_hash != definition.content_hash  # easy wording is content
    professionals = load_file(QUESTIONNAIRES / "professionals.yaml")
    assert easy_view(professionals) is professionals
    assert easy_languages(professionals) == frozenset()


@pytest.mark.parametrize("easy, line, reason", [
    ('easy: "Simple"', 6, "'easy' must give the easy-read wording per language"),
    ('easy: {de: "Einfach"}', 6, "'de' is not one of the questionnaire's languages"),
    ('easy: {fr: "  "}', 6, "the fr easy-read wording is empty"),
])
def test_easy_wording_problems_are_placed_and_worded(easy: str, line: int, reason: str) -> None:
    text = SMALL.replace('easy: {fr: "Dites-nous"}', easy)
    with pytest.raises(DefinitionError) as caught:
        load_text(text, "small.yaml")
    problems = [str(p) for p in caught.value.problems]
    assert any(p.startswith(f"small.yaml:{line}:") and reason in p for p in problems), problems


FR, EN = "label::Français (fr)", "label::English (en)"
EFR, EEN = "easy_label::Français (fr)", "easy_label::English (en)"


def xlsform(extra_header: str = EFR) -> bytes:
    survey = [["type", "name", FR, EN, extra_header, "easy_hint::fr", "hint::fr", "hint::en"],
              ["select_one yn", "agree", "Êtes-vous d'accord ?", "Do you agree?",
               "D'accord ?", "Oui ou non.", "Choisissez.", "Choose."]]
    choices = [["list_name", "name", FR, EN, EFR, EEN],
               ["yn", "yes", "Oui, tout à fait", "Yes, fully", "Oui", "Yes"],
               ["yn", "no", "Non", "No", None, None]]
    settings = [["form_id", "default_language"], ["small", "Français (fr)"]]
    return workbook({"survey": survey, "choices": choices, "settings": settings})


def test_xlsform_easy_columns_are_read_and_not_taken_for_languages() -> None:
    imported = read_xlsform(xlsform(), "small.xlsx")
    definition = imported.definition
    assert definition.languages == ("fr", "en")  # easy_label:: is no language
    easy = easy_view(definition)
    agree = easy.item("agree")
    assert agree.text == {"fr": "D'accord ?", "en": "Do you agree?"}
    assert agree.help == {"fr": "Oui ou non.", "en": "Choose."}
    assert [c.label["en"] for c in agree.choices] == ["Yes", "No"]
    assert not any("easy" in str(note.text) for note in imported.notes)  # not "ignored"


def test_xlsform_round_trip_keeps_the_easy_wording_and_the_hash() -> None:
    definition = read_xlsform(xlsform(), "small.xlsx").definition
    again = read_xlsform(write_xlsform(definition), "again.xlsx").definition
    assert again.content_hash == definition.content_hash
    patients = load_file(QUESTIONNAIRES / "patients.yaml")
    back = read_xlsform(write_xlsform(patients), "patients.xlsx").definition
    assert back.content_hash == patients.content_hash
    easy = easy_view(back).item("service_type").text["fr"]
    assert easy == "Qui vous a demandé de répondre ?"


def test_xlsform_easy_column_in_a_language_the_labels_lack_is_refused_at_its_cell() -> None:
    with pytest.raises(DefinitionError) as caught:
        read_xlsform(xlsform("easy_label::Deutsch (de)"), "small.xlsx")
    problems = [str(p) for p in caught.value.problems]
    assert any("survey" in p and "easy_label::Deutsch (de)" in p
               and "language the labels do not have" in p for p in problems), problems


def test_patients_has_easy_read_wording_for_every_item_in_both_languages() -> None:
    definition = load_file(QUESTIONNAIRES / "patients.yaml")
    easy = easy_view(definition)
    for n, section in enumerate(definition.raw["sections"]):
        assert set(section["title"]["easy"]) == {"fr", "en"}, section["code"]
        for item in section["items"]:
            for key in ("text", "help"):
                if key in item:
                    assert set(item[key]["easy"]) == {"fr", "en"}, (item["code"], key)
            for row in item.get("rows", ()):
                assert set(row["easy"]) == {"fr", "en"}, row["code"]
        assert easy.sections[n].code == section["code"]
    assert easy.introduction["fr"] != definition.introduction["fr"]
    assert easy.consent["en"] != definition.consent["en"]


def test_the_draft_counts_texts_without_easy_wording_and_previews_either(
        app: Flask, client: FlaskClient) -> None:
    evaluation_id = start(app, client)
    url = draft_of(client, evaluation_id, "small.yaml", SMALL.encode())
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Texte facile à lire" in html
    assert "Français\u00a0: 5 textes sur 8 n'ont pas de version facile à lire" in html
    assert "English\u00a0: 6 textes sur 8 n'ont pas de version facile à lire" in html
    digest = url.rsplit("/", 1)[-1]
    preview = f"{base(evaluation_id)}/drafts/{digest}/preview/fr/1"
    standard = client.get(preview).get_data(as_text=True)
    assert "Combien de fois" in standard
    assert f'href="{preview}?wording=easy">Facile à lire</a>' in standard
    easy = client.get(f"{preview}?wording=easy").get_data(as_text=True)
    assert "Vous êtes venu combien de fois cette année\u00a0?" in easy
    assert f'href="{preview}">Texte habituel</a>' in easy
    plain = draft_of(client, evaluation_id, "plain.yaml",
                     (QUESTIONNAIRES / "professionals.yaml").read_bytes())
    html = client.get(plain).get_data(as_text=True)
    assert "Aucun\u00a0: les participants ne voient que le texte habituel." in html


LIKERT = """\
      - code: useful
        type: likert
        points: 5
        text: {fr: "Utile ?", en: "Useful?"}
        anchors: {fr: ["Pas du tout", "Très"], en: ["Not at all", "Very"], easy: EASY}
"""


def test_likert_anchors_take_an_easy_wording_through_yaml_and_xlsform() -> None:
    definition = load_text(SMALL + LIKERT.replace("EASY", '{fr: ["Non", "Oui"]}'))
    useful = easy_view(definition).item("useful")
    assert [useful.choices[0].label["fr"], useful.choices[-1].label["fr"]] == ["Non", "Oui"]
    assert useful.choices[0].label["en"] == "Not at all"
    back = read_xlsform(write_xlsform(definition), "likert.xlsx").definition
    assert back.content_hash == definition.content_hash
    with pytest.raises(DefinitionError) as caught:
        load_text(SMALL + LIKERT.replace("EASY", '{fr: "Non"}'), "likert.yaml")
    assert any("easy-read anchors of 'useful'" in str(p) for p in caught.value.problems)


def test_the_diff_between_versions_tells_an_easy_wording_change() -> None:
    from survey.versions.diff import diff

    old = load_text(SMALL)
    new = load_text(SMALL.replace('easy: {fr: "Jamais"}', 'easy: {fr: "Pas une fois"}')
                    .replace(', easy: {fr: "Dites-nous"}', ""))
    messages = [c.message for c in diff(old, new)]
    assert messages == ["The easy-read wording changed (fr): title, visits/none."]
    # a standard rewording is told once, as a rewording
    reworded = load_text(SMALL.replace('"Plusieurs fois"', '"Souvent"'))
    assert [c.what for c in diff(old, reworded)] == ["choice_reworded"]


def test_the_validate_command_counts_texts_without_easy_wording(tmp_path: Path) -> None:
    from .test_definitions import run_validate

    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    result = run_validate(str(path), str(QUESTIONNAIRES / "citizens.yaml"))
    assert result.returncode == 0, result.stderr
    assert (f"{path}: easy-read wording: fr 5 of 8 texts without one; en 6 of 8 texts "
            "without one") in result.stdout
    assert "citizens.yaml: easy-read wording: none" in result.stdout


def test_xlsform_easy_column_whose_language_cannot_be_told_is_refused_at_its_header() -> None:
    with pytest.raises(DefinitionError) as caught:
        read_xlsform(xlsform("easy_label::Simple words"), "small.xlsx")
    problems = [str(p) for p in caught.value.problems]
    assert any("easy_label::Simple words" in p and "cannot tell the language" in p
               for p in problems), problems
