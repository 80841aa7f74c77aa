"""Forms of the invitation pages (CSRF through Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateTimeLocalField, IntegerField, RadioField
from wtforms.validators import InputRequired, NumberRange, Optional

from ..options import options
from .services import MAX_GENERATE


class GenerateForm(FlaskForm):
    count = IntegerField(_l("Number of links"), default=10,
                         validators=[InputRequired(), NumberRange(1, MAX_GENERATE)])


class ImportForm(FlaskForm):
    contacts = FileField(_l("Contact file (CSV)"), validators=[FileRequired()])


class MailingForm(FlaskForm):
    kind = RadioField(_l("Message"), choices=options([("invitation", _l("Invitation")),
                                                      ("reminder", _l("Reminder"))]),
                      default="invitation", validators=[InputRequired()])
    when = RadioField(_l("When"), choices=options([("now", _l("Now")), ("later", _l("Later"))]),
                      default="now", validators=[InputRequired()])
    due_at = DateTimeLocalField(_l("Date and time"), validators=[Optional()])
