"""The researcher's preview of a draft or a version: its pages behave exactly as a
participant's (required answers, constraints, skip logic, the same messages, "Finish" sending
back to what is missing, a repeated page's "Add another" and "Remove"), and nothing is stored.
The answers given so far travel with the page, in a hidden field signed with the instance
secret (so a posted value is never trusted), never in the database or the session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from ..participate import repeats
from ..participate.forms import page_post
from ..participate.messages import issue_message
from ..questionnaire import navigation
from ..questionnaire.answers import check_page, missing_required
from ..questionnaire.model import Definition, Section
from ..questionnaire.repeats import item_code
from ..templating import text

STATE_FIELD = "preview_state"
NAVIGATION = ("next", "back")


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="questionnaire-preview")


def seal(answers: dict[str, Any], drafts: dict[str, Any]) -> str:
    """The answers so far and the half-finished ones (drafts), signed, for the hidden field."""
    return _signer().dumps({"answers": answers, "drafts": drafts})


def unseal(sealed: object) -> tuple[dict[str, Any], dict[str, Any]]:
    """The answers and drafts a page carried back; none when absent, tampered with or not
    text."""
    if not isinstance(sealed, str) or len(sealed) > 500_000:
        return {}, {}
    try:
        state = _signer().loads(sealed)
    except BadSignature:
        return {}, {}
    if not isinstance(state, dict):
        return {}, {}
    answers, drafts = state.get("answers"), state.get("drafts")
    return (answers if isinstance(answers, dict) else {},
            drafts if isinstance(drafts, dict) else {})


@dataclass(frozen=True)
class Step:
    """What the preview shows after a post: a page (with its values and messages) or the end."""

    section: Section | None  # None: the participant would now see the thank-you page
    answers: dict[str, Any]
    drafts: dict[str, Any]
    values: dict[str, list[str]]
    errors: dict[str, str]
    status: int = 200

    @property
    def sealed(self) -> str:
        return seal(self.answers, self.drafts)


def _messages(definition: Definition, issues: dict[str, Any]) -> dict[str, str]:
    return {code: issue_message(definition.item(item_code(code)), issue, text)
            for code, issue in issues.items()}


def shown(section: Section, answers: dict[str, Any], drafts: dict[str, Any]) -> Step:
    """A page opened with the answers given so far."""
    return Step(section, answers, drafts, navigation.form_values(section, answers, drafts), {})


def opened(definition: Definition, section: Section) -> Step:
    """A page opened by its address: the values the form itself fixes on the pages before it
    (a hidden item's value) count as given, as they would after those pages, so that its
    conditions and calculations read them; nothing else is assumed."""
    fixed: dict[str, Any] = {}
    for earlier in definition.sections[:definition.section_index(section.code)]:
        if earlier.repeat is not None:
            continue
        for item in earlier.items:
            if item.itemtype.shown or item.itemtype.computation(item) is not None:
                continue
            value, _ = item.itemtype.answer(item, {}, definition.roster, {})
            if value is not None:
                fixed[item.code] = value
    return shown(section, fixed, {})


def _merge(saved: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in {**saved, **new}.items() if v is not None}


def submit(definition: Definition, section: Section) -> Step:
    """A preview page's post, checked and moved on as a participant's page is (the participant
    pages' own functions: ``check_page``, ``neighbour``, ``missing_required``)."""
    answers, drafts = unseal(request.form.get(STATE_FIELD))
    rosters = definition.roster
    post = page_post(section, rosters)
    nav = request.form.get("nav", "next")
    editing = repeats.editing(section, nav)
    if editing is not None:  # "Add another" or "Remove": the page again, edited
        kept = post.check(definition, section, answers, rosters, strict=False)
        edited, edited_drafts, _ = repeats.apply(section, kept, *editing)
        return shown(section, _merge(answers, edited), _merge(drafts, edited_drafts))
    nav = nav if nav in NAVIGATION else "next"
    result = post.check(definition, section, answers, rosters, strict=nav == "next")
    if not result.ok:
        values = {name: [v for v in values if isinstance(v, str)]
                  for name, values in post.raw.items()}
        return Step(section, answers, drafts, values, _messages(definition, result.issues), 422)
    merged = _merge(answers, result.answers)
    drafts = _merge(drafts, result.drafts)
    target = navigation.neighbour(definition, section, merged, -1 if nav == "back" else 1)
    if nav == "next" and target is None:
        gap = missing_required(definition, merged, rosters)
        if gap is None:
            return Step(None, merged, {}, {}, {})
        values = navigation.form_values(gap, merged, drafts)
        check = check_page(definition, gap, values, merged, rosters)
        return Step(gap, merged, drafts, values, _messages(definition, check.issues))
    return shown(target or section, merged, drafts)
