"""Calculate: a value computed from earlier answers, stored and exported, never shown.

``calculation`` is an expression of the questionnaire's language
(:mod:`survey.questionnaire.expressions`), evaluated when the page holding the item is saved,
on the answers given so far (earlier pages, and earlier items of the same page). ``result:
number`` stores a number (None when the calculation gives none); ``result: text``, the
default, stores the value as text, as XLSForm does. XLSForm: type ``calculate`` with the
``calculation`` column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import expressions
from ..messages import msg
from ..model import Choice, Expression, Item
from .base import Issue, ItemType, Path, RawValues, Reader

RESULTS = ("text", "number")


@dataclass(frozen=True)
class CalculateSettings:
    calculation: Expression | None = None
    result: str = "text"  # "text" or "number"


class Calculate(ItemType):
    name = "calculate"
    keys = frozenset({"calculation", "result"})
    settings_type = CalculateSettings
    takes_constraint = False
    shown = False
    codebook_type = "text"
    xlsform_types = ("calculate",)
    xlsform_columns = {"calculation": "expression", "result": "text"}

    def read(self, reader: Reader, entry: dict, path: Path, code: str) -> Any:
        calculation = reader.expression(entry, (*path, "calculation"), allow_dot=False)
        if calculation is None and "calculation" not in entry:
            reader.problem(path, msg("calculate '%(code)s' needs a calculation", code=code))
        result = entry.get("result", "text")
        if result not in RESULTS:
            reader.problem((*path, "result"), msg("'result' of '%(code)s' must be text or "
                                                  "number", code=code))
            result = "text"
        return CalculateSettings(calculation, result)

    def check(self, reader: Reader, item: Item, path: Path) -> None:
        super().check(reader, item, path)
        if item.required or item.special:
            reader.problem(path, msg("calculate '%(code)s' is computed: it cannot be required "
                                     "or have special answers", code=item.code))

    def input_names(self, item: Item, roster: tuple[Choice, ...]) -> list[str]:
        return []

    def answer(self, item: Item, raw: RawValues, roster: tuple[Choice, ...],
               context: Mapping[str, Any]) -> tuple[Any, Issue | None]:
        settings: CalculateSettings = item.settings
        if settings.calculation is None:
            return None, None
        value = expressions.evaluate(settings.calculation.tree, context)
        return self.stored(settings, value), None

    @staticmethod
    def stored(settings: CalculateSettings, value: Any) -> Any:
        """The computed value as stored: a number or None for ``result: number``, else text
        as the page's expressions write it (an empty result: None)."""
        if isinstance(value, list):  # selected codes, as XLSForm joins them
            value = " ".join(map(str, value))
        if isinstance(value, bool):
            value = int(value) if settings.result == "number" else str(value).lower()
        if settings.result == "number":  # numbers and numeric text, as the page's script reads
            number = expressions.as_number(value)
            if number is None:
                return None
            return int(number) if number.is_integer() and abs(number) <= 2**53 else number
        if isinstance(value, float) and value.is_integer() and abs(value) <= 2**53:
            value = int(value)
        return None if value is None or value == "" else str(value)

    def check_answer(self, item: Item, value: Any, context: Mapping[str, Any]) -> Issue | None:
        return None  # computed, never refused

    def summary(self, item: Item) -> str | None:
        """A number summarised as numbers; text counted by value, as categories."""
        return "numbers" if item.settings.result == "number" else "values"

    def computation(self, item: Item) -> Expression | None:
        return item.settings.calculation

    def script_data(self, item: Item) -> dict[str, Any] | None:
        settings: CalculateSettings = item.settings
        if settings.calculation is None:
            return None
        return {"calculate": settings.calculation.json, "result": settings.result}

    def form_values(self, item: Item, answers: Mapping[str, Any]) -> dict[str, list[str]]:
        return {}

    def codebook(self, item: Item, roster: tuple[Choice, ...]) -> list[dict[str, Any]]:
        [entry] = super().codebook(item, roster)
        settings: CalculateSettings = item.settings
        entry["type"] = "decimal" if settings.result == "number" else "text"
        return [entry]
