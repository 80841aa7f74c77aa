"""Conformity: one criterion of a reference framework, answered by a site's team with a level
(met, partly met, not met, not applicable) and an optional note or action.

A questionnaire with conformity items is a self-assessment: the results group its criteria by
``dimension`` (a short name, for example ``governance``) and show each criterion's optional
``reference`` (the framework's own number, for example ``R12``). Stored: the level code under
the item's code (``met``, ``partly``, ``not_met``, ``na``, or a special answer), the note under
``<code>_note``; both are data columns (the level a single choice, the note free text), so
expressions read ``${crit} = 'met'`` and exports need nothing new.

How levels become a conformity score (met 1, partly met 1/2, not met 0, not applicable left
out) is :mod:`analysis.conformity`'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..messages import N_, msg
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
    is_special,
    posted,
)

# the levels, in the order a page offers them; their words in the definition's languages
# (a language without words here shows the English ones)
LEVEL_WORDS: dict[str, dict[str, str]] = {
    "met": {"fr": "Atteint", "en": "Met"},
    "partly": {"fr": "Partiellement atteint", "en": "Partly met"},
    "not_met": {"fr": "Non atteint", "en": "Not met"},
    "na": {"fr": "Non applicable", "en": "Not applicable"},
}
NOTE_WORDS = {"fr": "note ou action", "en": "note or action"}  # the note's codebook text
NOTE_MAX = 2000  # characters of a note or action
TEXT_MAX = 80  # characters of a dimension or reference


def note_name(item: Item) -> str:
    """The stored answer (and input) holding a criterion's note or action."""
    return f"{item.code}_note"


def levels(languages: tuple[str, ...]) -> tuple[Choice, ...]:
    return tuple(Choice(code, {lang: words.get(lang, words["en"]) for lang in languages})
                 for code, words in LEVEL_WORDS.items())


@dataclass(frozen=True)
class ConformitySettings:
    choices: tuple[Choice, ...] = ()  # the four levels (fixed), labelled in each language
    # the group of criteria it belongs to: one text, or a text per language
    dimension: str | dict[str, str] | None = None
    reference: str | None = None  # the framework's own code for the criterion


def dimension_text(settings: ConformitySettings, lang: str) -> str:
    """A criterion's dimension in the reader's language (a plain text in every language; a
    language without its text takes the definition's first); empty without a dimension."""
    dimension = settings.dimension
    if isinstance(dimension, Mapping):
        return dimension.get(lang) or next(iter(dimension.values()), "")
    return dimension or ""


