"""Plotly figures of the indicators. Every function takes public (suppressed) tables.

Colours: Okabe & Ito's colour-blind-safe hues, darkened to 3:1 contrast on white, for
categories and ColorBrewer's PuOr (colour-blind safe) for diverging answer scales. Every label
coming from data or a codebook is HTML-escaped, since plotly renders a subset of HTML in text.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.i18n import label

__all__ = [
    "PALETTE",
    "OKABE_ITO",
    "PUOR",
    "SUPPRESSED_GREY",
    "FONT",
    "esc",
    "wrap",
    "diverging_colours",
    "likert_bars",
    "score_distribution",
    "dumbbell",
    "equity_chart",
    "radar",
    "circular_layout",
    "network",
    "with_interval",
    "reliability_table",
    "conformity_bars",
]

# Okabe & Ito's hues, darkened where needed so every colour has at least 3:1 contrast on white
# (WCAG 2.1, 1.4.11 non-text contrast): blue, vermillion, bluish green, reddish purple, amber,
# black, grey, wine. tests/analysis/test_report.py checks the ratios.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#AA3377", "#996100", "#000000", "#666666",
           "#882255")
OKABE_ITO = PALETTE
PUOR = {
    2: ("#e66101", "#5e3c99"),
    3: ("#f1a340", "#f7f7f7", "#998ec3"),
    4: ("#e66101", "#fdb863", "#b2abd2", "#5e3c99"),
    5: ("#e66101", "#fdb863", "#f7f7f7", "#b2abd2", "#5e3c99"),
    6: ("#b35806", "#f1a340", "#fee0b6", "#d8daeb", "#998ec3", "#542788"),
    7: ("#b35806", "#f1a340", "#fee0b6", "#f7f7f7", "#d8daeb", "#998ec3", "#542788"),
}
SUPPRESSED_GREY = "#bbbbbb"
FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13}


def esc(text: object, limit: int = 80) -> str:
    """Escape a label for plotly and shorten it."""
    value = str(text)
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return html.escape(value, quote=True)


def wrap(text: str, width: int = 28) -> str:
    """An escaped label broken into lines of about ``width`` characters (``<br>``), so long
    question texts stay readable on a phone instead of pushing the plot off the screen."""
    lines, line = [], ""
    for word in str(text).split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "<br>".join(html.escape(x, quote=True) for x in lines)


def _layout(fig: go.Figure, title: str, height: int | None = None) -> go.Figure:
    # A plain white style set directly: a named template is deep-copied into every figure.
    fig.update_layout(
        title={"text": esc(title, 120)},
        font=FONT,
        template="none",
        paper_bgcolor="white",
        plot_bgcolor="white",
        colorway=list(OKABE_ITO),
        margin={"l": 20, "r": 20, "t": 60, "b": 40},
        height=height,
    )
    fig.update_xaxes(gridcolor="#e5e5e5", zerolinecolor="#999999", automargin=True)
    fig.update_yaxes(gridcolor="#e5e5e5", zerolinecolor="#999999", automargin=True)
    return fig


def _suppressed_label(name: object, lang: str, min_n: int) -> str:
    return f"{esc(name)} — {esc(label('suppressed', lang, n=min_n))}"


def diverging_colours(points: int) -> tuple[str, ...]:
    if points in PUOR:
        return PUOR[points]
    return tuple(
        PUOR[7][round(i)] for i in np.linspace(0, 6, points)
    )


def likert_bars(
    table: pd.DataFrame,
    points: int,
    option_labels: Mapping[int, str],
    title: str,
    lang: str,
    min_n: int,
    first: int = 1,
) -> go.Figure:
    """Diverging stacked bars: one bar per ``row`` (columns row, option, pct, suppressed).

    Options below the midpoint extend left, above it right; an odd scale's middle option is
    split across zero. ``first`` is the lowest code (0 for answers coded 0..4).
    """
    if first != 1:  # drawn as options 1..points, labelled with their own codes
        table = table.assign(option=table["option"] - first + 1)
        option_labels = {int(o) - first + 1: text for o, text in option_labels.items()}
    rows = list(dict.fromkeys(table["row"]))
    hidden = table.groupby("row", sort=False)["suppressed"].any()
    labels = [
        _suppressed_label(r, lang, min_n) if hidden.get(r, False) else wrap(str(r)[:120])
        for r in rows
    ]
    pct = table.pivot_table(index="row", columns="option", values="pct", aggfunc="sum")
    pct = pct.reindex(index=rows, columns=range(1, points + 1)).fillna(0.0)
    pct[hidden.reindex(rows).fillna(False).to_numpy()] = 0.0
    colours = diverging_colours(points)
    middle = (points + 1) / 2
    fig = go.Figure()
    # Negative side stacked outwards from zero: draw the middle-nearest option first.
    order = sorted(range(1, points + 1), key=lambda o: (o > middle, -o if o < middle else o))
    for option in order:
        values = pct[option].to_numpy()
        if option < middle:
            x = -values
        elif option > middle:
            x = values
        else:
            x = values / 2
        name = esc(option_labels.get(option, str(option)), 40)
        fig.add_bar(y=labels, x=x, name=name, orientation="h", marker_color=colours[option - 1],
                    customdata=values, hovertemplate="%{customdata:.0f}%<extra>" + name +
                    "</extra>", legendrank=option)
        if option == middle:
            fig.add_bar(y=labels, x=-values / 2, orientation="h", showlegend=False,
                        marker_color=colours[option - 1], customdata=values,
                        hovertemplate="%{customdata:.0f}%<extra>" + name + "</extra>")
    fig.update_layout(barmode="relative",
                      legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0,
                              "traceorder": "normal"},
                      xaxis={"title": label("percent", lang), "ticksuffix": "%",
                             "range": [-100, 100]},
                      yaxis={"autorange": "reversed"})
    _layout(fig, title, height=240 + 44 * len(rows))
    fig.update_layout(margin={"t": 110, "b": 50}, title={"y": 0.98, "yanchor": "top"})
    return fig


def _axis_range(points: int | None, bounds: list) -> dict:
    """The axis range of a response scale; none (plotly's own) for numeric scores."""
    return {} if points is None else {"range": bounds}


def score_distribution(
    table: pd.DataFrame, title: str, lang: str, min_n: int, points: int | None, first: int = 1
) -> go.Figure:
    """Box plots from precomputed quantiles per ``group`` (columns group, p05, q1, median, q3,
    p95, n, suppressed); whiskers are the 5th and 95th percentiles, not individual answers."""
    fig = go.Figure()
    for index, row in enumerate(table.itertuples(index=False)):
        if row.suppressed or pd.isna(row.median):
            name = _suppressed_label(row.group, lang, min_n)
            fig.add_box(x=[name], q1=[math.nan], median=[math.nan], q3=[math.nan],
                        lowerfence=[math.nan], upperfence=[math.nan], name=name,
                        marker_color=SUPPRESSED_GREY, showlegend=False)
            continue
        name = f"{esc(row.group)} (n={int(row.n)})"
        fig.add_box(x=[name], q1=[row.q1], median=[row.median], q3=[row.q3],
                    lowerfence=[row.p05], upperfence=[row.p95], name=name,
                    marker_color=OKABE_ITO[index % len(OKABE_ITO)], showlegend=False)
    fig.update_layout(yaxis={"title": label("score", lang),
                             **_axis_range(points, [first - 0.2, first + (points or 0) - 0.8])})
    return _layout(fig, title, height=420)


def dumbbell(table: pd.DataFrame, title: str, lang: str, min_n: int,
             points: int | None, first_code: int = 1) -> go.Figure:
    """Before/after means per site (columns site, mean_from, mean_to, design, suppressed,
    wave_from, wave_to, n). Paired designs use circles, independent samples diamonds."""
    fig = go.Figure()
    sites = []
    for row in table.itertuples(index=False):
        hidden = bool(row.suppressed) or pd.isna(row.mean_from) or pd.isna(row.mean_to)
        name = _suppressed_label(row.site, lang, min_n) if hidden else (
            f"{esc(row.site)} (n={int(row.n)}, {esc(label(row.design, lang))})")
        sites.append(name)
        if hidden:
            continue
        fig.add_scatter(x=[row.mean_from, row.mean_to], y=[name, name], mode="lines",
                        line={"color": "#999999", "width": 3}, showlegend=False,
                        hoverinfo="skip")
    if table.empty:
        return _layout(fig, title)
    first, last = table["wave_from"].iloc[0], table["wave_to"].iloc[0]
    shown = ~table["suppressed"].astype(bool).to_numpy()
    symbols = np.where(table["design"].to_numpy() == "paired", "circle", "diamond")[shown]
    names = np.asarray(sites, dtype=object)[shown]
    fig.add_scatter(x=table["mean_from"][shown], y=names, mode="markers", name=esc(first),
                    marker={"color": OKABE_ITO[1], "size": 12, "symbol": symbols})
    fig.add_scatter(x=table["mean_to"][shown], y=names, mode="markers", name=esc(last),
                    marker={"color": OKABE_ITO[0], "size": 12, "symbol": symbols})
    hidden_names = np.asarray(sites, dtype=object)[~shown]
    if len(hidden_names):
        fig.add_scatter(x=[None] * len(hidden_names), y=hidden_names, mode="markers",
                        showlegend=False, hoverinfo="skip")
    bounds = [first_code, first_code + (points or 0) - 1]
    fig.update_layout(xaxis={"title": label("mean", lang), **_axis_range(points, bounds)},
                      yaxis={"categoryorder": "array", "categoryarray": sites,
                             "autorange": "reversed"})
    return _layout(fig, title, height=160 + 32 * len(sites))


def equity_chart(table: pd.DataFrame, title: str, lang: str, min_n: int,
                 points: int | None, first: int = 1) -> go.Figure:
    """Mean and 95% CI per category of each equity descriptor (columns descriptor_label,
    category_label, n, mean, ci_low, ci_high, suppressed)."""
    fig = go.Figure()
    for index, (descriptor, rows) in enumerate(table.groupby("descriptor_label", sort=False)):
        names, means, lows, highs = [], [], [], []
        for row in rows.itertuples(index=False):
            if row.suppressed or pd.isna(row.mean):
                names.append(f"{esc(descriptor, 30)}: "
                             + _suppressed_label(row.category_label, lang, min_n))
                means.append(None)
                lows.append(None)
                highs.append(None)
            else:
                names.append(wrap(f"{str(descriptor)[:30]}: {str(row.category_label)[:40]} "
                                  f"(n={int(row.n)})", 36))
                means.append(row.mean)
                lows.append(row.mean - row.ci_low)
                highs.append(row.ci_high - row.mean)
        fig.add_scatter(x=means, y=names, mode="markers", name=esc(descriptor, 40),
                        marker={"color": OKABE_ITO[index % len(OKABE_ITO)], "size": 10},
                        error_x={"type": "data", "symmetric": False, "array": highs,
                                 "arrayminus": lows})
    bounds = [first, first + (points or 0) - 1]
    fig.update_layout(xaxis={"title": label("mean", lang), **_axis_range(points, bounds)},
                      yaxis={"autorange": "reversed"},
                      legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0})
    _layout(fig, title, height=260 + 46 * len(table))
    fig.update_layout(margin={"t": 100}, title={"y": 0.98, "yanchor": "top"})
    return fig


