"""Issue 29 on a 360 px phone in Chromium: "Read aloud" beside each question, spoken by the
device's own voice (the Web Speech API, stubbed here both ways: a voice for the page's language,
none, or one arriving late), never moving the focus; larger text and faces on the scales, turned
on and off by buttons of the page's form, with and without JavaScript, the typed answers kept
and the choices kept on the response; axe clean with each option on."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from survey.questionnaire import Definition

from ..participant import responses
from .conftest import LiveServer, Phone
from .test_repeat_computed_browser import no_blocking_violation

pytestmark = pytest.mark.browser

# A stand-in for the device's speech synthesis: its voices (now, or on voiceschanged when
# window.__arrive() is called) and a record of what it was asked to say.
SPEECH = """(() => {
  const voices = VOICES, late = LATE, listeners = [];
  let list = late ? [] : voices;
  window.__spoken = []; window.__cancelled = 0;
  const synth = {
    getVoices: () => list,
    speak: (u) => { window.__spoken.push({ text: u.text, lang: u.lang }); },
    cancel: () => { window.__cancelled += 1; },
    addEventListener: (type, f) => { if (type === 'voiceschanged') listeners.push(f); },
    removeEventListener: () => {},
  };
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
  window.SpeechSynthesisUtterance = function (text) {
    this.text = text; this.lang = ''; this.voice = null; this.addEventListener = () => {};
  };
  window.__arrive = () => {
    list = voices;
    for (const f of listeners) f(new Event('voiceschanged'));
  };
})();"""
FRENCH = [{"lang": "fr-FR", "name": "Amélie", "default": True}]
GERMAN = [{"lang": "de-DE", "name": "Anna", "default": True}]


def speech(voices: list[dict], late: bool = False) -> str:
    return SPEECH.replace("VOICES", json.dumps(voices)).replace("LATE", json.dumps(late))


def shot(page: Page, name: str, at: str | None = None) -> None:
    """Screenshots for the README when SURVEY_SCREENSHOTS names a folder (``at``: the element
    scrolled to the top first)."""
    folder = os.environ.get("SURVEY_SCREENSHOTS")
    if folder:
        if at:
            page.locator(at).first.evaluate("(el) => el.scrollIntoView()")
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def tap(phone: Phone, nav: str) -> None:
    """A button of the page's form (next, back, an option), with or without the script."""
    phone.submit(nav)


def to_scales(phone: Phone, patients: Definition) -> None:
    """From the first page of patients to "access", whose matrices take faces."""
    while phone.section != "access":
        phone.answer_page(patients)
        tap(phone, "next")


def started(new_phone: Callable[..., Phone], **options: object) -> Phone:
    phone = new_phone(**options)
    phone.enter("patients", "fr")
    phone.goto("/q/patients/consent")
    phone.consent()
    return phone


def visible_questions(page: Page) -> int:
    return page.locator("form [data-item]:visible").filter(
        has=page.locator("legend, .question")).count()


def test_read_aloud_reads_the_question_and_never_moves_the_focus(
        new_phone: Callable[..., Phone], live_server: LiveServer,
        bundled: dict[str, Definition]) -> None:
    phone = new_phone()
    phone.context.add_init_script(speech(FRENCH))
    page = phone.page
    phone.enter("patients", "fr")
    phone.goto("/q/patients/consent")
    phone.consent()
    to_scales(phone, bundled["patients"])
    buttons = page.get_by_role("button", name="Lire à voix haute")
    expect(buttons.first).to_be_visible()
    assert buttons.count() == visible_questions(page) > 0
    first_item = page.locator("form [data-item]").first
    button = first_item.get_by_role("button", name="Lire à voix haute")
    # reachable by keyboard: Tab from the top of the page comes to it
    page.locator("h1").evaluate("(h) => { h.tabIndex = -1; h.focus(); }")
    for _ in range(60):
        page.keyboard.press("Tab")
        if button.evaluate("(b) => b === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the read-aloud button")
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-pressed", "true")
    assert button.evaluate("(b) => b === document.activeElement")  # the focus stayed
    spoken = page.evaluate("window.__spoken")
    question = first_item.locator("legend, .question").first.inner_text().strip()
    choices = [c.strip() for c in first_item.locator(".options").first.locator(
        ".option label").all_inner_texts()]
    assert len(spoken) == 1 and spoken[0]["lang"] == "fr-FR"
    text = spoken[0]["text"]
    assert text.startswith(re.sub(r"\s+", " ", question)) and choices
    assert all(choice in text for choice in choices)
    assert "Lire à voix haute" not in text
    shot(page, "read-aloud")
    page.keyboard.press("Enter")  # pressed again: it stops
    expect(button).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("window.__cancelled") >= 2
    assert len(page.evaluate("window.__spoken")) == 1
    assert button.evaluate("(b) => b === document.activeElement")
    violations = Axe().run(page).response["violations"]
    assert not [v for v in violations if v.get("impact") in ("serious", "critical")], violations
    phone.check_phone_layout()


