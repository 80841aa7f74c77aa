"""An export: the schema of a questionnaire across its versions plus a stream of its responses,
read as rows of cells (raw stored values) or of text cells safe for spreadsheets.

Everything is a generator: rows are read in batches and written as they come, so memory stays
flat whatever the number of responses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .campaign import CampaignContext
from .cells import CellPlan, label_text
from .schema import Schema, build_schema
from .source import ResponseRow, Selection, count_rows, response_rows, stored_versions


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
        # Only a version with a repeated page stores answers that need flattening.
        flat = any(v.repeated for v in schema.versions)
        return cls(schema=schema,
                   rows=lambda: response_rows(selection, ids, flat=flat, prefetch=True),
                   context=context, count=lambda: count_rows(selection, ids), selection=selection)

    @property
    def header(self) -> list[str]:
        return self.schema.header

    def records(self) -> Iterator[list[Any]]:
        """One list of raw cells per response: the metadata, then every item column."""
        record = self.recorder()
        for row in self.rows():
            yield record(row)

    def recorder(self) -> Callable[[ResponseRow], list[Any]]:
        """The function that makes one response's raw cells (the metadata, then every item
        column), with what every row shares looked up once."""
        schema, context = self.schema, self.context
        code, audience = schema.questionnaire, schema.audience
        short = {v.id: v.short for v in schema.versions}
        cells = schema.cell_reader()

        def record(row: ResponseRow) -> list[Any]:
            return [row.id, code, short[row.version_id], audience, *context(row), row.language,
                    row.mode, row.wording, row.status, row.started_at, row.completed_at,
                    *cells(row.version_id, row.answers or {})]

        return record


def text_rows(export: Export, lang: str | None = None) -> Iterator[list[Any]]:
    """:meth:`Export.records` with every cell ready for a spreadsheet: codes (or labels in
    ``lang``), numbers as numbers, text neutralised (``cells``)."""
    record = export.recorder()
    if lang is None:
        code_cells = CellPlan.of(export.schema).code_cells
        for row in export.rows():
            yield code_cells(row.version_id, record(row))
        return
    width = len(export.header)
    first_item = width - len(export.schema.columns)
    book_labels = export.schema.labels(lang)
    labels: list[dict[str, str] | None] = [None] * first_item + [
        lab if (lab.item.choice_codes or lab.item.roster) else None for lab in book_labels]
    for row in export.rows():
        yield [label_text(c, labels[n]) for n, c in enumerate(record(row))]


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
