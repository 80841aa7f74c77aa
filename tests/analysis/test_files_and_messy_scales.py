"""The command line on the files evaluators have and on messy scales, against R.

Data and reference values come from ``tests/analysis/r/reference.R`` (stored fixtures: no R is
needed). Each data set is written as a CSV, as French Excel / R's ``write.csv2`` write CSV
(semicolons, decimal commas), as SPSS ``.sav`` and Stata ``.dta`` (with value labels) and as
``.xlsx``; the drafted codebook plus a scale must give psych's alpha and omega and multilevel's
rwg(j), ICC(1) and ICC(2).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from analysis.cli import main
from tests.analysis.test_psych_fixtures import FOLDER, REFERENCE

FORMATS = ["csv", "csv2", "sav", "dta", "xlsx"]


def write_as(data: pd.DataFrame, kind: str, folder: Path) -> Path:
    """``data`` written as an evaluator's tool would write it."""
    if kind == "csv":
        path = folder / "data.csv"
        data.to_csv(path, index=False, na_rep="NA")
    elif kind == "csv2":  # R's write.csv2 / French Excel: semicolons, decimal commas, cp1252
        path = folder / "data.csv"
        data.to_csv(path, index=False, sep=";", decimal=",", na_rep="", encoding="cp1252")
    elif kind in ("sav", "dta"):
        path = folder / f"data.{kind}"
        labels = {c: {0.0: "pas du tout", 4.0: "tout à fait"} for c in data.columns
                  if c.startswith("z")}
        writer = pyreadstat.write_sav if kind == "sav" else pyreadstat.write_dta
        writer(data, str(path), variable_value_labels=labels,
               column_labels={c: f"Question {c}" for c in data.columns})
    else:
        path = folder / "data.xlsx"
        data.to_excel(path, index=False)
    return path


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def drafted(path: Path, folder: Path, capsys, scales: list[dict]) -> tuple[Path, dict, str]:
    book_path = folder / "draft.json"
    code, out, err = run(["codebook", path, "--out", book_path], capsys)
    assert code == 0, err
    book = json.loads(book_path.read_text(encoding="utf-8"))
    book["scales"] = scales
    book_path.write_text(json.dumps(book), encoding="utf-8")
    return book_path, book, out


