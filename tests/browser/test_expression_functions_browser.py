"""The functions of issue 23 in Chromium on a 360 px phone: position() in each block of a
repeated page and count() and sum() of that page on the next one, evaluated by the page's
script as the server evaluates them on submit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from survey.questionnaire import load_file
from survey.versions import store_definition

from ..participant import responses
from .conftest import LiveServer, Phone
from .test_repeat_browser import tap

pytestmark = pytest.mark.browser

SOURCE = Path(__file__).parent.parent / "data" / "expression_functions.yaml"


def test_position_count_and_sum_show_and_hide_in_the_page(
        new_phone: Callable[..., Phone], live_server: LiveServer) -> None:
    with live_server.app.app_context():
        store_definition(load_file(SOURCE), SOURCE.name)
    phone = new_phone(java_script_enabled=True, locale="en-GB")
    page = phone.page
    phone.enter("expression_functions", "en")
    phone.goto("/q/expression_functions/consent")
    phone.consent()
    page.locator("#i-birth").fill("1990-06-02")
    page.locator("#i-visit").fill("2024-06-01")
    tap(phone, "Next")
    assert phone.section == "people"
    expect(page.locator("#q-head-1")).to_be_visible()  # position() = 1 in the first block
    page.locator("#i-name-1").fill("Ana")
    page.locator("#i-age-1").fill("34")
    page.locator("#i-head-1").fill("nurse")
    tap(phone, "Add another")
    expect(page.locator("#q-head-1")).to_be_visible()
    expect(page.locator("#q-head-2")).to_be_hidden()  # not in the second
    page.locator("#i-name-2").fill("Léo")
    page.locator("#i-age-2").fill("5")
    tap(phone, "Next")
    assert phone.section == "end"
    # count(${people}) > 2 is false with two people: the script hides the question
    expect(page.locator("#q-crowded")).to_be_hidden()
    tap(phone, "Previous")
    assert phone.section == "people"
    tap(phone, "Add another")
    page.locator("#i-age-3").fill("61")
    tap(phone, "Next")
    assert phone.section == "end"
    expect(page.locator("#q-crowded")).to_be_visible()  # three people, ages summed above 0
    page.locator("#i-crowded").fill("two rooms")
    tap(phone, "Finish")
    [response] = responses(live_server.app)
    answers = response.answers
    assert (answers["members"], answers["total_age"], answers["crowded"]) == (3, 100,
                                                                              "two rooms")
    assert [o.get("head") for o in answers["people"]] == ["nurse", None, None]
    assert answers["age_days"] == 12418
