"""Cascading choices: the choices of an item offered given earlier answers (its
``choice_filter`` tested on each choice's columns, ``survey.questionnaire.expressions``).

The participant's page offers what this gives for the answers of the other pages; for an
answer on the same page the page's script filters as the answer changes, and without the
script every choice is shown and a choice that does not fit is refused on submit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import expressions
from .model import Choice, Item, Section


def fits(item: Item, choice: Choice, answers: Mapping[str, Any]) -> bool:
    if item.choice_filter is None:
        return True
    context = expressions.choice_context(answers, choice.code, dict(choice.attributes))
    return expressions.truthy(expressions.evaluate(item.choice_filter.tree, context))


def offered(item: Item, answers: Mapping[str, Any]) -> tuple[Choice, ...]:
    """The item's choices that fit the answers."""
    return tuple(c for c in item.choices if fits(item, c, answers))


def on_same_page(item: Item, section: Section) -> bool:
    """Whether the filter reads an answer of the item's own page (filtered in the browser)."""
    if item.choice_filter is None:
        return False
    codes = {i.code for i in section.items}
    return bool(expressions.references(item.choice_filter.tree) & codes)


def refused(item: Item, value: Any, answers: Mapping[str, Any]) -> bool:
    """Whether a parsed answer names a choice that does not fit the answers."""
    if item.choice_filter is None or value is None:
        return False
    chosen = value if isinstance(value, list) else [value]
    by_code: dict[Any, list[Choice]] = {}  # a code may be repeated, told apart by columns
    for choice in item.choices:
        by_code.setdefault(choice.code, []).append(choice)
    return any(code in by_code and not any(fits(item, c, answers) for c in by_code[code])
               for code in chosen)


def choice_data(choice: Choice) -> dict[str, Any]:
    """A choice's code and columns as the page's script reads them (``@name``, ``@region``)."""
    return expressions.choice_context({}, choice.code, dict(choice.attributes))


def page_choices(section: Section, answers: Mapping[str, Any]) -> dict[str, tuple[Choice, ...]]:
    """The choices offered by the page's filtered items whose filter reads other pages only."""
    return {item.code: offered(item, answers) for item in section.items
            if item.choice_filter is not None and not on_same_page(item, section)}
