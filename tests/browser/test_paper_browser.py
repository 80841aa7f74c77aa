"""Paper copies in a real browser (issue 26): a researcher turns double entry on and prints two
copies of the patients' questionnaire, Chromium makes a PDF of them (several pages, no question
taller than a page, so none is cut), two navigators type one copy back with a difference, and
the researcher settles it against the paper; every page is axe clean.
``SURVEY_SCREENSHOTS=folder`` keeps screenshots."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from survey.auth import accounts
from survey.design import services as design
from survey.extensions import db
from survey.models import Evaluation, Response, User
from survey.timezones import DEFAULT_TIME_ZONE
from survey.versions import latest_version

from ..workspace import build_world, make_user
from .conftest import LiveServer
from .test_assess_browser import DESKTOP, accessible, shot, sign_in

pytestmark = pytest.mark.browser

def _today() -> str:
    """Today in the test evaluations' time zone (the instance's): a copy's date."""
    return dt.datetime.now(ZoneInfo(DEFAULT_TIME_ZONE)).date().isoformat()



def _page(browser: Browser, server: LiveServer, email: str) -> Page:
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, server, email)
    return page


def _enter(page: Page, server: LiveServer, evaluation: int, identifier: str,
           visits: str) -> None:
    page.goto(f"{server.url}/evaluations/{evaluation}/paper/entry")
    page.get_by_label("Copy identifier").fill(identifier.lower())
    page.get_by_role("button", name="Open the copy").click()
    expect(page.get_by_role("heading", name=f"Copy {identifier}")).to_be_visible()
    page.locator("#i-visits").fill(visits)
    page.locator("#copy-date").fill(_today())
    page.get_by_role("button", name="Save the entry").click()


