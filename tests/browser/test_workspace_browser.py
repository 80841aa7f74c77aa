"""A newcomer in a desktop browser (1280 px): the first-admin link printed on first start, an
evaluation with two sites, two waves and a team roster, a campaign opened; a participant on a
phone answers through its link, then meets the closed page once it closes.

With ``SURVEY_SCREENSHOTS=<dir>``, each researcher page is saved there as a PNG to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from survey.cli import first_run
from survey.extensions import db
from survey.models import Campaign, Response

from .conftest import LiveServer, Phone

pytestmark = pytest.mark.browser
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}
SHOTS = os.environ.get("SURVEY_SCREENSHOTS")


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_newcomer_runs_an_evaluation(browser: Browser, live_server: LiveServer,
                                     new_phone: Callable[..., Phone],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    app = live_server.app
    app.config["BASE_URL"] = live_server.url
    with app.app_context():
        first_run()
    printed = capsys.readouterr().out
    link = re.search(r"(http://\S+/welcome/\S+)", printed).group(1)
    assert link.startswith(live_server.url)

    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(link + "?lang=en")
    _shot(page, "01-first-admin")
    page.get_by_label("Email").fill("lead@example.org")
    page.get_by_label("Name", exact=True).fill("Dre Léa Roy")
    page.get_by_label("New password", exact=True).fill("a long pass phrase")
    page.get_by_label("New password, again").fill("a long pass phrase")
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("heading", name="Evaluations")).to_be_visible()
    _shot(page, "02-evaluations")

    page.get_by_role("link", name="New evaluation").click()
    page.get_by_label("Name of the evaluation").fill("Clinique de proximité <Nord>")
    page.get_by_label("Person responsible").fill("Dre Léa Roy")
    page.get_by_label("Contact email").fill("lea.roy@example.org")
    page.get_by_label("Person in charge of personal information").fill("M. Gagnon")
    _shot(page, "03-new-evaluation")
    page.get_by_role("button", name="Save").click()
    for name in ("Nord", "Sud"):
        page.locator("#site-name").fill(name)
        if name == "Sud":
            page.locator("#site-is_comparison").check()
        page.get_by_role("button", name="Add the site").click()
    for code in ("T0", "T1"):
        page.locator("#wave-code").fill(code)
        page.get_by_role("button", name="Add the wave").click()
    page.locator("#team-name").fill("Équipe soins")
    page.get_by_role("button", name="Add the team").click()
    page.get_by_label("Members, one per line").fill("Alex Martin\nSam Roy\nKim Tran")
    page.get_by_role("button", name="Save the roster").click()
    expect(page.get_by_text("Kim Tran").last).to_be_visible()
    page.get_by_role("link", name="Clinique de proximité <Nord>").first.click()
    expect(page.locator("#sites")).to_contain_text("comparison")
    _shot(page, "04-evaluation")

    page.get_by_role("link", name="New campaign").click()
    version = page.locator("#version option", has_text="patients").first.get_attribute("value")
    page.get_by_label("Questionnaire version").select_option(version)
    page.get_by_label("Site", exact=True).select_option(label="Nord")
    page.get_by_label("Wave", exact=True).select_option(label="T0")
    _shot(page, "05-new-campaign")
    page.get_by_role("button", name="Create the campaign").click()
    page.get_by_role("button", name="Open the campaign").click()
    expect(page.get_by_role("status")).to_contain_text("The campaign is open")
    _shot(page, "06-campaign")
    participant_link = page.locator("code.link").inner_text().strip()
    assert participant_link.startswith(live_server.url + "/c/")

    phone = new_phone()
    phone.page.goto(participant_link)
    expect(phone.page.get_by_text("lea.roy@example.org")).to_be_visible()
    phone.check_phone_layout()
    phone.page.get_by_role("link", name=re.compile("Commencer|Start")).click()
    phone.consent()
    with app.app_context():
        response = db.session.scalar(db.select(Response))
        assert response.campaign.evaluation.name == "Clinique de proximité <Nord>"

    page.get_by_role("button", name="Close the campaign").click()
    expect(page.get_by_role("button", name="Reopen the campaign")).to_be_visible()
    late = new_phone()
    late.page.goto(participant_link)
    expect(late.page.get_by_role("heading", name="Ce questionnaire est fermé")).to_be_visible()
    late.check_phone_layout()
    if SHOTS:
        late.page.screenshot(path=str(Path(SHOTS) / "07-closed-phone.png"), full_page=True)

    page.get_by_role("link", name="Audit log").click()
    expect(page.locator("td", has_text="campaign-closed")).to_be_visible()
    _shot(page, "08-audit")
    with app.app_context():
        assert db.session.scalar(db.select(Campaign).filter_by(status="closed")) is not None
    context.close()
