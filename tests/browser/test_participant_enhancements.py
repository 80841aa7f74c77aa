"""The participant pages' optional scripts on a 360-px phone: copy and share of the private
link, condition labels hidden when the script runs, answers kept through a lost connection
(issue 11, items 13, 14, 15). Each page also works without JavaScript."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from survey.extensions import db
from survey.models import Response
from survey.questionnaire import Definition

from .conftest import LiveServer, Phone
from .test_accessibility import private_link
from .test_participant_browser import expected

pytestmark = pytest.mark.browser



def shot(phone: Phone, name: str, full_page: bool = True) -> None:
    """Save a full-page screenshot to the folder SURVEY_SCREENSHOTS names, if it is set."""
    folder = os.environ.get("SURVEY_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        phone.page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=full_page)


def to_later_page(phone: Phone, server: LiveServer, definition: Definition) -> str:
    """Open the continue-later page on this phone; return the private link's path."""
    link = private_link(server, definition)
    phone.goto(link)
    phone.goto(f"/q/{definition.code}/later")
    return link


# -- the private link (item 13) -------------------------------------------------------------------

def test_the_private_link_is_whole_and_one_tap_copies_it(
        new_phone: Callable[..., Phone], live_server: LiveServer,
        bundled: dict[str, Definition]) -> None:
    phone = new_phone(permissions=["clipboard-read", "clipboard-write"])
    link = to_later_page(phone, live_server, bundled["patients"])
    page = phone.page
    shown = page.locator("#resume-link")
    expect(shown).to_have_text(live_server.url + link)  # whole, wrapped, not cut off
    assert shown.bounding_box()["width"] <= 360
    expect(page).to_have_title(re.compile(r"^Continuer plus tard · .+ · Proximité$"))
    phone.check_phone_layout()
    shot(phone, "later-fr")
    page.get_by_role("button", name="Copier le lien").click()
    expect(page.locator("[data-status]")).to_have_text("Lien copié.")
    assert page.evaluate("navigator.clipboard.readText()") == live_server.url + link


def test_the_share_button_appears_only_where_the_phone_can_share(
        new_phone: Callable[..., Phone], live_server: LiveServer,
        bundled: dict[str, Definition]) -> None:
    plain = new_phone()
    to_later_page(plain, live_server, bundled["patients"])
    expect(plain.page.get_by_role("button", name="Copier le lien")).to_be_visible()
    expect(plain.page.get_by_role("button", name="Me l'envoyer")).to_be_hidden()

    sharing = new_phone(locale="en-GB")
    sharing.context.add_init_script(
        "navigator.share = (data) => { window.shared = data; return Promise.resolve(); };")
    link = to_later_page(sharing, live_server, bundled["patients"])
    sharing.goto("/q/patients/later?lang=en")
    sharing.page.get_by_role("button", name="Send it to myself").click()
    shared = sharing.page.evaluate("window.shared")
    assert shared["url"] == live_server.url + link
    assert shared["title"] == bundled["patients"].title["en"]
    sharing.check_phone_layout()


def test_without_javascript_the_link_is_shown_and_no_button_is_offered(
        new_phone: Callable[..., Phone], live_server: LiveServer,
        bundled: dict[str, Definition]) -> None:
    phone = new_phone(java_script_enabled=False)
    link = to_later_page(phone, live_server, bundled["patients"])
    expect(phone.page.locator("#resume-link")).to_have_text(live_server.url + link)
    expect(phone.page.get_by_role("button", name="Copier le lien")).to_be_hidden()
    phone.check_phone_layout()


# -- conditions in words (item 14) ------------------------------------------------------------

WORDS = "Si vous avez répondu « Un autre service » à la question précédente."


def test_without_javascript_follow_ups_say_when_they_apply(
        new_phone: Callable[..., Phone], live_server: LiveServer,
        bundled: dict[str, Definition]) -> None:
    phone = new_phone(java_script_enabled=False)
    phone.goto(private_link(live_server, bundled["patients"]))
    follow_up = phone.page.locator("#q-service_other")
    expect(follow_up).to_be_visible()  # shown, since no script can hide it
    expect(follow_up.locator(".condition")).to_have_text(WORDS)
    phone.check_phone_layout()
    shot(phone, "condition-nojs-fr")


def test_with_javascript_the_words_give_way_to_showing_and_hiding(
        phone: Phone, live_server: LiveServer, bundled: dict[str, Definition]) -> None:
    patients = bundled["patients"]
    phone.goto(private_link(live_server, patients))
    follow_up = phone.page.locator("#q-service_other")
    expect(follow_up).to_be_hidden()
    service = patients.item("service_type")
    assert service is not None
    phone.give(service, "service_type", "other")
    expect(follow_up).to_be_visible()
    expect(follow_up.locator(".condition")).to_be_hidden()


# -- long pages (item 16) ---------------------------------------------------------------------

