"""Turn posted form values into answers, and check them against the definition.

Pure functions: the participate blueprint gives the raw values of one page and the answers
already saved; it gets back the answers to store and the problems to show. Problems are kinds
with parameters, translated by the view, so this module stays free of Flask and languages.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import expressions
from .model import SPECIAL_ANSWERS, Choice, Definition, Item, Section

RawValues = Mapping[str, Sequence[str]]  # input name -> posted values
Rosters = Callable[[Item], tuple[Choice, ...]]

INTEGER_RE = re.compile(r"^[+-]?\d{1,15}$")
DECIMAL_RE = re.compile(r"^[+-]?(\d{1,15}([.,]\d{0,10})?|[.,]\d{1,10})$")


@dataclass(frozen=True)
class Issue:
    """Why an answer was refused: ``kind`` names the message, ``params`` fill it."""

    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class PageResult:
    answers: dict[str, Any]  # column -> value to store (None clears it)
    issues: dict[str, Issue]  # item code -> problem

    @property
    def ok(self) -> bool:
        return not self.issues


def rating_name(item: Item, entry: Choice) -> str:
    return f"{item.code}__{entry.key}"


def is_special(value: Any) -> bool:
    return isinstance(value, str) and value in SPECIAL_ANSWERS


def relevant(expression: Any, answers: Mapping[str, Any]) -> bool:
    return expression is None or expressions.truthy(expressions.evaluate(expression.tree, answers))


def relevant_sections(definition: Definition, answers: Mapping[str, Any]) -> list[Section]:
    """Sections to show, given the answers so far (a section's relevance names earlier items)."""
    return [s for s in definition.sections if relevant(s.relevant, answers)]


def check_page(definition: Definition, section: Section, raw: RawValues,
               saved: Mapping[str, Any], rosters: Rosters, strict: bool = True) -> PageResult:
    """Check one page. With ``strict=False`` (going back), keep what is valid, ignore the rest."""
    context = dict(saved)
    result = PageResult(answers={}, issues={})
    for item in section.items:
        if not item.answerable:
            continue
        if not relevant(item.relevant, context) or (
                item.type == "nomination" and not rosters(item)):
            _store(item, None, result.answers, context)
            continue
        value, issue = parse_item(item, raw, rosters(item))
        if issue is None:
            issue = _check_value(item, value, context)
        if issue is not None:
            if strict:
                result.issues[item.code] = issue
                continue
            value = _keep_valid_rows(item, value)
            if value is None:
                continue
        _store(item, value, result.answers, context)
    return result


def _keep_valid_rows(item: Item, value: Any) -> Any:
    """After a refused answer, what can still be kept: the answered rows of a matrix."""
    if item.type == "matrix" and isinstance(value, dict):
        return {k: v for k, v in value.items() if v is not None} or None
    return None


def _store(item: Item, value: Any, answers: dict[str, Any], context: dict[str, Any]) -> None:
    if item.type == "matrix":
        rows = value if isinstance(value, dict) else {}
        for column in item.columns:
            answers[column] = rows.get(column)
            context[column] = rows.get(column)
    else:
        answers[item.code] = value
        context[item.code] = value


def _check_value(item: Item, value: Any, context: Mapping[str, Any]) -> Issue | None:
    if item.type == "matrix":
        missing = [r for r in item.rows if value.get(r.key) is None]
        if item.required and missing:
            return Issue("rows_required", {"rows": [r.label for r in missing]})
        return None
    if value is None:
        return Issue("required") if item.required else None
    if item.constraint is not None and not is_special(value):
        outcome = expressions.evaluate(item.constraint.tree, context, dot=value)
        if not expressions.truthy(outcome):
            return Issue("constraint", {"message": item.constraint_message})
    return None


def parse_item(item: Item, raw: RawValues, roster: tuple[Choice, ...] = ()
               ) -> tuple[Any, Issue | None]:
    """The answer one item's inputs carry, or the reason it cannot be accepted."""
    if item.type == "matrix":
        return _parse_matrix(item, raw)
    values = _values(raw, item.code)
    if item.type == "multiple":
        return _parse_multiple(item, values)
    if item.type == "nomination":
        return _parse_nomination(item, values, raw, roster)
    if item.type in ("single", "likert", "yesno"):
        return _parse_one_choice(item, values)
    special = [v for v in values if v in item.special]
    typed = [v for v in values if v not in item.special]
    if len(special) > 1 or len(typed) > 1:
        return None, Issue("invalid")
    if special and typed:
        return None, Issue("both", {"special": special[0]})
    if special:
        return special[0], None
    if not typed:
        return None, None
    return PARSERS[item.type](item, typed[0])


def _values(raw: RawValues, name: str) -> list[str]:
    """Posted values with NUL characters (refused by PostgreSQL JSON) and blanks removed."""
    cleaned = (str(v).replace("\x00", "").strip() for v in raw.get(name, ()))
    return [v for v in cleaned if v]


def _choice_codes(item: Item) -> dict[str, Any]:
    if item.type == "yesno":
        return {"yes": "yes", "no": "no"}
    return {c.key: c.code for c in item.choices}


def _parse_one_choice(item: Item, values: list[str]) -> tuple[Any, Issue | None]:
    if not values:
        return None, None
    codes = _choice_codes(item)
    if len(values) > 1:
        return None, Issue("invalid")
    value = values[0]
    if value in item.special:
        return value, None
    if value not in codes:
        return None, Issue("invalid")
    return codes[value], None


def _parse_matrix(item: Item, raw: RawValues) -> tuple[Any, Issue | None]:
    answers: dict[str, Any] = {}
    fake = Item(code="", type="likert", text={}, section="", choices=item.choices,
                special=item.special)
    refused = False
    for row in item.rows:
        value, issue = _parse_one_choice(fake, _values(raw, row.key))
        refused = refused or issue is not None
        answers[row.key] = value
    return answers, (Issue("invalid") if refused else None)


def _pick_many(item: Item, values: list[str], allowed: Mapping[str, Any]
               ) -> tuple[Any, Issue | None]:
    """Several ticked boxes: a special answer alone, or known codes within the limits, in the
    order they are offered."""
    if not values:
        return None, None
    values = list(dict.fromkeys(values))
    special = [v for v in values if v in item.special]
    if special:
        return (special[0], None) if len(values) == 1 else (None, Issue("exclusive"))
    if any(v not in allowed for v in values):
        return None, Issue("invalid")
    if len(values) > 1 and any(v in item.exclusive for v in values):
        return None, Issue("exclusive")
    if item.max_choices and len(values) > item.max_choices:
        return None, Issue("too_many", {"max": item.max_choices})
    return [allowed[key] for key in allowed if key in values], None


def _parse_multiple(item: Item, values: list[str]) -> tuple[Any, Issue | None]:
    return _pick_many(item, values, _choice_codes(item))


def _parse_nomination(item: Item, values: list[str], raw: RawValues,
                      roster: tuple[Choice, ...]) -> tuple[Any, Issue | None]:
    entries = {e.key: e for e in roster}
    chosen, issue = _pick_many(item, values, {key: key for key in entries})
    if issue is not None or not isinstance(chosen, list) or not item.rating:
        return chosen, issue
    ratings = {c.key: c.code for c in item.rating}
    rated: dict[str, Any] = {}
    missing = []
    for key in chosen:
        given = _values(raw, rating_name(item, entries[key]))
        if not given:
            missing.append(entries[key].label)
        elif len(given) > 1 or given[0] not in ratings:
            return None, Issue("invalid")
        else:
            rated[key] = ratings[given[0]]
    if missing:
        return None, Issue("rating_required", {"entries": missing})
    return rated, None


def _parse_integer(item: Item, text: str) -> tuple[Any, Issue | None]:
    text = text.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if not INTEGER_RE.match(text):
        return None, Issue("integer")
    return _within(item, int(text))


def _parse_decimal(item: Item, text: str) -> tuple[Any, Issue | None]:
    text = text.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if not DECIMAL_RE.match(text):
        return None, Issue("decimal")
    number = float(text.replace(",", "."))
    if not math.isfinite(number):
        return None, Issue("decimal")
    return _within(item, number)


def _within(item: Item, number: float) -> tuple[Any, Issue | None]:
    if item.minimum is not None and number < item.minimum:
        return None, Issue("min", {"min": item.minimum})
    if item.maximum is not None and number > item.maximum:
        return None, Issue("max", {"max": item.maximum})
    return number, None


def _parse_text(item: Item, text: str) -> tuple[Any, Issue | None]:
    limit = item.max_length or 200
    if len(text) > limit:
        return None, Issue("too_long", {"max": limit, "length": len(text)})
    return text, None


def _parse_date(item: Item, text: str) -> tuple[Any, Issue | None]:
    try:
        value = dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None, Issue("date")
    if len(text) != 10:
        return None, Issue("date")
    if item.minimum is not None and value < str(item.minimum):
        return None, Issue("date_min", {"min": item.minimum})
    if item.maximum is not None and value > str(item.maximum):
        return None, Issue("date_max", {"max": item.maximum})
    return value, None


PARSERS: dict[str, Callable[[Item, str], tuple[Any, Issue | None]]] = {
    "integer": _parse_integer,
    "decimal": _parse_decimal,
    "text": _parse_text,
    "textarea": _parse_text,
    "date": _parse_date,
}


def missing_required(definition: Definition, answers: Mapping[str, Any],
                     rosters: Rosters) -> Section | None:
    """The first relevant section with an unanswered required item, to catch up before the end."""
    for section in relevant_sections(definition, answers):
        for item in section.items:
            if not item.required or not relevant(item.relevant, answers):
                continue
            if item.type == "nomination" and not rosters(item):
                continue
            if any(answers.get(column) is None for column in item.columns):
                return section
    return None


def prune_irrelevant(definition: Definition, answers: Mapping[str, Any],
                     rosters: Rosters) -> dict[str, Any]:
    """Answers without those of items that ended up hidden (a later change of mind)."""
    kept: dict[str, Any] = {}
    for section in definition.sections:
        if not relevant(section.relevant, kept):
            continue
        for item in section.items:
            if relevant(item.relevant, kept):
                for column in item.columns:
                    if answers.get(column) is not None:
                        kept[column] = answers[column]
    return kept
