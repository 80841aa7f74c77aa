"""What the assisted page checks before it seals a response, beyond required questions and the
browser's own input rules: each item's ``constraint`` (its expression tree and the definition's
message) and the type rules the server would refuse a value for (a whole number's bounds, a
date's, a text's length, ticked boxes' limits), with the words of the participant page.

Only the assisted page carries them (participant pages stay as small as they are: the server
checks a posted page). The page's script (``static/assisted-checks.js``) evaluates the trees
with ``relevance.js``, whose rules are those of :mod:`survey.questionnaire.expressions`; the
server still checks everything again (:mod:`survey.collect.intake`).
"""

from __future__ import annotations

from typing import Any

from ..participate.messages import issue_message
from ..questionnaire.answers import Issue
from ..questionnaire.itemtypes.typed import DECIMAL_RE, INTEGER_RE
from ..questionnaire.model import Definition, Item
from ..templating import text

LENGTH = "__LENGTH__"  # the typed text's length, filled in by the script


def _words(item: Item, reason: str, **params: Any) -> str:
    return issue_message(item, Issue(reason, params), text)


def _bounds(item: Item, low: str, high: str) -> dict[str, Any]:
    limits = item.settings
    found: dict[str, Any] = {}
    if limits.minimum is not None:
        found.update(min=limits.minimum, min_words=_words(item, low, min=limits.minimum))
    if limits.maximum is not None:
        found.update(max=limits.maximum, max_words=_words(item, high, max=limits.maximum))
    return found


def item_rules(item: Item) -> dict[str, Any] | None:
    """One item's checks for the page's script (None: nothing beyond the browser's)."""
    kind = item.itemtype.name
    rules: dict[str, Any] = {}
    if kind in ("integer", "decimal"):
        rules = {"kind": kind, "pattern": (INTEGER_RE if kind == "integer" else DECIMAL_RE).pattern,
                 "words": _words(item, kind), **_bounds(item, "min", "max")}
    elif kind == "date":
        rules = {"kind": kind, "words": _words(item, "date"),
                 **_bounds(item, "date_min", "date_max")}
    elif kind in ("text", "textarea"):
        limit = item.settings.max_length or item.itemtype.limit
        rules = {"kind": "text", "max_length": limit,
                 "too_long": _words(item, "too_long", max=limit, length=LENGTH)}
    elif kind == "multiple":
        settings = item.settings
        rules = {"kind": kind, "exclusive": [*settings.exclusive, *item.special],
                 "exclusive_words": _words(item, "exclusive")}
        if settings.max_choices:
            rules.update(max=settings.max_choices,
                         max_words=_words(item, "too_many", max=settings.max_choices))
    if item.special:  # a special answer ("Don't know") is never checked by the constraint
        rules.setdefault("kind", kind)
        rules.update(special=list(item.special), both=_words(item, "both", special=""))
    if item.constraint is not None and item.itemtype.takes_constraint:
        rules.setdefault("kind", kind)
        rules.update(constraint=item.constraint.json,
                     message=_words(item, "constraint", message=item.constraint_message))
    return rules or None


def page_rules(definition: Definition) -> dict[str, dict[str, Any]]:
    """Every item's checks by item code (a repeated page's block n names its items
    ``code-n``: the script reads the code before the dash)."""
    return {item.code: found for item in definition.items()
            if item.itemtype.shown and (found := item_rules(item)) is not None}
