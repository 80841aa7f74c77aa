"""A co-design reviewer on a 360-px phone without JavaScript rates two questions of a draft
from their review link, and the researcher's review page shows the indices; axe-core on the
reviewer's page (read in a scripted context: axe cannot run with scripting off). Then the
issue's "Done when": two rounds with three reviewers per panel (one per round at 360 px in
the browser, the others through the test client), a rewording accepted, the rounds compared,
and the revised version published through the usual diff and confirmation.

With ``SURVEY_SCREENSHOTS=<dir>``, each page is saved there as a PNG to look at."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect
from sqlalchemy import select

from survey.design import services as design
from survey.extensions import db
from survey.models import Evaluation
from survey.models.review import ReviewRound
from survey.questionnaire import load_file
from survey.review import services
from survey.versions.drafts import save_draft

from ..workspace import PASSWORD, csrf, make_user, sign_in
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


# -- the "Done when": two rounds, three reviewers per panel, compared, published ------

LINK_RE = re.compile(r"/review/([A-Za-z0-9_-]{32,64})")
PANEL_LINKS = 3


def _rate_by_client(client: FlaskClient, token: str, relevance: dict[str, int]) -> None:
    """A reviewer driven through the test client (to save time): every page rated, relevance
    per item (3 when not given), clarity 4."""
    number = 1
    while True:
        page = client.get(f"/review/{token}/{number}?lang=en")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        codes = list(dict.fromkeys(re.findall(r'name="relevance-([\w-]+)"', html)))
        data = {"csrf_token": csrf(page), "nav": "next"}
        for code in codes:
            data[f"relevance-{code}"] = str(relevance.get(code, 3))
            data[f"clarity-{code}"] = "4"
        saved = client.post(f"/review/{token}/{number}", data=data)
        assert saved.status_code == 302
        if not saved.headers["Location"].endswith(f"/review/{token}/{number + 1}"):
            return
        number += 1


def _rate_in_browser(phone: Phone, token: str, relevance: dict[str, int],
                     rewording: tuple[str, str] | None, name: str) -> None:
    """A reviewer at 360 px without JavaScript rates the first page (and may reword)."""
    phone.goto(f"/review/{token}?lang=en")
    assert phone.path == f"/review/{token}/1"
    phone.check_phone_layout()
    for code, value in relevance.items():
        phone.page.locator(f'label[for="relevance-{code}-{value}"]').click()
        phone.page.locator(f'label[for="clarity-{code}-4"]').click()
    if rewording:
        phone.page.locator(f"#rewording-{rewording[0]}").fill(rewording[1])
    shot(phone.page, name)
    with phone.page.expect_navigation():
        phone.page.get_by_role("button", name="Save and continue").click()
    assert phone.path == f"/review/{token}/2"


def _links_for_every_panel(page: Page) -> dict[str, list[str]]:
    """Three links per panel, created from the round page's form; the tokens per panel."""
    made: dict[str, list[str]] = {}
    for panel in ("patients", "professionals", "citizens"):
        before = set(LINK_RE.findall(page.content()))
        page.locator("#panel").select_option(panel)
        page.locator("#count").fill(str(PANEL_LINKS))
        with page.expect_navigation():
            page.get_by_role("button", name="Create links").click()
        expect(page.locator("body")).to_contain_text("3 review links created.")
        made[panel] = [t for t in dict.fromkeys(LINK_RE.findall(page.content()))
                       if t not in before]
        assert len(made[panel]) == PANEL_LINKS
    return made


