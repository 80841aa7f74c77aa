"""Running R (psych, multilevel) as the reference implementation in tests.

Debian packages both (``apt-get install r-cran-psych r-cran-multilevel``; ``.ci/run`` does it).
Where ``Rscript`` is absent the tests that need it are skipped, unless ``SURVEY_REQUIRE_ALL`` is
set (as in CI): then they fail, so a reference comparison is never silently lost.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd

from tests.conftest import missing

RSCRIPT = shutil.which("Rscript")


def require_r() -> str:
    """The Rscript path, or skip (fail under SURVEY_REQUIRE_ALL) when R is not installed."""
    if RSCRIPT is None:
        missing("Rscript not found: apt-get install r-base-core r-cran-psych r-cran-multilevel")
    return RSCRIPT


def run_r(code: str, workdir: Path) -> str:
    """Run ``code`` with Rscript in ``workdir`` (psych and multilevel loaded); its stdout."""
    rscript = require_r()
    script = workdir / "reference.R"
    script.write_text(
        "suppressPackageStartupMessages({library(psych); library(multilevel)})\n"
        "options(warn = -1)\n" + code, encoding="utf-8")
    done = subprocess.run([rscript, "--vanilla", str(script)], cwd=workdir,
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise AssertionError(f"R failed:\n{done.stderr}")
    return done.stdout


def r_table(code: str, workdir: Path, name: str = "result.csv") -> pd.DataFrame:
    """Run ``code``, which must write ``name`` with ``write.csv(..., row.names = FALSE)``."""
    run_r(code, workdir)
    return pd.read_csv(workdir / name)
