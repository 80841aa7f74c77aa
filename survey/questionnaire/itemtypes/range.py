"""Range: a number between ``start`` and ``end`` in steps of ``step`` (XLSForm ``range``, with
``parameters`` such as ``start=0 end=10 step=1``).

Up to 11 whole values are shown as a row of choices, like a scale (a 0-10 slider on paper);
more, or fractions, as a number field with its bounds in words. Not an ``<input type=range>``:
a slider always carries a value, so an unanswered question could not be told from a
participant who left the thumb where it was, and it needs a steady hand on a phone. Stored as
a number (whole when start and step are whole).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..messages import N_, msg
from ..model import Choice, Item
from .base import Issue, ItemType, Pairs, Path, Reader, Refusal
from .typed import DECIMAL_RE, SPACES

PARAMETER_RE = re.compile(r"(\w+)\s*=\s*([^\s]+)")
DEFAULTS = {"start": 1, "end": 10, "step": 1}  # XLSForm's
MAX_TICKED = 11  # values shown as a row of choices (0 to 10); more: a number field


@dataclass(frozen=True)
class RangeSettings:
    start: float = 1
    end: float = 10
    step: float = 1

    @property
    def whole(self) -> bool:
        return float(self.start).is_integer() and float(self.step).is_integer()

    def number(self, value: float) -> int | float:
        return int(value) if self.whole else value


class Range(ItemType):
    name = "range"
    keys = frozenset({"start", "end", "step"})
    settings_type = RangeSettings
    refusals = {
        "decimal": Refusal(N_("Please enter a number, for example 2.5.")),
        "range": Refusal(N_("Please enter a number from %(start)s to %(end)s."),
                         numbers=("start", "end")),
        "range_step": Refusal(N_("Please enter a number from %(start)s to %(end)s, in steps of "
                                 "%(step)s."), numbers=("start", "end", "step")),
    }
    codebook_type = "decimal"  # "integer" when start and step are whole (see codebook)
    summarised_as = "numbers"
    xlsform_types = ("range",)
    xlsform_columns = {"parameters": "text"}

    def read(self, reader: Reader, entry: dict, path: Path, code: str) -> Any:
        values: dict[str, float] = {}
        for key, default in DEFAULTS.items():
            value = entry.get(key, default)
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not math.isfinite(value):
                reader.problem((*path, key), msg("'%(key)s' of '%(code)s' must be a number",
                                                 key=key, code=code))
                value = default
            values[key] = value
        if values["step"] <= 0 or values["start"] >= values["end"]:
            reader.problem(path, msg("range '%(code)s' needs start below end and a step above "
                                     "0", code=code))
            return RangeSettings()
        return RangeSettings(**values)

    def parse_text(self, item: Item, text: str) -> tuple[Any, Issue | None]:
        settings: RangeSettings = item.settings
        text = text.translate(SPACES)
        if not DECIMAL_RE.match(text):
            return None, Issue("decimal")
        number = float(text.replace(",", "."))
        bounds = {"start": settings.start, "end": settings.end, "step": settings.step}
        if not math.isfinite(number) or not settings.start <= number <= settings.end:
            return None, Issue("range", bounds)
        steps = (number - settings.start) / settings.step
        if abs(steps - round(steps)) > 1e-9:
            return None, Issue("range_step", bounds)
        return settings.number(number), None

    def positions(self, item: Item) -> tuple[Choice, ...]:
        """Every value, as choices to tick, when there are few whole ones (a 0-10 scale);
        none otherwise (the page then shows a number field)."""
        settings: RangeSettings = item.settings
        count = (settings.end - settings.start) / settings.step + 1
        if not settings.whole or not float(settings.end).is_integer() or count > MAX_TICKED:
            return ()
        return tuple(Choice(n, dict.fromkeys(item.text, str(n)))
                     for n in range(int(settings.start), int(settings.end) + 1,
                                    int(settings.step)))

    def example(self, item: Item, roster: tuple[Choice, ...]) -> Pairs:
        settings: RangeSettings = item.settings
        return [(item.code, str(settings.number(settings.start + settings.step)))]

    def codebook(self, item: Item, roster: tuple[Choice, ...]) -> list[dict[str, Any]]:
        settings: RangeSettings = item.settings
        [entry] = super().codebook(item, roster)
        return [{**entry, "type": "integer" if settings.whole else "decimal"}]

    def xlsform_read_extra(self, cells: Mapping[str, Any], entry: dict[str, Any],
                           languages: Sequence[str]) -> None:
        """``parameters``: ``start=0 end=10 step=1`` (each optional)."""
        text = entry.pop("parameters", None)
        for key, value in PARAMETER_RE.findall(str(text or "")):
            if key in DEFAULTS:
                try:
                    number = float(value)
                except ValueError:
                    entry[key] = value  # the loader says it is not a number, at its cell
                    continue
                entry[key] = int(number) if number.is_integer() else number

    def xlsform_cells(self, entry: Mapping[str, Any]) -> dict[str, Any]:
        parameters = " ".join(f"{key}={entry[key]}" for key in DEFAULTS if key in entry)
        return {"parameters": parameters} if parameters else {}
