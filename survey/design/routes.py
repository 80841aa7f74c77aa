"""Pages of the research workspace (desktop width). Views are thin: the changes live in
:mod:`survey.design.services`; who may open what is said by :mod:`survey.auth.permissions`."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as HttpResponse

from ..assess import services as assessed  # sites a partner is limited to
from ..auth import accounts
from ..auth.forms import ActionForm
from ..auth.mailing import send_account_link
from ..auth.messages import account_error_message
from ..auth.permissions import MANAGE, OPERATE, VIEW, member, signed_in
from ..collect import services as collect  # a navigator's home
from ..extensions import db
from ..links import external_url
from ..models import (
    Campaign,
    Evaluation,
    Membership,
    QuestionnaireVersion,
    Site,
    Team,
    Wave,
)
from ..models.account import NAVIGATOR, ROLES
from ..models.workspace import CLOSED, OPEN, SITE_KINDS
from ..options import SelectChoice, options
from ..questionnaire.model import AUDIENCES
from ..refusals import refusal
from . import services
from .blueprint import E, Model, Page, bp, form_status, owned, seen_campaign
from .forms import (
    CampaignEditForm,
    CampaignForm,
    EvaluationForm,
    MemberForm,
    RoleForm,
    RosterForm,
    SiteForm,
    TeamForm,
    WaveForm,
)
from .labels import audience_name, design_refusal, role_name, site_kind_name
from .rosters import RosterEntry, from_json, roster_text

# -- evaluations ----------------------------------------------------------------------------

@bp.get("/")
@signed_in
def evaluations() -> Page:
    if collect.only_collects(current_user):  # a navigator's place is their home
        return redirect(url_for("collect.home"))
    return render_template("design/evaluations.html",
                           evaluations=services.evaluations_of(current_user),
                           collecting={m.evaluation_id for m in current_user.memberships
                                       if m.role == NAVIGATOR},
                           may_create=services.may_create_evaluations(current_user))


@bp.route("/new", methods=["GET", "POST"])
@signed_in
def evaluation_new() -> Page:
    if not services.may_create_evaluations(current_user):
        abort(403)
    form = EvaluationForm()
    error = None
    if form.validate_on_submit():
        with refusal(services.DesignError, design_refusal) as outcome:
            evaluation = services.create_evaluation(current_user, **_evaluation_fields(form))
        error = outcome.error
        if error is None:
            return redirect(url_for(".evaluation", evaluation_id=evaluation.id))
    return render_template("design/evaluation_form.html", form=form, evaluation=None,
                           error=error), form_status(error)


def _evaluation_fields(form: EvaluationForm) -> dict[str, str]:
    return {**{name: getattr(form, name).data or "" for name in services.EVALUATION_FIELDS},
            **{name: getattr(form, name).data is True for name in services.EVALUATION_FLAGS}}


@bp.get(E)
@member(VIEW)
def evaluation(evaluation: Evaluation) -> str:
    kinds = options((k, site_kind_name(k)) for k in SITE_KINDS)
    site_form = SiteForm(prefix="site")
    site_form.kind.choices = kinds
    team_form = TeamForm(prefix="team")
    team_form.site.choices = options([(str(s.id), s.name) for s in evaluation.sites])
    members = db.session.scalars(select(Membership).filter_by(evaluation_id=evaluation.id)
                                 .order_by(Membership.role, Membership.id)).all()
    limits = assessed.site_limits(current_user, evaluation.id)  # a partner's: theirs only
    return render_template(
        "design/evaluation.html", evaluation=evaluation, site_form=site_form,
        wave_form=WaveForm(prefix="wave"), team_form=team_form, members=members,
        campaigns=[c for c in evaluation.campaigns if assessed.sees_site(limits, c.site_id)],
        sites=[s for s in evaluation.sites if assessed.sees_site(limits, s.id)],
        counts=assessed.campaign_counts(services.response_counts(evaluation), evaluation,
                                        limits),
        action_form=ActionForm(), manage=_may(MANAGE), operate=_may(OPERATE))


def _may(roles: tuple[str, ...]) -> bool:
    from ..auth.permissions import may

    return may(roles)


@bp.route(E + "/edit", methods=["GET", "POST"])
@member(MANAGE)
def evaluation_edit(evaluation: Evaluation) -> Page:
    form = EvaluationForm(obj=evaluation if request.method == "GET" else None)
    error = None
    if form.validate_on_submit():
        with refusal(services.DesignError, design_refusal) as outcome:
            services.update_evaluation(evaluation, current_user, **_evaluation_fields(form))
        error = outcome.error
        if error is None:
            flash(gettext("Saved."))
            return redirect(url_for(".evaluation", evaluation_id=evaluation.id))
    return render_template("design/evaluation_form.html", form=form, evaluation=evaluation,
                           error=error), form_status(error)


# -- sites, waves, teams ---------------------------------------------------------------------

@bp.post(E + "/sites")
@member(MANAGE)
def site_add(evaluation: Evaluation) -> Page:
    return _site(evaluation, None, SiteForm(prefix="site"))


@bp.route(E + "/sites/<int:site_id>", methods=["GET", "POST"])
@member(MANAGE)
def site_edit(evaluation: Evaluation, site_id: int) -> Page:
    site = owned(Site, site_id, evaluation)
    return _site(evaluation, site, SiteForm(prefix="site",
                                            obj=site if request.method == "GET" else None))


def _site(evaluation: Evaluation, site: Site | None, form: SiteForm) -> Page:
    form.kind.choices = options([(k, site_kind_name(k)) for k in SITE_KINDS])
    error = None
    if form.validate_on_submit():
        with refusal(services.DesignError, design_refusal) as outcome:
            services.save_site(evaluation, site, name=form.name.data or "",
                               kind=form.kind.data or "", is_comparison=form.is_comparison.data)
        error = outcome.error
        if error is None:
            flash(gettext("Saved."))
            return redirect(url_for(".evaluation", evaluation_id=evaluation.id) + "#sites")
    elif request.method == "POST":
        error = gettext("Please check the form.")
    return render_template("design/part_form.html", evaluation=evaluation, form=form,
                           title=gettext("Site"), error=error, action_form=ActionForm(),
                           delete=_delete_link(evaluation, "sites", site)), form_status(error)


@bp.post(E + "/waves")
@member(MANAGE)
def wave_add(evaluation: Evaluation) -> Page:
    return _wave(evaluation, None, WaveForm(prefix="wave"))


@bp.route(E + "/waves/<int:wave_id>", methods=["GET", "POST"])
@member(MANAGE)
def wave_edit(evaluation: Evaluation, wave_id: int) -> Page:
    wave = owned(Wave, wave_id, evaluation)
    return _wave(evaluation, wave, WaveForm(prefix="wave",
                                            obj=wave if request.method == "GET" else None))


def _wave(evaluation: Evaluation, wave: Wave | None, form: WaveForm) -> Page:
    error = None
    if form.validate_on_submit():
        with refusal(services.DesignError, design_refusal) as outcome:
            services.save_wave(evaluation, wave, code=form.code.data or "",
                               label=form.label.data or "", starts_on=form.starts_on.data,
                               ends_on=form.ends_on.data)
        error = outcome.error
        if error is None:
            flash(gettext("Saved."))
            return redirect(url_for(".evaluation", evaluation_id=evaluation.id) + "#waves")
    elif request.method == "POST":
        error = gettext("Please check the form.")
    return render_template("design/part_form.html", evaluation=evaluation, form=form,
                           title=gettext("Wave"), error=error, action_form=ActionForm(),
                           delete=_delete_link(evaluation, "waves", wave)), form_status(error)


@bp.post(E + "/teams")
@member(MANAGE)
def team_add(evaluation: Evaluation) -> Page:
    form = TeamForm(prefix="team")
    form.site.choices = options([(str(s.id), s.name) for s in evaluation.sites])
    error = None
    if form.validate_on_submit():
        site = owned(Site, int(form.site.data), evaluation)
        with refusal(services.DesignError, design_refusal) as outcome:
            team = services.save_team(site, None, name=form.name.data or "")
        error = outcome.error
        if error is None:
            return redirect(url_for(".team", evaluation_id=evaluation.id, team_id=team.id))
    else:
        error = gettext("Please check the form.")
    return render_template("design/part_form.html", evaluation=evaluation, form=form,
                           title=gettext("Team"), error=error), form_status(error)


@bp.route(E + "/teams/<int:team_id>", methods=["GET", "POST"])
@member(MANAGE)
def team(evaluation: Evaluation, team_id: int) -> Page:
    team = owned(Team, team_id, evaluation)
    form = RosterForm()
    error = None
    if request.method == "GET":
        form.name.data = team.name
        form.roster.data = roster_text(
            RosterEntry(m.code, m.display_name, m.retired) for m in team.members)
    elif form.validate_on_submit():
        with refusal(services.DesignError, design_refusal) as outcome:
            services.save_team(team.site, team, name=form.name.data or "")
            services.set_team_roster(team, form.roster.data or "")
        error = outcome.error
        if error is None:
            flash(gettext("Saved."))
            return redirect(url_for(".team", evaluation_id=evaluation.id, team_id=team.id))
    else:
        error = gettext("Please check the form.")
    return render_template("design/team.html", evaluation=evaluation, team=team, form=form,
                           action_form=ActionForm(), delete=_delete_link(evaluation, "teams", team),
                           error=error), form_status(error)


def _delete_link(evaluation: Evaluation, parts: str, part: Any) -> str | None:
    return (url_for(".part_delete", evaluation_id=evaluation.id, parts=parts, ident=part.id)
            if part is not None else None)


PARTS: dict[str, tuple[type[Site | Wave | Team | Campaign], str]] = {
    "sites": (Site, "#sites"), "waves": (Wave, "#waves"), "teams": (Team, "#sites"),
    "campaigns": (Campaign, "#campaigns")}


@bp.post(E + "/<any(sites, waves, teams, campaigns):parts>/<int:ident>/delete")
@member(MANAGE)
def part_delete(evaluation: Evaluation, parts: str, ident: int) -> HttpResponse:
    """Delete a site, wave, team or campaign set up by mistake (refused once it is used)."""
    model, anchor = PARTS[parts]
    part = owned(model, ident, evaluation)
    if ActionForm().validate_on_submit():
        with refusal(services.DesignError, design_refusal) as outcome:
            services.delete_part(part, current_user)
        if outcome.error:
            flash(outcome.error, "error")
        else:
            flash(gettext("Deleted."))
    return redirect(url_for(".evaluation", evaluation_id=evaluation.id) + anchor)


# -- members ---------------------------------------------------------------------------------

@bp.route(E + "/members", methods=["GET", "POST"])
@member(MANAGE)
def members(evaluation: Evaluation) -> Page:
    form = MemberForm()
    form.role.choices = options((c.value, role_name(c.value)) for c in form.role.choices)
    error = link = None
    if form.validate_on_submit():
        user = accounts.find_user(form.email.data or "")
        with refusal(accounts.AccountError, account_error_message) as outcome:
            if user is None:
                user = accounts.create_user(form.email.data or "", actor=current_user)
                link = send_account_link(user, current_user)
            accounts.set_role(user, evaluation, form.role.data, actor=current_user)
        error = outcome.error
        if error is None:
            flash(gettext("%(email)s is now %(role)s.", email=user.email,
                          role=role_name(form.role.data or "")))
            if link is None:
                return redirect(url_for(".members", evaluation_id=evaluation.id))
    elif request.method == "POST":
        error = gettext("Please check the form.")
    rows = db.session.scalars(select(Membership).filter_by(evaluation_id=evaluation.id)
                              .order_by(Membership.role, Membership.id)).all()
    return render_template("design/members.html", evaluation=evaluation, form=form, rows=rows,
                           role_form=_role_form, error=error, link=link), form_status(error)


def _role_form(membership: Membership) -> RoleForm:
    form = RoleForm(prefix=f"m{membership.id}", role=membership.role)
    form.role.choices = options(
        [(r, role_name(r)) for r in ROLES]
        + [("", gettext("Remove from the evaluation"))])
    return form


@bp.post(E + "/members/<int:membership_id>")
@member(MANAGE)
def member_role(evaluation: Evaluation, membership_id: int) -> HttpResponse:
    membership = owned(Membership, membership_id, evaluation)
    form = _role_form(membership)
    if form.validate_on_submit():
        with refusal(accounts.AccountError, account_error_message) as outcome:
            accounts.set_role(membership.user, evaluation, form.role.data or None,
                              actor=current_user)
        flash(outcome.error or gettext("Saved."))
    return redirect(url_for(".members", evaluation_id=evaluation.id))


# -- campaigns -------------------------------------------------------------------------------

def _versions() -> list[QuestionnaireVersion]:
    return list(db.session.scalars(select(QuestionnaireVersion)
                                   .order_by(QuestionnaireVersion.id.desc())))


def _version_label(version: QuestionnaireVersion) -> str:
    definition = version.definition
    title = definition.title.get(str(_locale())) or next(iter(definition.title.values()), "")
    stamp = version.created_at.strftime("%Y-%m-%d")
    return f"{definition.code} · {title} · {version.label or version.content_hash[:8]} ({stamp})"


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale())


def _team_choices(evaluation: Evaluation) -> list[SelectChoice]:
    return options([("", gettext("No team"))] + [(str(t.id), f"{s.name} · {t.name}")
                                              for s in evaluation.sites for t in s.teams])


@bp.route(E + "/campaigns/new", methods=["GET", "POST"])
@member(MANAGE)
def campaign_new(evaluation: Evaluation) -> Page:
    form = CampaignForm()
    versions = _versions()
    form.version.choices = options([(str(v.id), _version_label(v)) for v in versions])
    form.audience.choices = options([("", gettext("The questionnaire's own"))] + [
        (a, audience_name(a)) for a in AUDIENCES])
    form.site.choices = options([("", gettext("No site"))] + [(str(s.id), s.name)
                                                      for s in evaluation.sites])
    form.wave.choices = options([("", gettext("No wave"))] + [(str(w.id), w.code)
                                                      for w in evaluation.waves])
    form.team.choices = _team_choices(evaluation)
    error = None
    if form.validate_on_submit():
        version = db.session.get(QuestionnaireVersion, int(form.version.data))
        with refusal(services.DesignError, design_refusal) as outcome:
            campaign = services.create_campaign(
                evaluation, current_user, version=version, audience=form.audience.data or None,
                site=_optional(Site, form.site.data, evaluation),
                wave=_optional(Wave, form.wave.data, evaluation),
                team=_optional(Team, form.team.data, evaluation),
                name=form.name.data or "", roster=form.roster.data or "")
        error = outcome.error
        if error is None:
            return redirect(url_for(".campaign", evaluation_id=evaluation.id,
                                    campaign_id=campaign.id))
    elif request.method == "POST":
        error = gettext("Please check the form.")
    return render_template("design/campaign_form.html", evaluation=evaluation, form=form,
                           campaign=None, error=error), form_status(error)


def _optional(model: type[Model], value: str | None, evaluation: Evaluation) -> Model | None:
    return owned(model, int(value), evaluation) if value and value.isdigit() else None


@bp.get(E + "/campaigns/<int:campaign_id>")
@member(VIEW)
def campaign(evaluation: Evaluation, campaign_id: int) -> str:
    campaign = seen_campaign(campaign_id, evaluation)
    counts = services.response_counts(evaluation).get(campaign.id, (0, 0))
    return render_template("design/campaign.html", evaluation=evaluation, campaign=campaign,
                           link=external_url("participate.campaign_link", slug=campaign.slug),
                           counts=counts, action_form=ActionForm(), manage=_may(MANAGE),
                           operate=_may(OPERATE))


@bp.route(E + "/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@member(MANAGE)
def campaign_edit(evaluation: Evaluation, campaign_id: int) -> Page:
    campaign = owned(Campaign, campaign_id, evaluation)
    form = CampaignEditForm()
    form.team.choices = _team_choices(evaluation)
    error = None
    if request.method == "GET":
        form.name.data = campaign.name
        form.team.data = str(campaign.team_id or "")
        form.roster.data = roster_text(from_json(campaign.roster))
    elif form.validate_on_submit():
        with refusal(services.DesignError, design_refusal) as outcome:
            services.update_campaign(campaign, current_user, name=form.name.data or "",
                                     roster=form.roster.data or "",
                                     team=_optional(Team, form.team.data, evaluation))
        error = outcome.error
        if error is None:
            flash(gettext("Saved."))
            return redirect(url_for(".campaign", evaluation_id=evaluation.id,
                                    campaign_id=campaign.id))
    else:
        error = gettext("Please check the form.")
    return render_template("design/campaign_form.html", evaluation=evaluation, form=form,
                           campaign=campaign, error=error), form_status(error)


@bp.post(E + "/campaigns/<int:campaign_id>/status")
@member(OPERATE)
def campaign_status(evaluation: Evaluation, campaign_id: int) -> HttpResponse:
    campaign = owned(Campaign, campaign_id, evaluation)
    wanted = request.form.get("status")
    if (ActionForm().validate_on_submit() and wanted in (OPEN, CLOSED)
            and services.set_campaign_status(campaign, wanted, current_user)):
        flash(gettext("The campaign is open: its link takes answers.") if wanted == OPEN
              else gettext("The campaign is closed: its link shows a closed page."))
    return redirect(url_for(".campaign", evaluation_id=evaluation.id, campaign_id=campaign.id))


def register_helpers(app: Any) -> None:
    from .labels import HELPERS

    app.jinja_env.globals.update(HELPERS)
