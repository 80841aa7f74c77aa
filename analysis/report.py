"""Write the outputs of an analysis: indicators.json, one CSV per table, a self-contained HTML
report with its charts. Everything written here comes from the suppressed (public) tables."""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from analysis import charts
from analysis.codebook import Codebook
from analysis.i18n import (
    DESCRIPTORS,
    TABLE_TITLES,
    YES_NO,
    Note,
    audience_name,
    column_label,
    label,
)
from analysis.indicators import ALL, Indicators, public_tables
from analysis.output import jsonable, write_csv, write_json

__all__ = [
    "MAX_HTML_ROWS",
    "MAX_NETWORKS",
    "PLOTLYJS_CHOICES",
    "PLOTLYJS_FILE",
    "HTML_TABLES",
    "Chart",
    "build_charts",
    "table_html",
    "figure_data",
    "reliability_html",
    "STYLE",
    "reliability_method",
    "render_html",
    "write_outputs",
]

MAX_HTML_ROWS = 300
MAX_NETWORKS = 12
PLOTLYJS_CHOICES = ("embed", "external")
PLOTLYJS_FILE = "plotly.min.js"
HTML_TABLES = ("responses", "scale_summary", "item_statistics", "schmid_leiman", "wave_changes",
               "difference_in_differences", "equity_gaps", "team_aggregation", "team_scales",
               "team_networks")


@dataclass(frozen=True)
class Chart:
    section: str
    title: str
    figure: go.Figure
    chart_type: str = ""  # radar, likert, distribution, change, equity or network


def _scale_label(codebook: Codebook, code: str, lang: str) -> str:
    return codebook.text(code, lang)


def _latest(table: pd.DataFrame) -> pd.DataFrame:
    if table.empty or "wave" not in table:
        return table
    waves = sorted(table["wave"].dropna().astype(str).unique())
    return table[table["wave"].astype(str) == waves[-1]] if waves else table


def _overall(table: pd.DataFrame, by: str | None) -> pd.DataFrame:
    return table[table[by].astype(str) == ALL] if by and by in table else table


def build_charts(
    indicators: Indicators, public: dict[str, pd.DataFrame], lang: str
) -> list[Chart]:
    """Every chart of the report, from the public tables."""
    codebook, by = indicators.codebook, indicators.settings.by
    min_n = indicators.settings.min_group
    out: list[Chart] = []
    summary = public.get("scale_summary", pd.DataFrame())
    likert = [s for s in codebook.scales if s.points is not None]
    if not summary.empty and len(likert) >= 3:
        # The radar compares means on a common axis (scales of numeric scores are left out) and
        # needs three axes to be a shape.
        radar_rows = _overall(summary, by)
        radar_rows = radar_rows[radar_rows["scale"].isin([s.code for s in likert])].copy()
        radar_rows["group"] = radar_rows["wave"].astype(str)
        radar_rows["scale_label"] = [_scale_label(codebook, s, lang) for s in radar_rows["scale"]]
        points = max(s.points or 0 for s in likert)
        first = min(s.first for s in likert)
        out.append(Chart("overview", label("radar_title", lang),
                         charts.radar(radar_rows, label("radar_title", lang), lang, min_n,
                                      points, first), "radar"))
    distribution = public.get("item_distribution", pd.DataFrame())
    quantiles = public.get("score_distribution", pd.DataFrame())
    changes = public.get("wave_changes", pd.DataFrame())
    equity = public.get("equity_means", pd.DataFrame())
    for scale in codebook.scales:
        name = _scale_label(codebook, scale.code, lang)
        out.extend(_scale_charts(indicators, scale.code, name, scale.points, distribution,
                                 quantiles, changes, equity, lang))
    networks = public.get("team_networks", pd.DataFrame())
    shown = networks[~networks["suppressed"]].head(MAX_NETWORKS) if not networks.empty else networks
    for row in shown.itertuples(index=False):
        labels = codebook.roster_labels(codebook.item(row.item), str(row.team), lang)
        title = label("network_title", lang, team=row.team)
        out.append(Chart("leadership", title, charts.network(
            row.in_degree, [tuple(t) for t in row.ties], labels, title, lang,
            flagged=bool(row.low_coverage)), "network"))
    return out


