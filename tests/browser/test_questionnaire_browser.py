"""A researcher's questionnaire in a desktop browser (1280 px): sign in, upload an XLSForm, read
the validation report of a broken one, preview it in the 360-px frames (language switch, skip
logic live), publish, upload a changed version and read its diff with the comparability
warning, publish it, move a campaign to it and download it as YAML and XLSForm; axe-core on
each page.

With ``SURVEY_SCREENSHOTS=<dir>``, each page is saved there as a PNG to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, FrameLocator, Page, expect

from survey.auth import accounts
from survey.design import services
from survey.extensions import db
from survey.models import Campaign, QuestionnaireVersion, Response
from survey.models.account import RESEARCHER
from survey.questionnaire import load_file
from survey.questionnaire.xlsform import read_xlsform

from ..test_xlsform import workbook
from .conftest import LiveServer

pytestmark = pytest.mark.browser
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}
SHOTS = os.environ.get("SURVEY_SCREENSHOTS")
BLOCKING = ("serious", "critical")
FR, EN = "label::Français (fr)", "label::English (en)"
PASSWORD = "a long pass phrase"


def spreadsheet(which_en: str = "Which service?", coop: bool = True,
                unknown_in_relevant_of: str | None = None) -> bytes:
    """A small bilingual XLSForm: a question shown only after a "yes", a likert, a text."""
    survey = [
        ["type", "name", FR, EN, "required", "relevant", "appearance"],
        ["begin group", "visit", "Votre visite", "Your visit"],
        ["select_one yes_no", "uses", "Avez-vous consulté ?", "Did you visit?", "yes"],
        ["select_one services", "which", "Quel service ?", which_en, None, "${uses} = 'yes'"],
        ["integer", "waited", "Attente (minutes)", "Wait (minutes)", None, "${uses} = 'yes'"],
        ["end group"],
        ["begin group", "opinion", "Votre avis", "Your opinion"],
        ["select_one agree", "satisfied", "Satisfait", "Satisfied", None, None, "likert"],
        ["text", "comment", "Commentaire", "Comment"],
        ["end group"],
    ]
    if unknown_in_relevant_of:
        row = next(r for r in survey if len(r) > 1 and r[1] == unknown_in_relevant_of)
        row[5] = "${nowhere} = 1"
    choices = [["list_name", "name", FR, EN],
               ["yes_no", "yes", "Oui", "Yes"], ["yes_no", "no", "Non", "No"],
               ["services", "clinic", "Clinique", "Clinic"],
               ["services", "pharmacy", "Pharmacie", "Pharmacy"],
               *([["services", "coop", "Coopérative", "Cooperative"]] if coop else []),
               ["agree", 1, "Pas d'accord", "Disagree"], ["agree", 2, "Neutre", "Neutral"],
               ["agree", 3, "D'accord", "Agree"]]
    settings = [["form_title", "form_id", "default_language", "audience"],
                ["Visite", "clinic_visit", "Français (fr)", "patient"]]
    return workbook({"survey": survey, "choices": choices, "settings": settings})


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"q-{name}.png"), full_page=True)


def accessible(axe: Axe, page: Page) -> None:
    violations = [v for v in axe.run(page).response["violations"] if v["impact"] in BLOCKING]
    assert not violations, [(v["id"], v["nodes"][0]["html"]) for v in violations]


def upload(page: Page, tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    page.get_by_label(re.compile("YAML definition, XLSForm")).set_input_files(str(path))
    button = page.get_by_role("button", name=re.compile("Check and keep as a draft|Check again"))
    with page.expect_navigation():
        button.click()


def publish(page: Page) -> str:
    """Publish the draft shown; the content hash of the new version."""
    content_hash = page.url.split("?")[0].rstrip("/").split("/")[-1]
    with page.expect_navigation():
        page.get_by_role("link", name="Publish this version…").click()
    expect(page.get_by_role("heading", name="Publish the draft of clinic_visit?")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Publish this version").click()
    expect(page.get_by_text(f"Version {content_hash[:12]} of clinic_visit is published.")
           ).to_be_visible()
    return content_hash


def preview(page: Page, language: str) -> FrameLocator:
    return page.frame_locator(f'iframe[title="Preview: {language}"]')


def test_a_researcher_uploads_previews_publishes_changes_and_downloads(
        browser: Browser, live_server: LiveServer, tmp_path: Path) -> None:
    app = live_server.app
    with app.app_context():
        evaluation = services.create_evaluation(None, name="Clinique Nord")
        evaluation_id = evaluation.id
        researcher = accounts.create_user("lea@example.org", name="Léa Roy")
        accounts.set_password(researcher, PASSWORD)
        accounts.set_role(researcher, evaluation, RESEARCHER)
    axe = Axe()
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/login?lang=en")
    page.get_by_label("Email").fill("lea@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    questionnaires = f"{live_server.url}/design/e/{evaluation_id}/questionnaires"
    page.goto(questionnaires)
    expect(page.get_by_role("heading", name="Questionnaires", exact=True)).to_be_visible()
    accessible(axe, page)
    shot(page, "01-questionnaires")

    # a broken spreadsheet: its report names the cell to correct, nothing is kept
    upload(page, tmp_path, "broken.xlsx", spreadsheet(unknown_in_relevant_of="which"))
    expect(page.get_by_role("heading", name="Validation report")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("broken.xlsx was not kept: 1 problem")
    problem = page.locator("#problems tbody tr")
    expect(problem).to_have_count(1)
    expect(problem.locator("td").first).to_have_text("survey!F4")
    expect(problem.locator("td").last).to_have_text(
        'Relevant "${nowhere} = 1" names ${nowhere}, an unknown item')
    accessible(axe, page)
    shot(page, "02-report")

    # the spreadsheet corrected, from the report's own form: a draft with its preview
    upload(page, tmp_path, "visit.xlsx", spreadsheet())
    expect(page.get_by_role("heading", name=re.compile("Draft of clinic_visit"))).to_be_visible()
    expect(page.locator("#diff")).to_contain_text("this will be the first")
    english = preview(page, "English")
    expect(english.locator("#q-uses legend")).to_contain_text("Did you visit?")
    expect(english.locator("#q-which")).to_be_hidden()  # until "yes"
    english.locator("#q-uses").get_by_text("Yes", exact=True).click()
    expect(english.locator("#q-which")).to_be_visible()  # skip logic, live
    expect(english.locator("#q-which legend")).to_contain_text("Which service?")
    english.locator("#q-uses").get_by_text("No", exact=True).click()
    expect(english.locator("#q-which")).to_be_hidden()
    expect(preview(page, "Français").locator("#q-uses legend")).to_contain_text(
        "Avez-vous consulté ?")
    # the frame's own language switch changes the frame, not the researcher's language
    english.get_by_role("link", name="Français").click()
    expect(english.locator("#q-uses legend")).to_contain_text("Avez-vous consulté ?")
    expect(english.locator("html")).to_have_attribute("lang", "fr")
    accessible(axe, page)
    shot(page, "03-draft")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Publish this version…")).to_be_visible()
    frame_url = preview(page, "English").locator("html").evaluate("() => location.href")
    shown = context.new_page()  # the preview page itself, as shared with a colleague
    shown.goto(frame_url)
    expect(shown.get_by_text("Preview: it checks your answers as the participant's pages do, "
                             "and nothing you enter is recorded.")).to_be_visible()
    accessible(axe, shown)
    shown.close()
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Response)) == 0

    hash1 = publish(page)
    shot(page, "04-published")
    # a campaign runs on version 1, and someone chose the cooperative
    with app.app_context():
        v1 = db.session.scalar(db.select(QuestionnaireVersion).filter_by(content_hash=hash1))
        campaign = services.create_campaign(db.session.get(services.Evaluation, evaluation_id),
                                            None, version=v1, name="Wave 1")
        campaign_id = campaign.id
        db.session.add(Response(version_id=v1.id, campaign_id=campaign_id, language="fr",
                                answers={"uses": "yes", "which": "coop"},
                                resume_hash="r" * 64, start_hash="s" * 64))
        db.session.commit()

    # version 2: one item reworded in English, the cooperative removed
    upload(page, tmp_path, "visit-v2.xlsx",
           spreadsheet(which_en="Which service did you use?", coop=False))
    changes = page.locator("#diff")
    expect(changes).to_contain_text(f"Compared with version {hash1[:12]}.")
    expect(changes).to_contain_text("Item 'which' reworded (en).")
    expect(changes).to_contain_text("Choice 'coop' removed from item 'which' (answers with it "
                                    "stay in older responses).")
    expect(changes.locator(".warning")).to_have_text(
        "Warning: choice 'coop' was chosen in older responses: waves will not offer the same "
        "choices.")
    accessible(axe, page)
    shot(page, "05-diff")
    hash2 = publish(page)
    assert hash2 != hash1

    # move the campaign to version 2 from that version's page
    row = page.get_by_role("row").filter(has_text=hash2[:12])
    with page.expect_navigation():
        row.get_by_role("link", name="clinic_visit").click()
    expect(page.get_by_role("heading", name=re.compile(hash2[:12]))).to_be_visible()
    with page.expect_navigation():
        page.locator("#campaigns").get_by_role("button", name="Move to this version").click()
    expect(page.get_by_text(f"Campaign Wave 1 now uses version {hash2[:12]}")).to_be_visible()
    expect(page.locator("#campaigns")).to_contain_text("uses this version")
    accessible(axe, page)
    shot(page, "06-version")
    with app.app_context():
        assert db.session.get(Campaign, campaign_id).version.content_hash == hash2
        [kept] = db.session.scalars(db.select(Response)).all()
        assert kept.version.content_hash == hash1 and kept.answers["which"] == "coop"

    # download version 2 back: both files give its content hash
    for link, suffix in (("Download as YAML", "yaml"), ("Download as XLSForm", "xlsx")):
        with page.expect_download() as download:
            page.get_by_role("link", name=link).click()
        path = tmp_path / f"back.{suffix}"
        download.value.save_as(path)
        assert download.value.suggested_filename == f"clinic_visit-{hash2[:12]}.{suffix}"
        back = (read_xlsform(path.read_bytes()).definition if suffix == "xlsx"
                else load_file(path))
        assert back.content_hash == hash2
    context.close()


BROKEN_YAML = """format: 1
code: clinic_visit
audience: martians
languages: [fr, en]
minutes: 3
title: {fr: "Visite", en: "Visit"}
introduction: {fr: "Bonjour", en: "Hello"}
consent: {fr: "D'accord ?", en: "Agreed?"}
sections:
  - code: you
    title: {fr: "Vous"}
    items:
      - {code: uses, type: yesno, text: {fr: "Utilisez-vous le service ?", en: "Do you?"}}
      - {code: why, type: text, text: {fr: "Pourquoi ?", en: "Why?"}, relevant: "${later} = 1"}
