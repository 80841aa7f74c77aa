"""A questionnaire as it is printed: questions numbered through the whole copy, each skip
written in words where it happens ("If you answered “No”, go to question 12."), or, where a
condition cannot be said as a jump, before the question ("Answer only if ...").

A repeated page (one block per household member or visit) is printed as blocks ("Person 1",
"Person 2"...), up to its maximum or ``entry.PAPER_BLOCKS``; its questions keep one number
each, and their conditions are written before them (a block has no "go to").

Built in the copy's language (the caller sets it: Flask-Babel's words, the definition's texts
through ``templating.text``). What cannot be on paper is left out on purpose and listed:
computed and fixed values (calculations, hidden values).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext, ngettext

from ..questionnaire.describe import Subject, choice_test, clause, generic
from ..questionnaire.expressions import Node, references
from ..questionnaire.model import Choice, Definition, Expression, Item, Section
from ..questionnaire.navigation import relevant
from ..questionnaire.special import SPECIAL_ANSWERS
from ..templating import special_label, text
from .entry import blocks

# Codebook types whose answer is one code among choices: a condition on them reads as a jump.
ONE_ANSWER = ("single", "likert", "yesno")


@dataclass
class PrintedItem:
    item: Item
    number: int | None  # None: a note (text, not a question)
    roster: tuple[Choice, ...] = ()  # a nomination's entries, as boxes
    choices: list[tuple[str, str]] = field(default_factory=list)  # (label, code) to tick
    before: str | None = None  # "Answer only if ..."
    jumps: list[str] = field(default_factory=list)  # "If you answered “No”, go to ..."


@dataclass
class PrintedSection:
    section: Section
    items: list[PrintedItem]
    before: str | None = None  # "Answer this part only if ..."
    blocks: int = 0  # a repeated page: how many blocks are printed (0: not repeated)
    fill: str | None = None  # a repeated page: how many blocks to fill in

    def block_title(self, n: int) -> str:
        repeat = self.section.repeat
        label = text(repeat.label) if repeat is not None and repeat.label else gettext("Entry")
        return gettext("%(label)s %(number)s", label=label, number=n)


@dataclass
class Printout:
    definition: Definition
    sections: list[PrintedSection]
    questions: int  # how many numbered questions
    omitted: list[Item]  # computed or fixed values: never on paper
    # questions whose condition reads only values the form fixes, false on paper: not asked
    never: list[Item] = field(default_factory=list)


def fixed_conditions(definition: Definition) -> dict[str, bool]:
    """The conditions (by their source) that read only values the form fixes (hidden values:
    a campaign link gives none to paper), so are the same on every copy: true or false."""
    fixed_items = [i for i in definition.items() if i.answerable and not i.itemtype.shown
                   and i.itemtype.computation(i) is None]
    values: dict[str, Any] = {}
    for item in fixed_items:
        value, _issue = item.itemtype.answer(item, {}, (), values)
        if value is not None:
            values.update(item.itemtype.store(item, value))
    codes = {key for item in fixed_items for key in item.answer_keys}
    found = {}
    for expression in [x for s in definition.sections for x in
                       (s.relevant, *(i.relevant for i in s.items)) if x is not None]:
        refs = references(expression.tree)
        if refs and refs <= codes:
            found[expression.source] = relevant(expression, values)
    return found


def printout(definition: Definition, roster: Callable[[Item], tuple[Choice, ...]]
             ) -> Printout:
    """The printed copy of ``definition`` (``roster``: a nomination's entries)."""
    sections: list[PrintedSection] = []
    omitted: list[Item] = []
    never: list[Item] = []
    fixed = fixed_conditions(definition)
    number = 0
    for section in definition.sections:
        if section.relevant is not None and fixed.get(section.relevant.source) is False:
            never += [item for item in section.items if item.answerable
                      and item.itemtype.shown]
            continue
        printed = []
        for item in section.items:
            entries = roster(item)
            if not item.itemtype.shown or (item.itemtype.needs_roster and not entries):
                if item.answerable:
                    omitted.append(item)
                continue
            if item.relevant is not None and fixed.get(item.relevant.source) is False:
                never.append(item)
                continue
            if item.answerable:
                number += 1
            printed.append(PrintedItem(item, number if item.answerable else None,
                                       entries if item.itemtype.needs_roster else (),
                                       labels(item)))
        if printed:
            sections.append(PrintedSection(section, printed, blocks=blocks(section)))
    result = Printout(definition, sections, number, omitted, never)
    _Skips(result, set(fixed)).write()
    return result


def labels(item: Item) -> list[tuple[str, str]]:
    """What a person ticks for an item: (label, code), its special answers last (yes, no,
    OK and the special answers in the copy's words)."""
    fixed = {"yes": gettext("Yes"), "no": gettext("No"), "OK": gettext("OK"),
             **{code: special_label(code) for code in SPECIAL_ANSWERS}}
    offered = [] if item.itemtype.needs_roster else item.itemtype.offered(item, ())
    found = [(text(c.label) or fixed.get(c.key, c.key), c.key) for c in offered]
    return found + [(fixed[code], code) for code in item.special if code in fixed]


class _Skips:
    """Writes each condition where a person filling in the paper meets it."""

    def __init__(self, printout: Printout, fixed: set[str]) -> None:
        self.printout = printout
        self.fixed = fixed  # conditions the same on every copy (true: the rest were left out)
        self.numbers = {p.item.code: p.number for s in printout.sections for p in s.items
                        if p.number is not None}
        self.owners = {key: item for item in printout.definition.items()
                       for key in item.answer_keys}

    # -- words ---------------------------------------------------------------------------

    def subject(self, key: str) -> Subject | None:
        owner = self.owners.get(key)
        if owner is None or owner.code not in self.numbers:
            return None  # a computed value: no question number to name
        row = next((r for r in getattr(owner.settings, "rows", ()) if r.key == key), None)
        number = str(self.numbers[owner.code])
        if row is not None:
            number = f"{number} ({text(row.label)})"
        return Subject(question=text(row.label if row is not None else owner.text),
                       labels=self.labels(owner), number=number)

    @staticmethod
    def labels(item: Item) -> dict[str, str]:
        return {code: label for label, code in labels(item)}

    def condition(self, expression: Expression, template: str) -> str:
        said = clause(expression.tree, self.subject, gettext)
        if said is None:
            return generic(gettext)
        return template % {"condition": said}

    # -- where each condition goes --------------------------------------------------------

    def write(self) -> None:
        for part in self.printout.sections:
            if part.blocks:
                self.repeated(part)
        numbered = [(s, p) for s in self.printout.sections for p in s.items
                    if p.number is not None]
        index = 0
        while index < len(numbered):
            section, printed = numbered[index]
            condition = self.single_condition(section, printed.item)
            end = index + 1
            while end < len(numbered) and condition is not None and self.single_condition(
                    numbered[end][0], numbered[end][1].item) == condition:
                end += 1
            run = numbered[index:end]
            if condition is not None and not self.jump(condition, run, numbered, end):
                self.answer_only_if(condition, run)
            for part, each in run:  # an item's own condition beside its page's
                own, page = self.asked(each.item.relevant), self.asked(part.section.relevant)
                if not part.blocks and own is not None and page is not None:
                    each.before = self.condition(
                        own, gettext("Answer only if %(condition)s."))
                    part.before = self.condition(
                        page, gettext("Answer this part only if %(condition)s."))
            index = end

    def repeated(self, part: PrintedSection) -> None:
        """A repeated page: its conditions before each question, and how many blocks."""
        repeat = part.section.repeat
        assert repeat is not None
        page = self.asked(part.section.relevant)
        if page is not None:
            part.before = self.condition(page, gettext(
                "Answer this part only if %(condition)s."))
        for printed in part.items:
            own = self.asked(printed.item.relevant)
            if own is not None:
                printed.before = self.condition(own, gettext("Answer only if %(condition)s."))
        counted = repeat.count.tree if repeat.count is not None else None
        subject = (self.subject(counted[1]) if counted is not None and counted[0] == "ref"
                   else None)
        if subject is not None and subject.number is not None:
            part.fill = gettext("Fill in one block for each, as many as your answer to "
                                "question %(number)s (at most %(most)s).",
                                number=subject.number, most=part.blocks)
        else:
            part.fill = ngettext("Fill in one block for each (at most %(num)s).",
                                 "Fill in one block for each (at most %(num)s).",
                                 part.blocks)

    def asked(self, expression: Expression | None) -> Expression | None:
        """A condition to write: None for none, or one true on every copy."""
        if expression is None or expression.source in self.fixed:
            return None
        return expression

    def single_condition(self, part: PrintedSection, item: Item) -> Expression | None:
        """The one condition an item is asked under (its own or its page's), or None for
        none or both (both: each is written where it applies) and on a repeated page
        (written there by :meth:`repeated`)."""
        own, page = self.asked(item.relevant), self.asked(part.section.relevant)
        if part.blocks or (own is not None and page is not None):
            return None
        return own or page

    def jump(self, condition: Expression, run: list[tuple[PrintedSection, PrintedItem]],
             numbered: list[tuple[PrintedSection, PrintedItem]], end: int) -> bool:
        """Write "If you answered X, go to question N" under the question just before the
        run, when the condition is a choice of that question; False when it is not."""
        first = run[0][1].number
        gate = self.gate(condition.tree)
        if gate is None or first is None:
            return False
        item, codes, negated = gate
        if self.numbers.get(item.code) != first - 1:
            return False
        labels = self.labels(item)
        keys = {_key(code) for code in codes}
        skipping = [key for key in labels if (key in keys) == negated]
        if not skipping:
            return False
        asking = [key for key in labels if key not in skipping]
        negative = len(asking) < len(skipping)  # "If you did not answer “Other”" is shorter
        said = self.quoted([labels[key] for key in (asking if negative else skipping)])
        gate_item = next(p for _s, p in numbered if p.item.code == item.code)
        if end < len(numbered):
            template = (gettext("If you did not answer %(answers)s, go to question "
                                "%(number)s.") if negative else
                        gettext("If you answered %(answers)s, go to question %(number)s."))
            gate_item.jumps.append(template % {"answers": said,
                                               "number": numbered[end][1].number})
        else:
            template = (gettext("If you did not answer %(answers)s, go to the end of the "
                                "questionnaire.") if negative else
                        gettext("If you answered %(answers)s, go to the end of the "
                                "questionnaire."))
            gate_item.jumps.append(template % {"answers": said})
        return True

    @staticmethod
    def quoted(answers: list[str]) -> str:
        said = gettext("“%(answer)s”") % {"answer": answers[0]}
        for answer in answers[1:]:
            said = gettext("%(first)s or %(second)s") % {
                "first": said, "second": gettext("“%(answer)s”") % {"answer": answer}}
        return said

    def gate(self, tree: Node) -> tuple[Item, list[Any], bool] | None:
        """The question a condition tests, when it takes one answer among choices."""
        found = choice_test(tree)
        if found is None:
            return None
        code, codes, negated = found
        item = self.owners.get(code)
        if item is None or item.code != code or item.data_columns != (item.code,):
            return None
        if item.itemtype.codebook_type not in ONE_ANSWER:
            return None
        return item, codes, negated

    def answer_only_if(self, condition: Expression,
                       run: list[tuple[PrintedSection, PrintedItem]]) -> None:
        section = run[0][0]
        whole_page = condition is section.section.relevant and len(run) == len(
            [p for p in section.items if p.number is not None])
        if whole_page:
            section.before = self.condition(
                condition, gettext("Answer this part only if %(condition)s."))
            return
        for _section, printed in run:
            printed.before = self.condition(condition,
                                            gettext("Answer only if %(condition)s."))


def _key(code: Any) -> str:
    if isinstance(code, float) and code.is_integer():
        code = int(code)
    return str(code)
