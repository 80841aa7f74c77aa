"""Typed answers: whole numbers, decimals, short and long text, dates, and notes (no answer).

Each takes one typed value, or a special answer ticked below the field (not both).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from ..messages import msg
from ..model import Choice, Item
from .base import Issue, ItemType, Pairs, Path, Reader

INTEGER_RE = re.compile(r"^[+-]?\d{1,15}$")
DECIMAL_RE = re.compile(r"^[+-]?(\d{1,15}([.,]\d{0,10})?|[.,]\d{1,10})$")
SPACES = str.maketrans("", "", " \u00a0\u202f")  # thousands separators people type


class Integer(ItemType):
    name = "integer"
    keys = frozenset({"min", "max"})
    macro = "typed_item"
    codebook_type = "integer"
    number_type: type = int
    xlsform_types = ("integer",)
    xlsform_columns = {"min": "int", "max": "int"}

    def read(self, reader: Reader, entry: dict, path: Path, code: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, field in (("min", "minimum"), ("max", "maximum")):
            value = entry.get(key)
            if value is None:
                continue
            ok = (isinstance(value, int) if self.number_type is int
                  else isinstance(value, int | float))
            if isinstance(value, bool) or not ok:
                reader.problem((*path, key), msg("'%(key)s' of '%(code)s' must be a number",
                                                 key=key, code=code))
            else:
                result[field] = value
        if "minimum" in result and "maximum" in result and result["minimum"] > result["maximum"]:
            reader.problem(path, msg("'min' of '%(code)s' is above its 'max'", code=code))
        return result

    def parse_text(self, item: Item, text: str) -> tuple[Any, Issue | None]:
        text = text.translate(SPACES)
        if not INTEGER_RE.match(text):
            return None, Issue("integer")
        return self.within(item, int(text))

    def within(self, item: Item, number: float) -> tuple[Any, Issue | None]:
        if item.minimum is not None and number < item.minimum:
            return None, Issue("min", {"min": item.minimum})
        if item.maximum is not None and number > item.maximum:
            return None, Issue("max", {"max": item.maximum})
        return number, None

    def example(self, item: Item, roster: tuple[Choice, ...]) -> Pairs:
        low = item.minimum if item.minimum is not None else 0
        return [(item.code, str(int(max(low, min(2, item.maximum or 2)))))]


class Decimal(Integer):
    name = "decimal"
    codebook_type = "decimal"
    number_type = float
    xlsform_types = ("decimal",)
    xlsform_columns = {"min": "number", "max": "number"}

    def parse_text(self, item: Item, text: str) -> tuple[Any, Issue | None]:
        text = text.translate(SPACES)
        if not DECIMAL_RE.match(text):
            return None, Issue("decimal")
        number = float(text.replace(",", "."))
        if not math.isfinite(number):
            return None, Issue("decimal")
        return self.within(item, number)


class Text(ItemType):
    name = "text"
    keys = frozenset({"max_length"})
    macro = "typed_item"
    codebook_type = "text"
    limit = 200
    xlsform_types = ("text",)
    xlsform_columns = {"max_length": "int"}

    def read(self, reader: Reader, entry: dict, path: Path, code: str) -> dict[str, Any]:
        value = entry.get("max_length", self.limit)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= self.limit:
            reader.problem((*path, "max_length"), msg("'max_length' of '%(code)s' must be 1 "
                                                      "to %(limit)s", code=code,
                                                      limit=self.limit))
            value = self.limit
        return {"max_length": value}

    def parse_text(self, item: Item, text: str) -> tuple[Any, Issue | None]:
        limit = item.max_length or self.limit
        if len(text) > limit:
            return None, Issue("too_long", {"max": limit, "length": len(text)})
        return text, None

    def example(self, item: Item, roster: tuple[Choice, ...]) -> Pairs:
        return [(item.code, "Merci <b>beaucoup</b> & bravo")]


class LongText(Text):
    name = "textarea"
    codebook_type = "textarea"
    limit = 5000
    xlsform_appearance = "multiline"


class Date(ItemType):
    name = "date"
    keys = frozenset({"min", "max"})
    macro = "typed_item"
    codebook_type = "date"
    xlsform_types = ("date",)
    xlsform_columns = {"min": "text", "max": "text"}

    def read(self, reader: Reader, entry: dict, path: Path, code: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, field in (("min", "minimum"), ("max", "maximum")):
            value = entry.get(key)
            if value is None:
                continue
            try:
                result[field] = dt.date.fromisoformat(str(value)).isoformat()
            except ValueError:
                reader.problem((*path, key), msg("'%(key)s' of '%(code)s' must be a date "
                                                 "YYYY-MM-DD", key=key, code=code))
        return result

    def parse_text(self, item: Item, text: str) -> tuple[Any, Issue | None]:
        if len(text) != 10:
            return None, Issue("date")
        try:
            value = dt.date.fromisoformat(text).isoformat()
        except ValueError:
            return None, Issue("date")
        if item.minimum is not None and value < str(item.minimum):
            return None, Issue("date_min", {"min": item.minimum})
        if item.maximum is not None and value > str(item.maximum):
            return None, Issue("date_max", {"max": item.maximum})
        return value, None

    def example(self, item: Item, roster: tuple[Choice, ...]) -> Pairs:
        return [(item.code, str(item.minimum or dt.date.today().isoformat()))]


class Note(ItemType):
    """Text only: no answer, no data column."""

    name = "note"
    macro = "note_item"
    answerable = False
    xlsform_types = ("note",)
    takes_constraint = False

    def check(self, reader: Reader, item: Item, path: Path) -> None:
        if item.required or item.special or item.constraint:
            reader.problem(path, msg("note '%(code)s' only shows text: it cannot be required, "
                                     "have special answers or a constraint", code=item.code))
