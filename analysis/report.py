"""Write the outputs of an analysis: indicators.json, one CSV per table, a self-contained HTML
report with its charts. Everything written here comes from the suppressed (public) tables."""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from analysis import charts
from analysis.codebook import Codebook
from analysis.i18n import DESCRIPTORS, TABLE_TITLES, label
from analysis.indicators import ALL, Indicators, public_tables
from analysis.output import jsonable, write_csv, write_json
from analysis.reliability import BOOTSTRAP_SAMPLES

MAX_HTML_ROWS = 300
MAX_NETWORKS = 12
HTML_TABLES = ("responses", "scale_summary", "reliability", "item_statistics", "wave_changes",
               "difference_in_differences", "equity_gaps", "team_aggregation", "team_scales",
               "team_networks")


@dataclass(frozen=True)
class Chart:
    section: str
    title: str
    figure: go.Figure


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
    if not summary.empty:
        radar_rows = _overall(summary, by).copy()
        radar_rows["group"] = radar_rows["wave"].astype(str)
        radar_rows["scale_label"] = [_scale_label(codebook, s, lang) for s in radar_rows["scale"]]
        points = max(s.points for s in codebook.scales)
        out.append(Chart("overview", label("radar_title", lang),
                         charts.radar(radar_rows, label("radar_title", lang), lang, min_n,
                                      points)))
    if "reliability" in public and not public["reliability"].empty:
        labels = {s.code: _scale_label(codebook, s.code, lang) for s in codebook.scales}
        title = label("reliability_title", lang)
        out.append(Chart("reliability", title, charts.reliability_table(
            public["reliability"], labels, title, lang, min_n)))
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
        item = codebook.item(row.item)
        labels = {code: item.label(code, lang) for code in item.roster_codes}
        title = label("network_title", lang, team=row.team)
        out.append(Chart("leadership", title, charts.network(
            row.in_degree, [tuple(t) for t in row.ties], labels, title, lang,
            flagged=bool(row.low_coverage))))
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
                                                         lang, min_n)))
    if not quantiles.empty:
        rows = quantiles[quantiles["scale"] == code]
        rows = _latest(rows[rows[by].astype(str) != ALL]) if by else rows
        rows = rows.assign(group=rows[by] if by else rows["wave"])
        title = label("distribution_title", lang, scale=name)
        out.append(Chart(code, title, charts.score_distribution(rows, title, lang, min_n,
                                                                points)))
    if not changes.empty:
        rows = changes[changes["scale"] == code]
        for (wave_from, wave_to), pair in rows.groupby(["wave_from", "wave_to"], sort=True):
            title = label("dumbbell_title", lang, a=wave_from, b=wave_to, scale=name)
            out.append(Chart(code, title, charts.dumbbell(pair, title, lang, min_n, points)))
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
            out.append(Chart(code, title, charts.equity_chart(rows, title, lang, min_n, points)))
    return out


def _choice_rank(codebook: Codebook, item_code: str, category: object) -> int:
    codes = [str(c) for c in codebook.item(item_code).choice_codes]
    return codes.index(str(category)) if str(category) in codes else len(codes)


def _cell(value, suppressed: bool, lang: str, min_n: int) -> str:
    if suppressed and (value is None or value is pd.NA or (not isinstance(value, str)
                                                            and pd.isna(value))):
        return f'<td class="suppressed">{html.escape(label("suppressed_short", lang))}</td>'
    if isinstance(value, float):
        text = "" if pd.isna(value) else f"{value:.3f}"
    elif isinstance(value, (dict, list, tuple)):
        text = json.dumps(jsonable(value), ensure_ascii=False)
        text = text if len(text) < 120 else text[:119] + "…"
    elif value is None or value is pd.NA:
        text = ""
    else:
        text = str(value)
    return f"<td>{html.escape(text)}</td>"


