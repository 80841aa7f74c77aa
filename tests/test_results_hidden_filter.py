"""Hidden values as results filters (issue 24): ``hidden=item:value`` narrows what an evaluator
sees and downloads, in SQL; partners are offered only values held by ``MIN_GROUP_SIZE``
responses or more and get the suppressed page for a rarer one; a malformed or unknown filter
is a 400 page saying why. And the per-question summaries come from the results job's snapshot:
a view after new answers reads the last ones, it does not read the responses again."""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections import Counter
from html import unescape
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from survey.exports import Selection
from survey.extensions import db
from survey.jobs import runner
from survey.models import Job, Response
from survey.models.job import QUEUED
from survey.models.response import COMPLETED
from survey.models.types import utcnow
from survey.questionnaire import load_file
from survey.secrets import digest, new_secret
from survey.versions import store_definition

from .conftest import make_app
from .test_question_summaries import SOURCE, responses
from .workspace import World, build_world, sign_in

# responses() gives site_code: north 9, south 7, east 3, "west-<b>rare</b>" 1 (20 responses)
EXPECTED = {"north": 9, "south": 7, "east": 3, "west-<b>rare</b>": 1}


@pytest.fixture
def world(app: Flask) -> World:
    """Evaluation A with a campaign of the questionnaire whose link gives ``site_code``."""
    with app.app_context():  # no snapshot left by an earlier test of the same instance folder
        shutil.rmtree(runner.jobs_folder() / "results", ignore_errors=True)
    made = build_world(app, passwords=False)
    store(app, made, responses())
    return made


def store(app: Flask, world: World, answers: list[dict[str, Any]]) -> None:
    from survey.design import services as design
    from survey.models import Campaign, Evaluation, User

    with app.app_context():
        version = store_definition(load_file(SOURCE), SOURCE.name).version
        campaign = db.session.scalar(select(Campaign).where(
            Campaign.evaluation_id == world.a.evaluation, Campaign.version_id == version.id))
        if campaign is None:
            campaign = design.create_campaign(
                db.session.get(Evaluation, world.a.evaluation),
                db.session.get(User, world.users["researcher"]), version=version)
        for one in answers:
            db.session.add(Response(version_id=version.id, campaign_id=campaign.id,
                                    status=COMPLETED, language="en", answers=one,
                                    resume_hash=digest(new_secret()),
                                    start_hash=digest(new_secret()), completed_at=utcnow()))
        db.session.commit()


def client_of(app: Flask, world: World, role: str, lang: str = "en"):  # noqa: ANN201
    client = app.test_client()
    sign_in(client, app, world.users[role])
    with client.session_transaction() as session:
        session["lang"] = lang
    return client


def url(world: World, query: str = "") -> str:
    return f"/results/e/{world.a.evaluation}?q=question_summaries{query}"


def section(html: str, ident: str) -> str:
    return html.split(f'id="{ident}"')[1].split("</section>")[0] if ident in html else ""


def offered(html: str) -> list[str]:
    """The hidden values the filter form offers (option values, unescaped)."""
    select_ = html.split('name="hidden"')[1].split("</select>")[0]
    return [unescape(v) for v in re.findall(r'<option value="([^"]+)"', select_)]


def site_codes(questions: str) -> dict[str, int]:
    """The site_code question's table of counts on the page."""
    table = questions.split("<h3>site_code</h3>")[1].split("</table>")[0]
    return {unescape(label): int(n) for label, n in
            re.findall(r"<tr><td>([^<]*)</td><td>(\d+)</td>", table)}


def test_a_hidden_value_filters_what_the_evaluator_sees_and_downloads(
        app: Flask, world: World) -> None:
    client = client_of(app, world, "evaluator")
    everything = client.get(url(world)).get_data(as_text=True)
    assert "20 completed responses" in everything
    assert offered(everything) == ["site_code:north", "site_code:south", "site_code:east",
                                   "site_code:west-<b>rare</b>"]  # most frequent first
    assert "west-&lt;b&gt;rare&lt;/b&gt; (1)" in everything  # escaped, with its count
    assert site_codes(section(everything, "section-questions")) == EXPECTED

    north = client.get(url(world, "&hidden=site_code:north"))
    html = north.get_data(as_text=True)
    assert north.status_code == 200 and "9 completed responses" in html
    assert 'value="site_code:north" selected' in html
    assert site_codes(section(html, "section-questions")) == {"north": 9}
    # the downloads offered from this page hold the same 9 responses
    links = re.findall(r'href="(/results/e/\d+/download/csv\?[^"]+)"', html)
    assert len(links) == 1 and "hidden=site_code:north" in links[0]
    download = client.get(unescape(links[0]))
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True))))
    assert download.status_code == 200 and len(rows) == 9
    assert {r["site_code"] for r in rows} == {"north"}
    # a download large enough to be a background job follows the filter too
    app.config["EXPORT_JOB_CELLS"] = 1
    started = client.get(unescape(links[0]))
    assert started.status_code == 303
    with app.app_context():
        job = db.session.scalars(select(Job).where(Job.kind == "export")
                                 .order_by(Job.id.desc())).first()
        assert job.params["hidden"] == ["site_code", "north"] and job.total == 9
    # a value no response holds: an empty page, not an error
    none = client.get(url(world, "&hidden=site_code:nowhere")).get_data(as_text=True)
    assert "No completed response matches these filters" in none
    assert 'value="site_code:nowhere" selected' in none


