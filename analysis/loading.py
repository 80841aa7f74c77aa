"""Read an export (CSV or frame) and check it against its codebook.

The result is the tidy frame every other module takes: metadata columns as strings, likert,
integer and decimal items as floats (NaN when missing), other items as strings (NA when missing).
Empty cells, the usual missing markers (``NA``, ``NaN``, ``.``...) and the codebook's missing codes
(``dont_know``, ``prefer_not``, or e.g. ``-99``) become missing values. Only ``response_id`` is
required among the metadata columns (renamed from the data's own names by the codebook's
``columns``); an absent or empty ``site`` or ``wave`` means one site, one wave. Every problem is
reported at once, naming the column and the CSV lines (the header is line 1).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.codebook import (
    CATEGORICAL_TYPES,
    MISSING_MARKERS,
    NUMERIC_TYPES,
    REQUIRED_COLUMNS,
    Codebook,
    Item,
)
from analysis.files import FileError, read_table

__all__ = [
    "MAX_LISTED",
    "ONE_SITE",
    "ONE_WAVE",
    "ExportError",
    "read_export",
    "prepare",
]

MAX_LISTED = 5
ONE_SITE = "1"
ONE_WAVE = "1"


class ExportError(ValueError):
    """The export does not match its codebook; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid export:\n  " + "\n  ".join(problems))


def read_export(path: str | Path, codebook: Codebook, ignore_unknown: bool = False
                ) -> pd.DataFrame:
    """Read an export and return the checked tidy frame: CSV (UTF-8 with or without BOM, or
    semicolons and decimal commas), SPSS ``.sav``, Stata ``.dta`` or ``.xlsx`` (see
    ``analysis.files``)."""
    try:
        raw = read_table(path).frame
    except FileError as exc:
        raise ExportError([str(exc)]) from exc
    return prepare(raw, codebook, ignore_unknown)


def prepare(raw: pd.DataFrame, codebook: Codebook, ignore_unknown: bool = False,
            set_aside: list[tuple[str, str]] | None = None) -> pd.DataFrame:
    """Check a raw export frame against the codebook and convert its columns.

    A column the codebook does not know is an error naming it, unless it is listed in the
    codebook's ``ignore_columns`` or ``ignore_unknown`` is true (then it is left out, with a
    warning naming it): a column silently dropped could be an item whose code was mistyped.

    With a ``set_aside`` list, an item column whose cells do not match the codebook is read as
    unanswered and its problems appended there as (column, problem) instead of refusing the
    whole export: what does not depend on it can still be computed (the app's results pages).
    """
    problems: list[str] = []
    # a frame of its own (the caller's is never changed), whose columns are let go as they are
    # converted: the raw and the converted frames never coexist whole
    raw = raw.reset_index(drop=True)
    raw.columns = [str(c) for c in raw.columns]
    if codebook.columns:
        absent_roles = {role: name for role, name in codebook.columns.items()
                        if name not in raw.columns}
        for role, name in absent_roles.items():
            problems.append(f"codebook columns: {role!r} is read from column {name!r}, "
                            "which the data does not have")
        raw = raw.rename(columns={name: role for role, name in codebook.columns.items()})
    columns = list(raw.columns)
    missing_meta = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing_meta:
        problems.append(
            f"missing column(s): {', '.join(missing_meta)} (name the data's own id column in the "
            "codebook: \"columns\": {\"response_id\": \"...\"})")
    known = {*codebook.metadata_columns, *codebook.item_codes, *codebook.ignore_columns}
    unknown = [c for c in columns if c not in known]
    if unknown and ignore_unknown:
        warnings.warn(f"column(s) not in the codebook, ignored: {', '.join(unknown)}",
                      stacklevel=2)
    elif unknown:
        problems.append(
            f"unknown column(s) not in the codebook of {codebook.questionnaire!r}: "
            + ", ".join(unknown) + " (add them to its items, list them in its "
            "\"ignore_columns\", or run with --ignore-unknown)"
        )
    absent = [c for c in codebook.item_codes if c not in columns]
    if absent:
        warnings.warn(
            f"item column(s) absent from the export, treated as unanswered: {', '.join(absent)}",
            stacklevel=2,
        )
    ids = _ids(raw)
    out: dict[str, pd.Series] = {}
    for column in codebook.metadata_columns:
        if column in columns:
            out[column] = _clean_text(raw.pop(column), MISSING_MARKERS)
        else:
            out[column] = pd.Series(pd.array([pd.NA] * len(raw), dtype="string"))
    for column, default in (("site", ONE_SITE), ("wave", ONE_WAVE)):
        if column in out:
            empty = out[column].isna()
            if empty.all():
                out[column] = out[column].fillna(default)
            elif empty.any():
                problems.append(f"column {column!r}: empty on {_where(empty, ids)} while other "
                                f"lines have one (fill it, or leave the whole column empty)")
    if "questionnaire" in out:
        other = out["questionnaire"].notna() & (out["questionnaire"] != codebook.questionnaire)
        if other.any():
            problems.append(
                f"column 'questionnaire': {_where(other, ids)} belong to another questionnaire "
                f"than {codebook.questionnaire!r}"
            )
    if "response_id" in out:
        rid = out["response_id"]
        if rid.isna().any():
            problems.append(f"column 'response_id': empty on {_where(rid.isna(), ids)}")
        dup = rid.notna() & rid.duplicated(keep=False)
        if dup.any():
            problems.append(f"column 'response_id': duplicate ids on {_where(dup, ids)}")
    for item in codebook.items:
        if item.code in columns:
            found: list[str] = []
            out[item.code] = _convert(raw.pop(item.code), item, codebook, ids, found)
            if found and set_aside is not None:
                set_aside.extend((item.code, problem) for problem in found)
                out[item.code] = _empty(item, len(raw))
            else:
                problems.extend(found)
        else:
            out[item.code] = _empty(item, len(raw))
    if problems:
        raise ExportError(problems)
    return pd.DataFrame(out, index=raw.index, copy=False)  # no second copy of every column


