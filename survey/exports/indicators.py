"""The analysis library on a questionnaire's stored responses: the tidy frame it reads, its
indicators (CSV and JSON) and its self-contained HTML report, suppressed below the privacy
threshold."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analysis.codebook import Codebook, parse_codebook
from analysis.i18n import Note
from analysis.loading import prepare
from analysis.threads import one_blas_thread

from .cells import plain_text
from .frames import Export

if TYPE_CHECKING:  # analysis.indicators loads scipy: imported where it is used
    from analysis.indicators import Indicators


def analysis_frame(export: Export, set_aside: list[tuple[str, str]] | None = None
                   ) -> tuple[pd.DataFrame, Codebook]:
    """The checked tidy frame of the export and its codebook (``analysis.loading.prepare``);
    with ``set_aside``, columns that do not match the codebook are left out and listed there
    instead of refusing everything.

    The raw frame is built a column at a time from batches of rows, and every column holds one
    text object per distinct value (a likert column of 100,000 answers holds five)."""
    header = export.header
    columns: list[list[str]] = [[] for _ in header]
    texts = [TextMemo() for _ in header]
    batch: list[list[Any]] = []
    for record in export.records():
        batch.append(record)
        if len(batch) >= FRAME_BATCH:
            _extend(columns, texts, batch)
            batch.clear()
    _extend(columns, texts, batch)
    del texts, batch
    codebook = parse_codebook(export.schema.codebook())
    held = [_raw_frame(header, columns)]
    # prepare() is given the only reference to the raw frame, which it lets go column by
    # column as it converts them
    return prepare(held.pop(), codebook, set_aside=set_aside), codebook


def _raw_frame(header: Sequence[str], columns: list[list[str]]) -> pd.DataFrame:
    """The raw frame, one object array per column, each list freed as soon as it is copied
    (the lists and the frame never coexist whole: 20 MB less at 100,000 x 60), and never
    consolidated into one block (pandas would copy every column again)."""
    arrays: dict[str, np.ndarray] = {}
    for name in header:
        values = columns.pop(0)
        array = arrays[name] = np.empty(len(values), dtype=object)
        array[:] = values
        del values
    return pd.DataFrame(arrays, copy=False)


FRAME_BATCH = 2000  # rows turned into columns at a time


class TextMemo(dict):
    """``plain_text`` of the cells of one column, computed once per distinct value (a column
    holds numbers of one type, codes or text: never both ``1`` and ``True``, which a dict
    takes for one key)."""

    def __missing__(self, value: Any) -> str:
        text = self[value] = plain_text(value)
        return text


def _extend(columns: list[list[str]], texts: list[TextMemo], batch: list[list[Any]]) -> None:
    if not batch:
        return
    for values, memo, cells in zip(columns, texts, zip(*batch, strict=True), strict=True):
        start = len(values)
        try:
            values.extend(map(memo.__getitem__, cells))
        except TypeError:  # several codes (a list) or rated nominations: not hashable
            del values[start:]
            values.extend(map(plain_text, cells))


def analysis_frame_where(export: Export, only: tuple[str, str] | None = None,
                         set_aside: list[tuple[str, str]] | None = None
                         ) -> tuple[pd.DataFrame, Codebook]:
    """:func:`analysis_frame`; ``only`` (item, choice code) keeps the responses that gave that
    answer (the results pages' filter by an equity descriptor)."""
    frame, codebook = analysis_frame(export, set_aside)
    if only is not None:
        item, code = only
        frame = frame[frame[item].astype("string") == code]
    return frame, codebook


def indicators(export: Export, by: str | None = None, min_group: int = 5,
               comparison_sites: Sequence[str] = (),
               only: tuple[str, str] | None = None) -> Indicators:
    """The indicators of an export. A column whose answers do not match the codebook never
    takes the others down: it is set aside, with a note saying which and why."""
    from analysis.indicators import compute_indicators  # scipy and more: loaded when used

    set_aside: list[tuple[str, str]] = []
    frame, codebook = analysis_frame_where(export, only, set_aside)
    with one_blas_thread():
        computed = compute_indicators(frame, codebook, by=by, min_group=min_group,
                                      comparison_sites=comparison_sites)
    return with_set_aside(computed, set_aside)


def with_set_aside(computed: Indicators, set_aside: Sequence[tuple[str, str]]) -> Indicators:
    """The indicators with a note for each column left out of them."""
    if not set_aside:
        return computed
    notes = tuple(Note("note_column_set_aside", column=column, problem=problem)
                  for column, problem in set_aside)
    return replace(computed, notes=(*notes, *computed.notes))


def write_analysis(export: Export, out_dir: str | Path, lang: str = "fr", by: str | None = None,
                   min_group: int = 5, comparison_sites: Sequence[str] = (),
                   with_charts: bool = True) -> dict[str, Path]:
    """indicators.json, one CSV per table and report.html, as ``survey analyze`` writes them."""
    from analysis.report import write_outputs  # plotly: loaded when used

    computed = indicators(export, by=by, min_group=min_group, comparison_sites=comparison_sites)
    return write_outputs(computed, out_dir, lang=lang, with_charts=with_charts)