def test_the_filter_is_applied_in_sql(app: Flask, world: World) -> None:
    """The selection's conditions select the responses: no row of another value is read."""
    from survey.exports.source import export_query

    with app.app_context():
        versions = [v for v in db.session.scalars(select(Response.version_id).distinct())]
        query = export_query(Selection("question_summaries", hidden=(("site_code", "south"),)),
                             versions)
        assert len(db.session.execute(query).all()) == 7  # the database's rows: 7 of 20


def test_partners_are_offered_only_values_of_enough_responses(
        app: Flask, world: World) -> None:
    partner = client_of(app, world, "partner")
    html = partner.get(url(world)).get_data(as_text=True)
    assert offered(html) == ["site_code:north", "site_code:south"]
    assert "east" not in html.split('name="hidden"')[1].split("</select>")[0]
    html = partner.get(url(world, "&hidden=site_code:south")).get_data(as_text=True)
    assert "7 completed responses" in html
    with app.app_context():
        jobs = db.session.scalar(select(func.count(Job.id)).where(Job.kind == "results"))
    for value in ("east", "west-<b>rare</b>", "nowhere"):  # asked for by URL: suppressed
        page = partner.get(url(world, f"&hidden=site_code:{value}"))
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "Fewer than 5 completed responses hold this hidden value" in html
        assert "section-questions" not in html and "completed responses." not in html
        assert "west-" not in html and 'class="chart"' not in html
    with app.app_context():  # nothing computed for them either
        assert db.session.scalar(select(func.count(Job.id)).where(Job.kind == "results")) \
            == jobs
    # the evaluator reads the rare one (every number)
    evaluator = client_of(app, world, "evaluator").get(url(world, "&hidden=site_code:east"))
    assert "3 completed responses" in evaluator.get_data(as_text=True)


@pytest.mark.parametrize(("query", "words"), [
    ("&hidden=nope:x", "has no hidden value named “nope”"),
    ("&hidden=service:clinic", "has no hidden value named “service”"),  # not a hidden item
    ("&hidden=%3Cscript%3E:x", "named “&lt;script&gt;”"),  # escaped
    ("&hidden=site_code", "is written item:value"),
    ("&hidden=:north", "is written item:value"),
    ("&hidden=site_code:", "is empty, longer than 200 characters"),
    ("&hidden=site_code:" + "x" * 201, "is empty, longer than 200 characters"),
    ("&hidden=site_code:a%00b", "holds control characters"),
])
def test_a_bad_hidden_filter_is_a_400_saying_why(app: Flask, world: World, query: str,
                                                 words: str) -> None:
    client = client_of(app, world, "evaluator")
    for address in (url(world, query),
                    f"/results/e/{world.a.evaluation}/download/csv?q=question_summaries{query}"):
        page = client.get(address)
        html = page.get_data(as_text=True)
        assert page.status_code == 400, address
        assert "This filter cannot be applied" in html and words in html
        assert "<script>" not in html.split("<main")[-1]
    french = client_of(app, world, "partner", "fr").get(url(world, "&hidden=nope:x"))
    assert french.status_code == 400
    assert "Ce filtre ne peut pas être appliqué" in french.get_data(as_text=True)


def test_a_view_after_new_answers_reads_the_summaries_of_the_snapshot(
        app: Flask, world: World, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from survey.results import questions

    client = client_of(app, world, "evaluator")
    html = client.get(url(world)).get_data(as_text=True)  # the job ran (immediate queue)
    assert site_codes(section(html, "section-questions")) == EXPECTED
    store(app, world, responses(5, seed=3))  # new answers: 5 more (north)
    added = Counter(a["site_code"] for a in responses(5, seed=3))

    def forbidden(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the request read the responses to summarise them")

    make_app(database_url, JOBS_IMMEDIATE=False)  # a queue whose worker is not running yet
    try:
        monkeypatch.setattr(questions, "tally", forbidden)
        monkeypatch.setattr(questions, "summaries", forbidden)
        page = client.get(url(world))
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "Updating: newer answers" in html
        assert "20 completed responses" in html  # the last figures, with their time
        assert site_codes(section(html, "section-questions")) == EXPECTED  # and summaries
        monkeypatch.undo()
        with app.app_context():
            job = db.session.scalars(select(Job).where(Job.kind == "results",
                                                       Job.state == QUEUED)).one()
            runner.execute(job.id)  # the worker's turn: it summarises the questions
    finally:
        make_app("sqlite://")  # the process's queue back to immediate
    html = client.get(url(world)).get_data(as_text=True)
    assert "25 completed responses" in html and "Updating" not in html
    assert site_codes(section(html, "section-questions")) == dict(Counter(EXPECTED) + added)