class Conformity(ItemType):
    name = "conformity"
    keys = frozenset({"dimension", "reference"})
    settings_type = ConformitySettings
    refusals = {
        "note_alone": Refusal(N_("Please choose a level for this criterion, or remove the "
                                 "note.")),
        "note_long": Refusal(N_("Please shorten the note to %(max)s characters at most."),
                             numbers=("max",)),
    }
    codebook_type = "single"
    summarised_as = "choices"  # each level counted
    xlsform_types = ("conformity",)
    xlsform_columns = {"dimension": "text", "reference": "text"}

    def read(self, reader: Reader, entry: dict, path: Path, code: str) -> Any:
        reference = _short_text(reader, entry.get("reference"), (*path, "reference"),
                                "reference", code)
        given = entry.get("dimension")
        dimension: str | dict[str, str] | None = None
        if not isinstance(given, Mapping) or not given:  # one text
            dimension = _short_text(reader, given, (*path, "dimension"), "dimension", code)
        else:  # a text per language
            texts = {str(lang): _short_text(reader, text, (*path, "dimension", str(lang)),
                                            "dimension", code)
                     for lang, text in given.items()}
            unknown = sorted(set(texts) - set(reader.languages))
            if unknown:
                reader.problem((*path, "dimension"), msg(
                    "'dimension' of '%(code)s' is given in a language the questionnaire does "
                    "not have (%(languages)s)", code=code, languages=", ".join(unknown)))
            dimension = {lang: text for lang, text in texts.items() if text is not None
                         and lang not in unknown} or None
        reader.unique_code({"code": f"{code}_note"}, (*path, "code"), msg("note code"))
        return ConformitySettings(levels(reader.languages), dimension, reference)

    def xlsform_extra(self, entry: Mapping[str, Any], languages: Sequence[str]
                      ) -> dict[str, Any]:
        """A dimension given per language as ``dimension::<language>`` columns."""
        dimension = entry.get("dimension")
        return {"dimension": dimension} if isinstance(dimension, Mapping) else {}

    def answer_keys(self, item: Item) -> tuple[str, ...]:
        return (item.code, note_name(item))

    def input_names(self, item: Item, roster: tuple[Choice, ...]) -> list[str]:
        return [item.code, note_name(item)]

    def parse(self, item: Item, raw: RawValues, roster: tuple[Choice, ...]
              ) -> tuple[Any, Issue | None]:
        """``{"level": ..., "note": ...}`` (None: nothing given)."""
        level = posted(raw, item.code)
        note = posted(raw, note_name(item))
        if level is None or note is None:
            return None, Issue("unreadable")
        codes = {c.key for c in item.choices} | set(item.special)
        if len(level) > 1 or (level and level[0] not in codes) or len(note) > 1:
            return None, Issue("invalid")
        text = note[0] if note else None
        if not level and text is None:
            return None, None
        value = {"level": level[0] if level else None, "note": text}
        if text is not None and len(text) > NOTE_MAX:
            return value, Issue("note_long", {"max": NOTE_MAX})
        if not level:
            return value, Issue("note_alone")
        return value, None

    def check_answer(self, item: Item, value: Any, context: Mapping[str, Any]) -> Issue | None:
        level = value.get("level") if isinstance(value, dict) else None
        return super().check_answer(item, level, context)

    def partial(self, item: Item, value: Any) -> Any:
        """A level kept when its note is refused (too long), so "Save" loses no choice."""
        if isinstance(value, dict) and value.get("level") is not None:
            return {"level": value["level"], "note": None}
        return None

    def store(self, item: Item, value: Any) -> dict[str, Any]:
        given = value if isinstance(value, dict) else {}
        return {item.code: given.get("level"), note_name(item): given.get("note")}

    def answered(self, item: Item, answers: Mapping[str, Any]) -> bool:
        return answers.get(item.code) is not None

    def form_values(self, item: Item, answers: Mapping[str, Any]) -> dict[str, list[str]]:
        values = {}
        for key in self.answer_keys(item):
            if isinstance(answers.get(key), str):
                values[key] = [answers[key]]
        return values

    def example(self, item: Item, roster: tuple[Choice, ...]) -> Pairs:
        return [(item.code, "partly"), (note_name(item), "To discuss at the next meeting")]

    def codebook(self, item: Item, roster: tuple[Choice, ...]) -> list[dict[str, Any]]:
        settings: ConformitySettings = item.settings
        extra = {"conformity": item.code}
        if settings.dimension:
            extra["dimension"] = settings.dimension
        if settings.reference:
            extra["reference"] = settings.reference
        base = codebook_base(item)
        level = {**base, "code": item.code, "type": self.codebook_type,
                 "choices": codebook_choices(item.choices), **extra}
        note = {"section": item.section, "code": note_name(item), "type": "textarea",
                "text": {lang: f"{text} ({NOTE_WORDS.get(lang, NOTE_WORDS['en'])})"
                         for lang, text in item.text.items()},
                **extra}
        return [level, note]


def _short_text(reader: Reader, value: Any, path: Path, key: str, code: str) -> str | None:
    """A dimension's (in one language) or reference's text, or None (a problem when it is
    not a short text)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > TEXT_MAX:
        reader.problem(path, msg("'%(key)s' of '%(code)s' must be a short text (%(max)s "
                                 "characters at most)", key=key, code=code, max=TEXT_MAX))
        return None
    return value.strip()


def is_level(value: Any) -> bool:
    """A stored level (not a special answer, not nothing)."""
    return isinstance(value, str) and value in LEVEL_WORDS and not is_special(value)
