"""Results pages: indicators and charts of an evaluation for its members, suppressed for
partners, downloads for researchers and evaluators only, each in the audit log."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape

import pytest
from flask import Flask
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent, Campaign, Response
from survey.models.response import COMPLETED
from survey.models.types import utcnow
from survey.secrets import digest, new_secret

from .conftest import _prepare, fresh_postgres, make_app
from .workspace import World, build_world, sign_in

SCALE = ("sl_shared", "sl_situation", "sl_together", "sl_encourage", "sl_partners", "sl_one_r",
         "sl_hesitate_r")


def fill(app: Flask, world: World, n: int) -> None:
    with app.app_context():
        campaign = db.session.get(Campaign, world.a.campaign)
        for k in range(n):
            answers = {code: 1 + (k + i) % 5 for i, code in enumerate(SCALE)}
            answers["comment"] = "=HYPERLINK(\"x\")"
            db.session.add(Response(
                version_id=campaign.version_id, campaign_id=campaign.id, status=COMPLETED,
                language="fr", answers=answers, resume_hash=digest(new_secret()),
                start_hash=digest(new_secret()), completed_at=utcnow()))
        db.session.commit()


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app, passwords=False)


def page(app: Flask, world: World, who: str, query: str = "", lang: str = "fr") -> str:
    client = app.test_client()
    sign_in(client, app, world.users[who])
    with client.session_transaction() as session:
        session["lang"] = lang
    response = client.get(f"/results/e/{world.a.evaluation}{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_evaluator_reads_indicators_charts_and_their_data(app: Flask, world: World) -> None:
    fill(app, world, 12)
    html = page(app, world, "evaluator")
    assert "12" in html and "<table" in html
    figures = re.findall(r'data-figure="([^"]*)"', html)
    assert figures, "no chart"
    figure = json.loads(unescape(figures[0]))
    assert "data" in figure and "layout" in figure
    assert "<script>" not in html  # the figures are data, drawn by static scripts
    assert "/results/plotly.min.js" in html and "results.js" in html
    assert html.count("<details>") == len(figures)  # every chart has its data table
    assert "/download/sav" in html


def test_partner_sees_suppressed_aggregates_and_no_download(app: Flask, world: World) -> None:
    fill(app, world, 3)  # under the threshold of 5
    html = page(app, world, "partner")
    assert "Fewer than 5" in html or "Moins de 5" in html
    assert "/download/" not in html
    assert "HYPERLINK" not in html  # no free text, no row-level data
    client = app.test_client()
    sign_in(client, app, world.users["partner"])
    assert client.get(f"/results/e/{world.a.evaluation}/download/csv").status_code == 403


def test_downloads_are_streamed_and_logged(app: Flask, world: World) -> None:
    fill(app, world, 6)
    client = app.test_client()
    sign_in(client, app, world.users["evaluator"])
    response = client.get(f"/results/e/{world.a.evaluation}/download/csv")
    assert response.status_code == 200 and response.is_streamed
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 6 and rows[0]["evaluation"] == "Alpha" and rows[0]["wave"] == "T0"
    assert rows[0]["comment"].startswith("'=")
    for fmt in ("xlsx", "sav", "codebook", "indicators", "report", "long", "csv-fr"):
        got = client.get(f"/results/e/{world.a.evaluation}/download/{fmt}")
        assert got.status_code == 200, fmt
        assert got.data
    assert client.get(f"/results/e/{world.a.evaluation}/download/exe").status_code == 404
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).filter_by(
            action="export-downloaded")).all()
        assert len(events) == 8
        assert events[0].evaluation_id == world.a.evaluation
        assert events[0].details["format"] == "csv"


def test_filters_and_the_indicator_cache(app: Flask, world: World) -> None:
    from survey.results import services

    fill(app, world, 6)
    services._cache.clear()
    page(app, world, "researcher", f"?wave={world.a.wave}&site={world.a.site}")
    page(app, world, "researcher", f"?wave={world.a.wave}&site={world.a.site}")
    assert len(services._cache) == 1  # the second page came from the cache
    fill(app, world, 1)  # a new response is a new data revision
    html = page(app, world, "researcher", f"?wave={world.a.wave}&site={world.a.site}")
    assert len(services._cache) == 2 and "7" in html
    page(app, world, "researcher", f"?site={world.b.site}")  # not of this evaluation: ignored


def test_plotly_is_served_by_the_app(app: Flask) -> None:
    response = app.test_client().get("/results/plotly.min.js")
    assert response.status_code == 200 and b"plotly" in response.data[:2000].lower()
    assert "max-age=86400" in response.headers["Cache-Control"]


# -- an evaluation with two sites (one a comparison site) and two waves, on the patients'
# questionnaire, which has scales and equity descriptors -------------------------------------


def two_sites_two_waves(app: Flask, world: World, per_campaign: int = 6) -> dict[str, str]:
    """Patients' responses at Alpha clinic and a comparison site, in waves T0 and T1; half the
    respondents say they are women. Returns the equity descriptor's item code."""
    from survey.design import services as design
    from survey.models import Evaluation, Site, User, Wave
    from survey.versions import latest_version

    with app.app_context():
        evaluation = db.session.get(Evaluation, world.a.evaluation)
        researcher = db.session.get(User, world.users["researcher"])
        sites = [db.session.get(Site, world.a.site),
                 design.save_site(evaluation, None, name="Comparison clinic", kind="clinic",
                                  is_comparison=True)]
        waves = [db.session.get(Wave, world.a.wave),
                 design.save_wave(evaluation, None, code="T1", label="Follow-up")]
        version = latest_version("patients")
        definition = version.definition
        items = [code for scale in definition.scales for code in scale.items]
        equity = next(i.code for i in definition.items() if i.equity and i.code == "gender")
        for s, site in enumerate(sites):
            for w, wave in enumerate(waves):
                campaign = design.create_campaign(evaluation, researcher, version=version,
                                                  site=site, wave=wave)
                for k in range(per_campaign + s):  # the comparison site has one more
                    answers = {code: 1 + (k + i + w * (1 - s)) % 5
                               for i, code in enumerate(items)}
                    answers[equity] = "woman" if k % 2 else "man"
                    answers["improve"] = "=HYPERLINK(\"x\")"  # free text (textarea)
                    db.session.add(Response(
                        version_id=version.id, campaign_id=campaign.id, status=COMPLETED,
                        language="fr", answers=answers, resume_hash=digest(new_secret()),
                        start_hash=digest(new_secret()), completed_at=utcnow()))
        db.session.commit()
    return {"equity": equity}