def radar(table: pd.DataFrame, title: str, lang: str, min_n: int, points: int,
          first: int = 1) -> go.Figure:
    """Scale means per ``group`` on a radar (columns group, scale_label, mean, suppressed).
    A group with a suppressed scale is drawn without it and marked in the legend."""
    fig = go.Figure()
    for index, (group, rows) in enumerate(table.groupby("group", sort=False)):
        hidden = rows["suppressed"].astype(bool) | rows["mean"].isna()
        name = _suppressed_label(group, lang, min_n) if hidden.any() else esc(group)
        theta = [esc(s, 40) for s in rows["scale_label"]]
        r = rows["mean"].where(~hidden).tolist()
        fig.add_scatterpolar(r=[*r, r[0]], theta=[*theta, theta[0]], name=name,
                             line={"color": OKABE_ITO[index % len(OKABE_ITO)]},
                             connectgaps=False)
    fig.update_layout(polar={"radialaxis": {"range": [first, first + points - 1]}})
    return _layout(fig, title, height=480)


def circular_layout(nodes: Sequence[str]) -> dict[str, tuple[float, float]]:
    """Nodes evenly spaced on the unit circle (networkx is a test-only dependency)."""
    angles = np.linspace(0, 2 * np.pi, len(nodes), endpoint=False) + np.pi / 2
    return {node: (float(np.cos(a)), float(np.sin(a))) for node, a in zip(nodes, angles,
                                                                              strict=True)}


