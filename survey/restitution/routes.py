"""Results given back: the researcher's pages (``/design/e/<id>/results-back``) and the pages
participants and visitors open (``/rb/...``).

A results-back page opens through its own link when public (``/rb/<token>``), and through a
participant's own link whatever its access: the resume link (``/rb/r/<resume_code>``) or the
invitation (``/rb/i/<token>``). Unknown, unpublished or revoked links get the same polite 404.
Reactions are posted to the page's own address (a plain form: no script needed).
"""

from __future__ import annotations

import csv
import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, gettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from markupsafe import Markup
from werkzeug.wrappers import Response as HttpResponse

from ..auth.permissions import MANAGE, OPERATE, member
from ..design.labels import audience_name
from ..exports.cells import neutralise
from ..extensions import csrf, db
from ..invitations import services as invitations
from ..invitations.mailing import summary
from ..invitations.qr import qr_svg_inline
from ..jobs.kinds import announcement_job, start_announcement
from ..links import absolute_url
from ..models import Campaign, Evaluation, Finding, ResultsPage
from ..models.restitution import ANSWERS
from ..participate import services as responses
from ..refusals import refusal
from ..secrets import new_secret
from . import services
from .forms import FindingForm, NewPageForm, PageForm, access_choices

bp = Blueprint("restitution", __name__, template_folder="templates")
csrf.exempt(bp)  # the participant's form checks its token itself (a polite page, not a 400)

E = "/design/e/<int:evaluation_id>/results-back"
COOKIE = "rb"  # a browser's random secret on a public page: one reaction per finding
Page = HttpResponse | str | tuple[str, int]


def _lang() -> str:
    lang = str(get_locale())
    return lang if lang in services.LANGUAGES else services.LANGUAGES[0]


def _page(evaluation: Evaluation, page_id: int) -> ResultsPage:
    page = db.session.get(ResultsPage, page_id)
    if page is None or page.evaluation_id != evaluation.id:
        abort(404)
    return page


def _finding(page: ResultsPage, finding_id: int) -> Finding:
    finding = db.session.get(Finding, finding_id)
    if finding is None or finding.page_id != page.id:
        abort(404)
    return finding


def _checked(prefix: str = "") -> bool:
    """The researcher's forms: their CSRF token (the blueprint is exempt from the global
    check for the participant's form); ``prefix``: a finding's form names its fields so."""
    try:
        validate_csrf(request.form.get(f"{prefix}csrf_token"))
    except CSRFError:
        return False
    except Exception:  # noqa: BLE001  (flask_wtf raises ValidationError for a bad token)
        return False
    return True


# --- the researcher's side -------------------------------------------------------------------

@bp.route(E, methods=["GET", "POST"])
@member(MANAGE)
def pages(evaluation: Evaluation) -> Page:
    form = NewPageForm()
    form.audience.choices = [(a, audience_name(a)) for a in services.audiences(evaluation.id)]
    form.access.choices = access_choices()
    error = None
    if request.method == "POST":
        if form.validate_on_submit():
            with refusal(services.Refused, str) as outcome:
                page = services.create_page(evaluation.id, form.audience.data, form.access.data,
                                            current_user)
            if outcome.error is None:
                return redirect(url_for(".page", evaluation_id=evaluation.id, page_id=page.id),
                                303)
            error = outcome.error
        else:
            error = gettext("Choose an audience and who may open the page.")
    existing = db.session.scalars(db.select(ResultsPage).filter_by(
        evaluation_id=evaluation.id).order_by(ResultsPage.audience)).all()
    return render_template("restitution/pages.html", evaluation=evaluation, form=form,
                           pages=existing, error=error), 422 if error else 200


@bp.route(E + "/<int:page_id>", methods=["GET", "POST"])
@member(MANAGE)
def page(evaluation: Evaluation, page_id: int) -> Page:
    shown = _page(evaluation, page_id)
    form = PageForm(data={"access": shown.access, "title_fr": shown.title.get("fr", ""),
                          "title_en": shown.title.get("en", ""),
                          "use_fr": shown.use.get("fr", ""), "use_en": shown.use.get("en", "")}
                    if request.method != "POST" else None)
    form.access.choices = access_choices()
    error = None
    if request.method == "POST":
        if form.validate_on_submit():
            with refusal(services.Refused, str) as outcome:
                services.save_page(shown, form.access.data,
                                   {"fr": form.title_fr.data, "en": form.title_en.data},
                                   {"fr": form.use_fr.data, "en": form.use_en.data},
                                   current_user)
            if outcome.error is None:
                flash(gettext("Saved."))
                return redirect(url_for(".page", evaluation_id=evaluation.id, page_id=page_id),
                                303)
            error = outcome.error
        else:
            error = gettext("Please check the texts: each has a maximum length.")
    return _editor(evaluation, shown, form, error)


