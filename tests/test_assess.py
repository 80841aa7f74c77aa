"""Self-assessments (issue 25): conformity per site and wave with the action plan, its CSV
downloads, and memberships limited to sites (a partner sees their own sites' results only,
whatever the URL says). On SQLite and PostgreSQL (``database_url``)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from survey.assess import services as assess
from survey.auth import accounts
from survey.design import services as design
from survey.exports import Selection
from survey.extensions import db
from survey.jobs.kinds import NEW_ANSWERS, RESULTS
from survey.models import (
    AuditEvent,
    Campaign,
    Evaluation,
    Job,
    Membership,
    MembershipSite,
    Response,
)
from survey.models.job import DONE
from survey.models.response import COMPLETED
from survey.models.types import utcnow
from survey.questionnaire import load_file
from survey.results.snapshots import Spec
from survey.secrets import new_secret
from survey.versions import store_definition

from .workspace import csrf, make_user, sign_in

SOURCE = Path(__file__).parent / "data" / "conformity_type.yaml"
CRITERIA = ("g_board", "g_assembly", "g_report", "a_delay", "a_interpret", "a_fees",
            "q_meeting", "q_records")


@dataclass
class Coops:
    evaluation: int
    north: int
    south: int
    researcher: int
    partner: int  # limited to the north cooperative
    free_partner: int  # every site
    membership: int  # the limited partner's


def answers(levels: str, notes: dict[str, str] | None = None) -> dict:
    """Levels of the 8 criteria in order: M met, P partly, N not met, A not applicable,
    - unanswered, D don't know."""
    words = {"M": "met", "P": "partly", "N": "not_met", "A": "na", "-": None, "D": "dont_know"}
    found: dict = {}
    for code, letter in zip(CRITERIA, levels, strict=True):
        found[code] = words[letter]
        found[f"{code}_note"] = (notes or {}).get(code)
    return found


@pytest.fixture
def coops(app: Flask) -> Coops:
    return make_coops(app)


def make_coops(app: Flask, password: str | None = None, source: Path = SOURCE) -> Coops:
    """Two cooperatives assessed at T0 and T1 (north) and at T0 (south); a partner limited to
    the north one, another free. ``password``: the accounts', to sign in through the form."""
    with app.app_context():
        version = store_definition(load_file(source), source.name).version
        researcher = make_user("r@example.org", password=password)
        partner = make_user("p@example.org", password=password)
        free = make_user("f@example.org", password=password)
        evaluation = design.create_evaluation(researcher, name="Fédération",
                                              responsible_name="R", contact_email="r@x.org")
        north = design.save_site(evaluation, None, name="Coop Nord", kind="cooperative",
                                 is_comparison=False)
        south = design.save_site(evaluation, None, name="Coop Sud", kind="cooperative",
                                 is_comparison=False)
        t0 = design.save_wave(evaluation, None, code="T0", label="2026")
        t1 = design.save_wave(evaluation, None, code="T1", label="2027")
        for site, wave, levels, notes in (
                (north, t0, "MPNAMNMN", {"g_report": "<b>Publish</b> the report",
                                         "a_fees": "=cmd|' /C calc'!A0"}),
                (north, t1, "MMPAMMMP", {"g_report": "<script>x()</script> draft"}),
                (south, t0, "NNNNMMMD", {})):
            campaign = design.create_campaign(evaluation, researcher, version=version,
                                              site=site, wave=wave)
            db.session.add(Response(version_id=version.id, campaign_id=campaign.id,
                                    status=COMPLETED, language="fr",
                                    answers=answers(levels, notes), resume_hash=new_secret(32),
                                    start_hash=new_secret(32), completed_at=utcnow()))
        db.session.commit()
        accounts.set_role(partner, evaluation, "partner")
        accounts.set_role(free, evaluation, "partner")
        membership = db.session.scalar(select(Membership).filter_by(
            user_id=partner.id, evaluation_id=evaluation.id))
        assess.set_sites(membership, {north.id}, researcher)
        return Coops(evaluation.id, north.id, south.id, researcher.id, partner.id, free.id,
                     membership.id)


