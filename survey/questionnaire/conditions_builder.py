"""Skip logic as rows: the designer's condition builder (no Flask, no database).

A :class:`Condition` is rows of (question, comparison, value) joined by ``all`` (and) or ``any``
(or). :func:`to_text` writes it in the expression language of :mod:`.expressions`, as the
bundled questionnaires and XLSForms write it::

    ${role} = 'other'                  choice is / is not:        =  !=
    ${age} >= 65                       numbers, dates, times:     =  !=  <  <=  >  >=
    selected(${ways}, 'bus')           multiple choice includes:  selected
    not(selected(${ways}, 'none'))     ... does not include:      not_selected
    ${q} != ''   ${q} = ''             answered / not answered
    . <= 52                            a constraint's own answer (code ".")

:func:`from_text` reads an expression back into rows when, and only when, the builder would
write the very same expression tree (spaces and quote marks aside); anything else gives None
and the designer shows the text itself. So ``from_text(to_text(c)) == c`` for every condition,
and opening and saving an untouched condition never changes the questionnaire.

:func:`readable` lists the questions a condition at a place of a draft may read (the loader's
rule: only earlier items; an item of a repeated page only from that page), each with the
comparisons and values its type offers; :func:`check` gives each row's problems in words
that translate (:mod:`.messages`); :func:`describe_condition` phrases it for the researcher
with :mod:`.describe`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import expressions
from .describe import Subject, describe
from .expressions import ExpressionError, Node
from .itemtypes.time import clock
from .loader import rebuild
from .messages import N_, Text, msg, words
from .model import Definition, Item
from .special import PARTICIPANT_LABELS

DOT = "."  # a constraint's row about the answer itself
JOINS = ("all", "any")
ORDERED = ("<", "<=", ">", ">=")
ANSWERED, NOT_ANSWERED = "answered", "not_answered"
SELECTED, NOT_SELECTED = "selected", "not_selected"
COMPARISONS = ("=", "!=", *ORDERED, SELECTED, NOT_SELECTED, ANSWERED, NOT_ANSWERED)
NO_VALUE = (ANSWERED, NOT_ANSWERED)

# What a question's answer is, for the builder: its comparisons and the values it takes.
CHOICE, MANY, NUMBER, DATE, TIME, TEXT = "choice", "many", "number", "date", "time", "text"
KIND_COMPARISONS: dict[str, tuple[str, ...]] = {
    CHOICE: ("=", "!=", ANSWERED, NOT_ANSWERED),
    MANY: (SELECTED, NOT_SELECTED, ANSWERED, NOT_ANSWERED),
    NUMBER: ("=", "!=", *ORDERED, ANSWERED, NOT_ANSWERED),
    DATE: ("=", "!=", *ORDERED, ANSWERED, NOT_ANSWERED),
    TIME: ("=", "!=", *ORDERED, ANSWERED, NOT_ANSWERED),
    TEXT: ("=", "!=", ANSWERED, NOT_ANSWERED),
}
# item types whose answer is a list of codes, or a number, whatever their codebook says
MANY_TYPES = {"multiple", "ranking", "nomination"}
KIND_OF_CODEBOOK = {"integer": NUMBER, "decimal": NUMBER, "date": DATE, "time": TIME}

# The comparisons in words, per kind of answer (translated where shown: ``gettext(label)``).
WORDS: dict[str, str] = {
    "=": N_("is"), "!=": N_("is not"), SELECTED: N_("includes"),
    NOT_SELECTED: N_("does not include"), ANSWERED: N_("is answered"),
    NOT_ANSWERED: N_("is not answered"),
    "<": N_("is less than"), "<=": N_("is at most"), ">": N_("is more than"),
    ">=": N_("is at least"),
}
TIME_WORDS: dict[str, str] = {
    "<": N_("is before"), "<=": N_("is on or before"), ">": N_("is after"),
    ">=": N_("is on or after"),
}
JOIN_WORDS = {"all": N_("all of these are true"), "any": N_("any of these is true")}
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
TIME_RE = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")

Value = str | int | float


@dataclass(frozen=True)
class Row:
    """One test: the answer key read (``${code}``; ``.`` in a constraint), a comparison of
    :data:`COMPARISONS`, and the value compared with (None for answered / not answered).
    A value's type is kept: ``3`` writes ``${q} = 3``, ``'3'`` writes ``${q} = '3'``."""

    code: str
    comparison: str
    value: Value | None = None


