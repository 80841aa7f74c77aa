"""Typed answers: whole numbers, decimals, short and long text, dates, and notes (no answer).

Each takes one typed value, or a special answer ticked below the field (not both).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

from ..messages import N_, msg
from ..model import Choice, Item
from .base import Issue, ItemType, Pairs, Path, Reader, Refusal

INTEGER_RE = re.compile(r"^[+-]?\d{1,15}$")
DECIMAL_RE = re.compile(r"^[+-]?(\d{1,15}([.,]\d{0,10})?|[.,]\d{1,10})$")
SPACES = str.maketrans("", "", " \u00a0\u202f")  # thousands separators people type


@dataclass(frozen=True)
class Limits:
    """A number's or a date's bounds (a date as YYYY-MM-DD)."""

    minimum: float | str | None = None
    maximum: float | str | None = None


@dataclass(frozen=True)
class TextSettings:
    max_length: int | None = None


NUMBER_LIMITS = {
    "min": Refusal(N_("Please enter a number of at least %(min)s."), numbers=("min",)),
    "max": Refusal(N_("Please enter a number of at most %(max)s."), numbers=("max",)),
}


class Integer(ItemType):
    name = "integer"
    keys = frozenset({"min", "max"})
    settings_type = Limits
    refusals = {"integer": Refusal(N_("Please enter a whole number, for example 3.")),
                **NUMBER_LIMITS}
    codebook_type = "integer"
    summarised_as = "numbers"  # decimal too
    number_type: type = int
    xlsform_types = ("integer",)
    xlsform_columns = {"min": "int", "max": "int"}

    def read(self, reader: Reader, entry: dict, path: Path, code: str) -> Any:
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
        return Limits(**result)

    def parse_text(self, item: Item, text: str) -> tuple[Any, Issue | None]:
        text = text.translate(SPACES)
        if not INTEGER_RE.match(text):
            return None, Issue("integer")
        return self.within(item, int(text))

    def within(self, item: Item, number: float) -> tuple[Any, Issue | None]:
        limits = item.settings
        if limits.minimum is not None and number < limits.minimum:
            return None, Issue("min", {"min": limits.minimum})
        if limits.maximum is not None and number > limits.maximum:
            return None, Issue("max", {"max": limits.maximum})
        return number, None

    def example(self, item: Item, roster: tuple[Choice, ...]) -> Pairs:
        limits = item.settings
        low = limits.minimum if limits.minimum is not None else 0
        return [(item.code, str(int(max(low, min(2, limits.maximum or 2)))))]


class Decimal(Integer):
    name = "decimal"
    refusals = {"decimal": Refusal(N_("Please enter a number, for example 2.5.")),
                **NUMBER_LIMITS}
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
    settings_type = TextSettings
    refusals = {"too_long": Refusal(N_("Please shorten your answer to %(max)s characters (it "
                                       "has %(length)s)."))}
    free_text = True
    codebook_type = "text"
    limit = 200
    xlsform_types = ("text",)
    xlsform_columns = {"max_length": "int"}

    def read(self, reader: Reader, entry: dict, path: Path, code: str) -> Any:
        value = entry.get("max_length", self.limit)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= self.limit:
            reader.problem((*path, "max_length"), msg("'max_length' of '%(code)s' must be 1 "
                                                      "to %(limit)s", code=code,
                                                      limit=self.limit))
            value = self.limit
        return TextSettings(value)

    def parse_text(self, item: Item, text: str) -> tuple[Any, Issue | None]:
        limit = item.settings.max_length or self.limit
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
    settings_type = Limits
    refusals = {
        "date": Refusal(N_("Please enter a date as year-month-day, for example 2026-03-31.")),
        "date_min": Refusal(N_("Please enter a date on or after %(min)s.")),
        "date_max": Refusal(N_("Please enter a date on or before %(max)s.")),
    }
    codebook_type = "date"
    summarised_as = "values"
    xlsform_types = ("date",)
    xlsform_columns = {"min": "text", "max": "text"}

    def read(self, reader: Reader, entry: dict, path: Path, code: str) -> Any:
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
        return Limits(**result)

    def parse_text(self, item: Item, text: str) -> tuple[Any, Issue | None]:
        if len(text) != 10:
            return None, Issue("date")
        try:
            value = dt.date.fromisoformat(text).isoformat()
        except ValueError:
            return None, Issue("date")
        limits = item.settings
        if limits.minimum is not None and value < str(limits.minimum):
            return None, Issue("date_min", {"min": limits.minimum})
        if limits.maximum is not None and value > str(limits.maximum):
            return None, Issue("date_max", {"max": limits.maximum})
        return value, None

    def example(self, item: Item, roster: tuple[Choice, ...]) -> Pairs:
        return [(item.code, str(item.settings.minimum or dt.date.today().isoformat()))]


class Note(ItemType):
    """Text only: no answer, no data column."""

    name = "note"
    answerable = False
    xlsform_types = ("note",)
    takes_constraint = False

    def check(self, reader: Reader, item: Item, path: Path) -> None:
        if item.required or item.special or item.constraint:
            reader.problem(path, msg("note '%(code)s' only shows text: it cannot be required, "
                                     "have special answers or a constraint", code=item.code))
