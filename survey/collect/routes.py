"""A navigator's pages: home (counts only), assisted mode (every page of the questionnaire,
shown one at a time by a script, working offline), its service worker, a fresh CSRF token for
the device's queue, and the endpoint that receives sealed responses."""

from __future__ import annotations

from pathlib import Path

from flask import (
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    send_file,
)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response as HttpResponse

from .. import context
from ..auth.permissions import COLLECT, member, signed_in
from ..language import participant_language
from ..models import Campaign, Evaluation
from ..models.types import utcnow
from ..models.workspace import OPEN
from ..panel.questions import shown_options
from ..panel.services import asks_questions, questions_of
from ..questionnaire import expressions, navigation
from . import intake, keys, services
from .blueprint import ASSISTED, bp
from .pages import assisted_pages
from .rules import page_rules

E = "/e/<int:evaluation_id>"
WORKER = Path(__file__).parent.parent / "static" / "collect-sw.js"
MAX_BODY = 2_000_000


def _campaign(evaluation: Evaluation, campaign_id: int) -> Campaign:
    try:
        return services.collectable(current_user, evaluation, campaign_id)
    except LookupError:
        abort(404)
    except services.NotCollectable:
        abort(403)


def _json(body: dict[str, object], status: int = 200) -> tuple[HttpResponse, int]:
    answer = jsonify(body)
    answer.headers["Cache-Control"] = "no-store"
    return answer, status


@bp.app_template_global()
def collects() -> bool:
    """Whether the signed-in account collects answers somewhere (the workspace links here)."""
    return bool(current_user.is_authenticated and services.collects_somewhere(current_user))


@bp.get("/")
@signed_in
def home() -> str:
    return render_template("collect/home.html", collecting=services.home(current_user, utcnow()))


@bp.get(ASSISTED + "/<int:evaluation_id>/<int:campaign_id>")
@member(COLLECT)
def assisted(evaluation: Evaluation, campaign_id: int) -> str:
    campaign = _campaign(evaluation, campaign_id)
    if campaign.status != OPEN:
        return render_template("collect/closed.html", evaluation=evaluation, campaign=campaign)
    definition = campaign.version.definition
    context.show(definition=definition, version=campaign.version, campaign=campaign)
    language = participant_language(definition)
    key = keys.key_of(evaluation.id, current_app.config["SECRET_KEY"])
    return render_template(
        "collect/assisted.html", evaluation=evaluation, campaign=campaign,
        definition=definition, language=language, today=expressions.today(),
        pages=assisted_pages(campaign, definition, language),
        rules=page_rules(definition),
        more_functions=any(navigation.needs_more_functions(s) for s in definition.sections),
        panel_questions=questions_of(evaluation) if asks_questions(evaluation) else [],
        panel_options=shown_options,
        public_key=keys.public_key_spki(key))


@bp.get(ASSISTED + "/sw.js")
def worker() -> HttpResponse:
    """The service worker, served from the assisted path so that its scope is that path."""
    answer = send_file(WORKER, mimetype="text/javascript", max_age=0)
    answer.headers["Cache-Control"] = "no-cache"
    return answer


@bp.get("/token")
@signed_in
def token() -> tuple[HttpResponse, int]:
    """A fresh CSRF token for the device's queue (a page loaded offline may hold an old one)."""
    return _json({"csrf": generate_csrf()})


@bp.post(E + "/c/<int:campaign_id>/responses")
@member(COLLECT)
def receive(evaluation: Evaluation, campaign_id: int) -> tuple[HttpResponse, int]:
    """A sealed response from a navigator's device: stored once per idempotency key."""
    campaign = _campaign(evaluation, campaign_id)
    if (request.content_length or 0) > MAX_BODY:
        return _json({"error": "too-large"}, 413)
    body = request.get_json(silent=True) if request.is_json else None
    try:
        receipt = intake.receive(campaign, current_user, body,
                                 current_app.config["SECRET_KEY"])
    except intake.Refused as refused:
        return _json({"error": refused.reason, "items": list(refused.items)}, refused.status)
    return _json(receipt.body())
