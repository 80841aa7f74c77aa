"""What the results pages show, without Flask: which questionnaires an evaluation uses, its
filters (site, wave, audience, equity descriptor), its response counts by audience x site x
wave, its indicators (cached per evaluation, filter and data revision) and, per section
(scales, impact, shared leadership), its charts as JSON with their data tables and its tables:
suppressed below the privacy threshold for partners, complete for researchers and evaluators."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import pandas as pd
from flask import g, has_request_context
from sqlalchemy import func, select

from analysis.i18n import Note
from analysis.threads import one_blas_thread

from ..caching import Cache
from ..datastamp import stamp_of
from ..exports import Export, Schema, Selection, build_schema
from ..exports.indicators import analysis_frame_where, with_set_aside
from ..exports.repeats import original
from ..exports.schema import pick
from ..exports.source import stored_versions
from ..extensions import db
from ..models import (
    Campaign,
    Evaluation,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    Site,
    Wave,
)
from ..models.job import FAILED
from ..models.response import COMPLETED, MODES
from ..models.types import utcnow
from ..versions import latest_version
from . import free_text, snapshots
from .free_text import FreeTexts, free_texts
from .snapshots import Spec

if TYPE_CHECKING:  # analysis.indicators loads scipy: imported where it is used
    from analysis.indicators import Indicators

MAX_TABLE_ROWS = 60  # rows of a chart's data table shown under it
CACHE_SIZE = 32


def questionnaires(evaluation: Evaluation) -> list[str]:
    """Codes of the questionnaires the evaluation's campaigns use, sorted."""
    return sorted(set(db.session.scalars(
        select(Questionnaire.code).join(QuestionnaireVersion)
        .join(Campaign, Campaign.version_id == QuestionnaireVersion.id)
        .where(Campaign.evaluation_id == evaluation.id))))


def questionnaire_titles(codes: Iterable[str], lang: str) -> dict[str, str]:
    """Each questionnaire's title (its newest version's) in ``lang``, as the filters show it."""
    titles = {}
    for code in codes:
        version = latest_version(code)
        title = version.definition.title if version is not None else {}
        titles[code] = title.get(lang) or next(iter(title.values()), code) or code
    return titles


@dataclass(frozen=True)
class Descriptor:
    """An equity descriptor of the questionnaire (an item marked ``equity`` in a version)."""

    item: str
    text: str
    choices: tuple[tuple[str, str], ...]  # (code, label)


def equity_descriptors(schema: Schema, lang: str) -> list[Descriptor]:
    out = []
    for column in schema.columns:
        entry = schema.entries[column]
        if entry.get("equity"):
            choices = tuple((str(c["code"]), pick(c.get("label") or {}, lang, str(c["code"])))
                            for c in entry.get("choices", ()))
            out.append(Descriptor(column, pick(entry.get("text") or {}, lang, column), choices))
    return out


MAX_HIDDEN_VALUE = 200  # characters of a hidden value (a link keeps no more: itemtypes.hidden)
HIDDEN_VALUES_SHOWN = 50  # values of a hidden item offered as filters, the most frequent first


class BadFilter(ValueError):
    """A results page's query asks for a filter that cannot be: ``reason`` says why (the
    route turns it into a 400 page with a sentence in the reader's language)."""

    def __init__(self, reason: str, item: str = "") -> None:
        super().__init__(reason)
        self.reason = reason  # "form" (not item:value), "item" (no such hidden item), "value"
        self.item = item


def hidden_items(versions: Sequence[Any]) -> list[str]:
    """The codes of the questionnaire's ``hidden`` items of ordinary pages (a value per
    response, stored at the top of its answers), in the questionnaire's order, any version."""
    found: dict[str, None] = {}
    for version in versions:
        for section in original(version.definition).sections:
            if section.repeat is None:
                found.update((item.code, None) for item in section.items
                             if item.itemtype.name == "hidden")
    return list(found)


