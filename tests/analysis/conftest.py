"""Fixtures for the analysis tests: codebooks of the bundled questionnaires, synthetic exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.codebook import Codebook, parse_codebook
from analysis.loading import prepare
from analysis.synthetic import generate
from survey.questionnaire import load_file
from survey.questionnaire.codebook import codebook

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ("patients", "professionals", "citizens")


def bundled_codebook_dict(name: str) -> dict:
    """The codebook the app makes from a bundled definition (the tests' only use of survey/)."""
    return codebook(load_file(ROOT / "questionnaires" / f"{name}.yaml"))


@pytest.fixture(scope="session")
def codebooks() -> dict[str, Codebook]:
    return {name: parse_codebook(bundled_codebook_dict(name)) for name in BUNDLED}


@pytest.fixture(scope="session")
def professional_frame(codebooks):
    codebook = codebooks["professionals"]
    return codebook, prepare(generate(codebook, 1200, seed=11), codebook)


@pytest.fixture(scope="session")
def patient_frame(codebooks):
    codebook = codebooks["patients"]
    raw = generate(codebook, 1500, seed=12, sites=["a", "b", "c", "control"],
                   comparison_sites=["control"])
    return codebook, prepare(raw, codebook)


def write_export(tmp_path: Path, name: str, raw, codebook_dict: dict) -> tuple[Path, Path]:
    csv_path = tmp_path / f"{name}.csv"
    codebook_path = tmp_path / f"{name}.codebook.json"
    raw.to_csv(csv_path, index=False)
    codebook_path.write_text(json.dumps(codebook_dict), encoding="utf-8")
    return csv_path, codebook_path
