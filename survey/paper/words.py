"""What the paper pages say: refusals in the reader's language, answers shown as text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import format_decimal, gettext, lazy_gettext

from ..models.paper import ENTERED_ONCE, PRINTED, STORED, TO_SETTLE
from ..questionnaire import repeats
from ..questionnaire.model import Item, Section
from ..questionnaire.wording import EASY, STANDARD
from ..templating import text
from .printing import labels

REFUSALS = {
    "malformed": lazy_gettext("A copy identifier has 8 letters and digits, printed at the top "
                              "of every page of the copy (for example 7K3M-QX9S). Please "
                              "type it again."),
    "mistyped": lazy_gettext("This identifier has a typing mistake (its last character does "
                             "not match the others). Please check it against the paper copy "
                             "and type it again."),
    "unknown": lazy_gettext("No copy of a campaign you may enter has this identifier. Check "
                            "it against the paper copy; if it is right, the copy belongs to "
                            "another evaluation or site."),
    "stored": lazy_gettext("This copy has already been entered and its answers are stored. "
                           "Nothing more can be typed from it."),
    "to_settle": lazy_gettext("This copy has been entered twice; the research team is "
                              "settling the differences. Nothing more can be typed from it."),
    "second_by_other": lazy_gettext("You have already entered this copy. Its second entry "
                                    "must be typed by someone else."),
    "already": lazy_gettext("Someone else entered this copy at the same moment. Your entry "
                            "was not kept; open the copy again to see where it stands."),
    "waiting": lazy_gettext("Some copies wait for their second entry: the setting can change "
                            "once they are entered."),
    "count": lazy_gettext("Print between 1 and 500 copies at a time."),
    "language": lazy_gettext("The questionnaire is not available in this language."),
    "wording": lazy_gettext("Choose the standard or the easy-read wording."),
    "easy_language": lazy_gettext("The questionnaire has no easy-read wording in this "
                                  "language: print these copies in the standard wording."),
    "not_to_settle": lazy_gettext("This copy has nothing to settle."),
    "date_missing": lazy_gettext("Type the date written on the copy: the day the person "
                                 "filled it in."),
    "date_format": lazy_gettext("This is not a date. Type the date written on the copy, for "
                                "example 14/03/2026."),
    "date_future": lazy_gettext("This date is in the future. Check it against the paper "
                                "copy."),
    "date_before": lazy_gettext("This date is before the copy was printed. Check it against "
                                "the paper copy."),
    "identifiers": lazy_gettext("No free identifier could be drawn. Please try again."),
}

STATUS_WORDS = {
    PRINTED: lazy_gettext("printed"),
    ENTERED_ONCE: lazy_gettext("entered once"),
    TO_SETTLE: lazy_gettext("entered twice: differences to settle"),
    STORED: lazy_gettext("stored"),
}


WORDING_WORDS = {
    STANDARD: lazy_gettext("Standard wording"),
    EASY: lazy_gettext("Easy-read wording"),
}


def wording_words(wording: str) -> str:
    return str(WORDING_WORDS.get(wording, wording))


def refusal(reason: str) -> str:
    return str(REFUSALS.get(reason, REFUSALS["unknown"]))


def status_words(status: str) -> str:
    return str(STATUS_WORDS.get(status, status))


def shown_answer(item: Item, answers: Mapping[str, Any]) -> str:
    """An item's answer in one entry, as text: choice labels with their codes, typed values
    as typed; "blank" when nothing was typed."""
    names = {code: label for label, code in labels(item)}
    rows = {r.key: text(r.label) for r in getattr(item.settings, "rows", ())}
    parts = []
    for key in item.answer_keys:
        value = answers.get(key)
        if value is None:
            continue
        said = _value(value, names)
        parts.append(gettext("%(what)s: %(answer)s", what=rows[key], answer=said)
                     if key in rows else said)
    return "; ".join(parts) or gettext("blank")


def shown_page(section: Section, answers: Mapping[str, Any]) -> str:
    """A repeated page's blocks in one entry, as text ("Person 1: 34; Partner [partner] ·
    Person 2: ...")."""
    label = text(section.repeat.label) if section.repeat and section.repeat.label else \
        gettext("Entry")
    blocks = []
    for n, occurrence in enumerate(repeats.stored(section, answers), start=1):
        said = "; ".join(shown_answer(item, occurrence) for item in section.items
                         if item.answerable and item.itemtype.shown)
        block = gettext("%(label)s %(number)s", label=label, number=n)
        blocks.append(gettext("%(what)s: %(answer)s", what=block, answer=said))
    return " · ".join(blocks) or gettext("blank")


def _value(value: Any, names: Mapping[str, str]) -> str:
    if isinstance(value, list):
        return ", ".join(_value(v, names) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{_value(k, names)} ({_value(v, names)})" for k, v in value.items())
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        key = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        return f"{names[key]} [{key}]" if key in names else str(format_decimal(value))
    key = str(value)
    return f"{names[key]} [{key}]" if key in names else key
