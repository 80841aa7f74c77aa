"""The codebook: the analysis library's input contract (format 1).

A codebook is a JSON document written beside every export by the app, or made from a questionnaire
definition by ``survey questionnaire codebook``. It says which columns an export has, what their
cells may contain, and which items form scales. The schema lives here, not in ``survey/``; see
``docs/analysis.md`` for the prose version.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

__all__ = [
    "CODEBOOK_FORMAT",
    "METADATA_COLUMNS",
    "REQUIRED_COLUMNS",
    "MISSING_CODES",
    "MISSING_MARKERS",
    "ITEM_TYPES",
    "CATEGORICAL_TYPES",
    "NUMERIC_TYPES",
    "AUDIENCES",
    "YESNO_CODES",
    "CodebookError",
    "Text",
    "Choice",
    "Item",
    "Scale",
    "Codebook",
    "load_codebook",
    "parse_codebook",
]

CODEBOOK_FORMAT = 1

METADATA_COLUMNS: tuple[str, ...] = (
    "response_id",
    "questionnaire",
    "version",
    "audience",
    "site",
    "wave",
    "panel_code",
    "team",
    "submitted_at",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("response_id",)
MISSING_CODES: tuple[str, ...] = ("dont_know", "prefer_not")
# Cells read as missing in every column, whatever the codebook says: what R, SPSS (CSV),
# spreadsheets and pandas write for a missing value. A codebook adds its own (e.g. "-99").
MISSING_MARKERS: tuple[str, ...] = ("", "NA", "NaN", "nan", "N/A", "#N/A", ".", "NULL")
ITEM_TYPES = frozenset(
    {
        "single",
        "multiple",
        "likert",
        "yesno",
        "integer",
        "decimal",
        "text",
        "textarea",
        "date",
        "time",
        "nomination",
    }
)
CATEGORICAL_TYPES = frozenset({"single", "yesno"})
NUMERIC_TYPES = frozenset({"integer", "decimal"})
AUDIENCES: tuple[str, ...] = ("patient", "professional", "citizen")  # in the order shown
YESNO_CODES: tuple[str, ...] = ("yes", "no")
# Item codes: any column name without spaces at either end (data sets name their items A1,
# Q3_2...); the app's own definitions keep their stricter rule in survey/questionnaire.
_CODE_RE = re.compile(r"^\S(.*\S)?$")


class CodebookError(ValueError):
    """The codebook does not follow the schema; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid codebook:\n  " + "\n  ".join(problems))


Text = Mapping[str, str]


@dataclass(frozen=True)
class Choice:
    code: str | int
    label: Text
    retired: bool = False  # a roster entry no longer on its team (labels old answers)


@dataclass(frozen=True)
class Item:
    code: str
    type: str
    section: str = ""
    text: Text = field(default_factory=dict)
    choices: tuple[Choice, ...] = ()
    points: int | None = None
    matrix: str | None = None
    equity: bool = False
    first: int = 1  # likert: the lowest code (0 for answers coded 0..4)
    roster: tuple[Choice, ...] = ()
    rated: bool = False
    rating_max: int | None = None
    self_report: bool = False
    roster_by_team: bool = False  # members come from the codebook's team_rosters

    @property
    def choice_codes(self) -> tuple[str | int, ...]:
        if self.type == "yesno" and not self.choices:
            return YESNO_CODES
        return tuple(c.code for c in self.choices)

    @property
    def roster_codes(self) -> tuple[str, ...]:
        return tuple(str(c.code) for c in self.roster)

    def label(self, code: str | int, lang: str) -> str:
        """The label of a choice (or roster entry) in ``lang``, falling back to the code."""
        for choice in (*self.choices, *self.roster):
            if str(choice.code) == str(code):
                return _pick(choice.label, lang, str(code))
        if self.type == "yesno" and str(code) in ("yes", "no"):
            return {"yes": {"fr": "Oui", "en": "Yes"}, "no": {"fr": "Non", "en": "No"}}[
                str(code)
            ].get(lang, str(code))
        return str(code)


