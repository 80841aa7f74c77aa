"""Internal consistency of scales: Cronbach's alpha, McDonald's omega, item statistics.

Missing answers are handled as R's ``psych`` does by default: covariances and correlations are
computed **pairwise** (each pair of items over the respondents who answered both).
``missing="listwise"`` keeps only respondents who answered every item instead.

- ``cronbach_alpha``: k/(k-1) (1 - tr(C)/sum(C)) of the item covariance matrix C, with Feldt's
  F-based interval (Feldt, Woodruff & Salih 1987); equal to ``psych::alpha()``'s ``raw_alpha``.
- ``mcdonald_omega``: omega total as ``psych::omega(x, nfactors = 1)`` computes it (Revelle &
  Zinbarg 2009): one factor fitted by minimum residual (``fm = "minres"``) to the pairwise
  correlation matrix R, items with a negative loading flipped, then
  omega_t = 1 - sum(u2) / sum(R), u2 = 1 - loading^2. ``method="ml"`` fits the factor by maximum
  likelihood instead (R's ``factanal``) and gives (sum l)^2 / ((sum l)^2 + sum u2).
  Its interval is a percentile bootstrap over respondents (seeded, so reports are reproducible).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import optimize, stats

Missing = Literal["pairwise", "listwise"]
MISSING_POLICIES: tuple[str, ...] = ("pairwise", "listwise")
OMEGA_METHODS: tuple[str, ...] = ("minres", "ml")
BOOTSTRAP_SAMPLES = 500
BOOTSTRAP_SEED = 20240601


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its 95% interval (NaN when not available) and its sample size.

    ``n`` counts the respondents used: those with at least two answers (pairwise) or with every
    item answered (listwise). ``missing`` says which.
    """

    value: float
    ci_low: float
    ci_high: float
    n: int
    k: int = 0
    missing: str = "pairwise"


NAN_ESTIMATE = Estimate(math.nan, math.nan, math.nan, 0, 0)


def _matrix(items: pd.DataFrame, missing: str) -> np.ndarray:
    if missing not in MISSING_POLICIES:
        raise ValueError(f"missing must be one of {MISSING_POLICIES}, not {missing!r}")
    data = items.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if missing == "listwise":
        return data[~np.isnan(data).any(axis=1)]
    return data[(~np.isnan(data)).sum(axis=1) >= 2] if data.size else data


