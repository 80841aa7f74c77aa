"""A draft's history: every save with who made it and when, what it did, and a button to go
back to any earlier save (itself a new save, so going back can be undone too)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as HttpResponse

from ..auth.permissions import MANAGE, member
from ..extensions import db
from ..models import Evaluation, User
from . import services
from .blueprint import D, bp, conflict_message, design_form, draft_or_404, overview_url


@bp.get(D + "/history")
@member(MANAGE)
def history(evaluation: Evaluation, draft_id: int) -> str:
    draft = draft_or_404(evaluation, draft_id)
    saves = services.revisions_of(draft)
    ids = {s.saved_by for s in saves if s.saved_by is not None}
    people = {u.id: u.email for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    return render_template("designer/history.html", evaluation=evaluation, draft=draft,
                           saves=saves, people=people, form=design_form(draft),
                           current=saves[0].number if saves else 0)


@bp.post(D + "/history/<int:number>/restore")
@member(MANAGE)
def restore(evaluation: Evaluation, draft_id: int, number: int) -> HttpResponse:
    draft = draft_or_404(evaluation, draft_id)
    form = design_form(draft)
    if not form.validate_on_submit():
        abort(400)
    try:
        saved = services.restore(draft, number, form.revision_number(), current_user)
    except LookupError:
        abort(404)
    if saved.ok:
        flash(gettext("Back to save %(number)s: the draft is as it was then (save %(new)s).",
                      number=number, new=saved.revision))
        return redirect(overview_url(draft))
    if saved.problems or saved.refusal is not None:
        flash(gettext("Save %(number)s cannot be restored: the rules of questionnaires have "
                      "changed since, or another draft has this content.", number=number),
              "error")
    else:
        flash(conflict_message(saved), "error")
    return redirect(url_for("designer.history", evaluation_id=evaluation.id,
                            draft_id=draft.id))
