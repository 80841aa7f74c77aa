"""Omega hierarchical (``psych::omega(x, nfactors)``): multi-factor minimum residual, varimax
and oblimin rotations, and the Schmid-Leiman solution of a scale's items."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize

from analysis.reliability import (
    Missing,
    Screen,
    cov_corr,
    item_matrix,
    minres_loadings,
    screen_items,
)

__all__ = [
    "Hierarchical",
    "minres_factors",
    "varimax",
    "oblimin",
    "omega_hierarchical",
]


@dataclass(frozen=True)
class Hierarchical:
    """``psych::omega(x, nfactors)``: omega hierarchical (``omega_h``), the omega total of the
    multi-factor model (``omega_total``) and the Schmid-Leiman loadings (``loadings``: item, g,
    F1*..Fk*, h2, u2, p2, as psych's ``$schmid$sl``).

    ``few_items``: the model has more parameters than correlations (negative degrees of
    freedom, 5 items or fewer for three factors), where psych warns ("ultra-Heywood case",
    "convergence not obtained") and its values do not replicate: omega_h is then NaN;
    ``heywood``: an item's communality reached 1.
    """

    omega_h: float
    omega_total: float
    n_factors: int
    k: int
    loadings: pd.DataFrame
    few_items: bool = False
    heywood: bool = False


def _minres_residual(psi: np.ndarray, corr: np.ndarray, n_factors: int
                 ) -> tuple[float, np.ndarray]:
    p = corr.shape[0]
    # psych's criterion, the sum of squared residuals below the diagonal, and its exact
    # gradient (Daleckii-Krein: the derivative of the leading eigen-part of R - diag(psi)),
    # which lets L-BFGS-B converge in a few dozen steps.
    reduced = corr.copy()
    np.fill_diagonal(reduced, 1 - psi)
    values, vectors = np.linalg.eigh(reduced)
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    top = np.zeros(p, dtype=bool)
    top[:n_factors] = True
    kept = np.where(top, np.maximum(values, 0.0), 0.0)
    error = corr - (vectors * kept) @ vectors.T
    np.fill_diagonal(error, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        weights = (kept[:, None] - kept[None, :]) / (values[:, None] - values[None, :])
    same = np.isclose(values[:, None], values[None, :])
    positive = top & (values > 0)  # max(value, 0): no slope below zero
    weights[same] = np.where(positive[:, None] & positive[None, :], 1.0, 0.0)[same]
    middle = (vectors.T @ error @ vectors) * weights
    gradient = np.einsum("ki,ij,kj->k", vectors, middle, vectors)
    return float((error**2).sum() / 2), gradient


def minres_factors(corr: np.ndarray, n_factors: int) -> tuple[np.ndarray, bool]:
    """Unrotated loadings of ``n_factors`` factors by minimum residual, as ``psych::fa(r,
    nfactors, fm = "minres", rotate = "none")``: the uniquenesses (bounded to [0.005, 1],
    starting from 1 - SMC) minimise the squared off-diagonal residuals of R - L L', L from the
    leading eigenvectors of R with 1 - uniqueness on its diagonal. Also whether a communality
    reached 1 (a Heywood case)."""
    p = corr.shape[0]

    def loadings(psi: np.ndarray) -> np.ndarray:
        reduced = corr.copy()
        np.fill_diagonal(reduced, 1 - psi)
        values, vectors = np.linalg.eigh(reduced)
        top = np.argsort(values)[::-1][:n_factors]
        return vectors[:, top] * np.sqrt(np.maximum(values[top], 0.0))

    try:
        psi0 = 1 / np.diag(np.linalg.inv(corr))
    except np.linalg.LinAlgError:
        psi0 = np.full(p, 0.5)
    psi0 = np.clip(psi0, 0.005, 1.0)
    result = optimize.minimize(_minres_residual, psi0, args=(corr, n_factors), jac=True,
                               method="L-BFGS-B", bounds=[(0.005, 1.0)] * p,
                               options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 5000})
    lam = loadings(result.x)
    return lam, bool((lam**2).sum(axis=1).max() >= 1 - 1e-6)


def varimax(loadings: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """R's ``stats::varimax(x, normalize = TRUE, eps = 1e-5)``, the rotation psych's
    ``schmid()`` starts from (written out: scipy has no factor rotation)."""
    k = loadings.shape[1]
    if k < 2:
        return loadings
    norms = np.sqrt((loadings**2).sum(axis=1))
    x = loadings / norms[:, None]
    p = x.shape[0]
    rotation = np.eye(k)
    d = 0.0
    for _ in range(1000):
        z = x @ rotation
        b = x.T @ (z**3 - z @ np.diag((z**2).sum(axis=0)) / p)
        u, s, vt = np.linalg.svd(b)
        rotation = u @ vt
        d_past, d = d, s.sum()
        if d < d_past * (1 + eps):
            break
    return (x @ rotation) * norms[:, None]


def oblimin(loadings: np.ndarray, eps: float = 1e-5, max_iter: int = 1000
            ) -> tuple[np.ndarray, np.ndarray, bool]:
    """(pattern loadings, factor correlations, converged) of the direct quartimin rotation
    (oblimin, gamma = 0) by GPArotation's gradient projection ``GPFoblq`` (Bernaards & Jennrich
    2005), step for step as psych's ``schmid()`` calls it: ``GPArotation::oblimin(L)``."""
    k = loadings.shape[1]
    off = 1 - np.eye(k)

    def criterion(lam: np.ndarray) -> tuple[float, np.ndarray]:
        squares = lam**2
        x = squares @ off
        return float((squares * x).sum() / 4), lam * x

    rotation = np.eye(k)
    lam = loadings @ np.linalg.inv(rotation).T
    f, gq = criterion(lam)
    gradient = -(lam.T @ gq @ np.linalg.inv(rotation)).T
    step = 1.0
    s = math.inf
    for _ in range(max_iter + 1):
        projected = gradient - rotation @ np.diag((rotation * gradient).sum(axis=0))
        s = math.sqrt(float((projected**2).sum()))
        if s < eps:
            break
        step *= 2
        for _ in range(11):
            x = rotation - step * projected
            candidate = x / np.sqrt((x**2).sum(axis=0))
            lam = loadings @ np.linalg.inv(candidate).T
            f_new, gq = criterion(lam)
            if f - f_new > 0.5 * s**2 * step:
                break
            step /= 2
        rotation, f = candidate, f_new
        gradient = -(lam.T @ gq @ np.linalg.inv(rotation)).T
    return lam, rotation.T @ rotation, s < eps


