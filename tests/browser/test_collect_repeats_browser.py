"""Assisted mode with repeated pages and constraints in a real browser (issue 26): offline, a
navigator on a 360-px phone answers a household page repeated by an earlier answer (3 people),
adds three visits with "Add another" and removes the first, reloads the page (the
interview comes back with its blocks), meets constraint messages beside
the questions (Next and Finish blocked until corrected), and once back online the response
arrives once, its occurrences stored as a participant's are. axe on the scripted pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from survey.extensions import db
from survey.models import Response
from survey.models.response import MODE_ASSISTED

from ..collect_world import household_campaign
from ..workspace import build_world
from .conftest import LiveServer, Phone
from .test_collect_browser import accessible, navigator_phone, shot

pytestmark = pytest.mark.browser


def refused(page: Page, code: str, words: str) -> None:
    """The constraint's words beside the question, its field focused and described by them."""
    note = page.locator(f"#q-{code} p.error")
    expect(note).to_be_visible()
    expect(note).to_contain_text(words)
    field = page.locator(f"#i-{code}")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    assert f"e-{code}" in (field.get_attribute("aria-describedby") or "")


def test_repeated_pages_and_constraints_offline(new_phone, live_server: LiveServer
                                                ) -> None:  # noqa: ANN001
    world = build_world(live_server.app)
    campaign = household_campaign(live_server.app, world)
    phone: Phone = navigator_phone(new_phone, live_server)
    page = phone.page
    page.locator(f'a[href="/collect/a/{world.a.evaluation}/{campaign}"]').click()
    expect(page.locator('[data-step="consent"] h1')).to_be_visible()
    page.wait_for_function("() => !!navigator.serviceWorker.controller")
    phone.context.set_offline(True)
    page.locator('label[for="oral"]').click()
    page.get_by_role("button", name="Start the questionnaire").click()

    # the type's rules, as the server words them: a whole number, its max, not beside "Don't know"
    page.locator("#i-household_size").fill("three")
    page.locator("#i-nights").fill("4")
    page.locator('label[for="nights-dont_know"]').click()
    page.locator("[data-next]").click()
    refused(page, "household_size", "Please enter a whole number, for example 3.")
    expect(page.locator("#q-nights p.error")).to_contain_text(
        "Please either give an answer or tick the box below it, not both.")
    page.locator("#i-household_size").fill("7")
    page.locator('label[for="nights-dont_know"]').click()
    page.locator("[data-next]").click()
    refused(page, "household_size", "Please enter a number of at most 6.")
    expect(page.locator("#q-nights p.error")).to_have_count(0)
    # an ordinary page: a constraint blocks "Next" until corrected
    page.locator("#i-household_size").fill("3")
    page.locator("#i-nights").fill("40")
    page.locator("[data-next]").click()
    refused(page, "nights", "A month has at most 31 nights.")
    expect(page.locator('[data-page="about"]')).to_be_visible()
    page.locator("#i-nights").fill("4")
    page.locator("[data-next]").click()

    # the count gives three blocks, worded as on a participant's page
    members = page.locator('[data-page="members"]')
    expect(members).to_be_visible()
    expect(members.locator("[data-occurrence]:visible")).to_have_count(3)
    expect(members.locator("[data-occurrence-title]:visible")).to_have_text(
        ["Person 1 of 3", "Person 2 of 3", "Person 3 of 3"])
    page.locator("#i-age-1").fill("12")  # the first person must be 16 or more (position())
    page.locator("#i-age-2").fill("9")
    expect(page.locator("#q-school-2")).to_be_visible()  # relevance inside the block
    expect(page.locator("#q-school-1")).to_be_visible()
    option = page.locator('input[name="school-2"][value="yes"]')
    page.locator(f'label[for="{option.get_attribute("id")}"]').click()
    page.locator("#i-age-3").fill("70")
    expect(page.locator("#q-school-3")).to_be_hidden()
    page.locator("#i-born-3").fill("2020")  # does not fit 70 years (reads the block's age)
    page.locator("[data-next]").click()
    refused(page, "age-1", "The first person is at least 16.")
    expect(page.locator("#q-born-3 p.error")).to_contain_text("This year does not fit their age.")
    expect(page.locator("#q-age-2 p.error")).to_have_count(0)  # 9 is fine for the second
    accessible(page)
    shot(page, "collect-repeat-constraint-phone")
    phone.check_phone_layout()
    page.locator("#i-age-1").fill("41")
    expect(page.locator("#q-school-1")).to_be_hidden()
    page.locator("#i-born-3").fill("1956")
    page.locator("[data-next]").click()

    # "Add another" up to the max, then "Remove" the first: the others move up
    visits = page.locator('[data-page="visits"]')
    expect(visits).to_be_visible()
    expect(visits.locator("[data-occurrence-title]:visible")).to_have_text(["Visit 1 of 1"])
    expect(visits.locator("[data-remove]:visible")).to_have_count(0)
    page.locator("#i-visit_reason-1").fill("flu")
    page.locator("#i-visit_minutes-1").fill("300")
    visits.get_by_role("button", name="Add another").click()
    expect(page.locator("#visits-occurrence-2")).to_be_focused()
    page.locator("#i-visit_reason-2").fill("check-up")
    visits.get_by_role("button", name="Add another").click()
    page.locator("#i-visit_reason-3").fill("vaccine")
    expect(visits.get_by_role("button", name="Add another")).to_be_hidden()
    expect(visits.get_by_text("You can give at most 3.")).to_be_visible()
    expect(visits.locator("[data-occurrence-title]:visible")).to_have_text(
        ["Visit 1 of 3", "Visit 2 of 3", "Visit 3 of 3"])
    page.locator("[data-next]").click()
    refused(page, "visit_minutes-1", "A visit lasts 4 hours at most.")
    accessible(page)
    shot(page, "collect-repeat-add-phone")
    phone.check_phone_layout()
    visits.get_by_role("button", name="Remove: Visit 1 of 3").click()
    expect(visits.locator("[data-occurrence-title]:visible")).to_have_text(
        ["Visit 1 of 2", "Visit 2 of 2"])
    expect(page.locator("#i-visit_reason-1")).to_have_value("check-up")
    expect(page.locator("#i-visit_reason-2")).to_have_value("vaccine")
    expect(page.locator("#i-visit_minutes-1")).to_have_value("")
    expect(visits.get_by_role("button", name="Add another")).to_be_visible()

    # a reload, still offline, brings the interview back: the blocks left and their answers
    page.wait_for_timeout(1000)  # the draft is kept 0.4 s after the last change
    page.reload()
    expect(visits).to_be_visible()
    expect(visits.locator("[data-occurrence-title]:visible")).to_have_text(
        ["Visit 1 of 2", "Visit 2 of 2"])
    expect(page.locator("#i-visit_reason-1")).to_have_value("check-up")
    expect(page.locator("#i-visit_reason-2")).to_have_value("vaccine")
    expect(page.locator("#i-age-3")).to_have_value("70")
    page.locator("[data-next]").click()

    # the last page: count() of the visits asks why so many; a constraint blocks "Finish"
    expect(page.locator('[data-page="end"]')).to_be_visible()
    expect(page.locator("#q-many_visits")).to_be_visible()
    page.locator("#i-many_visits").fill("a cold, then its check-up")
    page.locator("#i-score").fill("11")
    page.locator("[data-finish]").click()
    refused(page, "score", "Give a mark from 1 to 10.")
    expect(page.locator('[data-step="done"]')).to_be_hidden()
    shot(page, "collect-finish-constraint-phone")
    page.locator("#i-score").fill("7")
    page.locator("[data-finish]").click()
    expect(page.locator('[data-step="done"] h1')).to_be_visible()
    expect(page.locator("[data-waiting]")).to_have_text("1 waiting to be sent")

    phone.context.set_offline(False)
    expect(page.locator("[data-waiting]")).to_have_text(
        "Nothing waits to be sent from this device.", timeout=30_000)
    with live_server.app.app_context():
        response = db.session.scalars(select(Response)).one()  # once
        assert response.mode == MODE_ASSISTED and response.completed
        assert response.answers["members"] == [{"age": 41}, {"age": 9, "school": "yes"},
                                               {"age": 70, "born": 1956}]
        assert response.answers["visits"] == [{"visit_reason": "check-up"},
                                              {"visit_reason": "vaccine"}]
        assert response.answers["nights"] == 4 and response.answers["score"] == 7
        assert response.answers["many_visits"] == "a cold, then its check-up"
