"""An evaluation whose selection holds no response yet: its results page says so at once, with
no background job and no "being computed" wait; the first response then starts the job."""

from __future__ import annotations

import shutil

from flask import Flask
from sqlalchemy import func, select

from survey.extensions import db
from survey.jobs import runner
from survey.models import Job

from .test_question_summaries import responses
from .test_results_hidden_filter import client_of, store, url
from .workspace import build_world


def results_jobs(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Job.id)).where(Job.kind == "results"))


def test_no_response_yet_is_said_at_once_and_the_first_ones_are_computed(app: Flask) -> None:
    with app.app_context():
        shutil.rmtree(runner.jobs_folder() / "results", ignore_errors=True)
    world = build_world(app, passwords=False)
    store(app, world, [])  # the questionnaire's campaign, no response
    evaluator = client_of(app, world, "evaluator")
    page = evaluator.get(url(world))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "No completed response matches these filters." in html
    assert "being computed" not in html and "data-job-status" not in html
    assert results_jobs(app) == 0
    store(app, world, responses())
    html = evaluator.get(url(world)).get_data(as_text=True)
    assert "20 completed responses" in html  # the job ran (an immediate queue in tests)
    assert results_jobs(app) == 1
