"""The skip logic builder of the designer's forms: a condition as rows (question, comparison,
value) joined by all or any, written in the expression language
(:mod:`survey.questionnaire.conditions_builder`) and shown; a text mode for what the rows
cannot hold, where the stored text stays exactly as it was until the researcher edits it.
Row buttons (add, remove, switch mode) are submit buttons that show the form again with
everything typed kept: no script needed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext

from ..questionnaire.conditions_builder import (
    JOINS,
    NO_VALUE,
    Condition,
    Option,
    Question,
    check,
    from_text,
    read_row,
    readable,
    to_text,
)
from ..questionnaire.messages import Text, msg
from ..questionnaire.special import PARTICIPANT_LABELS
from .forms import FormState, Posted

KEY = "relevant"
MAX_ROWS = 50


@dataclass
class Builder:
    """What the skip logic part of a form shows: its mode ("rows" or "text"), the rows as
    typed, the expression they write, and the problems of each row (by index)."""

    questions: list[Question]
    mode: str = "rows"
    join: str = "all"
    rows: list[dict[str, str]] = field(default_factory=list)
    written: str = ""
    problems: dict[int, list[Text]] = field(default_factory=dict)
    general: list[Text] = field(default_factory=list)

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    def row_problems(self, n: int) -> list[Text]:
        return self.problems.get(n, [])


def option_label(option: Option, lang: str) -> str:
    """A value's words: its label in the language (a special answer's page words)."""
    if option.special or not option.label:
        words = PARTICIPANT_LABELS.get(str(option.code))
        return gettext(words) if words else str(option.code)
    return option.label.get(lang) or next(iter(option.label.values()), str(option.code))


def _value_text(value: Any) -> str:
    return "" if value is None else str(value)


def stored(text: str, questions: Sequence[Question]) -> Builder:
    """The builder of a stored condition: rows when the builder writes exactly this text,
    else text mode (the text shown as it is)."""
    builder = Builder(list(questions))
    if not text.strip():
        return builder
    condition = from_text(text)
    if condition is None:
        builder.mode = "text"
        return builder
    builder.join = condition.join
    builder.rows = [{"code": r.code, "comparison": r.comparison, "value": _value_text(r.value)}
                    for r in condition.rows]
    builder.written = text
    return builder


def posted(form: Posted, state: FormState, questions: Sequence[Question], original: str
           ) -> tuple[Builder, bool]:
    """The builder as posted, its button applied (True: a builder button, show the form
    again), and in rows mode the expression the rows write set as the field's value (with
    each row's problems); in text mode the typed text stays the field's value."""
    builder = Builder(list(questions))
    mode = form.get("skip_mode", "text")  # a post without the builder: its text as typed
    builder.mode = mode if mode in ("rows", "text") else "rows"
    join = form.get("skip_join", "all")
    builder.join = join if join in JOINS else "all"
    n = 0
    while f"skip.{n}.code" in form and n < MAX_ROWS:
        builder.rows.append({key: _clean(form.get(f"skip.{n}.{key}", ""))
                             for key in ("code", "comparison", "value")})
        n += 1
    action = form.get("skip", "")
    button = isinstance(action, str) and _button(builder, state, action, original)
    if builder.mode == "rows":
        _write(builder, state, original)
        if button:  # a row being built: its problems wait for the save
            builder.problems = {}
            builder.general = [g for g in builder.general if action == "rows"]
    return builder, bool(button)


def _clean(value: Any) -> str:
    return value.replace("\x00", "").strip() if isinstance(value, str) else ""


def _button(builder: Builder, state: FormState, action: str, original: str) -> bool:
    if action == "add" and builder.mode == "rows" and len(builder.rows) < MAX_ROWS:
        first = builder.questions[0] if builder.questions else None
        builder.rows.append({"code": first.key if first else "",
                             "comparison": first.comparisons[0] if first else "",
                             "value": ""})
        return True
    if action.startswith("delete:") and action[7:].isdigit() and \
            int(action[7:]) < len(builder.rows):
        del builder.rows[int(action[7:])]
        return True
    if action == "text":  # the rows' expression becomes the text to edit
        if builder.mode == "rows":
            _write(builder, state, original)
        builder.mode = "text"
        return True
    if action == "rows":
        again = stored(state.value(KEY), builder.questions)
        if again.mode == "rows":
            builder.mode, builder.join, builder.rows = "rows", again.join, again.rows
        else:
            builder.general.append(msg(
                "the builder cannot show this condition: keep editing it as text"))
        return True
    return action == "refresh"


def _write(builder: Builder, state: FormState, original: str) -> None:
    """The rows' expression as the field's value (the stored text itself when the rows are
    its own: an untouched condition never changes), or the rows' problems."""
    builder.problems = {}
    if not builder.rows:
        builder.written = ""
        state.values[KEY] = ""
        return
    rows = []
    for row in builder.rows:
        comparison = row["comparison"]
        question = builder.question(row["code"])
        if question is not None and comparison not in question.comparisons:
            comparison = question.comparisons[0]  # another question chosen: its first
            row["comparison"] = comparison
        value = None if comparison in NO_VALUE or not row["value"] else row["value"]
        rows.append(read_row(builder.questions, row["code"], comparison, value))
    condition = Condition(tuple(rows), builder.join)
    general = []
    for problem in check(condition, builder.questions):
        if problem.row is None:
            general.append(problem.text)
        else:
            builder.problems.setdefault(problem.row, []).append(problem.text)
    if builder.problems or general:
        builder.written = ""
        builder.general.extend(general)
        return
    same = original.strip() and from_text(original) == condition
    builder.written = original.strip() if same else to_text(condition)
    state.values[KEY] = builder.written


def problems_of(builder: Builder) -> dict[str, list[Text]]:
    """The builder's problems as form errors (``relevant.rows.2``; the condition as a whole
    on ``relevant``), so a save is refused."""
    found = {f"{KEY}.rows.{n}": list(texts) for n, texts in builder.problems.items()}
    if builder.general:
        found[KEY] = list(builder.general)
    return found


def place_of(data: Mapping[str, Any], code: str) -> tuple[int, int]:
    """The page index and position of an item of the draft's data."""
    for page, section in enumerate(data.get("sections") or []):
        for position, item in enumerate(section.get("items") or []):
            if item.get("code") == code:
                return page, position
    raise LookupError(code)


def questions_at(data: Mapping[str, Any], page: int, position: int | None
                 ) -> list[Question]:
    """The questions a condition at this place may read (none when the draft cannot be
    read: text mode then)."""
    try:
        return readable(data, page, position)
    except Exception:  # noqa: BLE001 - a draft being edited the rebuild cannot read
        return []


def attach(form: Posted | None, state: FormState, questions: Sequence[Question],
           original: str) -> tuple[Builder, bool]:
    """The builder of a form: from the stored text (``form`` None: a GET) or as posted."""
    if form is None:
        return stored(original, questions), False
    return posted(form, state, questions, original)
