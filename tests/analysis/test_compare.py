"""Group comparisons against scipy, pingouin and statsmodels, and brute-force effect sizes."""

import math

import numpy as np
import pingouin as pg
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.weightstats import ttest_ind as sm_ttest_ind

from analysis.compare import adjust, categorical, k_groups, paired, two_groups


def likert(rng, n, shift=0.0):
    return np.clip(np.rint(3 + shift + rng.normal(size=n)), 1, 5)


def brute_cliffs_delta(a, b):
    diff = np.asarray(a)[:, None] - np.asarray(b)[None, :]
    return (diff > 0).mean() - (diff < 0).mean()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_two_groups_match_references(seed):
    rng = np.random.default_rng(seed)
    a, b = likert(rng, 40, 0.4), likert(rng, 55)  # many ties
    result = two_groups(a, b)
    assert result.p_value == pytest.approx(stats.mannwhitneyu(a, b).pvalue, rel=1e-12)
    assert result.cliffs_delta == pytest.approx(brute_cliffs_delta(a, b), abs=1e-12)
    assert result.rank_biserial == pytest.approx(pg.mwu(a, b)["RBC"].iloc[0], abs=1e-12)
    g = pg.compute_effsize(a, b, eftype="hedges")
    assert result.hedges_g == pytest.approx(g, rel=1e-10)
    ci = pg.compute_esci(g, nx=len(a), ny=len(b), eftype="hedges", decimals=10)
    assert result.hedges_g_ci == pytest.approx(tuple(ci), abs=1e-8)
    assert result.welch_p_value == pytest.approx(sm_ttest_ind(a, b, usevar="unequal")[1],
                                                 rel=1e-10)


def test_two_groups_drops_missing_and_handles_degenerate_groups():
    result = two_groups([1, 2, np.nan, 3], [2, 3, 4, None])
    assert (result.n_a, result.n_b) == (3, 3)
    empty = two_groups([], [1, 2, 3])
    assert empty.n_a == 0 and math.isnan(empty.p_value)
    constant = two_groups([3, 3, 3], [3, 3, 3])
    assert constant.cliffs_delta == 0 and math.isnan(constant.hedges_g)
    single = two_groups([5], [1, 2, 3])
    assert single.cliffs_delta == 1 and math.isnan(single.hedges_g)


def test_paired_matches_scipy_and_pingouin():
    rng = np.random.default_rng(3)
    before = likert(rng, 60)
    after = np.clip(before + rng.integers(-1, 3, size=60), 1, 5)
    result = paired(before, after)
    assert result.p_value == pytest.approx(stats.wilcoxon(after - before).pvalue, rel=1e-12)
    assert result.rank_biserial == pytest.approx(
        pg.wilcoxon(after, before)["RBC"].iloc[0], abs=1e-12)
    assert result.rank_biserial > 0  # scores rose
    assert paired(after, before).rank_biserial == pytest.approx(-result.rank_biserial)


def test_paired_edge_cases():
    no_change = paired([1, 2, 3], [1, 2, 3])
    assert math.isnan(no_change.p_value) and no_change.rank_biserial == 0
    with_missing = paired([1, np.nan, 3, 2, 4, 1], [2, 2, np.nan, 4, 5, 3])
    assert with_missing.n == 4
    assert with_missing.rank_biserial == 1.0
    with pytest.raises(ValueError):
        paired([1, 2], [1])


def test_k_groups_matches_scipy_and_epsilon_squared_formula():
    rng = np.random.default_rng(4)
    values = np.concatenate([likert(rng, 30), likert(rng, 25, 0.5), likert(rng, 35, -0.3)])
    groups = ["a"] * 30 + ["b"] * 25 + ["c"] * 35
    result = k_groups(values, groups)
    h, p = stats.kruskal(values[:30], values[30:55], values[55:])
    assert result.h_statistic == pytest.approx(h) and result.p_value == pytest.approx(p)
    n = len(values)
    assert result.epsilon_squared == pytest.approx(h * (n + 1) / (n**2 - 1))
    frame = {"v": values, "g": groups}
    assert result.h_statistic == pytest.approx(pg.kruskal(data=__import__("pandas").DataFrame(
        frame), dv="v", between="g")["H"].iloc[0])
    assert math.isnan(k_groups([1, 2, 3], ["a", "a", "a"]).p_value)  # a single group


def test_categorical_chi_square_and_cramers_v_match_pingouin():
    data = pg.read_dataset("chi2_independence")
    result = categorical(data["sex"], data["cp"])
    _, _, table = pg.chi2_independence(data, x="sex", y="cp", correction=False)
    pearson = table.set_index("test").loc["pearson"]
    assert result.test == "chi2"
    assert result.statistic == pytest.approx(pearson["chi2"])
    assert result.p_value == pytest.approx(pearson["pval"])
    assert result.cramers_v == pytest.approx(pearson["cramer"])


def test_categorical_uses_fisher_for_small_two_by_two():
    x = ["a"] * 6 + ["b"] * 6
    y = ["yes"] * 5 + ["no"] + ["yes"] + ["no"] * 5
    result = categorical(x, y)
    assert result.test == "fisher"
    assert result.p_value == pytest.approx(stats.fisher_exact([[1, 5], [5, 1]])[1])
    assert result.n == 12


@pytest.mark.parametrize("method", ["holm", "fdr_bh"])
def test_adjust_matches_statsmodels(method):
    rng = np.random.default_rng(5)
    p = np.concatenate([rng.uniform(0, 0.05, 5), rng.uniform(0, 1, 15)])
    assert adjust(p, method) == pytest.approx(list(multipletests(p, method=method)[1]))
    with_nan = adjust([0.01, np.nan, 0.04], method)
    assert math.isnan(with_nan[1])
    assert [with_nan[0], with_nan[2]] == pytest.approx(
        list(multipletests([0.01, 0.04], method=method)[1]))
    with pytest.raises(ValueError):
        adjust([0.1], "bonferroni-ish")
