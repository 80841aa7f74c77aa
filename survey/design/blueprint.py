"""The workspace blueprint and what its view modules share: the evaluation's URL prefix, a
part of the evaluation looked up by id, and the status of a form page."""

from __future__ import annotations

from typing import TypeVar

from flask import Blueprint, abort
from werkzeug.wrappers import Response as HttpResponse

from ..extensions import db
from ..models import Evaluation, Team

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


def form_status(error: str | None) -> int:
    """A form page refused with a message answers 422, else 200."""
    return 422 if error else 200
