"""Participant pages: welcome, consent, one page per section, continue later, thank you.

Views are thin: answers are checked in :mod:`survey.questionnaire.answers` and stored by
:mod:`survey.participate.services`, always committed before the redirect that acknowledges them.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from werkzeug.wrappers import Response as HttpResponse

from .. import context
from ..followup.links import address_link
from ..language import participant_language
from ..links import absolute_url
from ..questionnaire import expressions, navigation
from ..questionnaire.answers import Issue, Rosters, check_page, missing_required
from ..questionnaire.itemtypes.base import as_text
from ..questionnaire.model import Definition, Section
from ..questionnaire.repeats import item_code
from ..restitution.links import results_link
from ..secrets import same
from ..templating import text
from ..versions import newest_facts
from . import campaigns, presentation, repeats, services
from .blueprint import bp
from .device import (
    active_entry,
    bookmark,
    current_response,
    drop_start_token,
    first_stop,
    forget,
    in_progress,
    open_response,
    remember,
    start_token,
)
from .forms import ActionForm, StartForm, page_post
from .messages import issue_message
from .rendering import offers_faces, section_items
from .services import ResponseState

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
NAVIGATION = ("next", "back", "later", "wording")  # "wording": the easy-read switch


# -- helpers ---------------------------------------------------------------------------------

@bp.url_value_preprocessor
def _load_questionnaire(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Every ``/q/<code>/...`` page: its newest version (404 if none), and its definition for
    the participant's language, before anything is rendered."""
    code = (values or {}).get("code")
    if code is None:
        return
    if endpoint == "participate.page" and isinstance(code, str) and active_entry(code):
        # A page of a response in progress shows the response's own version, and the view
        # checks the code against it: the newest version is not needed (one query fewer on
        # the most frequent request).
        return
    version = newest_facts(code) if isinstance(code, str) and CODE_RE.match(code) else None
    if version is None:
        abort(404)
    context.show(version=version, campaign=None)
    campaigns.attach(code)


@bp.context_processor
def _display() -> dict[str, Any]:
    """The visit's display options, for every participant page (base.html: larger text)."""
    return {"display": presentation.options()}


def _rosters(definition: Definition) -> Rosters:
    # The campaign's roster is read once, and only for a page that offers it.
    campaign_roster = functools.cache(campaigns.roster)
    return lambda item: definition.roster(item, campaign_roster)


def _page(definition: Definition, section: Section, response: ResponseState, rosters: Rosters,
          values: dict[str, list[str]], errors: dict[str, str], status: int = 200
          ) -> tuple[str, int]:
    where = navigation.position(definition, section, response.answers)
    resumed = session.pop("resumed", None) == definition.code
    summary: list[tuple[str, str]] = []
    faces = offers_faces(section)
    shows_faces = faces and presentation.options()["faces"]
    if section.repeat is not None:
        questions, summary = repeats.page_items(definition, section, response.answers, values,
                                                errors, rosters, faces=shows_faces)
    else:
        questions = section_items(definition, section, values, errors, rosters,
                                  response.answers, faces=shows_faces)
    return render_template(
        "participate/page.html", definition=definition, section=section, errors=errors,
        wording_switch=presentation.switch(definition),
        number=where.number, total=where.total, questions=questions, is_last=where.is_last,
        prior=navigation.prior_answers(section, response.answers), resumed=resumed,
        today=expressions.today(), more_functions=navigation.needs_more_functions(section),
        repeat_summary=summary, offers_faces=faces, shows_faces=shows_faces), status


# -- pages -----------------------------------------------------------------------------------

@bp.get("/")
def index() -> str:
    return render_template("participate/index.html", campaigns=campaigns.public_campaigns())


@bp.get("/q/<code>")
def welcome(code: str) -> str:
    response = current_response(code)
    resumes = bookmark(response) if response is not None and not response.completed else None
    definition = context.shown().definition
    presentation.wording_from_query()
    return render_template("participate/welcome.html",
                           definition=presentation.shown(definition), bookmark=resumes,
                           wording_switch=presentation.switch(definition))


