"""A repeated page as the participant sees it: one block per occurrence ("Person 2 of 3"),
and, for an "add another" page, its "Add another" and "Remove" buttons. Both are submit buttons
(the page works without JavaScript): the page is kept as "Previous" keeps it, the occurrence is
added or removed, and the same page is shown again. The answers themselves are checked in
:mod:`survey.questionnaire.repeats`."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import render_template
from flask_babel import gettext
from markupsafe import Markup

from ..questionnaire import cascading, navigation, repeats
from ..questionnaire.answers import PageResult, Rosters
from ..questionnaire.model import Choice, Definition, Section
from ..templating import text

TEMPLATE = "participate/_repeat_items.html"
REMOVE_RE = re.compile(r"^remove-([1-9][0-9]?)$")
Edit = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


def editing(section: Section, nav: Any) -> tuple[Edit, int] | None:
    """What an "Add another" or "Remove" button does to the page's occurrences, and the block
    to show afterwards; None for any other button (and on pages whose count is set)."""
    repeat = section.repeat
    if repeat is None or repeat.count is not None or not isinstance(nav, str):
        return None
    if nav == "add":
        return (lambda occurrences: (occurrences + [{}])[:repeat.maximum]), 0
    match = REMOVE_RE.match(nav)
    if match is None:
        return None
    n = int(match.group(1))
    return (lambda occurrences: occurrences[:n - 1] + occurrences[n:]), max(1, n - 1)


def edited(section: Section, answers: dict[str, Any], edit: Edit) -> dict[str, Any]:
    """The page's answers after the edit; every draft of its blocks cleared (blocks move)."""
    assert section.repeat is not None
    occurrences = edit(list(answers.get(section.code) or [{}]))
    return {section.code: occurrences or None}


def cleared_drafts(section: Section) -> dict[str, None]:
    assert section.repeat is not None
    return {repeats.name(item.code, n): None for item in section.items
            for n in range(1, section.repeat.maximum + 1)}


def apply(section: Section, kept: PageResult, edit: Edit, block: int
          ) -> tuple[dict[str, Any], dict[str, Any], int]:
    """An "Add another" or "Remove" applied to the page as "Previous" keeps it (``kept``): the
    answers and drafts to keep (a ``None`` clears), and the block to show. The participant's
    page stores them; the preview signs them into the page."""
    answers = edited(section, kept.answers, edit)
    drafts = {**cleared_drafts(section), **(kept.drafts if block else {})}
    shown = len(answers[section.code] or [None])
    return answers, drafts, min(block or shown, shown)


def title(section: Section, n: int, total: int) -> str:
    """"Person 2 of 3" (or "Entry 2 of 3" when the page names no label)."""
    assert section.repeat is not None
    label = text(section.repeat.label) if section.repeat.label else gettext("Entry")
    return gettext("%(label)s %(number)s of %(total)s", label=label, number=n, total=total)


def block_choices(section: Section, answers: dict[str, Any], count: int
                  ) -> dict[str, tuple[Choice, ...]]:
    """The choices each block offers of its items filtered by answers of other pages only
    (``district-2`` -> its choices), from those answers and the block's own stored ones. A
    filter reading the same block is left to the page's script (its names numbered by
    ``repeats.renamed``) and checked on submit."""
    occurrences = repeats.stored(section, answers)
    offered = {}
    for n in range(1, count + 1):
        occurrence = occurrences[n - 1] if n <= len(occurrences) else {}
        seen = repeats.context(answers, occurrence, n)
        for item in section.items:
            if item.choice_filter is not None and not cascading.on_same_page(item, section):
                offered[repeats.name(item.code, n)] = cascading.offered(item, seen)
    return offered


def page_items(definition: Definition, section: Section, answers: dict[str, Any],
               values: dict[str, list[str]], errors: dict[str, str], rosters: Rosters,
               action: str | None = None, faces: bool = False
               ) -> tuple[Markup, list[tuple[str, str]]]:
    """The page's blocks as HTML, and (anchor, words) of each question for the error summary.
    Each block carries, numbered, the calculate and hidden values its conditions read (as an
    ordinary page does, :func:`navigation.computed_on_page`). ``action``: the address the page
    posts to when its answer to "Add another" and "Remove" is the page itself (the preview),
    whose buttons then post to it with the block to show as its fragment (a participant's
    page is sent there by its redirect)."""
    assert section.repeat is not None
    count = repeats.shown(section, answers)
    blocks = repeats.blocks(section, count)
    offered = block_choices(section, answers, count)
    adding = section.repeat.count is None
    titles = {n: title(section, n, count) for n, _ in blocks}
    summary = [(item.code, f"{titles[n]}: {text(item.text)}") for n, items in blocks
               for item in items]
    scripts = {repeats.name(item.code, n): repeats.script_data(section, item, n)
               for n, _ in blocks for item in navigation.computed_on_page(section)}
    html = render_template(TEMPLATE, definition=definition, section=section, blocks=blocks,
                           titles=titles, values=values, errors=errors, rosters=rosters,
                           offered=offered, scripts=scripts, action=action, faces=faces,
                           adding=adding, can_add=adding and count < section.repeat.maximum,
                           can_remove=adding and count > 1)
    return Markup(html), summary
