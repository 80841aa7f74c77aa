"""Issue 28's designer in a desktop browser (1280 px), in English: a researcher builds a
three-page questionnaire from scratch, with three agreement (likert) questions and their scale
with a reversed question, a nomination of the team and a ranking, texts in French and
English, a skip rule made with the condition builder (observed on the phone: the follow-up
shown and hidden as the answer changes) and one written in text mode, and a question copied
from the item bank; previews it beside the editor in both languages; publishes it through
the diff and its confirmation; then a participant answers it through a campaign on a 360-px
phone. axe-core checks the designer's pages.

With ``SURVEY_SCREENSHOTS=<dir>``, each page is saved there as a PNG to look at."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import select

from survey.design import services as design
from survey.extensions import db
from survey.models import Response
from survey.versions import latest_version

from ..workspace import PASSWORD, make_user
from .conftest import LiveServer, Phone

pytestmark = pytest.mark.browser
BLOCKING = ("serious", "critical")


def shot(page: Page, name: str, full_page: bool = True) -> None:
    folder = os.environ.get("SURVEY_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"designer-{name}.png"), full_page=full_page)


def axe_clean(page: Page) -> None:
    violations = [v for v in Axe().run(page).response["violations"] if v["impact"] in BLOCKING]
    assert not violations, [(v["id"], v["nodes"][0]["html"]) for v in violations]


def sign_in_as(page: Page, live_server: LiveServer, email: str) -> None:
    page.goto(f"{live_server.url}/login?lang=en")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def texts(page: Page, key: str, fr: str, en: str) -> None:
    page.locator(f"#f-{key}-fr").fill(fr)
    page.locator(f"#f-{key}-en").fill(en)


def save(page: Page, name: str = "Save the question") -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()
    expect(page.locator(".notice")).to_contain_text("Saved")


def new_question(page: Page, section: str, type_name: str, code: str, fr: str, en: str
                 ) -> None:
    with page.expect_navigation():
        page.locator(f"#page-{section}").get_by_role(
            "link", name="Add a question to this page").click()
    page.locator(f'input[name="type"][value="{type_name}"]').check()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    page.locator("#f-code").fill(code)
    texts(page, "text", fr, en)


def likert(page: Page, code: str, fr: str, en: str) -> None:
    new_question(page, "page_1", "likert", code, fr, en)
    page.locator("#f-points").fill("5")
    for lang, low, high in (("fr", "Pas du tout d'accord", "Tout à fait d'accord"),
                            ("en", "Strongly disagree", "Strongly agree")):
        page.locator(f"#f-anchors-{lang}-0").fill(low)
        page.locator(f"#f-anchors-{lang}-1").fill(high)
    save(page)


def choices(page: Page, rows: list[tuple[str, str, str]]) -> None:
    for _extra in range(len(rows) - page.locator('input[name$=".code"]').count()):
        with page.expect_navigation():
            page.get_by_role("button", name="Add a choice").click()
        expect(page.locator(".warning-box")).to_contain_text("Not saved yet")
    for n, (code, fr, en) in enumerate(rows):
        page.locator(f'[name="choices.{n}.code"]').fill(code)
        page.locator(f'[name="choices.{n}.fr"]').fill(fr)
        page.locator(f'[name="choices.{n}.en"]').fill(en)


def test_a_researcher_designs_publishes_and_a_participant_answers(
        live_server: LiveServer, new_phone: Callable[..., Phone]) -> None:
    app = live_server.app
    with app.app_context():
        researcher = make_user("noor@example.org")
        evaluation = design.create_evaluation(researcher, name="Quartier en santé")
        base = f"/evaluations/{evaluation.id}/designer"
    desk = new_phone(viewport={"width": 1280, "height": 900}, is_mobile=False,
                     has_touch=False, device_scale_factor=1)
    page = desk.page
    sign_in_as(page, live_server, "noor@example.org")

    # From scratch: the questionnaire's texts in both languages and its first question.
    page.goto(live_server.url + base)
    with page.expect_navigation():
        page.get_by_role("link", name="From scratch").click()
    axe_clean(page)
    page.locator("#f-code").fill("quartier")
    page.locator("#f-audience").select_option("citizen")
    texts(page, "title", "Votre quartier", "Your neighbourhood")
    texts(page, "introduction", "Quelques questions sur votre quartier.",
          "A few questions about your neighbourhood.")
    texts(page, "consent", "Vos réponses sont anonymes.", "Your answers are anonymous.")
    texts(page, "page_title", "Votre avis", "Your view")
    page.locator("#f-first_type").select_option("note")
    page.locator("#f-first_code").fill("welcome")
    texts(page, "first_text", "Merci de répondre.", "Thank you for answering.")
    # A missing translation is refused with its message beside the texts, nothing lost.
    page.locator("#f-first_text-en").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Create the draft").click()
    expect(page.locator("#f-first_text")).to_contain_text("translation missing")
    expect(page.locator("#f-first_text")).to_contain_text("en text is missing")
    expect(page.locator("#f-title-fr")).to_have_value("Votre quartier")
    page.locator("#f-first_text-en").fill("Thank you for answering.")
    with page.expect_navigation():
        page.get_by_role("button", name="Create the draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Designing quartier")

    # Three agreement questions, the third worded the other way round.
    likert(page, "calm", "Mon quartier est calme.", "My neighbourhood is quiet.")
    likert(page, "safe", "Je m'y sens en sécurité.", "I feel safe there.")
    likert(page, "noisy_r", "Mon quartier est bruyant.", "My neighbourhood is noisy.")

    # A follow-up shown only to those who find it noisy: the skip rule made with the builder.
    new_question(page, "page_1", "text", "noisy_why", "Qu'est-ce qui fait du bruit ?",
                 "What makes the noise?")
    with page.expect_navigation():
        page.get_by_role("button", name="Add a condition").click()
    expect(page.locator("#f-text-fr")).to_have_value("Qu'est-ce qui fait du bruit ?")
    page.locator("#f-relevant-0-code").select_option("noisy_r")
    with page.expect_navigation():
        page.get_by_role("button", name="Update the choices of condition 1").click()
    page.locator("#f-relevant-0-comparison").select_option("=")
    page.locator("#f-relevant-0-value").select_option("5")
    axe_clean(page)
    shot(page, "03-builder")
    save(page)
    draft_url = page.url.split("#")[0]
    page.goto(draft_url + "/items/noisy_why")  # the rule, written and shown under the rows
    expect(page.locator("#f-relevant-written")).to_contain_text("${noisy_r} = 5")
    page.goto(draft_url)

    # Their scale, the noisy question reversed.
    page.goto(f"{page.url.split('#')[0]}")
    with page.expect_navigation():
        page.get_by_role("link", name="Add a scale").click()
    page.locator("#f-code").fill("quiet")
    texts(page, "construct", "Tranquillité du quartier", "Quietness of the neighbourhood")
    page.locator("#f-points").fill("5")
    for code in ("calm", "safe", "noisy_r"):
        page.locator(f"#in-{code}").check()
    page.locator("#rev-noisy_r").check()
    save(page, "Save the scale")
    expect(page.locator("#scales")).to_contain_text("noisy_r")

    # A second page: a nomination of the team's members and a ranking, with a skip rule.
    with page.expect_navigation():
        page.get_by_role("link", name="Add a page after this one").click()
    page.locator("#f-code").fill("services")
    texts(page, "title", "Les services", "The services")
    page.locator("#f-first_type").select_option("text")
    page.locator("#f-first_code").fill("wish")
    texts(page, "first_text", "Que souhaitez-vous ?", "What would you like?")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    new_question(page, "services", "nomination", "helped", "Qui vous a aidé ?",
                 "Who helped you?")
    page.locator("#f-roster").fill("campaign")
    save(page)
    new_question(page, "services", "ranking", "priorities", "Classez ces services.",
                 "Rank these services.")
    choices(page, [("nurse", "Infirmière", "Nurse"), ("doctor", "Médecin", "Doctor"),
                   ("social", "Travail social", "Social work")])
    with page.expect_navigation():
        page.get_by_role("button", name="Write it as text").click()
    expect(page.locator('[name="choices.2.en"]')).to_have_value("Social work")
    page.locator("#f-relevant").fill("${calm} = = 1")  # a skip rule typed in text mode
    with page.expect_navigation():
        page.get_by_role("button", name="Save the question").click()
    expect(page.locator("#f-relevant-error")).to_be_visible()  # refused where it was typed
    expect(page.locator('[name="choices.2.en"]')).to_have_value("Social work")
    axe_clean(page)
    shot(page, "02-item-refused")
    page.locator("#f-relevant").fill("${calm} != 1")
    save(page)

    # A third page, after the services.
    with page.expect_navigation():
        page.locator("#page-services").get_by_role("link",
                                                    name="Add a page after this one").click()
    page.locator("#f-code").fill("end")
    texts(page, "title", "Pour finir", "To finish")
    page.locator("#f-first_type").select_option("text")
    page.locator("#f-first_code").fill("comment")
    texts(page, "first_text", "Un commentaire ?", "Any comment?")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()

    # The item bank: a question of a bundled questionnaire copied onto it, its code kept.
    with page.expect_navigation():
        page.locator("#page-end").get_by_role(
            "link", name="Copy questions from another questionnaire").click()
    page.get_by_label("Questionnaire to copy from").select_option("bundled:citizens")
    with page.expect_navigation():
        page.get_by_role("button", name="Show its questions").click()
    page.locator("#bank-lives_area").check()
    axe_clean(page)
    shot(page, "04-bank")
    with page.expect_navigation():
        page.get_by_role("button", name="Copy the ticked questions").click()
    expect(page.locator(".notice").first).to_contain_text("lives_area")
    expect(page.locator("#page-end")).to_contain_text("lives_area")

    # The preview beside the editor, in French then in English, behaves as the participant's.
    expect(page.locator(".badge.open")).to_contain_text("Every text in every language")
    frame = page.frame_locator("iframe.phone-frame")
    expect(frame.get_by_role("heading", level=1)).to_contain_text("Votre avis")
    with page.expect_navigation():
        page.locator(".designer-preview").get_by_role("link", name="English").click()
    frame = page.frame_locator("iframe.phone-frame")
    expect(frame.get_by_role("heading", level=1)).to_contain_text("Your view")
    axe_clean(page)
    shot(page, "01-draft")
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "00-screen", full_page=False)  # the README's (docs/screenshots/designer.png)

    # Publish through the diff and its confirmation.
    with page.expect_navigation():
        page.get_by_role("link", name="Review the changes and publish…").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Publish this version…").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Publish this version").click()
    expect(page.locator(".notice")).to_contain_text("is published")

    # A participant answers it on a phone, through a campaign with the team's roster.
    with app.app_context():
        evaluation = db.session.merge(evaluation)
        site = design.save_site(evaluation, None, name="Centre", kind="clinic",
                                is_comparison=False)
        wave = design.save_wave(evaluation, None, code="T0", label="Baseline")
        team = design.save_team(site, None, name="Équipe")
        design.set_team_roster(team, "Alex Martin\nSam Roy\nKim Tran")
        version = latest_version("quartier")
        definition = version.definition
        campaign = design.create_campaign(evaluation, db.session.merge(researcher),
                                          version=version, site=site, wave=wave, team=team)
        design.set_campaign_status(campaign, "open", db.session.merge(researcher))
        slug = campaign.slug
    phone = new_phone()
    phone.goto(f"/c/{slug}?lang=en")
    phone.goto("/q/quartier/consent")
    phone.consent()
    # The builder's skip rule at 360 px: the follow-up appears and goes as the answer changes.
    follow_up = phone.page.locator("#q-noisy_why")
    expect(follow_up).to_be_hidden()
    phone.page.locator('input[name="noisy_r"][value="5"]').check(force=True)
    expect(follow_up).to_be_visible()
    phone.page.locator('input[name="noisy_r"][value="2"]').check(force=True)
    expect(follow_up).to_be_hidden()
    phone.page.locator('input[name="noisy_r"][value="5"]').check(force=True)
    expect(follow_up).to_be_visible()
    seen = []
    while phone.section is not None:
        seen.append(phone.section)
        phone.check_phone_layout()
        phone.answer_page(definition)
        phone.submit()
    assert seen == ["page_1", "services", "end"]
    with app.app_context():
        response = db.session.scalar(select(Response).where(
            Response.campaign_id == campaign.id))
        assert response is not None and response.completed_at is not None
        assert {"calm", "safe", "noisy_r", "wish", "comment", "lives_area"
                } <= set(response.answers)


def test_choices_are_reordered_by_dragging_a_row(new_phone: Callable[..., Phone],
                                                  live_server: LiveServer) -> None:
    """The issue's "reordered by drag": a choice row dragged above the first is saved first,
    every label and code moving with it."""
    with live_server.app.app_context():
        researcher = make_user("noor@example.org")
        evaluation = design.create_evaluation(researcher, name="Quartier en santé")
        base = f"/evaluations/{evaluation.id}/designer"
    desk = new_phone(viewport={"width": 1280, "height": 900}, is_mobile=False,
                     has_touch=False, device_scale_factor=1)
    page = desk.page
    sign_in_as(page, live_server, "noor@example.org")
    page.goto(live_server.url + base)
    with page.expect_navigation():
        page.locator("form[action$='/designer/copy'] select").first.select_option(
            "bundled:citizens")
        page.locator("form[action$='/designer/copy'] button[type=submit]").first.click()
    draft_url = page.url
    page.goto(draft_url.replace("/drafts/", "/drafts/", 1) + "/items/role")
    rows = page.locator("table.choice-rows tbody tr")
    expect(rows).to_have_count(6)
    codes = [rows.nth(n).locator("input[name$='.code']").input_value() for n in range(6)]
    rows.nth(2).drag_to(rows.nth(0))
    moved = [rows.nth(n).locator("input[name$='.code']").input_value() for n in range(6)]
    assert moved == [codes[2], codes[0], codes[1], *codes[3:]]
    assert rows.nth(0).locator("input[name$='.code']").get_attribute("name") == "choices.0.code"
    axe_clean(page)
    save(page)
    draft_id = int(draft_url.rstrip("/").rsplit("/", 1)[1])
    with live_server.app.app_context():
        from survey.models import QuestionnaireDraft

        data = db.session.get(QuestionnaireDraft, draft_id).definition_data
    role = next(i for s in data["sections"] for i in s["items"] if i["code"] == "role")
    assert [c["code"] for c in role["choices"]] == moved
