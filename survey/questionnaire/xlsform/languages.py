"""The form's languages (from ``label::Français (fr)`` headers and ``default_language``) and
the per-language texts of a row."""

from __future__ import annotations

from collections.abc import Mapping

from ..messages import msg
from ..wording import EASY
from ..yamlsource import Path
from .base import ReaderBase
from .vocabulary import language_code, split_header
from .workbook import Sheet

EASY_PREFIX = EASY + "_"  # easy_label, easy_hint: the easy-read wording of a column


class LanguageReader(ReaderBase):
    def read_languages(self) -> None:
        default = self.settings.get("default_language")
        default_code = language_code(default) if default else None
        found: list[str] = []
        plain = False
        for key in ("survey", "choices"):
            sheet = self.book.get(key)
            for header in sheet.headers if sheet else ():
                base, lang = split_header(header)
                if base.removeprefix(EASY_PREFIX) not in ("label", "hint",
                                                          "constraint_message"):
                    continue
                if base.startswith(EASY_PREFIX) and lang is not None:
                    if language_code(lang) is None:
                        self.refuse(sheet.header_place(header), msg(
                            "cannot tell the language of column '%(column)s': write it as "
                            "%(example)s with a two-letter code", column=header,
                            example=f"{base}::Français (fr)"))
                    continue  # its languages must be among the labels' (checked per cell)
                if base.startswith(EASY_PREFIX):
                    continue
                if lang is None:
                    plain = plain or base == "label"
                    continue
                code = language_code(lang)
                if code is None:
                    example = f"{base}::{lang} (xx)"
                    self.refuse(sheet.header_place(header), msg(
                        "cannot tell the language of column '%(column)s': write it as "
                        "%(example)s with a two-letter code, e.g. label::Français (fr)",
                        column=header, example=example))
                    self.unknown_languages.add(lang)
                elif code not in found:
                    found.append(code)
        if default_code is None and not found:
            default_code = "en"
            self.note(msg("the labels name no language: they are taken as English (en); set "
                          "default_language in the settings sheet, or name columns "
                          "label::Français (fr)"))
        elif plain and default_code is None:
            default_code = found[0]
        if default_code and default_code in found:
            found.remove(default_code)
        self.languages = ([default_code] if default_code else []) + found
        self.default_code = default_code
        self.out.data["languages"] = list(self.languages)

    def texts(self, sheet: Sheet, row: Mapping[str, str], index: int, base: str,
              path: Path | None = None) -> dict[str, str] | None:
        """The per-language text of column ``base`` in one row (None if blank everywhere)."""
        result: dict[str, str] = {}
        first_place = None
        for header, value in row.items():
            column, lang = split_header(header)
            if column != base or value is None or not str(value).strip():
                continue
            code = language_code(lang) if lang else self.default_code
            if code is None:
                continue
            if lang is None and code in result:
                continue  # a translated column wins over the plain one
            result[code] = str(value).strip()
            first_place = first_place or sheet.place(index, header)
        if not result:
            return None
        if path is not None:
            self.out.places[path] = first_place or sheet.place(index)
        self.fill_missing(sheet, index, base, result, first_place or sheet.place(index))
        easy = self.easy_texts(sheet, row, index, base)
        if easy:
            result[EASY] = easy  # type: ignore[assignment]
        return result

    def easy_texts(self, sheet: Sheet, row: Mapping[str, str], index: int, base: str
                   ) -> dict[str, str]:
        """The easy-read wording of column ``base`` in one row, from its ``easy_<base>::``
        columns (``easy_label::Français (fr)``): only the languages given, none filled in."""
        result: dict[str, str] = {}
        for header, value in row.items():
            column, lang = split_header(header)
            if column != EASY_PREFIX + base or value is None or not str(value).strip():
                continue
            code = language_code(lang) if lang else self.default_code
            if code is None:
                continue
            if lang is None and code in result:
                continue
            if code not in self.languages:
                self.refuse(sheet.place(index, header), msg(
                    "column '%(column)s' gives an easy-read wording in a language the labels "
                    "do not have (%(languages)s)", column=header,
                    languages=", ".join(self.languages)))
                continue
            result[code] = str(value).strip()
        return result

    def fill_missing(self, sheet: Sheet, index: int, base: str, result: dict[str, str],
                     written: str) -> None:
        """A text missing in one of the form's languages takes another language's text (the
        default language's first) and is noted, counted per column: field teams often leave a
        translation for later, which must not stop the import."""
        present = [lang for lang in self.languages if lang in result] or list(result)
        for lang in self.languages:
            if lang in result:
                continue
            fallback = present[0]
            result[lang] = result[fallback]
            header = self.language_header(sheet, base, lang)
            place = sheet.place(index, header) if header else written
            key = (sheet.name, header or base, lang, fallback)
            count, first = self.missing_texts.get(key, (0, place))
            self.missing_texts[key] = (count + 1, first)

    def note_missing_texts(self) -> None:
        for (_sheet, column, lang, fallback), (count, place) in self.missing_texts.items():
            if count == 1:
                text = msg("the %(lang)s text is missing: the %(fallback)s text is shown in "
                           "its place; translate it before publishing", lang=lang,
                           fallback=fallback)
            else:
                text = msg("the %(lang)s text is missing in %(count)s cells of column "
                           "%(column)s (the first is here): the %(fallback)s text is shown in "
                           "their place; translate them before publishing", lang=lang,
                           count=count, column=column, fallback=fallback)
            self.note(text, place)

    def language_header(self, sheet: Sheet, base: str, lang: str) -> str | None:
        for header in sheet.headers:
            column, name = split_header(header)
            if column == base and ((name and language_code(name) == lang)
                                   or (name is None and lang == self.default_code)):
                return header
        return None

    def text_place(self, sheet: Sheet, index: int, row: Mapping[str, str], base: str) -> str:
        header = next((h for h in row if split_header(h)[0] == base), base)
        return sheet.place(index, header)
