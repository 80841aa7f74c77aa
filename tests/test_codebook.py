"""The app's side of the analysis contract: codebooks from definitions, and `survey analyze`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from analysis.codebook import parse_codebook
from analysis.synthetic import generate
from survey.questionnaire import load_file
from survey.questionnaire.codebook import codebook

ROOT = Path(__file__).resolve().parent.parent


def survey(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "survey", *args], capture_output=True,
                          text=True, timeout=300, cwd=ROOT)


def test_codebook_follows_the_definition() -> None:
    definition = load_file(ROOT / "questionnaires" / "professionals.yaml")
    book = parse_codebook(codebook(definition))
    assert book.version == definition.content_hash
    assert book.item_codes == tuple(definition.columns())  # notes have no column
    leaders = book.nomination_items[0]
    assert leaders.rated and leaders.rating_max == 5
    assert book.self_item is not None and book.self_item.code == "me"
    shared = next(s for s in book.scales if s.code == "shared_leadership")
    assert set(shared.reverse) == {"sl_one_r", "sl_hesitate_r"}
    matrix_row = book.item(shared.items[0])
    assert matrix_row.type == "likert" and matrix_row.matrix is not None


def test_codebook_command_then_analyze_writes_the_report(tmp_path: Path) -> None:
    book_path = tmp_path / "patients.codebook.json"
    made = survey("questionnaire", "codebook", "questionnaires/patients.yaml", "--out",
                  str(book_path))
    assert made.returncode == 0, made.stderr
    book = parse_codebook(json.loads(book_path.read_text(encoding="utf-8")))
    export = tmp_path / "patients.csv"
    generate(book, 400, seed=3, sites=["nord", "sud"]).to_csv(export, index=False)
    out = tmp_path / "report"
    ran = survey("analyze", str(export), "--codebook", str(book_path), "--out", str(out),
                 "--by", "site", "--no-charts")
    assert ran.returncode == 0, ran.stderr
    indicators = json.loads((out / "indicators.json").read_text(encoding="utf-8"))
    assert indicators["questionnaire"] == "patients"
    assert {row["site"] for row in indicators["tables"]["scale_summary"]} >= {"nord", "sud"}


def test_codebook_of_a_bad_definition_lists_its_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\ncode: Bad Code\n", encoding="utf-8")
    made = survey("questionnaire", "codebook", str(bad))
    assert made.returncode == 1
    assert f"{bad}:2: questionnaire code must be lower case" in made.stderr
    assert "Traceback" not in made.stderr
