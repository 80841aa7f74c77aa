"""The designer's home (the evaluation's drafts, a new questionnaire from scratch, from a
bundled one or from a version), a draft's page (its pages and questions with their buttons,
its scales, its missing translations, the preview beside it), its questionnaire settings and
its downloads."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import abort, current_app, redirect, render_template, request
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from ..auth.permissions import MANAGE, member
from ..extensions import db
from ..models import Evaluation, Questionnaire, QuestionnaireVersion
from ..questionnaire.download import as_xlsform, as_yaml
from ..questionnaire.itemtypes import TYPES
from ..questionnaire.model import AUDIENCES
from ..versions.drafts import drafts_of
from . import edits, services
from .blueprint import D, Page, bp, design_form, draft_or_404, overview_url, save_form
from .fields import READ_ONLY_TOP_KEYS, TOP_FIELDS, Field
from .forms import DesignForm, entry_of, state_of, state_posted
from .validation import validate

NEW_FIELDS = (*(f for f in TOP_FIELDS if f.key != "version"), Field("page_title", "lang_text"),
              Field("first_type", "text"), Field("first_code", "text"),
              Field("first_text", "lang_text"))
# where a new questionnaire's problems are shown: the part of the definition -> its field
NEW_PLACES = {("sections", 0, "title"): "page_title", ("sections", 0, "items", 0, "code"):
              "first_code", ("sections", 0, "items", 0, "text"): "first_text",
              ("sections", 0, "items", 0, "type"): "first_type"}
LANGUAGES = ("fr", "en")


@cache
def starting_types() -> tuple[str, ...]:
    """The types a question can have with only its code and text (a new page's first
    question): worked out by asking the validator, so a new type is offered when it fits."""
    fitting = []
    for name in TYPES:
        data = {"format": 1, "code": "q", "audience": AUDIENCES[0], "languages": ["fr"],
                "minutes": 1, "title": {"fr": "t"}, "introduction": {"fr": "t"},
                "consent": {"fr": "t"}, "sections": [{"code": "p", "title": {"fr": "t"},
                "items": [{"code": "i", "type": name, "text": {"fr": "t"}}]}]}
        if validate(data)[0] is not None:
            fitting.append(name)
    return tuple(fitting)


def _sources() -> list[tuple[str, str]]:
    """What a draft can start from: each bundled questionnaire and each version."""
    found = [(f"bundled:{name}", gettext("Bundled questionnaire %(name)s", name=name))
             for name in services.bundled_names()]
    versions = db.session.execute(select(QuestionnaireVersion, Questionnaire.code).join(
        Questionnaire).order_by(Questionnaire.code, QuestionnaireVersion.id.desc())).all()
    found += [(f"version:{v.content_hash}", gettext("%(code)s, version %(hash)s",
                                                    code=code, hash=v.content_hash[:12]))
              for v, code in versions]
    return found


@bp.get("")
@member(MANAGE)
def index(evaluation: Evaluation) -> str:
    return render_template("designer/index.html", evaluation=evaluation,
                           drafts=drafts_of(evaluation.id), sources=_sources(),
                           form=DesignForm(), starting=starting_types())


@bp.post("/copy")
@member(MANAGE)
def copy(evaluation: Evaluation) -> Page:
    """A new draft from a bundled questionnaire or a version (the draft that already has
    that content, if one does)."""
    form = DesignForm()
    if not form.validate_on_submit():
        abort(400)
    source = request.form.get("source", "")
    kind, _, name = source.partition(":") if isinstance(source, str) else ("", "", "")
    data: dict[str, Any] | None = None
    if kind == "bundled":
        data = services.bundled_data(name)
    elif kind == "version" and (version := services.version_data(name)) is not None:
        data = dict(version.definition_data)
        name = f"{version.questionnaire.code} {name[:12]}"
    if data is None:
        return render_template("designer/index.html", evaluation=evaluation,
                               drafts=drafts_of(evaluation.id), sources=_sources(), form=form,
                               starting=starting_types(),
                               error=gettext("Choose what to start from.")), 422
    draft, problems = services.create(evaluation.id, data, name, current_user)
    if draft is None:  # a version published before a rule was tightened
        return render_template("designer/index.html", evaluation=evaluation,
                               drafts=drafts_of(evaluation.id), sources=_sources(), form=form,
                               starting=starting_types(), problems=problems), 422
    return redirect(overview_url(draft))


@bp.route("/new", methods=["GET", "POST"])
@member(MANAGE)
def new(evaluation: Evaluation) -> Page:
    """A questionnaire from scratch: its texts in both languages and its first question."""
    form = DesignForm()
    context = dict(evaluation=evaluation, starting=starting_types(), audiences=AUDIENCES)
    if request.method == "GET":
        state = state_of({"minutes": 10, "first_type": "note", "first_code": "welcome",
                          "audience": AUDIENCES[0]}, NEW_FIELDS, LANGUAGES)
        return render_template("designer/new.html", form=form, state=state, **context)
    state = state_posted(request.form, NEW_FIELDS, LANGUAGES)
    typed, _problems = entry_of(state, {})
    if not form.validate_on_submit():
        return render_template("designer/new.html", form=form, state=state, **context,
                               error=gettext("The form expired: save again.")), 400
    item = {"code": typed.get("first_code"), "type": typed.get("first_type"),
            "text": typed.get("first_text")}
    data = services.from_scratch(
        str(typed.get("code", "")), str(typed.get("audience", "")),
        typed.get("minutes"), {key: typed.get(key) or {} for key in
                               ("title", "introduction", "consent", "page_title")},
        {"page_code": "page_1", "item": {k: v for k, v in item.items() if v is not None}})
    data = {k: v for k, v in data.items() if v not in ({}, None)}
    draft, problems = services.create(evaluation.id, data, str(typed.get("code") or "new"),
                                      current_user)
    if draft is not None:
        return redirect(overview_url(draft))
    for problem in problems:
        key = NEW_PLACES.get(tuple(problem.path[:5])) or NEW_PLACES.get(tuple(problem.path[:3]))
        if key is None and problem.path and problem.path[0] in {f.key for f in NEW_FIELDS}:
            key = str(problem.path[0])
        state.errors.setdefault(key or "", []).append(problem.text)
    return render_template("designer/new.html", form=form, state=state, **context), 422


@bp.get(D)
@member(MANAGE)
def draft(evaluation: Evaluation, draft_id: int) -> str:
    draft = draft_or_404(evaluation, draft_id)
    data = draft.definition_data
    definition = draft.definition
    missing = edits.missing_translations(data, definition.languages)
    return render_template(
        "designer/draft.html", evaluation=evaluation, draft=draft, data=data,
        definition=definition, form=design_form(draft), missing=missing,
        revision=services.revision_of(draft), types=TYPES, starting=starting_types(),
        item_count=sum(len(s.get("items") or []) for s in data["sections"]),
        read_only={key: data[key] for key in READ_ONLY_TOP_KEYS
                   if key in data and key != "format"},
        preview_language=request.args.get("preview", definition.languages[0])
        if request.args.get("preview") in definition.languages else definition.languages[0])


@bp.route(D + "/settings", methods=["GET", "POST"])
@member(MANAGE)
def settings(evaluation: Evaluation, draft_id: int) -> Page:
    """The questionnaire's own settings: code, audience, duration, title, introduction,
    consent."""
    draft = draft_or_404(evaluation, draft_id)
    form = design_form(draft)
    languages = draft.definition.languages
    context = dict(evaluation=evaluation, audiences=AUDIENCES,
                   read_only={key: draft.definition_data[key] for key in READ_ONLY_TOP_KEYS
                              if key in draft.definition_data})
    if request.method == "GET":
        return render_template("designer/settings.html", draft=draft, form=form,
                               state=state_of(draft.definition_data, TOP_FIELDS, languages),
                               **context)
    state = state_posted(request.form, TOP_FIELDS, languages)
    data, state.errors = entry_of(state, draft.definition_data)
    return save_form(draft, form, data, state, (), "settings",
                     "designer/settings.html", overview_url(draft), **context)


@bp.get(D + "/download.<fmt>")
@member(MANAGE)
def download(evaluation: Evaluation, draft_id: int, fmt: str) -> Any:
    """The draft as YAML or as an XLSForm, to keep, share or upload back."""
    draft = draft_or_404(evaluation, draft_id)
    name = f"{draft.definition.code}-draft-{draft.content_hash[:12]}"
    if fmt == "yaml":
        body: Any = as_yaml(draft.definition_data)
        mimetype = "application/yaml"
    elif fmt == "xlsx":
        body = as_xlsform(draft.definition_data)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        abort(404)
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response

