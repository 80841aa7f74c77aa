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

from ..questionnaire.answers import RawValues, Rosters
from ..questionnaire.itemtypes import Issue
from ..questionnaire.model import Definition, Item, Section
from ..questionnaire.navigation import relevant


@dataclass
class EntryResult:
    answers: dict[str, Any]  # answer key -> value (blanks left out)
    issues: dict[str, Issue] = field(default_factory=dict)  # item code -> why refused
    skipped: list[str] = field(default_factory=list)  # item codes answered though skipped

    @property
    def ok(self) -> bool:
        return not self.issues


def entry_sections(definition: Definition) -> list[Section]:
    """The pages a paper copy carries: every page but the repeated ones (answered once per
    household member or visit, which a printed page cannot size)."""
    return [s for s in definition.sections if s.repeat is None]


def entry_items(definition: Definition) -> Iterator[Item]:
    """The answerable items of :func:`entry_sections`, typed or computed, in order."""
    for section in entry_sections(definition):
        for item in section.items:
            if item.answerable:
                yield item


def input_names(definition: Definition, rosters: Rosters) -> list[str]:
    """The inputs of the whole entry form."""
    return [name for item in entry_items(definition) if item.itemtype.shown
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
    """Every question of the form, in order (a constraint reads the answers before it)."""
    result = EntryResult(answers={})
    for item in entry_items(definition):
        stored, issue = check_item(item, raw, rosters, result.answers)
        if issue is not None:
            result.issues[item.code] = issue
        result.answers.update(stored)
    result.skipped = skipped(definition, result.answers)
    return result


def skipped(definition: Definition, answers: Mapping[str, Any]) -> list[str]:
    """The shown questions answered although the other answers skip them (their page's or
    their own condition is false): typed by mistake, or written on the paper anyway."""
    found = []
    for section in entry_sections(definition):
        page_shown = relevant(section.relevant, answers)
        for item in section.items:
            if not (item.answerable and item.itemtype.shown):
                continue
            if any(answers.get(key) is not None for key in item.answer_keys) and not (
                    page_shown and relevant(item.relevant, answers)):
                found.append(item.code)
    return found


def settled_answers(definition: Definition, items: list[Item], picks: Mapping[str, str],
                    first: Mapping[str, Any], second: Mapping[str, Any], raw: RawValues,
                    rosters: Rosters) -> tuple[dict[str, Any], dict[str, Issue], list[str]]:
    """The answers of each differing question as settled: ``picks`` says, per item code,
    ``1`` (the first entry), ``2`` (the second) or ``typed`` (checked from ``raw``, the
    settle form's inputs). Returns the answers (key -> value, None for blank), the typed
    values refused, and the items left without a pick."""
    answers: dict[str, Any] = {}
    issues: dict[str, Issue] = {}
    unpicked: list[str] = []
    context = dict(first)
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


