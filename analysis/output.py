"""Writing tables safely: CSV cells neutralised against formula injection, JSON without NaN."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "FORMULA_PREFIXES",
    "neutralise_formula",
    "safe_frame",
    "write_csv",
    "jsonable",
    "write_json",
]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: Any) -> Any:
    """Prefix a text cell with ``'`` when a spreadsheet could read it as a formula.

    Numbers are left alone (a negative number is not text, and stays a number).
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) are neutralised."""
    out = frame.copy()
    for column in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_bool_dtype(
                out[column])):
            out[column] = out[column].map(
                lambda v: neutralise_formula(v if isinstance(v, str) or _isna(v) else str(v)),
                na_action="ignore",
            )
    out.columns = [neutralise_formula(str(c)) for c in out.columns]
    return out


def _isna(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write ``frame`` as UTF-8 CSV (with BOM, for spreadsheets) after neutralising formulas."""
    safe_frame(frame).to_csv(path, index=False, encoding="utf-8-sig")


def jsonable(value: Any) -> Any:
    """Convert numpy/pandas scalars and containers to plain JSON values (NaN/NA -> null)."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, pd.DataFrame):
        return [jsonable(r) for r in value.to_dict(orient="records")]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (str, int, bool)):
        return value
    if _isna(value):
        return None
    return str(value)


def write_json(data: Any, path: str | Path) -> None:
    Path(path).write_text(
        json.dumps(jsonable(data), ensure_ascii=False, indent=1, allow_nan=False), encoding="utf-8"
    )
