"""An export: the schema of a questionnaire across its versions plus a stream of its responses,
read as rows of cells (raw stored values) or of text cells safe for spreadsheets.

Everything is a generator: rows are read in batches and written as they come, so memory stays
flat whatever the number of responses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from analysis.output import FORMULA_PREFIXES, neutralise_formula

from .campaign import CampaignContext
from .schema import Schema, build_schema
from .source import ResponseRow, Selection, count_rows, response_rows, stored_versions

# The formula prefixes are single characters: a cell's first character tells.
assert all(len(p) == 1 for p in FORMULA_PREFIXES)
FORMULA_FIRST = frozenset(FORMULA_PREFIXES)
LABEL_SEPARATOR = "; "  # between labels of several choices (codes are space-separated)


@dataclass
class Export:
    schema: Schema
    rows: Callable[[], Iterable[ResponseRow]]  # called once per pass over the responses
    context: CampaignContext = field(default_factory=CampaignContext)
    count: Callable[[], int] | None = None
    selection: Selection | None = None  # what was selected (the long table of repeats reads it)

    @classmethod
    def of(cls, selection: Selection, panel_codes: bool = False) -> Export:
        """The export of a questionnaire's selected responses, from the database."""
        schema = build_schema(stored_versions(selection.questionnaire))
        ids = list(schema.plans)
        context = CampaignContext(panel_codes=panel_codes, version_ids=ids,
                                  evaluation_id=selection.evaluation_id)
        schema.team_rosters = context.team_rosters
        return cls(schema=schema, rows=lambda: response_rows(selection, ids), context=context,
                   count=lambda: count_rows(selection, ids), selection=selection)

    @property
    def header(self) -> list[str]:
        return self.schema.header

    def records(self) -> Iterator[list[Any]]:
        """One list of raw cells per response: the metadata, then every item column."""
        schema = self.schema
        code, audience = schema.questionnaire, schema.audience
        short = {v.id: v.short for v in schema.versions}
        context = self.context
        for row in self.rows():
            yield [row.id, code, short[row.version_id], audience, *context(row), row.language,
                   row.status, timestamp(row.started_at), timestamp(row.completed_at),
                   *schema.cells(row.version_id, row.answers or {})]


def timestamp(value: Any) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else None


# -- cells as text ------------------------------------------------------------------------


def code_text(value: Any) -> Any:
    """A stored value as the codebook's CSV cell: several codes space-separated, a rated
    nomination as ``code:rating`` tokens; text neutralised against formula injection. Numbers
    stay numbers (a negative number is not a formula)."""
    if isinstance(value, str):
        return neutralise_formula(value)
    if isinstance(value, list):
        return neutralise_formula(" ".join(str(v) for v in value))
    if isinstance(value, dict):
        return neutralise_formula(" ".join(f"{k}:{v}" for k, v in sorted(value.items())))
    if isinstance(value, bool):  # never stored by the app; shown as text, not 0/1
        return str(value).lower()
    return value


def label_text(value: Any, labels: dict[str, str] | None) -> Any:
    """A stored value with its choices' labels instead of their codes."""
    if labels is None or value is None:
        return code_text(value)
    if isinstance(value, list):
        text = LABEL_SEPARATOR.join(labels[str(v)] for v in value)
    elif isinstance(value, dict):
        text = LABEL_SEPARATOR.join(f"{labels[str(k)]}: {v}" for k, v in sorted(value.items()))
    else:
        text = labels[str(value)]
    return neutralise_formula(text)


def text_rows(export: Export, lang: str | None = None) -> Iterator[list[Any]]:
    """:meth:`Export.records` with every cell ready for a spreadsheet: codes (or labels in
    ``lang``), numbers as numbers, text neutralised."""
    width = len(export.header)
    first_item = width - len(export.schema.columns)
    if lang is None:
        first = FORMULA_FIRST
        for record in export.records():
            # Most cells are whole numbers, or text no spreadsheet would read as a formula:
            # tested inline, cheapest test first (no call per cell); the rest (decimals, empty
            # cells, lists, suspect text) goes through code_text.
            yield [c if (k := c.__class__) is int or (k is str and c[:1] not in first)
                   else code_text(c) for c in record]
        return
    book_labels = export.schema.labels(lang)
    labels: list[dict[str, str] | None] = [None] * first_item + [
        lab if (lab.item.choice_codes or lab.item.roster) else None for lab in book_labels]
    for record in export.records():
        yield [label_text(c, labels[n]) for n, c in enumerate(record)]


def long_rows(export: Export, lang: str | None = None) -> Iterator[list[Any]]:
    """(response id, item column, value) for every answered cell."""
    columns = export.header
    first_item = len(columns) - len(export.schema.columns)
    for record in text_rows(export, lang):
        response_id = record[0]
        for n in range(first_item, len(record)):
            value = record[n]
            if value is not None and value != "":
                yield [response_id, columns[n], value]
