"""Relevance and constraint expressions: the XLSForm subset of docs/questionnaire-format.md.

A hand-written tokenizer and Pratt parser turn the text into a small tree; nothing is ever given
to ``eval``. No maintained library parses this XLSForm subset into a JSON tree that the page's
script (``survey/static/relevance.js``) can walk too, and the grammar fits in a page.

Grammar, loosest first (XPath precedence, all binary operators left associative)::

    or  <  and  <  = !=  <  < <= > >=  <  + -  <  * div mod  <  unary -  <  primary
    primary: number | 'string' | "string" | ${code} | . | ( expr ) | not(expr)
           | name(expr, ...)   with name one of FUNCTIONS (below)

Tree (tuples here, the same shape as lists from :func:`to_json`)::

    ["num", 3]  ["str", "yes"]  ["ref", "q1"]  ["dot"]
    [op, left, right]     op in: or and = != < <= > >= + - * div mod
    ["not", x]  ["neg", x]
    ["fn", name, [args]]  name in FUNCTIONS: selected count-selected string-length
                          if coalesce concat normalize-space int round selected-at today regex
                          date decimal-date-time sqrt pow abs floor ceiling exp log log10
                          count sum join
    ["each", page, key]   count(), sum(), join() of ${key}, an item of another repeated page
                          (``parse(repeats=...)``): its values over the page's occurrences
                          (key "": the page itself, for count(${page}))
    position()            is ["ref", "#position"]: the block's number, which a repeated page
                          gives its occurrence's context (survey/questionnaire/repeats.py)
    ["re", pattern]       the pattern of regex(), checked and compiled when read
                          (:mod:`survey.questionnaire.patterns`)

In a ``choice_filter`` (cascading choices), a bare name is a column of the choice being tested
and ``name`` its code: ``region = ${region}`` is ``["=", ["ref", "@region"], ["ref",
"region"]]``, evaluated with the choice's columns among the answers (:func:`choice_context`).

A minus before a number is folded into it (``-3`` is ``["num", -3]``). Any problem in the text,
including hostile sizes (over MAX_LENGTH characters, MAX_DEPTH nested levels, MAX_HEIGHT levels of
tree, numbers over MAX_DIGITS digits), is an :class:`ExpressionError` with its position.

Evaluation never raises on data. Values are None (empty), str, int, float, bool or a list of
codes (a dict, as a rated nomination stores it, counts as the list of its keys). Empty is None,
``''`` or an empty list. Comparisons: with an empty side, ``=`` is true when both sides are empty
(so ``${q} = ''`` tests "not answered"), ``!=`` when exactly one is, the others are false. When
both sides read as numbers (numbers, booleans as 1/0, numeric strings like ``'4'``) they compare
as numbers; when only one side does, they are unequal and unordered; otherwise both compare
as text (lists as their codes joined by spaces, as in XLSForm). Arithmetic on anything that is
not a number, division or ``mod`` by zero and overflow give None. ``and``, ``or`` and ``not``
use :func:`truthy`. The browser's evaluator follows the same rules; tests check both on one table.

Functions (XLSForm's meaning): ``if(c, a, b)``; ``coalesce(a, b)`` (a unless empty);
``concat(...)`` (texts joined, empty as ''); ``normalize-space(s)``; ``int(x)`` (towards zero);
``round(x)`` / ``round(x, d)`` (half up, 0 to 10 decimals); ``selected-at(list, i)`` (the i-th
code from 0, empty past the end); ``today()`` (the date as YYYY-MM-DD text, compared with date
answers as text; the page is given the server's date); ``regex(value, 'pattern')`` (true when
the pattern matches somewhere in the value, a literal pattern of the safe subset of
:mod:`survey.questionnaire.patterns`, matched in linear time). Dates (YYYY-MM-DD) in arithmetic,
or compared with a number, count as their days since 1970-01-01 (as ODK); ``date(x)`` and
``decimal-date-time(x)`` convert; the mathematical functions give None on invalid input.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from . import patterns
from .messages import N_, Text, msg

MAX_LENGTH = 2000  # characters
MAX_DEPTH = 50  # nested parentheses, functions and unary minus
MAX_HEIGHT = 100  # levels of the tree (a chain of n ``or`` is n levels)
MAX_DIGITS = 15  # digits in a number literal: exact both here and in JavaScript
CHOICE_PREFIX = "@"  # ``${@region}``: the region column of the choice a choice_filter tests

Node = tuple  # see the module docstring

FUNCTIONS = {  # name -> (fewest, most) arguments
    "selected": (2, 2), "count-selected": (1, 1), "string-length": (1, 1), "not": (1, 1),
    "if": (3, 3), "coalesce": (2, 2), "concat": (1, 20), "normalize-space": (1, 1),
    "int": (1, 1), "round": (1, 2), "selected-at": (2, 2), "today": (0, 0), "regex": (2, 2),
    "date": (1, 1), "decimal-date-time": (1, 1), "sqrt": (1, 1), "pow": (2, 2), "abs": (1, 1),
    "floor": (1, 1), "ceiling": (1, 1), "exp": (1, 1), "log": (1, 1), "log10": (1, 1),
    "position": (0, 0), "count": (1, 1), "sum": (1, 1), "join": (2, 20),
}
AGGREGATES = {"count", "sum", "join"}  # functions whose ${item} may be a repeated page's item
POSITION = "#position"  # position(): read as ${#position}, the occurrence number (1-based)
# ODK functions refused with a reason (the others: "unknown function")
UNSUPPORTED = {
    **dict.fromkeys(("sin", "cos", "tan", "asin", "acos", "atan", "atan2", "pi"),
                    N_("trigonometry is not supported")),
    **dict.fromkeys(("now", "random", "uuid", "once", "digest", "boolean-from-string",
                     "format-date", "format-date-time", "substr", "indexed-repeat",
                     "max", "min", "jr:choice-name", "distance", "area"),
                    N_("this function is not supported")),
    "pulldata": N_("looking values up in a CSV file is not supported"),
}
BINARY = {  # operator -> binding power
    "or": 1, "and": 2, "=": 3, "!=": 3, "<": 4, "<=": 4, ">": 4, ">=": 4,
    "+": 5, "-": 5, "*": 6, "div": 6, "mod": 6,
}
UNARY_POWER = 7
KEYWORDS = {"and", "or", "div", "mod"}

TOKEN_RE = re.compile(r"""
    (?P<space>[ \t\r\n]+)
  | (?P<num>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)
  | (?P<str>'[^']*'|"[^"]*")
  | (?P<ref>\$\{(?P<code>[^}${]*)\})
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<op>!=|<=|>=|[=<>+\-*(),.])
""", re.VERBOSE)
CODE_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
NUMERIC_RE = re.compile(r"[ \t\r\n]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[ \t\r\n]*")
HINTS = {"/": N_("divide with 'div'"), "%": N_("use 'mod'"), "&": N_("use 'and'"),
         "|": N_("use 'or'"), "!": N_("write '!=' or not(...)")}


class ExpressionError(ValueError):
    """A syntax error: ``text`` for people (translatable; ``message`` its English),
    ``position`` the 0-based character offset."""

    def __init__(self, text: Text, position: int) -> None:
        super().__init__(f"{text} (at character {position + 1})")
        self.text = text
        self.message = str(text)
        self.position = position


# -- tokens --------------------------------------------------------------------------------

Token = tuple[str, Any, int]  # tag, value, position


def tokenize(source: str) -> list[Token]:
    """The tokens of ``source``, ending with ``("end", None, len(source))``."""
    tokens: list[Token] = []
    position = 0
    while position < len(source):
        match = TOKEN_RE.match(source, position)
        if match is None:
            _bad_token(source, position)
        tag = match.lastgroup if match.lastgroup != "code" else "ref"
        if tag != "space":
            tokens.append(_token(tag, match, position))
        position = match.end()
    tokens.append(("end", None, len(source)))
    return tokens


def _bad_token(source: str, position: int) -> NoReturn:
    """Raise the error for text no token matches."""
    char = source[position]
    if char in "'\"":
        raise ExpressionError(msg("unterminated string: add the closing quote"), position)
    if char == "$":
        if source.startswith("${", position):
            raise ExpressionError(msg("unclosed reference: '${' needs a closing '}'"), position)
        raise ExpressionError(msg("'$' must start a reference like ${code}"), position)
    if char in HINTS:
        raise ExpressionError(msg("unexpected character %(char)s: %(hint)s", char=repr(char),
                                  hint=Text(HINTS[char])), position)
    raise ExpressionError(msg("unexpected character %(char)s", char=repr(char)), position)


def _token(tag: str, match: re.Match[str], position: int) -> Token:
    text = match.group()
    if tag == "num":
        digits = sum(c.isdigit() for c in text)
        if digits > MAX_DIGITS:
            raise ExpressionError(msg("number with more than %(count)s digits",
                                      count=MAX_DIGITS), position)
        return ("num", _normal(float(text)), position)
    if tag == "str":
        return ("str", text[1:-1], position)
    if tag == "ref":
        code = match.group("code")
        if not code:
            raise ExpressionError(msg("empty reference '${}': write ${code}"), position)
        if not CODE_RE.fullmatch(code):
            raise ExpressionError(msg("invalid item code in '${%(code)s}'", code=code),
                                  position + 2)
        return ("ref", code, position)
    return (tag, text, position)


# -- parser --------------------------------------------------------------------------------

class _Parser:
    def __init__(self, source: str, allow_dot: bool, choice_names: bool = False,
                 repeats: Mapping[str, str] | None = None) -> None:
        self.tokens = tokenize(source)
        self.index = 0
        self.allow_dot = allow_dot
        self.choice_names = choice_names
        self.repeats = repeats or {}

    def peek(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, text: str, what: Text) -> None:
        tag, value, position = self.take()
        if tag != "op" or value != text:
            raise ExpressionError(msg("expected %(what)s, found %(found)s", what=what,
                                      found=_describe(tag, value)), position)

    def expression(self, power: int, depth: int) -> tuple[Node, int]:
        """Parse operators binding tighter than ``power``: (node, tree depth)."""
        if depth > MAX_DEPTH:
            raise ExpressionError(msg("expression nested too deeply"), self.peek()[2])
        left, height = self.prefix(depth)
        while True:
            tag, value, position = self.peek()
            strength = BINARY.get(value) if tag in ("op", "name") else None
            if strength is None or strength <= power:
                return left, height
            self.take()
            right, right_height = self.expression(strength, depth + 1)
            height = max(height, right_height) + 1
            if height > MAX_HEIGHT:
                raise ExpressionError(msg("expression nested too deeply"), position)
            left = (value, left, right)

    def prefix(self, depth: int) -> tuple[Node, int]:
        tag, value, position = self.take()
        if tag in ("num", "str", "ref"):
            return (tag, value), 1
        if tag == "op" and value == ".":
            if not self.allow_dot:
                raise ExpressionError(msg("'.' (the answer itself) is only allowed in a "
                                          "constraint"), position)
            return ("dot",), 1
        if tag == "op" and value == "(":
            node, height = self.expression(0, depth + 1)
            self.expect(")", msg("')' to close the '(' at character %(position)s",
                                 position=position + 1))
            return node, height
        if tag == "op" and value == "-":
            node, height = self.expression(UNARY_POWER, depth + 1)
            if node[0] == "num":
                return ("num", _normal(-node[1])), height
            if height + 1 > MAX_HEIGHT:
                raise ExpressionError(msg("expression nested too deeply"), position)
            return ("neg", node), height + 1
        if tag == "name" and value not in KEYWORDS:
            if self.choice_names and self.peek()[:2] != ("op", "("):
                return ("ref", CHOICE_PREFIX + value), 1  # a column of the choice
            return self.call(value, position, depth)
        raise ExpressionError(msg("expected a value, found %(found)s",
                                  found=_describe(tag, value)), position)

    def call(self, name: str, position: int, depth: int) -> tuple[Node, int]:
        if self.peek()[:2] != ("op", "("):
            if name in FUNCTIONS:
                raise ExpressionError(msg("%(name)s needs parentheses: %(name)s(...)",
                                          name=name), position)
            raise ExpressionError(msg("unknown name '%(name)s': write an item as ${%(name)s} "
                                      "and text in quotes ('%(name)s')", name=name), position)
        if name not in FUNCTIONS:
            if name in UNSUPPORTED:
                raise ExpressionError(msg("function '%(name)s' is refused: %(reason)s",
                                          name=name, reason=Text(UNSUPPORTED[name])), position)
            raise ExpressionError(msg("unknown function '%(name)s'", name=name), position)
        self.take()
        args: list[Node] = []
        height = 0
        if self.peek()[:2] != ("op", ")"):
            while True:
                node, node_height = self.expression(0, depth + 1)
                args.append(node)
                height = max(height, node_height)
                if self.peek()[:2] != ("op", ","):
                    break
                self.take()
        self.expect(")", msg("')' to close %(name)s(", name=name))
        fewest, most = FUNCTIONS[name]
        if not fewest <= len(args) <= most:
            if fewest != most:
                raise ExpressionError(msg("%(name)s() takes from %(low)s to %(high)s "
                                          "arguments, not %(given)s", name=name, low=fewest,
                                          high=most, given=len(args)), position)
            template = (N_("%(name)s() takes %(count)s argument, not %(given)s") if most == 1
                        else N_("%(name)s() takes %(count)s arguments, not %(given)s"))
            raise ExpressionError(Text(template, {"name": name, "count": most,
                                                  "given": len(args)}), position)
        if height + 1 > MAX_HEIGHT:
            raise ExpressionError(msg("expression nested too deeply"), position)
        if name == "not":
            return ("not", args[0]), height + 1
        if name == "regex":
            args[1] = self.pattern(args[1], position)
        if name == "position":
            return ("ref", POSITION), 1
        if name in AGGREGATES:
            args = [self.each(arg) for arg in args]
        return ("fn", name, tuple(args)), height + 1

    def each(self, node: Node) -> Node:
        """``${age}`` of another repeated page (``repeats``: answer key or page code -> page)
        as ``("each", page, key)``: its values over the page's occurrences."""
        if node[0] != "ref" or node[1] not in self.repeats:
            return node
        page = self.repeats[node[1]]
        return ("each", page, "" if node[1] == page else node[1])

    @staticmethod
    def pattern(node: Node, position: int) -> Node:
        """regex()'s pattern, read now: a literal text of the safe subset."""
        if node[0] != "str":
            raise ExpressionError(msg("the pattern of regex() must be a text in quotes"),
                                  position)
        try:
            return ("re", patterns.compile_pattern(node[1]))
        except patterns.PatternError as error:
            raise ExpressionError(msg("regex() pattern %(pattern)s: %(reason)s",
                                      pattern=repr(node[1]), reason=error.text),
                                  position) from None


