"""Authorization on every route, as a matrix generated from the app's URL map.

Every endpoint x every method x anonymous, admin, researcher, evaluator, partner and navigator
(members of evaluation A only), on evaluation A's parts and on evaluation B's. ``RULES``
says who may open each endpoint; an endpoint missing from it fails the suite, so a new route
needs a rule.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from survey.extensions import db
from tests.conftest import make_app
from tests.workspace import World, build_world, sign_in

PUBLIC = "public"  # anyone, participants included
SIGNED_IN = "signed-in"  # any active account
CREATOR = "creator"  # admins and researchers (of some evaluation): may create evaluations
ADMIN = "admin"
VIEW = ("researcher", "evaluator", "partner")  # members of the evaluation in the URL
OPERATE = ("researcher", "evaluator")
MANAGE = ("researcher",)
COLLECT = ("researcher", "evaluator", "navigator")  # assisted mode, paper entry, due lists

RULES: dict[str, object] = {
    "static": PUBLIC,
    "participate.index": PUBLIC,
    "participate.welcome": PUBLIC,
    "participate.consent": PUBLIC,
    "participate.page": PUBLIC,
    "participate.later": PUBLIC,
    "participate.done": PUBLIC,
    "participate.withdraw": PUBLIC,
    "participate.resume": PUBLIC,
    "participate.campaign_link": PUBLIC,
    "participate.panel": PUBLIC,
    "participate.media_file": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,
    "auth.reset_request": PUBLIC,
    "auth.one_time": PUBLIC,
    "auth.password": SIGNED_IN,
    "auth.users": ADMIN,
    "auth.user": ADMIN,
    "auth.user_reset": ADMIN,
    "auth.audit_log": ADMIN,
    "design.evaluations": SIGNED_IN,
    "design.evaluation_new": CREATOR,
    "design.evaluation": VIEW,
    "design.evaluation_edit": MANAGE,
    "design.evaluation_panel": MANAGE,
    "design.site_add": MANAGE,
    "design.site_edit": MANAGE,
    "design.wave_add": MANAGE,
    "design.wave_edit": MANAGE,
    "design.team_add": MANAGE,
    "design.team": MANAGE,
    "design.part_delete": MANAGE,
    "design.members": MANAGE,
    "design.member_role": MANAGE,
    "design.campaign_new": MANAGE,
    "design.campaign": VIEW,
    "design.campaign_edit": MANAGE,
    "design.campaign_status": OPERATE,
    "design.questionnaires": VIEW,
    "design.questionnaire_upload": MANAGE,
    "design.questionnaire_draft": VIEW,
    "design.questionnaire_publish": MANAGE,
    "design.questionnaire_drop": MANAGE,
    "design.questionnaire_draft_preview": VIEW,
    "design.questionnaire_version_preview": VIEW,
    "design.questionnaire_version": VIEW,
    "design.questionnaire_download": VIEW,
    "design.questionnaire_move_campaign": MANAGE,
    # invitations, emails, QR codes, outbox, monitoring (survey/design/invitations.py,
    # survey/design/monitoring.py, survey/invitations/routes.py)
    "invite.welcome": PUBLIC,
    "invite.consent": PUBLIC,
    "invite.unsubscribe": PUBLIC,
    "design.invitations": OPERATE,
    "design.invitations_generate": OPERATE,
    "design.invitations_import": OPERATE,
    "design.invitations_csv": OPERATE,
    "design.invitation_revoke": OPERATE,
    "design.mailing_new": OPERATE,
    "design.mailing_cancel": OPERATE,
    "design.campaign_qr_png": VIEW,
    "design.campaign_qr_svg": VIEW,
    "design.campaign_poster": VIEW,
    "design.outbox": OPERATE,
    "design.outbox_message": OPERATE,
    "design.outbox_all": ADMIN,
    "design.outbox_all_message": ADMIN,
    "design.campaign_monitoring": VIEW,
    "design.evaluation_monitoring": VIEW,
    "results.evaluation": VIEW,
    "results.download": OPERATE,  # row-level data: never partners
    "results.plotly_js": PUBLIC,
    "results.computing": VIEW,  # a results job's progress: no figures, partners poll it too
    "assess.evaluation": VIEW,  # self-assessments; partners limited to sites see theirs only
    "assess.download": VIEW,  # its CSV (site-level statements, the reader's sites only)
    "assess.member_sites": MANAGE,  # the sites a partner's membership is limited to
    # paper copies (survey/paper): the team prints and settles, collectors type copies back
    "paper.copies": OPERATE,
    "paper.print_copies": OPERATE,
    "paper.specimen": VIEW,
    "paper.entry_start": COLLECT,  # navigators limited to their sites' campaigns
    "paper.entry_form": COLLECT,
    "paper.settle": OPERATE,
    "collect.home": SIGNED_IN,  # a navigator's home: what they may collect for, counts only
    "collect.assisted": COLLECT,  # assisted mode of a campaign (a navigator's sites only)
    "collect.worker": PUBLIC,  # the assisted mode's service worker (a static script)
    "collect.token": SIGNED_IN,  # a fresh CSRF token for the device's queue
    "collect.receive": COLLECT,  # sealed responses from a navigator's device
    "results.retry": VIEW,  # start a failed results job again (POST): partners view the page too
    # results given back (survey/restitution/routes.py): the participant's links are their
    # own secrets; the researcher's pages
    "restitution.public_page": PUBLIC,
    "restitution.by_resume": PUBLIC,
    "restitution.by_invitation": PUBLIC,
    "restitution.pages": MANAGE,
    "restitution.page": MANAGE,
    "restitution.finding_add": MANAGE,
    "restitution.finding_edit": MANAGE,
    "restitution.publish": MANAGE,
    "restitution.announce": MANAGE,
    "restitution.preview": OPERATE,
    "restitution.poster": OPERATE,
    "restitution.reactions": OPERATE,
    "restitution.reactions_csv": OPERATE,
    # background jobs (survey/jobs/routes.py): a job of the evaluation in the URL only
    "jobs.evaluation": OPERATE,  # the evaluation's jobs: its members who see its data
    "jobs.page": OPERATE,
    "jobs.state": OPERATE,
    "jobs.download": OPERATE,  # row-level data: never partners
    # co-design review (survey/review): reviewers by the secret of their link, researchers
    "review.start": PUBLIC,
    "review.page": PUBLIC,
    "review.done": PUBLIC,
    "review.round_open": MANAGE,
    "review.round_page": MANAGE,
    "review.links_add": MANAGE,
    "review.link_revoke": MANAGE,
    "review.link_email": MANAGE,
    "review.link_qr": MANAGE,
    "review.round_close": MANAGE,
    "review.rewording_decide": MANAGE,
    "review.rounds_compare": MANAGE,
    "review.ratings_csv": MANAGE,
    "review.my_reviews": VIEW,  # members (partners above all) review from their account
    "review.join": VIEW,
    "review.account_page": VIEW,
    "review.proposal_new": VIEW,
    "review.proposal_decide": MANAGE,
    "followup.series_list": OPERATE,  # figures of the people followed: never partners
    "followup.series_new": MANAGE,
    "followup.series_page": OPERATE,
    "followup.due": COLLECT,  # navigators' list of people due (their sites only)
    "followup.record": COLLECT,
    "followup.address": PUBLIC,  # a participant leaves an address after a baseline
    # the questionnaire designer (survey/designer): researchers only, reading included
    "designer.index": MANAGE,
    "designer.new": MANAGE,
    "designer.copy": MANAGE,
    "designer.draft": MANAGE,
    "designer.settings": MANAGE,
    "designer.download": MANAGE,
    "designer.page_new": MANAGE,
    "designer.page_edit": MANAGE,
    "designer.page_action": MANAGE,
    "designer.item_new": MANAGE,
    "designer.item_edit": MANAGE,
    "designer.item_action": MANAGE,
    "designer.bank_copy": MANAGE,
    "designer.scale_edit": MANAGE,
    "designer.scale_delete": MANAGE,
    "designer.history": MANAGE,
    "designer.restore": MANAGE,
}

# Least rights first: what an allowed identity changes cannot hide a refusal to the next.
IDENTITIES = ("anonymous", "navigator", "partner", "evaluator", "researcher", "admin")


def _endpoints() -> list[tuple[str, str]]:
    app = make_app("sqlite://")
    return sorted({(rule.endpoint, method) for rule in app.url_map.iter_rules()
                   for method in rule.methods - {"HEAD", "OPTIONS"}})


ENDPOINTS = _endpoints()


def test_every_endpoint_has_a_rule() -> None:
    missing = sorted({endpoint for endpoint, _ in ENDPOINTS} - set(RULES))
    assert not missing, f"routes without an authorization rule in RULES: {missing}"
    stale = sorted(set(RULES) - {endpoint for endpoint, _ in ENDPOINTS})
    assert not stale, f"rules for routes that no longer exist: {stale}"


@pytest.fixture
def matrix_app(sqlite_template: Path, tmp_path: Path) -> Iterator[Flask]:
    path = tmp_path / "survey.db"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}", WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    yield app
    with app.app_context():
        db.engine.dispose()


def _url(app: Flask, endpoint: str, world: World, target: str) -> str:
    part = world.a if target == "a" else world.b
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {
        "evaluation_id": part.evaluation, "site_id": part.site, "wave_id": part.wave,
        "team_id": part.team, "campaign_id": part.campaign, "membership_id": part.membership,
        "slug": part.slug, "user_id": world.users["partner"], "code": "professionals",
        "section_code": "role", "resume_code": "x" * 32, "secret": "y" * 32,
        "filename": "survey.css", "content_hash": "0" * 64, "language": "fr", "number": 1,
        "fmt": "codebook" if endpoint == "results.download" else "yaml", "token": "z" * 32,
        "invitation_id": 1, "mailing_id": 1, "name": "x.eml", "parts": "waves", "ident": part.wave,
        "job_id": part.job, "page_id": 1, "finding_id": 1, "what": "scores", "round_id": 1,
        "reviewer_id": 1, "rating_id": 1, "proposal_id": 1, "identifier": "23456789",
        "series_id": 1, "task_id": 1,
        "draft_id": 1, "action": "up", "scale_code": "access",
    }
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **{name: values[name] for name in rule.arguments})


def _allowed(rule: object, identity: str, target: str) -> bool:
    if rule == PUBLIC:
        return True
    if identity == "anonymous":
        return False
    if identity == "admin":
        return True
    if rule == SIGNED_IN:
        return True
    if rule == ADMIN:
        return False
    if rule == CREATOR:
        return identity == "researcher"
    assert isinstance(rule, tuple)
    return target == "a" and identity in rule  # members of A only, never of B


@pytest.mark.parametrize(("endpoint", "method"), ENDPOINTS)
def test_route_by_role(matrix_app: Flask, endpoint: str, method: str) -> None:
    rule = RULES.get(endpoint)
    assert rule is not None, f"{endpoint} has no rule in RULES"
    world = build_world(matrix_app, passwords=False)
    scoped = any("evaluation_id" in r.arguments for r in matrix_app.url_map.iter_rules()
                 if r.endpoint == endpoint)
    failures = []
    for target in ("a", "b") if scoped else ("a",):
        url = _url(matrix_app, endpoint, world, target)
        for identity in IDENTITIES:
            client = matrix_app.test_client()
            if identity != "anonymous":
                sign_in(client, matrix_app, world.users[identity])
            if endpoint.startswith("participate.") and "/q/" in url:
                client.get(f"/c/{world.a.slug}")  # questionnaires are reached through campaigns
            response = client.open(url, method=method, data={})
            status = response.status_code
            to_login = status == 302 and "/login" in response.headers.get("Location", "")
            # Public pages may send to sign in (signing out does): only 403 refuses there.
            denied = status == 403 or (to_login and rule != PUBLIC)
            expected = _allowed(rule, identity, target)
            if status >= 500 or denied == expected:
                failures.append(f"{method} {url} as {identity}: {status} "
                                f"(expected {'allowed' if expected else 'denied'})")
            if not expected and identity == "anonymous" and not to_login:
                failures.append(f"{method} {url} anonymous: {status}, not sent to sign in")
    assert not failures, "\n".join(failures)
