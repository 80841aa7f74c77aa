"""Navigation and the participant's language, without HTTP where they are pure."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey.questionnaire import load_file, load_text, navigation
from survey.questionnaire.model import Definition
from survey.versions import store_definition

from .participant import Participant, responses

EVERY_TYPE = Path(__file__).parent / "data" / "every_type.yaml"


@pytest.fixture(scope="module")
def every() -> Definition:
    return load_file(EVERY_TYPE)


def codes(sections: list) -> list[str]:
    return [s.code for s in sections]


def test_pages_shown_follow_the_answers(every: Definition) -> None:
    all_pages = codes(every.sections)
    shown_no = codes(navigation.relevant_sections(every, {"used": "no"}))
    assert shown_no != all_pages and set(shown_no) < set(all_pages)
    assert codes(navigation.relevant_sections(every, {"used": "yes"})) == all_pages


def test_next_and_previous_skip_pages_that_do_not_apply(every: Definition) -> None:
    first = every.sections[0]
    hidden = [s for s in every.sections
              if s.code not in codes(navigation.relevant_sections(every, {"used": "no"}))]
    after = navigation.neighbour(every, first, {"used": "no"}, 1)
    assert after is not None and after not in hidden
    assert navigation.neighbour(every, first, {"used": "no"}, -1) is None
    last = every.sections[-1]
    assert navigation.neighbour(every, last, {"used": "yes"}, 1) is None
    assert navigation.position(every, last, {"used": "yes"}).is_last


def test_the_bookmark_never_goes_beyond_the_furthest_page(every: Definition) -> None:
    second = every.sections[1]
    assert navigation.bookmark(every, {"used": "yes"}, second.code) == second
    assert navigation.bookmark(every, {}, None) == every.sections[0]
    third = every.sections[2]
    assert navigation.may_open(every, second, {"used": "yes"}, third.code)
    assert not navigation.may_open(every, third, {"used": "yes"}, second.code)
    assert not navigation.may_open(every, None, {"used": "yes"}, third.code)


def test_prior_answers_carry_only_what_this_page_reads() -> None:
    two_pages = ENGLISH_FIRST.replace(
        "      - {code: visits,",
        "      - {code: first, type: yesno, text: {en: \"First?\", fr: \"Premier ?\"}}\n"
        "      - {code: other, type: yesno, text: {en: \"Other?\", fr: \"Autre ?\"}}\n"
        "  - code: two\n"
        "    title: {en: \"Two\", fr: \"Deux\"}\n"
        "    items:\n"
        "      - {code: visits, relevant: \"${first} = 'yes'\",")
    definition = load_text(two_pages)
    second = definition.sections[1]
    answers = {"first": "yes", "other": "no", "visits": 2}
    assert navigation.prior_answers(second, answers) == {"first": "yes"}
    assert navigation.prior_answers(definition.sections[0], answers) == {}


def test_form_values_show_each_type_back(every: Definition) -> None:
    section = every.sections[0]
    answers = {"used": "yes", "visits": 3.0}
    values = navigation.form_values(section, answers)
    assert values.get("used") == ["yes"]
    if "visits" in {i.code for i in section.items}:
        assert values["visits"] == ["3"]


ENGLISH_FIRST = """\
format: 1
code: english_first
audience: patient
languages: [en, fr]
minutes: 2
title: {en: "English first", fr: "L'anglais d'abord"}
introduction: {en: "Welcome.", fr: "Bienvenue."}
consent: {en: "You agree.", fr: "Vous acceptez."}
sections:
  - code: one
    title: {en: "Your visit", fr: "Votre visite"}
    items:
      - {code: visits, type: integer, required: true, min: 0, max: 10,
         text: {en: "How many visits?", fr: "Combien de visites ?"}}
"""


def test_one_language_for_page_messages_and_the_stored_response(app: Flask,
                                                                client: FlaskClient) -> None:
    with app.app_context():
        store_definition(load_text(ENGLISH_FIRST), "english_first.yaml")
    participant = Participant(client)
    participant.enter("english_first")  # no language chosen: the questionnaire's first
    assert '<html lang="en">' in participant.html and "English first" in participant.html
    participant.get("/q/english_first/consent")
    assert "I agree to take part" in participant.html
    token = re.search(r'name="start_token" type="hidden" value="([^"]+)"', participant.html)
    participant.post([("start_token", token.group(1)), ("agree", "y")], nav=None)
    assert participant.section == "one"
    participant.post([("visits", "99")])
    assert participant.status == 422
    assert '<html lang="en">' in participant.html and "How many visits?" in participant.html
    assert "Please enter a number of at most 10." in participant.html
    assert responses(app)[0].language == "en"


def test_a_language_the_questionnaire_lacks_falls_back_to_its_first(app: Flask,
                                                                     client: FlaskClient) -> None:
    with app.app_context():
        store_definition(load_text(ENGLISH_FIRST.replace("languages: [en, fr]", "languages: [en]")
                                   .replace(', fr: "L\'anglais d\'abord"', "")
                                   .replace(', fr: "Bienvenue."', "")
                                   .replace(', fr: "Vous acceptez."', "")
                                   .replace(', fr: "Votre visite"', "")
                                   .replace(', fr: "Combien de visites ?"', "")), "en.yaml")
    participant = Participant(client)
    participant.enter("english_first", "fr")
    assert '<html lang="en">' in participant.html and "Welcome." in participant.html


def test_the_thank_you_page_states_the_instance_privacy_threshold(
        app: Flask, client: FlaskClient, bundled: dict[str, Definition]) -> None:
    app.config["MIN_GROUP_SIZE"] = 8
    participant = Participant(client)
    participant.start("citizens")
    participant.complete(bundled["citizens"])
    assert participant.path == "/q/citizens/done"
    assert "au moins 8 personnes" in participant.html
    assert "au moins 5 personnes" not in participant.html