@pytest.mark.parametrize("kind", FORMATS)
def test_scales_coded_0_to_4_with_teams_equal_psych_and_multilevel_in_every_format(
        kind, tmp_path, capsys):
    expected = REFERENCE["zero4"]
    data = pd.read_csv(FOLDER / "data" / "zero4.csv")
    data["mean"] = data[expected["items"]].mean(axis=1).round(2)  # decimals: 2,4 in csv2
    data = data.rename(columns={"team": "GRP"})  # as multilevel's data sets name it
    path = write_as(data, kind, tmp_path)
    book_path, book, printed = drafted(path, tmp_path, capsys, [
        {"code": "zscale", "items": expected["items"], "points": 5, "min_answered": 1}])
    items = {i["code"]: i for i in book["items"]}
    assert items["z1"]["type"] == "likert" and items["z1"]["first"] == 0
    assert items["z1"]["points"] == 5
    assert items["mean"]["type"] == "decimal"
    assert book["columns"]["team"] == "GRP"
    assert "team: column 'GRP'" in printed
    if kind in ("sav", "dta"):
        labels = {str(c["code"]): c["label"]["en"] for c in items["z1"].get("choices", [])}
        assert labels.get("0") == "pas du tout"
        assert items["z1"]["text"]["en"] == "Question z1"
    out = tmp_path / "report"
    code, printed, err = run([path, "--codebook", book_path, "--out", out, "--lang", "en",
                              "--omega-boot", "0"], capsys)
    assert code == 0, err
    assert "Warning" not in err
    reliability = pd.read_csv(out / "reliability.csv", encoding="utf-8-sig").iloc[0]
    assert reliability["alpha"] == pytest.approx(expected["alpha"]["raw"], abs=1e-9)
    assert reliability["alpha_std"] == pytest.approx(expected["alpha"]["std"], abs=1e-9)
    assert reliability["omega"] == pytest.approx(expected["omega1"]["minres"], abs=1e-5)
    teams = pd.read_csv(out / "team_scales.csv", encoding="utf-8-sig").set_index("team")
    reference = pd.DataFrame({"rwg_j": expected["teams"]["rwg_j"]},
                             index=expected["teams"]["team"])
    np.testing.assert_allclose(teams.loc[reference.index, "rwg_j"], reference["rwg_j"],
                               atol=1e-9)
    aggregation = pd.read_csv(out / "team_aggregation.csv", encoding="utf-8-sig").iloc[0]
    assert aggregation["icc1"] == pytest.approx(expected["teams"]["icc1"], abs=1e-9)
    assert aggregation["icc2"] == pytest.approx(expected["teams"]["icc2"], abs=1e-9)
    # Answers 0..4: the item distribution and the top box (3 or 4) use the codebook's codes.
    distribution = pd.read_csv(out / "item_distribution.csv", encoding="utf-8-sig")
    assert sorted(distribution["option"].unique()) == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(("name", "note"), [
    ("constant", "item(s) without variance (everyone gave the same answer), left out of alpha "
                 "and omega as psych does: c6"),
    ("empty", "item(s) nobody answered, left out of alpha and omega: e6"),
    ("negative", "item(s) correlated negatively with the rest of the scale: n3; if they are "
                 "worded the other way round, declare them reversed"),
])
def test_degenerate_items_are_named_and_alpha_is_psych_s(name, note, tmp_path, capsys):
    expected = REFERENCE[name]
    data = pd.read_csv(FOLDER / "data" / f"{name}.csv")
    path = write_as(data, "csv", tmp_path)
    book_path, book, _ = drafted(path, tmp_path, capsys, [])
    for item in book["items"]:  # an empty or constant column is drafted as text or choice
        item.update({"type": "likert", "points": 5})
        item.pop("choices", None)
    book["scales"] = [{"code": "s", "items": expected["items"], "points": 5,
                       "min_answered": 1}]
    book_path.write_text(json.dumps(book), encoding="utf-8")
    out = tmp_path / "report"
    code, printed, err = run([path, "--codebook", book_path, "--out", out, "--lang", "en",
                              "--omega-boot", "0"], capsys)
    assert code == 0, err
    assert f"note: scale s: {note}" in err
    assert "RuntimeWarning" not in err and "Warning:" not in err
    reliability = pd.read_csv(out / "reliability.csv", encoding="utf-8-sig").iloc[0]
    assert reliability["alpha"] == pytest.approx(expected["alpha"]["raw"], abs=1e-9)
    assert reliability["n"] == expected["alpha"]["n"]
    assert reliability["k"] == expected["alpha"]["nvar"]
    report = (out / "report.html").read_text(encoding="utf-8")
    assert note.split(":")[0] in report


def test_partial_answers_report_psych_n_and_feldt_interval(tmp_path, capsys):
    expected = REFERENCE["partial"]
    data = pd.read_csv(FOLDER / "data" / "partial.csv")
    path = write_as(data, "csv2", tmp_path)
    book_path, _, _ = drafted(path, tmp_path, capsys, [
        {"code": "p", "items": expected["items"], "points": 5, "min_answered": 1,
         "reverse": []}])
    out = tmp_path / "report"
    code, printed, err = run([path, "--codebook", book_path, "--out", out, "--lang", "en",
                              "--omega-boot", "0"], capsys)
    assert code == 0, err
    reliability = pd.read_csv(out / "reliability.csv", encoding="utf-8-sig").iloc[0]
    assert reliability["n"] == 296
    assert [reliability["alpha_ci_low"], reliability["alpha_ci_high"]] == pytest.approx(
        expected["alpha"]["feldt"], abs=1e-9)
    assert [reliability["alpha_duhachek_low"], reliability["alpha_duhachek_high"]] == (
        pytest.approx(expected["alpha"]["duhachek"], abs=1e-5))
    assert f"scale p: 6 items, n = 296, alpha = {expected['alpha']['raw']:.3f}" in printed