@bp.route("/q/<code>/consent", methods=["GET", "POST"])
def consent(code: str) -> HttpResponse | tuple[str, int] | str:
    version = context.shown().version  # a campaign's, or the newest
    assert version is not None  # set before every /q/<code> view
    definition = version.definition
    form = StartForm()

    def show(error: str | None = None, status: int = 200, renew: bool = False
             ) -> tuple[str, int]:
        form.start_token.data = start_token(code, renew)
        return render_template("participate/consent.html",
                               definition=presentation.shown(definition), form=form,
                               error=error, wording_switch=presentation.switch(definition)
                               ), status

    if request.method != "POST":
        presentation.wording_from_query()
        return show()
    expired = gettext("This page had expired. Please tick the box and continue again.")
    token = start_token(code)
    posted = form.start_token.data
    if not form.validate_on_submit() or not isinstance(posted, str) or not same(posted, token):
        return show(expired, 400)
    if not form.agree.data:
        return show(gettext("To take part, please tick the box to say you agree."), 422)
    resume_code = services.resume_code_for(token, current_app.config["SECRET_KEY"])
    try:
        response = services.start_response(version, participant_language(definition), token,
                                           resume_code, definition.sections[0].code,
                                           campaign_id=campaigns.current_id(),
                                           answers=campaigns.link_answers(code),
                                           wording=presentation.of_visit(definition).wording)
    except services.TokenSpent:  # a consent form replayed after a withdrawal
        return show(expired, 400, renew=True)
    remember(code, response, resume_code)
    if response.completed:
        return redirect(url_for(".done", code=code))
    return redirect(first_stop(response))


@bp.route("/q/<code>/p/<section_code>", methods=["GET", "POST"])
@in_progress
def page(response: ResponseState, section_code: str) -> HttpResponse | tuple[str, int]:
    # The page's texts in the participant's wording (codes, pages and logic are the same).
    definition = presentation.shown(response.version.definition)
    code = definition.code
    section = definition.section(section_code)
    if not navigation.may_open(definition, section, response.answers, response.current_section):
        return redirect(url_for(".page", code=code, section_code=bookmark(response).code))
    rosters = _rosters(definition)
    if request.method != "POST":
        values = navigation.form_values(section, response.answers, response.drafts)
        errors = {}
        if request.args.get("check"):  # sent back here by "Finish": say what is missing
            result = check_page(definition, section, values, response.answers, rosters)
            errors = _messages(definition, result.issues)
        return _page(definition, section, response, rosters, values, errors)
    post = page_post(section, rosters)
    if not post.token_ok:
        errors = {"_form": gettext("This page had expired, so nothing was saved yet. Please "
                                   "check your answers and continue again.")}
        return _page(definition, section, response, rosters, _shown(post.raw), errors, 400)
    nav = request.form.get("nav", "next")
    if nav in presentation.OPTIONS:  # a display option: keep the page as "Previous" would
        result = post.check(definition, section, response.answers, rosters, strict=False)
        if not result.ok:
            return _page(definition, section, response, rosters, _shown(post.raw),
                         _messages(definition, result.issues), 422)
        presentation.toggle(nav)
        return _move(definition, section, response, result.answers, result.drafts, "stay")
    editing = repeats.editing(section, nav)
    if editing is not None:
        return _edit_repeat(definition, section, response, post, rosters, *editing)
    nav = nav if nav in NAVIGATION else "next"
    result = post.check(definition, section, response.answers, rosters, strict=nav == "next")
    if not result.ok:
        return _page(definition, section, response, rosters, _shown(post.raw),
                     _messages(definition, result.issues), 422)
    return _move(definition, section, response, result.answers, result.drafts, nav)


def _edit_repeat(definition: Definition, section: Section, response: ResponseState,
                 post: Any, rosters: Rosters, edit: repeats.Edit, block: int) -> HttpResponse:
    """"Add another" or "Remove" on a repeated page: keep the page as "Previous" would, edit
    its occurrences, and show it again at the block concerned."""
    result = post.check(definition, section, response.answers, rosters, strict=False)
    answers, drafts, shown = repeats.apply(section, result, edit, block)
    try:
        saved = services.save_answers(response.id, answers, section.code,
                                      [s.code for s in definition.sections], drafts,
                                      read=response)
    except services.ResponseClosed:
        return redirect(url_for(".done", code=definition.code))
    # The revision makes the address new each time: the page's script opens it, and an
    # address differing only by its fragment would merely scroll.
    return redirect(url_for(".page", code=definition.code, section_code=section.code,
                            edit=saved.revision,
                            _anchor=f"occurrence-{shown}"))


def _shown(posted: dict[str, list[Any]]) -> dict[str, list[str]]:
    """Posted values to show back in a refused page: text only (the rest was refused)."""
    return {name: [text for text in map(as_text, values) if text is not None]
            for name, values in posted.items()}