def parse_hidden(text: str, items: Sequence[str]) -> tuple[str, str] | None:
    """``item:value`` of the query's ``hidden`` (hostile input): None when empty; raises
    :class:`BadFilter` when it is not of that form, names no hidden item of the questionnaire,
    or its value is empty, too long or holds control characters."""
    if not text:
        return None
    item, colon, value = text.partition(":")
    if not colon or not item:
        raise BadFilter("form")
    if item not in items:
        raise BadFilter("item", item[:40])
    if not value or len(value) > MAX_HIDDEN_VALUE or any(ord(c) < 32 or ord(c) == 127
                                                         for c in value):
        raise BadFilter("value", item)
    return item, value


@dataclass(frozen=True)
class Filters:
    site: int | None = None
    wave: int | None = None
    audience: str | None = None
    equity: tuple[str, str] | None = None  # (descriptor item, choice code)
    hidden: tuple[str, str] | None = None  # (hidden item, value)
    mode: str | None = None  # how the responses were collected (models/response.py MODES)

    @classmethod
    def parse(cls, evaluation: Evaluation, args: Any,
              descriptors: Sequence[Descriptor] = (),
              hidden: Sequence[str] = ()) -> Filters:
        """Filters from query arguments; anything not of this evaluation (or not a choice of
        one of its descriptors, as ``equity=item:code``) is ignored. ``hidden=item:value``
        (``hidden``: the questionnaire's hidden items) is checked: :class:`BadFilter`."""
        def ident(name: str, known: Iterable[int]) -> int | None:
            value = args.get(name, "")
            return int(value) if value.isdigit() and int(value) in set(known) else None

        audience = args.get("audience", "")
        audiences = {c.audience for c in evaluation.campaigns}
        item, _, code = args.get("equity", "").partition(":")
        equity = next(((item, code) for d in descriptors
                       if d.item == item and code in dict(d.choices)), None)
        return cls(site=ident("site", (s.id for s in evaluation.sites)),
                   wave=ident("wave", (w.id for w in evaluation.waves)),
                   audience=audience if audience in audiences else None, equity=equity,
                   hidden=parse_hidden(args.get("hidden", ""), hidden),
                   mode=args.get("mode") if args.get("mode") in MODES else None)

    def selection(self, questionnaire: str, evaluation: Evaluation) -> Selection:
        return Selection(questionnaire, evaluation_id=evaluation.id,
                         site_ids=(self.site,) if self.site else (),
                         wave_ids=(self.wave,) if self.wave else (),
                         audiences=(self.audience,) if self.audience else (),
                         hidden=(self.hidden,) if self.hidden else (),
                         modes=(self.mode,) if self.mode else ())

    @property
    def hidden_arg(self) -> str:
        """The hidden filter as the query writes it (``item:value``), or empty."""
        return ":".join(self.hidden) if self.hidden else ""


def revision(selection: Selection, export: Export) -> tuple:
    """Changes whenever a selected response is added, changed or withdrawn: the evaluation's
    data stamp (:mod:`survey.datastamp`, one primary-key lookup) and the questionnaire's
    versions; counted (number, last id, last completion) for a selection of no evaluation.
    Read once per request and selection (a page asks for it from several places); jobs read
    it afresh, before the data they compute from (never newer than that data)."""
    known = g.setdefault("revisions", {}) if has_request_context() else {}
    if selection not in known:
        versions = tuple(export.schema.plans)
        if selection.evaluation_id is not None:
            known[selection] = (stamp_of(db.session, selection.evaluation_id), versions)
        else:
            count, last, latest = db.session.execute(
                select(func.count(Response.id), func.max(Response.id),
                       func.max(Response.completed_at))
                .where(*selection.where(list(versions)))).one()
            known[selection] = (count, last or 0, str(latest), versions)
    return known[selection]


def selected_count(selection: Selection, export: Export) -> int:
    """The number of selected responses, counted once per data revision (every process
    counts it once; a page's request then reads it from this process's cache)."""
    def count() -> int:
        return db.session.scalar(select(func.count(Response.id))
                                 .where(*selection.where(list(export.schema.plans)))) or 0

    return _views.get(("count", selection, revision(selection, export)), count)


