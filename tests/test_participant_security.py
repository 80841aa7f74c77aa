"""Regression tests for the review of the participant flow (issue 11): sessions bound to their
response's secret, values that are not text, resume links that cannot take over a device,
server-issued start tokens, and half-finished answers kept as drafts."""

from __future__ import annotations

import io
import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from survey.extensions import db
from survey.models import Response, SpentToken
from survey.questionnaire import Definition
from survey.secrets import digest

from .participant import Participant, responses
from .test_participate import every_type  # noqa: F401  (fixture)

PAGE = "/q/every_type/p/basics"


def resume_code(client: FlaskClient, code: str = "every_type") -> str:
    with client.session_transaction() as session:
        return session["active"][code]["resume"]


def session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session", domain="survey.test")
    assert cookie is not None
    return cookie.value


def put_session_cookie(client: FlaskClient, value: str) -> None:
    client.set_cookie("session", value, domain="survey.test")


# -- 1. an old session never reaches another participant's response ---------------------------

def test_an_old_copy_of_the_cookie_never_reaches_the_next_participant(
        app: Flask, every_type: Definition) -> None:  # noqa: F811
    a = Participant(app.test_client())
    a.start("every_type")
    a.answer_page(every_type, {"used": [("used", "no")]}, nav="later")
    [first] = responses(app)
    kept = session_cookie(a.client)  # a second tab, or a copy taken on purpose
    a.get("/q/every_type/withdraw")
    a.post([], nav=None)
    assert responses(app) == []

    b = Participant(app.test_client())
    b.start("every_type")
    b.answer_page(every_type, {"service": [("service", "coop")], "used": [("used", "no")]},
                  nav="later")
    [second] = responses(app)
    assert second.id != first.id  # ids are never reused, SQLite included

    put_session_cookie(a.client, kept)
    a.get(PAGE)
    assert a.path == "/q/every_type"  # the welcome page, not B's answers
    assert 'value="coop" checked' not in a.html
    a.get("/q/every_type/withdraw")
    a.client.post("/q/every_type/withdraw", data={"csrf_token": a.csrf})
    assert [r.id for r in responses(app)] == [second.id]  # B's answers are still there


# -- 2. only text in the expected encoding is accepted ----------------------------------------

def _to_team_page(participant: Participant, definition: Definition) -> None:
    participant.start("every_type", "en")
    participant.answer_page(definition, {"used": [("used", "no")]})
    assert participant.section == "team"


@pytest.mark.parametrize("value", ["\ud800", {"text": "x"}, ["a", {"b": 1}]],
                         ids=["lone-surrogate", "json-object", "list-with-object"])
def test_a_json_body_with_values_that_are_not_text_is_refused_with_the_page_message(
        app: Flask, every_type: Definition, value: object) -> None:  # noqa: F811
    participant = Participant(app.test_client())
    _to_team_page(participant, every_type)
    body = json.dumps({"csrf_token": participant.csrf, "label": value, "me": "nurse"})
    reply = participant.client.post("/q/every_type/p/team", data=body,
                                    content_type="application/json")
    assert reply.status_code == 422
    assert "This answer could not be read as text" in reply.get_data(as_text=True)
    assert "label" not in responses(app)[0].answers
    participant.get("/q/every_type/p/team")  # the page still opens, and goes on
    assert participant.status == 200
    participant.answer_page(every_type)
    assert participant.path == "/q/every_type/done"


def test_a_file_posted_in_a_text_field_is_refused_not_stored_as_its_repr(
        app: Flask, every_type: Definition) -> None:  # noqa: F811
    participant = Participant(app.test_client())
    _to_team_page(participant, every_type)
    for nav in ("next", "later"):
        reply = participant.client.post(
            "/q/every_type/p/team", content_type="multipart/form-data",
            data={"csrf_token": participant.csrf, "nav": nav, "me": "nurse",
                  "label": (io.BytesIO(b"secret"), "notes.txt")})
        assert reply.status_code == 422 if nav == "next" else reply.status_code == 302
        stored = responses(app)[0]
        assert "label" not in stored.answers
        assert "FileStorage" not in json.dumps(stored.answers) + json.dumps(stored.drafts)
    participant.get("/q/every_type/p/team")
    assert participant.status == 200 and "FileStorage" not in participant.html


