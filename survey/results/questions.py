"""Per-question summaries on the results page: every question that no scale summarises, on an
ordinary page (over its responses) or a repeated one (over all its rows: every household
member, every visit of every response, never per occurrence number).

How a question is summarised is its item type's to say (``ItemType.summary``): choices counted
(a multiple choice: each code chosen) with their percent of the answers; numbers summarised (n,
mean, SD, median, lowest, highest; special answers counted apart); other values counted, the
most frequent first (``hidden`` values, a calculation giving text, dates). Free text is counted
here, and listed by :mod:`survey.results.free_text` for researchers and evaluators.

Partners see a question's summary only when at least ``min_group`` responses answered it, and
every count through :func:`analysis.suppression.suppress` (primary and complementary); values
(free to hold anything, such as a link's ``site_code``) are named to them only when given
``min_group`` times or more, the rest grouped as "other values". The results job computes them
for every language and reader and keeps them in the snapshot (:func:`every_summary`): the page
reads them from there, never from the responses (:func:`cached_summaries` only for a snapshot
written before they were kept in it).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import pandas as pd
from flask_babel import force_locale, gettext

from analysis.suppression import suppress

from ..caching import Cache
from ..exports import Export, Selection
from ..exports.repeats import original
from ..exports.schema import StoredVersion, pick
from ..exports.source import response_rows, stored_versions
from ..questionnaire.model import Item, Section, distinct_choices
from ..questionnaire.special import PARTICIPANT_LABELS
from .services import CACHE_SIZE, revision

TOP_VALUES = 10  # values listed for a question counted by value, the most frequent first
OTHER = "\x00other"  # the row grouping values not listed (its label comes from the page)


@dataclass(frozen=True)
class Summary:
    page: str | None  # the repeated page's title; None for a question of an ordinary page
    code: str
    question: str
    rows: int  # answers given, over every occurrence of every response
    responses: int  # responses with at least one answer
    # label, count, percent of ``rows`` (None: suppressed; the label OTHER: values not listed)
    counts: list[tuple[str, int | None, float | None]] = field(default_factory=list)
    numbers: dict[str, float | None] | None = None  # n, mean, sd, median, min, max
    suppressed: bool = False  # fewer than min_group responses: a partner sees nothing more


_cache: Cache[list[Summary]] = Cache(CACHE_SIZE)  # per selection, revision and reader


def cached_summaries(selection: Selection, lang: str, min_group: int, full: bool,
                     specials: dict[str, str], only: tuple[str, str] | None = None
                     ) -> list[Summary]:
    """:func:`summaries`, computed once per selection, answer filter, data revision (a
    response added, completed or withdrawn makes a new one: ``services.revision``), versions,
    language and reader; this process's LRU keeps them, as it keeps the indicators."""
    export = Export.of(selection)
    key = (selection, only, revision(selection, export), tuple(export.schema.plans), lang,
           min_group, full, tuple(sorted(specials.items())))
    return _cache.get(key, lambda: summaries(selection, lang, min_group, full, specials,
                                             export.schema.versions, only))


def summarised_items(versions: Sequence[StoredVersion]
                     ) -> dict[str, tuple[Section, Item, str]]:
    """Each question summarised (code -> its page, the newest version's item, how), in the
    questionnaire's order: the items of no scale whose type summarises them."""
    found: dict[str, tuple[Section, Item, str]] = {}
    in_scales: set[str] = set()
    for version in versions:  # oldest first: the newest wording wins
        definition = original(version.definition)
        in_scales.update(code for scale in definition.scales for code in scale.items)
        for section in definition.sections:
            for item in section.items:
                how = item.itemtype.summary(item) or ("text" if item.itemtype.free_text
                                                     else None)
                if how is not None and not getattr(item.settings, "rows", ()):
                    found[item.code] = (section, item, how)
    return {code: found[code] for code in found if code not in in_scales}


Tally = dict[str, tuple[list, int]]  # question -> its answers given, responses answering


def tally(selection: Selection, questions: dict[str, tuple[Section, Item, str]],
          versions: Sequence[StoredVersion], only: tuple[str, str] | None = None) -> Tally:
    """One read of the selected responses: each question's answers (every occurrence of a
    repeated page) and the number of responses that gave one (``only``: (question, value)
    keeps the responses that gave that answer)."""
    values: dict[str, list] = {code: [] for code in questions}
    answered_by: dict[str, set[int]] = {code: set() for code in questions}
    for row in response_rows(selection, [v.id for v in versions], flat=False):
        if only is not None and str(row.answers.get(only[0])) != only[1]:
            continue
        for code, (section, _item, _how) in questions.items():
            if section.repeat is None:
                given = [row.answers.get(code)]
            else:
                occurrences = row.answers.get(section.code)
                given = [o.get(code) for o in (occurrences if isinstance(occurrences, list)
                                               else []) if isinstance(o, dict)]
            for value in given:
                if value is not None and value != [] and value != "":
                    values[code].append(value)
                    answered_by[code].add(row.id)
    return {code: (values[code], len(answered_by[code])) for code in questions}


