"""The self-generated identification code questions a research team chooses from.

A fixed, documented set (docs/panel-codes.md): classic questions whose answers a person knows,
does not change between waves, and gives the same way each time; none is asked or stored as
such, only the keyed hash of the chosen answers, normalised.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from babel.dates import get_month_names
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l

from .codes import first_letter

LETTER = "letter"  # a letter (or a whole word: only its first letter counts)
CHOICE = "choice"  # one of fixed options (a select on the page)
MAX_INPUT = 100  # characters read of a typed answer


@dataclass(frozen=True)
class Question:
    code: str
    answer_form: str  # LETTER, NUMBER or CHOICE
    label: object  # a lazy translated string
    hint: object
    options: tuple[str, ...] = ()  # CHOICE: the stored values, in order

    def part(self, raw: object) -> str | None:
        """The normalised part of the code for a posted value; None when empty or invalid."""
        if not isinstance(raw, str) or len(raw) > MAX_INPUT:
            return None
        if self.answer_form == LETTER:
            return first_letter(raw) or None
        value = raw.strip()
        return value if value in self.options else None


MONTHS = tuple(str(n) for n in range(1, 13))
SIBLINGS = (*(str(n) for n in range(10)), "10+")

QUESTIONS: dict[str, Question] = {q.code: q for q in (
    Question("mother_initial", LETTER, _l("First letter of your mother's first name"),
             _l("Or of the person who raised you. One letter is enough.")),
    Question("father_initial", LETTER, _l("First letter of your father's first name"),
             _l("Or of another person who raised you. One letter is enough.")),
    Question("birthplace_initial", LETTER,
             _l("First letter of the town or village where you were born"),
             _l("One letter is enough.")),
    Question("birth_month", CHOICE, _l("Month of your birth"), _l("Choose from the list."),
             MONTHS),
    Question("older_siblings", CHOICE, _l("Number of older brothers and sisters"),
             _l("Those born before you, whether living or not."), SIBLINGS),
)}
# All five by default: with four, one person in eight shares their code with someone else
# among 2,000 (docs/panel-codes.md); with five, about one in a hundred.
DEFAULT = ("mother_initial", "father_initial", "birthplace_initial", "birth_month",
           "older_siblings")
FOUR = ("mother_initial", "birthplace_initial", "birth_month", "older_siblings")
MIN_CHOSEN = 4  # fewer answers give too many shared codes (docs/panel-codes.md)


def chosen(codes: Sequence[str]) -> list[Question]:
    """The questions of an evaluation, in the set's order (unknown codes are ignored)."""
    return [q for code, q in QUESTIONS.items() if code in codes]


def valid_choice(codes: Sequence[str]) -> bool:
    return (len(set(codes)) == len(codes) and all(c in QUESTIONS for c in codes)
            and MIN_CHOSEN <= len(codes) <= len(QUESTIONS))


def parts(questions: Sequence[Question], posted: Mapping[str, object]
          ) -> tuple[dict[str, str], list[str]]:
    """Each question's normalised part, and the codes of those missing or invalid."""
    found: dict[str, str] = {}
    missing: list[str] = []
    for question in questions:
        part = question.part(posted.get(question.code))
        if part is None:
            missing.append(question.code)
        else:
            found[question.code] = part
    return found, missing


def shown_options(question: Question) -> list[tuple[str, str]]:
    """A choice question's options as a page shows them: (stored value, words)."""
    if question.code == "birth_month":
        names = get_month_names("wide", locale=get_locale())
        return [(value, names[int(value)]) for value in question.options]
    return [(value, gettext("10 or more") if value == "10+" else value)
            for value in question.options]
