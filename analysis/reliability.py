"""Internal consistency of scales: Cronbach's alpha, McDonald's omega, item statistics.

All functions take a frame with one column per item (numeric, NaN for missing) and use listwise
deletion: a respondent counts only when every item is answered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its 95% interval (NaN when not available) and its sample size."""

    value: float
    ci_low: float
    ci_high: float
    n: int
    k: int = 0


NAN_ESTIMATE = Estimate(math.nan, math.nan, math.nan, 0, 0)


def _complete(items: pd.DataFrame) -> np.ndarray:
    data = items.apply(pd.to_numeric, errors="coerce").dropna(axis=0, how="any")
    return data.to_numpy(dtype=float)


def _alpha_from_cov(cov: np.ndarray) -> float:
    k = cov.shape[0]
    total = cov.sum()
    if k < 2 or total <= 0:
        return math.nan
    return k / (k - 1) * (1 - np.trace(cov) / total)


def cronbach_alpha(items: pd.DataFrame, confidence: float = 0.95) -> Estimate:
    """Cronbach's alpha with Feldt's F-based interval (Feldt, Woodruff & Salih 1987)."""
    data = _complete(items)
    n, k = data.shape
    if n < 2 or k < 2:
        return Estimate(math.nan, math.nan, math.nan, n, k)
    alpha = _alpha_from_cov(np.cov(data, rowvar=False, ddof=1))
    if math.isnan(alpha):
        return Estimate(math.nan, math.nan, math.nan, n, k)
    tail = (1 - confidence) / 2
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - alpha) * stats.f.isf(tail, df1, df2)
    high = 1 - (1 - alpha) * stats.f.isf(1 - tail, df1, df2)
    return Estimate(float(alpha), float(low), float(high), n, k)


def one_factor_loadings(corr: np.ndarray) -> np.ndarray:
    """Standardised loadings of a one-factor maximum-likelihood model of a correlation matrix.

    Hand-written because no factor-analysis library is a dependency of ``analysis/``; this is
    the profile-likelihood method of R's ``factanal`` (Jöreskog 1967): the uniquenesses are
    optimised and, for given uniquenesses, the loadings come from the first eigenvector.
    """
    p = corr.shape[0]

    def loadings(psi: np.ndarray) -> np.ndarray:
        scale = 1 / np.sqrt(psi)
        values, vectors = np.linalg.eigh(corr * scale[:, None] * scale[None, :])
        top = max(values[-1] - 1, 0.0)
        return np.sqrt(psi) * vectors[:, -1] * math.sqrt(top)

    def discrepancy(psi: np.ndarray) -> float:
        lam = loadings(psi)
        sigma = np.outer(lam, lam) + np.diag(psi)
        sign, logdet = np.linalg.slogdet(sigma)
        if sign <= 0:
            return 1e10
        return float(logdet + np.trace(np.linalg.solve(sigma, corr)))

    try:
        start = (1 - 0.5 / p) / np.diag(np.linalg.inv(corr))
    except np.linalg.LinAlgError:
        start = np.full(p, 0.5)
    start = np.clip(start, 0.005, 1.0)
    result = optimize.minimize(
        discrepancy, start, method="L-BFGS-B", bounds=[(0.005, 1.0)] * p
    )
    lam = loadings(result.x)
    return lam if lam.sum() >= 0 else -lam


def mcdonald_omega(items: pd.DataFrame) -> Estimate:
    """McDonald's omega (total) from a one-factor ML model of the item correlations.

    omega = (sum of loadings)^2 / ((sum of loadings)^2 + sum of uniquenesses). No interval is
    computed (``ci_low``/``ci_high`` are NaN).
    """
    data = _complete(items)
    n, k = data.shape
    if n < 3 or k < 3 or np.any(data.std(axis=0, ddof=1) == 0):
        return Estimate(math.nan, math.nan, math.nan, n, k)
    corr = np.corrcoef(data, rowvar=False)
    lam = one_factor_loadings(corr)
    common = lam.sum() ** 2
    omega = common / (common + (1 - lam**2).sum())
    return Estimate(float(omega), math.nan, math.nan, n, k)


def item_statistics(items: pd.DataFrame) -> pd.DataFrame:
    """Per item: n, mean, sd, corrected item-total correlation and alpha if the item is deleted."""
    data = _complete(items)
    n, k = data.shape
    columns = ["item", "n", "mean", "sd", "item_total_r", "alpha_if_deleted"]
    if n < 2 or k < 2:
        rows = [[c, n, math.nan, math.nan, math.nan, math.nan] for c in items.columns]
        return pd.DataFrame(rows, columns=columns)
    cov = np.cov(data, rowvar=False, ddof=1)
    row_sums = cov.sum(axis=1)
    item_var = np.diag(cov)
    rest_var = cov.sum() - 2 * row_sums + item_var
    cov_rest = row_sums - item_var
    with np.errstate(divide="ignore", invalid="ignore"):
        r = cov_rest / np.sqrt(item_var * rest_var)
        alpha_del = (k - 1) / (k - 2) * (1 - (np.trace(cov) - item_var) / rest_var) if k > 2 else (
            np.full(k, math.nan)
        )
    r = np.where(np.isfinite(r), r, math.nan)
    alpha_del = np.where(np.isfinite(alpha_del) & (rest_var > 0), alpha_del, math.nan)
    return pd.DataFrame(
        {
            "item": list(items.columns),
            "n": n,
            "mean": data.mean(axis=0),
            "sd": np.sqrt(item_var),
            "item_total_r": r,
            "alpha_if_deleted": alpha_del,
        }
    )
