"""The research workspace as its users meet it: first admin, sign-in, passwords, one-time links,
evaluations with sites, waves, teams and rosters, campaigns and their participant links, the
audit log, and the ``survey`` command twins."""

from __future__ import annotations

import datetime as dt
import re
import time
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select

from survey.audit import events
from survey.auth.cli import users_group
from survey.cli import first_run
from survey.design import services
from survey.design.cli import campaigns_group, evaluations_group
from survey.design.rosters import RosterError, parse_roster
from survey.extensions import db
from survey.models import AuditEvent, Campaign, Evaluation, Response, Site, Team, User, Wave
from survey.questionnaire import load_text
from survey.versions import latest_version, store_definition
from tests.workspace import PASSWORD, build_world, csrf, make_user, sign_in


def _actions(app: Flask) -> list[str]:
    with app.app_context():
        return [e.action for e in reversed(events())]


def _outbox(app: Flask) -> list:
    folder = Path(app.instance_path) / "outbox"
    files = sorted(folder.glob("*.eml")) if folder.exists() else []
    return [BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in files]


def _link_path(text: str) -> str:
    match = re.search(r"https?://[^/\s]+(/welcome/[A-Za-z0-9_-]+)", text)
    assert match, text
    return match.group(1)


@pytest.fixture
def instance(app: Flask, tmp_path: Path) -> Flask:
    app.instance_path = str(tmp_path / "instance")
    return app


def english(client: FlaskClient) -> FlaskClient:
    with client.session_transaction() as session:
        session["lang"] = "en"
    return client


def _login(client: FlaskClient, email: str, password: str, next_url: str = ""):
    page = client.get("/login" + (f"?next={next_url}" if next_url else ""))
    return client.post("/login" + (f"?next={next_url}" if next_url else ""),
                       data={"csrf_token": csrf(page), "email": email, "password": password})


# -- first run and accounts ------------------------------------------------------------------

