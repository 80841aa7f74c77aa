"""Checking what a navigator typed from a paper copy: every question of the questionnaire on
one form, each value checked as the participant pages check it (types, ranges, choice codes,
constraints), without the participant's rules that paper cannot keep: a blank required
question is a blank (the person left it), and skip logic hides nothing. Answers to questions
the copy's own answers skip are flagged for the person typing to confirm against the paper.

Pure functions on a definition (no Flask, no database).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..questionnaire import repeats
from ..questionnaire.answers import RawValues, Rosters
from ..questionnaire.itemtypes import Issue
from ..questionnaire.model import Definition, Item, Section
from ..questionnaire.navigation import relevant

PAPER_BLOCKS = 6  # blocks printed (and typed back) for a repeated page at most


@dataclass
class EntryResult:
    answers: dict[str, Any]  # answer key -> value (blanks left out)
    # item code (in a repeated page's block n: ``code-n``) -> why refused
    issues: dict[str, Issue] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # the same codes, answered though skipped

    @property
    def ok(self) -> bool:
        return not self.issues


def blocks(section: Section) -> int:
    """How many blocks of a repeated page a copy carries (0: not repeated)."""
    return min(section.repeat.maximum, PAPER_BLOCKS) if section.repeat is not None else 0


def entry_items(definition: Definition) -> Iterator[Item]:
    """The answerable items of the pages that are not repeated, typed or computed, in
    order."""
    for section in definition.sections:
        if section.repeat is None:
            yield from (item for item in section.items if item.answerable)


def _pairs(section: Section, item: Item, n: int, rosters: Rosters) -> list[tuple[str, str]]:
    """(the item's own input name, its name in block ``n``)."""
    roster = rosters(item)
    shown = repeats.renamed(section, item, n)
    return list(zip(item.itemtype.input_names(item, roster),
                    shown.itemtype.input_names(shown, roster), strict=True))


def input_names(definition: Definition, rosters: Rosters) -> list[str]:
    """The inputs of the whole entry form (a repeated page's: every block's)."""
    names = []
    for section in definition.sections:
        for n in range(1, blocks(section) + 1):
            names += [posted for item in section.items
                      if item.answerable and item.itemtype.shown
                      for _own, posted in _pairs(section, item, n, rosters)]
    return names + [name for item in entry_items(definition) if item.itemtype.shown
                    for name in item.itemtype.input_names(item, rosters(item))]


def check_item(item: Item, raw: RawValues, rosters: Rosters, context: Mapping[str, Any]
               ) -> tuple[dict[str, Any], Issue | None]:
    """One question's typed value as stored answers, or why it is refused. Computed items
    (calculations, fixed values) are worked out from the answers before them."""
    itemtype = item.itemtype
    roster = rosters(item)
    if itemtype.needs_roster and not roster:
        return {}, None
    value, issue = itemtype.answer(item, raw, roster, context)
    if issue is None and value is not None:
        issue = itemtype.check_answer(item, value, context)
    if issue is not None:
        return {}, issue
    if value is None:
        return {}, None
    return {k: v for k, v in itemtype.store(item, value).items() if v is not None}, None


def check_entry(definition: Definition, raw: RawValues, rosters: Rosters) -> EntryResult:
    """Every question of the form, in order (a constraint reads the answers before it); a
    repeated page's blocks each as a page of its own, blank blocks left out."""
    result = EntryResult(answers={})
    for section in definition.sections:
        if section.repeat is not None:
            _check_blocks(section, raw, rosters, result)
            continue
        for item in section.items:
            if not item.answerable:
                continue
            stored, issue = check_item(item, raw, rosters, result.answers)
            if issue is not None:
                result.issues[item.code] = issue
            result.answers.update(stored)
    result.skipped = skipped(definition, result.answers)
    return result


def _check_blocks(section: Section, raw: RawValues, rosters: Rosters,
                  result: EntryResult) -> None:
    occurrences = []
    for n in range(1, blocks(section) + 1):
        pairs = {item.code: _pairs(section, item, n, rosters) for item in section.items
                 if item.answerable}
        block_raw = {own: raw.get(posted, ()) for found in pairs.values()
                     for own, posted in found}
        if not any(str(v).strip() for values in block_raw.values() for v in values):
            continue  # a block left blank: nobody more
        occurrence: dict[str, Any] = {}
        for item in section.items:
            if not item.answerable:
                continue
            seen = repeats.context(result.answers, occurrence, n)
            stored, issue = check_item(item, block_raw, rosters, seen)
            if issue is not None:
                result.issues[repeats.name(item.code, n)] = issue
            occurrence.update(stored)
        occurrences.append(occurrence)
    if occurrences:
        result.answers[section.code] = occurrences


def skipped(definition: Definition, answers: Mapping[str, Any]) -> list[str]:
    """The shown questions answered although the other answers skip them (their page's or
    their own condition is false): typed by mistake, or written on the paper anyway."""
    found = []
    for section in definition.sections:
        page_shown = relevant(section.relevant, answers)
        asked = [i for i in section.items if i.answerable and i.itemtype.shown]
        if section.repeat is not None:
            for n, occurrence in enumerate(repeats.stored(section, answers), start=1):
                seen = repeats.context(answers, occurrence, n)
                found += [repeats.name(item.code, n) for item in asked
                          if _answered(item, occurrence)
                          and not (page_shown and relevant(item.relevant, seen))]
            continue
        found += [item.code for item in asked if _answered(item, answers)
                  and not (page_shown and relevant(item.relevant, answers))]
    return found


def _answered(item: Item, answers: Mapping[str, Any]) -> bool:
    return any(answers.get(key) is not None for key in item.answer_keys)


def recomputed(definition: Definition, answers: Mapping[str, Any], rosters: Rosters
               ) -> dict[str, Any]:
    """The answers with every computed value (calculations, fixed values) worked out again
    from the typed ones: after settling, the values they read may have changed."""
    result = dict(answers)
    for section in definition.sections:
        computed = [i for i in section.items if i.answerable and not i.itemtype.shown]
        if not computed:
            continue
        if section.repeat is not None:
            occurrences = []
            for n, occurrence in enumerate(repeats.stored(section, result), start=1):
                own = dict(occurrence)
                for item in computed:
                    own.pop(item.code, None)
                    stored, _issue = check_item(item, {}, rosters,
                                                repeats.context(result, own, n))
                    own.update(stored)
                occurrences.append(own)
            if occurrences:
                result[section.code] = occurrences
            continue
        for item in computed:
            result.pop(item.code, None)
            stored, _issue = check_item(item, {}, rosters, result)
            result.update(stored)
    return result


def settled_answers(definition: Definition, items: list[Item], picks: Mapping[str, str],
                    first: Mapping[str, Any], second: Mapping[str, Any], raw: RawValues,
                    rosters: Rosters, pages: list[Section] = ()  # type: ignore[assignment]
                    ) -> tuple[dict[str, Any], dict[str, Issue], list[str]]:
    """The answers of each differing question as settled: ``picks`` says, per item code,
    ``1`` (the first entry), ``2`` (the second) or ``typed`` (checked from ``raw``, the
    settle form's inputs); per differing repeated page (``pages``, settled whole), ``1`` or
    ``2``. Returns the answers (key -> value, None for blank), the typed values refused,
    and the items and pages left without a pick."""
    answers: dict[str, Any] = {}
    issues: dict[str, Issue] = {}
    unpicked: list[str] = []
    for page in pages:
        pick = picks.get(page.code)
        if pick in ("1", "2"):
            answers[page.code] = (first if pick == "1" else second).get(page.code)
        else:
            unpicked.append(page.code)
    context = {**first, **answers}
    for item in items:
        pick = picks.get(item.code)
        keys = item.answer_keys
        if pick in ("1", "2"):
            source = first if pick == "1" else second
            chosen = {key: source.get(key) for key in keys}
        elif pick == "typed":
            stored, issue = check_item(item, raw, rosters, context)
            if issue is not None:
                issues[item.code] = issue
                continue
            chosen = {key: stored.get(key) for key in keys}
        else:
            unpicked.append(item.code)
            continue
        answers.update(chosen)
        context.update({k: v for k, v in chosen.items() if v is not None})
    return answers, issues, unpicked


