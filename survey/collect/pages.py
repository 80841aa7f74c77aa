"""Every page of a questionnaire rendered for assisted mode, with the participant pages' own
item templates: the device shows them one at a time and keeps working offline."""

from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from ..models import Campaign
from ..participate.rendering import TEMPLATE
from ..questionnaire.model import Definition, Section
from .intake import rosters_of


def assisted_pages(campaign: Campaign, definition: Definition, language: str
                   ) -> list[tuple[Section, Markup]]:
    """(section, its questions) for every page. All pages sit in one form, so each carries its
    never-shown computed items (any page's conditions may read them) and choice filters stay
    live (an earlier page's answer is in the same form)."""
    rosters = rosters_of(campaign, definition, language)
    computed = {item.code for item in definition.items()
                if not item.itemtype.shown and item.itemtype.script_data(item) is not None}
    return [(section, Markup(render_template(
        TEMPLATE, definition=definition, section=section, values={}, errors={},
        rosters=rosters, offered={}, computed=computed)))
        for section in definition.sections]
