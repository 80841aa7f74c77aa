"""SPSS ``.sav`` export (pyreadstat): variable labels, value labels, and ``dont_know`` /
``prefer_not`` kept as user-missing values, so SPSS, jamovi and R read it with labels intact.

Likert, integer and decimal columns are numeric. Single-choice and yes/no columns become numeric
too, with value labels: integer codes stay as they are, text codes are numbered 1, 2, ... in the
codebook's order (SPSS allows user-missing text values of 8 bytes at most, too short for
``dont_know``). In every numeric column the special answers are -98 (``dont_know``) and -99
(``prefer_not``), declared user-missing. Several codes (multiple choice, nominations) and free
text stay text.

pyreadstat writes from a whole data frame (ReadStat has no append mode), so this export holds
the selected responses in memory, one typed column at a time: 8 bytes per numeric cell.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyreadstat

from analysis.codebook import CATEGORICAL_TYPES, MISSING_CODES, NUMERIC_TYPES

from .frames import Export
from .indicators import plain_text
from .schema import EXPORT_METADATA, pick

MISSING_NUMBERS = {"dont_know": -98, "prefer_not": -99}
MISSING_LABELS = {"fr": {"dont_know": "Ne sais pas", "prefer_not": "Préfère ne pas répondre"},
                  "en": {"dont_know": "Don't know", "prefer_not": "Prefer not to say"}}
METADATA_LABELS = {
    "response_id": "Response id", "questionnaire": "Questionnaire", "version": "Version",
    "audience": "Audience", "evaluation": "Evaluation", "site": "Site", "wave": "Wave",
    "team": "Team", "panel_code": "Panel code", "language": "Language", "status": "Status",
    "started_at": "Started (UTC)", "submitted_at": "Completed (UTC)",
}


def write_sav(export: Export, path: str | Path, lang: str = "fr") -> None:
    schema = export.schema
    missing_labels = MISSING_LABELS.get(lang, MISSING_LABELS["en"])
    coders: list[Callable[[Any], Any]] = [_float] + [plain_text] * (len(EXPORT_METADATA) - 1)
    column_labels = [METADATA_LABELS[c] for c in EXPORT_METADATA]
    value_labels: dict[str, dict[Any, str]] = {}
    missing: dict[str, list[Any]] = {}
    for column, labels in zip(schema.columns, schema.labels(lang), strict=True):
        item = labels.item
        column_labels.append(pick(item.text, lang, column)[:255])
        if item.type == "likert" or item.type in NUMERIC_TYPES:
            numbers = {int(c): labels[str(c)] for c in item.choice_codes}
            coders.append(_float)
        elif item.type in CATEGORICAL_TYPES:
            codes = item.choice_codes
            number_of = ({str(c): int(c) for c in codes} if all(isinstance(c, int) for c in codes)
                         else {str(c): n for n, c in enumerate(codes, start=1)})
            numbers = {number_of[str(c)]: labels[str(c)] for c in codes}
            coders.append(_recoder(number_of))
        else:
            coders.append(plain_text)
            continue
        numbers.update({MISSING_NUMBERS[c]: missing_labels[c] for c in MISSING_CODES})
        value_labels[column] = numbers
        missing[column] = list(MISSING_NUMBERS.values())
    # Numeric columns grow as packed doubles (8 bytes a cell, not a Python float in a list).
    columns: list[Any] = [[] if coder is plain_text else array("d") for coder in coders]
    for record in export.records():
        for values, coder, value in zip(columns, coders, record, strict=True):
            values.append(coder(value))
    frame = pd.DataFrame({
        name: (np.frombuffer(values, dtype=float) if coder is not plain_text
               else pd.Series(values, dtype=object))
        for name, coder, values in zip(export.header, coders, columns, strict=True)})
    del columns
    pyreadstat.write_sav(frame, str(path), column_labels=column_labels,
                         variable_value_labels=value_labels, missing_ranges=missing)


def _float(value: Any) -> float:
    if value is None:
        return np.nan
    if isinstance(value, str):
        if value in MISSING_NUMBERS:
            return MISSING_NUMBERS[value]
        try:
            return float(value)
        except ValueError:
            return np.nan
    return float(value)


def _recoder(number_of: dict[str, int]) -> Callable[[Any], float]:
    def code(value: Any) -> float:
        if value is None:
            return np.nan
        text = str(value)
        if text in MISSING_NUMBERS:
            return MISSING_NUMBERS[text]
        return number_of.get(text, np.nan)

    return code