@dataclass(frozen=True)
class Scale:
    """Items scored together. ``points`` is the number of options of its likert items; ``None``
    for a scale of numeric scores (integer or decimal items, e.g. a mean computed elsewhere),
    which has no response scale: no reverse keying, no top box, no rwg(j)."""

    code: str
    items: tuple[str, ...]
    points: int | None
    min_answered: int
    reverse: tuple[str, ...] = ()
    construct: Text = field(default_factory=dict)
    reference: str = ""
    first: int = 1  # the items' lowest code: answers run first..first + points - 1

    @property
    def last(self) -> int | None:
        """The highest code of the response scale (None for numeric scores)."""
        return None if self.points is None else self.first + self.points - 1


@dataclass(frozen=True)
class Codebook:
    questionnaire: str
    version: str
    audience: str  # "" when the codebook names none (data from outside the app)
    languages: tuple[str, ...]
    items: tuple[Item, ...]
    scales: tuple[Scale, ...] = ()
    version_label: str = ""
    title: Text = field(default_factory=dict)
    metadata_columns: tuple[str, ...] = METADATA_COLUMNS
    missing_codes: tuple[str, ...] = MISSING_CODES
    columns: Mapping[str, str] = field(default_factory=dict)
    ignore_columns: tuple[str, ...] = ()
    # team (as in the team column) -> its roster, for items with roster_by_team
    team_rosters: Mapping[str, tuple[Choice, ...]] = field(default_factory=dict)

    @property
    def missing_values(self) -> tuple[str, ...]:
        """Every cell value read as a missing answer: the usual markers and the missing codes."""
        return (*MISSING_MARKERS, *self.missing_codes)

    def item(self, code: str) -> Item:
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)

    @property
    def item_codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)

    @property
    def equity_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.equity)

    @property
    def likert_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.type == "likert")

    @property
    def self_item(self) -> Item | None:
        """The nomination item where respondents say who they are, if any."""
        return next((i for i in self.items if i.type == "nomination" and i.self_report), None)

    @property
    def nomination_items(self) -> tuple[Item, ...]:
        """Nomination items naming others (leadership networks), not the self item."""
        return tuple(i for i in self.items if i.type == "nomination" and not i.self_report)

    def roster_labels(self, item: Item, team: str, lang: str) -> dict[str, str]:
        """Roster code -> name in one team's network (the team's own roster when the item's
        members come from each team)."""
        entries = self.team_rosters.get(team) if item.roster_by_team else None
        if entries is None:
            return {code: item.label(code, lang) for code in item.roster_codes}
        return {str(c.code): _pick(c.label, lang, str(c.code)) for c in entries}

    def without_names(self) -> Codebook:
        """The codebook with every roster entry labelled by its code: people's names stay with
        researchers and evaluators (a partner's results page shows networks of codes)."""
        def coded(entries: tuple[Choice, ...]) -> tuple[Choice, ...]:
            return tuple(replace(c, label={}) for c in entries)

        items = tuple(replace(i, roster=coded(i.roster)) if i.type == "nomination" else i
                      for i in self.items)
        return replace(self, items=items, team_rosters={
            team: coded(entries) for team, entries in self.team_rosters.items()})

    def text(self, code: str, lang: str) -> str:
        """The question text of an item, or the construct of a scale, in ``lang``."""
        for scale in self.scales:
            if scale.code == code:
                return _pick(scale.construct, lang, code)
        for item in self.items:
            if item.code == code:
                return _pick(item.text, lang, code)
        return code

    def to_dict(self) -> dict[str, Any]:
        return _codebook_to_dict(self)


def _pick(text: Text, lang: str, default: str) -> str:
    if not text:
        return default
    return text.get(lang) or next(iter(text.values()), default) or default


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook JSON file."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CodebookError([f"{path}: not valid JSON ({exc})"]) from exc
    return parse_codebook(raw)