def test_two_review_rounds_compared_and_the_revised_version_published(
        live_server: LiveServer, new_phone: Callable[..., Phone]) -> None:
    app = live_server.app
    with app.app_context():
        researcher = make_user("lea@example.org")
        evaluation = design.create_evaluation(researcher, name="Maison de santé")
        first = save_draft(evaluation.id, load_file(EVERY_TYPE), "every.yaml")
        evaluation_id, first_hash = evaluation.id, first.content_hash
        researcher_id = researcher.id
    client = app.test_client()
    sign_in(client, app, researcher_id)
    publish = f"/design/e/{evaluation_id}/questionnaires/drafts/{first_hash}/publish"
    assert client.post(publish, data={"csrf_token": csrf(client.get(publish)),
                                      "confirm": "publish"}).status_code == 302
    with app.app_context():  # the published content uploaded again, to be reviewed
        save_draft(evaluation_id, load_file(EVERY_TYPE), "every.yaml")

    desk = new_phone(viewport={"width": 1280, "height": 900}, is_mobile=False,
                     has_touch=False, device_scale_factor=1)
    page = desk.page
    page.goto(f"{live_server.url}/login?lang=en")
    page.get_by_label("Email").fill("lea@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    reviewers = app.test_client()

    # Round 1 on the published content's draft: "used" judged not relevant by most.
    page.goto(f"{live_server.url}/design/e/{evaluation_id}/questionnaires/drafts/{first_hash}")
    with page.expect_navigation():
        page.get_by_role("button", name="Open a review round").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review round 1 of every_type")
    round_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    tokens = _links_for_every_panel(page)
    _rate_in_browser(new_phone(java_script_enabled=False), tokens["patients"][0],
                     {"service": 4, "used": 2}, ("used", "Have you ever come to see us?"),
                     "10-round1-reviewer-360")
    for panel, panel_tokens in tokens.items():
        for token in panel_tokens[1 if panel == "patients" else 0:]:
            _rate_by_client(reviewers, token, {"used": 2 if panel != "citizens" else 3})
    page.reload()
    everyone = page.locator("table.indices").first
    used = everyone.locator("tr", has=page.locator("code", has_text=re.compile(r"^used$")))
    expect(used.locator("td").first).to_have_text("9")
    expect(used.locator("td").last).to_have_text("Flagged")
    for panel in ("Patients", "Professionals", "Citizens"):
        expect(page.locator("#indices h3", has_text=panel)).to_have_count(1)
    # The rewording accepted: the next draft holds it.
    proposal = page.locator("ul.proposals li", has=page.locator("q.rewording"))
    proposal.get_by_label("Reason").fill("Plainer words, as patients asked")
    with page.expect_navigation():
        proposal.get_by_role("button", name="Accept").click()
    flash = page.locator("body").inner_text()
    assert re.search(r"the next draft ([0-9a-f]{12}) holds the accepted wordings", flash), flash
    # A partner's new question accepted too: placed on a page, its suggested code changed.
    with app.app_context():
        partner = make_user("sam@example.org")
        services.propose(db.session.get(ReviewRound, round_id), partner,
                         {"fr": "Pouvez-vous nous joindre par téléphone ?",
                          "en": "Could you reach us by phone?"}, "yesno",
                         "Many have no internet.")
    page.reload()
    card = page.locator("#new-items article")
    expect(card.get_by_label("Code")).to_have_value("pouvez_vous_nous_joindre")
    shot(page, "11-round1-researcher")
    if os.environ.get("SURVEY_SCREENSHOTS"):
        card.screenshot(path=str(Path(os.environ["SURVEY_SCREENSHOTS"])
                                 / "review-11a-new-question-form.png"))
    card.get_by_label("Reason").fill("Asked by the partners")
    card.get_by_label("Page").select_option("opinions")
    card.get_by_label("Code").fill("used")
    with page.expect_navigation():
        card.get_by_role("button", name="Accept").click()
    expect(page.locator("body")).to_contain_text("The code used is already used in the draft")
    card = page.locator("#new-items article")
    card.get_by_label("Reason").fill("Asked by the partners")
    card.get_by_label("Page").select_option("opinions")
    card.get_by_label("Code").fill("phone")
    with page.expect_navigation():
        card.get_by_role("button", name="Accept").click()
    flash = page.locator("body").inner_text()
    found = re.search(r"the next draft ([0-9a-f]{12}) holds the new question", flash)
    assert found, flash
    expect(card).to_contain_text("In the next draft as phone, on the page opinions.")
    shot(page, "11b-round1-new-question-accepted")
    with page.expect_navigation():
        page.get_by_role("button", name="Close the round").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("closed")

    # Round 2 on the next draft: the reworded question now judged relevant.
    page.goto(f"{live_server.url}/design/e/{evaluation_id}/questionnaires")
    with page.expect_navigation():
        page.locator(f'a[href*="/drafts/{found.group(1)}"]').first.click()
    expect(page.locator("#diff")).to_contain_text("Have you ever come to see us?")
    expect(page.locator("#diff")).to_contain_text("phone")
    next_url = page.url
    with page.expect_navigation():
        page.get_by_role("button", name="Open a review round").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review round 2 of every_type")
    tokens = _links_for_every_panel(page)
    _rate_in_browser(new_phone(java_script_enabled=False), tokens["citizens"][0],
                     {"service": 4, "used": 4}, None, "12-round2-reviewer-360")
    for panel, panel_tokens in tokens.items():
        for token in panel_tokens[1 if panel == "citizens" else 0:]:
            _rate_by_client(reviewers, token, {"used": 4})
    page.reload()
    used = page.locator("table.indices").first.locator(
        "tr", has=page.locator("code", has_text=re.compile(r"^used$")))
    expect(used.locator("td").first).to_have_text("9")
    expect(used.locator("td").last).to_have_text("Kept")
    with page.expect_navigation():
        page.get_by_role("button", name="Close the round").click()

    # The rounds compared, for all reviewers and per panel: "used" from 0.33 to 1.00.
    with page.expect_navigation():
        page.get_by_role("link", name="Compare the rounds").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review rounds of every_type")
    def used_in(table: str) -> list[str]:
        row = page.locator(f"#{table} + .scroll table").locator(
            "tr", has=page.locator("code", has_text=re.compile(r"^used$")))
        return row.locator("td").all_inner_texts()

    everyone = used_in("compare-all")  # I-CVI, k*, clarity in round 1, then in round 2
    assert everyone[0] == "0.33" and everyone[3:] == ["1.00", "1.00", "1.00"]
    patients = used_in("compare-patients")  # the panel that proposed the rewording
    assert patients[0] == "0.00" and patients[2] == "1.00" and patients[3] == "1.00"
    assert float(patients[1].replace("−", "-")) < 0  # k*: worse than chance agreement
    new = page.locator("#compare-all + .scroll table tr", has=page.locator(
        "code", has_text=re.compile(r"^phone$"))).locator("td").all_inner_texts()
    assert new == ["–"] * 3 + ["1.00"] * 3  # the accepted new question, rated in round 2 only
    shaped = page.locator("table.shaped tr", has_text="Patients")
    expect(shaped.locator("td").first).to_contain_text("1 wording accepted")
    shot(page, "13-rounds-compared")
    violations = [v for v in Axe().run(page).response["violations"] if v["impact"] in BLOCKING]
    assert not violations, [(v["id"], v["nodes"][0]["html"]) for v in violations]

    # Published through the usual diff and confirmation.
    page.goto(next_url)
    expect(page.locator("#diff")).to_contain_text("Compared with version")
    shot(page, "14-revised-draft-diff")
    with page.expect_navigation():
        page.get_by_role("link", name="Publish this version…").click()
    shot(page, "15-publish-confirm")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish this version").click()
    with app.app_context():
        from survey.models import QuestionnaireVersion

        hashes = set(db.session.scalars(select(QuestionnaireVersion.content_hash)))
    assert any(h.startswith(found.group(1)) for h in hashes)
    assert first_hash in hashes
