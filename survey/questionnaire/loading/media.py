"""Pictures and sounds of items: stored names (``survey.questionnaire.media``) per language,
written by the XLSForm reader from a ZIP's files; any language may lack one."""

from __future__ import annotations

from .. import media
from ..messages import msg
from ..yamlsource import Path
from .reader import BaseReader


class MediaReader(BaseReader):

    def media(self, entry: dict, path: Path, key: str) -> dict[str, str] | None:
        value = entry.get(key)
        if value is None:
            return None
        if not isinstance(value, dict) or not value:
            self.problem((*path, key), msg("'%(key)s' must map languages to stored file "
                                           "names", key=key))
            return None
        result = {}
        for lang, name in value.items():
            size = media.size_of(str(name))
            if lang not in self.languages or media.content_type(str(name)) is None or \
                    (key == "image") != (size is not None):
                self.problem((*path, key, lang), msg("'%(name)s' is not a stored %(key)s of "
                                                     "the questionnaire's languages",
                                                     name=str(name)[:80], key=key))
                continue
            result[str(lang)] = str(name)
        return result or None