def _scale_charts(indicators, code, name, points, distribution, quantiles, changes, equity,
                  lang) -> list[Chart]:
    codebook, by = indicators.codebook, indicators.settings.by
    min_n = indicators.settings.min_group
    scale = next(s for s in codebook.scales if s.code == code)
    out = []
    rows = _latest(_overall(distribution, by))
    rows = rows[rows["item"].isin(scale.items)].copy() if not rows.empty else rows
    if not rows.empty:
        rows["row"] = [codebook.text(i, lang) for i in rows["item"]]
        item = codebook.item(scale.items[0])
        option_labels = {int(c.code): item.label(c.code, lang) for c in item.choices}
        title = label("likert_title", lang, scale=name)
        out.append(Chart(code, title, charts.likert_bars(rows, points, option_labels, title,
                                                         lang, min_n, scale.first), "likert"))
    if not quantiles.empty:
        rows = quantiles[quantiles["scale"] == code]
        rows = _latest(rows[rows[by].astype(str) != ALL]) if by else rows
        rows = rows.assign(group=rows[by] if by else rows["wave"])
        title = label("distribution_title", lang, scale=name)
        out.append(Chart(code, title, charts.score_distribution(rows, title, lang, min_n,
                                                                points, scale.first),
                         "distribution"))
    if not changes.empty:
        rows = changes[changes["scale"] == code]
        for (wave_from, wave_to), pair in rows.groupby(["wave_from", "wave_to"], sort=True):
            title = label("dumbbell_title", lang, a=wave_from, b=wave_to, scale=name)
            out.append(Chart(code, title, charts.dumbbell(pair, title, lang, min_n, points,
                                                          scale.first), "change"))
    if not equity.empty:
        rows = _latest(equity[equity["scale"] == code]).copy()
        if not rows.empty:
            rows["descriptor_label"] = [
                DESCRIPTORS.get(d, {}).get(lang) or codebook.text(d, lang)
                for d in rows["descriptor"]
            ]
            rows["order"] = [_choice_rank(codebook, d, c)
                             for d, c in zip(rows["descriptor"], rows["category"], strict=True)]
            rows = rows.sort_values(["descriptor", "order"], kind="stable")
            rows["category_label"] = [codebook.item(d).label(c, lang)
                                      for d, c in zip(rows["descriptor"], rows["category"],
                                                      strict=True)]
            n = rows["n"].astype(float)
            half = 1.96 * rows["sd"].astype(float) / n.pow(0.5)
            rows["ci_low"], rows["ci_high"] = rows["mean"] - half, rows["mean"] + half
            title = label("equity_title", lang, scale=name)
            out.append(Chart(code, title, charts.equity_chart(rows, title, lang, min_n, points,
                                                              scale.first), "equity"))
    return out


def _choice_rank(codebook: Codebook, item_code: str, category: object) -> int:
    codes = [str(c) for c in codebook.item(item_code).choice_codes]
    return codes.index(str(category)) if str(category) in codes else len(codes)


def _cell(value, suppressed: bool, lang: str, min_n: int) -> str:
    if suppressed and (value is None or value is pd.NA or (not isinstance(value, str)
                                                            and pd.isna(value))):
        return f'<td class="suppressed">{html.escape(label("suppressed_short", lang))}</td>'
    if isinstance(value, (bool, np.bool_)):  # a flag reads Oui/Non, Yes/No, not True/False
        text = YES_NO["yes" if value else "no"].get(lang, "yes" if value else "no")
    elif isinstance(value, float):
        text = "" if pd.isna(value) else f"{value:.3f}"
    elif isinstance(value, (dict, list, tuple)):
        text = json.dumps(jsonable(value), ensure_ascii=False)
        text = text if len(text) < 120 else text[:119] + "…"
    elif value is None or value is pd.NA:
        text = ""
    else:
        text = str(value)
    return f"<td>{html.escape(text)}</td>"


