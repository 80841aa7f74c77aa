"""Time of day: an hour and minutes on a 24-hour clock, stored as ``HH:MM`` text (XLSForm
``time``).

The page shows an ``<input type="time">``; without it (an old browser shows a text field) the
server reads what people type: ``14:30``, ``14:30:00`` (seconds dropped), ``9:30``, ``9h30``,
``9h``, ``9.30``. Stored as ``HH:MM``, so answers sort and compare as text in expressions
(``${arrival} > '12:00'``) and export as that text (SPSS: a TIME5 variable).
"""

from __future__ import annotations

import re
from typing import Any

from ..messages import N_, msg
from ..model import Choice, Item
from .base import Issue, ItemType, Pairs, Path, Reader, Refusal
from .typed import Limits

# hours, then minutes after ':', 'h' or '.', then optional seconds; or whole hours as "9h"
TIME_RE = re.compile(r"^(\d{1,2})\s*(?:[:hH.]\s*(\d{2})(?::(\d{2}))?|[hH])$")


def clock(text: str) -> str | None:
    """A typed time of day as ``HH:MM``, or None when it is not one."""
    match = TIME_RE.fullmatch(text.strip())
    if match is None:
        return None
    hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    if hours > 23 or minutes > 59 or seconds > 59:
        return None
    return f"{hours:02d}:{minutes:02d}"


class Time(ItemType):
    name = "time"
    keys = frozenset({"min", "max"})
    settings_type = Limits
    refusals = {
        "time": Refusal(N_("Please enter a time of day as hours:minutes, for example 14:30.")),
        "time_min": Refusal(N_("Please enter a time at or after %(min)s.")),
        "time_max": Refusal(N_("Please enter a time at or before %(max)s.")),
    }
    codebook_type = "time"
    summarised_as = "values"  # the most frequent times
    xlsform_types = ("time",)
    xlsform_columns = {"min": "text", "max": "text"}

    def read(self, reader: Reader, entry: dict, path: Path, code: str) -> Any:
        result: dict[str, Any] = {}
        for key, field in (("min", "minimum"), ("max", "maximum")):
            value = entry.get(key)
            if value is None:
                continue
            time = clock(str(value)) if isinstance(value, str) else None
            if time is None:
                reader.problem((*path, key), msg("'%(key)s' of '%(code)s' must be a time "
                                                 "HH:MM", key=key, code=code))
            else:
                result[field] = time
        if "minimum" in result and "maximum" in result and result["minimum"] > result["maximum"]:
            reader.problem(path, msg("'min' of '%(code)s' is above its 'max'", code=code))
        return Limits(**result)

    def parse_text(self, item: Item, text: str) -> tuple[Any, Issue | None]:
        if len(text) > 12:
            return None, Issue("time")
        value = clock(text)
        if value is None:
            return None, Issue("time")
        limits = item.settings
        if limits.minimum is not None and value < str(limits.minimum):
            return None, Issue("time_min", {"min": limits.minimum})
        if limits.maximum is not None and value > str(limits.maximum):
            return None, Issue("time_max", {"max": limits.maximum})
        return value, None

    def example(self, item: Item, roster: tuple[Choice, ...]) -> Pairs:
        return [(item.code, str(item.settings.minimum or "09:30"))]
