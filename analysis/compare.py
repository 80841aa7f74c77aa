"""Group comparisons with effect sizes: two groups, paired, k groups, categorical; p adjustment.

Tests come from scipy; effect sizes are a line or two each, so they are written here.
Missing values (NaN) are dropped before testing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "TwoGroups",
    "Paired",
    "KGroups",
    "Categorical",
    "hedges_g",
    "two_groups",
    "paired",
    "k_groups",
    "kruskal_samples",
    "categorical",
    "adjust",
]


@dataclass(frozen=True)
class TwoGroups:
    n_a: int
    n_b: int
    mean_a: float
    mean_b: float
    u_statistic: float
    p_value: float
    cliffs_delta: float
    rank_biserial: float
    hedges_g: float
    hedges_g_ci: tuple[float, float]
    welch_t: float
    welch_p_value: float


@dataclass(frozen=True)
class Paired:
    n: int
    mean_difference: float
    w_statistic: float
    p_value: float
    rank_biserial: float


@dataclass(frozen=True)
class KGroups:
    n: int
    k: int
    h_statistic: float
    p_value: float
    epsilon_squared: float


@dataclass(frozen=True)
class Categorical:
    n: int
    test: str
    statistic: float
    p_value: float
    cramers_v: float
    table: pd.DataFrame


def _numeric(values: Iterable) -> np.ndarray:
    """Values as floats by position, NaN where missing or not a number."""
    if isinstance(values, pd.Series):
        values = values.to_numpy()
    elif not isinstance(values, np.ndarray):
        values = list(values)
    array = np.asarray(values)
    if array.dtype.kind in "biuf":
        return array.astype(float)
    return pd.to_numeric(pd.Series(array, dtype=object), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )


def _labels(values: Iterable) -> np.ndarray:
    """Group labels by position; numeric arrays stay numeric (faster to factorize)."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "biu":
        return values
    if isinstance(values, pd.Series):
        return values.to_numpy(dtype=object)
    return np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=object)


def _clean(values: Iterable) -> np.ndarray:
    array = _numeric(values)
    return array[~np.isnan(array)]


