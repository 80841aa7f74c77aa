"""``survey evaluations ...`` and ``survey campaigns ...``: the workspace from a script."""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from ..links import external_url
from ..models import Campaign, Evaluation, Site, Team, Wave
from ..models.workspace import CLOSED, OPEN, PANEL_MODES, SITE_KINDS
from ..panel import services as panel
from ..panel.questions import DEFAULT, QUESTIONS
from ..questionnaire.model import AUDIENCES
from ..versions import latest_version
from . import services


def _evaluation(ident: int) -> Evaluation:
    evaluation = db.session.get(Evaluation, ident)
    if evaluation is None:
        raise click.ClickException(f"no evaluation with the id {ident}")
    return evaluation


def _refused(error: services.DesignError) -> click.ClickException:
    return click.ClickException(f"refused: {error}")


@click.group("evaluations", cls=AppGroup)
def evaluations_group() -> None:
    """Create and list evaluations, their sites, waves and teams."""


@evaluations_group.command("create")
@click.argument("name")
@click.option("--description", default="")
@click.option("--responsible", "responsible_name", default="", help="Person responsible.")
@click.option("--email", "contact_email", default="", help="Their email.")
@click.option("--phone", "contact_phone", default="", help="Their phone.")
@click.option("--privacy-officer", "privacy_officer_name", default="",
              help="Person in charge of personal information (Law 25).")
@click.option("--privacy-email", "privacy_officer_email", default="")
@click.option("--public", "is_public", is_flag=True,
              help="List its open campaigns on the public home page (off by default).")
@click.option("--time-zone", "time_zone", default="",
              help="IANA time zone of its dates (default: SURVEY_TIME_ZONE).")
def create_evaluation(name: str, **fields: str | bool) -> None:
    """Create an evaluation; prints its id."""
    try:
        evaluation = services.create_evaluation(None, name=name, **fields)
    except services.DesignError as error:
        raise _refused(error) from None
    click.echo(evaluation.id)


@evaluations_group.command("list")
def list_evaluations() -> None:
    """Evaluations: id, name, sites, waves, campaigns (tab-separated)."""
    for e in db.session.scalars(select(Evaluation).order_by(Evaluation.id)):
        click.echo(f"{e.id}\t{e.name}\t{len(e.sites)} sites\t{len(e.waves)} waves\t"
                   f"{len(e.campaigns)} campaigns{' (demonstration)' if e.is_demo else ''}")


@evaluations_group.command("add-site")
@click.argument("evaluation_id", type=int)
@click.argument("name")
@click.option("--kind", type=click.Choice(SITE_KINDS), default="other", show_default=True)
@click.option("--comparison", is_flag=True, help="A comparison site.")
def add_site(evaluation_id: int, name: str, kind: str, comparison: bool) -> None:
    """Add a site; prints its id."""
    try:
        site = services.save_site(_evaluation(evaluation_id), None, name=name, kind=kind,
                                  is_comparison=comparison)
    except services.DesignError as error:
        raise _refused(error) from None
    click.echo(site.id)


