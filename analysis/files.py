"""Read the data files evaluators have: CSV (comma, or semicolon with decimal commas as French
Excel and R's ``write.csv2`` write them), SPSS ``.sav``, Stata ``.dta`` and Excel ``.xlsx``.

Every reader returns the cells as text (missing cells empty), so that ``analysis.loading``
checks them one way whatever the format, and the value labels and variable labels that SPSS and
Stata files carry, for the codebook draft. SPSS and Stata files are read with pyreadstat
(user-defined missing values become missing), ``.xlsx`` with pandas and openpyxl.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "STATISTICAL",
    "SPREADSHEETS",
    "SEPARATORS",
    "FileError",
    "Table",
    "read_table",
]

STATISTICAL = (".sav", ".zsav", ".dta")
SPREADSHEETS = (".xlsx", ".xlsm")
SEPARATORS = (",", ";", "\t")
_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d+,\d+\s*$")
_NUMBER = re.compile(r"^\s*[-+]?\d+\s*$")


class FileError(ValueError):
    """The file cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class Table:
    """Cells as text (``""`` when missing), with what the file says about its columns.

    ``value_labels``: per column, the label of each code (SPSS and Stata); ``column_labels``:
    the variable labels (the question texts); ``file_format``: ``csv``, ``csv2`` (semicolons and
    decimal commas), ``sav``, ``dta`` or ``xlsx``.
    """

    frame: pd.DataFrame
    file_format: str
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    column_labels: dict[str, str] = field(default_factory=dict)


def read_table(path: str | Path) -> Table:
    """Read a data file by its extension (CSV for any other)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in STATISTICAL:
        return _read_statistical(path, suffix)
    if suffix in SPREADSHEETS:
        try:
            frame = pd.read_excel(path, dtype=object, sheet_name=0)
        except (ValueError, OSError, KeyError) as exc:
            raise FileError(f"{path}: cannot read as an Excel workbook ({exc})") from exc
        return Table(_as_text(frame), "xlsx")
    if suffix == ".xls":
        raise FileError(f"{path}: old Excel .xls files are not read; save it as .xlsx or CSV")
    return _read_csv(path)


def _read_csv(path: Path) -> Table:
    encoding = "utf-8-sig"
    try:
        head = _first_line(path, encoding)
    except UnicodeDecodeError:
        encoding = "cp1252"  # what French Excel writes for "CSV (séparateur : point-virgule)"
        head = _first_line(path, encoding)
    separator = max(SEPARATORS, key=head.count)
    separator = separator if head.count(separator) else ","
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding,
                            sep=separator, skipinitialspace=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise FileError(f"{path}: cannot read as CSV ({exc})") from exc
    if separator != ";":
        return Table(frame, "csv")
    # Semicolons: decimal commas (write.csv2, French Excel). In a column where every cell with a
    # digit is a number, some written 3,5, the commas become points; missing markers and codes
    # without digits (NA, dont_know) may sit beside them. Text columns are left alone.
    for column in frame.columns:
        cells = frame[column]
        numeric = cells[cells.str.contains(r"\d", regex=True)]
        comma = numeric.str.match(_DECIMAL_COMMA)
        if comma.any() and (comma | numeric.str.match(_NUMBER)).all():
            frame[column] = cells.str.replace(",", ".", regex=False)
    return Table(frame, "csv2")


def _first_line(path: Path, encoding: str) -> str:
    try:
        with path.open(encoding=encoding) as handle:
            return handle.readline()
    except OSError as exc:
        raise FileError(f"{path}: cannot read ({exc})") from exc


def _read_statistical(path: Path, suffix: str) -> Table:
    import pyreadstat  # a dependency of the package; imported here, only for these files

    reader = pyreadstat.read_dta if suffix == ".dta" else pyreadstat.read_sav
    try:
        frame, meta = reader(str(path), apply_value_formats=False, user_missing=False)
    except Exception as exc:  # noqa: BLE001 - pyreadstat raises its own exception types
        raise FileError(f"{path}: cannot read as {suffix[1:]} ({exc})") from exc
    labels = {}
    for column, mapping in (meta.variable_value_labels or {}).items():
        labels[column] = {_code(code): str(text) for code, text in mapping.items()}
    texts = {name: str(text) for name, text in zip(meta.column_names, meta.column_labels or [],
                                                   strict=False) if text}
    return Table(_as_text(frame), suffix.lstrip(".").replace("zsav", "sav"), labels, texts)


def _code(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _cell(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()  # a date cell of a spreadsheet: YYYY-MM-DD
    if isinstance(value, dt.date):
        return value.isoformat()
    return _code(value)


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as the text a CSV would hold: whole numbers without ``.0``, missing as ``""``."""
    out = {}
    for column in frame.columns:
        values = frame[column]
        text = values.map(_cell)
        out[str(column)] = text.astype(object)
    return pd.DataFrame(out, index=np.arange(len(frame)))
