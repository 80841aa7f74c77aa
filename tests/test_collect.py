"""Assisted and offline collection by navigators (issue 26): the home with counts only, the
assisted page, sealed responses received once per idempotency key, opened with the
evaluation's private key and checked as posted pages are; hostile envelopes and payloads
refused with nothing stored. On SQLite and PostgreSQL (``database_url``)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from survey.assess import services as assess
from survey.collect import intake, keys, services
from survey.extensions import db
from survey.models import Campaign, Collection, EvaluationKey, Membership, Response, User
from survey.models.response import COMPLETED, MODE_ASSISTED
from survey.questionnaire.model import Definition
from survey.secrets import derived_key

from .workspace import World, build_world, sign_in

PAGE_RE = re.compile(r'data-page="([a-z0-9_]+)"')


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app, passwords=False)


def _client(app: Flask, world: World, who: str = "navigator") -> FlaskClient:
    client = app.test_client()
    sign_in(client, app, world.users[who])
    return client


def _campaign(app: Flask, campaign_id: int) -> tuple[Campaign, Definition]:
    campaign = db.session.get(Campaign, campaign_id)
    assert campaign is not None
    return campaign, campaign.version.definition


def typical_pages(campaign: Campaign, definition: Definition) -> dict[str, dict[str, list[str]]]:
    """Valid answers to every page, as the device sends them (input name -> values)."""
    rosters = intake.rosters_of(campaign, definition, "fr")
    pages: dict[str, dict[str, list[str]]] = {}
    for section in definition.sections:
        inputs: dict[str, list[str]] = {}
        for item in section.items:
            for name, value in item.itemtype.example(item, rosters(item)):
                inputs.setdefault(name, []).append(value)
        pages[section.code] = inputs
    return pages


def sealed_body(app: Flask, campaign_id: int, key: str | None = None,
                change: dict | None = None, pages: dict | None = None) -> dict:
    """What the browser sends: the payload sealed with the evaluation's public key."""
    with app.app_context():
        campaign, definition = _campaign(app, campaign_id)
        row = keys.key_of(campaign.evaluation_id, app.config["SECRET_KEY"])
        key = key or base64.urlsafe_b64encode(os.urandom(18)).decode()
        payload = {"format": 1, "key": key, "campaign": campaign.id,
                   "version": campaign.version.content_hash, "language": "fr",
                   "consent": "oral",
                   "pages": pages if pages is not None else typical_pages(campaign, definition)}
        payload.update(change or {})
        sealed = keys.seal(row.public_pem, json.dumps(payload).encode(), os.urandom(32),
                           os.urandom(12))
    return {"format": 1, "key": key, "wrapped": base64.b64encode(sealed.wrapped).decode(),
            "iv": base64.b64encode(sealed.iv).decode(),
            "data": base64.b64encode(sealed.data).decode()}


def _url(world: World, campaign: int | None = None, evaluation: int | None = None) -> str:
    return (f"/collect/e/{evaluation or world.a.evaluation}/c/{campaign or world.a.campaign}"
            "/responses")


def send(client: FlaskClient, url: str, body: object) -> object:
    """Post as the device does: a fresh CSRF token in X-CSRFToken."""
    token = client.get("/collect/token").get_json()["csrf"]
    return client.post(url, json=body, headers={"X-CSRFToken": token})


def _count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response))


# -- keys --------------------------------------------------------------------------------------

def test_the_private_key_is_kept_encrypted_with_the_instance_secret(app: Flask,
                                                                     world: World) -> None:
    with app.app_context():
        row = keys.key_of(world.a.evaluation, app.config["SECRET_KEY"])
        assert "ENCRYPTED PRIVATE KEY" in row.private_pem
        assert keys.key_of(world.a.evaluation, app.config["SECRET_KEY"]).public_pem == \
            row.public_pem  # made once
        sealed = keys.seal(row.public_pem, b"secret answers", os.urandom(32), os.urandom(12))
        assert keys.open_sealed(row, app.config["SECRET_KEY"], sealed) == b"secret answers"
        with pytest.raises(ValueError):  # another instance secret cannot open the private key
            keys.open_sealed(row, "another secret", sealed)
        other = keys.key_of(world.b.evaluation, app.config["SECRET_KEY"])
        with pytest.raises(keys.Unsealable):  # another evaluation's key cannot open it
            keys.open_sealed(other, app.config["SECRET_KEY"], sealed)
        assert derived_key("k", "a") != derived_key("k", "b")