# -- worlds built once for this module: their tests only read (each has a database of its own,
# so the function-scoped databases of the other tests never see them) ------------------------


@contextmanager
def module_database(request: pytest.FixtureRequest, name: str) -> Iterator[str]:
    """A database of its own for one module-scoped world, on SQLite or PostgreSQL."""
    if request.param == "sqlite":
        path = request.getfixturevalue("tmp_path_factory").mktemp(name) / "survey.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    suffix = f"{request.getfixturevalue('worker_id')}_{name}"
    with fresh_postgres(suffix) as url:
        _prepare(make_app(url), request.getfixturevalue("bundled"))
        yield url


@contextmanager
def built_once(request: pytest.FixtureRequest, name: str, per_campaign: int,
               professionals: int = 0) -> Iterator[tuple[Flask, World]]:
    with module_database(request, name) as url:
        app = make_app(url)
        world = build_world(app, passwords=False)
        two_sites_two_waves(app, world, per_campaign=per_campaign)
        if professionals:
            fill(app, world, professionals)  # at Alpha clinic in T0
        yield app, world
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def small_groups(request: pytest.FixtureRequest) -> Iterator[tuple[Flask, World]]:
    """Patients at two sites in two waves, 3 per campaign (4 at the comparison site), and two
    professionals at Alpha clinic in T0: every site x wave group under 5."""
    with built_once(request, "small", per_campaign=3, professionals=2) as built:
        yield built


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def tiny_groups(request: pytest.FixtureRequest) -> Iterator[tuple[Flask, World]]:
    """As :func:`small_groups` with one patient per campaign (two at the comparison site)."""
    with built_once(request, "tiny", per_campaign=1) as built:
        yield built


def test_response_counts_by_audience_site_and_wave(
        small_groups: tuple[Flask, World]) -> None:
    from survey.models import Evaluation
    from survey.results import services

    app, world = small_groups
    with app.app_context():
        counts = services.response_counts(db.session.get(Evaluation, world.a.evaluation))
    assert counts.waves == ["T0", "T1"]
    table = {(audience, site): cells for audience, site, cells in counts.rows}
    assert table[("patient", "Alpha clinic")] == [3, 3]
    assert table[("patient", "Comparison clinic")] == [4, 4]
    assert table[("professional", "Alpha clinic")] == [2, None]  # no campaign in T1


def test_sections_impact_and_leadership_with_the_equity_filter(app: Flask,
                                                               world: World) -> None:
    from werkzeug.datastructures import MultiDict

    from survey.models import Evaluation
    from survey.results import services

    equity = two_sites_two_waves(app, world)["equity"]
    services._cache.clear()
    services._views.clear()
    with app.test_request_context(), app.app_context():
        evaluation = db.session.get(Evaluation, world.a.evaluation)
        page = services.page(evaluation, "patients", MultiDict(), "en", full=True, min_group=5)
        assert page.count == 26  # 6 + 6 + 7 + 7
        assert [s.key for s in page.sections] == ["scales", "impact", "leadership"]
        impact = page.sections[1]
        assert any("Change between waves per site" in t for t in impact.tables)
        assert any("Difference-in-differences" in t for t in impact.tables)
        assert any("Comparison clinic" in t for t in impact.tables)
        assert impact.charts, "no chart of the change between waves"
        assert [d.item for d in page.descriptors if d.item == equity] == [equity]
        women = services.page(evaluation, "patients", MultiDict({"equity": f"{equity}:woman"}),
                              "en", full=True, min_group=5)
        assert women.filters.equity == (equity, "woman") and women.count == 12
        hostile = services.page(evaluation, "patients",
                                MultiDict({"equity": "comment:=1+1"}), "en", True, 5)
        assert hostile.filters.equity is None and hostile.count == 26
        # the drawn sections are cached per language and reader, not shared between them
        assert hostile.sections is page.sections
        partner = services.page(evaluation, "patients", MultiDict(), "en", full=False,
                                min_group=5)
        assert partner.sections is not page.sections and len(services._cache) == 2


