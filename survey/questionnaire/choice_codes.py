"""Choice codes for the designer: made from the first label, fixed once published (no Flask,
no database).

A new choice's code is its first label folded to the loader's code rule (lower case ASCII
letters, digits and ``_``, starting with a letter, at most :data:`MAX_LENGTH` characters):
"Très satisfait" -> ``tres_satisfait``; unique in its list (``autre``, ``autre_2``) and never
a special answer's code. The designer regenerates it while the label is edited, and the
researcher may edit it, until the code is published: results compare answers by code, so a
code that any version the draft descends from has published stays fixed
(:func:`fixed_codes`, :func:`check_codes`). Drafts do not store which version they came from:
their lineage is every published version of the questionnaire with the same code
(``survey.designer.bank.published_definitions``).

Likert and matrix choices are coded 1, 2, ... in order (:func:`numbered`): their codes are
positions, not words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .itemtypes import TYPES
from .loading.reader import CODE_RE
from .messages import Text, msg
from .special import SPECIAL_ANSWERS

MAX_LENGTH = int(re.search(r"\{0,(\d+)\}", CODE_RE.pattern).group(1)) + 1  # 64
FALLBACK = "choice"  # a label with no letter or digit to keep (emoji, another script)
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ø": "o",
                           "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "’": "'"})


def slug(label: str) -> str:
    """A label as a code: accents folded, lower case, words joined by ``_`` ("Très
    satisfait" -> ``tres_satisfait``; "18-24 ans" -> ``c_18_24_ans``, a code starts with a
    letter)."""
    folded = unicodedata.normalize("NFKD", str(label).translate(LIGATURES))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    code = re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")
    if not code:
        return FALLBACK
    if not code[0].isalpha():
        code = f"c_{code}"
    return _cut(code, MAX_LENGTH)


def _cut(code: str, length: int) -> str:
    return code[:length].rstrip("_") or code[:length]


def unique_code(label: str, taken: Iterable[Any]) -> str:
    """The code of a new choice: its label's :func:`slug`, numbered (``_2``, ``_3``...) when
    another choice of the list (``taken``) or a special answer has it."""
    used = {str(code) for code in taken} | set(SPECIAL_ANSWERS)
    base = slug(label)
    if base not in used:
        return base
    number = 2
    while True:
        suffix = f"_{number}"
        code = _cut(base, MAX_LENGTH - len(suffix)) + suffix
        if code not in used:
            return code
        number += 1


def codes_for(labels: Sequence[str], taken: Iterable[Any] = ()) -> list[str]:
    """Codes for new choices in order, unique among themselves and ``taken``."""
    used = [str(code) for code in taken]
    codes = []
    for label in labels:
        code = unique_code(label, used)
        used.append(code)
        codes.append(code)
    return codes


def follow_label(code: Any, old_label: str, new_label: str, taken: Iterable[Any],
                 fixed: Iterable[str] = ()) -> Any:
    """A choice's code after its first label is edited: made again from the new label while
    it is still the one made from the old label, unless it is published (``fixed``); a code
    the researcher typed, or a published one, stays. ``taken``: the list's other codes."""
    others = [str(other) for other in taken if str(other) != str(code)]
    if str(code) in {str(f) for f in fixed} or code != unique_code(old_label, others):
        return code
    return unique_code(new_label, others)


def first_label(choice: Mapping[str, Any], languages: Sequence[str]) -> str:
    """The label codes are made from: the questionnaire's first language's, else any."""
    for lang in languages:
        if str(choice.get(lang) or "").strip():
            return str(choice[lang])
    return next((str(v) for k, v in choice.items() if k not in ("code", "attributes")
                 and isinstance(v, str) and v.strip()), "")


def numbered(itemtype: str) -> bool:
    """Whether the type's choices are coded 1..n (scale points), not made from labels."""
    found = TYPES.get(itemtype)
    return found is not None and found.scored


def numbers(count: int) -> list[int]:
    """The codes of ``count`` scale points: 1, 2, ..."""
    return list(range(1, count + 1))


# -- fixed once published -----------------------------------------------------------------

@dataclass(frozen=True)
class FixedCodes:
    """The choice codes published for each item (by item code) and each named list of the
    draft: those its researcher may no longer change or delete."""

    items: Mapping[str, frozenset[str]] = field(default_factory=dict)
    lists: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def of_item(self, code: str) -> frozenset[str]:
        return self.items.get(code, frozenset())

    def of_list(self, name: str) -> frozenset[str]:
        return self.lists.get(name, frozenset())


