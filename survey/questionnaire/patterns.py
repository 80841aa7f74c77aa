"""The patterns of ``regex()`` in constraints and conditions: a safe subset, matched in linear
time by our own matcher, here and in the page's script (``survey/static/relevance.js``).

Python's ``re`` and the browser's ``RegExp`` backtrack: a pattern such as ``(a+)+$`` takes
exponential time on some answers, and a server checking a posted answer must not. No engine
without backtracking is among our dependencies, and the two engines also differ in details
(``\\s``, ``.``, ``$`` before a newline). So a pattern is read once, when the questionnaire is
loaded, into a small tree, and matched by following the set of positions reached (at most
``len(text) + 1`` of them) through it: the cost grows with the text times the pattern's size,
never exponentially, and both sides give the same answer on the same tree.

The subset (what XLSForms write): literal characters, ``.`` (any character but a line break),
classes ``[a-z0-9_]``, ``[^...]``, the escapes ``\\d \\w \\s \\D \\W \\S \\t \\n \\r`` (ASCII
meanings: ``\\d`` is 0-9) and an escaped punctuation character, groups ``( )`` and ``(?: )``,
alternatives ``|``, the anchors ``^ $`` and the repetitions ``* + ? {n} {n,} {n,m}`` (a
trailing ``?`` is accepted and changes nothing: only whether the pattern matches is asked).
Refused with the reason: back-references, look-arounds, word boundaries, named classes,
repetitions nested more than twice or too large (:data:`MAX_WEIGHT`).

Tree (tuples; lists in JSON)::

    ["set", [[low, high], ...]]   one character whose code point is in one of the ranges
    ["seq", [node, ...]]  ["alt", [node, ...]]  ["rep", fewest, most or -1, node]
    ["bol"]  ["eol"]

A text longer than :data:`MAX_TEXT` characters never matches.
"""

from __future__ import annotations

from typing import Any

from .messages import Text, msg

MAX_PATTERN = 500  # characters
MAX_COUNT = 100  # the largest n in {n} / {n,m}
MAX_NESTING = 2  # repetitions inside repetitions
MAX_WEIGHT = 2000  # the pattern's size with bounded repetitions counted as copies
MAX_TEXT = 1000  # characters of the answer a pattern is matched against
TOP = 0x10FFFF

Node = tuple
Ranges = tuple[tuple[int, int], ...]

DIGITS: Ranges = ((48, 57),)
WORD: Ranges = ((48, 57), (65, 90), (95, 95), (97, 122))
SPACE: Ranges = ((9, 13), (32, 32))
LINE_BREAKS: Ranges = ((10, 10), (13, 13), (0x85, 0x85), (0x2028, 0x2029))
CONTROL = {"t": 9, "n": 10, "r": 13, "f": 12, "v": 11}


class PatternError(ValueError):
    """A pattern outside the subset: ``text`` says why, for people."""

    def __init__(self, text: Text) -> None:
        super().__init__(str(text))
        self.text = text


def _merged(ranges: list[tuple[int, int]]) -> Ranges:
    merged: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
        else:
            merged.append((low, high))
    return tuple(merged)


def _complement(ranges: Ranges) -> Ranges:
    result, start = [], 0
    for low, high in ranges:
        if low > start:
            result.append((start, low - 1))
        start = high + 1
    if start <= TOP:
        result.append((start, TOP))
    return tuple(result)


