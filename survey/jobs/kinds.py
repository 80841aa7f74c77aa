"""The kinds of background job: a large download, a mailing (sent now or due), and the
handlers that run them (:func:`survey.jobs.runner.handler`)."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Evaluation, Job, Mailing, ResultsPage
from ..models.invitation import RESULTS as RESULTS_MAIL
from ..models.job import ACTIVE, FAILED, QUEUED
from ..models.response import MODES
from ..models.types import utcnow
from .runner import Outcome, Progress, handler, last_of, start

EXPORT = "export"
MAILING = "mailing"
ANNOUNCEMENT = "results-announcement"  # telling a results-back page's contacts


# -- large downloads -----------------------------------------------------------------------


def start_export(evaluation: Evaluation, owner_id: int, params: dict[str, Any]) -> Job:
    """A download written by a worker: ``params`` holds ``questionnaire``, ``fmt``, ``lang``,
    ``site``, ``wave``, ``audience``, ``hidden`` ([item, value] or None) and ``filename``."""
    return start(EXPORT, params, evaluation_id=evaluation.id, owner_id=owner_id)


@handler(EXPORT)
def run_export(job: Job, progress: Progress) -> Outcome:
    from ..exports import Export
    from ..exports.files import write
    from ..results.services import Filters

    p = job.params
    evaluation = db.session.get(Evaluation, job.evaluation_id)
    hidden = p.get("hidden")
    mode = p.get("mode")
    filters = Filters(site=p.get("site"), wave=p.get("wave"), audience=p.get("audience"),
                      mode=mode if mode in MODES else None,
                      hidden=(str(hidden[0]), str(hidden[1])) if hidden else None)
    export = Export.of(filters.selection(p["questionnaire"], evaluation), panel_codes=True)
    total = export.count() if export.count is not None else 0
    progress(0, total, force=True)
    final = progress.path(p["filename"])
    part = final.with_name(final.name + ".part")
    write(export, p["fmt"], part, p.get("lang") or "fr",
          int(current_app.config["MIN_GROUP_SIZE"]), on_rows=lambda n: progress(n, total))
    os.replace(part, final)  # complete, or not there at all
    progress(total, total, force=True)
    return Outcome({"rows": total, "filename": p["filename"]}, final)


# -- mailings ------------------------------------------------------------------------------


def start_mailing(mailing: Mailing, owner_id: int | None) -> Job:
    """Send what a mailing owes, in a worker (one job of a mailing at a time)."""
    return start(MAILING, {"mailing": mailing.id, "campaign": mailing.campaign_id},
                 evaluation_id=mailing.campaign.evaluation_id, owner_id=owner_id,
                 key=mailing_key(mailing.id))


def mailing_key(mailing_id: int) -> str:
    return f"mailing:{mailing_id}"


def mailing_jobs(mailing_ids: list[int]) -> dict[int, Job]:
    """The job sending each of these mailings now, if any (the campaign page links to it)."""
    keys = {mailing_key(ident): ident for ident in mailing_ids}
    jobs = db.session.scalars(select(Job).where(Job.key.in_(keys), Job.state.in_(ACTIVE)))
    return {keys[job.key]: job for job in jobs}


@handler(MAILING)
def run_mailing(job: Job, progress: Progress) -> Outcome:
    from ..invitations.mailing import run

    mailing = db.session.get(Mailing, job.params["mailing"])
    if mailing is None:
        return Outcome({"sent": 0, "queued": 0, "failed": 0, "waiting": 0})
    report = run(mailing, progress=progress)
    if mailing.kind == RESULTS_MAIL:  # picked up by send-due after a crash: its page may be done
        from ..restitution.services import settle_announcement

        page = announced_page(mailing)
        if page is not None:
            settle_announcement(page, mailing.created_by)
    return Outcome({"sent": report.sent, "queued": report.queued, "failed": report.failed,
                    "waiting": report.waiting,
                    "resume_at": report.resume_at.isoformat() if report.resume_at else None})


def start_due_mailings() -> list[Job]:
    """A job for every mailing that is due (what ``survey send-due`` does, in the worker)."""
    from ..invitations.mailing import due_mailings

    return [start_mailing(db.session.get(Mailing, ident), None)
            for ident in due_mailings(utcnow())]


# -- results-back pages: telling the contacts --------------------------------------------------


def announcement_key(page_id: int) -> str:
    return f"results-announcement:{page_id}"


def start_announcement(page: ResultsPage, owner_id: int | None) -> Job:
    """Tell a results-back page's contacts the results are out, in a worker (one job of a page
    at a time: a second click finds the first)."""
    return start(ANNOUNCEMENT, {"page": page.id}, evaluation_id=page.evaluation_id,
                 owner_id=owner_id, key=announcement_key(page.id))


def announcement_job(page_id: int) -> Job | None:
    """The job telling this page's contacts, if queued or running."""
    return db.session.scalar(select(Job).where(
        Job.key == announcement_key(page_id), Job.state.in_(ACTIVE)).order_by(Job.id.desc()))


def announced_page(mailing: Mailing) -> ResultsPage | None:
    campaign = mailing.campaign
    return db.session.scalar(select(ResultsPage).where(
        ResultsPage.evaluation_id == campaign.evaluation_id,
        ResultsPage.audience == campaign.audience))


