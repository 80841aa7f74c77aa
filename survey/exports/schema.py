"""The columns of an export across every version of a questionnaire, and its codebook.

A questionnaire's export spans all its versions: one column per data column ever used (asked
of the item-type registry through each version's ``Definition``), so integrations that read
columns by name never break when a version is published. A column keeps its place and name
when its item is reworded (the newest text wins), stays in the export when a later version drops
its item (filled for the responses that had it), and keeps every choice it ever offered (a
removed choice keeps its code and label). Nothing here touches Flask or the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from analysis.codebook import CODEBOOK_FORMAT, METADATA_COLUMNS, MISSING_CODES, parse_codebook
from analysis.codebook import Item as CodebookItem

from ..questionnaire import Definition
from ..questionnaire.codebook import scale_entry
from ..questionnaire.itemtypes import ItemType
from ..questionnaire.model import Item
from .cells import SCALAR_TYPES

# Metadata columns, first in every export, in this order. They include the nine the analysis
# library requires (``submitted_at`` is when the response was completed).
EXPORT_METADATA: tuple[str, ...] = (
    "response_id", "questionnaire", "version", "audience", "evaluation", "site", "wave",
    "team", "panel_code", "language", "mode", "wording", "status", "started_at", "submitted_at",
)
# ``wording``: the wording the response's pages were answered in: standard, easy (easy-read)
# or mixed (the participant switched part-way); survey/questionnaire/wording.py
WORDING_VALUES = ("standard", "easy", "mixed")
assert set(METADATA_COLUMNS) <= set(EXPORT_METADATA)

ABSENT = "\x00absent"  # a key no stored answer has: columns a version lacks read as empty
LISTED = ("choices", "roster")  # codebook keys merged across versions (removed entries kept)


@dataclass(frozen=True)
class StoredVersion:
    """What an export needs of a stored version (the model stays out of this module)."""

    id: int
    content_hash: str
    label: str | None
    created_at: dt.datetime | None
    definition: Definition
    repeated: bool = False  # it has repeated pages, stored as lists (``repeats.flatten``)

    @property
    def short(self) -> str:
        """The version as it appears in the ``version`` column."""
        return self.content_hash[:12]


@dataclass(frozen=True)
class VersionPlan:
    """How one version's answers become the export's cells.

    ``keys`` has one stored-answer key per column (``ABSENT`` for columns of other versions):
    most items store exactly their data columns, so a row is ``map(answers.get, keys)`` at C
    speed. Items whose type computes its cells (a ranking's rank columns) are in ``computed``.
    ``checked``: the positions (among the item columns) whose type in this version stores text
    or several codes, the only item cells that may need escaping in a spreadsheet
    (``cells.CellPlan``).
    """

    version: StoredVersion
    keys: tuple[str, ...]
    computed: tuple[tuple[Item, ItemType, tuple[int, ...]], ...]
    checked: tuple[int, ...] = ()


@dataclass
class Schema:
    questionnaire: str
    audience: str
    languages: tuple[str, ...]
    columns: list[str]  # item data columns, after EXPORT_METADATA
    entries: dict[str, dict[str, Any]]  # column -> merged codebook entry
    versions_of: dict[str, list[str]]  # column -> short hashes of the versions that have it
    plans: dict[int, VersionPlan]  # version id -> plan
    versions: list[StoredVersion]
    scales: list[dict[str, Any]] = field(default_factory=list)
    title: Mapping[str, str] = field(default_factory=dict)
    # team (as in the ``team`` column) -> its roster entries, for ``roster: campaign`` items
    team_rosters: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def header(self) -> list[str]:
        return [*EXPORT_METADATA, *self.columns]

    def cells(self, version_id: int, answers: Mapping[str, Any]) -> list[Any]:
        """The item cells of one response, in column order (raw stored values)."""
        plan = self.plans[version_id]
        cells = list(map(answers.get, plan.keys))
        for item, kind, positions in plan.computed:
            values = kind.data_values(item, answers)
            for position, column in zip(positions, kind.data_columns(item), strict=True):
                cells[position] = values.get(column)
        return cells

    def cell_reader(self) -> Callable[[int, dict[str, Any]], list[Any]]:
        """:meth:`cells` for a stream of responses. A response that stores exactly its
        version's columns in column order (a complete response, as the pages save it) gives its
        values as they are, with no lookup per cell: its keys are compared with the last such
        response's, which the JSON decoder shares (one identity test per key)."""
        cells = self.cells
        seen: dict[int, list[str]] = {
            ident: list(plan.keys) for ident, plan in self.plans.items() if not plan.computed}

        def read(version_id: int, answers: dict[str, Any]) -> list[Any]:
            known = seen.get(version_id)
            if known is not None and len(answers) == len(known):
                keys = list(answers)
                if keys == known:
                    seen[version_id] = keys  # the decoder's own strings: compared by identity
                    return list(answers.values())
            return cells(version_id, answers)

        return read

    def labels(self, lang: str) -> list[dict[str, str]]:
        """Per column, choice code (as text) -> its label in ``lang``, as the analysis library
        reads it (the code itself for free answers and unknown codes)."""
        book = parse_codebook(self.codebook())
        return [Labels(book.item(column), lang) for column in self.columns]

    def codebook(self) -> dict[str, Any]:
        """The analysis codebook of the whole export (every version), validated by the library.

        ``version`` is the newest version; ``versions`` lists them all and each item says in
        which versions it appears (both are additions the library ignores)."""
        newest = self.versions[-1]
        document = {
            "codebook_format": CODEBOOK_FORMAT,
            "questionnaire": self.questionnaire,
            "version": newest.content_hash,
            "version_label": newest.label or "",
            "title": dict(self.title),
            "audience": self.audience,
            "languages": list(self.languages),
            "metadata_columns": list(EXPORT_METADATA),
            "missing_codes": list(MISSING_CODES),
            "versions": [{"version": v.short, "content_hash": v.content_hash,
                          "label": v.label or "",
                          "published": v.created_at.isoformat() if v.created_at else None}
                         for v in self.versions],
            "items": [self._item(c) for c in self.columns],
            "scales": self.scales,
        }
        if self.team_rosters:
            document["team_rosters"] = self.team_rosters
        parse_codebook(document)  # raises CodebookError if the library could not read it
        return document


    def _item(self, column: str) -> dict[str, Any]:
        entry = {**self.entries[column], "versions": list(self.versions_of[column])}
        if entry.get("roster_by_team"):
            entry["roster"] = merged_roster(self.team_rosters, entry.get("roster", ()))
        return entry


def merged_roster(team_rosters: Mapping[str, Sequence[Mapping[str, Any]]],
                  fallback: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One roster for a ``roster: campaign`` column across teams: a code names the same person
    in one team only, so a code whose name differs between teams is labelled with each team's
    name ("Alex Martin (Team A) / Jo Li (Team B)"); without teams, the definition's fallback."""
    named: dict[str, dict[str, list[tuple[str, str]]]] = {}  # code -> lang -> (name, team)
    for team, entries in team_rosters.items():
        for entry in entries:
            for lang, name in entry["label"].items():
                named.setdefault(str(entry["code"]), {}).setdefault(lang, []).append(
                    (name, team))
    if not named:
        return [dict(c) for c in fallback]
    return [{"code": code, "label": {
        lang: pairs[0][0] if len({name for name, _ in pairs}) == 1
        else " / ".join(f"{name} ({team})" for name, team in pairs)
        for lang, pairs in by_lang.items()}} for code, by_lang in named.items()]


class Labels(dict):
    """Code (as text) -> label of one column, looked up once per distinct code."""

    def __init__(self, item: CodebookItem, lang: str) -> None:
        super().__init__()
        self.item, self.lang = item, lang

    def __missing__(self, code: str) -> str:
        label = self[code] = self.item.label(code, self.lang)
        return label


def pick(text: Mapping[str, str], lang: str, default: str = "") -> str:
    return text.get(lang) or next(iter(text.values()), default) or default


def build_schema(versions: Sequence[StoredVersion]) -> Schema:
    """The export schema of one questionnaire from its versions, oldest first."""
    if not versions:
        raise ValueError("a questionnaire without versions has nothing to export")
    newest = versions[-1].definition
    columns = column_order([v.definition.columns() for v in versions])
    entries: dict[str, dict[str, Any]] = {}
    versions_of: dict[str, list[str]] = {c: [] for c in columns}
    position = {c: n for n, c in enumerate(columns)}
    plans = {}
    for version in versions:  # oldest first: newer texts and choices override older ones
        definition = version.definition
        scalar = set()  # columns whose type, in this version, stores one number, code or date
        for item in definition.items():
            for entry in item.itemtype.codebook(item, definition.roster(item)):
                entries[entry["code"]] = merged_entry(entries.get(entry["code"]), entry)
                if entry.get("type") in SCALAR_TYPES:
                    scalar.add(entry["code"])
        for column in definition.columns():
            versions_of[column].append(version.short)
        checked = tuple(sorted(position[c] for c in definition.columns() if c not in scalar))
        plans[version.id] = _plan(version, position, checked)
    return Schema(
        questionnaire=newest.code, audience=newest.audience, languages=newest.languages,
        columns=columns, entries=entries, versions_of=versions_of, plans=plans,
        versions=list(versions), scales=_scales(versions), title=dict(newest.title))


def column_order(orders: Sequence[Sequence[str]]) -> list[str]:
    """The newest version's order; a column only older versions have goes after the column
    that preceded it there, so a removed item stays beside its old neighbours."""
    columns: list[str] = []
    for order in reversed(orders):
        anchor = -1
        for column in order:
            if column in columns:
                anchor = columns.index(column)
            else:
                columns.insert(anchor + 1, column)
                anchor += 1
    return columns


def merged_entry(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """A newer codebook entry of the same column: newer texts win, older choices stay."""
    if old is None:
        return dict(new)
    merged = {**old, **new, "text": {**old.get("text", {}), **new.get("text", {})}}
    special = list(dict.fromkeys([*old.get("special", ()), *new.get("special", ())]))
    if special:  # a special answer an older version offered still labels its answers
        merged["special"] = special
    for key in LISTED:
        if key in old or key in new:
            entries = list(new.get(key, ()))
            known = {str(c["code"]) for c in entries}
            entries += [c for c in old.get(key, ()) if str(c["code"]) not in known]
            merged[key] = entries
    if merged.get("type") == "likert" and "choices" in merged:
        # a likert column that lost points keeps them all (1..n stays contiguous)
        merged["choices"] = sorted(merged["choices"], key=lambda c: c["code"])
        merged["points"] = len(merged["choices"])
    return merged


def _scales(versions: Sequence[StoredVersion]) -> list[dict[str, Any]]:
    """The newest version's scales, then those only older versions had."""
    scales: dict[str, dict[str, Any]] = {}
    for version in reversed(versions):
        for s in version.definition.scales:
            scales.setdefault(s.code, scale_entry(s))
    return list(scales.values())


def _plan(version: StoredVersion, position: Mapping[str, int], checked: tuple[int, ...]
          ) -> VersionPlan:
    keys = [ABSENT] * len(position)
    computed = []
    for item in version.definition.items():
        kind = item.itemtype
        columns = kind.data_columns(item)
        # The default ``data_values`` reads each column as a stored key: the fast path. A
        # type that overrides it computes its own cells (asked, never switched on by name).
        if type(kind).data_values is ItemType.data_values:
            for column in columns:
                keys[position[column]] = column
        elif columns:
            computed.append((item, kind, tuple(position[c] for c in columns)))
    return VersionPlan(version=version, keys=tuple(keys), computed=tuple(computed),
                       checked=checked)
