"""The expression functions of issue 23 in a participant's questionnaire: a date difference,
pow(), date(), position() in each block of a repeated page, and count(), sum(), join() of that
page on a later one, computed when the page is saved, stored, carried to the page's script and
exported (the functions themselves: tests/test_expressions.py, Python and JavaScript)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey.exports import Export, Selection, csv_wide
from survey.models.response import COMPLETED
from survey.questionnaire import DefinitionError, load_file, load_text
from survey.questionnaire.model import Definition
from survey.versions import store_definition

from .participant import Participant, responses

SOURCE = Path(__file__).parent / "data" / "expression_functions.yaml"


@pytest.fixture
def stored(app: Flask) -> Definition:
    definition = load_file(SOURCE)
    with app.app_context():
        store_definition(definition, SOURCE.name)
    return definition


def prior(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="prior-answers">([^<]*)</script>',
                      html)
    return json.loads(found.group(1)) if found else {}


def test_dates_repeats_and_mathematics_are_computed_stored_and_exported(
        app: Flask, client: FlaskClient, stored: Definition) -> None:
    person = Participant(client)
    person.start("expression_functions", lang="en")
    person.post([("birth", "1990-06-02"), ("visit", "2024-06-01"), ("weight", "70"),
                 ("height", "1.75")])
    assert person.section == "people", person.html[:3000]
    # position() in block n is the number n for the page's script
    assert "data-item=\"head-1\" data-relevant='[\"=\", [\"num\", 1], [\"num\", 1]]'" \
        in person.html
    person.post([("name-1", "Ana"), ("age-1", "34"), ("head-1", "nurse")], nav="add")
    person.post([("name-1", "Ana"), ("age-1", "34"), ("head-1", "nurse"),
                 ("name-2", "Léo"), ("age-2", "5"), ("head-2", "pupil")], nav="add")
    assert "data-item=\"head-3\" data-relevant='[\"=\", [\"num\", 3], [\"num\", 1]]'" \
        in person.html
    person.post([("name-1", "Ana"), ("age-1", "34"), ("head-1", "nurse"),
                 ("name-2", "Léo"), ("age-2", "5"), ("head-2", "pupil"),
                 ("age-3", "61")])
    assert person.section == "end", person.html[:3000]
    # the later page's condition reads the repeated page: its occurrences go to the script
    assert prior(person.html) == {"people": [
        {"name": "Ana", "age": 34, "rank": 1, "head": "nurse"},
        {"name": "Léo", "age": 5, "rank": 2}, {"age": 61, "rank": 3}]}
    assert "Where do they sleep?" in person.html
    person.post([("crowded", "two rooms")])
    assert person.path.endswith("/done"), person.html[:2000]
    [response] = responses(app)
    answers = response.answers
    assert (answers["age_days"], answers["age_years"]) == (12418, 33)
    assert answers["bmi"] == 22.9 and answers["next_visit"] == "2024-07-01"
    assert [o.get("rank") for o in answers["people"]] == [1, 2, 3]
    assert "head" not in answers["people"][1]  # position() = 1 only in the first block
    assert (answers["members"], answers["total_age"], answers["names"]) == (3, 100, "Ana, Léo")
    assert answers["crowded"] == "two rooms"
    with app.app_context():
        data = b"".join(csv_wide(Export.of(Selection("expression_functions", (COMPLETED,)))))
    [row] = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert (row["age_days"], row["age_years"], row["bmi"]) == ("12418", "33", "22.9")
    assert (row["members"], row["total_age"], row["names"]) == ("3", "100", "Ana, Léo")
    assert (row["rank_1"], row["rank_3"], row["next_visit"]) == ("1", "3", "2024-07-01")


def test_a_small_household_is_not_asked_and_an_empty_age_is_skipped(
        app: Flask, client: FlaskClient, stored: Definition) -> None:
    person = Participant(client)
    person.start("expression_functions", lang="fr")
    person.post([("birth", "2000-01-01")])  # no visit date: no age, no BMI
    person.post([("name-1", "Zoé")])
    assert person.section == "end"
    person.post([("crowded", "posted anyway")])
    [response] = responses(app)
    answers = response.answers
    assert "age_days" not in answers and "bmi" not in answers
    assert (answers["members"], answers["total_age"], answers["names"]) == (1, 0, "Zoé")
    assert "crowded" not in answers  # count(${people}) > 2 is false: not asked, not kept


def replaced(old: str, new: str) -> str:
    text = SOURCE.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new)


@pytest.mark.parametrize(("old", "new", "words"), [
    ('calculation: "${visit} - ${birth}"', 'calculation: "position()"',
     "position() is the number of a repeated page's block"),
    ('calculation: "sum(${age})"', 'calculation: "${age} + 1"',
     "a question of the repeated page 'people'"),
    ('calculation: "sum(${age})"', 'calculation: "cos(${age})"',
     "function 'cos' is refused: trigonometry is not supported"),
    ('calculation: "sum(${age})"', 'calculation: "now()"', "function 'now' is refused"),
])
def test_what_cannot_be_computed_is_refused_with_its_line(old: str, new: str,
                                                          words: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        load_text(replaced(old, new), "f.yaml")
    assert words in str(caught.value)
    assert all(p.line for p in caught.value.problems)
