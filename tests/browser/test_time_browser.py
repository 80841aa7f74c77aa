"""The ``time`` item type on a 360-px phone with the page's script, in French and English: the
browser's time field fits the screen, a time before the item's minimum is refused in the
participant's language, and what is stored is the time entered, as HH:MM. (The server's reading
of typed times, for browsers without the time field, is tested over HTTP in
tests/test_time_itemtype.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from survey.questionnaire import load_file
from survey.versions import store_definition

from ..participant import responses
from .conftest import LiveServer, Phone
from .test_new_itemtypes_browser import accessible, shot

pytestmark = pytest.mark.browser

SOURCE = Path(__file__).parent.parent / "data" / "time_type.yaml"


@pytest.mark.parametrize(("lang", "refused", "question"), [
    ("fr", "Veuillez entrer une heure à partir de 08:00.", "À quelle heure êtes-vous arrivé"),
    ("en", "Please enter a time at or after 08:00.", "When did you arrive?"),
])
def test_a_time_on_a_phone(phone: Phone, live_server: LiveServer, lang: str, refused: str,
                           question: str) -> None:
    with live_server.app.app_context():
        store_definition(load_file(SOURCE), SOURCE.name)
    phone.enter("time_type", lang)
    phone.goto("/q/time_type/consent")
    phone.consent()
    page = phone.page
    expect(page.locator('label[for="i-arrival"]')).to_contain_text(question)
    arrival = page.locator("#i-arrival")
    expect(arrival).to_have_attribute("type", "time")
    assert arrival.bounding_box()["width"] <= 360
    phone.check_phone_layout()
    accessible(phone)
    shot(phone, f"time-{lang}")
    arrival.fill("14:30")
    page.locator("#i-seen").fill("07:15")
    phone.submit()
    expect(page.locator("#e-seen")).to_contain_text(refused)
    phone.check_phone_layout()
    page.locator("#i-seen").fill("15:05")
    phone.submit()
    assert phone.section == "later"
    expect(page.locator("#q-why_late")).to_be_visible()  # arrival after '12:00'
    phone.submit()
    assert phone.path.endswith("/done"), page.url
    [response] = responses(live_server.app)
    assert response.answers == {"arrival": "14:30", "seen": "15:05"}
