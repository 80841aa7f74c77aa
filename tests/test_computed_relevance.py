"""A page carries the calculate and hidden values its conditions read (issue 23): which items,
with what, what the script receives from earlier answers and the link, and the script's stored
value of a calculation equal to the server's (tests/browser/test_computed_relevance_browser.py
shows and hides on a phone)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey.questionnaire import load_file
from survey.questionnaire.answers import check_page
from survey.questionnaire.itemtypes.calculate import Calculate, CalculateSettings
from survey.questionnaire.navigation import computed_on_page, prior_answers
from survey.versions import store_definition

from .participant import Participant, campaign_path

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
SOURCE = DATA / "computed_relevance.yaml"


@pytest.fixture(scope="module")
def definition() -> Any:
    return load_file(SOURCE)


def test_only_the_values_conditions_read_are_carried(definition) -> None:
    [home] = definition.sections
    assert [item.code for item in computed_on_page(home)] == ["wave", "site", "people",
                                                                "crowded"]
    new_types = load_file(DATA / "new_types.yaml")  # no condition reads its values
    assert computed_on_page(new_types.sections[0]) == []


def test_the_script_gets_the_links_value_saved_with_the_response(definition) -> None:
    [home] = definition.sections
    assert prior_answers(home, {"site": "clinic", "adults": 2, "other": 1}) == {"site": "clinic"}


@pytest.mark.parametrize(("children", "rooms_kept"), [("3", True), ("1", False), ("", False)])
def test_the_server_decides_on_the_same_calculation(definition, children, rooms_kept) -> None:
    raw = {"adults": ["2"], "children": [children], "rooms": ["4"], "second_visit": ["x"]}
    result = check_page(definition, definition.sections[0], raw, {"site": "clinic"},
                        definition.roster)
    assert result.ok, result.issues
    assert result.answers["people"] == 2 + int(children or 0)
    assert result.answers["rooms"] == (4 if rooms_kept else None)
    assert result.answers["site"] == "clinic" and result.answers["wave"] == "2"


def test_the_page_carries_them_and_stays_small(app: Flask, client: FlaskClient,
                                               definition) -> None:
    with app.app_context():
        store_definition(definition, SOURCE.name)
    participant = Participant(client)
    participant.get(f"{campaign_path(app, 'computed_relevance')}?site=clinic&lang=en")
    participant.start("computed_relevance", "en")
    page = participant.html
    for code in ("wave", "site", "people", "crowded"):
        assert f'data-computed="{code}"' in page
    assert "unused_tag" not in page and "not-read-by-any-condition" not in page
    assert '"calculate"' in page and 'data-today="' in page
    assert '<script type="application/json" id="prior-answers">{"site": "clinic"}' in page
    assert len(page.encode()) < 15_000


STORED = [  # (value a calculation gives, result)
    (12, "number"), (2.5, "number"), ("4", "number"), (" 4.5 ", "number"), ("x", "number"),
    ("1e5", "number"), (True, "number"), (None, "number"), (["a", "b"], "number"),
    (12, "text"), (2.5, "text"), (True, "text"), (False, "text"), ("", "text"), (None, "text"),
    (["a", "b"], "text"), ("abc", "text"), (3.0, "text"),
]


def test_the_script_stores_a_calculation_as_the_server_does() -> None:
    node = shutil.which("node")
    assert node, "node is needed to test survey/static/relevance.js"
    expected = [Calculate.stored(CalculateSettings(None, result), value)
                for value, result in STORED]
    source = json.dumps(str(ROOT / "survey" / "static" / "relevance.js"))
    script = (f"const {{stored}} = require({source}); const cases = {json.dumps(STORED)};"
              "console.log(JSON.stringify(cases.map(([v, r]) => stored(v, r))));")
    run = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=30,
                         check=True)
    assert json.loads(run.stdout) == expected