@dataclass(frozen=True)
class Condition:
    """Rows joined by ``all`` (and) or ``any`` (or); one row is always ``all`` (both read
    the same, and the text cannot tell them apart)."""

    rows: tuple[Row, ...]
    join: str = "all"

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", tuple(self.rows))
        if len(self.rows) == 1 and self.join in JOINS:
            object.__setattr__(self, "join", "all")


@dataclass(frozen=True)
class Option:
    """A value a question offers: its code and label per language (an empty label: an
    answer the page words itself, as yes, no and the special answers)."""

    code: Value
    label: Mapping[str, str] = field(default_factory=dict)
    special: bool = False


@dataclass(frozen=True)
class Question:
    """A question a condition may read, as the designer's selects show it."""

    key: str  # what ``${...}`` names: the item's code, a matrix row's code
    item: str  # the item's code
    itemtype: str
    page: int  # 0-based index of its page
    text: Mapping[str, str]  # per language (a matrix row: "question: row")
    kind: str  # CHOICE, MANY, NUMBER, DATE, TIME or TEXT
    comparisons: tuple[str, ...]
    options: tuple[Option, ...] = ()  # the values to choose from (none: typed)

    def option(self, value: Any) -> Option | None:
        return next((o for o in self.options if str(o.code) == str(value)), None)


@dataclass(frozen=True)
class RowProblem:
    """A problem of one row (``row`` its 0-based index; None: the whole condition)."""

    row: int | None
    text: Text

    def __str__(self) -> str:
        return str(self.text) if self.row is None else f"row {self.row + 1}: {self.text}"


def comparison_words(comparison: str, kind: str) -> str:
    """The comparison's words for a kind of answer (an ``N_`` template to translate)."""
    if kind in (DATE, TIME) and comparison in TIME_WORDS:
        return TIME_WORDS[comparison]
    return WORDS[comparison]


# -- rows -> text -------------------------------------------------------------------------

def literal(value: Value) -> str:
    """A value as the expression language writes it: a number bare, a text in quotes."""
    if isinstance(value, bool):
        raise ValueError("a condition's value cannot be true or false")
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise ValueError("a text holding both quote marks cannot be written in an expression")


def row_text(row: Row) -> str:
    subject = DOT if row.code == DOT else f"${{{row.code}}}"
    if row.comparison == ANSWERED:
        return f"{subject} != ''"
    if row.comparison == NOT_ANSWERED:
        return f"{subject} = ''"
    if row.value is None:
        raise ValueError(f"comparison {row.comparison!r} needs a value")
    if row.comparison == SELECTED:
        return f"selected({subject}, {literal(row.value)})"
    if row.comparison == NOT_SELECTED:
        return f"not(selected({subject}, {literal(row.value)}))"
    if row.comparison not in COMPARISONS:
        raise ValueError(f"unknown comparison {row.comparison!r}")
    return f"{subject} {row.comparison} {literal(row.value)}"


def to_text(condition: Condition) -> str:
    """The condition in the expression language (raises ValueError on a malformed row:
    :func:`check` first)."""
    if not condition.rows:
        raise ValueError("a condition needs at least one row")
    if condition.join not in JOINS:
        raise ValueError(f"join must be one of {JOINS}")
    return (" and " if condition.join == "all" else " or ").join(
        row_text(row) for row in condition.rows)


# -- text -> rows -------------------------------------------------------------------------

def from_text(text: str, *, constraint: bool = False) -> Condition | None:
    """The rows of an expression the builder writes, else None (the designer's text mode).
    Never raises: text that does not parse is None too."""
    try:
        tree = expressions.parse(text, allow_dot=constraint)
    except ExpressionError:
        return None
    join = "any" if tree[0] == "or" else "all"
    parts = _flatten(tree[0], tree) if tree[0] in ("and", "or") else [tree]
    rows = []
    for part in parts:
        row = _row(part)
        if row is None:
            return None
        rows.append(row)
    condition = Condition(tuple(rows), join)
    try:  # exactly the tree the builder writes: (a and b) and c, but not a and (b and c)
        again = expressions.parse(to_text(condition), allow_dot=constraint)
    except (ValueError, ExpressionError):
        return None
    return condition if expressions.to_json(again) == expressions.to_json(tree) else None