def pairwise_moments(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(covariance, correlation) of the columns over pairwise-complete rows, as R's
    ``cov(x, use = "pairwise")`` and ``cor(x, use = "pairwise")``: each pair uses its own means.

    Written with matrix products because pandas' pairwise ``cov`` and ``corr`` loop in Python
    over pairs and are too slow inside a bootstrap.
    """
    mask = ~np.isnan(data)
    x = np.where(mask, data, 0.0)
    m = mask.astype(float)
    n = m.T @ m
    sx = x.T @ m  # sx[i, j]: sum of item i over rows where j is answered (and i)
    sxx = (x * x).T @ m
    sxy = x.T @ x
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = (sxy - sx * sx.T / n) / (n - 1)
        var_i = (sxx - sx**2 / n) / (n - 1)  # variance of i over the pair's rows
        corr = cov / np.sqrt(var_i * var_i.T)
    np.fill_diagonal(corr, 1.0)
    return cov, corr


def _cov_corr(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if not np.isnan(data).any():
        cov = np.cov(data, rowvar=False, ddof=1)
        sd = np.sqrt(np.diag(cov))
        with np.errstate(divide="ignore", invalid="ignore"):
            corr = cov / np.outer(sd, sd)
        np.fill_diagonal(corr, 1.0)
        return cov, corr
    return pairwise_moments(data)


def _alpha_from_cov(cov: np.ndarray) -> float:
    k = cov.shape[0]
    total = cov.sum()
    if k < 2 or not np.isfinite(total) or total <= 0:
        return math.nan
    return k / (k - 1) * (1 - np.trace(cov) / total)


def feldt_interval(alpha: float, n: int, k: int, confidence: float = 0.95) -> tuple[float, float]:
    """Feldt, Woodruff & Salih (1987) interval of alpha from n respondents and k items."""
    tail = (1 - confidence) / 2
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - alpha) * stats.f.isf(tail, df1, df2)
    high = 1 - (1 - alpha) * stats.f.isf(1 - tail, df1, df2)
    return float(low), float(high)


def cronbach_alpha(
    items: pd.DataFrame, confidence: float = 0.95, missing: Missing = "pairwise"
) -> Estimate:
    """Cronbach's alpha (pairwise covariances by default) with Feldt's interval."""
    data = _matrix(items, missing)
    n, k = data.shape
    if n < 2 or k < 2:
        return Estimate(math.nan, math.nan, math.nan, n, k, missing)
    alpha = _alpha_from_cov(_cov_corr(data)[0])
    if math.isnan(alpha):
        return Estimate(math.nan, math.nan, math.nan, n, k, missing)
    low, high = feldt_interval(alpha, n, k, confidence)
    return Estimate(float(alpha), low, high, n, k, missing)


def minres_loadings(corr: np.ndarray) -> np.ndarray:
    """Loadings of one factor fitted by minimum residual, as ``psych::fa(fm = "minres")``.

    Hand-written because no factor-analysis library is a dependency of ``analysis/``. The
    criterion is psych's: the sum of squared off-diagonal residuals of R - l l'. psych optimises
    the uniquenesses (bounded to [0.005, 1]); for one factor the same minimum is reached faster
    by optimising the loadings with the analytic gradient, starting from the principal axis of R
    with the squared multiple correlations on its diagonal. A loading beyond psych's bound
    (a Heywood case) falls back to psych's bounded search over the uniquenesses.
    """
    p = corr.shape[0]
    off = corr.copy()
    np.fill_diagonal(off, 0.0)

    def residual(lam: np.ndarray) -> tuple[float, np.ndarray]:
        diff = off - np.outer(lam, lam)
        np.fill_diagonal(diff, 0.0)
        return float((diff**2).sum()), -4 * diff @ lam

    def principal(psi: np.ndarray) -> np.ndarray:
        reduced = corr.copy()
        np.fill_diagonal(reduced, 1 - psi)
        values, vectors = np.linalg.eigh(reduced)
        return vectors[:, -1] * math.sqrt(max(values[-1], 0.0))

    try:
        with np.errstate(divide="ignore"):
            psi0 = 1 / np.diag(np.linalg.inv(corr))  # 1 - SMC
    except np.linalg.LinAlgError:
        psi0 = np.full(p, 0.5)
    psi0 = np.clip(psi0, 0.005, 1.0)
    lam = principal(psi0)
    # Newton steps on the gradient (quadratic convergence keeps the bootstrap fast); BFGS
    # finishes the job if they have not converged.
    for _ in range(50):
        value, gradient = residual(lam)
        squares = (lam**2).sum() - lam**2
        hessian = -4 * (off - 2 * np.outer(lam, lam))
        np.fill_diagonal(hessian, 4 * squares)
        try:
            step = np.linalg.solve(hessian, gradient)
        except np.linalg.LinAlgError:
            break
        lam = lam - step
        if np.max(np.abs(step)) < 1e-12:
            break
    else:
        lam = optimize.minimize(residual, lam, jac=True, method="BFGS",
                                options={"gtol": 1e-10, "maxiter": 500}).x
    if np.any(lam**2 > 0.995):
        bounded = optimize.minimize(lambda psi: residual(principal(psi))[0], psi0,
                                    method="L-BFGS-B", bounds=[(0.005, 1.0)] * p)
        lam = principal(bounded.x)
    return lam if lam.sum() >= 0 else -lam


def one_factor_loadings(corr: np.ndarray) -> np.ndarray:
    """Standardised loadings of a one-factor maximum-likelihood model of a correlation matrix.

    The profile-likelihood method of R's ``factanal`` (Jöreskog 1967): the uniquenesses are
    optimised and, for given uniquenesses, the loadings come from the first eigenvector.
    """
    p = corr.shape[0]

    def loadings(psi: np.ndarray) -> np.ndarray:
        scale = 1 / np.sqrt(psi)
        values, vectors = np.linalg.eigh(corr * scale[:, None] * scale[None, :])
        top = max(values[-1] - 1, 0.0)
        return np.sqrt(psi) * vectors[:, -1] * math.sqrt(top)

    def discrepancy(psi: np.ndarray) -> tuple[float, np.ndarray]:
        # factanal's FAfn and FAgr: the objective from the eigenvalues of the scaled matrix.
        scale = 1 / np.sqrt(psi)
        values, vectors = np.linalg.eigh(corr * scale[:, None] * scale[None, :])
        rest = values[:-1]
        value = float(-np.sum(np.log(np.maximum(rest, 1e-300)) - rest) - 1 + p)
        lam = np.sqrt(psi) * vectors[:, -1] * math.sqrt(max(values[-1] - 1, 0.0))
        gradient = (lam**2 + psi - np.diag(corr)) / psi**2
        return value, gradient

    try:
        start = (1 - 0.5 / p) / np.diag(np.linalg.inv(corr))
    except np.linalg.LinAlgError:
        start = np.full(p, 0.5)
    start = np.clip(start, 0.005, 1.0)
    result = optimize.minimize(
        discrepancy, start, jac=True, method="L-BFGS-B", bounds=[(0.005, 1.0)] * p
    )
    lam = loadings(result.x)
    return lam if lam.sum() >= 0 else -lam


def _omega_from_corr(corr: np.ndarray, method: str) -> float:
    if not np.isfinite(corr).all():
        return math.nan
    if method == "ml":
        lam = one_factor_loadings(corr)
        common = lam.sum() ** 2
        return float(common / (common + (1 - lam**2).sum()))
    lam = minres_loadings(corr)
    signs = np.where(lam < 0, -1.0, 1.0)  # psych's flip: reverse items loading negatively
    total = float((corr * np.outer(signs, signs)).sum())
    return float(1 - (1 - lam**2).sum() / total)


def mcdonald_omega(
    items: pd.DataFrame,
    method: str = "minres",
    missing: Missing = "pairwise",
    confidence: float = 0.95,
    n_boot: int = BOOTSTRAP_SAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> Estimate:
    """McDonald's omega total (psych's method by default, see the module docstring).

    The interval is the percentile bootstrap of ``n_boot`` resamples of respondents drawn with
    ``numpy.random.default_rng(seed)``; ``n_boot=0`` skips it (NaN bounds).
    """
    if method not in OMEGA_METHODS:
        raise ValueError(f"method must be one of {OMEGA_METHODS}, not {method!r}")
    data = _matrix(items, missing)
    n, k = data.shape
    nan = Estimate(math.nan, math.nan, math.nan, n, k, missing)
    if n < 3 or k < 3:
        return nan
    omega = _omega_from_corr(_cov_corr(data)[1], method)
    if math.isnan(omega):
        return nan
    low = high = math.nan
    if n_boot > 0:
        values = _bootstrap_omegas(data, method, n_boot, seed)
        values = values[np.isfinite(values)]
        if len(values) >= n_boot / 2:
            tail = (1 - confidence) / 2
            low, high = (float(v) for v in np.quantile(values, [tail, 1 - tail]))
    return Estimate(omega, low, high, n, k, missing)


def _weighted_corr(data: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Pairwise correlation matrices of ``data`` (n, k) under each row of ``weights`` (B, n),
    the number of times each respondent is drawn: a bootstrap as four matrix products."""
    n_rows, k = data.shape
    mask = ~np.isnan(data)
    x = np.where(mask, data, 0.0)
    m = mask.astype(float)

    def pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return weights @ (a[:, :, None] * b[:, None, :]).reshape(n_rows, k * k)

    shape = (len(weights), k, k)
    n = pairs(m, m).reshape(shape)
    sx = pairs(x, m).reshape(shape)
    sxx = pairs(x * x, m).reshape(shape)
    sxy = pairs(x, x).reshape(shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = (sxy - sx * sx.transpose(0, 2, 1) / n) / (n - 1)
        var_i = (sxx - sx**2 / n) / (n - 1)
        corr = cov / np.sqrt(var_i * var_i.transpose(0, 2, 1))
    index = np.arange(k)
    corr[:, index, index] = 1.0
    return corr


def _batch_minres_omega(corr: np.ndarray) -> np.ndarray:
    """Omega total (minres) of a stack of correlation matrices at once: the Newton steps of
    ``minres_loadings`` on every matrix together; matrices that do not converge cleanly (or are
    Heywood cases) go through ``minres_loadings`` one by one."""
    count, p = corr.shape[:2]
    out = np.full(count, np.nan)
    good = np.isfinite(corr).all(axis=(1, 2))
    r = corr[good]
    if len(r) == 0:
        return out
    off = r.copy()
    index = np.arange(p)
    off[:, index, index] = 0.0
    reduced = r.copy()
    try:
        smc_psi = 1 / np.diagonal(np.linalg.inv(r), axis1=1, axis2=2)
    except np.linalg.LinAlgError:
        smc_psi = np.full((len(r), p), 0.5)
    reduced[:, index, index] = 1 - np.clip(smc_psi, 0.005, 1.0)
    values, vectors = np.linalg.eigh(reduced)
    lam = vectors[:, :, -1] * np.sqrt(np.maximum(values[:, -1:], 0.0))
    converged = np.zeros(len(r), dtype=bool)
    with np.errstate(all="ignore"):
        for _ in range(50):
            diff = off - lam[:, :, None] * lam[:, None, :]
            diff[:, index, index] = 0.0
            gradient = -4 * np.einsum("bij,bj->bi", diff, lam)
            hessian = -4 * (off - 2 * lam[:, :, None] * lam[:, None, :])
            hessian[:, index, index] = 4 * ((lam**2).sum(axis=1, keepdims=True) - lam**2)
            try:
                step = np.linalg.solve(hessian, gradient[:, :, None])[:, :, 0]
            except np.linalg.LinAlgError:
                break
            lam = lam - step
            converged = np.abs(step).max(axis=1) < 1e-10
            if converged.all():
                break
    lam = np.where((lam.sum(axis=1) < 0)[:, None], -lam, lam)
    redo = ~converged | ~np.isfinite(lam).all(axis=1) | (lam**2 > 0.995).any(axis=1)
    for position in np.flatnonzero(redo):
        lam[position] = minres_loadings(r[position])
    signs = np.where(lam < 0, -1.0, 1.0)
    total = np.einsum("bi,bij,bj->b", signs, r, signs)
    out[good] = 1 - (1 - lam**2).sum(axis=1) / total
    return out


def _bootstrap_omegas(data: np.ndarray, method: str, n_boot: int, seed: int) -> np.ndarray:
    """Omega of ``n_boot`` resamples of the rows of ``data`` drawn with ``default_rng(seed)``.

    Drawing n respondents with replacement draws each distinct answer pattern a multinomial
    number of times (probabilities: the patterns' shares of the rows), so each resample is drawn
    as counts over the distinct patterns. Likert answers repeat a few thousand patterns at most,
    so the bootstrap of a large export costs about as much as that of a small one.
    """
    rng = np.random.default_rng(seed)
    n = len(data)
    rows = pd.DataFrame(data)
    pattern = rows.groupby(list(rows.columns), dropna=False, sort=False).ngroup().to_numpy()
    counts = np.bincount(pattern)
    patterns = data[np.unique(pattern, return_index=True)[1]]
    chunk = max(1, 4_000_000 // len(patterns))
    parts = []
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        weights = rng.multinomial(n, counts / n, size=size).astype(float)
        corr = _weighted_corr(patterns, weights)
        if method == "minres":
            parts.append(_batch_minres_omega(corr))
        else:
            with np.errstate(all="ignore"):
                parts.append(np.array([_omega_from_corr(c, method) for c in corr]))
    return np.concatenate(parts)


def item_statistics(items: pd.DataFrame, missing: Missing = "pairwise") -> pd.DataFrame:
    """Per item: n, mean, sd, corrected item-total correlation and alpha if the item is deleted.

    Like ``psych::alpha()`` (``r.drop``, ``alpha.drop``), the last two come from the item
    covariance matrix (pairwise by default), so they agree with the scale's alpha.
    """
    data = _matrix(items, missing)
    n, k = data.shape
    columns = ["item", "n", "mean", "sd", "item_total_r", "alpha_if_deleted"]
    if n < 2 or k < 2:
        rows = [[c, n, math.nan, math.nan, math.nan, math.nan] for c in items.columns]
        return pd.DataFrame(rows, columns=columns)
    cov = _cov_corr(data)[0]
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
    with np.errstate(all="ignore"):
        return pd.DataFrame(
            {
                "item": list(items.columns),
                "n": (~np.isnan(data)).sum(axis=0),
                "mean": np.nanmean(data, axis=0),
                "sd": np.nanstd(data, axis=0, ddof=1),
                "item_total_r": r,
                "alpha_if_deleted": alpha_del,
            }
        )
