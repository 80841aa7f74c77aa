"""A repeated page whose conditions read a calculate of the same block and a hidden value of an
earlier page (issue 23): each block carries its calculation with the names it reads numbered,
the server decides the same on submit (and drops what a block no longer asks), and "Add another"
and "Remove" send the participant back to the block concerned (in a browser:
tests/browser/test_repeat_computed_browser.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey.questionnaire import load_file
from survey.questionnaire.model import Definition
from survey.versions import store_definition

from .participant import Participant, responses

SOURCE = Path(__file__).parent / "data" / "repeat_computed.yaml"


@pytest.fixture
def stored(app: Flask) -> Definition:
    definition = load_file(SOURCE)
    with app.app_context():
        store_definition(definition, SOURCE.name)
    return definition


def carried(html: str) -> dict[str, dict]:
    """The page's carried values: code -> what its script reads (script data, relevance)."""
    found = re.findall(r"<div hidden data-computed=\"([^\"]+)\"(?: data-relevant='([^']*)')? "
                       r"data-script='([^']*)'></div>", html)
    return {code: {"script": json.loads(script), "relevant": relevant}
            for code, relevant, script in found}


def relevance(html: str, code: str) -> list:
    box = re.search(rf"data-item=\"{code}\" data-relevant='([^']*)'", html)
    assert box, f"{code} carries its condition"
    return json.loads(box.group(1))


def test_each_block_carries_its_calculation_and_the_server_agrees(
        app: Flask, client: FlaskClient, stored: Definition) -> None:
    person = Participant(client)
    person.start("repeat_computed", lang="en")
    person.post([("place", "Lyon")])
    assert person.section == "people"
    assert carried(person.html) == {"age-1": {"script": {
        "calculate": ["-", ["ref", "year"], ["ref", "born-1"]], "result": "number"},
        "relevant": ""}}
    assert relevance(person.html, "job-1") == [">=", ["ref", "age-1"], ["num", 18]]
    prior = re.search(r'<script type="application/json" id="prior-answers">([^<]*)</script>',
                      person.html)
    assert prior and json.loads(prior.group(1)) == {"year": "2026"}  # the earlier page's hidden
    person.post([("born-1", "1990"), ("job-1", "nurse")], nav="add")
    assert sorted(carried(person.html)) == ["age-1", "age-2"]
    assert carried(person.html)["age-2"]["script"]["calculate"][2] == ["ref", "born-2"]
    assert relevance(person.html, "job-2") == [">=", ["ref", "age-2"], ["num", 18]]
    # a child's job, posted anyway (a stale page, a hostile post): not asked, not stored
    person.post([("born-1", "1990"), ("job-1", "nurse"), ("born-2", "2015"),
                 ("job-2", "pupil")])
    assert person.section == "end", person.html
    [response] = responses(app)
    assert response.answers["people"] == [{"born": 1990, "age": 36, "job": "nurse"},
                                           {"born": 2015, "age": 11}]


def test_add_another_and_remove_send_the_participant_to_the_block_concerned(
        app: Flask, client: FlaskClient, stored: Definition) -> None:
    person = Participant(client)
    person.start("repeat_computed", lang="fr")
    person.post([("place", "Lyon")])

    def landed() -> str:
        [redirect] = person.response.history
        return redirect.headers["Location"].rsplit("#", 1)[-1]

    person.post([("born-1", "1990")], nav="add")
    assert landed() == "occurrence-2" and 'id="occurrence-2"' in person.html
    person.post([("born-1", "1990"), ("born-2", "1985")], nav="add")
    assert landed() == "occurrence-3"
    person.post([("born-1", "1990"), ("born-2", "1985"), ("born-3", "2001")], nav="remove-3")
    assert landed() == "occurrence-2" and 'id="occurrence-3"' not in person.html
    person.post([("born-1", "1990"), ("born-2", "1985")], nav="remove-1")
    assert landed() == "occurrence-1"
    assert re.search(r'name="born-1"[^>]*value="1985"', person.html)
