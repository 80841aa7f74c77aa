"""The participant's side of an invitation: the token link and the unsubscribe link.

``/i/<token>`` opens the campaign's questionnaire for this invitation only. Its consent form
carries a start token derived from the invitation, so however often it is posted (two taps, two
devices, the link opened again a week later) it finds the one response the invitation started;
once started, the link resumes that response. ``/u/<token>`` stops every further email.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    render_template,
    request,
)
from flask_babel import gettext
from werkzeug.wrappers import Response as HttpResponse

from .. import context
from ..language import participant_language
from ..models import Invitation
from ..panel.services import hash_for_contact
from ..participate import services as responses
from ..participate.campaigns import closed_page
from ..participate.device import open_response
from ..participate.forms import ActionForm, StartForm
from ..restitution.links import invitation_results_link
from . import services

bp = Blueprint("invite", __name__, template_folder="templates")


def _invitation(token: str) -> Invitation:
    invitation = services.find(token)
    if invitation is None:
        abort(404)
    # The responsible person's contact on every page.
    context.show(version=invitation.campaign.version, campaign=invitation.campaign)
    return invitation


def _unavailable(invitation: Invitation) -> tuple[str, int] | None:
    """A polite page when the link cannot be used (revoked, or the campaign is closed)."""
    if invitation.revoked_at is not None:
        return render_template("invitations/unavailable.html",
                               definition=invitation.campaign.version.definition), 410
    if not invitation.campaign.is_open:
        return closed_page(invitation.campaign, invitation_results_link(
            invitation.campaign_id, services.token_for(invitation)))
    return None


def _resume(invitation: Invitation) -> HttpResponse | None:
    """The response this invitation started, reopened on this device (any device: the link
    is the invitee's own, so no "started elsewhere" notice)."""
    response = (responses.response_by_id(invitation.response_id)
                if invitation.response_id else None)
    if response is None:
        return None
    key = current_app.config["SECRET_KEY"]
    code = responses.resume_code_for(services.start_token_for(invitation), key)
    return open_response(response, code, notice=False)


def _elsewhere(invitation: Invitation) -> HttpResponse | tuple[str, int] | str | None:
    """Where an invitation link leads instead of its own pages: nothing for a revoked link
    (not even its answers), its response once started, a polite page when it cannot start."""
    if invitation.revoked_at is not None:
        return _unavailable(invitation)
    resumed = _resume(invitation)
    return resumed if resumed is not None else _unavailable(invitation)


@bp.get("/i/<token>")
def welcome(token: str) -> HttpResponse | tuple[str, int] | str:
    invitation = _invitation(token)
    elsewhere = _elsewhere(invitation)
    if elsewhere is not None:
        return elsewhere
    return render_template("invitations/welcome.html",
                           definition=invitation.campaign.version.definition,
                           evaluation=invitation.campaign.evaluation, token=token)


@bp.route("/i/<token>/consent", methods=["GET", "POST"])
def consent(token: str) -> HttpResponse | tuple[str, int] | str:
    invitation = _invitation(token)
    elsewhere = _elsewhere(invitation)
    if elsewhere is not None:
        return elsewhere
    definition = invitation.campaign.version.definition
    form = StartForm()
    start_token = services.start_token_for(invitation)
    form.start_token.data = start_token  # never what was posted: the invitation decides
    if request.method != "POST":
        return render_template("participate/consent.html", definition=definition, form=form,
                               error=None)
    if not form.validate_on_submit():
        return render_template("participate/consent.html", definition=definition, form=form,
                               error=gettext("This page had expired. Please tick the box and "
                                             "continue again.")), 400
    if not form.agree.data:
        return render_template("participate/consent.html", definition=definition, form=form,
                               error=gettext("To take part, please tick the box to say you "
                                             "agree.")), 422
    key = current_app.config["SECRET_KEY"]
    resume_code = responses.resume_code_for(start_token, key)
    try:
        response = responses.start_response(
            invitation.campaign.version, participant_language(definition), start_token,
            resume_code, definition.sections[0].code, campaign_id=invitation.campaign_id,
            panel_hash=hash_for_contact(invitation.campaign.evaluation, invitation.contact))
    except responses.TokenSpent:
        return render_template("participate/withdrawn.html", definition=definition)
    services.attach_response(invitation.id, response.id)
    return open_response(response, resume_code, notice=False)


@bp.route("/u/<token>", methods=["GET", "POST"])
def unsubscribe(token: str) -> HttpResponse | tuple[str, int] | str:
    """A page asking to confirm (mail scanners open links); mail programs may also POST
    ``List-Unsubscribe=One-Click`` (RFC 8058), which the token alone authorises."""
    invitation = _invitation(token)
    definition = invitation.campaign.version.definition
    form = ActionForm()
    one_click = (request.method == "POST"
                 and request.form.get("List-Unsubscribe") == "One-Click")
    if one_click or form.validate_on_submit():
        services.unsubscribe(invitation)
        if one_click:
            return HttpResponse(status=204)
        return render_template("invitations/unsubscribed.html", definition=definition)
    if invitation.unsubscribed_at is not None:
        return render_template("invitations/unsubscribed.html", definition=definition)
    return render_template("invitations/unsubscribe.html", definition=definition, form=form)
