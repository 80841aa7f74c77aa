"""Scale scores (reverse keying, minimum answered), summaries and item distributions."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.codebook import Scale, parse_codebook
from analysis.scoring import item_distribution, scale_score, score_quantiles, summarise_scores

SCALE = Scale(code="exp", items=("e1", "e2_r", "e3"), points=5, min_answered=2,
              reverse=("e2_r",))


def tiny_codebook():
    likert = {"type": "likert", "points": 5}
    return parse_codebook({
        "codebook_format": 1, "questionnaire": "q", "version": "v", "audience": "patient",
        "languages": ["fr", "en"],
        "items": [{"code": c, **likert} for c in ("e1", "e2_r", "e3")],
        "scales": [{"code": "exp", "items": ["e1", "e2_r", "e3"], "reverse": ["e2_r"],
                    "points": 5, "min_answered": 2}],
    })


def test_reverse_keying_and_minimum_answered():
    frame = pd.DataFrame({"e1": [5, 4, np.nan, 1], "e2_r": [1, np.nan, np.nan, 5],
                          "e3": [4, 2, 3, np.nan]})
    scores = scale_score(frame, SCALE)
    assert scores.iloc[0] == pytest.approx((5 + 5 + 4) / 3)  # 6 - 1 = 5
    assert scores.iloc[1] == pytest.approx(3.0)  # two answered: enough
    assert np.isnan(scores.iloc[2])  # one answered: no score
    assert scores.iloc[3] == pytest.approx(1.0)


def test_summary_mean_ci_and_top_box_per_group():
    codebook = tiny_codebook()
    rng = np.random.default_rng(0)
    scores = pd.DataFrame({"exp": rng.uniform(1, 5, size=40)})
    groups = pd.DataFrame({"site": ["a"] * 25 + ["b"] * 15})
    table = summarise_scores(scores, groups, codebook, ["site"]).set_index("site")
    a = scores["exp"][:25]
    low, high = stats.t.interval(0.95, len(a) - 1, loc=a.mean(), scale=stats.sem(a))
    assert table.loc["a", "n"] == 25
    assert table.loc["a", "mean"] == pytest.approx(a.mean())
    assert (table.loc["a", "ci_low"], table.loc["a", "ci_high"]) == pytest.approx((low, high))
    assert table.loc["a", "top_box_pct"] == pytest.approx(100 * (a >= 4).mean())


def test_single_respondent_group_has_no_interval():
    codebook = tiny_codebook()
    table = summarise_scores(pd.DataFrame({"exp": [3.0]}), pd.DataFrame({"site": ["a"]}),
                             codebook, ["site"])
    assert table["n"].iloc[0] == 1 and np.isnan(table["ci_low"].iloc[0])


def test_item_distribution_counts_answers_per_group():
    codebook = tiny_codebook()
    frame = pd.DataFrame({"site": ["a", "a", "a", "b"], "e1": [5, 5, np.nan, 1],
                          "e2_r": [1, 2, 3, np.nan], "e3": [np.nan] * 4})
    table = item_distribution(frame, codebook, ["site"])
    e1_a = table[(table["item"] == "e1") & (table["site"] == "a")]
    assert e1_a.set_index("option")["count"].to_dict() == {1: 0, 2: 0, 3: 0, 4: 0, 5: 2}
    assert (e1_a["n"] == 2).all()
    assert e1_a.set_index("option")["pct"][5] == 100
    assert table[table["item"] == "e3"].empty  # nobody answered


def test_score_quantiles_match_numpy():
    codebook = tiny_codebook()
    values = np.arange(1, 21) / 4
    table = score_quantiles(pd.DataFrame({"exp": values}), pd.DataFrame({"w": ["T0"] * 20}),
                            codebook, ["w"])
    assert table[["p05", "q1", "median", "q3", "p95"]].iloc[0].tolist() == pytest.approx(
        np.quantile(values, [0.05, 0.25, 0.5, 0.75, 0.95]).tolist())
