"""Where a participant is and goes: relevant pages, previous/next, the bookmark, what a page
shows back. Pure functions on a definition and answers, shared by the participant pages and the
preview, tested without HTTP."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import expressions, repeats
from .model import Definition, Expression, Item, Section


def relevant(expression: Expression | None, answers: Mapping[str, Any]) -> bool:
    return expression is None or expressions.truthy(expressions.evaluate(expression.tree, answers))


def relevant_sections(definition: Definition, answers: Mapping[str, Any]) -> list[Section]:
    """Sections to show, given the answers so far (a section's relevance names earlier items;
    a repeated page whose count is 0 asks nothing)."""
    return [s for s in definition.sections if relevant(s.relevant, answers)
            and (s.repeat is None or repeats.shown(s, answers) > 0)]


def bookmark(definition: Definition, answers: Mapping[str, Any],
             current_section: str | None) -> Section:
    """The page to go back to: the furthest reached, or the next one still relevant."""
    shown = relevant_sections(definition, answers)
    index = definition.section_index(current_section or "")
    for section in shown:
        if definition.section_index(section.code) >= index:
            return section
    return shown[-1]


def neighbour(definition: Definition, section: Section, answers: Mapping[str, Any],
              step: int) -> Section | None:
    """The relevant page ``step`` (+1 or -1) away, or None past either end. From a page that
    became irrelevant, the next is the first relevant one after it and the previous the first."""
    shown = relevant_sections(definition, answers)
    codes = [s.code for s in shown]
    if section.code not in codes:
        later = [s for s in shown if definition.section_index(s.code)
                 > definition.section_index(section.code)]
        return later[0] if step > 0 and later else (shown[0] if step < 0 else None)
    position = codes.index(section.code) + step
    return shown[position] if 0 <= position < len(shown) else None


def may_open(definition: Definition, section: Section | None, answers: Mapping[str, Any],
             current_section: str | None) -> bool:
    """A page can be opened when it is relevant and not beyond the bookmark."""
    if section is None:
        return False
    shown = {s.code for s in relevant_sections(definition, answers)}
    mark = bookmark(definition, answers, current_section)
    return (section.code in shown
            and definition.section_index(section.code) <= definition.section_index(mark.code))


@dataclass(frozen=True)
class Position:
    number: int  # 1-based among the relevant pages
    total: int
    is_last: bool


def position(definition: Definition, section: Section, answers: Mapping[str, Any]) -> Position:
    codes = [s.code for s in relevant_sections(definition, answers)]
    number = codes.index(section.code) + 1 if section.code in codes else 1
    return Position(number=number, total=len(codes),
                    is_last=neighbour(definition, section, answers, 1) is None)


def form_values(section: Section, answers: Mapping[str, Any],
                drafts: Mapping[str, Any] | None = None) -> dict[str, list[str]]:
    """The stored answers of a page as its inputs' values, to fill the page again; an item
    left half-finished shows its draft (what was typed) instead of its stored answer."""
    if section.repeat is not None:
        return repeats.form_values(section, answers, drafts)
    values: dict[str, list[str]] = {}
    for item in section.items:
        draft = (drafts or {}).get(item.code)
        if isinstance(draft, dict):
            values.update({name: list(typed) for name, typed in draft.items()
                           if isinstance(typed, list)})
        else:
            values.update(item.itemtype.form_values(item, answers))
    return values


def computed_on_page(section: Section) -> list[Item]:
    """The page's never-shown items (``calculate``, ``hidden``) whose values its relevance
    expressions and choice filters read, directly or through another of them: the page carries
    them (calculation, fixed value) so that its script computes them as the server does on
    submit. The others stay out of the page."""
    by_code = {item.code: item for item in section.items if not item.itemtype.shown
               and item.itemtype.script_data(item) is not None}
    wanted: set[str] = set()
    for item in section.items:
        if item.itemtype.shown:
            for expression in (item.relevant, item.choice_filter):
                if expression is not None:
                    wanted |= expressions.references(expression.tree) & by_code.keys()
    for item in reversed(section.items):  # an item reads only earlier ones: one pass back
        if item.code in wanted:
            for expression in (item.relevant, item.itemtype.computation(item)):
                if expression is not None:
                    wanted |= expressions.references(expression.tree) & by_code.keys()
    return [item for item in section.items if item.code in wanted]


# The functions the page's script keeps apart (survey/static/relevance-more.js), loaded only
# by the pages whose expressions call one of them: most pages call none.
SCRIPTED_APART = frozenset({
    "regex", "date", "decimal-date-time", "sqrt", "pow", "abs", "floor", "ceiling", "exp", "log",
    "log10", "count", "sum", "join"})


def page_functions(section: Section) -> set[str]:
    """The functions the expressions the page carries call: its questions' relevance and
    choice filters, and those of the never-shown items it computes (:func:`computed_on_page`)."""
    carried: list[Expression | None] = []
    for item in section.items:
        if item.itemtype.shown:
            carried += [item.relevant, item.choice_filter]
    for item in computed_on_page(section):
        carried += [item.relevant, item.itemtype.computation(item)]
    return {name for expression in carried if expression is not None
            for name in expressions.functions(expression.tree)}


def needs_more_functions(section: Section) -> bool:
    """Whether the page loads relevance-more.js."""
    return not page_functions(section).isdisjoint(SCRIPTED_APART)


def prior_answers(section: Section, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Saved answers that this page's relevance expressions, choice filters and carried
    computations (:func:`computed_on_page`) read, for the script: earlier pages' answers, and
    the link's value of a hidden item (saved when the response started)."""
    read: list[Expression | None] = []
    for item in section.items:
        if item.itemtype.shown:
            read += [item.relevant, item.choice_filter]
    names: set[str] = set()
    for item in computed_on_page(section):
        read += [item.relevant, item.itemtype.computation(item)]
        names.add(item.code)  # a link's value, saved when the response started
    for expression in read:
        if expression is not None:
            names |= expressions.references(expression.tree)
    own = {key for item in section.items if item.itemtype.shown for key in item.answer_keys}
    return {k: answers[k] for k in sorted(names - own) if k in answers}
