"""The panel-code page: right after consent, when the campaign's evaluation links waves by a
self-generated code, a few questions whose answers become a keyed hash (survey/panel). The
answers themselves are never stored; "prefer not to say" goes on without a code.
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as HttpResponse

from ..panel.questions import MAX_INPUT, shown_options
from ..panel.services import asks_questions, hash_answers, questions_of
from . import services
from .blueprint import bp
from .device import bookmark, in_progress
from .forms import ActionForm
from .services import ResponseState


@bp.route("/q/<code>/panel", methods=["GET", "POST"])
@in_progress
def panel(response: ResponseState) -> HttpResponse | tuple[str, int]:
    definition = response.version.definition
    code = definition.code
    onward = url_for(".page", code=code, section_code=bookmark(response).code)
    evaluation = response.campaign.evaluation if response.campaign is not None else None
    if not asks_questions(evaluation) or response.panel_hash is not None:
        return redirect(onward)
    questions = questions_of(evaluation)
    form = ActionForm()

    def show(values: dict[str, str], errors: dict[str, str], status: int = 200
             ) -> tuple[str, int]:
        return render_template("participate/panel.html", definition=definition, form=form,
                               questions=questions, options=shown_options, values=values,
                               errors=errors, onward=onward), status

    if request.method != "POST":
        return show({}, {})
    posted = {q.code: value[:MAX_INPUT] for q in questions
              if isinstance(value := request.form.get(q.code), str)}
    if not form.validate_on_submit():
        return show(posted, {"_form": gettext("This page had expired, so nothing was saved "
                                              "yet. Please answer again.")}, 400)
    if request.form.get("nav") == "skip":
        return redirect(onward)
    panel_hash, missing = hash_answers(evaluation, posted)
    if panel_hash is None:
        message = gettext("Please answer this question, or choose “Prefer not to say”.")
        return show(posted, dict.fromkeys(missing, message), 422)
    try:
        services.set_panel_code(response.id, panel_hash, read=response)
    except services.ResponseClosed:
        return redirect(url_for(".done", code=code))
    return redirect(onward)
