"""A co-design reviewer on a 360-px phone without JavaScript rates two questions of a draft
from their review link, and the researcher's review page shows the indices; axe-core on the
reviewer's page (read in a scripted context: axe cannot run with scripting off).

With ``SURVEY_SCREENSHOTS=<dir>``, each page is saved there as a PNG to look at."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from survey.design import services as design
from survey.extensions import db
from survey.models import Evaluation
from survey.questionnaire import load_file
from survey.review import services
from survey.versions.drafts import save_draft

from ..workspace import PASSWORD, make_user
from .conftest import LiveServer, Phone

pytestmark = pytest.mark.browser
EVERY_TYPE = Path(__file__).parent.parent / "data" / "every_type.yaml"
BLOCKING = ("serious", "critical")


def shot(page: Page, name: str) -> None:
    folder = os.environ.get("SURVEY_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"review-{name}.png"), full_page=True)


def test_a_reviewer_rates_two_questions_and_the_researcher_reads_the_indices(
        live_server: LiveServer, new_phone: Callable[..., Phone]) -> None:
    app = live_server.app
    with app.app_context():
        researcher = make_user("lea@example.org")
        evaluation = design.create_evaluation(researcher, name="Maison de santé")
        draft = save_draft(evaluation.id, load_file(EVERY_TYPE), "every.yaml")
        review = services.open_round(db.session.get(Evaluation, evaluation.id), draft,
                                     researcher)
        [reviewer] = services.add_links(review, "patients", 1, researcher)
        token = services.token_for(reviewer)
        round_url = f"/design/e/{evaluation.id}/reviews/{review.id}"

    phone = new_phone(java_script_enabled=False)
    phone.goto(f"/review/{token}?lang=en")
    assert phone.path == f"/review/{token}/1"
    expect(phone.page.get_by_role("heading", level=1)).to_have_text("Basics")
    phone.check_phone_layout()
    # The question as a participant sees it, its answers inert.
    expect(phone.page.locator('input[name="service"]').first).to_be_disabled()
    for code, relevance, clarity in (("service", 4, 3), ("used", 3, 2)):
        for name, value in (("relevance", relevance), ("clarity", clarity)):
            phone.page.locator(f'label[for="{name}-{code}-{value}"]').click()
            expect(phone.page.locator(f"#{name}-{code}-{value}")).to_be_checked()
    phone.page.locator("#rewording-service").fill("Which <b>service</b> do you use most?")
    shot(phone.page, "01-reviewer-page")
    with phone.page.expect_navigation():
        phone.page.get_by_role("button", name="Save and continue").click()
    assert phone.path == f"/review/{token}/2"

    # axe-core on the reviewer's first page, in a context where scripts may run.
    scripted = new_phone()
    scripted.goto(f"/review/{token}/1?lang=en")
    expect(scripted.page.locator("#relevance-service-4")).to_be_checked()  # progress kept
    violations = [v for v in Axe().run(scripted.page).response["violations"]
                  if v["impact"] in BLOCKING]
    assert not violations, [(v["id"], v["nodes"][0]["html"]) for v in violations]

    # The researcher's review page: n, I-CVI, k*, clarity per question; the rewording escaped.
    desk = new_phone(viewport={"width": 1280, "height": 900}, is_mobile=False,
                     has_touch=False, device_scale_factor=1)
    page = desk.page
    page.goto(f"{live_server.url}/login?lang=en")
    page.get_by_label("Email").fill("lea@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + round_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review round 1 of every_type")
    service = page.locator("table.indices").first.locator("tr", has=page.locator(
        "code", has_text=re.compile(r"^service$")))
    expect(service.locator("td")).to_have_text(["1", "1.00", "1.00 (excellent)", "1.00",
                                                "Not judged"])
    used = page.locator("table.indices").first.locator("tr", has=page.locator(
        "code", has_text=re.compile(r"^used$")))
    expect(used.locator("td").nth(3)).to_have_text("0.00")  # clarity rated 2
    visits = page.locator("table.indices").first.locator("tr", has=page.locator(
        "code", has_text=re.compile(r"^visits$")))
    expect(visits.locator("td")).to_have_text(["0", "–", "–", "–", "Not judged"])  # not rated
    expect(page.locator("q.rewording")).to_have_text("Which <b>service</b> do you use most?")
    shot(page, "02-researcher-indices")
    violations = [v for v in Axe().run(page).response["violations"] if v["impact"] in BLOCKING]
    assert not violations, [(v["id"], v["nodes"][0]["html"]) for v in violations]
