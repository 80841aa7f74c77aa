"""Read YAML into plain data while remembering the line of every value.

PyYAML's ``safe_load`` forgets where values came from, and silently keeps the last of two
duplicate keys. Validation messages must name the line, so we walk the composed node tree
ourselves (PyYAML still does all the parsing and scalar typing).

A definition is written by a researcher, but it may be anything a spreadsheet or an editor
produces, so reading it never fails with a traceback: PyYAML's reader, composer and
constructor errors, Python's own limits (integers over 4300 digits, recursion) and what YAML
allows but a definition never needs (tags, merge keys ``<<``, a mapping or list as a key,
control characters and lone surrogates, which PostgreSQL cannot store) all become a
:class:`YamlSyntaxError` with a line. Size, node count and depth are checked while the file
is composed, before anything grows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import yaml

from .messages import N_, Text, msg, verbatim

Path = tuple[str | int, ...]
MAX_NODES = 20_000  # the bundled questionnaires have under 2,000; aliases could expand a lot
MAX_DEPTH = 50  # a definition nests about six levels deep
#: what a definition's texts may hold: PyYAML's printable characters (no control characters
#: but tab and line breaks, no lone surrogates), whether written raw or escaped
NOT_ALLOWED = yaml.reader.Reader.NON_PRINTABLE
STANDARD_TAGS = {f"tag:yaml.org,2002:{name}" for name in (
    "null", "bool", "int", "float", "str", "timestamp", "seq", "map")}


#: PyYAML's most frequent words, translated; others are shown as PyYAML wrote them
YAML_WORDS = {
    "mapping values are not allowed here": N_("mapping values are not allowed here"),
    "could not find expected ':'": N_("could not find expected ':'"),
    "did not find expected key": N_("did not find expected key"),
    "did not find expected ',' or '}'": N_("did not find expected ',' or '}'"),
    "did not find expected ',' or ']'": N_("did not find expected ',' or ']'"),
    "did not find expected '-' indicator": N_("did not find expected '-' indicator"),
    "found unexpected end of stream": N_("found unexpected end of stream"),
    "found undefined alias": N_("found undefined alias"),
    "while scanning a simple key": N_("while scanning a simple key"),
    "while scanning a quoted scalar": N_("while scanning a quoted scalar"),
    "while parsing a block mapping": N_("while parsing a block mapping"),
    "while parsing a block collection": N_("while parsing a block collection"),
    "while parsing a flow mapping": N_("while parsing a flow mapping"),
    "while parsing a flow sequence": N_("while parsing a flow sequence"),
    "while composing a mapping": N_("while composing a mapping"),
}


def yaml_words(text: object) -> Text:
    """PyYAML's own words, translatable when they are among the usual ones."""
    words = str(text)
    if words in YAML_WORDS:
        return Text(YAML_WORDS[words])
    return verbatim(words)


class YamlSyntaxError(ValueError):
    def __init__(self, line: int, text: Text) -> None:
        super().__init__(str(text))
        self.line = line
        self.text = text
        self.message = str(text)


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


class _GuardedLoader(yaml.SafeLoader):
    """PyYAML's safe loader that counts nodes and depth while composing (the composer
    recurses once per level, so a deep file would otherwise end in a RecursionError)."""

    def __init__(self, text: str) -> None:
        self._nodes = 0
        self._depth = 0
        super().__init__(text)

    def increase_flow_level(self) -> None:
        # the scanner reads a whole run of "[[[[..." before the composer sees the first one
        if self.flow_level >= MAX_DEPTH:
            raise YamlSyntaxError(self.line + 1, _TOO_LARGE)
        super().increase_flow_level()

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._nodes += 1
        self._depth += 1
        try:
            if self._nodes > MAX_NODES or self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise YamlSyntaxError(mark.line + 1, _TOO_LARGE)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_TOO_LARGE = msg("the file is too large or too deeply nested (repeated anchors and aliases?)")


