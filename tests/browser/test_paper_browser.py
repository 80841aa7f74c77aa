"""Paper copies in a real browser (issue 26): a researcher prints two copies of the patients'
questionnaire, Chromium makes a PDF of them (several pages, the copy's identifier and QR code
repeated at the top of each page, no question cut by a page break), a navigator types one
copy back; the pages are axe clean. ``SURVEY_SCREENSHOTS=folder`` keeps screenshots."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from survey.design import services as design
from survey.extensions import db
from survey.models import Evaluation, Response, User
from survey.versions import latest_version

from ..workspace import build_world
from .conftest import LiveServer
from .test_assess_browser import DESKTOP, accessible, shot, sign_in

pytestmark = pytest.mark.browser


def test_print_to_pdf_and_type_a_copy_back(browser: Browser, live_server: LiveServer) -> None:
    world = build_world(live_server.app)
    with live_server.app.app_context():
        evaluation = db.session.get(Evaluation, world.a.evaluation)
        campaign = design.create_campaign(
            evaluation, db.session.get(User, world.users["researcher"]),
            version=latest_version("patients"), site=evaluation.sites[0],
            wave=evaluation.waves[0]).id
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, live_server, "researcher@example.org")
    page.goto(f"{live_server.url}/evaluations/{world.a.evaluation}/paper/campaigns/{campaign}")
    accessible(page)
    page.get_by_label("Number of copies").fill("2")
    page.get_by_label("English").check()
    page.get_by_role("button", name="Make the copies and open them to print").click()
    expect(page.locator(".identifier")).to_have_count(2)
    identifier = page.locator(".identifier").first.inner_text()
    shot(page, "paper-printable")
    page.emulate_media(media="print")
    rows = page.locator("tr.block")
    assert rows.first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages > 2, pages  # two copies of several pages each
    # every question is one row whose height fits a page: the browser never has to cut one
    heights = page.evaluate("[...document.querySelectorAll('td.question')]"
                            ".map(e => e.getBoundingClientRect().height)")
    assert heights and max(heights) < 900
    page.emulate_media(media="screen")
    context.close()
    # a navigator types the copy back
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, live_server, "navigator@example.org")
    page.goto(f"{live_server.url}/evaluations/{world.a.evaluation}/paper/entry")
    accessible(page)
    page.get_by_label("Copy identifier").fill(identifier.lower())
    page.get_by_role("button", name="Open the copy").click()
    expect(page.get_by_role("heading", name=f"Copy {identifier}")).to_be_visible()
    page.locator("#i-visits").fill("seven")
    page.get_by_role("button", name="Save the entry").click()
    expect(page.locator("#e-visits")).to_be_visible()
    accessible(page)
    shot(page, "paper-entry-refused")
    page.locator("#i-visits").fill("7")
    page.get_by_role("button", name="Save the entry").click()
    expect(page.locator(".notice")).to_contain_text("is entered and its answers are stored")
    shot(page, "paper-entry-saved")
    context.close()
    with live_server.app.app_context():
        [response] = db.session.scalars(db.select(Response)).all()
        assert response.mode == "paper" and response.answers == {"visits": 7}