def network(
    in_degree: Mapping[str, int],
    ties: Sequence[tuple[str, str]],
    labels: Mapping[str, str],
    title: str,
    lang: str,
    flagged: bool = False,
) -> go.Figure:
    """A leadership network on a circle, node size by in-degree, arrows for nominations."""
    nodes = list(in_degree)
    positions = circular_layout(nodes)
    fig = go.Figure()
    # Arrows are collected and set once: add_annotation re-validates the layout on every call.
    arrows = []
    for source, target in ties:
        if source not in positions or target not in positions:
            continue
        (x0, y0), (x1, y1) = positions[source], positions[target]
        arrows.append({"x": x1, "y": y1, "ax": x0, "ay": y0, "xref": "x", "yref": "y",
                       "axref": "x", "ayref": "y", "showarrow": True, "arrowhead": 2,
                       "arrowsize": 1, "arrowwidth": 1, "arrowcolor": "#888888",
                       "opacity": 0.6, "standoff": 10, "startstandoff": 6, "text": ""})
    fig.update_layout(annotations=arrows)
    degrees = np.array([in_degree[n] for n in nodes], dtype=float)
    top = degrees.max() if len(degrees) and degrees.max() > 0 else 1.0
    fig.add_scatter(
        x=[positions[n][0] for n in nodes], y=[positions[n][1] for n in nodes],
        mode="markers+text", text=[esc(labels.get(n, n), 28) for n in nodes],
        textposition=["middle right" if positions[n][0] > 0.01 else "middle left"
                      if positions[n][0] < -0.01 else "top center" for n in nodes],
        marker={"size": 12 + 30 * degrees / top, "color": OKABE_ITO[0],
                "line": {"color": "white", "width": 1}},
        customdata=degrees, hovertemplate="%{text}: %{customdata:.0f} " +
        esc(label("in_degree", lang)) + "<extra></extra>", showlegend=False,
    )
    fig.update_layout(xaxis={"visible": False, "range": [-2.2, 2.2]},
                      yaxis={"visible": False, "range": [-1.25, 1.25], "scaleanchor": "x"})
    if flagged:
        title = f"{title} — {label('low_coverage', lang)}"
    return _layout(fig, title, height=480)


