"""A newcomer in a desktop browser (1280 px), the whole of issue 12's "done when": the first-admin
link printed on first start, an evaluation with two sites, two waves and a team roster, a
campaign opened; five contacts imported, invited by email and reminded (the messages land in the
outbox, as on a fresh install); one invitee answers everything through their personal link on a
phone (360 px), another stops on the second page; the monitoring page shows the counts and where
people stop; a community partner sees aggregated counts only; the closed page once it closes.

With ``SURVEY_SCREENSHOTS=<dir>``, each researcher page is saved there as a PNG to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from survey.cli import first_run
from survey.extensions import db
from survey.models import Campaign, Response
from survey.questionnaire import load_file

from .conftest import LiveServer, Phone

pytestmark = pytest.mark.browser
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}
SHOTS = os.environ.get("SURVEY_SCREENSHOTS")


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_newcomer_runs_an_evaluation_end_to_end(browser: Browser, live_server: LiveServer,
                                     new_phone: Callable[..., Phone],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    app = live_server.app
    app.config["BASE_URL"] = live_server.url
    with app.app_context():
        first_run()
    printed = capsys.readouterr().out
    link = re.search(r"(http://\S+/welcome/\S+)", printed).group(1)
    assert link.startswith(live_server.url)

    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(link + "?lang=en")
    _shot(page, "01-first-admin")
    page.get_by_label("Email").fill("lead@example.org")
    page.get_by_label("Name", exact=True).fill("Dre Léa Roy")
    page.get_by_label("New password", exact=True).fill("a long pass phrase")
    page.get_by_label("New password, again").fill("a long pass phrase")
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("heading", name="Evaluations")).to_be_visible()
    _shot(page, "02-evaluations")

    page.get_by_role("link", name="New evaluation").click()
    page.get_by_label("Name of the evaluation").fill("Clinique de proximité <Nord>")
    page.get_by_label("Person responsible").fill("Dre Léa Roy")
    page.get_by_label("Contact email").fill("lea.roy@example.org")
    page.get_by_label("Person in charge of personal information").fill("M. Gagnon")
    _shot(page, "03-new-evaluation")
    page.get_by_role("button", name="Save").click()
    for name in ("Nord", "Sud"):
        page.locator("#site-name").fill(name)
        if name == "Sud":
            page.locator("#site-is_comparison").check()
        page.get_by_role("button", name="Add the site").click()
    for code in ("T0", "T1"):
        page.locator("#wave-code").fill(code)
        page.get_by_role("button", name="Add the wave").click()
    page.locator("#team-name").fill("Équipe soins")
    page.get_by_role("button", name="Add the team").click()
    page.get_by_label("Members, one per line").fill("Alex Martin\nSam Roy\nKim Tran")
    page.get_by_role("button", name="Save the roster").click()
    expect(page.get_by_text("Kim Tran").last).to_be_visible()
    page.get_by_role("link", name="Clinique de proximité <Nord>").first.click()
    expect(page.locator("#sites")).to_contain_text("comparison")
    _shot(page, "04-evaluation")

    page.get_by_role("link", name="New campaign").click()
    version = page.locator("#version option", has_text="patients").first.get_attribute("value")
    page.get_by_label("Questionnaire version").select_option(version)
    page.get_by_label("Site", exact=True).select_option(label="Nord")
    page.get_by_label("Wave", exact=True).select_option(label="T0")
    _shot(page, "05-new-campaign")
    page.get_by_role("button", name="Create the campaign").click()
    page.get_by_role("button", name="Open the campaign").click()
    expect(page.get_by_role("status")).to_contain_text("The campaign is open")
    _shot(page, "06-campaign")
    campaign_page = page.url
    participant_link = page.locator("code.link").inner_text().strip()
    assert participant_link.startswith(live_server.url + "/c/")

    # Five contacts imported and invited by email (the outbox by default).
    page.get_by_role("link", name=re.compile("Invitations: QR code")).click()
    qr = page.locator(".qr-preview img")
    expect(qr).to_have_attribute("alt", "QR code of the open link")
    assert qr.evaluate("img => img.decode().then(() => img.naturalWidth)") > 100
    contacts = "email,name,language\n" + "".join(
        f"person{n}@example.org,Person {n},{'fr' if n % 2 else 'en'}\n" for n in range(1, 6))
    page.get_by_label("Contact file (CSV)").set_input_files(
        {"name": "contacts.csv", "mimeType": "text/csv", "buffer": contacts.encode()})
    page.get_by_role("button", name="Import the contacts").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "5 contacts added: no message sent yet.")
    page.get_by_label("Invitation", exact=True).check()
    page.get_by_label("Now", exact=True).check()
    page.get_by_role("button", name="Send or schedule").click()
    expect(page.get_by_role("status").first).to_contain_text("5 messages sent, 0 refused")
    _shot(page, "07-invitations")
    campaign_url = page.url

    def personal_link(address: str, subject: str) -> str:
        """The link in the newest message to this address with this subject, read in the
        outbox page as a researcher would."""
        page.goto(live_server.url + outbox)
        page.locator("tr", has_text=address).filter(has_text=subject).first.get_by_role(
            "link").click()
        text = page.locator("pre.message").inner_text()
        return re.search(r"(http://\S+/i/\S+)", text).group(1)

    page.get_by_role("link", name=re.compile("^Outbox")).click()
    outbox = page.url.removeprefix(live_server.url)
    expect(page.locator("tbody tr")).to_have_count(5 + 0)
    first_link = personal_link("person1@example.org", "Invitation")  # French contact
    second_link = personal_link("person2@example.org", "Invitation")
    _shot(page, "08-outbox-message")

    definition = load_file(Path(__file__).parents[2] / "questionnaires" / "patients.yaml")
    done = new_phone()  # answers every page through the personal link
    done.page.goto(first_link)
    done.page.get_by_role("link", name=re.compile("Commencer|Start")).click()
    done.consent()
    while done.section is not None:
        done.answer_page(definition)
        done.check_phone_layout()
        done.submit()
    expect(done.page.get_by_role("heading", level=1)).to_contain_text("Merci")
    stops = new_phone()  # stops on the second page
    stops.page.goto(second_link)
    stops.page.get_by_role("link", name=re.compile("Commencer|Start")).click()
    stops.consent()
    stops.answer_page(definition)
    stops.submit()
    second_page = stops.section

    # A reminder minutes after the invitation waits: at most one message every 3 days.
    page.goto(campaign_url)
    page.get_by_label("Reminder", exact=True).check()
    page.get_by_label("Now", exact=True).check()
    page.get_by_role("button", name="Send or schedule").click()
    expect(page.get_by_role("status").first).to_contain_text("0 messages sent, 0 refused")
    expect(page.locator(".warning-box")).to_contain_text(
        re.compile(r"4 contacts had a message less than 3 days ago: theirs wait until .+ "
                   r"\(America/Toronto\)"))
    _shot(page, "07b-reminder-waits")
    page.get_by_role("button", name="Cancel").first.click()
    expect(page.get_by_role("status").first).to_contain_text("The mailing is cancelled.")
    # With the interval off, a reminder goes to the four who have not completed, not to the
    # one who has.
    live_server.app.config["MIN_DAYS_BETWEEN_MESSAGES"] = 0
    page.get_by_label("Reminder", exact=True).check()
    page.get_by_label("Now", exact=True).check()
    page.get_by_role("button", name="Send or schedule").click()
    expect(page.get_by_role("status").first).to_contain_text("4 messages sent, 0 refused")
    page.goto(live_server.url + outbox)
    reminded = page.locator("tbody tr").filter(has_text=re.compile("Rappel|Reminder"))
    expect(reminded).to_have_count(4)
    expect(reminded.filter(has_text="person1@example.org")).to_have_count(0)

    # The monitoring page shows the counts move and where people stop.
    page.goto(campaign_page)
    page.get_by_role("link", name="Monitoring", exact=True).click()
    figures = page.locator("dl.figures")
    expect(figures.locator("div", has_text="Invitations sent")).to_contain_text("5")
    expect(page.locator("table.sources tr", has_text="Through an emailed invitation")
           .locator("td")).to_have_text("1")
    expect(figures.locator("div", has_text="Started")).to_contain_text("2")
    expect(figures.locator("div", has_text="Completed").first).to_contain_text("1")
    title = definition.section(second_page).title
    stopped = page.locator("table.data tr", has_text=title.get("en") or title.get("fr"))
    expect(stopped.locator("td")).to_have_text("1")
    _shot(page, "09-monitoring")
    monitoring_url = page.url

    # A community partner: a one-time link to choose a password, then aggregated counts only.
    page.goto(live_server.url + "/design/")
    page.get_by_role("link", name="Clinique de proximité <Nord>").click()
    page.get_by_role("link", name="Members and roles").click()
    page.get_by_label("Email").fill("partner@example.org")
    page.get_by_label("Role", exact=True).select_option("partner")
    page.get_by_role("button", name="Add", exact=True).click()
    account_link = page.locator("p.notice code").inner_text().strip()
    partner_context = browser.new_context(**DESKTOP)
    partner = partner_context.new_page()
    partner.goto(account_link + "?lang=en")
    partner.get_by_label("New password", exact=True).fill("partner pass phrase")
    partner.get_by_label("New password, again").fill("partner pass phrase")
    partner.get_by_role("button", name=re.compile("Create the account|Save|Choose")).click()
    partner.goto(monitoring_url)
    partner_figures = partner.locator("dl.figures")
    expect(partner_figures.locator("div", has_text="Started")).to_contain_text("< 5")
    expect(partner_figures.locator("div", has_text="Completed").first).to_contain_text("< 5")
    expect(partner.get_by_text("so that no one can be recognised")).to_be_visible()
    _shot(partner, "10-partner-monitoring")
    for private in (campaign_url, live_server.url + outbox):
        assert partner.goto(private).status == 403
    partner_context.close()

    phone = new_phone()
    phone.page.goto(participant_link)
    expect(phone.page.get_by_text("lea.roy@example.org")).to_be_visible()
    phone.check_phone_layout()
    phone.page.get_by_role("link", name=re.compile("Commencer|Start")).click()
    phone.consent()
    with app.app_context():
        response = db.session.scalars(db.select(Response).order_by(Response.id.desc())).first()
        assert response.campaign.evaluation.name == "Clinique de proximité <Nord>"

    page.goto(campaign_page)
    page.get_by_role("button", name="Close the campaign").click()
    expect(page.get_by_role("button", name="Reopen the campaign")).to_be_visible()
    late = new_phone()
    late.page.goto(participant_link)
    expect(late.page.get_by_role("heading", name="Ce questionnaire est fermé")).to_be_visible()
    late.check_phone_layout()
    if SHOTS:
        late.page.screenshot(path=str(Path(SHOTS) / "11-closed-phone.png"), full_page=True)

    page.get_by_role("link", name="Audit log").click()
    expect(page.locator("td", has_text="campaign-closed")).to_be_visible()
    _shot(page, "12-audit")
    with app.app_context():
        assert db.session.scalar(db.select(Campaign).filter_by(status="closed")) is not None
    context.close()
