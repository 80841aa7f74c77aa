"""Pictures and sounds of questions: the ``image``, ``big-image``, ``audio`` and
``media::image::English (en)`` columns, shown when the file is in the ZIP upload (prepared by
:mod:`survey.questionnaire.media`), otherwise a note saying it is not shown. Videos are not
shown (a note)."""

from __future__ import annotations

from typing import Any

from .. import media
from ..messages import msg
from ..yamlsource import Path
from .languages import LanguageReader
from .vocabulary import language_code, split_header
from .workbook import Sheet

MEDIUM_OF_COLUMN = {"image": "image", "big-image": "image", "audio": "audio", "video": "video"}


class MediaReader(LanguageReader):
    def media_cells(self, sheet: Sheet, index: int, row: dict[str, str], entry: dict[str, Any],
                    places: dict[Path, str]) -> None:
        found: dict[str, dict[str, str]] = {}
        for header, value in row.items():
            if value is None or not str(value).strip():
                continue
            base, rest = split_header(header)
            if base == "media" and rest:
                medium_text, _, lang = rest.partition("::")
                medium = MEDIUM_OF_COLUMN.get(medium_text.strip().lower())
                lang = lang.strip() or None
            elif base in MEDIUM_OF_COLUMN:
                medium, lang = MEDIUM_OF_COLUMN[base], rest
            else:
                continue
            place = sheet.place(index, header)
            code = language_code(lang) if lang else self.default_code
            if medium is None or medium == "video":
                self.note(msg("'%(file)s' is not shown: only pictures and sounds are shown "
                              "with questions here", file=str(value).strip()[:100]), place)
                continue
            if code not in self.languages:
                self.note(msg("column '%(column)s' names no language of the form: its files "
                              "are not shown", column=header), place)
                continue
            if code in found.get(medium, {}) and base == "big-image":
                continue  # the ordinary picture wins
            name = self.media_file(medium, str(value).strip(), place)
            if name is not None:
                found.setdefault(medium, {})[code] = name
                places[(medium,)] = place
        for medium, by_language in found.items():
            entry[medium] = by_language

    def media_file(self, medium: str, file: str, place: str) -> str | None:
        """The stored name of a file of the upload, or None after a note saying why it is not
        shown."""
        key = (medium, file)
        if key in self.prepared:
            return self.prepared[key]
        data = self.files.get(file)
        name = None
        if data is None:
            if self.files:
                self.note(msg("'%(file)s' is not in the ZIP file, so it is not shown: add it "
                              "next to the XLSForm", file=file[:100]), place)
            else:
                self.note(msg("'%(file)s' is not shown: upload a ZIP file holding the XLSForm "
                              "and its pictures and sounds", file=file[:100]), place)
        else:
            try:
                prepared = media.prepare(medium, file, data)
            except media.MediaError:
                self.note(msg("'%(file)s' is not shown: it is not a picture (PNG, JPEG, GIF, "
                              "WebP) or a sound (MP3, M4A, OGG, WAV) that can be read",
                              file=file[:100]), place)
            else:
                self.out.media[prepared.name] = prepared
                name = prepared.name
        self.prepared[key] = name
        return name
