"""Forms of follow-up series (CSRF through Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..models.followup import DECLINED, NOT_REACHED, REACHED
from ..options import options


class SeriesForm(FlaskForm):
    name = StringField(_l("Name of the series"), validators=[DataRequired(), Length(max=200)])
    code = StringField(_l("Short code"), validators=[DataRequired(), Length(max=8)])
    version = SelectField(_l("Questionnaire version"), validators=[DataRequired()])
    site = SelectField(_l("Site"), validators=[DataRequired()])
    steps = TextAreaField(_l("Follow-up steps after each person's baseline"),
                          validators=[DataRequired(), Length(max=500)])


class OutcomeForm(FlaskForm):
    outcome = RadioField(_l("What happened?"), validators=[DataRequired()], choices=options([
        (REACHED, _l("Reached")), (NOT_REACHED, _l("Not reached")),
        (DECLINED, _l("Declined: no further steps"))]))
    happened_on = DateField(_l("Date"), validators=[Optional()])


class AddressForm(FlaskForm):
    email = EmailField(_l("Your email address"), validators=[DataRequired(), Length(max=254)])
