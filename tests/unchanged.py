"""Shared by the tests that prove the item-type refactoring changed no output: the
questionnaires they cover, a typical answer to every item, and reading/writing the stored
fixtures under ``tests/data/unchanged/`` (``SURVEY_WRITE_FIXTURES=1`` writes them anew, which
only a deliberate change of output may do)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from survey.questionnaire import Definition, load_file

ROOT = Path(__file__).parent
FIXTURES = ROOT / "data" / "unchanged"
SOURCES = [*sorted((ROOT.parent / "questionnaires").glob("*.yaml")),
           ROOT / "data" / "every_type.yaml", ROOT / "data" / "team_network.yaml"]


def definitions() -> list[Definition]:
    return [load_file(path) for path in SOURCES]


def typical_answers(definition: Definition) -> dict[str, Any]:
    """Every answerable item's example post, parsed and stored as a participant's page would
    store it (relevance ignored: every column gets a value)."""
    answers: dict[str, Any] = {}
    for item in definition.items():
        if not item.answerable:
            continue
        itemtype = item.itemtype
        roster = definition.roster(item)
        raw: dict[str, list[str]] = {}
        for name, value in itemtype.example(item, roster):
            raw.setdefault(name, []).append(value)
        value, issue = itemtype.parse(item, raw, roster)
        assert issue is None, (definition.code, item.code, issue)
        answers.update({k: v for k, v in itemtype.store(item, value).items() if v is not None})
    return answers


def compare(name: str, found: Any) -> None:
    """``found`` equals the stored fixture ``name`` (JSON)."""
    path = FIXTURES / name
    if os.environ.get("SURVEY_WRITE_FIXTURES") == "1":
        path.write_text(json.dumps(found, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                        encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert json.loads(json.dumps(found)) == expected, name
