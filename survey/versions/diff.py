"""What changed between two versions of a questionnaire, in plain words (no Flask).

Item codes, matrix row codes and choice codes are the identity of the data: an item whose
code stays is the same column, whatever its wording. Each :class:`Change` has a ``what`` and
``params`` (so a page can translate it) and reads as an English sentence; ``breaks`` marks the
changes that break comparability across waves (a reworded scale item, a choice removed from an
item that has answers, above all one that older responses chose, a changed type or scale).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..questionnaire import Choice, Definition, Item
from ..questionnaire import wording as wordings
from ..questionnaire.itemtypes.base import setting_changes, shown
from ..questionnaire.messages import N_

# The one wording of every change: English here (the command line), translated where a page
# shows it (gettext templates, marked with N_ for extraction).
MESSAGES = {
    "title": N_("The title changed (%(languages)s)."),
    "introduction": N_("The introduction changed (%(languages)s)."),
    "consent": N_("The consent text changed (%(languages)s)."),
    "language_added": N_("Language %(language)s added."),
    "language_removed": N_("Language %(language)s removed."),
    "page_added": N_("Page '%(page)s' added."),
    "page_removed": N_("Page '%(page)s' removed."),
    "page_retitled": N_("Page '%(page)s' retitled (%(languages)s)."),
    "page_logic": N_("When page '%(page)s' is shown changed: '%(old)s' -> '%(new)s'."),
    "page_repeat": N_("How page '%(page)s' repeats changed: '%(old)s' -> '%(new)s'."),
    "item_added": N_("Item '%(code)s' added on page '%(page)s'."),
    "item_removed": N_("Item '%(code)s' removed (its answers stay in older responses)."),
    "item_type": N_("Item '%(code)s' changed type: %(old)s -> %(new)s."),
    "item_reworded": N_("Item '%(code)s' reworded (%(languages)s)."),
    "item_help": N_("The help of item '%(code)s' changed (%(languages)s)."),
    "item_moved": N_("Item '%(code)s' moved from page '%(old)s' to page '%(new)s'."),
    "item_logic": N_("When item '%(code)s' is shown changed: '%(old)s' -> '%(new)s'."),
    "item_constraint": N_("The constraint of item '%(code)s' changed: '%(old)s' -> "
                           "'%(new)s'."),
    "item_required": N_("Item '%(code)s' is now %(state)s."),
    "item_special": N_("The special answers of item '%(code)s' changed: %(old)s -> %(new)s."),
    "item_limits": N_("The limits of item '%(code)s' changed (%(what)s: %(old)s -> %(new)s)."),
    "item_setting": N_("The setting '%(what)s' of item '%(code)s' changed: %(old)s -> "
                       "%(new)s."),
    "item_filter": N_("Which choices of item '%(code)s' are offered changed: '%(old)s' -> "
                      "'%(new)s'."),
    "item_picture": N_("The picture of item '%(code)s' changed (%(languages)s)."),
    "item_sound": N_("The sound of item '%(code)s' changed (%(languages)s)."),
    "choice_columns": N_("The columns of choice '%(choice)s' of item '%(code)s' changed: "
                         "%(old)s -> %(new)s."),
    "choice_added": N_("Choice '%(choice)s' added to item '%(code)s'."),
    "choice_removed": N_("Choice '%(choice)s' removed from item '%(code)s' (answers with it "
                          "stay in older responses)."),
    "choice_reworded": N_("Choice '%(choice)s' of item '%(code)s' reworded (%(languages)s)."),
    "row_added": N_("Row '%(row)s' added to matrix '%(code)s'."),
    "row_removed": N_("Row '%(row)s' removed from matrix '%(code)s' (its answers stay in "
                       "older responses)."),
    "row_reworded": N_("Row '%(row)s' of matrix '%(code)s' reworded (%(languages)s)."),
    "easy_reworded": N_("The easy-read wording changed (%(languages)s): %(places)s."),
    "scale_added": N_("Scale '%(scale)s' added."),
    "scale_removed": N_("Scale '%(scale)s' removed."),
    "scale_items": N_("The items of scale '%(scale)s' changed: %(old)s -> %(new)s."),
    "scale_reverse": N_("The reverse-keyed items of scale '%(scale)s' changed: %(old)s -> "
                         "%(new)s."),
    "scale_points": N_("The points of scale '%(scale)s' changed: %(old)s -> %(new)s."),
    "scale_min_answered": N_("The minimum of answered items of scale '%(scale)s' changed: "
                              "%(old)s -> %(new)s."),
}
WARNINGS = {
    "reworded_scale_item": N_("scores of scale %(scales)s may not compare across waves"),
    "chosen_choice": N_("choice '%(choice)s' was chosen in older responses: waves will not "
                        "offer the same choices"),
    "answered_choice": N_("item '%(code)s' already has answers: waves will not offer the same "
                           "choices"),
    "possibly_answered_choice": N_("if item '%(code)s' already has answers, waves will not "
                                    "offer the same choices"),
    "type": N_("answers of the two versions are not the same kind of data"),
    "scale": N_("scores of scale '%(scale)s' are computed differently in the two versions"),
    "choices_scale": N_("scores of scale %(scales)s may not compare across waves"),
}


LIMITS = ("minimum", "maximum", "max_choices", "max_length")  # worded as the item's limits


class Answers(Protocol):
    """What older responses hold (:class:`survey.versions.answered.StoredAnswers` asks the
    database)."""

    def answered(self, keys: Sequence[str]) -> bool:
        """Some response holds an answer at one of these keys."""

    def chosen(self, keys: Sequence[str], choice: str | int) -> bool:
        """Some response chose ``choice`` at one of these keys."""


@dataclass(frozen=True)
class Change:
    what: str  # a MESSAGES key: what changed
    params: Mapping[str, Any] = field(default_factory=dict)
    warning: str | None = None  # a WARNINGS key: comparability across waves breaks
    warning_params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def breaks(self) -> bool:
        return self.warning is not None

    @property
    def message(self) -> str:
        return MESSAGES[self.what] % self.params

    @property
    def warning_text(self) -> str | None:
        return WARNINGS[self.warning] % self.warning_params if self.warning else None

    def __str__(self) -> str:
        if self.warning:
            return f"{self.message} WARNING: {self.warning_text}."
        return self.message


def columns(choice: Choice) -> str:
    return ", ".join(f"{name}={value}" for name, value in choice.attributes) or "-"


def numbered(choices: tuple[Choice, ...]) -> dict[str, Choice]:
    """Choices by code; a code a cascading list repeats is named ``code (2)``, ``code (3)``
    from its second row, so a change to any row of it is seen."""
    result: dict[str, Choice] = {}
    for choice in choices:
        name, n = choice.key, 1
        while name in result:
            n += 1
            name = f"{choice.key} ({n})"
        result[name] = choice
    return result


def languages_differing(old: Mapping[str, str] | None, new: Mapping[str, str] | None,
                        ) -> list[str]:
    old, new = old or {}, new or {}
    return [lang for lang in dict.fromkeys([*old, *new]) if old.get(lang) != new.get(lang)]


def wording(old: Mapping[str, str] | None, new: Mapping[str, str] | None,
            languages: Sequence[str]) -> tuple[tuple[str, str, str], ...]:
    """(language, old text, new text) of a rewording, for the reader to compare."""
    old, new = old or {}, new or {}
    return tuple((lang, old.get(lang, ""), new.get(lang, "")) for lang in languages)


def words(values: Collection[Any]) -> str:
    return ", ".join(str(v) for v in values) or "none"


def source(expression: Any) -> str:
    return expression.source if expression is not None else ""


class _Diff:
    def __init__(self, old: Definition, new: Definition, answered: Answers | None):
        self.old, self.new = old, new
        self.answered = answered
        self.changes: list[Change] = []
        self.scale_items = {code: [s.code for s in d.scales if code in s.items]
                            for d in (old, new) for s in d.scales for code in s.items}

    def add(self, what: str, /, warning: str | None = None,
            warning_params: Mapping[str, Any] | None = None, **params: Any) -> None:
        self.changes.append(Change(what, params, warning, warning_params or {}))

    def scales_of(self, code: str) -> list[str]:
        names = [s.code for d in (self.old, self.new) for s in d.scales if code in s.items]
        return list(dict.fromkeys(names))

    def run(self) -> list[Change]:
        old, new = self.old, self.new
        for key in ("title", "introduction", "consent"):
            differing = languages_differing(getattr(old, key), getattr(new, key))
            if differing:
                self.add(key, languages=words(differing))
        for lang in new.languages:
            if lang not in old.languages:
                self.add("language_added", language=lang)
        for lang in old.languages:
            if lang not in new.languages:
                self.add("language_removed", language=lang)
        self.pages()
        self.items()
        self.scales()
        return self.changes

    def pages(self) -> None:
        old = {s.code: s for s in self.old.sections}
        new = {s.code: s for s in self.new.sections}
        for code, section in new.items():
            before = old.get(code)
            if before is None:
                self.add("page_added", page=code)
                continue
            differing = languages_differing(before.title, section.title)
            if differing:
                self.add("page_retitled", page=code, languages=words(differing))
            if source(before.relevant) != source(section.relevant):
                self.add("page_logic", page=code, old=source(before.relevant),
                         new=source(section.relevant))
            if repeating(before) != repeating(section):
                self.add("page_repeat", page=code, old=repeating(before),
                         new=repeating(section))
        for code in old:
            if code not in new:
                self.add("page_removed", page=code)

    def items(self) -> None:
        old = {i.code: i for i in self.old.items()}
        new = {i.code: i for i in self.new.items()}
        for code, item in new.items():
            before = old.get(code)
            if before is None:
                self.add("item_added", code=code, page=item.section)
            else:
                self.item(before, item)
        for code in old:
            if code not in new:
                self.add("item_removed", code=code)

    def item(self, old: Item, new: Item) -> None:
        code = new.code
        if old.type != new.type:
            self.add("item_type", "type", code=code, old=old.type, new=new.type)
        differing = languages_differing(old.text, new.text)
        if differing:
            scales = self.scales_of(code)
            self.add("item_reworded", "reworded_scale_item" if scales else None,
                     {"scales": words(scales)}, code=code, languages=words(differing),
                     wording=wording(old.text, new.text, differing))
        differing = languages_differing(old.help, new.help)
        if differing:
            self.add("item_help", code=code, languages=words(differing))
        if old.section != new.section:
            self.add("item_moved", code=code, old=old.section, new=new.section)
        if source(old.relevant) != source(new.relevant):
            self.add("item_logic", code=code, old=source(old.relevant), new=source(new.relevant))
        if source(old.choice_filter) != source(new.choice_filter):
            self.add("item_filter", code=code, old=source(old.choice_filter),
                     new=source(new.choice_filter))
        for key, what in (("image", "item_picture"), ("audio", "item_sound")):
            differing = languages_differing(getattr(old, key), getattr(new, key))
            if differing:
                self.add(what, code=code, languages=words(differing))
        if source(old.constraint) != source(new.constraint):
            self.add("item_constraint", code=code, old=source(old.constraint),
                     new=source(new.constraint))
        if old.required != new.required:
            self.add("item_required", code=code,
                     state="required" if new.required else "optional")
        if old.special != new.special:
            self.add("item_special", code=code, old=words(old.special), new=words(new.special))
        # every setting the item's type declares: its type says what differs
        same_type = old.type == new.type
        changed = (new.itemtype.changes(old, new) if same_type
                   else setting_changes(old.settings, new.settings))
        for change in changed:
            if change.what == "choices":
                self.choices(old, new)
            elif change.what == "rows":
                self.rows(old, new)
            elif change.what in LIMITS:
                self.add("item_limits", code=code, what=change.what, old=change.old,
                         new=change.new)
            elif same_type:
                self.add("item_setting", code=code, what=change.what, old=shown(change.old),
                         new=shown(change.new))

    def choices(self, old: Item, new: Item) -> None:
        code = new.code
        before, after = numbered(old.choices), numbered(new.choices)
        scales = [s for key in new.answer_keys for s in self.scales_of(key)]
        for key in after:
            if key not in before:
                self.add("choice_added", "choices_scale" if scales else None,
                         {"scales": words(dict.fromkeys(scales))}, code=code, choice=key)
        for key in before:
            if key in after:
                if before[key].attributes != after[key].attributes:
                    self.add("choice_columns", code=code, choice=key,
                             old=columns(before[key]), new=columns(after[key]))
                differing = languages_differing(before[key].label, after[key].label)
                if differing:
                    self.add("choice_reworded", "choices_scale" if scales else None,
                             {"scales": words(dict.fromkeys(scales))}, code=code, choice=key,
                             languages=words(differing),
                             wording=wording(before[key].label, after[key].label, differing))
                continue
            kept = any(c.key == before[key].key for c in new.choices)  # a repeat of it stays
            self.add("choice_removed", None if kept else
                     self.removed_choice_warning(old, before[key], scales),
                     {"code": code, "choice": key, "scales": words(dict.fromkeys(scales))},
                     code=code, choice=key)

    def removed_choice_warning(self, old: Item, choice: Choice, scales: list[str]
                               ) -> str | None:
        if self.answered is None:
            return "possibly_answered_choice"
        if self.answered.chosen(old.answer_keys, choice.code):
            return "chosen_choice"
        if self.answered.answered(old.answer_keys):
            return "answered_choice"
        return "choices_scale" if scales else None

    def rows(self, old: Item, new: Item) -> None:
        before = {r.key: r for r in getattr(old.settings, "rows", ())}
        after = {r.key: r for r in getattr(new.settings, "rows", ())}
        for key, row in after.items():
            if key not in before:
                self.add("row_added", code=new.code, row=key)
                continue
            differing = languages_differing(before[key].label, row.label)
            if differing:
                scales = self.scales_of(key)
                self.add("row_reworded", "reworded_scale_item" if scales else None,
                         {"scales": words(scales)}, code=new.code, row=key,
                         languages=words(differing),
                         wording=wording(before[key].label, row.label, differing))
        for key in before:
            if key not in after:
                self.add("row_removed", code=new.code, row=key)

    def scales(self) -> None:
        old = {s.code: s for s in self.old.scales}
        new = {s.code: s for s in self.new.scales}
        for code, scale in new.items():
            before = old.get(code)
            if before is None:
                self.add("scale_added", scale=code)
                continue
            for setting, what in (("items", "scale_items"), ("reverse", "scale_reverse"),
                                  ("points", "scale_points"),
                                  ("min_answered", "scale_min_answered")):
                a, b = getattr(before, setting), getattr(scale, setting)
                if a != b:
                    shown = (words(a), words(b)) if isinstance(a, tuple) else (a, b)
                    self.add(what, "scale", {"scale": code}, scale=code, old=shown[0],
                             new=shown[1])
        for code in old:
            if code not in new:
                self.add("scale_removed", scale=code)


def diff(old: Definition, new: Definition, answered: Answers | None = None) -> list[Change]:
    """The changes from ``old`` to ``new``. ``answered``: what older responses hold (None when
    unknown: a removed choice is then flagged as possibly breaking)."""
    changes = _Diff(old, new, answered).run()
    if wordings.easy_languages(old) or wordings.easy_languages(new):
        changes += easy_changes(old, new, changes)
    return changes


# The changes of wording, and what names their place (the easy-read wording's comparison).
REWORDINGS = ("title", "introduction", "consent", "page_retitled", "item_reworded",
              "item_help", "choice_reworded", "row_reworded")
PLACE_KEYS = ("page", "code", "choice", "row")


def easy_changes(old: Definition, new: Definition, standard: list[Change]) -> list[Change]:
    """One change naming the texts whose easy-read wording differs (where their standard
    wording did not change: that is told already), with its languages."""
    def place(change: Change) -> str:
        return "/".join(str(change.params[key]) for key in PLACE_KEYS
                        if key in change.params) or change.what

    told = {place(c) for c in standard if c.what in REWORDINGS}
    places: dict[str, None] = {}
    languages: dict[str, None] = {}
    for change in _Diff(wordings.easy_view(old), wordings.easy_view(new), None).run():
        if change.what in REWORDINGS and place(change) not in told:
            places[place(change)] = None
            languages.update(dict.fromkeys(str(change.params["languages"]).split(", ")))
    if not places:
        return []
    return [Change("easy_reworded", {"languages": ", ".join(languages),
                                     "places": ", ".join(places)})]


def repeating(section: Any) -> str:
    """How a page repeats, in words a diff can compare: ``count ${n}, max 6``, ``max 3`` (added
    one by one), or ``-`` (answered once). The occurrence label is wording, not structure."""
    repeat = section.repeat
    if repeat is None:
        return "-"
    counted = f"count {repeat.count.source}, " if repeat.count is not None else ""
    return f"{counted}max {repeat.maximum}"
