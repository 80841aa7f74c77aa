"""Conditions that read a ``calculate`` or ``hidden`` value of the same page, on a 360-px phone
(issue 23): the question shows and hides as the participant types, worked out by the page's
script from the carried calculation and values, and what the server stores on submit (the
authority) agrees with what the page showed."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from survey.questionnaire import load_file
from survey.versions import store_definition

from ..participant import campaign_path, responses
from .conftest import LiveServer, Phone

pytestmark = pytest.mark.browser

SOURCE = Path(__file__).parent.parent / "data" / "computed_relevance.yaml"


@pytest.mark.parametrize(("lang", "children", "shown"), [
    ("fr", "3", True),  # 2 + 3 = 5 people: crowded, the rooms are asked
    ("en", "1", False),  # 2 + 1 = 3: the rooms question goes away again
])
def test_a_question_follows_a_calculation_of_its_page(phone: Phone, live_server: LiveServer,
                                                      lang: str, children: str,
                                                      shown: bool) -> None:
    with live_server.app.app_context():
        store_definition(load_file(SOURCE), SOURCE.name)
    phone.goto(f"{campaign_path(live_server.app, 'computed_relevance')}?lang={lang}"
               "&site=clinic")
    phone.goto("/q/computed_relevance/consent")
    phone.consent()
    page = phone.page
    rooms = page.locator("#q-rooms")
    expect(rooms).to_be_hidden()  # nobody counted yet: 0 people
    expect(page.locator("#q-second_visit")).to_be_visible()  # hidden value wave = 2
    expect(page.locator("#q-clinic_name")).to_be_visible()  # the link's site=clinic
    assert "unused_tag" not in page.content()  # read by no condition: not carried
    page.locator("#i-adults").fill("2")
    expect(rooms).to_be_hidden()
    page.locator("#i-children").fill("3")
    expect(rooms).to_be_visible()
    page.locator("#i-rooms").fill("4")
    page.locator("#i-children").fill("")
    expect(rooms).to_be_hidden()  # coalesce(empty, 0): 2 people
    page.locator("#i-adults").fill("5")
    expect(rooms).to_be_visible()
    page.locator("#i-adults").fill("2")
    page.locator("#i-children").fill(children)
    if shown:
        expect(rooms).to_be_visible()
    else:
        expect(rooms).to_be_hidden()
    phone.check_phone_layout()
    page.locator("#i-second_visit").fill("new job")
    page.locator("#i-clinic_name").fill("Nord")
    phone.submit()
    [response] = responses(live_server.app)
    people = 2 + int(children)
    assert response.answers.get("people") == people
    assert response.answers.get("crowded") == ("yes" if shown else "no")
    assert response.answers.get("rooms") == (4 if shown else None)  # the server agrees
    assert {k: response.answers.get(k) for k in ("wave", "site", "clinic_name")} == {
        "wave": "2", "site": "clinic", "clinic_name": "Nord"}
