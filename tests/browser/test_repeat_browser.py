"""Repeated pages on a 360 px phone in Chromium: one block per household member (counted from
an earlier answer), and visits added with "Add another" and removed, with and without
JavaScript, in French and English."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import select

from survey.extensions import db
from survey.models import Response
from survey.questionnaire import load_file
from survey.versions import store_definition

from .conftest import LiveServer, Phone

pytestmark = pytest.mark.browser

HOUSEHOLD = Path(__file__).parent.parent / "data" / "household.yaml"
BLOCKING = ("serious", "critical")


@pytest.fixture
def household(live_server: LiveServer) -> None:
    with live_server.app.app_context():
        store_definition(load_file(HOUSEHOLD), "household.yaml")


def answers_stored(live_server: LiveServer) -> dict:
    with live_server.app.app_context():
        [response] = db.session.scalars(select(Response)).all()
        return dict(response.answers) | {"_status": response.status}


def tap(phone: Phone, name: str | re.Pattern[str]) -> None:
    """Tap a button of the form by its words and wait for the page it leads to."""
    page = phone.page
    if page.locator('form[data-keep="ready"]').count():
        page.locator("form[data-keep]").evaluate("(form) => form.dataset.keep = 'tapped'")
        page.get_by_role("button", name=name, exact=isinstance(name, str)).click()
        page.wait_for_function("""() => document.readyState === 'complete'
          && !document.querySelector('form[data-keep="tapped"]')""")
        return
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=isinstance(name, str)).click()


def shot(page: Page, name: str) -> None:
    folder = os.environ.get("SURVEY_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"repeat-{name}.png"), full_page=True)


def start(phone: Phone, lang: str) -> None:
    phone.enter("household", lang)
    phone.goto("/q/household/consent")
    phone.page.locator('label[for="agree"]').click()
    with phone.page.expect_navigation():
        phone.page.get_by_role("button", name=re.compile("Continuer|Continue")).click()
    assert phone.section == "about"


def test_each_member_has_a_block_whose_questions_follow_its_own_answers(
        phone: Phone, live_server: LiveServer, household: None) -> None:
    page = phone.page
    start(phone, "fr")
    page.locator("#i-household_size").fill("2")
    tap(phone, "Suivant")
    assert phone.section == "members"
    expect(page.locator("section.occurrence h2")).to_have_text(
        ["Personne 1 sur 2", "Personne 2 sur 2"])
    expect(page.get_by_role("button", name="En ajouter un autre")).to_have_count(0)
    school_1, school_2 = page.locator("#q-school-1"), page.locator("#q-school-2")
    page.locator("#i-age-1").fill("44")
    page.locator("#i-age-2").fill("7")
    expect(school_1).to_be_hidden()  # an adult: not asked about school
    expect(school_2).to_be_visible()  # the child is
    page.locator('label[for="school-2-1"]').click()
    phone.check_phone_layout()
    shot(page, "members-fr")
    violations = Axe().run(page).response["violations"]
    assert not [v for v in violations if v.get("impact") in BLOCKING], violations
    tap(phone, "Suivant")
    assert phone.section == "visits"
    tap(phone, "Précédent")
    expect(page.locator("#i-age-2")).to_have_value("7")  # resumed as stored
    tap(phone, "Suivant")
    page.locator("#i-visit_reason-1").fill("Vaccin")
    tap(phone, "Suivant")
    assert phone.section == "opinion"
    tap(phone, "Terminer")
    answers = answers_stored(live_server)
    assert answers["_status"] == "completed"
    assert answers["members"] == [{"age": 44}, {"age": 7, "school": "yes"}]
    assert answers["visits"] == [{"visit_reason": "Vaccin"}]


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_visits_are_added_and_removed_with_buttons(
        new_phone: Callable[..., Phone], live_server: LiveServer, household: None,
        javascript: bool) -> None:
    phone = new_phone(java_script_enabled=javascript, locale="en-GB")
    page = phone.page
    start(phone, "en")
    page.locator("#i-household_size").fill("0")
    tap(phone, "Next")
    assert phone.section == "visits"  # nobody to describe: the members' page is skipped
    expect(page.locator("section.occurrence h2")).to_have_text(["Visit 1 of 1"])
    page.locator("#i-visit_reason-1").fill("Flu")
    tap(phone, "Add another")
    assert phone.section == "visits"
    expect(page.locator("section.occurrence h2")).to_have_text(["Visit 1 of 2", "Visit 2 of 2"])
    expect(page.locator("#i-visit_reason-1")).to_have_value("Flu")
    page.locator("#i-visit_reason-2").fill("Check-up")
    tap(phone, "Add another")
    expect(page.locator("section.occurrence h2")).to_have_count(3)
    expect(page.get_by_role("button", name="Add another")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("You can give at most 3.")
    phone.check_phone_layout()
    shot(page, f"visits-en-{'js' if javascript else 'nojs'}")
    tap(phone, "Next")  # the third visit, added but left empty, is required
    expect(page.locator("#error-summary")).to_contain_text("Visit 3 of 3")
    tap(phone, "Remove: Visit 1 of 3")
    expect(page.locator("section.occurrence h2")).to_have_text(["Visit 1 of 2", "Visit 2 of 2"])
    expect(page.locator("#i-visit_reason-1")).to_have_value("Check-up")
    tap(phone, "Remove: Visit 2 of 2")
    expect(page.locator("section.occurrence h2")).to_have_text(["Visit 1 of 1"])
    expect(page.get_by_role("button", name=re.compile("^Remove"))).to_have_count(0)
    tap(phone, "Next")
    assert phone.section == "opinion"
    assert answers_stored(live_server)["visits"] == [{"visit_reason": "Check-up"}]


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_the_preview_adds_and_removes_visits_as_the_participant_page_does(
        new_phone: Callable[..., Phone], live_server: LiveServer, javascript: bool) -> None:
    """A researcher previews the published household questionnaire on a phone: "Add another"
    and "Remove" edit the visits in place, and nothing is recorded."""
    from survey.auth import accounts
    from survey.design import services
    from survey.models.account import RESEARCHER

    with live_server.app.app_context():
        version = store_definition(load_file(HOUSEHOLD), "household.yaml").version
        evaluation = services.create_evaluation(None, name="Foyers")
        researcher = accounts.create_user("lea@example.org", name="Léa Roy")
        accounts.set_password(researcher, "a long pass phrase")
        accounts.set_role(researcher, evaluation, RESEARCHER)
        url = (f"/design/e/{evaluation.id}/questionnaires/versions/{version.content_hash}"
               "/preview/fr/3")
    phone = new_phone(java_script_enabled=javascript)
    page = phone.page
    phone.goto("/login?lang=fr")
    page.get_by_label("Courriel").fill("lea@example.org")
    page.get_by_label("Mot de passe").fill("a long pass phrase")
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    phone.goto(url)
    blocks = page.locator("section.occurrence h2")
    expect(blocks).to_have_text(["Visite 1 sur 1"])
    page.locator("#i-visit_reason-1").fill("Grippe")
    tap(phone, "En ajouter un autre")
    expect(blocks).to_have_text(["Visite 1 sur 2", "Visite 2 sur 2"])
    expect(page.locator("#i-visit_reason-1")).to_have_value("Grippe")
    page.locator("#i-visit_reason-2").fill("Contrôle")
    phone.check_phone_layout()
    shot(page, f"preview-visits-fr-{'js' if javascript else 'nojs'}")
    tap(phone, "Retirer : Visite 1 sur 2")
    expect(blocks).to_have_text(["Visite 1 sur 1"])
    expect(page.locator("#i-visit_reason-1")).to_have_value("Contrôle")
    tap(phone, "Suivant")
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre avis")
    with live_server.app.app_context():
        assert not db.session.scalars(select(Response)).all()
