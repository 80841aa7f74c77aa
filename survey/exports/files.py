"""Every download format of an export written to a file: what a background job offers, and
what the results page sends of the formats that cannot be streamed (XLSX, SPSS, report).

Each format says its relative cost per cell (``COST``), against which a download's size is
weighed to decide whether it runs as a background job (``EXPORT_JOB_CELLS``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .delimited import CsvOptions, Progress, csv_long, csv_wide
from .frames import Export
from .repeats import csv_repeats
from .source import ResponseRow

FORMATS = ("csv", "csv-fr", "long", "repeats", "xlsx", "sav", "codebook", "indicators", "report")


@dataclass(frozen=True)
class Format:
    suffix: str  # of the file name, after "<questionnaire>-<evaluation>"
    mimetype: str
    cost: float  # per cell, against the wide CSV's 1


FORMAT = {
    "csv": Format(".csv", "text/csv; charset=utf-8", 1),
    "csv-fr": Format("-excel-fr.csv", "text/csv; charset=utf-8", 1.2),
    "long": Format("-long.csv", "text/csv; charset=utf-8", 1.5),
    "repeats": Format("-repeats.csv", "text/csv; charset=utf-8", 1.5),
    "xlsx": Format(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   10),
    "sav": Format(".sav", "application/x-spss-sav", 4),
    "codebook": Format(".codebook.json", "application/json", 0),
    "indicators": Format("-indicators.json", "application/json", 8),
    "report": Format("-report.html", "text/html", 10),
}


CSV = {"csv": csv_wide, "csv-fr": csv_wide, "long": csv_long, "repeats": csv_repeats}


def csv_options(fmt: str) -> CsvOptions:
    return CsvOptions(lang="fr", bom=True, separator=";") if fmt == "csv-fr" else CsvOptions()


def weight(fmt: str, rows: int, export: Export) -> float:
    """The download's size in wide-CSV cells."""
    return FORMAT[fmt].cost * rows * len(export.header)


# The formats whose writers report the responses they have written (one row per response).
ROW_WRITERS = frozenset({"csv", "csv-fr", "xlsx", "sav"})


def counting(export: Export, on_row: Progress) -> Export:
    """The export, calling ``on_row(n)`` as its n-th response is read (progress of the formats
    whose rows are not responses)."""
    rows = export.rows

    def counted() -> Iterator[ResponseRow]:
        for n, row in enumerate(rows(), start=1):
            if n % 100 == 0:
                on_row(n)
            yield row
    return dataclasses.replace(export, rows=counted)


def write(export: Export, fmt: str, path: Path, lang: str, min_group: int,
          on_rows: Progress | None = None) -> None:
    """Write the export as ``fmt`` to ``path`` (the caller renames it when complete);
    ``on_rows`` is told the rows written so far by the writers that write rows (progress,
    with no extra pass over the responses)."""
    if on_rows is not None and fmt not in ROW_WRITERS:
        export = counting(export, on_rows)
        on_rows = None
    if fmt in CSV:
        stream = (csv_wide(export, csv_options(fmt), on_rows=on_rows) if fmt in ROW_WRITERS
                  else CSV[fmt](export, csv_options(fmt)))
        with path.open("wb") as file:
            for chunk in stream:
                file.write(chunk)
    elif fmt == "codebook":
        from .codebooks import codebook_json

        path.write_text(codebook_json(export.schema), encoding="utf-8")
    elif fmt == "xlsx":
        from .workbook import write_xlsx

        write_xlsx(export, path, on_rows=on_rows)
    elif fmt == "sav":
        from .spss import write_sav

        write_sav(export, path, lang=lang, on_rows=on_rows)
    else:
        import shutil
        import tempfile

        from .indicators import write_analysis

        with tempfile.TemporaryDirectory(dir=path.parent) as folder:
            written = write_analysis(export, folder, lang=lang, min_group=min_group)
            key = "indicators.json" if fmt == "indicators" else "report.html"
            shutil.move(written[key], path)
        if fmt == "report" and export.selection is not None:
            from ..restitution.report import add_reactions

            add_reactions(path, export.selection, lang)
