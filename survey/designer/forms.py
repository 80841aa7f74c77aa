"""The designer's forms as data: what a form shows (from a definition's entry) and what a
post makes of it (an entry again), with every typed value kept to show back when the save
is refused. No Flask here beyond the posted multi-dict's interface; the CSRF token and the
revision travel in :class:`DesignForm`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import yaml
from flask_wtf import FlaskForm
from wtforms import HiddenField

from ..questionnaire.choice_codes import (
    check_codes,
    first_label,
    follow_label,
    numbered,
    unique_code,
)
from ..questionnaire.messages import Text, msg
from ..questionnaire.wording import EASY
from .edits import REMOVE, add_choice, apply, delete_choice, move_choice
from .fields import Field, fits

MISSING = object()
INTEGER_RE = re.compile(r"^[+-]?\d{1,15}$")
NUMBER_RE = re.compile(r"^[+-]?(\d{1,15}([.,]\d{0,10})?|[.,]\d{1,10})$")


class DesignForm(FlaskForm):
    """Every designer form: its CSRF token and the revision of the draft it was made on."""

    revision = HiddenField()

    def revision_number(self) -> int | None:
        value = self.revision.data or ""
        return int(value) if value.isdigit() and len(value) < 10 else None


class Posted(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...
    def getlist(self, key: str) -> list[Any]: ...
    def __contains__(self, key: object) -> bool: ...


@dataclass
class FormState:
    """What a form shows: its fields (a stored value a field cannot show is edited as YAML),
    the text of each input, the rows of each choices field, and the problems of each field
    (by its key path, ``choices.2.code``; ``""`` for the form as a whole)."""

    fields: tuple[Field, ...]
    languages: tuple[str, ...]
    values: dict[str, str] = field(default_factory=dict)
    checked: dict[str, list[str]] = field(default_factory=dict)  # specials
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    errors: dict[str, list[Text]] = field(default_factory=dict)
    itemtype: str = ""  # the question's type (its choices coded 1..n when scored)
    fixed: dict[str, frozenset[str]] = field(default_factory=dict)  # published codes by key

    def is_fixed(self, key: str, code: str) -> bool:
        """Whether a choice code of the field ``key`` is published (shown read-only)."""
        return str(code) in self.fixed.get(key, frozenset())

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    def field_errors(self, key: str) -> list[Text]:
        return self.errors.get(key, [])

    def missing(self, key: str) -> list[str]:
        """The languages a text field lacks while another language has words (a missing
        translation)."""
        typed = {lang: self.value(f"{key}.{lang}").strip() for lang in self.languages}
        if not any(typed.values()):
            return []
        return [lang for lang, text in typed.items() if not text]

    def row_missing(self, key: str, n: int) -> list[str]:
        """The languages a choice row lacks while another language labels it."""
        row = self.rows.get(key, [])[n]
        labels = {lang: row.get(lang, "").strip() for lang in self.languages}
        return [lang for lang, label in labels.items() if not label] if any(
            labels.values()) else []

    def missing_count(self) -> int:
        count = sum(len(self.missing(f.key)) for f in self.fields if f.kind == "lang_text")
        for f in self.fields:
            if f.kind == "choices":
                count += sum(len(self.row_missing(f.key, n))
                             for n in range(len(self.rows.get(f.key, []))))
        return count


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _yaml(value: Any) -> str:
    if value is None:
        return ""
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False,
                          default_flow_style=None).strip()


def state_of(entry: Mapping[str, Any], fields: Sequence[Field],
             languages: tuple[str, ...]) -> FormState:
    """The form of a stored entry."""
    shown = tuple(f if fits(f.kind, entry.get(f.key)) else replace(f, kind="yaml")
                  for f in fields)
    state = FormState(shown, languages)
    for f in shown:
        value = entry.get(f.key)
        if f.kind in ("text", "expression", "int", "number"):
            state.values[f.key] = _text(value)
        elif f.kind == "flag":
            state.values[f.key] = "1" if value else ""
        elif f.kind == "words":
            state.values[f.key] = " ".join(value or [])
        elif f.kind == "specials":
            state.checked[f.key] = [value] if isinstance(value, str) else list(value or [])
        elif f.kind == "lang_text":
            easy = (value or {}).get(EASY) if isinstance(value, Mapping) else None
            for lang in languages:
                state.values[f"{f.key}.{lang}"] = _text((value or {}).get(lang))
                state.values[f"{f.key}.{EASY}.{lang}"] = _text(
                    easy.get(lang) if isinstance(easy, Mapping) else None)
        elif f.kind == "pairs":
            for lang in languages:
                pair = (value or {}).get(lang) or ["", ""]
                state.values[f"{f.key}.{lang}.0"] = _text(pair[0])
                state.values[f"{f.key}.{lang}.1"] = _text(pair[1] if len(pair) > 1 else "")
        elif f.kind == "choices":
            state.values[f"{f.key}.list"] = value if isinstance(value, str) else ""
            rows = value if isinstance(value, list) else []
            state.rows[f.key] = [
                {"orig": str(n), "code": _text(row.get("code")),
                 **{lang: _text(row.get(lang)) for lang in languages}}
                for n, row in enumerate(rows)]
        else:
            state.values[f.key] = _yaml(value)
    return state


def state_posted(form: Posted, fields: Sequence[Field], languages: tuple[str, ...]
                 ) -> FormState:
    """The form as posted (each value as typed, nothing dropped)."""
    as_yaml = set(str(form.get("yaml_keys", "")).split())
    shown = tuple(replace(f, kind="yaml") if f.key in as_yaml else f for f in fields)
    state = FormState(shown, languages)

    def text(name: str) -> str:
        value = form.get(name, "")
        return value.replace("\x00", "") if isinstance(value, str) else ""

    for f in shown:
        if f.kind == "specials":
            state.checked[f.key] = [v for v in form.getlist(f.key) if isinstance(v, str)]
        elif f.kind == "lang_text":
            for lang in languages:
                state.values[f"{f.key}.{lang}"] = text(f"{f.key}.{lang}")
                state.values[f"{f.key}.{EASY}.{lang}"] = text(f"{f.key}.{EASY}.{lang}")
        elif f.kind == "pairs":
            for lang in languages:
                for n in ("0", "1"):
                    state.values[f"{f.key}.{lang}.{n}"] = text(f"{f.key}.{lang}.{n}")
        elif f.kind == "choices":
            state.values[f"{f.key}.list"] = text(f"{f.key}.list")
            rows = []
            n = 0
            while f"{f.key}.{n}.code" in form and n < 500:
                rows.append({"orig": text(f"{f.key}.{n}.orig"),
                             "code": text(f"{f.key}.{n}.code"),
                             **{lang: text(f"{f.key}.{n}.{lang}") for lang in languages}})
                n += 1
            state.rows[f.key] = rows
        else:
            state.values[f.key] = text(f.key)
    return state


def row_action(state: FormState, action: str) -> bool:
    """Apply a choices row button (``choices:up:2``, ``rows:add``): True when it was one."""
    parts = action.split(":")
    fields = {f.key for f in state.fields if f.kind == "choices"}
    if len(parts) < 2 or parts[0] not in fields:
        return False
    key, verb = parts[0], parts[1]
    rows = state.rows.setdefault(key, [])
    if verb == "add":
        new = add_choice(rows, state.languages)[-1]
        rows.append({"orig": "", **{k: str(v) for k, v in new.items()}})
        return True
    if len(parts) != 3 or not parts[2].isdigit() or int(parts[2]) >= len(rows):
        return False
    index = int(parts[2])
    if verb in ("up", "down"):
        state.rows[key] = move_choice(rows, index, -1 if verb == "up" else 1)
    elif verb == "delete":
        state.rows[key] = delete_choice(rows, index)
    else:
        return False
    return True


def _code(value: str) -> Any:
    """A choice code as the YAML would have it: digits are a number."""
    value = value.strip()
    return int(value) if INTEGER_RE.match(value) else value


def _number(value: str, integer: bool) -> Any:
    value = value.strip().replace("\u00a0", "").replace(" ", "")
    if INTEGER_RE.match(value):
        return int(value)
    if not integer and NUMBER_RE.match(value):
        return float(value.replace(",", "."))
    return value  # as typed: the loader says what is wrong with it, on this field


def entry_of(state: FormState, original: Mapping[str, Any]) -> tuple[dict[str, Any],
                                                                    dict[str, list[Text]]]:
    """The entry a posted form makes of the original one: the keys of its fields set as typed
    (a value equal to the stored one keeps the stored form, so an unchanged field changes
    nothing), every other key kept. Also the problems found before the loader reads it."""
    edits: dict[str, Any] = {}
    problems: dict[str, list[Text]] = {}
    for f in state.fields:
        before = original.get(f.key, MISSING)
        value = _parsed(state, f, before, problems)
        if value is REMOVE and (before is MISSING or (f.kind == "flag" and before is False)):
            continue
        if value is not REMOVE and value == before and type(value) is type(before):
            continue
        if f.kind == "specials" and isinstance(before, str) and value == [before]:
            continue
        edits[f.key] = value
    return apply(original, edits), problems


def _parsed(state: FormState, f: Field, before: Any,
            problems: dict[str, list[Text]]) -> Any:
    languages = state.languages
    if f.kind == "flag":
        return True if state.value(f.key) else REMOVE
    if f.kind == "specials":
        return state.checked.get(f.key) or REMOVE
    # keys of a stored text that are not one of its languages (an easy-read wording the form
    # does not show, e.g. anchors'): kept, never dropped by a save
    kept = ({k: v for k, v in before.items() if k not in languages}
            if isinstance(before, Mapping) else {})
    if f.kind == "lang_text":
        typed = {lang: state.value(f"{f.key}.{lang}").strip() for lang in languages}
        easy = {lang: state.value(f"{f.key}.{EASY}.{lang}").strip() for lang in languages}
        texts = {lang: text for lang, text in typed.items() if text}
        if not texts:
            return REMOVE
        kept.pop(EASY, None)
        easy = {lang: text for lang, text in easy.items() if text}
        return {**texts, **kept, **({EASY: easy} if easy else {})}
    if f.kind == "pairs":
        pairs = {lang: [state.value(f"{f.key}.{lang}.0").strip(),
                        state.value(f"{f.key}.{lang}.1").strip()] for lang in languages}
        shown = {lang: pair for lang, pair in pairs.items() if any(pair)}
        return {**shown, **kept} if shown else REMOVE
    if f.kind == "choices":
        name = state.value(f"{f.key}.list").strip()
        if name:
            return name
        return _choices(state, f, before, problems)
    text = state.value(f.key)
    if not text.strip():
        return REMOVE
    if f.kind == "int":
        return _number(text, integer=True)
    if f.kind == "number":
        return _number(text, integer=False)
    if f.kind == "words":
        return [w for w in re.split(r"[\s,]+", text) if w]
    if f.kind == "yaml":
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError:
            problems.setdefault(f.key, []).append(msg(
                "this is not readable as YAML: check its indentation and quotes"))
            return before if before is not MISSING else REMOVE
    if f.kind == "text" and isinstance(before, int | float) and not isinstance(before, bool) \
            and str(before) == text.strip():
        return before
    return text.strip()


def _choices(state: FormState, f: Field, before: Any, problems: dict[str, list[Text]]) -> Any:
    """A question's own choices as typed: a code left empty is made from the first label (a
    position for scored types), a code made from a label follows its label while it is not
    published, and a published code changed or deleted is refused on the field."""
    languages = state.languages
    old = before if isinstance(before, list) else []
    fixed = state.fixed.get(f.key, frozenset())
    typed = [row for row in state.rows.get(f.key, [])
             if row.get("code", "").strip() or any(row.get(lang, "").strip()
                                                   for lang in languages)]
    taken = [row.get("code", "").strip() for row in typed if row.get("code", "").strip()]
    rows = []
    for n, row in enumerate(typed):
        labels = {lang: row.get(lang, "").strip() for lang in languages}
        code: Any = row.get("code", "").strip()
        orig = row.get("orig", "")
        base = dict(old[int(orig)]) if orig.isdigit() and int(orig) < len(old) else {}
        label = first_label(labels, languages)
        if not code:
            code = str(n + 1) if f.key == "choices" and numbered(state.itemtype) \
                and str(n + 1) not in taken \
                else unique_code(label, taken)
            taken.append(code)
        elif base and str(base.get("code")) == code and label:
            followed = follow_label(code, first_label(base, languages), label, taken, fixed)
            if followed != code:
                taken[taken.index(code)] = followed
                code = followed
        choice = apply(base, {"code": _code(code)})
        for lang, text in labels.items():
            choice = apply(choice, {lang: text} if text else {lang: REMOVE})
        if isinstance(base.get("code"), str) and str(choice["code"]) == base["code"]:
            choice["code"] = base["code"]
        rows.append(choice)
    refused = check_codes([c.get("code") for c in old if isinstance(c, Mapping)],
                          [c["code"] for c in rows], fixed) if fixed else []
    if refused:
        problems.setdefault(f.key, []).extend(refused)
        return before
    return rows or REMOVE