def read_yaml(text: str) -> Source:
    try:
        loader = _GuardedLoader(text)
    except yaml.reader.ReaderError as error:  # a control character written raw
        raise _reader_error(text, error) from None
    try:
        node = loader.get_single_node()
    except yaml.reader.ReaderError as error:
        raise _reader_error(text, error) from None
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error) from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(1, msg("YAML syntax error: %(problem)s",
                                     problem=yaml_words(error))) from None
    except RecursionError:
        raise YamlSyntaxError(1, _TOO_LARGE) from None
    finally:
        loader.dispose()
    source = Source(data=None)
    if node is None:
        return source
    try:
        source.data = _convert(loader, node, (), source)
    except RecursionError:
        raise YamlSyntaxError(node.start_mark.line + 1, _TOO_LARGE) from None
    return source


def _reader_error(text: str, error: yaml.reader.ReaderError) -> YamlSyntaxError:
    position = max(0, min(int(error.position), len(text)))
    line = text.count("\n", 0, position) + 1
    character = error.character
    code = ord(character) if isinstance(character, str) else int(character)
    shown = f"U+{code:04X}"
    return YamlSyntaxError(line, msg("the file holds a control character (%(character)s); "
                                     "remove it", character=shown))


def _syntax_error(error: yaml.MarkedYAMLError) -> YamlSyntaxError:
    """Point at where the broken construct starts (an unclosed brace), and say where it broke."""
    start, found = error.context_mark, error.problem_mark
    line = (start or found).line + 1 if (start or found) else 1
    text = msg("YAML syntax error: %(problem)s", problem=yaml_words(error.problem or error))
    if start and error.context:
        text = msg("YAML syntax error %(context)s: %(problem)s",
                   context=yaml_words(error.context), problem=yaml_words(error.problem))
    if start and found and found.line != start.line:
        text = msg("%(problem)s (noticed at line %(line)s)", problem=text,
                   line=found.line + 1)
    return YamlSyntaxError(line, text)


def _convert(loader: yaml.SafeLoader, node: yaml.Node, path: Path, source: Source) -> Any:
    source.nodes += 1
    if source.nodes > MAX_NODES or len(path) > MAX_DEPTH:
        raise YamlSyntaxError(node.start_mark.line + 1, _TOO_LARGE)
    source.lines[path] = node.start_mark.line + 1
    _check_tag(node)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlSyntaxError(key_node.start_mark.line + 1, msg(
                    "merge keys (<<) are not allowed: write the keys out"))
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlSyntaxError(key_node.start_mark.line + 1, msg(
                    "a key must be a word or a number, not a list or mapping"))
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


def _check_tag(node: yaml.Node) -> None:
    if node.tag not in STANDARD_TAGS:
        raise YamlSyntaxError(node.start_mark.line + 1, msg(
            "YAML tags such as '%(tag)s' are not allowed", tag=_shown_tag(node.tag)))


def _scalar(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    _check_tag(node)
    line = node.start_mark.line + 1
    try:
        value = loader.construct_object(node)
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error) from None
    except (ValueError, OverflowError) as error:  # a date such as 2026-13-45, a huge integer
        reason = (msg("a number may have at most 4300 digits") if "digits" in str(error)
                  else verbatim(str(error)))
        raise YamlSyntaxError(line, msg("'%(value)s' cannot be read: %(reason)s",
                                        value=_printable(str(node.value))[:40],
                                        reason=reason)) from None
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, str) and NOT_ALLOWED.search(value):
        bad = NOT_ALLOWED.search(value).group(0)  # type: ignore[union-attr]
        shown = f"U+{ord(bad):04X}"
        raise YamlSyntaxError(line, msg("a text holds a control character or an invalid "
                                        "escape (%(character)s); remove it", character=shown))
    return value


def _shown_tag(tag: str) -> str:
    """A tag as it was written: ``!!python/name:x`` rather than its long form."""
    prefix = "tag:yaml.org,2002:"
    return _printable("!!" + tag[len(prefix):] if tag.startswith(prefix) else tag)


def _printable(text: str) -> str:
    return NOT_ALLOWED.sub("?", text)
