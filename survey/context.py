"""The participant's request context: the questionnaire definition a page shows, its version
and the campaign it belongs to, and a preview's fixed language.

Written only through :func:`show` (participant, invitation and preview pages), read by the
language choice, the participant blueprint and the templates' contact block. One place, so a
page never mixes one campaign's version with another's definition.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from flask import g

if TYPE_CHECKING:
    from .models import Campaign, Evaluation, QuestionnaireVersion
    from .questionnaire.model import Definition
    from .versions import VersionFacts

_KEY = "participant_context"
_UNCHANGED: Any = object()


@dataclass(frozen=True)
class Shown:
    """What the current request shows a participant (each ``None`` when not known)."""

    definition: Definition | None = None
    version: VersionFacts | QuestionnaireVersion | None = None
    campaign_id: int | None = None
    language: str | None = None  # a preview shows the language of its URL

    @cached_property
    def campaign(self) -> Campaign | None:
        """The campaign, read when a page first asks for it: most pages of a response in
        progress never do (reading it on each of them cost a tenth of the request)."""
        if self.campaign_id is None:
            return None
        from .extensions import db
        from .models import Campaign

        return db.session.get(Campaign, self.campaign_id)


def shown() -> Shown:
    return g.get(_KEY) or Shown()


def show(*, definition: Any = _UNCHANGED, version: Any = _UNCHANGED,
         campaign: Any = _UNCHANGED, language: Any = _UNCHANGED) -> Shown:
    """Set what this request shows; a version given without a definition brings its own.
    ``campaign``: a Campaign, or only its id (read if a page asks for it), or None."""
    if version is not _UNCHANGED and definition is _UNCHANGED and version is not None:
        definition = version.definition
    given = {"definition": definition, "version": version, "language": language}
    if campaign is not _UNCHANGED:
        given["campaign_id"] = campaign if isinstance(campaign, int | None) else campaign.id
    before = shown()
    now = replace(before, **{k: v for k, v in given.items() if v is not _UNCHANGED})
    # A campaign already read is kept (in cached_property's own slot).
    if campaign is not _UNCHANGED and not isinstance(campaign, int | None):
        now.__dict__["campaign"] = campaign
    elif now.campaign_id == before.campaign_id and "campaign" in before.__dict__:
        now.__dict__["campaign"] = before.__dict__["campaign"]
    setattr(g, _KEY, now)
    return now


def contact() -> Evaluation | None:
    """The evaluation whose responsible person the page shows, if any."""
    campaign = shown().campaign
    return campaign.evaluation if campaign is not None else None
