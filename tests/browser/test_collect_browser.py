"""Assisted and offline collection in a real browser (issue 26): a navigator on a 360-px phone
signs in, opens a campaign in assisted mode, records the oral consent, loses the connection,
answers the whole questionnaire, sees "1 waiting to be sent" (kept after a reload, sealed in
IndexedDB with no answer readable), and once back online the response is stored exactly once,
mode assisted, opened on the server. axe on the scripted assisted pages."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import select

from survey.extensions import db
from survey.models import Campaign, Collection, Response
from survey.models.response import MODE_ASSISTED

from ..workspace import PASSWORD, build_world
from .conftest import LiveServer, Phone
from .test_accessibility import BLOCKING, describe

pytestmark = pytest.mark.browser
TYPED_TEXT = "Une réponse tapée hors connexion"
RECORD_KEYS = {"key", "evaluation", "campaign", "url", "state", "wrapped", "iv", "data"}


def shot(page: Page, name: str) -> None:
    folder = os.environ.get("SURVEY_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def accessible(page: Page) -> None:
    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING]
    assert not blocking, f"{page.url}\n{describe(blocking)}"


def queued(page: Page) -> list[dict]:
    return page.evaluate("""() => new Promise((resolve, reject) => {
      const open = indexedDB.open('proximite-collect', 1);
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const all = open.result.transaction('outbox').objectStore('outbox').getAll();
        all.onsuccess = () => resolve(all.result);
      };
    })""")


def navigator_phone(new_phone, live_server: LiveServer) -> Phone:  # noqa: ANN001
    """A 360-px phone signed in as the world's navigator, on their home."""
    phone: Phone = new_phone(locale="en-GB")
    page = phone.page
    page.goto(f"{live_server.url}/login?lang=en")
    page.get_by_label("Email").fill("navigator@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/collect/$"))
    return phone


def test_a_navigator_collects_offline_and_the_response_arrives_once(
        new_phone, live_server: LiveServer) -> None:  # noqa: ANN001
    world = build_world(live_server.app)
    with live_server.app.app_context():
        campaign = db.session.get(Campaign, world.a.campaign)
        definition = campaign.version.definition
    phone: Phone = navigator_phone(new_phone, live_server)
    page = phone.page
    expect(page.locator("h1")).to_have_text("Collect answers")
    shot(page, "collect-home-phone")
    page.locator(f'a[href="/collect/a/{world.a.evaluation}/{world.a.campaign}"]').click()
    expect(page.locator('[data-step="consent"] h1')).to_be_visible()
    # the service worker controls the page and keeps it with its files
    page.wait_for_function("() => !!navigator.serviceWorker.controller")
    page.wait_for_function("""() => caches.open('proximite-assisted-1').then((c) => c.keys())
        .then((k) => k.some((r) => r.url === location.href) && k.length >= 4)""")
    accessible(page)
    shot(page, "collect-consent-phone")
    phone.check_phone_layout()

    phone.context.set_offline(True)
    expect(page.locator("[data-offline]")).to_be_visible()
    page.get_by_role("button", name="Start the questionnaire").click()  # not agreed yet
    expect(page.locator("[data-consent-error]")).to_be_visible()
    page.locator('label[for="oral"]').click()
    page.get_by_role("button", name="Start the questionnaire").click()
    given: dict[str, str] = {}
    walked: list[str] = []
    first = True
    for section in definition.sections:
        box = page.locator(f'[data-page="{section.code}"]')
        if not box.is_visible():
            continue
        walked.append(section.code)
        expect(page.locator("[data-back]")).to_be_visible(visible=len(walked) > 1)
        for item in section.items:
            if item.type == "text" and page.locator(f"#q-{item.code}").is_visible():
                page.locator(f"#i-{item.code}").fill(TYPED_TEXT)
                given[item.code] = TYPED_TEXT
            else:
                phone.answer(definition, item)
        if first:
            accessible(page)
            shot(page, "collect-page-phone")
            first = False
        expect(page.locator(f'[data-page="{section.code}"] [data-progress]')).to_have_text(
            f"Page {len(walked)} of {len(definition.sections)}")
        if page.locator("[data-finish]").is_visible():
            page.locator("[data-finish]").click()
            break
        page.locator("[data-next]").click()
    expect(page.locator('[data-step="done"] h1')).to_be_visible()
    assert walked == [s.code for s in definition.sections]  # the whole questionnaire, offline
    expect(page.locator("[data-waiting]")).to_have_text("1 waiting to be sent")
    accessible(page)
    shot(page, "collect-done-offline-phone")

    # sealed on the device: no answer can be read from the queued record
    records = queued(page)
    assert len(records) == 1 and set(records[0]) == RECORD_KEYS
    dump = json.dumps(records)
    assert TYPED_TEXT not in dump and "oral" not in dump and "team_context" not in dump
    # nothing left in the page either
    assert page.locator("form[data-pages] input[type=text]").evaluate_all(
        "(inputs) => inputs.every((i) => i.value === '')")

    # two more people, still offline: "Next person" starts afresh at the consent
    for number in (2, 3):
        page.get_by_role("button", name="Next person").click()
        expect(page.locator('[data-step="consent"] h1')).to_be_visible()
        expect(page.locator("#oral")).not_to_be_checked()
        page.locator('label[for="oral"]').click()
        page.get_by_role("button", name="Start the questionnaire").click()
        first_page = page.locator('[data-page="team_context"]')
        expect(first_page).to_be_visible()
        assert not first_page.locator("input:checked").count()  # nothing of the one before
        first_page.locator('input[name="team_setting"]').first.check()
        while not page.locator("[data-finish]").is_visible():
            page.locator("[data-next]").click()
        page.locator("[data-finish]").click()
        expect(page.locator("[data-waiting]")).to_have_text(f"{number} waiting to be sent")

    page.reload()  # still offline: the service worker answers, the queue stays
    expect(page.locator('[data-step="consent"] h1')).to_be_visible()
    expect(page.locator("[data-waiting]")).to_have_text("3 waiting to be sent")
    with live_server.app.app_context():
        assert db.session.scalars(select(Response)).all() == []

    phone.context.set_offline(False)
    expect(page.locator("[data-waiting]")).to_have_text(
        "Nothing waits to be sent from this device.", timeout=30_000)
    assert queued(page) == []
    with live_server.app.app_context():
        stored = db.session.scalars(select(Response).order_by(Response.id)).all()
        assert len(stored) == 3  # each once
        assert all(r.mode == MODE_ASSISTED and r.completed for r in stored)
        response = next(r for r in stored if TYPED_TEXT in r.answers.values())
        for code, value in given.items():
            assert response.answers.get(code) == value
        for one in stored:
            collection = db.session.get(Collection, one.id)
            assert collection.collected_by == world.users["navigator"]
            assert collection.consent == "oral"

    # the home counts it; signing out warns only while something waits
    page.goto(f"{live_server.url}/collect/")
    expect(page.locator("main")).to_contain_text("You collected 3 today, 3 this week, 3 in all.")
    shot(page, "collect-home-after-phone")


