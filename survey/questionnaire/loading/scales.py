"""The scales section: items of one answer format, reverse keys, minimum answered."""

from __future__ import annotations

from ..messages import msg
from ..model import Scale
from ..yamlsource import Path
from .reader import BaseReader

SCALE_KEYS = {"code", "items", "reverse", "points", "min_answered", "construct", "reference"}


class ScaleReader(BaseReader):

    def read_scales(self, data: dict) -> list[Scale]:
        scales, seen = [], set()
        for path, entry in self.mappings(
                data, "scales", SCALE_KEYS,
                msg("a scale must be a mapping with code, items and points"),
                msg("in a scale"), required=False):
            code = self.code(entry, (*path, "code"), msg("scale code"))
            if code in seen:
                self.problem((*path, "code"), msg("scale code '%(code)s' is used twice",
                                                  code=code))
            seen.add(code)
            scale = self.read_scale(entry, path, code)
            if scale is not None:
                scales.append(scale)
        return scales

    def read_scale(self, entry: dict, path: Path, code: str) -> Scale | None:
        items = entry.get("items")
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            self.problem((*path, "items"), msg("scale '%(code)s' needs a list of item codes",
                                               code=code))
            return None
        if len(items) < 3:
            self.problem((*path, "items"), msg("scale '%(code)s' needs at least 3 items",
                                               code=code))
        if len(set(items)) != len(items):
            self.problem((*path, "items"), msg("scale '%(code)s' lists an item twice",
                                               code=code))
        points = self.count(entry, path, "points")
        if points is None:
            self.problem(path, msg("scale '%(code)s' needs points (the number of answer "
                                   "points)", code=code))
        for name in items:
            item = self.columns.get(name)
            if item is None:
                self.problem((*path, "items"), msg("scale '%(code)s' names '%(name)s', an "
                                                   "unknown item", code=code, name=name))
            elif name in self.repeated:
                self.problem((*path, "items"), msg(
                    "scale '%(code)s' names '%(name)s', a question of the repeated page "
                    "'%(page)s': scales are built from questions answered once per "
                    "respondent", code=code, name=name, page=self.repeated[name]))
            elif not item.itemtype.scored:
                self.problem((*path, "items"), msg(
                    "scale '%(code)s' names '%(name)s', a %(type)s item: scales take likert "
                    "items and matrix rows", code=code, name=name, type=item.type))
            elif points is not None and len(item.choices) != points:
                self.problem((*path, "items"), msg(
                    "scale '%(code)s' has %(points)s points but '%(name)s' has %(count)s "
                    "choices", code=code, points=points, name=name, count=len(item.choices)))
        reverse = entry.get("reverse", [])
        if not isinstance(reverse, list) or any(r not in items for r in reverse):
            self.problem((*path, "reverse"), msg("'reverse' of scale '%(code)s' must list some "
                                                 "of its items", code=code))
            reverse = []
        min_answered = self.count(entry, path, "min_answered") or 1
        if min_answered > len(items):
            self.problem((*path, "min_answered"), msg("min_answered of '%(code)s' is more "
                                                      "than its number of items", code=code))
        construct = self.text(entry, (*path, "construct")) or {}
        reference = entry.get("reference")
        if reference is not None and not isinstance(reference, str):
            self.problem((*path, "reference"), msg("'reference' must be a text"))
            reference = None
        return Scale(code=code, items=tuple(items), reverse=tuple(reverse),
                     points=points or 0, min_answered=min_answered, construct=construct,
                     reference=reference)
