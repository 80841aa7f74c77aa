"""The condition of a follow-up question in the participant's words, for pages read without
JavaScript (the page's script hides it and shows or hides the question itself)."""

from __future__ import annotations

from flask_babel import get_locale, gettext

from ..caching import Cache
from ..questionnaire.describe import Subject, describe, generic
from ..questionnaire.model import Definition, Item
from ..questionnaire.special import SPECIAL_ANSWERS
from ..templating import special_label, text


def condition_text(definition: Definition, item: Item) -> str:
    """« Si vous avez répondu « Autre » à la question précédente. », or the generic sentence."""
    if item.relevant is None:
        return ""
    return _condition(definition, item, str(get_locale()))


_CACHE: Cache[str] = Cache(2000)  # (questionnaire, version, item, language) -> words


def _condition(definition: Definition, item: Item, locale: str) -> str:
    key = (definition.code, definition.content_hash, item.code, locale)
    return _CACHE.get(key, lambda: _words(definition, item))


def _words(definition: Definition, item: Item) -> str:
    before = _previous(definition, item)
    fixed = {"yes": gettext("Yes"), "no": gettext("No"),
             **{code: special_label(code) for code in SPECIAL_ANSWERS}}

    def subject(key: str) -> Subject | None:
        owner = next((i for i in definition.items() if key in i.answer_keys), None)
        if owner is None:
            return None
        row = next((r for r in getattr(owner.settings, "rows", ()) if r.key == key), None)
        question = text(row.label if row is not None else owner.text)
        offered = owner.itemtype.offered(owner, definition.roster(owner))
        labels = {c.key: text(c.label) or fixed.get(c.key, c.key) for c in offered}
        labels |= {code: fixed[code] for code in owner.special if code in fixed}
        return Subject(question=question, labels=labels, previous=owner is before)

    return describe(item.relevant.tree, subject, gettext) or generic(gettext)


def _previous(definition: Definition, item: Item) -> Item | None:
    """The question asked just before this item on its page (notes are not questions)."""
    for section in definition.sections:
        if item in section.items:
            asked = [i for i in section.items[:section.items.index(item)] if i.answerable]
            return asked[-1] if asked else None
    return None
