"""Internal consistency of scales: Cronbach's alpha, McDonald's omega, item statistics.

Everything here follows R's ``psych`` (Revelle), including on messy data:

- Missing answers: covariances and correlations are **pairwise** (each pair of items over the
  respondents who answered both, R's ``use = "pairwise"``) over every row given, so ``n`` is
  the number of rows, as psych's (respondents with one answer still count in the variances).
  ``missing="listwise"`` keeps only respondents who answered every item instead.
- ``screen_items``: items nobody answered or without variance are left out before anything is
  computed (psych: "had no variance and was deleted"), and items loading negatively on the first
  principal component are named (psych: "probably should be reversed").
- ``cronbach_alpha``: ``psych::alpha(x)$total$raw_alpha``, k/(k-1) (1 - tr(C)/sum(C)) of the
  item covariance matrix C, with Feldt's interval (Feldt, Woodruff & Salih 1987; psych's
  ``alpha.ci``), ``std.alpha`` and the Duhachek & Iacobucci (2004) interval (psych's ``ase``).
- ``mcdonald_omega``: ``psych::omega(x, nfactors = 1, fm = "minres" | "ml")$omega.tot``
  (Revelle & Zinbarg 2009): one factor fitted to the pairwise correlation matrix R by minimum
  residual or maximum likelihood, items with a negative loading flipped, then
  omega_t = 1 - sum(u2) / sum(R), u2 = 1 - loading^2. Its interval is a percentile (Poisson)
  bootstrap over respondents (seeded, so reports are reproducible; ``analysis.bootstrap``).

Omega hierarchical (several factors, Schmid-Leiman) is in ``analysis.factors``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import optimize, stats

from analysis.bootstrap import resampled_correlations

__all__ = [
    "Missing",
    "MISSING_POLICIES",
    "OMEGA_METHODS",
    "BOOTSTRAP_SAMPLES",
    "BOOTSTRAP_SEED",
    "Estimate",
    "Alpha",
    "NAN_ESTIMATE",
    "Screen",
    "screen_items",
    "item_matrix",
    "pairwise_moments",
    "cov_corr",
    "standardised_alpha",
    "duhachek_ase",
    "feldt_interval",
    "cronbach_alpha",
    "minres_loadings",
    "one_factor_loadings",
    "mcdonald_omega",
    "item_statistics",
]

Missing = Literal["pairwise", "listwise"]
MISSING_POLICIES: tuple[str, ...] = ("pairwise", "listwise")
OMEGA_METHODS: tuple[str, ...] = ("minres", "ml")
BOOTSTRAP_SAMPLES = 500
BOOTSTRAP_SEED = 20240601


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its 95% interval (NaN when not available) and its sample size.

    ``n`` is psych's: every respondent (row) given, answered or not (pairwise), or those who
    answered every item (listwise). ``k`` counts the items used (items without variance or
    without answers are left out, see ``screen_items``). ``missing`` says which policy.
    """

    value: float
    ci_low: float
    ci_high: float
    n: int
    k: int = 0
    missing: str = "pairwise"


@dataclass(frozen=True)
class Alpha(Estimate):
    """Cronbach's alpha (``value``, Feldt's interval in ``ci_low``/``ci_high``) with psych's
    standardised alpha (``std``, ``std.alpha``) and the Duhachek & Iacobucci (2004) interval
    ``value +- z * ase`` (psych's ``total$ase``, printed by psych as "Duhachek")."""

    std: float = math.nan
    ase: float = math.nan
    duhachek_low: float = math.nan
    duhachek_high: float = math.nan


NAN_ESTIMATE = Estimate(math.nan, math.nan, math.nan, 0, 0)


@dataclass(frozen=True)
class Screen:
    """What ``screen_items`` found in a scale's items, as psych's ``alpha()`` does.

    ``kept``: the items used; ``empty``: items nobody answered; ``constant``: items without
    variance (one distinct answer, or a single answer), both left out as psych does ("had no
    variance and was deleted"); ``negative``: kept items loading negatively on the first principal
    component of the others (psych: "Some items ... were negatively correlated with the total
    scale and probably should be reversed").
    """

    kept: tuple[str, ...]
    empty: tuple[str, ...] = ()
    constant: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()

    @property
    def dropped(self) -> tuple[str, ...]:
        return (*self.empty, *self.constant)


