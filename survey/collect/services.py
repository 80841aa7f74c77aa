"""What a navigator may collect for, and the counts of what they collected (never answers)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select

from ..assess import services as assessed  # the sites a membership is limited to
from ..auth.permissions import COLLECT
from ..extensions import db
from ..models import Campaign, Collection, Evaluation, Membership, User
from ..models.workspace import OPEN
from ..timezones import to_utc, zone_of


class NotCollectable(Exception):
    """A campaign that this reader may not collect for (another evaluation's, or a site
    outside their membership's)."""


@dataclass(frozen=True)
class Counts:
    today: int = 0
    week: int = 0
    total: int = 0


@dataclass(frozen=True)
class Place:
    """One campaign a navigator may collect for, with what they collected there."""

    campaign: Campaign
    counts: Counts


@dataclass(frozen=True)
class Collecting:
    """One evaluation on a navigator's home: its open campaigns within their sites."""

    evaluation: Evaluation
    places: list[Place]
    counts: Counts  # every campaign of the evaluation together


def evaluations_for(user: User) -> list[Evaluation]:
    """The evaluations where this account collects (admins: every one)."""
    query = select(Evaluation).order_by(Evaluation.is_demo, Evaluation.name)
    if not user.is_admin:
        query = query.join(Membership).where(Membership.user_id == user.id,
                                             Membership.role.in_(COLLECT))
    return list(db.session.scalars(query))


def collects_somewhere(user: User) -> bool:
    """Whether the account has a home for collecting: the workspace links to it."""
    return user.is_admin or any(m.role in COLLECT for m in user.memberships)


def only_collects(user: User) -> bool:
    """A navigator and nothing else: sent to their home after signing in."""
    roles = {m.role for m in user.memberships}
    return not user.is_admin and bool(roles) and roles <= {"navigator"}


def campaigns_for(user: User, evaluation: Evaluation) -> list[Campaign]:
    """The evaluation's open campaigns at the sites the user's membership allows."""
    limits = assessed.site_limits(user, evaluation.id)
    return [c for c in evaluation.campaigns
            if c.status == OPEN and assessed.sees_site(limits, c.site_id)]


def collectable(user: User, evaluation: Evaluation, campaign_id: int) -> Campaign:
    """A campaign of this evaluation the user may collect for, open or not; raises
    :class:`LookupError` for another evaluation's and :class:`NotCollectable` outside the
    user's sites."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.evaluation_id != evaluation.id:
        raise LookupError(campaign_id)
    if not assessed.sees_site(assessed.site_limits(user, evaluation.id), campaign.site_id):
        raise NotCollectable(campaign_id)
    return campaign


def day_bounds(evaluation: Evaluation, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants when today and this week (from Monday) began in the evaluation's
    time zone."""
    zone = zone_of(evaluation)
    local = now.astimezone(zone).replace(tzinfo=None)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    monday = midnight - dt.timedelta(days=midnight.weekday())
    return to_utc(midnight, zone), to_utc(monday, zone)


def counts_by_campaign(user: User, evaluation: Evaluation, now: dt.datetime
                       ) -> dict[int, Counts]:
    """What this user collected in the evaluation, per campaign: today, this week, in all
    (by the time the server stored each response). Counts only: no answer is read."""
    today, week = day_bounds(evaluation, now)
    table = Collection.__table__
    rows = db.session.execute(
        select(table.c.campaign_id,
               func.sum(case((table.c.received_at >= today, 1), else_=0)),
               func.sum(case((table.c.received_at >= week, 1), else_=0)),
               func.count())
        .where(and_(table.c.collected_by == user.id, table.c.evaluation_id == evaluation.id))
        .group_by(table.c.campaign_id))
    return {campaign: Counts(int(day or 0), int(weekly or 0), int(total))
            for campaign, day, weekly, total in rows}


def _total(counts: Iterable[Counts]) -> Counts:
    found = list(counts)
    return Counts(sum(c.today for c in found), sum(c.week for c in found),
                  sum(c.total for c in found))


def home(user: User, now: dt.datetime) -> list[Collecting]:
    """A navigator's home: for each evaluation, the campaigns to collect for and the counts."""
    found = []
    for evaluation in evaluations_for(user):
        counts = counts_by_campaign(user, evaluation, now)
        places = [Place(c, counts.get(c.id, Counts()))
                  for c in campaigns_for(user, evaluation)]
        found.append(Collecting(evaluation, places, _total(counts.values())))
    return found
