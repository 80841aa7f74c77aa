"""A research workspace to test with: an admin, a researcher, an evaluator and a partner of
evaluation A, and evaluation B that none of them belongs to (its own researcher only)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from survey.auth import accounts
from survey.auth.passwords import hash_password
from survey.design import services
from survey.extensions import db
from survey.models import Job, Membership, User
from survey.versions import latest_version

PASSWORD = "correct horse battery"
ROLES = ("researcher", "evaluator", "partner", "navigator")


@dataclass
class Part:
    """The ids of one evaluation's parts."""

    evaluation: int
    site: int
    wave: int
    team: int
    campaign: int
    slug: str
    membership: int
    job: int = 0  # a finished export of the evaluation (survey/jobs)


@dataclass
class World:
    users: dict[str, int] = field(default_factory=dict)  # admin, researcher, ... -> user id
    a: Part | None = None
    b: Part | None = None


def make_user(email: str, *, admin: bool = False, password: str | None = PASSWORD) -> User:
    user = accounts.create_user(email, admin=admin)
    if password is not None:
        user.password_hash = hash_password(password)
        db.session.commit()
    db.session.refresh(user)  # its columns stay readable once the app context ends
    return user


def _part(name: str, researcher: User) -> Part:
    evaluation = services.create_evaluation(researcher, name=name,
                                            responsible_name=f"Responsible of {name}",
                                            contact_email="contact@example.org")
    site = services.save_site(evaluation, None, name=f"{name} clinic", kind="clinic",
                              is_comparison=False)
    wave = services.save_wave(evaluation, None, code="T0", label="Baseline")
    team = services.save_team(site, None, name=f"{name} team")
    services.set_team_roster(team, "Alex Martin\nSam Roy\nKim Tran")
    campaign = services.create_campaign(evaluation, researcher,
                                        version=latest_version("professionals"), site=site,
                                        wave=wave, team=team)
    services.set_campaign_status(campaign, "open", researcher)
    membership = db.session.scalar(db.select(Membership).filter_by(
        user_id=researcher.id, evaluation_id=evaluation.id))
    job = Job(kind="export", evaluation_id=evaluation.id, owner_id=researcher.id, state="done",
              params={"questionnaire": "professionals", "fmt": "csv", "filename": "p.csv"},
              attempts=1, done=0, total=0, result={}, result_file="", error="")
    db.session.add(job)
    db.session.commit()
    return Part(evaluation.id, site.id, wave.id, team.id, campaign.id, campaign.slug,
                membership.id, job.id)


def build_world(app: Flask, passwords: bool = True) -> World:
    """``passwords=False`` skips the (slow by design) argon2 hashes when nobody types one."""
    world = World()
    password = PASSWORD if passwords else None
    with app.app_context():
        admin = make_user("admin@example.org", admin=True, password=password)
        users = {role: make_user(f"{role}@example.org", password=password) for role in ROLES}
        outsider = make_user("b-researcher@example.org", password=password)
        # Evaluation A: created by its researcher, who then adds the evaluator and partner.
        world.a = _part("Alpha", users["researcher"])
        evaluation_a = db.session.get(services.Evaluation, world.a.evaluation)
        for role in ("evaluator", "partner", "navigator"):
            accounts.set_role(users[role], evaluation_a, role)
        world.b = _part("Bravo", outsider)
        world.users = {"admin": admin.id, **{r: u.id for r, u in users.items()},
                       "outsider": outsider.id}
    return world


def sign_in(client: FlaskClient, app: Flask, user_id: int) -> None:
    """Sign in as this account without the login form (its own tests drive that form)."""
    with app.app_context():
        user = db.session.get(User, user_id)
        ident = user.get_id()
    with client.session_transaction() as session:
        session["_user_id"] = ident
        session["_fresh"] = True


def csrf(page: TestResponse) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    assert match, "no CSRF token on the page"
    return match.group(1)
