"""Scale scores per respondent and their summaries per group.

A respondent's score on a scale is the mean of the answered items after reverse keying
(``points + 1 - answer``), when at least ``min_answered`` items are answered. Scales of numeric
scores (``points`` is None) have no reverse keying and no top box.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from analysis.codebook import Codebook, Scale

__all__ = [
    "keyed_items",
    "scale_score",
    "scale_scores",
    "top_box_threshold",
    "mean_ci",
    "summarise_scores",
    "item_distribution",
    "score_quantiles",
]


def keyed_items(frame: pd.DataFrame, scale: Scale) -> pd.DataFrame:
    """The scale's item columns with reverse-keyed items flipped (first + last - answer:
    points + 1 - answer for items coded 1..points)."""
    items = frame[list(scale.items)].astype(float)
    for code in scale.reverse:
        items[code] = scale.first + scale.last - items[code]
    return items


def scale_score(frame: pd.DataFrame, scale: Scale) -> pd.Series:
    """One scale's score per respondent (NaN under the minimum-answered rule)."""
    items = keyed_items(frame, scale).to_numpy()
    answered = (~np.isnan(items)).sum(axis=1)
    with np.errstate(invalid="ignore"):
        means = np.nansum(items, axis=1) / answered
    means[answered < scale.min_answered] = np.nan
    return pd.Series(means, index=frame.index, name=scale.code)


def scale_scores(frame: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Every scale's score per respondent, one column per scale code."""
    return pd.DataFrame(
        {scale.code: scale_score(frame, scale) for scale in codebook.scales}, index=frame.index
    )


def top_box_threshold(points: int | None, first: int = 1) -> float:
    """Scores at or above this count as 'top box': the two highest options (e.g. 4+ of 1..5,
    3+ of 0..4). NaN without a response scale (numeric scores)."""
    return math.nan if points is None else first + points - 2


def mean_ci(
    n: np.ndarray, mean: np.ndarray, sd: np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """t-based interval of a mean, vectorised; NaN when n < 2."""
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf(1 - (1 - confidence) / 2, n - 1) * np.asarray(sd) / np.sqrt(n)
    half = np.where(n >= 2, half, np.nan)
    return mean - half, mean + half


def summarise_scores(
    scores: pd.DataFrame,
    groups: pd.DataFrame,
    codebook: Codebook,
    by: Sequence[str] = (),
) -> pd.DataFrame:
    """Per group and scale: n, mean, sd, 95% CI of the mean and the top-box percentage.

    ``groups`` holds the grouping columns (aligned with ``scores``); ``by`` names them.
    """
    by = list(by)
    rows = []
    for scale in codebook.scales:
        data = pd.DataFrame({"score": scores[scale.code]})
        for column in by:
            data[column] = groups[column]
        data = data.dropna(subset=["score"])
        threshold = top_box_threshold(scale.points, scale.first)
        data["top"] = math.nan if math.isnan(threshold) else data["score"] >= threshold
        if by:
            data = data.dropna(subset=by)
            grouped = data.groupby(by, sort=True, observed=True)
        else:
            grouped = data.groupby(np.zeros(len(data)), sort=True)
        table = grouped.agg(
            n=("score", "size"), mean=("score", "mean"), sd=("score", "std"), top=("top", "mean")
        ).reset_index()
        if not by:
            table = table.drop(columns=table.columns[0])
        table.insert(len(by), "scale", scale.code)
        rows.append(table)
    columns = [*by, "scale", "n", "mean", "sd", "ci_low", "ci_high", "top_box_pct"]
    if not rows:
        return pd.DataFrame(columns=columns)
    out = pd.concat(rows, ignore_index=True)
    out["ci_low"], out["ci_high"] = mean_ci(out["n"], out["mean"], out["sd"])
    out["top_box_pct"] = 100 * out.pop("top")
    return out[columns]


def item_distribution(
    frame: pd.DataFrame, codebook: Codebook, by: Sequence[str] = ()
) -> pd.DataFrame:
    """Answer counts of every likert item per group: group columns, item, option, count, n, pct.

    ``n`` is the number of respondents of the group who answered the item.
    """
    by = list(by)
    columns = [*by, "item", "option", "count", "n", "pct"]
    items = [item for item in codebook.likert_items if item.code in frame]
    if not items:
        return pd.DataFrame(columns=columns)
    # Counting with bincount over (group, option) keys is much faster than a groupby per item.
    if by:
        group_id = frame.groupby(by, observed=True, sort=True, dropna=True).ngroup().to_numpy()
        groups = frame[by].assign(_g=group_id)[group_id >= 0].drop_duplicates("_g")
        groups = groups.sort_values("_g").drop(columns="_g").reset_index(drop=True)
    else:
        group_id = np.zeros(len(frame), dtype=int)
        groups = pd.DataFrame(index=[0])
    n_groups = len(groups)
    parts = []
    for item in items:
        points = item.points or 0
        values = frame[item.code].to_numpy(dtype=float)
        valid = ~np.isnan(values) & (group_id >= 0)
        keys = group_id[valid] * points + values[valid].astype(int) - item.first
        counts = np.bincount(keys, minlength=n_groups * points).reshape(n_groups, points)
        part = groups.loc[np.repeat(np.arange(n_groups), points)].reset_index(drop=True)
        part["item"] = item.code
        part["option"] = np.tile(np.arange(item.first, item.first + points), n_groups)
        part["count"] = counts.ravel()
        part["n"] = np.repeat(counts.sum(axis=1), points)
        parts.append(part[part["n"] > 0])
    out = pd.concat(parts, ignore_index=True)
    out["pct"] = 100 * out["count"] / out["n"]
    return out[columns]


def score_quantiles(
    scores: pd.DataFrame, groups: pd.DataFrame, codebook: Codebook, by: Sequence[str] = ()
) -> pd.DataFrame:
    """Per group and scale: n, 5th, 25th, 50th, 75th and 95th percentiles of the scores.

    Box plots are drawn from these, so no individual answer (minimum, maximum) is shown.
    """
    by = list(by)
    columns = [*by, "scale", "n", "p05", "q1", "median", "q3", "p95"]
    if scores.shape[1] == 0:
        return pd.DataFrame(columns=columns)
    long = pd.concat([groups[by], scores], axis=1).melt(
        id_vars=by, var_name="scale", value_name="score"
    ).dropna()
    if long.empty:  # no score at all (no response, or none answered enough items)
        return pd.DataFrame(columns=columns)
    grouped = long.groupby([*by, "scale"], sort=True, observed=True)["score"]
    table = grouped.quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack()
    table.columns = ["p05", "q1", "median", "q3", "p95"]
    table.insert(0, "n", grouped.size())
    return table.reset_index()
