"""The kinds of background job: a large download, a mailing (sent now or due), and the
handlers that run them (:func:`survey.jobs.runner.handler`)."""

from __future__ import annotations

import os
from typing import Any

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Evaluation, Job, Mailing
from ..models.types import utcnow
from .runner import Outcome, Progress, handler, start

EXPORT = "export"
MAILING = "mailing"


# -- large downloads -----------------------------------------------------------------------


def start_export(evaluation: Evaluation, owner_id: int, params: dict[str, Any]) -> Job:
    """A download written by a worker: ``params`` holds ``questionnaire``, ``fmt``, ``lang``,
    ``site``, ``wave``, ``audience`` and ``filename``."""
    return start(EXPORT, params, evaluation_id=evaluation.id, owner_id=owner_id)


@handler(EXPORT)
def run_export(job: Job, progress: Progress) -> Outcome:
    from ..exports import Export
    from ..exports.files import write
    from ..results.services import Filters

    p = job.params
    evaluation = db.session.get(Evaluation, job.evaluation_id)
    filters = Filters(site=p.get("site"), wave=p.get("wave"), audience=p.get("audience"))
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
    from ..models.job import ACTIVE

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
    return Outcome({"sent": report.sent, "queued": report.queued, "failed": report.failed,
                    "waiting": report.waiting,
                    "resume_at": report.resume_at.isoformat() if report.resume_at else None})


def start_due_mailings() -> list[Job]:
    """A job for every mailing that is due (what ``survey send-due`` does, in the worker)."""
    from ..invitations.mailing import due_mailings

    return [start_mailing(db.session.get(Mailing, ident), None)
            for ident in due_mailings(utcnow())]


# -- results ---------------------------------------------------------------------------------

RESULTS = "results"


def start_results(spec: Any, evaluation_id: int | None) -> Job:
    """Recompute a results page's indicators (a :class:`survey.results.snapshots.Spec`) in a
    worker; one job per spec at a time."""
    return start(RESULTS, spec.to_json(), evaluation_id=evaluation_id,
                 key=f"results:{spec.digest}")


@handler(RESULTS)
def run_results(job: Job, progress: Progress) -> Outcome:
    from ..results.services import refresh
    from ..results.snapshots import Spec

    computed = refresh(Spec.from_json(job.params), progress=progress)
    return Outcome({"count": computed.count})


def refresh_stale_results() -> list[Job]:
    """A job for every results snapshot whose data changed since (new or withdrawn answers):
    the next reader finds the new figures (the minute's round)."""
    from ..exports import Export
    from ..results import snapshots
    from ..results.services import revision

    started = []
    for spec in snapshots.known():
        evaluation = spec.selection.evaluation_id
        if evaluation is not None and db.session.get(Evaluation, evaluation) is None:
            snapshots.forget(spec)  # its evaluation was deleted
            continue
        last = snapshots.load(spec)
        try:
            current = revision(spec.selection, Export.of(spec.selection))
        except LookupError:  # its questionnaire is gone
            continue
        if last is None or last.revision != current:
            started.append(start_results(spec, spec.selection.evaluation_id))
    return started