def parse_codebook(raw: Any) -> Codebook:
    """Validate a decoded codebook; every problem is reported at once as a ``CodebookError``."""
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise CodebookError(["the codebook must be a JSON object"])
    if raw.get("codebook_format") != CODEBOOK_FORMAT:
        problems.append(f"codebook_format must be {CODEBOOK_FORMAT}")
    for key in ("questionnaire", "version"):
        if not isinstance(raw.get(key), str) or not raw.get(key):
            problems.append(f"{key} must be a non-empty string")
    audience = raw.get("audience") or ""
    if audience and (not isinstance(audience, str) or audience not in AUDIENCES):
        problems.append(f"audience must be one of {sorted(AUDIENCES)}, or absent")
    languages = raw.get("languages")
    if not isinstance(languages, list) or not languages:
        problems.append("languages must be a non-empty list")
        languages = []
    metadata = tuple(raw.get("metadata_columns", METADATA_COLUMNS))
    missing_meta = [c for c in REQUIRED_COLUMNS if c not in metadata]
    if missing_meta:
        problems.append(f"metadata_columns lacks {missing_meta}")
    missing_codes = raw.get("missing_codes", list(MISSING_CODES))
    if not isinstance(missing_codes, list) or not all(
            isinstance(c, (str, int, float)) and not isinstance(c, bool) for c in missing_codes):
        problems.append("missing_codes must be a list of codes (e.g. [\"-99\", \"dont_know\"])")
        missing_codes = list(MISSING_CODES)
    missing_codes = tuple(_code_text(c) for c in missing_codes)
    columns = raw.get("columns") or {}
    if not isinstance(columns, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in columns.items()):
        problems.append("columns must map metadata names to the data's column names, e.g. "
                        "{\"response_id\": \"id\", \"team\": \"GRP\"}")
        columns = {}
    ignore_columns = raw.get("ignore_columns") or []
    if not isinstance(ignore_columns, list) or not all(
            isinstance(c, str) for c in ignore_columns):
        problems.append("ignore_columns must be a list of column names of the data")
        ignore_columns = []
    unknown_roles = sorted(set(columns) - set(metadata))
    if unknown_roles:
        problems.append(f"columns: {unknown_roles} are not metadata columns {list(metadata)}")

    items: list[Item] = []
    raw_items = raw.get("items")
    if not isinstance(raw_items, list):
        problems.append("items must be a list")
        raw_items = []
    seen: set[str] = set()
    refused: set[str] = set()
    for index, raw_item in enumerate(raw_items):
        item = _parse_item(raw_item, f"items[{index}]", problems)
        if item is None:
            if isinstance(raw_item, dict) and isinstance(raw_item.get("code"), str):
                refused.add(raw_item["code"])
            continue
        if item.code in seen:
            problems.append(f"items[{index}]: duplicate item code {item.code!r}")
        if item.code in metadata:
            problems.append(f"items[{index}]: item code {item.code!r} is a metadata column")
        seen.add(item.code)
        items.append(item)
    by_code = {item.code: item for item in items}
    if sum(1 for i in items if i.type == "nomination" and i.self_report) > 1:
        problems.append("at most one nomination item may have self: true")

    scales: list[Scale] = []
    for index, raw_scale in enumerate(raw.get("scales") or []):
        scale = _parse_scale(raw_scale, f"scales[{index}]", by_code, problems, refused)
        if scale is not None:
            scales.append(scale)
    team_rosters = _parse_team_rosters(raw.get("team_rosters"), problems)
    if problems:
        raise CodebookError(problems)
    return Codebook(
        questionnaire=raw["questionnaire"],
        version=raw["version"],
        audience=audience if isinstance(audience, str) else "",
        languages=tuple(languages),
        items=tuple(items),
        scales=tuple(scales),
        version_label=str(raw.get("version_label", "")),
        title=dict(raw.get("title") or {}),
        metadata_columns=metadata,
        missing_codes=missing_codes,
        columns=dict(columns),
        ignore_columns=tuple(ignore_columns),
        team_rosters=team_rosters,
    )


