"""Check one posted page against the definition; prune and find gaps in a response's answers.

Pure functions: the participate blueprint gives the raw values of one page and the answers
already saved; it gets back the answers to store and the problems to show. Problems are reasons
with parameters, translated by the view, so this module stays free of Flask and languages. What
each kind of question accepts lives with its type, in :mod:`survey.questionnaire.itemtypes`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import cascading, repeats
from .itemtypes import Issue, RawValues, Rosters, is_special
from .itemtypes.base import as_text
from .model import Definition, Section
from .navigation import relevant, relevant_sections

__all__ = [
    "Issue", "PageResult", "RawValues", "Rosters", "check_page", "is_special",
    "missing_required", "prune_irrelevant",
]


@dataclass
class PageResult:
    answers: dict[str, Any]  # answer key -> value to store (None clears it)
    issues: dict[str, Issue]  # item code -> problem
    # item code -> what was typed but refused (kept on "Previous" and "Save"), None clears
    drafts: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.issues


def check_page(definition: Definition, section: Section, raw: RawValues,
               saved: Mapping[str, Any], rosters: Rosters, strict: bool = True) -> PageResult:
    """Check one page. With ``strict=False`` (going back), keep what is valid, ignore the rest."""
    if section.repeat is not None:
        return repeats.check(definition, section, raw, saved, rosters, strict)
    context = dict(saved)
    result = PageResult(answers={}, issues={})
    for item in section.items:
        itemtype = item.itemtype
        if not itemtype.answerable:
            continue
        roster = rosters(item)
        if not relevant(item.relevant, context) or (itemtype.needs_roster and not roster):
            stored = itemtype.store(item, None)
        else:
            value, issue = itemtype.answer(item, raw, roster, context)
            if issue is None:
                issue = itemtype.check_answer(item, value, context)
            if issue is None and cascading.refused(item, value, context):
                issue = Issue("filtered")
            if issue is not None:
                if strict:
                    result.issues[item.code] = issue
                    continue
                result.drafts[item.code] = _typed(itemtype.input_names(item, roster), raw)
                value = itemtype.partial(item, value)
                if value is None:
                    continue
            else:
                result.drafts[item.code] = None
            stored = itemtype.store(item, value)
        result.answers.update(stored)
        context.update(stored)
    return result


def _typed(names: list[str], raw: RawValues) -> dict[str, list[str]]:
    """An item's posted values kept as a draft: text only, of a size a participant types."""
    draft = {}
    for name in names:
        values = [text for text in map(as_text, raw.get(name, ())) if text]
        if values:
            draft[name] = [v[:5000] for v in values[:100]]
    return draft


def missing_required(definition: Definition, answers: Mapping[str, Any],
                     rosters: Rosters) -> Section | None:
    """The first relevant section with an unanswered required item, to catch up before the end."""
    for section in relevant_sections(definition, answers):
        if section.repeat is not None:
            if repeats.missing(section, answers, rosters):
                return section
            continue
        for item in section.items:
            if not item.required or not relevant(item.relevant, answers):
                continue
            if item.itemtype.needs_roster and not rosters(item):
                continue
            if not item.itemtype.answered(item, answers):
                return section
    return None


def prune_irrelevant(definition: Definition, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers without those of items that ended up hidden (a later change of mind)."""
    kept: dict[str, Any] = {}
    for section in definition.sections:
        if not relevant(section.relevant, kept):
            continue
        if section.repeat is not None:
            occurrences = repeats.pruned(section, answers, kept)
            if occurrences:
                kept[section.code] = occurrences
            continue
        for item in section.items:
            if relevant(item.relevant, kept):
                for key in item.answer_keys:
                    if answers.get(key) is not None:
                        kept[key] = answers[key]
    return kept
