"""Members of an evaluation (partners above all) review its drafts from their account: the
open rounds, joining one in a panel, the same rating pages as a review link, and new items
proposed with a rationale; the researcher decides on each proposal with a reason."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as HttpResponse

from ..auth.permissions import MANAGE, VIEW, member
from ..extensions import db
from ..models import Evaluation
from ..models.review import PANELS, ItemProposal
from . import services
from .blueprint import E, R, back_to_round, bp, checked_button, owned_round
from .public import rate_page
from .routes import render_round

TYPE_NAMES = {"single": _("One answer from a list"), "multiple": _("Several answers from a list"),
              "yesno": _("Yes or no"), "likert": _("Agreement scale"),
              "text": _("Short text"), "textarea": _("Longer text"), "integer": _("Number"),
              "date": _("Date")}


@bp.app_template_global()
def item_type_name(item_type: str) -> str:
    return str(TYPE_NAMES.get(item_type, item_type))


@bp.get(E + "/reviews")
@member(VIEW)
def my_reviews(evaluation: Evaluation) -> str:
    rounds = services.open_rounds(evaluation.id)
    mine = {r.id: services.account_reviewer(r, current_user) for r in rounds}
    proposed = {r.id: [p for p in services.proposals_of(r) if p.user_id == current_user.id]
                for r in rounds}
    return render_template("review/mine.html", evaluation=evaluation, rounds=rounds,
                           mine=mine, proposed=proposed, panels=PANELS,
                           pages={r.id: len(services.review_pages(services.definition_of(r)))
                                  for r in rounds})


@bp.post(R + "/join")
@member(VIEW)
def join(evaluation: Evaluation, round_id: int) -> HttpResponse:
    checked_button()
    review = owned_round(evaluation, round_id)
    try:
        services.join(review, current_user, request.form.get("panel", ""))
    except services.ReviewError as error:
        flash(str(error), "error")
        return redirect(url_for("review.my_reviews", evaluation_id=evaluation.id))
    return redirect(url_for("review.account_page", evaluation_id=evaluation.id,
                            round_id=review.id, number=1))


@bp.route(R + "/mine/<int:number>", methods=["GET", "POST"])
@member(VIEW)
def account_page(evaluation: Evaluation, round_id: int, number: int) -> HttpResponse:
    review = owned_round(evaluation, round_id)
    reviewer = services.account_reviewer(review, current_user)
    if reviewer is None:
        return redirect(url_for("review.my_reviews", evaluation_id=evaluation.id))
    return rate_page(reviewer, number,
                     lambda n: url_for("review.account_page", evaluation_id=evaluation.id,
                                       round_id=review.id, number=n),
                     url_for("review.my_reviews", evaluation_id=evaluation.id))


@bp.route(R + "/proposals/new", methods=["GET", "POST"])
@member(VIEW)
def proposal_new(evaluation: Evaluation, round_id: int) -> HttpResponse | tuple[str, int]:
    review = owned_round(evaluation, round_id)
    definition = services.definition_of(review)
    error = None
    if request.method == "POST":
        checked_button()
        try:
            services.propose(review, current_user,
                             {lang: request.form.get(f"text-{lang}", "")
                              for lang in definition.languages},
                             request.form.get("item_type", ""),
                             request.form.get("rationale", ""))
        except services.ReviewError as refused:
            error = str(refused)
        else:
            flash(gettext("Your proposal is sent to the research team."))
            return redirect(url_for("review.my_reviews", evaluation_id=evaluation.id))
    page = render_template("review/proposal.html", evaluation=evaluation, review=review,
                           definition=definition, types=services.PROPOSED_TYPES,
                           error=error, form_values=request.form)
    return page, 422 if error else 200


@bp.post(R + "/proposals/<int:proposal_id>/decide")
@member(MANAGE)
def proposal_decide(evaluation: Evaluation, round_id: int, proposal_id: int
                     ) -> HttpResponse | tuple[str, int]:
    checked_button()
    review = owned_round(evaluation, round_id)
    proposal = db.session.get(ItemProposal, proposal_id)
    if proposal is None or proposal.round_id != review.id:
        abort(404)
    decision = request.form.get("decision")
    if decision not in ("accept", "decline"):
        flash(gettext("Choose to accept or decline the proposal."), "error")
        return back_to_round(review, "#new-items")
    languages = list(proposal.texts)
    typed = {"reason": request.form.get("reason", ""), "section": request.form.get("section", ""),
             "code": request.form.get("code", ""), "item_type": request.form.get("item_type", ""),
             "choices": {lang: request.form.get(f"choices-{lang}", "") for lang in languages}}
    try:
        draft = services.decide_proposal(
            proposal, decision == "accept", typed["reason"], current_user,
            section_code=typed["section"], code=typed["code"], item_type=typed["item_type"],
            choices=typed["choices"])
    except services.ReviewError as refused:
        # the form comes back with what was typed and the reason it was refused
        flash(str(refused), "error")
        return render_round(evaluation, review, {"proposal": proposal.id, **typed}), 422
    else:
        if draft is not None:
            flash(gettext("Accepted: the next draft %(hash)s holds the new question.",
                          hash=draft.content_hash[:12]))
    return back_to_round(review, f"#proposal-{proposal.id}")
