"""The participant's request context: the questionnaire definition a page shows, its version
and the campaign it belongs to, and a preview's fixed language.

Written only through :func:`show` (participant, invitation and preview pages), read by the
language choice, the participant blueprint and the templates' contact block. One place, so a
page never mixes one campaign's version with another's definition.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
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
    campaign: Campaign | None = None
    language: str | None = None  # a preview shows the language of its URL


def shown() -> Shown:
    return g.get(_KEY) or Shown()


def show(*, definition: Any = _UNCHANGED, version: Any = _UNCHANGED,
         campaign: Any = _UNCHANGED, language: Any = _UNCHANGED) -> Shown:
    """Set what this request shows; a version given without a definition brings its own."""
    if version is not _UNCHANGED and definition is _UNCHANGED and version is not None:
        definition = version.definition
    given = {"definition": definition, "version": version, "campaign": campaign,
             "language": language}
    now = replace(shown(), **{k: v for k, v in given.items() if v is not _UNCHANGED})
    setattr(g, _KEY, now)
    return now


def contact() -> Evaluation | None:
    """The evaluation whose responsible person the page shows, if any."""
    campaign = shown().campaign
    return campaign.evaluation if campaign is not None else None
