"""Repeated pages (a page answered once per household member or visit): the definition, the
answers of a posted page, pruning, navigation (pure), then the pages through the test client
(in a real browser: tests/browser/test_repeat_browser.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey.questionnaire import DefinitionError, load_file, load_text, navigation, repeats
from survey.questionnaire.answers import check_page, missing_required, prune_irrelevant
from survey.questionnaire.model import Definition
from survey.versions import store_definition

from .participant import Participant, responses

HOUSEHOLD = Path(__file__).parent / "data" / "household.yaml"
TEXT = HOUSEHOLD.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def household() -> Definition:
    return load_file(HOUSEHOLD)


def no_roster(item: object) -> tuple:
    return ()


def problems_of(text: str) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        load_text(text, "bad.yaml")
    return [str(p) for p in caught.value.problems]


def line_of(fragment: str, text: str = TEXT) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


# -- the definition ------------------------------------------------------------------------------


def test_a_repeated_page_declares_its_count_maximum_and_label(household: Definition) -> None:
    members, visits = household.section("members"), household.section("visits")
    assert members.repeat.count.source == "${household_size}"
    assert members.repeat.maximum == 6 and members.repeat.label["en"] == "Person"
    assert visits.repeat.count is None and visits.repeat.maximum == 3


def test_a_scale_never_takes_a_repeated_question() -> None:
    text = TEXT.replace("items: [op1, op2, op3]", "items: [op1, op2, visit_rating]")
    problems = problems_of(text)
    assert len(problems) == 1
    assert f"bad.yaml:{line_of('items: [op1, op2, visit_rating]', text)}:" in problems[0]
    assert "'visit_rating', a question of the repeated page 'visits'" in problems[0]
    assert "answered once per respondent" in problems[0]


def test_a_question_after_the_repeat_cannot_read_one_occurrence() -> None:
    text = TEXT.replace('''      - code: comment
        type: textarea''', '''      - code: comment
        relevant: "${age} > 60"
        type: textarea''')
    [problem] = problems_of(text)
    assert f"bad.yaml:{line_of('${age} > 60', text)}:" in problem
    assert "names ${age}, a question of the repeated page 'members'" in problem


@pytest.mark.parametrize(("old", "new", "fragment"), [
    ("      max: 6\n", "      max: 500\n", "'max' of a repeat must be a whole number from 1 to 50"),
    ("      max: 3\n", "", "a repeat needs count (an expression on earlier answers) or max"),
    ('      count: "${household_size}"', '      count: "${age}"', "an item defined later"),
    ('      label: {fr: "Visite", en: "Visit"}', '      label: {fr: "Visite"}',
     "the en text is missing"),
    ("      max: 6\n", "      max: 6\n      each: 2\n", "unknown key 'each' in a repeat"),
])
def test_a_bad_repeat_is_refused_at_its_line(old: str, new: str, fragment: str) -> None:
    text = TEXT.replace(old, new, 1)
    problems = problems_of(text)
    assert any(fragment in p for p in problems), problems
    assert all(p.startswith("bad.yaml:") for p in problems)


def test_the_wide_columns_of_a_repeat_may_not_be_taken_by_another_code() -> None:
    text = TEXT.replace("      - code: comment\n", "      - code: age_2\n")
    [problem] = problems_of(text)
    assert "code 'age_2' is used twice" in problem


def test_an_equity_descriptor_is_refused_on_a_repeated_page() -> None:
    text = TEXT.replace('''      - code: relation
        type: single''', '''      - code: relation
        equity: true
        special: [prefer_not]
        type: single''')
    [problem] = problems_of(text)
    assert "cannot be on a repeated page" in problem


# -- a posted page -------------------------------------------------------------------------------


def test_one_block_per_member_each_with_its_own_relevance(household: Definition) -> None:
    members = household.section("members")
    saved = {"household_size": 2}
    raw = {"age-1": ["41"], "school-1": ["yes"], "relation-1": ["partner"],
           "age-2": ["9"], "school-2": ["yes"], "relation-2": ["child"],
           "age-3": ["77"]}  # a third block the count does not ask for
    result = check_page(household, members, raw, saved, no_roster)
    assert result.ok
    # school is asked of the child only: the adult's posted answer is not kept
    assert result.answers == {"members": [{"age": 41, "relation": "partner"},
                                          {"age": 9, "school": "yes", "relation": "child"}]}


def test_a_refusal_names_the_block_it_comes_from(household: Definition) -> None:
    members = household.section("members")
    result = check_page(household, members, {"age-1": ["41"], "age-2": ["old"]},
                        {"household_size": 2}, no_roster)
    assert set(result.issues) == {"age-2"}
    kept = check_page(household, members, {"age-1": ["41"], "age-2": ["old"]},
                      {"household_size": 2}, no_roster, strict=False)
    assert kept.answers == {"members": [{"age": 41}, {}]}
    assert kept.drafts["age-2"] == {"age-2": ["old"]}


def test_stored_answers_fill_the_blocks_again(household: Definition) -> None:
    members = household.section("members")
    answers = {"household_size": 2, "members": [{"age": 41}, {"age": 9, "school": "no"}]}
    values = navigation.form_values(members, answers)
    assert values == {"age-1": ["41"], "age-2": ["9"], "school-2": ["no"]}


def test_add_another_shows_one_block_first_then_those_added(household: Definition) -> None:
    visits = household.section("visits")
    assert repeats.shown(visits, {}) == 1
    assert repeats.shown(visits, {"visits": [{}, {}]}) == 2
    assert repeats.shown(visits, {"visits": [{}] * 9}) == 3  # never beyond max


def test_a_count_beyond_the_maximum_or_unreadable_is_bounded(household: Definition) -> None:
    members = household.section("members")
    assert repeats.shown(members, {"household_size": 40}) == 6
    assert repeats.shown(members, {"household_size": "dont_know"}) == 0
    assert repeats.shown(members, {}) == 0


def test_a_count_of_zero_skips_the_page(household: Definition) -> None:
    shown = [s.code for s in navigation.relevant_sections(household, {"household_size": 0})]
    assert shown == ["about", "visits", "opinion"]
    shown = [s.code for s in navigation.relevant_sections(household, {"household_size": 1})]
    assert "members" in shown


def test_a_smaller_count_drops_the_occurrences_beyond_it(household: Definition) -> None:
    answers = {"household_size": 1, "members": [{"age": 41}, {"age": 9, "school": "no"}],
               "visits": [{"visit_reason": "flu"}]}
    assert prune_irrelevant(household, answers) == {
        "household_size": 1, "members": [{"age": 41}], "visits": [{"visit_reason": "flu"}]}
    members = household.section("members")
    result = check_page(household, members, {"age-1": ["41"]}, answers, no_roster)
    assert result.answers == {"members": [{"age": 41}]}


def test_pruning_drops_what_an_occurrence_no_longer_asks(household: Definition) -> None:
    answers = {"household_size": 1, "members": [{"age": 30, "school": "yes"}]}
    assert prune_irrelevant(household, answers)["members"] == [{"age": 30}]


def test_pruning_keeps_every_occurrence_added_with_add_another(household: Definition) -> None:
    visits = [{"visit_reason": "flu"}, {"visit_reason": "check-up"}, {"visit_reason": "x"}]
    answers = {"household_size": 0, "visits": visits}
    assert prune_irrelevant(household, answers)["visits"] == visits


def test_a_missing_required_answer_in_any_block_sends_back_there(household: Definition) -> None:
    done = {"household_size": 2, "members": [{"age": 41}, {"age": 9}],
            "visits": [{"visit_reason": "flu"}]}
    assert missing_required(household, done, no_roster) is None
    gap = {**done, "members": [{"age": 41}, {"school": "no"}]}
    assert missing_required(household, gap, no_roster).code == "members"
    added = {**done, "visits": [{"visit_reason": "flu"}, {}]}  # added, left empty
    assert missing_required(household, added, no_roster).code == "visits"


def test_block_inputs_are_numbered_and_relevance_reads_its_own_block(
        household: Definition) -> None:
    members = household.section("members")
    [(n, items)] = repeats.blocks(members, 1)
    school = next(i for i in items if i.code == "school-1")
    assert school.relevant.json == ["<", ["ref", "age-1"], ["num", 18]]
    assert school.relevant.tree == household.item("school").relevant.tree
    assert "age-1" in repeats.input_names(members, no_roster)
    assert "age-6" in repeats.input_names(members, no_roster)


# -- exports -------------------------------------------------------------------------------------


def test_occurrences_become_numbered_columns(household: Definition) -> None:
    answers = {"household_size": 2, "members": [{"age": 41}, {"age": 9, "school": "no"}],
               "op1": 4}
    flat = repeats.flatten(answers)
    assert flat == {"household_size": 2, "age_1": 41, "age_2": 9, "school_2": "no", "op1": 4}
    wide = repeats.wide(household)
    columns = wide.columns()
    assert columns[:4] == ["household_size", "age_1", "age_2", "age_3"]
    assert "visit_rating_3" in columns and "age_7" not in columns
    assert wide.item("age_2").text["en"] == "How old is this person? (2)"


# -- the pages (Flask test client; in a browser: tests/browser/test_repeat_browser.py) -----------


@pytest.fixture
def stored_household(app: Flask) -> Definition:
    definition = load_file(HOUSEHOLD)
    with app.app_context():
        store_definition(definition, "household.yaml")
    return definition


def test_pages_ask_each_member_then_visits_added_one_by_one(
        app: Flask, client: FlaskClient, stored_household: Definition) -> None:
    person = Participant(client)
    person.start("household", lang="en")
    person.post([("household_size", "2")])
    assert person.section == "members"
    assert "Person 1 of 2" in person.html and "Person 2 of 2" in person.html
    assert "Add another" not in person.html  # the count decides
    person.post([("age-1", "41"), ("relation-1", "partner"), ("age-2", "x")])
    assert person.status == 422 and "Person 2 of 2: How old is this person?" in person.html
    person.post([("age-1", "41"), ("relation-1", "partner"), ("age-2", "9"),
                 ("school-2", "yes")])
    assert person.section == "visits" and "Visit 1 of 1" in person.html
    person.post([("visit_reason-1", "flu")], nav="add")
    assert person.section == "visits" and "Visit 2 of 2" in person.html
    assert 'name="visit_reason-1" value="flu"' in person.html.replace("  ", " ") or \
        'value="flu"' in person.html
    person.post([("visit_reason-1", "flu"), ("visit_reason-2", "=cmd()")], nav="add")
    assert "Visit 3 of 3" in person.html and 'value="add"' not in person.html
    assert "You can give at most 3." in person.html
    person.post([("visit_reason-1", "flu"), ("visit_reason-2", "=cmd()"),
                 ("visit_reason-3", "check-up")], nav="remove-1")
    assert "Visit 2 of 2" in person.html and "Visit 3 of 3" not in person.html
    [response] = responses(app)
    assert response.answers["visits"] == [{"visit_reason": "=cmd()"},
                                          {"visit_reason": "check-up"}]
    person.post([("visit_reason-1", "=cmd()"), ("visit_reason-2", "check-up")])
    assert person.section == "opinion"
    person.answer_page(stored_household)
    assert person.path.endswith("/done")
    [response] = responses(app)
    assert response.answers["members"] == [{"age": 41, "relation": "partner"},
                                           {"age": 9, "school": "yes"}]


def test_a_smaller_household_drops_the_members_beyond_it_on_completion(
        app: Flask, client: FlaskClient, stored_household: Definition) -> None:
    person = Participant(client)
    person.start("household", lang="fr")
    person.post([("household_size", "2")])
    assert "Personne 1 sur 2" in person.html
    person.post([("age-1", "41"), ("age-2", "9")])
    person.post([], nav="back")
    person.post([("age-1", "41"), ("age-2", "9")], nav="back")  # as the page holds them
    assert person.section == "about"
    person.post([("household_size", "1")])
    assert "Personne 1 sur 1" in person.html and 'value="41"' in person.html
    person.post([("age-1", "41")])
    person.post([("visit_reason-1", "grippe")])
    person.answer_page(stored_household)
    [response] = responses(app)
    assert response.status == "completed"
    assert response.answers["members"] == [{"age": 41}]


def test_the_diff_says_how_a_page_repeats_differently(household: Definition) -> None:
    from survey.versions.diff import diff

    changed = load_text(TEXT.replace("      max: 6\n", "      max: 8\n")
                        .replace('''    repeat:
      max: 3''', '''    repeat:
      count: "${household_size}"
      max: 3'''))
    found = [str(c) for c in diff(household, changed)]
    assert "How page 'members' repeats changed: 'count ${household_size}, max 6' -> " \
        "'count ${household_size}, max 8'." in found
    assert "How page 'visits' repeats changed: 'max 3' -> 'count ${household_size}, max 3'." \
        in found
