"""The new item types in results (issue 23), as the results page's "Repeated questions" section
shows them: a ``range`` summarised like a number, ``acknowledge`` counted, a ``calculate``
summarised where numbers are (``result: number``) and counted where categories are (text),
``hidden`` values counted; free text only as a number of answers. Checked against the answers
stored, for an evaluator (complete) and a partner (counts under the threshold withheld)."""

from __future__ import annotations

import random
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from survey.exports import Selection
from survey.extensions import db
from survey.models import Response
from survey.models.response import COMPLETED
from survey.models.types import utcnow
from survey.questionnaire import load_file
from survey.questionnaire.answers import check_page
from survey.results.questions import OTHER, summaries
from survey.secrets import digest, new_secret
from survey.versions import store_definition

SOURCE = Path(__file__).parent / "data" / "new_types_repeat.yaml"
WORDS = {"dont_know": "I don't know", "prefer_not": "I prefer not to answer"}


def visits(n: int, seed: int = 3) -> list[dict[str, Any]]:
    """Answers as the participant's pages store them: each visit checked by check_page, so the
    calculations and the hidden value are the server's own."""
    definition = load_file(SOURCE)
    section = definition.sections[1]
    rng = random.Random(seed)
    made = []
    for _ in range(n):
        count = rng.randint(1, 3)
        raw: dict[str, list[str]] = {}
        for k in range(1, count + 1):
            raw[f"wait-{k}"] = [str(rng.randint(0, 10))]
            if rng.random() < 0.7:
                raw[f"seen-{k}"] = ["OK"]
            if rng.random() < 0.5:
                raw[f"remark-{k}"] = [f"remark {rng.randint(1, 99)}"]
        result = check_page(definition, section, raw, {"visits_count": count},
                            definition.roster)
        assert result.ok, result.issues
        made.append({"visits_count": count, **result.answers})
    return made


@pytest.fixture
def stored(app: Flask) -> list[dict[str, Any]]:
    answers = visits(10)
    with app.app_context():
        version = store_definition(load_file(SOURCE), SOURCE.name).version
        for one in answers:
            db.session.add(Response(version_id=version.id, status=COMPLETED, language="en",
                                    answers=one, resume_hash=digest(new_secret()),
                                    start_hash=digest(new_secret()), completed_at=utcnow()))
        db.session.commit()
    return answers


def counted(summary: Any) -> dict[str, int | None]:
    """A summary's counts by label (its percentages apart)."""
    return {label: n for label, n, _percent in summary.counts}


def every_visit(answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [visit for one in answers for visit in one.get("visits", [])]


def test_range_and_numeric_calculations_are_summarised_like_numbers(
        app: Flask, stored: list[dict[str, Any]]) -> None:
    rows = every_visit(stored)
    assert rows and all(row["wait_double"] == 2 * row["wait"] for row in rows)
    with app.app_context():
        found = {s.code: s for s in summaries(Selection("visits_new_types"), "en", 5, True,
                                              WORDS)}
    for code in ("wait", "wait_double"):
        numbers = [row[code] for row in rows]
        summary = found[code]
        assert summary.rows == len(numbers) and summary.counts == []
        assert summary.numbers == pytest.approx({
            "n": len(numbers), "mean": statistics.fmean(numbers),
            "sd": statistics.stdev(numbers), "median": statistics.median(numbers),
            "min": min(numbers), "max": max(numbers)})
    assert found["wait"].question == "Waiting (0 to 10)"


def test_acknowledge_text_calculations_and_hidden_values_are_counted(
        app: Flask, stored: list[dict[str, Any]]) -> None:
    rows = every_visit(stored)
    with app.app_context():
        found = {s.code: s for s in summaries(Selection("visits_new_types"), "en", 5, True,
                                              WORDS)}
    for code in ("seen", "long_wait", "channel"):
        expected = Counter(row[code] for row in rows if row.get(code) is not None)
        assert counted(found[code]) == dict(expected), code
        assert found[code].numbers is None
    assert counted(found["channel"]) == {"clinic": len(rows)}
    remark = found["remark"]  # free text: how many answered, never the answers here
    assert remark.counts == [] and remark.numbers is None
    assert remark.rows == sum(1 for row in rows if row.get("remark"))


def test_a_partner_sees_no_count_under_the_threshold(app: Flask,
                                                     stored: list[dict[str, Any]]) -> None:
    """Under the threshold a count is withheld, and a value given too rarely is not named
    (counted among the other values, withheld too when they are few)."""
    rows = every_visit(stored)
    with app.app_context():
        found = {s.code: s for s in summaries(Selection("visits_new_types"), "en", 5, False,
                                              WORDS)}
    long_wait = Counter(row["long_wait"] for row in rows)
    shown = counted(found["long_wait"])
    for label, n in long_wait.items():
        assert shown.get(label) == (n if min(long_wait.values()) >= 5 else None)
    rare = [label for label, n in long_wait.items() if n < 5]
    assert not set(rare) & set(shown) and (not rare or shown[OTHER] is None)
    assert set(shown) <= set(long_wait) | {OTHER}