def _ids(raw: pd.DataFrame) -> pd.Series | None:
    return raw["response_id"].astype(str) if "response_id" in raw.columns else None


def _where(mask: pd.Series, ids: pd.Series | None, values: pd.Series | None = None) -> str:
    """'lines 3, 8 (response_id a, b; values 'x', 'y')' for the first rows where mask holds."""
    positions = np.flatnonzero(mask.to_numpy())
    shown = positions[:MAX_LISTED]
    text = "line" + ("s " if len(positions) > 1 else " ") + ", ".join(str(p + 2) for p in shown)
    if len(positions) > MAX_LISTED:
        text += f" and {len(positions) - MAX_LISTED} more"
    details = []
    if ids is not None:
        details.append("response_id " + ", ".join(ids.iloc[shown].astype(str)))
    if values is not None:
        details.append("values " + ", ".join(repr(str(v))[:40] for v in values.iloc[shown]))
    if details:
        text += " (" + "; ".join(details) + ")"
    return text


def _decode(column: pd.Series, missing_codes: tuple[str, ...]) -> tuple[np.ndarray, pd.Series]:
    """Factorize a column: (codes, cleaned distinct values), -1 where missing.

    Exports repeat a handful of distinct cells per column, so cleaning the distinct values and
    mapping back by code is far faster than string operations on every row.
    """
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    cleaned = pd.Series(np.asarray(uniques, dtype=object)).map(
        lambda v: _text(v).strip(), na_action="ignore"
    )
    missing = cleaned.isna() | (cleaned == "") | cleaned.isin(list(missing_codes))
    codes = np.where((codes >= 0) & ~missing.to_numpy()[np.maximum(codes, 0)], codes, -1)
    return codes, cleaned.astype(object)


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _as_code(value: str) -> str:
    """Codes written as numbers by pandas or R (``1.0``) are the integer code (``1``)."""
    try:
        number = float(value)
    except ValueError:
        return value
    return str(int(number)) if number.is_integer() and "." in value else value


def _clean_text(column: pd.Series, missing_codes: tuple[str, ...]) -> pd.Series:
    """Strings, stripped, with empty cells (and missing codes) as NA."""
    codes, cleaned = _decode(column, missing_codes)
    values = cleaned.to_numpy(dtype=object)
    out = np.where(codes >= 0, values[np.maximum(codes, 0)] if len(values) else None, None)
    return pd.Series(out, index=column.index, dtype="string")


def _empty(item: Item, n: int) -> pd.Series:
    if item.type == "likert" or item.type in NUMERIC_TYPES:
        return pd.Series(np.full(n, np.nan))
    return pd.Series(pd.array([pd.NA] * n, dtype="string"))


