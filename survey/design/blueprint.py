"""The workspace blueprint and what its view modules share: the evaluation's URL prefix, a
part of the evaluation looked up by id, and the status of a form page."""

from __future__ import annotations

from typing import TypeVar

from flask import Blueprint, abort
from flask_login import current_user
from werkzeug.wrappers import Response as HttpResponse

from ..assess import services as assessed  # sites a partner is limited to
from ..extensions import db
from ..models import Campaign, Evaluation, Team

bp = Blueprint("design", __name__, url_prefix="/design", template_folder="templates")

Page = HttpResponse | str | tuple[str, int]
Model = TypeVar("Model")
E = "/e/<int:evaluation_id>"


def owned(model: type[Model], ident: int, evaluation: Evaluation) -> Model:
    """A part of this evaluation by id; 404 for another evaluation's (ids are not secrets,
    membership is what guards them)."""
    item = db.session.get(model, ident)
    owner = getattr(item, "evaluation_id", None)
    if isinstance(item, Team):
        owner = item.site.evaluation_id
    if item is None or owner != evaluation.id:
        abort(404)
    return item


def seen_campaign(campaign_id: int, evaluation: Evaluation) -> Campaign:
    """A campaign of this evaluation the reader may see: 404 for another evaluation's, 403
    for a campaign outside the sites a partner is limited to (its pages, QR codes, poster)."""
    campaign = owned(Campaign, campaign_id, evaluation)
    if not assessed.sees_site(assessed.site_limits(current_user, evaluation.id),
                              campaign.site_id):
        abort(403)
    return campaign


def form_status(error: str | None) -> int:
    """A form page refused with a message answers 422, else 200."""
    return 422 if error else 200