# -- the computation, against values worked out by hand ---------------------------------------

def test_conformity_per_site_wave_and_dimension(app: Flask, coops: Coops) -> None:
    with app.app_context():
        found = assess.assessment(db.session.get(Evaluation, coops.evaluation),
                                  "coop_assessment", "en", None)
    assert found.dimensions == ["governance", "access", "quality"]
    rows = {(r.site, r.wave): r for r in found.rows}
    assert list(rows) == [("Coop Nord", "T0"), ("Coop Nord", "T1"), ("Coop Sud", "T0")]
    # north T0, MPNAMNMN: met 3, partly 1, not met 3, na 1 -> (3 + .5) / 7 = 50 %
    n0 = rows[("Coop Nord", "T0")]
    assert (n0.overall.met, n0.overall.partly, n0.overall.not_met, n0.overall.na) == (3, 1, 3, 1)
    assert n0.overall.percent == 50.0
    # governance M P N: 1.5 / 3 = 50 %; access A M N: 1 / 2 = 50 %; quality M N: 50 %
    assert [n0.dimensions[d].percent for d in found.dimensions] == [50.0, 50.0, 50.0]
    assert n0.progress is None  # no earlier wave
    # north T1, MMPAMMMP: met 5, partly 2, na 1 -> 6 / 7 = 85.7 %; +35.7 points
    n1 = rows[("Coop Nord", "T1")]
    assert n1.overall.percent == 85.7 and n1.progress == 35.7
    assert [n1.dimensions[d].percent for d in found.dimensions] == [83.3, 100.0, 75.0]
    # south T0, NNNNMMMD: 3 met of 7 applicable (don't know left out) -> 42.9 %
    s0 = rows[("Coop Sud", "T0")]
    assert s0.overall.percent == 42.9 and s0.overall.unanswered == 1
    # the action plan: not met and partly met criteria, with their notes
    assert [(a.criterion.reference, a.level, a.note) for a in n0.actions] == [
        ("R2", "partly", ""), ("R3", "not_met", "<b>Publish</b> the report"),
        ("R6", "not_met", "=cmd|' /C calc'!A0"), ("R8", "not_met", "")]


def test_the_csv_downloads_hold_the_scores_and_a_neutralised_action_plan(
        app: Flask, coops: Coops) -> None:
    client = app.test_client()
    sign_in(client, app, coops.researcher)
    base = f"/assess/e/{coops.evaluation}"
    scores = client.get(f"{base}/scores.csv?q=coop_assessment")
    assert scores.status_code == 200 and scores.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(scores.get_data(as_text=True).lstrip("\ufeff"))))
    overall = [(r["site"], r["wave"], r["conformity_percent"], r["progress_points"])
               for r in rows if r["dimension"] == ""]
    assert overall == [("Coop Nord", "T0", "50.0", ""), ("Coop Nord", "T1", "85.7", "35.7"),
                       ("Coop Sud", "T0", "42.9", "")]
    actions = client.get(f"{base}/actions.csv?q=coop_assessment").get_data(as_text=True)
    assert "'=cmd|' /C calc'!A0" in actions  # a formula is text in a spreadsheet
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).filter_by(
            action="assessment-downloaded")) is not None


def test_the_page_shows_the_chart_table_and_escaped_notes(app: Flask, coops: Coops) -> None:
    client = app.test_client()
    sign_in(client, app, coops.researcher)
    page = client.get(f"/assess/e/{coops.evaluation}?lang=en").get_data(as_text=True)
    assert 'class="chart" data-figure=' in page and "Its data is in the table below." in page
    assert "<td>85.7</td><td>+35.7</td>" in page
    # the action plan: each site's latest wave, notes escaped
    assert "&lt;script&gt;x()&lt;/script&gt; draft" in page and "<script>x()" not in page
    assert "partly met criterion counting as half" in page
    french = client.get(f"/assess/e/{coops.evaluation}?lang=fr").get_data(as_text=True)
    assert "<td>85,7</td><td>+35,7</td>" in french and "Plan d’action" in french


