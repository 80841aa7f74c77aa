"""Relevance and constraint expressions: parsed once, and naming only earlier items."""

from __future__ import annotations

from .. import expressions
from ..messages import N_, Text, msg
from ..model import Expression
from ..yamlsource import Path
from .reader import BaseReader


class LogicReader(BaseReader):

    def expression(self, entry: dict, path: Path, allow_dot: bool) -> Expression | None:
        source = entry.get(path[-1])
        if source is None:
            return None
        if not isinstance(source, str) or not source.strip():
            self.problem(path, msg("'%(key)s' must be an expression in quotes", key=path[-1]))
            return None
        try:
            tree = expressions.parse(source, allow_dot=allow_dot)
        except expressions.ExpressionError as error:
            self.problem(path, msg("%(key)s \"%(source)s\": %(reason)s (at character "
                                   "%(position)s)", key=path[-1], source=source,
                                   reason=error.text, position=error.position + 1))
            return None
        for name in sorted(expressions.references(tree)):
            if name not in self.columns:
                later = name in self.codes or self.defined_later(name)
                template = (N_("%(key)s \"%(source)s\" names ${%(name)s}, an item defined "
                               "later: expressions may only use earlier items") if later else
                            N_("%(key)s \"%(source)s\" names ${%(name)s}, an unknown item"))
                self.problem(path, Text(template, {"key": path[-1], "source": source,
                                                   "name": name}))
            elif self.repeated.get(name, self.in_repeat) != self.in_repeat:
                self.problem(path, msg(
                    "%(key)s \"%(source)s\" names ${%(name)s}, a question of the repeated "
                    "page '%(page)s': only questions of that page may use it", key=path[-1],
                    source=source, name=name, page=self.repeated[name]))
        return Expression(source=source, tree=tree, json=expressions.to_json(tree))

    def defined_later(self, name: str) -> bool:
        sections = self.source.data.get("sections")
        for section in sections if isinstance(sections, list) else []:
            items = section.get("items") if isinstance(section, dict) else None
            for item in items if isinstance(items, list) else []:
                if not isinstance(item, dict):
                    continue
                rows = item.get("rows") if isinstance(item.get("rows"), list) else []
                if item.get("code") == name or any(
                        isinstance(r, dict) and r.get("code") == name for r in rows):
                    return True
        return False