def small_scale_files(tmp_path: Path, rows: int, team: str | None = None,
                      empty_item: bool = False) -> tuple[Path, Path]:
    rng = np.random.default_rng(3)
    data = pd.DataFrame({"id": range(rows)})
    for item in ("a", "b", "c"):
        data[item] = rng.integers(1, 6, rows)
    if empty_item:
        data["c"] = np.nan
    if team:
        data["team"] = team
    path = tmp_path / "small.csv"
    data.to_csv(path, index=False)
    book = {"codebook_format": 1, "questionnaire": "small", "version": "1", "languages": ["en"],
            "columns": {"response_id": "id"},
            "items": [{"code": c, "type": "likert", "points": 5} for c in "abc"],
            "scales": [{"code": "s", "items": ["a", "b", "c"], "points": 5, "reverse": ["b"],
                        "min_answered": 1}]}
    book_path = tmp_path / "small.json"
    book_path.write_text(json.dumps(book), encoding="utf-8")
    return path, book_path


def test_console_summary_suppresses_small_groups_as_the_report_does(tmp_path, capsys):
    path, book = small_scale_files(tmp_path, rows=3)
    code, printed, err = run([path, "--codebook", book, "--out", tmp_path / "o", "--lang", "en"],
                             capsys)
    assert code == 0, err
    line = next(li for li in printed.splitlines() if li.startswith("scale s:"))
    assert "n = suppressed (n < 5)" in line and "n = 3" not in line
    assert "alpha = suppressed (n < 5)" in line


def test_a_coefficient_that_cannot_be_computed_says_why(tmp_path, capsys):
    path, book = small_scale_files(tmp_path, rows=40, empty_item=True)
    out = tmp_path / "o"
    code, printed, err = run([path, "--codebook", book, "--out", out, "--lang", "en",
                              "--plotlyjs", "external"], capsys)  # plotly.js holds "[, ]"
    assert code == 0, err
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "[, ]" not in report
    assert "not computable: fewer than 3 usable items" in report  # omega, 2 items left
    assert "omega = not computable: fewer than 3 usable items" in printed
    # Reverse-keyed items are marked in the report.
    assert "Reversed items: b" in report and "(reversed)" in report
    french = tmp_path / "fr"
    assert main([str(path), "--codebook", str(book), "--out", str(french)]) == 0
    assert "non calculable : moins de 3 items utilisables" in (
        french / "report.html").read_text(encoding="utf-8")


def test_a_single_team_is_explained(tmp_path, capsys):
    path, book = small_scale_files(tmp_path, rows=30, team="ward_a")
    code, printed, err = run([path, "--codebook", book, "--out", tmp_path / "o", "--lang", "en"],
                             capsys)
    assert code == 0, err
    assert "a single team (ward_a): agreement across teams (ICC(1), ICC(2)) needs at least " \
           "two teams" in err


def test_help_names_survey_analyze_when_run_as_survey_analyze(capsys):
    assert main(["--help"], prog="survey analyze") == 0
    text = capsys.readouterr().out
    assert text.startswith("usage: survey analyze")
    assert "python -m analysis" not in text
    assert ".sav" in text and "semicolon" in text


def test_report_gives_psych_omega_hierarchical_and_warns_with_too_few_items(tmp_path, capsys):
    data = pd.read_csv(FOLDER / "data" / "factors.csv").merge(
        pd.read_csv(FOLDER / "data" / "few.csv"), on="id", how="left")
    path = write_as(data, "csv", tmp_path)
    book_path, _, _ = drafted(path, tmp_path, capsys, [
        {"code": "twelve", "items": REFERENCE["factors"]["items"], "points": 5,
         "min_answered": 1},
        {"code": "four", "items": REFERENCE["few"]["items"], "points": 5, "min_answered": 1}])
    out = tmp_path / "report"
    code, printed, err = run([path, "--codebook", book_path, "--out", out, "--lang", "en",
                              "--omega-boot", "0", "--plotlyjs", "external"], capsys)
    assert code == 0, err
    reliability = pd.read_csv(out / "reliability.csv", encoding="utf-8-sig").set_index("scale")
    expected = REFERENCE["factors"]["omega3"]
    assert reliability.loc["twelve", "omega_h"] == pytest.approx(expected["omega_h"], abs=1e-5)
    assert reliability.loc["twelve", "omega_h_total"] == pytest.approx(expected["omega_tot"],
                                                                       abs=1e-5)
    loadings = pd.read_csv(out / "schmid_leiman.csv", encoding="utf-8-sig")
    twelve = loadings[loadings["scale"] == "twelve"]
    np.testing.assert_allclose(twelve["g"], np.array(expected["sl"])[:, 0], atol=1e-5)
    assert ("note: scale four: omega hierarchical not computed, 4 items are too few for 3 "
            "factors") in err
    assert "scale twelve: omega hierarchical not computed" not in err
    assert np.isnan(reliability.loc["four", "omega_h"])
    assert set(loadings["scale"]) == {"twelve"}
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Schmid-Leiman loadings (psych::omega)" in report
    assert f"{expected['omega_h']:.2f}" in report
    assert "not computed: too few items for three factors (see the notes)" in report