CLASSES: dict[str, Ranges] = {"d": DIGITS, "w": WORD, "s": SPACE}
DOT = _complement(LINE_BREAKS)


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.index = 0

    def peek(self) -> str:
        return self.source[self.index] if self.index < len(self.source) else ""

    def take(self) -> str:
        char = self.peek()
        self.index += 1
        return char

    def alternatives(self, nesting: int) -> Node:
        options = [self.sequence(nesting)]
        while self.peek() == "|":
            self.take()
            options.append(self.sequence(nesting))
        return options[0] if len(options) == 1 else ("alt", tuple(options))

    def sequence(self, nesting: int) -> Node:
        parts: list[Node] = []
        while self.peek() not in ("", "|", ")"):
            atom = self.atom(nesting)
            parts.append(self.repeated(atom, nesting))
        return parts[0] if len(parts) == 1 else ("seq", tuple(parts))

    def atom(self, nesting: int) -> Node:
        char = self.take()
        if char == "(":
            if self.peek() == "?":
                self.take()
                if self.take() != ":":
                    raise PatternError(msg("look-arounds and named groups are not supported "
                                           "(only (...) and (?:...))"))
            inner = self.alternatives(nesting)
            if self.take() != ")":
                raise PatternError(msg("a '(' is not closed"))
            return inner
        if char == "[":
            return ("set", self.klass())
        if char == ".":
            return ("set", DOT)
        if char == "^":
            return ("bol",)
        if char == "$":
            return ("eol",)
        if char == "\\":
            return ("set", self.escape(in_class=False))
        if char in "*+?":
            raise PatternError(msg("'%(char)s' has nothing before it to repeat", char=char))
        if char == "{" and self.counts(peek=True) is not None:
            raise PatternError(msg("'{' has nothing before it to repeat"))
        return ("set", ((ord(char), ord(char)),))

    def escape(self, in_class: bool) -> Ranges:
        char = self.take()
        if char == "":
            raise PatternError(msg("the pattern ends with '\\'"))
        if char.lower() in CLASSES:
            ranges = CLASSES[char.lower()]
            return _complement(ranges) if char.isupper() else ranges
        if char in CONTROL:
            return ((CONTROL[char], CONTROL[char]),)
        if char.isalnum():
            raise PatternError(msg("'\\%(char)s' is not supported in a pattern", char=char))
        return ((ord(char), ord(char)),)

    def klass(self) -> Ranges:
        negated = self.peek() == "^"
        if negated:
            self.take()
        if self.peek() == "]":
            raise PatternError(msg("a class cannot start with ']': write '\\]'"))
        ranges: list[tuple[int, int]] = []
        while True:
            char = self.take()
            if char == "":
                raise PatternError(msg("a '[' is not closed"))
            if char == "]":
                break
            if char == "[":
                raise PatternError(msg("'[' inside a class: write '\\['"))
            if char == "\\":
                found = self.escape(in_class=True)
                if len(found) != 1 or found[0][0] != found[0][1]:
                    ranges.extend(found)  # a class escape: a '-' after it is a hyphen
                    continue
                low = found[0][0]
            else:
                low = ord(char)
            if self.peek() == "-" and self.source[self.index + 1:self.index + 2] not in ("]",
                                                                                        ""):
                self.take()
                end = self.take()
                if end == "\\":
                    found = self.escape(in_class=True)
                    if len(found) != 1 or found[0][0] != found[0][1]:
                        raise PatternError(msg("a range cannot end with a class such as \\d"))
                    high = found[0][0]
                else:
                    high = ord(end)
                if high < low:
                    raise PatternError(msg("the range %(range)s goes backwards",
                                           range=f"{chr(low)}-{chr(high)}"))
                ranges.append((low, high))
            else:
                ranges.append((low, low))
        merged = _merged(ranges)
        return _complement(merged) if negated else merged

    def counts(self, peek: bool = False) -> tuple[int, int] | None:
        """``{n}``, ``{n,}`` or ``{n,m}`` at the reader (after '{'): (n, m or -1)."""
        end = self.source.find("}", self.index)
        if end < 0:
            return None
        body = self.source[self.index:end]
        low, comma, high = body.partition(",")
        if not low.isdigit() or (high and not high.isdigit()):
            return None
        if not peek:
            self.index = end + 1
        return int(low), (int(high) if high else (-1 if comma else int(low)))

    def repeated(self, atom: Node, nesting: int) -> Node:
        while True:
            char = self.peek()
            if char in ("*", "+", "?"):
                self.take()
                fewest, most = {"*": (0, -1), "+": (1, -1), "?": (0, 1)}[char]
            elif char == "{":
                self.take()
                found = self.counts()
                if found is None:
                    raise PatternError(msg("write a repetition as {n}, {n,} or {n,m}"))
                fewest, most = found
                if max(fewest, most) > MAX_COUNT:
                    raise PatternError(msg("repetitions above %(count)s are not supported",
                                           count=MAX_COUNT))
                if most != -1 and most < fewest:
                    raise PatternError(msg("in {n,m}, m must not be below n"))
            else:
                return atom
            if self.peek() == "?":
                self.take()  # lazy: the same answer to "does it match"
            if self.peek() == "+":
                raise PatternError(msg("possessive repetitions ('++', '*+') are not supported"))
            if atom[0] in ("bol", "eol"):
                raise PatternError(msg("'^' and '$' cannot be repeated"))
            atom = ("rep", fewest, most, atom)