# -- 4. a resume link never silently replaces the response on this device ---------------------

def test_a_link_from_someone_else_asks_before_replacing_this_devices_answers(
        app: Flask, every_type: Definition) -> None:  # noqa: F811
    attacker = Participant(app.test_client())
    attacker.start("every_type", "en")
    attacker.answer_page(every_type, {"service": [("service", "clinic")],
                                      "used": [("used", "no")]}, nav="later")
    link = f"/r/{resume_code(attacker.client)}"

    victim = Participant(app.test_client())
    victim.start("every_type", "en")
    victim.answer_page(every_type, {"service": [("service", "coop")], "used": [("used", "no")]},
                       nav="later")
    mine = resume_code(victim.client)
    victim.get(link)
    assert victim.status == 200 and "Which answers do you want to continue?" in victim.html
    assert "started elsewhere" in victim.html
    assert resume_code(victim.client) == mine  # nothing replaced by just opening the link
    victim.post([("keep", "device")], nav=None)
    assert victim.path == PAGE and 'value="coop" checked' in victim.html
    assert resume_code(victim.client) == mine

    victim.get(link)
    victim.post([("keep", "link")], nav=None)
    assert victim.path == PAGE and 'value="clinic" checked' in victim.html
    assert "These answers were started elsewhere" in victim.html  # said plainly on the page
    victim.get(PAGE)
    assert "These answers were started elsewhere" not in victim.html  # said once


def test_a_forged_choice_without_its_csrf_token_replaces_nothing(
        app: Flask, every_type: Definition) -> None:  # noqa: F811
    other = Participant(app.test_client())
    other.start("every_type")
    link = f"/r/{resume_code(other.client)}"
    mine = Participant(app.test_client())
    mine.start("every_type")
    code = resume_code(mine.client)
    mine.client.post(link, data={"keep": "link"})
    assert resume_code(mine.client) == code


def test_a_link_opened_on_a_fresh_device_says_where_the_answers_come_from(
        app: Flask, every_type: Definition) -> None:  # noqa: F811
    first = Participant(app.test_client())
    first.start("every_type", "en")
    second = Participant(app.test_client())
    second.get(f"/r/{resume_code(first.client)}")
    assert second.path == PAGE
    assert "These answers were started elsewhere" in second.html


# -- 5. start tokens are issued by the server, bound to the session, single use ----------------

def _consent(participant: Participant) -> str:
    if participant.path == "/":
        participant.enter("every_type")
    participant.get("/q/every_type/consent")
    return participant.html.split('name="start_token" type="hidden" value="')[1].split('"')[0]


def test_a_start_token_from_another_session_or_chosen_by_the_client_starts_nothing(
        app: Flask, every_type: Definition) -> None:  # noqa: F811
    victim, attacker = Participant(app.test_client()), Participant(app.test_client())
    victim_token = _consent(victim)
    _consent(attacker)
    for token in (victim_token, "a" * 20):
        attacker.post([("start_token", token), ("agree", "y")], nav=None)
        assert attacker.status == 400
        assert "Cette page avait expiré" in attacker.html
    assert responses(app) == []
    victim.post([("start_token", victim_token), ("agree", "y")], nav=None)
    assert victim.section == "basics"
    with app.app_context():
        stored = db.session.scalar(select(Response))
        assert stored.start_hash == digest(victim_token)


def test_two_tabs_share_one_start_token_and_start_one_response(
        app: Flask, every_type: Definition) -> None:  # noqa: F811
    participant = Participant(app.test_client())
    first, second = _consent(participant), _consent(participant)
    assert first == second
    participant.post([("start_token", first), ("agree", "y")], nav=None)
    assert participant.section == "basics" and len(responses(app)) == 1


