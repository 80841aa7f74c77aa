"""The researcher's forms of a results-back page (WTForms, CSRF checked by Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from ..models.restitution import MAX_TITLE, PARTICIPANTS, PUBLIC
from .services import MAX_TEXT


def access_choices() -> list[tuple[str, str]]:
    return [(PARTICIPANTS, str(_l("Only participants, through their own link"))),
            (PUBLIC, str(_l("Anyone with the page's link (poster, handout)")))]


class NewPageForm(FlaskForm):
    audience = SelectField(_l("Audience"), choices=[])
    access = RadioField(_l("Who may open the page?"), default=PARTICIPANTS)


class PageForm(FlaskForm):
    access = RadioField(_l("Who may open the page?"))
    title_fr = StringField(_l("Title in French"), validators=[Length(max=MAX_TITLE)])
    title_en = StringField(_l("Title in English"), validators=[Length(max=MAX_TITLE)])
    use_fr = TextAreaField(_l("How the results will be used, in French"),
                           validators=[Length(max=MAX_TEXT)])
    use_en = TextAreaField(_l("How the results will be used, in English"),
                           validators=[Length(max=MAX_TEXT)])


class FindingForm(FlaskForm):
    text_fr = TextAreaField(_l("In French"), validators=[Length(max=MAX_TEXT)])
    text_en = TextAreaField(_l("In English"), validators=[Length(max=MAX_TEXT)])
    chart = BooleanField(_l("Show the chart of this question"))
