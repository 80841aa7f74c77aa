"""Self-assessment pages (desktop width): conformity per site and wave with the action plan and
its CSV downloads; and the sites a partner's membership is limited to. Views are thin: the
figures come from :mod:`survey.assess.services`."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as HttpResponse

from .. import audit
from ..auth.permissions import MANAGE, VIEW, member, role_reads_every_group
from ..extensions import db
from ..models import Evaluation, Membership
from ..results import services as results
from . import services

bp = Blueprint("assess", __name__, url_prefix="/assess", template_folder="templates")
E = "/e/<int:evaluation_id>"


def _lang() -> str:
    return str(get_locale() or "fr")[:2]


def _shown(evaluation: Evaluation) -> tuple[list[str], str | None, frozenset[int] | None]:
    """The evaluation's assessment questionnaires, the one asked for (``q``), and the sites
    this reader may see; a site asked for (``site``) outside them is a 403."""
    codes = services.assessments(results.questionnaires(evaluation))
    wanted = request.args.get("q", "")
    code = wanted if wanted in codes else (codes[0] if codes else None)
    limits = services.site_limits(current_user, evaluation.id)
    site = request.args.get("site", "")
    if site:
        known = {s.id for s in evaluation.sites}
        if not site.isdigit() or int(site) not in known:
            abort(404)
        if limits is not None and int(site) not in limits:
            abort(403)
        limits = frozenset({int(site)})
    return codes, code, limits


@bp.get(E)
@member(VIEW)
def evaluation(evaluation: Evaluation) -> str:
    codes, code, limits = _shown(evaluation)
    found = services.assessment(evaluation, code, _lang(), limits) if code else None
    chart = services.chart(found, gettext("Conformity by site and wave, in percent")) \
        if found and found.rows else None
    allowed = services.site_limits(current_user, evaluation.id)
    return render_template(
        "assess/results.html", evaluation=evaluation, codes=codes, code=code, found=found,
        chart=chart, titles=results.questionnaire_titles(codes, _lang()),
        site=request.args.get("site", ""), limited=limits is not None,
        sites=[s for s in evaluation.sites if allowed is None or s.id in allowed],
        decimal_mark="," if _lang() == "fr" else ".",
        level_words=lambda level: services.level_words(level, _lang()))


@bp.get(E + "/<any(scores, actions):what>.csv")
@member(VIEW)
def download(evaluation: Evaluation, what: str) -> Response:
    _codes, code, limits = _shown(evaluation)
    if code is None:
        abort(404)
    found = services.assessment(evaluation, code, _lang(), limits)
    rows = services.scores_csv(found) if what == "scores" else services.actions_csv(
        found, _lang())
    audit.record("assessment-downloaded", code, actor=current_user,
                 evaluation_id=evaluation.id, what=what,
                 sites=sorted(limits) if limits is not None else "all")
    return Response(rows, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{code}-{what}.csv"'})


# -- memberships limited to sites -----------------------------------------------------------

@bp.route(E + "/members/<int:membership_id>/sites", methods=["GET", "POST"])
@member(MANAGE)
def member_sites(evaluation: Evaluation, membership_id: int) -> HttpResponse | str:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.evaluation_id != evaluation.id:
        abort(404)
    form = FlaskForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        chosen = request.form.getlist("site")
        if not all(s.isdigit() for s in chosen):
            abort(400)
        try:
            services.set_sites(membership, {int(s) for s in chosen}, current_user)
        except services.SiteError:
            abort(400)
        flash(gettext("Saved."))
        return redirect(url_for("design.members", evaluation_id=evaluation.id))
    return render_template("assess/member_sites.html", evaluation=evaluation,
                           membership=membership, form=form,
                           partner=not role_reads_every_group(membership.role),
                           chosen=services.limited_sites(membership))


@bp.app_template_global()
def membership_sites(membership: Membership) -> list[str]:
    """The names of the sites a membership is limited to (none: every site), for the members
    page."""
    chosen = services.limited_sites(membership)
    return [s.name for s in membership.evaluation.sites if s.id in chosen]
