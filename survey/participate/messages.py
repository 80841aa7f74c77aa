"""Participant-facing messages for refused answers, in the participant's language."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import format_decimal, gettext, ngettext

from ..questionnaire.answers import Issue
from ..questionnaire.model import Text


def issue_message(issue: Issue, text: Callable[[Text | None], str]) -> str:
    p = issue.params
    if issue.kind == "several":  # every problem of one answer, at once
        return " ".join(issue_message(each, text) for each in p["issues"])
    if issue.kind == "required":
        return gettext("Please answer this question.")
    if issue.kind == "rows_required":
        return gettext("Please answer every line. Missing: %(rows)s.",
                       rows="; ".join(text(row) for row in p["rows"]))
    if issue.kind == "rating_required":
        return gettext("Please say how much for each choice. Missing: %(entries)s.",
                       entries="; ".join(text(entry) for entry in p["entries"]))
    if issue.kind == "integer":
        return gettext("Please enter a whole number, for example 3.")
    if issue.kind == "decimal":
        return gettext("Please enter a number, for example 2.5.")
    if issue.kind == "min":
        return gettext("Please enter a number of at least %(min)s.", min=format_decimal(p["min"]))
    if issue.kind == "max":
        return gettext("Please enter a number of at most %(max)s.", max=format_decimal(p["max"]))
    if issue.kind == "too_long":
        return gettext("Please shorten your answer to %(max)s characters (it has %(length)s).",
                       max=p["max"], length=p["length"])
    if issue.kind == "too_many":
        return ngettext("Please choose at most %(num)s answer.",
                        "Please choose at most %(num)s answers.", p["max"])
    if issue.kind == "exclusive":
        return gettext("This answer cannot be combined with others: please choose again.")
    if issue.kind == "both":
        return gettext("Please either give an answer or tick the box below it, not both.")
    if issue.kind == "date":
        return gettext("Please enter a date as year-month-day, for example 2026-03-31.")
    if issue.kind == "date_min":
        return gettext("Please enter a date on or after %(min)s.", min=p["min"])
    if issue.kind == "date_max":
        return gettext("Please enter a date on or before %(max)s.", max=p["max"])
    if issue.kind == "rank_shared":
        return gettext("Please give each rank to one choice only: %(choices)s share rank "
                       "%(rank)s.", choices="; ".join(text(c) for c in p["choices"]),
                       rank=p["rank"])
    if issue.kind == "rank_incomplete":
        return ngettext("Please rank %(num)s choice.", "Please rank %(num)s choices.",
                        p["count"])
    if issue.kind == "unreadable":
        return gettext("This answer could not be read as text: please type it again.")
    if issue.kind == "constraint":
        return text(p["message"])
    return gettext("This answer is not one of the choices offered: please choose again.")
