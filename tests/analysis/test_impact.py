"""Wave changes, difference-in-differences and equity gaps against scipy and statsmodels."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats

from analysis.impact import difference_in_differences, equity_gaps, wave_changes
from analysis.scoring import scale_scores


def test_wave_changes_pair_panel_codes_and_say_so(patient_frame):
    codebook, frame = patient_frame
    scores = scale_scores(frame, codebook)
    table = wave_changes(frame, scores, codebook)
    row = table[(table["site"] == "a") & (table["scale"] == "access")].iloc[0]
    assert row["design"] == "paired"
    data = pd.concat([frame[["site", "wave", "panel_code"]], scores["access"]], axis=1)
    data = data[(data["site"] == "a") & data["panel_code"].notna()]
    wide = data.pivot_table(index="panel_code", columns="wave", values="access").dropna()
    assert row["n_pairs"] == len(wide)
    assert row["p_value"] == pytest.approx(stats.wilcoxon(wide["T1"] - wide["T0"]).pvalue)
    assert row["difference"] == pytest.approx((wide["T1"] - wide["T0"]).mean())
    low, high = stats.t.interval(0.95, len(wide) - 1, loc=(wide["T1"] - wide["T0"]).mean(),
                                 scale=stats.sem(wide["T1"] - wide["T0"]))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))


def test_change_since_the_baseline_for_each_later_wave(patient_frame):
    """A follow-up series (baseline, 3 months, 6 months): besides consecutive waves, the
    change from the first wave to each later one, paired on the same panel codes."""
    codebook, frame = patient_frame
    later = frame[frame["wave"] == "T1"].copy()
    later["wave"] = "T2"
    later["response_id"] = later["response_id"].astype(str) + "-6m"
    frame = pd.concat([frame, later], ignore_index=True)
    scores = scale_scores(frame, codebook)
    table = wave_changes(frame, scores, codebook)
    assert set(zip(table["wave_from"], table["wave_to"], strict=True)) == {
        ("T0", "T1"), ("T1", "T2"), ("T0", "T2")}
    row = table[(table["site"] == "a") & (table["scale"] == "access")
                & (table["wave_from"] == "T0") & (table["wave_to"] == "T2")].iloc[0]
    data = pd.concat([frame[["site", "wave", "panel_code"]], scores["access"]], axis=1)
    data = data[(data["site"] == "a") & data["panel_code"].notna()]
    wide = data.pivot_table(index="panel_code", columns="wave", values="access").dropna()
    assert row["design"] == "paired" and row["n_pairs"] == len(wide)
    assert row["difference"] == pytest.approx((wide["T2"] - wide["T0"]).mean())
    assert row["p_value"] == pytest.approx(stats.wilcoxon(wide["T2"] - wide["T0"]).pvalue)


def test_a_code_shared_by_two_responses_of_a_wave_is_not_paired(patient_frame):
    """Two people whose self-generated codes collide at T0: neither is paired with the T1
    response of that code (it could be either); every other pair still is."""
    codebook, frame = patient_frame
    frame = frame.copy()
    in_a = frame[(frame["site"] == "a") & frame["panel_code"].notna()]
    first, second = in_a[in_a["wave"] == "T0"]["panel_code"].unique()[:2]
    frame.loc[(frame["site"] == "a") & (frame["wave"] == "T0")
              & (frame["panel_code"] == second), "panel_code"] = first
    scores = scale_scores(frame, codebook)
    table = wave_changes(frame, scores, codebook)
    row = table[(table["site"] == "a") & (table["scale"] == "access")].iloc[0]
    data = pd.concat([frame[["site", "wave", "panel_code"]], scores["access"]], axis=1)
    data = data[(data["site"] == "a") & data["panel_code"].notna()]
    shared = data[data["wave"] == "T0"]["panel_code"].value_counts()
    assert shared[first] == 2
    data = data[data["panel_code"] != first]
    wide = data.pivot_table(index="panel_code", columns="wave", values="access").dropna()
    assert row["design"] == "paired" and row["n_pairs"] == len(wide)
    assert row["difference"] == pytest.approx((wide["T1"] - wide["T0"]).mean())


def test_wave_changes_fall_back_to_independent_samples(patient_frame):
    codebook, frame = patient_frame
    frame = frame.assign(panel_code=pd.NA)
    scores = scale_scores(frame, codebook)
    table = wave_changes(frame, scores, codebook)
    assert set(table["design"]) == {"independent"}
    row = table[(table["site"] == "b") & (table["scale"] == "experience")].iloc[0]
    before = scores.loc[(frame["site"] == "b") & (frame["wave"] == "T0"), "experience"].dropna()
    after = scores.loc[(frame["site"] == "b") & (frame["wave"] == "T1"), "experience"].dropna()
    assert (row["n_from"], row["n_to"]) == (len(before), len(after))
    assert row["p_value"] == pytest.approx(stats.mannwhitneyu(after, before).pvalue)
    welch = stats.ttest_ind(after, before, equal_var=False).confidence_interval()
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((welch.low, welch.high))


def test_synthetic_improvement_shows_at_intervention_sites(patient_frame):
    codebook, frame = patient_frame
    table = wave_changes(frame, scale_scores(frame, codebook), codebook)
    treated = table[table["site"] != "control"]
    assert treated["difference"].mean() > 0.15


def test_difference_in_differences_matches_ols_interaction_with_hc2(patient_frame):
    codebook, frame = patient_frame
    scores = scale_scores(frame, codebook)
    table = difference_in_differences(frame, scores, codebook, ["control"])
    row = table[(table["site"] == "a") & (table["scale"] == "empowerment")].iloc[0]
    data = pd.concat([frame[["site", "wave"]], scores["empowerment"]], axis=1)
    data = data[data["site"].isin(["a", "control"])].dropna()
    data["treated"] = (data["site"] == "a").astype(int)
    data["post"] = (data["wave"] == "T1").astype(int)
    model = smf.ols("empowerment ~ treated * post", data=data).fit(cov_type="HC2")
    assert row["did"] == pytest.approx(model.params["treated:post"])
    assert row["se"] == pytest.approx(model.bse["treated:post"])
    assert row["p_value"] == pytest.approx(model.pvalues["treated:post"])
    low, high = model.conf_int().loc["treated:post"]
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
    assert set(table["site"]) == {"(all)", "a", "b", "c"}


def test_no_comparison_sites_means_no_did(patient_frame):
    codebook, frame = patient_frame
    assert difference_in_differences(frame, scale_scores(frame, codebook), codebook, []).empty


def test_equity_gap_is_largest_difference_between_large_enough_categories(patient_frame):
    codebook, frame = patient_frame
    scores = scale_scores(frame, codebook)
    table = equity_gaps(frame, scores, codebook, ["wave"], min_group=5)
    row = table[(table["wave"] == "T0") & (table["scale"] == "access")
                & (table["descriptor"] == "financial_strain")].iloc[0]
    data = pd.concat([frame[["wave", "financial_strain"]], scores["access"]], axis=1)
    data = data[data["wave"] == "T0"].dropna()
    means = data.groupby("financial_strain")["access"].mean()
    assert row["highest"] == means.idxmax() and row["lowest"] == means.idxmin()
    assert row["gap"] == pytest.approx(means.max() - means.min())
    high = data.loc[data["financial_strain"] == means.idxmax(), "access"]
    low = data.loc[data["financial_strain"] == means.idxmin(), "access"]
    ci = stats.ttest_ind(high, low, equal_var=False).confidence_interval()
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((ci.low, ci.high))
    samples = [g["access"] for _, g in data.groupby("financial_strain")]
    assert row["p_value"] == pytest.approx(stats.kruskal(*samples).pvalue)
    assert row["n"] == len(data)


def test_equity_gap_ignores_categories_under_min_group():
    from analysis.codebook import parse_codebook
    codebook = parse_codebook({
        "codebook_format": 1, "questionnaire": "q", "version": "v", "audience": "patient",
        "languages": ["fr"],
        "items": [{"code": f"i{k}", "type": "likert", "points": 5} for k in range(3)]
        + [{"code": "gender", "type": "single", "equity": True,
            "choices": [{"code": c} for c in ("w", "m", "x")]}],
        "scales": [{"code": "s", "items": ["i0", "i1", "i2"], "points": 5, "min_answered": 1}],
    })
    frame = pd.DataFrame({"wave": "T0", "gender": ["w"] * 6 + ["m"] * 6 + ["x"] * 2})
    scores = pd.DataFrame({"s": [3.0] * 6 + [4.0] * 6 + [1.0, 5.0]})
    row = equity_gaps(frame, scores, codebook, ["wave"], min_group=5).iloc[0]
    assert (row["highest"], row["lowest"], row["gap"]) == ("m", "w", pytest.approx(1.0))
    assert row["n_excluded"] == 2
    assert np.isnan(row["ci_low"])  # both groups constant: no interval
