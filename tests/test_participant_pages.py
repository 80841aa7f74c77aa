# ruff: noqa: F811  (fixtures imported from test_participate are parameters here)
"""What the participant pages say and show: the private link, the conditions of follow-up
questions without JavaScript, every problem of a page at once (issue 11, items 13, 14, 16)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from flask import Flask

from survey.questionnaire import Definition, load_file
from survey.versions import store_definition

from .participant import Participant
from .test_participate import EVERY_TYPE, every_type, participant  # noqa: F401  (fixtures)


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
    link = re.search(r'id="resume-link" href="(/r/[^"]+)"[^>]*>([^<]+)</a>', page)
    # the whole link is the link's text, not a value cut off in a field
    assert link.group(2) == f"http://survey.test{link.group(1)}" and "readonly" not in page
    copy = {"fr": "Copier le lien", "en": "Copy the link"}[lang]
    assert copy in page and "data-share hidden" in page  # shown only by the script
    assert re.search(r'<script src="/static/share\.js\?v=\w+" defer></script>', page)
    assert "<script>" not in page and " onclick=" not in page  # the CSP stays strict


def test_the_thank_you_page_shows_the_whole_private_link_too(
        participant: Participant, every_type: Definition) -> None:
    participant.start("every_type", "en")
    participant.complete(every_type)
    assert participant.path == "/q/every_type/done"
    assert re.search(r'id="resume-link" href="/r/[^"]+"[^>]*>http://survey\.test/r/',
                     participant.html)


# -- every problem of a page at once (item 16) ------------------------------------------------

@pytest.mark.parametrize(("lang", "too_many", "missing"), [
    ("en", "Please choose at most 2 answers.",
     "Please say how much for each choice. Missing: Physician; Navigator."),
    ("fr", "Veuillez choisir au plus 2 réponses.",
     "Veuillez indiquer à quel point pour chaque choix. Il manque\u00a0: Médecin; "
     "Agent de liaison."),
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


# -- conditions in words for pages without JavaScript (item 14) -------------------------------

@pytest.mark.parametrize(("lang", "words"), [
    ("fr", "Si vous avez répondu «\u00a0Un autre service\u00a0» à la question précédente."),
    ("en", "If you answered “Another service” to the previous question."),
])
def test_a_follow_up_question_says_when_it_applies(participant: Participant, lang: str,
                                                   words: str) -> None:
    participant.start("patients", lang)
    assert participant.section == "your_visit"
    box = participant.html.split('id="q-service_other"')[1].split('id="q-')[0]
    assert f'<p class="condition" data-condition>{words}</p>' in html.unescape(box)
    unconditional = participant.html.split('id="q-service_type"')[1].split('id="q-')[0]
    assert "data-condition" not in unconditional


@pytest.mark.parametrize(("relevant", "lang", "words"), [
    ("count-selected(${service}) > 0", "fr",
     "Cette question ne s'applique qu'à certaines réponses."),
    ("count-selected(${service}) > 0", "en", "This question applies only for some answers."),
    ("${service} = 'dont_know' or ${used} = 'no'", "fr",
     "Si vous avez répondu «\u00a0Je ne sais pas\u00a0» à la question «\u00a0Quel service "
     "?\u00a0» ou vous avez répondu «\u00a0Non\u00a0» à la question précédente."),
    ("${service} != 'clinic' and ${used} != ''", "en",
     "If you did not answer “Clinic” to the question “Which service?” and you answered the "
     "previous question."),
])
def test_conditions_are_worded_or_said_generally(
        app: Flask, participant: Participant, tmp_path: Path, relevant: str, lang: str,
        words: str) -> None:
    source = EVERY_TYPE.read_text(encoding="utf-8")
    source = source.replace("code: every_type", "code: worded").replace(
        'relevant: "${used} = \'yes\'"\n        constraint', f'relevant: "{relevant}"\n'
        '        constraint', 1)
    path = tmp_path / "worded.yaml"
    path.write_text(source, encoding="utf-8")
    definition = load_file(path)
    with app.app_context():
        store_definition(definition, "worded.yaml")
    participant.start("worded", lang)
    box = participant.html.split('id="q-visits"')[1].split('id="q-')[0]
    assert f'<p class="condition" data-condition>{words}</p>' in html.unescape(box)


# -- pages kept once rendered (survey/participate/rendering.py) -------------------------------

def test_a_page_kept_once_rendered_still_speaks_each_language_and_shows_answers(
        app: Flask, every_type: Definition) -> None:
    first_fr, then_en = Participant(app.test_client()), Participant(app.test_client())
    first_fr.start("every_type", "fr")
    then_en.start("every_type", "en")
    section = every_type.sections[0]
    item = next(i for i in section.items if i.answerable)
    assert every_type.section(first_fr.section) is section and then_en.section == section.code
    assert item.text["fr"] in html.unescape(first_fr.html).replace("\u00a0", " ")
    shown = html.unescape(then_en.html)
    assert item.text["en"] in shown and item.text["fr"] not in shown
    # Answered, then back to the page: the answers are shown, not the blank page kept.
    first_fr.answer_page(every_type, {"used": [("used", "yes")]})
    first_fr.post([], nav="back")
    assert first_fr.section == section.code
    assert re.search(r'name="used" value="yes" checked', first_fr.html)
    # An error is shown on the page it belongs to, and the blank page stays blank for others.
    refused = first_fr.answer_page(every_type, {"used": [("used", "maybe-not-a-code")]})
    assert refused.status_code == 422 and 'aria-invalid="true"' in first_fr.html
    other = Participant(app.test_client())
    other.start("every_type", "fr")
    assert " checked" not in other.html and 'aria-invalid="true"' not in other.html
