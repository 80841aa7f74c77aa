"""What every item type shares: the reader interface, refusals, posted values, the base class.

An item type is one class in this package that owns everything about that kind of question:
the definition keys it accepts and their validation (``read``), where its answer is stored
(``answer_keys``), its data columns in exports and codebooks (``data_columns``,
``data_values``, ``codebook``), the inputs of its form and how a post becomes an answer
(``input_names``, ``parse``, ``check_answer``, ``partial``), the values shown back in a form
(``form_values``), a typical valid post for tests and benchmarks (``example``), and the name of
the template macro that renders it (``macro``, in ``participate/_items.html``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from .. import expressions
from ..messages import Text, msg
from ..model import Choice, Item
from ..special import SPECIAL_ANSWERS

RawValues = Mapping[str, Sequence[Any]]  # input name -> posted values (hostile: any type)
Rosters = Callable[[Item], tuple[Choice, ...]]
Pairs = list[tuple[str, str]]
Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Issue:
    """Why an answer was refused: ``kind`` names the message, ``params`` fill it."""

    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)


class Reader(Protocol):
    """What the definition loader offers an item type while it reads one item."""

    languages: tuple[str, ...]
    choice_lists: dict[str, tuple[Choice, ...]]
    rosters: dict[str, tuple[Choice, ...]]

    def problem(self, path: Path, text: Text) -> None: ...
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
    macro: ClassVar[str]
    answerable: ClassVar[bool] = True
    takes_constraint: ClassVar[bool] = True
    # asks about the entries of a roster: with none (an empty team), nothing is asked
    needs_roster: ClassVar[bool] = False
    codebook_type: ClassVar[str | None] = None  # the type name in the analysis codebook

    # XLSForm (``survey.questionnaire.xlsform``): the XLSForm types read as this type, what
    # else picks it among types sharing one (an appearance word, an extension column, a list
    # name), and its extension columns: definition key -> kind of value ("int", "number",
    # "text", "words", "flag").
    xlsform_types: ClassVar[tuple[str, ...]] = ()
    xlsform_appearance: ClassVar[str | None] = None
    xlsform_marker: ClassVar[str | None] = None
    xlsform_list: ClassVar[str | None] = None
    xlsform_columns: ClassVar[dict[str, str]] = {}
    xlsform_scale: ClassVar[bool] = False  # needs choices coded 1..n (else read as the next type)
    xlsform_group: ClassVar[bool] = False  # read from a group of selects sharing one list

    # -- the definition ------------------------------------------------------------------

    def read(self, reader: Reader, entry: dict, path: Path, code: str) -> dict[str, Any]:
        """Validate this type's own keys; return the :class:`Item` fields they give."""
        return {}

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

    def partial(self, item: Item, value: Any) -> Any:
        """What of a refused answer to keep when going back or saving for later."""
        return None

    def store(self, item: Item, value: Any) -> dict[str, Any]:
        """The stored answers an accepted value becomes (None clears)."""
        return {item.code: value}

    def answered(self, item: Item, answers: Mapping[str, Any]) -> bool:
        return all(answers.get(key) is not None for key in self.answer_keys(item))

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
        """Read back what :meth:`xlsform_extra` wrote."""

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
    return [{"code": c.code, "label": dict(c.label)} for c in choices]
