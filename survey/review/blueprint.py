"""The review blueprint and what its view modules share: a round's URL prefix, a round of
the evaluation looked up by id, the CSRF check of a button, the way back to the round."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, url_for
from werkzeug.wrappers import Response as HttpResponse

from ..auth.forms import ActionForm
from ..extensions import db
from ..models import Evaluation
from ..models.review import ReviewRound

bp = Blueprint("review", __name__, template_folder="templates")

E = "/design/e/<int:evaluation_id>"
R = E + "/reviews/<int:round_id>"


def owned_round(evaluation: Evaluation, round_id: int) -> ReviewRound:
    """This evaluation's round by id; 404 for another's (ids are not secrets)."""
    review = db.session.get(ReviewRound, round_id)
    if review is None or review.evaluation_id != evaluation.id:
        abort(404)
    return review


def checked_button() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


def back_to_round(review: ReviewRound, anchor: str = "") -> HttpResponse:
    return redirect(url_for("review.round_page", evaluation_id=review.evaluation_id,
                            round_id=review.id) + anchor)


from . import account, public, routes  # noqa: E402,F401  (register the views)
