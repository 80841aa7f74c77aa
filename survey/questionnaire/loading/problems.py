"""What the loader reports: each problem placed where the researcher wrote it."""

from __future__ import annotations

from dataclasses import dataclass

from ..messages import Text


@dataclass(frozen=True)
class Problem:
    """One problem, placed as the researcher wrote it: a YAML line, or a spreadsheet cell
    (``survey!C14``, in ``place``). ``text`` is translatable; ``message`` is its English."""

    file: str
    line: int
    text: Text
    place: str | None = None  # a spreadsheet cell, ``survey!C14``, instead of a line

    def __post_init__(self) -> None:
        if not isinstance(self.text, Text):
            raise TypeError("a problem's text is a messages.Text, so it can be translated")

    @property
    def message(self) -> str:
        return str(self.text)

    def __str__(self) -> str:
        if self.place:
            return f"{self.file}: {self.place}: {self.message}"
        return f"{self.file}:{self.line}: {self.message}"


class DefinitionError(ValueError):
    """A definition with problems; ``problems`` lists them all, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__("\n".join(str(p) for p in self.problems))