@evaluations_group.command("add-wave")
@click.argument("evaluation_id", type=int)
@click.argument("code")
@click.option("--label", default="")
@click.option("--starts", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--ends", type=click.DateTime(["%Y-%m-%d"]), default=None)
def add_wave(evaluation_id: int, code: str, label: str, starts: dt.datetime | None,
             ends: dt.datetime | None) -> None:
    """Add a wave (T0, T1...); prints its id."""
    try:
        wave = services.save_wave(_evaluation(evaluation_id), None, code=code, label=label,
                                  starts_on=starts.date() if starts else None,
                                  ends_on=ends.date() if ends else None)
    except services.DesignError as error:
        raise _refused(error) from None
    click.echo(wave.id)


@evaluations_group.command("add-team")
@click.argument("site_id", type=int)
@click.argument("name")
@click.option("--roster", type=click.File(encoding="utf-8"), default=None,
              help="A text file: one member per line ('name' or 'code;name').")
def add_team(site_id: int, name: str, roster: click.File | None) -> None:
    """Add a team to a site, with its roster; prints its id."""
    site = db.session.get(Site, site_id)
    if site is None:
        raise click.ClickException(f"no site with the id {site_id}")
    try:
        team = services.save_team(site, None, name=name)
        if roster is not None:
            services.set_team_roster(team, roster.read())
    except services.DesignError as error:
        raise _refused(error) from None
    click.echo(team.id)


@evaluations_group.command("delete")
@click.argument("kind", type=click.Choice(["site", "wave", "team", "campaign"]))
@click.argument("ident", type=int)
def delete_part(kind: str, ident: int) -> None:
    """Delete a site, wave, team or campaign that no campaign, response or invitation uses."""
    model = {"site": Site, "wave": Wave, "team": Team, "campaign": Campaign}[kind]
    part = db.session.get(model, ident)
    if part is None:
        raise click.ClickException(f"no {kind} with the id {ident}")
    try:
        services.delete_part(part, None)
    except services.DesignError as error:
        raise _refused(error) from None
    click.echo(f"deleted {kind} {ident}")


@evaluations_group.command("public")
@click.argument("evaluation_id", type=int)
@click.argument("state", type=click.Choice(["on", "off"]), required=False)
def public(evaluation_id: int, state: str | None) -> None:
    """Show or set whether the public home page lists the evaluation's open campaigns (off:
    they are reached only through their links, posters and invitations)."""
    evaluation = _evaluation(evaluation_id)
    if state is not None:
        services.update_evaluation(evaluation, None, is_public=state == "on")
    click.echo(f"{evaluation.id}\t{'public' if evaluation.is_public else 'not public'}")


@evaluations_group.command("panel-codes")
@click.argument("evaluation_id", type=int)
@click.argument("mode", type=click.Choice(PANEL_MODES), required=False)
@click.option("--question", "question_codes", multiple=True, type=click.Choice(list(QUESTIONS)),
              help="With 'self': a question to ask (repeat; default: "
                   f"{', '.join(DEFAULT)}).")
def panel_codes(evaluation_id: int, mode: str | None, question_codes: tuple[str, ...]) -> None:
    """Show or set how panel codes link waves: off, invitation (carried by each contact's
    invitations) or self (self-generated from --question answers)."""
    evaluation = _evaluation(evaluation_id)
    if mode is not None:
        try:
            panel.configure(evaluation, mode, question_codes or DEFAULT)
        except panel.PanelError as error:
            raise click.ClickException(f"refused: {error}") from None
    questions = ",".join(evaluation.panel_questions or [])
    click.echo(f"{evaluation.id}\t{evaluation.panel_mode}\t{questions}\t"
               f"{panel.collected(evaluation)} responses with a code")


@click.group("campaigns", cls=AppGroup)
def campaigns_group() -> None:
    """Create, list, open and close campaigns; print their links."""


@campaigns_group.command("create")
@click.argument("evaluation_id", type=int)
@click.argument("questionnaire")
@click.option("--audience", type=click.Choice(AUDIENCES), default=None,
              help="Default: the questionnaire's own.")
@click.option("--site", "site_id", type=int, default=None)
@click.option("--wave", "wave_code", default=None, help="Wave code (T0...).")
@click.option("--team", "team_id", type=int, default=None)
@click.option("--name", default="")
@click.option("--open", "open_now", is_flag=True, help="Open it at once.")
def create_campaign(evaluation_id: int, questionnaire: str, audience: str | None,
                    site_id: int | None, wave_code: str | None, team_id: int | None, name: str,
                    open_now: bool) -> None:
    """Offer the newest stored version of QUESTIONNAIRE; prints id and link."""
    evaluation = _evaluation(evaluation_id)
    version = latest_version(questionnaire)
    if version is None:
        raise click.ClickException(f"no stored questionnaire {questionnaire!r}")
    wave = None
    if wave_code is not None:
        wave = db.session.scalar(select(Wave).filter_by(evaluation_id=evaluation.id,
                                                        code=wave_code))
        if wave is None:
            raise click.ClickException(f"no wave {wave_code!r} in evaluation {evaluation.id}")
    try:
        campaign = services.create_campaign(
            evaluation, None, version=version, audience=audience, name=name, wave=wave,
            site=db.session.get(Site, site_id) if site_id else None,
            team=db.session.get(Team, team_id) if team_id else None)
        if open_now:
            services.set_campaign_status(campaign, OPEN, None)
    except services.DesignError as error:
        raise _refused(error) from None
    click.echo(f"{campaign.id}\t{_link(campaign)}")


def _link(campaign: Campaign) -> str:
    return external_url("participate.campaign_link", slug=campaign.slug)


@campaigns_group.command("list")
@click.option("--evaluation", "evaluation_id", type=int, default=None)
def list_campaigns(evaluation_id: int | None) -> None:
    """Campaigns: id, evaluation, status, name, link (tab-separated)."""
    query = select(Campaign).order_by(Campaign.id)
    if evaluation_id is not None:
        query = query.filter_by(evaluation_id=evaluation_id)
    for c in db.session.scalars(query):
        click.echo(f"{c.id}\t{c.evaluation_id}\t{c.status}\t{c.name}\t{_link(c)}")


def _campaign(ident: int) -> Campaign:
    campaign = db.session.get(Campaign, ident)
    if campaign is None:
        raise click.ClickException(f"no campaign with the id {ident}")
    return campaign


@campaigns_group.command("open")
@click.argument("campaign_id", type=int)
def open_campaign(campaign_id: int) -> None:
    """Open (or reopen) a campaign: its link takes answers."""
    campaign = _campaign(campaign_id)
    services.set_campaign_status(campaign, OPEN, None)
    click.echo(f"{campaign.id}\topen\t{_link(campaign)}")


@campaigns_group.command("close")
@click.argument("campaign_id", type=int)
def close_campaign(campaign_id: int) -> None:
    """Close a campaign: its link shows the closed page."""
    campaign = _campaign(campaign_id)
    services.set_campaign_status(campaign, CLOSED, None)
    click.echo(f"{campaign.id}\tclosed")
