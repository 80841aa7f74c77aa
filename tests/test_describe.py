"""Relevance expressions in plain words (survey.questionnaire.describe), in English words from
an identity gettext; the French words are checked on real pages in test_participant_pages."""

from __future__ import annotations

import pytest

from survey.questionnaire.describe import Subject, describe, generic
from survey.questionnaire.expressions import parse

SUBJECTS = {
    "role": Subject("What is your role?", {"nurse": "Nurse", "other": "Other"}, previous=True),
    "ways": Subject("How did you take part?", {"meet": "Meetings", "vote": "Votes",
                                               "none": "Not at all"}),
    "age": Subject("Your age", {}),
    "word": Subject("One word", {}),
    "agree": Subject("I was listened to", {"1": "Disagree", "2": "Agree"}),
    "long": Subject("In the past twelve months, did the service refer you to local help, "
                    "for example a food bank?", {"yes": "Yes", "no": "No"}),
}


def words(source: str) -> str | None:
    return describe(parse(source, allow_dot=False), SUBJECTS.get, lambda s: s)


@pytest.mark.parametrize(("source", "expected"), [
    ("${role} = 'other'", "If you answered “Other” to the previous question."),
    ("'other' = ${role}", "If you answered “Other” to the previous question."),
    ("${role} != 'other'", "If you did not answer “Other” to the previous question."),
    ("not(${role} = 'other')", "If you did not answer “Other” to the previous question."),
    ("selected(${ways}, 'vote')",
     "If you answered “Votes” to the question “How did you take part?”."),
    ("not(selected(${ways}, 'none'))",
     "If you did not answer “Not at all” to the question “How did you take part?”."),
    ("${ways} = 'meet' or selected(${ways}, 'vote')",
     "If you answered “Meetings” or “Votes” to the question “How did you take part?”."),
    ("${role} != 'nurse' and ${role} != 'other'",
     "If you did not answer “Nurse” or “Other” to the previous question."),
    ("${agree} = 2", "If you answered “Agree” to the question “I was listened to”."),
    ("${age} >= 65", "If your answer to the question “Your age” is at least 65."),
    ("18 > ${age}", "If your answer to the question “Your age” is less than 18."),
    ("${age} = 3.5", "If your answer to the question “Your age” is 3.5."),
    ("${word} = 'blue'", "If you answered “blue” to the question “One word”."),
    ("${age} = ''", "If you did not answer the question “Your age”."),
    ("${age} != ''", "If you answered the question “Your age”."),
    ("${age}", "If you answered the question “Your age”."),
    ("${role} = 'other' and ${age} < 30",
     "If you answered “Other” to the previous question and your answer to the question "
     "“Your age” is less than 30."),
    ("(${ways} = 'meet' or ${ways} = 'vote') and ${age} > 17",
     "If you answered “Meetings” or “Votes” to the question “How did you take part?” and "
     "your answer to the question “Your age” is more than 17."),
    ("${long} = 'yes'", "If you answered “Yes” to the question “In the past twelve months, "
     "did the service refer you to local help, f…”."),
])
def test_common_conditions_read_as_plain_sentences(source: str, expected: str) -> None:
    assert words(source) == expected


@pytest.mark.parametrize("source", [
    "count-selected(${ways}) > 1",  # no plain phrase yet
    "${role} = 'other' and ${age} < 30 or ${age} > 60",  # and/or mixed: ambiguous in words
    "${role} = 'unknown_code'",  # not one of the choices: no label to quote
    "${missing} = 'yes'",  # not a question of this questionnaire
    "${age} + 1 > 3",
    "string-length(${word}) > 3",
])
def test_conditions_it_cannot_phrase_give_none(source: str) -> None:
    assert words(source) is None
    assert generic(lambda s: s) == "This question applies only for some answers."
