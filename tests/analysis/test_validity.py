"""Content validity indices against published values (Polit, Beck & Owen 2007, Table 4; a
published S-CVI worked example), an independent k* written with scipy, and hand computations."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import comb

from analysis.validity import (
    chance_agreement,
    clarity_index,
    evaluate_items,
    flagged,
    i_cvi,
    interpret_kappa,
    kappa_from_counts,
    modified_kappa,
    s_cvi_ave,
    s_cvi_ua,
)

# Polit, Beck & Owen (2007), Res Nurs Health 30:459-467, Table 4 "Evaluation of I-CVIs with
# different numbers of experts and agreement": (N experts, A rating 3 or 4) -> (I-CVI, pc, k*,
# evaluation) as printed (I-CVI and k* to 2 decimals, pc to 3), so each must match within half a
# unit of its last printed decimal. Written down from the table as we know it (not re-read from
# the paper); N=9, A=7 (.78, .070, .76) and N=9, A=8 (.89, .018, .89) are also printed with the
# same formula in a 2017 BMC Health Services Research article (PMC5557472, Table 10). The paper
# computes k* from the unrounded I-CVI and pc (N=6, A=5: .816 -> .82, not .81 from .83 and .094).
POLIT_TABLE_4 = {
    (3, 3): (1.00, 0.125, 1.00, "excellent"),
    (3, 2): (0.67, 0.375, 0.47, "fair"),
    (4, 4): (1.00, 0.063, 1.00, "excellent"),
    (4, 3): (0.75, 0.250, 0.67, "good"),
    (5, 5): (1.00, 0.031, 1.00, "excellent"),
    (5, 4): (0.80, 0.156, 0.76, "excellent"),
    (6, 6): (1.00, 0.016, 1.00, "excellent"),
    (6, 5): (0.83, 0.094, 0.82, "excellent"),
    (7, 6): (0.86, 0.055, 0.85, "excellent"),
    (7, 5): (0.71, 0.164, 0.66, "good"),
    (8, 7): (0.88, 0.031, 0.87, "excellent"),
    (8, 6): (0.75, 0.109, 0.72, "good"),
    (9, 8): (0.89, 0.018, 0.89, "excellent"),
    (9, 7): (0.78, 0.070, 0.76, "excellent"),
}
HALF_CENT = 0.005 + 1e-9  # .875 is printed .88
HALF_MILL = 0.0005 + 1e-9  # .0625 is printed .063


def ratings_for(n: int, agreeing: int) -> list[int]:
    """N reviewers, A of them relevant (3 or 4), the others 1 or 2."""
    high = [4, 3] * n
    low = [2, 1] * n
    return high[:agreeing] + low[: n - agreeing]


@pytest.mark.parametrize(("n", "agreeing"), sorted(POLIT_TABLE_4))
def test_polit_beck_owen_table_4(n, agreeing):
    published_i_cvi, published_pc, published_kappa, evaluation = POLIT_TABLE_4[(n, agreeing)]
    ratings = ratings_for(n, agreeing)
    assert i_cvi(ratings) == pytest.approx(published_i_cvi, abs=HALF_CENT)
    assert chance_agreement(n, agreeing) == pytest.approx(published_pc, abs=HALF_MILL)
    assert modified_kappa(ratings) == pytest.approx(published_kappa, abs=HALF_CENT)
    assert interpret_kappa(modified_kappa(ratings)) == evaluation


def scipy_kappa(n: int, agreeing: int) -> float:
    """Polit, Beck & Owen's k* written independently with scipy's binomial coefficient."""
    pc = comb(n, agreeing, exact=False) * 0.5**n
    return (agreeing / n - pc) / (1 - pc)


@pytest.mark.parametrize("n", range(1, 31))
def test_kappa_matches_scipy_for_every_count(n):
    for agreeing in range(n + 1):
        assert kappa_from_counts(n, agreeing) == pytest.approx(
            scipy_kappa(n, agreeing), rel=1e-12, abs=1e-12)
        assert chance_agreement(n, agreeing) == pytest.approx(
            comb(n, agreeing, exact=False) / 2**n, rel=1e-12)


def test_one_reviewer_and_no_reviewer():
    # N = 1: pc = C(1, A) / 2 = .5 either way; k* = (1 - .5) / .5 = 1 or (0 - .5) / .5 = -1.
    assert modified_kappa([4]) == 1.0
    assert modified_kappa([2]) == -1.0
    assert i_cvi([3]) == 1.0
    for nothing in ([], [None, math.nan], pd.Series([np.nan, np.nan]), ["", " "]):
        assert math.isnan(i_cvi(nothing))
        assert math.isnan(modified_kappa(nothing))
        assert math.isnan(clarity_index(nothing))
    assert math.isnan(chance_agreement(0, 0))


def test_missing_ratings_are_left_out():
    # Five reviewers, two did not rate: N = 3, A = 2 -> I-CVI 2/3, k* as Table 4's (3, 2).
    ratings = pd.Series([4, None, 1, np.nan, 3], index=list("abcde"), dtype=object)
    assert i_cvi(ratings) == pytest.approx(2 / 3)
    assert modified_kappa(ratings) == pytest.approx(kappa_from_counts(3, 2))
    assert i_cvi(pd.Series([4.0, np.nan, 2.0, 3.0])) == pytest.approx(2 / 3)  # float column
    assert i_cvi(["4", " 3 ", "", "1"]) == pytest.approx(2 / 3)  # text cells, blank missing
    assert i_cvi(pd.array([4, None, 2], dtype="Int64")) == pytest.approx(1 / 2)


@pytest.mark.parametrize("bad", [0, 5, 2.5, -1, "high", True, np.True_, math.inf])
def test_out_of_range_ratings_raise_naming_the_value(bad):
    ratings = pd.Series([4, bad, 3], index=["ana", "bo", "cy"], dtype=object)
    with pytest.raises(ValueError, match=r"reviewer bo: rating .* is not one of 1, 2, 3, 4") as e:
        i_cvi(ratings)
    assert repr(bad) in str(e.value)
    with pytest.raises(ValueError, match="is not one of"):
        modified_kappa(ratings)
    with pytest.raises(ValueError, match=r"reviewer 1: rating"):  # plain list: position from 0
        i_cvi([4, bad, 3])
    with pytest.raises(ValueError, match=r"item q2, reviewer bo: rating 5 "):
        s_cvi_ave(pd.DataFrame({"q1": [4, 4, 4], "q2": [4, 5, 4]}, index=["ana", "bo", "cy"]))


def test_clarity_index_is_the_share_of_clear_ratings():
    assert clarity_index([4, 3, 2, 1, 4]) == pytest.approx(3 / 5)
    with pytest.raises(ValueError, match="rating 7"):
        clarity_index([4, 7])


def test_s_cvi_two_experts_ten_items_ave_and_ua_differ():
    # Polit & Beck's (2006) two-expert illustration: each expert finds 9 of 10 items relevant,
    # but not the same 9. By hand: I-CVIs are 1 for items 1-8 and .5 for items 9 and 10, so
    # S-CVI/Ave = (8 + .5 + .5) / 10 = .90; both agree on 8 items, so S-CVI/UA = 8 / 10 = .80.
    expert_1 = [4, 3, 4, 4, 3, 4, 4, 3, 2, 4]
    expert_2 = [3, 4, 4, 3, 4, 4, 3, 4, 4, 1]
    frame = pd.DataFrame([expert_1, expert_2], index=["e1", "e2"],
                         columns=[f"item{i}" for i in range(1, 11)])
    assert s_cvi_ave(frame) == pytest.approx(0.90)
    assert s_cvi_ua(frame) == pytest.approx(0.80)


def test_s_cvi_published_six_experts_twelve_items():
    # PMC7253559, Table 4: six experts rate 12 items; published S-CVI/Ave = 0.97 and
    # S-CVI/UA = 0.83, items 6 and 9 at I-CVI 0.83, the others 1.00 (table: items as rows).
    items_by_expert = [
        [4, 4, 4, 4, 4, 4], [4, 3, 4, 4, 3, 4], [4, 4, 4, 4, 4, 4], [4, 4, 4, 4, 4, 4],
        [3, 4, 4, 4, 4, 4], [2, 3, 4, 3, 3, 4], [4, 4, 4, 4, 4, 4], [4, 4, 4, 4, 4, 4],
        [3, 3, 4, 2, 3, 4], [4, 4, 4, 3, 4, 4], [4, 4, 4, 3, 4, 4], [4, 4, 4, 3, 4, 4],
    ]
    frame = pd.DataFrame(items_by_expert, index=[f"item{i}" for i in range(1, 13)]).T
    assert s_cvi_ave(frame) == pytest.approx(0.97, abs=0.005)
    assert s_cvi_ua(frame) == pytest.approx(0.83, abs=0.005)
    table = evaluate_items(frame)
    assert table.loc["item6", "i_cvi"] == pytest.approx(0.83, abs=0.005)
    assert table.loc["item9", "i_cvi"] == pytest.approx(0.83, abs=0.005)
    assert (table.drop(["item6", "item9"])["i_cvi"] == 1.0).all()
    # Six experts: Lynn's .78 criterion, so 5 of 6 (.83) is not flagged.
    assert not table["flagged"].any()


def test_s_cvi_missing_and_unrated_items():
    frame = pd.DataFrame({
        "q1": [4, 3, None],      # N 2, A 2: I-CVI 1, universal agreement among raters
        "q2": [4, 2, 3],         # I-CVI 2/3
        "q3": [None, None, None],  # nobody rated: left out of both
    })
    assert s_cvi_ave(frame) == pytest.approx((1 + 2 / 3) / 2)
    assert s_cvi_ua(frame) == pytest.approx(1 / 2)
    empty = pd.DataFrame({"q1": [None, None]})
    assert math.isnan(s_cvi_ave(empty))
    assert math.isnan(s_cvi_ua(empty))
    assert math.isnan(s_cvi_ave(pd.DataFrame()))
    with pytest.raises(ValueError, match="item q1 appears in more than one column"):
        s_cvi_ua(pd.DataFrame([[4, 3]], columns=["q1", "q1"]))


@pytest.mark.parametrize(
    ("n", "agreeing", "expected"),
    [
        (3, 3, False), (3, 2, True), (5, 5, False), (5, 4, True),  # 3-5: all must agree
        (6, 5, False), (6, 4, True), (9, 7, False),  # 7/9 = .778 is Lynn's .78
        (10, 8, False), (10, 7, True), (40, 31, False), (40, 30, True),  # .775 reads .78
        (2, 1, False), (1, 0, False), (0, 0, False),  # fewer than 3 reviewers: not judged
    ],
)
def test_flagged_lynn_criteria(n, agreeing, expected):
    value = agreeing / n if n else math.nan
    assert flagged(value, n) is expected


def test_flagged_rejects_impossible_values():
    with pytest.raises(ValueError):
        flagged(1.2, 5)
    with pytest.raises(ValueError):
        flagged(0.5, -1)


def test_interpretation_boundaries():
    assert interpret_kappa(0.745) == "excellent"
    assert interpret_kappa(0.74) == "good"
    assert interpret_kappa(0.60) == "good"
    assert interpret_kappa(0.595) == "fair"
    assert interpret_kappa(0.40) == "fair"
    assert interpret_kappa(0.39) == "poor"
    assert interpret_kappa(-1.0) == "poor"
    assert interpret_kappa(math.nan) is None


def test_evaluate_items_table():
    relevance = pd.DataFrame(
        {
            "q1": [4, 4, 3, 4, 4],  # 5 of 5
            "q2": [4, 2, 3, 4, 3],  # 4 of 5: flagged (3-5 reviewers must all agree)
            "q3": [4, None, 3, None, None],  # 2 reviewers: not judged
            "q4": [None] * 5,  # nobody
        },
        index=["ana", "bo", "cy", "dan", "eve"],
    )
    clarity = pd.DataFrame({"q1": [4, 2, 3, 4, 1], "q2": [4, 4, 4, 4, 4]}, index=relevance.index)
    table = evaluate_items(relevance, clarity)
    assert list(table.index) == ["q1", "q2", "q3", "q4"]
    assert list(table.columns) == ["n", "agreeing", "i_cvi", "pc", "kappa", "interpretation",
                                   "judged", "flagged", "clarity_n", "clarity"]
    assert table["n"].tolist() == [5, 5, 2, 0]
    assert table.loc["q2", "i_cvi"] == pytest.approx(0.80)
    assert table.loc["q2", "pc"] == pytest.approx(0.156, abs=0.0005)  # Table 4, N=5, A=4
    assert table.loc["q2", "kappa"] == pytest.approx(0.76, abs=0.005)
    assert table["interpretation"].tolist()[:2] == ["excellent", "excellent"]
    assert table["flagged"].tolist() == [False, True, False, False]
    assert table["judged"].tolist() == [True, True, False, False]
    assert pd.isna(table.loc["q4", "interpretation"]) and math.isnan(table.loc["q4", "kappa"])
    assert table.loc["q1", "clarity"] == pytest.approx(3 / 5)
    assert table.loc["q2", "clarity"] == 1.0
    assert table.loc["q3", "clarity_n"] == 0 and math.isnan(table.loc["q3", "clarity"])
    assert "clarity" not in evaluate_items(relevance).columns


rating_lists = st.lists(st.one_of(st.sampled_from([1, 2, 3, 4]), st.none()), max_size=40)


@given(rating_lists)
def test_kappa_never_exceeds_i_cvi(ratings):
    # k* = (I - pc) / (1 - pc) <= I  <=>  pc * (1 - I) >= 0: always, with equality at I = 1.
    value, kappa = i_cvi(ratings), modified_kappa(ratings)
    if math.isnan(value):
        assert math.isnan(kappa)
        return
    assert -1 <= kappa <= value + 1e-12
    if value >= 0.5:
        assert kappa <= value + 1e-12


@given(st.lists(st.sampled_from([3, 4]), min_size=1, max_size=60),
       st.lists(st.none(), max_size=5))
def test_kappa_is_one_when_all_agree(relevant, missing):
    ratings = relevant + missing
    assert i_cvi(ratings) == 1.0
    assert modified_kappa(ratings) == 1.0


def test_kappa_sign_follows_i_cvi_against_pc():
    # N=3, A=1: I-CVI .333 < pc = 3/8 -> k* = (1/3 - 3/8) / (5/8) = -1/15.
    assert kappa_from_counts(3, 1) == pytest.approx(-1 / 15)
    assert kappa_from_counts(4, 0) == pytest.approx(-(1 / 16) / (15 / 16))
    assert kappa_from_counts(2, 1) == pytest.approx(0.0)  # I-CVI .5 = pc .5
    with pytest.raises(ValueError):
        chance_agreement(3, 4)
