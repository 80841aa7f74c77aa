"""The participant's request context: the questionnaire definition a page shows, its version
and the campaign it belongs to, and a preview's fixed language.

Written only through :func:`show` (participant, invitation and preview pages), read by the
language choice, the participant blueprint and the templates' contact block. One place, so a
page never mixes one campaign's version with another's definition.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

from flask import g

if TYPE_CHECKING:
    from .models import Campaign, QuestionnaireVersion
    from .questionnaire.model import Definition
    from .versions import VersionFacts

_KEY = "participant_context"
_UNCHANGED: Any = object()


@dataclass(frozen=True)
class EvaluationFacts:
    """What participant pages show or need of a campaign's evaluation: who answers for it
    (the contact block) and how it links waves (the panel questions)."""

    id: int
    responsible_name: str
    contact_email: str
    contact_phone: str
    privacy_officer_name: str
    privacy_officer_email: str
    panel_mode: str


def evaluation_of(campaign_id: int) -> EvaluationFacts | None:
    """One Core query (loading the campaign, then its evaluation, cost two ORM loads on each
    welcome, consent and thank-you page)."""
    from .extensions import db

    row = db.session.connection().execute(_evaluation_query(), {"campaign": campaign_id}).first()
    return EvaluationFacts(*row) if row is not None else None


@cache
def _evaluation_query() -> Any:
    """Built once (building it cost as much as running it)."""
    from sqlalchemy import bindparam, select

    from .models import Campaign, Evaluation

    return (select(*(getattr(Evaluation, name) for name in EvaluationFacts.__dataclass_fields__))
            .join(Campaign, Campaign.evaluation_id == Evaluation.id)
            .where(Campaign.id == bindparam("campaign")))


@dataclass(frozen=True)
class Shown:
    """What the current request shows a participant (each ``None`` when not known). The
    campaign, whether it is open and its evaluation are read when a page first asks for them:
    most pages of a response in progress never do (reading the campaign on each of them cost
    a tenth of the request)."""

    definition: Definition | None = None
    version: VersionFacts | QuestionnaireVersion | None = None
    campaign_id: int | None = None
    language: str | None = None  # a preview shows the language of its URL

    @cached_property
    def campaign(self) -> Campaign | None:
        if self.campaign_id is None:
            return None
        from .extensions import db
        from .models import Campaign

        return db.session.get(Campaign, self.campaign_id)

    @cached_property
    def campaign_open(self) -> bool | None:
        """Whether the campaign takes answers (``None``: no campaign)."""
        return self.campaign.is_open if self.campaign is not None else None

    @cached_property
    def evaluation(self) -> EvaluationFacts | None:
        return evaluation_of(self.campaign_id) if self.campaign_id is not None else None


def shown() -> Shown:
    return g.get(_KEY) or Shown()


_CAMPAIGN_FACTS = ("campaign", "campaign_open", "evaluation")  # cached_property slots


def show(*, definition: Any = _UNCHANGED, version: Any = _UNCHANGED,
         campaign: Any = _UNCHANGED, language: Any = _UNCHANGED) -> Shown:
    """Set what this request shows; a version given without a definition brings its own.
    ``campaign``: a Campaign, or only its id (read if a page asks for it), or an object with
    its ``id`` and ``is_open`` (participate.campaigns.Link), or None."""
    if version is not _UNCHANGED and definition is _UNCHANGED and version is not None:
        definition = version.definition
    given = {"definition": definition, "version": version, "language": language}
    if campaign is not _UNCHANGED:
        given["campaign_id"] = campaign if isinstance(campaign, int | None) else campaign.id
    before = shown()
    now = replace(before, **{k: v for k, v in given.items() if v is not _UNCHANGED})
    if now.campaign_id == before.campaign_id:  # what was read of it still holds
        now.__dict__.update({k: before.__dict__[k] for k in _CAMPAIGN_FACTS
                             if k in before.__dict__})
    if campaign is not _UNCHANGED and not isinstance(campaign, int | None):
        from .models import Campaign

        if isinstance(campaign, Campaign):
            now.__dict__["campaign"] = campaign
        now.__dict__["campaign_open"] = campaign.is_open
    setattr(g, _KEY, now)
    return now


def contact() -> EvaluationFacts | None:
    """The evaluation whose responsible person the page shows, if any."""
    return shown().evaluation