def test_signing_out_with_unsent_responses_is_warned(new_phone, live_server: LiveServer
                                                     ) -> None:  # noqa: ANN001
    build_world(live_server.app)
    phone: Phone = navigator_phone(new_phone, live_server)
    page = phone.page
    page.evaluate("""() => new Promise((resolve) => {
      const open = indexedDB.open('proximite-collect', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('outbox', { keyPath: 'key' });
      open.onsuccess = () => {
        const tx = open.result.transaction('outbox', 'readwrite');
        tx.objectStore('outbox').put({ key: 'k-1234567890abcdef', state: 'waiting', campaign: 0,
          evaluation: 0, url: '/nowhere', wrapped: '', iv: '', data: '' });
        tx.oncomplete = () => resolve(true);
      };
    })""")
    page.reload()
    messages: list[str] = []

    def dismiss(dialog) -> None:  # noqa: ANN001
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_function("() => true")
    for _ in range(100):
        if messages:
            break
        page.wait_for_timeout(50)
    expect(page).to_have_url(re.compile(r"/collect/$"))  # still signed in
    assert messages and messages[0].startswith("1 sealed response still waits to be sent")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login"))


def test_the_panel_code_questions_come_after_the_oral_consent(new_phone, live_server: LiveServer
                                                              ) -> None:  # noqa: ANN001
    from survey.models import Evaluation
    from survey.models.workspace import PANEL_SELF
    from survey.panel.services import configure, hash_answers

    world = build_world(live_server.app)
    given = {"mother_initial": "M", "father_initial": "P", "birthplace_initial": "Q",
             "birth_month": "4", "older_siblings": "2"}
    with live_server.app.app_context():
        evaluation = db.session.get(Evaluation, world.a.evaluation)
        configure(evaluation, PANEL_SELF)
        expected, _missing = hash_answers(evaluation, given)
    phone: Phone = navigator_phone(new_phone, live_server)
    page = phone.page
    page.goto(f"{live_server.url}/collect/a/{world.a.evaluation}/{world.a.campaign}")
    page.locator('label[for="oral"]').click()
    page.get_by_role("button", name="Start the questionnaire").click()
    expect(page.locator('[data-step="panel"] h1')).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("[data-panel-problem]")).to_be_visible()
    for code, value in given.items():
        field = page.locator(f"#pc-{code}")
        if code in ("birth_month", "older_siblings"):
            field.select_option(value)
        else:
            field.fill(value)
    accessible(page)
    shot(page, "collect-panel-phone")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator('[data-page="team_context"] h1')).to_be_visible()
    page.locator('[data-page="team_context"] input[name="team_setting"]').first.check()
    while not page.locator("[data-finish]").is_visible():
        page.locator("[data-next]").click()
    page.locator("[data-finish]").click()
    expect(page.locator('[data-step="done"] h1')).to_be_visible()
    expect(page.locator("[data-waiting]")).to_have_text(
        "Nothing waits to be sent from this device.", timeout=30_000)
    with live_server.app.app_context():
        stored = db.session.scalars(select(Response)).one()
        assert stored.panel_hash == expected and stored.mode == MODE_ASSISTED


