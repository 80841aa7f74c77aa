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
    # Drop-off pages in questionnaire order; one questionnaire per campaign, several per
    # evaluation (their sections listed one after the other, titled by page).
    sections: list[str] = []
    titles: dict[str, str] = {}
    for c in campaigns:
        for section in c.version.definition.sections:
            if section.code not in titles:
                sections.append(section.code)
                titles[section.code] = text(section.title) or section.code
    monitor = summarise(rows, invited=invited if invited else None, sections=sections,
                        min_group=int(current_app.config["MIN_GROUP_SIZE"]),
                        restricted=not reads_every_group(),
                        today=now.astimezone(zone).date(), span=span, zone=zone)
    return render_template("monitoring/page.html", evaluation=evaluation, campaign=campaign,
                           monitor=monitor, titles=titles, bars=bars(monitor.by_day),
                           width=CHART_WIDTH, height=CHART_HEIGHT,
                           restricted=not reads_every_group(),
                           min_group=current_app.config["MIN_GROUP_SIZE"])


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
