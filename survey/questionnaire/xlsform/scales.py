"""Our ``scales`` extension sheet: scores built from items."""

from __future__ import annotations

from typing import Any

from ..messages import Text, msg
from .codes import CodeReader
from .languages import LanguageReader
from .vocabulary import KIND_WORDS, cell_value

EMPTY_LIST = "-"  # a list given empty (``reverse: []``), as the writer writes it


class ScaleReader(CodeReader, LanguageReader):
    def read_scales(self) -> list[dict[str, Any]]:
        sheet = self.book.get("scales")
        scales: list[dict[str, Any]] = []
        for index, row in enumerate(sheet.rows if sheet else ()):
            if not (row.get("code") or "").strip():
                continue
            n = len(scales)
            scale: dict[str, Any] = {"code": row["code"].strip()}
            self.out.places[("scales", n)] = sheet.place(index, "code")
            for key, value_type in (("items", "words"), ("reverse", "words"), ("points", "int"),
                              ("min_answered", "int"), ("reference", "text")):
                value = (row.get(key) or "").strip()
                if not value:
                    continue
                if value_type == "words" and value == EMPTY_LIST:  # written for ``[]``
                    scale[key] = []
                    continue
                parsed = cell_value(value, value_type)
                self.out.places[("scales", n, key)] = sheet.place(index, key)
                if parsed is None:
                    self.refuse(sheet.place(index, key), msg(
                        "'%(column)s' must be %(kind)s (got '%(value)s')", column=key,
                        kind=Text(KIND_WORDS[value_type]), value=value))
                    continue
                if value_type == "words":
                    parsed = [self.code(str(v)) for v in parsed]
                scale[key] = parsed
            construct = self.texts(sheet, row, index, "construct", ("scales", n, "construct"))
            if construct:
                scale["construct"] = construct
            scales.append(scale)
        return scales
