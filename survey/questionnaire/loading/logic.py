"""Relevance, constraint and choice_filter expressions: parsed once, and naming only earlier
items (a choice_filter also the columns of its choices)."""

from __future__ import annotations

from .. import expressions
from ..messages import N_, Text, msg, words
from ..model import Expression, Item
from ..yamlsource import Path
from .reader import BaseReader


class LogicReader(BaseReader):

    def expression(self, entry: dict, path: Path, allow_dot: bool,
                   choice_names: bool = False) -> Expression | None:
        source = entry.get(path[-1])
        if source is None:
            return None
        if not isinstance(source, str) or not source.strip():
            self.problem(path, msg("'%(key)s' must be an expression in quotes", key=path[-1]))
            return None
        # count(), sum(), join() may read the items of earlier repeated pages (not this one's)
        others = {key: page for key, page in self.repeated.items() if page != self.in_repeat}
        others.update({page: page for page in set(others.values())})
        try:
            tree = expressions.parse(source, allow_dot=allow_dot, choice_names=choice_names,
                                     repeats=others)
        except expressions.ExpressionError as error:
            self.problem(path, msg("%(key)s \"%(source)s\": %(reason)s (at character "
                                   "%(position)s)", key=path[-1], source=source,
                                   reason=error.text, position=error.position + 1))
            return None
        for name in sorted(expressions.references(tree)):
            if name.startswith(expressions.CHOICE_PREFIX) or name in others.values():
                continue  # a column of the choice (choice_filter): see check_choice_filter
            if name == expressions.POSITION:
                if self.in_repeat is None:
                    self.problem(path, msg("%(key)s \"%(source)s\": position() is the number "
                                           "of a repeated page's block, only used on that "
                                           "page", key=path[-1], source=source))
                continue
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
                    "page '%(page)s': only questions of that page may use it (others may "
                    "use count(), sum() or join() of it)", key=path[-1],
                    source=source, name=name, page=self.repeated[name]))
        return Expression(source=source, tree=tree, json=expressions.to_json(tree))

    def check_choice_filter(self, item: Item, path: Path) -> None:
        """A choice_filter filters an item's own choices by their columns (or ``name``)."""
        if not item.itemtype.takes_choice_filter or item.choice_filter is None:
            self.problem(path, msg("choice_filter filters the choices of a single or multiple "
                                   "choice item, not of a %(type)s item", type=item.type))
            return
        columns = {"name"} | {key for c in item.choices for key, _v in c.attributes}
        for name in sorted(expressions.references(item.choice_filter.tree)):
            column = name.removeprefix(expressions.CHOICE_PREFIX)
            if name.startswith(expressions.CHOICE_PREFIX) and column not in columns:
                self.problem(path, msg("choice_filter \"%(source)s\" names '%(column)s', which "
                                       "is not a column of the choices of '%(code)s' (they "
                                       "have: %(columns)s)", source=item.choice_filter.source,
                                       column=column, code=item.code,
                                       columns=words(*sorted(columns))))

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