def test_first_run_prints_a_one_time_link_that_creates_the_admin(app: Flask,
                                                                 client: FlaskClient) -> None:
    english(client)
    with app.app_context():
        from click.testing import CliRunner

        output = CliRunner().invoke(_first_run_command(), []).output
    path = _link_path(output)
    page = client.get(path)
    assert page.status_code == 200 and "administrator" in page.get_data(as_text=True).lower()
    short = client.post(path, data={"csrf_token": csrf(page), "email": "boss@example.org",
                                     "password": "short", "confirm": "short"})
    assert short.status_code == 422
    done = client.post(path, data={"csrf_token": csrf(page), "email": "Boss@Example.org",
                                   "name": "The Boss", "password": PASSWORD,
                                   "confirm": PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/design/")
    assert client.get("/design/").status_code == 200  # signed in
    with app.app_context():
        boss = db.session.scalar(select(User).filter_by(email="boss@example.org"))
        assert boss.is_admin and boss.password_hash.startswith("$argon2id$")
    again = app.test_client().get(path + "?lang=en")
    assert again.status_code == 404 and "no longer works" in again.get_data(as_text=True)
    with app.app_context():
        from click.testing import CliRunner

        assert "/welcome/" not in CliRunner().invoke(_first_run_command(), []).output


def _first_run_command():
    import click

    @click.command()
    def command() -> None:
        first_run()
    return command


def test_first_run_creates_the_demonstration_evaluation_linked_from_home(
        app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        first_run()
        first_run()  # idempotent
        demos = db.session.scalars(select(Evaluation).filter_by(is_demo=True)).all()
        assert len(demos) == 1
        slugs = {c.slug for c in demos[0].campaigns if c.is_open}
        assert len(slugs) == 3
    home = client.get("/").get_data(as_text=True)
    linked = set(re.findall(r'href="/c/([A-Za-z0-9_-]+)"', home))
    assert linked == slugs
    welcome = client.get(f"/c/{sorted(slugs)[0]}", follow_redirects=True)
    assert welcome.status_code == 200 and "/consent" in welcome.get_data(as_text=True)


def test_sign_in_audited_both_ways_and_no_open_redirect(app: Flask, client: FlaskClient) -> None:
    english(client)
    with app.app_context():
        make_user("ana@example.org")
    wrong = _login(client, "ana@example.org", "not the password")
    assert wrong.status_code == 401 and "Wrong email or password" in wrong.get_data(as_text=True)
    unknown = _login(client, "nobody@example.org", PASSWORD)
    assert unknown.status_code == 401
    good = _login(client, "ANA@example.org", PASSWORD, next_url="//evil.example/x")
    assert good.status_code == 302 and good.headers["Location"] == "/design/"
    cookie = good.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert _actions(app)[-3:] == ["sign-in-failed", "sign-in-failed", "sign-in"]
    with app.app_context():
        ana = db.session.scalar(select(User).filter_by(email="ana@example.org"))
        assert ana.last_login is not None
        failed = events(action="sign-in-failed")
        assert {e.details["reason"] for e in failed} == {"password", "unknown"}


def test_sign_in_is_rate_limited(app: Flask, client: FlaskClient) -> None:
    # An hour's window: a slow machine cannot let the counter expire during the test.
    app.config["LOGIN_RATE_LIMIT"] = "3 per hour"
    statuses = [_login(client, "x@example.org", "nope nope nope").status_code
                for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    assert "Trop de tentatives" in _login_page_after_limit(client)


def test_session_cookie_secure_behind_https() -> None:
    from tests.conftest import make_app

    app = make_app("sqlite://", BASE_URL="https://survey.example.org")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert make_app("sqlite://").config["SESSION_COOKIE_SECURE"] is False


def test_changing_the_password_ends_the_other_sessions(app: Flask) -> None:
    with app.app_context():
        user_id = make_user("ana@example.org").id
    here, there = app.test_client(), app.test_client()
    assert _login(here, "ana@example.org", PASSWORD).status_code == 302
    assert _login(there, "ana@example.org", PASSWORD).status_code == 302
    page = here.get("/account/password")
    wrong = here.post("/account/password", data={
        "csrf_token": csrf(page), "current": "wrong password!", "password": "a new long one",
        "confirm": "a new long one"})
    assert wrong.status_code == 422
    changed = here.post("/account/password", data={
        "csrf_token": csrf(page), "current": PASSWORD, "password": "a new long one",
        "confirm": "a new long one"})
    assert changed.status_code == 302
    assert here.get("/design/").status_code == 200
    assert there.get("/design/").headers["Location"].startswith("/login")
    assert _login(app.test_client(), "ana@example.org", "a new long one").status_code == 302
    assert "password-changed" in _actions(app)
    assert user_id


def test_idle_session_ends(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_user("ana@example.org")
    _login(client, "ana@example.org", PASSWORD)
    assert client.get("/design/").status_code == 200
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - 61 * 60
    gone = client.get("/design/")
    assert gone.status_code == 302 and "idle=1" in gone.headers["Location"]
    assert client.get("/design/").headers["Location"].startswith("/login")


def test_password_reset_by_one_time_link_in_the_outbox(instance: Flask) -> None:
    app = instance
    client = app.test_client()
    with app.app_context():
        make_user("ana@example.org")
    page = english(client).get("/reset")
    sent = client.post("/reset", data={"csrf_token": csrf(page), "email": "ana@example.org"})
    assert "Check your email" in sent.get_data(as_text=True)
    client.post("/reset", data={"csrf_token": csrf(page), "email": "nobody@example.org"})
    messages = _outbox(app)
    assert [m["To"] for m in messages] == ["ana@example.org"]
    path = _link_path(messages[0].get_content())
    form = client.get(path)
    done = client.post(path, data={"csrf_token": csrf(form), "password": "brand new secret",
                                   "confirm": "brand new secret"})
    assert done.status_code == 302
    assert client.get(path).status_code == 404  # used once
    assert _login(app.test_client(), "ana@example.org", "brand new secret").status_code == 302
    assert _login(app.test_client(), "ana@example.org", PASSWORD).status_code == 401


def test_admin_creates_accounts_and_reads_the_filtered_audit_log(instance: Flask) -> None:
    app = instance
    client = app.test_client()
    with app.app_context():
        admin = make_user("admin@example.org", admin=True)
    sign_in(client, app, admin.id)
    page = client.get("/admin/users")
    created = client.post("/admin/users", data={"csrf_token": csrf(page),
                                                "email": "new@example.org", "name": "New"})
    assert created.status_code == 200 and "new@example.org" in created.get_data(as_text=True)
    assert _outbox(app)[0]["To"] == "new@example.org"
    with app.app_context():
        new = db.session.scalar(select(User).filter_by(email="new@example.org"))
        assert new.password_hash is None  # no default password, ever
        new_id = new.id
    edit = client.get(f"/admin/users/{new_id}")
    client.post(f"/admin/users/{new_id}", data={"csrf_token": csrf(edit), "admin": "y"})
    with app.app_context():
        new = db.session.get(User, new_id)
        assert new.is_admin and not new.active  # "active" left unticked
    log = client.get("/admin/audit?action=admin-granted").get_data(as_text=True)
    assert "new@example.org" in log and "<td>account-deactivated</td>" not in log
    log = client.get("/admin/audit?text=new%40").get_data(as_text=True)
    assert "<td>account-created</td>" in log and "<td>account-deactivated</td>" in log


def test_audit_log_filters_by_day_and_pages_back_with_only_its_filters(instance: Flask) -> None:
    app = instance
    client = app.test_client()
    with app.app_context():
        admin = make_user("admin@example.org", admin=True)
        admin_id = admin.id
        for day in (1, 2, 3):  # one event late on each of three days (UTC)
            db.session.add(AuditEvent(action="campaign-opened", target=f"campaign of day {day}",
                                      actor_id=admin_id,
                                      at=dt.datetime(2026, 3, day, 23, 30, tzinfo=dt.UTC)))
        for n in range(105):
            db.session.add(AuditEvent(action="campaign-closed", target=f"closing {n}",
                                      actor_id=admin_id))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) >= 108
    sign_in(client, app, admin_id)
    log = client.get("/admin/audit?since=2026-03-02&until=2026-03-02").get_data(as_text=True)
    assert "campaign of day 2" in log
    assert "campaign of day 1" not in log and "campaign of day 3" not in log
    log = client.get("/admin/audit?since=2026-03-02&action=campaign-opened").get_data(as_text=True)
    assert "campaign of day 3" in log and "campaign of day 1" not in log
    # A date that is not one is shown beside its field, not used, and never a 500.
    bad = client.get("/admin/audit?since=not-a-date&action=campaign-opened&endpoint=x&_method=POST")
    assert bad.status_code == 200
    assert "campaign of day 1" in bad.get_data(as_text=True)
    assert 'aria-invalid="true"' in bad.get_data(as_text=True)
    # Paging back keeps the filter and drops anything else from the query string.
    first = client.get("/admin/audit?action=campaign-closed&endpoint=x").get_data(as_text=True)
    more = re.search(r'href="([^"]*before=[^"]*)"', first)
    assert more is not None
    link = more.group(1).replace("&amp;", "&")
    assert "action=campaign-closed" in link and "endpoint" not in link
    older = client.get(link).get_data(as_text=True)
    assert "closing 0" in older and "closing 104" not in older


def test_the_last_admin_cannot_be_removed(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        admin = make_user("admin@example.org", admin=True)
    sign_in(client, app, admin.id)
    edit = client.get(f"/admin/users/{admin.id}")
    refused = client.post(f"/admin/users/{admin.id}", data={"csrf_token": csrf(edit),
                                                              "active": "y"})
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.get(User, admin.id).is_admin


# -- evaluations and campaigns ---------------------------------------------------------------

def test_a_researcher_builds_an_evaluation_and_runs_a_campaign(app: Flask) -> None:
    with app.app_context():
        admin = make_user("admin@example.org", admin=True, password=None)
    client = app.test_client()
    sign_in(english(client), app, admin.id)
    page = client.get("/design/new")
    created = client.post("/design/new", data={
        "csrf_token": csrf(page), "name": "Clinique de quartier", "responsible_name": "Dre Roy",
        "contact_email": "roy@example.org", "contact_phone": "514 555 0101",
        "privacy_officer_name": "M. Gagnon", "privacy_officer_email": "vie@example.org"})
    base = created.headers["Location"]
    token = csrf(client.get(base))
    for name, comparison in (("Nord", ""), ("Sud", "y")):
        client.post(base + "/sites", data={"csrf_token": token, "site-name": name,
                                           "site-kind": "clinic",
                                           "site-is_comparison": comparison})
    for code in ("T0", "T1"):
        client.post(base + "/waves", data={"csrf_token": token, "wave-code": code,
                                           "wave-starts_on": "2027-01-10"})
    with app.app_context():
        evaluation = db.session.scalar(select(Evaluation).filter_by(name="Clinique de quartier"))
        assert [s.name for s in evaluation.sites] == ["Nord", "Sud"]
        assert [s.is_comparison for s in evaluation.sites] == [False, True]
        assert [w.code for w in evaluation.waves] == ["T0", "T1"]
        site_id, wave_id = evaluation.sites[0].id, evaluation.waves[0].id
    team = client.post(base + "/teams", data={"csrf_token": token, "team-site": str(site_id),
                                              "team-name": "Équipe A"})
    team_url = team.headers["Location"]
    client.post(team_url, data={"csrf_token": token, "name": "Équipe A",
                                "roster": "Alex Martin\nlead; Sam Roy\n\nKim Tran\n"})
    roster = client.get(team_url).get_data(as_text=True)
    assert "Sam Roy" in roster and "<code>lead</code>" in roster
    page = client.get(base + "/campaigns/new")
    version = re.search(r'<option value="(\d+)"[^>]*>professionals', page.get_data(as_text=True))
    made = client.post(base + "/campaigns/new", data={
        "csrf_token": csrf(page), "version": version.group(1), "audience": "",
        "site": str(site_id), "wave": str(wave_id), "team": "", "name": "", "roster": ""})
    campaign_url = made.headers["Location"]
    shown = client.get(campaign_url).get_data(as_text=True)
    slug = re.search(r"/c/([A-Za-z0-9_-]+)", shown).group(1)

    participant = app.test_client()
    closed = participant.get(f"/c/{slug}")  # campaigns start closed
    assert closed.status_code == 410 and "fermé" in closed.get_data(as_text=True)
    client.post(campaign_url + "/status", data={"csrf_token": token, "status": "open"})
    welcome = participant.get(f"/c/{slug}", follow_redirects=True).get_data(as_text=True)
    assert "Dre Roy" in welcome and "roy@example.org" in welcome and "M. Gagnon" in welcome
    consent = participant.get("/q/professionals/consent")
    assert "roy@example.org" in consent.get_data(as_text=True)
    started = participant.post("/q/professionals/consent", data={
        "csrf_token": csrf(consent), "start_token": re.search(
            r'name="start_token"[^>]*value="([^"]+)"', consent.get_data(as_text=True)).group(1),
        "agree": "y"})
    assert started.status_code == 302
    with app.app_context():
        response = db.session.scalar(select(Response))
        campaign = db.session.scalar(select(Campaign).filter_by(slug=slug))
        assert response.campaign_id == campaign.id
    client.post(campaign_url + "/status", data={"csrf_token": token, "status": "closed"})
    in_progress = participant.get(started.headers["Location"])
    assert in_progress.status_code == 410
    in_english = app.test_client().get(f"/c/{slug}?lang=en")
    assert in_english.status_code == 410 and "This questionnaire is closed" in in_english.get_data(
        as_text=True)
    client.post(campaign_url + "/status", data={"csrf_token": token, "status": "open"})
    assert participant.get(started.headers["Location"]).status_code == 200
    actions = _actions(app)
    assert actions.count("campaign-opened") == 2 and actions.count("campaign-closed") == 1
    assert "Reopen" not in client.get(campaign_url).get_data(as_text=True)  # it is open


def test_parts_set_up_by_mistake_are_deleted_and_used_ones_refused(app: Flask) -> None:
    world = build_world(app, passwords=False)
    a = world.a
    client = app.test_client()
    sign_in(english(client), app, world.users["researcher"])
    base = f"/design/e/{a.evaluation}"
    with app.app_context():
        evaluation = db.session.get(Evaluation, a.evaluation)
        spare_site = services.save_site(evaluation, None, name="Spare", kind="clinic",
                                        is_comparison=False)
        spare_team = services.save_team(spare_site, None, name="Spare team")
        services.set_team_roster(spare_team, "Lou Bell")
        spare_wave = services.save_wave(evaluation, None, code="T9")
        spare_ids = spare_site.id, spare_team.id, spare_wave.id
    # Used parts: the campaign's site, wave and team are refused with the reason.
    for kind, ident in (("sites", a.site), ("waves", a.wave), ("teams", a.team)):
        page = client.get(f"{base}/{'teams' if kind == 'teams' else kind}/{ident}")
        refused = client.post(f"{base}/{kind}/{ident}/delete", data={"csrf_token": csrf(page)},
                              follow_redirects=True)
        assert "has campaigns: it cannot be deleted" in refused.get_data(as_text=True)
    page = client.get(f"{base}/sites/{spare_ids[0]}")
    assert "Only what no campaign uses yet can be deleted." in page.get_data(as_text=True)
    # Without its CSRF token nothing is deleted.
    client.post(f"{base}/sites/{spare_ids[0]}/delete", data={})
    with app.app_context():
        assert db.session.get(Site, spare_ids[0]) is not None
    done = client.post(f"{base}/sites/{spare_ids[0]}/delete", data={"csrf_token": csrf(page)},
                       follow_redirects=True)
    assert "Deleted." in done.get_data(as_text=True)
    client.post(f"{base}/waves/{spare_ids[2]}/delete", data={"csrf_token": csrf(page)})
    with app.app_context():
        assert db.session.get(Site, spare_ids[0]) is None
        assert db.session.get(Team, spare_ids[1]) is None  # its team and roster went with it
        assert db.session.get(Wave, spare_ids[2]) is None
        assert db.session.get(Site, a.site) is not None and db.session.get(Wave, a.wave)
    # A campaign with a response is refused; an unused one is deleted; both audited.
    with app.app_context():
        db.session.add(Response(version_id=db.session.get(Campaign, a.campaign).version_id,
                                campaign_id=a.campaign, language="fr", resume_hash="h" * 64,
                                start_hash="s" * 64))
        db.session.commit()
        spare = services.create_campaign(db.session.get(Evaluation, a.evaluation), None,
                                         version=db.session.get(Campaign, a.campaign).version)
        spare_id = spare.id
    page = client.get(f"{base}/campaigns/{spare_id}")
    assert "Delete the campaign" in page.get_data(as_text=True)
    refused = client.post(f"{base}/campaigns/{a.campaign}/delete",
                          data={"csrf_token": csrf(page)}, follow_redirects=True)
    assert "has responses or invitations" in refused.get_data(as_text=True)
    client.post(f"{base}/campaigns/{spare_id}/delete", data={"csrf_token": csrf(page)})
    with app.app_context():
        assert db.session.get(Campaign, spare_id) is None
        assert db.session.get(Campaign, a.campaign) is not None
    assert {"site-deleted", "wave-deleted", "campaign-deleted"} <= set(_actions(app))


def test_members_see_only_their_evaluations(app: Flask) -> None:
    world = build_world(app, passwords=False)
    client = app.test_client()
    sign_in(english(client), app, world.users["partner"])
    listing = client.get("/design/").get_data(as_text=True)
    assert "Alpha" in listing and "Bravo" not in listing
    page = client.get(f"/design/e/{world.a.evaluation}").get_data(as_text=True)
    assert "New campaign" not in page and "Add a site" not in page  # a partner only reads
    assert "&lt; 5 / &lt; 5" in page  # counts under the privacy threshold are hidden
    assert client.get(f"/design/e/{world.b.evaluation}").status_code == 403
    # A part of B reached through A's URL is not found either.
    sign_in(client, app, world.users["researcher"])
    assert "<td>0 / 0</td>" in client.get(f"/design/e/{world.a.evaluation}").get_data(
        as_text=True)  # researchers see the counts themselves
    assert client.get(f"/design/e/{world.a.evaluation}/teams/{world.b.team}").status_code == 404
    assert client.get(
        f"/design/e/{world.a.evaluation}/campaigns/{world.b.campaign}").status_code == 404


def test_adding_a_member_creates_the_account_and_sends_its_link(instance: Flask) -> None:
    app = instance
    world = build_world(app, passwords=False)
    client = app.test_client()
    sign_in(client, app, world.users["researcher"])
    url = f"/design/e/{world.a.evaluation}/members"
    page = client.get(url)
    added = client.post(url, data={"csrf_token": csrf(page), "email": "Pat@Example.org",
                                   "role": "partner"})
    assert added.status_code == 200 and "/welcome/" in added.get_data(as_text=True)
    assert _outbox(app)[-1]["To"] == "pat@example.org"
    assert [a for a in _actions(app)
                                                   if a in ("account-created", "role-granted")
                                                   ][-2:] == ["account-created", "role-granted"]


HOSTILE = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)//<svg/onload=alert(1)>",
    "{{ 7*7 }}<b>bold</b>",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_names_are_shown_escaped(app: Flask, payload: str) -> None:
    with app.app_context():
        admin = make_user("admin@example.org", admin=True, password=None)
        evaluation = services.create_evaluation(admin, name=payload, responsible_name=payload,
                                                description=payload, contact_phone=payload,
                                                privacy_officer_name=payload)
        site = services.save_site(evaluation, None, name=payload, kind="other",
                                  is_comparison=False)
        wave = services.save_wave(evaluation, None, code="T0", label=payload)
        team = services.save_team(site, None, name=payload)
        services.set_team_roster(team, payload)
        from survey.versions import latest_version

        campaign = services.create_campaign(evaluation, admin, name=payload, site=site, wave=wave,
                                            version=latest_version("patients"), roster=payload)
        services.set_campaign_status(campaign, "open", admin)
        ids = (evaluation.id, team.id, campaign.id, campaign.slug, admin.id)
    client = app.test_client()
    e, t, c, slug, admin_id = ids
    sign_in(client, app, admin_id)
    pages = ["/design/", f"/design/e/{e}", f"/design/e/{e}/edit", f"/design/e/{e}/teams/{t}",
             f"/design/e/{e}/campaigns/{c}", f"/design/e/{e}/campaigns/{c}/edit",
             "/admin/audit"]
    participant = app.test_client()
    participant.get(f"/c/{slug}")
    shown = [(p, client.get(p).get_data(as_text=True)) for p in pages] + [
        ("welcome", participant.get("/q/patients").get_data(as_text=True)),
        ("consent", participant.get("/q/patients/consent").get_data(as_text=True))]
    for path, html in shown:
        assert payload not in html, f"{path} shows the payload raw"
        assert str(escape(payload)) in html, f"{path} does not show the name escaped"


def test_roster_campaign_items_offer_the_campaign_roster(app: Flask) -> None:
    definition = load_text("""
format: 1
code: network
audience: professional
languages: [fr, en]
minutes: 3
title: {fr: Réseau, en: Network}
introduction: {fr: Intro, en: Intro}
consent: {fr: Oui, en: Yes}
sections:
  - code: who
    title: {fr: Qui, en: Who}
    items:
      - {code: leaders, type: nomination, roster: campaign, max: 2,
         text: {fr: "Sur qui comptez-vous ?", en: "Whom do you rely on?"}}
""")
    with app.app_context():
        version = store_definition(definition).version
        admin = make_user("admin@example.org", admin=True, password=None)
        evaluation = services.create_evaluation(admin, name="Réseau")
        campaign = services.create_campaign(evaluation, admin, version=version,
                                            roster="Organisme Alpha\ncoop; Coopérative Beta")
        services.set_campaign_status(campaign, "open", admin)
        other = services.create_campaign(evaluation, admin, version=version,
                                         roster="Clinique Gamma")
        services.set_campaign_status(other, "open", admin)
        slugs = campaign.slug, other.slug

    def first_page(slug: str) -> str:
        participant = app.test_client()
        participant.get(f"/c/{slug}")
        consent = participant.get("/q/network/consent")
        html = consent.get_data(as_text=True)
        token = re.search(r'name="start_token"[^>]*value="([^"]+)"', html).group(1)
        return participant.post("/q/network/consent", data={
            "csrf_token": csrf(consent), "start_token": token, "agree": "y"},
            follow_redirects=True).get_data(as_text=True)

    page = first_page(slugs[0])
    assert "Organisme Alpha" in page and "Coopérative Beta" in page
    assert 'value="coop"' in page and 'value="p1"' in page
    # The same unanswered page of the same version, for another campaign: its own roster
    # (pages are kept once rendered, per roster).
    page = first_page(slugs[1])
    assert "Clinique Gamma" in page and "Organisme Alpha" not in page


def test_parse_roster_keeps_codes_retires_dropped_entries_and_never_reuses_a_code() -> None:
    first = parse_roster("Alex\nSam\nKim")
    assert [(e.code, e.name) for e in first] == [("p1", "Alex"), ("p2", "Sam"), ("p3", "Kim")]
    again = parse_roster("Kim\nNew person\nAlex", first)
    assert [(e.code, e.name, e.retired) for e in again] == [
        ("p3", "Kim", False), ("p4", "New person", False), ("p1", "Alex", False),
        ("p2", "Sam", True)]  # Sam left: retired, so answers naming p2 still read "Sam"
    # Another newcomer never gets Sam's code; Sam pasted again gets it back; a code renames.
    third = parse_roster("Kim\nLou\nSam\np1; Alexandra Martin", again)
    assert [(e.code, e.name, e.retired) for e in third] == [
        ("p3", "Kim", False), ("p5", "Lou", False), ("p2", "Sam", False),
        ("p1", "Alexandra Martin", False), ("p4", "New person", True)]
    with pytest.raises(RosterError):
        parse_roster("Alex\nalex")


def test_a_team_member_dropped_after_answers_keeps_labelling_them(app: Flask) -> None:
    with app.app_context():
        researcher = make_user("roster@example.org", password=None)
        evaluation = services.create_evaluation(researcher, name="R", responsible_name="R",
                                                contact_email="r@example.org")
        site = services.save_site(evaluation, None, name="S", kind="clinic",
                                  is_comparison=False)
        team = services.save_team(site, None, name="T")
        services.set_team_roster(team, "Alex\nSam")
        active = services.set_team_roster(team, "Alex\nKim")
        assert [(e.code, e.name) for e in active] == [("p1", "Alex"), ("p3", "Kim")]
        campaign = services.create_campaign(evaluation, researcher,
                                            version=latest_version("professionals"), team=team)
        assert campaign.roster_entries() == [("p1", "Alex"), ("p3", "Kim")]  # offered
        assert ("p2", "Sam", True) in campaign.roster_history()  # still labels old answers


# -- command twins ---------------------------------------------------------------------------

def test_cli_twins(app: Flask) -> None:
    runner = app.test_cli_runner()

    def run(group, *args: str) -> str:  # noqa: ANN001
        result = runner.invoke(group, list(args))
        assert result.exit_code == 0, result.output
        return result.output

    assert "/welcome/" in run(users_group, "create", "--role", "admin", "boss@example.org")
    refused = runner.invoke(users_group, ["create", "boss@example.org"])
    assert refused.exit_code != 0 and "already" in refused.output
    evaluation_id = run(evaluations_group, "create", "Quartier", "--responsible", "Dre Roy",
                        "--email", "roy@example.org").strip()
    site_id = run(evaluations_group, "add-site", evaluation_id, "Nord", "--kind",
                  "clinic").strip()
    spare_site = run(evaluations_group, "add-site", evaluation_id, "Témoin",
                     "--comparison").strip()
    run(evaluations_group, "add-wave", evaluation_id, "T0", "--starts", "2027-01-10")
    bad = runner.invoke(evaluations_group, ["add-wave", evaluation_id, "T 0!"])
    assert bad.exit_code != 0
    assert "2 sites\t1 waves" in run(evaluations_group, "list")
    out = run(users_group, "create", "--role", "researcher", "--evaluation", evaluation_id,
              "res@example.org")
    assert "/welcome/" in out
    run(users_group, "grant", "res@example.org", evaluation_id, "evaluator")
    assert f"{evaluation_id}:evaluator" in run(users_group, "list")
    created = run(campaigns_group, "create", evaluation_id, "patients", "--site", site_id,
                  "--wave", "T0")
    campaign_id, link = created.strip().split("\t")
    assert "/c/" in link
    used = runner.invoke(evaluations_group, ["delete", "site", site_id])
    assert used.exit_code != 0 and "site-in-use" in used.output
    assert "deleted site" in run(evaluations_group, "delete", "site", spare_site)
    assert "1 sites\t1 waves" in run(evaluations_group, "list")
    assert "\tclosed\t" in run(campaigns_group, "list")
    run(campaigns_group, "open", campaign_id)
    assert app.test_client().get(link.split("survey.test")[-1]).status_code == 302
    run(campaigns_group, "close", campaign_id)
    assert app.test_client().get(link.split("survey.test")[-1]).status_code == 410
    run(users_group, "deactivate", "res@example.org")
    last = runner.invoke(users_group, ["deactivate", "boss@example.org"])
    assert last.exit_code != 0 and "administrator" in last.output
    assert "/welcome/" in run(users_group, "reset-link", "boss@example.org")
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEvent))]
    for action in ("account-created", "role-granted", "role-changed", "evaluation-created",
                   "campaign-created", "campaign-opened", "campaign-closed",
                   "account-deactivated"):
        assert action in actions


def _login_page_after_limit(client: FlaskClient) -> str:
    page = client.get("/login")
    return client.post("/login", data={"csrf_token": csrf(page), "email": "x@example.org",
                                       "password": "again again"}).get_data(as_text=True)
