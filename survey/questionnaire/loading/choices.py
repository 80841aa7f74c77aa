"""Choices, named choice lists and rosters."""

from __future__ import annotations

from typing import Any

from .. import expressions
from ..messages import msg, words
from ..model import Choice, Item
from ..special import SPECIAL_ANSWERS
from ..yamlsource import Path
from . import reader
from .reader import BaseReader


class ChoiceReader(BaseReader):

    def choices(self, value: Any, path: Path, integer: bool = False) -> tuple[Choice, ...]:
        if not isinstance(value, list) or not value:
            self.problem(path, msg("choices must be a non-empty list of %(example)s",
                                   example=self.language_example(code=True)))
            return ()
        result: list[Choice] = []
        seen: dict[str, list[tuple[tuple[str, str], ...]]] = {}  # code -> columns of each
        repeats: list[tuple[Path, Any]] = []
        for n, entry in enumerate(value):
            where = (*path, n)
            if not isinstance(entry, dict):
                self.problem(where, msg("a choice must be a mapping %(example)s",
                                        example=self.language_example(code=True)))
                continue
            code = entry.get("code")
            if code is None:
                self.problem(where, msg("this choice has no code"))
                continue
            well_formed = isinstance(code, int) or (
                isinstance(code, str) and reader.CODE_RE.match(code))
            if isinstance(code, bool) or not well_formed:
                self.problem(where, msg("choice code %(code)s must be a whole number or lower "
                                        "case letters, digits and '_'", code=repr(code)))
                if self.strict or not isinstance(code, str | int):
                    continue
            if integer and not isinstance(code, int):
                self.problem(where, msg("choice code %(code)s must be a whole number here",
                                        code=repr(code)))
            if code in SPECIAL_ANSWERS:
                self.problem(where, msg("'%(code)s' is reserved: use special: [%(code)s] on "
                                        "the item", code=code))
            attributes = self.attributes(entry, (*where, "attributes"))
            earlier = seen.setdefault(str(code), [])
            if earlier and (not attributes or attributes in earlier):
                self.problem(where, msg("choice code %(code)s appears twice in this list",
                                        code=repr(code)))
            elif earlier:  # told apart by its columns: kept if a choice_filter reads them
                repeats.append((where, code))
            earlier.append(attributes)
            label_source = {k: v for k, v in entry.items() if k not in ("code", "attributes")}
            label = self.language_map(label_source, where)
            result.append(Choice(code=code, label=label, attributes=attributes))
        if repeats:
            self.repeated_codes.append((tuple(result), repeats))
        return tuple(result)

    def check_repeated_codes(self, items: list[Item]) -> None:
        """A code repeated in a list (ODK allows it in cascading lists: ``other`` under two
        regions) is kept when every item using the list has a choice_filter reading a column
        in which each repeat differs from the others with its code; otherwise refused at the
        repeat, as a true duplicate is."""
        for choices, repeats in self.repeated_codes:
            users = [item for item in items if item.choices == choices]
            for where, code in repeats:
                same = [c for c in choices if c.code == code]
                for item in users or [None]:
                    read = set() if item is None or item.choice_filter is None else {
                        name.removeprefix(expressions.CHOICE_PREFIX)
                        for name in expressions.references(item.choice_filter.tree)
                        if name.startswith(expressions.CHOICE_PREFIX)}
                    told_apart = all(
                        any(dict(a.attributes).get(column) != dict(b.attributes).get(column)
                            for column in read)
                        for n, a in enumerate(same) for b in same[n + 1:])
                    if not told_apart:
                        self.problem(where, msg(
                            "choice code %(code)s appears twice in this list, and no "
                            "choice_filter of the questions using it tells them apart by a "
                            "column", code=repr(code)))
                        break

    def attributes(self, entry: dict, path: Path) -> tuple[tuple[str, str], ...]:
        """A choice's columns for choice_filter: names (codes) to texts or numbers."""
        value = entry.get("attributes")
        if value is None:
            return ()
        if not isinstance(value, dict) or not all(
                isinstance(k, str) and reader.CODE_RE.match(k)
                and isinstance(v, str | int | float) and not isinstance(v, bool)
                for k, v in value.items()):
            self.problem(path, msg("'attributes' must map column names to texts or numbers"))
            return ()
        return tuple(sorted((k, str(v)) for k, v in value.items()))

    def choice_ref(self, item: dict, path: Path, integer: bool = False) -> tuple[Choice, ...]:
        value = item.get("choices")
        if value is None:
            self.problem(path, msg("item '%(code)s' needs choices (a list, or the name of a "
                                   "list in choice_lists)", code=item.get("code")))
            return ()
        if isinstance(value, str):
            if value not in self.choice_lists:
                self.problem((*path, "choices"), msg(
                    "unknown choice list '%(name)s' (defined: %(names)s)", name=value,
                    names=words(*sorted(self.choice_lists)) or msg("none")))
                return ()
            choices = self.choice_lists[value]
            if integer and not all(isinstance(c.code, int) for c in choices):
                self.problem((*path, "choices"), msg("choice list '%(name)s' must have "
                                                     "whole-number codes for this item type",
                                                     name=value))
            return choices
        return self.choices(value, (*path, "choices"), integer)

    def read_choice_lists(self, data: dict) -> None:
        lists = data.get("choice_lists", {})
        if not isinstance(lists, dict):
            self.problem(("choice_lists",), msg("'choice_lists' must map list names to "
                                                "choices"))
            return
        for name, value in lists.items():
            self.choice_lists[str(name)] = self.choices(value, ("choice_lists", name))

    def read_rosters(self, data: dict) -> None:
        rosters = data.get("rosters", {})
        if not isinstance(rosters, dict):
            self.problem(("rosters",), msg("'rosters' must map roster names to entries"))
            return
        for name, value in rosters.items():
            if name == "campaign":
                self.problem(("rosters", name), msg("'campaign' is reserved for campaign "
                                                    "rosters"))
            self.rosters[str(name)] = self.choices(value, ("rosters", name))
