"""Participant pages: welcome, consent, one page per section, continue later, thank you.

Views are thin: answers are checked in :mod:`survey.questionnaire.answers` and stored by
:mod:`survey.participate.services`, always committed before the redirect that acknowledges them.
"""

from __future__ import annotations

import re
from typing import Any

from flask import (
    Blueprint,
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

from ..extensions import db
from ..models import QuestionnaireVersion, Response
from ..questionnaire import expressions
from ..questionnaire.answers import (
    Issue,
    Rosters,
    check_page,
    missing_required,
    rating_name,
    relevant_sections,
)
from ..questionnaire.model import Definition, Item, Section
from ..versions import latest_version, latest_versions
from . import services
from .forms import ActionForm, StartForm, page_form
from .messages import issue_message

bp = Blueprint("participate", __name__, template_folder="templates")

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
NAVIGATION = ("next", "back", "later")


# -- helpers ---------------------------------------------------------------------------------

def _version(code: str) -> QuestionnaireVersion:
    version = latest_version(code) if re.fullmatch(r"[a-z][a-z0-9_]{0,63}", code) else None
    if version is None:
        abort(404)
    return version


def _rosters(definition: Definition) -> Rosters:
    return lambda item: definition.roster(item)


def _active(code: str) -> dict[str, Any] | None:
    return session.get("active", {}).get(code)


def _remember(code: str, response: Response, resume_code: str) -> None:
    active = dict(session.get("active", {}))
    active[code] = {"id": response.id, "resume": resume_code}
    session["active"] = active


def _forget(code: str) -> None:
    active = dict(session.get("active", {}))
    active.pop(code, None)
    session["active"] = active


def _current_response(code: str) -> Response | None:
    entry = _active(code)
    if not entry:
        return None
    response = db.session.get(Response, entry["id"])
    if response is None or response.version.questionnaire.code != code:
        _forget(code)
        return None
    return response


def _bookmark(definition: Definition, response: Response) -> Section:
    """The page to go back to: the furthest reached, or the next one still relevant."""
    shown = relevant_sections(definition, response.answers)
    index = definition.section_index(response.current_section or "")
    for section in shown:
        if definition.section_index(section.code) >= index:
            return section
    return shown[-1]


def _neighbour(definition: Definition, section: Section, answers: dict[str, Any],
               step: int) -> Section | None:
    shown = relevant_sections(definition, answers)
    codes = [s.code for s in shown]
    if section.code not in codes:
        later = [s for s in shown if definition.section_index(s.code)
                 > definition.section_index(section.code)]
        return later[0] if step > 0 and later else (shown[0] if step < 0 else None)
    position = codes.index(section.code) + step
    return shown[position] if 0 <= position < len(shown) else None


def _values(item: Item, answers: dict[str, Any]) -> dict[str, list[str]]:
    """The stored answer of an item as the form's input values, to fill the page again."""
    if item.type == "matrix":
        return {col: [str(answers[col])] for col in item.columns if answers.get(col) is not None}
    value = answers.get(item.code)
    if value is None:
        return {}
    if isinstance(value, dict):  # a rated nomination
        values = {item.code: list(value)}
        for key, rating in value.items():
            values[f"{item.code}__{key}"] = [str(rating)]
        return values
    if isinstance(value, list):
        return {item.code: [str(v) for v in value]}
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return {item.code: [str(value)]}


def _page(definition: Definition, section: Section, response: Response, form: Any,
          values: dict[str, list[str]], errors: dict[str, str], status: int = 200
          ) -> tuple[str, int]:
    shown = relevant_sections(definition, {**response.answers})
    codes = [s.code for s in shown]
    number = codes.index(section.code) + 1 if section.code in codes else 1
    is_last = _neighbour(definition, section, response.answers, 1) is None
    return render_template(
        "participate/page.html", definition=definition, section=section, form=form,
        values=values, errors=errors, number=number, total=len(shown), is_last=is_last,
        prior=_prior_answers(definition, section, response.answers),
        rosters=_rosters(definition), rating_name=rating_name), status


def _prior_answers(definition: Definition, section: Section, answers: dict[str, Any]
                   ) -> dict[str, Any]:
    """Earlier pages' answers that this page's relevance expressions read, for the script."""
    names: set[str] = set()
    for item in section.items:
        if item.relevant is not None:
            names |= expressions.references(item.relevant.tree)
    own = {column for item in section.items for column in item.columns}
    return {k: answers[k] for k in sorted(names - own) if k in answers}


# -- pages -----------------------------------------------------------------------------------

@bp.get("/")
def index() -> str:
    return render_template("participate/index.html", versions=latest_versions())


@bp.get("/q/<code>")
def welcome(code: str) -> str:
    version = _version(code)
    response = _current_response(code)
    bookmark = None
    if response is not None and not response.completed:
        bookmark = _bookmark(response.version.definition, response)
    return render_template("participate/welcome.html", definition=version.definition,
                           bookmark=bookmark)


@bp.route("/q/<code>/consent", methods=["GET", "POST"])
def consent(code: str) -> HttpResponse | tuple[str, int] | str:
    version = _version(code)
    definition = version.definition
    form = StartForm()
    if request.method == "GET":
        form.start_token.data = services.new_secret()
        return render_template("participate/consent.html", definition=definition, form=form,
                               error=None)
    token = form.start_token.data or ""
    if not TOKEN_RE.match(token):
        token = services.new_secret()
        form.start_token.data = token
    if not form.validate_on_submit():
        return render_template("participate/consent.html", definition=definition, form=form,
                               error=gettext("This page had expired. Please tick the box and "
                                             "continue again.")), 400
    if not form.agree.data:
        return render_template("participate/consent.html", definition=definition, form=form,
                               error=gettext("To take part, please tick the box to say you "
                                             "agree.")), 422
    resume_code = services.resume_code_for(token, current_app.config["SECRET_KEY"])
    language = session.get("lang") or definition.default_language
    response = services.start_response(version, language, token, resume_code,
                                       definition.sections[0].code)
    _remember(code, response, resume_code)
    if response.completed:
        return redirect(url_for(".done", code=code))
    return redirect(url_for(".page", code=code,
                            section_code=_bookmark(definition, response).code))


@bp.route("/q/<code>/p/<section_code>", methods=["GET", "POST"])
def page(code: str, section_code: str) -> HttpResponse | tuple[str, int]:
    _version(code)
    response = _current_response(code)
    if response is None:
        return redirect(url_for(".welcome", code=code))
    if response.completed:
        return redirect(url_for(".done", code=code))
    definition = response.version.definition
    section = definition.section(section_code)
    bookmark = _bookmark(definition, response)
    shown = [s.code for s in relevant_sections(definition, response.answers)]
    if (section is None or section.code not in shown
            or definition.section_index(section.code) > definition.section_index(bookmark.code)):
        return redirect(url_for(".page", code=code, section_code=bookmark.code))
    rosters = _rosters(definition)
    form = page_form(section, rosters)
    if request.method == "GET":
        values = {k: v for item in section.items for k, v in _values(item, response.answers)
                  .items()}
        errors = {}
        if request.args.get("check"):  # sent back here by "Finish": say what is missing
            result = check_page(definition, section, values, response.answers, rosters)
            errors = _messages(definition, result.issues)
        return _page(definition, section, response, form, values, errors)
    posted = {name: list(v) for name, v in form.raw_values().items()}
    if not form.validate_on_submit():
        errors = {"_form": gettext("This page had expired, so nothing was saved yet. Please "
                                   "check your answers and continue again.")}
        return _page(definition, section, response, form, posted, errors, 400)
    nav = request.form.get("nav", "next")
    nav = nav if nav in NAVIGATION else "next"
    result = form.check(definition, section, response.answers, rosters, strict=nav == "next")
    if not result.ok:
        return _page(definition, section, response, form, posted,
                     _messages(definition, result.issues), 422)
    return _move(definition, section, response, result.answers, nav)


def _move(definition: Definition, section: Section, response: Response,
          answers: dict[str, Any], nav: str) -> HttpResponse:
    code = definition.code
    merged = {k: v for k, v in {**response.answers, **answers}.items() if v is not None}
    order = [s.code for s in definition.sections]
    target = _neighbour(definition, section, merged, -1 if nav == "back" else 1)
    try:
        if nav == "next" and target is None:
            rosters = _rosters(definition)
            gap = missing_required(definition, merged, rosters)
            if gap is not None:
                services.save_answers(response.id, answers, gap.code, order)
                return redirect(url_for(".page", code=code, section_code=gap.code, check=1))
            services.complete(response.id, answers, order, rosters)
            return redirect(url_for(".done", code=code))
        bookmark = target.code if nav == "next" and target else section.code
        services.save_answers(response.id, answers, bookmark, order)
    except services.ResponseClosed:
        return redirect(url_for(".done", code=code))
    if nav == "later":
        return redirect(url_for(".later", code=code))
    return redirect(url_for(".page", code=code, section_code=(target or section).code))


def _messages(definition: Definition, issues: dict[str, Issue]) -> dict[str, str]:
    return {code: issue_message(issue, lambda m: _text(definition, m))
            for code, issue in issues.items()}


def _text(definition: Definition, mapping: Any) -> str:
    if not mapping:
        return ""
    lang = session.get("lang") or definition.default_language
    return mapping.get(lang) or mapping.get(definition.default_language) or ""


@bp.get("/q/<code>/later")
def later(code: str) -> HttpResponse | str:
    version = _version(code)
    entry = _active(code)
    response = _current_response(code)
    if response is None or entry is None:
        return redirect(url_for(".welcome", code=code))
    if response.completed:
        return redirect(url_for(".done", code=code))
    link = url_for(".resume", resume_code=entry["resume"], _external=True)
    bookmark = _bookmark(response.version.definition, response)
    return render_template("participate/later.html", definition=version.definition, link=link,
                           bookmark=bookmark)


@bp.get("/q/<code>/done")
def done(code: str) -> HttpResponse | str:
    version = _version(code)
    response = _current_response(code)
    if response is not None and not response.completed:
        return redirect(url_for(".page", code=code,
                                section_code=_bookmark(response.version.definition,
                                                       response).code))
    entry = _active(code) if response is not None else None
    link = url_for(".resume", resume_code=entry["resume"], _external=True) if entry else None
    return render_template("participate/done.html", definition=version.definition, link=link)


@bp.route("/q/<code>/withdraw", methods=["GET", "POST"])
def withdraw(code: str) -> HttpResponse | str:
    """Delete this participant's response, after a confirmation (consent promises it)."""
    version = _version(code)
    response = _current_response(code)
    form = ActionForm()
    if response is None:
        if request.method == "POST":
            return render_template("participate/withdrawn.html", definition=version.definition)
        return redirect(url_for(".welcome", code=code))
    if form.validate_on_submit():
        services.withdraw(response.id)
        _forget(code)
        return render_template("participate/withdrawn.html", definition=version.definition)
    back = (url_for(".done", code=code) if response.completed else
            url_for(".page", code=code,
                    section_code=_bookmark(response.version.definition, response).code))
    return render_template("participate/withdraw.html", definition=version.definition,
                           form=form, back=back)


@bp.get("/r/<resume_code>")
def resume(resume_code: str) -> HttpResponse:
    response = services.find_by_resume_code(resume_code)
    if response is None:
        abort(404)
    code = response.version.questionnaire.code
    _remember(code, response, resume_code)
    if "lang" not in session:
        session["lang"] = response.language
    if response.completed:
        return redirect(url_for(".done", code=code))
    definition = response.version.definition
    return redirect(url_for(".page", code=code, section_code=_bookmark(definition, response).code))
