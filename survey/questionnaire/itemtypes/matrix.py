"""Matrix: several Likert rows sharing one scale, shown as stacked cards on a phone.

Each row is its own data column, named by the row's code (so scales can use rows as items);
inputs are named by row code too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..messages import N_, msg
from ..model import Choice, Item
from .base import (
    Issue,
    ItemType,
    Pairs,
    Path,
    RawValues,
    Reader,
    Refusal,
    codebook_base,
    codebook_choices,
    posted,
)
from .choice import integer_scale, pick_one


@dataclass(frozen=True)
class MatrixSettings:
    choices: tuple[Choice, ...] = ()  # the shared scale, coded 1..n
    rows: tuple[Choice, ...] = ()  # each row: its code (a data column) and its label


class Matrix(ItemType):
    name = "matrix"
    keys = frozenset({"choices", "rows"})
    settings_type = MatrixSettings
    scored = True
    refusals = {"rows_required": Refusal(N_("Please answer every line. Missing: %(rows)s."))}
    takes_constraint = False
    codebook_type = "likert"
    xlsform_group = True  # a table-list group of selects sharing one list coded 1..n
    xlsform_scale = True

    def read(self, reader: Reader, entry: dict, path: Path, code: str) -> Any:
        choices = integer_scale(reader, entry, path, code)
        rows = reader.choices(entry.get("rows"), (*path, "rows"))
        for n, row in enumerate(rows):
            if not isinstance(row.code, str):
                reader.problem((*path, "rows", n), msg("matrix row codes must be names, not "
                                                       "%(code)s", code=row.code))
                continue
            reader.unique_code({"code": row.code}, (*path, "rows", n, "code"), msg("row code"))
        return MatrixSettings(choices, rows)

    def answer_keys(self, item: Item) -> tuple[str, ...]:
        return tuple(row.key for row in item.settings.rows)

    def input_names(self, item: Item, roster: tuple[Choice, ...]) -> list[str]:
        return list(self.answer_keys(item))

    def parse(self, item: Item, raw: RawValues, roster: tuple[Choice, ...]
              ) -> tuple[Any, Issue | None]:
        codes = {c.key: c.code for c in item.choices}
        answers: dict[str, Any] = {}
        refused = False
        for row in item.settings.rows:
            value, issue = pick_one(item, posted(raw, row.key), codes)
            refused = refused or issue is not None
            answers[row.key] = value
        return answers, (Issue("invalid") if refused else None)

    def check_answer(self, item: Item, value: Any, context: Mapping[str, Any]) -> Issue | None:
        missing = [r for r in item.settings.rows if value.get(r.key) is None]
        if item.required and missing:
            return Issue("rows_required", {"rows": [r.label for r in missing]})
        return None

    def partial(self, item: Item, value: Any) -> Any:
        """The answered rows of a refused matrix."""
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if v is not None} or None
        return None

    def store(self, item: Item, value: Any) -> dict[str, Any]:
        rows = value if isinstance(value, dict) else {}
        return {key: rows.get(key) for key in self.answer_keys(item)}

    def form_values(self, item: Item, answers: Mapping[str, Any]) -> dict[str, list[str]]:
        return {key: [str(answers[key])] for key in self.answer_keys(item)
                if answers.get(key) is not None}

    def example(self, item: Item, roster: tuple[Choice, ...]) -> Pairs:
        return [(row.key, item.choices[-2].key) for row in item.settings.rows]

    def codebook(self, item: Item, roster: tuple[Choice, ...]) -> list[dict[str, Any]]:
        return [{**codebook_base(item), "code": row.key, "type": self.codebook_type,
                 "text": dict(row.label), "choices": codebook_choices(item.choices),
                 "points": len(item.choices), "matrix": item.code} for row in item.settings.rows]
