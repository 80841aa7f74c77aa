"""Results pages: indicators and charts of an evaluation for its members, suppressed for
partners, downloads for researchers and evaluators only, each in the audit log."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

import pytest
from flask import Flask
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent, Campaign, Response
from survey.models.response import COMPLETED
from survey.models.types import utcnow
from survey.secrets import digest, new_secret

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


def page(app: Flask, world: World, who: str, query: str = "") -> str:
    client = app.test_client()
    sign_in(client, app, world.users[who])
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