def _move(definition: Definition, section: Section, response: ResponseState,
          answers: dict[str, Any], drafts: dict[str, Any], nav: str) -> HttpResponse:
    code = definition.code
    merged = {k: v for k, v in {**response.answers, **answers}.items() if v is not None}
    order = [s.code for s in definition.sections]
    target = (None if nav == "stay"  # the same page again (a display option changed)
              else navigation.neighbour(definition, section, merged, -1 if nav == "back" else 1))
    try:
        if nav == "next" and target is None:
            gap = missing_required(definition, merged, _rosters(definition))
            if gap is not None:
                services.save_answers(response.id, answers, gap.code, order, drafts,
                                      read=response)
                return redirect(url_for(".page", code=code, section_code=gap.code, check=1))
            services.complete(response.id, answers, read=response)
            return redirect(url_for(".done", code=code))
        bookmark = target.code if nav == "next" and target else section.code
        services.save_answers(response.id, answers, bookmark, order, drafts, read=response)
    except services.ResponseClosed:
        return redirect(url_for(".done", code=code))
    if nav == "later":
        return redirect(url_for(".later", code=code))
    if nav == "wording":  # the page was saved as "Previous" saves it: now in the other wording
        presentation.choose_wording(presentation.switch(definition) or "standard")
        return redirect(url_for(".page", code=code, section_code=section.code))
    return redirect(url_for(".page", code=code, section_code=(target or section).code))


def _messages(definition: Definition, issues: dict[str, Issue]) -> dict[str, str]:
    return {code: issue_message(definition.item(item_code(code)), issue, text)
            for code, issue in issues.items()}


@bp.get("/q/<code>/later")
@in_progress
def later(response: ResponseState) -> HttpResponse | str:
    entry = active_entry(response.version.code) or {}
    link = absolute_url(".resume", resume_code=entry["resume"])
    return render_template("participate/later.html",
                           definition=presentation.shown(context.shown().definition),
                           link=link, bookmark=bookmark(response))


@bp.get("/q/<code>/done")
def done(code: str) -> HttpResponse | str:
    response = current_response(code)
    if response is not None and not response.completed:
        return redirect(url_for(".page", code=code, section_code=bookmark(response).code))
    entry = active_entry(code) if response is not None else None
    link = absolute_url(".resume", resume_code=entry["resume"]) if entry else None
    results = (results_link(response.campaign_id, entry["resume"])
               if entry and response is not None else None)
    followup = (address_link(response.campaign_id, response.id, entry["resume"])
                if entry and response is not None else None)
    return render_template("participate/done.html",
                           definition=presentation.shown(context.shown().definition),
                           link=link, results=results, followup=followup,
                           min_group=current_app.config["MIN_GROUP_SIZE"])


@bp.route("/q/<code>/withdraw", methods=["GET", "POST"])
def withdraw(code: str) -> HttpResponse | str:
    """Delete this participant's response, after a confirmation (consent promises it)."""
    definition = context.shown().definition
    response = current_response(code)
    form = ActionForm()
    if response is None:
        if request.method == "POST":
            return render_template("participate/withdrawn.html", definition=definition)
        return redirect(url_for(".welcome", code=code))
    if form.validate_on_submit():
        services.withdraw(response.id)
        forget(code)
        drop_start_token(code)
        return render_template("participate/withdrawn.html", definition=definition)
    back = (url_for(".done", code=code) if response.completed else
            url_for(".page", code=code, section_code=bookmark(response).code))
    return render_template("participate/withdraw.html", definition=definition, form=form,
                           back=back)


@bp.route("/r/<resume_code>", methods=["GET", "POST"])
def resume(resume_code: str) -> HttpResponse | str:
    """Continue a response through its private link. When this device already has another
    response in progress for that questionnaire, ask which to continue: a link sent by someone
    else must never silently replace the participant's own answers."""
    response = services.find_by_resume_code(resume_code)
    if response is None:
        abort(404)
    code = response.version.code
    context.show(definition=response.version.definition)
    here = current_response(code)
    if here is not None and here.id != response.id and not here.completed:
        form = ActionForm()
        keep = request.form.get("keep")
        if not form.validate_on_submit() or keep not in ("link", "device"):
            return render_template("participate/resume_choice.html", form=form,
                                   definition=response.version.definition,
                                   resume_code=resume_code)
        if keep == "device":
            return redirect(url_for(".page", code=code, section_code=bookmark(here).code))
    return open_response(response, resume_code, notice=True)
