"""The panel-code page on a phone (360 px): reached after consent, answered through its labels
or skipped with "Prefer not to say"; axe-core finds nothing serious."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from survey.extensions import db
from survey.models import Campaign
from survey.panel import services as panel

from ..participant import responses
from ..test_invitations import make_campaign
from .conftest import TAP, LiveServer, Phone
from .test_invitation_browser import no_blocking_violation

pytestmark = pytest.mark.browser


def to_panel_page(phone: Phone, slug: str) -> None:
    phone.goto(f"/c/{slug}")
    phone.goto("/q/patients/consent")
    phone.page.locator('label[for="agree"]').click()
    with phone.page.expect_navigation():
        phone.page.get_by_role("button", name=re.compile("Continuer|Continue")).click()
    assert phone.path == "/q/patients/panel", phone.page.url


def test_a_phone_answers_or_skips_the_panel_questions(
        live_server: LiveServer, new_phone: Callable[..., Phone]) -> None:
    app = live_server.app
    campaign_id = make_campaign(app)
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        panel.configure(campaign.evaluation, "self")
        slug = campaign.slug
    axe = Axe()
    first = new_phone()
    to_panel_page(first, slug)
    first.check_phone_layout()
    no_blocking_violation(axe, first)
    for select in first.page.locator("form select").all():
        assert select.bounding_box()["height"] >= TAP
    first.page.get_by_label("Première lettre du prénom de votre mère").fill("Élise")
    first.page.get_by_label("Première lettre du prénom de votre père").fill("j")
    first.page.get_by_label("Première lettre de la ville").fill(" montréal ")
    first.page.get_by_label("Mois de votre naissance").select_option(label="mars")
    # Forgetting one answer: told beside it, the others kept.
    with first.page.expect_navigation():
        first.page.get_by_role("button", name="Continuer").click()
    expect(first.page.locator("#error-summary")).to_be_visible()
    expect(first.page.locator("#pc-older_siblings")).to_have_attribute("aria-invalid", "true")
    expect(first.page.locator("#pc-birth_month")).to_have_value("3")
    no_blocking_violation(axe, first)
    first.page.get_by_label("Nombre de frères et sœurs plus âgés").select_option("2")
    with first.page.expect_navigation():
        first.page.get_by_role("button", name="Continuer").click()
    assert first.section is not None
    other = new_phone()
    to_panel_page(other, slug)
    with other.page.expect_navigation():
        other.page.get_by_role("button", name="Je préfère ne pas répondre").click()
    assert other.section is not None
    coded, skipped = responses(app)
    assert coded.panel_hash and skipped.panel_hash is None
    assert coded.answers == {} and "lise" not in str(coded.drafts)
