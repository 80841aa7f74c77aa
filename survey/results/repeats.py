"""Repeated questions on the results page: each counted and summarised over all its rows (every
household member, every visit of every response), never per occurrence number.

Choices are counted (a multiple choice: each code chosen), numbers summarised (answers, mean,
median, lowest, highest; special answers apart), other answers counted. Partners see a summary
only when at least ``min_group`` responses answered the question, and no count under it.
Scales are never built from repeated questions (the loader refuses them).
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

from ..exports import Selection
from ..exports.repeats import original, repeat_tables
from ..exports.schema import pick
from ..exports.source import response_rows, stored_versions
from ..questionnaire.model import Item, Section

NUMERIC = ("integer", "decimal")


@dataclass(frozen=True)
class Summary:
    page: str  # the repeated page's title
    code: str
    question: str
    rows: int  # answers given, over every occurrence of every response
    responses: int  # responses with at least one answer
    counts: list[tuple[str, int | None]] = field(default_factory=list)  # label, count (None:
    # suppressed)
    numbers: dict[str, float] | None = None  # n, mean, median, min, max
    suppressed: bool = False  # fewer than min_group responses: a partner sees nothing more


def summaries(selection: Selection, lang: str, min_group: int, full: bool,
              specials: dict[str, str]) -> list[Summary]:
    """Every repeated question of the questionnaire, over every row of the selection.
    ``specials``: the words of the special answers in ``lang``."""
    versions = stored_versions(selection.questionnaire)
    tables = repeat_tables(versions)
    if not tables:
        return []
    newest: dict[str, tuple[Section, Item]] = {}
    for version in versions:
        definition = original(version.definition)
        for section in definition.sections:
            if section.repeat is not None:
                for item in section.items:
                    if item.answerable and not getattr(item.settings, "rows", ()):
                        newest[item.code] = (section, item)
    values: dict[str, list] = {code: [] for code in newest}
    answered_by: dict[str, set[int]] = {code: set() for code in newest}
    for row in response_rows(selection, [v.id for v in versions], flat=False):
        for code, (section, _item) in newest.items():
            occurrences = row.answers.get(section.code)
            for occurrence in occurrences if isinstance(occurrences, list) else []:
                value = occurrence.get(code) if isinstance(occurrence, dict) else None
                if value is not None and value != [] and value != "":
                    values[code].append(value)
                    answered_by[code].add(row.id)
    result = []
    for code, (section, item) in newest.items():
        given, responses = values[code], len(answered_by[code])
        if not given:
            continue
        suppressed = not full and responses < min_group
        summary = Summary(pick(section.title, lang, section.code), code,
                          pick(item.text, lang, code), len(given), responses,
                          suppressed=suppressed)
        if not suppressed:
            summary = _summarised(summary, item, given, lang, min_group, full, specials)
        result.append(summary)
    return result


def _summarised(summary: Summary, item: Item, given: list, lang: str, min_group: int,
                full: bool, specials: dict[str, str]) -> Summary:
    if item.type in NUMERIC:
        numbers = [float(v) for v in given if isinstance(v, int | float)
                   and not isinstance(v, bool)]
        counted = Counter(v for v in given if isinstance(v, str))
        stats = ({"n": len(numbers), "mean": statistics.fmean(numbers),
                  "median": statistics.median(numbers), "min": min(numbers),
                  "max": max(numbers)} if numbers else None)
        return Summary(**{**summary.__dict__, "numbers": stats,
                          "counts": _counts(counted, {}, specials, min_group, full)})
    if item.choices or item.type == "yesno":
        counted = Counter()
        for value in given:
            for code in value if isinstance(value, list) else [value]:
                counted[str(code)] += 1
        labels = {c.key: pick(c.label, lang, c.key) for c in item.choices}
        return Summary(**{**summary.__dict__,
                          "counts": _counts(counted, labels, specials, min_group, full,
                                            order=[c.key for c in item.choices])})
    return summary


def _counts(counted: Counter, labels: dict[str, str], specials: dict[str, str],
            min_group: int, full: bool, order: list[str] | None = None
            ) -> list[tuple[str, int | None]]:
    keys = [k for k in order or [] if k in counted] + sorted(
        k for k in counted if k not in (order or []))
    return [(labels.get(k) or specials.get(k) or k,
             counted[k] if full or counted[k] >= min_group else None) for k in keys]
