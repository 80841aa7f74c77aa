"""French typography on pages: a definition's French text gets no-break spaces before
``? ! : ;`` and inside « », so a phone never starts a line with the mark alone; English text
and media file names are shown as written."""

from __future__ import annotations

from flask import Flask
from flask_babel import force_locale

from survey.templating import chosen, text

NBSP = "\u00a0"


def _in(app: Flask, lang: str, mapping: dict[str, str], pick=text) -> str:  # noqa: ANN001
    with app.test_request_context(f"/?lang={lang}"), force_locale(lang):
        return pick(mapping)


def test_french_marks_are_held_to_their_word(app: Flask) -> None:
    mapping = {"fr": "Diriez-vous « oui » ? Attention : lisez ; merci !",
               "en": "Would you say « yes » ? Careful: read; thanks!"}
    assert _in(app, "fr", mapping) == (
        f"Diriez-vous «{NBSP}oui{NBSP}»{NBSP}? Attention{NBSP}: lisez{NBSP}; merci{NBSP}!")
    assert _in(app, "en", mapping) == mapping["en"]  # English typography is left alone


def test_only_a_plain_space_before_a_mark_changes(app: Flask) -> None:
    written = {"fr": f"Déjà insécable{NBSP}? Heure 10:30, http://exemple.org, «collé»!"}
    assert _in(app, "fr", written) == written["fr"]


def test_media_names_are_used_as_written(app: Flask) -> None:
    picture = {"fr": "affiche ! été.png", "en": "poster.png"}
    assert _in(app, "fr", picture, chosen) == "affiche ! été.png"
    assert _in(app, "fr", picture) == f"affiche{NBSP}! été.png"  # why pictures use chosen()
