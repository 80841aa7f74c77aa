"""A relevance expression in plain words, for pages shown without JavaScript.

``describe`` turns a parsed tree (:mod:`survey.questionnaire.expressions`) into a condition a
participant can read: « Si vous avez répondu « Autre » à la question précédente. » / "If you
answered “Other” to the previous question." It phrases the common shapes (an answer equal or not
to a choice, ``selected``, answered or not, a number compared to a value, and or or of those,
several choices of one question); for anything else it gives None and the page says "This
question applies only for some answers." Words come from the ``gettext`` it is given, so this
module needs neither Flask nor a language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .expressions import Node

QUESTION_CHARS = 70  # a quoted question is cut after this many characters
Gettext = Callable[[str], str]


@dataclass(frozen=True)
class Subject:
    """What a ``${code}`` names, as the participant sees it."""

    question: str  # the question (or matrix line), in the participant's language
    labels: Mapping[str, str]  # answer code as text -> its label, in that language
    previous: bool = False  # asked just before the described item
    number: str | None = None  # its number on a printed copy ("question 12")


def describe(node: Node, subject: Callable[[str], Subject | None],
             gettext: Gettext) -> str | None:
    """The whole condition as a sentence, or None when it cannot be phrased."""
    clause = _Describer(subject, gettext).clause(node)
    if clause is None:
        return None
    return gettext("If %(condition)s.") % {"condition": clause}


def clause(node: Node, subject: Callable[[str], Subject | None],
           gettext: Gettext) -> str | None:
    """The condition alone, without "If" ("you answered “No” to question 4"), or None."""
    return _Describer(subject, gettext).clause(node)


def choice_test(node: Node) -> tuple[str, list[Any], bool] | None:
    """A condition that tests one question's answer against choices: (its code, the choice
    codes, whether it is negated: "is not one of them"), else None. ``${q} = 'a'``,
    ``selected(${q}, 'a') or ${q} = 'b'``, ``${q} != 'a' and ${q} != 'b'``..."""
    for negated, parts in ((False, _flatten("or", node)),
                           (True, [_negated(p) for p in _flatten("and", node)])):
        pairs = [_choice_test(p) for p in parts]
        if all(pairs) and len({code for code, _ in pairs}) == 1:  # type: ignore[misc]
            return pairs[0][0], [literal for _, literal in pairs], negated  # type: ignore
    return None


def generic(gettext: Gettext) -> str:
    """What a page says of a condition that cannot be phrased."""
    return gettext("This question applies only for some answers.")


FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "!=": "!="}


class _Describer:
    def __init__(self, subject: Callable[[str], Subject | None], gettext: Gettext) -> None:
        self.subject = subject
        self.gettext = gettext

    # -- words ---------------------------------------------------------------------------

    def question(self, found: Subject) -> str:
        if found.number is not None:
            return self.gettext("question %(number)s") % {"number": found.number}
        if found.previous:
            return self.gettext("the previous question")
        text = " ".join(found.question.split())
        if len(text) > QUESTION_CHARS:
            text = text[:QUESTION_CHARS - 1].rstrip() + "…"
        return self.gettext("the question “%(question)s”") % {"question": text}

    def joined(self, parts: list[str], word: str) -> str:
        template = (self.gettext("%(first)s or %(second)s") if word == "or"
                    else self.gettext("%(first)s and %(second)s"))
        result = parts[0]
        for part in parts[1:]:
            result = template % {"first": result, "second": part}
        return result

    def answers(self, found: Subject, labels: list[str], negated: bool) -> str:
        quoted = [self.gettext("“%(answer)s”") % {"answer": label} for label in labels]
        values = {"answers": self.joined(quoted, "or"), "question": self.question(found)}
        if negated:
            return self.gettext("you did not answer %(answers)s to %(question)s") % values
        return self.gettext("you answered %(answers)s to %(question)s") % values

    def answered(self, found: Subject, negated: bool) -> str:
        values = {"question": self.question(found)}
        if negated:
            return self.gettext("you did not answer %(question)s") % values
        return self.gettext("you answered %(question)s") % values

    def number(self, found: Subject, op: str, number: int | float) -> str:
        values = {"question": self.question(found), "number": _number_text(number)}
        templates = {
            ">": self.gettext("your answer to %(question)s is more than %(number)s"),
            ">=": self.gettext("your answer to %(question)s is at least %(number)s"),
            "<": self.gettext("your answer to %(question)s is less than %(number)s"),
            "<=": self.gettext("your answer to %(question)s is at most %(number)s"),
            "=": self.gettext("your answer to %(question)s is %(number)s"),
            "!=": self.gettext("your answer to %(question)s is not %(number)s"),
        }
        return templates[op] % values

    # -- shapes --------------------------------------------------------------------------

    def clause(self, node: Node) -> str | None:
        op = node[0]
        if op in ("and", "or"):
            return self.chain(op, node)
        if op == "not":
            inner = node[1]
            if inner[0] == "=":
                return self.comparison(("!=", inner[1], inner[2]))
            if inner[0] == "fn" and inner[1] == "selected":
                return self.choices([inner], negated=True)
            if inner[0] == "ref":
                found = self.subject(inner[1])
                return None if found is None else self.answered(found, negated=True)
            return None
        if op == "fn" and node[1] == "selected":
            return self.choices([node], negated=False)
        if op == "ref":
            found = self.subject(node[1])
            return None if found is None else self.answered(found, negated=False)
        if op in FLIPPED:
            return self.comparison(node)
        return None

    def chain(self, op: str, node: Node) -> str | None:
        parts = _flatten(op, node)
        if op == "or":  # one question, several answers: "you answered “A” or “B” to ..."
            same = self.choices(parts, negated=False)
            if same is not None:
                return same
        if op == "and":  # not "A", not "B" of one question
            same = self.choices([_negated(p) for p in parts], negated=True)
            if same is not None:
                return same
        clauses = []
        for part in parts:
            mixed = part[0] in ("and", "or") and part[0] != op
            if mixed and not (part[0] == "or" and self.choices(_flatten("or", part), False)):
                return None  # a mix of and/or reads ambiguously in plain words
            clause = self.clause(part)
            if clause is None:
                return None
            clauses.append(clause)
        return self.joined(clauses, op)

    def choices(self, parts: list[Node | None], negated: bool) -> str | None:
        """Equalities (or ``selected``) of one question with its choices, as one clause."""
        code, labels = None, []
        for part in parts:
            pair = _choice_test(part)
            if pair is None or (code is not None and pair[0] != code):
                return None
            code = pair[0]
            found = self.subject(code)
            label = None if found is None else _label(found, pair[1])
            if label is None:
                return None
            labels.append(label)
        found = self.subject(code) if code is not None else None
        if found is None:
            return None
        return self.answers(found, labels, negated)

    def comparison(self, node: Node) -> str | None:
        op, left, right = node
        if left[0] != "ref" and right[0] == "ref":
            op, left, right = FLIPPED[op], right, left
        if left[0] != "ref" or right[0] not in ("str", "num"):
            return None
        found = self.subject(left[1])
        if found is None:
            return None
        literal = right[1]
        if op in ("=", "!=") and literal == "":
            return self.answered(found, negated=op == "=")
        if op in ("=", "!="):
            label = _label(found, literal)
            if label is not None:
                return self.answers(found, [label], negated=op == "!=")
        if isinstance(literal, int | float) and not isinstance(literal, bool):
            return self.number(found, op, literal)
        return None


def _flatten(op: str, node: Node) -> list[Node]:
    if node[0] != op:
        return [node]
    return _flatten(op, node[1]) + _flatten(op, node[2])


def _negated(node: Node) -> Node | None:
    """The positive test of a negated choice test (``!=`` or ``not(...)``), else None."""
    if node[0] == "!=":
        return ("=", node[1], node[2])
    if node[0] == "not" and node[1][0] in ("=", "fn"):
        return node[1]
    return None


def _choice_test(node: Node | None) -> tuple[str, Any] | None:
    """``${q} = 'x'``, ``'x' = ${q}`` or ``selected(${q}, 'x')``: (code, literal)."""
    if node is None:
        return None
    if node[0] == "fn" and node[1] == "selected":
        node = ("=", *node[2])
    if node[0] != "=":
        return None
    left, right = node[1], node[2]
    if left[0] != "ref":
        left, right = right, left
    if left[0] != "ref" or right[0] not in ("str", "num") or right[1] == "":
        return None
    return left[1], right[1]


def _label(found: Subject, literal: Any) -> str | None:
    key = _number_text(literal) if isinstance(literal, int | float) else str(literal)
    label = found.labels.get(key)
    if label is None and not found.labels and isinstance(literal, str):
        return literal  # a typed answer: the text itself
    return label


def _number_text(number: int | float) -> str:
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return str(number)
