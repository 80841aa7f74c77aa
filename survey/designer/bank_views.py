"""The item bank's page: copy questions, with their codes (so results stay comparable), from
another questionnaire of the evaluation or a bundled one onto a page of the draft. The copy
itself is :func:`.bank.copy_items`; the result is saved through the designer's normal save
(validated, kept in the history, audited, guarded by the draft's revision)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request
from flask_babel import gettext
from flask_login import current_user

from ..auth.permissions import MANAGE, member
from ..models import Evaluation, QuestionnaireDraft
from ..templating import translated
from . import bank, edits, services
from .blueprint import (
    D,
    Page,
    bp,
    conflict_message,
    design_form,
    draft_or_404,
    edited,
    overview_url,
)
from .validation import on_fields


def _directory() -> str:
    return current_app.config["QUESTIONNAIRES_DIR"]


def _chosen_source(evaluation: Evaluation, draft: QuestionnaireDraft
                   ) -> tuple[str, dict[str, Any] | None]:
    """The source named by ``source`` ("draft:<hash>", "version:<hash>", "bundled:<name>")
    and its data; None for a name the evaluation may not read."""
    value = request.values.get("source", "")
    if not isinstance(value, str) or ":" not in value:
        return "", None
    kind, _colon, ref = value.partition(":")
    if kind not in bank.SOURCES or (kind == "draft" and ref == draft.content_hash):
        return value, None
    return value, bank.source_data(evaluation.id, kind, ref, directory=_directory())


@bp.route(D + "/pages/<section_code>/bank", methods=["GET", "POST"])
@member(MANAGE)
def bank_copy(evaluation: Evaluation, draft_id: int, section_code: str) -> Page:
    """Choose a questionnaire, tick its questions, choose where they go on this page, copy."""
    draft = draft_or_404(evaluation, draft_id)
    data = draft.definition_data
    page = edited(data, lambda: {"n": edits.section_index(data, section_code)})["n"]
    here = [str(i.get("code")) for i in (data["sections"][page].get("items") or [])]
    form = design_form(draft)
    chosen, source = _chosen_source(evaluation, draft)
    if chosen and source is None:
        abort(404)
    ticked = [c for c in request.form.getlist("codes") if isinstance(c, str)]
    position = request.values.get("position", "")
    context = dict(evaluation=evaluation, draft=draft, form=form, section_code=section_code,
                   here=here, chosen=chosen, ticked=ticked, position=position,
                   sources=bank.sources(evaluation.id, exclude=draft.content_hash,
                                        directory=_directory()),
                   items=bank.bank_items(source) if source is not None else [],
                   reasons=[])
    if request.method == "GET" or source is None:
        return render_template("designer/bank.html", **context)
    if not form.validate_on_submit():
        return render_template("designer/bank.html", error=gettext(
            "The form expired: copy again."), **context), 400
    if not ticked:
        context["reasons"] = [gettext("Tick at least one question to copy.")]
        return render_template("designer/bank.html", **context), 422
    where = here.index(position) if position in here else None
    try:
        copied = bank.copy_items(data, source, ticked, page, where)
    except bank.CopyRefused as refused:
        context["reasons"] = [translated(r) for r in refused.reasons]
        return render_template("designer/bank.html", **context), 422
    saved = services.save(draft, copied.data, form.revision_number(), current_user,
                          "items-copied " + " ".join(copied.codes))
    if saved.ok:
        flash(gettext("Copied (save %(number)s): %(codes)s.", number=saved.revision,
                      codes=", ".join(copied.codes)))
        for note in copied.notes:
            flash(translated(note))
        return redirect(overview_url(draft, f"page-{section_code}"))
    if saved.refusal is not None:
        context["reasons"] = [translated(saved.refusal)]
    elif saved.problems:
        context["reasons"] = [translated(p) for texts in on_fields(
            saved.problems, None, ()).values() for p in texts]
    else:
        form.revision.data = str(saved.revision)
        context["reasons"] = [conflict_message(saved)]
        return render_template("designer/bank.html", **context), 409
    return render_template("designer/bank.html", **context), 422
