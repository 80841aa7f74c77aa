"""A single-use invitation on a phone (360 px): the link, consent, answers, the same link on
another phone resuming the same response, the unsubscribe page; axe-core on each page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from survey.extensions import db
from survey.invitations import services
from survey.models import Campaign
from survey.questionnaire import Definition

from ..participant import responses
from ..test_invitations import make_campaign
from .conftest import LiveServer, Phone

pytestmark = pytest.mark.browser
BLOCKING = ("serious", "critical")


def no_blocking_violation(axe: Axe, phone: Phone) -> None:
    violations = [v for v in axe.run(phone.page).response["violations"]
                  if v["impact"] in BLOCKING]
    assert not violations, [(v["id"], v["nodes"][0]["html"]) for v in violations]


def test_an_invitation_answered_on_one_phone_resumes_on_another(
        live_server: LiveServer, new_phone: Callable[..., Phone],
        bundled: dict[str, Definition]) -> None:
    app = live_server.app
    campaign_id = make_campaign(app, name="Clinique <b>X</b>")
    with app.app_context():
        [invitation] = services.generate(db.session.get(Campaign, campaign_id), 1)
        token = services.token_for(invitation)
    axe = Axe()
    first = new_phone()
    first.goto(f"/i/{token}")
    expect(first.page.locator("h1")).to_have_text(bundled["patients"].title["fr"])
    first.check_phone_layout()
    no_blocking_violation(axe, first)
    with first.page.expect_navigation():
        first.page.get_by_role("link", name="Commencer").click()
    first.check_phone_layout()
    first.consent()
    page = first.section
    first.answer_page(bundled["patients"])
    first.submit()
    reached = first.section
    assert reached != page
    other = new_phone()
    other.goto(f"/i/{token}")
    assert other.section == reached  # the same response, where the first phone left it
    assert len(responses(app)) == 1 and responses(app)[0].campaign_id == campaign_id
    other.goto(f"/u/{token}")
    other.check_phone_layout()
    no_blocking_violation(axe, other)
    with other.page.expect_navigation():
        other.page.get_by_role("button", name="Arrêter les messages").click()
    expect(other.page.locator("h1")).to_have_text("Vous ne recevrez plus de messages")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_invitee_answers_saves_resumes_and_finishes_without_a_stranger_notice(
        live_server: LiveServer, new_phone: Callable[..., Phone],
        bundled: dict[str, Definition], lang: str) -> None:
    """The whole invitation path at 360 px: the link, consent, pages, "Save and continue
    later", the same link reopened on another phone (in the language of the response), finish.
    Never the notice meant for someone who opened another person's private link."""
    app = live_server.app
    definition = bundled["patients"]
    with app.app_context():
        [invitation] = services.generate(db.session.get(Campaign, make_campaign(app)), 1)
        token = services.token_for(invitation)
    words = {"fr": ("Commencer", "Ces réponses ont été commencées ailleurs", "Merci"),
             "en": ("Start", "These answers were started elsewhere", "Thank you")}[lang]
    start, elsewhere, thanks = words
    phone = new_phone()
    phone.goto(f"/i/{token}?lang={lang}")
    expect(phone.page.locator("h1")).to_have_text(definition.title[lang])
    with phone.page.expect_navigation():
        phone.page.get_by_role("link", name=start).click()
    phone.consent()
    assert phone.page.locator("html").get_attribute("lang") == lang
    expect(phone.page.get_by_text(elsewhere)).to_have_count(0)
    phone.check_phone_layout()
    phone.answer_page(definition)
    phone.submit()
    expect(phone.page.get_by_text(elsewhere)).to_have_count(0)
    phone.answer_page(definition)
    phone.submit("later")
    assert phone.path.endswith("/later")
    phone.check_phone_layout()
    reached = responses(app)[0].current_section
    other = new_phone()  # its browser speaks French: the response's language comes back
    other.goto(f"/i/{token}")
    assert other.section == reached
    assert other.page.locator("html").get_attribute("lang") == lang
    expect(other.page.get_by_text(elsewhere)).to_have_count(0)
    for _ in range(len(definition.sections) + 1):
        if other.section is None:
            break
        other.answer_page(definition)
        other.submit()
    assert other.path.endswith("/done"), other.page.url
    expect(other.page.locator("h1")).to_contain_text(thanks)
    other.check_phone_layout()
    [response] = responses(app)
    assert response.status == "completed" and response.language == lang
