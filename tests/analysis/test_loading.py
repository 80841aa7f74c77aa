"""Reading exports: conversions, missing codes and clear messages for bad files."""

import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from analysis.loading import ExportError, prepare
from analysis.synthetic import generate


def raw_export(codebook, n=30, seed=0):
    return generate(codebook, n, seed=seed)


def test_missing_codes_and_empty_cells_become_missing(codebooks):
    codebook = codebooks["patients"]
    raw = raw_export(codebook)
    item = codebook.scales[0].items[0]
    raw.loc[0, item], raw.loc[1, item], raw.loc[2, item] = "dont_know", "", " 4 "
    frame = prepare(raw, codebook)
    assert np.isnan(frame.loc[0, item]) and np.isnan(frame.loc[1, item])
    assert frame.loc[2, item] == 4.0
    raw.loc[0, "gender"] = "prefer_not"
    assert pd.isna(prepare(raw, codebook).loc[0, "gender"])


def test_only_the_response_id_column_is_required(codebooks):
    codebook = codebooks["citizens"]
    frame = prepare(raw_export(codebook).drop(columns=["wave", "site", "submitted_at"]), codebook)
    assert set(frame["wave"]) == {"1"} and set(frame["site"]) == {"1"}
    with pytest.raises(ExportError) as error:
        prepare(raw_export(codebook).drop(columns=["response_id"]), codebook)
    assert "missing column(s): response_id" in str(error.value)


def test_unknown_columns_are_an_error_naming_them_unless_ignored(codebooks):
    codebook = codebooks["citizens"]
    raw = raw_export(codebook).assign(mystery_item="1", notes="x")
    with pytest.raises(ExportError) as error:
        prepare(raw, codebook)
    assert "unknown column(s)" in str(error.value) and "mystery_item, notes" in str(error.value)
    assert "--ignore-unknown" in str(error.value) and "ignore_columns" in str(error.value)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = prepare(raw, codebook, ignore_unknown=True)
    assert "mystery_item" not in frame and "notes" not in frame
    assert any("ignored: mystery_item, notes" in str(w.message) for w in caught)
    listed = replace(codebook, ignore_columns=("mystery_item", "notes"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # listed in the codebook: no warning either
        assert "mystery_item" not in prepare(raw, listed)


def test_text_in_numeric_item_names_column_lines_and_ids(codebooks):
    codebook = codebooks["patients"]
    raw = raw_export(codebook)
    item = codebook.scales[0].items[0]
    raw.loc[3, item] = "four"
    raw.loc[7, item] = "9"
    with pytest.raises(ExportError) as error:
        prepare(raw, codebook)
    problems = error.value.problems
    assert any(f"column '{item}'" in p and "text in a numeric item" in p and "line 5" in p
               and raw.loc[3, "response_id"] in p and "'four'" in p for p in problems)
    assert any("out-of-range" in p and "line 9" in p for p in problems)


def test_unknown_choice_and_roster_codes_are_reported(codebooks):
    codebook = codebooks["professionals"]
    raw = raw_export(codebook)
    raw.loc[0, "leaders"] = "nurse_np:5 nobody:3"
    single = next(i.code for i in codebook.items if i.type == "single")
    raw.loc[1, single] = "not_a_choice"
    with pytest.raises(ExportError) as error:
        prepare(raw, codebook)
    text = str(error.value)
    assert "column 'leaders'" in text and "'nurse_np:5 nobody:3'" in text
    assert f"column '{single}'" in text and "line 3" in text


def test_absent_item_column_warns_and_is_unanswered(codebooks):
    codebook = codebooks["patients"]
    item = codebook.scales[0].items[0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = prepare(raw_export(codebook).drop(columns=[item]), codebook)
    assert frame[item].isna().all()
    assert any(item in str(w.message) for w in caught)


def test_duplicate_response_ids_are_rejected(codebooks):
    codebook = codebooks["patients"]
    raw = raw_export(codebook)
    raw.loc[1, "response_id"] = raw.loc[0, "response_id"]
    with pytest.raises(ExportError, match="duplicate ids"):
        prepare(raw, codebook)