def omega_hierarchical(
    items: pd.DataFrame, n_factors: int = 3, missing: Missing = "pairwise",
    screen: Screen | None = None,
) -> Hierarchical:
    """Omega hierarchical and the Schmid-Leiman solution, as ``psych::omega(x, nfactors = 3)``
    with its defaults (``fm = "minres"``, ``rotate = "oblimin"``, ``option = "equal"``).

    The steps of psych's ``schmid()`` and ``omegah()``: minres factors of the pairwise
    correlations, varimax, then oblimin; the general factor is a one-factor minres solution of
    the factor correlations (two factors: both loadings sqrt(r), psych's ``option = "equal"``);
    g loadings = pattern x general loadings, group loadings = pattern x sqrt(1 - general^2);
    items flipped to load positively on g; omega_h = (sum g)^2 / sum(R), omega_t = 1 -
    sum(u2) / sum(R). Hand-written (no Python library follows psych's sequence of rotations).
    """
    screen = screen_items(items) if screen is None else screen
    data = item_matrix(items, missing, screen)
    n, k = data.shape
    names = list(screen.kept)
    columns = ["item", "g", *[f"F{j + 1}*" for j in range(n_factors)], "h2", "u2", "p2"]
    few = k * (k - 1) / 2 - k * n_factors + n_factors * (n_factors - 1) / 2 < 0
    empty = Hierarchical(math.nan, math.nan, n_factors, k, pd.DataFrame(columns=columns), few)
    if n < 3 or k <= n_factors or few:
        # With more parameters than correlations psych's solutions are ultra-Heywood cases that
        # it warns about and that do not replicate: none is given here (``few_items`` says why).
        return empty
    with np.errstate(all="ignore"):
        corr = cov_corr(data)[1]
        if not np.isfinite(corr).all():
            return empty
        unrotated, heywood = minres_factors(corr, n_factors)
        orthogonal = varimax(unrotated) if n_factors > 1 else unrotated
        # psych's fa(): columns signed to positive sums, ordered by explained variance.
        orthogonal = orthogonal * np.where(orthogonal.sum(axis=0) < 0, -1.0, 1.0)
        orthogonal = orthogonal[:, np.argsort(-(orthogonal**2).sum(axis=0), kind="stable")]
        if n_factors == 1:
            pattern, phi = orthogonal, np.ones((1, 1))
            general = np.ones(1)
        else:
            pattern, phi, _ = oblimin(orthogonal)
            if n_factors == 2:
                r = phi[0, 1]
                general = np.array([math.sqrt(abs(r)), math.copysign(math.sqrt(abs(r)), r)])
            else:
                general = minres_loadings(phi)
        g = pattern @ general
        h2 = (orthogonal**2).sum(axis=1)
        u2 = 1 - h2
        group = np.sign(pattern) * np.sqrt(np.maximum(pattern**2 * (1 - general**2), 0.0))
        key = np.where(g < 0, -1.0, 1.0)
        g, group = g * key, group * key[:, None]
        total = float((corr * np.outer(key, key)).sum())
        table = pd.DataFrame(group, columns=columns[2:2 + n_factors])
        table.insert(0, "g", g)
        table.insert(0, "item", names)
        table["h2"], table["u2"], table["p2"] = h2, u2, g**2 / h2
    return Hierarchical(float(g.sum() ** 2 / total), float((total - u2.sum()) / total),
                        n_factors, k, table, few, heywood)
