"""The participant pages' forms: consent and actions (WTForms), and a page's post.

A page's post carries the raw values of each item's inputs (their names come from the item's
type: a matrix has one radio group per row, a rated nomination one per entry); the checking
itself lives with the item types, shared with imports and tests without Flask.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.csrf import validate_csrf
from flask_wtf.form import SUBMIT_METHODS
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import BooleanField, HiddenField
from wtforms.validators import ValidationError

from ..questionnaire.answers import PageResult, RawValues, Rosters, check_page
from ..questionnaire.itemtypes.base import as_text
from ..questionnaire.model import Definition, Section
from ..questionnaire.repeats import input_names as repeated_names


def posted_data() -> MultiDict[str, Any] | None:
    """What a participant's post carries, read as Flask-WTF reads a form's (form and files, else
    a JSON body), hardened against hostile bodies that Flask-WTF would fail on (500): a JSON
    body that is not an object reads as no data at all, and a CSRF token that is not UTF-8 text
    (a file, a number, a lone surrogate) as no token. The post is then refused with the page's
    message. One reading for the WTForms forms below and for a page's post."""
    if request.method not in SUBMIT_METHODS:
        return None
    data: MultiDict[str, Any] | None = None
    if request.files:
        data = CombinedMultiDict((request.files, request.form))
    elif request.form:
        data = request.form
    elif request.is_json:
        body = request.get_json(silent=True)
        data = MultiDict(body) if isinstance(body, dict) else None
    if data is not None and as_text(data.get("csrf_token", "")) is None:
        data = MultiDict(data)
        data.poplist("csrf_token")
    return data


class ParticipantForm(FlaskForm):
    """A participant page's form: it always reads the request, through :func:`posted_data`."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):  # noqa: ANN001, ANN201, ARG002
            return posted_data()

        def get_translations(self, form):  # noqa: ANN001, ANN201
            """None: these forms show only the app's own messages, never WTForms' (whose
            catalogue Flask-WTF read from disk for every form built: 5% of a consent post)."""
            return None


class TextHiddenField(HiddenField):
    """A hidden field that holds text only: anything else posted (a file, a JSON number or
    object) reads as empty."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = valuelist[0] if valuelist and isinstance(valuelist[0], str) else ""


class AgreeField(BooleanField):
    """The consent box: ticked only when it posts the box's own value (``y``); anything else
    posted (another word, a file, a JSON number) is not consent, and the page is shown again."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = bool(valuelist) and valuelist[0] == "y"


class StartForm(ParticipantForm):
    """The consent form; its token makes a double tap start one response only."""

    start_token = TextHiddenField()
    agree = AgreeField()


class ActionForm(ParticipantForm):
    """A form with nothing but its CSRF token (the withdrawal confirmation)."""


@dataclass(frozen=True)
class PagePost:
    """A participant page's post: whether its CSRF token holds, and the raw values of the
    page's inputs by input name (anything, as posted: the item types check them)."""

    token_ok: bool
    raw: RawValues

    def check(self, definition: Definition, section: Section, saved: dict[str, Any],
              rosters: Rosters, strict: bool) -> PageResult:
        return check_page(definition, section, self.raw, saved, rosters, strict)


def page_post(section: Section, rosters: Rosters) -> PagePost:
    """Read a page's post (:func:`posted_data`) and check its CSRF token with Flask-WTF. Not a
    WTForms form: building one per post (a field per
    item, a new token generated, each field validated) was a tenth of a page save, and a page
    shown needs only its token (``csrf_token()`` in the template)."""
    data = posted_data()
    if data is None:
        return PagePost(False, {})
    try:
        validate_csrf(data.get("csrf_token"))  # a missing token raises too
        token_ok = True
    except ValidationError:
        token_ok = False
    names = (repeated_names(section, rosters) if section.repeat is not None else
             (name for item in section.items if item.answerable
              for name in item.itemtype.input_names(item, rosters(item))))
    return PagePost(token_ok, {name: data.getlist(name) for name in names})
