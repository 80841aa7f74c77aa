"""What the results pages show, without Flask: which questionnaires an evaluation uses, its
filters, its indicators (cached per evaluation, filter and data revision) and its charts as
JSON with their data tables."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import func, select

from analysis.indicators import Indicators, public_tables
from analysis.report import HTML_TABLES, build_charts, table_html

from ..exports import Export, Selection
from ..exports.indicators import indicators as compute
from ..extensions import db
from ..models import Campaign, Evaluation, Questionnaire, QuestionnaireVersion, Response

MAX_TABLE_ROWS = 60  # rows of a chart's data table shown under it
CACHE_SIZE = 32


def questionnaires(evaluation: Evaluation) -> list[str]:
    """Codes of the questionnaires the evaluation's campaigns use, sorted."""
    return sorted(set(db.session.scalars(
        select(Questionnaire.code).join(QuestionnaireVersion)
        .join(Campaign, Campaign.version_id == QuestionnaireVersion.id)
        .where(Campaign.evaluation_id == evaluation.id))))


@dataclass(frozen=True)
class Filters:
    site: int | None = None
    wave: int | None = None
    audience: str | None = None

    @classmethod
    def parse(cls, evaluation: Evaluation, args: Any) -> Filters:
        """Filters from query arguments; anything not of this evaluation is ignored."""
        def ident(name: str, known: Iterable[int]) -> int | None:
            value = args.get(name, "")
            return int(value) if value.isdigit() and int(value) in set(known) else None

        audience = args.get("audience", "")
        audiences = {c.audience for c in evaluation.campaigns}
        return cls(site=ident("site", (s.id for s in evaluation.sites)),
                   wave=ident("wave", (w.id for w in evaluation.waves)),
                   audience=audience if audience in audiences else None)

    def selection(self, questionnaire: str, evaluation: Evaluation) -> Selection:
        return Selection(questionnaire, evaluation_id=evaluation.id,
                         site_ids=(self.site,) if self.site else (),
                         wave_ids=(self.wave,) if self.wave else (),
                         audiences=(self.audience,) if self.audience else ())


def revision(selection: Selection, export: Export) -> tuple[int, int, str]:
    """Changes whenever a selected response is added, completed or withdrawn."""
    count, last, latest = db.session.execute(
        select(func.count(Response.id), func.max(Response.id), func.max(Response.completed_at))
        .where(*selection.where(list(export.schema.plans)))).one()
    return count, last or 0, str(latest)


_cache: OrderedDict[tuple, Indicators | None] = OrderedDict()
_lock = threading.Lock()


def cached_indicators(selection: Selection, min_group: int) -> tuple[Indicators | None, int]:
    """The indicators of a selection and its number of responses, computed once per data
    revision (a small in-process LRU cache); None when there is no response."""
    export = Export.of(selection)
    current = revision(selection, export)
    key = (selection, min_group, current)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key], current[0]
    result = compute(export, min_group=min_group) if current[0] else None
    with _lock:
        _cache[key] = result
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return result, current[0]


@dataclass(frozen=True)
class ChartView:
    ident: str
    section: str
    title: str
    figure_json: str
    columns: list[str]
    rows: list[list[str]]


def chart_views(indicators: Indicators, lang: str) -> list[ChartView]:
    """Every chart of the report, as plotly JSON and the data table it draws."""
    public = public_tables(indicators)
    views = []
    for n, chart in enumerate(build_charts(indicators, public, lang)):
        columns, rows = figure_table(chart.figure)
        views.append(ChartView(f"chart-{n}", chart.section, chart.title,
                               chart.figure.to_json(), columns, rows))
    return views


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


def tables_html(indicators: Indicators, lang: str) -> list[str]:
    """The suppressed tables, as the analysis library renders them (every value escaped)."""
    public = public_tables(indicators)
    return [table_html(name, public[name], lang, indicators.settings.min_group)
            for name in HTML_TABLES if name in public and not public[name].empty]
