"""The dates of a follow-up series, pure: steps read from what a researcher types, a step's due
date from a person's baseline date, the local date of an instant, the week a list covers.

Due dates are whole days in the evaluation's time zone: a baseline completed at 23:30 in
Montréal counts from that day, even though it is already the next day in UTC.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from ..models.followup import DAYS, MONTHS, WEEKS

MAX_STEPS = 8  # later steps after the baseline: wave codes keep their order with one digit
MAX_DAYS = 3660  # ten years at most after the baseline

# Unit words typed in French or English (singular, plural, abbreviations), accents optional.
UNIT_WORDS = {
    DAYS: ("d", "day", "days", "j", "jour", "jours"),
    WEEKS: ("w", "wk", "week", "weeks", "sem", "semaine", "semaines"),
    MONTHS: ("m", "mo", "month", "months", "mois"),
}
_WORD_UNIT = {word: unit for unit, words in UNIT_WORDS.items() for word in words}
_STEP_RE = re.compile(r"^(\d{1,4})\s*([a-z]+)\.?$")
_APPROX_DAYS = {DAYS: 1, WEEKS: 7, MONTHS: 31}


@dataclass(frozen=True)
class Interval:
    amount: int
    unit: str

    @property
    def days_at_most(self) -> int:
        return self.amount * _APPROX_DAYS[self.unit]

    @property
    def tag(self) -> str:
        """Its short form in a wave code: ``3M``, ``2W``, ``90D``."""
        return f"{self.amount}{self.unit[0].upper()}"


class StepsError(ValueError):
    """Steps refused: ``code`` says why (``steps-empty``, ``step-unreadable``, ``steps-order``,
    ``steps-too-many``, ``step-too-far``), ``text`` names the step."""

    def __init__(self, code: str, text: str = "") -> None:
        super().__init__(code)
        self.code, self.text = code, text


def parse_steps(text: object) -> list[Interval]:
    """The later steps typed as ``3 months, 6 months`` (commas, semicolons or lines; French or
    English units): at least one, at most :data:`MAX_STEPS`, each later than the one before."""
    if not isinstance(text, str):
        raise StepsError("steps-empty")
    parts = [p.strip().lower() for p in re.split(r"[,;\n]", text) if p.strip()]
    if not parts:
        raise StepsError("steps-empty")
    if len(parts) > MAX_STEPS:
        raise StepsError("steps-too-many")
    steps: list[Interval] = []
    for part in parts:
        match = _STEP_RE.match(part)
        unit = _WORD_UNIT.get(match.group(2)) if match else None
        if match is None or unit is None or int(match.group(1)) < 1:
            raise StepsError("step-unreadable", part[:40])
        step = Interval(int(match.group(1)), unit)
        if step.days_at_most > MAX_DAYS:
            raise StepsError("step-too-far", part[:40])
        if steps and _sort_key(step) <= _sort_key(steps[-1]):
            raise StepsError("steps-order", part[:40])
        steps.append(step)
    return steps


def _sort_key(step: Interval) -> tuple[int, int]:
    """Order of steps: the earliest due date they can give, then the latest (1 month < 5 weeks)."""
    earliest = {DAYS: 1, WEEKS: 7, MONTHS: 28}[step.unit] * step.amount
    return earliest, step.days_at_most


def add_interval(start: dt.date, amount: int, unit: str) -> dt.date:
    """``start`` plus the interval: days and weeks exactly; months by the calendar, the day
    kept, or the month's last day when it has fewer (31 January + 1 month: 28 or 29 February)."""
    if unit == DAYS:
        return start + dt.timedelta(days=amount)
    if unit == WEEKS:
        return start + dt.timedelta(weeks=amount)
    if unit != MONTHS:
        raise ValueError(f"unknown unit {unit!r}")
    months = start.month - 1 + amount
    year, month = start.year + months // 12, months % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def local_date(moment: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The calendar date of an instant in the zone (UTC when naive, as stored)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone).date()


def week_end(today: dt.date) -> dt.date:
    """The Sunday ending ``today``'s week (weeks run Monday to Sunday)."""
    return today + dt.timedelta(days=6 - today.weekday())


def at_local(day: dt.date, hour: int, zone: ZoneInfo) -> dt.datetime:
    """``hour``:00 on ``day`` in the zone, as a UTC instant (a skipped hour reads as clocks do)."""
    return dt.datetime(day.year, day.month, day.day, hour).replace(tzinfo=zone).astimezone(dt.UTC)


def wave_code(series_code: str, position: int, step: Interval | None) -> str:
    """A step's wave code, sorted in step order: ``SP-0-T0``, ``SP-1-3M``, ``SP-2-6M`` (results
    compare consecutive waves in the order of their codes)."""
    return f"{series_code}-{position}-{step.tag if step else 'T0'}"
