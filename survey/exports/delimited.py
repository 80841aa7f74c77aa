"""CSV exports, streamed as UTF-8 byte chunks: wide (one row per response) and long (one row
per answered cell), with codes or labels, an optional BOM and ``;`` separators (what
French-Canadian Excel expects)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from analysis.output import neutralise_formula

from .frames import Export, long_rows, text_rows

CHUNK_ROWS = 200  # rows per yielded chunk


@dataclass(frozen=True)
class CsvOptions:
    lang: str | None = None  # labels in this language; None: codes
    bom: bool = False
    separator: str = ","

    def __post_init__(self) -> None:
        if self.separator not in (",", ";"):
            raise ValueError("the separator is ',' or ';'")


def csv_wide(export: Export, options: CsvOptions = CsvOptions()) -> Iterator[bytes]:
    return csv_chunks(export.header, text_rows(export, options.lang), options)


def csv_long(export: Export, options: CsvOptions = CsvOptions()) -> Iterator[bytes]:
    return csv_chunks(["response_id", "item", "value"], long_rows(export, options.lang), options)


def csv_chunks(header: list[str], rows: Iterable[list[Any]], options: CsvOptions
            ) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=options.separator, lineterminator="\r\n")
    if options.bom:
        buffer.write("\ufeff")
    writer.writerow([neutralise_formula(c) for c in header])
    writerows = writer.writerows
    batch: list[list[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK_ROWS:
            writerows(batch)
            batch.clear()
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    writerows(batch)
    yield buffer.getvalue().encode("utf-8")
