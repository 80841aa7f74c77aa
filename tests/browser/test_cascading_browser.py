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


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_in_a_repeated_page_each_person_s_cities_follow_their_own_region(
        new_phone, live_server: LiveServer, javascript: bool) -> None:  # noqa: ANN001
    """Each block of a repeated page filters its cities by its own region (the script, as the
    region changes; without it, every city shown and a wrong one refused in its block only),
    and its districts by the household's area answered on the page before (the server)."""
    from sqlalchemy import select

    from survey.extensions import db
    from survey.models import Response
    from survey.questionnaire import load_file

    from ..test_cascading import PLACES
    from .test_repeat_browser import tap

    with live_server.app.app_context():
        store_definition(load_file(PLACES), "household_places.yaml")
    phone = new_phone(java_script_enabled=javascript, locale="en-GB")
    page = phone.page
    phone.enter("household_places", "en")
    phone.goto("/q/household_places/consent")
    phone.consent()
    page.locator("#q-area").get_by_text("Countryside", exact=True).click()
    tap(phone, "Next")
    assert phone.section == "members"

    def shown(code: str) -> list[str]:
        return page.locator(f"#q-{code} .option:visible label").all_inner_texts()

    assert shown("district-1") == ["Farms", "Village"]  # the server, from the area
    page.locator("#q-region-1").get_by_text("North", exact=True).click()
    tap(phone, "Add another")
    expect(page.locator("section.occurrence h2")).to_have_text(["Person 1 of 2",
                                                                "Person 2 of 2"])
    assert shown("district-2") == ["Farms", "Village"]
    page.locator("#q-region-2").get_by_text("South", exact=True).click()
    if javascript:
        assert shown("city-1") == ["Lille", "Arras"]
        assert shown("city-2") == ["Nice"]
        page.locator("#q-region-2").get_by_text("North", exact=True).click()
        assert shown("city-2") == ["Lille", "Arras"] and shown("city-1") == ["Lille", "Arras"]
        page.locator("#q-region-2").get_by_text("South", exact=True).click()
        page.locator("#q-city-2").get_by_text("Nice", exact=True).click()
    else:
        assert shown("city-2") == ["Lille", "Arras", "Nice"]
        page.locator("#q-city-2").get_by_text("Lille", exact=True).click()
        tap(phone, "Finish")  # Lille is not in the south: refused in block 2 only
        expect(page.locator("#error-summary")).to_contain_text("Person 2 of 2")
        expect(page.locator("#error-summary a")).to_have_count(1)
        page.locator("#q-city-2").get_by_text("Nice", exact=True).click()
    page.locator("#q-city-1").get_by_text("Arras", exact=True).click()
    phone.check_phone_layout()
    shot(phone, f"repeat-{'js' if javascript else 'nojs'}")
    tap(phone, "Finish")
    with live_server.app.app_context():
        [response] = db.session.scalars(select(Response)).all()
        assert response.answers["members"] == [{"region": "north", "city": "arras"},
                                               {"region": "south", "city": "nice"}]


def test_a_code_repeated_under_two_regions_follows_the_region_and_is_kept_on_return(
        phone: Phone, live_server: LiveServer) -> None:
    """'other' under north and under south (ODK's repeated code): the script shows the
    region's own row; ticked under north and seen again after going back, the north row is the
    one ticked (both rows carry the stored code)."""
    from sqlalchemy import select

    from survey.extensions import db
    from survey.models import Response

    from ..test_cascading import repeated_form

    store(live_server, "places_repeated", repeated_form(same_page=True), "repeated.xlsx")
    page = phone.page
    phone.enter("places_repeated")
    page.get_by_role("link", name="Commencer").click()
    phone.consent()
    visible = page.locator('[data-item="district"] .option:visible')
    page.get_by_text("Nord", exact=True).click()
    expect(visible).to_have_text(["Rive", "Colline", "Autre (nord)"])
    page.get_by_text("Sud", exact=True).click()
    expect(visible).to_have_text(["Port", "Autre (sud)"])
    page.get_by_text("Nord", exact=True).click()
    page.get_by_text("Autre (nord)", exact=True).click()
    phone.check_phone_layout()
    shot(phone, "repeated-code-north")
    phone.submit("later")  # saved: the page comes back with the stored answers
    phone.goto("/q/places_repeated/p/p1")
    expect(visible).to_have_text(["Rive", "Colline", "Autre (nord)"])
    expect(page.locator('[data-item="district"] .option:visible input').nth(2)).to_be_checked()
    phone.submit("next")
    assert phone.path.endswith("/done"), page.url
    with live_server.app.app_context():
        answers = db.session.scalars(select(Response.answers)).all()
    assert {"region": "north", "district": "other"} in answers
