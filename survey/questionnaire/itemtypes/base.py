"""What every item type shares: the reader interface, refusals, posted values, the base class.

An item type is one class in this package that owns everything about that kind of question:
its settings (``settings_type``, a frozen dataclass the loader fills through ``read``), where
its answer is stored (``answer_keys``), its data columns in exports and codebooks
(``data_columns``, ``data_values``, ``codebook``), the inputs of its form and how a post
becomes an answer (``input_names``, ``answer``, ``parse``, ``check_answer``, ``partial``), the
words of its refusals (``refusals``), the values shown back in a form (``form_values``), a
typical valid post for tests and benchmarks (``example``), how two versions of an item differ
(``changes``), what results make of it (``free_text``, ``summary``), its XLSForm columns,
and the template partial that renders it (``participate/templates/participate/items/<name>.html``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from .. import expressions
from ..messages import N_, Text, msg
from ..model import Choice, Expression, Item, distinct_choices
from ..special import SPECIAL_ANSWERS

RawValues = Mapping[str, Sequence[Any]]  # input name -> posted values (hostile: any type)
Rosters = Callable[[Item], tuple[Choice, ...]]
Pairs = list[tuple[str, str]]
Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Issue:
    """Why an answer was refused: ``reason`` names the type's refusal, ``params`` fill it."""

    reason: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Refusal:
    """The words of one refusal: an English template marked with ``N_`` (translated where it
    is shown), or with ``NP_`` its singular and plural, ``count`` naming the parameter that
    chooses; ``numbers`` are parameters shown as numbers of the participant's language."""

    template: str | tuple[str, str]  # N_("...") or NP_("...", "..."): singular and plural
    count: str | None = None
    numbers: tuple[str, ...] = ()


# Refusals any type may give; ``constraint`` shows the definition's own message.
COMMON_REFUSALS: dict[str, Refusal] = {
    "required": Refusal(N_("Please answer this question.")),
    "both": Refusal(N_("Please either give an answer or tick the box below it, not both.")),
    "unreadable": Refusal(N_("This answer could not be read as text: please type it again.")),
    "invalid": Refusal(N_("This answer is not one of the choices offered: please choose "
                          "again.")),
    "filtered": Refusal(N_("This choice does not fit your earlier answers: please choose "
                           "again.")),
}


@dataclass(frozen=True)
class NoSettings:
    """The settings of a type that has none beyond the common keys."""


@dataclass(frozen=True)
class SettingChange:
    """One setting that differs between two versions of an item: its name and both values
    (as words)."""

    what: str
    old: Any
    new: Any


def shown(value: Any) -> Any:
    """A setting's value in a change's words: choices by code, a flag as true/false."""
    if isinstance(value, Expression):
        return value.source
    if isinstance(value, tuple) and value and all(isinstance(v, Choice) for v in value):
        return ", ".join(c.key for c in value)
    if isinstance(value, tuple):
        return ", ".join(map(str, value)) or "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {shown(tuple(v)) if isinstance(v, tuple | list) else v}"
                         for k, v in value.items()) or "none"
    return value


def setting_changes(old: Any, new: Any) -> list[SettingChange]:
    """Every field of two settings objects that differs (a field one of them lacks counts as
    None), in the order the settings declare them."""
    names = [f.name for s in (old, new) if dataclasses.is_dataclass(s)
             for f in dataclasses.fields(s)]
    changes = []
    for name in dict.fromkeys(names):
        before, after = getattr(old, name, None), getattr(new, name, None)
        if before != after:
            changes.append(SettingChange(name, before, after))
    return changes


class Reader(Protocol):
    """What the definition loader offers an item type while it reads one item."""

    languages: tuple[str, ...]
    choice_lists: dict[str, tuple[Choice, ...]]
    rosters: dict[str, tuple[Choice, ...]]

    def problem(self, path: Path, text: Text) -> None: ...
    def expression(self, entry: dict, path: Path, allow_dot: bool
                   ) -> Expression | None: ...
    def choices(self, value: Any, path: Path, integer: bool = False) -> tuple[Choice, ...]: ...
    def choice_ref(self, item: dict, path: Path, integer: bool = False
                   ) -> tuple[Choice, ...]: ...
    def count(self, entry: dict, path: Path, key: str) -> int | None: ...
    def flag(self, entry: dict, path: Path, key: str) -> bool: ...
    def unique_code(self, data: dict, path: Path, what: Text) -> str: ...


def as_text(value: Any) -> str | None:
    """A posted value as text a participant could have typed, NUL characters dropped
    (PostgreSQL cannot store them in JSON); None for anything else: a file, a JSON object, a
    lone surrogate. One rule for answers, drafts and the values shown back on a page."""
    if not isinstance(value, str):
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return value.replace("\x00", "")


def posted(raw: RawValues, name: str) -> list[str] | None:
    """The non-blank posted values of one input, or None when one of them is not text
    (:func:`as_text`): such a post is refused, never stored as its Python repr."""
    values = []
    for value in raw.get(name, ()):
        text = as_text(value)
        if text is None:
            return None
        if text.strip():
            values.append(text.strip())
    return values


