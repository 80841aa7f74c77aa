"""The item types, one class each: the single home of everything a kind of question needs.

``TYPES`` maps a definition's ``type:`` to its :class:`ItemType`; :func:`kind` gives the type
of an item. To add a type: write its class (see ``base.ItemType`` for what it owns), register it
here, add its macro to ``participate/_items.html`` and document it in
``docs/questionnaire-format.md``.
"""

from __future__ import annotations

from ..model import Item
from .base import Issue, ItemType, Pairs, RawValues, Reader, Rosters, is_special, posted
from .choice import Likert, MultipleChoice, SingleChoice, YesNo
from .matrix import Matrix
from .nomination import Nomination, rating_name
from .ranking import Ranking, rank_name
from .typed import Date, Decimal, Integer, LongText, Note, Text

TYPES: dict[str, ItemType] = {t.name: t for t in (
    SingleChoice(), MultipleChoice(), Likert(), Matrix(), YesNo(), Integer(), Decimal(),
    Text(), LongText(), Date(), Note(), Nomination(), Ranking(),
)}


def kind(item: Item) -> ItemType:
    return TYPES[item.type]


__all__ = [
    "TYPES", "Issue", "ItemType", "Pairs", "RawValues", "Reader", "Rosters", "is_special",
    "kind", "posted", "rank_name", "rating_name",
]
