"""CSV exports, streamed as UTF-8 byte chunks: wide (one row per response) and long (one row
per answered cell), with codes or labels, an optional BOM and ``;`` separators (what
French-Canadian Excel expects).

Rows are written a batch at a time. A batch whose cells are all whole numbers, empty cells and
plain text goes through ``orjson.dumps`` and a few byte replacements (:func:`encode_plain`), the
same bytes as the csv module writes, several times faster; any other batch (text holding a
separator, a quote, a line break or a control character, floats, booleans, nested values) is
written by the csv module.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

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
    return csv_chunks(export.header, text_rows(export, options.lang), options, on_rows,
                      finite=True)


def csv_long(export: Export, options: CsvOptions = CsvOptions(),
             on_rows: Progress | None = None) -> Iterator[bytes]:
    """One row per answered cell; ``on_rows`` is told the rows written after each chunk."""
    return csv_chunks(["response_id", "item", "value"], long_rows(export, options.lang), options,
                      on_rows, finite=True)


def csv_chunks(header: list[str], rows: Iterable[list[Any]], options: CsvOptions,
                on_rows: Progress | None = None, finite: bool = False) -> Iterator[bytes]:
    """The header, then ``CHUNK_ROWS`` rows at a time, as UTF-8 bytes. ``finite``: the rows
    hold no NaN or infinite float (responses' cells: answers decoded from JSON, which has
    neither, and metadata), so :func:`encode_plain` need not look for one."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=options.separator, lineterminator="\r\n")
    if options.bom:
        buffer.write("\ufeff")
    writer.writerow([neutralise(c) for c in header])
    yield _drain(buffer)  # the header alone: the download starts before the first row is read
    writerows, separator = writer.writerows, options.separator.encode()

    def encoded(batch: list[list[Any]]) -> bytes:
        data = encode_plain(batch, separator, finite)
        if data is None:
            writerows(batch)
            data = _drain(buffer)
        return data

    written = 0
    batch: list[list[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK_ROWS:
            yield encoded(batch)
            written += len(batch)
            batch = []
            if on_rows is not None:
                on_rows(written)
    if batch:
        yield encoded(batch)
        written += len(batch)
    if on_rows is not None:
        on_rows(written)


PLAIN_TYPES = frozenset({int, str, type(None), float})


def encode_plain(batch: list[list[Any]], separator: bytes = b",", finite: bool = False
                 ) -> bytes | None:
    """``batch`` as the csv module writes it (minimal quoting, ``\\r\\n``), or None when the
    batch holds a cell this fast path cannot vouch for (the caller then uses the csv module).

    ``orjson.dumps`` writes the batch as JSON at C speed. When every cell is a whole number,
    None, text or a float that both write alike, and the JSON has no backslash (no text holds a
    quote, a backslash or a control character), exactly one comma between cells and rows (no
    text holds a comma) and no ``;`` when it is the separator, every quote delimits text that
    needs no quoting in CSV: removing the quotes and ``null`` (an empty cell) and turning
    ``],[`` into line ends gives the csv module's bytes. Rows of one cell (written ``""`` when
    empty) are left to it. orjson writes a NaN or an infinity as ``null``, like None: unless
    the caller says the batch has none (``finite``), the ``null`` are counted against the
    Nones (a tenth of a wide export's time when it was done for every batch).
    """
    if not batch or min(map(len, batch)) < 2:
        return None
    try:
        data = orjson.dumps(batch, option=orjson.OPT_PASSTHROUGH_DATETIME
                            | orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATACLASS,
                            default=_refuse)
    except (orjson.JSONEncodeError, TypeError):
        return None
    if (b"\\" in data or (separator != b"," and separator in data)
            or data.count(b",") != sum(map(len, batch)) - 1):
        return None
    # Without ``.``, ``e+``, ``e-``, ``true``, ``false``, ``{``, with only the rows' brackets and
    # one ``null`` per None, orjson wrote no float, boolean or nested value: no need to look at
    # each cell's type.
    rows = len(batch)
    if (b"." in data or (b"+" in data and b"e+" in data) or b"e-" in data or b"true" in data
            or b"false" in data or b"{" in data or data.count(b"[") != rows + 1
            or (not finite and data.count(b"null") != sum(row.count(None) for row in batch))
            ) and not _plain_cells(batch):
        return None
    data = data[2:-2].replace(b"],[", b"\r\n").replace(b",null", b",")
    if b"\nnull" in data:
        data = data.replace(b"\nnull", b"\n")
    if data.startswith(b"null"):
        data = data[4:]
    data = data.translate(None, b'"')
    if separator != b",":
        data = data.replace(b",", separator)
    return data + b"\r\n"


def _plain_cells(batch: list[list[Any]]) -> bool:
    """Whether every cell is a whole number, None, text, or a float orjson writes as ``repr``
    does (fixed notation: from 1e-4 to 1e15, and zero); not a boolean, list or mapping."""
    kinds = set(map(type, itertools.chain.from_iterable(batch)))
    if not kinds <= PLAIN_TYPES:
        return False
    return float not in kinds or all(
        value == 0 or 1e-4 <= abs(value) < 1e15
        for value in itertools.chain.from_iterable(batch) if value.__class__ is float)


def _refuse(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is left to the csv module")


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data