def hidden_values(selection: Selection, items: Sequence[str], min_group: int, full: bool
                  ) -> dict[str, list[tuple[str, int]]]:
    """The values of each hidden item among the selected responses (the page's other filters)
    with their number of responses, the most frequent first (at most
    :data:`HIDDEN_VALUES_SHOWN`), counted in SQL, cached per data revision. A partner (not
    ``full``) is offered only values held by ``min_group`` responses or more."""
    if not items:
        return {}
    export = Export.of(selection)
    versions = list(export.schema.plans)
    key = ("hidden", selection, tuple(items), revision(selection, export), min_group, full)

    def count() -> dict[str, list[tuple[str, int]]]:
        found = {}
        for item in items:
            value = Response.answers[item].as_string()
            n = func.count(Response.id)
            rows = db.session.execute(
                select(value, n).where(*selection.where(versions), value.is_not(None))
                .group_by(value).having(n >= (1 if full else min_group))
                .order_by(n.desc(), value).limit(HIDDEN_VALUES_SHOWN)).all()
            found[item] = [(str(v), int(k)) for v, k in rows if str(v)]
        return found

    return _views.get(key, count)


_cache: Cache = Cache(CACHE_SIZE)  # indicators per (selection, settings, data revision)
_views: Cache = Cache(CACHE_SIZE)  # what a page shows of them, per language and reader