def _flatten(op: str, node: Node) -> list[Node]:
    if node[0] != op:
        return [node]
    return _flatten(op, node[1]) + _flatten(op, node[2])


def _subject(node: Node) -> str | None:
    if node[0] == "ref" and not node[1].startswith(("#", expressions.CHOICE_PREFIX)):
        return node[1]
    return DOT if node[0] == "dot" else None


def _row(node: Node) -> Row | None:
    if node[0] == "not":
        inner = _row(node[1])
        return (Row(inner.code, NOT_SELECTED, inner.value)
                if inner is not None and inner.comparison == SELECTED else None)
    if node[0] == "fn" and node[1] == "selected":
        subject, value = node[2]
        code = _subject(subject)
        if code is None or value[0] not in ("str", "num"):
            return None
        return Row(code, SELECTED, value[1])
    if node[0] not in ("=", "!=", *ORDERED):
        return None
    code = _subject(node[1])
    right = node[2]
    if code is None or right[0] not in ("str", "num"):
        return None
    if right[1] == "" and node[0] in ("=", "!="):
        return Row(code, NOT_ANSWERED if node[0] == "=" else ANSWERED)
    return Row(code, node[0], right[1])


# -- what a condition may read ------------------------------------------------------------

def kind_of(item: Item) -> str:
    """What the builder compares an item's answer as."""
    if item.type in MANY_TYPES:
        return MANY
    if item.type == "calculate":
        return NUMBER if item.settings.result == "number" else TEXT
    if item.choices or item.type in ("yesno", "acknowledge"):
        return CHOICE
    return KIND_OF_CODEBOOK.get(item.itemtype.codebook_type or "", TEXT)


def _questions(definition: Definition, item: Item, page: int) -> list[Question]:
    kind = kind_of(item)
    comparisons = KIND_COMPARISONS[kind]
    if kind == CHOICE and all(isinstance(c.code, int) for c in item.choices) and item.choices:
        comparisons = KIND_COMPARISONS[NUMBER]  # points of a scale: "at least 4"
    offered = item.itemtype.offered(item, definition.roster(item))
    options = tuple(Option(c.code, dict(c.label)) for c in offered) + tuple(
        Option(code, {}, special=True) for code in item.special)
    if kind not in (CHOICE, MANY):
        options = tuple(o for o in options if o.special)
    rows = getattr(item.settings, "rows", ())
    if rows:  # a matrix: each row is a question of its own
        return [Question(row.key, item.code, item.type, page,
                         {lang: f"{item.text.get(lang, '')}: {text}".lstrip(": ")
                          for lang, text in row.label.items()},
                         kind, comparisons, options) for row in rows]
    found = []
    for key in item.answer_keys:
        if key == item.code:
            found.append(Question(key, item.code, item.type, page, dict(item.text), kind,
                                  comparisons, options))
        else:  # a second answer of the item (a criterion's note): typed text
            found.append(Question(key, item.code, item.type, page, dict(item.text), TEXT,
                                  KIND_COMPARISONS[TEXT]))
    return found


def earlier_codes(data: Mapping[str, Any], page: int, position: int | None) -> list[str]:
    """The codes of the items before a place of a draft's data, in order: every item of
    the pages before ``page`` and, with ``position``, the first ``position`` items of that
    page (None: the page's own condition, which reads earlier pages only)."""
    sections = data.get("sections") if isinstance(data, Mapping) else None
    codes: list[str] = []
    for index, section in enumerate(sections if isinstance(sections, list) else []):
        if index > page or not isinstance(section, Mapping):
            break
        items = section.get("items") if isinstance(section.get("items"), list) else []
        if index == page:
            items = items[:position] if position is not None else []
        codes += [str(i.get("code")) for i in items if isinstance(i, Mapping)]
    return codes