# -- memberships limited to sites -----------------------------------------------------------

def test_a_limited_partner_sees_their_site_only(app: Flask, coops: Coops) -> None:
    client = app.test_client()
    sign_in(client, app, coops.partner)
    base = f"/assess/e/{coops.evaluation}"
    page = client.get(base).get_data(as_text=True)
    assert "Coop Nord" in page and "Coop Sud" not in page
    # another site by URL tampering: refused, on the page and in the downloads
    assert client.get(f"{base}?site={coops.south}").status_code == 403
    assert client.get(f"{base}/scores.csv?site={coops.south}").status_code == 403
    assert client.get(f"{base}/actions.csv?site={coops.south}").status_code == 403
    assert client.get(f"{base}?site=abc").status_code == 404
    text = client.get(f"{base}/scores.csv").get_data(as_text=True)
    assert "Coop Nord" in text and "Coop Sud" not in text
    assert client.get(f"{base}?site={coops.north}").status_code == 200
    # the general results page too: sent to their site, another site refused
    results = f"/results/e/{coops.evaluation}"
    sent = client.get(results)
    assert sent.status_code == 302 and f"site={coops.north}" in sent.headers["Location"]
    assert client.get(f"{results}?site={coops.south}").status_code == 403
    shown = client.get(f"{results}?site={coops.north}").get_data(as_text=True)
    assert "Coop Sud" not in shown


def test_an_unrestricted_partner_sees_every_site(app: Flask, coops: Coops) -> None:
    client = app.test_client()
    sign_in(client, app, coops.free_partner)
    page = client.get(f"/assess/e/{coops.evaluation}").get_data(as_text=True)
    assert "Coop Nord" in page and "Coop Sud" in page
    assert client.get(f"/results/e/{coops.evaluation}").status_code == 200


def test_the_researcher_limits_a_partner_on_the_members_page(app: Flask, coops: Coops
                                                             ) -> None:
    client = app.test_client()
    sign_in(client, app, coops.researcher)
    members = client.get(f"/design/e/{coops.evaluation}/members?lang=en")
    html = members.get_data(as_text=True)
    assert "Coop Nord" in html and "Every site" in html  # limited and free partners
    url = f"/assess/e/{coops.evaluation}/members/{coops.membership}/sites"
    form = client.get(url)
    assert form.status_code == 200
    token = csrf(form)
    assert client.post(url, data={"site": [str(coops.south)]}).status_code == 400  # no CSRF
    assert client.post(url, data={"csrf_token": token, "site": ["999999"]}).status_code == 400
    assert client.post(url, data={"csrf_token": token, "site": ["x"]}).status_code == 400
    done = client.post(url, data={"csrf_token": token, "site": [str(coops.south)]})
    assert done.status_code == 302
    with app.app_context():
        assert set(db.session.scalars(select(MembershipSite.site_id).filter_by(
            membership_id=coops.membership))) == {coops.south}
        event = db.session.scalar(select(AuditEvent).filter_by(
            action="membership-sites-changed").order_by(AuditEvent.id.desc()))
        assert event.details == {"before": [coops.north], "sites": [coops.south]}
    partner = app.test_client()
    sign_in(partner, app, coops.partner)
    assert partner.get(f"/assess/e/{coops.evaluation}?site={coops.north}").status_code == 403
    # nothing ticked: every site again
    client.post(url, data={"csrf_token": token})
    page = partner.get(f"/assess/e/{coops.evaluation}").get_data(as_text=True)
    assert "Coop Nord" in page and "Coop Sud" in page


def test_a_membership_removed_takes_its_sites_with_it(app: Flask, coops: Coops) -> None:
    with app.app_context():
        evaluation = db.session.get(Evaluation, coops.evaluation)
        partner = db.session.get(accounts.User, coops.partner)
        accounts.set_role(partner, evaluation, None)
        assert db.session.scalars(select(MembershipSite)).all() == []