def with_interval(value: float, low: float, high: float, reason: object, lang: str) -> str:
    """'0.82 [0.79, 0.85]', '0.82' without interval, or the reason the value is missing
    (never an empty '[, ]')."""
    if pd.isna(value):
        key = str(reason) if isinstance(reason, str) and reason else "reason_no_variance"
        return label(key, lang)
    if pd.isna(low) or pd.isna(high):
        return f"{value:.2f}"
    return f"{value:.2f} [{low:.2f}, {high:.2f}]"


def reliability_table(table: pd.DataFrame, scale_labels: Mapping[str, str], title: str,
                      lang: str, min_n: int) -> go.Figure:
    """Cronbach's alpha with its interval, McDonald's omega, n and number of items per scale."""
    alphas, omegas, ns = [], [], []
    for row in table.itertuples(index=False):
        if row.suppressed:
            alphas.append(esc(label("suppressed", lang, n=min_n)))
            omegas.append("")
            ns.append("")
            continue
        alphas.append(esc(with_interval(row.alpha, row.alpha_ci_low, row.alpha_ci_high,
                                        getattr(row, "alpha_reason", ""), lang)))
        omegas.append(esc(with_interval(row.omega, row.omega_ci_low, row.omega_ci_high,
                                        getattr(row, "omega_reason", ""), lang)))
        ns.append(str(int(row.n)))
    header = [label("scale", lang), label("items", lang), label("n", lang),
              label("alpha", lang), label("omega", lang)]
    cells = [[esc(scale_labels.get(s, s)) for s in table["scale"]],
             [str(int(k)) for k in table["k"]], ns, alphas, omegas]
    fig = go.Figure(go.Table(header={"values": [esc(h) for h in header], "align": "left",
                                     "fill_color": "#e8eef4"},
                             cells={"values": cells, "align": "left"}))
    return _layout(fig, title, height=120 + 30 * len(table))


def conformity_bars(points: Sequence[tuple[str, str, float | None]], title: str) -> go.Figure:
    """Conformity (0-100 %) of each site, one bar per wave side by side: ``points`` are
    (site, wave, percent) triples; an undefined percent (no applicable criterion) is left
    out. Labels are escaped."""
    fig = go.Figure()
    waves = list(dict.fromkeys(wave for _site, wave, _p in points))
    for n, wave in enumerate(waves):
        shown = [(site, p) for site, w, p in points if w == wave and p is not None]
        fig.add_trace(go.Bar(
            x=[esc(site) for site, _p in shown], y=[p for _s, p in shown],
            name=esc(wave or "–"), marker_color=PALETTE[n % len(PALETTE)],
            text=[f"{p:g}" for _s, p in shown], textposition="outside"))
    fig.update_layout(barmode="group", legend={"orientation": "h"})
    fig.update_yaxes(range=[0, 105], ticksuffix=" %")
    return _layout(fig, title, height=380)