# -- home ----------------------------------------------------------------------------------------

def test_a_navigator_lands_on_their_home_and_sees_counts_never_answers(app: Flask,
                                                                       world: World) -> None:
    client = _client(app, world)
    assert client.get("/design/").headers["Location"].endswith("/collect/")
    body = send(client, _url(world), sealed_body(app, world.a.campaign))
    assert body.status_code == 200, body.get_json()
    page = client.get("/collect/?lang=en").get_data(as_text=True)
    assert "Alpha" in page and "Bravo" not in page
    assert "You collected 1 today, 1 this week, 1 in all." in page
    assert f"/collect/a/{world.a.evaluation}/{world.a.campaign}" in page
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        answered = [str(v) for v in response.answers.values() if isinstance(v, str) and
                    len(v) > 3]
    assert answered and not any(value in page for value in answered)
    # the navigator reads no member page: results, exports, monitoring stay refused
    assert client.get(f"/design/e/{world.a.evaluation}").status_code == 403
    assert client.get(f"/results/e/{world.a.evaluation}").status_code in (403, 404)


def test_counts_today_this_week_and_in_all(app: Flask, world: World) -> None:
    client = _client(app, world)
    for _ in range(2):
        assert send(client, _url(world), sealed_body(app, world.a.campaign)).status_code == 200
    with app.app_context():
        older = db.session.scalars(select(Collection)).first()
        older.received_at = older.received_at - dt.timedelta(days=10)
        db.session.commit()
        user = db.session.get(User, world.users["navigator"])
        evaluation = db.session.get(Campaign, world.a.campaign).evaluation
        counts = services.counts_by_campaign(user, evaluation, dt.datetime.now(dt.UTC))
        assert counts[world.a.campaign] == services.Counts(today=1, week=1, total=2)
        researcher = db.session.get(User, world.users["researcher"])
        assert services.counts_by_campaign(researcher, evaluation,
                                           dt.datetime.now(dt.UTC)) == {}


def test_a_navigator_limited_to_sites_collects_there_only(app: Flask, world: World) -> None:
    with app.app_context():
        membership = db.session.scalar(select(Membership).filter_by(
            user_id=world.users["navigator"], evaluation_id=world.a.evaluation))
        campaign = db.session.get(Campaign, world.a.campaign)
        from survey.design import services as design

        elsewhere = design.save_site(campaign.evaluation, None, name="Elsewhere", kind="clinic",
                                     is_comparison=False)
        assess.set_sites(membership, {elsewhere.id},
                         db.session.get(User, world.users["researcher"]))
    client = _client(app, world)
    home = client.get("/collect/?lang=en").get_data(as_text=True)
    assert "Alpha" in home and "Start assisted mode" not in home
    assert client.get(f"/collect/a/{world.a.evaluation}/{world.a.campaign}").status_code == 403
    assert send(client, _url(world), sealed_body(app, world.a.campaign)).status_code == 403
    assert _count(app) == 0


# -- the assisted page ---------------------------------------------------------------------------