def readable(data: Mapping[str, Any] | Definition, page: int, position: int | None = None,
             *, own: str | None = None) -> list[Question]:
    """The questions a condition at (``page``, ``position``) of a draft may read, in order,
    with their comparisons and values. ``position`` is the item's index on its page (None:
    the page's own condition). ``own`` names the item a constraint belongs to: its answer is
    then offered too, as ``.``. Works on a draft being edited (the data is rebuilt, never
    refused: what cannot be read is left out)."""
    definition = data if isinstance(data, Definition) else rebuild(data, "<draft>")
    earlier = set(earlier_codes(definition.raw or data, page, position))
    repeated = _repeated_page(definition, page)
    itself: list[Question] = []  # a constraint's own answer, first
    found: list[Question] = []
    for number, section in enumerate(definition.sections):
        for item in section.items:
            if item.code == own:
                itself = [Question(DOT, q.item, q.itemtype, q.page, q.text, q.kind,
                                   q.comparisons, q.options)
                          for q in _questions(definition, item, number)[:1]]
            if item.code not in earlier:
                continue
            if section.repeat is not None and section.code != repeated:
                continue  # another repeated page's answers: count(), sum() in text mode
            found += _questions(definition, item, number)
    return itself + found


def _repeated_page(definition: Definition, page: int) -> str | None:
    if 0 <= page < len(definition.sections) and definition.sections[page].repeat is not None:
        return definition.sections[page].code
    return None


# -- problems -----------------------------------------------------------------------------

def read_row(questions: Sequence[Question], code: str, comparison: str, value: Any) -> Row:
    """A row from the designer's form (values come as text): a choice's code or a number
    takes its type (``'3'`` -> 3 for a choice coded 3, or a number question)."""
    question = next((q for q in questions if q.key == code), None)
    if comparison in NO_VALUE or value is None:
        return Row(code, comparison, None)
    text = str(value).strip()
    if question is not None:
        option = question.option(text)
        if option is not None:
            return Row(code, comparison, option.code)
        if question.kind == NUMBER:
            number = expressions.as_number(text.replace(",", "."))
            if number is not None:
                return Row(code, comparison, int(number) if number.is_integer() else number)
        if question.kind == TIME:
            return Row(code, comparison, clock(text) or text)
    return Row(code, comparison, text)


def check(condition: Condition, questions: Sequence[Question],
          all_codes: Sequence[str] = ()) -> list[RowProblem]:
    """Every problem of a condition, each placed on its row, in words that translate.
    ``questions`` come from :func:`readable`; ``all_codes`` (every item code of the draft)
    tells a later question from an unknown one."""
    problems: list[RowProblem] = []
    if condition.join not in JOINS:
        problems.append(RowProblem(None, msg("join the rows with all or any")))
    if not condition.rows:
        problems.append(RowProblem(None, msg("add at least one row, or remove the "
                                             "condition")))
    by_key = {q.key: q for q in questions}
    for number, row in enumerate(condition.rows):
        problems += [RowProblem(number, text) for text in _row_problems(row, by_key, all_codes)]
    if not problems:
        try:
            expressions.parse(to_text(condition), allow_dot=any(r.code == DOT
                                                                for r in condition.rows))
        except (ValueError, ExpressionError) as error:
            problems.append(RowProblem(None, getattr(error, "text", msg(
                "this condition cannot be written as an expression"))))
    return problems


def _row_problems(row: Row, by_key: Mapping[str, Question], all_codes: Sequence[str]
                  ) -> list[Text]:
    question = by_key.get(row.code)
    if question is None:
        if row.code == DOT:
            return [msg("'.' (the answer itself) is only allowed in a constraint")]
        if row.code in all_codes:
            return [msg("'%(code)s' is not asked before this point: a condition may only "
                        "use earlier questions", code=row.code)]
        return [msg("there is no question '%(code)s'", code=row.code)]
    if row.comparison not in question.comparisons:
        return [msg("'%(comparison)s' does not apply to '%(code)s' (it offers: %(offered)s)",
                    comparison=row.comparison, code=row.code,
                    offered=words(*question.comparisons))]
    if row.comparison in NO_VALUE:
        return [] if row.value is None else [msg("'%(comparison)s' takes no value",
                                                 comparison=row.comparison)]
    if row.value is None or row.value == "":
        return [msg("choose or type the value to compare with")]
    if isinstance(row.value, bool):
        return [msg("the value must be a text or a number")]
    return _value_problems(row, question)