def is_special(value: Any) -> bool:
    return isinstance(value, str) and value in SPECIAL_ANSWERS


class ItemType:
    """The base of every item type: an answerable question stored under its own code."""

    name: ClassVar[str]
    keys: ClassVar[frozenset[str]] = frozenset()  # definition keys beyond the common ones
    settings_type: ClassVar[type] = NoSettings
    refusals: ClassVar[Mapping[str, Refusal]] = {}  # beyond COMMON_REFUSALS
    free_text: ClassVar[bool] = False  # results list its answers as free text
    # how the results page summarises its answers, per question: "choices" (counted per
    # choice), "numbers" (n, mean, SD, median, lowest, highest), "values" (the most frequent
    # values counted) or None (not summarised: free text, scales, networks, rankings)
    summarised_as: ClassVar[str | None] = None
    scored: ClassVar[bool] = False  # its answers (coded 1..n) may be items of a scale
    # on the participant's page (a computed value is not, and needs no text)
    shown: ClassVar[bool] = True
    answerable: ClassVar[bool] = True
    takes_constraint: ClassVar[bool] = True
    # its choices may be filtered by a ``choice_filter`` expression on their columns
    takes_choice_filter: ClassVar[bool] = False
    # asks about the entries of a roster: with none (an empty team), nothing is asked
    needs_roster: ClassVar[bool] = False
    codebook_type: ClassVar[str | None] = None  # the type name in the analysis codebook

    # XLSForm (``survey.questionnaire.xlsform``): the XLSForm types read as this type, what
    # else picks it among types sharing one (an appearance word, an extension column, a list
    # name), and its extension columns: definition key -> kind of value ("int", "number",
    # "text", "words", "flag", "expression").
    xlsform_types: ClassVar[tuple[str, ...]] = ()
    xlsform_appearance: ClassVar[str | None] = None
    xlsform_marker: ClassVar[str | None] = None
    xlsform_list: ClassVar[str | None] = None
    xlsform_columns: ClassVar[dict[str, str]] = {}
    xlsform_scale: ClassVar[bool] = False  # needs choices coded 1..n (else read as the next type)
    xlsform_group: ClassVar[bool] = False  # read from a group of selects sharing one list

    # -- the definition ------------------------------------------------------------------

    def read(self, reader: Reader, entry: dict, path: Path, code: str) -> Any:
        """Validate this type's own keys; return its settings (a ``settings_type``)."""
        return self.settings_type()

    @property
    def partial_template(self) -> str:
        """The template that renders an item of this type on a participant's page."""
        return f"participate/items/{self.name}.html"

    def refusal(self, reason: str) -> Refusal | None:
        """The words of a refusal (None: the definition's constraint message)."""
        if reason == "constraint":
            return None
        return self.refusals.get(reason) or COMMON_REFUSALS.get(reason) or \
            COMMON_REFUSALS["invalid"]

    def changes(self, old: Item, new: Item) -> list[SettingChange]:
        """The settings that differ between two versions of an item of this type."""
        return setting_changes(old.settings, new.settings)

    def check(self, reader: Reader, item: Item, path: Path) -> None:
        """Checks that need the whole item (after the common keys are read)."""
        if not self.takes_constraint and item.constraint is not None:
            reader.problem((*path, "constraint"), msg("a %(type)s cannot have a constraint",
                                                      type=self.name))

    def answer_keys(self, item: Item) -> tuple[str, ...]:
        """Keys of the stored answers this item fills; expressions name them."""
        return (item.code,) if self.answerable else ()

    def data_columns(self, item: Item) -> tuple[str, ...]:
        """Columns of this item in exports and codebooks."""
        return self.answer_keys(item)

    def data_values(self, item: Item, answers: Mapping[str, Any]) -> dict[str, Any]:
        """The cells of one response for :meth:`data_columns`."""
        return {column: answers.get(column) for column in self.data_columns(item)}

    # -- a posted page -------------------------------------------------------------------

    def input_names(self, item: Item, roster: tuple[Choice, ...]) -> list[str]:
        return [item.code]

    def answer(self, item: Item, raw: RawValues, roster: tuple[Choice, ...],
               context: Mapping[str, Any]) -> tuple[Any, Issue | None]:
        """The answer of a posted page (``context``: the answers before it): what the inputs
        carry, for most types."""
        return self.parse(item, raw, roster)

    def parse(self, item: Item, raw: RawValues, roster: tuple[Choice, ...]
              ) -> tuple[Any, Issue | None]:
        """The answer this item's inputs carry, or the reason it cannot be accepted."""
        values = posted(raw, item.code)
        if values is None:
            return None, Issue("unreadable")
        special = [v for v in values if v in item.special]
        typed = [v for v in values if v not in item.special]
        if len(special) > 1 or len(typed) > 1:
            return None, Issue("invalid")
        if special and typed:
            return None, Issue("both", {"special": special[0]})
        if special:
            return special[0], None
        if not typed:
            return None, None
        return self.parse_text(item, typed[0])

    def parse_text(self, item: Item, text: str) -> tuple[Any, Issue | None]:
        return text, None

    def check_answer(self, item: Item, value: Any, context: Mapping[str, Any]) -> Issue | None:
        """Required and constraint, once the value itself is well formed."""
        if value is None:
            return Issue("required") if item.required else None
        if item.constraint is not None and not is_special(value):
            outcome = expressions.evaluate(item.constraint.tree, context, dot=value)
            if not expressions.truthy(outcome):
                return Issue("constraint", {"message": item.constraint_message})
        return None

    def offered(self, item: Item, roster: tuple[Choice, ...]) -> tuple[Choice, ...]:
        """The answers this item offers, for words about them (an empty label: a fixed answer
        the page words itself, like yes and no)."""
        return item.choices

    def link_answers(self, item: Item, args: Mapping[str, str]) -> dict[str, Any]:
        """Answers a campaign link's query (``/c/<slug>?name=value``) gives this item, kept
        with the response when it starts (none, unless the type takes some)."""
        return {}

    def partial(self, item: Item, value: Any) -> Any:
        """What of a refused answer to keep when going back or saving for later."""
        return None

    def store(self, item: Item, value: Any) -> dict[str, Any]:
        """The stored answers an accepted value becomes (None clears)."""
        return {item.code: value}

    def answered(self, item: Item, answers: Mapping[str, Any]) -> bool:
        return all(answers.get(key) is not None for key in self.answer_keys(item))

    def summary(self, item: Item) -> str | None:
        """How the results page summarises this item's answers (see ``summarised_as``)."""
        return self.summarised_as if self.answerable else None

    def script_data(self, item: Item) -> dict[str, Any] | None:
        """For a never-shown item whose value the page's script can work out as the server
        does on submit (a calculation, a fixed or linked value): the ``data-`` attributes the
        page carries for it (name -> JSON value); None for the others."""
        return None

    def computation(self, item: Item) -> Any:
        """The expression (``model.Expression``) its value is computed from, if any."""
        return None

    def form_values(self, item: Item, answers: Mapping[str, Any]) -> dict[str, list[str]]:
        """The stored answer as the form's input values, to fill the page again."""
        value = answers.get(item.code)
        if value is None:
            return {}
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return {item.code: [str(value)]}

    def example(self, item: Item, roster: tuple[Choice, ...]) -> Pairs:
        """A valid, unremarkable post for this item (tests and benchmarks walk with it)."""
        return []

    # -- XLSForm -------------------------------------------------------------------------

    def xlsform_match(self, base: str, appearance: set[str], columns: set[str],
                      list_name: str | None) -> int:
        """How specifically this type fits an XLSForm row (-1: not at all)."""
        if base not in self.xlsform_types:
            return -1
        score = 0
        for wanted, present in ((self.xlsform_appearance, appearance),
                                (self.xlsform_marker, columns), (self.xlsform_list, {list_name})):
            if wanted is not None:
                if wanted not in present:
                    return -1
                score += 1
        return score

    def xlsform_appearance_of(self, entry: Mapping[str, Any]) -> str | None:
        """The appearance written for an item of this type."""
        return self.xlsform_appearance

    def xlsform_extra(self, entry: Mapping[str, Any], languages: Sequence[str]
                      ) -> dict[str, Any]:
        """Extension cells beyond ``xlsform_columns`` (definition key -> value per language)."""
        return {}

    def xlsform_read_extra(self, cells: Mapping[str, Any], entry: dict[str, Any],
                           languages: Sequence[str]) -> None:
        """Read back what :meth:`xlsform_extra` and :meth:`xlsform_cells` wrote."""

    def xlsform_cells(self, entry: Mapping[str, Any]) -> dict[str, Any]:
        """Plain cells written for an item of this type beyond ``xlsform_columns`` (column ->
        value)."""
        return {}

    # -- the codebook --------------------------------------------------------------------

    def codebook(self, item: Item, roster: tuple[Choice, ...]) -> list[dict[str, Any]]:
        """This item's entries in the analysis codebook (``analysis.codebook``'s schema)."""
        if not self.answerable:
            return []
        entry = {**codebook_base(item), "code": item.code, "type": self.codebook_type}
        return [entry]


def codebook_base(item: Item) -> dict[str, Any]:
    base: dict[str, Any] = {"section": item.section, "text": dict(item.text)}
    if item.equity:
        base["equity"] = True
    if item.special:  # the special answers it offers (dont_know, prefer_not)
        base["special"] = list(item.special)
    return base


def codebook_choices(choices: tuple[Choice, ...]) -> list[dict[str, Any]]:
    """Each code once (``distinct_choices``: a code a cascading list repeats has its labels
    joined when they differ)."""
    return [{"code": c.code, "label": dict(c.label)} for c in distinct_choices(choices)]