def _describe(tag: str, value: Any) -> Text | str:
    if tag == "end":
        return msg("the end of the expression")
    if tag == "str":
        return msg("the string %(value)s", value=repr(value))
    if tag == "ref":
        return f"${{{value}}}"
    return f"'{value}'"


def parse(source: str, *, allow_dot: bool, choice_names: bool = False,
          repeats: Mapping[str, str] | None = None) -> Node:
    """Parse ``source`` into a tree; raise :class:`ExpressionError` on any problem. With
    ``choice_names`` (a ``choice_filter``), a bare name is a column of the choice being
    tested (``name``: its code), read as the reference ``${@name}``. ``repeats`` maps the
    answer keys (and codes) of other repeated pages to their page: count(), sum() and join()
    of one of them read its values over the page's occurrences."""
    if not isinstance(source, str):
        raise ExpressionError(msg("an expression must be text"), 0)
    if len(source) > MAX_LENGTH:
        raise ExpressionError(msg("expression longer than %(count)s characters",
                                  count=MAX_LENGTH), MAX_LENGTH)
    if not source.strip():
        raise ExpressionError(msg("empty expression"), 0)
    parser = _Parser(source, allow_dot, choice_names, repeats)
    node, _height = parser.expression(0, 0)
    tag, value, position = parser.peek()
    if tag != "end":
        raise ExpressionError(msg("unexpected %(found)s after a complete expression",
                                  found=_describe(tag, value)), position)
    return node


