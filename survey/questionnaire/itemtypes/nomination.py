"""Nomination: choose people or partner organisations from a roster (leadership networks).

The roster comes from the campaign (``roster: campaign``, with an optional definition roster as
fallback) or from the definition. Stored: the list of chosen entry codes, or, when each choice
is rated (``rating: <choice list>``), a mapping entry code -> rating code. ``self: true`` asks
a participant to pick themselves (one entry), so their own nominations can be left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..messages import N_, msg, words
from ..model import Choice, Item
from .base import (
    Issue,
    ItemType,
    Pairs,
    Path,
    RawValues,
    Reader,
    Refusal,
    codebook_base,
    posted,
)
from .choice import MANY_REFUSALS, list_values, pick_many


@dataclass(frozen=True)
class NominationSettings:
    roster: str | None = None  # "campaign" or a definition roster's name
    roster_fallback: str | None = None  # the definition roster a campaign without one uses
    rating: tuple[Choice, ...] = ()  # how much, for each chosen entry (none: not rated)
    self_pick: bool = False  # the participant picks themselves (one entry)
    max_choices: int | None = None


def rating_name(item: Item, entry: Choice) -> str:
    """The input that rates one chosen entry."""
    return f"{item.code}__{entry.key}"


class Nomination(ItemType):
    name = "nomination"
    keys = frozenset({"roster", "roster_fallback", "max", "rating", "self"})
    settings_type = NominationSettings
    refusals = {**MANY_REFUSALS, "rating_required": Refusal(N_(
        "Please say how much for each choice. Missing: %(entries)s."))}
    codebook_type = "nomination"
    needs_roster = True
    xlsform_types = ("select_multiple",)
    xlsform_marker = "roster"
    xlsform_columns = {"roster": "text", "roster_fallback": "text", "max": "int",
                       "rating": "text", "self": "flag"}

    def read(self, reader: Reader, entry: dict, path: Path, code: str) -> Any:
        roster = entry.get("roster")
        fallback = entry.get("roster_fallback")
        if roster != "campaign" and roster not in reader.rosters:
            reader.problem((*path, "roster"), msg(
                "roster of '%(code)s' must be 'campaign' or one of the rosters (%(names)s)",
                code=code, names=words(*sorted(reader.rosters)) or msg("none defined")))
        if fallback is not None and fallback not in reader.rosters:
            reader.problem((*path, "roster_fallback"), msg("unknown roster '%(name)s'",
                                                           name=fallback))
        rating: tuple[Choice, ...] = ()
        if "rating" in entry:
            name = entry["rating"]
            if not isinstance(name, str) or name not in reader.choice_lists:
                reader.problem((*path, "rating"), msg("'rating' of '%(code)s' must name a "
                                                      "choice list", code=code))
            else:
                rating = reader.choice_lists[name]
                if not all(isinstance(c.code, int) for c in rating):
                    reader.problem((*path, "rating"), msg("rating list '%(name)s' needs "
                                                          "whole-number codes", name=name))
        self_pick = reader.flag(entry, path, "self")
        maximum = reader.count(entry, path, "max")
        if self_pick and maximum != 1:
            reader.problem(path, msg("'%(code)s' has self: true, so it needs max: 1",
                                     code=code))
        if self_pick and rating:
            reader.problem(path, msg("'%(code)s' has self: true, so it cannot be rated",
                                     code=code))
        return NominationSettings(roster, fallback, rating, self_pick, maximum)

    def input_names(self, item: Item, roster: tuple[Choice, ...]) -> list[str]:
        if item.settings.rating:
            return [item.code, *(rating_name(item, entry) for entry in roster)]
        return [item.code]

    def parse(self, item: Item, raw: RawValues, roster: tuple[Choice, ...]
              ) -> tuple[Any, Issue | None]:
        """The chosen entries (rated: entry -> rating). Too many choices and missing ratings
        are reported together, so one try shows every problem."""
        settings = item.settings
        entries = {e.key: e for e in roster}
        ticked = posted(raw, item.code)
        chosen, issue = pick_many(item, ticked, {key: key for key in entries},
                                  settings.max_choices)
        problems = []
        if issue is not None and issue.reason == "too_many" and settings.rating:
            problems.append(issue)
            chosen = [key for key in entries if key in (ticked or ())]
        elif issue is not None or not isinstance(chosen, list) or not settings.rating:
            return chosen, issue
        ratings = {c.key: c.code for c in settings.rating}
        rated: dict[str, Any] = {}
        missing = []
        for key in chosen:
            given = posted(raw, rating_name(item, entries[key]))
            if given is None or len(given) > 1 or (given and given[0] not in ratings):
                return None, Issue("invalid")
            if not given:
                missing.append(entries[key].label)
            else:
                rated[key] = ratings[given[0]]
        if missing:
            problems.append(Issue("rating_required", {"entries": missing}))
        if problems:
            return None, problems[0] if len(problems) == 1 else Issue("several", {
                "issues": tuple(problems)})
        return rated, None

    def offered(self, item: Item, roster: tuple[Choice, ...]) -> tuple[Choice, ...]:
        return roster

    def form_values(self, item: Item, answers: Mapping[str, Any]) -> dict[str, list[str]]:
        value = answers.get(item.code)
        if isinstance(value, dict):  # a rated nomination
            values = {item.code: list(value)}
            for key, rating in value.items():
                values[f"{item.code}__{key}"] = [str(rating)]
            return values
        return list_values(item, answers)

    def example(self, item: Item, roster: tuple[Choice, ...]) -> Pairs:
        settings = item.settings
        count = 1 if settings.self_pick else min(2, settings.max_choices or 2)
        pairs = [(item.code, e.key) for e in roster[:count]]
        if settings.rating:
            pairs += [(rating_name(item, e), settings.rating[-1].key) for e in roster[:count]]
        return pairs

    def codebook(self, item: Item, roster: tuple[Choice, ...]) -> list[dict[str, Any]]:
        settings = item.settings
        entry: dict[str, Any] = {
            **codebook_base(item), "code": item.code, "type": self.codebook_type,
            "roster": [{"code": c.code, "label": dict(c.label)} for c in roster],
            "self": settings.self_pick, "rated": bool(settings.rating)}
        if settings.max_choices is not None:
            entry["max"] = settings.max_choices
        if settings.roster == "campaign":  # each team's roster: the export adds them
            entry["roster_by_team"] = True
        if settings.rating:
            entry["rating_max"] = max(int(c.code) for c in settings.rating)
        return [entry]
