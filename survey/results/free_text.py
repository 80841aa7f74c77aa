"""Free-text answers for the results page: researchers and evaluators only (partners never see
row-level data or free text), escaped by the template like any other text."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from ..exports import Selection
from ..exports.repeats import original
from ..exports.schema import pick
from ..exports.source import response_rows, stored_versions

SHOWN = 50  # the most recent answers listed per question


@dataclass(frozen=True)
class FreeTexts:
    code: str
    question: str  # the newest version's wording
    answers: list[str]  # newest first, at most SHOWN
    total: int  # answers given (not empty) in the selection


Answers = dict[str, tuple[list[str], int]]  # question -> its newest answers (newest first), total


def free_texts(selection: Selection, lang: str, answers: Answers | None = None
               ) -> list[FreeTexts]:
    """The text answers of the selected responses, per text question of any version, in the
    questionnaire's order (with ``answers`` as :func:`text_answers` read them, or read now)."""
    questions, _repeated = _questions(selection, lang)
    answers = answers if answers is not None else text_answers(selection)
    return [FreeTexts(code, questions[code], *answers[code])
            for code in questions if code in answers]


def _questions(selection: Selection, lang: str) -> tuple[dict[str, str], dict[str, str]]:
    """The text questions of every version (their newest wording) and, for those of a
    repeated page, that page."""
    questions: dict[str, str] = {}
    repeated: dict[str, str] = {}  # question -> its repeated page
    for version in stored_versions(selection.questionnaire):
        for section in original(version.definition).sections:
            for item in section.items:
                if item.itemtype.free_text:  # the type says whether it is free text
                    questions[item.code] = pick(item.text, lang, item.code)
                    if section.repeat is not None:
                        repeated[item.code] = section.code
    return questions, repeated


def text_answers(selection: Selection) -> Answers:
    """The newest :data:`SHOWN` answers and the number of answers of each text question
    answered (a question of a repeated page once, with the answers of all its occurrences):
    one read of the selected responses, in any language (the results job does it)."""
    questions, repeated = _questions(selection, "fr")
    if not questions:
        return {}
    versions = stored_versions(selection.questionnaire)
    latest: dict[str, deque[str]] = {code: deque(maxlen=SHOWN) for code in questions}
    totals = dict.fromkeys(questions, 0)
    for row in response_rows(selection, [v.id for v in versions], flat=False):
        for code, recent in latest.items():
            page = repeated.get(code)
            if page is None:
                given = [row.answers.get(code)]
            else:
                occurrences = row.answers.get(page)
                given = [o.get(code) for o in (occurrences if isinstance(occurrences, list)
                                               else []) if isinstance(o, dict)]
            for value in given:
                if isinstance(value, str) and value.strip():
                    recent.append(value)
                    totals[code] += 1
    return {code: (list(reversed(latest[code])), totals[code])
            for code in questions if totals[code]}
