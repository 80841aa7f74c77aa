"""The expression language: parsing, errors, evaluation, and the same table in relevance.js."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from survey.questionnaire.expressions import (
    MAX_LENGTH,
    ExpressionError,
    choice_context,
    evaluate,
    parse,
    references,
    to_json,
    truthy,
)

ROOT = Path(__file__).resolve().parent.parent
JS_DIR = ROOT / "tests" / "js"


def tree(source: str, allow_dot: bool = True) -> Any:
    return to_json(parse(source, allow_dot=allow_dot))


def same(got: Any, expected: Any) -> bool:
    """Equal and of the same kind: True is not 1, 2.0 is not 2."""
    if isinstance(expected, list):
        return isinstance(got, list) and len(got) == len(expected) and all(
            same(g, e) for g, e in zip(got, expected, strict=True))
    return type(got) is type(expected) and got == expected


# -- parsing -------------------------------------------------------------------------------

@pytest.mark.parametrize(("source", "expected"), [
    ("3", ["num", 3]),
    ("2.5", ["num", 2.5]),
    (".5", ["num", 0.5]),
    ("2.0", ["num", 2]),
    ("'yes'", ["str", "yes"]),
    ('"it\'s"', ["str", "it's"]),
    ("''", ["str", ""]),
    ("${q1}", ["ref", "q1"]),
    (".", ["dot"]),
    ("-3", ["num", -3]),
    ("-${a}", ["neg", ["ref", "a"]]),
    ("--2", ["num", 2]),
    ("(${a})", ["ref", "a"]),
    ("1 = 2", ["=", ["num", 1], ["num", 2]]),
    ("1 != 2", ["!=", ["num", 1], ["num", 2]]),
    ("1 < 2", ["<", ["num", 1], ["num", 2]]),
    ("1 <= 2", ["<=", ["num", 1], ["num", 2]]),
    ("1 > 2", [">", ["num", 1], ["num", 2]]),
    ("1 >= 2", [">=", ["num", 1], ["num", 2]]),
    ("1 + 2", ["+", ["num", 1], ["num", 2]]),
    ("1 - 2", ["-", ["num", 1], ["num", 2]]),
    ("1-2", ["-", ["num", 1], ["num", 2]]),
    ("1 * 2", ["*", ["num", 1], ["num", 2]]),
    ("1 div 2", ["div", ["num", 1], ["num", 2]]),
    ("1 div-2", ["div", ["num", 1], ["num", -2]]),
    ("1 mod 2", ["mod", ["num", 1], ["num", 2]]),
    ("1 and 2", ["and", ["num", 1], ["num", 2]]),
    ("1 or 2", ["or", ["num", 1], ["num", 2]]),
    ("not(1)", ["not", ["num", 1]]),
    ("not (1)", ["not", ["num", 1]]),
    ("selected(${q}, 'a')", ["fn", "selected", [["ref", "q"], ["str", "a"]]]),
    ("count-selected(${q})", ["fn", "count-selected", [["ref", "q"]]]),
    ("string-length(.)", ["fn", "string-length", [["dot"]]]),
    ("string-length(${q})", ["fn", "string-length", [["ref", "q"]]]),
    ("\t${a}\n=\r1 ", ["=", ["ref", "a"], ["num", 1]]),
])
def test_parse_shapes(source: str, expected: Any) -> None:
    assert tree(source) == expected


@pytest.mark.parametrize(("source", "expected"), [
    ("1 + 2 * 3 = 7", ["=", ["+", ["num", 1], ["*", ["num", 2], ["num", 3]]], ["num", 7]]),
    ("not(${a} = 1) and ${b} = 2 or ${c}",
     ["or", ["and", ["not", ["=", ["ref", "a"], ["num", 1]]], ["=", ["ref", "b"], ["num", 2]]],
      ["ref", "c"]]),
    ("${a} or ${b} and ${c}", ["or", ["ref", "a"], ["and", ["ref", "b"], ["ref", "c"]]]),
    ("1 = 2 < 3", ["=", ["num", 1], ["<", ["num", 2], ["num", 3]]]),
    ("1 < 2 = 3", ["=", ["<", ["num", 1], ["num", 2]], ["num", 3]]),
    ("1 - 2 - 3", ["-", ["-", ["num", 1], ["num", 2]], ["num", 3]]),
    ("8 div 4 div 2", ["div", ["div", ["num", 8], ["num", 4]], ["num", 2]]),
    ("-${a} * 2", ["*", ["neg", ["ref", "a"]], ["num", 2]]),
    ("1 + 2 mod 3", ["+", ["num", 1], ["mod", ["num", 2], ["num", 3]]]),
    ("(1 + 2) * 3", ["*", ["+", ["num", 1], ["num", 2]], ["num", 3]]),
    ("${a} + 1 > ${b} * 2 and ${c} != ''",
     ["and", [">", ["+", ["ref", "a"], ["num", 1]], ["*", ["ref", "b"], ["num", 2]]],
      ["!=", ["ref", "c"], ["str", ""]]]),
])
def test_precedence(source: str, expected: Any) -> None:
    assert tree(source) == expected


def test_to_json_is_plain_json() -> None:
    source = "selected(${m}, 'a') and (string-length(.) > 2 or -${n} mod 2 = 1.5)"
    shape = tree(source)
    assert json.loads(json.dumps(shape)) == shape
    assert json.dumps(shape, separators=(",", ":")) == (
        '["and",["fn","selected",[["ref","m"],["str","a"]]],["or",[">",["fn","string-length",'
        '[["dot"]]],["num",2]],["=",["mod",["neg",["ref","n"]],["num",2]],["num",1.5]]]]')


def test_parse_is_deterministic_and_hashable() -> None:
    spaced = parse("${a}   =   1", allow_dot=False)
    assert parse("${a} = 1", allow_dot=False) == spaced
    assert hash(parse("${a} = 1", allow_dot=False)) == hash(spaced)
    seen = {spaced, parse("selected(${a}, 'x')", allow_dot=False), parse("${a}=1", allow_dot=False)}
    assert len(seen) == 2  # equal trees are one key: usable in sets and caches


def test_references() -> None:
    node = parse("${a} = 1 and selected(${b}, 'x') or count-selected(${c}) > ${a} - -${d_2}",
                 allow_dot=False)
    assert references(node) == {"a", "b", "c", "d_2"}
    assert references(parse("string-length(.) < 3", allow_dot=True)) == set()


# -- errors --------------------------------------------------------------------------------

@pytest.mark.parametrize(("source", "position", "words"), [
    ("(1 + 2", 6, "')'"),
    ("not(1", 5, "')'"),
    ("selected(${a}, 'x'", 18, "')'"),
    ("1 + 2)", 5, "after a complete expression"),
    ("foo(1)", 0, "unknown function 'foo'"),
    ("${a} = 'yes", 7, "unterminated string"),
    ('"abc', 0, "unterminated string"),
    ("$a = 1", 0, "'$'"),
    ("${} = 1", 0, "empty reference"),
    ("${a", 0, "unclosed reference"),
    ("${a = 1 and ${b}", 0, "unclosed reference"),
    ("${a b}", 2, "invalid item code"),
    ("${1a}", 2, "invalid item code"),
    ("${a} = 1 2", 9, "after a complete expression"),
    ("${a} = 1 ${b}", 9, "after a complete expression"),
    ("1 +", 3, "expected a value"),
    ("1 = = 2", 4, "expected a value"),
    ("()", 1, "expected a value"),
    ("and", 0, "expected a value"),
    ("", 0, "empty expression"),
    ("   ", 0, "empty expression"),
    ("yes", 0, "unknown name 'yes'"),
    ("not 1", 0, "parentheses"),
    ("selected(${a})", 0, "2 arguments"),
    ("count-selected(${a}, 'x')", 0, "1 argument"),
    ("string-length()", 0, "1 argument"),
    ("1 / 2", 2, "div"),
    ("1 == 1", 3, "expected a value"),
    ("${a} && ${b}", 5, "and"),
    ("__import__('os').system('x')", 0, "unknown function '__import__'"),
    ("${a}; drop table", 4, "unexpected character ';'"),
    ("1e999999", 1, "after a complete expression"),
    ("1" * 16, 0, "more than 15 digits"),
    ("0." + "0" * 300 + "1", 0, "more than 15 digits"),
    ("${a} = ٣", 7, "unexpected character"),
    ("${a}.", 4, "after a complete expression"),
    ("if(${a}, 1)", 0, "3 arguments"),
    ("round()", 0, "from 1 to 2 arguments"),
    ("today(1)", 0, "0 arguments"),
    ("regex(., ${pattern})", 0, "must be a text in quotes"),
    ("regex(., '(a')", 0, "'(' is not closed"),
    ("regex(., '\\1')", 0, "is not supported"),
    ("regex(., '(?=a)b')", 0, "look-arounds"),
    ("regex(., '((a+)+)+')", 0, "nested more than 2 deep"),
    ("regex(., 'a{500}')", 0, "above 100"),
    ("regex(., '(a{100}){100}')", 0, "too large"),
    ("regex(., '[z-a]')", 0, "goes backwards"),
    ("regex(., '+')", 0, "nothing before it"),
    ("1 + regex(., 'a[')", 4, "'[' is not closed"),
])
def test_errors_have_positions(source: str, position: int, words: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(source, allow_dot=True)
    assert caught.value.position == position, caught.value.message
    assert words in caught.value.message
    assert str(position + 1) in str(caught.value)


def test_dot_only_where_allowed() -> None:
    assert tree(". > 3", allow_dot=True) == [">", ["dot"], ["num", 3]]
    with pytest.raises(ExpressionError) as caught:
        parse("${a} > 1 and . > 3", allow_dot=False)
    assert caught.value.position == 13
    assert "constraint" in caught.value.message


@pytest.mark.parametrize("source", [
    "1" + " " * MAX_LENGTH,
    "(" * 10_000,
    "(" * 10_000 + "1" + ")" * 10_000,
    "-" * 1999 + "1",
    "(" * 60 + "1" + ")" * 60,
    "not(" * 60 + "1" + ")" * 60,
    " or ".join(["${a}"] * 150),
    "1" + "+1" * 999,
    "string-length(" * 60 + "1" + ")" * 60,
])
def test_hostile_sizes_are_refused_cleanly(source: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(source, allow_dot=False)
    assert "longer than" in caught.value.message or "too deeply" in caught.value.message
    assert 0 <= caught.value.position <= len(source)


def test_reasonable_sizes_are_accepted() -> None:
    chain = " or ".join(f"selected(${{q}}, '{n}')" for n in range(60))
    assert references(parse(chain, allow_dot=False)) == {"q"}
    assert evaluate(parse("(" * 40 + "1" + ")" * 40, allow_dot=False), {}) == 1


def test_non_text_source() -> None:
    with pytest.raises(ExpressionError):
        parse(None, allow_dot=False)  # type: ignore[arg-type]


def test_random_input_raises_only_expression_errors() -> None:
    alphabet = list("${}().,'\"=!<>+-*/ 0123456789abc_") + ["and ", "or ", "div ", "mod ",
                                                           "not(", "selected(", "${a}", "."]
    rng = random.Random(20260)
    for _ in range(4000):
        source = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        try:
            node = parse(source, allow_dot=rng.random() < 0.5)
        except ExpressionError as error:
            assert 0 <= error.position <= len(source)
            continue
        json.dumps(to_json(node))
        evaluate(node, {"a": rng.choice([None, "x", 3, ["a"]])}, dot=rng.choice([None, 2, "y"]))


# -- evaluation: one table for Python and JavaScript ---------------------------------------

# (expression, answers, dot, expected value)
CASES: list[tuple[str, dict[str, Any], Any, Any]] = [
    # arithmetic and precedence
    ("1 + 2 * 3 = 7", {}, None, True),
    ("1 + 2 * 3", {}, None, 7),
    ("(1 + 2) * 3", {}, None, 9),
    ("1 = 1 or 1 = 2 and 1 = 2", {}, None, True),
    ("1 < 2 = 1", {}, None, True),
    ("7 div 2", {}, None, 3.5),
    ("6 div 3", {}, None, 2),
    ("7 mod 3", {}, None, 1),
    ("-7 mod 3", {}, None, -1),
    ("7.5 mod 2", {}, None, 1.5),
    ("1 div 0", {}, None, None),
    ("1 mod 0", {}, None, None),
    ("1 div 0 > 0", {}, None, False),
    ("1 div 0 < 1", {}, None, False),
    ("-2 * 3", {}, None, -6),
    ("2 - -2", {}, None, 4),
    ("- - ${a}", {"a": 3}, None, 3),
    ("-${a}", {"a": "x"}, None, None),
    ("0.1 + 0.2", {}, None, 0.30000000000000004),
    ("${a} + 1", {"a": "4"}, None, 5),
    ("${a} + 1", {"a": " 4.5 "}, None, 5.5),
    ("${a} + 1", {"a": "x"}, None, None),
    ("${a} + 1", {}, None, None),
    ("${a} + 1", {"a": [1]}, None, None),
    ("${a} + 1", {"a": True}, None, 2),
    ("${a} * ${a}", {"a": 1e200}, None, None),
    ("'abc' + 1", {}, None, None),
    ("(1 = 1) + (2 = 2)", {}, None, 2),
    # empty answers
    ("${q} = 'yes'", {"q": "yes"}, None, True),
    ("${q} = 'yes'", {"q": "no"}, None, False),
    ("${q} = 'yes'", {}, None, False),
    ("${q} = 'yes'", {"q": None}, None, False),
    ("${q} != 'yes'", {}, None, True),
    ("${q} != 'yes'", {"q": "yes"}, None, False),
    ("${q} != 'yes'", {"q": "no"}, None, True),
    ("${q} = ''", {}, None, True),
    ("${q} = ''", {"q": ""}, None, True),
    ("${q} = ''", {"q": []}, None, True),
    ("${q} = ''", {"q": "x"}, None, False),
    ("${q} = ''", {"q": 0}, None, False),
    ("${q} != ''", {}, None, False),
    ("${q} != ''", {"q": "x"}, None, True),
    ("${q} > 3", {}, None, False),
    ("${q} < 3", {}, None, False),
    ("${q} <= 3", {}, None, False),
    ("${q} >= ''", {}, None, False),
    ("${a} = ${b}", {}, None, True),
    ("${a} != ${b}", {}, None, False),
    ("${a} + 1 = 2", {}, None, False),
    # numbers and numeric strings
    ("${q} >= 4", {"q": "5"}, None, True),
    ("${q} >= 4", {"q": "4"}, None, True),
    ("${q} >= 4", {"q": "3"}, None, False),
    ("${q} >= 4", {"q": 4}, None, True),
    ("${q} = '4'", {"q": 4}, None, True),
    ("${q} = '4'", {"q": "4"}, None, True),
    ("${q} = '4'", {"q": 4.0}, None, True),
    ("${q} = 4", {"q": "04"}, None, True),
    ("${q} = 4", {"q": "4.0"}, None, True),
    ("${q} > 10", {"q": "9"}, None, False),
    ("'9' < '10'", {}, None, True),
    ("${q} = 2.5", {"q": 2.5}, None, True),
    ("${q} < 0", {"q": -1}, None, True),
    ("${q} = 4", {"q": "4x"}, None, False),
    # text, dates, special answers
    ("${d} >= '2024-01-01'", {"d": "2024-05-01"}, None, True),
    ("${d} >= '2024-01-01'", {"d": "2023-12-31"}, None, False),
    ("'b' > 'a'", {}, None, True),
    ("'a' = 'A'", {}, None, False),
    ("${q} = 1", {"q": "dont_know"}, None, False),
    ("${q} != 1", {"q": "dont_know"}, None, True),
    ("${q} >= 1", {"q": "dont_know"}, None, False),
    ("${q} < 1", {"q": "prefer_not"}, None, False),
    ("${q} = 'dont_know'", {"q": "dont_know"}, None, True),
    ("${q} != 'yes'", {"q": "prefer_not"}, None, True),
    # lists (multiple choice, nominations) and rated nominations (a mapping)
    ("${m} = 'a'", {"m": ["a"]}, None, True),
    ("${m} = 'a'", {"m": ["a", "b"]}, None, False),
    ("${m} = 'a b'", {"m": ["a", "b"]}, None, True),
    ("${m} != ''", {"m": ["a"]}, None, True),
    ("${m} = 1", {"m": [1]}, None, True),
    ("${m}", {"m": ["a", 1, True, None, ["x"]]}, None, ["a", "1", "true"]),
    ("${m}", {"m": {"x": 3, "y": 4}}, None, ["x", "y"]),
    ("${m}", {"m": {}}, None, []),
    # booleans
    ("(1 = 1) = (2 = 2)", {}, None, True),
    ("(1 = 1) = 1", {}, None, True),
    ("(1 = 2) = 0", {}, None, True),
    ("(1 = 1) = 'true'", {}, None, False),
    # logic and truthiness
    ("not(${a} = 1) and ${b} = 2 or ${c}", {"a": 2, "b": "2"}, None, True),
    ("not(${a} = 1) and ${b} = 2 or ${c}", {"a": 1, "b": 2}, None, False),
    ("not(${a} = 1) and ${b} = 2 or ${c}", {"a": 1, "c": "x"}, None, True),
    ("${a} or ${b}", {"a": 0, "b": ""}, None, False),
    ("${a} or ${b}", {"a": "0"}, None, True),
    ("${a} or ${b}", {"a": [], "b": None}, None, False),
    ("${a} and ${b}", {"a": "no", "b": ["x"]}, None, True),
    ("${a} and ${b}", {"a": 0.5, "b": False}, None, False),
    ("not(${a})", {}, None, True),
    ("not(${a})", {"a": 0}, None, True),
    ("not(${a})", {"a": "x"}, None, False),
    ("not('')", {}, None, True),
    ("not(0.0)", {}, None, True),
    # selected
    ("selected(${m}, 'a')", {"m": ["a", "b"]}, None, True),
    ("selected(${m}, 'c')", {"m": ["a", "b"]}, None, False),
    ("selected(${m}, 'a')", {"m": "a"}, None, True),
    ("selected(${m}, 'a')", {"m": "ab"}, None, False),
    ("selected(${m}, 'a')", {}, None, False),
    ("selected(${m}, 'a')", {"m": []}, None, False),
    ("selected(${m}, 1)", {"m": [1, 2]}, None, True),
    ("selected(${m}, '2')", {"m": [1, 2]}, None, True),
    ("selected(${m}, 3)", {"m": ["3"]}, None, True),
    ("selected(${m}, '3')", {"m": 3}, None, True),
    ("selected(${m}, 'x')", {"m": {"x": 3}}, None, True),
    ("selected(${m}, 'dont_know')", {"m": "dont_know"}, None, True),
    ("selected(${m}, ${n})", {"m": ["a"], "n": ["a"]}, None, False),
    ("selected(${m}, ${n})", {"m": ["a"], "n": "a"}, None, True),
    ("selected(${m}, '')", {"m": ["a"]}, None, False),
    # count-selected
    ("count-selected(${m})", {"m": ["a", "b"]}, None, 2),
    ("count-selected(${m})", {"m": []}, None, 0),
    ("count-selected(${m})", {}, None, 0),
    ("count-selected(${m})", {"m": "a"}, None, 1),
    ("count-selected(${m})", {"m": 0}, None, 1),
    ("count-selected(${m})", {"m": {"x": 1, "y": 2}}, None, 2),
    ("count-selected(${m})", {"m": "dont_know"}, None, 1),
    ("count-selected(${m}) >= 2", {"m": ["a", "b", "c"]}, None, True),
    # string-length and constraints on .
    ("string-length(.)", {}, "abc", 3),
    ("string-length(.)", {}, None, 0),
    ("string-length(.)", {}, "", 0),
    ("string-length(.)", {}, 12345, 5),
    ("string-length(.)", {}, 2.5, 3),
    ("string-length(.)", {}, 3.0, 1),
    ("string-length(.)", {}, "été", 3),
    ("string-length(.)", {}, "😀a", 2),
    ("string-length(${q})", {"q": ["ab", "c"]}, None, 4),
    ("string-length(1 div 0)", {}, None, 0),
    ("string-length(1 = 1)", {}, None, 4),
    ("string-length(.) <= 5", {}, "hello", True),
    (". >= 0 and . <= 120", {}, 50, True),
    (". >= 0 and . <= 120", {}, -1, False),
    (". >= 0 and . <= 120", {}, "dont_know", False),
    (". <= ${max}", {"max": 10}, 10, True),
    (". <= ${max}", {}, 10, False),
    (". != ${other}", {"other": "a"}, "b", True),
    (".", {}, None, None),
    (".", {}, ["a"], ["a"]),
    (". mod 2 = 0", {}, 4, True),
    (". mod 2 = 0", {}, 3, False),
    # the functions XLSForms use (issue 23): if, coalesce, concat, normalize-space, int, round,
    # selected-at, today, regex
    ("if(${a} > 2, 'big', 'small')", {"a": 3}, None, "big"),
    ("if(${a} > 2, 'big', 'small')", {"a": 1}, None, "small"),
    ("if(${a} > 2, 'big', 'small')", {}, None, "small"),
    ("if(${a}, ${a} * 2, 0)", {"a": "4"}, None, 8),
    ("if(selected(${m}, 'x'), 1, '')", {"m": ["x", "y"]}, None, 1),
    ("coalesce(${a}, ${b})", {"b": 7}, None, 7),
    ("coalesce(${a}, ${b})", {"a": "", "b": "z"}, None, "z"),
    ("coalesce(${a}, ${b})", {"a": 0, "b": 7}, None, 0),
    ("coalesce(${a}, 'none')", {"a": []}, None, "none"),
    ("concat(${a}, '-', ${b}, '-', ${c})", {"a": "x", "b": 2.5, "c": None}, None, "x-2.5-"),
    ("concat(${m})", {"m": ["a", "b"]}, None, "a b"),
    ("concat(1 = 1, 3)", {}, None, "true3"),
    ("normalize-space(${a})", {"a": "  un \t deux\n trois  "}, None, "un deux trois"),
    ("normalize-space(${a})", {}, None, ""),
    ("normalize-space(concat(${a}, ' ', ${b}))", {"a": "x"}, None, "x"),
    ("int(${a})", {"a": "7.9"}, None, 7),
    ("int(${a})", {"a": -7.9}, None, -7),
    ("int(${a})", {"a": "x"}, None, None),
    ("int(${a})", {}, None, None),
    ("round(2.5)", {}, None, 3),
    ("round(-2.5)", {}, None, -2),
    ("round(${a}, 2)", {"a": 3.14159}, None, 3.14),
    ("round(${a}, 2)", {"a": "1.005"}, None, 1),
    ("round(15 div 7, 1)", {}, None, 2.1),
    ("round(1, -1)", {}, None, None),
    ("round(1, 1.5)", {}, None, None),
    ("round(${a} * ${a}, 10)", {"a": 1e300}, None, None),
    ("selected-at(${m}, 1)", {"m": ["a", "b", "c"]}, None, "b"),
    ("selected-at(${m}, 3)", {"m": ["a", "b", "c"]}, None, None),
    ("selected-at(${m}, -1)", {"m": ["a"]}, None, None),
    ("selected-at(${m}, 0)", {"m": " x  y "}, None, "x"),
    ("selected-at(${m}, 0)", {}, None, None),
    ("today() = today()", {}, None, True),
    ("string-length(today())", {}, None, 10),
    ("today() > '2024-12-31'", {}, None, True),
    (". < today()", {}, "2001-02-03", True),
    (". < today()", {}, "2999-01-01", False),
    ("regex(., '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$')", {}, "ana@example.org", True),
    ("regex(., '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$')", {}, "ana@example", False),
    ("regex(., '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$')", {}, "a na@example.org", False),
    ("regex(., '^[\\w-\\.]+@([\\w-]+\\.)+[\\w-]{2,}$')", {}, "j.o-e@mail.ex.org", True),
    ("regex(., '^[\\w-\\.]+@([\\w-]+\\.)+[\\w-]{2,}$')", {}, "joe@org", False),
    ("regex(., '^\\d{5}(-\\d{4})?$')", {}, "75011", True),
    ("regex(., '^\\d{5}(-\\d{4})?$')", {}, "75011-1234", True),
    ("regex(., '^\\d{5}(-\\d{4})?$')", {}, "7501", False),
    ("regex(., '^\\d{5}(-\\d{4})?$')", {}, 75011, True),
    ("regex(., '^\\d{5}$')", {}, "\u0663\u0663\u0663\u0663\u0663", False),  # \d is 0-9
    ("regex(., 'colou?r')", {}, "my colour", True),
    ("regex(., '^(?:ab|cd){2}$')", {}, "abcd", True),
    ("regex(., '^(?:ab|cd){2}$')", {}, "abcde", False),
    ("regex(., '^.$')", {}, "😀", True),
    ("regex(., '^.$')", {}, "\n", False),
    ("regex(., '[^a-z]')", {}, "abc", False),
    ("regex(., 'x$')", {}, "x\n", False),
    ("regex(., '^$')", {}, None, True),
    ("regex(${m}, '^a b$')", {"m": ["a", "b"]}, None, True),
    ("regex(., '^(a|aa)+$')", {}, "a" * 999 + "b", False),
    ("regex(., '^(a*)*b$')", {}, "a" * 1000, False),
    ("regex(., 'a')", {}, "a" * 1001, False),
    # dates in arithmetic: days since 1970-01-01, as ODK counts (issue 23)
    ("${d} - ${b}", {"d": "2024-03-01", "b": "2024-02-01"}, None, 29),
    ("${d} - ${b}", {"d": "2000-01-01", "b": "1970-01-01"}, None, 10957),
    ("int((${d} - ${b}) div 365.25)", {"d": "2024-06-01", "b": "1990-06-02"}, None, 33),
    ("${d} + 1", {"d": "1970-01-01"}, None, 1),
    ("-${d}", {"d": "1970-01-11"}, None, -10),
    ("${d} * 2", {"d": "1969-12-31"}, None, -2),
    ("${d} div 1", {"d": "0001-01-01"}, None, -719162),
    ("${d} - 1", {"d": "2024-02-30"}, None, None),
    ("${d} - 1", {"d": "2024-2-3"}, None, None),
    ("${d} - 1", {"d": "0000-01-01"}, None, None),
    ("${d} - 1", {"d": " 2024-01-01"}, None, None),
    ("${d} > 19000", {"d": "2024-01-01"}, None, True),
    ("${d} = 19723", {"d": "2024-01-01"}, None, True),
    ("${d} != 19723", {"d": "2024-01-01"}, None, False),
    ("${d} < '19000'", {"d": "2024-01-01"}, None, False),
    ("${d} >= '2024-01-01'", {"d": "2024-01-01"}, None, True),
    ("'abc' > 19000", {}, None, False),
    ("today() - today()", {}, None, 0),
    ("today() - ${d} > 0", {"d": "2001-02-03"}, None, True),
    ("date(0)", {}, None, "1970-01-01"),
    ("date(19723)", {}, None, "2024-01-01"),
    ("date(19723.9)", {}, None, "2024-01-01"),
    ("date(-0.5)", {}, None, "1969-12-31"),
    ("date('19723')", {}, None, "2024-01-01"),
    ("date(${d} + 30)", {"d": "2024-02-10"}, None, "2024-03-11"),
    ("date(${d})", {"d": "2024-02-29"}, None, "2024-02-29"),
    ("date(${d})", {"d": "2023-02-29"}, None, None),
    ("date(${d})", {}, None, None),
    ("date('x')", {}, None, None),
    ("date(2932896)", {}, None, "9999-12-31"),
    ("date(2932897)", {}, None, None),
    ("date(-719162)", {}, None, "0001-01-01"),
    ("date(-719163)", {}, None, None),
    ("date(100000000000)", {}, None, None),
    ("date(today()) = today()", {}, None, True),
    ("decimal-date-time(${d})", {"d": "2024-01-01"}, None, 19723),
    ("decimal-date-time(${d})", {"d": "1960-01-01"}, None, -3653),
    ("decimal-date-time(2.5)", {}, None, 2.5),
    ("decimal-date-time(${d})", {"d": "soon"}, None, None),
    ("decimal-date-time(${d})", {}, None, None),
    # mathematics: invalid input gives empty, never an error
    ("sqrt(16)", {}, None, 4),
    ("sqrt(2)", {}, None, 1.4142135623730951),
    ("sqrt(-1)", {}, None, None),
    ("sqrt(${a})", {}, None, None),
    ("sqrt('x')", {}, None, None),
    ("sqrt(${a})", {"a": "2.25"}, None, 1.5),
    ("pow(2, 10)", {}, None, 1024),
    ("pow(2, -1)", {}, None, 0.5),
    ("pow(2, 0.5)", {}, None, 1.4142135623730951),
    ("pow(-8, 1 div 3)", {}, None, None),
    ("pow(0, -1)", {}, None, None),
    ("pow(10, 400)", {}, None, None),
    ("pow(-2, 3)", {}, None, -8),
    ("pow(${a}, 2)", {}, None, None),
    ("round(${w} div pow(${h}, 2), 1)", {"w": 70, "h": "1.75"}, None, 22.9),
    ("abs(-3.5)", {}, None, 3.5),
    ("abs(${a})", {"a": "-4"}, None, 4),
    ("abs('')", {}, None, None),
    ("floor(2.7)", {}, None, 2),
    ("floor(-2.5)", {}, None, -3),
    ("ceiling(2.1)", {}, None, 3),
    ("ceiling(-2.5)", {}, None, -2),
    ("ceiling(-0.5)", {}, None, 0),
    ("floor(${a})", {"a": "x"}, None, None),
    ("exp(0)", {}, None, 1),
    ("exp(1)", {}, None, 2.718281828459045),
    ("exp(1000)", {}, None, None),
    ("exp(${a})", {}, None, None),
    ("log(1)", {}, None, 0),
    ("log(0)", {}, None, None),
    ("log(-1)", {}, None, None),
    ("log(${a})", {"a": "e"}, None, None),
    ("log10(1000)", {}, None, 3),
    ("log10(0.01)", {}, None, -2),
    ("log10(0)", {}, None, None),
    ("log10(-5)", {}, None, None),
    ("sqrt(1 = 1)", {}, None, 1),
    # position(): the occurrence number of a repeated page's block (given as ${#position})
    ("position()", {"#position": 2}, None, 2),
    ("position() = 1", {"#position": 1}, None, True),
    ("position()", {}, None, None),
    # count(), sum(), join() of a value of this page (a list of codes, or one value)
    ("count(${m})", {"m": ["a", "b"]}, None, 2),
    ("count(${m})", {}, None, 0),
    ("count(${m})", {"m": 5}, None, 1),
    ("sum(${m})", {"m": ["1", "2", "x"]}, None, 3),
    ("sum(${m})", {"m": 4.5}, None, 4.5),
    ("sum(${m})", {}, None, 0),
    ("join(', ', ${m})", {"m": ["a", "b"]}, None, "a, b"),
    ("join('-', ${a}, ${m}, ${b})", {"a": 1, "m": ["x", "y"]}, None, "1-x-y"),
    ("join('', ${m})", {}, None, ""),
]

# count(), sum(), join() over another repeated page's occurrences: the page ``members`` holds
# the items ``age``, ``name`` and ``tags`` (expression, answers, expected)
REPEATS = {"members": "members", "age": "members", "name": "members", "tags": "members"}
HOUSEHOLD = {"members": [{"age": 34, "name": "Ana", "tags": ["a", "b"]}, {"age": "5"},
                         {"name": "Léo", "age": None}, {"age": 0.5, "tags": ["c"]}]}
REPEAT_CASES: list[tuple[str, dict[str, Any], Any]] = [
    ("count(${members})", HOUSEHOLD, 4),
    ("count(${age})", HOUSEHOLD, 4),
    ("count(${members})", {}, 0),
    ("count(${members})", {"members": "junk"}, 0),
    ("count(${members})", {"members": [{"age": 1}, "junk", None]}, 3),
    ("sum(${age})", HOUSEHOLD, 39.5),
    ("sum(${age})", {"members": [{"age": "x"}, {"age": "2024-01-02"}, {"age": True}]}, 19725),
    ("sum(${age})", {}, 0),
    ("sum(${age}) div count(${members})", HOUSEHOLD, 9.875),
    ("sum(${name})", HOUSEHOLD, 0),
    ("join(', ', ${name})", HOUSEHOLD, "Ana, Léo"),
    ("join(' / ', ${tags})", HOUSEHOLD, "a b / c"),
    ("join(', ', ${age})", HOUSEHOLD, "34, 5, 0.5"),
    ("join(', ', ${name})", {"members": [{"name": ["x"]}, ["y"], {"age": 1}]}, "x"),
    ("if(count(${members}) > 3, 'large', 'small')", HOUSEHOLD, "large"),
    ("count(${age}) + ${age}", {"age": 7, **HOUSEHOLD}, 11),
]


# choice_filter cases: (filter, answers, the choice's code, its columns, offered?)
CHOICE_CASES: list[tuple[str, dict[str, Any], Any, dict[str, Any], bool]] = [
    ("region = ${region}", {"region": "north"}, "n1", {"region": "north"}, True),
    ("region = ${region}", {"region": "south"}, "n1", {"region": "north"}, False),
    ("region = ${region}", {}, "n1", {"region": "north"}, False),
    ("region=${region} and size >= ${min}", {"region": "n", "min": 3}, "x", {"region": "n",
                                                                             "size": "10"}, True),
    ("selected(${wanted}, name)", {"wanted": ["a", "b"]}, "b", {}, True),
    ("selected(${wanted}, name)", {"wanted": ["a"]}, "b", {}, False),
    ("name != ${first}", {"first": 2}, 2, {}, False),
    ("filter = ${region} or filter = 'all'", {"region": "s"}, "x", {"filter": "all"}, True),
]


def choice_tree(source: str) -> Any:
    return to_json(parse(source, allow_dot=False, choice_names=True))


@pytest.mark.parametrize(("source", "answers", "code", "columns", "expected"), CHOICE_CASES)
def test_choice_filters_read_the_columns_of_each_choice(source, answers, code, columns,
                                                        expected) -> None:
    node = parse(source, allow_dot=False, choice_names=True)
    assert {r for r in references(node) if r.startswith("@")} <= {"@name", *(
        "@" + c for c in columns)} | {"@size", "@region", "@filter"}
    got = truthy(evaluate(node, choice_context(answers, code, columns)))
    assert got is expected, source


def test_a_bare_name_outside_a_choice_filter_is_still_an_error() -> None:
    with pytest.raises(ExpressionError, match="unknown name 'region'"):
        parse("region = ${region}", allow_dot=False)
    assert choice_tree("region = ${region}") == ["=", ["ref", "@region"], ["ref", "region"]]


@pytest.mark.parametrize(("source", "answers", "dot", "expected"), CASES)
def test_evaluate(source: str, answers: dict[str, Any], dot: Any, expected: Any) -> None:
    got = evaluate(parse(source, allow_dot=True), answers, dot)
    assert same(got, expected), f"{source}: {got!r} != {expected!r}"


@pytest.mark.parametrize(("source", "answers", "expected"), REPEAT_CASES)
def test_aggregates_over_a_repeated_page(source: str, answers: dict[str, Any],
                                         expected: Any) -> None:
    node = parse(source, allow_dot=False, repeats=REPEATS)
    assert same(evaluate(node, answers), expected), source
    assert references(node) >= {"members"}


def test_only_the_items_of_other_repeated_pages_are_read_over_occurrences() -> None:
    assert to_json(parse("sum(${age}) + ${age}", allow_dot=False, repeats={"age": "p"})) == [
        "+", ["fn", "sum", [["each", "p", "age"]]], ["ref", "age"]]
    assert to_json(parse("sum(${age})", allow_dot=False)) == ["fn", "sum", [["ref", "age"]]]
    assert to_json(parse("count(${p})", allow_dot=False, repeats={"p": "p"})) == [
        "fn", "count", [["each", "p", ""]]]
    assert to_json(parse("position()", allow_dot=False)) == ["ref", "#position"]


@pytest.mark.parametrize(("source", "reason"), [
    ("cos(${a})", "function 'cos' is refused: trigonometry is not supported"),
    ("atan(1)", "function 'atan' is refused: trigonometry is not supported"),
    ("now()", "function 'now' is refused: this function is not supported"),
    ("random()", "function 'random' is refused"),
    ("uuid()", "function 'uuid' is refused"),
    ("pulldata('f', 'c', 'k', ${a})", "looking values up in a CSV file is not supported"),
    ("frobnicate(1)", "unknown function 'frobnicate'"),
    ("sqrt(1, 2)", "sqrt() takes 1 argument, not 2"),
    ("pow(2)", "pow() takes 2 arguments, not 1"),
    ("position(1)", "position() takes 0 arguments, not 1"),
])
def test_functions_still_refused_say_why(source: str, reason: str) -> None:
    with pytest.raises(ExpressionError, match=re.escape(reason)):
        parse(source, allow_dot=False)


def test_javascript_agrees_on_every_case(tmp_path: Path) -> None:
    node = shutil.which("node")
    assert node, "node is needed to test survey/static/relevance.js"
    cases = []
    for source, answers, dot, expected in CASES:
        value = evaluate(parse(source, allow_dot=True), answers, dot)
        cases.append({"source": source, "tree": tree(source), "answers": answers, "dot": dot,
                      "expected": expected, "truthy": truthy(value)})
    for source, answers, expected in REPEAT_CASES:
        parsed = parse(source, allow_dot=False, repeats=REPEATS)
        cases.append({"source": source, "tree": to_json(parsed), "answers": answers,
                      "dot": None, "expected": expected,
                      "truthy": truthy(evaluate(parsed, answers))})
    for source, answers, code, columns, expected in CHOICE_CASES:  # as the page filters
        context = choice_context(answers, code, columns)
        value = evaluate(parse(source, allow_dot=False, choice_names=True), context)
        assert truthy(value) is expected
        cases.append({"source": source, "tree": choice_tree(source), "answers": context,
                      "dot": None, "expected": value, "truthy": expected})
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    run = subprocess.run([node, str(JS_DIR / "relevance_check.mjs"), str(path)],
                         capture_output=True, text=True, timeout=30, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{len(cases)}/{len(cases)} cases agree" in run.stdout


def test_javascript_page_wiring() -> None:
    node = shutil.which("node")
    assert node, "node is needed to test survey/static/relevance.js"
    run = subprocess.run([node, str(JS_DIR / "relevance_dom.test.mjs")],
                         capture_output=True, text=True, timeout=30, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


HANDLER = re.compile(r"^on(click|change|input|load|error|submit|focus|blur|key\w+|mouse\w+|"
                     r"touch\w+|pointer\w+)$")


def test_javascript_has_no_dynamic_code() -> None:
    """Parsed, not grepped: no eval, no Function constructor, no timers given code, no HTML
    written as text, no inline event handlers (the CSP forbids them anyway)."""
    import esprima

    script = (ROOT / "survey" / "static" / "relevance.js").read_text(encoding="utf-8")
    found: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for child in node:
                visit(child)
            return
        if not hasattr(node, "type"):
            return
        if node.type in ("CallExpression", "NewExpression"):
            callee = node.callee
            name = getattr(callee, "name", None) or getattr(getattr(callee, "property", None),
                                                            "name", None)
            if name in ("eval", "Function", "setTimeout", "setInterval", "write",
                        "insertAdjacentHTML"):
                found.append(f"{name}() at line {node.loc.start.line}")
        if node.type == "AssignmentExpression" and node.left.type == "MemberExpression":
            name = getattr(node.left.property, "name", None) or ""
            if name in ("innerHTML", "outerHTML") or HANDLER.match(name):
                found.append(f".{name} = at line {node.loc.start.line}")
        for key, child in vars(node).items():
            if key not in ("loc", "range"):
                visit(child)

    visit(esprima.parseScript(script, {"loc": True}).body)
    assert found == []


# -- truthiness and robustness -------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    (None, False), ("", False), (0, False), (0.0, False), (False, False), ([], False),
    ({}, False), (float("nan"), False), ("0", True), ("no", True), (1, True), (-0.5, True),
    (True, True), (["a"], True), ({"x": 1}, True), (object(), False),
])
def test_truthy(value: Any, expected: bool) -> None:
    assert truthy(value) is expected


class Weird:
    def __str__(self) -> str:
        raise RuntimeError("no")

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("no")

    __hash__ = object.__hash__


ODD_VALUES: list[Any] = [
    None, "", "x", "dont_know", "prefer_not", "4", " 4 ", "1e3", "inf", "nan", "-", ".", "0x10",
    "9" * 5000, "٣", 0, -0.0, 1, -1, 2**53 + 1, 10**400, -(10**400), 1e308, -1e308, 5e-324,
    float("inf"), float("-inf"), float("nan"), True, False, [], [None], ["a", 1, 2.5, True],
    [["nested"]], [Weird()], (), ("a",), {"x": 1}, {1: 2}, {}, set(), {"a"}, frozenset({"b"}),
    b"bytes", bytearray(b"x"), object(), Weird(), 1j, range(3), "\x00", "😀" * 10,
]
FUZZ_SOURCES = [
    "${a} = ${b}", "${a} != ${b}", "${a} < ${b}", "${a} >= ${b}", "${a} + ${b}", "${a} - ${b}",
    "${a} * ${b}", "${a} div ${b}", "${a} mod ${b}", "-${a}", "not(${a})", "${a} and ${b}",
    "${a} or ${b}", "selected(${a}, ${b})", "selected(${a}, 'x')", "count-selected(${a})",
    "string-length(${a})", "string-length(.)", ". = ${a}", ". > 3", "${a} = ''", "${a}",
    "(${a} + .) * ${b} > 1 or count-selected(.) = string-length(${b})",
]


def test_evaluation_never_raises_on_odd_answers() -> None:
    nodes = [parse(source, allow_dot=True) for source in FUZZ_SOURCES]
    rng = random.Random(7)
    pairs = [(a, b) for a in ODD_VALUES for b in ODD_VALUES]
    for a, b in pairs:
        dot = rng.choice(ODD_VALUES)
        for node in nodes:
            value = evaluate(node, {"a": a, "b": b}, dot=dot)
            assert value is None or isinstance(value, str | int | float | bool | list)
            assert isinstance(truthy(value), bool)
            json.dumps(value, allow_nan=False)


@pytest.mark.parametrize("answers", [None, [], "abc", 42, {"a": Weird()}])
def test_evaluation_never_raises_on_odd_mappings(answers: Any) -> None:
    node = parse("${a} = 1 or selected(${a}, 'x') or count-selected(${a}) > 0", allow_dot=False)
    assert evaluate(node, answers) is False
