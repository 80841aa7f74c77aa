"""Easy-read wording on a phone (360 px): switch to it with answers typed but not sent, find
them kept, switch back, and find the easy-read wording again on another phone that opens the
private link; axe finds nothing serious on the page in easy-read."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from survey.questionnaire import Definition

from .conftest import LiveServer, Phone
from .test_accessibility import BLOCKING, describe

EASY = "Qui vous a demandé de répondre ?"
STANDARD = "Quel service vous a invité·e à répondre ?"
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "easy-read.png"


def test_easy_read_keeps_answers_and_follows_the_private_link(
        phone: Phone, new_phone: Callable[..., Phone], live_server: LiveServer,
        bundled: dict[str, Definition]) -> None:
    page = phone.page
    phone.enter("patients")
    phone.goto("/q/patients/consent")
    phone.consent()
    expect(page.get_by_text(STANDARD)).to_be_visible()
    # typed, not sent yet
    page.locator('label[for="service_type-2"]').click()
    page.locator('#i-visits').fill("4")
    phone.submit("wording")
    expect(page.get_by_text(EASY)).to_be_visible()
    expect(page.get_by_text(STANDARD)).to_have_count(0)
    expect(page.locator('input[name="service_type"][value="coop"]')).to_be_checked()
    expect(page.locator('#i-visits')).to_have_value("4")
    switch = page.locator('form button[name="nav"][value="wording"]')
    expect(switch).to_have_text("Texte habituel")
    # axe on the page in easy-read (a scripted page)
    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING]
    assert not blocking, describe(blocking)
    phone.check_phone_layout()
    if os.environ.get("SURVEY_DOC_SCREENSHOTS") == "1":  # docs/screenshots/easy-read.png
        page.screenshot(path=str(SCREENSHOT), full_page=True, scale="css")
    # back to the standard wording: the answers are still there
    phone.submit("wording")
    expect(page.get_by_text(STANDARD)).to_be_visible()
    expect(page.locator('input[name="service_type"][value="coop"]')).to_be_checked()
    expect(page.locator('#i-visits')).to_have_value("4")
    # easy-read again, then "Save and continue later": the private link
    phone.submit("wording")
    expect(page.get_by_text(EASY)).to_be_visible()
    phone.submit("later")
    link = page.locator(".link-text").first.inner_text()
    path = re.sub(r"^https?://[^/]+", "", link.strip())
    other = new_phone()
    other.goto(path)
    expect(other.page.get_by_text(EASY)).to_be_visible()
    expect(other.page.locator('input[name="service_type"][value="coop"]')).to_be_checked()
    expect(other.page.locator('form button[name="nav"][value="wording"]')).to_have_text(
        "Texte habituel")