def _numbers(items: pd.DataFrame) -> np.ndarray:
    if all(pd.api.types.is_float_dtype(t) for t in items.dtypes):
        return items.to_numpy(dtype=float)  # the tidy frame's items: no conversion needed
    return items.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def screen_items(items: pd.DataFrame) -> Screen:
    """Items psych's ``alpha()`` leaves out or warns about (see ``Screen``).

    Variances are taken over every answer (psych's ``apply(x, 2, sd, na.rm = TRUE)``, before any
    listwise deletion); the sign check is psych's ``principal(x)``: the first eigenvector of the
    pairwise correlation matrix, oriented so that its loadings sum to a positive number.
    """
    data = _numbers(items)
    columns = list(items.columns)
    answered = (~np.isnan(data)).sum(axis=0)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sd = np.nanstd(data, axis=0, ddof=1) if len(data) else np.full(len(columns), np.nan)
    empty = answered == 0
    constant = ~empty & ~(sd > 0)
    kept = ~empty & ~constant
    negative: tuple[str, ...] = ()
    if kept.sum() >= 2:
        corr = pairwise_moments(data[:, kept])[1]
        if np.isfinite(corr).all():
            vector = np.linalg.eigh(corr)[1][:, -1]
            vector = vector if vector.sum() >= 0 else -vector
            names = [c for c, keep in zip(columns, kept, strict=True) if keep]
            negative = tuple(n for n, v in zip(names, vector, strict=True) if v < 0)
    pick = lambda mask: tuple(c for c, m in zip(columns, mask, strict=True) if m)  # noqa: E731
    return Screen(pick(kept), pick(empty), pick(constant), negative)


def item_matrix(items: pd.DataFrame, missing: str, screen: Screen | None = None) -> np.ndarray:
    """The kept items as floats: every row (pairwise, as psych) or complete rows (listwise)."""
    if missing not in MISSING_POLICIES:
        raise ValueError(f"missing must be one of {MISSING_POLICIES}, not {missing!r}")
    screen = screen_items(items) if screen is None else screen
    data = _numbers(items[list(screen.kept)]) if screen.kept else np.empty((len(items), 0))
    if missing == "listwise":
        return data[~np.isnan(data).any(axis=1)]
    return data


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


