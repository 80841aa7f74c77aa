"""Assisted mode with repeated pages and constraints (issue 26): the page holds every block up
to the repeat's max and the checks the server would make; a sealed response's repeated pages
are checked block by block exactly as a participant's posted page, and stored in the same
shape. In a browser: tests/browser/test_collect_repeats_browser.py."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask
from sqlalchemy import select

from survey.collect import intake
from survey.collect.rules import page_rules
from survey.extensions import db
from survey.models import Response
from survey.questionnaire import load_file

from .collect_world import HOUSEHOLD, household_campaign
from .test_collect import _client, _count, _url, sealed_body, send, world  # noqa: F401
from .workspace import World

ABOUT = {"household_size": ["3"], "nights": ["4"]}
MEMBERS = {"age-1": ["41"], "born-1": ["1985"], "age-2": ["9"], "school-2": ["yes"],
           "age-3": ["70"]}
VISITS = {"visit_reason-1": ["flu"], "visit_minutes-1": ["20"], "visit_reason-2": ["check-up"]}


def pages(**change: dict) -> dict:
    found = {"about": ABOUT, "members": MEMBERS, "visits": VISITS,
             "end": {"many_visits": ["twice"], "comment": ["merci"]}}
    found.update(change)
    return found


@pytest.fixture
def household(app: Flask, world: World) -> int:  # noqa: F811
    return household_campaign(app, world)


def test_the_page_holds_every_block_and_the_checks(app: Flask, world: World,  # noqa: F811
                                                  household: int) -> None:
    html = _client(app, world).get(
        f"/collect/a/{world.a.evaluation}/{household}?lang=en").get_data(as_text=True)
    assert "repeated pages" not in html
    assert re.findall(r'data-page="([a-z_]+)"', html) == ["about", "members", "visits", "end"]
    assert 'name="age-6"' in html and 'name="age-7"' not in html  # up to the max
    assert 'name="visit_reason-3"' in html and 'name="visit_reason-4"' not in html
    assert "data-count='[\"ref\", \"household_size\"]'" in html
    assert "Add another" in html and "You can give at most 3." in html
    assert 'data-title-words="Person __NUMBER__ of __TOTAL__"' in html
    assert "relevance-more.js" in html  # count() on the last page
    rules = json.loads(re.search(r'id="assisted-rules">(.*?)</script>', html).group(1))
    assert rules["age"]["message"] == "The first person is at least 16."
    assert rules["nights"]["constraint"] == ["<=", ["dot"], ["num", 31]]
    assert rules["age"]["max_words"] == "Please enter a number of at most 120."
    assert "__LENGTH__" in rules["visit_reason"]["too_long"]
    french = _client(app, world).get(f"/collect/a/{world.a.evaluation}/{household}?lang=fr")
    assert "Un mois compte au plus 31 nuits." in french.get_data(as_text=True)


def test_the_home_offers_every_campaign(app: Flask, world: World,  # noqa: F811
                                        household: int) -> None:
    html = _client(app, world).get("/collect/?lang=en").get_data(as_text=True)
    assert f'href="/collect/a/{world.a.evaluation}/{household}"' in html
    assert "Not available" not in html


def test_repeated_pages_are_stored_as_a_participant_s(app: Flask, world: World,  # noqa: F811
                                                      household: int) -> None:
    client = _client(app, world)
    body = sealed_body(app, household, pages=pages(), change={"occurrences": {"visits": 2}})
    answer = send(client, _url(world, household), body)
    assert answer.status_code == 200, answer.get_json()
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert response.answers["members"] == [{"age": 41, "born": 1985},
                                               {"age": 9, "school": "yes"}, {"age": 70}]
        assert response.answers["visits"] == [{"visit_reason": "flu", "visit_minutes": 20},
                                              {"visit_reason": "check-up"}]
        assert response.answers["household_size"] == 3
        assert response.answers["many_visits"] == "twice"


def test_blocks_beyond_the_count_or_removed_are_not_kept(app: Flask) -> None:
    definition = load_file(HOUSEHOLD)
    no_roster = lambda item: ()  # noqa: E731
    extra = {**MEMBERS, "age-4": ["30"]}  # a 4th person while the household says 3
    answers = intake.checked_answers(definition, pages(members=extra), no_roster,
                                     {"visits": 1})
    assert len(answers["members"]) == 3
    assert answers["visits"] == [{"visit_reason": "flu", "visit_minutes": 20}]
    assert "many_visits" not in answers  # one visit: the question was not asked
    none = intake.checked_answers(definition, pages(about={"household_size": ["0"]}),
                                  no_roster, {"visits": 2})
    assert "members" not in none  # a count of 0 skips the page


@pytest.mark.parametrize(("change", "occurrences", "reason", "items"), [
    ({}, {"visits": 4}, "occurrences", ["visits"]),  # more than the max
    ({}, {"visits": 0}, "occurrences", ["visits"]),
    ({"members": {**MEMBERS, "age-1": ["12"], "born-1": []}}, {}, "answers", ["age-1"]),
    ({"members": {**MEMBERS, "born-2": ["1990"]}}, {}, "answers", ["born-2"]),  # its age's
    ({"members": {**MEMBERS, "age-3": ["121"]}}, {}, "answers", ["age-3"]),  # type's max
    ({"members": {k: v for k, v in MEMBERS.items() if k != "age-2"}}, {}, "answers", ["age-2"]),
    ({"about": {**ABOUT, "nights": ["40"]}}, {}, "answers", ["nights"]),
    ({"visits": {**VISITS, "visit_minutes-2": ["300"]}}, {"visits": 2}, "answers",
     ["visit_minutes-2"]),
    ({"visits": {"visit_reason-1": ["flu"]}}, {"visits": 2}, "answers", ["visit_reason-2"]),
])
def test_a_refused_occurrence_stores_nothing(app: Flask, world: World,  # noqa: F811
                                             household: int, change: dict, occurrences: dict,
                                             reason: str, items: list[str]) -> None:
    body = sealed_body(app, household, pages=pages(**change),
                       change={"occurrences": occurrences})
    answer = send(_client(app, world), _url(world, household), body)
    assert answer.status_code == 422
    assert answer.get_json() == {"error": reason, "items": items}
    assert _count(app) == 0


@pytest.mark.parametrize("occurrences", [[2], {"visits": "2"}, {"visits": True}, "x"])
def test_malformed_occurrences_are_refused(app: Flask, world: World,  # noqa: F811
                                           household: int, occurrences: object) -> None:
    body = sealed_body(app, household, pages=pages(), change={"occurrences": occurrences})
    answer = send(_client(app, world), _url(world, household), body)
    assert answer.status_code == 422 and answer.get_json()["error"] == "payload"


def test_the_rules_follow_the_item_types(app: Flask) -> None:
    definition = load_file(HOUSEHOLD)
    with app.test_request_context("/?lang=en"):
        rules = page_rules(definition)
    assert rules["household_size"]["min"] == 0 and rules["household_size"]["max"] == 6
    assert rules["nights"]["special"] == ["dont_know"] and rules["nights"]["both"]
    assert rules["visit_reason"]["max_length"] == 40
    assert "school" not in rules  # a yes/no without a constraint: nothing beyond the page's


def test_an_assisted_response_equals_a_participant_s(app: Flask, world: World,  # noqa: F811
                                                     household: int) -> None:
    """The same answers through the participant's pages ("Add another" posted to the server)
    and sealed from assisted mode are stored alike."""
    from .participant import Participant

    person = Participant(app.test_client())
    person.start("assisted_household", lang="en")
    flat = lambda inputs: [(k, v) for k, values in inputs.items() for v in values]  # noqa: E731
    person.post(flat(ABOUT))
    assert person.section == "members" and "Person 3 of 3" in person.html
    person.post(flat(MEMBERS))
    person.post([("visit_reason-1", "flu"), ("visit_minutes-1", "20")], nav="add")
    assert "Visit 2 of 2" in person.html
    person.post(flat(VISITS))
    assert person.section == "end", person.html
    person.post(flat(pages()["end"]))
    assert person.path.endswith("/done")
    answer = send(_client(app, world), _url(world, household),
                  sealed_body(app, household, pages=pages(),
                              change={"occurrences": {"visits": 2}}))
    assert answer.status_code == 200
    with app.app_context():
        participant, assisted = db.session.scalars(select(Response).order_by(Response.id))
        assert participant.mode != assisted.mode
        assert assisted.answers == participant.answers
        assert len(assisted.answers["members"]) == 3
