"""What this device holds of a participant's responses, in the signed session: the response
in progress per questionnaire with its resume code, the consent form's start token, and where
a response opened here goes next."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, redirect, session, url_for
from werkzeug.wrappers import Response as HttpResponse

from .. import context
from ..context import show
from ..panel.services import asks_questions
from ..questionnaire import navigation
from ..questionnaire.model import Section
from ..secrets import digest, new_secret, same
from . import campaigns, presentation, services
from .services import ResponseState

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
View = Callable[..., Any]


def active_entry(code: str) -> dict[str, Any] | None:
    """The session's entry for this questionnaire's response in progress, if any."""
    entry = session.get("active", {}).get(code)
    return entry if isinstance(entry, dict) else None


def remember(code: str, response: ResponseState, resume_code: str) -> None:
    active = dict(session.get("active", {}))
    active[code] = {"id": response.id, "resume": resume_code}
    session["active"] = active


def forget(code: str) -> None:
    active = dict(session.get("active", {}))
    active.pop(code, None)
    session["active"] = active


def start_token(code: str, renew: bool = False) -> str:
    """The consent form's start token for this questionnaire on this device, issued by the
    server and kept in the signed session: a client can neither choose it nor post another
    device's. Two tabs share it, so they start one response."""
    tokens = dict(session.get("start", {}))
    token = tokens.get(code)
    if renew or not isinstance(token, str) or not TOKEN_RE.match(token):
        token = tokens[code] = new_secret()
        session["start"] = tokens
    return token


def drop_start_token(code: str) -> None:
    tokens = dict(session.get("start", {}))
    tokens.pop(code, None)
    session["start"] = tokens


def current_response(code: str) -> ResponseState | None:
    """This device's response to the questionnaire: the id the session holds, trusted only
    with its resume code, checked against the stored hash on every request."""
    entry = active_entry(code)
    if not entry:
        return None
    response_id, resume = entry.get("id"), entry.get("resume")
    response = None
    if isinstance(response_id, int) and isinstance(resume, str):
        held = g.get("session_response")  # read by the closed-campaign check, if it ran
        response = held if held is not None and held.id == response_id else (
            services.response_by_id(response_id))
    if (response is None or response.version.code != code
            or not same(response.resume_hash, digest(resume))):
        forget(code)
        return None
    # A response in progress shows its own version and belongs to the campaign that
    # started it (or to none).
    show(definition=response.version.definition, campaign=response.campaign_id)
    return response


def in_progress(view: View) -> View:
    """For the pages of a response being answered: none on this device -> the welcome page;
    completed -> the thank-you page; else the view gets the response."""
    @wraps(view)
    def wrapper(code: str, **kwargs: Any) -> Any:
        response = current_response(code)
        if response is None:
            return redirect(url_for("participate.welcome", code=code))
        if response.completed:
            return redirect(url_for("participate.done", code=code))
        return view(presentation.keep(response), **kwargs)
    return wrapper


def bookmark(response: ResponseState) -> Section:
    """The page a response resumes on."""
    return navigation.bookmark(response.version.definition, response.answers,
                               response.current_section)


def needs_code(response: ResponseState) -> bool:
    """Whether to ask the panel questions before the first page: a new response of a campaign
    whose evaluation uses self-generated codes, without one yet."""
    if (response.campaign_id is None or response.panel_hash is not None or response.completed
            or response.answers):
        return False
    shown = context.shown()
    evaluation = (shown.evaluation if shown.campaign_id == response.campaign_id
                  else context.evaluation_of(response.campaign_id))
    return asks_questions(evaluation)


def first_stop(response: ResponseState) -> str:
    """Where a response goes after consent or a private link: the panel page when it asks
    for a code, else its bookmark."""
    code = response.version.code
    if needs_code(response):
        return url_for("participate.panel", code=code)
    return url_for("participate.page", code=code, section_code=bookmark(response).code)


def open_response(response: ResponseState, resume_code: str, notice: bool) -> HttpResponse:
    """Make a response this device's, with its presentation choices and its campaign, and go
    to where it stands. ``notice``: the next page says plainly that these answers were started
    elsewhere (a private link, which anyone may have sent); never for the participant's own
    invitation."""
    code = response.version.code
    show(definition=response.version.definition)
    remember(code, response, resume_code)
    presentation.restore(response)
    campaign = response.campaign
    if campaign is not None:  # "Start my own answers" stays in the campaign
        campaigns.remember(code, campaign.slug)
    if response.completed:
        return redirect(url_for("participate.done", code=code))
    if notice:
        session["resumed"] = code
    else:
        session.pop("resumed", None)
    return redirect(first_stop(response))