def test_a_limited_partner_monitors_their_sites_campaigns_only(app: Flask, coops: Coops
                                                               ) -> None:
    with app.app_context():
        evaluation = db.session.get(Evaluation, coops.evaluation)
        south = next(c.id for c in evaluation.campaigns if c.site_id == coops.south)
        north = next(c.id for c in evaluation.campaigns if c.site_id == coops.north)
    base = f"/design/e/{coops.evaluation}"
    client = app.test_client()
    sign_in(client, app, coops.partner)
    assert client.get(f"{base}/campaigns/{south}/monitoring").status_code == 403
    assert client.get(f"{base}/campaigns/{north}/monitoring").status_code == 200
    assert client.get(f"{base}/monitoring").status_code == 200  # their campaigns only
    free = app.test_client()
    sign_in(free, app, coops.free_partner)
    assert free.get(f"{base}/campaigns/{south}/monitoring").status_code == 200


def test_a_limited_partner_sees_their_sites_campaign_counts_only(app: Flask, coops: Coops
                                                                 ) -> None:
    with app.app_context():
        evaluation = db.session.get(Evaluation, coops.evaluation)
        south = next(c.id for c in evaluation.campaigns if c.site_id == coops.south)
    base = f"/design/e/{coops.evaluation}"
    client = app.test_client()
    sign_in(client, app, coops.partner)
    assert client.get(f"{base}/campaigns/{south}").status_code == 403
    page = client.get(base).get_data(as_text=True)
    assert f"/campaigns/{south}\"" not in page  # another site's campaign: not listed at all
    north = next(c for c in page.split("<tr>") if "Coop Nord" in c and "/campaigns/" in c)
    assert "<td>–</td>" not in north and " / " in north  # their own campaign's counts
    researcher = app.test_client()
    sign_in(researcher, app, coops.researcher)
    assert researcher.get(f"{base}/campaigns/{south}").status_code == 200
    page = researcher.get(base).get_data(as_text=True)
    south_row = page[page.index(f"/campaigns/{south}\""):].split("</tr>")[0]
    assert "<td>–</td>" not in south_row and " / " in south_row


def _campaign_of(app: Flask, coops: Coops, site: int) -> int:
    with app.app_context():
        evaluation = db.session.get(Evaluation, coops.evaluation)
        return next(c.id for c in evaluation.campaigns if c.site_id == site)


def test_a_limited_partner_sees_nothing_of_other_sites(app: Flask, coops: Coops) -> None:
    """The evaluation page names neither the other site nor its campaign; that campaign's
    page, QR codes and poster are refused, whatever the URL says; theirs open."""
    south, north = _campaign_of(app, coops, coops.south), _campaign_of(app, coops, coops.north)
    with app.app_context():
        south_name = db.session.get(Campaign, south).name
    base = f"/design/e/{coops.evaluation}"
    client = app.test_client()
    sign_in(client, app, coops.partner)
    page = client.get(base).get_data(as_text=True)
    assert "Coop Nord" in page and f"/campaigns/{north}\"" in page
    assert "Coop Sud" not in page and f"/campaigns/{south}\"" not in page
    assert south_name not in page
    for url in ("", "/qr.png", "/qr.svg", "/poster", "/monitoring"):
        assert client.get(f"{base}/campaigns/{south}{url}").status_code == 403, url
        assert client.get(f"{base}/campaigns/{north}{url}").status_code == 200, url
    for url in (f"{base}/monitoring", f"{base}/questionnaires",
                f"/assess/e/{coops.evaluation}"):
        assert "Coop Sud" not in client.get(url).get_data(as_text=True), url
    free = app.test_client()  # a partner of every site, and the researcher, see them all
    sign_in(free, app, coops.free_partner)
    assert "Coop Sud" in free.get(base).get_data(as_text=True)
    assert free.get(f"{base}/campaigns/{south}/poster").status_code == 200
    researcher = app.test_client()
    sign_in(researcher, app, coops.researcher)
    assert researcher.get(f"{base}/campaigns/{south}/qr.svg").status_code == 200


