"""A refused series, outcome or address in the reader's words (French and English)."""

from __future__ import annotations

from flask_babel import gettext, ngettext

from ..models.followup import DAYS, WEEKS
from .schedule import MAX_STEPS


def series_error(code: str, text: str = "") -> str:
    step = text or "?"
    return {
        "panel-off": gettext("A follow-up series links each person's steps by their panel "
                             "code, and this evaluation's panel codes are off. Choose codes "
                             "carried by invitations or self-generated codes on the “Panel "
                             "codes” page first."),
        "name-required": gettext("A name is required."),
        "invalid-code": gettext("The short code is 1 to 8 letters or digits (it starts the "
                                "codes of the series' waves)."),
        "code-taken": gettext("This code is already used in this evaluation."),
        "version-required": gettext("Choose a questionnaire version from the list."),
        "site-required": gettext("Choose a site from the list."),
        "steps-empty": gettext("Give at least one follow-up step, for example “3 months, "
                               "6 months”."),
        "step-unreadable": gettext("“%(step)s” is not a step: write a number and days, weeks "
                                   "or months (“3 months”, “6 weeks”, “90 days”).", step=step),
        "steps-order": gettext("“%(step)s” does not come after the step before it: list the "
                               "steps from the earliest.", step=step),
        "steps-too-many": gettext("At most %(num)s follow-up steps.", num=MAX_STEPS),
        "step-too-far": gettext("“%(step)s” is more than ten years after the baseline.",
                                step=step),
    }.get(code, gettext("This change was refused."))


def outcome_error(code: str) -> str:
    return {
        "invalid-outcome": gettext("Choose reached, not reached or declined."),
        "future-date": gettext("The date cannot be after today."),
        "invalid-date": gettext("The date is before the person's baseline."),
        "not-due": gettext("This step is not due this week, or the person declined."),
    }.get(code, gettext("This change was refused."))


def interval_text(amount: int, unit: str) -> str:
    """"3 months", "6 weeks", "90 days" in the reader's language."""
    if unit == DAYS:
        return ngettext("%(num)s day", "%(num)s days", amount)
    if unit == WEEKS:
        return ngettext("%(num)s week", "%(num)s weeks", amount)
    return ngettext("%(num)s month", "%(num)s months", amount)
