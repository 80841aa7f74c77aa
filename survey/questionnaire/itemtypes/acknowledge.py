"""Acknowledge: one box to tick, "OK" (XLSForm ``acknowledge``; ``trigger`` in older forms).

Stored as ``"OK"`` when ticked, as ODK stores it; nothing when not. Required, it must be ticked.
"""

from __future__ import annotations

from typing import Any

from ..model import Choice, Item
from .base import Issue, ItemType, Pairs

OK = "OK"


class Acknowledge(ItemType):
    name = "acknowledge"
    codebook_type = "single"
    summarised_as = "choices"
    xlsform_types = ("acknowledge", "trigger")

    def parse_text(self, item: Item, text: str) -> tuple[Any, Issue | None]:
        return (OK, None) if text == OK else (None, Issue("invalid"))

    def offered(self, item: Item, roster: tuple[Choice, ...]) -> tuple[Choice, ...]:
        return (Choice(OK, {}),)

    def example(self, item: Item, roster: tuple[Choice, ...]) -> Pairs:
        return [(item.code, OK)]

    def codebook(self, item: Item, roster: tuple[Choice, ...]) -> list[dict[str, Any]]:
        [entry] = super().codebook(item, roster)
        return [{**entry, "choices": [{"code": OK, "label": dict.fromkeys(item.text, OK)}]}]