def test_a_consent_replayed_after_withdrawal_does_not_bring_the_response_back(
        app: Flask, every_type: Definition) -> None:  # noqa: F811
    participant = Participant(app.test_client())
    token = _consent(participant)
    csrf = participant.csrf
    kept = session_cookie(participant.client)
    participant.post([("start_token", token), ("agree", "y")], nav=None)
    [withdrawn] = responses(app)
    participant.get("/q/every_type/withdraw")
    participant.post([], nav=None)
    assert responses(app) == []
    with app.app_context():
        assert db.session.get(SpentToken, digest(token)) is not None

    put_session_cookie(participant.client, kept)  # the old cookie and the old form, replayed
    reply = participant.client.post("/q/every_type/consent", data={
        "start_token": token, "agree": "y", "csrf_token": csrf})
    assert reply.status_code == 400
    assert responses(app) == []
    participant.response, participant.path = reply, "/q/every_type/consent"
    fresh = participant.html.split('name="start_token" type="hidden" value="')[1].split('"')[0]
    assert fresh != token  # a new start, with a new token
    participant.post([("start_token", fresh), ("agree", "y")], nav=None)
    [again] = responses(app)
    assert again.id != withdrawn.id and again.resume_hash != withdrawn.resume_hash


# -- 12. half-finished answers are kept as drafts ----------------------------------------------

def _checked(html: str, name: str, value: str) -> bool:
    return f'name="{name}" value="{value}" checked' in html


@pytest.mark.parametrize("nav", ["back", "later"])
def test_half_finished_nominations_come_back_as_typed(
        app: Flask, every_type: Definition, nav: str) -> None:  # noqa: F811
    participant = Participant(app.test_client())
    _to_team_page(participant, every_type)
    # a complete answer first: the nurse, rated "a lot"
    participant.post([("me", "nurse"), ("leaders", "nurse"), ("leaders__nurse", "4")],
                     nav="back")
    assert responses(app)[0].answers["leaders"] == {"nurse": 4}
    participant.get("/q/every_type/p/team")
    # then two people ticked, only the physician rated, and away
    participant.post([("me", "nurse"), ("leaders", "nurse"), ("leaders", "doctor"),
                      ("leaders__doctor", "2")], nav=nav)
    assert participant.status == 200
    participant.get("/q/every_type/p/team")
    html = participant.html
    assert _checked(html, "leaders", "nurse") and _checked(html, "leaders", "doctor")
    assert _checked(html, "leaders__doctor", "2")
    assert not _checked(html, "leaders__nurse", "4")  # the old complete answer stays away
    # finishing the page settles it and clears the draft
    participant.post([("me", "nurse"), ("leaders", "nurse"), ("leaders", "doctor"),
                      ("leaders__nurse", "3"), ("leaders__doctor", "2")])
    [stored] = responses(app)
    assert stored.answers["leaders"] == {"nurse": 3, "doctor": 2}
    assert stored.drafts == {}


def test_a_half_answered_matrix_comes_back_as_typed(
        app: Flask, every_type: Definition) -> None:  # noqa: F811
    participant = Participant(app.test_client())
    participant.start("every_type", "en")
    participant.answer_page(every_type, {"used": [("used", "yes")]})
    participant.post([("exp1", "5"), ("exp3", "2")], nav="later")
    participant.get("/q/every_type/p/opinions")
    assert _checked(participant.html, "exp1", "5") and _checked(participant.html, "exp3", "2")
    assert responses(app)[0].drafts["exp"] == {"exp1": ["5"], "exp3": ["2"]}


def test_drafts_accept_only_text(app: Flask, every_type: Definition) -> None:  # noqa: F811
    participant = Participant(app.test_client())
    _to_team_page(participant, every_type)
    participant.client.post("/q/every_type/p/team", data=MultiDict([
        ("csrf_token", participant.csrf), ("nav", "later"), ("leaders", "nurse"),
        ("leaders", "x" * 10_000)]))
    participant.get("/q/every_type/p/team")
    assert participant.status == 200
    draft = responses(app)[0].drafts.get("leaders", {})
    assert all(len(v) <= 5000 for values in draft.values() for v in values)
