"""What the participant pages say and show: the private link, the conditions of follow-up
questions without JavaScript, every problem of a page at once (issue 11, items 13, 14, 16)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from survey.questionnaire import Definition, load_file
from survey.versions import store_definition

from .participant import Participant

EVERY_TYPE = Path(__file__).parent / "data" / "every_type.yaml"


@pytest.fixture
def every_type(app: Flask) -> Definition:
    definition = load_file(EVERY_TYPE)
    with app.app_context():
        store_definition(definition, "every_type.yaml")
    return definition


@pytest.fixture
def participant(client: FlaskClient) -> Participant:
    return Participant(client)


def title(page: str) -> str:
    found = re.search(r"<title>(.*?)</title>", page, re.S)
    assert found, page
    return html.unescape(found.group(1))


# -- the continue-later page (item 13) --------------------------------------------------------

@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_continue_later_page_has_a_plain_title_and_shows_the_whole_link(
        participant: Participant, every_type: Definition, lang: str) -> None:
    participant.start("every_type", lang)
    participant.answer_page(every_type, {"used": [("used", "no")]}, nav="later")
    assert participant.path == "/q/every_type/later"
    page = participant.html
    later = {"fr": "Continuer plus tard", "en": "Continue later"}[lang]
    assert title(page) == f"{later} · {every_type.title[lang]} · Proximité"
    link = re.search(r'id="resume-link" href="(http://survey\.test/r/[^"]+)"', page).group(1)
    # the whole link is the link's text, not a value cut off in a field
    assert f">{link}</a>" in page and "readonly" not in page
    copy = {"fr": "Copier le lien", "en": "Copy the link"}[lang]
    assert copy in page and "data-share hidden" in page  # shown only by the script
    assert re.search(r'<script src="/static/share\.js\?v=\w+" defer></script>', page)
    assert "<script>" not in page and " onclick=" not in page  # the CSP stays strict


def test_the_thank_you_page_shows_the_whole_private_link_too(
        participant: Participant, every_type: Definition) -> None:
    participant.start("every_type", "en")
    participant.complete(every_type)
    assert participant.path == "/q/every_type/done"
    assert re.search(r'id="resume-link" href="http://survey\.test/r/[^"]+"[^>]*>http://survey',
                     participant.html)


# -- every problem of a page at once (item 16) ------------------------------------------------

@pytest.mark.parametrize(("lang", "too_many", "missing"), [
    ("en", "Please choose at most 2 answers.",
     "Please say how much for each choice. Missing: Physician; Navigator."),
    ("fr", "Veuillez choisir au plus 2 réponses.",
     "Veuillez indiquer à quel point pour chaque choix. Il manque : Médecin; Agent de liaison."),
])
def test_too_many_people_and_missing_ratings_are_reported_together(
        participant: Participant, every_type: Definition, lang: str, too_many: str,
        missing: str) -> None:
    participant.start("every_type", lang)
    participant.answer_page(every_type, {"used": [("used", "yes")]})
    participant.answer_page(every_type)
    assert participant.section == "team"
    participant.answer_page(every_type, {
        "leaders": [("leaders", "nurse"), ("leaders", "doctor"), ("leaders", "navigator"),
                    ("leaders__nurse", "4")],
        "comment": [("comment", "x" * 501)]})
    assert participant.status == 422
    page = html.unescape(participant.html)
    assert too_many in page and missing in page  # one try shows both problems of the item
    assert 'id="e-comment"' in page  # and the other items' problems too
    participant.answer_page(every_type, {
        "leaders": [("leaders", "doctor"), ("leaders", "navigator"),
                    ("leaders__doctor", "5"), ("leaders__navigator", "3")]})
    assert participant.path == "/q/every_type/done"


def test_a_forged_rating_is_still_refused_when_too_many_are_ticked(
        participant: Participant, every_type: Definition) -> None:
    participant.start("every_type", "en")
    participant.answer_page(every_type, {"used": [("used", "yes")]})
    participant.answer_page(every_type)
    participant.answer_page(every_type, {
        "leaders": [("leaders", "nurse"), ("leaders", "doctor"), ("leaders", "navigator"),
                    ("leaders__nurse", "9")]})
    assert participant.status == 422
    assert "This answer is not one of the choices offered" in html.unescape(participant.html)
