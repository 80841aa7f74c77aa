"""A job's progress page, its JSON status (read by static/jobs.js) and its file.

Only members of the job's evaluation who may see its people and data (researchers and
evaluators, and admins) open them: a job of another evaluation is not found.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, jsonify, render_template, send_file, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response as HttpResponse

from ..audit import record
from ..auth.permissions import OPERATE, member
from ..exports.files import FORMAT
from ..extensions import db
from ..invitations.mailing import summary
from ..models import Evaluation, Job
from ..models.job import DONE, EXPIRED, FAILED, QUEUED
from ..models.types import utcnow
from ..templating import text
from ..versions import latest_version
from .kinds import ANNOUNCEMENT, EXPORT, MAILING, NEW_ANSWERS, RESULTS
from .runner import ended_well, recent, result_path

bp = Blueprint("jobs", __name__, url_prefix="/jobs", template_folder="templates")
J = "/e/<int:evaluation_id>/<int:job_id>"
RECENT = 50  # jobs the evaluation's list shows, newest first


def _job(evaluation: Evaluation, job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None or job.evaluation_id != evaluation.id:
        abort(404)
    return job


def title(job: Job) -> str:
    if job.kind == EXPORT:
        return gettext("Download being prepared: %(name)s", name=job.params.get("filename", ""))
    if job.kind == MAILING:
        return gettext("Sending the emails")
    if job.kind == ANNOUNCEMENT:
        return gettext("Telling the contacts the results are out")
    if job.kind == RESULTS:
        return gettext("Indicators of %(name)s", name=questionnaire_title(
            job.params.get("selection", {}).get("questionnaire", "")))
    if job.kind == NEW_ANSWERS:
        return gettext("Indicators of %(name)s, with the new answers",
                       name=questionnaire_title(job.params.get("questionnaire", "")))
    return gettext("Background work")


def questionnaire_title(code: str) -> str:
    """The questionnaire's title in the reader's language (its newest version's), else its
    code (a questionnaire since removed)."""
    version = latest_version(code) if code else None
    return text(version.definition.title) or code if version is not None else code


def status(job: Job) -> dict[str, Any]:
    """What the page and its script show of a job."""
    if job.state == QUEUED:
        message = gettext("Waiting for a worker to start…")
    elif job.state == DONE and job.kind in (MAILING, ANNOUNCEMENT):
        message = gettext("Done: %(summary)s.", summary=summary(job.result))
    elif job.state == DONE:
        message = gettext("Ready.")
    elif job.state == EXPIRED:
        message = gettext("This file was removed after the time files are kept: ask for it "
                          "again.")
    elif job.state == FAILED:
        message = gettext("This work failed; the cause is in the server's log, for the "
                          "administrator.")
    elif job.kind in (MAILING, ANNOUNCEMENT):
        message = gettext("%(done)s of %(total)s contacts handled.", done=job.done,
                          total=job.total)
    elif job.kind in (RESULTS, NEW_ANSWERS):
        message = gettext("Computing the indicators: step %(done)s of %(total)s.",
                          done=job.done + 1, total=max(job.total, job.done + 1))
    else:
        message = gettext("%(done)s of %(total)s responses written.", done=job.done,
                          total=job.total)
    download = (url_for("jobs.download", evaluation_id=job.evaluation_id, job_id=job.id)
                if job.state == DONE and job.result_file else None)
    return {"state": job.state, "done": job.done, "total": job.total, "percent": job.percent,
            "message": message, "download": download, "finished": not job.active}


@bp.get("/e/<int:evaluation_id>")
@member(OPERATE)
def evaluation(evaluation: Evaluation) -> str:
    """The evaluation's recent jobs: downloads (with their file while kept), mailings (with
    what was sent), results computations."""
    jobs = recent(evaluation.id, RECENT, quiet=(NEW_ANSWERS,))
    refreshed, last = ended_well(evaluation.id, NEW_ANSWERS, utcnow() - dt.timedelta(days=1))
    return render_template("jobs/list.html", evaluation=evaluation, jobs=[
        (job, title(job), status(job)) for job in jobs], recent=RECENT,
        refreshed=refreshed, last_refresh=last)


@bp.get(J)
@member(OPERATE)
def page(evaluation: Evaluation, job_id: int) -> str:
    job = _job(evaluation, job_id)
    back = (url_for("results.evaluation", evaluation_id=evaluation.id,
                    q=job.params.get("questionnaire", "")) if job.kind in (EXPORT, NEW_ANSWERS)
            else url_for("results.evaluation", evaluation_id=evaluation.id,
                         q=job.params.get("selection", {}).get("questionnaire", ""))
            if job.kind == RESULTS
            else url_for("design.evaluation", evaluation_id=evaluation.id))
    if job.kind == ANNOUNCEMENT and job.params.get("page"):
        back = url_for("restitution.page", evaluation_id=evaluation.id,
                       page_id=job.params["page"])
    if job.kind == MAILING and job.params.get("campaign"):
        back = url_for("design.invitations", evaluation_id=evaluation.id,
                       campaign_id=job.params["campaign"])
    return render_template("jobs/job.html", evaluation=evaluation, job=job, title=title(job),
                           status=status(job), back=back)


@bp.get(J + "/status")
@member(OPERATE)
def state(evaluation: Evaluation, job_id: int) -> HttpResponse:
    response = jsonify(status(_job(evaluation, job_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get(J + "/file")
@member(OPERATE)
def download(evaluation: Evaluation, job_id: int) -> HttpResponse:
    job = _job(evaluation, job_id)
    path = result_path(job)
    if path is None:
        abort(410 if job.state == EXPIRED else 404)
    record("export-downloaded", f"{job.params.get('questionnaire')} {job.params.get('fmt')}",
           actor=current_user, evaluation_id=evaluation.id, job=job.id,
           questionnaire=job.params.get("questionnaire"), format=job.params.get("fmt"))
    fmt = FORMAT.get(job.params.get("fmt", ""))
    response = send_file(path, mimetype=fmt.mimetype if fmt else "application/octet-stream",
                         as_attachment=True, download_name=job.params.get("filename", path.name),
                         max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response