def table_html(name: str, table: pd.DataFrame, lang: str, min_n: int) -> str:
    """One public table as escaped HTML; suppressed rows are marked."""
    title = html.escape(label(name, lang) if name in TABLE_TITLES else name)
    columns = [c for c in table.columns if c not in ("suppressed", "suppression", "ties")]
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = []
    flags = table["suppressed"] if "suppressed" in table else pd.Series(False, index=table.index)
    for (_, row), hidden in zip(table.head(MAX_HTML_ROWS).iterrows(), flags, strict=False):
        css = ' class="suppressed-row"' if hidden else ""
        if "low_coverage" in row and bool(row["low_coverage"]):
            css = ' class="flagged"'
        cells = "".join(_cell(row[c], bool(hidden), lang, min_n) for c in columns)
        body.append(f"<tr{css}>{cells}</tr>")
    more = ""
    if len(table) > MAX_HTML_ROWS:
        more = f"<p>{MAX_HTML_ROWS} / {len(table)} — {html.escape(name)}.csv</p>"
    return (f'<section class="table"><h3>{title}</h3><div class="scroll"><table><thead><tr>'
            f"{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>{more}</section>")


STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0 auto;
max-width:1100px;padding:1rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem}h2{border-bottom:2px solid #0072B2;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;font-size:.85rem}th,td{border:1px solid #ccc;padding:.2rem .4rem;
text-align:left}th{background:#e8eef4}.scroll{overflow-x:auto}
.suppressed{color:#555;font-style:italic;background:#f1f1f1}.suppressed-row td{background:#f6f6f6}
.flagged td{background:#fff4e0}.notes li{margin:.2rem 0}.chart{margin:1rem 0}
"""


def reliability_method(settings, lang: str) -> str:
    """One sentence saying how alpha and omega were computed (missing answers, method, CI)."""
    return label("reliability_method", lang, missing=label(settings.missing, lang),
                 method=label(settings.omega_method, lang), boot=BOOTSTRAP_SAMPLES)


def render_html(indicators: Indicators, public: dict[str, pd.DataFrame], chart_list: list[Chart],
                lang: str) -> str:
    """A self-contained HTML report: plotly.js is embedded once, every inserted string escaped."""
    codebook, settings = indicators.codebook, indicators.settings
    esc = html.escape
    title = codebook.title.get(lang) or codebook.questionnaire if codebook.title else (
        codebook.questionnaire)
    n_responses = int(indicators.tables["responses"]["n"].sum()) if "responses" in (
        indicators.tables) else 0
    parts = [
        f'<!doctype html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(label('report_title', lang))} — {esc(title)}</title>"
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{esc(label('report_title', lang))} — {esc(title)}</h1>",
        f"<p>{esc(label('questionnaire', lang))}: {esc(codebook.questionnaire)} "
        f"{esc(codebook.version_label)} ({esc(codebook.audience)}) · "
        f"{esc(label('responses', lang))}: {n_responses} · {esc(label('generated', lang))} "
        f"{esc(dt.date.today().isoformat())}</p>",
        f"<p>{esc(label('suppression_note', lang, n=settings.min_group))}</p>",
    ]
    if indicators.notes:
        notes = "".join(f"<li>{esc(n)}</li>" for n in indicators.notes)
        parts.append(f"<h2>{esc(label('notes', lang))}</h2><ul class=\"notes\">{notes}</ul>")
    first = True
    section = None
    for chart in chart_list:
        if chart.section != section:
            section = chart.section
            heading = label(section, lang) if section in (
                "overview", "reliability", "leadership") else codebook.text(section, lang)
            parts.append(f"<h2>{esc(heading)}</h2>")
            if section == "reliability":
                parts.append(f"<p>{esc(reliability_method(settings, lang))}</p>")
        fig_html = chart.figure.to_html(full_html=False, include_plotlyjs=first,
                                        config={"displaylogo": False, "responsive": True})
        first = False
        parts.append(f'<div class="chart">{fig_html}</div>')
    parts.append(f"<h2>{esc(label('tables', lang))}</h2>")
    for name in HTML_TABLES:
        if name in public and not public[name].empty:
            parts.append(table_html(name, public[name], lang, settings.min_group))
    parts.append("</body></html>")
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
    indicators: Indicators, out_dir: str | Path, lang: str = "fr", with_charts: bool = True
) -> dict[str, Path]:
    """Write indicators.json, one CSV per public table and report.html into ``out_dir``."""
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
    path.write_text(render_html(indicators, public, chart_list, lang), encoding="utf-8")
    written["report.html"] = path
    return written