# -- tree ----------------------------------------------------------------------------------

def _children(node: Node) -> tuple[Node, ...]:
    if node[0] == "fn":
        return node[2]
    if node[0] in ("num", "str", "ref", "dot", "re", "each"):
        return ()
    return node[1:]


def references(node: Node) -> set[str]:
    """The item codes the expression names with ``${...}`` (a repeated page read by count(),
    sum() or join(): its code, under which its occurrences are stored)."""
    if node[0] in ("ref", "each"):
        return {node[1]}
    found: set[str] = set()
    for child in _children(node):
        found |= references(child)
    return found


def functions(node: Node) -> set[str]:
    """The names of the functions the expression calls."""
    found = {node[1]} if node[0] == "fn" else set()
    for child in _children(node):
        found |= functions(child)
    return found


def to_json(node: Node) -> Any:
    """The tree as nested lists (see the module docstring), for ``json.dumps`` and the page."""
    if node[0] == "fn":
        return ["fn", node[1], [to_json(arg) for arg in node[2]]]
    if node[0] == "re":
        return ["re", patterns.to_json(node[1])]
    if node[0] in ("num", "str", "ref", "dot", "each"):
        return list(node)
    return [node[0], *(to_json(child) for child in node[1:])]


# -- values --------------------------------------------------------------------------------

