"""Poisson bootstrap over respondents: resampled pairwise correlation matrices (one matrix
product per batch of resamples) and fast exact Poisson draws."""

from __future__ import annotations

import math
from collections.abc import Iterator
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import special

__all__ = [
    "resampled_correlations",
    "poisson_draws",
]


def resampled_correlations(data: np.ndarray, n_boot: int, seed: int) -> Iterator[np.ndarray]:
    """Pairwise correlation matrices of ``n_boot`` Poisson bootstrap resamples of the rows of
    ``data``, drawn with ``default_rng(seed)``, yielded in stacks of (size, k, k).

    Each respondent is drawn a Poisson(1) number of times (the Poisson bootstrap: Hanley &
    MacGibbon 2006, Chamandy et al. 2012), which for large samples behaves as drawing n rows
    with replacement. Respondents with the same answer pattern then count together, Poisson
    with the pattern's count as mean: likert answers repeat a few thousand patterns at most, so
    a resample costs one draw per pattern, not per respondent, and the bootstrap of a large
    export about as much as that of a small one.
    """
    rng = np.random.default_rng(seed)
    rows = pd.DataFrame(data)
    pattern = rows.groupby(list(rows.columns), dropna=False, sort=False).ngroup().to_numpy()
    counts = np.bincount(pattern)
    patterns = data[np.unique(pattern, return_index=True)[1]]
    chunk = max(1, 4_000_000 // len(patterns))
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        yield _weighted_corr(patterns, poisson_draws(rng, counts, size))


def _weighted_corr(data: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Pairwise correlation matrices of ``data`` (n, k) under each row of ``weights`` (B, n),
    the number of times each respondent is drawn: a bootstrap as one matrix product."""
    n_rows, k = data.shape
    mask = ~np.isnan(data)
    x = np.where(mask, data, 0.0)
    m = mask.astype(float)

    def outer(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return (a[:, :, None] * b[:, None, :]).reshape(n_rows, k * k)

    # the four pairwise sums (counts, sums, sums of squares, cross products) in one product
    sums = weights @ np.hstack([outer(m, m), outer(x, m), outer(x * x, m), outer(x, x)])
    n, sx, sxx, sxy = (sums[:, part * k * k:(part + 1) * k * k].reshape(len(weights), k, k)
                       for part in range(4))
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = (sxy - sx * sx.transpose(0, 2, 1) / n) / (n - 1)
        var_i = (sxx - sx**2 / n) / (n - 1)
        corr = cov / np.sqrt(var_i * var_i.transpose(0, 2, 1))
    index = np.arange(k)
    corr[:, index, index] = 1.0
    return corr


POISSON_TABLE_MEANS = 64  # means up to this are drawn through a table of their distribution
BUCKETS = 1 << 16  # the tables' resolution: a draw is one 16-bit random number, mostly
AMBIGUOUS = 255  # a bucket that holds a step of the distribution function


@lru_cache(maxsize=POISSON_TABLE_MEANS)
def _poisson_table(mean: int) -> tuple[np.ndarray, np.ndarray]:
    """The distribution function of Poisson(mean) and, per bucket of [0, 1) of width
    1/BUCKETS, the count every uniform number of that bucket inverts to (``AMBIGUOUS`` where a
    step of the distribution function falls inside the bucket)."""
    cdf = special.pdtr(np.arange(int(mean + 12 * math.sqrt(mean) + 20)), mean)
    edges = np.arange(BUCKETS + 1) / BUCKETS
    low = np.searchsorted(cdf, edges[:-1], side="right")
    high = np.searchsorted(cdf, edges[1:], side="left")
    return cdf, np.where(low == high, low, AMBIGUOUS).astype(np.uint8)


def poisson_draws(rng: np.random.Generator, means: np.ndarray, size: int) -> np.ndarray:
    """(size, len(means)) Poisson draws of the whole-number ``means``, as floats.

    Exact inversion of the distribution function, made cheap for small means (most answer
    patterns are rare): the first 16 bits of the uniform number pick a bucket, which gives the
    count unless a step of the distribution function falls inside it (about one bucket in a
    thousand); those few draws add the uniform's remaining bits and search the function. numpy's
    own sampler takes several times longer per draw, which made it most of the bootstrap's
    time. Larger means (few patterns) use ``rng.poisson``."""
    order = np.argsort(means, kind="stable")
    distinct, starts = np.unique(means[order], return_index=True)
    ends = [*starts[1:], len(means)]
    out = np.empty((len(means), size))  # patterns in order of their means, draws contiguous
    small = distinct <= POISSON_TABLE_MEANS
    for mean, start, end in zip(distinct[small], starts[small], ends, strict=False):
        cdf, table = _poisson_table(int(mean))
        buckets = rng.integers(0, BUCKETS, size=(end - start, size), dtype=np.uint16)
        counts = table[buckets].astype(float)
        unsure = counts == AMBIGUOUS
        if unsure.any():
            uniform = (buckets[unsure] + rng.random(int(unsure.sum()))) / BUCKETS
            counts[unsure] = np.searchsorted(cdf, uniform, side="right")
        out[start:end] = counts
    first_large = int(starts[small.sum()]) if not small.all() else len(means)
    if first_large < len(means):
        out[first_large:] = rng.poisson(means[order][first_large:, None],
                                        size=(len(means) - first_large, size))
    draws = np.empty_like(out)
    draws[order] = out
    return draws.T
