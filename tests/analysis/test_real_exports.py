"""The command line on exports made by other tools: each test is a stumble an evaluator hit with
published data (R's NA, codes written 1.0, upper-case column names, absent metadata, a codebook
without scales...), and the Big Five inventory analysed end to end from a drafted codebook."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.cli import main
from analysis.codebook import CodebookError, parse_codebook
from analysis.loading import ExportError, prepare
from analysis.synthetic import generate
from tests.analysis.conftest import bundled_codebook_dict, write_export
from tests.analysis.rscript import r_table, run_r
from tests.analysis.test_against_r import BFI_REVERSED, BFI_SCALES, r_data  # noqa: F401


def outside_codebook(**extra) -> dict:
    """A small codebook of outside data: upper-case item codes, a 1/2 code, no metadata."""
    return {
        "codebook_format": 1, "questionnaire": "survey", "version": "1", "audience": "citizen",
        "languages": ["en"], "columns": {"response_id": "ID"},
        "items": [
            {"code": "Q1", "type": "likert", "points": 5},
            {"code": "Q2", "type": "likert", "points": 5},
            {"code": "Q3_2", "type": "likert", "points": 5},
            {"code": "sex", "type": "single", "choices": [
                {"code": 1, "label": {"en": "male"}}, {"code": 2, "label": {"en": "female"}}]},
        ],
        "scales": [{"code": "trust", "items": ["Q1", "Q2", "Q3_2"], "points": 5}],
        **extra,
    }


def outside_data() -> pd.DataFrame:
    return pd.DataFrame({
        "ID": [f"r{i}" for i in range(8)],
        "Q1": ["1", "2", "NA", "4", "5", "3", "2", "4"],
        "Q2": ["2", "", "3", ".", "5", "-99", "2", "5"],
        "Q3_2": ["1", "3", "3", "4", "NaN", "3", "1", "4"],
        "sex": ["1.0", "2.0", "NA", "1", "2", "2.0", "1.0", "2"],
    })


def test_upper_case_column_names_are_item_codes():
    book = parse_codebook(outside_codebook())
    assert book.item_codes == ("Q1", "Q2", "Q3_2", "sex")


def test_a_refused_item_is_reported_once_not_again_through_its_scale():
    raw = outside_codebook()
    raw["items"][0]["code"] = " Q1"  # a space at its end: refused
    raw["scales"][0]["items"][0] = " Q1"
    with pytest.raises(CodebookError) as error:
        parse_codebook(raw)
    assert len(error.value.problems) == 1 and "' Q1'" in error.value.problems[0]


def test_usual_missing_markers_and_codebook_missing_codes_are_missing_values():
    book = parse_codebook(outside_codebook(missing_codes=["-99"]))
    frame = prepare(outside_data(), book)
    assert frame["Q1"].isna().tolist() == [False, False, True] + [False] * 5
    assert frame["Q2"].isna().sum() == 3  # empty, "." and -99
    assert frame["Q3_2"].isna().sum() == 1  # NaN


def test_minus_99_is_refused_unless_the_codebook_says_it_is_missing():
    with pytest.raises(ExportError) as error:
        prepare(outside_data(), parse_codebook(outside_codebook()))
    assert "column 'Q2'" in str(error.value) and "line 7" in str(error.value)


def test_integer_codes_written_as_decimals_are_the_same_code():
    frame = prepare(outside_data(), parse_codebook(outside_codebook(missing_codes=["-99"])))
    assert frame["sex"].tolist()[:3] == ["1", "2", pd.NA]
    assert set(frame["sex"].dropna()) == {"1", "2"}


def test_only_the_response_id_is_required_and_absent_site_and_wave_are_one_each():
    frame = prepare(outside_data(), parse_codebook(outside_codebook(missing_codes=["-99"])))
    assert frame["response_id"].tolist()[0] == "r0"
    assert set(frame["site"]) == {"1"} and set(frame["wave"]) == {"1"}
    with pytest.raises(ExportError) as error:
        prepare(outside_data().drop(columns="ID"),
                parse_codebook(outside_codebook(missing_codes=["-99"])))
    assert "'ID'" in str(error.value) and "response_id" in str(error.value)


def test_an_empty_wave_column_is_one_wave_not_a_crash(tmp_path, capsys, codebooks):
    raw_codebook = bundled_codebook_dict("citizens")
    raw = generate(codebooks["citizens"], 80, seed=3).assign(wave="")
    csv_path, codebook_path = write_export(tmp_path, "citizens", raw, raw_codebook)
    code = main([str(csv_path), "--codebook", str(codebook_path), "--out", str(tmp_path / "o"),
                 "--no-charts"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "80 responses, 1 wave(s)" in captured.out


def test_a_partly_empty_wave_column_names_the_column_and_lines(tmp_path, capsys, codebooks):
    raw_codebook = bundled_codebook_dict("citizens")
    raw = generate(codebooks["citizens"], 30, seed=3)
    raw.loc[[3, 9], "wave"] = ""
    csv_path, codebook_path = write_export(tmp_path, "citizens", raw, raw_codebook)
    code = main([str(csv_path), "--codebook", str(codebook_path), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and "column 'wave'" in err and "lines 5, 11" in err
    assert "Error" not in err and "Traceback" not in err


def test_a_codebook_without_scales_gives_a_report(tmp_path, capsys, codebooks):
    raw_codebook = {k: v for k, v in bundled_codebook_dict("citizens").items() if k != "scales"}
    raw = generate(codebooks["citizens"], 60, seed=3)
    csv_path, codebook_path = write_export(tmp_path, "citizens", raw, raw_codebook)
    code = main([str(csv_path), "--codebook", str(codebook_path), "--out", str(tmp_path / "o")])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "no scales in the codebook" in captured.out
    assert (tmp_path / "o" / "report.html").exists()


def test_the_cli_prints_a_summary_and_progress(tmp_path, capsys):
    data = outside_data()
    csv_path = tmp_path / "data.csv"
    data.to_csv(csv_path, index=False)
    book = tmp_path / "book.json"
    book.write_text(json.dumps(outside_codebook(missing_codes=["-99"])), encoding="utf-8")
    code = main([str(csv_path), "--codebook", str(book), "--out", str(tmp_path / "o"),
                 "--min-group", "2", "--lang", "en"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "8 responses, 1 wave(s)" in captured.out
    assert "scale trust: 3 items, n = " in captured.out and "alpha = " in captured.out
    assert "table rows suppressed" in captured.out
    assert "computing the indicators..." in captured.err


def test_draft_codebook_guesses_types_and_the_id(tmp_path, capsys):
    csv_path = tmp_path / "data.csv"
    outside_data().assign(age=[23, 45, 67, 34, 19, 52, 38, 71], score=[1.5, 2.25, 3, 4, 2, 1,
                                                                        3.5, 2]
                          ).to_csv(csv_path, index=False)
    out = tmp_path / "draft.json"
    assert main(["codebook", str(csv_path), "--out", str(out)]) == 0
    draft = json.loads(out.read_text(encoding="utf-8"))
    types = {item["code"]: item["type"] for item in draft["items"]}
    # Q2 holds -99, not a missing marker until the codebook says so: whole numbers, not likert.
    assert types == {"Q1": "likert", "Q2": "integer", "Q3_2": "likert", "sex": "single",
                     "age": "integer", "score": "decimal"}
    assert draft["columns"] == {"response_id": "ID"}
    assert "response id: column 'ID'" in capsys.readouterr().out


def test_draft_codebook_leaves_the_audience_to_the_evaluator(tmp_path, capsys):
    csv_path = tmp_path / "data.csv"
    outside_data().to_csv(csv_path, index=False)
    out = tmp_path / "draft.json"
    assert main(["codebook", str(csv_path), "--out", str(out)]) == 0
    draft = json.loads(out.read_text(encoding="utf-8"))
    assert "audience" not in draft
    draft["missing_codes"] = ["-99"]
    out.write_text(json.dumps(draft), encoding="utf-8")
    code = main([str(csv_path), "--codebook", str(out), "--out", str(tmp_path / "o"),
                 "--min-group", "2", "--lang", "fr"])
    assert code == 0, capsys.readouterr().err
    report = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    heading = report[report.index("<p>Questionnaire"):].split("</p>")[0]
    assert "(" not in heading  # no audience named, e.g. "(citoyens)"
    assert "citoyens" not in report and "patients" not in report


BFI_R = """
bfi <- read.csv("{path}")
keyed <- bfi
for (item in c({reversed})) keyed[[item]] <- 7 - keyed[[item]]
scales <- list({scales})
out <- do.call(rbind, lapply(names(scales), function(s) {{
  x <- keyed[, scales[[s]]]
  data.frame(scale = s, alpha = alpha(x)$total$raw_alpha,
             omega = omega(x, nfactors = 1, plot = FALSE)$omega.tot)
}}))
write.csv(out, "result.csv", row.names = FALSE)
"""


def test_big_five_from_a_drafted_codebook_gives_psych_alpha_and_omega(r_data, tmp_path,  # noqa: F811
                                                                      capsys):
    # R's write.csv: an unnamed row-name column first, NA for missing answers.
    run_r('data(bfi); write.csv(bfi, "bfi_r.csv")\n', tmp_path)
    data = tmp_path / "bfi_r.csv"
    draft = tmp_path / "draft.json"
    assert main(["codebook", str(data), "--out", str(draft)]) == 0
    book = json.loads(draft.read_text(encoding="utf-8"))
    assert {i["code"]: i.get("points") for i in book["items"]}["A1"] == 6
    book["scales"] = [{"code": s, "items": items, "points": 6,
                       "reverse": [i for i in items if i in BFI_REVERSED], "min_answered": 1}
                      for s, items in BFI_SCALES.items()]
    draft.write_text(json.dumps(book), encoding="utf-8")
    out = tmp_path / "report"
    code = main([str(data), "--codebook", str(draft), "--out", str(out), "--lang", "en"])
    assert code == 0, capsys.readouterr().err
    ours = pd.read_csv(out / "reliability.csv", encoding="utf-8-sig").set_index("scale")
    expected = r_table(BFI_R.format(
        path=data, reversed=", ".join(f'"{i}"' for i in BFI_REVERSED),
        scales=", ".join(f'{s} = c({", ".join(repr(i) for i in items)})'
                         for s, items in BFI_SCALES.items())), tmp_path).set_index("scale")
    for scale in BFI_SCALES:
        assert round(ours.loc[scale, "alpha"], 3) == pytest.approx(
            round(expected.loc[scale, "alpha"], 3), abs=1e-3)
        assert ours.loc[scale, "alpha"] == pytest.approx(expected.loc[scale, "alpha"], abs=5e-4)
        assert ours.loc[scale, "omega"] == pytest.approx(expected.loc[scale, "omega"], abs=5e-4)
        assert ours.loc[scale, "missing"] == "pairwise"