@dataclass(frozen=True)
class Computed:
    indicators: Indicators | None  # None when no response is selected
    count: int  # selected responses (after the equity filter)
    revision: tuple = ()  # of the data they were computed from
    computed_at: dt.datetime | None = None
    # Drawn by the results job too, so that the first view after it draws nothing:
    views: Mapping[tuple[str, bool], View] = field(default_factory=dict)  # (lang, full)
    texts: free_text.Answers | None = None  # the free-text answers (any language)
    # The per-question summaries (results.questions), per (lang, full), drawn by the job too
    summaries: Mapping[tuple[str, bool], list[Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Figures:
    """The indicators a page shows, the cache key of what is derived from them, and whether
    newer answers are being counted meanwhile (the page says so, with the figures' time)."""

    computed: Computed | None  # None: never computed yet, a job is computing them
    key: tuple
    updating: bool = False
    job_id: int | None = None  # the job computing them (the page polls its status)


class IndicatorsFailed(Exception):
    """The job computing a selection's first figures failed (its cause is in the log)."""

    def __init__(self, job_id: int) -> None:
        super().__init__(job_id)
        self.job_id = job_id


def compute(spec: Spec, current: tuple | None = None,
            progress: Callable[[int, int], None] | None = None) -> Computed:
    """The indicators of a spec, computed now (by the results job: never in a page's request
    but when the queue is immediate, under ``TESTING``). ``progress(step, STEPS)`` hears of
    its steps: responses counted, read, indicators computed."""
    step = progress or (lambda _done, _total: None)
    step(0, STEPS)
    # Panel codes pair each person's waves (change since baseline, person by person); they stay
    # inside the computation: the indicators hold aggregates only.
    export = Export.of(spec.selection, panel_codes=True)
    current = current if current is not None else revision(spec.selection, export)
    now = utcnow()
    if not _any_selected(spec.selection, export):
        return Computed(None, 0, current, now)
    from analysis.indicators import compute_indicators  # scipy and more: loaded when used

    step(1, STEPS)
    set_aside: list[tuple[str, str]] = []
    frame, codebook = analysis_frame_where(export, spec.equity, set_aside)
    if frame.empty:
        return Computed(None, 0, current, now)
    step(2, STEPS)
    with one_blas_thread():
        computed = compute_indicators(frame, codebook, min_group=spec.min_group,
                                      comparison_sites=spec.comparison_sites)
    return Computed(with_set_aside(computed, set_aside), len(frame), current, now)


STEPS = 3  # of :func:`compute`, as a job's progress


def refresh(spec: Spec, progress: Callable[[int, int], None] | None = None,
            languages: Sequence[str] = ("fr", "en")) -> Computed:
    """Compute a spec's indicators, draw their sections, summarise each question (one read of
    the responses) for every language and reader, read the free-text answers, and keep them
    for every process (the results job): a view then does none of this work."""
    from . import questions  # it imports this module

    computed = compute(spec, progress=progress)
    if computed.indicators is not None:
        indicators = computed.indicators
        computed = replace(computed, texts=free_text.text_answers(spec.selection), views={
            (lang, full): sections(indicators, lang, full)
            for lang in languages for full in (True, False)},
            summaries=questions.every_summary(spec.selection, spec.min_group, spec.equity,
                                              languages))
    snapshots.save(spec, computed)
    return computed


def cached_indicators(selection: Selection, min_group: int,
                      equity: tuple[str, str] | None = None,
                      comparison_sites: tuple[str, ...] = ()) -> Figures:
    """The indicators of a selection, stale-while-revalidate, never computed in the request:
    the figures of the current data revision when known (this process's cache, or the
    snapshot another process saved); otherwise the last figures, while a background job
    computes the new ones (the job that new answers started, or one of this selection); the
    first time a selection is asked for, no figures but the job computing them (the page says
    so and shows them when they are ready). With an immediate queue (tests) the job has run
    when this returns. Raises :class:`IndicatorsFailed` when that job failed, and, for
    ``RESULTS_RETRY_MINUTES`` after, without starting it again (:func:`retry` does)."""
    from ..jobs.kinds import failed_lately, new_answers_job, start_results

    spec = Spec(selection, min_group, equity, comparison_sites)
    export = Export.of(selection)
    current = revision(selection, export)
    key = (spec, current)
    hit = _cache.find(key)
    if hit is not None:
        return Figures(hit, key)
    last = snapshots.load(spec)
    if last is None or last.revision != current:
        if not _any_selected(selection, export):
            # Nothing to compute (a new evaluation, every response withdrawn): said at once.
            return Figures(_cache.get(key, lambda: Computed(None, 0, current, utcnow())), key)
        snapshots.touch(spec)
        failed = failed_lately(spec)
        if failed is not None:
            if last is None:
                raise IndicatorsFailed(failed.id)
            return Figures(last, (spec, last.revision))  # the last figures, with their time
        job = (new_answers_job(selection.evaluation_id, selection.questionnaire)
               if last is not None else None) or start_results(spec, selection.evaluation_id)
        if job.active:
            return Figures(last, (spec, last.revision) if last else key, updating=True,
                           job_id=job.id)
        if last is None and job.state == FAILED:
            raise IndicatorsFailed(job.id)
        last = snapshots.load(spec)  # computed already (a queue in immediate mode)
        if last is None:
            raise IndicatorsFailed(job.id)
    if last.revision != current:  # newer answers arrived while it computed: the next job's
        return Figures(last, (spec, last.revision))
    return Figures(_cache.get(key, lambda: last), key)


def _any_selected(selection: Selection, export: Export) -> bool:
    """Whether a response is selected at all (one row of an index, never a count)."""
    return db.session.scalar(select(Response.id).where(
        *selection.where(list(export.schema.plans))).limit(1)) is not None


def retry(spec: Spec) -> None:
    """Start again the job of a selection whose last one failed (the page's retry button)."""
    from ..jobs.kinds import start_results

    start_results(spec, spec.selection.evaluation_id)


@dataclass(frozen=True)
class ChartView:
    ident: str
    section: str
    title: str
    figure_json: str
    columns: list[str]
    rows: list[list[str]]


SECTIONS = ("scales", "impact", "leadership")
SECTION_TABLES = {
    "scales": ("scale_summary", "reliability", "item_statistics"),
    "impact": ("wave_changes", "difference_in_differences", "equity_gaps"),
    "leadership": ("team_scales", "team_aggregation", "team_networks"),
}
CHART_SECTION = {"change": "impact", "equity": "impact", "network": "leadership"}


@dataclass(frozen=True)
class Section:
    key: str  # scales, impact or leadership
    charts: list[ChartView]
    tables: list[str]  # escaped HTML


def all_suppressed(public: Mapping[str, pd.DataFrame]) -> bool:
    """Whether every group (by audience and wave, site or team) of every suppressed table is
    under the privacy threshold: a partner then gets a sentence saying so, not empty charts
    (figures of the whole sample, such as reliability, are still shown)."""
    suppressed = [table["suppressed"] for table in public.values()
                  if "suppressed" in table.columns and len(table)
                  and {"wave", "site", "team"} & set(table.columns)]
    return bool(suppressed) and all(bool(column.all()) for column in suppressed)


def for_reader(indicators: Indicators, full: bool) -> Indicators:
    """Partners read the indicators suppressed below the privacy threshold; researchers and
    evaluators (``full``) read every group, however small (a threshold of 1)."""
    if not full:  # nobody's name either: networks of roster codes
        return replace(indicators, codebook=indicators.codebook.without_names())
    return replace(indicators, settings=replace(indicators.settings, min_group=1))


@dataclass(frozen=True)
class View:
    """What one reader sees of the indicators: the sections, and whether every group is too
    small to chart (a partner's page then says so and draws no chart)."""

    sections: list[Section]
    suppressed: bool = False


def sections(indicators: Indicators, lang: str, full: bool) -> View:
    """The charts and tables of each section (scales, impact, shared leadership), from the
    suppressed tables (or the full ones: :func:`for_reader`)."""
    from analysis.indicators import public_tables
    from analysis.report import build_charts, table_html  # plotly: loaded when used

    shown = for_reader(indicators, full)
    public = public_tables(shown)
    suppressed = not full and all_suppressed(public)
    min_n, codebook = shown.settings.min_group, shown.codebook
    charts: dict[str, list[ChartView]] = {key: [] for key in SECTIONS}
    for n, chart in enumerate([] if suppressed else build_charts(shown, public, lang)):
        columns, rows = figure_table(chart.figure)
        charts[CHART_SECTION.get(chart.chart_type, "scales")].append(ChartView(
            f"chart-{n}", chart.section, chart.title, chart.figure.to_json(), columns, rows))
    return View([Section(key, charts[key], [
        table_html(name, public[name], lang, min_n, codebook)
        for name in SECTION_TABLES[key] if name in public and not public[name].empty])
        for key in SECTIONS], suppressed)


@dataclass(frozen=True)
class Counts:
    """Completed responses per audience and site (rows) and wave (columns); None where no
    campaign collects."""

    waves: list[str]
    rows: list[tuple[str, str, list[int | None]]]  # audience, site, count per wave


def response_counts(evaluation: Evaluation) -> Counts:
    """Every campaign of the evaluation, whatever its questionnaire, per audience, site and
    wave. The completed responses per campaign are counted in SQL (the covering index's order)
    once per data stamp (this process's cache: a warm view counts nothing); the campaigns and
    their names are read at each view (they change without any response changing)."""
    key = ("campaign-counts", evaluation.id, stamp_of(db.session, evaluation.id))
    counted = _views.get(key, lambda: dict(db.session.execute(
        select(Response.campaign_id, func.count())
        .where(Response.status == COMPLETED, Response.campaign_id.in_(
            select(Campaign.id).where(Campaign.evaluation_id == evaluation.id)))
        .group_by(Response.campaign_id)).all()))
    found: dict[tuple[str, str, str], int] = {}
    for ident, audience, site, wave in db.session.execute(
            select(Campaign.id, Campaign.audience, Site.name, Wave.code).select_from(Campaign)
            .outerjoin(Site, Campaign.site_id == Site.id)
            .outerjoin(Wave, Campaign.wave_id == Wave.id)
            .where(Campaign.evaluation_id == evaluation.id)):
        group = (audience, site or "", wave or "")
        found[group] = found.get(group, 0) + int(counted.get(ident, 0))
    waves = [w.code for w in evaluation.waves if any(k[2] == w.code for k in found)]
    if any(k[2] == "" for k in found):
        waves.append("")
    rows = [(audience, site, [found.get((audience, site, w)) for w in waves])
            for audience, site in sorted({(a, s) for a, s, _ in found})]
    return Counts(waves, rows)


@dataclass(frozen=True)
class Page:
    """What the results page of one questionnaire of an evaluation shows."""

    filters: Filters
    descriptors: list[Descriptor]
    count: int
    sections: list[Section]
    notes: tuple[str, ...]
    free_texts: list[FreeTexts] = field(default_factory=list)  # researchers and evaluators
    suppressed: bool = False  # a partner's page whose groups are all too small to show
    computed_at: dt.datetime | None = None  # when its figures were computed
    updating: bool = False  # newer answers are being counted in the background
    job_id: int | None = None  # the job computing them (the page follows its progress)
    failed: bool = False  # the job computing its first figures failed (the page offers a retry)
    # the per-question summaries of the figures (results.questions); None: their snapshot,
    # from an older version of the app, has none (the route computes them)
    questions: list[Any] | None = field(default_factory=list)
    hidden_items: list[str] = field(default_factory=list)  # the questionnaire's hidden items
    hidden_values: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # offered
    rare: bool = False  # a partner asked for a hidden value of too few responses: suppressed

    @property
    def computing(self) -> bool:
        """No figures yet: the first ones are being computed (the page says so)."""
        return self.updating and self.computed_at is None


def spec_of(evaluation: Evaluation, code: str, args: Any, lang: str, min_group: int
            ) -> tuple[Spec, Filters, list[Descriptor], list[str]]:
    """What a results page's indicators are computed for, from its query (its filters), and
    the questionnaire's hidden items. Raises :class:`BadFilter` (a malformed hidden filter)."""
    versions = stored_versions(code)
    descriptors = equity_descriptors(build_schema(versions), lang)
    items = hidden_items(versions)
    filters = Filters.parse(evaluation, args, descriptors, items)
    comparison = tuple(sorted(s.name for s in evaluation.sites if s.is_comparison))
    return (Spec(filters.selection(code, evaluation), min_group, filters.equity, comparison),
            filters, descriptors, items)


def page(evaluation: Evaluation, code: str, args: Any, lang: str, full: bool,
         min_group: int) -> Page:
    """The indicators of the filtered responses (cached per data revision) and, cached per
    language and reader, the sections and per-question summaries drawn from them (by the
    results job: the request reads them from its snapshot). A partner asking for a hidden
    value held by fewer than ``min_group`` responses gets the suppressed page, and no job."""
    spec, filters, descriptors, items = spec_of(evaluation, code, args, lang, min_group)
    hidden = {"hidden_items": items, "hidden_values": hidden_values(
        replace(spec.selection, hidden=()), items, min_group, full)}
    if filters.hidden is not None and not full and selected_count(
            spec.selection, Export.of(spec.selection)) < min_group:
        return Page(filters, descriptors, 0, [], (), rare=True, **hidden)
    try:
        figures = cached_indicators(spec.selection, min_group, spec.equity,
                                    spec.comparison_sites)
    except IndicatorsFailed as failed:
        return Page(filters, descriptors, 0, [], (), job_id=failed.job_id, failed=True,
                    **hidden)
    computed, key = figures.computed, figures.key
    if computed is None:  # the first figures of this selection, being computed
        return Page(filters, descriptors, 0, [], (), updating=True, job_id=figures.job_id,
                    **hidden)
    if computed.indicators is None:
        return Page(filters, descriptors, 0, [], (), computed_at=computed.computed_at,
                    updating=figures.updating, job_id=figures.job_id, **hidden)
    view = computed.views.get((lang, full)) or _views.get(
        (key, lang, full), lambda: sections(computed.indicators, lang, full))
    notes = tuple(n.in_language(lang) if isinstance(n, Note) else n
                  for n in computed.indicators.notes)
    texts = (_views.get((key, lang, "free-text"), lambda: free_texts(
        spec.selection, lang, computed.texts)) if full else [])
    summaries = getattr(computed, "summaries", {}).get((lang, full))  # older pickles: none
    return Page(filters, descriptors, computed.count, view.sections, notes, texts,
                view.suppressed, computed.computed_at, figures.updating, figures.job_id,
                questions=summaries, **hidden)


def figure_table(figure: Any) -> tuple[list[str], list[list[str]]]:
    """The points a figure draws, one row per point: series, x (or label), y (or value)."""
    rows: list[list[str]] = []
    for trace in figure.data:
        name = str(getattr(trace, "name", "") or "")
        xs = _values(trace, ("x", "theta", "labels"))
        ys = _values(trace, ("y", "r", "values"))
        for x, y in zip(xs, ys, strict=False):
            rows.append([name, _text(x), _text(y)])
            if len(rows) >= MAX_TABLE_ROWS:
                return ["series", "x", "y"], rows
    return ["series", "x", "y"], rows


def _values(trace: Any, names: tuple[str, ...]) -> list[Any]:
    for name in names:
        value = getattr(trace, name, None) if name in trace else None
        if value is not None:
            return list(value)
    return []


def _text(value: Any) -> str:
    if isinstance(value, float):
        return "" if pd.isna(value) else f"{value:.2f}"
    return str(value)
