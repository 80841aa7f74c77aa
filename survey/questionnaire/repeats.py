"""Repeated pages: a page answered once per household member, child or visit.

A section with ``repeat:`` is one page holding one block per occurrence: as many as its
``count`` expression gives from earlier answers, or as the participant adds with "Add another"
(at least one), never more than its ``max``. Its answers are stored under the section's code
as one mapping per occurrence, ``{"members": [{"age": 34}, {"age": 5}]}``, so an occurrence's
relevance and constraints see its own answers (and those of earlier pages), and shrinking the
count drops the occurrences beyond it.

On the page, occurrence ``n`` of an item is that item renamed ``code-n`` (item codes never hold
``-``), so every item type renders, parses and shows back its inputs unchanged. In exports the
occurrences become a wide block of numbered columns ``age_1, age_2, ...`` (:func:`wide`,
:func:`flatten`) and a long table with one row per occurrence (``survey/exports/repeats.py``).
Pure functions: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from . import expressions
from .messages import msg
from .model import Definition, Expression, Item, Repeat, Section

if TYPE_CHECKING:
    from .answers import PageResult, Rosters

MAX_OCCURRENCES = 50  # the largest ``max`` a definition may declare
REPEAT_KEYS = {"count", "max", "label"}


# -- the definition ----------------------------------------------------------------------------


def read_repeat(reader: Any, entry: dict, path: tuple) -> Repeat | None:
    """The ``repeat:`` of a section, validated (``reader`` is the loader's builder)."""
    value = entry.get("repeat")
    if value is None:
        return None
    where = (*path, "repeat")
    if not isinstance(value, dict):
        reader.problem(where, msg("'repeat' must be a mapping with count or max, and label"))
        return None
    reader.unknown_keys(value, where, REPEAT_KEYS, msg("in a repeat"))
    count = reader.expression(value, (*where, "count"), allow_dot=False)
    maximum = value.get("max")
    if maximum is None and count is None:
        reader.problem(where, msg("a repeat needs count (an expression on earlier answers) "
                                  "or max (the most occurrences a participant may add)"))
        maximum = 1
    elif maximum is None:
        maximum = 20
    elif (isinstance(maximum, bool) or not isinstance(maximum, int)
          or not 1 <= maximum <= MAX_OCCURRENCES):
        reader.problem((*where, "max"), msg("'max' of a repeat must be a whole number from 1 "
                                            "to %(most)s", most=MAX_OCCURRENCES))
        maximum = 1
    label = reader.text(value, (*where, "label"), required=False)
    return Repeat(maximum=maximum, count=count, label=label)


def check_repeated(reader: Any, section: Section, path: tuple) -> None:
    """What items on a repeated page may not be, and the numbered columns its items fill in
    the wide export (``age_1`` ...), which no other code may take."""
    if section.repeat is None:
        return
    for n, item in enumerate(section.items):
        where = (*path, "items", n)
        if item.equity:
            reader.problem((*where, "equity"), msg(
                "equity descriptor '%(code)s' describes the respondent: it cannot be on a "
                "repeated page", code=item.code))
        for key in item.answer_keys:
            reader.repeated[key] = section.code
        for column in wide_columns(item, section.repeat.maximum):
            if column in reader.codes:
                reader.problem((*where, "code"), msg(
                    "'%(code)s' is repeated, so it fills data column '%(column)s', which is "
                    "already a code", code=item.code, column=column))
            reader.codes.add(column)


# -- occurrences -------------------------------------------------------------------------------


def stored(section: Section, answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The stored occurrences of a repeated page (anything malformed reads as empty)."""
    value = answers.get(section.code)
    if not isinstance(value, list):
        return []
    return [dict(o) if isinstance(o, dict) else {} for o in value]


def counted(repeat: Repeat, answers: Mapping[str, Any]) -> int | None:
    """The occurrences the count asks for, within 0..max; None for "add another"."""
    if repeat.count is None:
        return None
    value = expressions.evaluate(repeat.count.tree, answers)
    try:
        number = int(float(value))
    except (TypeError, ValueError, OverflowError):
        number = 0
    return max(0, min(number, repeat.maximum))


def shown(section: Section, answers: Mapping[str, Any]) -> int:
    """How many blocks the page holds: the count, or those added so far (at least one)."""
    assert section.repeat is not None
    number = counted(section.repeat, answers)
    if number is None:
        number = max(1, len(stored(section, answers)))
    return min(number, section.repeat.maximum)


def context(answers: Mapping[str, Any], occurrence: Mapping[str, Any], n: int
            ) -> dict[str, Any]:
    """What occurrence ``n``'s expressions see: earlier pages' answers, its own, and its
    number for position()."""
    return {**answers, **occurrence, expressions.POSITION: n}


def _relevant(expression: Expression | None, answers: Mapping[str, Any]) -> bool:
    return expression is None or expressions.truthy(expressions.evaluate(expression.tree,
                                                                         answers))


# -- the page: one block per occurrence ----------------------------------------------------------


def name(code: str, n: int) -> str:
    """An input name or item code in block ``n`` (1-based)."""
    return f"{code}-{n}"


def item_code(code: str) -> str:
    """The item a code shown on a page names: ``age-2`` (block 2) -> ``age``."""
    return code.split("-", 1)[0]


def renamed(section: Section, item: Item, n: int) -> Item:
    """``item`` as shown in block ``n``: its code, matrix rows and, for the page's script, the
    names its relevance and choice filter read on this page, all numbered (a city filtered by
    the region of the same block reads ``region-2`` in block 2). Its expression trees keep the
    original names (the server evaluates them on the occurrence's answers)."""
    own = _own(section)

    def numbered_json(expression: Expression | None) -> Expression | None:
        if expression is None:
            return None
        return Expression(expression.source, expression.tree,
                          _numbered_refs(expression.json, own, n))

    return replace(item, code=name(item.code, n), settings=_rows_renamed(item, name, n),
                   relevant=numbered_json(item.relevant),
                   choice_filter=numbered_json(item.choice_filter))


def _own(section: Section) -> set[str]:
    return {key for item in section.items for key in item.answer_keys}


def script_data(section: Section, item: Item, n: int) -> dict[str, Any] | None:
    """What the page's script needs to work out a never-shown ``item`` (calculate, hidden) in
    block ``n``: the item type's script data, the names its calculation reads on this page
    numbered as :func:`renamed` numbers a relevance (``people-2`` reads ``adults-2``)."""
    data = item.itemtype.script_data(item)
    if data is None:
        return None
    own = _own(section)
    return {key: _numbered_refs(value, own, n) for key, value in data.items()}


def _rows_renamed(item: Item, rename: Callable[[str, int], str], n: int) -> Any:
    """The item's settings with its matrix rows (their own answer keys) renamed too."""
    rows = getattr(item.settings, "rows", None)
    if not rows:
        return item.settings
    return replace(item.settings, rows=tuple(replace(r, code=rename(str(r.code), n))
                                             for r in rows))


def _numbered_refs(node: Any, own: set[str], n: int) -> Any:
    if isinstance(node, list):
        if node == ["ref", expressions.POSITION]:
            return ["num", n]  # position() in block n
        if len(node) == 2 and node[0] == "ref" and node[1] in own:
            return ["ref", name(node[1], n)]
        return [_numbered_refs(child, own, n) for child in node]
    return node


def blocks(section: Section, count: int) -> list[tuple[int, list[Item]]]:
    """The page's blocks: (occurrence number, its renamed items)."""
    return [(n, [renamed(section, item, n) for item in section.items])
            for n in range(1, count + 1)]


def input_names(section: Section, rosters: Rosters) -> list[str]:
    """Every input a repeated page may post (up to its ``max`` blocks)."""
    assert section.repeat is not None
    return [posted for n in range(1, section.repeat.maximum + 1) for item in section.items
            if item.answerable for _, posted in _name_pairs(section, item, n, rosters)]


def _name_pairs(section: Section, item: Item, n: int, rosters: Rosters
                ) -> list[tuple[str, str]]:
    """(input name of the item, input name in block ``n``), in the same order."""
    roster = rosters(item)
    shown_item = renamed(section, item, n)
    return list(zip(item.itemtype.input_names(item, roster),
                    shown_item.itemtype.input_names(shown_item, roster), strict=True))


def check(definition: Definition, section: Section, raw: Mapping[str, Any],
          saved: Mapping[str, Any], rosters: Rosters, strict: bool) -> PageResult:
    """Check each block of a repeated page as a page of its own, in its occurrence's context;
    the answers to store are the page's occurrences (beyond the count: dropped)."""
    from .answers import PageResult, check_page  # check_page sends repeated pages here

    plain = replace(section, repeat=None)
    old = stored(section, saved)
    occurrences: list[dict[str, Any]] = []
    result = PageResult(answers={}, issues={})
    for n in range(1, shown(section, saved) + 1):
        before = old[n - 1] if n <= len(old) else {}
        names = {item.code: _name_pairs(section, item, n, rosters) for item in section.items
                 if item.answerable}
        block_raw = {own: raw.get(posted, ()) for pairs in names.values()
                     for own, posted in pairs}
        one = check_page(definition, plain, block_raw, context(saved, before, n), rosters,
                         strict)
        occurrence = {**before, **one.answers}
        occurrences.append({k: v for k, v in occurrence.items() if v is not None})
        result.issues.update({name(code, n): issue for code, issue in one.issues.items()})
        for code, draft in one.drafts.items():
            rename = dict(names.get(code, ()))
            result.drafts[name(code, n)] = draft if draft is None else {
                rename.get(key, key): typed for key, typed in draft.items()}
    result.answers[section.code] = occurrences or None
    return result


def form_values(section: Section, answers: Mapping[str, Any],
                drafts: Mapping[str, Any] | None = None) -> dict[str, list[str]]:
    """The stored occurrences as the page's input values (a half-finished item: its draft)."""
    values: dict[str, list[str]] = {}
    occurrences = stored(section, answers)
    for n, items in blocks(section, shown(section, answers)):
        occurrence = occurrences[n - 1] if n <= len(occurrences) else {}
        numbered = {name(key, n): value for key, value in occurrence.items()}
        for item in items:
            draft = (drafts or {}).get(item.code)
            if isinstance(draft, dict):
                values.update({k: list(v) for k, v in draft.items() if isinstance(v, list)})
            else:
                values.update(item.itemtype.form_values(item, numbered))
    return values


def missing(section: Section, answers: Mapping[str, Any], rosters: Rosters) -> bool:
    """Whether a block of the page lacks a required answer."""
    occurrences = stored(section, answers)
    for n in range(shown(section, answers)):
        occurrence = occurrences[n] if n < len(occurrences) else {}
        seen = context(answers, occurrence, n + 1)
        for item in section.items:
            if not item.required or not _relevant(item.relevant, seen):
                continue
            if item.itemtype.needs_roster and not rosters(item):
                continue
            if not item.itemtype.answered(item, occurrence):
                return True
    return False


def pruned(section: Section, answers: Mapping[str, Any], kept: Mapping[str, Any]
           ) -> list[dict[str, Any]]:
    """The occurrences still asked for (the count may have shrunk), each without the answers
    of its items that ended up hidden."""
    result = []
    occurrences = stored(section, answers)
    # an "add another" page keeps every occurrence added (its number is theirs, not kept's)
    count = shown(section, {**kept, section.code: occurrences})
    for n, occurrence in enumerate(occurrences[:count], start=1):
        own: dict[str, Any] = {}
        for item in section.items:
            if _relevant(item.relevant, context(kept, own, n)):
                own.update({k: occurrence[k] for k in item.answer_keys
                            if occurrence.get(k) is not None})
        result.append(own)
    return result


# -- exports -----------------------------------------------------------------------------------


def numbered(code: str, n: int) -> str:
    """A column of occurrence ``n`` in the wide export."""
    return f"{code}_{n}"


def wide_columns(item: Item, maximum: int) -> list[str]:
    """The wide block of a repeated item: ``age_1, age_2, ...`` (a matrix: each row's)."""
    return [column for n in range(1, maximum + 1)
            for column in _occurrence_item(item, n).data_columns]


def _occurrence_item(item: Item, n: int) -> Item:
    """A repeated item as occurrence ``n``'s own column(s) in the wide export."""
    return replace(item, code=numbered(item.code, n),
                   text={lang: f"{text} ({n})" for lang, text in item.text.items()},
                   settings=_rows_renamed(item, numbered, n),
                   relevant=None)


def repeated_sections(definition: Definition) -> list[Section]:
    return [s for s in definition.sections if s.repeat is not None]


def wide(definition: Definition) -> Definition:
    """The definition as the wide export sees it: each repeated item becomes one item per
    occurrence (``age_1`` ... ``age_<max>``, texts numbered), read from :func:`flatten`ed
    answers."""
    if not repeated_sections(definition):
        return definition
    sections = []
    for section in definition.sections:
        if section.repeat is None:
            sections.append(section)
            continue
        items = tuple(_occurrence_item(item, n) for item in section.items
                      for n in range(1, section.repeat.maximum + 1))
        sections.append(replace(section, items=items, repeat=None))
    return replace(definition, sections=tuple(sections))


def flatten(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Stored answers with each repeat's occurrences as numbered keys: ``{"members":
    [{"age": 34}, {"age": 5}]}`` -> ``{"age_1": 34, "age_2": 5}``. Only repeats store a
    list of mappings, so the shape tells."""
    flat: dict[str, Any] = {}
    for key, value in answers.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for n, occurrence in enumerate(value, start=1):
                if isinstance(occurrence, dict):
                    flat.update({numbered(k, n): v for k, v in occurrence.items()})
        else:
            flat[key] = value
    return flat


def occurrence_rows(section: Section, answers: Mapping[str, Any]
                    ) -> Iterator[tuple[int, dict[str, Any]]]:
    """(occurrence number, its cells by data column) for the long export."""
    for n, occurrence in enumerate(stored(section, answers), start=1):
        cells: dict[str, Any] = {}
        for item in section.items:
            cells.update(item.itemtype.data_values(item, occurrence))
        yield n, cells
