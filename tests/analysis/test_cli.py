"""The command line on an export of each bundled questionnaire, and on bad input."""

import json
import re

import pandas as pd
import pytest

from analysis.cli import main
from analysis.codebook import parse_codebook
from analysis.synthetic import generate
from tests.analysis.conftest import BUNDLED, bundled_codebook_dict, write_export


@pytest.mark.parametrize("name", BUNDLED)
def test_cli_writes_the_report_for_each_bundled_questionnaire(name, tmp_path, capsys):
    raw_codebook = bundled_codebook_dict(name)
    codebook = parse_codebook(raw_codebook)
    raw = generate(codebook, 700, seed=5, sites=["nord", "sud", "est", "ouest", "tiny"],
                   comparison_sites=["ouest"])
    raw = raw[(raw["site"] != "tiny") | (raw.index < raw[raw["site"] == "tiny"].index[2])]
    csv_path, codebook_path = write_export(tmp_path, name, raw, raw_codebook)
    out = tmp_path / "out"
    code = main([str(csv_path), "--codebook", str(codebook_path), "--out", str(out),
                 "--by", "site", "--comparison-sites", "ouest", "--lang", "en"])
    assert code == 0, capsys.readouterr().err
    document = json.loads((out / "indicators.json").read_text(encoding="utf-8"))
    assert document["questionnaire"] == name
    tables = document["tables"]
    for table in ("scale_summary", "reliability", "wave_changes", "difference_in_differences"):
        assert tables[table], table
        assert (out / f"{table}.csv").exists()
    if name == "professionals":
        assert tables["team_networks"] and tables["team_aggregation"]
    else:
        assert tables["equity_gaps"]
    # The two responses of site "tiny" are suppressed everywhere they would be shown.
    tiny = [r for r in tables["scale_summary"] if r["site"] == "tiny"]
    assert tiny and all(r["suppressed"] and r["mean"] is None for r in tiny)
    report = (out / "report.html").read_text(encoding="utf-8")
    assert report.count("plotly.js v") == 1  # the bundle is embedded exactly once
    assert not re.search(r"<script[^>]+src=", report)  # nothing fetched from a network
    assert not re.search(r"<link[^>]+href=\"http", report)
    assert "suppressed (n &lt; 5)" in report


def test_report_is_in_french_by_default_and_escapes_hostile_names(tmp_path, codebooks):
    raw_codebook = bundled_codebook_dict("patients")
    raw = generate(codebooks["patients"], 300, seed=6,
                   sites=["<script>alert(1)</script>", "=cmd|'/C calc'!A0"])
    csv_path, codebook_path = write_export(tmp_path, "patients", raw, raw_codebook)
    out = tmp_path / "out"
    assert main([str(csv_path), "--codebook", str(codebook_path), "--out", str(out),
                 "--by", "site"]) == 0
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in report
    assert "Rapport d'analyse" in report or "Rapport d&#x27;analyse" in report
    summary = pd.read_csv(out / "scale_summary.csv", encoding="utf-8-sig", dtype=str)
    assert "'=cmd|'/C calc'!A0" in set(summary["site"])  # formula neutralised


