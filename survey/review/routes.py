"""The researcher's side of a review: open a round from a draft's page, create review links
per panel (link and QR code), revoke them, close the round, read the content-validity indices
per item and panel, decide on proposed rewordings (accepting stores the next draft), and
compare a questionnaire's rounds side by side. Views stay thin: :mod:`.services` does it."""

from __future__ import annotations

import math
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, gettext, ngettext
from flask_babel import lazy_gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as HttpResponse

from ..audit import record
from ..auth.forms import ActionForm
from ..auth.permissions import MANAGE, member
from ..design.labels import audience_name
from ..extensions import db
from ..invitations.qr import qr_svg
from ..models import Evaluation
from ..models.review import PANELS, Reviewer, ReviewRating, ReviewRound
from ..templating import text
from ..versions.drafts import find_draft
from . import services
from .blueprint import E, R, back_to_round, bp, checked_button, owned_round

PANEL_AUDIENCES = {"patients": "patient", "professionals": "professional",
                   "citizens": "citizen"}  # a panel is named as the audience it speaks for


@bp.app_template_global()
def panel_name(panel: str | None) -> str:
    if panel in PANEL_AUDIENCES:
        return audience_name(PANEL_AUDIENCES[panel])
    return str(_("All reviewers"))


@bp.app_template_global()
def validity_index(value: float | None) -> str:
    """An index with two decimals in the reader's language; a dash when not computable."""
    if value is None or math.isnan(value):
        return "–"
    return format_decimal(value, format="0.00")


KAPPA_NAMES = {"excellent": _("excellent"), "good": _("good"), "fair": _("fair"),
               "poor": _("poor")}


@bp.app_template_global()
def kappa_name(interpretation: object) -> str:
    """k*'s reading (excellent, good, fair, poor); empty when there is none (nobody rated)."""
    words = KAPPA_NAMES.get(interpretation) if isinstance(interpretation, str) else None
    return str(words) if words is not None else ""


@bp.app_template_global()
def review_history(evaluation_id: int, code: str
                   ) -> tuple[list[ReviewRound], dict[str, list[tuple[int, int]]]]:
    """The review rounds of a questionnaire in the evaluation and who shaped it, by panel, for
    its versions' pages (the questionnaire's history)."""
    rounds = services.rounds_of(evaluation_id, code=code)
    return rounds, services.shaped_by(rounds)


@bp.app_template_global()
def review_rounds(evaluation_id: int, content_hash: str) -> list[ReviewRound]:
    """The rounds on a draft's content, for its page."""
    return services.rounds_of(evaluation_id, content_hash=content_hash)


@bp.post(E + "/questionnaires/drafts/<content_hash>/reviews")
@member(MANAGE)
def round_open(evaluation: Evaluation, content_hash: str) -> HttpResponse:
    checked_button()
    draft = find_draft(evaluation.id, content_hash)
    if draft is None:
        abort(404)
    try:
        review = services.open_round(evaluation, draft, current_user)
    except services.ReviewError as error:
        flash(str(error), "error")
        return redirect(url_for("design.questionnaire_draft", evaluation_id=evaluation.id,
                                content_hash=content_hash))
    return back_to_round(review)


@bp.get(R)
@member(MANAGE)
def round_page(evaluation: Evaluation, round_id: int) -> str:
    return render_round(evaluation, owned_round(evaluation, round_id))


def render_round(evaluation: Evaluation, review: ReviewRound,
                 typed: dict[str, Any] | None = None) -> str:
    """The round's page; ``typed``: what the researcher typed in a proposal's decision that was
    refused (``proposal`` its id, then the form's fields), shown again in its form."""
    definition = services.definition_of(review)
    pages = services.review_pages(definition)
    items = [item for section in pages for item in services.rated_items(section)]
    links = [(r, services.review_link(r)) for r in review.reviewers if r.seed]
    new_items = services.proposals_of(review)
    next_data = services.next_data(review, [], services.accepted_items(review))
    return render_template(
        "review/round.html", evaluation=evaluation, review=review, definition=definition,
        items=items, pages=len(pages), links=links, panels=PANELS,
        indices=services.indices(review), proposals=services.proposals(review),
        new_items=new_items, proposed_types=services.PROPOSED_TYPES,
        suggested_codes={p.id: services.suggested_code(p, next_data) for p in new_items
                         if p.decision is None},
        form=ActionForm(), max_links=services.MAX_LINKS, typed=typed or {})


