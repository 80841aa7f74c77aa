"""WTForms built per questionnaire page.

One :class:`ItemField` per item carries the raw posted values of that item's inputs (their
names come from the item's type: a matrix has one radio group per row, a rated nomination one
per entry); the checking itself lives with the item types, shared with imports and tests
without Flask.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, HiddenField
from wtforms.fields.core import Field
from wtforms.utils import unset_value

from ..questionnaire.answers import PageResult, RawValues, Rosters, check_page
from ..questionnaire.itemtypes.base import as_text
from ..questionnaire.model import Definition, Item, Section


class ItemField(Field):
    """The posted values of one item's inputs, by input name."""

    def __init__(self, item: Item, names: list[str], **kwargs: Any) -> None:
        super().__init__(label=item.code, **kwargs)
        self.item = item
        self.names = names
        self.raw: dict[str, list[str]] = {}

    def process(self, formdata, data=unset_value, extra_filters=None) -> None:  # noqa: ANN001
        self.process_errors = []
        self.raw = {n: formdata.getlist(n) for n in self.names} if formdata else {}


class ParticipantForm(FlaskForm):
    """A participant page's form, hardened against hostile bodies that Flask-WTF would fail on
    (500): a JSON body that is not an object reads as no data at all, and a CSRF token that is
    not UTF-8 text (a file, a number, a lone surrogate) as no token. The post is then refused
    with the page's message."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):  # noqa: ANN001, ANN201
            if (request.is_json and not request.form and not request.files
                    and not isinstance(request.get_json(silent=True), dict)):
                return None
            data = super().wrap_formdata(form, formdata)
            if data is not None and as_text(data.get("csrf_token", "")) is None:
                data = MultiDict(data)
                data.poplist("csrf_token")
            return data


class TextHiddenField(HiddenField):
    """A hidden field that holds text only: anything else posted (a file, a JSON number or
    object) reads as empty."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = valuelist[0] if valuelist and isinstance(valuelist[0], str) else ""


class StartForm(ParticipantForm):
    """The consent form; its token makes a double tap start one response only."""

    start_token = TextHiddenField()
    agree = BooleanField()


class ActionForm(ParticipantForm):
    """A form with nothing but its CSRF token (the withdrawal confirmation)."""


class PageForm(ParticipantForm):
    def item_fields(self) -> list[ItemField]:
        return [f for f in self if isinstance(f, ItemField)]

    def raw_values(self) -> RawValues:
        return {name: values for f in self.item_fields() for name, values in f.raw.items()}

    def check(self, definition: Definition, section: Section, saved: dict[str, Any],
              rosters: Rosters, strict: bool) -> PageResult:
        return check_page(definition, section, self.raw_values(), saved, rosters, strict)


def page_form(section: Section, rosters: Rosters, **kwargs: Any) -> PageForm:
    """The form of this page, built from the definition (field names avoid clashes)."""
    fields = tuple((item, tuple(item.kind.input_names(item, rosters(item))))
                   for item in section.items if item.answerable)
    key = (id(section), tuple(names for _, names in fields))
    cached = _PAGE_FORMS.get(key)
    if cached is None or cached[0] is not section:
        if len(_PAGE_FORMS) >= 1024:
            _PAGE_FORMS.clear()
        # Building a form class costs more than filling it: one class per page and process.
        page = type("Page", (PageForm,), {f"item_{item.code}": ItemField(item, list(names))
                                          for item, names in fields})
        cached = _PAGE_FORMS[key] = (section, page)
    return cached[1](**kwargs)


_PAGE_FORMS: dict[tuple[int, tuple[tuple[str, ...], ...]], tuple[Section, type[PageForm]]] = {}
