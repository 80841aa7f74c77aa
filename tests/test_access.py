"""Issue 22, the participant's way in and the researcher's checks: questionnaires reached only
through campaigns and invitations, the home page's public campaigns, invitees never told they
started elsewhere, presentation choices kept on the response, the consent box, the sign-in link,
password rules shown from the start, the contacts import redirecting after its post, a preview
that checks answers as a participant's page does, and publishing after confirmation."""

from __future__ import annotations

import io
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from survey.design import services as design
from survey.design.cli import evaluations_group
from survey.extensions import db
from survey.models import Campaign, Evaluation, QuestionnaireVersion, Response
from survey.models.workspace import CLOSED
from survey.questionnaire import Definition, load_file
from survey.versions import store_definition

from .participant import Participant, responses
from .test_invitations import make_campaign, open_invitation
from .workspace import build_world, csrf, sign_in

EVERY_TYPE = Path(__file__).parent / "data" / "every_type.yaml"
ELSEWHERE = "These answers were started elsewhere"
ELSEWHERE_FR = "Ces réponses ont été commencées ailleurs"


def every_type(app: Flask) -> Definition:
    definition = load_file(EVERY_TYPE)
    with app.app_context():
        store_definition(definition, "every_type.yaml")
    return definition


# -- 1. a questionnaire is answered through a campaign ------------------------------------------

def test_without_a_campaign_the_questionnaire_shows_a_polite_page(app: Flask,
                                                                  client: FlaskClient) -> None:
    for path in ("/q/patients", "/q/patients/consent"):
        reply = client.get(path)
        assert reply.status_code == 403
        assert "Ce questionnaire s’ouvre par son invitation" in reply.text
        assert 'name="start_token"' not in reply.text
    english = client.get("/q/patients/consent?lang=en")
    assert english.status_code == 403 and '<html lang="en">' in english.text
    assert "please open the link of the invitation you received" in english.text
    token = client.get("/q/patients/consent").text  # a forged consent post starts nothing
    assert client.post("/q/patients/consent", data={"agree": "y"}).status_code == 403
    assert "start_token" not in token and responses(app) == []
    participant = Participant(app.test_client())
    participant.start("patients")  # through the campaign's link: the questionnaire opens
    [response] = responses(app)
    assert response.campaign_id is not None


def test_the_home_page_lists_only_the_open_campaigns_of_public_evaluations(
        app: Flask, client: FlaskClient) -> None:
    hidden, shown = make_campaign(app, "patients", "Privée"), make_campaign(app, "citizens",
                                                                            "Publique")
    with app.app_context():
        db.session.get(Campaign, shown).evaluation.is_public = True
        slugs = {ident: db.session.get(Campaign, ident).slug for ident in (hidden, shown)}
        db.session.commit()
    home = client.get("/").text
    assert f"/c/{slugs[shown]}" in home and "Publique" in home
    assert f"/c/{slugs[hidden]}" not in home and "/q/" not in home
    assert '<a href="/login">Se connecter (équipe de recherche)</a>' in home
    with app.app_context():
        db.session.get(Campaign, shown).status = CLOSED
        db.session.commit()
    home = client.get("/").text
    assert f"/c/{slugs[shown]}" not in home
    assert "Aucun questionnaire n’est ouvert à tout le monde" in home