@bp.get(R + "/ratings.csv")
@member(MANAGE)
def ratings_csv(evaluation: Evaluation, round_id: int) -> HttpResponse:
    review = owned_round(evaluation, round_id)
    name = f"review-{review.questionnaire_code}-round-{review.number}.csv"
    record("review-ratings-downloaded", f"{review.questionnaire_code} round {review.number}",
           actor=current_user, evaluation_id=evaluation.id)
    return HttpResponse(services.ratings_csv(review).encode("utf-8"),
                        mimetype="text/csv", headers={
                            "Content-Disposition": f'attachment; filename="{name}"',
                            "Cache-Control": "no-store"})


@bp.post(R + "/links")
@member(MANAGE)
def links_add(evaluation: Evaluation, round_id: int) -> HttpResponse:
    checked_button()
    review = owned_round(evaluation, round_id)
    try:
        count = int(request.form.get("count", ""))
    except ValueError:
        count = 0
    try:
        made = services.add_links(review, request.form.get("panel", ""), count, current_user)
    except services.ReviewError as error:
        flash(str(error), "error")
    else:
        flash(ngettext("%(num)s review link created.", "%(num)s review links created.",
                       len(made)))
    return back_to_round(review, "#links")


def _reviewer(review: ReviewRound, reviewer_id: int) -> Reviewer:
    reviewer = db.session.get(Reviewer, reviewer_id)
    if reviewer is None or reviewer.round_id != review.id or not reviewer.seed:
        abort(404)
    return reviewer


@bp.post(R + "/links/<int:reviewer_id>/revoke")
@member(MANAGE)
def link_revoke(evaluation: Evaluation, round_id: int, reviewer_id: int) -> HttpResponse:
    checked_button()
    review = owned_round(evaluation, round_id)
    services.revoke(_reviewer(review, reviewer_id), current_user)
    flash(gettext("The link is revoked: it now opens nothing."))
    return back_to_round(review, "#links")


@bp.post(R + "/links/<int:reviewer_id>/email")
@member(MANAGE)
def link_email(evaluation: Evaluation, round_id: int, reviewer_id: int) -> HttpResponse:
    checked_button()
    review = owned_round(evaluation, round_id)
    try:
        services.email_link(_reviewer(review, reviewer_id), request.form.get("email", ""),
                            request.form.get("language", ""), current_user)
    except services.ReviewError as error:
        flash(str(error), "error")
    else:
        flash(gettext("The link is sent."))
    return back_to_round(review, "#links")


@bp.get(R + "/links/<int:reviewer_id>/qr.svg")
@member(MANAGE)
def link_qr(evaluation: Evaluation, round_id: int, reviewer_id: int) -> HttpResponse:
    review = owned_round(evaluation, round_id)
    reviewer = _reviewer(review, reviewer_id)
    if reviewer.revoked_at is not None:
        abort(404)
    title = gettext("Review of %(title)s", title=text(services.definition_of(review).title))
    return HttpResponse(qr_svg(services.review_link(reviewer), title=title),
                        mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


@bp.post(R + "/close")
@member(MANAGE)
def round_close(evaluation: Evaluation, round_id: int) -> HttpResponse:
    checked_button()
    review = owned_round(evaluation, round_id)
    services.close_round(review, current_user)
    flash(gettext("The round is closed: its links now show a closed page."))
    return back_to_round(review)


@bp.post(R + "/ratings/<int:rating_id>/decide")
@member(MANAGE)
def rewording_decide(evaluation: Evaluation, round_id: int, rating_id: int) -> HttpResponse:
    checked_button()
    review = owned_round(evaluation, round_id)
    rating = db.session.get(ReviewRating, rating_id)
    if rating is None or rating.reviewer.round_id != review.id:
        abort(404)
    decision = request.form.get("decision")
    if decision not in ("accept", "decline"):
        flash(gettext("Choose to accept or decline the rewording."), "error")
        return back_to_round(review, f"#item-{rating.item_code}")
    try:
        draft = services.decide(rating, decision == "accept",
                                request.form.get("reason", ""), current_user)
    except services.ReviewError as error:
        flash(str(error), "error")
        return back_to_round(review, f"#item-{rating.item_code}")
    if draft is not None:
        flash(gettext("Accepted: the next draft %(hash)s holds the accepted wordings.",
                      hash=draft.content_hash[:12]))
    else:
        flash(gettext("Declined, with your reason."))
    return back_to_round(review, f"#item-{rating.item_code}")


@bp.get(E + "/questionnaires/<code>/reviews")
@member(MANAGE)
def rounds_compare(evaluation: Evaluation, code: str) -> str:
    rounds = services.rounds_of(evaluation.id, code=code)
    if not rounds:
        abort(404)
    codes, groups = services.compare(rounds)
    return render_template("review/compare.html", evaluation=evaluation, code=code,
                           rounds=rounds, codes=codes, groups=groups,
                           shaped=services.shaped_by(rounds))
