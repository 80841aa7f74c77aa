"""Hidden: a value the participant never sees, fixed by the form (``value``) or taken from the
campaign link (``link: true``: ``/c/<slug>?<code>=<value>``, for the item's own code only),
stored and exported with the answers. A link without the name keeps ``value`` (or nothing).

XLSForm: type ``hidden`` with ``default`` as the value and our ``link`` column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..messages import msg
from ..model import Choice, Item
from .base import Issue, ItemType, Path, RawValues, Reader, as_text

MAX_LINK_VALUE = 200  # characters kept from a link


@dataclass(frozen=True)
class HiddenSettings:
    value: str | None = None
    link: bool = False


class Hidden(ItemType):
    name = "hidden"
    keys = frozenset({"value", "link"})
    settings_type = HiddenSettings
    takes_constraint = False
    shown = False
    codebook_type = "text"
    summarised_as = "values"
    xlsform_types = ("hidden",)
    xlsform_columns = {"default": "text", "link": "flag"}

    def read(self, reader: Reader, entry: dict, path: Path, code: str) -> Any:
        value = entry.get("value")
        if value is not None and (isinstance(value, bool) or not isinstance(value, str | int
                                                                               | float)):
            reader.problem((*path, "value"), msg("'value' of '%(code)s' must be a text or a "
                                                 "number", code=code))
            value = None
        link = reader.flag(entry, path, "link")
        if value is None and not link:
            reader.problem(path, msg("hidden '%(code)s' needs a value, or link: true to take "
                                     "it from the campaign link", code=code))
        return HiddenSettings(None if value is None else str(value), link)

    def check(self, reader: Reader, item: Item, path: Path) -> None:
        super().check(reader, item, path)
        if item.required or item.special:
            reader.problem(path, msg("hidden '%(code)s' is not asked: it cannot be required or "
                                     "have special answers", code=item.code))

    def link_answers(self, item: Item, args: Mapping[str, str]) -> dict[str, Any]:
        """The value a campaign link's query gives this item (its own code only)."""
        if not item.settings.link:
            return {}
        text = as_text(args.get(item.code))
        text = text.strip()[:MAX_LINK_VALUE] if text else ""
        return {item.code: text} if text else {}

    def input_names(self, item: Item, roster: tuple[Choice, ...]) -> list[str]:
        return []

    def answer(self, item: Item, raw: RawValues, roster: tuple[Choice, ...],
               context: Mapping[str, Any]) -> tuple[Any, Issue | None]:
        """The link's value, kept with the response when it started; else the form's."""
        settings: HiddenSettings = item.settings
        linked = context.get(item.code) if settings.link else None
        return (linked if linked is not None else settings.value), None

    def check_answer(self, item: Item, value: Any, context: Mapping[str, Any]) -> Issue | None:
        return None

    def script_data(self, item: Item) -> dict[str, Any] | None:
        settings: HiddenSettings = item.settings
        return {"fixed": settings.value, "link": settings.link}

    def form_values(self, item: Item, answers: Mapping[str, Any]) -> dict[str, list[str]]:
        return {}

    def xlsform_read_extra(self, cells: Mapping[str, Any], entry: dict[str, Any],
                           languages: Any) -> None:
        if "default" in entry:
            entry["value"] = entry.pop("default")

    def xlsform_cells(self, entry: Mapping[str, Any]) -> dict[str, Any]:
        return {"default": entry["value"]} if "value" in entry else {}
