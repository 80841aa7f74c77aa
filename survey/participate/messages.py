"""Participant-facing messages for refused answers, in the participant's language.

The words belong to the item's type (``ItemType.refusals``); this module only translates them
and fills their parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import format_decimal, gettext, ngettext

from ..questionnaire.answers import Issue
from ..questionnaire.model import Item, Text


def issue_message(item: Item, issue: Issue, text: Callable[[Text | None], str]) -> str:
    """Why ``item``'s answer was refused, in the participant's language."""
    if issue.reason == "several":  # every problem of one answer, at once
        return " ".join(issue_message(item, each, text) for each in issue.params["issues"])
    refusal = item.itemtype.refusal(issue.reason)
    if refusal is None:  # the definition's own constraint message
        return text(issue.params["message"])
    params: dict[str, Any] = {}
    for key, value in issue.params.items():
        if key in refusal.numbers:
            value = format_decimal(value)
        elif isinstance(value, list | tuple):  # labels: entries, rows, choices
            value = "; ".join(text(label) for label in value)
        params[key] = value
    if isinstance(refusal.template, tuple):
        singular, plural = refusal.template
        return ngettext(singular, plural, issue.params[refusal.count or "num"], **params)
    return gettext(refusal.template, **params)
