"""Choice items: single choice, multiple choice, Likert, yes/no.

Posted values are choice codes as text (``Choice.key``); stored values are the codes themselves
(numbers stay numbers), a list of codes for multiple choice, or a special answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..messages import N_, NP_, msg
from ..model import Choice, Item
from .base import (
    Issue,
    ItemType,
    NoSettings,
    Pairs,
    Path,
    RawValues,
    Reader,
    Refusal,
    codebook_base,
    codebook_choices,
    posted,
)


def pick_one(item: Item, values: list[str] | None, codes: Mapping[str, Any]
             ) -> tuple[Any, Issue | None]:
    """One ticked radio: a known code or a special answer of the item."""
    if values is None or len(values) > 1:
        return None, Issue("invalid")
    if not values:
        return None, None
    value = values[0]
    if value in item.special:
        return value, None
    if value not in codes:
        return None, Issue("invalid")
    return codes[value], None


@dataclass(frozen=True)
class ChoiceSettings:
    choices: tuple[Choice, ...] = ()


@dataclass(frozen=True)
class LikertSettings:
    choices: tuple[Choice, ...] = ()
    anchors: Mapping[str, tuple[str, str]] | None = None  # language -> (low, high)


@dataclass(frozen=True)
class MultipleSettings:
    choices: tuple[Choice, ...] = ()
    max_choices: int | None = None
    exclusive: tuple[str, ...] = ()


MANY_REFUSALS = {
    "too_many": Refusal(NP_("Please choose at most %(num)s answer.",
                            "Please choose at most %(num)s answers."), count="max"),
    "exclusive": Refusal(N_("This answer cannot be combined with others: please choose "
                            "again.")),
}


def pick_many(item: Item, values: list[str] | None, allowed: Mapping[str, Any],
              maximum: int | None = None, exclusive: Sequence[str] = ()
              ) -> tuple[Any, Issue | None]:
    """Several ticked boxes: a special answer alone, or known codes within the limits, in the
    order they are offered."""
    if values is None:
        return None, Issue("invalid")
    if not values:
        return None, None
    values = list(dict.fromkeys(values))
    special = [v for v in values if v in item.special]
    if special:
        return (special[0], None) if len(values) == 1 else (None, Issue("exclusive"))
    if any(v not in allowed for v in values):
        return None, Issue("invalid")
    if len(values) > 1 and any(v in exclusive for v in values):
        return None, Issue("exclusive")
    if maximum and len(values) > maximum:
        return None, Issue("too_many", {"max": maximum})
    return [allowed[key] for key in allowed if key in values], None


def list_values(item: Item, answers: Mapping[str, Any]) -> dict[str, list[str]]:
    value = answers.get(item.code)
    if value is None:
        return {}
    return {item.code: [str(v) for v in value] if isinstance(value, list) else [str(value)]}


def integer_scale(reader: Reader, entry: dict, path: Path, code: str) -> tuple[Choice, ...]:
    """Choices coded 1, 2, ... in order, so scores can be computed (Likert and matrix)."""
    choices = reader.choice_ref(entry, path, integer=True)
    if choices and [c.code for c in choices] != list(range(1, len(choices) + 1)):
        reader.problem((*path, "choices"), msg("the choices of '%(code)s' must be coded 1, 2, "
                                               "... in order, so scores can be computed",
                                               code=code))
    return choices


class SingleChoice(ItemType):
    name = "single"
    takes_choice_filter = True
    keys = frozenset({"choices"})
    settings_type = ChoiceSettings
    codebook_type = "single"
    summarised_as = "choices"  # yes/no, likert and multiple choices too
    xlsform_types = ("select_one",)

    def read(self, reader: Reader, entry: dict, path: Path, code: str) -> Any:
        return ChoiceSettings(reader.choice_ref(entry, path))

    def parse(self, item: Item, raw: RawValues, roster: tuple[Choice, ...]
              ) -> tuple[Any, Issue | None]:
        return pick_one(item, posted(raw, item.code), {c.key: c.code for c in item.choices})

    def example(self, item: Item, roster: tuple[Choice, ...]) -> Pairs:
        return [(item.code, item.choices[len(item.choices) // 2].key)]

    def codebook(self, item: Item, roster: tuple[Choice, ...]) -> list[dict[str, Any]]:
        return [{**codebook_base(item), "code": item.code, "type": self.codebook_type,
                 "choices": codebook_choices(item.choices)}]


class Likert(SingleChoice):
    """Agreement or frequency on ordered points: explicit choices coded 1..n, or ``points``
    with two anchor labels per language."""

    name = "likert"
    takes_choice_filter = False
    keys = frozenset({"choices", "points", "anchors"})
    settings_type = LikertSettings
    scored = True
    codebook_type = "likert"
    xlsform_appearance = "likert"
    xlsform_scale = True
    xlsform_columns = {"points": "int"}

    def xlsform_extra(self, entry: Mapping[str, Any], languages: Sequence[str]
                      ) -> dict[str, Any]:
        """``anchors::<language>`` as "low | high" (their easy-read wording in
        ``easy_anchors::<language>``)."""
        anchors = entry.get("anchors")
        if not isinstance(anchors, dict):
            return {}
        return {"anchors": _anchor_cells(anchors)}

    def xlsform_read_extra(self, cells: Mapping[str, Any], entry: dict[str, Any],
                           languages: Sequence[str]) -> None:
        if "points" in entry:  # the list written beside points only serves other tools
            entry.pop("choices", None)
        anchors = cells.get("anchors")
        if isinstance(anchors, dict) and anchors:
            entry["anchors"] = _anchor_lists(anchors)

    def read(self, reader: Reader, entry: dict, path: Path, code: str) -> Any:
        if "choices" in entry:
            if "points" in entry or "anchors" in entry:
                reader.problem(path, msg("likert item '%(code)s' takes either choices or "
                                         "points with anchors, not both", code=code))
            return LikertSettings(integer_scale(reader, entry, path, code))
        points = reader.count(entry, path, "points")
        anchors = entry.get("anchors")
        if points is None or points < 2 or points > 11:
            reader.problem(path, msg("likert item '%(code)s' needs choices, or points (2 to "
                                     "11) with anchors", code=code))
            return LikertSettings()
        parsed: dict[str, tuple[str, str]] = {}
        if not isinstance(anchors, dict):
            reader.problem((*path, "anchors"), msg("likert item '%(code)s' needs anchors: "
                                                   "{fr: [low, high], en: [low, high]}",
                                                   code=code))
        else:
            for lang in reader.languages:
                pair = anchors.get(lang)
                if not (isinstance(pair, list) and len(pair) == 2
                        and all(isinstance(p, str) and p.strip() for p in pair)):
                    reader.problem((*path, "anchors"), msg(
                        "the %(language)s anchors of '%(code)s' must be two texts: [low, high]",
                        language=lang, code=code))
                else:
                    parsed[lang] = (pair[0].strip(), pair[1].strip())
            easy = anchors.get("easy")
            if easy is not None and not (isinstance(easy, dict) and easy and all(
                    lang in reader.languages and isinstance(pair, list) and len(pair) == 2
                    and all(isinstance(p, str) and p.strip() for p in pair)
                    for lang, pair in easy.items())):
                reader.problem((*path, "anchors", "easy"), msg(
                    "the easy-read anchors of '%(code)s' must give two texts per language: "
                    "easy: {fr: [low, high]}", code=code))

        def label(n: int, lang: str) -> str:
            low, high = parsed.get(lang, ("", ""))
            return low if n == 1 else high if n == points else str(n)

        choices = tuple(Choice(code=n, label={lang: label(n, lang) for lang in reader.languages})
                        for n in range(1, points + 1))
        return LikertSettings(choices, parsed)

    def codebook(self, item: Item, roster: tuple[Choice, ...]) -> list[dict[str, Any]]:
        [entry] = super().codebook(item, roster)
        return [{**entry, "points": len(item.choices)}]


class YesNo(SingleChoice):
    name = "yesno"
    takes_choice_filter = False
    keys = frozenset()
    settings_type = NoSettings
    codebook_type = "yesno"
    xlsform_list = "yesno"  # ``select_one yesno``: the app's own yes/no labels
    CODES = ("yes", "no")

    def read(self, reader: Reader, entry: dict, path: Path, code: str) -> Any:
        return NoSettings()

    def parse(self, item: Item, raw: RawValues, roster: tuple[Choice, ...]
              ) -> tuple[Any, Issue | None]:
        return pick_one(item, posted(raw, item.code), {c: c for c in self.CODES})

    def offered(self, item: Item, roster: tuple[Choice, ...]) -> tuple[Choice, ...]:
        return tuple(Choice(code, {}) for code in self.CODES)

    def example(self, item: Item, roster: tuple[Choice, ...]) -> Pairs:
        return [(item.code, "yes")]  # yes opens the follow-up questions

    def codebook(self, item: Item, roster: tuple[Choice, ...]) -> list[dict[str, Any]]:
        return [{**codebook_base(item), "code": item.code, "type": self.codebook_type}]


class MultipleChoice(SingleChoice):
    name = "multiple"
    keys = frozenset({"choices", "max", "exclusive"})
    settings_type = MultipleSettings
    refusals = MANY_REFUSALS
    codebook_type = "multiple"
    xlsform_types = ("select_multiple",)
    xlsform_columns = {"max": "int", "exclusive": "words"}

    def read(self, reader: Reader, entry: dict, path: Path, code: str) -> Any:
        choices = reader.choice_ref(entry, path)
        exclusive = entry.get("exclusive", [])
        if isinstance(exclusive, str | int):
            exclusive = [exclusive]
        keys = {c.key for c in choices}
        if not isinstance(exclusive, list) or any(str(e) not in keys for e in exclusive):
            reader.problem((*path, "exclusive"), msg("'exclusive' of '%(code)s' must list "
                                                     "codes of its choices", code=code))
            exclusive = []
        return MultipleSettings(choices, reader.count(entry, path, "max"),
                                tuple(str(e) for e in exclusive))

    def parse(self, item: Item, raw: RawValues, roster: tuple[Choice, ...]
              ) -> tuple[Any, Issue | None]:
        return pick_many(item, posted(raw, item.code), {c.key: c.code for c in item.choices},
                         item.settings.max_choices, item.settings.exclusive)

    def form_values(self, item: Item, answers: Mapping[str, Any]) -> dict[str, list[str]]:
        return list_values(item, answers)

    def example(self, item: Item, roster: tuple[Choice, ...]) -> Pairs:
        usable = [c for c in item.choices if c.key not in item.settings.exclusive]
        return [(item.code, usable[0].key)]


def _anchor_cells(anchors: Mapping[str, Any]) -> dict[str, Any]:
    """Anchors as cells, "low | high" per language; their ``easy`` wording alike."""
    cells: dict[str, Any] = {lang: " | ".join(map(str, pair)) for lang, pair in anchors.items()
                             if isinstance(pair, list)}
    if isinstance(anchors.get("easy"), dict):
        cells["easy"] = _anchor_cells(anchors["easy"])
    return cells


def _anchor_lists(cells: Mapping[str, Any]) -> dict[str, Any]:
    """Cells "low | high" per language (and their ``easy`` wording) as anchors."""
    return {lang: _anchor_lists(text) if isinstance(text, dict)
            else [part.strip() for part in str(text).split("|")]
            for lang, text in cells.items()}