def summaries(selection: Selection, lang: str, min_group: int, full: bool,
              specials: dict[str, str], versions: Sequence[StoredVersion] | None = None,
              only: tuple[str, str] | None = None, tallied: Tally | None = None
              ) -> list[Summary]:
    """Every question summarised (:func:`summarised_items`), over every row of the selection
    (``only``: (question, value) keeps the responses that gave that answer). ``specials``: the
    words of the special answers in ``lang``; ``versions``: the questionnaire's, when already
    read; ``tallied``: its :func:`tally`, when already read (the results job reads the
    responses once for every language and reader)."""
    versions = stored_versions(selection.questionnaire) if versions is None else versions
    questions = summarised_items(versions)
    if not questions:
        return []
    counted = tallied if tallied is not None else tally(selection, questions, versions, only)
    result = []
    for code, (section, item, how) in questions.items():
        given, responses = counted.get(code, ([], 0))
        if not given:
            continue
        suppressed = not full and responses < min_group
        page = pick(section.title, lang, section.code) if section.repeat is not None else None
        summary = Summary(page, code, pick(item.text, lang, code), len(given), responses,
                          suppressed=suppressed)
        if not suppressed:
            summary = _summarised(summary, item, how, given, lang, min_group, full, specials)
        result.append(summary)
    return result


def every_summary(selection: Selection, min_group: int, only: tuple[str, str] | None,
                  languages: Sequence[str]) -> dict[tuple[str, bool], list[Summary]]:
    """The summaries for every language and reader (full or partner), from one read of the
    responses: what the results job keeps in the snapshot, so that a view computes none."""
    versions = stored_versions(selection.questionnaire)
    questions = summarised_items(versions)
    counted = tally(selection, questions, versions, only) if questions else {}
    found = {}
    for lang in languages:
        with force_locale(lang):
            specials = special_words()
        for full in (True, False):
            found[(lang, full)] = summaries(selection, lang, min_group, full, specials,
                                            versions, only, counted)
    return found


def special_words() -> dict[str, str]:
    """Words of the answers a question's counts may hold beyond its choices, in the current
    language."""
    return {"yes": gettext("Yes"), "no": gettext("No"),
            **{code: gettext(words) for code, words in PARTICIPANT_LABELS.items()}}


def _summarised(summary: Summary, item: Item, how: str, given: list, lang: str,
                min_group: int, full: bool, specials: dict[str, str]) -> Summary:
    """``how`` the item's type summarises it: numbers (special answers counted apart), choices
    counted by code, values counted (the most frequent), free text only as its number of
    answers."""
    threshold = 1 if full else min_group
    if how == "numbers":
        numbers = [float(v) for v in given if isinstance(v, int | float)
                   and not isinstance(v, bool)]
        apart = Counter(v for v in given if isinstance(v, str))
        return replace(summary, numbers=number_summary(numbers), counts=_counts(
            apart, {}, specials, threshold, summary.rows))
    if how == "choices":
        counted: Counter = Counter()
        for value in given:
            for code in value if isinstance(value, list) else [value]:
                counted[str(code)] += 1
        choices = distinct_choices(item.choices)  # a code a cascading list repeats: once
        labels = {c.key: pick(c.label, lang, c.key) for c in choices}
        return replace(summary, counts=_counts(counted, labels, specials, threshold,
                                               summary.rows, [c.key for c in choices]))
    if how == "values":
        counted = Counter(str(v) for v in given if not isinstance(v, list | dict))
        named = [(k, n) for k, n in counted.most_common() if n >= threshold][:TOP_VALUES]
        rest = sum(counted.values()) - sum(n for _k, n in named)
        kept = Counter(dict(named, **({OTHER: rest} if rest else {})))
        return replace(summary, counts=_counts(kept, {}, specials, threshold, summary.rows,
                                               [k for k, _n in named] + [OTHER]))
    return summary


def number_summary(numbers: list[float]) -> dict[str, float | None] | None:
    """n, mean, SD (sample, None under 2 answers), median, lowest and highest."""
    if not numbers:
        return None
    return {"n": len(numbers), "mean": statistics.fmean(numbers),
            "sd": statistics.stdev(numbers) if len(numbers) > 1 else None,
            "median": statistics.median(numbers), "min": min(numbers), "max": max(numbers)}


def _counts(counted: Counter, labels: dict[str, str], specials: dict[str, str],
            threshold: int, total: int, order: Sequence[str] = ()
            ) -> list[tuple[str, int | None, float | None]]:
    """Counts in ``order`` (then the others, sorted), each with its percent of ``total``,
    suppressed for a reader under ``threshold`` (primary and complementary, the counts of one
    question adding up to the answers it shows)."""
    keys = [k for k in order if k in counted] + sorted(k for k in counted if k not in order)
    if not keys:
        return []
    frame = suppress(pd.DataFrame({"n": [counted[k] for k in keys], "all": 1}), count="n",
                     min_n=threshold, margins=[["all"]] if threshold > 1 else [])
    return [(labels.get(k) or specials.get(k) or k,
             None if hidden else counted[k],
             None if hidden else 100 * counted[k] / total)
            for k, hidden in zip(keys, frame["suppressed"], strict=True)]
