"""The library stays independent of the app and of test-only dependencies."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("survey", "flask", "pingouin", "statsmodels", "networkx")


def test_analysis_never_imports_the_app_or_test_only_libraries():
    code = (
        "import sys, analysis.cli, analysis.report, analysis.synthetic, analysis.compare;"
        "print(sorted({m.split('.')[0] for m in sys.modules}))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    loaded = {m.strip(" '") for m in result.stdout.strip("[]\n").split(",")}
    assert not loaded & set(FORBIDDEN)


def test_module_entry_point_runs(tmp_path):
    """``python -m analysis`` computes the indicators of an export, in a process of its own."""
    import json

    from analysis.codebook import parse_codebook
    from analysis.synthetic import generate
    from tests.analysis.conftest import bundled_codebook_dict, write_export

    raw_codebook = bundled_codebook_dict("patients")
    raw = generate(parse_codebook(raw_codebook), 120, seed=3, sites=["nord", "sud"])
    csv_path, codebook_path = write_export(tmp_path, "patients", raw, raw_codebook)
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "analysis", str(csv_path), "--codebook", str(codebook_path),
         "--out", str(out), "--by", "site", "--lang", "fr"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    document = json.loads((out / "indicators.json").read_text(encoding="utf-8"))
    assert document["questionnaire"] == "patients"
    sites = {row["site"] for row in document["tables"]["scale_summary"]}
    assert {"nord", "sud"} <= sites
    assert (out / "report.html").stat().st_size > 10_000
