"""The item types, one class each: the single home of everything a kind of question needs.

``TYPES`` maps a definition's ``type:`` to its :class:`ItemType` (``item.itemtype`` gives an
item's). To add a type: write its class (see ``base.ItemType`` for what it owns), register it
here, add its partial ``participate/templates/participate/items/<name>.html`` and document it in
``docs/questionnaire-format.md``.
"""

from __future__ import annotations

from .acknowledge import Acknowledge
from .base import Issue, ItemType, Pairs, RawValues, Reader, Rosters, is_special, posted
from .calculate import Calculate
from .choice import Likert, MultipleChoice, SingleChoice, YesNo
from .conformity import Conformity
from .hidden import Hidden
from .matrix import Matrix
from .nomination import Nomination, rating_name
from .range import Range
from .ranking import Ranking, rank_name
from .time import Time
from .typed import Date, Decimal, Integer, LongText, Note, Text

TYPES: dict[str, ItemType] = {t.name: t for t in (
    SingleChoice(), MultipleChoice(), Likert(), Matrix(), YesNo(), Integer(), Decimal(),
    Text(), LongText(), Date(), Note(), Nomination(), Ranking(), Range(), Acknowledge(),
    Calculate(), Hidden(), Time(), Conformity(),
)}


__all__ = [
    "TYPES", "Issue", "ItemType", "Pairs", "RawValues", "Reader", "Rosters", "is_special",
    "posted", "rank_name", "rating_name",
]
