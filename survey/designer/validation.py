"""Every save checked by the upload's validator (:func:`survey.questionnaire.load_data`), its
problems placed on the fields that cause them.

The loader places each problem at the path of what it read (``("sections", 1, "items", 0,
"choices", 2, "code")``); giving it each path as its "place" hands that path back with the
problem, so the designer can put the message beside the input it came from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..questionnaire import Definition, DefinitionError, load_data
from ..questionnaire.messages import Text, msg
from ..questionnaire.yamlsource import Path


@dataclass(frozen=True)
class Placed:
    """A problem of a save and the path of what causes it."""

    path: Path
    text: Text


def _places(node: Any, path: Path, places: dict[Path, str]) -> None:
    places[path] = json.dumps(list(path))
    if isinstance(node, dict):
        for key, value in node.items():
            _places(value, (*path, key), places)
    elif isinstance(node, list):
        for n, value in enumerate(node):
            _places(value, (*path, n), places)


def validate(data: Mapping[str, Any], name: str = "designer"
             ) -> tuple[Definition | None, list[Placed]]:
    """The definition, or the problems with their paths."""
    places: dict[Path, str] = {}
    _places(data, (), places)
    try:
        return load_data(data, name, places), []
    except DefinitionError as error:
        placed = []
        for problem in error.problems:
            try:
                path = tuple(json.loads(problem.place or "[]"))
            except ValueError:
                path = ()
            placed.append(Placed(path, problem.text))
        return None, placed


def item_path(data: Mapping[str, Any], code: str) -> Path | None:
    for s, section in enumerate(data.get("sections") or []):
        for i, item in enumerate(section.get("items") or [] if isinstance(section, dict) else []):
            if isinstance(item, dict) and item.get("code") == code:
                return ("sections", s, "items", i)
    return None


def on_fields(problems: Iterable[Placed], prefix: Path | None, names: Iterable[str]
              ) -> dict[str, list[Text]]:
    """The problems under ``prefix`` (a question's, a page's path) by field: each on the most
    precise field its path names (``choices.2.code``, else ``choices``); the others, and
    those elsewhere in the questionnaire, under ``""`` (said with where they are)."""
    known = set(names)
    placed: dict[str, list[Text]] = {}
    for problem in problems:
        key = ""
        if prefix is not None and problem.path[:len(prefix)] == prefix:
            rest = [str(p) for p in problem.path[len(prefix):]]
            for end in range(len(rest), 0, -1):
                candidate = ".".join(rest[:end])
                if candidate in known:
                    key = candidate
                    break
            text = problem.text
        else:
            text = problem.text
        if key == "" and (prefix is None or problem.path[:len(prefix)] != prefix):
            text = where(problem.path, problem.text)
        placed.setdefault(key, []).append(text)
    return placed


def where(path: Path, text: Text) -> Text:
    """A problem elsewhere in the questionnaire, said with the part it is in."""
    if len(path) >= 2 and path[0] == "sections" and isinstance(path[1], int):
        if len(path) >= 4 and path[2] == "items":
            return msg("question %(number)s of page %(page)s: %(problem)s",
                       number=int(path[3]) + 1, page=path[1] + 1, problem=text)
        return msg("page %(page)s: %(problem)s", page=path[1] + 1, problem=text)
    if len(path) >= 2 and path[0] == "scales" and isinstance(path[1], int):
        return msg("scale %(number)s: %(problem)s", number=path[1] + 1, problem=text)
    return text
