"""A draft's pages (sections): add one with its first question, edit its code, title,
introduction and skip logic, move it up or down, duplicate or delete it."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext
from werkzeug.wrappers import Response as HttpResponse

from ..auth.permissions import MANAGE, member
from ..models import Evaluation
from . import edits
from .blueprint import (
    D,
    Page,
    bp,
    design_form,
    draft_or_404,
    edited,
    overview_url,
    save_action,
    save_form,
)
from .drafts import starting_types
from .fields import READ_ONLY_SECTION_KEYS, SECTION_FIELDS, Field
from .forms import entry_of, state_of, state_posted
from .skip_logic import attach, problems_of, questions_at

FIRST_ITEM = (Field("first_type", "text"), Field("first_code", "text"),
              Field("first_text", "lang_text"))
P = D + "/pages/<section_code>"


@bp.route(D + "/pages/new", methods=["GET", "POST"])
@member(MANAGE)
def page_new(evaluation: Evaluation, draft_id: int) -> Page:
    """A new page after another one (at the end without one), with its first question (a
    page is never empty: the others are added next)."""
    draft = draft_or_404(evaluation, draft_id)
    data = draft.definition_data
    languages = draft.definition.languages
    after = request.values.get("after") or None
    if after is not None:
        edited(data, lambda: {"at": edits.section_index(data, after)})
    fields = SECTION_FIELDS + FIRST_ITEM
    form = design_form(draft)
    context = dict(evaluation=evaluation, after=after, starting=starting_types(),
                   new=True, read_only={})
    if request.method == "GET":
        state = state_of({"code": edits.free_code(data, "page"), "first_type": "note",
                          "first_code": edits.free_code(data, "q")}, fields, languages)
        return render_template("designer/page.html", draft=draft, form=form, state=state,
                               **context)
    state = state_posted(request.form, fields, languages)
    typed, state.errors = entry_of(state, {})
    section = {key: typed[key] for key in ("code", "title", "intro", "relevant") if key in typed}
    item = {"code": typed.get("first_code"), "type": typed.get("first_type"),
            "text": typed.get("first_text")}
    section["items"] = [{key: value for key, value in item.items() if value is not None}]
    changed = edited(data, lambda: edits.add_section(data, section, after))
    position = edits.section_index(changed, section["code"]) if isinstance(
        section.get("code"), str) else len(changed["sections"]) - 1
    return save_form(draft, form, changed, state, ("sections", position),
                     f"page-added {section.get('code')}", "designer/page.html",
                     overview_url(draft, f"page-{section.get('code')}"),
                     aliases={"items.0.code": "first_code", "items.0.text": "first_text",
                              "items.0.type": "first_type"}, **context)


@bp.route(P, methods=["GET", "POST"])
@member(MANAGE)
def page_edit(evaluation: Evaluation, draft_id: int, section_code: str) -> Page:
    draft = draft_or_404(evaluation, draft_id)
    data = draft.definition_data
    n = edited(data, lambda: {"n": edits.section_index(data, section_code)})["n"]
    section = data["sections"][n]
    languages = draft.definition.languages
    form = design_form(draft)
    context = dict(evaluation=evaluation, section_code=section_code, new=False,
                   read_only={key: section[key] for key in READ_ONLY_SECTION_KEYS
                              if key in section})
    original = section.get("relevant") if isinstance(section.get("relevant"), str) else ""
    questions = questions_at(data, n, None)  # a page's own condition reads earlier pages
    if request.method == "GET":
        state = state_of(section, SECTION_FIELDS, languages)
        context["skip"] = attach(None, state, questions, original)[0]
        return render_template("designer/page.html", draft=draft, form=form, state=state,
                               **context)
    state = state_posted(request.form, SECTION_FIELDS, languages)
    context["skip"], button = attach(request.form, state, questions, original)
    if button:
        if not form.validate_on_submit():
            abort(400)
        return render_template("designer/page.html", draft=draft, form=form, state=state,
                               notice=gettext("Not saved yet: save the page to keep this "
                                              "change."), **context)
    entry, state.errors = entry_of(state, section)
    state.errors.update(problems_of(context["skip"]))
    changed = edits.edit_section(data, section_code, entry)
    return save_form(draft, form, changed, state, ("sections", n),
                     f"page-edited {section_code}", "designer/page.html",
                     overview_url(draft, f"page-{entry.get('code')}"), **context)


@bp.post(P + "/<action>")
@member(MANAGE)
def page_action(evaluation: Evaluation, draft_id: int, section_code: str, action: str
                ) -> HttpResponse:
    draft = draft_or_404(evaluation, draft_id)
    data = draft.definition_data
    anchor = f"page-{section_code}"
    if action in ("up", "down"):
        changed = edited(data, lambda: edits.move_section(data, section_code,
                                                          -1 if action == "up" else 1))
    elif action == "duplicate":
        changed, code = edited(data, lambda: edits.duplicate_section(data, section_code))
        anchor = f"page-{code}"
    elif action == "delete":
        changed = edited(data, lambda: edits.delete_section(data, section_code))
        anchor = "pages"
    else:
        abort(404)
    return save_action(draft, design_form(draft), changed, f"page-{action} {section_code}",
                       anchor)

