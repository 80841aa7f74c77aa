"""The fields of the designer's forms, worked out from the item types themselves.

A question's form has the keys every item takes (code, text, help, required, skip logic...)
and those its type declares (``ItemType.keys``). Each type key's kind of field comes from the
type: a choices editor for a setting typed as choices, the kind its XLSForm column declares
(``xlsform_columns``), else the settings dataclass's annotation (a flag, a whole number, a
number, a text, an expression, words, a pair of labels per language); anything else is edited
as a small YAML block. So a new item type appears in the designer with no designer code.

No Flask here: labels are keys into :data:`LABELS`, which the view layer translates.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..questionnaire.itemtypes import TYPES, ItemType
from ..questionnaire.model import Choice, Expression
from ..questionnaire.wording import EASY

# kinds: text, lang_text, int, number, flag, expression, words, choices, pairs, yaml, specials
KINDS = {"text", "lang_text", "int", "number", "flag", "expression", "words", "choices",
         "pairs", "yaml", "specials"}


@dataclass(frozen=True)
class Field:
    """One field of a form: the definition key it edits and the kind of input."""

    key: str
    kind: str
    required: bool = False


COMMON_ITEM_FIELDS = (
    Field("code", "text", required=True),
    Field("text", "lang_text"),
    Field("help", "lang_text"),
    Field("required", "flag"),
    Field("special", "specials"),
    Field("equity", "flag"),
    Field("relevant", "expression"),
    Field("constraint", "expression"),
    Field("constraint_message", "lang_text"),
    Field("choice_filter", "expression"),
)
SECTION_FIELDS = (
    Field("code", "text", required=True),
    Field("title", "lang_text", required=True),
    Field("intro", "lang_text"),
    Field("relevant", "expression"),
)
TOP_FIELDS = (
    Field("code", "text", required=True),
    Field("version", "text"),
    Field("audience", "text", required=True),
    Field("minutes", "int", required=True),
    Field("title", "lang_text", required=True),
    Field("introduction", "lang_text", required=True),
    Field("consent", "lang_text", required=True),
)
SCALE_FIELDS = (
    Field("code", "text", required=True),
    Field("construct", "lang_text", required=True),
    Field("points", "int", required=True),
    Field("min_answered", "int"),
    Field("reference", "text"),
)
# Keys the designer shows but does not edit yet (kept as they are, with a note).
READ_ONLY_ITEM_KEYS = ("image", "audio")
READ_ONLY_SECTION_KEYS = ("repeat",)
READ_ONLY_TOP_KEYS = ("languages", "choice_lists", "rosters", "format")


def _settings_field(item_type: ItemType, key: str) -> dataclasses.Field | None:
    settings = item_type.settings_type
    if not dataclasses.is_dataclass(settings):
        return None
    fields = dataclasses.fields(settings)
    for field in fields:
        if field.name == key:
            return field
    for field in fields:  # ``max`` fills ``max_choices``, ``min`` ``minimum``...
        if field.name.startswith(key):
            return field
    return None


def _annotation(item_type: ItemType, field: dataclasses.Field) -> Any:
    try:
        return typing.get_type_hints(item_type.settings_type)[field.name]
    except (NameError, TypeError):
        return field.type


def _members(annotation: Any) -> tuple[Any, ...]:
    """The types of an annotation, a union's without None."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return tuple(a for a in args if a is not type(None))
    return (annotation,)


def kind_of(item_type: ItemType, key: str) -> str:
    """The kind of field that edits one of a type's own keys."""
    field = _settings_field(item_type, key)
    annotation = _annotation(item_type, field) if field is not None else None
    members = _members(annotation) if annotation is not None else ()
    if any(typing.get_origin(m) is tuple and typing.get_args(m)[:1] == (Choice,)
           for m in members):
        return "choices"
    if key in item_type.xlsform_columns:
        kind = item_type.xlsform_columns[key]
        return {"int": "int", "number": "number", "flag": "flag", "words": "words",
                "expression": "expression"}.get(kind, "text")
    if len(members) == 1:
        member = members[0]
        simple = {bool: "flag", int: "int", float: "number", str: "text",
                  Expression: "expression"}
        if member in simple:
            return simple[member]
        origin, args = typing.get_origin(member), typing.get_args(member)
        if origin is tuple and args[:1] == (str,):
            return "words"
        if origin in (Mapping, dict, typing.Mapping) and len(args) == 2 \
                and typing.get_origin(args[1]) is tuple:
            return "pairs"
    return "yaml"


def type_fields(item_type: ItemType) -> tuple[Field, ...]:
    """The fields of a type's own keys, in the order its settings declare them."""
    settings = item_type.settings_type
    order = [f.name for f in dataclasses.fields(settings)] if dataclasses.is_dataclass(
        settings) else []

    def rank(key: str) -> tuple[int, str]:
        field = _settings_field(item_type, key)
        return (order.index(field.name) if field is not None else len(order), key)

    return tuple(Field(key, kind_of(item_type, key)) for key in sorted(item_type.keys, key=rank))


def item_fields(type_name: str) -> tuple[Field, ...]:
    """Every field of a question of this type (common ones first)."""
    item_type = TYPES[type_name]
    answer_keys = {"required", "special", "equity", "constraint", "constraint_message",
                   "choice_filter"}
    constraint_keys = {"constraint", "constraint_message"}
    common = tuple(f for f in COMMON_ITEM_FIELDS
                   if (item_type.answerable or f.key not in answer_keys)
                   and (item_type.takes_constraint or f.key not in constraint_keys)
                   and (item_type.takes_choice_filter or f.key != "choice_filter"))
    return common + type_fields(item_type)


def fits(kind: str, value: Any) -> bool:
    """Whether a stored value can be shown in a field of this kind (else it is edited as
    YAML, never dropped nor mangled)."""
    if value is None:
        return True
    checks: dict[str, Any] = {
        "text": lambda v: isinstance(v, str | int | float) and not isinstance(v, bool),
        "expression": lambda v: isinstance(v, str),
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "flag": lambda v: isinstance(v, bool),
        "words": lambda v: isinstance(v, list) and all(isinstance(w, str) for w in v),
        "lang_text": lambda v: isinstance(v, dict) and all(
            isinstance(t, str | int | float) or (k == EASY and isinstance(t, dict) and all(
                isinstance(e, str) for e in t.values())) for k, t in v.items()),
        "choices": lambda v: isinstance(v, str) or (isinstance(v, list) and all(
            isinstance(c, dict) for c in v)),
        "pairs": lambda v: isinstance(v, dict) and all(
            (isinstance(p, list) and len(p) == 2) or k == EASY for k, p in v.items()),
        "specials": lambda v: isinstance(v, list | str),
    }
    return checks.get(kind, lambda v: True)(value)