"""


def test_the_validation_report_speaks_the_researchers_language_and_places_by_line_or_cell(
        browser: Browser, live_server: LiveServer, tmp_path: Path) -> None:
    """A broken YAML and a broken XLSForm, read in French then in English: each problem at the
    line or cell the researcher wrote, in their language; never an internal path."""
    app = live_server.app
    with app.app_context():
        evaluation = services.create_evaluation(None, name="Clinique Nord")
        evaluation_id = evaluation.id
        researcher = accounts.create_user("lea@example.org", name="Léa Roy")
        accounts.set_password(researcher, PASSWORD)
        accounts.set_role(researcher, evaluation, RESEARCHER)
    context = browser.new_context(**{**DESKTOP, "locale": "fr-CA"})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/login?lang=fr")
    page.get_by_label("Courriel").fill("lea@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    questionnaires = f"{live_server.url}/design/e/{evaluation_id}/questionnaires"
    for lang in ("fr", "en"):
        page.goto(f"{questionnaires}?lang={lang}")
        field = page.locator('input[type="file"]')
        path = tmp_path / "visite.yaml"
        path.write_text(BROKEN_YAML, encoding="utf-8")
        field.set_input_files(str(path))
        with page.expect_navigation():
            page.locator('form[enctype] button[type="submit"]').click()
        rows = page.locator("#problems tbody tr")
        expect(rows).to_have_count(3)
        places = rows.locator("td:first-child").all_inner_texts()
        words = rows.locator("td:last-child").all_inner_texts()
        line = "ligne" if lang == "fr" else "line"
        assert places == [f"{line} 3", f"{line} 11", f"{line} 14"]
        if lang == "fr":
            assert words[0].startswith("«\u00a0audience\u00a0» doit être l’un de")
            assert words[1] == "Il manque le texte de la langue «\u00a0en\u00a0»"
            assert "une question inconnue" in words[2]
        else:
            assert words == ["'audience' must be one of patient, professional, citizen",
                             "The en text is missing",
                             'Relevant "${later} = 1" names ${later}, an unknown item']
        assert not any("sections[" in w for w in words)
        shot(page, f"report-yaml-{lang}")
        path = tmp_path / "visite.xlsx"
        path.write_bytes(spreadsheet(unknown_in_relevant_of="which"))
        page.locator('input[type="file"]').set_input_files(str(path))
        with page.expect_navigation():
            page.locator('form[enctype] button[type="submit"]').click()
        expect(rows).to_have_count(1)
        expect(rows.locator("td").first).to_have_text("survey!F4")
        if lang == "fr":
            expect(rows.locator("td").last).to_contain_text("une question inconnue")
        else:
            expect(rows.locator("td").last).to_have_text(
                'Relevant "${nowhere} = 1" names ${nowhere}, an unknown item')
        shot(page, f"report-xlsform-{lang}")
    context.close()
