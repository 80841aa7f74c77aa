"""Repeated questions on the results page: each counted and summarised over all its rows (every
household member, every visit of every response), never per occurrence number.

Choices are counted (a multiple choice: each code chosen), numbers summarised (answers, mean,
median, lowest, highest; special answers apart: integer, decimal, range, a calculation giving a
number), other answers that are not free text counted (acknowledge, hidden values, a
calculation giving text). Partners see a summary
only when at least ``min_group`` responses answered the question, and no count under it.
Scales are never built from repeated questions (the loader refuses them). The results page
reads them through :func:`cached_summaries`.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..caching import Cache
from ..exports import Export, Selection
from ..exports.repeats import original, repeat_tables
from ..exports.schema import StoredVersion, pick
from ..exports.source import response_rows, stored_versions
from ..questionnaire.model import Item, Section
from .services import CACHE_SIZE, revision

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


_cache: Cache[list[Summary]] = Cache(CACHE_SIZE)  # per selection, revision and reader


def cached_summaries(selection: Selection, lang: str, min_group: int, full: bool,
                     specials: dict[str, str]) -> list[Summary]:
    """:func:`summaries`, computed once per selection, data revision (a response added,
    completed or withdrawn makes a new one: ``services.revision``), versions, language and
    reader; this process's LRU keeps them, as it keeps the indicators."""
    export = Export.of(selection)
    key = (selection, revision(selection, export), tuple(export.schema.plans), lang, min_group,
           full, tuple(sorted(specials.items())))
    return _cache.get(key, lambda: summaries(selection, lang, min_group, full, specials,
                                             export.schema.versions))


def summaries(selection: Selection, lang: str, min_group: int, full: bool,
              specials: dict[str, str], versions: Sequence[StoredVersion] | None = None
              ) -> list[Summary]:
    """Every repeated question of the questionnaire, over every row of the selection.
    ``specials``: the words of the special answers in ``lang``; ``versions``: the
    questionnaire's, when already read."""
    versions = stored_versions(selection.questionnaire) if versions is None else versions
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
    """Numbers as numbers (integer, decimal, range, a calculation giving a number), choices
    counted by code, other values that are not free text (acknowledge, hidden, a calculation
    giving text, dates) counted as given; free text only as its number of answers."""
    [entry, *_rest] = item.itemtype.codebook(item, ())
    if entry.get("type") in NUMERIC:
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
    if not item.itemtype.free_text:
        counted = Counter(str(v) for v in given if not isinstance(v, list | dict))
        return Summary(**{**summary.__dict__,
                          "counts": _counts(counted, {}, specials, min_group, full)})
    return summary


def _counts(counted: Counter, labels: dict[str, str], specials: dict[str, str],
            min_group: int, full: bool, order: list[str] | None = None
            ) -> list[tuple[str, int | None]]:
    keys = [k for k in order or [] if k in counted] + sorted(
        k for k in counted if k not in (order or []))
    return [(labels.get(k) or specials.get(k) or k,
             counted[k] if full or counted[k] >= min_group else None) for k in keys]
