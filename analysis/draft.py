"""Draft a codebook from a CSV exported by another tool (R, SPSS via CSV, a spreadsheet).

``python -m analysis codebook DATA.csv --out draft.json`` reads the columns, guesses each one's
type from its values and writes a codebook to finish by hand: the evaluator checks the types,
adds labels and lists the scales (left empty here, since no data says which items belong
together). No ``audience`` is set: it names one of Proximité's own audiences, which outside data
are not, and is the evaluator's to add if they are. The guesses:

- the response id: a column named like an id (``id``, ``response_id``, R's unnamed row-name
  column...), else the first column whose cells are all filled and distinct;
- columns named like a metadata column (``site``, ``wave``, ``team``...) are that column; the
  team is also found under its usual other names (``GRP``, ``group``, ``equipe``, ``unit``...);
- whole numbers from 0 or 1 to at most 11 with at least three distinct values: a likert item
  coded from 0 (``"first": 0``) when a 0 is seen, else from 1, up to the largest value; other
  whole numbers with at most 10 distinct values, each
  seen twice on average: a single choice item; other whole numbers: integer; other numbers: decimal;
- text with at most 20 distinct values (and repeats): a single choice item; other text: text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.codebook import (
    CODEBOOK_FORMAT,
    METADATA_COLUMNS,
    MISSING_CODES,
    MISSING_MARKERS,
    parse_codebook,
)
from analysis.files import FileError, read_table

__all__ = [
    "ID_NAMES",
    "TEAM_NAMES",
    "MAX_LIKERT",
    "MAX_CHOICES",
    "DraftError",
    "draft_codebook",
    "write_draft",
]

ID_NAMES = ("response_id", "id", "respondent", "respondent_id", "participant", "subject", "subj",
            "case", "caseid", "row", "rownames")
# Names that say a column holds the respondent's team (multilevel's data sets use GRP, COMPID).
TEAM_NAMES = ("team", "team_id", "teamid", "team_code", "equipe", "équipe", "grp", "grpid",
              "group", "group_id", "groupid", "compid", "unit", "unit_id", "ward", "cluster")
MAX_LIKERT = 11
MAX_CHOICES = 20


class DraftError(ValueError):
    pass


def _is_row_names(name: str) -> bool:
    return name == "" or re.fullmatch(r"Unnamed: 0", name) is not None


def draft_codebook(raw: pd.DataFrame, name: str) -> tuple[dict[str, Any], list[str]]:
    """(codebook dict, notes for the evaluator) drafted from a raw frame of text cells."""
    notes: list[str] = []
    columns = [str(c) for c in raw.columns]
    lowered = {c.lower(): c for c in columns}
    roles: dict[str, str] = {}
    for role in METADATA_COLUMNS:
        if role in lowered:
            roles[role] = lowered[role]
    if "team" not in roles:
        team = next((c for c in columns if c.lower() in TEAM_NAMES), None)
        if team is not None:
            roles["team"] = team
    if "team" in roles:
        notes.append(f"team: column {roles['team']!r} (team means, rwg(j), ICC(1), ICC(2))")
    else:
        notes.append("team: none found; if a column gives each respondent's team, name it in "
                     "\"columns\": {\"team\": \"...\"}")
    if "response_id" not in roles:
        guess = next((c for c in columns if _is_row_names(c) or c.lower() in ID_NAMES), None)
        if guess is None:
            guess = next((c for c in columns if _unique_filled(raw[c])), None)
        if guess is None:
            raise DraftError("no column can serve as the response id (a column whose cells are "
                             "all filled and distinct): add one, e.g. the line number")
        roles["response_id"] = guess
        notes.append(f"response id: column {guess!r}")
    items = []
    for column in columns:
        if column in roles.values():
            continue
        items.append(_draft_item(column, raw[column]))
    kinds = pd.Series([i["type"] for i in items]).value_counts().to_dict() if items else {}
    notes.append("items: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
    notes.append("scales: none yet; list them under \"scales\" (see docs/analysis.md)")
    book = {
        "codebook_format": CODEBOOK_FORMAT,
        "questionnaire": name,
        "version": "1",
        "title": {"en": name, "fr": name},
        "languages": ["en", "fr"],
        "metadata_columns": list(METADATA_COLUMNS),
        "columns": {role: column for role, column in roles.items() if role != column},
        "missing_codes": list(MISSING_CODES),
        "items": items,
        "scales": [],
    }
    parse_codebook(book)  # the draft must itself be valid
    return book, notes


def _cells(column: pd.Series) -> pd.Series:
    values = column.astype(str).str.strip()
    return values[~values.isin(MISSING_MARKERS)]


def _unique_filled(column: pd.Series) -> bool:
    values = _cells(column)
    return len(values) == len(column) and values.is_unique


def _draft_item(code: str, column: pd.Series) -> dict[str, Any]:
    values = _cells(column)
    numbers = pd.to_numeric(values, errors="coerce")
    entry: dict[str, Any] = {"code": code, "text": {"en": code, "fr": code}}
    if len(values) and numbers.notna().all():
        whole = (numbers == numbers.round()).all()
        distinct = sorted(numbers.unique())
        if whole and distinct[0] >= 0 and distinct[-1] <= MAX_LIKERT and len(distinct) >= 3:
            first = 0 if distinct[0] == 0 else 1  # 0..4 or 1..5 (the lowest code may be unused)
            extra = {"first": 0} if first == 0 else {}
            return {**entry, "type": "likert", "points": int(distinct[-1]) - first + 1, **extra}
        if whole and len(distinct) <= 10 and len(values) >= 2 * len(distinct):
            return {**entry, "type": "single",
                    "choices": [{"code": int(v), "label": {"en": str(int(v)),
                                                           "fr": str(int(v))}}
                                for v in distinct]}
        return {**entry, "type": "integer" if whole else "decimal"}
    distinct = sorted(values.unique())
    if 0 < len(distinct) <= MAX_CHOICES and len(distinct) < len(values):
        return {**entry, "type": "single",
                "choices": [{"code": v, "label": {"en": v, "fr": v}} for v in distinct
                            if v not in MISSING_CODES]}
    return {**entry, "type": "text"}


def write_draft(data: Path, out: Path) -> list[str]:
    """Draft the codebook of ``data`` (CSV, .sav, .dta, .xlsx) into ``out``; the notes to
    print. SPSS and Stata value labels become the choices' labels, variable labels the items'
    texts."""
    try:
        table = read_table(data)
    except FileError as exc:
        raise DraftError(str(exc)) from exc
    raw = table.frame
    book, notes = draft_codebook(raw, Path(data).stem)
    for item in book["items"]:
        text = table.column_labels.get(item["code"])
        if text:
            item["text"] = {"en": text, "fr": text}
        labels = table.value_labels.get(item["code"], {})
        if labels and item["type"] == "likert" and "choices" not in item:
            first = item.get("first", 1)
            item["choices"] = [{"code": code, "label": {"en": str(code), "fr": str(code)}}
                               for code in range(first, first + item["points"])]
        for choice in item.get("choices", []):
            name = labels.get(str(choice["code"]))
            if name:
                choice["label"] = {"en": name, "fr": name}
    parse_codebook(book)
    out.write_text(json.dumps(book, ensure_ascii=False, indent=1), encoding="utf-8")
    described = {"csv2": "CSV with semicolons and decimal commas", "sav": "SPSS file",
                 "dta": "Stata file", "xlsx": "Excel workbook"}.get(table.file_format, "CSV")
    return [f"{len(raw)} lines, {len(raw.columns)} columns ({described})", *notes]
