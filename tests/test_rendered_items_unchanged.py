"""The participant's questions of every page of the bundled questionnaires, in French and
English, blank, filled with typical answers and with an error on every item, render as they did
before item types moved to one template partial each. Whitespace between tags is not compared
(it is not shown); everything else is."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask, g, session

from survey.participate.rendering import _render

from .unchanged import compare, definitions, typical_answers


def squeeze(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", str(html))).strip()


@pytest.mark.parametrize("definition", definitions(), ids=lambda d: d.code)
def test_rendered_items_are_unchanged(app: Flask, definition: Any) -> None:
    answers = typical_answers(definition)
    found: dict[str, str] = {}
    for lang in definition.languages:
        with app.test_request_context("/"):
            session["lang"] = lang
            g.definition = definition
            for section in definition.sections:
                values: dict[str, list[str]] = {}
                for item in section.items:
                    itemtype = item.itemtype
                    values.update(itemtype.form_values(item, answers))
                errors = {item.code: "ERR" for item in section.items}
                rosters = definition.roster
                for state, (v, e) in {"blank": ({}, {}), "filled": (values, {}),
                                      "errors": (values, errors)}.items():
                    found[f"{lang}/{section.code}/{state}"] = squeeze(
                        _render(definition, section, v, e, rosters))
    compare(f"{definition.code}.items.json", found)
