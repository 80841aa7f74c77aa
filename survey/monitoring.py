"""Live monitoring of a campaign or an evaluation: invitations sent, started, completed, completion
rate, response rate, median completion time, where people stop, completions by day.

The response rate is the completions *through an emailed invitation* over the invitations
emailed (never above 100 %); completions through the open link, or through single-use links
handed out by hand, are counted apart. Days are the evaluation's (its time zone), and the chart
spans the campaign: from its opening (or first invitation) to now, or to its closing.

:func:`summarise` is pure (rows in, figures out); :func:`campaign_rows` and
:func:`evaluation_rows` read the database. For partners, every count under the privacy
threshold is hidden (shown as "< 5"), with complementary suppression where a hidden count could
be recovered from a published total (:func:`analysis.suppression.suppress`).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import func, select

from analysis.suppression import suppress

from .extensions import db
from .models import (
    Delivery,
    Invitation,
    Mailing,
    Questionnaire,
    QuestionnaireVersion,
    Response,
)
from .models.invitation import INVITATION, QUEUED
from .models.response import COMPLETED

MAX_DAYS = 366  # the chart shows at most the last year
INVITED = "invited"  # through an invitation that was emailed
LINK = "link"  # through a single-use link handed out (not emailed)
OPEN_LINK = "open"  # through the campaign's open link (or no campaign)
SOURCES = (INVITED, LINK, OPEN_LINK)


Place = tuple[str | None, str | None]  # (questionnaire, section): where a response stopped


@dataclass(frozen=True)
class ResponseRow:
    status: str
    started_at: dt.datetime
    completed_at: dt.datetime | None
    current_section: str | None
    source: str = OPEN_LINK
    questionnaire: str | None = None  # its code: section codes repeat across questionnaires

    @property
    def place(self) -> Place:
        return (self.questionnaire, self.current_section)


@dataclass(frozen=True)
class Count:
    """A count as shown: ``value`` None when hidden (fewer than the threshold)."""

    value: int | None
    threshold: int

    @property
    def hidden(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return f"< {self.threshold}" if self.value is None else str(self.value)


@dataclass
class Monitor:
    invited: Count | None  # invitations emailed; None: no email sent, nobody counted as invited
    started: Count
    completed: Count
    completion_rate: float | None  # completed / started
    response_rate: float | None  # completed through an emailed invitation / invited
    median_minutes: float | None
    dropoff: list[tuple[Place, Count]] = field(default_factory=list)  # (place, stopped there)
    by_day: list[tuple[dt.date, Count]] = field(default_factory=list)
    completed_by_source: dict[str, Count] = field(default_factory=dict)  # SOURCES -> count

    @property
    def peak(self) -> int:
        return max((c.value or 0 for _day, c in self.by_day), default=0)


def summarise(rows: Sequence[ResponseRow], invited: int | None, sections: Sequence[Place],
              min_group: int, restricted: bool, today: dt.date | None = None,
              span: tuple[dt.date, dt.date] | None = None,
              zone: dt.tzinfo = dt.UTC) -> Monitor:
    """The figures of a set of responses. ``invited``: invitations emailed; ``restricted``
    (partners): small counts hidden; ``span``: the days the chart covers (widened to every
    completion), days counted in ``zone``; ``sections``: the pages in questionnaire order, as
    (questionnaire, section) places (a place in no questionnaire's order comes last)."""
    threshold = min_group if restricted else 0

    def count(n: int) -> Count:
        return Count(None if 0 < n < threshold else n, min_group)

    started = len(rows)
    done = [r for r in rows if r.status == COMPLETED and r.completed_at is not None]
    completed = len(done)
    minutes = [(r.completed_at - r.started_at).total_seconds() / 60 for r in done]
    started_c, completed_c = count(started), count(completed)
    invited_c = count(invited) if invited is not None else None
    visible = not (started_c.hidden or completed_c.hidden)
    completion_rate = completed / started if started and visible else None
    sources = Counter(r.source for r in done)
    by_source = dict(_table([(s, sources.get(s, 0)) for s in SOURCES], threshold))
    through_invitation = by_source[INVITED]
    response_rate = (sources[INVITED] / invited if invited and invited_c is not None
                     and not invited_c.hidden and not through_invitation.hidden else None)
    median = statistics.median(minutes) if minutes and not completed_c.hidden else None

    stopped = Counter(r.place for r in rows if r.status != COMPLETED)
    order = list(sections) + sorted({p for p in stopped if p not in sections}, key=str)
    # the consent page (no section yet) only when someone stopped there
    dropoff = _table([(p, stopped.get(p, 0)) for p in order
                      if p[1] is not None or stopped.get(p)], threshold)
    days = Counter(r.completed_at.astimezone(zone).date() for r in done)
    by_day = _table(_day_range(days, today, span), threshold)
    return Monitor(invited=invited_c, started=started_c, completed=completed_c,
                   completion_rate=completion_rate, response_rate=response_rate,
                   median_minutes=median, dropoff=dropoff, by_day=by_day,
                   completed_by_source=by_source)


def _day_range(days: Counter, today: dt.date | None,
               span: tuple[dt.date, dt.date] | None) -> list[tuple[dt.date, int]]:
    if not days and span is None:
        return []
    starts = [*days, *(span[:1] if span else ())]
    ends = [*days, *(span[1:] if span else ()), *([today] if today and not span else [])]
    last = max(ends)
    first = max(min(starts), last - dt.timedelta(days=MAX_DAYS - 1))
    span = (last - first).days + 1
    return [(first + dt.timedelta(days=n), days.get(first + dt.timedelta(days=n), 0))
            for n in range(span)]


def _table(cells: Iterable[tuple[object, int]], threshold: int) -> list[tuple]:
    """Counts of one breakdown whose total is published: suppressed (primary and
    complementary) when a threshold applies."""
    cells = list(cells)
    if not cells:
        return []
    if threshold <= 1:
        return [(key, Count(n, threshold)) for key, n in cells]
    frame = pd.DataFrame({"key": [k for k, _n in cells], "n": [n for _k, n in cells],
                          "all": 1})
    hidden = suppress(frame, count="n", min_n=threshold, margins=[["all"]])["suppressed"]
    return [(key, Count(None if flag else n, threshold))
            for (key, n), flag in zip(cells, hidden, strict=True)]


def campaign_rows(campaign_ids: Sequence[int]) -> tuple[list[ResponseRow], int]:
    """The responses of some campaigns (each with how it came: an emailed invitation, a link
    handed out, the open link), and how many invitations (not revoked) were emailed (a message
    still waiting in the mail queue is not)."""
    if not campaign_ids:
        return [], 0
    query = (select(Response.status, Response.started_at, Response.completed_at,
                    Response.current_section, Invitation.id, Invitation.invited_at,
                    Invitation.revoked_at, Questionnaire.code)
             .join(QuestionnaireVersion, QuestionnaireVersion.id == Response.version_id)
             .join(Questionnaire, Questionnaire.id == QuestionnaireVersion.questionnaire_id)
             .outerjoin(Invitation, Invitation.response_id == Response.id)
             .where(Response.campaign_id.in_(campaign_ids)))
    rows = []
    for status, started, completed, section, invitation, invited_at, revoked, code in (
            db.session.execute(query)):
        source = (OPEN_LINK if invitation is None else
                  INVITED if invited_at is not None and revoked is None else LINK)
        rows.append(ResponseRow(status, started, completed, section, source, code))
    queued = (select(Delivery.id).join(Mailing, Mailing.id == Delivery.mailing_id)
              .where(Delivery.invitation_id == Invitation.id, Delivery.status == QUEUED,
                     Mailing.kind == INVITATION).exists())
    invited = db.session.scalar(select(func.count(Invitation.id)).where(
        Invitation.campaign_id.in_(campaign_ids), Invitation.revoked_at.is_(None),
        Invitation.invited_at.is_not(None), ~queued)) or 0  # queued: not emailed yet
    return rows, invited


def first_invitation(campaign_ids: Sequence[int]) -> dt.datetime | None:
    if not campaign_ids:
        return None
    return db.session.scalar(select(func.min(Invitation.invited_at)).where(
        Invitation.campaign_id.in_(campaign_ids)))


def campaign_span(opened: Iterable[dt.datetime | None], closed: Iterable[dt.datetime | None],
                  still_open: bool, first_invited: dt.datetime | None, now: dt.datetime,
                  zone: dt.tzinfo) -> tuple[dt.date, dt.date] | None:
    """The days a campaign (or an evaluation's campaigns) ran, in ``zone``: from the first
    opening or invitation to now while one is open, else to the last closing. None when it
    never opened nor invited anyone."""
    starts = [t for t in (*opened, first_invited) if t is not None]
    if not starts:
        return None
    ends = [t for t in closed if t is not None]
    end = now if still_open or not ends else max(ends)
    first, last = min(starts).astimezone(zone).date(), end.astimezone(zone).date()
    return first, max(first, last)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: dt.date
    count: Count


CHART_WIDTH, CHART_HEIGHT = 600, 120


def bars(by_day: Sequence[tuple[dt.date, Count]], width: int = CHART_WIDTH,
         height: int = CHART_HEIGHT) -> list[Bar]:
    """The completions-by-day chart as SVG rectangles (drawn by the template, no script):
    hidden counts are drawn as no bar, the table beside the chart says "< 5"."""
    if not by_day:
        return []
    peak = max((c.value or 0 for _d, c in by_day), default=0) or 1
    step = width / len(by_day)
    out = []
    for n, (day, count) in enumerate(by_day):
        h = round(height * (count.value or 0) / peak, 1)
        out.append(Bar(x=round(n * step + step * 0.1, 1), y=round(height - h, 1),
                       width=round(step * 0.8, 1), height=h, day=day, count=count))
    return out
