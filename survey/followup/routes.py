"""Pages of follow-up series: the research team's series (list, new, figures per step) and the
navigators' list of people due this week with what they record. Views are thin: the work is in
:mod:`.series`, :mod:`.navigators` and :mod:`.monitoring`."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, gettext
from flask_login import current_user
from sqlalchemy import select

from ..assess import services as assessed  # sites a membership is limited to
from ..auth.permissions import COLLECT, MANAGE, OPERATE, may, member
from ..extensions import db
from ..models import Evaluation, FollowupSeries, QuestionnaireVersion, Site
from ..models.workspace import PANEL_OFF
from ..options import options
from ..refusals import refusal
from . import monitoring, navigators
from .blueprint import E, Page, bp, form_status
from .forms import OutcomeForm, SeriesForm
from .links import collect_link
from .messages import outcome_error, series_error
from .schedule import week_end
from .series import SeriesError, create_series, series_of


def _series(evaluation: Evaluation, series_id: int) -> FollowupSeries:
    series = db.session.get(FollowupSeries, series_id)
    if series is None or series.evaluation_id != evaluation.id:
        abort(404)
    return series


@bp.get(E + "/series")
@member(OPERATE)
def series_list(evaluation: Evaluation) -> str:
    return render_template("followup/series_list.html", evaluation=evaluation,
                           figures=[monitoring.figures(s) for s in series_of(evaluation)],
                           panel_off=evaluation.panel_mode == PANEL_OFF, manage=may(MANAGE))


def _version_choices() -> list:
    versions = db.session.scalars(select(QuestionnaireVersion)
                                  .order_by(QuestionnaireVersion.id.desc()))
    return options([("", gettext("Choose…"))] + [
        (str(v.id), f"{v.definition.code} · {v.label or v.content_hash[:8]} "
                    f"({v.created_at:%Y-%m-%d})") for v in versions])


@bp.route(E + "/series/new", methods=["GET", "POST"])
@member(MANAGE)
def series_new(evaluation: Evaluation) -> Page:
    form = SeriesForm()
    form.version.choices = _version_choices()
    form.site.choices = options([("", gettext("Choose…"))] + [
        (str(s.id), s.name) for s in evaluation.sites])
    error = None
    if request.method == "GET":
        form.steps.data = gettext("3 months, 6 months")
    elif form.validate_on_submit():
        version = db.session.get(QuestionnaireVersion, int(form.version.data))
        site = db.session.get(Site, int(form.site.data))
        with refusal(SeriesError, lambda e: series_error(e.code, e.text)) as outcome:
            series = create_series(evaluation, current_user, name=form.name.data or "",
                                   code=form.code.data or "", version=version, site=site,
                                   steps=form.steps.data or "")
        error = outcome.error
        if error is None:
            flash(gettext("The series is created, with one wave and one open campaign per "
                          "step."))
            return redirect(url_for(".series_page", evaluation_id=evaluation.id,
                                    series_id=series.id))
    else:
        error = gettext("Please check the form.")
    if evaluation.panel_mode == PANEL_OFF and error is None:
        error = series_error("panel-off")
    return render_template("followup/series_form.html", evaluation=evaluation, form=form,
                           error=error), form_status(error if request.method == "POST" else None)


@bp.get(E + "/series/<int:series_id>")
@member(OPERATE)
def series_page(evaluation: Evaluation, series_id: int) -> str:
    series = _series(evaluation, series_id)
    return render_template("followup/series.html", evaluation=evaluation, series=series,
                           figures=monitoring.figures(series))


# -- the navigators' list ----------------------------------------------------------------------

def _render_due(evaluation: Evaluation, failed: int | None = None,
                failed_form: OutcomeForm | None = None, error: str | None = None) -> Page:
    limits = assessed.site_limits(current_user, evaluation.id)
    rows = navigators.due_rows(evaluation, limits)
    forms = {}
    for row in rows:
        form = failed_form if row.task_id == failed and failed_form else OutcomeForm(
            formdata=None, prefix=f"t{row.task_id}")
        forms[row.task_id] = form
    today = navigators.today_in(evaluation)
    return render_template("followup/due.html", evaluation=evaluation, rows=rows, forms=forms,
                           failed=failed, error=error, collect_link=collect_link,
                           today=today, week_end=week_end(today),
                           format_date=format_date), form_status(error)


@bp.get(E + "/due")
@member(COLLECT)
def due(evaluation: Evaluation) -> Page:
    return _render_due(evaluation)


@bp.post(E + "/due/<int:task_id>")
@member(COLLECT)
def record(evaluation: Evaluation, task_id: int) -> Page:
    task = navigators.due_task(evaluation, task_id,
                               assessed.site_limits(current_user, evaluation.id))
    if task is None:
        abort(404)
    form = OutcomeForm(prefix=f"t{task_id}")
    if not form.validate_on_submit():
        return _render_due(evaluation, task_id, form, gettext("Please check the form."))
    with refusal(navigators.OutcomeError, lambda e: outcome_error(str(e))) as outcome:
        navigators.record_outcome(task, form.outcome.data, form.happened_on.data, current_user)
    if outcome.error is not None:
        return _render_due(evaluation, task_id, form, outcome.error)
    flash(gettext("Recorded."))
    return redirect(url_for(".due", evaluation_id=evaluation.id))
