"""Forms of the account pages (CSRF through Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from .passwords import MAX_LENGTH

EMAIL = [DataRequired(), Length(max=254)]
NEW_PASSWORD = [DataRequired(), Length(max=MAX_LENGTH)]


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=EMAIL)
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=NEW_PASSWORD)
    confirm = PasswordField(_l("New password, again"),
                            validators=[EqualTo("password", _l("The two passwords differ."))])


class PasswordChangeForm(NewPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(),
                                                                 Length(max=MAX_LENGTH)])


class FirstAdminForm(NewPasswordForm):
    email = EmailField(_l("Email"), validators=EMAIL)
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Email"), validators=EMAIL)


class UserCreateForm(FlaskForm):
    email = EmailField(_l("Email"), validators=EMAIL)
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    admin = BooleanField(_l("Administrator of the whole instance"))


class UserEditForm(FlaskForm):
    admin = BooleanField(_l("Administrator of the whole instance"))
    active = BooleanField(_l("Active (may sign in)"))


class ActionForm(FlaskForm):
    """A button that changes something: only its CSRF token."""


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    action = SelectField(_l("Action"), validators=[Optional()])
    text = StringField(_l("Account or target contains"), validators=[Optional(), Length(max=200)])
    evaluation = SelectField(_l("Evaluation"), validators=[Optional()])
    since = DateField(_l("From (date)"), validators=[Optional()])
    until = DateField(_l("To (date, included)"), validators=[Optional()])
