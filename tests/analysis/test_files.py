"""Reading the files evaluators have (analysis/files.py), cell by cell."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyreadstat
import pytest

from analysis.files import FileError, read_table


def test_french_excel_csv_semicolons_decimal_commas_and_windows_1252(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("id;âge;score;remarque\n1;34;3,5;bien, merci\n2;51;NA;ok\n"
                    "3;;dont_know;2,5 fois\n4;28;4;x\n", encoding="cp1252")
    table = read_table(path)
    assert table.file_format == "csv2"
    assert list(table.frame.columns) == ["id", "âge", "score", "remarque"]
    assert list(table.frame["score"]) == ["3.5", "NA", "dont_know", "4"]
    # Text keeps its commas, even a number inside a sentence.
    assert list(table.frame["remarque"]) == ["bien, merci", "ok", "2,5 fois", "x"]


def test_comma_csv_is_read_as_before(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("\ufeffid,score,note\n1,3.5,\"a; b\"\n", encoding="utf-8")
    table = read_table(path)
    assert table.file_format == "csv"
    assert table.frame.iloc[0].tolist() == ["1", "3.5", "a; b"]


def test_spss_and_stata_keep_codes_and_give_their_labels(tmp_path):
    data = pd.DataFrame({"id": [1.0, 2.0, 3.0], "q1": [1.0, 5.0, float("nan")],
                         "w": [0.25, 1.5, 2.0]})
    for suffix, writer in ((".sav", pyreadstat.write_sav), (".dta", pyreadstat.write_dta)):
        path = tmp_path / f"data{suffix}"
        writer(data, str(path), column_labels=["Identifiant", "Satisfaction", "Poids"],
               variable_value_labels={"q1": {1.0: "pas du tout", 5.0: "tout à fait"}})
        table = read_table(path)
        assert table.frame["q1"].tolist() == ["1", "5", ""]
        assert table.frame["w"].tolist() == ["0.25", "1.5", "2"]
        assert table.value_labels["q1"] == {"1": "pas du tout", "5": "tout à fait"}
        assert table.column_labels["q1"] == "Satisfaction"


def test_xlsx_numbers_and_dates_read_as_a_csv_would_hold_them(tmp_path):
    path = tmp_path / "data.xlsx"
    pd.DataFrame({"id": [1, 2], "when": [dt.datetime(2024, 1, 5), None],
                  "x": [1.0, 2.5]}).to_excel(path, index=False)
    frame = read_table(path).frame
    assert frame.to_dict("list") == {"id": ["1", "2"], "when": ["2024-01-05", ""],
                                     "x": ["1", "2.5"]}


def test_unreadable_files_say_what_to_do(tmp_path):
    old = tmp_path / "data.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(FileError, match="save it as .xlsx or CSV"):
        read_table(old)
    broken = tmp_path / "data.sav"
    broken.write_text("not spss", encoding="utf-8")
    with pytest.raises(FileError, match="cannot read as sav"):
        read_table(broken)
