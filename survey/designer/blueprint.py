"""The designer's blueprint and what its views share: the draft in the URL, the saving of an
edited definition with its outcome (a redirect, or the form again with the problems on its
fields and every typed value), and the conflict message of optimistic locking."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response as HttpResponse

from ..extensions import db
from ..models import Evaluation, QuestionnaireDraft, User
from ..templating import translated
from ..timezones import local_time
from . import services
from .edits import NotFound
from .forms import DesignForm, FormState
from .validation import on_fields

bp = Blueprint("designer", __name__, url_prefix="/evaluations/<int:evaluation_id>/designer",
               template_folder="templates")
D = "/drafts/<int:draft_id>"
Page = HttpResponse | str | tuple[str, int]


def draft_or_404(evaluation: Evaluation, draft_id: int) -> QuestionnaireDraft:
    draft = services.draft_of(evaluation.id, draft_id)
    if draft is None:
        abort(404)
    return draft


def overview_url(draft: QuestionnaireDraft, anchor: str | None = None) -> str:
    return url_for("designer.draft", evaluation_id=draft.evaluation_id, draft_id=draft.id,
                   _anchor=anchor)


def conflict_message(saved: services.Saved) -> str:
    """Who saved the draft since the form was opened, and when."""
    other = saved.conflict
    who = db.session.get(User, other.saved_by) if other and other.saved_by else None
    when = local_time(other.saved_at, db.session.get(Evaluation, draft_evaluation(saved))) \
        if other is not None else ""
    return gettext("%(who)s saved this draft (save %(number)s, %(when)s) after you opened "
                   "this page. Their change is kept; yours is not saved yet: your values are "
                   "below. Check them against the draft as it is now, then save again.",
                   who=who.email if who else gettext("Someone"),
                   number=saved.revision, when=when)


def draft_evaluation(saved: services.Saved) -> int | None:
    return saved.draft.evaluation_id if saved.draft is not None else None


def edited(data: Mapping[str, Any], change: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """A change to the definition, 404 when it names a part the draft no longer has."""
    try:
        return change()
    except NotFound:
        abort(404)


def save_action(draft: QuestionnaireDraft, form: DesignForm, data: dict[str, Any],
                summary: str, anchor: str | None = None) -> HttpResponse:
    """A button's change (move, duplicate, delete): saved, or the reason shown on the
    draft's page (a refusal leaves nothing half done)."""
    if not form.validate_on_submit():
        abort(400)
    saved = services.save(draft, data, form.revision_number(), current_user, summary)
    if saved.problems:
        problems = on_fields(saved.problems, None, ())
        flash(gettext("Not done: %(problems)s", problems=" ".join(
            translated(p) for p in problems.get("", []))), "error")
    elif saved.refusal is not None:
        flash(translated(saved.refusal), "error")
    elif not saved.ok:
        flash(conflict_message(saved), "error")
    return redirect(overview_url(draft, anchor))


def save_form(draft: QuestionnaireDraft, form: DesignForm, changed: dict[str, Any],
              state: FormState, prefix: tuple | None, summary: str, template: str,
              done: str, aliases: Mapping[str, str] | None = None, **context: Any) -> Page:
    """Save a form's definition: to ``done`` when saved, else the form again with the
    problems on their fields (422) or the conflict explained (409), nothing typed lost."""
    if not form.validate_on_submit():
        return render_template(template, draft=draft, form=form, state=state,
                               error=gettext("The form expired: save again."), **context), 400
    if state.errors:
        return render_template(template, draft=draft, form=form, state=state, **context), 422
    saved = services.save(draft, changed, form.revision_number(), current_user, summary)
    if saved.ok:
        flash(gettext("Saved (save %(number)s).", number=saved.revision))
        return redirect(done)
    if not (saved.problems or saved.refusal):  # someone saved the draft since
        form.revision.data = str(saved.revision)
        return render_template(template, draft=draft, form=form, state=state,
                               error=conflict_message(saved), **context), 409
    if saved.refusal is not None:
        return render_template(template, draft=draft, form=form, state=state,
                               error=translated(saved.refusal), **context), 422
    names = {f.key for f in state.fields}
    for f in state.fields:
        for row in range(len(state.rows.get(f.key, []))):
            names |= {f"{f.key}.{row}", f"{f.key}.{row}.code"}
    aliases = dict(aliases or {})  # a path of the definition shown on a field of another name
    placed = on_fields(saved.problems, prefix, names | set(aliases))
    state.errors = {}
    for key, texts in placed.items():
        state.errors.setdefault(aliases.get(key, key), []).extend(texts)
    return render_template(template, draft=draft, form=form, state=state, **context), 422


def design_form(draft: QuestionnaireDraft) -> DesignForm:
    """A form carrying the draft's current revision."""
    form = DesignForm()
    if not form.is_submitted():
        form.revision.data = str(services.revision_of(draft))
    return form
