"""CSV exports, streamed as UTF-8 byte chunks: wide (one row per response) and long (one row
per answered cell), with codes or labels, an optional BOM and ``;`` separators (what
French-Canadian Excel expects)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .cells import neutralise
from .frames import Export, long_rows, text_rows

CHUNK_ROWS = 200  # rows per yielded chunk
Progress = Callable[[int], object]  # told the number of rows written so far


@dataclass(frozen=True)
class CsvOptions:
    lang: str | None = None  # labels in this language; None: codes
    bom: bool = False
    separator: str = ","

    def __post_init__(self) -> None:
        if self.separator not in (",", ";"):
            raise ValueError("the separator is ',' or ';'")


def csv_wide(export: Export, options: CsvOptions = CsvOptions(),
             on_rows: Progress | None = None) -> Iterator[bytes]:
    """One row per response; ``on_rows`` is told the responses written after each chunk."""
    return csv_chunks(export.header, text_rows(export, options.lang), options, on_rows)


def csv_long(export: Export, options: CsvOptions = CsvOptions(),
             on_rows: Progress | None = None) -> Iterator[bytes]:
    """One row per answered cell; ``on_rows`` is told the rows written after each chunk."""
    return csv_chunks(["response_id", "item", "value"], long_rows(export, options.lang), options,
                      on_rows)


def csv_chunks(header: list[str], rows: Iterable[list[Any]], options: CsvOptions,
                on_rows: Progress | None = None) -> Iterator[bytes]:
    """The header, then ``CHUNK_ROWS`` rows at a time, as UTF-8 bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=options.separator, lineterminator="\r\n")
    if options.bom:
        buffer.write("\ufeff")
    writer.writerow([neutralise(c) for c in header])
    yield _drain(buffer)  # the header alone: the download starts before the first row is read
    writerows = writer.writerows
    written = 0
    batch: list[list[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK_ROWS:
            writerows(batch)
            written += len(batch)
            batch.clear()
            yield _drain(buffer)
            if on_rows is not None:
                on_rows(written)
    if batch:
        writerows(batch)
        written += len(batch)
        yield _drain(buffer)
    if on_rows is not None:
        on_rows(written)


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data
