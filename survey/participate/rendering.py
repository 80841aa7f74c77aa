"""The questions of a page as HTML, kept once rendered while nobody has answered them yet.

Rendering the item macros was the largest cost of a page view (bench/throughput.py). A page
whose questions hold no answer and no error renders the same for everyone with the same
version, page, language and campaign roster, and that is the page a participant moving forward
opens: it is rendered once per process and reused. Pages with answers or errors are rendered
each time. (Jinja has no fragment cache of its own; this one is a bounded dict.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup

from ..caching import Cache
from ..questionnaire import Definition, cascading, navigation
from ..questionnaire.answers import Rosters
from ..questionnaire.model import Choice, Item, Section

TEMPLATE = "participate/_section_items.html"
MAX_ENTRIES = 512  # pages x languages x rosters; a few KB each

_BLANK: Cache[Markup] = Cache(MAX_ENTRIES)


FACES = range(3, 8)  # the points of the scales that faces may accompany


def faces_for(item: Item) -> bool:
    """Whether faces may accompany the points of this item's scale: a likert item or a
    matrix, of 3 to 7 points (ordered, coded 1..n); 1 a frown, the last a smile."""
    return item.itemtype.name in ("likert", "matrix") and len(item.choices) in FACES


def offers_faces(section: Section) -> bool:
    """Whether the page offers the faces option: it has an item they may accompany."""
    return any(faces_for(item) for item in section.items)


def section_items(definition: Definition, section: Section, values: dict[str, list[str]],
                  errors: dict[str, str], rosters: Rosters,
                  answers: Mapping[str, Any] | None = None, faces: bool = False) -> Markup:
    """The page's questions, with these values and errors; ``answers`` (the response's)
    choose the choices of cascading items filtered by other pages; ``faces``: faces beside
    the points of the scales that take them (the participant's option)."""
    offered = cascading.page_choices(section, answers or {})
    if errors or any(values.values()):
        return _render(definition, section, values, errors, rosters, offered, faces)
    key = (definition.content_hash, section.code, str(get_locale()), faces,
           tuple((c.code, *sorted(c.label.items())) for item in section.items
                 if getattr(item.settings, "roster", None) == "campaign"
                 for c in rosters(item)),
           tuple((code, tuple(c.key for c in choices)) for code, choices in offered.items()))
    return _BLANK.get(key, lambda: _render(definition, section, {}, {}, rosters, offered,
                                           faces))


def _render(definition: Definition, section: Section, values: dict[str, list[str]],
            errors: dict[str, str], rosters: Rosters,
            offered: Mapping[str, tuple[Choice, ...]] | None = None,
            faces: bool = False) -> Markup:
    return Markup(render_template(TEMPLATE, definition=definition, section=section,
                                  values=values, errors=errors, rosters=rosters,
                                  offered=offered or {}, faces=faces,
                                  computed={item.code for item in
                                            navigation.computed_on_page(section)}))
