"""Every page of a questionnaire rendered for assisted mode, with the participant pages' own
item templates: the device shows them one at a time and keeps working offline. A repeated
page holds its blocks up to the repeat's ``max`` (occurrence n's items renamed ``code-n``, as
on a participant's page); the page's script shows as many as the count asks for, or as the
navigator adds."""

from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from ..models import Campaign
from ..participate.rendering import TEMPLATE
from ..participate.repeats import title
from ..questionnaire import repeats
from ..questionnaire.model import Definition, Section
from .intake import rosters_of

REPEAT_TEMPLATE = "collect/_repeat_page.html"
NUMBER, TOTAL = "__NUMBER__", "__TOTAL__"  # filled in by the page's script


def _repeated(definition: Definition, section: Section, rosters: object) -> Markup:
    """A repeated page's blocks, all of them (the script hides those beyond the count)."""
    assert section.repeat is not None
    maximum = section.repeat.maximum
    blocks = repeats.blocks(section, maximum)
    computed = [item for item in section.items
                if not item.itemtype.shown and item.itemtype.script_data(item) is not None]
    scripts = {repeats.name(item.code, n): repeats.script_data(section, item, n)
               for n, _ in blocks for item in computed}
    return Markup(render_template(
        REPEAT_TEMPLATE, definition=definition, section=section, blocks=blocks,
        scripts=scripts, values={}, errors={}, rosters=rosters, offered={},
        adding=section.repeat.count is None, maximum=maximum,
        titles={n: title(section, n, maximum) for n, _ in blocks},
        title_words=title(section, NUMBER, TOTAL)))  # type: ignore[arg-type]


def assisted_pages(campaign: Campaign, definition: Definition, language: str
                   ) -> list[tuple[Section, Markup]]:
    """(section, its questions) for every page. All pages sit in one form, so each carries its
    never-shown computed items (any page's conditions may read them) and choice filters stay
    live (an earlier page's answer is in the same form)."""
    rosters = rosters_of(campaign, definition, language)
    computed = {item.code for item in definition.items()
                if not item.itemtype.shown and item.itemtype.script_data(item) is not None}
    return [(section, _repeated(definition, section, rosters) if section.repeat is not None
             else Markup(render_template(
                 TEMPLATE, definition=definition, section=section, values={}, errors={},
                 rosters=rosters, offered={}, computed=computed)))
            for section in definition.sections]