def _normal(number: float) -> int | float | None:
    """A computed number as stored: None when not finite, int when whole and exact."""
    number = float(number)
    if not math.isfinite(number):
        return None
    if number.is_integer() and abs(number) <= 2**53:
        return int(number)
    return number


def _scalar(value: Any) -> str | int | float | bool | None:
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, int):
        return value if value.bit_length() <= 1000 else None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return None


def _value(value: Any) -> Any:
    """An answer as the evaluator sees it: a scalar, a list of codes, or None."""
    if isinstance(value, list | tuple | set | frozenset | dict | Mapping):
        codes = (_text(v) for v in value)
        return [code for code in codes if code is not None]
    return _scalar(value)


def _text(value: Any) -> str | None:
    """A scalar as text (numbers as JavaScript writes them), None for anything else."""
    value = _scalar(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        normal = _normal(value)
        return str(normal) if isinstance(normal, int) else repr(value)
    return None if value is None else str(value)


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _number(value: Any) -> float | None:
    """A value read as a number: numbers, booleans (1/0), numeric strings; else None."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    numeric = isinstance(value, int | float) or (
        isinstance(value, str) and NUMERIC_RE.fullmatch(value) is not None)
    if not numeric:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def as_number(value: Any) -> float | None:
    """A value read as a number as expressions read it (numbers, booleans, numeric text)."""
    return _number(value)


def truthy(value: Any) -> bool:
    """XPath truth: None, '', 0, False and empty lists are false."""
    value = _value(value)
    if isinstance(value, list):
        return bool(value)
    if isinstance(value, float | int):
        return value != 0
    return bool(value)


# -- evaluation ----------------------------------------------------------------------------

def choice_context(answers: Mapping[str, Any], code: Any,
                   attributes: Mapping[str, Any]) -> dict[str, Any]:
    """The answers with one choice's code and columns, to evaluate a choice_filter."""
    context = dict(answers)
    context[CHOICE_PREFIX + "name"] = code
    context.update({CHOICE_PREFIX + key: value for key, value in attributes.items()})
    return context


def evaluate(node: Node, answers: Mapping[str, Any], dot: Any = None) -> Any:
    """The value of ``node`` given the answers (item code -> value); never raises on data."""
    head = node[0]
    if head in ("num", "str"):
        return node[1]
    if head == "ref":
        return _value(answers.get(node[1]) if isinstance(answers, Mapping) else None)
    if head == "dot":
        return _value(dot)
    if head == "re":
        return node
    if head == "each":
        return _each(answers, node[1], node[2])
    if head == "and":
        return truthy(evaluate(node[1], answers, dot)) and truthy(evaluate(node[2], answers, dot))
    if head == "or":
        return truthy(evaluate(node[1], answers, dot)) or truthy(evaluate(node[2], answers, dot))
    if head == "not":
        return not truthy(evaluate(node[1], answers, dot))
    if head == "neg":
        number = _days_or_number(evaluate(node[1], answers, dot))
        return None if number is None else _normal(-number)
    if head == "fn":
        return FUNCTION_VALUES[node[1]](*(evaluate(arg, answers, dot) for arg in node[2]))
    left, right = evaluate(node[1], answers, dot), evaluate(node[2], answers, dot)
    if head in ARITHMETIC:
        return _arithmetic(head, left, right)
    return _compare(head, left, right)


def _comparable(value: Any) -> Any:
    return " ".join(value) if isinstance(value, list) else value


def _compare(op: str, left: Any, right: Any) -> bool:
    left_empty, right_empty = _is_empty(left), _is_empty(right)
    if left_empty or right_empty:
        return (left_empty and right_empty) if op == "=" else (
            left_empty != right_empty if op == "!=" else False)
    left, right = _comparable(left), _comparable(right)
    a, b = _number(left), _number(right)
    if (a is None) != (b is None):  # a date against a number: its days since 1970-01-01
        a, b = _days_or_number(left), _days_or_number(right)
    if a is not None and b is not None:
        return COMPARISONS[op](a, b)
    if a is not None or b is not None:
        return op == "!="  # a number against text: unequal, unordered
    return COMPARISONS[op](left, right)  # both text


def _arithmetic(op: str, left: Any, right: Any) -> int | float | None:
    a, b = _days_or_number(left), _days_or_number(right)
    if a is None or b is None or (op in ("div", "mod") and b == 0):
        return None
    return _normal(ARITHMETIC[op](a, b))


def _selected(value: Any, code: Any) -> bool:
    wanted = _text(code)
    if wanted is None or _is_empty(value):
        return False
    if isinstance(value, list):
        return wanted in value
    return _text(value) == wanted


def _count_selected(value: Any) -> int:
    if isinstance(value, list):
        return len(value)
    return 0 if _is_empty(value) else 1


def _string_length(value: Any) -> int:
    if _is_empty(value):
        return 0
    return len(_text(_comparable(value)) or "")


def _as_text(value: Any) -> str:
    """A value as text for the text functions: empty as '', lists joined by spaces."""
    return "" if _is_empty(value) else (_text(_comparable(value)) or "")


def _if(condition: Any, then: Any, otherwise: Any) -> Any:
    return then if truthy(condition) else otherwise


def _coalesce(first: Any, second: Any) -> Any:
    return second if _is_empty(first) else first


def _concat(*values: Any) -> str:
    return "".join(_as_text(value) for value in values)


def _normalize_space(value: Any) -> str:
    return " ".join(part for part in re.split(r"[ \t\r\n]+", _as_text(value)) if part)


def _int(value: Any) -> int | float | None:
    number = _number(value)
    return None if number is None else _normal(math.trunc(number))


def _round(value: Any, digits: Any = 0) -> int | float | None:
    number, places = _number(value), _number(digits)
    if number is None or places is None or not places.is_integer() or not 0 <= places <= 10:
        return None
    scale = float(10 ** int(places))
    shifted = number * scale + 0.5
    return _normal(math.floor(shifted) / scale) if math.isfinite(shifted) else None


def _selected_at(value: Any, index: Any) -> str | None:
    codes = value if isinstance(value, list) else [
        code for code in re.split(r"[ \t\r\n]+", _as_text(value)) if code]
    number = _number(index)
    if number is None or not number.is_integer() or not 0 <= number < len(codes):
        return None
    return codes[int(number)]


def today() -> str:
    """today(): the server's date, YYYY-MM-DD (the page gives it to its script)."""
    return datetime.date.today().isoformat()


def _regex(value: Any, pattern: Any) -> bool:
    if not (isinstance(pattern, tuple) and pattern[0] == "re"):
        return False
    return patterns.search(pattern[1], _as_text(value))


# -- dates, mathematics, repeats ---------------------------------------------------------------

DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
EPOCH = datetime.date(1970, 1, 1)


def _days(value: Any) -> int | None:
    """A date YYYY-MM-DD as its days since 1970-01-01 (as ODK counts), else None."""
    if not isinstance(value, str) or not DATE_RE.fullmatch(value):
        return None
    try:
        return (datetime.date.fromisoformat(value) - EPOCH).days
    except ValueError:
        return None


def _days_or_number(value: Any) -> float | None:
    """A value as arithmetic reads it: a number, or a date as its days."""
    number = _number(value)
    if number is None:
        days = _days(value)
        return None if days is None else float(days)
    return number


def _date(value: Any) -> str | None:
    """date(x): a number of days since 1970-01-01 (or a date) as YYYY-MM-DD."""
    days = _days_or_number(value)
    if days is None:
        return None
    try:
        return (EPOCH + datetime.timedelta(days=math.floor(days))).isoformat()
    except (OverflowError, ValueError):
        return None  # before year 1 or after 9999


def _math(function: Callable[..., float]) -> Callable[..., int | float | None]:
    """A function of numbers (dates as days); invalid input or result: empty."""
    def apply(*values: Any) -> int | float | None:
        numbers = [_days_or_number(value) for value in values]
        if None in numbers:
            return None
        try:
            return _normal(function(*numbers))
        except (ValueError, OverflowError, ZeroDivisionError):
            return None
    return apply


class _Each(list):
    """The values of one item over a repeated page's occurrences (count(), sum(), join())."""


def _each(answers: Mapping[str, Any], page: str, key: str) -> _Each:
    stored = answers.get(page) if isinstance(answers, Mapping) else None
    occurrences = stored if isinstance(stored, list) else []
    return _Each(_value(o.get(key)) if isinstance(o, dict) and key else None
                 for o in occurrences)


def _elements(value: Any) -> list[Any]:
    """count(), sum(), join(): a repeated item's values, a list's codes, else the value."""
    if isinstance(value, list):
        return list(value)
    return [] if _is_empty(value) else [value]


def _count(value: Any) -> int:
    return len(_elements(value))


def _sum(value: Any) -> int | float | None:
    total = 0.0
    for element in _elements(value):
        number = _days_or_number(element)
        total += 0.0 if number is None else number  # empty and text: skipped
    return _normal(total)


def _join(separator: Any, *values: Any) -> str:
    texts = [_as_text(e) for value in values for e in _elements(value)]
    return _as_text(separator).join(text for text in texts if text)


COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b, "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}
ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "div": lambda a, b: a / b, "mod": math.fmod,
}
FUNCTION_VALUES: dict[str, Callable[..., Any]] = {
    "selected": _selected, "count-selected": _count_selected, "string-length": _string_length,
    "if": _if, "coalesce": _coalesce, "concat": _concat, "normalize-space": _normalize_space,
    "int": _int, "round": _round, "selected-at": _selected_at, "today": lambda: today(),
    "regex": _regex, "date": _date,
    "decimal-date-time": _math(lambda x: x), "sqrt": _math(math.sqrt), "pow": _math(math.pow),
    "abs": _math(abs), "floor": _math(math.floor), "ceiling": _math(math.ceil),
    "exp": _math(math.exp), "log": _math(math.log), "log10": _math(math.log10),
    "count": _count, "sum": _sum, "join": _join,
}
