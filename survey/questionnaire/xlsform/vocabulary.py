"""The XLSForm words the reader knows: type and column names, what is refused or ignored
and why, language names, standard texts; and the small pure helpers that read a cell."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..itemtypes import TYPES
from ..loader import LANG_RE
from ..messages import N_

GROUP_BEGIN = {"begin_group", "begin group"}
GROUP_END = {"end_group", "end group"}
REPEAT = {"begin_repeat", "begin repeat", "end_repeat", "end repeat", "begin loop",
          "end loop", "begin_loop", "end_loop"}
TYPE_ALIASES = {"string": "text", "int": "integer", "select1": "select_one",
                "select_all_that_apply": "select_multiple", "imei": "deviceid",
                "phone number": "phonenumber_question", "phone_number": "phonenumber_question"}
SELECT_ALIASES = {"select one": "select_one",
                  "select one from": "select_one", "select all that apply": "select_multiple",
                  "select all that apply from": "select_multiple",
                  "select multiple": "select_multiple"}

REFUSED_TYPES = {
    "repeat": N_("repeats (a group answered several times) cannot be expressed here"),
    "geopoint": N_("GPS locations are not collected here"),
    "geotrace": N_("GPS locations are not collected here"),
    "geoshape": N_("GPS locations are not collected here"),
    "start-geopoint": N_("GPS locations are not collected here"),
    "image": N_("photos cannot be collected here"),
    "photo": N_("photos cannot be collected here"),
    "audio": N_("recordings cannot be collected here"),
    "background-audio": N_("recordings cannot be collected here"),
    "video": N_("videos cannot be collected here"),
    "file": N_("files cannot be collected here"),
    "barcode": N_("barcodes cannot be scanned here"),
    "calculate": N_("calculations are not evaluated here"),
    "hidden": N_("hidden values are not kept here"),
    "xml-external": N_("external data cannot be used here"),
    "csv-external": N_("external data cannot be used here"),
    "datetime": N_("a date with a time of day is not supported: use a date and a time"),
    "range": N_("range sliders are not supported: use an integer with min and max, or a "
                "likert"),
    "acknowledge": N_("acknowledge is not supported: use a note"),
    "trigger": N_("acknowledge is not supported: use a note"),
    "osm": N_("maps are not supported here"),
    "phonenumber_question": N_("phone numbers are not collected with the answers here"),
    "include": N_("including other forms is not supported: copy the questions in"),
}
METADATA = {
    "start": N_("answer times are recorded by Proximité itself"),
    "end": N_("answer times are recorded by Proximité itself"),
    "today": N_("answer times are recorded by Proximité itself"),
    "deviceid": N_("Proximité records no device or person identifiers"),
    "imei": N_("Proximité records no device or person identifiers"),
    "subscriberid": N_("Proximité records no device or person identifiers"),
    "simserial": N_("Proximité records no device or person identifiers"),
    "phonenumber": N_("Proximité records no device or person identifiers"),
    "username": N_("Proximité records no device or person identifiers"),
    "email": N_("Proximité records no device or person identifiers"),
    "audit": N_("Proximité records no device or person identifiers"),
}
REFUSED_COLUMNS = {
    "calculation": N_("calculations are not evaluated here"),
    "repeat_count": N_("a count is read on a begin repeat row only"),
    "trigger": N_("triggers are not supported here"),
}
# Columns read here or by the item types; anything else with a value is listed as ignored.
SURVEY_COLUMNS = {"type", "name", "label", "hint", "required", "relevant", "relevance",
                  "constraint", "constraint_message", "appearance", "special", "equity",
                  "anchors", "choice_filter", "easy_label", "easy_hint",
                  "easy_constraint_message", "easy_anchors"} | {
                      "image", "big-image", "audio", "video", "media"}
MEDIA_COLUMNS = {"image", "big-image", "audio", "video", "media"}
LANGUAGE_NAMES = {
    "english": "en", "anglais": "en", "french": "fr", "français": "fr", "francais": "fr",
    "spanish": "es", "español": "es", "espanol": "es", "german": "de", "deutsch": "de",
    "portuguese": "pt", "português": "pt", "italian": "it", "arabic": "ar", "swahili": "sw",
    "kiswahili": "sw", "dutch": "nl", "chinese": "zh", "hindi": "hi", "bengali": "bn",
    "russian": "ru", "nepali": "ne", "amharic": "am", "hausa": "ha", "somali": "so",
}
DEFAULT_TEXTS = {
    "introduction": {"fr": "Merci de répondre à ce questionnaire.",
                     "en": "Thank you for answering this questionnaire."},
    "consent": {"fr": "Votre participation est libre. Vous pouvez sauter des questions, "
                      "arrêter à tout moment et retirer vos réponses.",
                "en": "Taking part is your choice. You can skip questions, stop at any time "
                      "and withdraw your answers."},
    "constraint_message": {"fr": "Cette réponse n'est pas acceptée.",
                           "en": "This answer is not accepted."},
    "other": {"fr": "Autre", "en": "Other"},
    "specify": {"fr": "Précisez :", "en": "Please specify:"},
}
LANG_IN_HEADER = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[A-Za-z]{2,3}(?:[-_][A-Za-z]+)?)\)\s*$")
REFERENCE_RE = re.compile(r"\$\{([^}]*)\}")
LITERAL_RE = re.compile(r"'[^']*'|\"[^\"]*\"")

TYPES_YESNO_LIST = next((t.xlsform_list for t in TYPES.values() if t.xlsform_list), None)
SURVEY_COLUMNS_ALL = SURVEY_COLUMNS | {k for t in TYPES.values() for k in t.xlsform_columns}
KIND_WORDS = {"int": N_("a whole number"), "number": N_("a number"), "text": N_("a text"),
              "words": N_("codes separated by spaces"), "flag": N_("yes or no")}
STANDARD_TEXT_NOTES = {
    "introduction": N_("no introduction column: a standard introduction was used; write your "
                       "own (%(column)s, ...) before publishing"),
    "consent": N_("no consent column: a standard consent text was used; write your own "
                  "(%(column)s, ...) before publishing"),
}


def text_of(languages: Sequence[str], key: str) -> dict[str, str]:
    return {lang: DEFAULT_TEXTS[key].get(lang, DEFAULT_TEXTS[key]["en"]) for lang in languages}


def language_code(label: str) -> str | None:
    """``Français (fr)`` -> ``fr``; ``English`` -> ``en``; ``fr`` -> ``fr``."""
    label = label.strip()
    match = LANG_IN_HEADER.match(label)
    if match:
        return match["code"].split("-")[0].split("_")[0].lower()
    lowered = label.lower()
    if lowered in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[lowered]
    return lowered if LANG_RE.match(lowered) else None


def split_header(header: str) -> tuple[str, str | None]:
    """``label::English (en)`` -> (``label``, ``English (en)``); ``media::image::x`` -> media."""
    base, _, rest = header.partition("::")
    return base.strip().lower(), (rest.strip() or None) if rest else None


def is_number(text: str) -> bool:
    return bool(re.fullmatch(r"[+-]?\d+", text))


def known_types() -> set[str]:
    return {name for t in TYPES.values() for name in t.xlsform_types} | {"begin group",
                                                                          "end group"}


def yes_no(text: str) -> bool | None:
    from pyxform.aliases import yes_no as aliases

    text = text.strip()
    if text in aliases:
        return aliases[text]
    return {"1": True, "0": False, "oui": True, "non": False}.get(text.lower())


def cell_value(text: str, value_type: str) -> Any:
    """A cell's text as the definition key wants it, or None when it cannot be."""
    if value_type == "text":
        return text
    if value_type == "flag":
        return yes_no(text)
    if value_type == "words":
        return [int(w) if is_number(w) else w for w in text.split()]
    if value_type == "int":
        return int(text) if is_number(text) else None
    if value_type == "number":
        if is_number(text):
            return int(text)
        try:
            return float(text)
        except ValueError:
            return None
    raise ValueError(value_type)
