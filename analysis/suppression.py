"""Small-cell suppression for every aggregate shown to non-researchers.

Primary suppression hides groups with 0 < n < ``min_n``. Complementary suppression then hides,
within each margin (a set of rows whose total is also published), the smallest remaining group
whenever exactly one group of that margin is hidden, since its value could otherwise be recovered
by subtraction from the total. Margins are re-checked until nothing changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["DEFAULT_MIN_N", "PRIMARY", "COMPLEMENTARY", "suppress"]

DEFAULT_MIN_N = 5
PRIMARY = "primary"
COMPLEMENTARY = "complementary"


def suppress(
    table: pd.DataFrame,
    count: str = "n",
    values: Sequence[str] = (),
    min_n: int = DEFAULT_MIN_N,
    margins: Sequence[Sequence[str]] = (),
    unit: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Return a copy of ``table`` with small groups hidden.

    ``count`` is the group size column; ``values`` the columns to blank (the count is blanked
    too). ``margins`` lists column sets: rows sharing those columns sum to a published total.
    ``unit`` names the columns identifying one group when a group spans several rows (e.g. the
    answer options of one item in one site); by default each row is a group. Adds ``suppressed``
    (bool) and ``suppression`` ("primary", "complementary" or "").
    """
    out = table.copy()
    if out.empty:
        out["suppressed"] = pd.Series(dtype=bool)
        out["suppression"] = pd.Series(dtype=str)
        return out
    keys = list(unit) if unit else None
    units = out.drop_duplicates(subset=keys).reset_index(drop=True) if keys else out.reset_index(
        drop=True
    )
    flags = _flags(units, count, min_n, [list(m) for m in margins])
    if keys:
        lookup = units[keys].assign(_flag=flags.to_numpy())
        flag_values = out[keys].merge(lookup, on=keys, how="left")["_flag"].fillna("").to_numpy()
    else:
        flag_values = flags.to_numpy()
    out["suppression"] = flag_values
    out["suppressed"] = out["suppression"] != ""
    hidden = out["suppressed"].to_numpy()
    for column in [*values, count]:
        if column in out:
            out[column] = _blank(out[column], hidden)
    return out


def _blank(column: pd.Series, hidden: np.ndarray) -> pd.Series:
    if pd.api.types.is_integer_dtype(column):
        column = column.astype("Int64")
    elif pd.api.types.is_bool_dtype(column):
        column = column.astype("boolean")
    return column.mask(hidden)


def _flags(units: pd.DataFrame, count: str, min_n: int, margins: list[list[str]]) -> pd.Series:
    n = pd.to_numeric(units[count], errors="coerce").fillna(0).to_numpy(dtype=float)
    flags = pd.Series("", index=units.index, dtype=object)
    flags[(n > 0) & (n < min_n)] = PRIMARY
    changed = bool(margins)
    while changed:
        changed = False
        for margin in margins:
            hidden = (flags != "").astype(int)
            per_margin = hidden.groupby([units[c] for c in margin], dropna=False).transform("sum")
            open_cells = (flags == "") & (n > 0) & (per_margin == 1).to_numpy()
            if not open_cells.any():
                continue
            candidates = units.loc[open_cells, margin].assign(_n=n[open_cells.to_numpy()])
            smallest = candidates.groupby(margin, dropna=False)["_n"].idxmin()
            flags[smallest.to_numpy()] = COMPLEMENTARY
            changed = True
    return flags
