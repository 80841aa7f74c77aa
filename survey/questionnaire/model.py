"""Immutable questionnaire definitions, built by :mod:`survey.questionnaire.loader`.

Nothing here knows about Flask or the database: a :class:`Definition` is plain data that views,
services, exports and the codebook read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from analysis.codebook import AUDIENCES  # noqa: F401  (the one list, read from here)

from .special import SPECIAL_ANSWERS  # noqa: F401  (read from here by the loader)

if TYPE_CHECKING:
    from .itemtypes import ItemType


Text = Mapping[str, str]
ChoiceCode = str | int


@dataclass(frozen=True)
class Choice:
    code: ChoiceCode
    label: Text
    # columns a choice_filter reads (XLSForm choice columns): (name, value) pairs
    attributes: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        """The code as it travels in forms and URLs."""
        return str(self.code)


# A campaign's roster, or a function giving it (read only for an item that offers it).
CampaignRoster = tuple[Choice, ...] | Callable[[], tuple[Choice, ...] | None] | None


def distinct_choices(choices: tuple[Choice, ...]) -> tuple[Choice, ...]:
    """Each code once, where it first appears: a code a cascading list repeats (told apart by
    its columns) is one value in data, labelled, per language, with its label when its rows
    agree, else with their different labels joined by " / " in the list's order."""
    merged: dict[str, Choice] = {}
    for choice in choices:
        first = merged.get(choice.key)
        if first is None:
            merged[choice.key] = choice
            continue
        label = dict(first.label)
        for lang, text in choice.label.items():
            if text not in label.get(lang, "").split(" / "):
                label[lang] = f"{label[lang]} / {text}" if label.get(lang) else text
        merged[choice.key] = Choice(first.code, label, first.attributes)
    return tuple(merged.values())


@dataclass(frozen=True)
class Expression:
    source: str
    tree: Any  # a parsed node from survey.questionnaire.expressions
    json: Any  # the same tree, JSON-serialisable, for the page's script


@dataclass(frozen=True)
class Item:
    code: str
    type: str
    text: Text
    section: str
    help: Text | None = None
    required: bool = False
    special: tuple[str, ...] = ()
    relevant: Expression | None = None
    constraint: Expression | None = None
    constraint_message: Text | None = None
    equity: bool = False
    image: Text | None = None  # language -> stored picture name (questionnaire/media.py)
    audio: Text | None = None  # language -> stored sound name
    # which of its choices are offered, from earlier answers (cascading choices)
    choice_filter: Expression | None = None
    # what its type adds (a frozen dataclass of the type's ``settings_type``): choices,
    # limits, rows, roster...
    settings: Any = None

    @property
    def itemtype(self) -> ItemType:
        """This item's type: everything about reading, checking, showing and exporting it."""
        from .itemtypes import TYPES

        return TYPES[self.type]

    @property
    def choices(self) -> tuple[Choice, ...]:
        """The choices it offers, for the types that have some (else none)."""
        return getattr(self.settings, "choices", ())

    @property
    def answerable(self) -> bool:
        return self.itemtype.answerable

    @property
    def answer_keys(self) -> tuple[str, ...]:
        """Keys of the stored answers it fills (a matrix: one per row; a note: none)."""
        return self.itemtype.answer_keys(self)

    @property
    def data_columns(self) -> tuple[str, ...]:
        """Its columns in exports and codebooks (a ranking: one per rank position)."""
        return self.itemtype.data_columns(self)

    def choice(self, key: str) -> Choice | None:
        return next((c for c in self.choices if c.key == key), None)


@dataclass(frozen=True)
class Repeat:
    """A page answered once per occurrence (household member, child, visit): as many times as
    ``count`` says (an expression on earlier answers), or as the participant adds with "Add
    another"; never more than ``maximum``. See :mod:`survey.questionnaire.repeats`."""

    maximum: int
    count: Expression | None = None
    label: Text | None = None  # "Member" -> "Member 2 of 3"


@dataclass(frozen=True)
class Section:
    code: str
    title: Text
    items: tuple[Item, ...]
    intro: Text | None = None
    relevant: Expression | None = None
    repeat: Repeat | None = None


@dataclass(frozen=True)
class Scale:
    code: str
    items: tuple[str, ...]
    reverse: tuple[str, ...]
    points: int
    min_answered: int
    construct: Text
    reference: str | None = None


@dataclass(frozen=True)
class Definition:
    code: str
    audience: str
    languages: tuple[str, ...]
    minutes: int
    title: Text
    introduction: Text
    consent: Text
    sections: tuple[Section, ...]
    scales: tuple[Scale, ...] = ()
    rosters: Mapping[str, tuple[Choice, ...]] = field(default_factory=dict)
    version_label: str | None = None
    content_hash: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def items(self) -> Iterator[Item]:
        for section in self.sections:
            yield from section.items

    def item(self, code: str) -> Item | None:
        return next((i for i in self.items() if i.code == code), None)

    def section(self, code: str) -> Section | None:
        return next((s for s in self.sections if s.code == code), None)

    def section_index(self, code: str) -> int:
        return next((n for n, s in enumerate(self.sections) if s.code == code), -1)

    def columns(self) -> list[str]:
        """Data columns of every item, in order (exports, codebooks)."""
        return [column for item in self.items() for column in item.data_columns]

    def roster(self, item: Item, campaign_roster: CampaignRoster = None) -> tuple[Choice, ...]:
        """The entries a nomination item offers: the campaign's list, else the definition's.
        ``campaign_roster`` may be a function giving it, called only for such an item."""
        roster = getattr(item.settings, "roster", None)
        if roster == "campaign":
            if callable(campaign_roster):
                campaign_roster = campaign_roster()
            if campaign_roster:
                return campaign_roster
            return self.rosters.get(item.settings.roster_fallback or "", ())
        return self.rosters.get(roster or "", ())
