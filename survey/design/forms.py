"""Forms of the research workspace (CSRF through Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..models.account import ROLES
from ..options import options
from ..timezones import is_zone


def zone_validator(form: FlaskForm, field: StringField) -> None:
    """An IANA time zone this machine knows (empty: the instance's)."""
    if field.data and not is_zone(field.data.strip()):
        raise ValidationError(_l("Choose a time zone from the list (America/Toronto, "
                                 "Europe/Paris...)."))


class EvaluationForm(FlaskForm):
    name = StringField(_l("Name of the evaluation"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    responsible_name = StringField(_l("Person responsible"),
                                   validators=[Optional(), Length(max=200)])
    contact_email = EmailField(_l("Contact email"), validators=[Optional(), Length(max=254)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=64)])
    privacy_officer_name = StringField(_l("Person in charge of personal information"),
                                       validators=[Optional(), Length(max=200)])
    privacy_officer_email = EmailField(_l("Their email"),
                                       validators=[Optional(), Length(max=254)])
    is_public = BooleanField(_l("List its open campaigns on the public home page"))
    time_zone = StringField(_l("Time zone"), validators=[Optional(), Length(max=64),
                                                        zone_validator])


class SiteForm(FlaskForm):
    name = StringField(_l("Site name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind of site"))
    is_comparison = BooleanField(_l("Comparison site (does not run the innovation)"))


class WaveForm(FlaskForm):
    code = StringField(_l("Code (T0, T1...)"), validators=[DataRequired(), Length(max=16)])
    label = StringField(_l("Label"), validators=[Optional(), Length(max=200)])
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])


class TeamForm(FlaskForm):
    site = SelectField(_l("Site"))
    name = StringField(_l("Team name"), validators=[DataRequired(), Length(max=200)])


class RosterForm(FlaskForm):
    name = StringField(_l("Team name"), validators=[DataRequired(), Length(max=200)])
    roster = TextAreaField(_l("Members, one per line"), validators=[Length(max=100_000)])


class MemberForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=options([(r, r) for r in ROLES]))


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=options([(r, r) for r in (*ROLES, "")]))


class CampaignForm(FlaskForm):
    version = SelectField(_l("Questionnaire version"))
    audience = SelectField(_l("Audience"))
    site = SelectField(_l("Site"))
    wave = SelectField(_l("Wave"))
    team = SelectField(_l("Team (its members are the roster)"))
    name = StringField(_l("Name of the campaign"), validators=[Optional(), Length(max=200)])
    roster = TextAreaField(_l("Roster, one per line (when no team gives it)"),
                           validators=[Optional(), Length(max=100_000)])


class CampaignEditForm(FlaskForm):
    name = StringField(_l("Name of the campaign"), validators=[Optional(), Length(max=200)])
    team = SelectField(_l("Team (its members are the roster)"))
    roster = TextAreaField(_l("Roster, one per line (when no team gives it)"),
                           validators=[Optional(), Length(max=100_000)])


class PanelForm(FlaskForm):
    """How an evaluation links waves (choices and labels set by the view)."""

    mode = RadioField(_l("Panel codes"))
    questions = SelectMultipleField(_l("Questions asked (self-generated codes)"),
                                    widget=ListWidget(prefix_label=False),
                                    option_widget=CheckboxInput())