def test_charts_of_a_0_to_4_scale_over_two_waves(tmp_path, capsys):
    data = pd.read_csv(FOLDER / "data" / "zero4.csv")
    data["wave"] = np.where(data["id"] % 2 == 0, "2024", "2025")
    data["site"] = np.where(data["id"] % 3 == 0, "nord", "sud")
    path = write_as(data, "csv", tmp_path)
    items = REFERENCE["zero4"]["items"]
    book_path, _, _ = drafted(path, tmp_path, capsys, [
        {"code": "a", "items": items[:3], "points": 5, "reverse": [items[0]],
         "min_answered": 1},
        {"code": "b", "items": items[2:], "points": 5},
        {"code": "c", "items": items[1:4], "points": 5}])
    out = tmp_path / "report"
    code, printed, err = run([path, "--codebook", book_path, "--out", out, "--lang", "en",
                              "--by", "site", "--omega-boot", "0"], capsys)
    assert code == 0, err
    summary = pd.read_csv(out / "scale_summary.csv", encoding="utf-8-sig")
    assert summary["mean"].dropna().between(0, 4).all()
    # The top box of 0..4 is a score of 3 or more: recompute it from the data.
    keyed = data[items[:3]].astype(float)
    keyed[items[0]] = 4 - keyed[items[0]]
    score = keyed.mean(axis=1)
    row = summary[(summary["scale"] == "a") & (summary["site"] == "(all)") &
                  (summary["wave"].astype(str) == "2024")].iloc[0]
    mask = data["wave"] == "2024"
    assert row["top_box_pct"] == pytest.approx(100 * (score[mask] >= 3).mean())
    assert row["mean"] == pytest.approx(score[mask].mean())
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Change from 2024 to 2025" in report


def test_the_library_itself_emits_no_numpy_warning_on_degenerate_scales():
    import warnings

    from analysis.codebook import parse_codebook
    from analysis.indicators import compute_indicators
    from analysis.loading import prepare

    data = pd.read_csv(FOLDER / "data" / "constant.csv").merge(
        pd.read_csv(FOLDER / "data" / "empty.csv"), on="id")
    data["team"] = np.where(data["id"] % 2 == 0, "x", "y")
    items = [c for c in data.columns if c not in ("id", "team")]
    book = parse_codebook({
        "codebook_format": 1, "questionnaire": "q", "version": "1", "languages": ["en"],
        "columns": {"response_id": "id"},
        "items": [{"code": c, "type": "likert", "points": 5} for c in items],
        "scales": [{"code": "c", "items": REFERENCE["constant"]["items"], "points": 5,
                    "min_answered": 1},
                   {"code": "e", "items": REFERENCE["empty"]["items"], "points": 5,
                    "min_answered": 1},
                   {"code": "two", "items": ["c6", "e6"], "points": 5, "min_answered": 1}]})
    frame = prepare(data.astype(object).where(data.notna(), ""), book)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        indicators = compute_indicators(frame, book, omega_boot=20)
    table = indicators.tables["reliability"].set_index("scale")
    assert table.loc["c", "alpha"] == pytest.approx(REFERENCE["constant"]["alpha"]["raw"])
    assert table.loc["two", "alpha_reason"] == "reason_items_2"
    assert table.loc["two", "dropped"] == "c6 e6"


def test_survey_analyze_help_speaks_of_survey_analyze():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "survey", "analyze", "--help"],
                          capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: survey analyze")
    assert "python -m analysis" not in done.stdout
