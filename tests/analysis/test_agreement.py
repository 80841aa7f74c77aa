"""rwg(j) against James, Demaree & Wolf's (1984) formula computed by hand; ICC(1)/ICC(2) against
statsmodels ANOVA mean squares, pingouin's ICC and a published example."""

import math
import statistics

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.api as sm
from statsmodels.formula.api import ols

from analysis.agreement import icc1, icc2, rwg_j, rwg_j_by_group


def jdw_rwg_j(rows, n_options):
    """James, Demaree & Wolf (1984), eq. for J parallel items, written out with `statistics`."""
    columns = [[int(v) for v in c] for c in zip(*rows, strict=True)]
    mean_variance = statistics.fmean(statistics.variance(c) for c in columns)
    null = (n_options**2 - 1) / 12
    j = len(columns)
    ratio = mean_variance / null
    return max(0.0, j * (1 - ratio) / (j * (1 - ratio) + ratio)) if ratio <= 1 else 0.0


def test_rwg_j_worked_example():
    # Five raters, three 5-point items. Item variances 0.5, 0.2, 0.5 -> mean 0.4;
    # null variance (25 - 1) / 12 = 2; rwg(j) = 3(1 - .2) / (3(1 - .2) + .2) = 2.4 / 2.6.
    rows = [(4, 4, 5), (5, 4, 4), (3, 4, 3), (4, 5, 4), (4, 4, 4)]
    items = pd.DataFrame(rows, columns=["a", "b", "c"])
    assert [statistics.variance(c) for c in zip(*rows, strict=True)] == pytest.approx(
        [0.5, 0.2, 0.5])
    assert rwg_j(items, 5) == pytest.approx(jdw_rwg_j(rows, 5), rel=1e-12)
    assert rwg_j(items, 5) == pytest.approx(3 * (1 - 0.2) / (3 * (1 - 0.2) + 0.2))


def test_rwg_j_random_groups_match_formula():
    rng = np.random.default_rng(0)
    for _ in range(20):
        rows = [tuple(rng.integers(1, 8, size=4)) for _ in range(rng.integers(3, 12))]
        items = pd.DataFrame(rows)
        assert rwg_j(items, 7) == pytest.approx(jdw_rwg_j(rows, 7), abs=1e-12)


def test_rwg_j_truncates_to_zero_and_handles_edges():
    polarised = pd.DataFrame({"a": [1, 5, 1, 5], "b": [5, 1, 5, 1]})  # variance 5.33 > 2
    assert rwg_j(polarised, 5) == 0.0
    assert rwg_j(pd.DataFrame({"a": [3, 3, 3], "b": [4, 4, 4]}), 5) == 1.0
    assert math.isnan(rwg_j(pd.DataFrame({"a": [3], "b": [4]}), 5))  # group of one
    with_missing = pd.DataFrame({"a": [3, 4, np.nan, 4], "b": [4, 4, 2, 5]})
    assert rwg_j(with_missing, 5) == pytest.approx(
        jdw_rwg_j([(3, 4), (4, 4), (4, 5)], 5))  # listwise deletion


def test_rwg_j_by_group_agrees_with_single_group():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(rng.integers(1, 6, size=(60, 3)), columns=["a", "b", "c"]).astype(float)
    frame["team"] = np.repeat(["t1", "t2", "t3", "t4"], 15)
    frame.loc[3, "a"] = np.nan
    table = rwg_j_by_group(frame, ["a", "b", "c"], "team", 5)
    for team, group in frame.groupby("team"):
        assert table.loc[team, "rwg_j"] == pytest.approx(rwg_j(group[["a", "b", "c"]], 5))


def anova_iccs(values, groups):
    frame = pd.DataFrame({"v": values, "g": groups})
    table = sm.stats.anova_lm(ols("v ~ C(g)", data=frame).fit())
    msb, msw = table["mean_sq"].iloc[0], table["mean_sq"].iloc[1]
    k = len(frame) / frame["g"].nunique()  # Bliese: average group size N / G
    return (msb - msw) / (msb + (k - 1) * msw), 1 - msw / msb


def test_icc_match_statsmodels_anova_unbalanced():
    rng = np.random.default_rng(2)
    sizes = rng.integers(2, 15, size=25)
    groups = np.repeat(np.arange(25), sizes)
    values = rng.normal(size=25)[groups] * 0.6 + rng.normal(size=len(groups))
    expected1, expected2 = anova_iccs(values, groups)
    assert icc1(values, groups) == pytest.approx(expected1, rel=1e-10)
    assert icc2(values, groups) == pytest.approx(expected2, rel=1e-10)


def test_icc_match_published_wine_example():
    # real-statistics.com ICC example (8 wines rated by 4 judges), shipped by pingouin as "icc":
    # one-way ICC(1,1) = 0.728 and ICC(1,k) = 0.914 (pingouin docs). Groups are the wines.
    data = pg.read_dataset("icc")
    assert icc1(data["Scores"], data["Wine"]) == pytest.approx(0.728, abs=5e-4)
    assert icc2(data["Scores"], data["Wine"]) == pytest.approx(0.914, abs=5e-4)


def test_icc_match_pingouin_on_balanced_groups():
    rng = np.random.default_rng(3)
    teams = np.repeat(np.arange(12), 6)
    values = rng.normal(size=12)[teams] + rng.normal(size=len(teams))
    frame = pd.DataFrame({"team": teams, "member": np.tile(np.arange(6), 12), "v": values})
    table = pg.intraclass_corr(frame, targets="team", raters="member", ratings="v").set_index(
        "Type")
    assert icc1(values, teams) == pytest.approx(table.loc["ICC(1,1)", "ICC"], rel=1e-10)
    assert icc2(values, teams) == pytest.approx(table.loc["ICC(1,k)", "ICC"], rel=1e-10)


def test_icc_edge_cases():
    assert math.isnan(icc1([1, 2, 3], ["a", "a", "a"]))  # a single group
    assert math.isnan(icc2([1, 2, 3], ["a", "b", "c"]))  # groups of one
    assert math.isnan(icc1([np.nan, np.nan], ["a", "b"]))  # all missing
    # Missing values are dropped before the ANOVA.
    values = [1, 2, np.nan, 4, 5, 6, 2]
    groups = ["a", "a", "a", "b", "b", "b", "a"]
    e1, e2 = anova_iccs([1, 2, 4, 5, 6, 2], ["a", "a", "b", "b", "b", "a"])
    assert icc1(values, groups) == pytest.approx(e1)
    assert icc2(values, groups) == pytest.approx(e2)
