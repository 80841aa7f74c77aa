"""A draft's questions and scales: add a question of any type to a page, edit it (its form
comes from its type, :mod:`.fields`; choices added, reordered and removed with buttons),
move it, duplicate or delete it; add, edit and delete a scale (its items, reversed items,
points and scoring)."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from flask_babel import gettext
from werkzeug.wrappers import Response as HttpResponse

from ..auth.permissions import MANAGE, member
from ..models import Evaluation, QuestionnaireDraft
from ..questionnaire.choice_codes import fixed_codes
from ..questionnaire.itemtypes import TYPES
from . import edits
from .bank import published_definitions
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
from .fields import READ_ONLY_ITEM_KEYS, SCALE_FIELDS, Field, item_fields
from .forms import DesignForm, FormState, entry_of, row_action, state_of, state_posted
from .skip_logic import attach, place_of, problems_of, questions_at
from .validation import item_path

Q = D + "/items/<code>"
S = D + "/scales/<scale_code>"


def _coded(state: FormState, data: dict[str, Any], type_name: str,
           code: str | None) -> FormState:
    """The state told its question's type and which of its choice codes are published (by
    any version of the questionnaire: those stay fixed)."""
    state.itemtype = type_name
    if code is not None:
        published = published_definitions(str(data.get("code", "")))
        if published:
            fixed = fixed_codes(data, published)
            entry = edits.item_entry(data, code)
            uses = entry.get("choices")
            state.fixed = {"choices": fixed.of_list(uses) if isinstance(uses, str)
                           else fixed.of_item(code)}
    return state


def _item_page(draft: QuestionnaireDraft, form: DesignForm, state: FormState,
               status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template("designer/item.html", draft=draft, form=form, state=state,
                           **context), status


def _row_button(draft: QuestionnaireDraft, form: DesignForm, state: FormState,
                skip_button: bool = False, **context: Any) -> tuple[str, int] | None:
    """A choices row button (add, up, down, delete) or a skip logic builder button: the
    form again with the rows changed, nothing saved until the researcher saves."""
    action = request.form.get("row")
    if not skip_button and (not isinstance(action, str) or not row_action(state, action)):
        return None
    if not form.validate_on_submit():
        abort(400)
    return _item_page(draft, form, state, notice=gettext(
        "Not saved yet: save the question to keep this change."), **context)


@bp.route(D + "/pages/<section_code>/items/new", methods=["GET", "POST"])
@member(MANAGE)
def item_new(evaluation: Evaluation, draft_id: int, section_code: str) -> Page:
    """A new question at the end of a page (or after ``after``), of the type chosen."""
    draft = draft_or_404(evaluation, draft_id)
    data = draft.definition_data
    edited(data, lambda: {"n": edits.section_index(data, section_code)})
    type_name = request.values.get("type")
    if type_name not in TYPES:
        return render_template("designer/item_type.html", evaluation=evaluation, draft=draft,
                               section_code=section_code, types=TYPES,
                               after=request.values.get("after", ""))
    languages = draft.definition.languages
    fields = item_fields(type_name)
    form = design_form(draft)
    after = request.values.get("after") or None
    context = dict(evaluation=evaluation, type_name=type_name, section_code=section_code,
                   after=after, new=True, read_only={}, data=data)
    page = edits.section_index(data, section_code)
    items_here = [i.get("code") for i in data["sections"][page].get("items") or []]
    position = items_here.index(after) + 1 if after in items_here else len(items_here)
    questions = questions_at(data, page, position)
    if request.method == "GET":
        start: dict[str, Any] = {"code": edits.free_code(data, "q")}
        for f in fields:
            if f.kind == "choices" and f.key != "rating":  # two rows to fill in
                start[f.key] = [{"code": "", **dict.fromkeys(languages, "")}] * 2
        state = _coded(state_of(start, fields, languages), data, type_name, None)
        context["skip"] = attach(None, state, questions, "")[0]
        return _item_page(draft, form, state, **context)[0]
    state = _coded(state_posted(request.form, fields, languages), data, type_name, None)
    context["skip"], skip_button = attach(request.form, state, questions, "")
    button = _row_button(draft, form, state, skip_button, **context)
    if button is not None:
        return button
    entry, state.errors = entry_of(state, {"code": "", "type": type_name})
    state.errors.update(problems_of(context["skip"]))
    entry["type"] = type_name
    changed = edits.add_item(data, section_code, entry, after)
    return save_form(draft, form, changed, state, item_path(changed, str(entry.get("code"))),
                     f"item-added {entry.get('code')}", "designer/item.html",
                     overview_url(draft, f"item-{entry.get('code')}"), **context)


@bp.route(Q, methods=["GET", "POST"])
@member(MANAGE)
def item_edit(evaluation: Evaluation, draft_id: int, code: str) -> Page:
    draft = draft_or_404(evaluation, draft_id)
    data = draft.definition_data
    entry = edited(data, lambda: edits.item_entry(data, code))
    type_name = entry.get("type")
    if type_name not in TYPES:
        abort(404)  # a stored draft is valid: every item has a known type
    languages = draft.definition.languages
    fields = item_fields(type_name)
    form = design_form(draft)
    known = {f.key for f in fields} | {"type"}
    context = dict(evaluation=evaluation, type_name=type_name, code=code, new=False,
                   data=data, read_only={key: entry[key] for key in entry
                                         if key in READ_ONLY_ITEM_KEYS or key not in known})
    original = entry.get("relevant") if isinstance(entry.get("relevant"), str) else ""
    questions = questions_at(data, *place_of(data, code))
    if request.method == "GET":
        state = _coded(state_of(entry, fields, languages), data, type_name, code)
        context["skip"] = attach(None, state, questions, original)[0]
        return _item_page(draft, form, state, **context)[0]
    state = _coded(state_posted(request.form, fields, languages), data, type_name, code)
    context["skip"], skip_button = attach(request.form, state, questions, original)
    button = _row_button(draft, form, state, skip_button, **context)
    if button is not None:
        return button
    new_entry, state.errors = entry_of(state, entry)
    state.errors.update(problems_of(context["skip"]))
    changed = edits.replace_item(data, code, new_entry)
    return save_form(draft, form, changed, state, item_path(changed, str(new_entry["code"])),
                     f"item-edited {code}", "designer/item.html",
                     overview_url(draft, f"item-{new_entry.get('code')}"), **context)


@bp.post(Q + "/<action>")
@member(MANAGE)
def item_action(evaluation: Evaluation, draft_id: int, code: str, action: str) -> HttpResponse:
    draft = draft_or_404(evaluation, draft_id)
    data = draft.definition_data
    anchor = f"item-{code}"
    if action in ("up", "down"):
        changed = edited(data, lambda: edits.move_item(data, code, -1 if action == "up" else 1))
    elif action == "duplicate":
        changed, copied = edited(data, lambda: edits.duplicate_item(data, code))
        anchor = f"item-{copied}"
    elif action == "delete":
        changed = edited(data, lambda: edits.delete_item(data, code))
        anchor = "pages"
    else:
        abort(404)
    return save_action(draft, design_form(draft), changed, f"item-{action} {code}",
                       anchor)


# -- scales ------------------------------------------------------------------------------------

SCALE_ITEMS = (Field("items", "words"), Field("reverse", "words"))


def _scored(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The questions a scale can hold: scored types (likert), matrix rows as their own."""
    found = []
    for section in data.get("sections") or []:
        for item in section.get("items") or []:
            item_type = TYPES.get(item.get("type"))
            if item_type is not None and item_type.scored:
                rows = item.get("rows") if isinstance(item.get("rows"), list) else None
                if not rows:
                    found.append({"code": item.get("code"), "text": item.get("text") or {}})
                    continue
                for row in rows:
                    labels = {key: value for key, value in row.items() if key != "code"}
                    found.append({"code": row.get("code"), "text": labels})
    return found


