"""Within-group agreement and reliability of group means, to justify aggregating to teams.

rwg(j): James, Demaree & Wolf (1984). ICC(1) and ICC(2): from a one-way ANOVA, as in Bliese's
``multilevel`` R package (group size taken as N/G). Hand-written because these few formulas are
not in scipy and pulling a mixed-model library into ``analysis/`` for them is not worth it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = [
    "uniform_null_variance",
    "rwg_j",
    "rwg_j_by_group",
    "icc1",
    "icc2",
]


def uniform_null_variance(n_options: int) -> float:
    """Expected variance of a uniform (no agreement) response on A options: (A^2 - 1) / 12."""
    return (n_options**2 - 1) / 12


def _rwg_from_mean_variance(mean_var: float | np.ndarray, n_items: int, n_options: int):
    ratio = np.asarray(mean_var, dtype=float) / uniform_null_variance(n_options)
    agree = n_items * (1 - ratio)
    with np.errstate(divide="ignore", invalid="ignore"):
        rwg = agree / (agree + ratio)
    return np.where(ratio > 1, 0.0, rwg)


def rwg_j(items: pd.DataFrame, n_options: int) -> float:
    """rwg(j) of one group: J items, listwise deletion, truncated to 0 beyond the null variance.

    NaN when fewer than two members answered every item.
    """
    data = items.apply(pd.to_numeric, errors="coerce").dropna(axis=0, how="any")
    if len(data) < 2 or data.shape[1] == 0:
        return math.nan
    mean_var = float(data.var(axis=0, ddof=1).mean())
    return float(_rwg_from_mean_variance(mean_var, data.shape[1], n_options))


def rwg_j_by_group(
    frame: pd.DataFrame, items: list[str], group: str, n_options: int
) -> pd.DataFrame:
    """rwg(j) for every group at once (vectorised); columns ``n`` and ``rwg_j``."""
    data = frame[[group, *items]].dropna(subset=items, how="any").dropna(subset=[group])
    grouped = data.groupby(group, sort=True, observed=True)
    n = grouped.size()
    mean_var = grouped[items].var(ddof=1).mean(axis=1)
    rwg = pd.Series(_rwg_from_mean_variance(mean_var.to_numpy(), len(items), n_options),
                    index=mean_var.index)
    rwg[n < 2] = math.nan
    return pd.DataFrame({"n": n, "rwg_j": rwg})


def _anova_mean_squares(values: Iterable, groups: Iterable) -> tuple[float, float, int, int]:
    """(MS between, MS within, N, G) of a one-way ANOVA, ignoring missing values."""
    v = pd.to_numeric(pd.Series(_positional(values)), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    codes, _ = pd.factorize(pd.Series(_positional(groups)), use_na_sentinel=True)
    keep = ~np.isnan(v) & (codes >= 0)
    v, codes = v[keep], codes[keep]
    codes = np.unique(codes, return_inverse=True)[1]
    n, g = len(v), (int(codes.max()) + 1 if len(codes) else 0)
    if g < 2 or n <= g:
        return math.nan, math.nan, n, g
    counts = np.bincount(codes)
    means = np.bincount(codes, weights=v) / counts
    ss_between = float((counts * (means - v.mean()) ** 2).sum())
    ss_within = float(((v - means[codes]) ** 2).sum())
    return ss_between / (g - 1), ss_within / (n - g), n, g


def _positional(values: Iterable) -> np.ndarray | list:
    if isinstance(values, pd.Series):
        return values.to_numpy()
    return values if isinstance(values, np.ndarray) else list(values)


def icc1(values: Iterable, groups: Iterable) -> float:
    """ICC(1) = (MSB - MSW) / (MSB + (N/G - 1) MSW); NaN with one group or only singletons."""
    msb, msw, n, g = _anova_mean_squares(values, groups)
    denominator = msb + (n / g - 1) * msw if g else math.nan
    if math.isnan(msb) or denominator == 0:
        return math.nan
    return (msb - msw) / denominator


def icc2(values: Iterable, groups: Iterable) -> float:
    """ICC(2) = (MSB - MSW) / MSB, the reliability of group means."""
    msb, msw, _, _ = _anova_mean_squares(values, groups)
    if math.isnan(msb) or msb == 0:
        return math.nan
    return (msb - msw) / msb
