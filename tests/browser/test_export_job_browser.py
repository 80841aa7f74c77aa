"""An evaluator's large export, in a desktop browser: the download link leads to the job's page,
whose progress bar moves while a real ``survey worker`` writes the file, and which offers the
file when it is ready; the file holds every response."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, expect
from werkzeug.serving import make_server

from survey.extensions import db

from ..conftest import make_app
from ..test_jobs import fill
from ..workspace import PASSWORD, build_world
from .conftest import LiveServer

pytestmark = pytest.mark.browser
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}
ROWS = 40_000


@pytest.fixture
def server_and_worker(tmp_path: Path, sqlite_template: Path,
                      monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    """The app over HTTP with a queue in its instance folder, and a worker process serving it."""
    path = tmp_path / "survey.db"
    shutil.copy(sqlite_template, path)
    instance = tmp_path / "instance"
    instance.mkdir()
    monkeypatch.setenv("SURVEY_INSTANCE_PATH", str(instance))
    app: Flask = make_app(f"sqlite:///{path}", SERVER_NAME=None, JOBS_IMMEDIATE=False,
                          EXPORT_JOB_CELLS=1000)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    env = {**os.environ, "SURVEY_DATABASE_URL": f"sqlite:///{path}",
           "SURVEY_SECRET_KEY": "test-secret", "SURVEY_INSTANCE_PATH": str(instance)}
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen([sys.executable, "-m", "survey", "worker", "--threads", "1"],
                              env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()
        make_app("sqlite://")  # the process's queue back to immediate


def test_a_large_export_shows_its_progress_and_downloads_when_ready(
        browser: Browser, server_and_worker: LiveServer, tmp_path: Path) -> None:
    live = server_and_worker
    app = live.app
    world = build_world(app)
    fill(app, world.a.campaign, ROWS)
    context = browser.new_context(**DESKTOP, accept_downloads=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if _refused(m) else None)
    page.goto(f"{live.url}/login?lang=en")
    page.get_by_label("Email").fill("evaluator@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live.url}/results/e/{world.a.evaluation}?q=professionals")
    page.get_by_role("link", name="Responses and codebook, Excel (XLSX)").click()
    expect(page.get_by_role("heading", name="Download being prepared")).to_be_visible()
    bar = page.locator("progress.job-bar")
    # the bar moves while the worker writes (the script asks for the status every second)
    page.wait_for_function(
        "() => { const v = document.querySelector('progress.job-bar').value;"
        " return v > 0 && v < 100; }", timeout=120_000)
    expect(page.get_by_role("status")).to_contain_text(f"of {ROWS} responses written")
    if os.environ.get("SURVEY_SCREENSHOTS"):
        page.screenshot(path=str(Path(os.environ["SURVEY_SCREENSHOTS"]) / "export-job.png"))
    link = page.get_by_role("link", name="Download the file")
    expect(link).to_be_visible(timeout=300_000)
    expect(bar).to_have_attribute("value", "100")
    expect(page.get_by_role("status")).to_have_text("Ready.")
    with page.expect_download() as download_info:
        link.click()
    saved = tmp_path / "download.xlsx"
    download_info.value.save_as(saved)
    assert download_info.value.suggested_filename == f"professionals-{world.a.evaluation}.xlsx"
    sheet = openpyxl.load_workbook(saved, read_only=True)["data"]
    assert sum(1 for _ in sheet.iter_rows()) == ROWS + 1
    assert not refused, refused
    context.close()


def _refused(message: ConsoleMessage) -> bool:
    """A script the CSP refused (plotly.js on the results page also injects a <style>, which
    the CSP refuses too: see test_results_browser.py)."""
    return message.type == "error" and "script-src" in message.text
