"""An evaluator opens a results page whose first indicators a background job is computing, in a
desktop browser: the page says so with the job's progress (static/jobs.js asks its status), has
no serious accessibility violation, and shows the figures by itself once the job is done."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, expect
from sqlalchemy import select
from werkzeug.serving import make_server

from survey.extensions import db
from survey.jobs import runner
from survey.models import Job
from survey.models.job import QUEUED

from ..conftest import make_app
from ..test_jobs import fill
from ..workspace import PASSWORD, build_world
from .conftest import LiveServer
from .test_accessibility import BLOCKING, describe

pytestmark = pytest.mark.browser
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}


@pytest.fixture
def queued_server(tmp_path: Path, sqlite_template: Path,
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    """The app over HTTP with a queue no worker serves: the test runs the job itself."""
    path = tmp_path / "survey.db"
    shutil.copy(sqlite_template, path)
    monkeypatch.setenv("SURVEY_INSTANCE_PATH", str(tmp_path / "instance"))
    app: Flask = make_app(f"sqlite:///{path}", SERVER_NAME=None, JOBS_IMMEDIATE=False)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()
        make_app("sqlite://")  # the process's queue back to immediate


def test_first_indicators_show_their_progress_then_the_figures(
        browser: Browser, queued_server: LiveServer) -> None:
    live = queued_server
    app = live.app
    world = build_world(app)
    fill(app, world.a.campaign, 8)
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live.url}/login?lang=en")
    page.get_by_label("Email").fill("evaluator@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live.url}/results/e/{world.a.evaluation}?q=professionals")
    expect(page.get_by_role("heading", name="The indicators are being computed")).to_be_visible()
    expect(page.locator("section.computing progress")).to_be_visible()
    expect(page.locator("table.counts")).to_contain_text("8")  # the counts meanwhile
    # the script has asked the job's status: its message replaced the page's own
    expect(page.get_by_role("status")).to_have_text("The indicators are being computed (0 %)…")
    blocking = [v for v in Axe().run(page).response["violations"]
                if v.get("impact") in BLOCKING]
    assert not blocking, describe(blocking)
    with app.app_context():
        job = db.session.scalars(select(Job).where(Job.kind == "results",
                                                   Job.state == QUEUED)).one()
        runner.execute(job.id)  # the worker's turn
    expect(page.locator("p.figures-time")).to_contain_text("Figures computed on",
                                                           timeout=30_000)  # reloaded by itself
    expect(page.locator("p.count")).to_have_text("8 completed responses.")
    expect(page.locator("#section-scales")).to_have_text("Scales")
    expect(page.locator("figure.chart .plot svg.main-svg").first).to_be_visible()
    expect(page.locator("section.computing")).to_have_count(0)
    context.close()
