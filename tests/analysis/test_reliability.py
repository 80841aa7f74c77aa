"""Cronbach's alpha, McDonald's omega and item statistics against published values and
independent implementations (pingouin, statsmodels)."""

import math

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats
from statsmodels.multivariate.factor import Factor

from analysis.bootstrap import poisson_draws
from analysis.reliability import cronbach_alpha, item_statistics, mcdonald_omega


def correlated_items(n=300, k=5, seed=0, missing=0.0):
    rng = np.random.default_rng(seed)
    trait = rng.normal(size=n)
    loadings = np.linspace(0.5, 0.9, k)
    data = trait[:, None] * loadings + rng.normal(size=(n, k)) * 0.8
    data = np.clip(np.rint(3 + data), 1, 5)
    frame = pd.DataFrame(data, columns=[f"i{j}" for j in range(k)])
    if missing:
        frame = frame.mask(rng.random(frame.shape) < missing)
    return frame


def test_alpha_matches_published_real_statistics_example():
    # real-statistics.com Cronbach's alpha example, shipped by pingouin as "cronbach_alpha";
    # published alpha = 0.5917 with Feldt 95% CI [0.195, 0.840] (pingouin docs).
    data = pg.read_dataset("cronbach_alpha").pivot(index="Subj", columns="Items", values="Scores")
    result = cronbach_alpha(data)
    assert result.value == pytest.approx(0.5917188, abs=1e-6)
    assert (round(result.ci_low, 3), round(result.ci_high, 3)) == (0.195, 0.840)
    assert result.n == len(data)


def test_alpha_listwise_option_matches_psych_complete_obs():
    # real-statistics.com binary items with missing values ("cronbach_wide_missing"):
    # R psych::alpha(data, use = "complete.obs") gives 0.8016949 (quoted in pingouin's docs).
    data = pg.read_dataset("cronbach_wide_missing")
    result = cronbach_alpha(data, missing="listwise")
    assert result.value == pytest.approx(0.8016949, abs=1e-6)
    assert result.n == len(data.dropna()) and result.missing == "listwise"


def test_alpha_is_pairwise_by_default_like_psych_and_pingouin():
    # pingouin's default (nan_policy="pairwise") is psych::alpha()'s default: pairwise covariances.
    data = pg.read_dataset("cronbach_wide_missing")
    expected, ci = pg.cronbach_alpha(data)
    result = cronbach_alpha(data)
    assert result.value == pytest.approx(expected, rel=1e-12)
    assert result.missing == "pairwise" and result.n == (data.notna().sum(axis=1) >= 2).sum()
    assert (round(result.ci_low, 3), round(result.ci_high, 3)) == tuple(ci)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_alpha_and_feldt_interval_match_pingouin(seed):
    # Complete data: with missing values pingouin takes n before listwise deletion for its CI.
    data = correlated_items(seed=seed)
    expected, ci = pg.cronbach_alpha(data)
    result = cronbach_alpha(data)
    assert result.value == pytest.approx(expected, rel=1e-12)
    assert result.ci_low == pytest.approx(ci[0], abs=5e-4)
    assert result.ci_high == pytest.approx(ci[1], abs=5e-4)


def test_alpha_listwise_value_matches_pingouin():
    data = correlated_items(seed=8, missing=0.05)
    expected, _ = pg.cronbach_alpha(data, nan_policy="listwise")
    result = cronbach_alpha(data, missing="listwise")
    assert result.value == pytest.approx(expected, rel=1e-12)
    assert result.n == len(data.dropna())


def test_alpha_edge_cases():
    constant = pd.DataFrame({"a": [3] * 6, "b": [3] * 6, "c": [3] * 6})
    assert math.isnan(cronbach_alpha(constant).value)
    assert math.isnan(cronbach_alpha(pd.DataFrame({"a": [np.nan] * 4, "b": [1, 2, 3, 4]})).value)
    # psych's n: every row given, answered or not; one item left (a is empty): no alpha.
    empty = cronbach_alpha(pd.DataFrame({"a": [np.nan] * 4, "b": [1, 2, 3, 4]}))
    assert (empty.n, empty.k) == (4, 1)
    assert math.isnan(cronbach_alpha(pd.DataFrame({"a": [1, 2, 3]})).value)
    # A constant item among varying ones is left out, as psych does (pingouin keeps it).
    data = correlated_items(n=50, k=3, seed=4)
    expected = pg.cronbach_alpha(data)[0]
    data["flat"] = 3.0
    assert cronbach_alpha(data).value == pytest.approx(expected, rel=1e-12)
    assert cronbach_alpha(data).k == 3