def test_no_voice_for_the_page_language_no_button_and_a_late_voice_brings_it(
        new_phone: Callable[..., Phone], live_server: LiveServer) -> None:
    german = new_phone()
    german.context.add_init_script(speech(GERMAN))
    german.enter("patients", "fr")
    german.goto("/q/patients/consent")
    german.consent()
    expect(german.page.locator("form [data-item]").first).to_be_visible()
    assert german.page.locator(".speak").count() == 0  # a German voice cannot read French

    late = new_phone()
    late.context.add_init_script(speech(FRENCH, late=True))
    late.enter("patients", "fr")
    late.goto("/q/patients/consent")
    late.consent()
    assert late.page.locator(".speak").count() == 0  # no voice yet
    late.page.evaluate("window.__arrive()")  # the voices load: voiceschanged
    expect(late.page.locator(".speak").first).to_be_visible()
    assert late.page.locator(".speak:visible").count() == visible_questions(late.page)
    late.page.evaluate("window.__arrive()")  # told twice: still one button per question
    assert late.page.locator(".speak:visible").count() == visible_questions(late.page)


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_larger_text_and_faces_keep_the_answers_and_follow_the_response(
        new_phone: Callable[..., Phone], live_server: LiveServer,
        bundled: dict[str, Definition], javascript: bool) -> None:
    patients = bundled["patients"]
    phone = started(new_phone, java_script_enabled=javascript)
    page = phone.page
    to_scales(phone, patients)
    html = page.locator("html")
    faces = page.locator('button[name="nav"][value="faces"]')
    larger = page.locator('button[name="nav"][value="larger_text"]')
    expect(faces).to_have_attribute("aria-pressed", "false")
    assert page.locator(".face").count() == 0
    # an answer typed (ticked) but not sent yet
    chosen = page.locator("form .matrix input[type=radio]").nth(3).get_attribute("id")
    radio = page.locator(f"#{chosen}")
    page.locator(f'label[for="{chosen}"]').click()
    expect(radio).to_be_checked()
    names = sorted(set(page.locator("form input[type=radio]").evaluate_all(
        "(all) => all.map((i) => i.name + '=' + i.value)")))

    tap(phone, "faces")
    assert phone.section == "access"
    expect(faces).to_have_attribute("aria-pressed", "true")
    expect(radio).to_be_checked()  # kept
    assert page.locator(".option .face").count() == page.locator(
        "form .matrix input[type=radio]").count() - page.locator(
        'form .matrix input[value="dont_know"]').count()
    # the same inputs, names and values: answers and exports unchanged
    assert sorted(set(page.locator("form input[type=radio]").evaluate_all(
        "(all) => all.map((i) => i.name + '=' + i.value)"))) == names
    # each face beside its words, never alone
    for label in page.locator(".option label:has(.face)").all()[:5]:
        assert label.inner_text().strip()
    shot(page, "faces" if javascript else "faces-no-script", ".matrix")

    shot(page, "display-options", ".display")
    tap(phone, "larger_text")
    expect(html).to_have_class(re.compile(r"\blarger\b"))
    expect(larger).to_have_attribute("aria-pressed", "true")
    expect(radio).to_be_checked()
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 21  # 17 px text at 125 %
    phone.check_phone_layout()  # no sideways scrolling at 360 px, targets still large
    no_blocking_violation(page, javascript)
    if javascript:
        shot(page, "larger-text", ".matrix")

    [response] = responses(live_server.app)
    assert response.larger_text and response.faces

    # another device opens the private link: the choices follow the response
    tap(phone, "later")
    link = page.locator(".link-text").inner_text().strip()
    other = new_phone(java_script_enabled=javascript)
    other.page.goto(link)
    assert other.section == "access"
    expect(other.page.locator("html")).to_have_class(re.compile(r"\blarger\b"))
    assert other.page.locator(".option .face").count() > 0
    expect(other.page.locator(f"#{chosen}")).to_be_checked()

    # turned off again
    tap(other, "faces")
    tap(other, "larger_text")
    assert other.page.locator(".face").count() == 0
    assert "larger" not in (other.page.locator("html").get_attribute("class") or "")
    [response] = responses(live_server.app)
    assert not response.larger_text and not response.faces
