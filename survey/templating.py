"""Small helpers the templates use: texts per language, paragraphs, cache-busted static URLs."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, has_request_context, request, url_for
from flask_babel import get_locale, get_translations, gettext
from markupsafe import Markup, escape

from .links import same_page
from .questionnaire.messages import Text
from .questionnaire.model import Choice
from .questionnaire.special import PARTICIPANT_LABELS

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


# French typography: a space before ? ! : ; » or after « is a no-break space, so a narrow
# phone screen never puts the mark alone at the start of a line (the UI's catalogues write
# them so; questionnaire authors type plain spaces).
FRENCH_SPACES = re.compile(r" (?=[?!:;»])|(?<=«) ")


def text(mapping: Mapping[str, str] | None) -> str:
    """A definition's text in the participant's language (else the first one given), with
    French no-break spaces on a French page."""
    code = locale_code()
    value = _in(mapping, code)
    return FRENCH_SPACES.sub("\u00a0", value) if code == "fr" else value


def chosen(mapping: Mapping[str, str] | None) -> str:
    """A definition's value in the participant's language as written (a media file's name)."""
    return _in(mapping, locale_code())


def _in(mapping: Mapping[str, str] | None, code: str) -> str:
    if not mapping:
        return ""
    return mapping.get(code) or next(iter(mapping.values()), "")


def locale_code() -> str:
    """The page's language code, looked up once per request (a page shows hundreds of texts)."""
    code = g.get("_locale_code")
    if code is None:
        code = g._locale_code = str(get_locale())
    return code


def paragraphs(value: str) -> Markup:
    """Plain text with blank lines as escaped ``<p>`` paragraphs (never raw HTML)."""
    parts = [p.strip() for p in str(value).replace("\r\n", "\n").split("\n\n") if p.strip()]
    return Markup("").join(Markup("<p>{}</p>").format(escape(p)) for p in parts)


def language_name(code: str) -> str:
    """A language's name in that language (``en`` -> English), else its code."""
    return LANGUAGE_NAMES.get(code, code)


def other_languages() -> list[tuple[str, str, str]]:
    """(code, name, URL of this page in that language) for the language switch."""
    current = str(get_locale())
    return [(code, language_name(code), same_page(lang=code))
            for code in current_app.config["LANGUAGES"] if code != current]


def static_url(filename: str) -> str:
    """A static file's URL with a content hash, so browsers can cache it safely; built once
    per app and path prefix (three per participant page: url_for was 5% of a page view)."""
    built = current_app.extensions.setdefault("survey.static_urls", {})
    key = (request.script_root if has_request_context() else "", filename)
    url = built.get(key)
    if url is None:
        url = built[key] = url_for("static", filename=filename,
                                   v=_digest(current_app.static_folder, filename))
    return url


@cache
def _digest(folder: str | None, filename: str) -> str:
    path = Path(folder or "") / filename
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10] if path.exists() else "0"


def translations() -> Any:
    """Flask-Babel's translations for this request's language, looked up once per request and
    language: Flask-Babel finds its context, the locale and the catalogue again for every
    message (docs/performance.md). The language is read from
    Flask-Babel's own context on every call, so ``force_locale`` (emails in the contact's
    language) is followed; without that context, Flask-Babel answers as usual."""
    locale = getattr(g.get("_flask_babel"), "babel_locale", None)
    memo = g.get("_survey_translations")
    if locale is None or memo is None or memo[0] is not locale:
        found = get_translations()
        if locale is None:
            return found
        memo = g._survey_translations = (locale, found)
    return memo[1]


def translated(text: Text) -> str:
    """A questionnaire problem's or conversion note's words in the reader's language, as a
    sentence (the first letter capitalised: the command line writes them after a colon)."""
    words = text.render(translations().ugettext)
    return words[:1].upper() + words[1:]


def install_translations(app: Flask) -> None:
    """The templates' ``_``, ``gettext`` and ``ngettext`` through :func:`translations`."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True)


def special_label(code: str) -> str:
    """A special answer's words for the participant, in the page's language."""
    return translations().ugettext(PARTICIPANT_LABELS[code]) if code in PARTICIPANT_LABELS else code


def yesno_choices() -> tuple[Choice, Choice]:
    locale = str(get_locale())
    return (Choice("yes", {locale: gettext("Yes")}), Choice("no", {locale: gettext("No")}))
