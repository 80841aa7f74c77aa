"""Participant links per campaign (``/c/<slug>``), the closed page, and what the participant
pages need to know of the campaign: its version, its roster, who answers for the evaluation.

The link remembers its campaign in the session for that questionnaire, then the usual
``/q/<code>`` pages run; a response started there carries the campaign for good. A
questionnaire is answered only through a campaign: whoever reaches ``/q/<code>`` without one
(nor a response of their own in progress) gets a polite page saying how it is reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import g, redirect, render_template, request, session, url_for
from sqlalchemy import bindparam, select
from werkzeug.wrappers import Response as HttpResponse

from .. import context
from ..extensions import db
from ..models import Campaign, Evaluation, Questionnaire, QuestionnaireVersion
from ..models.workspace import OPEN, slug_shaped
from ..questionnaire.model import Choice
from ..restitution.links import public_results_link
from ..versions import VersionFacts, facts
from .blueprint import bp
from .services import response_by_id

CLOSED_ENDPOINTS = {"participate.welcome", "participate.consent", "participate.page",
                    "participate.panel"}
RESPONSE_ENDPOINTS = {"participate.page", "participate.panel"}  # judged by their response
# Pages that start or show a questionnaire: reached only through a campaign (the welcome page
# also by whoever has a response of their own in progress, to continue it).
LINKED_ENDPOINTS = {"participate.welcome", "participate.consent"}

_LINK = (select(Campaign.id, Campaign.slug, Campaign.status,
                QuestionnaireVersion.id.label("version_id"), QuestionnaireVersion.content_hash,
                Questionnaire.code)
         .join(QuestionnaireVersion, QuestionnaireVersion.id == Campaign.version_id)
         .join(Questionnaire, Questionnaire.id == QuestionnaireVersion.questionnaire_id)
         .where(Campaign.slug == bindparam("slug")))


@dataclass(frozen=True)
class Link:
    """What the participant pages need of the campaign a link names, read with one Core
    query: loading the campaign, then its version, read the version's whole document (tens of
    KB of JSON) on every welcome and consent page."""

    id: int
    slug: str
    is_open: bool
    version: VersionFacts


def link_of(slug: object) -> Link | None:
    """The campaign of a link's slug (``None`` for anything not shaped as one)."""
    if not slug_shaped(slug):
        return None
    row = db.session.connection().execute(_LINK, {"slug": slug}).first()
    if row is None:
        return None
    return Link(row.id, row.slug, row.status == OPEN,
                facts(row.version_id, row.content_hash, row.code))


@bp.get("/c/<slug>")
def campaign_link(slug: str) -> HttpResponse | tuple[str, int]:
    link = link_of(slug)
    if link is None:
        return render_template("errors/404.html"), 404
    shown = context.show(version=link.version, campaign=link)
    if not link.is_open:
        return closed_page(shown.campaign)
    remember(link.version.code, link.slug)
    keep_link_answers(link.version)
    return redirect(url_for("participate.welcome", code=link.version.code))


def remember(code: str, slug: str) -> None:
    """This visitor came through the campaign of ``slug``: the pages of its questionnaire
    (``code``) are theirs to answer."""
    chosen = dict(session.get("campaigns", {}))
    chosen[code] = slug
    session["campaigns"] = chosen


def keep_link_answers(version: VersionFacts) -> None:
    """What the link's query gives the items that take it (``ItemType.link_answers``: a hidden
    item with ``link: true``), kept for the response this visitor starts; other names are
    ignored."""
    if not request.args:
        return
    given = {key: value for item in version.definition.items()
             for key, value in item.itemtype.link_answers(item, request.args).items()}
    if given:  # the same link opened again without them keeps them
        kept = dict(session.get("link_answers", {}))
        kept[version.code] = given
        session["link_answers"] = kept


def link_answers(code: str) -> dict[str, Any]:
    """The answers the campaign link gave for this questionnaire (see keep_link_answers)."""
    kept = session.get("link_answers", {}).get(code)
    return dict(kept) if isinstance(kept, dict) else {}


def closed_page(campaign: Campaign, results: str | None = None) -> tuple[str, int]:
    """The polite page of a closed campaign, with a link to its results when they are given
    back (``results``: the visitor's own link to them; else the public page's, if any)."""
    return render_template("participate/closed.html", definition=campaign.version.definition,
                           campaign=campaign,
                           results=results or public_results_link(campaign.id)), 410


def attach(code: str) -> None:
    """For ``/q/<code>`` pages: the campaign whose link brought this visitor (its version
    replaces the newest one)."""
    link = link_of(session.get("campaigns", {}).get(code))
    if link is None or link.version.code != code:
        return
    context.show(version=link.version, campaign=link)


def current_id() -> int | None:
    campaign = context.shown().campaign
    return campaign.id if campaign is not None else None


def roster() -> tuple[Choice, ...] | None:
    """The entries of ``roster: campaign`` items: the campaign's team, else its own list."""
    campaign = context.shown().campaign
    if campaign is None:
        return None
    language = _language()
    return tuple(Choice(code, {language: name}) for code, name in campaign.roster_entries())


def _language() -> str:
    from flask_babel import get_locale

    return str(get_locale())


@bp.before_request
def _closed_campaign() -> Any:
    """A closed campaign shows its polite closed page instead of the questionnaire (the
    thank-you, withdrawal and private-link pages keep working)."""
    if request.endpoint not in CLOSED_ENDPOINTS:
        return None
    if request.endpoint in RESPONSE_ENDPOINTS:
        code = (request.view_args or {}).get("code")
        entry = session.get("active", {}).get(code) if isinstance(code, str) else None
        ident = entry.get("id") if isinstance(entry, dict) else None
        response = response_by_id(ident) if isinstance(ident, int) else None
        g.session_response = response  # the view uses it (after checking its resume code)
        if response is not None:
            if response.campaign_open is False:
                return closed_page(response.campaign)
            return None
    shown = context.shown()
    if shown.campaign_open is False:
        return closed_page(shown.campaign)
    return None


@bp.before_request
def _through_a_link() -> Any:
    """``/q/<code>`` without a campaign: a polite page instead of the questionnaire, in the
    visitor's language (the app's default, French, when none was chosen)."""
    if request.endpoint not in LINKED_ENDPOINTS or context.shown().campaign_id is not None:
        return None
    code = (request.view_args or {}).get("code")
    entry = session.get("active", {}).get(code) if isinstance(code, str) else None
    if request.endpoint == "participate.welcome" and isinstance(entry, dict):
        return None  # their own response: the welcome page offers to continue it
    context.show(definition=None)  # the page speaks the visitor's language, not the
    # questionnaire's
    return render_template("participate/by_link.html"), 403


def public_campaigns() -> list[Campaign]:
    """The open campaigns of the evaluations marked public, for the home page."""
    return list(db.session.scalars(
        select(Campaign).join(Evaluation)
        .where(Evaluation.is_public.is_(True), Campaign.status == OPEN)
        .order_by(Evaluation.is_demo, Evaluation.name, Campaign.name, Campaign.id)))
