"""The designer's words for item types and definition keys, in the researcher's language.
A key or type without words here (a new type's) is shown by its code."""

from __future__ import annotations

from collections.abc import Iterable

import yaml
from flask_babel import gettext
from flask_babel import lazy_gettext as _

from ..questionnaire.conditions_builder import comparison_words
from ..questionnaire.special import PARTICIPANT_LABELS
from .skip_logic import option_label

TYPE_NAMES = {
    "single": _("One answer from a list"), "multiple": _("Several answers from a list"),
    "likert": _("Agreement or frequency scale (likert)"), "matrix": _("Grid of scaled rows"),
    "yesno": _("Yes or no"), "integer": _("Whole number"), "decimal": _("Decimal number"),
    "text": _("Short text"), "textarea": _("Longer text"), "date": _("Date"),
    "note": _("Note (text shown, no answer)"), "nomination": _("People or places named"),
    "ranking": _("Ranking"), "range": _("Slider"), "acknowledge": _("Acknowledgement"),
    "calculate": _("Computed value"), "hidden": _("Hidden value"), "time": _("Time of day"),
    "conformity": _("Conformity to a criterion"),
}

FIELD_LABELS = {
    "code": _("Code"), "text": _("Question text"), "help": _("Help text"),
    "required": _("An answer is required"), "special": _("Special answers offered"),
    "equity": _("Equity descriptor (always optional, offers prefer not to say)"),
    "relevant": _("Shown only if (skip logic)"), "constraint": _("Constraint on the answer"),
    "constraint_message": _("Message when the constraint fails"),
    "choice_filter": _("Choice filter"), "choices": _("Choices"), "rows": _("Rows"),
    "rating": _("Rating of each choice"), "points": _("Number of points"),
    "anchors": _("Labels of the lowest and highest points"), "max": _("At most"),
    "min": _("At least"), "exclusive": _("Choices that exclude the others (codes)"),
    "max_length": _("Longest answer (characters)"), "roster": _("Roster"),
    "roster_fallback": _("Roster when the campaign has none"),
    "self": _("The participant picks themselves"), "start": _("Lowest value"),
    "end": _("Highest value"), "step": _("Step between values"), "calculation": _("Calculation"),
    "result": _("Kind of result (text or number)"), "value": _("Fixed value"),
    "link": _("Taken from the campaign link"), "dimension": _("Dimension"),
    "reference": _("Reference"), "title": _("Title"), "intro": _("Introduction of the page"),
    "version": _("Version label"), "audience": _("Audience"),
    "minutes": _("Minutes to answer"), "introduction": _("Introduction"),
    "consent": _("Consent"), "construct": _("What it measures"),
    "min_answered": _("Fewest answered items to score it"),
    "image": _("Picture"), "audio": _("Sound"), "repeat": _("Repeated page"),
    "languages": _("Languages"), "choice_lists": _("Shared choice lists"),
    "rosters": _("Rosters"), "format": _("Format"),
}

FIELD_HINTS = {
    "code": _("Lower case letters, digits and _, starting with a letter (a question's code "
              "names its column in the data)."),
    "relevant": _("An expression such as ${age} >= 18 and ${consent} = 'yes'."),
    "constraint": _("An expression on the answer (.), such as . <= 120."),
    "choice_filter": _("An expression choosing which choices are offered."),
    "exclusive": _("Separate codes by spaces."),
}



def special_name(key: str) -> str:
    """A special answer as participants read it (``questionnaire.special``)."""
    return gettext(PARTICIPANT_LABELS.get(key, key))


def type_name(name: str) -> str:
    return str(TYPE_NAMES.get(name, name))


def field_label(key: str) -> str:
    return str(FIELD_LABELS.get(key, key))


def field_hint(key: str) -> str | None:
    hint = FIELD_HINTS.get(key)
    return str(hint) if hint is not None else None


def as_yaml(value: object) -> str:
    """A value the designer does not edit, shown as it would be written in the YAML."""
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False).strip()


def audience_options() -> list[tuple[str, str]]:
    from ..design.labels import audience_name
    from ..questionnaire.model import AUDIENCES

    return [(a, audience_name(a)) for a in AUDIENCES]


def type_options(names: Iterable[str]) -> list[tuple[str, str]]:
    return [(name, type_name(name)) for name in names]


SUMMARIES = {
    "uploaded": _("Uploaded"), "created": _("Created from %(what)s"),
    "restored": _("Back to save %(what)s"), "settings": _("Questionnaire settings"),
    "page-added": _("Page %(what)s added"), "page-edited": _("Page %(what)s edited"),
    "page-up": _("Page %(what)s moved up"), "page-down": _("Page %(what)s moved down"),
    "page-duplicate": _("Page %(what)s duplicated"), "page-delete": _("Page %(what)s deleted"),
    "item-added": _("Question %(what)s added"), "item-edited": _("Question %(what)s edited"),
    "item-up": _("Question %(what)s moved up"), "item-down": _("Question %(what)s moved down"),
    "item-duplicate": _("Question %(what)s duplicated"),
    "item-delete": _("Question %(what)s deleted"),
    "scale-added": _("Scale %(what)s added"), "scale-edited": _("Scale %(what)s edited"),
    "scale-delete": _("Scale %(what)s deleted"),
    "items-copied": _("Copied from the item bank: %(what)s"),
}


def summary_text(summary: str) -> str:
    """What a save did, in the reader's language (stored as ``<what> <code>``)."""
    verb, _space, what = summary.partition(" ")
    template = SUMMARIES.get(verb)
    return str(template) % {"what": what} if template is not None else summary


HELPERS = {"designer_summary": summary_text, "designer_yaml": as_yaml,
           "designer_audiences": audience_options, "designer_type_options": type_options,
           "designer_type_name": type_name, "designer_field_label": field_label,
           "designer_field_hint": field_hint,
           "designer_special_name": special_name,
           "designer_comparison_words": comparison_words,
           "designer_option_label": option_label}
