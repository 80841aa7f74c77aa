"""Self-assessments in a real browser (issue 25): a cooperative's team answers two criteria on a
360-px phone, with and without JavaScript; a researcher at desktop width reads conformity per
site and wave with its chart, and a partner limited to one site sees that site only; and the
issue's "Done when": a cooperative answers every criterion on a phone in T0, better in T1, and
the desktop page shows its progress (+N points), the chart and the action plan."""

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


# -- the "Done when": two waves answered on a phone, the progress read at a desk ------

T0 = {  # level of each criterion (1 met, 2 partly met, 3 not met, 4 not applicable), per page
    "governance": {"g_board": 1, "g_assembly": 3, "g_report": 3},
    "access": {"a_delay": 2, "a_interpret": 3, "a_fees": 4},
    "quality": {"q_meeting": 3, "q_records": 2},
}  # met 1, partly 2, not met 4 of 7 applicable: 2 / 7 = 28.6 %
T1 = {
    "governance": {"g_board": 1, "g_assembly": 1, "g_report": 2},
    "access": {"a_delay": 1, "a_interpret": 1, "a_fees": 4},
    "quality": {"q_meeting": 1, "q_records": 2},
}  # met 5, partly 2 of 7 applicable: 6 / 7 = 85.7 %, +57.1 points
NOTES = {"T0": {"g_report": "Publier le rapport <b>avant juin</b>"},
         "T1": {"g_report": "Rapport relu par l'assemblée", "q_records": "Logiciel commun"}}


def answer_wave(phone: Phone, slug: str, wave: str, levels: dict[str, dict[str, int]]) -> None:
    """The cooperative's team answers every criterion of the self-assessment through its wave's
    campaign link, on the phone, page after page, checking each page's phone layout."""
    phone.goto(f"/c/{slug}?lang=fr")
    phone.goto("/q/coop_assessment/consent")
    phone.consent()
    page = phone.page
    for section, chosen in levels.items():
        assert phone.section == section, page.url
        for code, level in chosen.items():
            page.locator(f'label[for="{code}-{level}"]').click()
            expect(page.locator(f"#{code}-{level}")).to_be_checked()
            note = NOTES[wave].get(code)
            if note:
                page.locator(f"#i-{code}_note").fill(note)
        phone.check_phone_layout()
        shot(page, f"assess-done-when-{wave}-{section}")
        phone.submit()
    assert phone.path.endswith("/done"), page.url
    shot(page, f"assess-done-when-{wave}-done")


def test_a_cooperative_assesses_itself_twice_and_reads_its_progress(
        new_phone, browser: Browser, live_server: LiveServer) -> None:  # noqa: ANN001
    from survey.design import services as design
    from survey.extensions import db
    from survey.models import Campaign
    from survey.models.workspace import CLOSED, OPEN

    from ..workspace import make_user

    app = live_server.app
    with app.app_context():
        version = store_definition(load_file(SOURCE), SOURCE.name).version
        researcher = make_user("r@example.org", password=PASSWORD)
        evaluation = design.create_evaluation(researcher, name="Fédération des coopératives",
                                              responsible_name="R", contact_email="r@x.org")
        site = design.save_site(evaluation, None, name="Coop Nord", kind="cooperative",
                                is_comparison=False)
        campaigns = {}
        for code, label in (("T0", "2026"), ("T1", "2027")):
            wave = design.save_wave(evaluation, None, code=code, label=label)
            campaigns[code] = design.create_campaign(evaluation, researcher, version=version,
                                                     site=site, wave=wave).id
        first = db.session.get(Campaign, campaigns["T0"])
        design.set_campaign_status(first, OPEN, researcher)
        slugs = {c: db.session.get(Campaign, i).slug for c, i in campaigns.items()}
        evaluation_id = evaluation.id
    answer_wave(new_phone(), slugs["T0"], "T0", T0)
    with app.app_context():  # a year later: T0 closed, T1 opened
        design.set_campaign_status(db.session.get(Campaign, campaigns["T0"]), CLOSED, None)
        design.set_campaign_status(db.session.get(Campaign, campaigns["T1"]), OPEN, None)
    answer_wave(new_phone(), slugs["T1"], "T1", T1)
    stored = responses(app)
    assert [(r.campaign_id, r.answers["g_assembly"]) for r in stored] == [
        (campaigns["T0"], "not_met"), (campaigns["T1"], "met")]
    # at a desk, the researcher reads the cooperative's progress, its chart and action plan
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, live_server, "r@example.org")
    page.goto(f"{live_server.url}/assess/e/{evaluation_id}")
    table = page.locator("table.conformity")
    expect(table.locator("tr", has_text="T0")).to_contain_text("28.6")
    later = table.locator("tr", has_text="T1")
    expect(later).to_contain_text("85.7")
    expect(later).to_contain_text("+57.1")
    expect(page.locator("figure.chart .plot svg.main-svg").first).to_be_visible()
    plan = page.locator("table.action-plan").first
    expect(plan).to_contain_text("Rapport relu par l'assemblée")  # the latest wave's plan
    expect(plan).to_contain_text("Logiciel commun")
    expect(plan).not_to_contain_text("avant juin")  # T0's note: its plan was replaced
    assert plan.locator("tbody tr").count() == 2  # the two criteria partly met in T1
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["viewport"]["width"]
    accessible(page)
    shot(page, "assess-done-when-desktop")
    context.close()