def test_partners_see_suppressed_groups_researchers_see_them_all(
        small_groups: tuple[Flask, World]) -> None:
    app, world = small_groups  # every site x wave group under 5
    researcher = page(app, world, "researcher", "?q=patients", lang="en")
    partner = page(app, world, "partner", "?q=patients", lang="en")
    assert "You see every number" in researcher and "You see every number" not in partner
    counts = partner.split('class="counts"')[1].split("</table>")[0]
    assert "&lt; 5" in counts and ">3<" not in counts
    assert ">3<" in researcher.split('class="counts"')[1].split("</table>")[0]
    assert 'class="suppressed"' in partner
    for html in (researcher, partner):
        assert "Impact" in html and "Shared leadership" in html
    # free text: researchers and evaluators read it (escaped), partners never
    assert "Free-text answers" in researcher and "=HYPERLINK(&#34;x&#34;)" in researcher
    assert "HYPERLINK" not in partner and "Free-text answers" not in partner
    assert "(n = 14 responses)" in researcher  # every chart says its n


def test_free_text_answers_are_escaped_newest_first_for_researchers_only(
        app: Flask, world: World) -> None:
    from survey.models import Evaluation
    from survey.versions import latest_version

    two_sites_two_waves(app, world, per_campaign=3)
    with app.app_context():
        version = latest_version("patients")
        campaign = db.session.scalars(select(Campaign).filter_by(
            evaluation_id=world.a.evaluation, version_id=version.id)).first()
        for text in ("<script>alert(1)</script>", "   ", "Très bon accueil\nmerci"):
            db.session.add(Response(
                version_id=version.id, campaign_id=campaign.id, status=COMPLETED,
                language="fr", answers={"improve": text}, resume_hash=digest(new_secret()),
                start_hash=digest(new_secret()), completed_at=utcnow()))
        db.session.commit()
        assert db.session.get(Evaluation, world.a.evaluation) is not None
    for role in ("researcher", "evaluator"):
        html = page(app, world, role, "?q=patients", lang="en")
        section = html.split('id="section-free-text"')[1]
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section
        # newest first; an answer of spaces is not an answer: 14 + 2 answers
        assert section.index("Très bon accueil") < section.index("&lt;script&gt;")
        assert "(16 answers)" in section
    assert "section-free-text" not in page(app, world, "partner", "?q=patients", lang="en")


def test_downloads_say_the_equity_filter_is_the_pages_only(
        small_groups: tuple[Flask, World]) -> None:
    app, world = small_groups
    equity = "gender"
    note = "the equity filter applies to this page only"
    assert note not in page(app, world, "researcher", "?q=patients", lang="en")
    filtered = page(app, world, "researcher", f"?q=patients&equity={equity}:woman", lang="en")
    assert note in filtered and "The equity filter does not apply to this list." in filtered


def test_a_partner_whose_groups_are_all_small_reads_a_sentence_not_empty_charts(
        tiny_groups: tuple[Flask, World]) -> None:
    app, world = tiny_groups  # 6 patients, 3 per wave
    html = page(app, world, "partner", "?q=patients", lang="en")
    assert "Every group of these responses (by audience and wave, site or team) has fewer" in html
    assert "data-figure" not in html
    html = page(app, world, "evaluator", "?q=patients", lang="en")  # every number for them
    assert "data-figure" in html and "Every group of these" not in html


def test_filters_name_questionnaires_and_waves_and_downloads_have_distinct_names(
        tiny_groups: tuple[Flask, World]) -> None:
    app, world = tiny_groups
    html = page(app, world, "evaluator", lang="en")
    assert ">Working together in a proximity-care team</option>" in html
    assert ">T1 · Follow-up</option>" in html
    client = app.test_client()
    sign_in(client, app, world.users["evaluator"])
    names = {fmt: client.get(f"/results/e/{world.a.evaluation}/download/{fmt}?q=patients")
             .headers["Content-Disposition"] for fmt in ("csv", "csv-fr", "long")}
    assert len(set(names.values())) == 3, names
    assert "-excel-fr.csv" in names["csv-fr"]
