"""Small-cell suppression: primary below the threshold, complementary within margins."""

import pandas as pd

from analysis.suppression import suppress


def sites(counts):
    return pd.DataFrame({"wave": "T0", "site": [f"s{i}" for i in range(len(counts))],
                         "n": counts, "mean": [3.0 + i / 10 for i in range(len(counts))]})


def test_groups_under_the_threshold_are_hidden():
    out = suppress(sites([3, 10, 12]), values=["mean"], min_n=5)
    assert out["suppressed"].tolist() == [True, False, False]
    assert out["mean"].isna().tolist() == [True, False, False]
    assert out["n"].isna().tolist() == [True, False, False]
    assert out["suppression"].tolist() == ["primary", "", ""]


def test_threshold_is_configurable():
    assert suppress(sites([3, 10]), values=["mean"], min_n=3)["suppressed"].sum() == 0
    assert suppress(sites([3, 10]), values=["mean"], min_n=11)["suppressed"].sum() == 2


def test_complementary_suppression_hides_the_next_smallest_group():
    # With a published total (margin "wave"), s0 = total - s1 - s2 - s3 unless another is hidden.
    out = suppress(sites([2, 30, 8, 12]), values=["mean"], min_n=5, margins=[["wave"]])
    assert out["suppression"].tolist() == ["primary", "", "complementary", ""]
    assert out.loc[2, "mean"] != out.loc[2, "mean"]  # NaN


def test_no_complement_needed_when_two_are_already_hidden():
    out = suppress(sites([2, 3, 40, 50]), values=["mean"], min_n=5, margins=[["wave"]])
    assert out["suppression"].tolist() == ["primary", "primary", "", ""]


def test_margins_are_checked_separately():
    table = pd.concat([sites([2, 30, 8]), sites([20, 30, 8]).assign(wave="T1")],
                      ignore_index=True)
    out = suppress(table, values=["mean"], min_n=5, margins=[["wave"]])
    assert out["suppressed"].tolist() == [True, False, True, False, False, False]


def test_units_spanning_several_rows_are_hidden_together():
    table = pd.DataFrame({"site": ["a", "a", "b", "b", "c", "c"], "option": [1, 2] * 3,
                          "count": [1, 2, 10, 5, 20, 1], "n": [3, 3, 15, 15, 21, 21],
                          "all": "x"})
    out = suppress(table, values=["count"], min_n=5, unit=["site"], margins=[["all"]])
    assert out["suppressed"].tolist() == [True, True, True, True, False, False]
    assert out["count"].isna().tolist() == [True, True, True, True, False, False]