def test_results_filter_by_collection_mode_at_desktop_width(browser, live_server: LiveServer
                                                            ) -> None:  # noqa: ANN001
    from ..test_collect import _self_responses

    world = build_world(live_server.app)
    _self_responses(live_server.app, world, 2)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/login?lang=en")
    page.get_by_label("Email").fill("researcher@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/results/e/{world.a.evaluation}?q=professionals")
    page.get_by_label("Collection mode").select_option("assisted")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"mode=assisted"))
    expect(page.get_by_label("Collection mode")).to_have_value("assisted")
    expect(page.locator("main")).to_contain_text("No completed response matches these filters")
    accessible(page)
    shot(page, "collect-results-mode-desktop")
    context.close()


DRAFTS = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open('proximite-drafts', 1);
  open.onerror = () => reject(open.error);
  open.onupgradeneeded = () => {
    open.result.createObjectStore('drafts', { keyPath: 'campaign' });
    open.result.createObjectStore('keys', { keyPath: 'id' });
  };
  open.onsuccess = () => {
    const all = open.result.transaction('drafts').objectStore('drafts').getAll();
    all.onsuccess = () => {
      open.result.close();
      resolve(all.result.map((r) => ({ fields: Object.keys(r).sort(), campaign: r.campaign,
        text: Array.from(new Uint8Array(r.data), (b) => String.fromCharCode(b)).join('') })));
    };
  };
})"""


def _navigator_on_assisted(new_phone, live_server: LiveServer, world) -> Phone:  # noqa: ANN001
    phone: Phone = navigator_phone(new_phone, live_server)
    page = phone.page
    page.goto(f"{live_server.url}/collect/a/{world.a.evaluation}/{world.a.campaign}")
    page.wait_for_function("() => !!navigator.serviceWorker.controller")
    page.wait_for_function("""() => caches.open('proximite-assisted-1').then((c) => c.keys())
        .then((k) => k.some((r) => r.url === location.href) && k.length >= 5)""")
    return phone


def _begin(page: Page) -> None:
    page.locator('label[for="oral"]').click()
    page.get_by_role("button", name="Start the questionnaire").click()


def test_an_interview_in_progress_survives_reloads_online_and_offline(
        new_phone, live_server: LiveServer) -> None:  # noqa: ANN001
    world = build_world(live_server.app)
    with live_server.app.app_context():
        definition = db.session.get(Campaign, world.a.campaign).version.definition
    phone = _navigator_on_assisted(new_phone, live_server, world)
    page = phone.page
    _begin(page)
    given: dict[str, str] = {}
    sections = [s for s in definition.sections]
    for section in sections[:2]:  # two pages answered, the third reached
        expect(page.locator(f'[data-page="{section.code}"]')).to_be_visible()
        for item in section.items:
            phone.answer(definition, item)
        if section.code == "team_context":  # "Other", said in words
            page.locator('input[name="team_setting"][value="other"]').check()
            page.locator("#i-team_setting_other").fill(TYPED_TEXT)
            given["team_setting_other"] = TYPED_TEXT
        page.locator("[data-next]").click()
    reached = page.locator('[data-page]:not([hidden])').get_attribute("data-page")
    assert reached == sections[2].code
    checked = page.locator("form[data-pages] input:checked").evaluate_all(
        "(inputs) => inputs.map((i) => i.id)")
    typed = page.locator("form[data-pages] input:not([type=radio]):not([type=checkbox]):not("
                         "[type=hidden]), form[data-pages] textarea").evaluate_all(
        "(inputs) => Object.fromEntries(inputs.filter((i) => i.value).map((i) => [i.id, i.value]))")
    assert len(typed) >= 2 and len(checked) > 3
    # kept on the device, encrypted: no answer readable in the stored record
    page.wait_for_function(f"() => ({DRAFTS})().then((d) => d.length === 1)")
    [draft] = page.evaluate(DRAFTS)
    assert draft["fields"] == ["campaign", "data", "iv", "saved"]
    assert TYPED_TEXT not in draft["text"] and "team_setting" not in draft["text"]

    def back_as_left() -> None:
        expect(page.locator("[data-draft-restored]")).to_be_visible()
        expect(page.locator("[data-draft-restored]")).to_contain_text(
            "An interview in progress was restored")
        expect(page.locator(f'[data-page="{reached}"]')).to_be_visible()
        expect(page.locator('[data-step="consent"]')).to_be_hidden()
        assert page.locator("form[data-pages] input:checked").evaluate_all(
            "(inputs) => inputs.map((i) => i.id)") == checked
        for code, value in given.items():
            expect(page.locator(f"#i-{code}")).to_have_value(value)
        for ident, value in typed.items():
            expect(page.locator(f"#{ident}")).to_have_value(value)

    page.reload()
    back_as_left()
    accessible(page)
    shot(page, "collect-draft-restored-phone")
    phone.context.set_offline(True)
    page.reload()  # offline: the service worker answers, the draft is restored from the device
    back_as_left()
    page.locator("[data-back]").click()  # the page before holds its answers too
    expect(page.locator(f'[data-page="{sections[1].code}"]')).to_be_visible()
    page.locator("[data-next]").click()
    while not page.locator("[data-finish]").is_visible():
        page.locator("[data-next]").click()
    page.locator("[data-finish]").click()
    expect(page.locator('[data-step="done"] h1')).to_be_visible()
    expect(page.locator("[data-waiting]")).to_have_text("1 waiting to be sent")
    assert page.evaluate(DRAFTS) == []  # sealed: the draft is gone
    page.reload()  # nothing to restore any more
    expect(page.locator('[data-step="consent"] h1')).to_be_visible()
    expect(page.locator("[data-draft-restored]")).to_be_hidden()

    phone.context.set_offline(False)
    expect(page.locator("[data-waiting]")).to_have_text(
        "Nothing waits to be sent from this device.", timeout=30_000)
    with live_server.app.app_context():
        [response] = db.session.scalars(select(Response)).all()  # once
        for code, value in given.items():
            assert response.answers.get(code) == value
        assert response.started_at < response.completed_at  # the interview's own dates
        assert response.completed_at <= db.session.get(Collection, response.id).received_at


def test_an_interview_in_progress_is_discarded_on_request_and_an_old_one_is_not_restored(
        new_phone, live_server: LiveServer) -> None:  # noqa: ANN001
    world = build_world(live_server.app)
    phone = _navigator_on_assisted(new_phone, live_server, world)
    page = phone.page
    _begin(page)
    page.locator('[data-page="team_context"] input[name="team_setting"]').first.check()
    page.wait_for_function(f"() => ({DRAFTS})().then((d) => d.length === 1)")
    page.reload()
    expect(page.locator("[data-draft-restored]")).to_be_visible()
    # signing out warns that an interview is kept here
    messages: list[str] = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_function("() => true")
    for _ in range(100):
        if messages:
            break
        page.wait_for_timeout(50)
    assert messages and "An assisted interview in progress is kept on this device" in messages[0]
    # discarding asks first; refused, nothing changes
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Discard it and start a new one").click()
    expect(page.locator('[data-page="team_context"]')).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Discard it and start a new one").click()
    expect(page.locator('[data-step="consent"] h1')).to_be_visible()
    expect(page.locator("#oral")).not_to_be_checked()
    page.wait_for_function(f"() => ({DRAFTS})().then((d) => d.length === 0)")
    _begin(page)
    assert not page.locator('[data-page="team_context"] input:checked').count()

    # a draft of another version of the questionnaire is never put into these questions
    page.evaluate("""(campaign) => window.ProximiteDraft.save(campaign, { version: 'f'.repeat(64),
        account: document.querySelector('[data-assisted]').getAttribute('data-account'),
        key: 'k-1234567890abcdef', started: new Date().toISOString(), step: 'pages',
        page: 'team_context', pages: { team_context: { team_setting: ['x'] } }, code: null })""",
                  world.a.campaign)
    page.reload()
    expect(page.locator("[data-draft-older]")).to_be_visible()
    expect(page.locator("[data-draft-older]")).to_contain_text("the questionnaire has changed")
    expect(page.locator('[data-step="consent"] h1')).to_be_visible()
    accessible(page)
    shot(page, "collect-draft-older-phone")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("[data-draft-older] [data-draft-discard]").click()
    page.wait_for_function(f"() => ({DRAFTS})().then((d) => d.length === 0)")
    expect(page.locator("[data-draft-older]")).to_be_hidden()

    # signing out discards an interview in progress (the next user of the device cannot
    # restore it), once confirmed
    _begin(page)
    page.locator('[data-page="team_context"] input[name="team_setting"]').first.check()
    page.wait_for_function(f"() => ({DRAFTS})().then((d) => d.length === 1)")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login"))
    assert page.evaluate(DRAFTS) == []
