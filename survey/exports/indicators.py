"""The analysis library on a questionnaire's stored responses: the tidy frame it reads, its
indicators (CSV and JSON) and its self-contained HTML report, suppressed below the privacy
threshold."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.codebook import Codebook, parse_codebook
from analysis.indicators import Indicators, compute_indicators
from analysis.loading import prepare
from analysis.report import write_outputs

from .frames import Export


def plain_text(value: Any) -> str:
    """A stored value as the analysis library reads a CSV cell (no spreadsheet escaping)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if isinstance(value, dict):
        return " ".join(f"{k}:{v}" for k, v in sorted(value.items()))
    return str(value)


def analysis_frame(export: Export) -> tuple[pd.DataFrame, Codebook]:
    """The checked tidy frame of the export and its codebook (``analysis.loading.prepare``)."""
    header = export.header
    columns: list[list[str]] = [[] for _ in header]
    for record in export.records():
        for n, value in enumerate(record):
            columns[n].append(plain_text(value))
    raw = pd.DataFrame(dict(zip(header, columns, strict=True)), dtype=object)
    codebook = parse_codebook(export.schema.codebook())
    return prepare(raw, codebook), codebook


def analysis_frame_where(export: Export, only: tuple[str, str] | None = None
                         ) -> tuple[pd.DataFrame, Codebook]:
    """:func:`analysis_frame`; ``only`` (item, choice code) keeps the responses that gave that
    answer (the results pages' filter by an equity descriptor)."""
    frame, codebook = analysis_frame(export)
    if only is not None:
        item, code = only
        frame = frame[frame[item].astype("string") == code]
    return frame, codebook


def indicators(export: Export, by: str | None = None, min_group: int = 5,
               comparison_sites: Sequence[str] = (),
               only: tuple[str, str] | None = None) -> Indicators:
    frame, codebook = analysis_frame_where(export, only)
    return compute_indicators(frame, codebook, by=by, min_group=min_group,
                              comparison_sites=comparison_sites)


def write_analysis(export: Export, out_dir: str | Path, lang: str = "fr", by: str | None = None,
                   min_group: int = 5, comparison_sites: Sequence[str] = (),
                   with_charts: bool = True) -> dict[str, Path]:
    """indicators.json, one CSV per table and report.html, as ``survey analyze`` writes them."""
    computed = indicators(export, by=by, min_group=min_group, comparison_sites=comparison_sites)
    return write_outputs(computed, out_dir, lang=lang, with_charts=with_charts)
