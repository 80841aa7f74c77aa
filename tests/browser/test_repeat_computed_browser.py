"""A repeated page on a 360 px phone in Chromium (issue 23): a calculate of each block (an age
from the year of birth and a hidden year of an earlier page) shows and hides that block's
question as the participant types, and the server stores what the page showed; "Add another"
brings the new block into view and focuses it, on the participant's page and in the
researcher's preview, with and without JavaScript."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from survey.questionnaire import load_file
from survey.versions import store_definition

from ..participant import responses
from .conftest import LiveServer, Phone
from .test_repeat_browser import tap

pytestmark = pytest.mark.browser

SOURCE = Path(__file__).parent.parent / "data" / "repeat_computed.yaml"
BLOCKING = ("serious", "critical")


def shot(page: Page, name: str) -> None:
    folder = os.environ.get("SURVEY_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"repeat-computed-{name}.png"))


def no_blocking_violation(page: Page, javascript: bool) -> None:
    """axe finds no serious violation. axe is a script: on a page with scripting off it would
    wait forever, so it reads the same markup in a scripted page of the same browser (a
    ``<base>`` to the page's address brings the same styles)."""
    if javascript:
        violations = Axe().run(page).response["violations"]
    else:
        html = page.content().replace("<head>", f'<head><base href="{page.url}">', 1)
        assert page.context.browser is not None
        scripted = page.context.browser.new_page(viewport=page.viewport_size)
        try:
            scripted.set_content(html)
            violations = Axe().run(scripted).response["violations"]
        finally:
            scripted.close()
    assert not [v for v in violations if v.get("impact") in BLOCKING], violations


def at_new_block(page: Page, n: int) -> None:
    """The page came back at block ``n``: its heading on screen (the page scrolled to it) and
    the block focused, so a screen reader reads "Person n of n" first and Tab goes on to its
    first field: the browser does it from the address's #occurrence-n, with or without script."""
    expect(page.locator(f"#occurrence-{n}-title")).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 0  # not left at the top of the page
    expect(page.locator(f"#occurrence-{n}")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator(f"#i-born-{n}")).to_be_focused()


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_each_block_follows_its_own_calculation_and_add_another_lands_on_the_new_one(
        new_phone: Callable[..., Phone], live_server: LiveServer, javascript: bool) -> None:
    with live_server.app.app_context():
        store_definition(load_file(SOURCE), SOURCE.name)
    phone = new_phone(java_script_enabled=javascript, locale="en-GB")
    page = phone.page
    phone.enter("repeat_computed", "en")
    phone.goto("/q/repeat_computed/consent")
    phone.consent()
    page.locator("#i-place").fill("Lyon")
    tap(phone, "Next")
    assert phone.section == "people"
    job_1 = page.locator("#q-job-1")
    page.locator("#i-born-1").fill("1990")
    if javascript:
        expect(job_1).to_be_visible()  # 2026 - 1990 = 36: an adult, asked for a job
        page.locator("#i-job-1").fill("nurse")
    tap(phone, "Add another")
    at_new_block(page, 2)
    page.locator("#i-born-2").fill("2015")
    tap(phone, "Add another")
    at_new_block(page, 3)
    phone.check_phone_layout()
    shot(page, f"added-en-{'js' if javascript else 'nojs'}")
    no_blocking_violation(page, javascript)
    job_2, job_3 = page.locator("#q-job-2"), page.locator("#q-job-3")
    if javascript:
        expect(job_1).to_be_visible()
        expect(job_2).to_be_hidden()  # 11 years old: no job asked, in this block only
        expect(job_3).to_be_hidden()  # nothing typed yet
        page.locator("#i-born-3").fill("2000")
        expect(job_3).to_be_visible()
        expect(job_2).to_be_hidden()
        page.locator("#i-born-2").fill("2001")
        expect(job_2).to_be_visible()
        page.locator("#i-born-2").fill("2015")
        expect(job_2).to_be_hidden()
        page.locator("#i-job-3").fill("baker")
    else:
        page.locator("#i-born-3").fill("2000")
    if not javascript:  # "Remove" lands on the block before the one removed
        tap(phone, "Remove: Person 3 of 3")
        expect(page.locator("section.occurrence h2")).to_have_text(["Person 1 of 2",
                                                                     "Person 2 of 2"])
        expect(page.locator("#occurrence-2")).to_be_focused()
    tap(phone, "Next")
    assert phone.section == "end"
    [response] = responses(live_server.app)
    expected = [{"born": 1990, "age": 36, **({"job": "nurse"} if javascript else {})},
                {"born": 2015, "age": 11}]
    if javascript:
        expected.append({"born": 2000, "age": 26, "job": "baker"})
    assert response.answers["people"] == expected


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_the_preview_lands_on_the_new_block_too(
        new_phone: Callable[..., Phone], live_server: LiveServer, javascript: bool) -> None:
    from survey.auth import accounts
    from survey.design import services
    from survey.models.account import RESEARCHER

    with live_server.app.app_context():
        version = store_definition(load_file(SOURCE), SOURCE.name).version
        evaluation = services.create_evaluation(None, name="Foyers")
        researcher = accounts.create_user("lea@example.org", name="Léa Roy")
        accounts.set_password(researcher, "a long pass phrase")
        accounts.set_role(researcher, evaluation, RESEARCHER)
        url = (f"/design/e/{evaluation.id}/questionnaires/versions/{version.content_hash}"
               "/preview/fr/2")
    phone = new_phone(java_script_enabled=javascript)
    page = phone.page
    phone.goto("/login?lang=fr")
    page.get_by_label("Courriel").fill("lea@example.org")
    page.get_by_label("Mot de passe").fill("a long pass phrase")
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    phone.goto(url)
    page.locator("#i-born-1").fill("2015")
    if javascript:
        expect(page.locator("#q-job-1")).to_be_hidden()  # the hidden year is the form's
    tap(phone, "En ajouter un autre")
    page.locator("#i-born-2").fill("1980")
    tap(phone, "En ajouter un autre")
    at_new_block(page, 3)
    if javascript:
        expect(page.locator("#q-job-2")).to_be_visible()
        expect(page.locator("#q-job-1")).to_be_hidden()
    phone.check_phone_layout()
    shot(page, f"preview-added-fr-{'js' if javascript else 'nojs'}")
    no_blocking_violation(page, javascript)
    tap(phone, "Retirer : Personne 3 sur 3")
    expect(page.locator("section.occurrence h2")).to_have_text(["Personne 1 sur 2",
                                                                 "Personne 2 sur 2"])
    expect(page.locator("#occurrence-2-title")).to_be_in_viewport()
    expect(page.locator("#occurrence-2")).to_be_focused()
