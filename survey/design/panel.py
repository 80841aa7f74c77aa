"""The panel-code setting of an evaluation (off, carried by invitations, self-generated, and
which questions). The change itself lives in :mod:`survey.panel.services`."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..auth.permissions import MANAGE, member
from ..models import Evaluation
from ..models.workspace import PANEL_MODES, PANEL_SELF
from ..options import options
from ..panel import services as panel
from ..panel.questions import DEFAULT, MIN_CHOSEN, QUESTIONS
from ..refusals import refusal
from .blueprint import E, Page, bp, form_status
from .forms import PanelForm
from .labels import design_refusal, panel_mode_name


@bp.route(E + "/panel", methods=["GET", "POST"])
@member(MANAGE)
def evaluation_panel(evaluation: Evaluation) -> Page:
    form = PanelForm()
    form.mode.choices = options([(m, panel_mode_name(m)) for m in PANEL_MODES])
    form.questions.choices = options([(q.code, str(q.label)) for q in QUESTIONS.values()])
    error = None
    if request.method == "GET":
        form.mode.data = evaluation.panel_mode
        form.questions.data = list(evaluation.panel_questions or DEFAULT)
    elif form.validate_on_submit():
        with refusal(panel.PanelError, design_refusal) as outcome:
            panel.configure(evaluation, form.mode.data or "", form.questions.data or [],
                            actor=current_user)
        error = outcome.error
        if error is None:
            flash(gettext("Saved."))
            return redirect(url_for(".evaluation_panel", evaluation_id=evaluation.id))
    else:
        error = gettext("Please check the form.")
    return render_template("design/panel.html", evaluation=evaluation, form=form, error=error,
                           collected=panel.collected(evaluation), self_mode=PANEL_SELF,
                           minimum=MIN_CHOSEN), form_status(error)