def test_the_demonstration_is_public_and_other_evaluations_are_not_by_default(
        app: Flask) -> None:
    with app.app_context():
        demo = design.ensure_demo()
        other = design.create_evaluation(None, name="Clinique")
        assert demo.is_public and not other.is_public
        ident = other.id
    runner = app.test_cli_runner()
    result = runner.invoke(evaluations_group, ["public", str(ident), "on"])
    assert result.exit_code == 0 and result.output.strip() == f"{ident}\tpublic"
    result = runner.invoke(evaluations_group, ["create", "Coop", "--public"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.get(Evaluation, ident).is_public
        assert db.session.get(Evaluation, int(result.output)).is_public


def test_the_evaluation_form_sets_whether_it_is_public(app: Flask) -> None:
    world = build_world(app, passwords=False)
    client = app.test_client()
    sign_in(client, app, world.users["researcher"])
    url = f"/design/e/{world.a.evaluation}/edit"
    page = client.get(url)
    assert 'name="is_public"' in page.text and "checked" not in page.text.split(
        'name="is_public"')[1].split(">")[0]
    saved = client.post(url, data={"csrf_token": csrf(page), "name": "A", "is_public": "y"})
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.get(Evaluation, world.a.evaluation).is_public
    page = client.get(url)
    client.post(url, data={"csrf_token": csrf(page), "name": "A"})
    with app.app_context():
        assert not db.session.get(Evaluation, world.a.evaluation).is_public


# -- 2. invitees are not told they started elsewhere -------------------------------------------

def test_an_invitee_is_never_told_their_answers_were_started_elsewhere(
        app: Flask, bundled: dict[str, Definition]) -> None:
    token = open_invitation(app, make_campaign(app))
    phone = Participant(app.test_client())
    phone.get(f"/i/{token}")
    phone.get(f"/i/{token}/consent")
    phone.post([("agree", "y")], nav=None)
    assert phone.section == "your_visit"
    assert ELSEWHERE_FR not in phone.html
    phone.answer_page(bundled["patients"])
    laptop = Participant(app.test_client())  # the same invitation, on another device
    laptop.get(f"/i/{token}")
    assert laptop.section is not None and ELSEWHERE_FR not in laptop.html
    assert len(responses(app)) == 1
    phone.get("/q/patients/later")  # a private resume link still says where it comes from
    link = re.search(r"/r/[A-Za-z0-9_-]{20,}", phone.html).group(0)
    stranger = Participant(app.test_client())
    stranger.get(link)
    assert ELSEWHERE_FR in stranger.html


# -- 4. presentation choices, consent box, sign in, passwords, contacts import -----------------

def test_the_response_keeps_the_language_and_brings_it_to_another_device(
        app: Flask, bundled: dict[str, Definition]) -> None:
    phone = Participant(app.test_client())
    phone.start("patients", "en")
    assert responses(app)[0].language == "en"
    phone.get(phone.path + "?lang=fr")  # switching while answering updates the response
    assert '<html lang="fr">' in phone.html and responses(app)[0].language == "fr"
    phone.get(phone.path + "?lang=en")
    phone.answer_page(bundled["patients"], nav="later")
    link = re.search(r"/r/[A-Za-z0-9_-]{20,}", phone.html).group(0)
    laptop = Participant(app.test_client())
    laptop.get("/?lang=fr")  # this device speaks French, the response English
    laptop.get(link)
    assert '<html lang="en">' in laptop.html and laptop.section is not None
    assert responses(app)[0].language == "en"


def test_an_unknown_consent_value_shows_the_consent_page_again(app: Flask) -> None:
    for value, lang, message in (("yes-please", "fr", "Pour participer, veuillez cocher"),
                                 ("1", "en", "To take part, please tick the box")):
        participant = Participant(app.test_client())
        participant.enter("patients", lang)
        participant.get("/q/patients/consent")
        token = re.search(r'name="start_token" type="hidden" value="([^"]+)"', participant.html)
        participant.post([("start_token", token.group(1)), ("agree", value)], nav=None)
        assert participant.status == 422 and participant.path == "/q/patients/consent"
        assert message in participant.html and 'id="error-summary"' in participant.html
    invitation = Participant(app.test_client())
    token = open_invitation(app, make_campaign(app))
    invitation.get(f"/i/{token}/consent")
    invitation.post([("agree", "on")], nav=None)
    assert invitation.status == 422 and "Pour participer, veuillez cocher" in invitation.html
    assert responses(app) == []


def test_password_rules_are_shown_beside_the_field_from_the_start(app: Flask) -> None:
    from survey.auth import accounts

    with app.app_context():
        first = accounts.issue_link(accounts.FIRST_ADMIN)
    rules = "Au moins 10 caractères, et pas votre adresse courriel."
    welcome = app.test_client().get(f"/welcome/{first}")  # while no administrator exists
    assert welcome.status_code == 200 and rules in welcome.text
    world = build_world(app, passwords=False)
    client = app.test_client()
    sign_in(client, app, world.users["researcher"])
    page = client.get("/account/password")
    assert page.status_code == 200 and rules in page.text
    assert 'aria-describedby="password-hint"' in page.text


def test_the_contacts_import_redirects_and_a_reload_imports_nothing(app: Flask) -> None:
    world = build_world(app, passwords=False)
    client = app.test_client()
    sign_in(client, app, world.users["researcher"])
    base = f"/design/e/{world.a.evaluation}/campaigns/{world.a.campaign}/invitations"
    page = client.get(base)
    posted = client.post(base + "/import", data={
        "csrf_token": csrf(page), "contacts": (io.BytesIO(
            b"email,name\nawa@example.org,Awa\nnot-an-address,X\n"), "c.csv")},
        content_type="multipart/form-data")
    assert posted.status_code == 302 and posted.headers["Location"] == base
    for _ in range(2):  # the page and its reload: the same report, one import
        shown = client.get(base).text
        assert "1 contact ajouté\u00a0: aucun message envoyé" in shown
        assert "1 ligne a été refusée" in shown
    with app.app_context():
        from survey.models import Invitation

        assert db.session.scalar(select(func.count(Invitation.id))) == 1


# -- 3. the preview checks answers as the participant's pages do, and stores nothing ----------

def _draft(app: Flask, client: FlaskClient) -> tuple[str, int]:
    world = build_world(app, passwords=False)
    sign_in(client, app, world.users["researcher"])
    base = f"/design/e/{world.a.evaluation}/questionnaires"
    page = client.get(base)
    uploaded = client.post(base + "/upload", data={
        "csrf_token": csrf(page), "file": (io.BytesIO(EVERY_TYPE.read_bytes()), "e.yaml")},
        content_type="multipart/form-data")
    assert uploaded.status_code == 302
    return uploaded.headers["Location"], world.a.evaluation


def _preview_post(client: FlaskClient, url: str, page_html: str, pairs: list[tuple[str, str]],
                  nav: str = "next"):  # noqa: ANN202
    state = re.search(r'name="preview_state" type="hidden" value="([^"]*)"', page_html)
    action = re.search(r'<form method="post" action="([^"]+)"', page_html).group(1)
    data = [*pairs, ("csrf_token", csrf_of(page_html)), ("nav", nav),
            ("preview_state", state.group(1) if state else "")]
    from werkzeug.datastructures import MultiDict

    return client.post(action or url, data=MultiDict(data))


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_the_preview_enforces_required_answers_constraints_and_skip_logic(
        app: Flask, client: FlaskClient) -> None:
    draft_url, _ = _draft(app, client)
    with app.app_context():
        before = (db.session.scalar(select(func.count(Response.id))),
                  db.session.scalar(select(func.count(QuestionnaireVersion.id))))
    first = client.get(f"{draft_url}/preview/fr/1")
    assert 'method="post"' in first.text
    refused = _preview_post(client, draft_url, first.text, [])
    assert refused.status_code == 422
    assert "Veuillez répondre à cette question." in refused.text  # service is required
    assert 'id="error-summary"' in refused.text
    broken = _preview_post(client, draft_url, refused.text,
                           [("service", "clinic"), ("used", "yes"), ("visits", "60")])
    assert broken.status_code == 422 and "Au plus 52 visites par an." in broken.text
    english = client.get(f"{draft_url}/preview/en/1")
    refused_en = _preview_post(client, draft_url, english.text, [("used", "yes"),
                                                                   ("visits", "60")])
    assert "At most 52 visits a year." in refused_en.text
    assert "Please answer this question." in refused_en.text
    moved = _preview_post(client, draft_url, broken.text,
                          [("service", "clinic"), ("used", "no")])
    assert moved.status_code == 200
    assert "<h1>Votre équipe</h1>" in moved.text or "Page 2 de" in moved.text
    # used = no skips the opinions page, as on the participant's pages
    assert "Vos opinions" not in moved.text.split("<h1>")[1].split("</h1>")[0]
    tampered = moved.text.replace('name="preview_state" type="hidden" value="',
                                  'name="preview_state" type="hidden" value="x')
    again = _preview_post(client, draft_url, tampered, [], nav="back")
    assert again.status_code == 200 and 'value="clinic" checked' not in again.text
    with app.app_context():
        after = (db.session.scalar(select(func.count(Response.id))),
                 db.session.scalar(select(func.count(QuestionnaireVersion.id))))
    assert after == before  # nothing stored


def test_the_preview_finishes_as_a_participant_would(app: Flask, client: FlaskClient,
                                                     ) -> None:
    draft_url, _ = _draft(app, client)
    definition = load_file(EVERY_TYPE)
    page = client.get(f"{draft_url}/preview/en/1")
    for _ in range(len(definition.sections) + 1):
        section_title = re.search(r"<h1>([^<]+)</h1>", page.text).group(1)
        if section_title == "End of the questionnaire":
            break
        section = next(s for s in definition.sections if s.title["en"] == section_title)
        pairs = [pair for item in section.items
                 for pair in item.itemtype.example(item, definition.roster(item))]
        page = _preview_post(client, draft_url, page.text, pairs)
        assert page.status_code == 200, page.text[:2000]
    assert "a participant would now see the thank-you page" in page.text


# -- 1. publishing asks for confirmation and shows the conversion's notes ---------------------

def test_publishing_shows_the_conversion_notes_and_asks_first(app: Flask,
                                                             client: FlaskClient) -> None:
    world = build_world(app, passwords=False)
    sign_in(client, app, world.users["researcher"])
    base = f"/design/e/{world.a.evaluation}/questionnaires"
    plain = Path(__file__).parent / "data" / "xlsforms" / "pyxform__text_and_integer.xlsx"
    page = client.get(base)
    uploaded = client.post(base + "/upload", data={
        "csrf_token": csrf(page), "file": (io.BytesIO(plain.read_bytes()), "plain.xlsx")},
        content_type="multipart/form-data")
    draft_url = uploaded.headers["Location"].split("?")[0]
    content_hash = draft_url.rstrip("/").split("/")[-1]
    draft = client.get(draft_url).text
    assert f'href="{draft_url}/publish"' in draft and 'action="' + draft_url + '/publish"' \
        not in draft  # the draft page links to the confirmation, it does not publish
    confirm = client.get(f"{draft_url}/publish")
    assert confirm.status_code == 200
    assert "a standard consent text" in confirm.text and "no audience column" in confirm.text
    assert 'value="publish"' in confirm.text
    unconfirmed = client.post(f"{draft_url}/publish", data={"csrf_token": csrf(confirm)})
    assert unconfirmed.status_code == 200 and "a standard consent text" in unconfirmed.text
    with app.app_context():
        assert db.session.scalar(select(QuestionnaireVersion).filter_by(
            content_hash=content_hash)) is None
    done = client.post(f"{draft_url}/publish", data={"csrf_token": csrf(confirm),
                                                     "confirm": "publish"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(QuestionnaireVersion).filter_by(
            content_hash=content_hash)) is not None

