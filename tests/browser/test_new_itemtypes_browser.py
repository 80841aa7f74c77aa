"""The visible new item types on a 360-px phone, in French and English (issue 23): a 0-10
``range`` as a row of values a thumb can tap, a half-step ``range`` as a number field, and an
``acknowledge`` box; refused values are said in the participant's language, and what is stored
is what was tapped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from survey.questionnaire import load_file
from survey.versions import store_definition

from ..participant import responses
from .conftest import LiveServer, Phone
from .test_accessibility import BLOCKING, describe

pytestmark = pytest.mark.browser

SOURCE = Path(__file__).parent.parent / "data" / "new_types.yaml"


def accessible(phone: Phone) -> None:
    """No serious or critical axe violation on the page as it is now."""
    violations = Axe().run(phone.page).response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING]
    assert not blocking, f"{phone.page.url}\n{describe(blocking)}"


def shot(phone: Phone, name: str) -> None:
    folder = os.environ.get("SURVEY_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        phone.page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(("lang", "refused", "accepted"), [
    ("fr", "Veuillez entrer un nombre de 0 à 24, par pas de 0,5.", "Douleur (0 à 10)"),
    ("en", "Please enter a number from 0 to 24, in steps of 0.5.", "Pain (0 to 10)"),
])
def test_range_and_acknowledge_on_a_phone(phone: Phone, live_server: LiveServer, lang: str,
                                          refused: str, accepted: str) -> None:
    definition = load_file(SOURCE)
    with live_server.app.app_context():
        store_definition(definition, "new_types.yaml")
    phone.enter("new_types", lang)
    phone.goto("/q/new_types/consent")
    phone.consent()
    page = phone.page
    expect(page.locator("#q-pain legend")).to_contain_text(accepted)
    assert page.locator('#q-pain input[type="radio"]').count() == 11  # 0 to 10
    expect(page.locator("#q-hours .hint")).to_be_visible()
    assert page.locator("#q-source, #q-double_pain").count() == 0  # never shown
    phone.check_phone_layout()
    accessible(phone)
    shot(phone, f"range-acknowledge-{lang}")
    page.locator('label[for="pain-8"]').click()  # the eighth value: 7
    page.locator("#i-hours").fill("7.3")
    page.locator('label[for="agree-ok"]').click()
    phone.submit()
    expect(page.locator("#e-hours")).to_contain_text(refused)
    phone.check_phone_layout()
    accessible(phone)
    shot(phone, f"range-refused-{lang}")
    page.locator("#i-hours").fill("7,5" if lang == "fr" else "7.5")
    if not page.locator("#agree-ok").is_checked():
        page.locator('label[for="agree-ok"]').click()
    phone.submit()
    [response] = responses(live_server.app)
    assert {k: response.answers.get(k) for k in ("pain", "hours", "agree", "double_pain",
                                                 "high_pain", "wave_label")} == {
        "pain": 7, "hours": 7.5, "agree": "OK", "double_pain": 14, "high_pain": "true",
        "wave_label": "printemps"}