def _display(name: str, table: pd.DataFrame, codebook: Codebook, lang: str) -> pd.DataFrame:
    """The table's codes as words: scale and item texts, choice labels, audience names."""
    out = table.copy()

    def choice(item_code: object, value: object) -> object:
        if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
            return value
        try:
            return codebook.item(str(item_code)).label(value, lang)
        except KeyError:
            return value

    if "option" in out and "item" in out:
        out["option"] = [choice(i, o) for i, o in zip(out["item"], out["option"], strict=True)]
    if "descriptor" in out:
        for column in ("category", "highest", "lowest"):
            if column in out:
                out[column] = [choice(d, v) for d, v in zip(out["descriptor"], out[column],
                                                             strict=True)]
        out["descriptor"] = [DESCRIPTORS.get(str(d), {}).get(lang) or codebook.text(str(d), lang)
                             for d in out["descriptor"]]
    for column in ("scale", "item"):
        if column in out:
            out[column] = [_short(codebook.text(str(v), lang)) for v in out[column]]
    if "audience" in out:
        out["audience"] = [audience_name(str(a), lang) for a in out["audience"]]
    for column in ("missing", "omega_method", "design"):
        if column in out:
            out[column] = [label(str(v), lang) for v in out[column]]
    for column in ("alpha_reason", "omega_reason", "omega_h_reason"):
        if column in out:
            out[column] = [label(str(v), lang) if isinstance(v, str) and v else v
                           for v in out[column]]
    if name == "item_statistics" and "reversed" in table:
        out["item"] = [f"{text} {label('reversed_mark', lang)}" if flag else text
                       for text, flag in zip(out["item"], table["reversed"], strict=True)]
    no_rwg = {s.code for s in codebook.scales if s.points is None}
    for column in ("rwg_j", "median_rwg_j"):
        if column in out and "scale" in table:
            out[column] = [label("rwg_not_computed", lang) if str(code) in no_rwg else value
                           for code, value in zip(table["scale"], out[column], strict=True)]
    return out


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def table_html(name: str, table: pd.DataFrame, lang: str, min_n: int,
               codebook: Codebook | None = None, title: str | None = None) -> str:
    """One public table as escaped HTML, headings in words and codes as labels; suppressed rows
    are marked. The table scrolls sideways inside its own box on narrow screens."""
    if title is None:
        title = label(name, lang) if name in TABLE_TITLES else name
    shown = _display(name, table, codebook, lang) if codebook is not None else table
    columns = [c for c in table.columns if c not in ("suppressed", "suppression", "ties")]
    if "audience" in table and not table["audience"].astype(str).str.strip().any():
        columns.remove("audience")  # data without audiences (outside the app): an empty column
    head = "".join(f'<th scope="col">{html.escape(column_label(str(c), lang))}</th>'
                   for c in columns)
    body = []
    flags = table["suppressed"] if "suppressed" in table else pd.Series(False, index=table.index)
    for (_, row), hidden in zip(shown.head(MAX_HTML_ROWS).iterrows(), flags, strict=False):
        css = ' class="suppressed-row"' if hidden else ""
        if "low_coverage" in row and bool(row["low_coverage"]):
            css = ' class="flagged"'
        cells = "".join(_cell(row[c], bool(hidden), lang, min_n) for c in columns)
        body.append(f"<tr{css}>{cells}</tr>")
    more = ""
    if len(table) > MAX_HTML_ROWS:
        more = f"<p>{MAX_HTML_ROWS} / {len(table)} — {html.escape(name)}.csv</p>"
    esc_title = html.escape(title)
    return (f'<section class="table"><h3>{esc_title}</h3><div class="scroll" tabindex="0" '
            f'role="region" aria-label="{esc_title}"><table><thead><tr>'
            f"{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>{more}</section>")


