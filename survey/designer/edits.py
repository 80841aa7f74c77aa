"""What the designer does to a definition (the YAML-shaped dict of a draft): add, change,
duplicate, move and delete pages, questions, choices and scales. Pure functions on plain data
(no Flask, no database): each returns a new dict and leaves every key it does not edit as it
was, so what the designer cannot edit yet is never dropped. Whether the result is a valid
questionnaire is the loader's to say (:mod:`.validation`)."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

Data = dict[str, Any]
REMOVE = object()  # an edit that removes its key


class NotFound(LookupError):
    """A page, question, choice or scale the definition does not have (a stale link)."""


def section_index(data: Mapping[str, Any], code: str) -> int:
    for n, section in enumerate(data.get("sections") or []):
        if isinstance(section, dict) and section.get("code") == code:
            return n
    raise NotFound(code)


def item_place(data: Mapping[str, Any], code: str) -> tuple[int, int]:
    """(section index, item index) of the question with this code."""
    for s, section in enumerate(data.get("sections") or []):
        if not isinstance(section, dict):
            continue
        for i, item in enumerate(section.get("items") or []):
            if isinstance(item, dict) and item.get("code") == code:
                return s, i
    raise NotFound(code)


def item_entry(data: Mapping[str, Any], code: str) -> dict[str, Any]:
    s, i = item_place(data, code)
    return data["sections"][s]["items"][i]


def codes_in(data: Mapping[str, Any]) -> set[str]:
    """Every code pages, questions and matrix rows use (they share one name space)."""
    found: set[str] = set()
    for section in data.get("sections") or []:
        if not isinstance(section, dict):
            continue
        found.add(str(section.get("code")))
        for item in section.get("items") or []:
            if isinstance(item, dict):
                found.add(str(item.get("code")))
                for row in item.get("rows") or []:
                    if isinstance(row, dict):
                        found.add(str(row.get("code")))
    return found


def free_code(data: Mapping[str, Any], base: str, taken: set[str] | None = None) -> str:
    """``base`` if no page or question uses it yet, else ``base_2``, ``base_3``..."""
    taken = codes_in(data) | (taken or set())
    base = re.sub(r"_\d+$", "", base)[:60] or "q"
    if base not in taken:
        return base
    n = 2
    while f"{base}_{n}" in taken:
        n += 1
    return f"{base}_{n}"


def apply(entry: Mapping[str, Any], edits: Mapping[str, Any]) -> dict[str, Any]:
    """An entry with edited keys set (``REMOVE`` removes one); the others, and their order,
    kept."""
    result = dict(entry)
    for key, value in edits.items():
        if value is REMOVE:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def _moved(values: list[Any], index: int, delta: int) -> list[Any]:
    target = index + delta
    if not 0 <= index < len(values):
        raise NotFound(str(index))
    if not 0 <= target < len(values):
        return list(values)
    values = list(values)
    values[index], values[target] = values[target], values[index]
    return values


# -- the questionnaire -------------------------------------------------------------------------

def edit_top(data: Mapping[str, Any], edits: Mapping[str, Any]) -> Data:
    result = copy.deepcopy(dict(data))
    return apply(result, edits)


# -- pages -------------------------------------------------------------------------------------

def add_section(data: Mapping[str, Any], section: Mapping[str, Any],
                after: str | None = None) -> Data:
    """A new page after ``after`` (at the end without one)."""
    result = copy.deepcopy(dict(data))
    sections = list(result.get("sections") or [])
    at = section_index(result, after) + 1 if after else len(sections)
    sections.insert(at, copy.deepcopy(dict(section)))
    result["sections"] = sections
    return result


def edit_section(data: Mapping[str, Any], code: str, edits: Mapping[str, Any]) -> Data:
    result = copy.deepcopy(dict(data))
    n = section_index(result, code)
    result["sections"][n] = apply(result["sections"][n], edits)
    return result


def move_section(data: Mapping[str, Any], code: str, delta: int) -> Data:
    result = copy.deepcopy(dict(data))
    result["sections"] = _moved(result["sections"], section_index(result, code), delta)
    return result


def delete_section(data: Mapping[str, Any], code: str) -> Data:
    result = copy.deepcopy(dict(data))
    del result["sections"][section_index(result, code)]
    return result


def duplicate_section(data: Mapping[str, Any], code: str) -> tuple[Data, str]:
    """A copy of a page right after it, the page and each of its questions under a new code
    (skip logic that names them still names the originals)."""
    result = copy.deepcopy(dict(data))
    n = section_index(result, code)
    copied = copy.deepcopy(result["sections"][n])
    taken: set[str] = set()
    copied["code"] = free_code(result, f"{code}_copy", taken)
    taken.add(copied["code"])
    for item in copied.get("items") or []:
        if isinstance(item, dict) and isinstance(item.get("code"), str):
            item["code"] = free_code(result, item["code"], taken)
            taken.add(item["code"])
            for row in item.get("rows") or []:
                if isinstance(row, dict) and isinstance(row.get("code"), str):
                    row["code"] = free_code(result, row["code"], taken)
                    taken.add(row["code"])
    result["sections"].insert(n + 1, copied)
    return result, copied["code"]


# -- questions ---------------------------------------------------------------------------------

def add_item(data: Mapping[str, Any], section_code: str, item: Mapping[str, Any],
             after: str | None = None) -> Data:
    """A new question on a page, after ``after`` (at the page's end without one)."""
    result = copy.deepcopy(dict(data))
    section = result["sections"][section_index(result, section_code)]
    items = list(section.get("items") or [])
    at = len(items)
    if after:
        s, i = item_place(result, after)
        if result["sections"][s] is section:
            at = i + 1
    items.insert(at, copy.deepcopy(dict(item)))
    section["items"] = items
    return result


def replace_item(data: Mapping[str, Any], code: str, item: Mapping[str, Any]) -> Data:
    result = copy.deepcopy(dict(data))
    s, i = item_place(result, code)
    result["sections"][s]["items"][i] = copy.deepcopy(dict(item))
    return result


def move_item(data: Mapping[str, Any], code: str, delta: int) -> Data:
    """Up or down one place; from a page's first or last place to the end or start of the
    page before or after it."""
    result = copy.deepcopy(dict(data))
    s, i = item_place(result, code)
    sections = result["sections"]
    items = sections[s]["items"]
    target = i + delta
    if 0 <= target < len(items):
        sections[s]["items"] = _moved(items, i, delta)
    elif 0 <= s + delta < len(sections):
        entry = items.pop(i)
        other = sections[s + delta]
        other_items = list(other.get("items") or [])
        other_items.insert(len(other_items) if delta < 0 else 0, entry)
        other["items"] = other_items
    return result


def delete_item(data: Mapping[str, Any], code: str) -> Data:
    result = copy.deepcopy(dict(data))
    s, i = item_place(result, code)
    del result["sections"][s]["items"][i]
    return result


def duplicate_item(data: Mapping[str, Any], code: str) -> tuple[Data, str]:
    """A copy of a question right after it, under a new code (matrix rows too)."""
    result = copy.deepcopy(dict(data))
    s, i = item_place(result, code)
    copied = copy.deepcopy(result["sections"][s]["items"][i])
    copied["code"] = free_code(result, f"{code}_copy")
    taken = {copied["code"]}
    for row in copied.get("rows") or []:
        if isinstance(row, dict) and isinstance(row.get("code"), str):
            row["code"] = free_code(result, row["code"], taken)
            taken.add(row["code"])
    result["sections"][s]["items"].insert(i + 1, copied)
    return result, copied["code"]


# -- choices (a list of {code, <language>: label}) ---------------------------------------------

def move_choice(choices: list[Any], index: int, delta: int) -> list[Any]:
    return _moved(copy.deepcopy(choices), index, delta)


def delete_choice(choices: list[Any], index: int) -> list[Any]:
    if not 0 <= index < len(choices):
        raise NotFound(str(index))
    return [c for n, c in enumerate(copy.deepcopy(choices)) if n != index]


def add_choice(choices: list[Any], languages: tuple[str, ...]) -> list[Any]:
    """An empty choice at the end, to fill in (its code typed, or generated once it has a
    label)."""
    return [*copy.deepcopy(choices), {"code": "", **dict.fromkeys(languages, "")}]


# -- scales ------------------------------------------------------------------------------------

def scale_index(data: Mapping[str, Any], code: str) -> int:
    for n, scale in enumerate(data.get("scales") or []):
        if isinstance(scale, dict) and scale.get("code") == code:
            return n
    raise NotFound(code)


def put_scale(data: Mapping[str, Any], code: str | None, scale: Mapping[str, Any]) -> Data:
    """A new scale (``code`` None) or an edited one; its other keys kept."""
    result = copy.deepcopy(dict(data))
    scales = list(result.get("scales") or [])
    if code is None:
        scales.append(dict(scale))
    else:
        n = scale_index(result, code)
        scales[n] = apply(scales[n], scale)
    result["scales"] = scales
    return result


def delete_scale(data: Mapping[str, Any], code: str) -> Data:
    result = copy.deepcopy(dict(data))
    del result["scales"][scale_index(result, code)]
    if not result["scales"]:
        del result["scales"]
    return result


# -- translations ------------------------------------------------------------------------------

TEXT_KEYS = {"title", "introduction", "consent", "intro", "text", "help", "constraint_message",
             "construct"}


def missing_translations(data: Any, languages: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every text (a mapping of language to words) lacking one of the languages, as (where,
    language) pairs: a page, question, choice or scale code and the language."""
    missing: list[tuple[str, ...]] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            here = str(node.get("code", where)) if "code" in node else where
            for key, value in node.items():
                if key in TEXT_KEYS and isinstance(value, dict):
                    missing.extend((here, key, lang) for lang in languages
                                   if not str(value.get(lang) or "").strip())
                elif key == "choice_lists" and isinstance(value, dict):
                    for name, entries in value.items():
                        walk_choices(entries, name)
                elif key in ("choices", "rows", "rating") and isinstance(value, list):
                    walk_choices(value, here)
                else:
                    walk(value, here)
        elif isinstance(node, list):
            for value in node:
                walk(value, where)

    def walk_choices(entries: Any, where: str) -> None:
        for entry in entries if isinstance(entries, list) else ():
            if isinstance(entry, dict):
                code = str(entry.get("code", where))
                missing.extend((code, "label", lang) for lang in languages
                               if not str(entry.get(lang) or "").strip())

    walk(data, "")
    return missing
