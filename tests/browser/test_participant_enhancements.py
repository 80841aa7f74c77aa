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

from survey.questionnaire import Definition

from .conftest import LiveServer, Phone
from .test_accessibility import private_link

pytestmark = pytest.mark.browser



def shot(phone: Phone, name: str) -> None:
    """Save a full-page screenshot to the folder SURVEY_SCREENSHOTS names, if it is set."""
    folder = os.environ.get("SURVEY_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        phone.page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


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


# -- long pages (item 16) ---------------------------------------------------------------------

def test_rating_options_keep_the_order_of_the_scale_on_a_phone(
        phone: Phone, live_server: LiveServer, bundled: dict[str, Definition]) -> None:
    professionals = bundled["professionals"]
    phone.goto(private_link(live_server, professionals, "leadership_network"))
    leaders = professionals.item("leaders")
    assert leaders is not None and leaders.rating
    first = professionals.roster(leaders)[0].key
    phone.give(leaders, "leaders", first)
    boxes = [phone.page.locator(f'label[for="leaders__{first}-{n}"]').bounding_box()
             for n in range(1, len(leaders.rating) + 1)]
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
                  if s.code == "shared_leadership" and i.rows)
    cards = phone.page.locator(f"#q-{matrix.code} .row-card")
    assert cards.count() == len(matrix.rows)
    expect(cards.nth(0).locator(".lead-in")).to_have_count(0)  # the question is just above
    for n in range(1, len(matrix.rows)):
        expect(cards.nth(n).locator(".lead-in")).to_have_text(matrix.text["fr"])
        expect(cards.nth(n).locator(".lead-in")).to_be_visible()
    phone.check_phone_layout()
    shot(phone, "matrix-fr")
