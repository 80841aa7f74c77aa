"""The participant flow through the pages, as a participant's browser drives it."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text
from werkzeug.datastructures import MultiDict

from survey.design.services import ensure_demo
from survey.extensions import db
from survey.models import Response
from survey.questionnaire import Definition, load_file
from survey.secrets import digest
from survey.versions import store_definition

from .participant import Participant, responses

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


def only_response(app: Flask) -> Response:
    found = responses(app)
    assert len(found) == 1, found
    return found[0]


# -- welcome, language, consent -------------------------------------------------------------------

def test_home_lists_the_demonstration_campaigns_in_french_by_default(
        app: Flask, participant: Participant, bundled: dict[str, Definition]) -> None:
    with app.app_context():
        demo = ensure_demo()
        slugs = {c.version.questionnaire.code: c.slug for c in demo.campaigns}
    participant.get("/")
    assert '<html lang="fr">' in participant.html
    for definition in bundled.values():
        assert definition.title["fr"] in participant.html
        assert f'href="/c/{slugs[definition.code]}"' in participant.html
        assert f'href="/q/{definition.code}"' not in participant.html


def test_english_is_one_tap_away_and_stays_chosen(participant: Participant,
                                                   bundled: dict[str, Definition]) -> None:
    participant.enter("patients")
    assert 'href="/q/patients?lang=en"' in participant.html
    participant.get("/q/patients?lang=en")
    assert '<html lang="en">' in participant.html
    assert bundled["patients"].title["en"] in participant.html
    participant.get("/q/patients/consent")
    assert "I agree to take part" in participant.html


def test_consent_must_be_given_before_any_answer(app: Flask, participant: Participant) -> None:
    participant.enter("patients")
    participant.get("/q/patients/consent")
    token = participant.html.split('name="start_token" type="hidden" value="')[1].split('"')[0]
    participant.post([("start_token", token)], nav=None)
    assert participant.status == 422
    assert "Pour participer, veuillez cocher la case" in participant.html
    assert 'id="error-summary"' in participant.html
    assert responses(app) == []
    participant.get("/q/patients/p/access")  # no way round the consent
    assert participant.path == "/q/patients"


def test_a_double_tap_on_consent_starts_one_response(app: Flask, client: FlaskClient) -> None:
    participant = Participant(client)
    participant.enter("patients")
    participant.get("/q/patients/consent")
    token = participant.html.split('name="start_token" type="hidden" value="')[1].split('"')[0]
    csrf = participant.csrf
    replies, codes = [], set()
    for _ in range(3):
        reply = client.post("/q/patients/consent", data={"start_token": token, "agree": "y",
                                                         "csrf_token": csrf})
        replies.append((reply.status_code, reply.headers["Location"]))
        with client.session_transaction() as session:
            codes.add(session["active"]["patients"]["resume"])
    assert replies == [(302, "/q/patients/p/your_visit")] * 3
    [stored] = responses(app)
    [code] = codes
    assert stored.resume_hash == digest(code)


# -- whole questionnaires -----------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("code", ["patients", "professionals", "citizens"])
def test_each_bundled_questionnaire_can_be_completed(app: Flask, client: FlaskClient,
                                                     bundled: dict[str, Definition],
                                                     code: str, lang: str) -> None:
    definition = bundled[code]
    participant = Participant(client)
    participant.start(code, lang)
    first = definition.sections[0]
    assert f'<html lang="{lang}">' in participant.html
    assert first.title[lang] in participant.html
    pages = participant.complete(definition)
    assert "Merci" in participant.html if lang == "fr" else "Thank you" in participant.html
    assert pages[0] == first.code and len(pages) >= 4
    response = only_response(app)
    assert response.status == "completed" and response.completed_at is not None
    assert response.language == lang
    with app.app_context():
        stored = db.session.get(Response, response.id)
        assert stored.version.content_hash == definition.content_hash
    # every relevant required item has an answer, and free text was kept as typed
    texts = [i.code for i in definition.items() if i.type in ("text", "textarea")
             and i.code in response.answers]
    assert texts, "the typical participant answers the open questions"
    assert response.answers[texts[0]] == "Merci <b>beaucoup</b> & bravo"


def test_every_item_type_is_stored_as_its_value(app: Flask, every_type: Definition,
                                                participant: Participant) -> None:
    participant.start("every_type", "en")
    participant.answer_page(every_type, {
        "service": [("service", "coop")], "used": [("used", "yes")],
        "visits": [("visits", " 12 ")], "cost": [("cost", "2,5")],
        "barriers": [("barriers", "distance"), ("barriers", "hours")]})
    assert participant.section == "opinions", participant.html
    participant.answer_page(every_type, {
        "exp": [("exp1", "5"), ("exp2_r", "1"), ("exp3", "4")], "ease": [("ease", "3")],
        "since": [("since", "2024-05-01")]})
    participant.answer_page(every_type, {
        "me": [("me", "nurse")],
        "leaders": [("leaders", "doctor"), ("leaders", "navigator"),
                    ("leaders__doctor", "5"), ("leaders__navigator", "3")],
        "comment": [("comment", "Très bien")], "label": [("label", "ok")]})
    assert participant.path == "/q/every_type/done"
    answers = only_response(app).answers
    assert answers == {
        "service": "coop", "used": "yes", "visits": 12, "cost": 2.5,
        "barriers": ["hours", "distance"], "exp1": 5, "exp2_r": 1, "exp3": 4, "ease": 3,
        "since": "2024-05-01", "me": ["nurse"], "leaders": {"doctor": 5, "navigator": 3},
        "comment": "Très bien", "label": "ok"}


# -- skip logic ---------------------------------------------------------------------------------

def test_skip_logic_hides_items_and_pages_and_drops_their_answers(
        app: Flask, every_type: Definition, participant: Participant) -> None:
    participant.start("every_type")
    # "visits" is only for people who visited: posted anyway, it is not kept
    participant.answer_page(every_type, {"used": [("used", "no")], "visits": [("visits", "80")]})
    assert participant.section == "team"  # the opinions page is skipped
    assert "Page 2 sur 2" in participant.html
    participant.answer_page(every_type)
    answers = only_response(app).answers
    assert answers["used"] == "no"
    assert "visits" not in answers and "exp1" not in answers


def test_changing_an_earlier_answer_drops_answers_that_no_longer_apply(
        app: Flask, every_type: Definition, participant: Participant) -> None:
    participant.start("every_type")
    participant.answer_page(every_type, {"used": [("used", "yes")], "visits": [("visits", "3")]})
    participant.answer_page(every_type)  # opinions answered
    participant.answer_page(every_type, nav="back")
    participant.answer_page(every_type, nav="back")
    assert participant.section == "basics"
    participant.answer_page(every_type, {"used": [("used", "no")]})
    assert participant.section == "team"
    participant.answer_page(every_type)
    answers = only_response(app).answers
    assert "visits" not in answers and "exp1" not in answers and answers["used"] == "no"


def test_relevance_travels_to_the_page_for_the_script(every_type: Definition,
                                                      participant: Participant) -> None:
    participant.start("every_type")
    attribute = re.search(r'id="q-visits" data-item="visits" data-relevant=\'([^\']+)\'',
                          participant.html)
    assert attribute, "the follow-up question carries its relevance for the script"
    tree = json.loads(html.unescape(attribute.group(1)))
    assert tree == every_type.item("visits").relevant.json == [
        "=", ["ref", "used"], ["str", "yes"]]
    assert 'src="/static/relevance.js?v=' in participant.html
    assert 'id="prior-answers"' not in participant.html  # this page reads no earlier answer


# -- validation ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("overrides", "message"), [
    ({"service": []}, "Veuillez répondre à cette question."),
    ({"service": [("service", "hospital")]}, "pas un des choix proposés"),
    ({"service": [("service", "clinic"), ("service", "coop")]}, "pas un des choix proposés"),
    ({"visits": [("visits", "trois")]}, "nombre entier"),
    ({"visits": [("visits", "60")]}, "Au plus 52 visites par an."),
    ({"visits": [("visits", "-1")]}, "au moins égal à 0"),
    ({"visits": [("visits", "5"), ("visits", "dont_know")]}, "pas les deux"),
    ({"cost": [("cost", "1e9999")]}, "Veuillez entrer un nombre"),
    ({"barriers": [("barriers", "none"), ("barriers", "hours")]}, "ne peut pas être combinée"),
    ({"barriers": [("barriers", "hours"), ("barriers", "cost"), ("barriers", "distance")]},
     "au plus 2 réponses"),
])
def test_a_refused_answer_returns_the_page_with_its_message_and_saves_nothing(
        app: Flask, every_type: Definition, participant: Participant,
        overrides: dict[str, Any], message: str) -> None:
    participant.start("every_type")
    participant.answer_page(every_type, {"used": [("used", "yes")], **overrides})
    assert participant.status == 422
    assert participant.section == "basics"
    assert message in participant.html
    assert 'id="error-summary"' in participant.html and "aria-invalid=\"true\"" in participant.html
    assert only_response(app).answers == {}


def test_a_refused_page_keeps_what_was_typed(every_type: Definition,
                                             participant: Participant) -> None:
    participant.start("every_type")
    participant.answer_page(every_type, {"used": [("used", "yes")], "visits": [("visits", "60")],
                                         "cost": [("cost", "3.75")]})
    assert 'value="60"' in participant.html and 'value="3.75"' in participant.html
    assert 'value="yes" checked' in participant.html


def test_matrix_and_rating_messages_name_what_is_missing(every_type: Definition,
                                                         participant: Participant) -> None:
    participant.start("every_type", "en")
    participant.answer_page(every_type, {"used": [("used", "yes")]})
    participant.answer_page(every_type, {"exp": [("exp1", "5")]})
    assert participant.status == 422
    assert "Please answer every line. Missing: I felt judged; Things were explained." in \
        participant.html
    participant.answer_page(every_type)
    participant.answer_page(every_type, {"leaders": [("leaders", "doctor")]})
    assert "Please say how much for each choice. Missing: Physician." in participant.html


def test_forged_fields_and_a_missing_csrf_token_never_break_the_page(
        app: Flask, every_type: Definition, participant: Participant) -> None:
    participant.start("every_type")
    participant.post([("service", "coop"), ("password", "x"), ("answers", "{}")], csrf=False)
    assert participant.status == 400
    assert "Cette page avait expiré" in participant.html
    assert only_response(app).answers == {}
    participant.post([("service", "coop"), ("status", "completed"), ("exp1", "5")])
    assert participant.section == "team"
    assert only_response(app).answers == {"service": "coop"}
    assert only_response(app).status == "started"


def test_hostile_text_is_stored_as_typed_and_shown_escaped(
        app: Flask, every_type: Definition, participant: Participant) -> None:
    hostile = '<script>alert("x")</script>\'"><img src=x onerror=alert(1)>'
    participant.start("every_type")
    participant.answer_page(every_type, {"used": [("used", "no")]})
    participant.answer_page(every_type, {"label": [("label", hostile[:200])]}, nav="back")
    participant.answer_page(every_type, {"used": [("used", "no")]})
    assert participant.section == "team"
    assert "<script>alert" not in participant.html and "<img src=x" not in participant.html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in participant.html
    assert only_response(app).answers["label"] == hostile[:200]


def test_nul_characters_are_dropped_not_fatal(app: Flask, every_type: Definition,
                                              participant: Participant) -> None:
    participant.start("every_type")
    participant.answer_page(every_type, {"used": [("used", "no")]})
    participant.answer_page(every_type, {"comment": [("comment", "a\x00b")]})
    assert only_response(app).answers["comment"] == "ab"


# -- back and forth, resume -------------------------------------------------------------------

def test_going_back_keeps_answers_both_ways(app: Flask, every_type: Definition,
                                            participant: Participant) -> None:
    participant.start("every_type")
    participant.answer_page(every_type, {"used": [("used", "yes")], "visits": [("visits", "7")]})
    # on page 2, half answered, going back keeps what is valid without asking for the rest
    participant.answer_page(every_type, {"exp": [("exp1", "2")], "ease": []}, nav="back")
    assert participant.section == "basics"
    assert 'value="7"' in participant.html
    participant.post([], nav=None, path="/q/every_type/p/basics")  # nothing posted: refused
    participant.get("/q/every_type/p/opinions")
    assert participant.section == "opinions"
    assert 'name="exp1" value="2" checked' in participant.html
    assert only_response(app).answers["exp1"] == 2


def test_pages_beyond_the_furthest_reached_redirect_back(every_type: Definition,
                                                         participant: Participant) -> None:
    participant.start("every_type")
    participant.get("/q/every_type/p/team")
    assert participant.section == "basics"
    participant.get("/q/every_type/p/nonexistent")
    assert participant.section == "basics"


def test_resume_link_continues_on_another_device(app: Flask, every_type: Definition,
                                                 participant: Participant) -> None:
    participant.start("every_type", "en")
    participant.answer_page(every_type, {"used": [("used", "yes")], "visits": [("visits", "4")]},
                            nav="later")
    assert participant.path == "/q/every_type/later"
    link = re.search(r'id="resume-link"[^>]*>([^<]+)<', participant.html).group(1)
    assert link.startswith("http://survey.test/r/") and len(link.rsplit("/", 1)[1]) >= 32
    with app.app_context():
        stored = db.session.scalar(select(Response))
        assert link.rsplit("/", 1)[1] not in (stored.resume_hash, stored.start_hash)

    other = Participant(app.test_client())
    other.get(link.replace("http://survey.test", ""))
    assert other.section == "basics"  # "later" on page 1 keeps page 1 as the bookmark
    assert '<html lang="en">' in other.html and 'value="4"' in other.html
    other.answer_page(every_type)
    other.complete(every_type)
    assert only_response(app).status == "completed"
    other.get(link.replace("http://survey.test", ""))
    assert other.path == "/q/every_type/done"


def test_unknown_links_get_a_polite_404_in_the_participant_language(
        participant: Participant) -> None:
    for path in ("/q/nothing", "/r/not-a-real-code", "/q/patients/p/x/y", "/q/BAD%00"):
        participant.get(path)
        assert participant.status == 404
        assert "Page introuvable" in participant.html
    participant.get("/?lang=en")
    participant.get("/r/not-a-real-code")
    assert participant.status == 404 and "Page not found" in participant.html


# -- exactly once -------------------------------------------------------------------------------

def test_double_tap_on_finish_completes_once(app: Flask, every_type: Definition,
                                             client: FlaskClient) -> None:
    participant = Participant(client)
    participant.start("every_type")
    participant.answer_page(every_type, {"used": [("used", "no")]})
    csrf = participant.csrf
    pairs = [("me", "nurse"), ("label", "first"), ("csrf_token", csrf), ("nav", "next")]
    first = client.post("/q/every_type/p/team", data=MultiDict(pairs))
    second = client.post("/q/every_type/p/team",
                         data=MultiDict([("label", "second"), ("csrf_token", csrf),
                                                   ("nav", "next")]))
    assert first.headers["Location"].endswith("/q/every_type/done")
    assert second.headers["Location"].endswith("/q/every_type/done")
    response = only_response(app)
    assert response.status == "completed" and response.answers["label"] == "first"
    completed_at = response.completed_at
    client.get("/q/every_type/p/team", follow_redirects=True)  # the back button
    assert only_response(app).completed_at == completed_at


def test_refresh_of_a_saved_page_does_not_duplicate(app: Flask, every_type: Definition,
                                                    client: FlaskClient) -> None:
    participant = Participant(client)
    participant.start("every_type")
    csrf = participant.csrf
    for _ in range(3):
        client.post("/q/every_type/p/basics",
                    data={"service": "clinic", "used": "no", "csrf_token": csrf, "nav": "next"})
    response = only_response(app)
    assert response.answers == {"service": "clinic", "used": "no"} and response.revision == 3


# -- privacy ------------------------------------------------------------------------------------

def test_no_ip_address_or_user_agent_is_stored(app: Flask, every_type: Definition) -> None:
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": "203.0.113.77",
                                "HTTP_USER_AGENT": "DistinctiveAgent/9.9"})
    participant = Participant(client)
    participant.start("every_type")
    participant.complete(every_type)
    with app.app_context():
        columns = {c.name for c in Response.__table__.columns}
        assert not {"ip", "ip_address", "user_agent", "remote_addr"} & columns
        rows = db.session.execute(text("SELECT * FROM response")).all()
        dump = repr(rows)
    assert "203.0.113.77" not in dump and "DistinctiveAgent" not in dump


# -- withdrawal ---------------------------------------------------------------------------------

def test_withdrawal_deletes_the_response_after_confirmation(
        app: Flask, every_type: Definition, participant: Participant) -> None:
    participant.start("every_type")
    participant.answer_page(every_type, {"used": [("used", "no")]}, nav="later")
    participant.get("/q/every_type/withdraw")
    assert "Toutes vos réponses à ce questionnaire seront effacées" in participant.html
    assert len(responses(app)) == 1  # looking at the confirmation deletes nothing
    participant.post([], nav=None, csrf=False)
    assert len(responses(app)) == 1  # a forged post without the token deletes nothing
    participant.get("/q/every_type/withdraw")
    participant.post([], nav=None)
    assert "Vos réponses ont été effacées" in participant.html
    assert responses(app) == []
    participant.get("/q/every_type/p/basics")
    assert participant.path == "/q/every_type"


def test_a_completed_response_can_be_withdrawn_later_with_the_private_link(
        app: Flask, every_type: Definition, participant: Participant) -> None:
    participant.start("every_type")
    participant.complete(every_type)
    link = re.search(r'id="resume-link"[^>]*>([^<]+)<', participant.html).group(1)
    other = Participant(app.test_client())
    other.get(link.replace("http://survey.test", ""))
    assert other.path == "/q/every_type/done"
    other.get("/q/every_type/withdraw")
    other.post([], nav=None)
    assert responses(app) == []
    other.get(link.replace("http://survey.test", ""))
    assert other.status == 404


def test_the_welcome_page_offers_to_continue_a_response_in_progress(
        every_type: Definition, participant: Participant) -> None:
    participant.start("every_type")
    participant.answer_page(every_type, {"used": [("used", "yes")]})
    participant.get("/q/every_type")
    assert 'href="/q/every_type/p/opinions">Reprendre là où je me suis arrêté·e' in \
        participant.html


def test_finish_sends_back_to_a_required_question_that_became_relevant(
        app: Flask, every_type: Definition, participant: Participant) -> None:
    participant.start("every_type")
    participant.answer_page(every_type, {"used": [("used", "no")]})
    assert participant.section == "team"
    participant.get("/q/every_type/p/basics")
    participant.answer_page(every_type, {"used": [("used", "yes")]}, nav="later")
    participant.get("/q/every_type/p/team")  # the furthest page reached, straight from a link
    participant.answer_page(every_type)
    assert participant.section == "opinions"
    assert "Veuillez répondre à chaque ligne" in participant.html
    assert only_response(app).status == "started"
    participant.complete(every_type)
    assert only_response(app).status == "completed"


def test_a_skipped_page_cannot_be_opened_by_its_address(every_type: Definition,
                                                        participant: Participant) -> None:
    participant.start("every_type")
    participant.answer_page(every_type, {"used": [("used", "no")]})
    participant.get("/q/every_type/p/opinions")
    assert participant.section == "team"


def test_pages_travel_compressed_within_budget_with_a_strict_policy(
        bundled: dict[str, Definition], participant: Participant) -> None:
    participant.start("professionals")
    for _ in range(5):  # to the leadership network page, the heaviest one
        participant.answer_page(bundled["professionals"])
    assert participant.section == "leadership_network"
    page = participant.client.get(participant.path, headers={"Accept-Encoding": "br, gzip"})
    assert page.headers["Content-Encoding"] in ("br", "gzip")
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    html = participant.html
    assets = [a for a in ("survey.css", "relevance.js") if f"/static/{a}?v=" in html]
    assert assets == ["survey.css", "relevance.js"]
    total = len(page.data) + sum(
        len(participant.client.get(f"/static/{a}", headers={"Accept-Encoding": "br, gzip"}).data)
        for a in assets)
    assert total < 30 * 1024
    assert "http://" not in html.replace("http://survey.test", "") and "https://" not in html


def test_a_wrong_method_gets_a_polite_page(client: FlaskClient) -> None:
    reply = client.post("/q/patients")
    assert reply.status_code == 405
    assert "Un problème est survenu avec cette page" in reply.get_data(as_text=True)


def test_an_oversized_post_is_refused_politely(app: Flask, every_type: Definition,
                                               participant: Participant) -> None:
    participant.start("every_type")
    participant.post([("comment", "x" * (2 * 1024 * 1024))])
    assert participant.status == 413
    assert "Un problème est survenu avec cette page" in participant.html
    assert only_response(app).answers == {}


@pytest.mark.parametrize(("page", "overrides", "message"), [
    ("opinions", {"since": [("since", "2019-12-31")]}, "à partir du 2020-01-01"),
    ("opinions", {"since": [("since", "31/12/2024")]}, "année-mois-jour"),
    ("opinions", {"ease": [("ease", "5")]}, "pas un des choix proposés"),
    ("opinions", {"exp": [("exp1", "9"), ("exp2_r", "1"), ("exp3", "1")]},
     "pas un des choix proposés"),
    ("team", {"label": [("label", "x" * 201)]}, "raccourcir votre réponse à 200 caractères"),
    ("team", {"comment": [("comment", "x" * 501)]}, "raccourcir votre réponse à 500 caractères"),
    ("team", {"me": [("me", "nurse"), ("me", "doctor")]}, "au plus 1 réponse"),
    ("team", {"me": [("me", "ghost")]}, "pas un des choix proposés"),
    ("team", {"leaders": [("leaders", "nurse"), ("leaders__nurse", "9")]},
     "pas un des choix proposés"),
])
def test_later_pages_refuse_bad_dates_lengths_and_codes(
        app: Flask, every_type: Definition, participant: Participant, page: str,
        overrides: dict[str, Any], message: str) -> None:
    participant.start("every_type")
    participant.answer_page(every_type, {"used": [("used", "yes")]})
    if page == "team":
        participant.answer_page(every_type)
    assert participant.section == page
    before = only_response(app).answers
    participant.answer_page(every_type, overrides)
    assert participant.status == 422 and participant.section == page
    assert message in participant.html
    assert only_response(app).answers == before