def test_the_assisted_page_holds_consent_and_every_page(app: Flask, world: World) -> None:
    client = _client(app, world)
    page = client.get(f"/collect/a/{world.a.evaluation}/{world.a.campaign}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    with app.app_context():
        _campaign_row, definition = _campaign(app, world.a.campaign)
        row = db.session.get(EvaluationKey, world.a.evaluation)
        assert row is not None and keys.public_key_spki(row) in html
    assert PAGE_RE.findall(html) == [s.code for s in definition.sections]
    assert 'id="oral"' in html and "data-live-relevance" in html
    assert "PRIVATE" not in html
    worker = client.get("/collect/a/sw.js")
    assert worker.status_code == 200 and "javascript" in worker.content_type
    token = client.get("/collect/token").get_json()
    assert token and token["csrf"]


def test_a_closed_campaign_says_so(app: Flask, world: World) -> None:
    with app.app_context():
        db.session.get(Campaign, world.a.campaign).status = "closed"
        db.session.commit()
    client = _client(app, world)
    page = client.get(f"/collect/a/{world.a.evaluation}/{world.a.campaign}?lang=en")
    assert page.status_code == 200
    assert "This campaign is closed" in page.get_data(as_text=True)
    answer = send(client, _url(world), sealed_body(app, world.a.campaign))
    assert answer.status_code == 409 and _count(app) == 0


# -- receiving -----------------------------------------------------------------------------------

def test_a_sealed_response_is_stored_once_with_mode_assisted(app: Flask, world: World) -> None:
    client = _client(app, world)
    body = sealed_body(app, world.a.campaign)
    first = send(client, _url(world), body)
    again = send(client, _url(world), body)
    assert first.status_code == again.status_code == 200
    assert first.get_json() == again.get_json() == {"stored": True, "key": body["key"]}
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert response.mode == MODE_ASSISTED and response.status == COMPLETED
        assert response.campaign_id == world.a.campaign and response.answers
        collection = db.session.get(Collection, response.id)
        assert collection.collected_by == world.users["navigator"]
        assert collection.consent == "oral"
        assert body["key"] not in collection.key_hash  # only its digest is kept


def test_answers_are_checked_as_a_posted_page(app: Flask, world: World) -> None:
    client = _client(app, world)
    with app.app_context():
        campaign, definition = _campaign(app, world.a.campaign)
        pages = typical_pages(campaign, definition)
        first = definition.sections[0]
        required = next(i for i in first.items if i.required)
        item = next(i for s in definition.sections for i in s.items if i.type == "integer")
        section = next(s for s in definition.sections if item in s.items)
    missing = {**pages, first.code: {k: v for k, v in pages[first.code].items()
                                     if not k.startswith(required.code)}}
    answer = send(client, _url(world), sealed_body(app, world.a.campaign, pages=missing))
    assert answer.status_code == 422
    assert answer.get_json()["error"] in ("answers", "required")
    wrong = {**pages, section.code: {**pages[section.code], item.code: ["lots"]}}
    answer = send(client, _url(world), sealed_body(app, world.a.campaign, pages=wrong))
    assert answer.status_code == 422 and answer.get_json()["items"] == [item.code]
    assert _count(app) == 0


@pytest.mark.parametrize("change", [
    {"consent": "written"}, {"consent": None}, {"campaign": 999}, {"key": "another-key-123456"},
    {"version": "0" * 64}, {"language": "de"}, {"format": 2}, {"pages": []},
    {"pages": {"team_context": {"role": [1]}}}, {"pages": {"x": "y"}},
])
def test_hostile_payloads_are_refused_and_nothing_stored(app: Flask, world: World,
                                                         change: dict) -> None:
    client = _client(app, world)
    answer = send(client, _url(world), sealed_body(app, world.a.campaign, change=change))
    assert answer.status_code == 422, answer.get_json()
    assert _count(app) == 0


def test_tampered_and_malformed_envelopes_are_refused(app: Flask, world: World) -> None:
    client = _client(app, world)
    body = sealed_body(app, world.a.campaign)
    data = bytearray(base64.b64decode(body["data"]))
    data[5] ^= 1
    tampered = {**body, "data": base64.b64encode(bytes(data)).decode()}
    assert send(client, _url(world), tampered).get_json()["error"] == "unsealable"
    # sealed for evaluation A, sent to evaluation B's campaign by its researcher
    outsider = _client(app, world, "outsider")
    refused = send(outsider, _url(world, world.b.campaign, world.b.evaluation), body)
    assert refused.status_code == 422
    for hostile in ([], "x", {"format": 1}, {**body, "key": "short"}, {**body, "iv": "@@"},
                    {**body, "wrapped": 5}, {**body, "data": "A" * 3_000_000}):
        answer = send(client, _url(world), hostile)
        assert answer.status_code in (400, 413), hostile if not isinstance(hostile, dict) else 0
    token = client.get("/collect/token").get_json()["csrf"]
    assert client.post(_url(world), data="not json", content_type="text/plain",
                       headers={"X-CSRFToken": token}).status_code == 400
    assert _count(app) == 0


def test_the_device_needs_the_session_and_a_csrf_token(app: Flask, world: World) -> None:
    body = sealed_body(app, world.a.campaign)
    anonymous = app.test_client()
    assert anonymous.post(_url(world), json=body).status_code in (302, 400, 401)
    client = _client(app, world)
    assert client.post(_url(world), json=body).status_code == 400  # no token
    token = client.get("/collect/token").get_json()["csrf"]
    answer = client.post(_url(world), json=body, headers={"X-CSRFToken": token})
    assert answer.status_code == 200 and _count(app) == 1


def _self_responses(app: Flask, world: World, count: int) -> None:
    """Responses the participants gave alone, in campaign A."""
    from survey.models.types import utcnow
    from survey.secrets import digest, new_secret

    with app.app_context():
        campaign, definition = _campaign(app, world.a.campaign)
        answers = intake.checked_answers(definition, typical_pages(campaign, definition),
                                         intake.rosters_of(campaign, definition, "fr"))
        for _ in range(count):
            db.session.add(Response(version_id=campaign.version_id, campaign_id=campaign.id,
                                    status=COMPLETED, language="fr", answers=answers,
                                    resume_hash=digest(new_secret()),
                                    start_hash=digest(new_secret()), completed_at=utcnow()))
        db.session.commit()


def test_exports_carry_the_mode_and_results_filter_by_it(app: Flask, world: World) -> None:
    import csv
    import io

    _self_responses(app, world, 2)
    navigator = _client(app, world)
    assert send(navigator, _url(world), sealed_body(app, world.a.campaign)).status_code == 200
    evaluator = _client(app, world, "evaluator")
    base = f"/results/e/{world.a.evaluation}"
    page = evaluator.get(f"{base}?q=professionals&mode=assisted&lang=en").get_data(as_text=True)
    assert 'value="assisted" selected' in page
    assert re.search(r"\b1 completed response\b", page), page[:2000]
    for mode, expected in (("assisted", 1), ("self", 2), ("", 3)):
        download = evaluator.get(f"{base}/download/csv?q=professionals&mode={mode}")
        rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True))))
        assert len(rows) == expected, mode
        assert {r["mode"] for r in rows} == ({mode} if mode else {"self", "assisted"})
    # a partner reads the filtered page with small groups suppressed, as for other filters
    partner = _client(app, world, "partner")
    shown = partner.get(f"{base}?q=professionals&mode=assisted&lang=en")
    assert shown.status_code == 200
    assert "Results" in shown.get_data(as_text=True)
    assert not re.search(r"\b1 completed response\b", shown.get_data(as_text=True))
    # a mode the app does not know is ignored, never an error
    assert evaluator.get(f"{base}?q=professionals&mode=<b>").status_code == 200


