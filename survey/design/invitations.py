"""Invitation pages of a campaign: open link QR code and poster, single-use links (generate,
import contacts, export, revoke), emails (send now or schedule), and the outbox.

Views are thin: state changes live in :mod:`survey.invitations.services` and
:mod:`survey.invitations.mailing`; who may open what is said by :mod:`survey.auth.permissions`
(contacts are people's addresses: researchers and evaluators only, never partners).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response as HttpResponse

from .. import audit
from ..auth.forms import ActionForm
from ..auth.permissions import OPERATE, VIEW, admin_only, member
from ..extensions import csrf, db
from ..invitations import mailing, services
from ..invitations import schedule as rules
from ..invitations.contacts import MAX_BYTES, Problem, parse_contacts
from ..invitations.forms import GenerateForm, ImportForm, MailingForm
from ..invitations.poster import render_poster
from ..invitations.qr import qr_png, qr_svg
from ..jobs.kinds import mailing_jobs, start_mailing
from ..links import external_url
from ..mail import outbox_messages, queued_messages, read_outbox
from ..models import Campaign, Evaluation, Invitation, Mailing
from ..models.types import utcnow
from ..templating import text
from ..timezones import format_local, to_utc, zone_of
from .blueprint import E, Page, bp, owned, seen_campaign

C = E + "/campaigns/<int:campaign_id>"
PAGE_SIZE = 500  # invitations listed on the page; the CSV export has them all
IMPORT_REPORT = "contacts_import"  # the session's key for the report of an import
REPORTED_PROBLEMS = 50  # refused lines listed after an import (the session is a cookie)


def _open_link(campaign: Campaign) -> str:
    return external_url("participate.campaign_link", slug=campaign.slug)


def _page(evaluation: Evaluation, campaign: Campaign, report=None, status: int = 200,  # noqa: ANN001
          generate: GenerateForm | None = None, upload: ImportForm | None = None,
          send: MailingForm | None = None) -> tuple[str, int]:
    invitations = list(db.session.scalars(
        select(Invitation).where(Invitation.campaign_id == campaign.id)
        .order_by(Invitation.id).limit(PAGE_SIZE)))
    total = db.session.scalar(select(func.count(Invitation.id)).where(
        Invitation.campaign_id == campaign.id)) or 0
    queued_invitations = mailing.queued_invitations(campaign.id)
    mailings = list(db.session.scalars(select(Mailing).where(
        Mailing.campaign_id == campaign.id).order_by(Mailing.id.desc()).limit(50)))
    return render_template(
        "invitations/campaign.html", evaluation=evaluation, campaign=campaign,
        invitations=invitations, total=total, status_of=services.status, mailings=mailings,
        sending=mailing_jobs([m.id for m in mailings]),
        queued=mailing.queued_counts([m.id for m in mailings]),
        queued_invitations=queued_invitations,
        link=_open_link(campaign), report=report, max_reminders=mailing.max_reminders(),
        generate_form=generate or GenerateForm(), import_form=upload or ImportForm(),
        mailing_form=send or MailingForm(), action_form=ActionForm(),
        sent=(db.session.scalar(select(func.count(Invitation.id)).where(
            Invitation.campaign_id == campaign.id, Invitation.invited_at.is_not(None))) or 0)
        - len(queued_invitations),  # a queued invitation is not sent yet
        min_days=rules.min_interval().total_seconds() / 86400,
        max_kb=MAX_BYTES // 1024), status


@bp.get(C + "/invitations")
@member(OPERATE)
def invitations(evaluation: Evaluation, campaign_id: int) -> Page:
    campaign = owned(Campaign, campaign_id, evaluation)
    return _page(evaluation, campaign, report=_import_report(campaign))


@bp.post(C + "/invitations/generate")
@member(OPERATE)
def invitations_generate(evaluation: Evaluation, campaign_id: int) -> Page:
    campaign = owned(Campaign, campaign_id, evaluation)
    form = GenerateForm()
    if not form.validate_on_submit():
        return _page(evaluation, campaign, generate=form, status=422)
    services.generate(campaign, form.count.data, actor=current_user)
    flash(ngettext("%(num)s link created.", "%(num)s links created.", form.count.data))
    return redirect(url_for(".invitations", evaluation_id=evaluation.id, campaign_id=campaign.id))


@bp.post(C + "/invitations/import")
@member(OPERATE)
def invitations_import(evaluation: Evaluation, campaign_id: int) -> Page:
    campaign = owned(Campaign, campaign_id, evaluation)
    # The file may be larger than a page of answers (the app-wide limit), within reason: so the
    # body is read here, after the membership check, and the form checks its CSRF token itself
    # (the global check, before the view, would read it with the app-wide limit).
    request.max_content_length = 2 * MAX_BYTES
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(evaluation, campaign, upload=form, status=422)
    data = form.contacts.data.read(MAX_BYTES + 1)
    parsed = parse_contacts(data, campaign.version.definition.languages)
    imported = (services.import_contacts(campaign, parsed.contacts, actor=current_user)
                if parsed.contacts else None)
    # Post/Redirect/Get: the report is kept in the session for the page the import redirects
    # to, so reloading that page shows it again and never imports the file again.
    session[IMPORT_REPORT] = {
        "campaign": campaign.id,
        "invited": imported.invited if imported else 0,
        "already": imported.already if imported else 0,
        "refused": len(parsed.problems),
        "problems": [[p.row, p.column, p.reason] for p in parsed.problems[:REPORTED_PROBLEMS]]}
    return redirect(url_for(".invitations", evaluation_id=evaluation.id, campaign_id=campaign.id))


def _import_report(campaign: Campaign) -> dict[str, Any] | None:
    """The report of the last contacts import into this campaign in this session, if any."""
    report = session.get(IMPORT_REPORT)
    if not isinstance(report, dict) or report.get("campaign") != campaign.id:
        return None
    return {**report, "problems": [Problem(*row) for row in report.get("problems", [])]}


@bp.get(C + "/invitations/links.csv")
@member(OPERATE)
def invitations_csv(evaluation: Evaluation, campaign_id: int) -> HttpResponse:
    campaign = owned(Campaign, campaign_id, evaluation)
    body = services.links_csv(campaign)
    audit.record("invitation-links-exported", f"campaign {campaign.id}", actor=current_user,
                 evaluation_id=evaluation.id)
    return HttpResponse(body.encode("utf-8"), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="links-campaign-{campaign.id}.csv"',
        "Cache-Control": "no-store"})


@bp.post(C + "/invitations/<int:invitation_id>/revoke")
@member(OPERATE)
def invitation_revoke(evaluation: Evaluation, campaign_id: int,
                      invitation_id: int) -> HttpResponse:
    campaign = owned(Campaign, campaign_id, evaluation)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.campaign_id != campaign.id:
        abort(404)
    if ActionForm().validate_on_submit():
        services.revoke(invitation, actor=current_user)
        flash(gettext("The link is revoked: it now shows a page saying it is no longer valid."))
    return redirect(url_for(".invitations", evaluation_id=evaluation.id, campaign_id=campaign.id))


@bp.post(C + "/mailings")
@member(OPERATE)
def mailing_new(evaluation: Evaluation, campaign_id: int) -> Page:
    """Send now or schedule, in the evaluation's time zone; a time in the past is refused, and
    another mailing pending for the campaign is pointed out (the minimum interval holds)."""
    campaign = owned(Campaign, campaign_id, evaluation)
    form = MailingForm()
    if not form.validate_on_submit():
        return _page(evaluation, campaign, send=form, status=422)
    zone, now = zone_of(evaluation), utcnow()
    due = None
    if form.when.data == "later":
        if form.due_at.data is None:
            form.due_at.errors = [gettext("Please give the date and time.")]
            return _page(evaluation, campaign, send=form, status=422)
        due = to_utc(form.due_at.data, zone)
        if rules.due_problem(due, now):
            form.due_at.errors = [gettext("This time has passed (it is now %(now)s): choose a "
                                          "later one.", now=format_local(now, zone))]
            return _page(evaluation, campaign, send=form, status=422)
    interval = rules.min_interval()
    for clash in rules.clashes(form.kind.data, due or now, rules.pending(campaign.id), interval):
        flash(gettext("Another %(kind)s of this campaign is still pending (due %(when)s). A "
                      "contact gets at most one message every %(days)s days: anyone the first "
                      "reaches waits that long for the second. Cancel one if it was a mistake.",
                      kind=_kind_name(clash.kind), when=format_local(clash.due_at, zone),
                      days=_days(interval)), "warning")
    scheduled = mailing.schedule(campaign, form.kind.data, due, actor=current_user)
    if due is not None:
        flash(gettext("Scheduled: the messages go out on %(when)s (survey send-due).",
                      when=format_local(due, zone)))
        return redirect(url_for(".invitations", evaluation_id=evaluation.id,
                                campaign_id=campaign.id))
    # Sent by a background job: its page shows the sending as it goes
    job = start_mailing(scheduled, current_user.id)
    if job.active:
        return redirect(url_for("jobs.page", evaluation_id=evaluation.id, job_id=job.id), 303)
    report = job.result  # already sent (a queue in immediate mode)
    flash(mailing.summary(report) + ".")
    if report.get("waiting") and report.get("resume_at"):
        flash(ngettext("%(num)s contact had a message less than %(days)s days ago: theirs "
                       "waits until %(when)s.",
                       "%(num)s contacts had a message less than %(days)s days ago: theirs "
                       "wait until %(when)s.", report["waiting"], days=_days(interval),
                       when=format_local(dt.datetime.fromisoformat(report["resume_at"]),
                                         zone)), "warning")
    return redirect(url_for(".invitations", evaluation_id=evaluation.id, campaign_id=campaign.id))


@bp.post(C + "/mailings/<int:mailing_id>/cancel")
@member(OPERATE)
def mailing_cancel(evaluation: Evaluation, campaign_id: int, mailing_id: int) -> HttpResponse:
    """Cancel a pending mailing (scheduled, or waiting for some contacts): nothing more goes
    out from it; what it already sent stays sent."""
    campaign = owned(Campaign, campaign_id, evaluation)
    pending = db.session.get(Mailing, mailing_id)
    if pending is None or pending.campaign_id != campaign.id:
        abort(404)
    if ActionForm().validate_on_submit():
        if mailing.cancel(pending, actor=current_user):
            flash(gettext("The mailing is cancelled."))
        else:
            flash(gettext("This mailing was already done."), "error")
    return redirect(url_for(".invitations", evaluation_id=evaluation.id, campaign_id=campaign.id))


def _kind_name(kind: str) -> str:
    return gettext("invitation") if kind == "invitation" else gettext("reminder")


def _days(interval: dt.timedelta) -> str:
    from flask_babel import format_decimal

    return format_decimal(round(interval.total_seconds() / 86400, 1))


csrf.exempt(invitations_import)  # ImportForm.validate_on_submit checks the token


# -- open link: QR code and poster -------------------------------------------------------------

@bp.get(C + "/qr.png")
@member(VIEW)
def campaign_qr_png(evaluation: Evaluation, campaign_id: int) -> HttpResponse:
    campaign = seen_campaign(campaign_id, evaluation)
    return HttpResponse(qr_png(_open_link(campaign)), mimetype="image/png", headers={
        "Content-Disposition": f'inline; filename="campaign-{campaign.id}.png"'})


@bp.get(C + "/qr.svg")
@member(VIEW)
def campaign_qr_svg(evaluation: Evaluation, campaign_id: int) -> HttpResponse:
    campaign = seen_campaign(campaign_id, evaluation)
    title = text(campaign.version.definition.title)
    return HttpResponse(qr_svg(_open_link(campaign), title=title), mimetype="image/svg+xml",
                        headers={"Content-Disposition":
                                 f'inline; filename="campaign-{campaign.id}.svg"'})


@bp.get(C + "/poster")
@member(VIEW)
def campaign_poster(evaluation: Evaluation, campaign_id: int) -> str:
    campaign = seen_campaign(campaign_id, evaluation)
    definition = campaign.version.definition
    responsible = ", ".join(p for p in (evaluation.responsible_name, evaluation.contact_email
                                        or evaluation.contact_phone) if p)
    return render_poster(_open_link(campaign), title=text(definition.title),
                         evaluation=evaluation.name, minutes=definition.minutes,
                         responsible=responsible,
                         back_url=url_for(".campaign", evaluation_id=evaluation.id,
                                          campaign_id=campaign.id))


# -- outbox --------------------------------------------------------------------------------

@bp.get(E + "/outbox")
@member(OPERATE)
def outbox(evaluation: Evaluation) -> str:
    """The messages of this evaluation waiting in the mail queue (``SURVEY_MAIL_QUEUE``), and
    those it wrote to the outbox (when no mail server is set)."""
    messages = [m for m in outbox_messages() if m.evaluation == str(evaluation.id)]
    return render_template("invitations/outbox.html", evaluation=evaluation, messages=messages,
                           message=None, queued=queued_messages(evaluation.id))


@bp.get(E + "/outbox/<name>")
@member(OPERATE)
def outbox_message(evaluation: Evaluation, name: str) -> str:
    message = read_outbox(name)
    if message is None or message.evaluation != str(evaluation.id):
        abort(404)
    return render_template("invitations/outbox.html", evaluation=evaluation, messages=None,
                           message=message)


@bp.get("/outbox")
@admin_only
def outbox_all() -> str:
    """Every message of the outbox, account links included (admins only)."""
    return render_template("invitations/outbox.html", evaluation=None,
                           messages=outbox_messages(), message=None, queued=queued_messages())


@bp.get("/outbox/<name>")
@admin_only
def outbox_all_message(name: str) -> str:
    message = read_outbox(name)
    if message is None:
        abort(404)
    return render_template("invitations/outbox.html", evaluation=None, messages=None,
                           message=message)
