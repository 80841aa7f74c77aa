"""UI text goes through the catalogues: everything in the code is translated, and compiled."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "survey" / "translations"
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]


def messages_in_code() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / "survey"), METHODS, keywords={"_": None, "gettext": None,
                                                     "ngettext": (1, 2), "lazy_gettext": None,
                                                     "msg": None, "N_": None}):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_message_of_the_code_is_translated_and_compiled(lang: str) -> None:
    po_path = CATALOGUES / lang / "LC_MESSAGES" / "messages.po"
    catalogue = read_po(po_path.open("rb"))
    translated = {}
    for message in catalogue:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings) and not message.fuzzy, f"{lang}: '{key}' is not translated"
        translated[key] = strings[0]
    missing = messages_in_code() - set(translated)
    assert not missing, f"run `python scripts/translations.py`; missing in {lang}: {missing}"
    with (po_path.with_suffix(".mo")).open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for key, value in translated.items():
        if "%(num)s" not in key:
            assert compiled.gettext(key) == value, f"{lang} .mo is stale: compile the catalogue"


def test_templates_follow_the_language_of_the_request_and_of_force_locale(app: Flask) -> None:
    """The templates' messages come from a catalogue kept for the request: a page in English
    stays English, and an email rendered in the middle of it in French (force_locale) is
    French, then English again."""
    from flask import render_template_string, session
    from flask_babel import force_locale

    page = '{{ _("Next") }}'
    with app.test_request_context("/"):
        session["lang"] = "en"
        assert render_template_string(page) == "Next"
        with force_locale("fr"):
            assert render_template_string(page) == "Suivant"
            plural = '{{ ngettext("%(num)s answer", "%(num)s answers", 2) }}'
            assert render_template_string(plural) == "2 réponses"
        assert render_template_string(page) == "Next"
