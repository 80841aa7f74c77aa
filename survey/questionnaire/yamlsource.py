"""Read YAML into plain data while remembering the line of every value.

PyYAML's ``safe_load`` forgets where values came from, and silently keeps the last of two
duplicate keys. Validation messages must name the line, so we walk the composed node tree
ourselves (PyYAML still does all the parsing and scalar typing).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]
MAX_NODES = 200_000  # a real questionnaire has a few thousand; aliases could expand without end


class YamlSyntaxError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Source:
    """Parsed data plus the 1-based line of each path (``("sections", 0, "code")``)."""

    data: Any
    nodes: int = 0
    lines: dict[Path, int] = field(default_factory=dict)
    duplicate_keys: list[tuple[int, str]] = field(default_factory=list)
    places: dict[Path, str] = field(default_factory=dict)  # spreadsheet cells, when converted

    def line(self, path: Path) -> int:
        """The line of ``path``, or of its nearest recorded parent."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def place(self, path: Path) -> str | None:
        """The spreadsheet cell of ``path`` or of its nearest parent (None for YAML)."""
        if not self.places:
            return None
        while path:
            if path in self.places:
                return self.places[path]
            path = path[:-1]
        return self.places.get(())


def read_yaml(text: str) -> Source:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error) from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(1, f"YAML syntax error: {error}") from None
    finally:
        loader.dispose()
    source = Source(data=None)
    if node is None:
        return source
    source.data = _convert(loader, node, (), source)
    return source


def _syntax_error(error: yaml.MarkedYAMLError) -> YamlSyntaxError:
    """Point at where the broken construct starts (an unclosed brace), and say where it broke."""
    start, found = error.context_mark, error.problem_mark
    line = (start or found).line + 1 if (start or found) else 1
    message = f"YAML syntax error: {error.problem or error}"
    if start and error.context:
        message = f"YAML syntax error {error.context}: {error.problem}"
    if start and found and found.line != start.line:
        message += f" (noticed at line {found.line + 1})"
    return YamlSyntaxError(line, message)


def _convert(loader: yaml.SafeLoader, node: yaml.Node, path: Path, source: Source) -> Any:
    source.nodes += 1
    if source.nodes > MAX_NODES or len(path) > 50:
        raise YamlSyntaxError(node.start_mark.line + 1, "the file is too large or too deeply "
                              "nested (repeated anchors and aliases?)")
    source.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(loader, key_node)
            if not isinstance(key, str | int):
                key = str(key)
            if key in result:
                source.duplicate_keys.append((key_node.start_mark.line + 1, str(key)))
            result[key] = _convert(loader, value_node, (*path, key), source)
            source.lines[(*path, key)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(loader, child, (*path, n), source) for n, child in enumerate(node.value)]
    return _scalar(loader, node)


def _scalar(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        return str(loader.construct_object(node, deep=True))
    value = loader.construct_object(node)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value
