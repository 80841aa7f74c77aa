"""Results given back on a 360-px phone: a participant opens the published results from their
own resume link, reads a finding and its chart, and reacts; the same without JavaScript on
another phone; axe-core finds nothing serious on the page. The researcher's tallies then hold
both reactions.

With ``SURVEY_SCREENSHOTS=<dir>``, each page is saved there as a PNG to look at."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, expect

from survey.extensions import db
from survey.models import ResultsPage, User
from survey.restitution import services

from ..test_restitution import Trial, build_trial
from ..workspace import PASSWORD
from .conftest import LiveServer, Phone
from .test_invitation_browser import no_blocking_violation

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SURVEY_SCREENSHOTS")


def shot(phone: Phone, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        phone.page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def published(live_server: LiveServer, password: str | None = None) -> tuple[Trial, int]:
    app = live_server.app
    trial = build_trial(app, password=password)
    with app.test_request_context():
        researcher = db.session.get(User, trial.researcher)
        page = services.create_page(trial.evaluation, "patient", "participants", researcher)
        services.save_page(page, "participants",
                           {"fr": "Ce que vous nous avez dit", "en": "What you told us"},
                           {"fr": "Les équipes revoient les horaires d'ouverture.",
                            "en": "Teams are reviewing opening hours."}, researcher)
        finding = services.add_finding(page, services.suggestions(
            trial.evaluation, "patient")[0].text, researcher, "restitution_trial", "wait")
        services.save_finding(finding, {
            "fr": "La plupart des patients ont eu un rendez-vous dans la semaine.",
            "en": "Most patients got an appointment within a week."}, True, researcher)
        services.set_published(page, True, researcher)
        return trial, page.id


def test_a_participant_reads_the_results_from_their_link_and_reacts(
        live_server: LiveServer, new_phone: Callable[..., Phone]) -> None:
    trial, page_id = published(live_server)
    phone = new_phone()
    phone.goto(f"/rb/r/{trial.codes[0]}")
    expect(phone.page.locator("h1")).to_have_text("Ce que vous nous avez dit")
    expect(phone.page.locator(".finding p").first).to_have_text(
        "La plupart des patients ont eu un rendez-vous dans la semaine.")
    chart = phone.page.get_by_role("img", name="Quand avez-vous eu un rendez-vous ?")
    expect(chart).to_be_visible()
    phone.check_phone_layout()
    no_blocking_violation(Axe(), phone)
    shot(phone, "restitution-1-results")
    phone.page.get_by_text("Les chiffres en tableau").click()
    expect(phone.page.locator(".chart table")).to_contain_text("moins de 5")
    phone.page.get_by_label("En partie").check()
    phone.page.get_by_label("Un commentaire ?").fill("Pas pour les rendez-vous du soir.")
    with phone.page.expect_navigation():
        phone.page.get_by_role("button", name="Envoyer").click()
    expect(phone.page.locator(".notice")).to_have_text("Merci\u00a0: votre réaction est "
                                                       "enregistrée.")
    expect(phone.page.get_by_role("button", name="Envoyer")).to_have_count(0)
    phone.check_phone_layout()
    no_blocking_violation(Axe(), phone)
    shot(phone, "restitution-2-thanks")
    # another participant, with scripting off: the plain form works the same
    plain = new_phone(java_script_enabled=False)
    plain.goto(f"/rb/r/{trial.codes[1]}?lang=en")
    plain.page.get_by_label("No", exact=True).check()
    with plain.page.expect_navigation():
        plain.page.get_by_role("button", name="Send").click()
    expect(plain.page.locator(".notice")).to_have_text("Thank you: your reaction is recorded.")
    shot(plain, "restitution-3-no-script")
    with live_server.app.app_context():
        [tally] = services.tallies(db.session.get(ResultsPage, page_id))
        assert dict(tally.counts) == {"partly": 1, "no": 1}
        assert tally.comments == [("partly", "Pas pour les rendez-vous du soir.")]


def test_a_researcher_writes_publishes_and_reads_the_reactions(
        live_server: LiveServer, browser: Browser) -> None:
    """The researcher's side in a browser: the page for patients, a finding started from the
    generated sentence and rewritten, published; a participant's reaction then shows in the
    tallies, its comment as text."""
    app = live_server.app
    trial = build_trial(app, password=PASSWORD)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/login?lang=en")
    page.get_by_label("Email").fill("res@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/design/e/{trial.evaluation}")
    page.get_by_role("link", name="Results given back").click()
    page.get_by_label("Audience").select_option("patient")
    page.get_by_label("Only participants, through their own link").check()
    page.get_by_role("button", name="Create").click()
    expect(page.locator("main li").first).to_contain_text(
        "7 people out of 10 answered “Within a week”")
    page.get_by_role("button", name="Start a finding from it").click()
    finding = page.locator("#finding-1")
    finding.get_by_label("In French").fill("La plupart ont eu un rendez-vous dans la semaine.")
    finding.get_by_label("In English").fill("Most got an appointment within a week.")
    finding.get_by_role("button", name="Save").click()
    expect(page.locator(".notice")).to_have_text("Saved.")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".notice")).to_have_text("Published.")
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "restitution-4-editor.png"), full_page=True)
    participant = browser.new_context(**{"viewport": {"width": 360, "height": 740}})
    reader = participant.new_page()
    reader.goto(f"{live_server.url}/rb/r/{trial.codes[5]}?lang=en")
    reader.get_by_label("Yes").check()
    reader.get_by_label("A comment?").fill("<b>so true</b>")
    with reader.expect_navigation():
        reader.get_by_role("button", name="Send").click()
    page.get_by_role("link", name="Reactions").first.click()
    expect(page.locator("ul.comments")).to_have_text("Yes <b>so true</b>")
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "restitution-5-reactions.png"), full_page=True)
    participant.close()
    # made public: the printable handout carries the findings and the page's QR code
    page.get_by_role("link", name="Results given back").first.click()
    page.get_by_role("link", name="Patients and service users").click()
    page.get_by_label("Anyone with the page's link (poster, handout)").check()
    page.get_by_label("Title in English").fill("What you told us")
    page.get_by_role("button", name="Save").first.click()
    page.get_by_role("link", name="Printable poster and handout").click()
    expect(page.locator("ol.findings li")).to_have_text(["Most got an appointment within a "
                                                         "week."])
    expect(page.locator("svg.qr")).to_be_visible()
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "restitution-6-handout.png"), full_page=True)
    context.close()


def test_done_when_a_closed_campaign_s_reaction_reaches_the_reactions_and_the_report(
        live_server: LiveServer, browser: Browser, new_phone: Callable[..., Phone]) -> None:
    """The issue's "Done when" for results given back: the researcher closes the campaign; a
    participant's resume link, on a 360-px phone, leads to the results; their reaction shows in
    the researcher's reactions view and in the HTML report downloaded from the results page."""
    trial, page_id = published(live_server, password=PASSWORD)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    desk = context.new_page()
    desk.goto(f"{live_server.url}/login?lang=en")
    desk.get_by_label("Email").fill("res@example.org")
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Sign in").click()
    desk.goto(f"{live_server.url}/design/e/{trial.evaluation}/campaigns/{trial.campaign}"
              "?lang=en")
    desk.get_by_role("button", name="Open the campaign").click()  # it ran (answers seeded)
    expect(desk.locator(".notice")).to_have_text("The campaign is open: its link takes answers.")
    desk.get_by_role("button", name="Close the campaign").click()
    expect(desk.locator(".notice")).to_have_text(
        "The campaign is closed: its link shows a closed page.")
    # the participant's own (resume) link, on a phone: the way to the results
    phone = new_phone()
    phone.goto(f"/r/{trial.codes[3]}")
    with phone.page.expect_navigation():
        phone.page.get_by_role("link", name="Read the results").click()
    assert phone.page.url.endswith(f"/rb/r/{trial.codes[3]}")
    expect(phone.page.locator("h1")).to_have_text("What you told us")  # the answers' language
    phone.check_phone_layout()
    no_blocking_violation(Axe(), phone)
    phone.page.get_by_label("Partly").check()
    phone.page.get_by_label("A comment?").fill("Sauf le soir <i>hélas</i>.")
    with phone.page.expect_navigation():
        phone.page.get_by_role("button", name="Send").click()
    expect(phone.page.locator(".notice")).to_have_text("Thank you: your reaction is recorded.")
    phone.check_phone_layout()
    no_blocking_violation(Axe(), phone)
    shot(phone, "restitution-7-closed-campaign-reacted")
    # the researcher's reactions view
    desk.goto(f"{live_server.url}/design/e/{trial.evaluation}/results-back/{page_id}/reactions"
              "?lang=en")
    expect(desk.locator("ul.comments")).to_have_text("Partly Sauf le soir <i>hélas</i>.")
    # the HTML report downloaded from the results page carries it, escaped
    desk.goto(f"{live_server.url}/results/e/{trial.evaluation}?q=restitution_trial&lang=en")
    with desk.expect_download() as download:
        desk.get_by_role("link", name="Report (HTML)").click()
    report = Path(download.value.path()).read_text(encoding="utf-8")
    reactions = report[report.index('<section id="reactions">'):]
    assert "Most patients got an appointment within a week." in reactions
    assert "<li>Sauf le soir &lt;i&gt;hélas&lt;/i&gt;.</li>" in reactions
    assert "<td>0</td><td>1</td><td>0</td>" in reactions  # yes 0, partly 1, no 0
    context.close()