def test_print_to_pdf_enter_twice_and_settle(browser: Browser, live_server: LiveServer
                                             ) -> None:
    world = build_world(live_server.app)
    with live_server.app.app_context():
        evaluation = db.session.get(Evaluation, world.a.evaluation)
        campaign = design.create_campaign(
            evaluation, db.session.get(User, world.users["researcher"]),
            version=latest_version("patients"), site=evaluation.sites[0],
            wave=evaluation.waves[0]).id
        accounts.set_role(make_user("navigator2@example.org"), evaluation, "navigator")
    base = f"{live_server.url}/evaluations/{world.a.evaluation}/paper"
    page = _page(browser, live_server, "researcher@example.org")
    page.goto(f"{base}/campaigns/{campaign}")
    accessible(page)
    page.get_by_label("Double data entry").check()
    page.get_by_role("button", name="Save the setting").click()
    expect(page.get_by_label("Double data entry")).to_be_checked()
    page.get_by_label("Number of copies").fill("2")
    page.get_by_label("English").check()
    page.get_by_role("button", name="Make the copies and open them to print").click()
    expect(page.locator(".identifier")).to_have_count(2)
    identifier = page.locator(".identifier").first.inner_text()
    accessible(page)
    shot(page, "paper-printable")
    page.emulate_media(media="print")
    assert page.locator("tr.block").first.evaluate(
        "e => getComputedStyle(e).breakInside") == "avoid"
    pdf = page.pdf(format="A4", print_background=True)
    folder = os.environ.get("SURVEY_SCREENSHOTS")
    if folder:
        (Path(folder) / "paper-copies.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages > 2, pages  # two copies of several pages each
    # every question is one unbreakable row shorter than an A4 page's printable height
    # (297 mm less 24 mm of margins, at 96 px per inch), so the browser never cuts one
    heights = page.evaluate("[...document.querySelectorAll('td.question')]"
                            ".map(e => e.getBoundingClientRect().height)")
    assert heights and max(heights) < (297 - 24) / 25.4 * 96 - 120  # less the header
    _every_item_and_skip_printed(page, live_server)
    page.emulate_media(media="screen")
    page.context.close()

    first = _page(browser, live_server, "navigator@example.org")
    first.goto(f"{base}/entry")
    accessible(first)
    _enter(first, live_server, world.a.evaluation, identifier, "seven")
    expect(first.locator("#e-visits")).to_be_visible()  # refused, in place
    accessible(first)
    shot(first, "paper-entry-refused")
    first.locator("#i-visits").fill("7")
    first.get_by_role("button", name="Save the entry").click()
    expect(first.locator(".notice")).to_contain_text("Someone else now types it")
    shot(first, "paper-entry-saved")
    # the same navigator cannot open the copy again
    first.goto(f"{base}/entry/{identifier.replace('-', '')}")
    expect(first.locator(".error-box")).to_contain_text("already entered this copy")
    first.context.close()

    second = _page(browser, live_server, "navigator2@example.org")
    _enter(second, live_server, world.a.evaluation, identifier, "8")
    expect(second.locator(".notice")).to_contain_text("differs from the first")
    second.context.close()

    page = _page(browser, live_server, "researcher@example.org")
    page.goto(f"{base}/campaigns/{campaign}")
    page.get_by_role("link", name="Settle the differences").click()
    expect(page.locator("fieldset.settle")).to_have_count(1)
    expect(page.locator("fieldset.settle")).to_contain_text("First entry: 7")
    expect(page.locator("fieldset.settle")).to_contain_text("Second entry: 8")  # as typed
    accessible(page)
    shot(page, "paper-settle")
    page.get_by_label("Neither: the paper says").check()
    page.locator("#i-visits").fill("9")
    page.get_by_role("button", name="Store the settled answers").click()
    expect(page.locator(".notice")).to_contain_text("is settled")
    expect(page.locator("table.counts")).to_contain_text("stored")
    shot(page, "paper-copies")
    page.context.close()
    with live_server.app.app_context():
        [response] = db.session.scalars(db.select(Response)).all()
        assert response.mode == "paper" and response.answers == {"visits": 9}
        assert response.campaign_id == campaign


def test_print_an_easy_read_copy_to_pdf(browser: Browser, live_server: LiveServer) -> None:
    """Issue 29: the team prints a copy in the easy-read wording; Chromium makes its PDF; the
    copy reads in easy-read English, its header names the wording, and the navigator's entry
    form says the copy was printed in it."""
    world = build_world(live_server.app)
    with live_server.app.app_context():
        evaluation = db.session.get(Evaluation, world.a.evaluation)
        campaign = design.create_campaign(
            evaluation, db.session.get(User, world.users["researcher"]),
            version=latest_version("patients"), site=evaluation.sites[0],
            wave=evaluation.waves[0]).id
    base = f"{live_server.url}/evaluations/{world.a.evaluation}/paper"
    page = _page(browser, live_server, "researcher@example.org")
    page.goto(f"{base}/campaigns/{campaign}")
    expect(page.get_by_label("Standard wording")).to_be_checked()
    page.get_by_label("Number of copies").fill("1")
    page.get_by_label("English").check()
    page.get_by_label("Easy-read wording").check()
    accessible(page)
    shot(page, "paper-print-form-easy")
    page.get_by_role("button", name="Make the copies and open them to print").click()
    expect(page.locator(".identifier")).to_have_count(1)
    identifier = page.locator(".identifier").inner_text()
    expect(page.locator(".running .wording")).to_have_text("Easy-read wording easy")
    accessible(page)
    shot(page, "paper-printable-easy")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    folder = os.environ.get("SURVEY_SCREENSHOTS")
    if folder:
        (Path(folder) / "paper-copy-easy.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) > 1
    html = page.content()
    assert "Who asked you to answer?" in html  # service_type, easy-read
    assert "Which service invited you to answer?" not in html
    assert "If you did not answer “Something else”, go to question" in html
    page.context.close()

    navigator = _page(browser, live_server, "navigator@example.org")
    navigator.goto(f"{base}/entry")
    navigator.get_by_label("Copy identifier").fill(identifier)
    navigator.get_by_role("button", name="Open the copy").click()
    expect(navigator.locator("main .notice")).to_contain_text(
        "printed in the easy-read wording")
    accessible(navigator)
    shot(navigator, "paper-entry-easy")
    navigator.locator("#i-visits").fill("2")
    navigator.get_by_label("Date written on the copy").fill(_today())
    navigator.get_by_role("button", name="Save the entry").click()
    expect(navigator.locator(".notice")).to_contain_text("answers are stored")
    navigator.context.close()
    with live_server.app.app_context():
        [response] = db.session.scalars(db.select(Response)).all()
        assert (response.mode, response.wording, response.answered_in) == (
            "paper", "easy", "easy")


NEVER_PRINTED = {"calculate", "hidden"}  # computed or fixed values: no box on paper


def _every_item_and_skip_printed(page: Page, live_server: LiveServer) -> None:
    """In the first copy as printed (print media): every item of the questionnaire but the
    computed ones, with its English wording, and a skip instruction for every conditional
    question, written before it ("Answer only if") or as a jump over it from an earlier
    question ("go to question N", N past it)."""
    with live_server.app.app_context():
        definition = latest_version("patients").definition
    first = page.locator(".copy").first if page.locator(".copy").count() else page
    numbers: dict[str, int] = {}
    jumps: list[tuple[int, int]] = []  # (question the jump is under, question it goes to)
    cells = first.locator("td.question")
    for n in range(cells.count()):
        cell = cells.nth(n)
        code = cell.get_attribute("data-item") or ""
        said = " ".join(cell.inner_text().split())
        number = re.match(r"(\d+)", said)
        if number:
            numbers[code] = int(number.group(1))
            jumps += [(int(number.group(1)), int(target))
                      for target in re.findall(r"go to question (\d+)", said)]
    for item in definition.items():
        if item.type in NEVER_PRINTED:
            continue
        cell = first.locator(f'td.question[data-item="{item.code}"]')
        expect(cell).to_have_count(1)
        wording = " ".join(item.text["en"].split())
        assert wording in " ".join(cell.inner_text().split()), item.code
        if item.relevant is None or item.type == "note":
            continue
        own = numbers.get(item.code)
        said = cell.inner_text()
        jumped = own is not None and any(under < own < target for under, target in jumps)
        assert "only if" in said or jumped, f"{item.code}: no skip instruction printed"
