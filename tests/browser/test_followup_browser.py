"""Follow-up series in a real browser (issue 26): two people answer a series' baseline today, one
leaving an address; with the clock moved to the step's due date, the one with an address is
invited by email and the other is on the navigator's list of people due, read on a 360-px phone,
where the navigator records "not reached"; the researcher reads the series' figures at desktop
width; the participant's address page at 360 px. axe finds nothing blocking on any of them."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from survey.auth import accounts
from survey.extensions import db
from survey.followup import due, navigators
from survey.invitations import mailing
from survey.mail import outbox_messages
from survey.models import Membership, MembershipSite
from survey.models.types import utcnow
from survey.secrets import digest

from ..followup_world import complete, invited_baseline, make_evaluation, make_series
from ..workspace import PASSWORD, make_user
from .conftest import PHONE, LiveServer
from .test_accessibility import BLOCKING, describe

pytestmark = pytest.mark.browser
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "fr-FR"}
SHOTS = Path(os.environ.get("SURVEY_SCREENSHOTS") or "/tmp/h26b")


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def accessible(page: Page) -> None:
    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING]
    assert not blocking, f"{page.url}\n{describe(blocking)}"


def sign_in(page: Page, server: LiveServer, email: str) -> None:
    page.goto(f"{server.url}/login?lang=fr")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_a_baseline_today_is_due_at_its_interval_by_email_or_on_the_navigators_list(
        browser: Browser, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    app = live_server.app
    with app.test_request_context():
        evaluation = make_evaluation(mode="self", sites=("Clinique Nord", "Clinique Sud"))
        series = make_series(evaluation, steps="2 semaines, 3 mois", code="PS")
        invited_baseline(evaluation, series, "awa@example.org", utcnow(), "a" * 64)
        walk_in = complete(series.baseline.campaign_id, "b" * 64, utcnow())
        walk_in.resume_hash = digest("w" * 32)
        db.session.commit()
        navigator = make_user("nav@example.org")
        researcher = make_user("res@example.org")
        accounts.set_role(navigator, evaluation, "navigator")
        accounts.set_role(researcher, evaluation, "researcher")
        membership = db.session.scalar(db.select(Membership).filter_by(user_id=navigator.id))
        db.session.add(MembershipSite(membership_id=membership.id, site_id=series.site_id))
        db.session.commit()
        ids = (evaluation.id, series.id)

    # The walk-in participant leaves an address on a phone (no script needed).
    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    page.goto(f"{live_server.url}/f/{'w' * 32}")
    expect(page.locator("h1")).to_have_text("Les prochaines étapes")
    accessible(page)
    shot(page, "followup-address-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_label("Votre adresse courriel").fill("pas-une-adresse")
    page.get_by_role("button", name="M'inviter").click()
    expect(page.locator(".error-box")).to_be_visible()
    phone.close()

    # Today nothing is due; two weeks later (the clock moved) the step is.
    with app.app_context():
        assert due.process_due().invited == 0
        assert navigators.due_rows(db.session.get(evaluation.__class__, ids[0]), None) == []
    later = utcnow() + dt.timedelta(days=15)
    monkeypatch.setattr(navigators, "utcnow", lambda: later)
    monkeypatch.setattr("survey.followup.monitoring.utcnow", lambda: later)
    with app.app_context():
        assert due.process_due(later).invited == 1  # the address from the invitation
        mailing.send_due(later + dt.timedelta(hours=12))
        assert [m.to for m in outbox_messages(app)] == ["awa@example.org"]

    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    sign_in(page, live_server, "nav@example.org")
    page.get_by_role("link", name="Personnes attendues cette semaine").click()
    expect(page.locator("h1")).to_have_text("Personnes attendues cette semaine")
    cards = page.locator(".due-list > li")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Personne #2")
    expect(cards.first).to_contain_text("Clinique Nord")
    shot(page, "followup-due-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    accessible(page)
    cards.first.get_by_label("Non jointe").check()
    cards.first.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".notice")).to_have_text("Enregistré.")
    expect(page.locator(".due-list > li").first).to_contain_text("1 tentative")
    shot(page, "followup-due-recorded-360")
    phone.close()

    desktop = browser.new_context(**DESKTOP)
    page = desktop.new_page()
    sign_in(page, live_server, "res@example.org")
    page.goto(f"{live_server.url}/design/e/{ids[0]}/series/{ids[1]}")
    expect(page.locator("h1")).to_have_text("Suivi prescription")
    rows = page.locator("table.data tbody tr")
    expect(rows).to_have_count(3)
    # Two weeks: both due, one invited, one not reached yet, none completed.
    expect(rows.nth(1)).to_contain_text("PS-1-2W")
    cells = rows.nth(1).locator("td.num")
    assert [c.inner_text() for c in cells.all()] == ["2", "1", "0", "1", "0", "0"]
    accessible(page)
    shot(page, "followup-series-1280")
    desktop.close()
