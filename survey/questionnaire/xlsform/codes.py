"""XLSForm names made into our codes, and expressions rewritten with those codes."""

from __future__ import annotations

import re

from ..loader import CODE_RE
from ..messages import msg, words
from .base import ReaderBase
from .vocabulary import LITERAL_RE, REFERENCE_RE
from .workbook import Sheet

POSITION_RE = re.compile(r"\bposition\(\s*(?:current\(\s*\)\s*/\s*)?\.\.\s*\)")


class CodeReader(ReaderBase):
    @staticmethod
    def normalise(name: str) -> str:
        code = re.sub(r"[^a-z0-9_]", "_", name.strip().lower())
        if not code or not code[0].isalpha():
            code = f"q_{code}"
        return code[:64]

    def collect_names(self, survey: Sheet) -> None:
        for row in survey.rows:
            name = (row.get("name") or "").strip()
            if name and name not in self.renamed:
                self.renamed[name] = name if CODE_RE.match(name) else self.normalise(name)
        changed = [f"{a} -> {b}" for a, b in self.renamed.items() if a != b]
        if changed:
            self.note(msg("names made into codes (lower case letters, digits and '_'): "
                          "%(names)s", names=words(*changed[:8])
                          + (" ..." if len(changed) > 8 else "")))

    def code(self, name: str) -> str:
        return self.renamed.get(name, self.normalise(name))

    def expression(self, text: str | None) -> str | None:
        """An XLSForm expression with names and choice names made into codes."""
        if text is None or not str(text).strip():
            return None
        text = REFERENCE_RE.sub(lambda m: "${" + self.code(m[1].strip()) + "}", str(text))
        text = POSITION_RE.sub("position()", text)  # ODK's position(..): the block's number
        if self.choice_renamed:
            def literal(match: re.Match[str]) -> str:
                quote, inner = match[0][0], match[0][1:-1]
                new = self.choice_renamed.get(inner)
                return f"{quote}{new}{quote}" if new is not None else match[0]
            text = LITERAL_RE.sub(literal, text)
        return text.strip()
