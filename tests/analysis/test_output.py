"""Output helpers: formula neutralisation and JSON without NaN."""

import json
import math

import numpy as np
import pandas as pd

from analysis.output import jsonable, neutralise_formula, write_csv


def test_formula_cells_get_a_leading_quote():
    for value in ("=1+1", "+33 6", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise_formula(value) == "'" + value
    assert neutralise_formula("site a") == "site a"
    assert neutralise_formula(-2.5) == -2.5  # numbers stay numbers


def test_csv_neutralises_text_but_not_numbers(tmp_path):
    path = tmp_path / "t.csv"
    write_csv(pd.DataFrame({"site": ["=HYPERLINK(1)", "ok"], "diff": [-0.5, 0.2]}), path)
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert back["site"].tolist() == ["'=HYPERLINK(1)", "ok"]
    assert back["diff"].tolist() == [-0.5, 0.2]


def test_json_turns_nan_and_numpy_into_plain_values():
    data = {"a": np.float64(math.nan), "b": np.int64(3), "c": pd.NA, "d": [np.bool_(True)]}
    assert json.loads(json.dumps(jsonable(data))) == {"a": None, "b": 3, "c": None, "d": [True]}
