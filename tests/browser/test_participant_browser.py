"""A participant on a 360 px phone, tapping through real pages in Chromium."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from survey.extensions import db
from survey.models import Response
from survey.questionnaire import Definition

from .conftest import LiveServer, Phone, stored

pytestmark = pytest.mark.browser

Given = dict[str, list[tuple[str, str]]]


def only_response(live_server: LiveServer) -> Response:
    with live_server.app.app_context():
        found = list(db.session.scalars(select(Response)))
        for response in found:
            db.session.expunge(response)
    assert len(found) == 1, found
    return found[0]


def expected(definition: Definition, given: Given) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for item in definition.items():
        answers |= stored(definition, item, given.get(item.code, []))
    return answers


def finish(phone: Phone, definition: Definition, given: Given, limit: int = 20) -> None:
    """Answer page after page until the thank-you page, checking each page on the phone."""
    for _ in range(limit):
        if phone.section is None:
            break
        phone.check_phone_layout()
        given |= phone.answer_page(definition)
        phone.submit("next")
    assert phone.path == f"/q/{definition.code}/done", phone.page.url
    expect(phone.page.locator("h1")).to_have_text("Merci !")
    phone.check_phone_layout()


def test_a_participant_completes_the_patients_survey_on_a_phone(
        phone: Phone, live_server: LiveServer, bundled: dict[str, Definition]) -> None:
    patients = bundled["patients"]
    page = phone.page
    phone.enter("patients")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text(patients.title["fr"])
    expect(page.locator("main")).to_contain_text(patients.introduction["fr"].split("\n\n")[0])
    phone.check_phone_layout()

    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"lang=en"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(patients.title["en"])
    expect(page.get_by_role("link", name="Start")).to_be_visible()
    phone.check_phone_layout()

    page.get_by_role("link", name="Français").click()
    page.wait_for_url(re.compile(r"lang=fr"))
    expect(page.locator("h1")).to_have_text(patients.title["fr"])
    page.get_by_role("link", name="Commencer").click()
    page.wait_for_url(re.compile(r"/q/patients/consent$"))
    phone.check_phone_layout()
    phone.consent()

    given: Given = {}
    first = phone.section
    phone.check_phone_layout()
    given |= phone.answer_page(patients)
    first_answers = dict(given)
    phone.submit("next")
    second = phone.section
    assert second is not None and second != first
    phone.check_phone_layout()
    second_answers = phone.answer_page(patients)
    given |= second_answers

    phone.submit("back")
    assert phone.section == first
    expect(page.get_by_role("button", name="Précédent")).to_have_count(0)
    phone.shows(patients, first_answers)
    phone.submit("next")
    assert phone.section == second
    phone.shows(patients, second_answers)
    expect(page.get_by_role("button", name="Précédent")).to_be_visible()
    phone.submit("next")

    finish(phone, patients, given)
    response = only_response(live_server)
    assert response.completed and response.language == "fr"
    assert response.answers == expected(patients, given)


def test_skip_logic_follows_the_taps_without_reloading(
        phone: Phone, live_server: LiveServer, bundled: dict[str, Definition]) -> None:
    page = phone.page
    phone.enter("patients")
    phone.goto("/q/patients/consent")
    phone.consent()
    assert phone.section == "your_visit"
    page.evaluate("window.sameDocument = true")
    follow_up = page.locator("#q-service_other")
    assert "service_type" in (follow_up.get_attribute("data-relevant") or "")
    expect(follow_up).to_be_hidden()

    service = bundled["patients"].item("service_type")
    phone.give(service, "service_type", "other")
    expect(follow_up).to_be_visible()
    page.locator("#i-service_other").fill("Atelier de cuisine")
    phone.give(service, "service_type", service.choices[0].key)
    expect(follow_up).to_be_hidden()
    phone.give(service, "service_type", "other")
    expect(follow_up).to_be_visible()
    assert page.evaluate("window.sameDocument") is True, "the page was reloaded"
    phone.check_phone_layout()


def test_without_javascript_every_item_shows_and_the_server_decides(
        new_phone: Callable[..., Phone], live_server: LiveServer,
        bundled: dict[str, Definition]) -> None:
    citizens = bundled["citizens"]
    phone = new_phone(java_script_enabled=False)
    phone.enter("citizens")
    phone.page.get_by_role("link", name="Commencer").click()
    phone.page.wait_for_url(re.compile(r"/consent$"))
    phone.consent()
    given: Given = {}
    for _ in range(20):
        section = citizens.section(phone.section or "")
        if section is None:
            break
        for item in section.items:
            expect(phone.page.locator(f"#q-{item.code}")).to_be_visible()
        given |= phone.answer_page(citizens)
        phone.submit("next")
    assert phone.path == "/q/citizens/done"
    expect(phone.page.locator("h1")).to_have_text("Merci !")

    answers = only_response(live_server).answers
    # answered on the page, but their condition is false: the server drops them
    assert answers["role"] != "other" and "role_other" in given and "role_other" not in answers
    assert answers["used"] != "yes" and "used_useful" in given and "used_useful" not in answers
    assert answers["heard"] == "yes" and answers["heard_how"]  # a relevant follow-up is kept
    relevant = {code: pairs for code, pairs in given.items()
                if code not in ("role_other", "used_useful")}
    assert answers == expected(citizens, relevant)


def test_a_missing_required_answer_is_announced_and_shown_by_the_field(phone: Phone) -> None:
    page = phone.page
    phone.enter("patients")
    phone.goto("/q/patients/consent")
    phone.consent()
    assert phone.section == "your_visit"
    phone.submit("next")
    assert phone.section == "your_visit"
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    expect(page).to_have_title(re.compile(r"^Erreur"))

    item = page.locator("#q-service_type")
    message = item.locator("#e-service_type")
    expect(message).to_be_visible()
    expect(message).not_to_be_empty()
    field = item.locator("fieldset").first
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", re.compile(r"\be-service_type\b"))
    # the message sits beside the field: between the question and its first option
    legend = item.locator("legend").first.bounding_box()
    box = message.bounding_box()
    first = item.locator(".option").first.bounding_box()
    assert legend and box and first and legend["y"] < box["y"] < first["y"]
    summary.locator('a[href="#q-service_type"]').click()
    page.wait_for_url(re.compile(r"#q-service_type$"))
    phone.check_phone_layout()


def test_save_and_resume_on_another_device(
        new_phone: Callable[..., Phone], live_server: LiveServer,
        bundled: dict[str, Definition]) -> None:
    patients = bundled["patients"]
    phone = new_phone()
    phone.enter("patients")
    phone.goto("/q/patients/consent")
    phone.consent()
    given: Given = phone.answer_page(patients)
    phone.submit("next")
    page_two = phone.section
    kept = phone.answer_page(patients)
    given |= kept
    phone.page.get_by_role("button", name="Enregistrer et continuer plus tard").click()
    phone.page.wait_for_url(re.compile(r"/q/patients/later$"))
    phone.check_phone_layout()
    link = phone.page.locator("#resume-link").inner_text()
    assert link.startswith(f"{live_server.url}/r/"), link

    other = new_phone()
    other.page.goto(link)
    other.page.wait_for_url(re.compile(rf"/q/patients/p/{page_two}$"))
    expect(other.page.locator("html")).to_have_attribute("lang", "fr")
    other.shows(patients, kept)
    finish(other, patients, given)
    response = only_response(live_server)
    assert response.completed and response.answers == expected(patients, given)
