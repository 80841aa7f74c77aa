"""The options of select, radio and checkbox fields, as WTForms' ``SelectChoice``: choices
given as tuples are deprecated, and removed in WTForms 3.4."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wtforms.fields.choices import SelectChoice

__all__ = ["SelectChoice", "options"]


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """(value, label) pairs as field options; values become text, as posted forms are."""
    return [SelectChoice(str(value), label) for value, label in pairs]
