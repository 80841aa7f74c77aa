"""Easy-read wording: a plain-language counterpart of a definition's texts.

Every text of a definition is a mapping of language to text (``{fr: ..., en: ...}``; a
choice or a matrix row is such a mapping with its ``code``). Beside the languages it may hold
``easy:``, the same text in easy-read style for some or all of the languages::

    text:
      fr: "Dans les 12 derniers mois, combien de fois avez-vous utilisé ce service ?"
      en: "In the past 12 months, how many times have you used this service?"
      easy: {fr: "Vous êtes venu combien de fois cette année ?", en: "How many times ..."}

The easy wording is part of the definition's content (and of its content hash); a definition
without any ``easy:`` keeps its hash. :func:`easy_view` gives the same definition with every
text that has an easy wording replaced by it (a text without one keeps its standard wording),
so pages, previews and messages show it without knowing about it. No Flask, no database.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from typing import Any

from ..caching import Cache
from .model import Definition

EASY = "easy"  # the key beside the languages of a text
STANDARD = "standard"
WORDINGS = (STANDARD, EASY)
MIXED = "mixed"  # a response whose pages were answered in both wordings
#: Top-level parts whose texts participants never read (scales' constructs, roster names).
NOT_SHOWN = ("scales", "rosters")
VIEW_SUFFIX = "~easy"  # the easy view's content hash: its rendered pages are cached apart

_VIEWS: Cache[Definition] = Cache(256)  # content hash -> the definition in easy wording
_LANGUAGES: Cache[frozenset[str]] = Cache(512)  # content hash -> languages with easy wording


def texts(data: Any, languages: tuple[str, ...] | list[str]) -> Iterator[dict[str, Any]]:
    """Every text mapping participants may read in a definition's data (a text, a choice, a
    matrix row), in file order: a mapping holding one of ``languages`` or ``easy``. Scales'
    constructs and roster names are not read by participants, so they are left out."""
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        if key not in NOT_SHOWN:
            yield from _texts(value, tuple(languages))


def _texts(data: Any, languages: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    if isinstance(data, dict):
        if EASY in data or any(_is_wording(data.get(lang)) for lang in languages):
            yield data
            return
        for value in data.values():
            yield from _texts(value, languages)
    elif isinstance(data, list):
        for value in data:
            yield from _texts(value, languages)


def _is_wording(value: Any) -> bool:
    """A language's text (or a likert's anchors, a list of texts)."""
    if isinstance(value, list):
        return bool(value) and all(isinstance(v, str) for v in value)
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def easy_languages(definition: Definition) -> frozenset[str]:
    """The languages in which at least one text has an easy-read wording."""
    def compute() -> frozenset[str]:
        found: set[str] = set()
        for text in texts(definition.raw, definition.languages):
            easy = text.get(EASY)
            if isinstance(easy, dict):
                found.update(lang for lang, value in easy.items()
                             if lang in definition.languages and _given(value))
        return frozenset(found)

    if not definition.content_hash:
        return compute()
    return _LANGUAGES.get(definition.content_hash, compute)


def _given(value: Any) -> bool:
    if isinstance(value, list):
        return bool(value) and all(isinstance(v, str) and v.strip() for v in value)
    return isinstance(value, str) and bool(value.strip())


def has_easy(definition: Definition, language: str) -> bool:
    return language in easy_languages(definition)


def coverage(definition: Definition) -> dict[str, tuple[int, int]]:
    """Per language, (texts without an easy-read wording, texts participants may read)."""
    counts = {lang: [0, 0] for lang in definition.languages}
    for text in texts(definition.raw, definition.languages):
        easy = text.get(EASY) if isinstance(text.get(EASY), dict) else {}
        for lang in definition.languages:
            if lang not in text:
                continue
            counts[lang][1] += 1
            if not _given(easy.get(lang)):
                counts[lang][0] += 1
    return {lang: (missing, total) for lang, (missing, total) in counts.items()}


def easy_data(data: Any, languages: tuple[str, ...] | list[str]) -> Any:
    """A copy of a definition's data with each text's easy wording in place of its standard
    one, and no ``easy`` keys left."""
    copy = json.loads(json.dumps(data))
    for text in texts(copy, languages):
        easy = text.pop(EASY, None)
        if isinstance(easy, dict):
            for lang, value in easy.items():
                if lang in languages and _given(value):
                    text[lang] = value.strip() if isinstance(value, str) else value
    return copy


def easy_view(definition: Definition) -> Definition:
    """The definition in easy-read wording (itself when it has none). Codes, pages, logic and
    answers are the same; only the texts differ. Built once per process and version."""
    if not easy_languages(definition):
        return definition

    def build() -> Definition:
        from .loader import rebuild

        view = rebuild(easy_data(definition.raw, definition.languages),
                       f"easy-read wording of {definition.code}")
        return dataclasses.replace(view, content_hash=definition.content_hash + VIEW_SUFFIX,
                                   raw=definition.raw)

    return _VIEWS.get(definition.content_hash, build)


def in_wording(definition: Definition, wording: str) -> Definition:
    """The definition as shown in ``wording`` (``standard`` or ``easy``)."""
    return easy_view(definition) if wording == EASY else definition


def answered_in(before: str | None, wording: str) -> str:
    """What a response's pages were answered in after one more page in ``wording``: that
    wording, or ``mixed`` once both were used."""
    if before in (None, "", wording):
        return wording
    return MIXED


def check_wording(value: Any) -> str:
    """A wording as posted or stored (hostile input): ``standard`` unless it is ``easy``."""
    return EASY if value == EASY else STANDARD


def text_pairs(text: Mapping[str, Any] | None) -> dict[str, str]:
    """A text's languages alone (its ``easy`` key left out)."""
    return {k: v for k, v in (text or {}).items() if k != EASY}
