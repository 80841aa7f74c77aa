"""Self-assessments in a real browser (issue 25): a cooperative's team answers two criteria on a
360-px phone, with and without JavaScript; a researcher at desktop width reads conformity per
site and wave with its chart, and a partner limited to one site sees that site only."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from survey.questionnaire import load_file
from survey.versions import store_definition

from ..participant import responses
from ..test_assess import SOURCE, make_coops
from ..workspace import PASSWORD
from .conftest import LiveServer, Phone
from .test_accessibility import BLOCKING, describe

pytestmark = pytest.mark.browser
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}


def shot(page: Page, name: str) -> None:
    folder = os.environ.get("SURVEY_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def accessible(page: Page) -> None:
    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING]
    assert not blocking, f"{page.url}\n{describe(blocking)}"


@pytest.mark.parametrize("script", [True, False], ids=["js", "no-js"])
def test_a_site_team_answers_two_criteria_on_a_phone(new_phone, live_server: LiveServer,  # noqa: ANN001
                                                     script: bool) -> None:
    with live_server.app.app_context():
        store_definition(load_file(SOURCE), SOURCE.name)
    phone: Phone = new_phone(java_script_enabled=script)
    phone.enter("coop_assessment", "fr")
    phone.goto("/q/coop_assessment/consent")
    phone.consent()
    page = phone.page
    expect(page.locator("#q-g_board legend")).to_contain_text("R1")
    expect(page.locator("#q-g_board")).to_contain_text("Partiellement atteint")
    phone.check_phone_layout()
    if script:
        accessible(page)
    shot(page, f"assess-phone-{'js' if script else 'nojs'}")
    # a note without a level is refused, in French, and the note is kept
    page.locator("#i-g_assembly_note").fill("Assemblée prévue en juin")
    phone.submit()
    expect(page.locator("#e-g_board")).to_contain_text("Veuillez répondre à cette question.")
    expect(page.locator("#e-g_assembly")).to_contain_text("Veuillez choisir un niveau")
    expect(page.locator("#i-g_assembly_note")).to_have_value("Assemblée prévue en juin")
    phone.check_phone_layout()
    page.locator('label[for="g_board-1"]').click()  # met
    page.locator('label[for="g_assembly-2"]').click()  # partly met
    phone.submit()
    assert phone.section == "access", page.url
    [response] = responses(live_server.app)
    assert {k: response.answers.get(k) for k in ("g_board", "g_board_note", "g_assembly",
                                                 "g_assembly_note")} == {
        "g_board": "met", "g_board_note": None, "g_assembly": "partly",
        "g_assembly_note": "Assemblée prévue en juin"}


def sign_in(page: Page, server: LiveServer, email: str) -> None:
    page.goto(f"{server.url}/login?lang=en")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_conformity_per_site_at_desktop_width(browser: Browser, live_server: LiveServer
                                              ) -> None:
    coops = make_coops(live_server.app, PASSWORD)
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, live_server, "r@example.org")
    page.goto(f"{live_server.url}/assess/e/{coops.evaluation}")
    expect(page.get_by_role("heading", name="Conformity by site and wave")).to_be_visible()
    expect(page.locator("figure.chart .plot svg.main-svg").first).to_be_visible()  # drawn by plotly
    table = page.locator("table.conformity")
    expect(table).to_contain_text("Coop Sud")
    expect(table.locator("tr", has_text="T1")).to_contain_text("+35.7")
    expect(page.locator("table.action-plan").first).to_contain_text("Partly met")
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["viewport"]["width"]
    accessible(page)
    shot(page, "assess-desktop-researcher")
    # on the members page, the researcher limits the free partner to the south cooperative
    page.goto(f"{live_server.url}/design/e/{coops.evaluation}/members")
    row = page.locator("tr", has_text="f@example.org")
    expect(row).to_contain_text("Every site")
    row.get_by_role("link", name="Limit to sites").click()
    page.get_by_label("Coop Sud").check()
    accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("tr", has_text="f@example.org")).to_contain_text("Coop Sud")
    shot(page, "assess-desktop-members")
    context.close()
    # the partner limited to the north cooperative sees it only
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    sign_in(page, live_server, "p@example.org")
    page.goto(f"{live_server.url}/assess/e/{coops.evaluation}")
    expect(page.locator("table.conformity")).to_contain_text("Coop Nord")
    expect(page.locator("main")).not_to_contain_text("Coop Sud")
    shot(page, "assess-desktop-partner")
    context.close()
