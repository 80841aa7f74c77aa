"""Live monitoring pages, per campaign and per evaluation (every member may look; partners see
small counts as "< 5")."""

from __future__ import annotations

from flask import current_app, render_template
from flask_login import current_user

from ..assess import services as assessed  # sites a partner is limited to
from ..auth.permissions import VIEW, member, reads_every_group
from ..models import Campaign, Evaluation
from ..models.types import utcnow
from ..monitoring import (
    CHART_HEIGHT,
    CHART_WIDTH,
    Place,
    bars,
    campaign_rows,
    campaign_span,
    first_invitation,
    summarise,
)
from ..templating import text
from ..timezones import zone_of
from .blueprint import E, bp, seen_campaign


def _render(evaluation: Evaluation, campaigns: list[Campaign], campaign: Campaign | None) -> str:
    ids = [c.id for c in campaigns]
    rows, invited = campaign_rows(ids)
    zone, now = zone_of(evaluation), utcnow()
    span = campaign_span([c.opened_at for c in campaigns], [c.closed_at for c in campaigns],
                         any(c.is_open for c in campaigns), first_invitation(ids), now, zone)
    sections, pages, groups = _places(campaigns)
    monitor = summarise(rows, invited=invited if invited else None, sections=sections,
                        min_group=int(current_app.config["MIN_GROUP_SIZE"]),
                        restricted=not reads_every_group(),
                        today=now.astimezone(zone).date(), span=span, zone=zone)
    return render_template("monitoring/page.html", evaluation=evaluation, campaign=campaign,
                           monitor=monitor,
                           titles=pages, groups=groups,
                           bars=bars(monitor.by_day),
                           width=CHART_WIDTH, height=CHART_HEIGHT,
                           restricted=not reads_every_group(),
                           min_group=current_app.config["MIN_GROUP_SIZE"])


def _places(campaigns: list[Campaign]) -> tuple[list[Place], dict[Place, str], dict[str, str]]:
    """The drop-off pages in questionnaire order (one questionnaire per campaign, several per
    evaluation, listed one after the other), each page's title, and the questionnaires' titles
    when the view spans several (the table then groups the pages under them: questionnaires
    share section codes such as ``about_you``)."""
    order: list[Place] = []
    pages: dict[Place, str] = {}
    questionnaires: dict[str, str] = {}
    for c in campaigns:
        definition = c.version.definition
        questionnaires.setdefault(definition.code, text(definition.title) or definition.code)
        for section in definition.sections:
            place = (definition.code, section.code)
            if place not in pages:
                order.append(place)
                pages[place] = text(section.title) or section.code
    return order, pages, questionnaires if len(questionnaires) > 1 else {}


@bp.get(E + "/campaigns/<int:campaign_id>/monitoring")
@member(VIEW)
def campaign_monitoring(evaluation: Evaluation, campaign_id: int) -> str:
    campaign = seen_campaign(campaign_id, evaluation)
    return _render(evaluation, [campaign], campaign)


@bp.get(E + "/monitoring")
@member(VIEW)
def evaluation_monitoring(evaluation: Evaluation) -> str:
    limits = assessed.site_limits(current_user, evaluation.id)
    return _render(evaluation, [c for c in evaluation.campaigns
                                if assessed.sees_site(limits, c.site_id)], None)