def _convert(
    column: pd.Series,
    item: Item,
    codebook: Codebook,
    ids: pd.Series | None,
    problems: list[str],
) -> pd.Series:
    if item.type == "likert" or item.type in NUMERIC_TYPES:
        return _numeric(column, item, codebook, ids, problems)
    codes, cleaned = _decode(column, codebook.missing_values)
    if item.type in (*CATEGORICAL_TYPES, "multiple", "nomination"):
        cleaned = cleaned.map(
            lambda v: " ".join(_as_code(t) for t in v.split(" ")), na_action="ignore")
    uniques = cleaned.to_numpy(dtype=object)
    text = pd.Series(
        np.where(codes >= 0, uniques[np.maximum(codes, 0)] if len(uniques) else None, None),
        index=column.index,
        dtype="string",
    )
    present = pd.Series(uniques, dtype="string")
    if item.type in CATEGORICAL_TYPES:
        allowed = {str(code) for code in item.choice_codes}
        bad_unique = present.notna() & ~present.isin(list(allowed))
    elif item.type == "multiple":
        allowed = {str(code) for code in item.choice_codes}
        bad_unique = _bad_tokens(present, allowed, rated=False)
    elif item.type == "nomination":
        allowed = set(item.roster_codes)
        if item.roster_by_team:  # a code of any team's roster (each team's are checked later)
            allowed |= {str(c.code) for entries in codebook.team_rosters.values()
                        for c in entries}
        bad_unique = _bad_tokens(present, allowed, rated=item.rated)
    elif item.type == "date":
        parsed = pd.to_datetime(present, format="%Y-%m-%d", errors="coerce")
        bad_unique = present.notna() & parsed.isna()
    elif item.type == "time":  # a time of day, HH:MM on a 24-hour clock
        times = present.str.fullmatch(r"([01]\d|2[0-3]):[0-5]\d").fillna(True).astype(bool)
        bad_unique = present.notna() & ~times
    else:
        return text
    bad = _rows(codes, bad_unique, column.index)
    if bad.any():
        problems.append(
            f"column {item.code!r} ({item.type}): unknown code(s) on {_where(bad, ids, text)}"
        )
    return text


def _rows(codes: np.ndarray, bad_unique: pd.Series, index: pd.Index) -> pd.Series:
    """Rows whose distinct value is flagged in ``bad_unique``."""
    flags = bad_unique.to_numpy(dtype=bool)
    if len(flags) == 0:
        return pd.Series(False, index=index)
    return pd.Series((codes >= 0) & flags[np.maximum(codes, 0)], index=index)


def _bad_tokens(text: pd.Series, allowed: set[str], rated: bool) -> pd.Series:
    """Rows with a space-separated token outside ``allowed`` (``code:rating`` when rated)."""
    tokens = text.dropna().str.split().explode().dropna()
    if tokens.empty:
        return pd.Series(False, index=text.index)
    if rated:
        parts = tokens.str.split(":", n=1, expand=True)
        codes = parts[0]
        ratings = pd.to_numeric(parts[1], errors="coerce") if parts.shape[1] > 1 else None
        ok = codes.isin(list(allowed))
        if ratings is not None:
            ok &= ratings.isna() | (ratings >= 0)
            ok &= parts[1].isna() | ratings.notna()
    else:
        ok = tokens.isin(list(allowed))
    bad_rows = ok[~ok].index.unique()
    return pd.Series(text.index.isin(bad_rows), index=text.index)


def _numeric(
    column: pd.Series,
    item: Item,
    codebook: Codebook,
    ids: pd.Series | None,
    problems: list[str],
) -> pd.Series:
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        values = column.astype(float)
        text = values.astype("string")
        bad_text = pd.Series(False, index=column.index)
    else:
        codes, cleaned = _decode(column, codebook.missing_values)
        numbers = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        numbers = numbers.copy()
        numbers[cleaned.isna().to_numpy()] = np.nan
        safe = np.maximum(codes, 0)
        values = pd.Series(
            np.where(codes >= 0, numbers[safe] if len(numbers) else np.nan, np.nan),
            index=column.index,
        )
        text = pd.Series(np.where(codes >= 0, cleaned.to_numpy()[safe] if len(cleaned) else "",
                                  ""), index=column.index)
        bad_text = pd.Series((codes >= 0) & np.isnan(values.to_numpy()), index=column.index)
    if bad_text.any():
        problems.append(
            f"column {item.code!r} ({item.type}): text in a numeric item on "
            f"{_where(bad_text, ids, text)}"
        )
    if item.type == "likert":
        last = item.first + (item.points or 0) - 1
        allowed = np.arange(item.first, last + 1, dtype=float)
        bad = values.notna() & ~values.isin(allowed)
        if bad.any():
            problems.append(
                f"column {item.code!r} (likert {item.first}..{last}): out-of-range answer on "
                f"{_where(bad, ids, text)}"
            )
    elif item.type == "integer":
        bad = values.notna() & (values != np.round(values))
        if bad.any():
            problems.append(
                f"column {item.code!r} (integer): not a whole number on "
                f"{_where(bad, ids, text)}"
            )
    return values
