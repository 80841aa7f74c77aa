"""Content validity of a draft questionnaire from a co-design review.

Reviewers rate each item's relevance (and clarity) on a 4-point scale: 1 not relevant,
2 somewhat relevant, 3 quite relevant, 4 highly relevant. An item is "relevant" to a reviewer
who rates it 3 or 4.

- I-CVI: share of reviewers rating the item 3 or 4 (Lynn, 1986, Nursing Research 35:382-385).
- Modified kappa k* = (I-CVI - pc) / (1 - pc), pc = C(N, A) * 0.5**N: the I-CVI adjusted for
  chance agreement (Polit, Beck & Owen, 2007, Research in Nursing & Health 30:459-467), read as
  excellent (> .74), good (.60-.74), fair (.40-.59) after Cicchetti & Sparrow (1981).
- S-CVI/Ave and S-CVI/UA: scale-level indices (Polit & Beck, 2006, Research in Nursing & Health
  29:489-497).

Ratings tables have one row per reviewer and one column per item. Missing ratings (NaN, None,
blank text) are ignored: N is the number of reviewers who rated the item. Any other value than
1, 2, 3 or 4 raises ``ValueError`` naming it, its item and its reviewer (the Series' index label,
or the position from 0 in a plain sequence).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "RATINGS",
    "i_cvi",
    "clarity_index",
    "chance_agreement",
    "modified_kappa",
    "kappa_from_counts",
    "s_cvi_ave",
    "s_cvi_ua",
    "flagged",
    "interpret_kappa",
    "evaluate_items",
]

RATINGS = (1, 2, 3, 4)
"""The 4-point scale; 3 and 4 count as relevant (or clear)."""

MIN_JUDGED = 3
"""Lynn (1986) asks for at least three reviewers; fewer are not judged (see ``flagged``)."""


def _is_missing(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array in a cell: not a rating
        return False


def _rating(value: Any) -> int | None:
    """The rating 1-4 a cell holds (``3``, ``3.0``, ``" 3 "``), or None."""
    if isinstance(value, bool | np.bool_):
        return None
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        return None
    return int(number) if number in RATINGS else None


def _counts(ratings: Iterable, label: str = "") -> tuple[int, int]:
    """(N reviewers who rated, A of them rating 3 or 4); ValueError on anything but 1-4."""
    if isinstance(ratings, pd.DataFrame):
        raise TypeError("one item's ratings are a Series or a sequence, not a table")
    values = ratings if isinstance(ratings, pd.Series) else pd.Series(list(ratings), dtype=object)
    n = agreeing = 0
    for reviewer, value in values.items():
        if _is_missing(value):
            continue
        rating = _rating(value)
        if rating is None:
            item = f"item {label}, " if label else ""
            raise ValueError(
                f"{item}reviewer {reviewer}: rating {value!r} is not one of 1, 2, 3, 4"
            )
        n += 1
        agreeing += rating >= 3
    return n, agreeing


def _share_high(ratings: Iterable) -> float:
    n, agreeing = _counts(ratings)
    return agreeing / n if n else math.nan


def i_cvi(ratings: Iterable) -> float:
    """Item-level content validity index: share of the reviewers who rated the item that rated
    its relevance 3 or 4 (Lynn, 1986). NaN when nobody rated it."""
    return _share_high(ratings)


def clarity_index(ratings: Iterable) -> float:
    """Share of clarity ratings of 3 or 4 on the same 4-point scale, computed as ``i_cvi``."""
    return _share_high(ratings)


def chance_agreement(n: int, agreeing: int) -> float:
    """pc = C(N, A) * 0.5**N, the probability that exactly A of N reviewers rate the item
    relevant by chance (Polit, Beck & Owen, 2007). NaN for N = 0."""
    if not 0 <= agreeing <= n:
        raise ValueError(f"need 0 <= agreeing <= n, got n={n}, agreeing={agreeing}")
    return math.comb(n, agreeing) * 0.5**n if n else math.nan


def kappa_from_counts(n: int, agreeing: int) -> float:
    """k* = (I-CVI - pc) / (1 - pc) from N reviewers and A of them rating 3 or 4.

    NaN for N = 0. pc < 1 for every N >= 1 (C(N, A) < 2**N), so k* is always defined then; with
    one reviewer pc = .5 and k* is 1 (rated relevant) or -1 (not). k* <= I-CVI, equal when all
    agree (k* = 1), and negative when I-CVI < pc (no reviewer rating 3 or 4, or 1 of 3).
    """
    if n == 0:
        return math.nan
    pc = chance_agreement(n, agreeing)
    return (agreeing / n - pc) / (1 - pc)


def modified_kappa(ratings: Iterable) -> float:
    """Modified kappa k* of one item's relevance ratings (Polit, Beck & Owen, 2007)."""
    return kappa_from_counts(*_counts(ratings))


