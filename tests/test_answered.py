"""Which answers older responses hold, asked of the database without loading the responses:
the diff warns when a removed choice was chosen, or its item answered, before."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from flask import Flask

from survey.extensions import db
from survey.models import Response
from survey.questionnaire import load_text
from survey.versions import store_definition
from survey.versions.answered import StoredAnswers
from survey.versions.diff import diff

EVERY_TYPE = Path(__file__).parent / "data" / "every_type.yaml"
ORIGINAL = EVERY_TYPE.read_text(encoding="utf-8")
COOP = '          - {code: coop, fr: "Coopérative", en: "Cooperative"}\n'
DISTANCE = '          - {code: distance, fr: "Distance", en: "Distance"}\n'
NUMBERS = itertools.count()


def respond(version_id: int, answers: dict) -> None:
    n = next(NUMBERS)
    db.session.add(Response(version_id=version_id, language="fr", answers=answers,
                            resume_hash=f"r{n}".ljust(64, "0"),
                            start_hash=f"s{n}".ljust(64, "0")))
    db.session.commit()


@pytest.fixture
def version_id(app: Flask) -> int:
    with app.app_context():
        return store_definition(load_text(ORIGINAL)).version.id


def test_answers_and_choices_are_found_by_key_and_value(app: Flask, version_id: int) -> None:
    with app.app_context():
        answers = StoredAnswers("every_type")
        assert not answers.answered(["service"])
        respond(version_id, {"service": None, "barriers": ["hours", "cost"], "exp1": 4,
                             "label": "coop", "leaders": {"nurse": 3}})
        assert not answers.answered(["service"])  # a null is no answer
        assert not answers.chosen(["service"], "coop")  # the same word in another item
        assert answers.answered(["barriers"]) and answers.answered(["exp2_r", "exp1"])
        assert answers.chosen(["barriers"], "cost")  # in a list of answers
        assert not answers.chosen(["barriers"], "distance")
        assert answers.chosen(["exp2_r", "exp1"], 4)  # a number, on one of a matrix's rows
        assert not answers.chosen(["exp1"], 3) and not answers.chosen(["exp1"], "4")
        assert answers.answered(["leaders"]) and not answers.chosen(["leaders"], 3)
        respond(version_id, {"service": "clinic"})
        assert answers.answered(["service"]) and not answers.chosen(["service"], "coop")
        other = StoredAnswers("patients")  # another questionnaire
        assert not other.answered(["service"]) and not other.chosen(["service"], "clinic")
        assert not other.chosen(["exp1"], 4) and not other.chosen(["barriers"], "cost")
        with pytest.raises(ValueError, match="not answer keys"):
            answers.answered(["x') OR 1=1 --"])


def warnings(old: str, new: str) -> dict[str, str | None]:
    changes = diff(load_text(old), load_text(new), StoredAnswers("every_type"))
    return {change.params["choice"]: change.warning_text for change in changes
            if change.what == "choice_removed"}


def test_the_diff_warns_by_what_older_responses_hold(app: Flask, version_id: int) -> None:
    changed = ORIGINAL.replace(COOP, "").replace(DISTANCE, "")
    with app.app_context():
        assert warnings(ORIGINAL, changed) == {"coop": None, "distance": None}
        respond(version_id, {"service": "clinic", "barriers": ["distance"]})
        assert warnings(ORIGINAL, changed) == {
            "coop": "item 'service' already has answers: waves will not offer the same "
                    "choices",
            "distance": "choice 'distance' was chosen in older responses: waves will not "
                        "offer the same choices"}
        respond(version_id, {"service": "coop"})
        assert warnings(ORIGINAL, changed)["coop"] == (
            "choice 'coop' was chosen in older responses: waves will not offer the same "
            "choices")