def test_rating_options_keep_the_order_of_the_scale_on_a_phone(
        phone: Phone, live_server: LiveServer, bundled: dict[str, Definition]) -> None:
    professionals = bundled["professionals"]
    phone.goto(private_link(live_server, professionals, "leadership_network"))
    leaders = professionals.item("leaders")
    assert leaders is not None and leaders.settings.rating
    first = professionals.roster(leaders)[0].key
    phone.give(leaders, "leaders", first)
    boxes = [phone.page.locator(f'label[for="leaders__{first}-{n}"]').bounding_box()
             for n in range(1, len(leaders.settings.rating) + 1)]
    tops = [box["y"] for box in boxes]
    assert tops == sorted(tops) and len(set(tops)) == len(tops), tops  # one per row, in order
    assert len({round(box["x"]) for box in boxes}) == 1, boxes
    phone.check_phone_layout()
    shot(phone, "nomination-fr")


def test_each_matrix_card_repeats_the_lead_in(
        phone: Phone, live_server: LiveServer, bundled: dict[str, Definition]) -> None:
    professionals = bundled["professionals"]
    phone.goto(private_link(live_server, professionals, "shared_leadership"))
    matrix = next(i for s in professionals.sections for i in s.items
                  if s.code == "shared_leadership" and i.itemtype.name == "matrix")
    cards = phone.page.locator(f"#q-{matrix.code} .row-card")
    assert cards.count() == len(matrix.settings.rows)
    expect(cards.nth(0).locator(".lead-in")).to_have_count(0)  # the question is just above
    for n in range(1, len(matrix.settings.rows)):
        expect(cards.nth(n).locator(".lead-in")).to_have_text(matrix.text["fr"])
        expect(cards.nth(n).locator(".lead-in")).to_be_visible()
    phone.check_phone_layout()
    shot(phone, "matrix-fr")


# -- a weak connection (item 15) --------------------------------------------------------------

def stored_state(server: LiveServer) -> tuple[dict, int]:
    """The only response's answers and revision (one more per page saved)."""
    with server.app.app_context():
        [response] = db.session.scalars(select(Response)).all()
        return dict(response.answers), response.revision


def posts(phone: Phone) -> list[str]:
    """The URL of every page post that reached the server and got an answer, from now on."""
    finished: list[str] = []
    phone.page.on("requestfinished",
                  lambda request: finished.append(request.url) if request.method == "POST"
                  else None)
    return finished


def test_answers_typed_offline_are_sent_once_when_the_connection_is_back(
        phone: Phone, live_server: LiveServer, bundled: dict[str, Definition]) -> None:
    patients = bundled["patients"]
    phone.goto(private_link(live_server, patients))
    first = phone.section
    before, revision = stored_state(live_server)
    assert before == {}
    given = phone.answer_page(patients)
    sent = posts(phone)

    phone.context.set_offline(True)
    next_button = phone.page.locator('form button[name="nav"][value="next"]')
    next_button.click()
    note = phone.page.locator("[data-offline-note]")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Pas encore envoyé : vous êtes hors ligne.")
    next_button.click()  # an impatient second tap
    assert phone.section == first  # still on the page, everything typed still there
    phone.shows(patients, given)
    phone.check_phone_layout()
    shot(phone, "offline-fr", full_page=False)
    assert stored_state(live_server) == ({}, revision)

    phone.context.set_offline(False)  # the "online" event sends the page
    phone.page.wait_for_url(re.compile(r"/p/(?!" + re.escape(first or "") + r"$)"))
    answers, after = stored_state(live_server)
    assert after == revision + 1, "the page was saved more than once"
    assert answers == expected(patients, given)
    assert len(sent) == 1, sent


def test_a_reload_brings_back_what_was_typed_and_refusals_still_show(
        phone: Phone, live_server: LiveServer, bundled: dict[str, Definition]) -> None:
    patients = bundled["patients"]
    phone.goto(private_link(live_server, patients))
    first = phone.section
    visits = patients.item("visits")
    assert visits is not None
    given = phone.answer_page(patients)
    phone.page.locator("#i-visits").fill("150")  # above its maximum: refused
    phone.page.reload()
    expect(phone.page.locator("#i-visits")).to_have_value("150")  # the draft came back
    phone.shows(patients, {code: pairs for code, pairs in given.items() if code != "visits"})
    assert stored_state(live_server)[0] == {}

    phone.page.locator('form button[name="nav"][value="next"]').click()
    expect(phone.page.locator("#e-visits")).to_be_visible()  # the server's refusal, shown
    assert phone.section == first
    phone.page.locator("#i-visits").fill("4")
    phone.submit("next")
    assert phone.section != first
    assert stored_state(live_server)[0]["visits"] == 4
    phone.submit("back")  # the page shows what was saved, no stale draft
    expect(phone.page.locator("#i-visits")).to_have_value("4")
    assert phone.page.evaluate("sessionStorage.length") == 0


def test_a_draft_never_outlives_its_response_on_a_shared_phone(phone: Phone) -> None:
    phone.enter("patients")
    phone.goto("/q/patients/consent")
    phone.consent()
    first = phone.section
    phone.page.locator("#i-visits").fill("7")  # typed, never sent
    phone.goto("/q/patients/withdraw")
    with phone.page.expect_navigation():
        phone.page.get_by_role("button", name="Oui, effacer mes réponses").click()
    phone.goto("/q/patients/consent")  # the next person, in the same tab
    phone.consent()
    assert phone.section == first
    expect(phone.page.locator("#i-visits")).to_have_value("")
    assert phone.page.evaluate("sessionStorage.length") == 0