def test_an_assisted_response_carries_the_self_generated_panel_code(app: Flask,
                                                                    world: World) -> None:
    from survey.models import Evaluation
    from survey.models.workspace import PANEL_SELF
    from survey.panel.services import configure, hash_answers

    given = {"mother_initial": "m", "father_initial": "P", "birthplace_initial": "Québec",
             "birth_month": "4", "older_siblings": "2"}
    with app.app_context():
        evaluation = db.session.get(Evaluation, world.a.evaluation)
        configure(evaluation, PANEL_SELF)
        expected, missing = hash_answers(evaluation, given)
        assert expected and not missing
    client = _client(app, world)
    page = client.get(f"/collect/a/{world.a.evaluation}/{world.a.campaign}?lang=en")
    assert 'id="pc-birth_month"' in page.get_data(as_text=True)
    assert send(client, _url(world), sealed_body(app, world.a.campaign,
                                                 change={"panel": given})).status_code == 200
    skipped = send(client, _url(world), sealed_body(app, world.a.campaign,
                                                    change={"panel": None}))
    assert skipped.status_code == 200
    hostile = send(client, _url(world), sealed_body(app, world.a.campaign,
                                                    change={"panel": {"birth_month": 4}}))
    assert hostile.status_code == 422
    with app.app_context():
        codes = [r.panel_hash for r in db.session.scalars(select(Response).order_by(Response.id))]
    assert codes == [expected, None]  # the answers themselves are nowhere
