"""Reliability on messy scales against R psych and multilevel, from stored fixtures.

``tests/analysis/r/reference.R`` made the data sets (``r/data/*.csv``) and ran psych's alpha()
and omega() and multilevel's rwg.j(), ICC1(), ICC2() on them; ``r/reference.json`` keeps what R
gave, warnings included. These tests need no R. Re-run the script (see its header) to refresh.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.factors import omega_hierarchical
from analysis.reliability import (
    cronbach_alpha,
    item_statistics,
    mcdonald_omega,
    screen_items,
)

FOLDER = Path(__file__).parent / "r"
REFERENCE = json.loads((FOLDER / "reference.json").read_text(encoding="utf-8"))
SETS = [name for name in REFERENCE if name != "versions"]


def items_of(name: str) -> pd.DataFrame:
    data = pd.read_csv(FOLDER / "data" / f"{name}.csv")
    return data[REFERENCE[name]["items"]]


@pytest.mark.parametrize("name", SETS)
def test_alpha_equals_psych_alpha_with_its_intervals_and_n(name):
    expected = REFERENCE[name]["alpha"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no library warning may escape
        alpha = cronbach_alpha(items_of(name))
    assert alpha.value == pytest.approx(expected["raw"], abs=1e-9)
    assert alpha.std == pytest.approx(expected["std"], abs=1e-9)
    assert alpha.n == expected["n"] and alpha.k == expected["nvar"]
    assert (alpha.ci_low, alpha.ci_high) == pytest.approx(expected["feldt"], abs=1e-9)
    assert alpha.ase == pytest.approx(expected["ase"], abs=1e-9)
    # psych prints alpha -+ 1.96 ase; we use the exact normal quantile (1.959964).
    assert (alpha.duhachek_low, alpha.duhachek_high) == pytest.approx(expected["duhachek"],
                                                                      abs=1e-5)
    listwise = cronbach_alpha(items_of(name), missing="listwise")
    assert listwise.value == pytest.approx(expected["listwise"], abs=1e-9)


@pytest.mark.parametrize("name", SETS)
def test_item_statistics_equal_psych_r_drop_and_alpha_drop(name):
    expected = REFERENCE[name]["alpha"]
    stats = item_statistics(items_of(name)).set_index("item").loc[REFERENCE[name]["kept"]]
    np.testing.assert_allclose(stats["item_total_r"], expected["r_drop"], atol=1e-9)
    np.testing.assert_allclose(stats["alpha_if_deleted"], expected["alpha_drop"], atol=1e-9)


def test_respondents_with_one_answer_count_as_in_psych():
    # 20 people answered a single item and 15 none: psych keeps them all (n = 296).
    items = items_of("partial")
    answered = items.notna().sum(axis=1)
    assert (answered == 1).sum() == 20 and (answered == 0).sum() == 15
    alpha = cronbach_alpha(items)
    assert alpha.n == 296
    assert alpha.value == pytest.approx(REFERENCE["partial"]["alpha"]["raw"], abs=1e-9)
    # Dropping them (what the library did before) gives another alpha.
    fewer = cronbach_alpha(items[answered >= 2])
    assert abs(fewer.value - alpha.value) > 1e-4


@pytest.mark.parametrize(("name", "dropped", "kind"),
                         [("constant", "c6", "constant"), ("empty", "e6", "empty")])
def test_items_without_variance_or_answers_are_dropped_as_psych_does(name, dropped, kind):
    warning = REFERENCE[name]["alpha"]["warnings"]
    assert warning == [f"Item = {dropped} had no variance and was deleted but still is counted "
                       "in the score"]
    screen = screen_items(items_of(name))
    assert getattr(screen, kind) == (dropped,)
    assert list(screen.kept) == REFERENCE[name]["kept"]
    stats = item_statistics(items_of(name)).set_index("item")
    assert np.isnan(stats.loc[dropped, "item_total_r"])


def test_negatively_keyed_item_is_named_as_psych_names_it():
    printed = REFERENCE["negative"]["alpha"]["printed"]
    assert "Some items ( n3 ) were negatively correlated" in printed
    assert screen_items(items_of("negative")).negative == ("n3",)
    for name in SETS:
        if name != "negative":
            assert screen_items(items_of(name)).negative == ()


@pytest.mark.parametrize("name", SETS)
@pytest.mark.parametrize("method", ["minres", "ml"])
def test_omega_total_equals_psych_omega_one_factor(name, method):
    expected = REFERENCE[name]["omega1"][method]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        omega = mcdonald_omega(items_of(name), method=method, n_boot=0)
    assert omega.value == pytest.approx(expected, abs=1e-5)


@pytest.mark.parametrize("name", ["factors", "partial"])
def test_omega_hierarchical_and_schmid_leiman_equal_psych_omega(name):
    expected = REFERENCE[name]["omega3"]
    assert expected["warnings"] == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = omega_hierarchical(items_of(name))
    assert result.omega_h == pytest.approx(expected["omega_h"], abs=1e-5)
    assert result.omega_total == pytest.approx(expected["omega_tot"], abs=1e-5)
    sl = np.array(expected["sl"])  # g, F1*, F2*, F3* per item
    np.testing.assert_allclose(result.loadings["g"], sl[:, 0], atol=1e-5)
    ours = result.loadings[["F1*", "F2*", "F3*"]].to_numpy()
    for column in sl[:, 1:].T:  # group factors in any order and sign
        distance = [min(np.abs(ours[:, j] - column).max(), np.abs(ours[:, j] + column).max())
                    for j in range(3)]
        assert min(distance) < 1e-5
    assert not result.few_items


@pytest.mark.parametrize("name", ["few", "negative", "factors", "partial"])
def test_too_few_items_for_three_factors_is_flagged_where_psych_warns(name):
    psych_warned = bool(REFERENCE[name]["omega3"]["warnings"])
    assert psych_warned == (len(REFERENCE[name]["kept"]) <= 5)
    result = omega_hierarchical(items_of(name))
    assert result.few_items == psych_warned
    # psych's ultra-Heywood values there do not replicate: none is given.
    assert np.isnan(result.omega_h) == psych_warned
