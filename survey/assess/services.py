"""Self-assessment results and site-limited memberships, without HTTP.

A questionnaire is an *assessment* when it has ``conformity`` items (criteria). Its results are
computed per site and wave from every completed response of the evaluation's campaigns:
conformity overall and per dimension (:mod:`analysis.conformity`: met 1, partly met 1/2, not
met 0, not applicable left out), the criteria not met or partly met with their notes (the action
plan), and the progress since the site's previous wave.

The answers are a site team's statements about its site, not a person's experience, so the
small-group rule that protects people (``MIN_GROUP_SIZE``) does not hide them; what a partner
limited to sites sees is restricted to those sites instead (:func:`site_limits`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select

from analysis.charts import conformity_bars
from analysis.conformity import Conformity, conformity, progress

from .. import audit
from ..auth.permissions import role_reads_every_group
from ..exports import Selection
from ..exports.cells import neutralise
from ..exports.schema import pick
from ..exports.source import response_rows, stored_versions
from ..extensions import db
from ..models import Evaluation, Membership, MembershipSite, User
from ..questionnaire.itemtypes.conformity import LEVEL_WORDS, dimension_text, note_name
from ..questionnaire.model import Item
from ..results.services import Counts

NO_DIMENSION = ""  # criteria without a dimension are grouped under this key


# -- memberships limited to sites -----------------------------------------------------------

def membership_of(user: User, evaluation_id: int) -> Membership | None:
    return db.session.scalar(select(Membership).filter_by(user_id=user.id,
                                                          evaluation_id=evaluation_id))


def limited_sites(membership: Membership) -> frozenset[int]:
    """The sites a membership is limited to (empty: every site)."""
    return frozenset(db.session.scalars(select(MembershipSite.site_id).filter_by(
        membership_id=membership.id)))


def site_limits(user: User, evaluation_id: int) -> frozenset[int] | None:
    """The sites whose results this reader may see in the evaluation: None for every site
    (admins, researchers, evaluators, unrestricted partners), else a partner's sites."""
    if user.is_admin:
        return None
    membership = membership_of(user, evaluation_id)
    if membership is None or role_reads_every_group(membership.role):
        return None
    return limited_sites(membership) or None


def sees_site(limits: frozenset[int] | None, site_id: int | None) -> bool:
    """Whether a reader with these :func:`site_limits` may see a campaign or figures of this
    site (a campaign without a site belongs to no partner's sites)."""
    return limits is None or site_id in limits


def sees_sites(limits: frozenset[int] | None, site_ids: Iterable[int]) -> bool:
    """Whether a selection of these sites (none: every site) stays within the limits."""
    wanted = frozenset(site_ids)
    return limits is None or (bool(wanted) and wanted <= limits)


def limited_counts(counts: Counts, evaluation: Evaluation, limits: frozenset[int] | None
                   ) -> Counts:
    """The results page's response counts, only the rows of the reader's sites."""
    if limits is None:
        return counts
    names = {s.name for s in evaluation.sites if s.id in limits}
    return Counts(counts.waves, [row for row in counts.rows if row[1] in names])


def campaign_counts(counts: dict[int, tuple[int, int]], evaluation: Evaluation,
                    limits: frozenset[int] | None) -> dict[int, tuple[int, int]]:
    """The evaluation page's (started, completed) per campaign, every campaign of the reader's
    sites there (0, 0 when none started), the others left out (the page shows none)."""
    return {c.id: counts.get(c.id, (0, 0)) for c in evaluation.campaigns
            if limits is None or c.site_id in limits}


class SiteError(ValueError):
    """A site that is not the evaluation's was asked for."""


def set_sites(membership: Membership, site_ids: Iterable[int], actor: User) -> None:
    """Limit a membership to these sites of its evaluation (none: every site), audited."""
    wanted = frozenset(site_ids)
    known = {s.id for s in membership.evaluation.sites}
    if not wanted <= known:
        raise SiteError("unknown-site")
    before = limited_sites(membership)
    if wanted == before:
        return
    for row in db.session.scalars(select(MembershipSite).filter_by(
            membership_id=membership.id)):
        db.session.delete(row)
    db.session.flush()
    db.session.add_all(MembershipSite(membership_id=membership.id, site_id=s) for s in wanted)
    audit.record("membership-sites-changed", membership.user.email, actor=actor,
                 evaluation_id=membership.evaluation_id, commit=False,
                 before=sorted(before), sites=sorted(wanted))
    db.session.commit()


# -- assessment results -----------------------------------------------------------------------

@dataclass(frozen=True)
class Criterion:
    code: str
    text: str
    dimension: str
    reference: str
    note: str  # the stored answer holding its note or action


@dataclass(frozen=True)
class Action:
    """A criterion not met or partly met in one site's assessment, with its note."""

    criterion: Criterion
    level: str
    note: str


@dataclass(frozen=True)
class SiteWave:
    """One site's assessment in one wave (every completed response of its campaigns)."""

    site_id: int | None
    site: str
    wave_id: int | None
    wave: str
    responses: int
    overall: Conformity
    dimensions: dict[str, Conformity]
    actions: list[Action]
    progress: float | None = None  # points since the site's previous wave