def cov_corr(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(covariance, correlation) of the columns: numpy's when no answer is missing, else
    ``pairwise_moments``."""
    if not np.isnan(data).any():
        with np.errstate(divide="ignore", invalid="ignore"):
            cov = np.atleast_2d(np.cov(data, rowvar=False, ddof=1))
            sd = np.sqrt(np.diag(cov))
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


def standardised_alpha(cov: np.ndarray) -> float:
    """psych's ``std.alpha``: alpha of R = ``cov2cor(C)``, k/(k-1) (1 - k / sum(R))."""
    k = cov.shape[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = np.sqrt(np.diag(cov))
        total = float((cov / np.outer(sd, sd)).sum())
    if k < 2 or not np.isfinite(total) or total <= 0:
        return math.nan
    return k / (k - 1) * (1 - k / total)


def duhachek_ase(cov: np.ndarray, n: int) -> float:
    """Asymptotic standard error of alpha (Duhachek & Iacobucci 2004), psych's ``ase``:
    sqrt(Q / n), Q = 2k^2 / ((k-1)^2 (1'C1)^3) [1'C1 (tr C^2 + (tr C)^2) - 2 tr C 1'C^2 1]."""
    k = cov.shape[0]
    total, trace = float(cov.sum()), float(np.trace(cov))
    if k < 2 or n < 1 or not np.isfinite(total) or total <= 0:
        return math.nan
    square = cov @ cov
    q = (2 * k**2 / ((k - 1) ** 2 * total**3)) * (
        total * (np.trace(square) + trace**2) - 2 * trace * square.sum())
    return math.sqrt(q / n) if q >= 0 else math.nan


def feldt_interval(alpha: float, n: int, k: int, confidence: float = 0.95) -> tuple[float, float]:
    """Feldt, Woodruff & Salih (1987) interval of alpha from n respondents and k items
    (psych's ``alpha.ci(alpha, n.obs, n.var)``, the "Feldt" line of ``alpha()``)."""
    tail = (1 - confidence) / 2
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - alpha) * stats.f.isf(tail, df1, df2)
    high = 1 - (1 - alpha) * stats.f.isf(1 - tail, df1, df2)
    return float(low), float(high)


def cronbach_alpha(
    items: pd.DataFrame, confidence: float = 0.95, missing: Missing = "pairwise",
    screen: Screen | None = None,
) -> Alpha:
    """Cronbach's alpha as ``psych::alpha(x)$total$raw_alpha`` (pairwise covariances by
    default, ``use = "complete.obs"`` with ``missing="listwise"``), with Feldt's interval,
    ``std.alpha`` and the Duhachek-Iacobucci interval.

    Items nobody answered or without variance are left out first (``screen_items``), as psych
    does. ``n`` is psych's: every row given (pairwise), also for Feldt's and Duhachek's
    intervals; complete rows only (listwise).
    """
    data = item_matrix(items, missing, screen)
    n, k = data.shape
    nan = Alpha(math.nan, math.nan, math.nan, n, k, missing)
    if n < 2 or k < 2:
        return nan
    cov = cov_corr(data)[0]
    alpha = _alpha_from_cov(cov)
    if math.isnan(alpha):
        return nan
    low, high = feldt_interval(alpha, n, k, confidence)
    ase = duhachek_ase(cov, n)
    z = float(stats.norm.isf((1 - confidence) / 2))
    return Alpha(float(alpha), low, high, n, k, missing, standardised_alpha(cov), ase,
                 alpha - z * ase, alpha + z * ase)


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
        bounded = optimize.minimize(_uniqueness_criterion(corr, off), psi0, jac=True,
                                    method="L-BFGS-B", bounds=[(0.005, 1.0)] * p)
        lam = principal(bounded.x)
    return lam if lam.sum() >= 0 else -lam


def _uniqueness_criterion(corr: np.ndarray, off: np.ndarray
                          ) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """psych's minres criterion as a function of the uniquenesses ``psi`` (the loadings: the
    first eigenvector of R with 1 - psi on its diagonal), with its gradient from the
    eigenvector's derivative (first-order perturbation): about six times fewer eigen
    decompositions than a finite-difference gradient, which the bootstraps of small samples
    (often Heywood cases) spend most of their time on."""
    def fit(psi: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        reduced = corr.copy()
        np.fill_diagonal(reduced, 1 - psi)
        values, vectors = np.linalg.eigh(reduced)
        lam = vectors[:, -1] * math.sqrt(max(values[-1], 0.0))
        diff = off - np.outer(lam, lam)
        np.fill_diagonal(diff, 0.0)
        return float((diff**2).sum()), values, vectors, diff @ lam

    def criterion(psi: np.ndarray) -> tuple[float, np.ndarray]:
        value, values, vectors, pull = fit(psi)  # d value / d lam = -4 pull
        root, first = math.sqrt(max(values[-1], 0.0)), vectors[:, -1]
        gaps = values[-1] - values[:-1]
        if root < 1e-8 or gaps.min() < 1e-8:  # no derivative there: finite differences
            return value, optimize.approx_fprime(psi, lambda x: fit(x)[0], 1e-8)
        rest = vectors[:, :-1] @ ((vectors[:, :-1].T @ pull) / gaps)
        along = -(first**2) / (2 * root) * (pull @ first) - root * first * rest
        return value, -4 * along

    return criterion


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
    # psych's omegah(): omega_t = (Vt - sum(u2)) / Vt, Vt the sum of R after flipping the
    # items that load negatively, whatever the factoring (fm = "minres" or "ml").
    lam = one_factor_loadings(corr) if method == "ml" else minres_loadings(corr)
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
    screen: Screen | None = None,
) -> Estimate:
    """McDonald's omega total as ``psych::omega(x, nfactors = 1, fm = method)$omega.tot``
    (see the module docstring), on the items ``screen_items`` keeps.

    The interval is the percentile bootstrap of ``n_boot`` Poisson resamples of respondents
    drawn with ``numpy.random.default_rng(seed)`` (:func:`_bootstrap_omegas`); ``n_boot=0``
    skips it (NaN bounds).
    """
    if method not in OMEGA_METHODS:
        raise ValueError(f"method must be one of {OMEGA_METHODS}, not {method!r}")
    data = item_matrix(items, missing, screen)
    n, k = data.shape
    nan = Estimate(math.nan, math.nan, math.nan, n, k, missing)
    if n < 3 or k < 3:
        return nan
    with np.errstate(all="ignore"):
        omega = _omega_from_corr(cov_corr(data)[1], method)
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
    """Omega of ``n_boot`` Poisson bootstrap resamples of the rows of ``data``, drawn with
    ``default_rng(seed)`` (``analysis.bootstrap.resampled_correlations``)."""
    parts = []
    for corr in resampled_correlations(data, n_boot, seed):
        if method == "minres":
            parts.append(_batch_minres_omega(corr))
        else:
            with np.errstate(all="ignore"):
                parts.append(np.array([_omega_from_corr(c, method) for c in corr]))
    return np.concatenate(parts)


def item_statistics(items: pd.DataFrame, missing: Missing = "pairwise",
                    screen: Screen | None = None) -> pd.DataFrame:
    """Per item: n, mean, sd, corrected item-total correlation and alpha if the item is deleted.

    Like ``psych::alpha()`` (``item.stats$r.drop``, ``alpha.drop$raw_alpha``), the last two come
    from the item covariance matrix (pairwise by default) of the items kept by
    ``screen_items``, so they agree with the scale's alpha; items left out have NaN there.
    """
    screen = screen_items(items) if screen is None else screen
    columns = ["item", "n", "mean", "sd", "item_total_r", "alpha_if_deleted"]
    every = _numbers(items)
    if missing == "listwise" and screen.kept:
        every = every[~np.isnan(_numbers(items[list(screen.kept)])).any(axis=1)]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        table = pd.DataFrame({
            "item": list(items.columns),
            "n": (~np.isnan(every)).sum(axis=0),
            "mean": np.nanmean(every, axis=0) if len(every) else math.nan,
            "sd": np.nanstd(every, axis=0, ddof=1) if len(every) else math.nan,
            "item_total_r": np.full(len(items.columns), math.nan),
            "alpha_if_deleted": np.full(len(items.columns), math.nan),
        }, columns=columns)
    data = item_matrix(items, missing, screen)
    n, k = data.shape
    if n < 2 or k < 2:
        return table
    cov = cov_corr(data)[0]
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
    kept = table["item"].isin(screen.kept).to_numpy()
    table.loc[kept, "item_total_r"] = r
    table.loc[kept, "alpha_if_deleted"] = alpha_del
    return table