def _parse_team_rosters(raw: Any, problems: list[str]) -> dict[str, tuple[Choice, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(k, str) for k in raw):
        problems.append("team_rosters must map team names to roster entries")
        return {}
    return {team: _parse_choices(entries, f"team_rosters[{team!r}]", problems)
            for team, entries in raw.items()}


def _code_text(code: object) -> str:
    """A code as text, integers written without a decimal part (-99.0 -> "-99")."""
    if isinstance(code, float) and code.is_integer():
        return str(int(code))
    return str(code)


def _parse_choices(raw: Any, where: str, problems: list[str]) -> tuple[Choice, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(f"{where} must be a list")
        return ()
    choices = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict) or "code" not in entry:
            problems.append(f"{where}[{index}] must be an object with a code")
            continue
        code = entry["code"]
        if isinstance(code, bool) or not isinstance(code, (str, int)):
            problems.append(f"{where}[{index}]: code must be a string or an integer")
            continue
        if code in MISSING_CODES:
            problems.append(f"{where}[{index}]: {code!r} is reserved for missing values")
        choices.append(Choice(code=code, label=dict(entry.get("label") or {}),
                              retired=bool(entry.get("retired", False))))
    codes = [str(c.code) for c in choices]
    if len(set(codes)) != len(codes):
        problems.append(f"{where}: duplicate codes")
    return tuple(choices)


def _parse_item(raw: Any, where: str, problems: list[str]) -> Item | None:
    if not isinstance(raw, dict):
        problems.append(f"{where} must be an object")
        return None
    code, item_type = raw.get("code"), raw.get("type")
    if not isinstance(code, str) or not _CODE_RE.match(code):
        problems.append(f"{where}: code must be a non-empty column name (no space at its ends),"
                        f" not {code!r}")
        return None
    where = f"{where} ({code})"
    if item_type not in ITEM_TYPES:
        problems.append(f"{where}: type must be one of {sorted(ITEM_TYPES)}, not {item_type!r}")
        return None
    choices = _parse_choices(raw.get("choices"), f"{where}.choices", problems)
    points = raw.get("points")
    first = 1
    if item_type == "likert":
        # Any consecutive integer range: 1..5, 0..4, 0..10 (the lowest code is "first").
        first = raw.get("first", choices[0].code if choices else 1)
        if isinstance(first, bool) or not isinstance(first, int):
            problems.append(f"{where}: first must be an integer (the lowest code)")
            first = 1
        if not choices and isinstance(points, int):
            choices = tuple(Choice(code=i, label={}) for i in range(first, first + points))
        codes = [c.code for c in choices]
        if points is None:
            points = len(codes)
        if not isinstance(points, int) or codes != list(range(first, first + points)):
            problems.append(f"{where}: likert choices must be consecutive integers "
                            "(first..first + points - 1, e.g. 1..5 or 0..4)")
    elif item_type in ("single", "multiple") and not choices:
        problems.append(f"{where}: a {item_type} item needs choices")
    roster: tuple[Choice, ...] = ()
    rating_max = raw.get("rating_max")
    if item_type == "nomination":
        roster = _parse_choices(raw.get("roster"), f"{where}.roster", problems)
        if not roster and not raw.get("roster_by_team"):
            problems.append(f"{where}: a nomination item needs a non-empty roster")
        if rating_max is not None and (not isinstance(rating_max, int) or rating_max < 1):
            problems.append(f"{where}: rating_max must be a positive integer")
    return Item(
        code=code,
        type=item_type,
        section=str(raw.get("section", "")),
        text=dict(raw.get("text") or {}),
        choices=choices,
        points=points if item_type == "likert" else None,
        first=first,
        matrix=raw.get("matrix"),
        equity=bool(raw.get("equity", False)),
        roster=roster,
        rated=bool(raw.get("rated", False)),
        rating_max=rating_max,
        self_report=bool(raw.get("self", False)),
        roster_by_team=item_type == "nomination" and bool(raw.get("roster_by_team", False)),
    )


def _parse_scale(
    raw: Any, where: str, items: Mapping[str, Item], problems: list[str],
    refused: set[str] = frozenset(),  # type: ignore[assignment]
) -> Scale | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("code"), str):
        problems.append(f"{where} must be an object with a code")
        return None
    where = f"{where} ({raw['code']})"
    codes = raw.get("items")
    points = raw.get("points")
    if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
        problems.append(f"{where}: items must list item codes")
        return None
    known = [items[c] for c in codes if c in items]
    numeric = bool(known) and all(i.type in NUMERIC_TYPES for i in known)
    if numeric:
        # Scores (integer or decimal items): no response scale, so no points and no reversal.
        if points is not None:
            problems.append(f"{where}: points is for likert items; a scale of numeric items "
                            "(integer, decimal) has none")
        if raw.get("reverse"):
            problems.append(f"{where}: reverse needs likert items with points; reverse "
                            "numeric scores in the data")
        points = None
    elif len(codes) < 2:
        problems.append(f"{where}: a likert scale lists at least two items (a single score "
                        "is a scale of one integer or decimal item)")
        return None
    elif not isinstance(points, int) or points < 2:
        problems.append(f"{where}: points must be an integer >= 2 (the likert items' number of "
                        "options)")
        return None
    for code in codes:
        item = items.get(code)
        if code in refused:
            continue  # its own problem is already reported, once
        if item is None:
            problems.append(f"{where}: unknown item {code!r}")
        elif numeric and item.type not in NUMERIC_TYPES:
            problems.append(f"{where}: item {code!r} is not an integer or decimal item like the "
                            "scale's others")
        elif not numeric and (item.type != "likert" or item.points != points):
            problems.append(f"{where}: item {code!r} is not a likert item with {points} points")
        elif not numeric and item.first != known[0].first:
            problems.append(f"{where}: item {code!r} is coded from {item.first}, not from "
                            f"{known[0].first} like the scale's first item")
    reverse = [] if numeric else raw.get("reverse") or []
    if not set(reverse) <= set(codes):
        problems.append(f"{where}: reverse must be a subset of items")
    min_answered = raw.get("min_answered", len(codes))
    if not isinstance(min_answered, int) or not 1 <= min_answered <= len(codes):
        problems.append(f"{where}: min_answered must be between 1 and the number of items")
        min_answered = len(codes)
    return Scale(
        code=raw["code"],
        items=tuple(codes),
        points=points,
        min_answered=min_answered,
        reverse=tuple(reverse),
        construct=dict(raw.get("construct") or {}),
        reference=str(raw.get("reference", "")),
        first=known[0].first if known and not numeric else 1,
    )


