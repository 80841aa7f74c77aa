"""The words of a validation problem or a conversion note, kept translatable (no Flask here).

A :class:`Text` is an English template marked for extraction (``msg("...", key=value)`` or
``N_("...")`` for a constant; both are Babel keywords in ``scripts/translations.py``) and its
parameters, which may be Texts themselves. ``str()`` gives the English sentence (the command
line's ``file:line: reason``); the web layer renders it with the reader's catalogue
(``survey.templating.translated``). Templates use ``%(name)s`` placeholders, as gettext does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Translate = Callable[[str], str]


def N_(template: str) -> str:  # noqa: N802  (gettext's customary name for a no-op marker)
    """Mark a constant message for extraction; it is translated where it is shown."""
    return template


def NP_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802  (as N_)
    """Mark a message with its plural for extraction (translated with ``ngettext`` where it is
    shown)."""
    return singular, plural


@dataclass(frozen=True)
class Text:
    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, translate: Translate) -> str:
        if not self.params:
            return translate(self.template)
        values = {key: value.render(translate) if isinstance(value, Text) else value
                  for key, value in self.params.items()}
        return translate(self.template) % values

    def __str__(self) -> str:
        return self.render(str)

    def templates(self) -> list[str]:
        """This template and those of its Text parameters (for the catalogue's tests)."""
        found = [self.template]
        for value in self.params.values():
            if isinstance(value, Text):
                found += value.templates()
        return found

    def to_json(self) -> dict[str, Any]:
        return {"template": self.template, "params": {
            key: value.to_json() if isinstance(value, Text) else value
            for key, value in self.params.items()}}

    @classmethod
    def from_json(cls, data: Any) -> Text:
        """A stored Text (a draft's notes); a plain string (stored before) stays as it was."""
        if not isinstance(data, dict):
            return verbatim(str(data))
        params = {key: cls.from_json(value) if isinstance(value, dict) else value
                  for key, value in dict(data.get("params") or {}).items()}
        return cls(str(data.get("template", "")), params)


def msg(template: str, **params: Any) -> Text:
    """A message marked for extraction, with its parameters."""
    return Text(template, params)


VERBATIM = "%(words)s"


def verbatim(words: str) -> Text:
    """Words shown as they are, untranslated: another program's (PyYAML's, a spreadsheet
    reader's), or a note stored as plain text before notes were translatable."""
    return Text(VERBATIM, {"words": words})


def words(*values: Any) -> str:
    """Names or codes listed in a message: ``a, b, c`` (codes are not translated)."""
    return ", ".join(str(v) for v in values)


@dataclass(frozen=True)
class Note:
    """A conversion note: what was assumed or ignored, at a spreadsheet place if it has one."""

    text: Text
    place: str | None = None

    def __str__(self) -> str:
        return f"{self.place}: {self.text}" if self.place else str(self.text)

    def to_json(self) -> dict[str, Any]:
        return {"place": self.place, **self.text.to_json()}

    @classmethod
    def from_json(cls, data: Any) -> Note:
        """A stored note (a draft's); a plain string, as notes were stored before, stays."""
        place = data.get("place") if isinstance(data, dict) else None
        return cls(Text.from_json(data), place if isinstance(place, str) else None)
