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


def test_module_entry_point_runs():
    result = subprocess.run([sys.executable, "-m", "analysis", "--help"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0 and "--codebook" in result.stdout