def test_omega_matches_statsmodels_one_factor_ml():
    data = correlated_items(n=500, k=6, seed=5)
    corr = np.corrcoef(data.to_numpy(), rowvar=False)
    fitted = Factor(corr=corr, n_factor=1, method="ml", nobs=len(data)).fit()
    lam = np.abs(fitted.loadings[:, 0])
    expected = 1 - (1 - lam**2).sum() / corr.sum()  # psych's omega.tot from ML loadings
    result = mcdonald_omega(data, method="ml", n_boot=0)
    assert result.value == pytest.approx(expected, abs=2e-3)
    assert result.n == 500


def test_omega_equals_alpha_for_parallel_standardised_items():
    # With equal loadings on standardised items (parallel items), omega equals alpha.
    rng = np.random.default_rng(6)
    trait = rng.normal(size=20000)
    data = pd.DataFrame({f"i{j}": 0.7 * trait + rng.normal(scale=0.71, size=20000)
                         for j in range(4)})
    assert mcdonald_omega(data).value == pytest.approx(pg.cronbach_alpha(data)[0], abs=3e-3)


def test_item_statistics_match_independent_computation():
    data = correlated_items(n=200, k=4, seed=7, missing=0.03)
    table = item_statistics(data, missing="listwise").set_index("item")
    complete = data.dropna()
    for column in data.columns:
        rest = complete.drop(columns=column)
        expected_r = np.corrcoef(complete[column], rest.sum(axis=1))[0, 1]
        assert table.loc[column, "item_total_r"] == pytest.approx(expected_r, rel=1e-10)
        expected_alpha = pg.cronbach_alpha(rest)[0]
        assert table.loc[column, "alpha_if_deleted"] == pytest.approx(expected_alpha, rel=1e-10)
    assert (table["n"] == len(complete)).all()


def test_omega_bootstrap_interval_agrees_with_plain_row_resampling():
    # The interval draws resamples as counts over distinct answer patterns; resampling the rows
    # themselves (the textbook bootstrap) must give the same interval up to Monte Carlo error
    # (each bound's is about 0.001 here, for an interval about 0.04 wide).
    items = correlated_items(n=1500, k=5, seed=7, missing=0.05)
    ours = mcdonald_omega(items, n_boot=1000)
    rng = np.random.default_rng(99)
    plain = [mcdonald_omega(items.iloc[rng.integers(0, len(items), len(items))], n_boot=0).value
             for _ in range(1000)]
    low, high = np.quantile(plain, [0.025, 0.975])
    assert 0.02 < ours.ci_high - ours.ci_low < 0.08
    assert ours.ci_low == pytest.approx(low, abs=0.005)
    assert ours.ci_high == pytest.approx(high, abs=0.005)


@pytest.mark.parametrize("mean", [1, 3, 17, 64, 65, 400])
def test_poisson_draws_follow_scipys_poisson_distribution(mean):
    # The bootstrap's counts, drawn by table inversion (or numpy above 64), against scipy's
    # Poisson distribution: a chi-square goodness-of-fit test on 200,000 draws.
    draws = poisson_draws(np.random.default_rng(mean), np.full(400, mean), 500).ravel()
    assert draws.shape == (200_000,)
    edges = np.unique(stats.poisson.ppf(np.linspace(0.001, 0.999, 30), mean))
    # bins: draw <= edges[0], edges[0] < draw <= edges[1], ..., draw > edges[-1]
    observed = np.histogram(draws, bins=[-np.inf, *(edges + 0.5), np.inf])[0]
    cdf = stats.poisson.cdf(np.array([*edges, np.inf]), mean)
    expected = np.diff(np.concatenate([[0.0], cdf])) * len(draws)
    assert stats.chisquare(observed, expected).pvalue > 1e-3


def test_poisson_draws_are_reproducible_and_keep_each_mean_in_place():
    means = np.array([5, 1, 300, 5, 2, 64, 1])
    first = poisson_draws(np.random.default_rng(1), means, 4000)
    again = poisson_draws(np.random.default_rng(1), means, 4000)
    assert (first == again).all()
    assert first.mean(axis=0) == pytest.approx(means, rel=0.06)
    assert first.var(axis=0) == pytest.approx(means, rel=0.15)
