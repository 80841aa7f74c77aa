"""XLSForms as field teams write them with the functions of issue 23: an age from a birth
date, a BMI with pow(), a household count with count() and sum() over a repeat, position(..)
in the repeat, a choice_filter with a function; the ODK functions still refused are refused at
their cell with the function's name and a reason, in the researcher's language."""

from __future__ import annotations

from typing import Any

import pytest

from survey.questionnaire import DefinitionError
from survey.questionnaire.answers import check_page
from survey.questionnaire.expressions import evaluate
from survey.questionnaire.xlsform import read_xlsform

from .test_xlsform import EN, FR, SETTINGS, workbook

HEADER = ["type", "name", FR, EN, "required", "relevant", "constraint", "calculation",
          "choice_filter", "repeat_count"]
CHOICES = [["list_name", "name", FR, EN, "min_people"],
           ["yes_no", "yes", "Oui", "Yes"], ["yes_no", "no", "Non", "No"],
           ["housing", "room", "Une pièce", "One room", 1],
           ["housing", "flat", "Un appartement", "A flat", 1],
           ["housing", "house", "Une maison", "A house", 3]]

FIELD_FORM = [
    ["begin group", "you", "Vous", "You"],
    ["date", "Birth_Date", "Date de naissance", "Date of birth", "yes", None,
     ". <= today() and today() - . < 365.25 * 120"],
    ["calculate", "age_years", None, None, None, None, None,
     "int((today() - ${Birth_Date}) div 365.25)"],
    ["decimal", "weight", "Poids (kg)", "Weight (kg)", None, None, ". > 0"],
    ["decimal", "height", "Taille (cm)", "Height (cm)", None, None, ". > 0"],
    ["calculate", "bmi", None, None, None, None, None,
     "round(${weight} div pow(${height} div 100, 2), 1)"],
    ["note", "adult_note", "Adulte", "Adult", None, "${age_years} >= 18 and ${bmi} > 0"],
    ["end group"],
    ["begin repeat", "member", "Membres", "Members", None, None, None, None, None, 3],
    ["text", "m_name", "Prénom", "First name"],
    ["integer", "m_age", "Âge", "Age", None, None, "abs(.) = . and floor(.) = ."],
    ["calculate", "m_number", None, None, None, None, None, "position(..)"],
    ["end repeat"],
    ["begin group", "home", "Le logement", "Housing"],
    ["calculate", "people", None, None, None, None, None, "count(${member})"],
    ["calculate", "total_age", None, None, None, None, None, "sum(${m_age})"],
    ["calculate", "names", None, None, None, None, None, "join(', ', ${m_name})"],
    ["select_one housing", "housing", "Logement", "Housing", None, "count(${member}) > 0",
     None, None, "min_people <= count(${member})"],
    ["end group"],
]


def form(*rows: list[Any]) -> bytes:
    return workbook({"survey": [HEADER, *rows], "choices": CHOICES, "settings": SETTINGS})


def test_a_field_teams_form_with_dates_mathematics_and_a_repeat_imports() -> None:
    definition = read_xlsform(form(*FIELD_FORM), "household.xlsx").definition
    assert definition.item("age_years").settings.calculation.json == [
        "fn", "int", [["div", ["-", ["fn", "today", []], ["ref", "birth_date"]],
                       ["num", 365.25]]]]
    assert definition.item("m_number").settings.calculation.json == ["ref", "#position"]
    assert definition.item("total_age").settings.calculation.json == [
        "fn", "sum", [["each", "member", "m_age"]]]
    assert definition.item("people").settings.calculation.json == [
        "fn", "count", [["each", "member", ""]]]
    housing = definition.item("housing")
    assert housing.choice_filter.json == ["<=", ["ref", "@min_people"],
                                          ["fn", "count", [["each", "member", ""]]]]
    # a page saved: the repeat's occurrences, then what the next page computes from them
    saved: dict[str, Any] = {"birth_date": "2000-01-01", "weight": 72, "height": 180}
    member = definition.section("member")
    result = check_page(definition, member, {"m_name-1": ["Ana"], "m_age-1": ["40"],
                                             "m_name-2": ["Léo"], "m_age-2": ["7"],
                                             "m_age-3": ["12"]}, saved, lambda item: ())
    assert not result.issues, result.issues
    saved.update(result.answers)
    assert [o["m_number"] for o in saved["member"]] == ["1", "2", "3"]  # XLSForm: text
    home = definition.section("home")
    result = check_page(definition, home, {"housing": ["house"]}, saved, lambda item: ())
    assert not result.issues, result.issues
    assert (result.answers["people"], result.answers["total_age"], result.answers["names"]) \
        == ("3", "59", "Ana, Léo")
    assert result.answers["housing"] == "house"  # min_people 3 <= 3 people
    assert evaluate(definition.item("bmi").settings.calculation.tree, saved) == 22.2


@pytest.mark.parametrize(("column", "expression", "place", "words"), [
    ("calculation", "cos(${weight})", "survey!H3", "function 'cos' is refused: trigonometry"),
    ("calculation", "atan(1)", "survey!H3", "function 'atan' is refused"),
    ("constraint", ". < now()", "survey!G3", "function 'now' is refused"),
    ("relevant", "random() > 0.5", "survey!F3", "function 'random' is refused"),
    ("calculation", "uuid()", "survey!H3", "function 'uuid' is refused"),
    ("calculation", "position(..)", "survey!H3", "position() is the number of a repeated"),
    ("relevant", "${m_age} > 3", "survey!F3", "a question of the repeated page 'member'"),
])
def test_functions_still_refused_name_their_cell_and_why(column: str, expression: str,
                                                         place: str, words: str) -> None:
    row: list[Any] = ["calculate" if column == "calculation" else "integer", "probe",
                      "Sonde", "Probe", None, None, None, None]
    row[HEADER.index(column)] = expression
    rows = [["integer", "weight", "Poids", "Weight"], row, *FIELD_FORM[8:13]]
    if "m_age" in expression:
        rows = [["integer", "weight", "Poids", "Weight"], *FIELD_FORM[8:13], row]
        place = place.replace("3", "8")
    with pytest.raises(DefinitionError) as caught:
        read_xlsform(form(*rows), "form.xlsx")
    found = [(p.place, p.message) for p in caught.value.problems]
    assert any(where == place and words in text for where, text in found), found


def test_a_refused_function_is_explained_in_french() -> None:
    from survey.questionnaire.messages import Text

    with pytest.raises(DefinitionError) as caught:
        read_xlsform(form(["calculate", "c", None, None, None, None, None, "cos(1)"]), "f.xlsx")
    [problem] = caught.value.problems
    assert isinstance(problem.text, Text)
    import gettext
    from pathlib import Path

    catalogue = Path(__file__).parent.parent / "survey" / "translations"
    french = gettext.translation("messages", str(catalogue), languages=["fr"])
    text = problem.text.render(french.gettext)
    assert "la fonction 'cos' est refusée\u00a0: la trigonométrie n’est pas prise en charge" \
        in text, text