def _items(data: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    sections = data.get("sections") if isinstance(data, Mapping) else None
    for section in sections if isinstance(sections, list) else []:
        items = section.get("items") if isinstance(section, Mapping) else None
        for item in items if isinstance(items, list) else []:
            if isinstance(item, Mapping) and isinstance(item.get("code"), str):
                yield item


def _codes(choices: Any) -> set[str]:
    if not isinstance(choices, list):
        return set()
    return {str(c["code"]) for c in choices if isinstance(c, Mapping) and "code" in c
            and isinstance(c["code"], str | int) and not isinstance(c["code"], bool)}


def item_choices(item: Mapping[str, Any], data: Mapping[str, Any]) -> list[Any]:
    """An item's choices as data: its own list, or the named list it uses."""
    choices = item.get("choices")
    if isinstance(choices, str):
        lists = data.get("choice_lists")
        choices = lists.get(choices) if isinstance(lists, Mapping) else None
    return choices if isinstance(choices, list) else []


def published_codes(published: Iterable[Mapping[str, Any]]
                    ) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """The choice codes the published versions gave each item and each named list."""
    by_item: dict[str, set[str]] = {}
    by_list: dict[str, set[str]] = {}
    for data in published:
        lists = data.get("choice_lists") if isinstance(data, Mapping) else None
        for name, choices in (lists.items() if isinstance(lists, Mapping) else ()):
            by_list.setdefault(str(name), set()).update(_codes(choices))
        for item in _items(data):
            codes = _codes(item_choices(item, data))
            points = item.get("points")  # a likert given as points: coded 1..points
            if not codes and isinstance(points, int) and not isinstance(points, bool):
                codes = {str(n) for n in numbers(points)}
            by_item.setdefault(item["code"], set()).update(codes)
    return by_item, by_list


def fixed_codes(draft: Mapping[str, Any], published: Iterable[Mapping[str, Any]]
                ) -> FixedCodes:
    """Which choice codes of a draft are fixed, given the data of every published version it
    descends from: an item's codes published for an item of that code; a named list's, those
    published in a list of that name or for any item of the draft that uses the list."""
    by_item, by_list = published_codes(published)
    items = {item["code"]: frozenset(by_item.get(item["code"], ()))
             for item in _items(draft)}
    lists: dict[str, frozenset[str]] = {}
    draft_lists = draft.get("choice_lists") if isinstance(draft, Mapping) else None
    for name in (draft_lists if isinstance(draft_lists, Mapping) else {}):
        users = [item["code"] for item in _items(draft) if item.get("choices") == name]
        codes = set(by_list.get(str(name), ()))
        for code in users:
            codes |= by_item.get(code, set())
        lists[str(name)] = frozenset(codes)
    return FixedCodes({k: v for k, v in items.items() if v},
                      {k: v for k, v in lists.items() if v})


def check_codes(before: Sequence[Any], after: Sequence[Any], fixed: Iterable[str]
                ) -> list[Text]:
    """Why an edit of a choice list is refused: a fixed code changed (another code at its
    place, the list as long as before) or deleted. Codes compare as text (1 and "1")."""
    fixed = set(fixed)
    after_keys = [str(code) for code in after]
    before_keys = [str(code) for code in before]
    problems = []
    for index, code in enumerate(before_keys):
        if code not in fixed or code in after_keys:
            continue
        changed_to = (after_keys[index] if len(after_keys) == len(before_keys)
                      and after_keys[index] not in before_keys else None)
        if changed_to is not None:
            problems.append(msg("the code '%(code)s' is published: it cannot become "
                                "'%(new)s' (results compare answers by their code; change "
                                "the label instead)", code=code, new=changed_to))
        else:
            problems.append(msg("the choice '%(code)s' is published: it cannot be deleted "
                                "(results compare answers by their code)", code=code))
    return problems


def check_code(code: Any, others: Iterable[Any]) -> list[Text]:
    """Why a code typed by the researcher is refused: not the loader's form, a special
    answer's code, or another choice's code in the same list."""
    text = str(code)
    if isinstance(code, bool) or not (isinstance(code, int) or CODE_RE.match(text)):
        return [msg("a choice code is lower case letters, digits and '_', starting with a "
                    "letter, at most %(count)s characters (or a whole number)",
                    count=MAX_LENGTH)]
    if text in SPECIAL_ANSWERS:
        return [msg("'%(code)s' is reserved for the special answer: tick it on the question "
                    "instead", code=text)]
    if text in {str(other) for other in others}:
        return [msg("another choice of this list has the code '%(code)s'", code=text)]
    return []