def test_a_limited_partner_follows_only_their_sites_results_jobs(app: Flask, coops: Coops
                                                                 ) -> None:
    """``results.computing``: a job computing another site's (or every site's) figures is
    refused to a partner limited to sites; their site's job and the new-answers job their
    page follows are not; a partner of every site follows any."""
    with app.app_context():
        def job(kind: str, params: dict) -> int:
            row = Job(kind=kind, params=params, evaluation_id=coops.evaluation, key="",
                      state=DONE, attempts=1, done=3, total=3, result={}, result_file="",
                      error="")
            db.session.add(row)
            db.session.commit()
            return row.id

        def results(*sites: int) -> int:
            return job(RESULTS, Spec(Selection("coop_assessment", evaluation_id=coops.evaluation,
                                               site_ids=sites), 5).to_json())

        south, north, both, every = (results(coops.south), results(coops.north),
                                     results(coops.north, coops.south), results())
        answers_job = job(NEW_ANSWERS, {"evaluation": coops.evaluation,
                                        "questionnaire": "coop_assessment"})
    base = f"/results/e/{coops.evaluation}/computing"
    client = app.test_client()
    sign_in(client, app, coops.partner)
    for refused in (south, both, every):
        assert client.get(f"{base}/{refused}").status_code == 403
    assert client.get(f"{base}/{north}").get_json()["finished"] is True
    assert client.get(f"{base}/{answers_job}").status_code == 200
    assert client.get(f"{base}/999999").status_code == 404
    free = app.test_client()
    sign_in(free, app, coops.free_partner)
    assert all(free.get(f"{base}/{j}").status_code == 200 for j in (south, both, every))
    # nor can they start the computation of another site's figures
    token = csrf(client.get(f"/results/e/{coops.evaluation}?site={coops.north}"))
    retried = client.post(f"/results/e/{coops.evaluation}/retry?site={coops.south}",
                          data={"csrf_token": token})
    assert retried.status_code == 403


def test_dimensions_in_the_readers_language(app: Flask, tmp_path: Path) -> None:
    """A dimension given per language is named in the reader's language on the results page,
    in the action plan and in both CSV files (a plain one stays as written)."""
    source = tmp_path / "conformity_languages.yaml"
    source.write_text(SOURCE.read_text(encoding="utf-8").replace(
        "dimension: governance,", "dimension: {fr: Gouvernance, en: Board and members},"),
        encoding="utf-8")
    coops = make_coops(app, source=source)
    client = app.test_client()
    sign_in(client, app, coops.researcher)
    base = f"/assess/e/{coops.evaluation}"
    for lang, name, other in (("fr", "Gouvernance", "Board and members"),
                              ("en", "Board and members", "Gouvernance")):
        page = client.get(f"{base}?q=coop_assessment&lang={lang}").get_data(as_text=True)
        table = page[page.index("<table"):]
        assert f"<th scope=\"col\">{name} (%)</th>" in table, lang  # the results table
        plan = page[page.rindex("<table"):]
        assert f"<td>{name}</td>" in plan and "<td>access</td>" in plan, lang  # action plan
        assert other not in page, lang
        scores = client.get(f"{base}/scores.csv?q=coop_assessment&lang={lang}").get_data(
            as_text=True)
        dimensions = {r["dimension"] for r in csv.DictReader(io.StringIO(scores.lstrip(
            "\ufeff")))}
        assert dimensions == {"", name, "access", "quality"}, lang
        actions = client.get(f"{base}/actions.csv?q=coop_assessment&lang={lang}").get_data(
            as_text=True)
        assert f",{name}," in actions and other not in actions, lang
    with app.app_context():  # the codebook holds both names, and analysis reads it
        from analysis.codebook import parse_codebook
        from survey.exports import Export

        codebook = Export.of(Selection("coop_assessment")).schema.codebook()
        entries = {e["code"]: e for e in codebook["items"]}
        assert entries["g_board"]["dimension"] == {"fr": "Gouvernance",
                                                   "en": "Board and members"}
        assert parse_codebook(codebook).item("g_board").type == "single"