def _editor(evaluation: Evaluation, shown: ResultsPage, form: PageForm,
            error: str | None) -> Page:
    findings = [(f, FindingForm(prefix=f"f{f.id}", data={
        "text_fr": f.text.get("fr", ""), "text_en": f.text.get("en", ""),
        "chart": f.chart is not None})) for f in shown.findings]
    public_link = (absolute_url(".public_page", token=services.page_token(shown))
                   if shown.access == "public" else None)
    return render_template(
        "restitution/page.html", evaluation=evaluation, page=shown, form=form, error=error,
        findings=findings, suggestions=services.suggestions(evaluation.id, shown.audience),
        public_link=public_link, audience=audience_name(shown.audience), lang=_lang(),
        to_tell=services.contacts_to_tell(shown), telling=announcement_job(shown.id),
        min_group=current_app.config["MIN_GROUP_SIZE"]), 422 if error else 200


def _back(evaluation: Evaluation, page: ResultsPage, anchor: str = "") -> HttpResponse:
    return redirect(url_for(".page", evaluation_id=evaluation.id, page_id=page.id) + anchor,
                    303)


@bp.post(E + "/<int:page_id>/findings")
@member(MANAGE)
def finding_add(evaluation: Evaluation, page_id: int) -> Page:
    """A finding from a generated sentence (read again here: never the posted words), or a
    blank one."""
    shown = _page(evaluation, page_id)
    if not _checked():
        flash(gettext("This page had expired. Please try again."))
        return _back(evaluation, shown)
    code, question = request.form.get("questionnaire"), request.form.get("question")
    if code and question:
        found = next((s for s in services.suggestions(evaluation.id, shown.audience)
                      if s.questionnaire == code and s.question == question), None)
        if found is None:
            flash(gettext("This question has no figures that may be shown."))
            return _back(evaluation, shown)
        finding = services.add_finding(shown, found.text, current_user, code,
                                       question if found.chartable else None)
    else:
        finding = services.add_finding(shown, {}, current_user)
    return _back(evaluation, shown, f"#finding-{finding.id}")


@bp.post(E + "/<int:page_id>/findings/<int:finding_id>")
@member(MANAGE)
def finding_edit(evaluation: Evaluation, page_id: int, finding_id: int) -> Page:
    shown = _page(evaluation, page_id)
    finding = _finding(shown, finding_id)
    prefix = f"f{finding.id}-"
    if request.form.get("action") in ("up", "down"):
        if _checked(prefix):
            services.move(finding, 1 if request.form["action"] == "down" else -1,
                          current_user)
        return _back(evaluation, shown, f"#finding-{finding.id}")
    if request.form.get("action") == "delete":
        if _checked(prefix):
            services.delete_finding(finding, current_user)
            flash(gettext("Finding deleted."))
        else:
            flash(gettext("This page had expired. Please try again."))
        return _back(evaluation, shown)
    form = FindingForm(prefix=prefix[:-1])
    if not form.validate_on_submit():
        flash(gettext("Please check the texts: each has a maximum length."))
        return _back(evaluation, shown, f"#finding-{finding.id}")
    services.save_finding(finding, {"fr": form.text_fr.data, "en": form.text_en.data},
                          bool(form.chart.data), current_user)
    flash(gettext("Saved."))
    return _back(evaluation, shown, f"#finding-{finding.id}")


@bp.post(E + "/<int:page_id>/publish")
@member(MANAGE)
def publish(evaluation: Evaluation, page_id: int) -> Page:
    shown = _page(evaluation, page_id)
    if _checked():
        with refusal(services.Refused, str) as outcome:
            services.set_published(shown, request.form.get("publish") == "1", current_user)
        flash(outcome.error or (gettext("Published.") if shown.is_published
                                else gettext("Back to draft.")))
    return _back(evaluation, shown)


@bp.post(E + "/<int:page_id>/announce")
@member(MANAGE)
def announce(evaluation: Evaluation, page_id: int) -> Page:
    """One email to each invited contact of the audience: the results are out."""
    shown = _page(evaluation, page_id)
    if not _checked() or not shown.is_published:
        flash(gettext("Publish the page before telling the contacts."))
        return _back(evaluation, shown)
    if not services.may_announce(shown):
        flash(gettext("The contacts have already been told."))
        return _back(evaluation, shown)
    job = announcement_job(shown.id)  # a second click finds the first's job
    if job is None:
        services.audit("results-page-announce-started", shown, current_user)
        db.session.commit()
        job = start_announcement(shown, current_user.id)
    if job.active:  # its page shows the sending as it goes
        return redirect(url_for("jobs.page", evaluation_id=evaluation.id, job_id=job.id), 303)
    flash(summary(job.result) + ".")  # already sent (a queue in immediate mode)
    return _back(evaluation, shown)


@bp.get(E + "/<int:page_id>/preview")
@member(OPERATE)
def preview(evaluation: Evaluation, page_id: int) -> Page:
    """The page as participants will read it (a draft too), without the reactions form."""
    shown = _page(evaluation, page_id)
    return _participant_page(shown, reactor=None, preview=True)