@dataclass(frozen=True)
class Assessment:
    code: str
    criteria: list[Criterion]
    dimensions: list[str]
    rows: list[SiteWave] = field(default_factory=list)

    def sites(self) -> list[tuple[int | None, str]]:
        return list(dict.fromkeys((r.site_id, r.site) for r in self.rows))

    def waves(self) -> list[str]:
        return list(dict.fromkeys(r.wave for r in self.rows))

    def latest(self, site_id: int | None) -> SiteWave | None:
        rows = [r for r in self.rows if r.site_id == site_id]
        return rows[-1] if rows else None


def criteria_of(items: Iterable[Item], lang: str) -> list[Criterion]:
    """The criteria of a questionnaire, their texts and dimensions in the reader's language."""
    return [Criterion(i.code, pick(i.text, lang, i.code),
                      dimension_text(i.settings, lang) or NO_DIMENSION,
                      i.settings.reference or "", note_name(i))
            for i in items if i.type == "conformity"]


def is_assessment(code: str) -> bool:
    """Whether the questionnaire's newest version has criteria (conformity items)."""
    versions = stored_versions(code)
    return bool(versions) and any(i.type == "conformity"
                                  for i in versions[-1].definition.items())


def assessments(codes: Iterable[str]) -> list[str]:
    return [code for code in codes if is_assessment(code)]


def assessment(evaluation: Evaluation, code: str, lang: str,
               sites: frozenset[int] | None) -> Assessment:
    """Conformity per site and wave of one assessment questionnaire (``sites``: only those)."""
    versions = stored_versions(code)
    criteria = criteria_of(versions[-1].definition.items(), lang) if versions else []
    dimensions = list(dict.fromkeys(c.dimension for c in criteria))
    campaigns = {c.id: c for c in evaluation.campaigns}
    selection = Selection(code, evaluation_id=evaluation.id,
                          site_ids=tuple(sorted(sites)) if sites else ())
    levels: dict[tuple[int | None, int | None], list[dict]] = {}
    for row in response_rows(selection, [v.id for v in versions], flat=False):
        campaign = campaigns.get(row.campaign_id)
        if campaign is None or (sites is not None and campaign.site_id not in sites):
            continue
        levels.setdefault((campaign.site_id, campaign.wave_id), []).append(row.answers)
    site_names = {s.id: s.name for s in evaluation.sites}
    wave_order = {w.id: n for n, w in enumerate(evaluation.waves)}
    wave_codes = {w.id: w.code for w in evaluation.waves}
    site_order = {s.id: n for n, s in enumerate(evaluation.sites)}
    rows: list[SiteWave] = []
    previous: dict[int | None, Conformity] = {}
    for site_id, wave_id in sorted(levels, key=lambda k: (
            site_order.get(k[0], len(site_order)), wave_order.get(k[1], len(wave_order)))):
        answers = levels[(site_id, wave_id)]
        overall = conformity(a.get(c.code) for a in answers for c in criteria)
        by_dimension = {d: conformity(a.get(c.code) for a in answers for c in criteria
                                      if c.dimension == d) for d in dimensions}
        actions = [Action(c, a[c.code], str(a.get(c.note) or ""))
                   for c in criteria for a in answers if a.get(c.code) in ("not_met", "partly")]
        rows.append(SiteWave(site_id, site_names.get(site_id, ""), wave_id,
                             wave_codes.get(wave_id, ""), len(answers), overall, by_dimension,
                             actions, progress(previous.get(site_id), overall)))
        previous[site_id] = overall
    return Assessment(code, criteria, dimensions, rows)


def level_words(level: str, lang: str) -> str:
    words = LEVEL_WORDS.get(level)
    return words.get(lang, words["en"]) if words else level


@dataclass(frozen=True)
class Chart:
    """A chart as the results pages draw it (``results.js`` reads ``figure_json``); its data
    is the page's table of conformity by site and wave, which its text alternative names."""

    ident: str
    title: str
    figure_json: str


def chart(found: Assessment, title: str) -> Chart:
    """Overall conformity of each site in each wave, one bar per wave."""
    points = [(r.site, r.wave, r.overall.percent) for r in found.rows]
    return Chart("conformity", title, conformity_bars(points, title).to_json())


# -- CSV ------------------------------------------------------------------------------------

SCORE_COLUMNS = ("site", "wave", "dimension", "responses", "met", "partly", "not_met", "na",
                 "unanswered", "conformity_percent", "progress_points")
ACTION_COLUMNS = ("site", "wave", "dimension", "reference", "criterion", "level", "note")


def scores_csv(found: Assessment) -> Iterator[str]:
    """One row per site, wave and dimension (``dimension`` empty: every criterion)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(SCORE_COLUMNS)
    for row in found.rows:
        parts = [("", row.overall, row.progress), *((d, row.dimensions[d], None)
                                                    for d in found.dimensions)]
        for dimension, score, gained in parts:
            writer.writerow([neutralise(row.site), neutralise(row.wave), neutralise(dimension),
                             row.responses, score.met, score.partly, score.not_met, score.na,
                             score.unanswered, "" if score.percent is None else score.percent,
                             "" if gained is None else gained])
    yield "\ufeff" + out.getvalue()


def actions_csv(found: Assessment, lang: str) -> Iterator[str]:
    """The action plan: every criterion not met or partly met, with its note."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ACTION_COLUMNS)
    for row in found.rows:
        for action in row.actions:
            c = action.criterion
            writer.writerow([neutralise(x) for x in (
                row.site, row.wave, c.dimension, c.reference, c.text,
                level_words(action.level, lang), action.note)])
    yield "\ufeff" + out.getvalue()
