"""Cascading choices and pictures on a 360-px phone: with the page's script, the districts
follow the region ticked on the same page; without it, the next page offers only the districts
of the region answered before; a question's picture from the ZIP is shown and fits the screen.

With ``SURVEY_SCREENSHOTS=<dir>``, each page is saved there as a PNG to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from survey.questionnaire.xlsform import read_upload
from survey.versions import store_definition
from survey.versions.media import store_media

from ..test_cascading import form
from ..test_xlsform_media import picture
from ..test_xlsform_zip import zipped
from .conftest import LiveServer, Phone

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SURVEY_SCREENSHOTS")


def store(live_server: LiveServer, code: str, content: bytes, name: str) -> None:
    imported = read_upload(content, name)
    definition = imported.definition
    data = {**definition.raw, "code": code}
    from survey.questionnaire import load_data

    with live_server.app.app_context():
        store_media(imported.media.values())
        store_definition(load_data(data, name), name)


def shot(phone: Phone, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        phone.page.screenshot(path=str(Path(SHOTS) / f"cascading-{name}.png"), full_page=True)


def with_picture(same_page: bool) -> bytes:
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(form(same_page)))
    survey = book["survey"]
    survey.cell(row=1, column=6, value="image")
    survey.cell(row=3, column=6, value="map.png")  # the region question
    out = io.BytesIO()
    book.save(out)
    return zipped({"form.xlsx": out.getvalue(), "map.png": picture(1600, 900, "PNG")})


def test_districts_follow_the_region_on_the_same_page_with_the_script(
        phone: Phone, live_server: LiveServer) -> None:
    store(live_server, "places_live", with_picture(same_page=True), "live.zip")
    page = phone.page
    phone.enter("places_live")
    page.get_by_role("link", name="Commencer").click()
    phone.consent()
    districts = page.locator('[data-item="district"] .option')
    visible = page.locator('[data-item="district"] .option:visible')
    expect(visible).to_have_count(0)  # no region yet: no district fits
    picture_el = page.locator('[data-item="region"] img.picture')
    expect(picture_el).to_have_attribute("loading", "lazy")
    expect(picture_el).to_have_js_property("complete", True)
    assert picture_el.evaluate("(img) => img.naturalWidth") == 800
    assert picture_el.bounding_box()["width"] <= 360
    page.get_by_text("Nord", exact=True).click()
    expect(visible).to_have_text(["Rive", "Colline"])
    page.get_by_text("Colline", exact=True).click()
    phone.check_phone_layout()
    shot(phone, "same-page-north")
    page.get_by_text("Sud", exact=True).click()
    expect(visible).to_have_text(["Port"])
    expect(districts.nth(1).locator("input")).not_to_be_checked()  # hidden: unticked
    page.get_by_text("Port", exact=True).click()
    shot(phone, "same-page-south")
    phone.submit("next")
    assert phone.path.endswith("/done"), page.url


def test_the_next_page_offers_the_districts_of_the_region_without_the_script(
        new_phone, live_server: LiveServer) -> None:  # noqa: ANN001
    store(live_server, "places_next", form(same_page=False), "next.xlsx")
    phone = new_phone(java_script_enabled=False)
    page = phone.page
    phone.enter("places_next")
    page.get_by_role("link", name="Commencer").click()
    phone.consent()
    page.get_by_text("Sud", exact=True).click()
    phone.submit("next")
    expect(page.locator('[data-item="district"] .option')).to_have_text(["Port"])
    phone.check_phone_layout()
    shot(phone, "next-page-no-script")
    phone.submit("back")
    page.get_by_text("Nord", exact=True).click()
    phone.submit("next")
    expect(page.locator('[data-item="district"] .option')).to_have_text(["Rive", "Colline"])
