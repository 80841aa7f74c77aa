"""Export cells: the one home of how a stored answer becomes a cell of a CSV, an XLSX sheet, an
SPSS column or the analysis library's frame.

- ``code_text`` / ``label_text``: spreadsheet cells (CSV, XLSX): codes (several
  space-separated, ``code:rating`` for rated nominations) or labels (joined with ``; ``), numbers
  as numbers, text neutralised against formula injection (the rule of
  ``analysis.output.neutralise_formula``: a leading ``'`` before ``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return);
- ``plain_text``: the same codes without escaping, as the analysis library and SPSS read them;

A :class:`CellPlan`, built once per export, says which cells of a row can need escaping: the
metadata, and per questionnaire version the columns whose item type stores text or several
codes. The other columns (likert, numbers, single choices, yes/no, dates and ranks) hold what
their item type parsed and stored: numbers, choice codes (``[a-z][a-z0-9_]*`` or whole
numbers), ``YYYY-MM-DD`` dates or special answers, none of which a spreadsheet could run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from analysis.output import FORMULA_PREFIXES, neutralise_formula

if TYPE_CHECKING:
    from .schema import Schema

# The formula prefixes are single characters: a cell's first character tells.
assert all(len(p) == 1 for p in FORMULA_PREFIXES)
FORMULA_FIRST = frozenset(FORMULA_PREFIXES)
LABEL_SEPARATOR = "; "  # between labels of several choices (codes are space-separated)
# Codebook types whose stored cells are one number, choice code, date or time (never text).
SCALAR_TYPES = frozenset({"likert", "integer", "decimal", "single", "yesno", "date", "time"})

neutralise = neutralise_formula


def code_text(value: Any) -> Any:
    """A stored value as the codebook's CSV cell: several codes space-separated, a rated
    nomination as ``code:rating`` tokens; text neutralised against formula injection. Numbers
    stay numbers (a negative number is not a formula)."""
    if isinstance(value, str):
        return neutralise_formula(value)
    if isinstance(value, list):
        return neutralise_formula(" ".join(str(v) for v in value))
    if isinstance(value, dict):
        return neutralise_formula(" ".join(f"{k}:{v}" for k, v in sorted(value.items())))
    if isinstance(value, bool):  # never stored by the app; shown as text, not 0/1
        return str(value).lower()
    return value


def label_text(value: Any, labels: Mapping[str, str] | None) -> Any:
    """A stored value with its choices' labels instead of their codes."""
    if labels is None or value is None:
        return code_text(value)
    if isinstance(value, list):
        text = LABEL_SEPARATOR.join(labels[str(v)] for v in value)
    elif isinstance(value, dict):
        text = LABEL_SEPARATOR.join(f"{labels[str(k)]}: {v}" for k, v in sorted(value.items()))
    else:
        text = labels[str(value)]
    return neutralise_formula(text)


def plain_text(value: Any) -> str:
    """A stored value as the analysis library reads a CSV cell (no spreadsheet escaping)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if isinstance(value, dict):
        return " ".join(f"{k}:{v}" for k, v in sorted(value.items()))
    return str(value)


@dataclass(frozen=True)
class CellPlan:
    """Per version id, the positions in a row (metadata first) whose cells may need
    :func:`code_text`; every other cell is written as stored."""

    checked: dict[int, tuple[int, ...]]

    @classmethod
    def of(cls, schema: Schema) -> CellPlan:
        first = len(schema.header) - len(schema.columns)  # the metadata columns
        metadata = tuple(range(first))
        return cls({ident: metadata + tuple(first + p for p in plan.checked)
                    for ident, plan in schema.plans.items()})

    def code_cells(self, version_id: int, cells: list[Any]) -> list[Any]:
        """``cells`` (raw, one response) made ready for a spreadsheet, in place: codes, numbers
        as numbers, text neutralised."""
        first = FORMULA_FIRST
        for n in self.checked[version_id]:
            cell = cells[n]
            # Most checked cells are whole numbers, empty, or text no spreadsheet would read
            # as a formula: tested inline, cheapest test first; the rest goes through code_text.
            if (kind := cell.__class__) is int or cell is None:
                continue
            if kind is str:
                if cell[:1] in first:
                    cells[n] = "'" + cell  # neutralise_formula, without two calls
            else:
                cells[n] = code_text(cell)
        return cells


__all__ = ["FORMULA_FIRST", "LABEL_SEPARATOR", "SCALAR_TYPES", "CellPlan", "code_text",
           "label_text", "neutralise", "plain_text"]