def hedges_g(a: np.ndarray, b: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """Hedges' g of a - b (pooled SD, correction 1 - 3/(4(n1+n2)-9)) and its interval.

    The interval uses the large-sample SE sqrt((n1+n2)/(n1 n2) + g^2 / (2(n1+n2))) with a t
    critical value on n1+n2-2 degrees of freedom (Hedges & Olkin 1985).
    """
    n1, n2 = len(a), len(b)
    if n1 < 2 or n2 < 2:
        return math.nan, math.nan, math.nan
    pooled = math.sqrt(((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / (n1 + n2 - 2))
    if pooled == 0:
        return math.nan, math.nan, math.nan
    g = (a.mean() - b.mean()) / pooled * (1 - 3 / (4 * (n1 + n2) - 9))
    se = math.sqrt((n1 + n2) / (n1 * n2) + g**2 / (2 * (n1 + n2)))
    crit = stats.t.ppf(1 - (1 - confidence) / 2, n1 + n2 - 2)
    return float(g), float(g - crit * se), float(g + crit * se)


def two_groups(a: Iterable, b: Iterable) -> TwoGroups:
    """Compare two independent samples: Mann-Whitney U (two-sided), Cliff's delta, Hedges' g,
    Welch's t. Positive effects mean ``a`` tends to be larger."""
    x, y = _clean(a), _clean(b)
    n1, n2 = len(x), len(y)
    nan = math.nan
    if n1 == 0 or n2 == 0:
        return TwoGroups(n1, n2, _mean(x), _mean(y), nan, nan, nan, nan, nan, (nan, nan), nan, nan)
    u, p = stats.mannwhitneyu(x, y, alternative="two-sided")
    # U counts pairs with x > y plus half the ties, so P(x>y) - P(x<y) = 2U/(n1 n2) - 1.
    delta = float(2 * u / (n1 * n2) - 1)
    g, g_low, g_high = hedges_g(x, y)
    if n1 >= 2 and n2 >= 2 and (x.var() > 0 or y.var() > 0):
        welch = stats.ttest_ind(x, y, equal_var=False)
        t, t_p = float(welch.statistic), float(welch.pvalue)
    else:
        t, t_p = nan, nan
    return TwoGroups(
        n_a=n1,
        n_b=n2,
        mean_a=_mean(x),
        mean_b=_mean(y),
        u_statistic=float(u),
        p_value=float(p),
        cliffs_delta=delta,
        rank_biserial=delta,  # Kerby's (2014) simple difference formula equals Cliff's delta
        hedges_g=g,
        hedges_g_ci=(g_low, g_high),
        welch_t=t,
        welch_p_value=t_p,
    )


def _mean(x: np.ndarray) -> float:
    return float(x.mean()) if len(x) else math.nan


def paired(before: Iterable, after: Iterable) -> Paired:
    """Wilcoxon signed-rank test on after - before (scipy's defaults) and the matched-pairs
    rank-biserial correlation (positive when after > before). Pairs with a missing side are
    dropped."""
    x, y = _numeric(before), _numeric(after)
    if len(x) != len(y):
        raise ValueError("before and after must have the same length")
    keep = ~np.isnan(x) & ~np.isnan(y)
    diff = y[keep] - x[keep]
    n = len(diff)
    nonzero = diff[diff != 0]
    if len(nonzero) == 0:
        return Paired(n, _mean(diff), math.nan, math.nan, math.nan if n == 0 else 0.0)
    w, p = stats.wilcoxon(diff)
    ranks = stats.rankdata(np.abs(nonzero))
    rbc = (ranks[nonzero > 0].sum() - ranks[nonzero < 0].sum()) / ranks.sum()
    return Paired(n, _mean(diff), float(w), float(p), float(rbc))


def k_groups(values: Iterable, groups: Iterable) -> KGroups:
    """Kruskal-Wallis H test and epsilon squared, H / ((n^2 - 1) / (n + 1))
    (Tomczak & Tomczak 2014)."""
    v = _numeric(values)
    labels = _labels(groups)
    codes, _ = pd.factorize(labels if labels.dtype != object else pd.Series(labels),
                            use_na_sentinel=True)
    keep = ~np.isnan(v) & (codes >= 0)
    v, codes = v[keep], codes[keep]
    return kruskal_samples([v[codes == c] for c in np.unique(codes)])


def kruskal_samples(samples: Sequence[np.ndarray]) -> KGroups:
    """Kruskal-Wallis and epsilon squared of samples already split by group (no NaN)."""
    samples = [s for s in samples if len(s)]
    n, k = sum(len(s) for s in samples), len(samples)
    if k < 2 or len(np.unique(np.concatenate(samples))) < 2:
        return KGroups(n, k, math.nan, math.nan, math.nan)
    h, p = stats.kruskal(*samples)
    return KGroups(n, k, float(h), float(p), float(h / ((n**2 - 1) / (n + 1))))


def categorical(x: Iterable, y: Iterable, min_expected: float = 5) -> Categorical:
    """Association of two categorical variables: Pearson's chi-square (no continuity correction)
    or Fisher's exact test for a 2x2 table with an expected count under ``min_expected``;
    Cramér's V from the uncorrected chi-square."""
    frame = pd.DataFrame({"x": _labels(x), "y": _labels(y)}).dropna()
    table = pd.crosstab(frame["x"], frame["y"])
    n = int(table.to_numpy().sum())
    if table.shape[0] < 2 or table.shape[1] < 2:
        return Categorical(n, "none", math.nan, math.nan, math.nan, table)
    chi2, p, _, expected = stats.chi2_contingency(table.to_numpy(), correction=False)
    v = math.sqrt(chi2 / (n * (min(table.shape) - 1)))
    if table.shape == (2, 2) and expected.min() < min_expected:
        odds, p = stats.fisher_exact(table.to_numpy())
        return Categorical(n, "fisher", float(odds), float(p), v, table)
    return Categorical(n, "chi2", float(chi2), float(p), v, table)


def adjust(p_values: Sequence[float], method: str = "holm") -> list[float]:
    """Adjust p-values for multiple comparisons: ``holm`` (Holm 1979) or ``fdr_bh``
    (Benjamini & Hochberg 1995). NaN p-values stay NaN and are not counted."""
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    valid = ~np.isnan(p)
    if not valid.any():
        return out.tolist()
    if method == "fdr_bh":
        out[valid] = stats.false_discovery_control(p[valid], method="bh")
    elif method == "holm":
        out[valid] = _holm(p[valid])
    else:
        raise ValueError(f"unknown method {method!r}: use 'holm' or 'fdr_bh'")
    return out.tolist()


def _holm(p: np.ndarray) -> np.ndarray:
    # scipy has no Holm step-down; it is a cumulative maximum over sorted, scaled p-values.
    m = len(p)
    order = np.argsort(p)
    scaled = np.maximum.accumulate(p[order] * (m - np.arange(m)))
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(scaled, 1.0)
    return adjusted
