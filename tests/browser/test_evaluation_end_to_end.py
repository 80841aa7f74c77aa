"""A whole evaluation as its users run it (issue 22's "done when"), in real browsers: an
administrator creates an evaluation with two sites, two waves and a team roster; a researcher
uploads a questionnaire whose leadership nominations name the campaign's team
(``tests/data/team_network.yaml``), publishes it (nothing becomes answerable), opens campaigns,
imports contacts, sends invitations and a reminder through a real SMTP server; invitees answer
through their links on 360-px phones in French and English, others through the open link;
monitoring shows rates no higher than 100 %; the results page draws the team's leadership
network; CSV, XLSX, SPSS and the codebook carry the roster's names; a partner sees suppressed
aggregates and no name.

With ``SURVEY_SCREENSHOTS=<dir>``, each page is saved there as a PNG to look at.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pyreadstat
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from survey.cli import first_run
from survey.extensions import db
from survey.models import Response

from ..mailserver import Inbox, smtp_server  # noqa: F401 - the fixture
from .conftest import LiveServer, Phone

pytestmark = pytest.mark.browser
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "fr-CA"}
SHOTS = os.environ.get("SURVEY_SCREENSHOTS")
FIXTURE = Path(__file__).parents[1] / "data" / "team_network.yaml"
TEAM = ["Alex Martin", "Sam Roy", "Kim Tran", "Lou Gagnon", "Noa Petit", "Eli Fortin"]
PASSWORD = "a long pass phrase"


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"e2e-{name}.png"), full_page=True)


def sign_up(browser: Browser, link: str) -> Page:
    """Follow a one-time account link in a desktop browser and choose a password."""
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(link)
    page.get_by_label("Nouveau mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Nouveau mot de passe, encore").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    shot(page, "00-signed-up")
    expect(page.get_by_role("heading", name="Évaluations")).to_be_visible()
    return page


def add_member(page: Page, server: LiveServer, evaluation_url: str, email: str,
               role: str) -> str:
    """As the researcher: add a member; the one-time link shown for the new account."""
    page.goto(evaluation_url)
    page.get_by_role("link", name="Membres et rôles").click()
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Rôle", exact=True).select_option(role)
    page.get_by_role("button", name="Ajouter", exact=True).click()
    return page.locator("p.notice code").inner_text().strip()


def invitation_links(inbox: Inbox) -> dict[str, str]:
    """Address -> the personal link of the messages the SMTP server received that carry one
    (account messages carry none)."""
    links = {}
    for message in inbox.messages:
        found = re.search(r"(http://\S+/i/\S+)", message.get_body(("plain",)).get_content())
        if found:
            links[message["To"].addresses[0].addr_spec] = found.group(1)
    return links


def answer_network(phone: Phone, me: str, leaders: dict[str, int], lang: str) -> None:
    """Consent, the teamwork page, then who I am and whom I rely on (names tapped)."""
    phone.page.get_by_role("link", name=re.compile("Commencer|Start")).click()
    phone.consent()
    for code in ("tw_decide", "tw_voice", "tw_alone_r"):
        phone.page.locator(f'label[for="{code}-4"]').click()
    phone.check_phone_layout()
    phone.submit()
    phone.page.locator("#q-me .nominee label", has_text=me).click()
    for name, rating in leaders.items():
        nominee = phone.page.locator("#q-leaders .nominee", has_text=name)
        nominee.locator("label").first.click()
        nominee.locator("fieldset.rating label").nth(rating - 1).click()
    phone.check_phone_layout()
    shot(phone.page, f"phone-network-{lang}")
    phone.submit()
    expect(phone.page.locator("h1")).to_contain_text("Merci" if lang == "fr" else "Thank you")


def test_a_whole_evaluation_runs_end_to_end(
        browser: Browser, live_server: LiveServer, new_phone: Callable[..., Phone],
        smtp_server: Inbox, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:  # noqa: F811
    app = live_server.app
    app.config.update(smtp_server.config(MIN_DAYS_BETWEEN_MESSAGES=0))
    with app.app_context():
        first_run()
    link = re.search(r"(http://\S+/welcome/\S+)", capsys.readouterr().out).group(1)

    # -- the administrator: an evaluation, two sites, two waves, a team and its roster --------
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(20_000)
    admin = context.new_page()
    admin.goto(link)
    admin.get_by_label("Courriel").fill("admin@example.org")
    admin.get_by_label("Nouveau mot de passe", exact=True).fill(PASSWORD)
    admin.get_by_label("Nouveau mot de passe, encore").fill(PASSWORD)
    admin.locator("form button[type=submit]").last.click()
    expect(admin.get_by_role("heading", name="Évaluations")).to_be_visible()
    admin.get_by_role("link", name="Nouvelle évaluation").click()
    admin.get_by_label("Nom de l'évaluation").fill("Leadership partagé <Nord>")
    admin.get_by_label("Personne responsable").fill("Dre Léa Roy")
    admin.get_by_label("Courriel de contact").fill("lea.roy@example.org")
    with admin.expect_navigation():
        admin.locator("form button[type=submit]").last.click()
    evaluation_id = int(re.search(r"/design/e/(\d+)", admin.url).group(1))
    evaluation_url = f"{live_server.url}/design/e/{evaluation_id}"
    for name in ("Nord", "Sud"):
        admin.locator("#site-name").fill(name)
        admin.locator("#site-name").locator("xpath=ancestor::form").locator(
            "button[type=submit]").click()
    for code in ("T0", "T1"):
        admin.locator("#wave-code").fill(code)
        admin.locator("#wave-code").locator("xpath=ancestor::form").locator(
            "button[type=submit]").click()
    admin.locator("#team-name").fill("Équipe soins")
    admin.locator("#team-name").locator("xpath=ancestor::form").locator(
        "button[type=submit]").click()
    admin.get_by_label("Membres, un par ligne").fill("\n".join(TEAM))
    admin.get_by_role("button", name="Enregistrer la liste").click()
    expect(admin.get_by_text("Eli Fortin").last).to_be_visible()
    shot(admin, "01-team")
    researcher_link = add_member(admin, live_server, evaluation_url, "ana@example.org",
                                 "researcher")
    partner_link = add_member(admin, live_server, evaluation_url, "partner@example.org",
                              "partner")

    # -- the researcher: upload, publish (nothing answerable), campaigns -----------------------
    page = sign_up(browser, researcher_link)
    page.goto(evaluation_url + "/questionnaires")
    shot(page, "02-questionnaires")
    page.get_by_label(re.compile("Définition YAML, XLSForm")).set_input_files(str(FIXTURE))
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Vérifier")).click()
    expect(page.get_by_role("heading", name=re.compile("team_network"))).to_be_visible()
    shot(page, "02-draft")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Publier cette version")).click()
    shot(page, "03-publish-confirm")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Publier cette version")).click()
    stranger = new_phone()
    stranger.goto("/q/team_network")
    expect(stranger.page.locator("body")).not_to_contain_text("Je suis d'accord")
    assert stranger.section is None

    page.goto(evaluation_url)
    page.get_by_role("link", name="Nouvelle campagne").click()
    version = page.locator("#version option", has_text="team_network").first.get_attribute(
        "value")
    page.locator("#version").select_option(version)
    page.locator("#site").select_option(label="Nord")
    page.locator("#wave").select_option(label="T0")
    page.locator("#team").select_option(label="Nord · Équipe soins")
    page.locator("form button[type=submit]").last.click()
    page.get_by_role("button", name="Ouvrir la campagne").click()
    campaign_url = page.url
    open_link = page.locator("code.link").inner_text().strip()
    shot(page, "04-campaign")

    # -- invitations and a reminder through the SMTP server ------------------------------------
    page.get_by_role("link", name=re.compile("Invitations")).click()
    contacts = "email,name,language\n" + "".join(
        f"member{n}@example.org,Member {n},{'fr' if n % 2 else 'en'}\n" for n in range(1, 5))
    page.get_by_label(re.compile("Fichier de contacts")).set_input_files(
        {"name": "contacts.csv", "mimeType": "text/csv", "buffer": contacts.encode()})
    page.locator("form[enctype] button[type=submit]").first.click()
    page.get_by_label("Invitation", exact=True).check()
    page.get_by_label("Maintenant", exact=True).check()
    page.get_by_role("button", name=re.compile("Envoyer")).click()
    expect(page.get_by_role("status").first).to_contain_text("4")
    invitations_url = page.url
    links = invitation_links(smtp_server)
    assert sorted(links) == [f"member{n}@example.org" for n in range(1, 5)]
    sent = len(smtp_server.messages)
    shot(page, "05-invitations")

    # Invitees answer on phones: two in French, one in English; member 4 does not answer yet.
    plan = [("member1@example.org", "fr", "Alex Martin", {"Sam Roy": 4, "Kim Tran": 5}),
            ("member2@example.org", "en", "Sam Roy", {"Alex Martin": 3}),
            ("member3@example.org", "fr", "Kim Tran", {"Alex Martin": 5, "Noa Petit": 2})]
    for address, lang, me, leaders in plan:
        phone = new_phone(locale="en-GB" if lang == "en" else "fr-FR")
        phone.page.goto(links[address] + ("?lang=en" if lang == "en" else ""))
        answer_network(phone, me, leaders, lang)
    # A reminder reaches the one who has not answered, once.
    page.goto(invitations_url)
    page.get_by_label("Rappel", exact=True).check()
    page.get_by_label("Maintenant", exact=True).check()
    page.get_by_role("button", name=re.compile("Envoyer")).click()
    reminded = [m["To"].addresses[0].addr_spec for m in smtp_server.messages[sent:]]
    assert reminded == ["member4@example.org"]
    assert invitation_links(smtp_server)["member4@example.org"] == links["member4@example.org"]
    phone = new_phone()
    phone.page.goto(links["member4@example.org"])
    answer_network(phone, "Lou Gagnon", {"Alex Martin": 4}, "fr")
    # Two more answer through the open link (a QR poster in the staff room).
    for me, leaders in (("Noa Petit", {"Alex Martin": 5}), ("Eli Fortin", {"Kim Tran": 3})):
        phone = new_phone()
        phone.page.goto(open_link)
        answer_network(phone, me, leaders, "fr")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Response).where(
            Response.status == "completed")) == 6

    # -- monitoring: invited completes over invitations sent, the open link apart --------------
    page.goto(campaign_url)
    page.get_by_role("link", name="Suivi", exact=True).click()
    text = page.locator("main").inner_text()
    rates = [int(r) for r in re.findall(r"(\d+)\s*%", text)]
    assert rates and max(rates) <= 100, text
    assert re.search(r"100\s%", text), text  # the four invitees all answered
    shot(page, "06-monitoring")

    # -- results: the team's leadership network with its members' names ------------------------
    page.goto(f"{live_server.url}/results/e/{evaluation_id}?q=team_network")
    figures = [json.loads(f) for f in page.locator("figure.chart").evaluate_all(
        "els => els.map(e => e.dataset.figure)")]
    network = [f for f in figures
               if "Équipe soins" in json.dumps(f["layout"]["title"], ensure_ascii=False)]
    assert network, "no leadership network of the team"
    names = {t for trace in network[0]["data"] for t in trace.get("text", []) or []}
    assert set(TEAM) <= names
    shot(page, "07-results")

    # -- downloads carry the roster's names ----------------------------------------------------
    results = page.url.split("?")[0]

    def download(fmt: str) -> bytes:
        response = page.request.get(f"{results}/download/{fmt}?q=team_network")
        assert response.status == 200, fmt
        return response.body()

    book = json.loads(download("codebook"))
    assert [e["label"]["fr"] for e in book["team_rosters"]["Équipe soins"]] == TEAM
    assert "p1" in download("csv").decode()  # codes, as analysis tools read them
    assert "Alex Martin" in download("csv-fr").decode("utf-8-sig")  # labels, for Excel
    workbook = load_workbook(io.BytesIO(download("xlsx")), read_only=True)
    assert ["Équipe soins", "p1", "Alex Martin", None] in [
        list(r) for r in workbook["rosters"].iter_rows(values_only=True)]
    sav = tmp_path / "e2e.sav"
    sav.write_bytes(download("sav"))
    _, meta = pyreadstat.read_sav(str(sav))
    assert "Alex Martin" in meta.variable_value_labels["me"].values()

    # -- a partner: aggregates, suppressed where small, and no name ---------------------------
    partner = sign_up(browser, partner_link)
    partner.goto(results + "?q=team_network")
    shot(partner, "08-partner-results")
    html = partner.content()
    for name in TEAM:
        assert name not in html
    partner.goto(campaign_url)
    assert "Alex Martin" not in partner.content()
    partner.get_by_role("link", name="Suivi", exact=True).click()
    expect(partner.locator("main")).to_contain_text("< 5")
    shot(partner, "09-partner-monitoring")
    assert partner.goto(results + "/download/csv?q=team_network").status == 403
    context.close()
