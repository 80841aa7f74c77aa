"""The display options of issue 29 over HTTP: larger text and faces on the scales, turned on and
off by buttons of the page's form (``nav=larger_text``, ``nav=faces``) that keep what was typed,
kept on the response and brought back when it is resumed through its private link on another
device; faces change no input, so answers and exports are the same (in a browser, with and
without JavaScript: tests/browser/test_presentation_browser.py)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from survey.participate.rendering import faces_for, offers_faces
from survey.questionnaire import Definition

from .participant import Participant, responses

FACES = 'value="faces"'
LARGER = '<html lang="fr" class="larger">'


def at_access(client: FlaskClient, patients: Definition) -> Participant:
    """A participant of patients on "access", its page of agreement matrices."""
    participant = Participant(client)
    participant.start("patients")
    while participant.section != "access":
        participant.answer_page(patients)
    return participant


def inputs(html: str) -> list[tuple[str, str, str]]:
    return re.findall(r'<input type="(radio|checkbox)" id="[^"]+" name="([^"]+)" '
                      r'value="([^"]+)"', html)


def pressed(html: str, option: str) -> str:
    found = re.search(rf'value="{option}" aria-pressed="(true|false)"', html)
    assert found, f"the page offers {option}"
    return found.group(1)


def test_the_faces_rule_and_where_the_option_is_offered(bundled: dict[str, Definition]) -> None:
    patients = bundled["patients"]
    access, visit = patients.section("access"), patients.section("your_visit")
    assert access is not None and visit is not None
    assert offers_faces(access) and not offers_faces(visit)
    matrices = [item for item in access.items if item.type == "matrix"]
    assert matrices and all(faces_for(item) for item in matrices)  # 5-point agreement
    single = [item for item in access.items if item.type == "single"]
    assert single and not any(faces_for(item) for item in single)
    useful = patients.item("referral_useful")  # a likert of 5 points with anchors
    assert useful is not None and faces_for(useful)


def test_faces_keep_what_was_ticked_and_change_no_input(
        app: Flask, client: FlaskClient, bundled: dict[str, Definition]) -> None:
    patients = bundled["patients"]
    participant = at_access(client, patients)
    before = participant.html
    assert pressed(before, "faces") == "false" and 'class="face' not in before
    assert "faces.css" not in before
    matrix = next(item for item in patients.section("access").items  # type: ignore[union-attr]
                  if item.type == "matrix")
    row = matrix.settings.rows[0].key
    participant.post([(row, "4")], nav="faces")
    assert participant.section == "access"  # the same page, not the next one
    html = participant.html
    assert pressed(html, "faces") == "true" and "faces.css" in html
    assert f'name="{row}" value="4" checked' in html  # the tick kept
    assert inputs(html) == inputs(before)  # same inputs, names and values
    # each face beside its point's words, hidden from screen readers
    faced = re.findall(r'<label for="[^"]+"><span class="face f(\d)" aria-hidden="true"></span>'
                       r'([^<]+)</label>', html)
    assert faced and all(words.strip() for _, words in faced)
    assert [int(n) for n, _ in faced[:5]] == [1, 2, 3, 4, 5]  # a frown to a smile, in order
    [response] = responses(app)
    assert response.faces and not response.larger_text
    assert response.drafts or response.answers.get(row) == 4
    # the page without scales does not offer faces, and shows none
    participant.post([], nav="back")
    assert participant.section == "your_visit"
    assert FACES not in participant.html and 'class="face' not in participant.html


def test_larger_text_follows_the_response_to_another_device(
        app: Flask, client: FlaskClient, bundled: dict[str, Definition]) -> None:
    patients = bundled["patients"]
    participant = at_access(client, patients)
    assert LARGER not in participant.html
    participant.post([], nav="larger_text")
    participant.post([], nav="faces")
    assert participant.section == "access"
    assert LARGER in participant.html and pressed(participant.html, "larger_text") == "true"
    participant.post([], nav="later")
    assert LARGER in participant.html  # every page of the visit, "continue later" too
    link = re.search(r'id="resume-link"[^>]*>([^<]+)<', participant.html)
    assert link

    other = Participant(app.test_client())  # another phone, no options of its own
    other.get(link.group(1).replace("http://survey.test", ""))
    assert other.section == "access"
    assert LARGER in other.html and 'class="face f1"' in other.html

    other.post([], nav="larger_text")  # turned off there: the response follows
    assert LARGER not in other.html and pressed(other.html, "larger_text") == "false"
    [response] = responses(app)
    assert not response.larger_text and response.faces


def test_an_expired_page_changes_no_option(
        app: Flask, client: FlaskClient, bundled: dict[str, Definition]) -> None:
    participant = at_access(client, bundled["patients"])
    refused = participant.post([("csrf_token", "stale")], nav="larger_text", csrf=False)
    assert refused.status_code == 400 and LARGER not in participant.html
    [response] = responses(app)
    assert not response.larger_text
