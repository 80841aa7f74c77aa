"""Repeated pages in long format: one row per occurrence (a household member, a visit), with
the response id, the repeated page and the occurrence number, then the page's columns.

The wide export holds the same answers as numbered columns (``age_1``, ``age_2`` ...: the
source reads each version through ``questionnaire.repeats.wide``); this table is the one an
analyst joins on ``response_id``. Each version's repeated pages come from its stored content
(``Definition.raw``), rebuilt once per version. Cells follow the wide export's rules: codes,
numbers as numbers, text neutralised against formula injection.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..caching import Cache
from ..questionnaire import loader, repeats
from ..questionnaire.model import Definition, Section
from .cells import code_text
from .delimited import CsvOptions, csv_chunks
from .frames import Export
from .schema import StoredVersion, column_order, merged_entry, pick
from .source import response_rows

HEADER = ("response_id", "repeat", "occurrence")
SHEET_PREFIX = "repeat_"
SHEET_LIMIT = 31  # Excel's longest sheet name
OTHER_SHEETS = ("data", "codebook", "rosters")  # the workbook's other sheets
_ORIGINALS: Cache[Definition] = Cache(256)  # content hash -> the definition with its repeats


@dataclass
class RepeatTable:
    """The long table of one repeated page, across the questionnaire's versions."""

    code: str
    title: Mapping[str, str]
    columns: list[str]  # the page's data columns (``age``, ``school``), newest order
    entries: dict[str, dict[str, Any]]  # column -> codebook entry (newest wording)
    sections: dict[int, Section] = field(default_factory=dict)  # version id -> its page
    maximum: int = 0
    count: str | None = None


def original(definition: Definition) -> Definition:
    """A version's definition with its repeated pages (exports read the wide one)."""
    sections = definition.raw.get("sections") if isinstance(definition.raw, Mapping) else None
    if not isinstance(sections, list) or not any(
            isinstance(s, Mapping) and "repeat" in s for s in sections):
        return definition
    return _ORIGINALS.get(definition.content_hash, lambda: loader.rebuild(definition.raw))


def repeat_tables(versions: Sequence[StoredVersion]) -> list[RepeatTable]:
    """The repeated pages of every version, the newest's first (a page is known by its code)."""
    tables: dict[str, RepeatTable] = {}
    orders: dict[str, list[list[str]]] = {}
    for version in versions:  # oldest first: newer texts win
        definition = original(version.definition)
        for section in repeats.repeated_sections(definition):
            assert section.repeat is not None
            table = tables.setdefault(section.code, RepeatTable(section.code, {}, [], {}))
            table.title = dict(section.title)
            table.maximum = max(table.maximum, section.repeat.maximum)
            table.count = section.repeat.count.source if section.repeat.count else None
            table.sections[version.id] = section
            columns = []
            for item in section.items:
                for entry in item.itemtype.codebook(item, definition.roster(item)):
                    table.entries[entry["code"]] = merged_entry(table.entries.get(entry["code"]),
                                                          entry)
                columns += item.data_columns
            orders.setdefault(section.code, []).append(columns)
    for code, table in tables.items():
        table.columns = column_order(orders[code])
    newest = [s.code for s in repeats.repeated_sections(original(versions[-1].definition))]
    return sorted(tables.values(), key=lambda t: (t.code not in newest,
                                                  newest.index(t.code) if t.code in newest
                                                  else 0))


def header(tables: Sequence[RepeatTable]) -> list[str]:
    """One long file for every repeated page: their columns side by side, each page filling
    its own (``repeat`` says which)."""
    columns = list(dict.fromkeys(c for t in tables for c in t.columns))
    return [*HEADER, *columns]


def rows(export: Export, tables: Sequence[RepeatTable] | None = None
         ) -> Iterator[list[Any]]:
    """One row per occurrence of each repeated page, in response order."""
    tables = repeat_tables(export.schema.versions) if tables is None else tables
    columns = header(tables)[len(HEADER):]
    if not tables or export.selection is None:
        return
    ids = list(export.schema.plans)
    for row in response_rows(export.selection, ids, flat=False):
        answers = row.answers or {}
        for table in tables:
            section = table.sections.get(row.version_id)
            if section is None:
                continue
            for n, cells in repeats.occurrence_rows(section, answers):
                yield [row.id, table.code, n, *(code_text(cells.get(c)) for c in columns)]


def table_rows(export: Export, table: RepeatTable) -> Iterator[list[Any]]:
    """One repeated page's table (an XLSX sheet): header, then its rows."""
    yield [*HEADER, *table.columns]
    yield from rows(export, [table])


def csv_repeats(export: Export, options: CsvOptions | None = None) -> Iterator[bytes]:
    """The long CSV of every repeated page (codes; labels are in the codebook)."""
    tables = repeat_tables(export.schema.versions)
    return csv_chunks(header(tables), rows(export, tables), options or CsvOptions())


def codebook(tables: Sequence[RepeatTable]) -> list[dict[str, Any]]:
    """The codebook's ``repeats``: each page's long table (and its XLSX sheet) and its wide
    block."""
    sheets = sheet_names(tables)
    return [{"code": t.code, "title": dict(t.title), "count": t.count, "max": t.maximum,
             "sheet": sheets[t.code],
             "long_columns": [*HEADER, *t.columns],
             "wide_columns": {c: [repeats.numbered(c, n) for n in range(1, t.maximum + 1)]
                              for c in t.columns},
             "items": [{**t.entries[c], "code": c} for c in t.columns if c in t.entries]}
            for t in tables]


def sheet_names(tables: Sequence[RepeatTable]) -> dict[str, str]:
    """Each repeated page's XLSX sheet, by page code: ``repeat_<code>`` when it fits Excel's
    31 characters, else cut with ``~`` and four characters of a hash of the full code (so a
    page keeps its sheet name from one export to the next). ``~`` is never in a code, so a cut
    name never equals a whole one; the names are unique, ignoring case as Excel does, and never
    those of the workbook's other sheets."""
    taken = {name.lower() for name in OTHER_SHEETS}
    names: dict[str, str] = {}
    for table in tables:
        whole = SHEET_PREFIX + table.code
        name, attempt = whole, 0
        while len(name) > SHEET_LIMIT or name.lower() in taken:
            tag = hashlib.sha1(f"{table.code}/{attempt}".encode()).hexdigest()[:4]
            name = f"{whole[:SHEET_LIMIT - 5]}~{tag}"
            attempt += 1
        taken.add(name.lower())
        names[table.code] = name
    return names


def describe(table: RepeatTable, lang: str) -> str:
    return pick(table.title, lang, table.code)
