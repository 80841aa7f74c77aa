"""XLSForm ``begin repeat`` / ``end repeat`` (with ``repeat_count`` or "add another"): read as
repeated pages, written back unchanged, refused at their cell when they nest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from survey.questionnaire import DefinitionError, load_file
from survey.questionnaire.download import as_xlsform
from survey.questionnaire.xlsform import read_xlsform

from .test_xlsform import CHOICES, EN, FR, SETTINGS, workbook

HOUSEHOLD = Path(__file__).parent / "data" / "household.yaml"
HEADER = ["type", "name", FR, EN, "required", "relevant", "repeat_count", "max",
          "repeat_label::Français (fr)", "repeat_label::English (en)"]


def form(*rows: list[Any], scales: list[list[Any]] | None = None) -> bytes:
    sheets: dict[str, list[list[Any]]] = {"survey": [HEADER, *rows], "choices": CHOICES,
                                          "settings": SETTINGS}
    if scales:
        sheets["scales"] = scales
    return workbook(sheets)


# As field teams write them (KoboToolbox household rosters): names in capitals, a count.
HOUSEHOLD_FORM = [
    ["begin group", "home", "Le foyer", "The household"],
    ["integer", "HH_SIZE", "Combien de personnes ?", "How many people?", "yes"],
    ["end group"],
    ["begin repeat", "member", "Les membres", "Members", None, None, "${HH_SIZE}", 8,
     "Membre", "Member"],
    ["integer", "Age", "Âge", "Age", "yes"],
    ["select_one yes_no", "school", "À l'école ?", "At school?", None, "${Age} < 18"],
    ["end repeat"],
    ["begin repeat", "visit", "Visites", "Visits"],
    ["text", "why", "Pourquoi ?", "Why?"],
    ["end repeat"],
]


def test_a_counted_repeat_and_an_add_another_repeat_become_repeated_pages() -> None:
    imported = read_xlsform(form(*HOUSEHOLD_FORM), "household.xlsx")
    d = imported.definition
    assert [s.code for s in d.sections] == ["home", "member", "visit"]
    member, visit = d.section("member"), d.section("visit")
    assert member.repeat.count.source == "${hh_size}"  # renamed with the question
    assert member.repeat.maximum == 8 and member.repeat.label == {"fr": "Membre", "en": "Member"}
    assert d.item("school").relevant.source == "${age} < 18"
    assert visit.repeat.count is None and visit.repeat.maximum == 20
    notes = [str(n) for n in imported.notes]
    assert any("repeat 'visit' gives no max" in n and "20" in n for n in notes), notes


@pytest.mark.parametrize(("rows", "place", "fragment"), [
    ([["begin repeat", "outer", "A", "A", None, None, None, 3],
      ["begin repeat", "inner", "B", "B", None, None, None, 3],
      ["text", "t", "T", "T"], ["end repeat"], ["end repeat"]],
     "survey!A3", "repeats do not nest"),
    ([["begin group", "page", "P", "P"],
      ["begin repeat", "inside", "B", "B", None, None, None, 3],
      ["text", "t", "T", "T"], ["end repeat"], ["end group"]],
     "survey!A3", "put it at the top level"),
    ([["begin group", "page", "P", "P"], ["text", "t", "T", "T"], ["end group"],
      ["end repeat"]],
     "survey!A5", "'end repeat' without a matching 'begin repeat'"),
    ([["begin repeat", "r", "R", "R", None, None, None, "lots"], ["text", "t", "T", "T"],
      ["end repeat"]],
     "survey!H2", "'max' of a repeat must be a whole number from 1 to 50"),
    ([["begin repeat", "r", "R", "R", None, None, "${later}", 3], ["text", "t", "T", "T"],
      ["end repeat"], ["integer", "later", "L", "L"]],
     "survey!G2", "an item defined later"),
    ([["begin repeat", "r", "R", "R", None, None, None, 3], ["integer", "n", "N", "N"],
      ["end repeat"], ["begin group", "after", "A", "A"],
      ["text", "t", "T", "T", None, "${n} > 2"], ["end group"]],
     "survey!F6", "a question of the repeated page 'r'"),
])
def test_what_cannot_be_a_repeat_is_refused_at_its_cell(rows: list, place: str,
                                                         fragment: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        read_xlsform(form(*rows), "form.xlsx")
    found = [(p.place, p.message) for p in caught.value.problems]
    assert any(where == place and fragment in text for where, text in found), found


def test_a_scale_on_a_repeated_question_is_refused_on_the_scales_sheet() -> None:
    rows = [["begin repeat", "r", "R", "R", None, None, None, 3],
            ["select_one agree", "a1", "A1", "A1"], ["select_one agree", "a2", "A2", "A2"],
            ["select_one agree", "a3", "A3", "A3"], ["end repeat"]]
    scales = [["code", "items", "points", "construct::Français (fr)", "construct::English (en)"],
              ["s", "a1 a2 a3", 3, "S", "S"]]
    with pytest.raises(DefinitionError) as caught:
        read_xlsform(form(*rows, scales=scales), "form.xlsx")
    messages = [(p.place or "", p.message) for p in caught.value.problems]
    assert any(place.startswith("scales!") and "answered once per respondent" in text
               for place, text in messages), messages


def test_a_definition_with_repeats_keeps_its_content_hash_through_xlsform() -> None:
    definition = load_file(HOUSEHOLD)
    again = read_xlsform(as_xlsform(definition), "household.xlsx")
    assert again.definition.content_hash == definition.content_hash
    assert not again.notes
