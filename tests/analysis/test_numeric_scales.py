"""Scales of numeric scores (decimal items, a mean computed elsewhere) through the command line:
team means and ICC(1)/ICC(2) as R multilevel computes them; rwg(j) only for likert scales, and
the output says in words where it was not computed."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis.cli import main
from analysis.codebook import CodebookError, parse_codebook
from tests.analysis.rscript import r_table


def team_codebook(**extra) -> dict:
    decimal = [{"code": c, "type": "decimal"} for c in ("WB", "d1", "d2", "d3")]
    likert = [{"code": c, "type": "likert", "points": 5} for c in ("l1", "l2", "l3")]
    return {
        "codebook_format": 1, "questionnaire": "teams", "version": "1", "languages": ["en"],
        "columns": {"response_id": "id", "team": "unit"},
        "items": decimal + likert,
        "scales": [
            {"code": "wellbeing", "items": ["WB"], "construct": {"en": "Well-being index"}},
            {"code": "stress", "items": ["d1", "d2", "d3"], "min_answered": 2},
            {"code": "climate", "items": ["l1", "l2", "l3"], "points": 5},
        ],
        **extra,
    }


def team_data(seed: int = 4) -> pd.DataFrame:
    """12 units of 6 to 10 people; a unit effect in every score."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(6, 11, size=12)
    unit = np.repeat([f"U{i:02d}" for i in range(12)], sizes)
    effect = np.repeat(rng.normal(0, 0.5, size=12), sizes)
    n = len(unit)
    data = pd.DataFrame({"id": np.arange(1, n + 1), "unit": unit,
                         "WB": np.round(3 + effect + rng.normal(0, 0.7, n), 2)})
    for j in range(1, 4):
        data[f"d{j}"] = np.round(2.5 + effect + rng.normal(0, 0.8, n), 3)
        data[f"l{j}"] = np.clip(np.rint(3 + 1.5 * effect + rng.normal(0, 0.9, n)), 1, 5).astype(int)
    data["d2"] = data["d2"].astype(object)
    data.loc[[3, 17], "d2"] = "NA"  # two stress scores from two items of three
    return data


MULTILEVEL = """
d <- read.csv("teams.csv")
scores <- list(wellbeing = d$WB, stress = rowMeans(d[, c("d1", "d2", "d3")], na.rm = TRUE),
               climate = rowMeans(d[, c("l1", "l2", "l3")]))
icc <- do.call(rbind, lapply(names(scores), function(s) {
  model <- aov(scores[[s]] ~ as.factor(d$unit))
  data.frame(scale = s, icc1 = ICC1(model), icc2 = ICC2(model))
}))
write.csv(icc, "result.csv", row.names = FALSE)
rwg <- rwg.j(d[, c("l1", "l2", "l3")], d$unit, ranvar = (5^2 - 1) / 12)
write.csv(rwg, "rwg.csv", row.names = FALSE)
"""


@pytest.fixture()
def analysed(tmp_path, capsys):
    data = team_data()
    csv_path = tmp_path / "teams.csv"
    data.to_csv(csv_path, index=False)
    book = tmp_path / "teams.codebook.json"
    book.write_text(json.dumps(team_codebook()), encoding="utf-8")
    out = tmp_path / "report"
    code = main([str(csv_path), "--codebook", str(book), "--out", str(out), "--lang", "en",
                 "--omega-boot", "0"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return tmp_path, out, captured


def test_team_means_and_iccs_of_numeric_scores_equal_r_multilevel(analysed):
    folder, out, _ = analysed
    expected = r_table(MULTILEVEL, folder).set_index("scale")
    ours = pd.read_csv(out / "team_aggregation.csv", encoding="utf-8-sig").set_index("scale")
    assert set(ours.index) == {"wellbeing", "stress", "climate"}
    for scale in ours.index:
        assert ours.loc[scale, "icc1"] == pytest.approx(expected.loc[scale, "icc1"], abs=5e-4)
        assert ours.loc[scale, "icc2"] == pytest.approx(expected.loc[scale, "icc2"], abs=5e-4)
        assert ours.loc[scale, "n_teams"] == 12
    data = team_data()
    teams = pd.read_csv(out / "team_scales.csv", encoding="utf-8-sig")
    wellbeing = teams[teams["scale"] == "wellbeing"].set_index("team")["mean"]
    assert wellbeing.to_dict() == pytest.approx(data.groupby("unit")["WB"].mean().to_dict())


def test_rwg_only_for_the_likert_scale_and_said_in_words(analysed):
    folder, out, captured = analysed
    r_table(MULTILEVEL, folder)
    expected = pd.read_csv(folder / "rwg.csv").set_index("grpid")["rwg.j"]
    teams = pd.read_csv(out / "team_scales.csv", encoding="utf-8-sig")
    climate = teams[teams["scale"] == "climate"].set_index("team")["rwg_j"]
    assert climate.to_dict() == pytest.approx(expected.to_dict(), abs=5e-4)
    assert teams.loc[teams["scale"] != "climate", "rwg_j"].isna().all()
    assert "rwg(j) not computed for wellbeing, stress: numeric scores" in captured.err
    report = (out / "report.html").read_text(encoding="utf-8")
    assert report.count("not computed (no response scale)") == 2 + 2 * 12  # ICC table, teams
    document = json.loads((out / "indicators.json").read_text(encoding="utf-8"))
    assert any("rwg(j) not computed for wellbeing" in note for note in document["notes"])
    assert "scale wellbeing: the score WB (one item: no alpha or omega)" in captured.out
    assert "12 teams (ICC(1), ICC(2) per scale; rwg(j) per likert scale)" in captured.out


def test_a_numeric_scale_takes_no_points_nor_reverse_and_is_not_mixed_with_likert():
    raw = team_codebook()
    raw["scales"][1] = {**raw["scales"][1], "points": 5, "reverse": ["d1"]}
    raw["scales"].append({"code": "mixed", "items": ["d1", "l1"], "points": 5})
    raw["scales"].append({"code": "one", "items": ["l1"], "points": 5})
    with pytest.raises(CodebookError) as error:
        parse_codebook(raw)
    text = "\n".join(error.value.problems)
    assert "(stress): points is for likert items" in text
    assert "(stress): reverse needs likert items" in text
    assert "(mixed): item 'd1' is not a likert item with 5 points" in text
    assert "(one): a likert scale lists at least two items" in text
    assert parse_codebook(team_codebook()).scales[0].points is None


def test_the_french_report_words_its_notes_in_french(analysed, tmp_path):
    folder, _out, _ = analysed
    out = tmp_path / "fr"
    code = main([str(folder / "teams.csv"), "--codebook", str(folder / "teams.codebook.json"),
                 "--out", str(out), "--lang", "fr", "--omega-boot", "0"])
    assert code == 0
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "rwg(j) non calculé pour wellbeing, stress : scores numériques" in report
    assert "rwg(j) not computed" not in report
    # indicators.json keeps the plain English text, whatever the report's language
    document = json.loads((out / "indicators.json").read_text(encoding="utf-8"))
    assert any(note.startswith("rwg(j) not computed for wellbeing") for note in document["notes"])
