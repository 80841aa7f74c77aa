"""The wide CSV's fast path (``delimited.encode_plain``) writes exactly the csv module's bytes,
or declines: checked on hostile and ordinary cells, with both separators."""

from __future__ import annotations

import csv
import io
import random
from typing import Any

import pytest

from survey.exports.delimited import CsvOptions, csv_chunks, encode_plain

HOSTILE = ["", "null", "a,b", "a;b", 'say "hi"', "back\\slash", "line\nbreak", "cr\rhere",
           "\ttab", "[1,2]", "],[", "{x}", "true", "false", "1e+16", "e-mail", "1.5", "'=1+1",
           "café ☕", "\x01ctl", " lead", "trail ", "-3", "@SUM(A1)", "ﾟ", "𝄞"]
SCALARS: list[Any] = [None, 0, 1, -5, 2**40, 3, "aa", "dont_know", "2026-12-05", 0.5, -2.25,
                      1e16, 1e-5, 1234567890123456.7, True, False, [1, 2], {"a": 1}, 10**20,
                      float("nan")]


def written(rows: list[list[Any]], separator: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


@pytest.mark.parametrize("separator", [",", ";"])
def test_fast_path_matches_the_csv_module_or_declines(separator: str) -> None:
    rng = random.Random(24)
    used = 0
    for _ in range(3000):
        width = rng.randint(2, 8)
        rows = []
        for _ in range(rng.randint(1, 4)):
            rows.append([rng.choice(HOSTILE) if rng.random() < 0.15 else
                         rng.choice(SCALARS) if rng.random() < 0.3 else rng.randint(1, 5)
                         for _ in range(width)])
        fast = encode_plain(rows, separator.encode())
        if fast is not None:
            used += 1
            assert fast == written(rows, separator), rows
        if not any(cell != cell for row in rows for cell in row):  # no NaN: exports' rows
            told = encode_plain(rows, separator.encode(), finite=True)
            assert told is None or told == written(rows, separator), rows
    assert used > 300  # the fast path is taken for plain batches


def test_plain_batches_take_the_fast_path() -> None:
    rows = [[1, "bench", None, 3, "aa", "dont_know", "'=1+1", 2.5, "", -4] for _ in range(50)]
    assert encode_plain(rows) == written(rows)
    assert encode_plain([[None, 1], [None, "x"]]) == b",1\r\n,x\r\n"
    for declined in ([[True, 1]], [["a,b", 1]], [['"', 1]], [[1e16, 1]], [[[1], 2]], [["x"]]):
        assert encode_plain(declined) is None


def test_chunks_mix_both_paths_in_order() -> None:
    rows = [[n, "plain" if n % 3 else "has, comma", None] for n in range(1000)]
    data = b"".join(csv_chunks(["id", "text", "empty"], rows, CsvOptions()))
    assert data == written([["id", "text", "empty"], *rows])