def _choices_to_list(choices: tuple[Choice, ...]) -> list[dict[str, Any]]:
    return [{"code": c.code, "label": dict(c.label), **({"retired": True} if c.retired else {})}
            for c in choices]


def _codebook_to_dict(codebook: Codebook) -> dict[str, Any]:
    items = []
    for item in codebook.items:
        entry: dict[str, Any] = {
            "code": item.code,
            "type": item.type,
            "section": item.section,
            "text": dict(item.text),
        }
        if item.choices:
            entry["choices"] = _choices_to_list(item.choices)
        if item.type == "likert":
            entry["points"] = item.points
            if item.first != 1:
                entry["first"] = item.first
        if item.matrix:
            entry["matrix"] = item.matrix
        if item.equity:
            entry["equity"] = True
        if item.type == "nomination":
            entry["roster"] = _choices_to_list(item.roster)
            entry["rated"] = item.rated
            entry["self"] = item.self_report
            if item.rating_max is not None:
                entry["rating_max"] = item.rating_max
            if item.roster_by_team:
                entry["roster_by_team"] = True
        items.append(entry)
    return {
        "codebook_format": CODEBOOK_FORMAT,
        "questionnaire": codebook.questionnaire,
        "version": codebook.version,
        "version_label": codebook.version_label,
        "title": dict(codebook.title),
        "audience": codebook.audience,
        "languages": list(codebook.languages),
        "metadata_columns": list(codebook.metadata_columns),
        "missing_codes": list(codebook.missing_codes),
        **({"columns": dict(codebook.columns)} if codebook.columns else {}),
        **({"ignore_columns": list(codebook.ignore_columns)} if codebook.ignore_columns else {}),
        **({"team_rosters": {team: _choices_to_list(entries)
                              for team, entries in codebook.team_rosters.items()}}
           if codebook.team_rosters else {}),
        "items": items,
        "scales": [
            {
                "code": s.code,
                "items": list(s.items),
                "reverse": list(s.reverse),
                "points": s.points,
                "min_answered": s.min_answered,
                "construct": dict(s.construct),
                "reference": s.reference,
            }
            for s in codebook.scales
        ],
    }