@bp.get(E + "/<int:page_id>/poster")
@member(OPERATE)
def poster(evaluation: Evaluation, page_id: int) -> Page:
    """A printable one-page handout with the QR code of the public link and the findings."""
    shown = _page(evaluation, page_id)
    if shown.access != "public":
        flash(gettext("A poster needs a public page: participants' pages open only through "
                      "their own links."))
        return _back(evaluation, shown)
    url = absolute_url(".public_page", token=services.page_token(shown))
    lang = _lang()
    code = Markup(qr_svg_inline(url, title=gettext("Link to the results")))  # noqa: S704
    return render_template("restitution/poster.html", page=shown, url=url, qr_svg=code,
                           lang=lang, evaluation=evaluation)


@bp.get(E + "/<int:page_id>/reactions")
@member(OPERATE)
def reactions(evaluation: Evaluation, page_id: int) -> Page:
    shown = _page(evaluation, page_id)
    return render_template("restitution/reactions.html", evaluation=evaluation, page=shown,
                           tallies=services.tallies(shown), lang=_lang(),
                           audience=audience_name(shown.audience))


@bp.get(E + "/<int:page_id>/reactions.csv")
@member(OPERATE)
def reactions_csv(evaluation: Evaluation, page_id: int) -> HttpResponse:
    """Every reaction, one row each, no identity; text neutralised against formula injection."""
    shown = _page(evaluation, page_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in services.reaction_rows(shown, _lang()):
        writer.writerow([neutralise(cell) if isinstance(cell, str) else cell for cell in row])
    services.audit("results-reactions-downloaded", shown, current_user)
    db.session.commit()
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="reactions-{evaluation.id}-{shown.audience}.csv"')
    response.headers["Cache-Control"] = "no-store"
    return response


# --- what participants and visitors open -----------------------------------------------------

def _unknown() -> tuple[str, int]:
    return render_template("restitution/unknown.html"), 404


def _participant_page(shown: ResultsPage, reactor: str | None, preview: bool = False,
                      status: int = 200, notice: str | None = None,
                      error: tuple[int, str] | None = None) -> tuple[str, int]:
    done = services.reacted(shown, reactor) if reactor else set()
    if error is not None and error[0] not in {f.id for f in shown.findings}:
        notice, error = error[1], None  # a finding no longer there: said at the top
    return render_template(
        "restitution/public.html", page=shown, lang=_lang(), reactor=reactor, done=done,
        preview=preview, notice=notice, error=error, answers=ANSWERS,
        min_group=current_app.config["MIN_GROUP_SIZE"]), status


def _reacting(shown: ResultsPage, reactor: str) -> tuple[str, int]:
    """The page, or on POST a reaction recorded (one per finding per link or browser)."""
    if request.method != "POST":
        return _participant_page(shown, reactor)
    try:
        finding_id = int(request.form.get("finding", ""))
    except ValueError:
        return _participant_page(shown, reactor, status=400,
                                 notice=gettext("This form was incomplete. Please try again."))
    if not _checked():
        return _participant_page(shown, reactor, status=400, error=(
            finding_id, gettext("This page had expired. Please choose your answer again.")))
    recorded = False
    with refusal(services.Refused, str) as outcome:
        recorded = services.react(shown, finding_id, request.form.get("answer", ""),
                                  request.form.get("comment", ""), reactor)
    if outcome.error is not None:
        return _participant_page(shown, reactor, status=422, error=(finding_id, outcome.error))
    return _participant_page(shown, reactor, notice=(
        gettext("Thank you: your reaction is recorded.") if recorded else
        gettext("You have already reacted to this finding. Thank you.")))


@bp.route("/rb/<token>", methods=["GET", "POST"])
def public_page(token: str) -> Page:
    shown = services.public_page(token)
    if shown is None:
        return _unknown()
    secret = request.cookies.get(COOKIE) or ""
    fresh = not (16 <= len(secret) <= 64)
    if fresh:
        secret = new_secret()
    body, status = _reacting(shown, services.reactor_for("browser:" + secret))
    response = current_app.make_response((body, status))
    if fresh:
        response.set_cookie(COOKIE, secret, max_age=60 * 60 * 24 * 365, httponly=True,
                            samesite="Lax", secure=request.is_secure, path="/rb/")
    return response


@bp.route("/rb/r/<resume_code>", methods=["GET", "POST"])
def by_resume(resume_code: str) -> Page:
    """The results from a participant's resume link (a completed response's too)."""
    response = responses.find_by_resume_code(resume_code)
    if response is None or response.campaign_id is None:
        return _unknown()
    shown = services.page_for_campaign(db.session.get(Campaign, response.campaign_id))
    if shown is None:
        return _unknown()
    return _reacting(shown, services.reactor_for("resume:" + resume_code))


@bp.route("/rb/i/<token>", methods=["GET", "POST"])
def by_invitation(token: str) -> Page:
    """The results from an invitation (revoked: nothing). An invitation that started a
    response reacts as its resume link does: one reaction per finding per person."""
    invitation = invitations.find(token)
    if invitation is None or invitation.revoked_at is not None:
        return _unknown()
    shown = services.page_for_campaign(invitation.campaign)
    if shown is None:
        return _unknown()
    secret = "invitation:" + token
    if invitation.response_id is not None:
        key = current_app.config["SECRET_KEY"]
        secret = "resume:" + responses.resume_code_for(invitations.start_token_for(invitation),
                                                       key)
    return _reacting(shown, services.reactor_for(secret))