@handler(ANNOUNCEMENT)
def run_announcement(job: Job, progress: Progress) -> Outcome:
    from ..restitution.services import send_announcement

    page = db.session.get(ResultsPage, job.params["page"])
    if page is None:
        return Outcome({"sent": 0, "queued": 0, "failed": 0, "page": None})
    outcome = send_announcement(page, job.owner_id, progress=progress)
    return Outcome({**outcome, "page": page.id})


# -- results ---------------------------------------------------------------------------------

RESULTS = "results"
NEW_ANSWERS = "new-answers"


def results_key(spec: Any) -> str:
    return f"results:{spec.digest}"


def start_results(spec: Any, evaluation_id: int | None) -> Job:
    """Recompute a results page's indicators (a :class:`survey.results.snapshots.Spec`) in a
    worker; one job per spec at a time."""
    return start(RESULTS, spec.to_json(), evaluation_id=evaluation_id, key=results_key(spec))


def failed_lately(spec: Any) -> Job | None:
    """The last job of this spec, if it failed less than ``RESULTS_RETRY_MINUTES`` ago: views
    do not start it again before (the page offers to retry)."""
    job = last_of(results_key(spec))
    if job is None or job.state != FAILED or job.finished_at is None:
        return None
    wait = dt.timedelta(minutes=float(current_app.config["RESULTS_RETRY_MINUTES"]))
    return job if utcnow() - job.finished_at < wait else None


@handler(RESULTS)
def run_results(job: Job, progress: Progress) -> Outcome:
    from ..results.services import refresh
    from ..results.snapshots import Spec

    computed = refresh(Spec.from_json(job.params), progress=progress,
                       languages=current_app.config["LANGUAGES"])
    return Outcome({"count": computed.count})


def new_answers_key(evaluation_id: int, questionnaire: str) -> str:
    return f"new-answers:{evaluation_id}:{questionnaire}"


def answers_arrived(evaluation_id: int | None, questionnaire: str) -> None:
    """A response was completed: refresh the results of its evaluation and questionnaire
    that someone viewed, in a job started ``RESULTS_REFRESH_SECONDS`` later; the answers of a
    burst join the job still queued (a marker file says so). Costs the participant two file
    checks, and a job row when none is queued; never fails the participant's request."""
    from ..results import snapshots

    try:
        if (evaluation_id is None or not snapshots.watched(evaluation_id, questionnaire)
                or snapshots.pending(evaluation_id, questionnaire)):
            return
        start(NEW_ANSWERS, {"evaluation": evaluation_id, "questionnaire": questionnaire},
              evaluation_id=evaluation_id, key=new_answers_key(evaluation_id, questionnaire),
              joins=(QUEUED,), delay=float(current_app.config["RESULTS_REFRESH_SECONDS"]))
        snapshots.set_pending(evaluation_id, questionnaire, True)
    except Exception:  # noqa: BLE001 - the minute's round refreshes them anyway
        db.session.rollback()
        current_app.logger.warning("results of new answers: job not started", exc_info=True)


def new_answers_job(evaluation_id: int | None, questionnaire: str) -> Job | None:
    """The job counting new answers of this evaluation and questionnaire, if queued or
    running (a view waits for it rather than starting its own)."""
    if evaluation_id is None:
        return None
    return db.session.scalar(select(Job).where(
        Job.key == new_answers_key(evaluation_id, questionnaire), Job.state.in_(ACTIVE))
        .order_by(Job.id.desc()).limit(1))


@handler(NEW_ANSWERS)
def run_new_answers(job: Job, progress: Progress) -> Outcome:
    """Refresh the viewed results of an evaluation's questionnaire whose answers changed."""
    from ..results import snapshots
    from ..results.services import refresh

    # answers completed from now on start the next job (this one may read the data before them)
    snapshots.set_pending(job.params["evaluation"], job.params["questionnaire"], False)
    specs = stale_results(job.params["evaluation"], job.params["questionnaire"])
    for done, spec in enumerate(specs):
        progress(done, len(specs), force=True)
        refresh(spec, languages=current_app.config["LANGUAGES"])
    progress(len(specs), len(specs), force=True)
    return Outcome({"refreshed": len(specs)})


def stale_results(evaluation_id: int | None = None, questionnaire: str | None = None
                  ) -> list[Any]:
    """The specs of the results snapshots (of this evaluation and questionnaire, or all) whose
    data changed since they were computed (new or withdrawn answers)."""
    from ..exports import Export
    from ..results import snapshots
    from ..results.services import revision

    stale = []
    for spec in snapshots.known():
        evaluation = spec.selection.evaluation_id
        if evaluation_id is not None and (evaluation != evaluation_id
                                          or spec.selection.questionnaire != questionnaire):
            continue
        if evaluation is not None and db.session.get(Evaluation, evaluation) is None:
            snapshots.forget(spec)  # its evaluation was deleted
            continue
        last = snapshots.load(spec)
        try:
            current = revision(spec.selection, Export.of(spec.selection))
        except LookupError:  # its questionnaire is gone
            continue
        if last is None or last.revision != current:
            stale.append(spec)
    return stale


def refresh_stale_results() -> list[Job]:
    """A job for every results snapshot whose data changed since (the minute's round): the
    next reader finds the new figures. Snapshots whose new answers already wait for their
    delayed job (:func:`answers_arrived`) are left to it: a burst of answers costs one job."""
    return [start_results(spec, spec.selection.evaluation_id) for spec in stale_results()
            if new_answers_job(spec.selection.evaluation_id, spec.selection.questionnaire)
            is None]
