"""Ranking: put choices in order of priority, all of them or the top ``max``.

Stored: the ordered list of choice codes (first = most important), so expressions use
``selected()`` and ``count-selected()`` on it as on a multiple choice. Data columns: one per rank
position, ``<code>_1``, ``<code>_2``, ... holding the code ranked there.

On the page, each choice has a "rank" select (1..N): it works without JavaScript, with a
keyboard and with a screen reader. Ranks left empty are not ranked; gaps close up (1, 3 reads as
1, 2); two choices given the same rank are refused with both named.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..messages import N_, NP_, msg
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
    codebook_choices,
    posted,
)

RANK_RE = re.compile(r"^[0-9]{1,3}$")


def rank_name(item: Item, choice: Choice) -> str:
    """The select that gives one choice its rank."""
    return f"{item.code}__{choice.key}"


@dataclass(frozen=True)
class RankingSettings:
    choices: tuple[Choice, ...] = ()
    max_choices: int | None = None  # how many to rank (None: all)


def positions(item: Item) -> int:
    """How many ranks there are: ``max``, or every choice."""
    return min(item.settings.max_choices or len(item.choices), len(item.choices))


class Ranking(ItemType):
    name = "ranking"
    keys = frozenset({"choices", "max"})
    settings_type = RankingSettings
    refusals = {
        "rank_shared": Refusal(N_("Please give each rank to one choice only: %(choices)s share "
                                  "rank %(rank)s.")),
        "rank_incomplete": Refusal(NP_("Please rank %(num)s choice.",
                                       "Please rank %(num)s choices."), count="count"),
    }
    codebook_type = "single"  # each rank position holds one choice code
    xlsform_types = ("rank",)
    xlsform_columns = {"max": "int"}

    def read(self, reader: Reader, entry: dict, path: Path, code: str) -> Any:
        choices = reader.choice_ref(entry, path)
        maximum = reader.count(entry, path, "max")
        if choices and len(choices) < 2:
            reader.problem(path, msg("ranking '%(code)s' needs at least 2 choices to put in "
                                     "order", code=code))
        if maximum is not None and choices and maximum > len(choices):
            reader.problem((*path, "max"), msg("'max' of '%(code)s' is more than its %(count)s "
                                               "choices", code=code, count=len(choices)))
        return RankingSettings(choices, maximum)

    def data_columns(self, item: Item) -> tuple[str, ...]:
        return tuple(f"{item.code}_{n}" for n in range(1, positions(item) + 1))

    def data_values(self, item: Item, answers: Mapping[str, Any]) -> dict[str, Any]:
        value = answers.get(item.code)
        columns = self.data_columns(item)
        if not isinstance(value, list):  # unanswered, or a special answer in every position
            return dict.fromkeys(columns, value)
        return {column: value[n] if n < len(value) else None
                for n, column in enumerate(columns)}

    def input_names(self, item: Item, roster: tuple[Choice, ...]) -> list[str]:
        return [item.code, *(rank_name(item, c) for c in item.choices)]

    def parse(self, item: Item, raw: RawValues, roster: tuple[Choice, ...]
              ) -> tuple[Any, Issue | None]:
        special = posted(raw, item.code)
        if special is None or len(special) > 1 or any(s not in item.special for s in special):
            return None, Issue("invalid")
        last = positions(item)
        ranks: dict[str, int] = {}  # choice key -> rank
        for choice in item.choices:
            given = posted(raw, rank_name(item, choice))
            if given is None or len(given) > 1:
                return None, Issue("invalid")
            if given:
                if not RANK_RE.match(given[0]) or not 1 <= int(given[0]) <= last:
                    return None, Issue("invalid")
                ranks[choice.key] = int(given[0])
        if special and ranks:
            return None, Issue("both", {"special": special[0]})
        if special:
            return special[0], None
        counts = Counter(ranks.values())
        shared = min((rank for rank, n in counts.items() if n > 1), default=None)
        if shared is not None:
            return None, Issue("rank_shared", {
                "rank": shared,
                "choices": [c.label for c in item.choices if ranks.get(c.key) == shared]})
        if not ranks:
            return None, None
        codes = {c.key: c.code for c in item.choices}
        return [codes[key] for key in sorted(ranks, key=ranks.__getitem__)], None

    def check_answer(self, item: Item, value: Any, context: Mapping[str, Any]) -> Issue | None:
        if item.required and isinstance(value, list) and len(value) < positions(item):
            return Issue("rank_incomplete", {"count": positions(item)})
        return super().check_answer(item, value, context)

    def form_values(self, item: Item, answers: Mapping[str, Any]) -> dict[str, list[str]]:
        value = answers.get(item.code)
        if isinstance(value, list):
            keys = {c.code: c.key for c in item.choices}
            return {f"{item.code}__{keys[code]}": [str(n)]
                    for n, code in enumerate(value, start=1) if code in keys}
        return {item.code: [str(value)]} if value is not None else {}

    def example(self, item: Item, roster: tuple[Choice, ...]) -> Pairs:
        ranked = list(reversed(item.choices))[:positions(item)]
        return [(rank_name(item, c), str(n)) for n, c in enumerate(ranked, start=1)]

    def codebook(self, item: Item, roster: tuple[Choice, ...]) -> list[dict[str, Any]]:
        base = codebook_base(item)
        return [{**base, "code": column, "type": self.codebook_type,
                 "choices": codebook_choices(item.choices), "ranking": item.code, "rank": n}
                for n, column in enumerate(self.data_columns(item), start=1)]
