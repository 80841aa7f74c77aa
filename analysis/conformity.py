"""Conformity to a reference framework, from a self-assessment's levels.

Each criterion is answered ``met``, ``partly`` (partly met), ``not_met`` or ``na`` (not
applicable). The conformity of a set of criteria is the share of the applicable ones that are
met, a partly met criterion counting as half:

    conformity = (met + partly / 2) / (met + partly + not_met)

Not applicable criteria, unanswered ones and special answers ("don't know") are left out of
both terms; with no applicable criterion the conformity is undefined (None). The progress
between two assessments is the difference of their conformity, in points of percentage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["LEVELS", "WEIGHTS", "Conformity", "conformity", "progress"]

LEVELS: tuple[str, ...] = ("met", "partly", "not_met", "na")
WEIGHTS: dict[str, float] = {"met": 1.0, "partly": 0.5, "not_met": 0.0}  # na: left out


@dataclass(frozen=True)
class Conformity:
    """The counts of each level among a set of criteria and their conformity (0-1)."""

    met: int = 0
    partly: int = 0
    not_met: int = 0
    na: int = 0
    unanswered: int = 0

    @property
    def applicable(self) -> int:
        return self.met + self.partly + self.not_met

    @property
    def share(self) -> float | None:
        """``(met + partly / 2) / applicable``; None without an applicable criterion."""
        if not self.applicable:
            return None
        return (self.met + self.partly * WEIGHTS["partly"]) / self.applicable

    @property
    def percent(self) -> float | None:
        share = self.share
        return None if share is None else round(100 * share, 1)


def conformity(levels: Iterable[Any]) -> Conformity:
    """The conformity of criteria given their levels (anything else counts as unanswered)."""
    counts = dict.fromkeys(LEVELS, 0)
    unanswered = 0
    for level in levels:
        if isinstance(level, str) and level in counts:
            counts[level] += 1
        else:
            unanswered += 1
    return Conformity(**counts, unanswered=unanswered)


def progress(before: Conformity | None, after: Conformity) -> float | None:
    """Points of percentage gained since the previous assessment (None when either is
    undefined)."""
    if before is None or before.percent is None or after.percent is None:
        return None
    return round(after.percent - before.percent, 1)