def test_bad_csv_gives_a_message_not_a_traceback(tmp_path, capsys, codebooks):
    raw_codebook = bundled_codebook_dict("citizens")
    raw = generate(codebooks["citizens"], 20, seed=7).drop(columns=["panel_code"])
    item = codebooks["citizens"].scales[0].items[0]
    raw.loc[4, item] = "beaucoup"
    csv_path, codebook_path = write_export(tmp_path, "citizens", raw, raw_codebook)
    code = main([str(csv_path), "--codebook", str(codebook_path), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert f"'{item}'" in err and "line 6" in err
    assert "Traceback" not in err


def test_missing_files_and_bad_arguments_exit_with_2(tmp_path, capsys):
    assert main([str(tmp_path / "none.csv"), "--codebook", "x.json", "--out", "o"]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["--help"]) == 0
    assert main([]) == 2


def test_bad_codebook_is_reported(tmp_path, capsys, codebooks):
    raw_codebook = bundled_codebook_dict("citizens")
    raw = generate(codebooks["citizens"], 10, seed=8)
    csv_path, codebook_path = write_export(tmp_path, "c", raw, {**raw_codebook, "audience": "x"})
    assert main([str(csv_path), "--codebook", str(codebook_path), "--out", "o"]) == 2
    assert "audience" in capsys.readouterr().err


def test_unknown_columns_stop_the_cli_unless_ignored(tmp_path, capsys, codebooks):
    raw_codebook = bundled_codebook_dict("citizens")
    raw = generate(codebooks["citizens"], 40, seed=9).assign(Q99="3", remarks="ok")
    csv_path, codebook_path = write_export(tmp_path, "citizens", raw, raw_codebook)
    args = [str(csv_path), "--codebook", str(codebook_path), "--out", str(tmp_path / "o"),
            "--no-charts", "--omega-boot", "0"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "unknown column(s)" in err and "Q99, remarks" in err and "--ignore-unknown" in err
    assert not (tmp_path / "o").exists()
    assert main([*args, "--ignore-unknown"]) == 0
    assert "warning: column(s) not in the codebook, ignored: Q99, remarks" in (
        capsys.readouterr().err)
    codebook_path.write_text(json.dumps({**raw_codebook, "ignore_columns": ["Q99", "remarks"]}),
                             encoding="utf-8")
    assert main(args) == 0
    assert "Q99" not in capsys.readouterr().err


def test_omega_boot_sets_the_resamples_of_the_interval_and_0_turns_it_off(tmp_path, capsys,
                                                                          codebooks):
    raw_codebook = bundled_codebook_dict("citizens")
    raw = generate(codebooks["citizens"], 300, seed=10)
    csv_path, codebook_path = write_export(tmp_path, "citizens", raw, raw_codebook)

    def reliability(boot: str) -> tuple[pd.DataFrame, str]:
        out = tmp_path / f"o{boot}"
        code = main([str(csv_path), "--codebook", str(codebook_path), "--out", str(out),
                     "--lang", "en", "--omega-boot", boot])
        assert code == 0, capsys.readouterr().err
        table = pd.read_csv(out / "reliability.csv", encoding="utf-8-sig").set_index("scale")
        return table, (out / "report.html").read_text(encoding="utf-8")

    off, off_report = reliability("0")
    assert off["omega"].notna().all()
    assert off["omega_ci_low"].isna().all() and off["omega_ci_high"].isna().all()
    assert "without interval (bootstrap turned off)" in off_report
    few, few_report = reliability("40")
    assert (few["omega_ci_low"] < few["omega"]).all()
    assert (few["omega"] < few["omega_ci_high"]).all()
    assert "bootstrap (40 resamples" in few_report
    assert main([str(csv_path), "--codebook", str(codebook_path), "--out", "o",
                 "--omega-boot", "-1"]) == 2
    assert "--omega-boot" in capsys.readouterr().err


def test_cli_computes_the_indicators_on_one_blas_thread(tmp_path, codebooks, monkeypatch):
    """OpenBLAS's threads only wait on each other over the indicators' small matrices: the
    command line limits them, as the results job does."""
    from threadpoolctl import threadpool_info

    import analysis.cli

    real = analysis.cli.compute_indicators
    seen: list[int] = []

    def counting(*args, **kwargs):
        seen.extend(pool["num_threads"] for pool in threadpool_info()
                    if pool["user_api"] == "blas")
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis.cli, "compute_indicators", counting)
    raw = generate(codebooks["patients"], 60, seed=7, sites=["nord", "sud"])
    csv_path, codebook_path = write_export(tmp_path, "patients", raw,
                                           bundled_codebook_dict("patients"))
    assert main([str(csv_path), "--codebook", str(codebook_path), "--out",
                 str(tmp_path / "out"), "--no-charts"]) == 0
    assert seen and set(seen) == {1}