def _nesting(node: Node) -> int:
    if node[0] == "rep":
        return 1 + _nesting(node[3])
    if node[0] in ("seq", "alt"):
        return max((_nesting(child) for child in node[1]), default=0)
    return 0


def _weight(node: Node) -> int:
    if node[0] == "rep":
        copies = node[2] if node[2] > 0 else node[1] + 1
        return max(copies, 1) * _weight(node[3])
    if node[0] in ("seq", "alt"):
        return 1 + sum(_weight(child) for child in node[1])
    return 1


def compile_pattern(source: str) -> Node:
    """The tree of ``source``; :class:`PatternError` when it is outside the subset."""
    if len(source) > MAX_PATTERN:
        raise PatternError(msg("a pattern is limited to %(count)s characters",
                               count=MAX_PATTERN))
    reader = _Reader(source)
    tree = reader.alternatives(0)
    if reader.index < len(source):
        raise PatternError(msg("a ')' has no '(' before it"))
    if _nesting(tree) > MAX_NESTING:
        raise PatternError(msg("repetitions nested more than %(count)s deep are not supported",
                               count=MAX_NESTING))
    if _weight(tree) > MAX_WEIGHT:
        raise PatternError(msg("the pattern is too large once its repetitions are counted"))
    return tree


def to_json(node: Node) -> Any:
    """The tree as nested lists, for the page."""
    if node[0] == "set":
        return ["set", [list(pair) for pair in node[1]]]
    if node[0] in ("seq", "alt"):
        return [node[0], [to_json(child) for child in node[1]]]
    if node[0] == "rep":
        return ["rep", node[1], node[2], to_json(node[3])]
    return list(node)


def _inside(ranges: Ranges, code: int) -> bool:
    return any(low <= code <= high for low, high in ranges)


def _step(node: Node, text: str, positions: set[int]) -> set[int]:
    """The positions reached by matching ``node`` from each of ``positions``."""
    kind = node[0]
    if kind == "set":
        return {p + 1 for p in positions if p < len(text) and _inside(node[1], ord(text[p]))}
    if kind == "seq":
        for child in node[1]:
            if not positions:
                break
            positions = _step(child, text, positions)
        return positions
    if kind == "alt":
        reached: set[int] = set()
        for child in node[1]:
            reached |= _step(child, text, positions)
        return reached
    if kind == "bol":
        return {p for p in positions if p == 0}
    if kind == "eol":
        return {p for p in positions if p == len(text)}
    fewest, most, inner = node[1], node[2], node[3]
    for _ in range(fewest):
        positions = _step(inner, text, positions)
    reached, frontier, count = set(positions), positions, fewest
    while frontier and (most < 0 or count < most):
        frontier = _step(inner, text, frontier) - reached  # reached earlier: more left to do
        reached |= frontier
        count += 1
    return reached


def search(tree: Node, text: str) -> bool:
    """Whether the pattern matches somewhere in ``text`` (never when it is too long)."""
    if len(text) > MAX_TEXT:
        return False
    return bool(_step(tree, text, set(range(len(text) + 1))))
