"""The participant's page after a series' baseline: leave an address to be invited to the next
steps (``/f/<resume_code>``, reached from the thank-you page). The address goes to ``contact``,
apart from the answers, as invitations keep it; no script, a few bytes."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask import abort, render_template
from flask_babel import get_locale, gettext
from sqlalchemy import select

from ..extensions import db
from ..invitations.contacts import email_problem
from ..models import FollowupPerson, Response
from ..models.response import COMPLETED
from ..secrets import digest
from .blueprint import Page, bp, form_status
from .forms import AddressForm
from .messages import interval_text
from .series import leave_address, series_of_campaign


@bp.route("/f/<resume_code>", methods=["GET", "POST"])
def address(resume_code: str) -> Page:
    if not 16 <= len(resume_code) <= 128:
        abort(404)
    response = db.session.scalar(select(Response).filter_by(resume_hash=digest(resume_code)))
    series = series_of_campaign(response.campaign_id) if response is not None else None
    if response is None or series is None or response.status != COMPLETED:
        abort(404)
    person = (db.session.scalar(select(FollowupPerson).filter_by(
        series_id=series.id, panel_hash=response.panel_hash)) if response.panel_hash else None)
    known = person is not None and person.contact_id is not None
    form = AddressForm()
    error = None
    if not known and form.validate_on_submit():
        try:
            email = validate_email(form.email.data.strip(), check_deliverability=False).normalized
        except EmailNotValidError as refused:
            error = gettext("This address cannot be used: %(reason)s",
                            reason=email_problem(refused))
            form.email.errors = [error]
        else:
            language = str(get_locale())
            person = leave_address(series, response, email, language)
            known = person is not None
            if not known:
                error = gettext("Your answers carry no code that links them to the next steps: "
                                "your address was not kept.")
    elif form.is_submitted() and not known:
        error = gettext("Please check the form.")
        form.email.errors = form.email.errors or [gettext("Please write your email address.")]
    steps = ", ".join(interval_text(s.amount, s.unit) for s in series.steps[1:])
    return render_template("followup/address.html", form=form, error=error, known=known,
                           steps=steps, definition=response.version.definition
                           ), form_status(error)
