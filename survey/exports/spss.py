"""SPSS ``.sav`` export (pyreadstat): variable labels, value labels, and ``dont_know`` /
``prefer_not`` kept as user-missing values, so SPSS, jamovi and R read it with labels intact.

Likert, integer and decimal columns are numeric. Single-choice, yes/no and rank columns, and
nominations of one person (``max: 1``: who am I in the team), become numeric too, with value
labels: integer codes stay as they are, text codes are numbered 1, 2, ... in the codebook's
order (SPSS allows user-missing text values of 8 bytes at most, too short for ``dont_know``). A
column whose item offers special answers has them as -98 (``dont_know``) and -99
(``prefer_not``), labelled and declared user-missing. Several codes (multiple choice, nominations
of several people) and free text stay text; the roster codes of nominations are labelled in the
codebook and the XLSX export's ``rosters`` sheet. Every variable has its measure level (likert
and ranks ordinal, numbers scale, the rest nominal); dates and the start and completion times
are SPSS dates and date-times, times of
day SPSS times (TIME5).

pyreadstat writes from a whole data frame (ReadStat has no append mode), so this export holds
the selected responses in memory, one column at a time: numbers, dates and times as packed
doubles (8 bytes a cell; dates and times already in SPSS's seconds since 14 October 1582, so
pyreadstat needs no converted copy of the frame), text as a list of strings in which a repeated
text is one object (``_shared_text``). The frame is built on those arrays without copying them.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyreadstat

from analysis.codebook import CATEGORICAL_TYPES, NUMERIC_TYPES

from ..questionnaire.special import DATA_LABELS
from .cells import plain_text
from .frames import Export
from .schema import EXPORT_METADATA, pick

MISSING_NUMBERS = {"dont_know": -98, "prefer_not": -99}
MISSING_LABELS = DATA_LABELS
METADATA_LABELS = {
    "response_id": "Response id", "questionnaire": "Questionnaire", "version": "Version",
    "audience": "Audience", "evaluation": "Evaluation", "site": "Site", "wave": "Wave",
    "team": "Team", "panel_code": "Panel code", "language": "Language", "mode": "Mode",
    "wording": "Wording (standard, easy-read, mixed)", "status": "Status",
    "started_at": "Started (UTC)", "submitted_at": "Completed (UTC)",
}
RANK_LABELS = {"fr": "rang {n}", "en": "rank {n}"}
TIMES = ("started_at", "submitted_at")


PROGRESS_ROWS = 1000  # rows read between two calls of ``on_rows``


def write_sav(export: Export, path: str | Path, lang: str = "fr",
              on_rows: Callable[[int], object] | None = None) -> None:
    """The ``.sav`` file of the export at ``path``, row-compressed (SPSS's bytecode
    compression, which every reader of ``.sav`` files reads); ``on_rows`` is told the responses
    read so far, every ``PROGRESS_ROWS`` rows and once the file is written."""
    schema = export.schema
    missing_labels = MISSING_LABELS.get(lang, MISSING_LABELS["en"])
    coders: list[Callable[[Any], Any]] = [
        _number([]) if c == "response_id" else _datetime if c in TIMES else plain_text
        for c in EXPORT_METADATA]
    column_labels = [METADATA_LABELS[c] for c in EXPORT_METADATA]
    measure = {c: "scale" if c == "response_id" else "nominal" for c in EXPORT_METADATA}
    formats = {c: "DATETIME20" for c in TIMES}
    value_labels: dict[str, dict[Any, str]] = {}
    missing: dict[str, list[Any]] = {}
    for column, labels in zip(schema.columns, schema.labels(lang), strict=True):
        item, entry = labels.item, schema.entries[column]
        column_labels.append(_label(entry, lang, column))
        measure[column] = "nominal"
        special = [c for c in entry.get("special", ()) if c in MISSING_NUMBERS]
        if item.type == "likert" or item.type in NUMERIC_TYPES:
            numbers = {int(c): labels[str(c)] for c in item.choice_codes}
            coders.append(_number(special))
            measure[column] = "ordinal" if item.type == "likert" else "scale"
        elif item.type in CATEGORICAL_TYPES or _one_person(entry):
            codes = item.choice_codes or item.roster_codes
            number_of = ({str(c): int(c) for c in codes} if all(isinstance(c, int) for c in codes)
                         else {str(c): n for n, c in enumerate(codes, start=1)})
            numbers = {number_of[str(c)]: labels[str(c)] for c in codes}
            coders.append(_recoder(number_of, special))
            if "rank" in entry:
                measure[column] = "ordinal"
        elif item.type == "date":
            coders.append(_date)
            formats[column] = "EDATE10"
            continue
        elif item.type == "time":
            coders.append(_time)
            formats[column] = "TIME5"
            continue
        else:
            coders.append(plain_text)
            continue
        numbers.update({MISSING_NUMBERS[c]: missing_labels[c] for c in special})
        if numbers:
            value_labels[column] = numbers
        if special:
            missing[column] = [MISSING_NUMBERS[c] for c in special]
    # Numeric columns grow as packed doubles (8 bytes a cell, not a Python float in a list).
    columns: list[Any] = [[] if coder is plain_text else array("d") for coder in coders]
    coders = [_shared_text() if coder is plain_text else coder for coder in coders]
    read = 0
    for record in export.records():
        for values, coder, value in zip(columns, coders, record, strict=True):
            values.append(coder(value))
        read += 1
        if on_rows is not None and read % PROGRESS_ROWS == 0:
            on_rows(read)
    # copy=False: each column stays its own array (pandas would otherwise copy the numeric
    # columns into one block)
    frame = pd.DataFrame({
        name: np.frombuffer(values, dtype=float) if isinstance(values, array)
        else np.array(values, dtype=object)
        for name, values in zip(export.header, columns, strict=True)}, copy=False)
    del columns
    pyreadstat.write_sav(frame, str(path), column_labels=column_labels, row_compress=True,
                         variable_value_labels=value_labels, missing_ranges=missing,
                         variable_measure=measure, variable_format=formats)
    if on_rows is not None:
        on_rows(read)


def _label(entry: dict[str, Any], lang: str, column: str) -> str:
    """A variable's label: its question, with its rank for a ranking's columns."""
    text = pick(entry.get("text") or {}, lang, column)
    if "rank" in entry:
        text = f"{text} ({RANK_LABELS.get(lang, RANK_LABELS['en']).format(n=entry['rank'])})"
    return text[:255]


def _one_person(entry: dict[str, Any]) -> bool:
    """A nomination that names one entry only: a single code, labelled like a choice."""
    return (entry.get("type") == "nomination" and entry.get("max") == 1
            and not entry.get("rated"))


def _date(value: Any) -> float:
    """A date cell as stored (``YYYY-MM-DD``) in SPSS's seconds since 14 October 1582; any
    other value missing."""
    if isinstance(value, str) and len(value) == 10 and value[4] == value[7] == "-":
        try:
            return (dt.date.fromisoformat(value).toordinal() - SPSS_EPOCH.toordinal()) * 86400.0
        except ValueError:
            pass
    return np.nan


def _time(value: Any) -> float:
    """A time of day as stored (``HH:MM``) in SPSS's seconds since midnight; any other value
    (a special answer) missing."""
    if isinstance(value, str) and len(value) == 5 and value[2] == ":" \
            and value[:2].isdigit() and value[3:].isdigit():
        return int(value[:2]) * 3600.0 + int(value[3:]) * 60.0
    return np.nan


def _datetime(value: Any) -> float:
    """A time cell as exported (``YYYY-MM-DDTHH:MM:SSZ``) in SPSS's seconds since 14 October
    1582."""
    if not value:
        return np.nan
    return dt.datetime.fromisoformat(value).timestamp() + SPSS_SECONDS


SPSS_EPOCH = dt.date(1582, 10, 14)  # day 0 of SPSS's dates and times
SPSS_SECONDS = (dt.date(1970, 1, 1) - SPSS_EPOCH).total_seconds()  # SPSS's time at Unix's 0


DISTINCT_TEXTS = 5000  # distinct texts a column remembers (free text rarely repeats)


def _shared_text() -> Callable[[Any], str]:
    """:func:`plain_text` for one column, a text seen before returned as the same string
    object: a column of repeated texts (several codes, short answers) holds each once."""
    seen: dict[str, str] = {}

    def text(value: Any) -> str:
        cell = plain_text(value)
        kept = seen.get(cell)
        if kept is None:
            kept = cell
            if len(seen) < DISTINCT_TEXTS:
                seen[cell] = cell
        return kept

    return text


def _recoder(number_of: dict[str, int], special: list[str]) -> Callable[[Any], float]:
    """Codes to their numbers; the special answers the item offers to -98/-99, anything else
    (a code no version offered) to system-missing."""
    numbers = {**number_of, **{c: MISSING_NUMBERS[c] for c in special}}

    def code(value: Any) -> float:
        if value is None:
            return np.nan
        # a one-person nomination is stored as a list of one code
        return numbers.get(plain_text(value), np.nan)

    return code


def _number(special: list[str]) -> Callable[[Any], float]:
    """Numbers as they are; the special answers the item offers to -98/-99, other text (a
    special answer the item does not offer) to system-missing."""
    offered = {c: MISSING_NUMBERS[c] for c in special}

    def number(value: Any) -> float:
        if value is None:
            return np.nan
        if isinstance(value, str):
            if value in offered:
                return offered[value]
            try:
                return float(value)
            except ValueError:
                return np.nan
        return float(value)

    return number
