"""The loader's shared state and its small readers (codes, texts per language, flags,
counts, lists of mappings): every problem is collected with its place, none stops the reading.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..messages import Text, msg, words
from ..model import Choice, Item
from ..wording import EASY
from ..yamlsource import Path, Source
from .problems import Problem

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
LANG_RE = re.compile(r"^[a-z]{2,3}$")


class BaseReader:
    """What one reading of a definition shares: its source, its problems, its languages, the
    lists and rosters read so far, and every code seen."""

    def __init__(self, source: Source, name: str, strict: bool = True) -> None:
        self.source = source
        self.strict = strict
        self.name = name
        self.problems: list[Problem] = []
        self.languages: tuple[str, ...] = ("fr", "en")
        self.choice_lists: dict[str, tuple[Choice, ...]] = {}
        self.rosters: dict[str, tuple[Choice, ...]] = {}
        # lists holding a code twice, told apart by columns: the list and each repeat's path
        self.repeated_codes: list[tuple[tuple[Choice, ...], list[tuple[Path, Any]]]] = []
        self.columns: dict[str, Item] = {}  # answer key -> its item, in file order
        self.codes: set[str] = set()  # every item, row and section code seen
        self.repeated: dict[str, str] = {}  # answer key of a repeated item -> its section
        self.in_repeat: str | None = None  # the repeated section being read

    def problem(self, path: Path, text: Text) -> None:
        """A problem at ``path``, placed at its line or cell (never shown as a path)."""
        self.problems.append(Problem(self.name, self.source.line(path), text,
                                     self.source.place(path)))

    def mappings(self, data: dict, key: str, allowed: set[str], not_mapping: Text,
                 where: Text, required: bool) -> Iterator[tuple[Path, dict]]:
        """The entries of a top-level list of mappings (sections, scales), with their paths;
        entries that are not mappings are reported (``not_mapping``) and skipped."""
        value = data.get(key, None if required else [])
        if not isinstance(value, list) or (required and not value):
            self.problem((key,), msg("'%(key)s' must be a non-empty list", key=key) if required
                         else msg("'%(key)s' must be a list", key=key))
            return
        for n, entry in enumerate(value):
            path = (key, n)
            if not isinstance(entry, dict):
                self.problem(path, not_mapping)
                continue
            self.unknown_keys(entry, path, allowed, where)
            yield path, entry

    def unknown_keys(self, data: dict, path: Path, allowed: set[str], where: Text) -> None:
        for key in data:
            if key not in allowed:
                self.problem((*path, key), msg(
                    "unknown key '%(key)s' %(where)s (expected one of: %(keys)s)",
                    key=key, where=where, keys=words(*sorted(allowed))))

    def code(self, data: dict, path: Path, what: Text) -> str:
        value = data.get(path[-1])
        if not isinstance(value, str) or not CODE_RE.match(value):
            self.problem(path, msg("%(what)s must be lower case letters, digits and '_', "
                                   "starting with a letter (got %(value)s)", what=what,
                                   value=repr(value)))
            return str(value)
        return value

    def unique_code(self, data: dict, path: Path, what: Text) -> str:
        code = self.code(data, path, what)
        if code in self.codes:
            self.problem(path, msg("code '%(code)s' is used twice: codes must be unique across "
                                   "sections, items and matrix rows", code=code))
        self.codes.add(code)
        return code

    def read_languages(self, data: dict) -> tuple[str, ...]:
        value = data.get("languages")
        if (not isinstance(value, list) or not value
                or not all(isinstance(v, str) and LANG_RE.match(v) for v in value)):
            self.problem(("languages",), msg("'languages' must be a list of language codes, "
                                             "the default first, e.g. [fr, en]"))
            return ("fr", "en")
        if len(set(value)) != len(value):
            self.problem(("languages",), msg("'languages' lists a language twice"))
        return tuple(dict.fromkeys(value))

    def text(self, data: dict, path: Path, required: bool = True) -> dict[str, str] | None:
        value = data.get(path[-1])
        if value is None:
            if required:
                self.problem(path, msg("'%(key)s' is missing here: give a text per language "
                                       "(%(languages)s)", key=path[-1],
                                       languages=words(*self.languages)))
            return None
        if isinstance(value, str):
            self.problem(path, msg("'%(key)s' must give a text per language, e.g. %(example)s",
                                   key=path[-1], example=self.language_example()))
            return None
        if not isinstance(value, dict):
            self.problem(path, msg("'%(key)s' must be a mapping of language to text",
                                   key=path[-1]))
            return None
        return self.language_map(value, path)

    def language_map(self, value: dict, path: Path) -> dict[str, str]:
        result = {}
        for lang in self.languages:
            text = value.get(lang)
            if not isinstance(text, str | int | float) or not str(text).strip():
                self.problem(path, msg("the %(language)s text is missing", language=lang))
            else:
                result[lang] = str(text).strip()
        for key in value:
            if key == EASY:
                self.easy_wording(value[key], (*path, key))
            elif key not in self.languages:
                self.problem((*path, key), msg("'%(key)s' is not one of the questionnaire's "
                                               "languages (%(languages)s)", key=key,
                                               languages=words(*self.languages)))
        return result

    def easy_wording(self, value: Any, path: Path) -> None:
        """A text's ``easy:`` counterpart: its easy-read wording in some or all of the
        questionnaire's languages (:mod:`survey.questionnaire.wording`)."""
        example = "{" + ", ".join(f"{lang}: ..." for lang in self.languages) + "}"
        if not isinstance(value, dict) or not value:
            self.problem(path, msg("'easy' must give the easy-read wording per language, "
                                   "e.g. easy: %(example)s", example=example))
            return
        for lang, text in value.items():
            if lang not in self.languages:
                self.problem((*path, lang), msg("'%(key)s' is not one of the questionnaire's "
                                                "languages (%(languages)s)", key=lang,
                                                languages=words(*self.languages)))
            elif isinstance(text, list):
                if not text or not all(isinstance(t, str) and t.strip() for t in text):
                    self.problem((*path, lang), msg("the %(language)s easy-read wording is "
                                                    "empty", language=lang))
            elif not isinstance(text, str | int | float) or isinstance(text, bool) \
                    or not str(text).strip():
                self.problem((*path, lang), msg("the %(language)s easy-read wording is empty",
                                                language=lang))

    def language_example(self, code: bool = False) -> str:
        """``{fr: ..., en: ...}``, or ``{code: ..., fr: ..., en: ...}`` for a choice."""
        keys = (["code"] if code else []) + list(self.languages)
        return "{" + ", ".join(f"{key}: ..." for key in keys) + "}"

    def flag(self, entry: dict, path: Path, key: str) -> bool:
        value = entry.get(key, False)
        if not isinstance(value, bool):
            self.problem((*path, key), msg("'%(key)s' must be true or false", key=key))
            return False
        return value

    def count(self, entry: dict, path: Path, key: str) -> int | None:
        value = entry.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.problem((*path, key), msg("'%(key)s' must be a whole number of at least 1",
                                           key=key))
            return None
        return value