def _scale_state(form_data: Any, languages: tuple[str, ...]) -> FormState:
    state = state_posted(form_data, SCALE_FIELDS, languages)
    for key in ("items", "reverse"):
        state.checked[key] = [v for v in form_data.getlist(key) if isinstance(v, str)]
    return state


def _scale_entry(state: FormState, original: dict[str, Any]) -> tuple[dict[str, Any], dict]:
    entry, problems = entry_of(state, original)
    for key in ("items", "reverse"):
        chosen = state.checked.get(key) or []
        if chosen != original.get(key, []):
            entry = edits.apply(entry, {key: chosen} if chosen else {key: edits.REMOVE})
    return entry, problems


@bp.route(D + "/scales/new", methods=["GET", "POST"])
@bp.route(S, methods=["GET", "POST"])
@member(MANAGE)
def scale_edit(evaluation: Evaluation, draft_id: int, scale_code: str | None = None) -> Page:
    draft = draft_or_404(evaluation, draft_id)
    data = draft.definition_data
    n = None
    if scale_code is not None:
        n = edited(data, lambda: {"n": edits.scale_index(data, scale_code)})["n"]
    original = data["scales"][n] if n is not None else {}
    languages = draft.definition.languages
    form = design_form(draft)
    fields = SCALE_FIELDS + SCALE_ITEMS
    context = dict(evaluation=evaluation, scale_code=scale_code, scored=_scored(data),
                   new=scale_code is None, read_only={})
    if request.method == "GET":
        state = state_of(original or {"points": 5}, SCALE_FIELDS, languages)
        state.fields = fields
        state.checked = {"items": list(original.get("items") or []),
                         "reverse": list(original.get("reverse") or [])}
        return render_template("designer/scale.html", draft=draft, form=form, state=state,
                               **context)
    state = _scale_state(request.form, languages)
    entry, state.errors = _scale_entry(state, original)
    changed = edits.put_scale(data, scale_code, entry)
    position = n if n is not None else len(changed["scales"]) - 1
    state.fields = fields
    return save_form(draft, form, changed, state, ("scales", position),
                     f"scale-{'edited' if scale_code else 'added'} {entry.get('code')}",
                     "designer/scale.html", overview_url(draft, "scales"), **context)


@bp.post(S + "/delete")
@member(MANAGE)
def scale_delete(evaluation: Evaluation, draft_id: int, scale_code: str) -> HttpResponse:
    draft = draft_or_404(evaluation, draft_id)
    data = draft.definition_data
    changed = edited(data, lambda: edits.delete_scale(data, scale_code))
    return save_action(draft, design_form(draft), changed, f"scale-delete {scale_code}",
                       "scales")