def _item_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns n and agreeing, one row per item (column of ``frame``)."""
    repeated = frame.columns[frame.columns.duplicated()]
    if len(repeated):
        raise ValueError(f"item {repeated[0]} appears in more than one column")
    rows = {item: _counts(frame[item], label=str(item)) for item in frame.columns}
    return pd.DataFrame.from_dict(rows, orient="index", columns=["n", "agreeing"]).astype(int)


def s_cvi_ave(frame: pd.DataFrame) -> float:
    """S-CVI/Ave: mean of the items' I-CVIs (Polit & Beck, 2006).

    ``frame``: one row per reviewer, one column per item. An item nobody rated has no I-CVI and
    is left out of the mean; NaN when no item was rated.
    """
    counts = _item_counts(frame)
    counts = counts[counts["n"] > 0]
    return float((counts["agreeing"] / counts["n"]).mean()) if len(counts) else math.nan


def s_cvi_ua(frame: pd.DataFrame) -> float:
    """S-CVI/UA: share of items rated 3 or 4 by every reviewer who rated them (universal
    agreement; Polit & Beck, 2006). Items nobody rated are left out; NaN when no item was rated.
    """
    counts = _item_counts(frame)
    counts = counts[counts["n"] > 0]
    return float((counts["agreeing"] == counts["n"]).mean()) if len(counts) else math.nan


def flagged(i_cvi: float, n: int) -> bool:
    """True when the I-CVI falls short of Lynn's (1986) criterion for N reviewers.

    3 to 5 reviewers: every one must rate the item 3 or 4 (I-CVI below 1.00 is flagged).
    6 or more: I-CVI below .78 at two decimals, that is below .775, so 7 of 9 (.778) passes as
    Lynn and Polit et al. count it. Fewer than 3 reviewers are too few for Lynn's criterion: the
    item is not judged and this returns False (``evaluate_items`` says so in ``judged``); so does
    an I-CVI of NaN (nobody rated the item).
    """
    if n < 0 or (not math.isnan(i_cvi) and not 0 <= i_cvi <= 1):
        raise ValueError(f"need an I-CVI in [0, 1] and n >= 0, got i_cvi={i_cvi}, n={n}")
    if n < MIN_JUDGED or math.isnan(i_cvi):
        return False
    if n <= 5:
        return i_cvi < 1
    return i_cvi < 0.775


def interpret_kappa(kappa: float) -> str | None:
    """``"excellent"`` (k* > .74), ``"good"`` (.60 to .74), ``"fair"`` (.40 to .59) or
    ``"poor"`` (below .40), after Cicchetti & Sparrow (1981) as Polit, Beck & Owen (2007) use
    them; the unrounded k* is compared (.745 is excellent, .595 fair). None for NaN."""
    if math.isnan(kappa):
        return None
    if kappa > 0.74:
        return "excellent"
    if kappa >= 0.60:
        return "good"
    if kappa >= 0.40:
        return "fair"
    return "poor"


def evaluate_items(relevance: pd.DataFrame, clarity: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per item (index: the item codes, in column order) for the review page.

    Columns: ``n`` (reviewers who rated relevance), ``agreeing`` (of them, rating 3 or 4),
    ``i_cvi``, ``pc``, ``kappa`` (k*), ``interpretation`` (``interpret_kappa``), ``judged``
    (at least 3 reviewers), ``flagged`` (``flagged``), and with ``clarity`` (same layout, its
    columns matched by item code; an item absent from it has no clarity rating) ``clarity_n``
    and ``clarity``. An item nobody rated stays in the table with n = 0, NaN indices and a
    missing interpretation, not judged and not flagged.
    """
    counts = _item_counts(relevance)
    n, agreeing = counts["n"], counts["agreeing"]
    table = pd.DataFrame(
        {
            "n": n,
            "agreeing": agreeing,
            "i_cvi": [a / k if k else math.nan for k, a in zip(n, agreeing, strict=True)],
            "pc": [chance_agreement(k, a) for k, a in zip(n, agreeing, strict=True)],
            "kappa": [kappa_from_counts(k, a) for k, a in zip(n, agreeing, strict=True)],
        },
        index=counts.index,
    )
    table["interpretation"] = [interpret_kappa(k) for k in table["kappa"]]
    table["judged"] = table["n"] >= MIN_JUDGED
    table["flagged"] = [flagged(v, k) for v, k in zip(table["i_cvi"], n, strict=True)]
    if clarity is not None:
        clear = _item_counts(clarity).reindex(table.index)
        table["clarity_n"] = clear["n"].fillna(0).astype(int)
        table["clarity"] = [
            a / k if k else math.nan
            for k, a in zip(table["clarity_n"], clear["agreeing"].fillna(0), strict=True)
        ]
    table.index.name = "item"
    return table