def _value_problems(row: Row, question: Question) -> list[Text]:
    value = row.value
    if question.option(value) is not None and question.option(value).special:
        return [] if row.comparison in ("=", "!=") else [msg(
            "a special answer is only compared with is or is not")]
    if question.kind in (CHOICE, MANY):
        option = question.option(value)
        if option is None or type(option.code) is not type(value):
            return [msg("%(value)s is not a choice of '%(code)s' (its choices: %(codes)s)",
                        value=repr(value), code=row.code,
                        codes=words(*(o.code for o in question.options)) or msg("none"))]
        return []
    checks: dict[str, tuple[Callable[[Any], bool], Text]] = {
        NUMBER: (lambda v: isinstance(v, int | float) and abs(v) < 10 ** expressions.MAX_DIGITS,
                 msg("the value must be a number, for example 3 or 2.5")),
        DATE: (_is_date, msg("the value must be a date as year-month-day, for example "
                             "2026-03-31")),
        TIME: (lambda v: isinstance(v, str) and TIME_RE.fullmatch(v) is not None,
               msg("the value must be a time as hours:minutes, for example 14:30")),
        TEXT: (lambda v: isinstance(v, str) and not ("'" in v and '"' in v), msg(
            "the value cannot hold both ' and \" marks")),
    }
    test, text = checks[question.kind]
    return [] if test(value) else [text]


def _is_date(value: Any) -> bool:
    if not isinstance(value, str) or not DATE_RE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def check_text(text: str, questions: Sequence[Question], all_codes: Sequence[str] = (),
               *, constraint: bool = False) -> list[Text]:
    """The problems of a condition typed in text mode, in the loader's words: a syntax error
    (with its place), a question unknown or not asked before this point."""
    try:
        tree = expressions.parse(text, allow_dot=constraint)
    except ExpressionError as error:
        return [msg("%(reason)s (at character %(position)s)", reason=error.text,
                    position=error.position + 1)]
    keys = {q.key for q in questions}
    problems: list[Text] = []
    for name in sorted(expressions.references(tree)):
        if name in keys or name.startswith(("#", expressions.CHOICE_PREFIX)):
            continue
        template = (N_("'%(code)s' is not asked before this point: a condition may only use "
                       "earlier questions") if name in all_codes
                    else N_("there is no question '%(code)s'"))
        problems.append(Text(template, {"code": name}))
    return problems


# -- in words -----------------------------------------------------------------------------

def describe_condition(text: str, questions: Sequence[Question], lang: str,
                       gettext: Callable[[str], str], *, constraint: bool = False
                       ) -> str | None:
    """The condition as a sentence in ``lang`` (« Si vous avez répondu « Autre » à la
    question ... »), through :mod:`.describe`; None when it cannot be phrased."""
    try:
        tree = expressions.parse(text, allow_dot=constraint)
    except ExpressionError:
        return None
    if constraint:
        tree = _dot_as_ref(tree)
    by_key = {q.key: q for q in questions}
    fixed = {"yes": gettext("Yes"), "no": gettext("No"),
             **{code: gettext(label) for code, label in PARTICIPANT_LABELS.items()}}

    def subject(key: str) -> Subject | None:
        question = by_key.get(key)
        if question is None:
            return None
        labels = {str(o.code): o.label.get(lang) or fixed.get(str(o.code), str(o.code))
                  for o in question.options}
        return Subject(question=question.text.get(lang) or key, labels=labels)

    return describe(tree, subject, gettext)


def _dot_as_ref(node: Node) -> Node:
    """A constraint's ``.`` read as the question it belongs to (``Question.key`` ".")."""
    if node[0] == "dot":
        return ("ref", DOT)
    if node[0] == "fn":
        return ("fn", node[1], tuple(_dot_as_ref(arg) for arg in node[2]))
    if node[0] in ("num", "str", "ref", "re", "each"):
        return node
    return (node[0], *(_dot_as_ref(child) for child in node[1:]))