def figure_data(figure: go.Figure, lang: str) -> pd.DataFrame:
    """The numbers a chart shows, as a table (its text alternative): one row per point."""
    rows = []
    for trace in figure.data:
        trace_type = trace.type
        name = html.unescape(str(trace.name)) if trace.name else ""
        if getattr(trace, "hoverinfo", None) == "skip":
            continue
        if trace_type == "box":
            for q1, median, q3, low, high in zip(trace.q1, trace.median, trace.q3,
                                                 trace.lowerfence, trace.upperfence, strict=True):
                rows.append({"": name, column_label("p05", lang): low,
                             column_label("q1", lang): q1, column_label("median", lang): median,
                             column_label("q3", lang): q3, column_label("p95", lang): high})
        elif trace_type == "bar" and trace.showlegend is not False:
            values = trace.customdata if trace.customdata is not None else trace.x
            for category, value in zip(trace.y, values, strict=True):
                rows.append({"": html.unescape(str(category)), label("group", lang): name,
                             column_label("pct", lang): value})
        elif trace_type == "scatterpolar":
            for theta, r in zip(trace.theta[:-1], trace.r[:-1], strict=True):
                rows.append({"": name, label("scale", lang): html.unescape(str(theta)),
                             label("mean", lang): r})
        elif trace_type == "scatter" and trace.text is not None and trace.customdata is not None:
            for text, value in zip(trace.text, trace.customdata, strict=True):
                rows.append({"": html.unescape(str(text)), label("in_degree", lang): value})
        elif trace_type == "scatter" and trace.x is not None:
            for x, y in zip(trace.x, trace.y, strict=True):
                if x is None or (isinstance(x, float) and pd.isna(x)):
                    continue
                rows.append({"": html.unescape(str(y)), label("group", lang): name,
                             label("mean", lang): x})
    return pd.DataFrame(rows)


def _data_table(figure: go.Figure, lang: str) -> str:
    data = figure_data(figure, lang)
    if data.empty:
        return ""
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in data.columns)
    body = "".join("<tr>" + "".join(_cell(v, False, lang, 0) for v in row) + "</tr>"
                   for row in data.itertuples(index=False))
    return (f'<details><summary>{html.escape(label("chart_data", lang))}</summary>'
            f'<div class="scroll" tabindex="0" role="region" '
            f'aria-label="{html.escape(label("chart_data", lang))}"><table><thead><tr>{head}'
            f"</tr></thead><tbody>{body}</tbody></table></div></details>")


def reliability_html(public: dict[str, pd.DataFrame], codebook: Codebook, settings,
                     lang: str) -> str:
    """Alpha and omega per scale with their intervals, as a compact table that fits a phone."""
    table = public.get("reliability", pd.DataFrame())
    if table.empty:
        return ""
    rows = []
    for row in table.itertuples(index=False):
        name = html.escape(_short(codebook.text(row.scale, lang)))
        if row.reversed:
            name += (f'<br><small>{html.escape(label("reversed_items", lang))}: '
                     f"{html.escape(', '.join(str(row.reversed).split()))}</small>")
        if row.suppressed:
            cells = (f'<td colspan="4" class="suppressed">'
                     f'{html.escape(label("suppressed", lang, n=settings.min_group))}</td>')
        else:
            alpha = charts.with_interval(row.alpha, row.alpha_ci_low, row.alpha_ci_high,
                                         row.alpha_reason, lang)
            omega = charts.with_interval(row.omega, row.omega_ci_low, row.omega_ci_high,
                                         row.omega_reason, lang)
            hierarchical = charts.with_interval(row.omega_h, math.nan, math.nan,
                                                row.omega_h_reason, lang)
            cells = (f"<td>{int(row.n)}</td><td>{html.escape(alpha)}</td>"
                     f"<td>{html.escape(omega)}</td><td>{html.escape(hierarchical)}</td>")
        rows.append(f'<tr><th scope="row">{name}</th><td>{int(row.k)}</td>{cells}</tr>')
    head = "".join(f'<th scope="col">{html.escape(label(k, lang))}</th>'
                   for k in ("scale", "items", "n", "alpha", "omega", "omega_h_short"))
    return (f"<h2>{html.escape(label('reliability', lang))}</h2>"
            f"<p>{html.escape(reliability_method(settings, lang))}</p>"
            f'<div class="scroll" tabindex="0" role="region" '
            f'aria-label="{html.escape(label("reliability_title", lang))}"><table '
            f'class="reliability"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}'
            f"</tbody></table></div>")


STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0 auto;
max-width:1100px;padding:1rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem}h2{border-bottom:2px solid #0072B2;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;font-size:.85rem}th,td{border:1px solid #ccc;padding:.2rem .4rem;
text-align:left}th{background:#e8eef4}.scroll{overflow-x:auto}
.suppressed{color:#555;font-style:italic;background:#f1f1f1}.suppressed-row td{background:#f6f6f6}
.flagged td{background:#fff4e0}.notes li{margin:.2rem 0}.chart{margin:1rem 0}
figure{margin:1.5rem 0}figcaption{color:#1a1a1a}figcaption span{font-size:.85rem;color:#333}
details{margin:.3rem 0}
summary{cursor:pointer;color:#0b5394}.scroll{max-width:100%}
@media (max-width:600px){body{padding:.5rem}table{font-size:.78rem}h1{font-size:1.3rem}}
"""


def reliability_method(settings, lang: str) -> str:
    """One sentence saying how alpha and omega were computed (missing answers, method, CI)."""
    key = "reliability_method" if settings.omega_boot else "reliability_method_no_boot"
    return label(key, lang, missing=label(settings.missing, lang),
                 method=label(settings.omega_method, lang), fm=settings.omega_method,
                 n_rule=label(f"n_{settings.missing}", lang),
                 boot=settings.omega_boot)


def render_html(indicators: Indicators, public: dict[str, pd.DataFrame], chart_list: list[Chart],
                lang: str, plotlyjs: str = "embed") -> str:
    """The HTML report; every inserted string escaped. plotly.js is embedded once, or with
    ``plotlyjs="external"`` loaded from a sibling ``plotly.min.js`` file."""
    codebook, settings = indicators.codebook, indicators.settings
    esc = html.escape
    title = codebook.title.get(lang) or codebook.questionnaire if codebook.title else (
        codebook.questionnaire)
    n_responses = int(indicators.tables["responses"]["n"].sum()) if "responses" in (
        indicators.tables) else 0
    script = f'<script src="{PLOTLYJS_FILE}"></script>' if plotlyjs == "external" else ""
    audience = f" ({esc(audience_name(codebook.audience, lang))})" if codebook.audience else ""
    parts = [
        f'<!doctype html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(label('report_title', lang))} — {esc(title)}</title>"
        f"<style>{STYLE}</style>{script}</head><body><main>",
        f"<h1>{esc(label('report_title', lang))} — {esc(title)}</h1>",
        f"<p>{esc(label('questionnaire', lang))}: {esc(codebook.questionnaire)} "
        f"{esc(codebook.version_label)}{audience} · "
        f"{esc(label('responses', lang))}: {n_responses} · {esc(label('generated', lang))} "
        f"{esc(dt.date.today().isoformat())}</p>",
        f"<p>{esc(label('suppression_note', lang, n=settings.min_group))}</p>",
    ]
    if indicators.notes:
        notes = "".join(f"<li>{esc(n.in_language(lang) if isinstance(n, Note) else n)}</li>"
                        for n in indicators.notes)
        parts.append(f"<h2>{esc(label('notes', lang))}</h2><ul class=\"notes\">{notes}</ul>")
    first = plotlyjs == "embed"
    section = None
    ordered = [c for c in chart_list if c.section == "overview"]
    ordered += [c for c in chart_list if c.section != "overview"]
    reliability_done = False
    for chart in ordered:
        if chart.section != "overview" and not reliability_done:
            parts.append(reliability_html(public, codebook, settings, lang))
            reliability_done = True
        if chart.section != section:
            section = chart.section
            heading = label(section, lang) if section in (
                "overview", "reliability", "leadership") else codebook.text(section, lang)
            parts.append(f"<h2>{esc(heading)}</h2>")
        # The title is the figure's caption (HTML wraps it on a phone; plotly's title would
        # overlap the legend there), followed by where its values are.
        figure = go.Figure(chart.figure).update_layout(title=None)
        fig_html = figure.to_html(full_html=False, include_plotlyjs=first,
                                  config={"displaylogo": False, "responsive": True})
        first = False
        parts.append(f'<figure class="chart"><figcaption><strong>{esc(chart.title)}</strong> '
                     f'<span>({esc(label("chart_alt", lang))})</span></figcaption>{fig_html}'
                     f"{_data_table(chart.figure, lang)}</figure>")
    if not reliability_done:
        parts.append(reliability_html(public, codebook, settings, lang))
    parts.append(f"<h2>{esc(label('tables', lang))}</h2>")
    for name in HTML_TABLES:
        if name in public and not public[name].empty:
            parts.append(table_html(name, public[name], lang, settings.min_group, codebook))
    parts.append("</main></body></html>")
    return "\n".join(parts)


def _flat(table: pd.DataFrame) -> pd.DataFrame:
    """Nested cells (in-degree dicts, tie lists) as JSON text, for CSV."""
    out = table.copy()
    for column in out.columns:
        if out[column].dtype == object and out[column].map(
                lambda v: isinstance(v, (dict, list, tuple))).any():
            out[column] = out[column].map(
                lambda v: json.dumps(jsonable(v), ensure_ascii=False)
                if isinstance(v, (dict, list, tuple)) else v)
    return out


def write_outputs(
    indicators: Indicators, out_dir: str | Path, lang: str = "fr", with_charts: bool = True,
    plotlyjs: str = "embed",
) -> dict[str, Path]:
    """Write indicators.json, one CSV per public table and report.html into ``out_dir``
    (and plotly.min.js beside it with ``plotlyjs="external"``)."""
    if plotlyjs not in PLOTLYJS_CHOICES:
        raise ValueError(f"plotlyjs must be one of {PLOTLYJS_CHOICES}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    public = public_tables(indicators)
    written: dict[str, Path] = {}
    codebook, settings = indicators.codebook, indicators.settings
    document = {
        "questionnaire": codebook.questionnaire,
        "version": codebook.version,
        "version_label": codebook.version_label,
        "audience": codebook.audience,
        "settings": {
            "by": settings.by,
            "min_group": settings.min_group,
            "comparison_sites": list(settings.comparison_sites),
            "min_coverage": settings.min_coverage,
            "missing": settings.missing,
            "omega_method": settings.omega_method,
            "omega_boot": settings.omega_boot,
        },
        "notes": list(indicators.notes),
        "tables": {name: table for name, table in public.items()},
    }
    written["indicators.json"] = out / "indicators.json"
    write_json(document, written["indicators.json"])
    for name, table in public.items():
        path = out / f"{name}.csv"
        write_csv(_flat(table), path)
        written[path.name] = path
    chart_list = build_charts(indicators, public, lang) if with_charts else []
    path = out / "report.html"
    path.write_text(render_html(indicators, public, chart_list, lang, plotlyjs),
                    encoding="utf-8")
    written["report.html"] = path
    if plotlyjs == "external" and chart_list:
        script = out / PLOTLYJS_FILE
        script.write_text(get_plotlyjs(), encoding="utf-8")
        written[PLOTLYJS_FILE] = script
    return written
